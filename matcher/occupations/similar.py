"""Related occupations: a transferable-skills analysis over O*NET profiles.

For a person's occupation ``a`` every other occupation ``b`` is scored by a
weighted mean of components (``WEIGHTS``), each a cosine in [0, 1]:

* ``text`` — TF-IDF of the title, description and task statements (the words
  of what people in the job do);
* ``titles`` — TF-IDF of the words of its alternate and reported titles (what
  employers and workers call the job);
* ``activities`` — TF-IDF-weighted detailed work activities (DWAs, weighted by
  task links, rare DWAs count more), averaged with the same over their
  intermediate activities (IWAs) so near-identical work still meets;
* ``skills`` / ``knowledge`` — importance x level profiles, standardised per
  element so that what every job needs (Active Listening) does not make all
  jobs alike;
* ``technology`` — TF-IDF-weighted technology examples (rare ones count
  more; common office tools, see :func:`office_tool`, are left out);
* ``interests`` — correlation of the RIASEC profiles.

Cosines of different components live on different scales (two task texts
rarely exceed 0.1, two RIASEC profiles often reach 0.9), so each component
is divided by its 99th percentile over pairs of occupations (estimated on
every fifth occupation) before the weights apply; the weighted mean is
mapped to [0, 1) by ``tanh`` (nearly linear below 0.5, no ties at the top).

A component either occupation lacks is left out and the weights
renormalised; a candidate missing components the query has is discounted by
the share of weight it covers, so profile-less "All Other" occupations do not
outrank rated ones on text alone. An occupation without ratings (the "All
Other" and military codes) is compared on ``text`` and ``titles`` only, and
its results say so (``basis="text"``).

The mean is multiplied by a Job Zone factor (:func:`zone_factor`): a move to
a job needing more preparation is less transferable, steeply so for a jump of
two zones or more; one to a job needing less costs little. The weights were
chosen on a proxy anyone can rerun (``python -m bench.related``: ESCO
occupations linked to O*NET by title, with ESCO's occupation-skill relations
as the relatedness signal), never on a list of expert-chosen neighbours; see
``docs/occupations.md``. Reasons (:func:`shared_reasons`) are the most
distinctive shared work activities and skills, and a technology only when it
is rare and not an office tool.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

from matcher.errors import MatcherError
from matcher.occupations.profile import office_tool, standardize, technology_share
from matcher.occupations.store import OccupationStore
from matcher.occupations.titles import MIN_CONFIDENCE, resolve_title
from matcher.vocab import analyze

# Chosen on the tuning half of the ESCO proxy (``python -m bench.related --tune``); sum to 1.
# Skills get no weight: on the proxy they add nothing once knowledge and the task texts are in.
WEIGHTS = {
    "text": 0.26,
    "titles": 0.40,
    "activities": 0.05,
    "skills": 0.0,
    "knowledge": 0.10,
    "technology": 0.05,
    "interests": 0.14,
}
SCALE_PERCENTILE = 99.0  # each component is divided by this percentile of its positive scores
TEXT_COMPONENTS = ("text", "titles")  # available for every occupation
ZONE_UP, ZONE_JUMP, ZONE_DOWN = 0.1, 0.45, 0.03
RARE_TECHNOLOGY = 0.1  # a technology named as a reason: listed for under 10% of occupations
_CODE = re.compile(r"^\d{2}-\d{4}(\.\d{2})?$")
_REASON_SOURCES = (0, 1, 2)  # occupation, reported and alternate titles (not ESCO or synonyms)


class OccupationNotFound(MatcherError, LookupError):
    """A title or code that names no occupation in the store."""


@dataclass(frozen=True, slots=True)
class Related:
    """An occupation related to the query, with the shared skills and activities.

    ``basis`` is ``"profile"`` when O*NET ratings were compared, ``"text"``
    when the query occupation has none (its title, description and titles
    were compared instead).
    """

    code: str
    title: str
    score: float
    shared: list[str]
    job_zone: int | None
    basis: str = "profile"


def zone_factor(dz: np.ndarray) -> np.ndarray:
    """Job Zone factor for moves of ``dz`` zones (positive: more preparation needed).

    One zone up costs ``ZONE_UP``, each further zone ``ZONE_UP + ZONE_JUMP``
    (a two-zone jump keeps about a third of the score); each zone down costs ``ZONE_DOWN``.
    """
    up = np.maximum(dz, 0)
    down = np.maximum(-dz, 0)
    factor = 1.0 - ZONE_UP * up - ZONE_JUMP * np.maximum(up - 1, 0) - ZONE_DOWN * down
    return np.asarray(np.clip(factor, 0.05, 1.0))


def _tfidf(rows: list[list[tuple[str, float]]]) -> sp.csr_matrix:
    vocab: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for row in rows:
        for key, weight in row:
            indices.append(vocab.setdefault(key, len(vocab)))
            data.append(weight)
        indptr.append(len(indices))
    counts = sp.csr_matrix((data, indices, indptr), shape=(len(rows), max(1, len(vocab))))
    counts.sum_duplicates()
    return sp.csr_matrix(TfidfTransformer(sublinear_tf=True).fit_transform(counts))


def _text_matrix(docs: Sequence[str]) -> sp.csr_matrix:
    return sp.csr_matrix(TfidfVectorizer(analyzer=analyze, sublinear_tf=True).fit_transform(docs))


def occupation_text(store: OccupationStore, row: int) -> str:
    """Title (twice), description and task statements: the ``text`` component's document."""
    title = store.titles[row]
    return " ".join((title, title, store.descriptions[row], *store.tasks[row]))


def _title_docs(store: OccupationStore) -> list[str]:
    docs = [[t] for t in store.titles]
    for text, owner, source in zip(store.title_texts, store.title_owner, store.title_source, strict=True):
        if int(source) in _REASON_SOURCES:
            docs[int(owner)].append(text)
    return [" ; ".join(d) for d in docs]


def _profile_matrix(importance: np.ndarray, level: np.ndarray) -> np.ndarray:
    z = np.nan_to_num(standardize(importance * level))
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    return np.asarray(z / np.where(norms > 0, norms, 1.0), dtype=np.float64)


def _technology_rows(store: OccupationStore) -> list[list[tuple[str, float]]]:
    share = technology_share(store)
    return [
        [(t.example, 1.0 if t.hot or t.demand else 0.5) for t in techs if not office_tool(t, share)]
        for techs in store.technology
    ]


@dataclass(frozen=True, eq=False)
class _Features:
    sparse: dict[str, sp.csr_matrix]
    dense: dict[str, np.ndarray]
    has: dict[str, np.ndarray]
    scale: dict[str, float]


def _features(store: OccupationStore) -> _Features:
    """Per-occupation vectors, built once per store."""
    kept = store.cache.get("similar2")
    if isinstance(kept, _Features):
        return kept
    rated = np.isfinite(store.riasec).all(axis=1, keepdims=True)
    riasec = np.where(rated, store.riasec, 0.0)
    riasec = np.where(rated, riasec - riasec.mean(axis=1, keepdims=True), 0.0)
    tech_rows = _technology_rows(store)
    n = len(store)
    feats = _Features(
        sparse={
            "text": _text_matrix([occupation_text(store, i) for i in range(n)]),
            "titles": _text_matrix(_title_docs(store)),
            "dwa": _tfidf([[(d, 1.0) for d in a] for a in store.activities]),
            "iwa": _tfidf([[(store.dwa_iwa.get(d, d), 1.0) for d in a] for a in store.activities]),
            "technology": _tfidf(tech_rows),
        },
        dense={
            "skills": _profile_matrix(store.skill_importance, store.skill_level),
            "knowledge": _profile_matrix(store.knowledge_importance, store.knowledge_level),
            "interests": np.asarray(normalize(np.nan_to_num(riasec))),
        },
        has={
            "text": np.ones(n, dtype=bool),
            "titles": np.ones(n, dtype=bool),
            "activities": np.asarray([len(a) > 0 for a in store.activities]),
            "skills": np.isfinite(store.skill_importance).any(axis=1),
            "knowledge": np.isfinite(store.knowledge_importance).any(axis=1),
            "technology": np.asarray([len(t) > 0 for t in tech_rows]),
            "interests": np.isfinite(store.riasec).all(axis=1),
        },
        scale=dict.fromkeys(WEIGHTS, 1.0),
    )
    sample = np.arange(0, n, 5)
    raw = _raw_scores(feats, sample)
    for name, scores in raw.items():
        positive = scores[(scores > 0) & (sample[:, None] != np.arange(n)[None, :])]
        if positive.size:
            feats.scale[name] = float(np.percentile(positive, SCALE_PERCENTILE))
    store.cache["similar2"] = feats
    return feats


def _raw_scores(f: _Features, idx: np.ndarray) -> dict[str, np.ndarray]:
    """Unscaled cosines of the occupations ``idx`` to every occupation, per component."""

    def cos_sparse(name: str) -> np.ndarray:
        m = f.sparse[name]
        return np.asarray((m[idx] @ m.T).toarray())

    def cos_dense(name: str) -> np.ndarray:
        m = f.dense[name]
        return np.asarray(np.clip(m[idx] @ m.T, 0.0, 1.0))

    out = {
        "text": cos_sparse("text"),
        "titles": cos_sparse("titles"),
        "activities": (cos_sparse("dwa") + cos_sparse("iwa")) / 2.0,
        "skills": cos_dense("skills"),
        "knowledge": cos_dense("knowledge"),
        "technology": cos_sparse("technology"),
        "interests": cos_dense("interests"),
    }
    for name, scores in out.items():
        both = f.has[name][idx][:, None] & f.has[name][None, :]
        out[name] = np.where(both, np.clip(scores, 0.0, 1.0), 0.0)
    return out


def raw_component_scores(store: OccupationStore, rows: Sequence[int] | np.ndarray) -> dict[str, np.ndarray]:
    """Each component's cosine (0-1, unscaled) of the occupations ``rows`` to every occupation."""
    return _raw_scores(_features(store), np.asarray(rows, dtype=np.int64))


def component_scores(store: OccupationStore, rows: Sequence[int] | np.ndarray) -> dict[str, np.ndarray]:
    """Each component's scaled similarity (>= 0, 1 at its 99th percentile) of ``rows`` to every occupation.

    Returns arrays of shape (len(rows), n); a component either side lacks is 0.
    """
    f = _features(store)
    raw = _raw_scores(f, np.asarray(rows, dtype=np.int64))
    return {name: scores / f.scale[name] for name, scores in raw.items()}


def combine(
    store: OccupationStore,
    rows: Sequence[int] | np.ndarray,
    components: dict[str, np.ndarray],
    weights: dict[str, float] = WEIGHTS,
    *,
    zones: bool = True,
) -> np.ndarray:
    """Weighted mean of ``components`` (renormalised, coverage-discounted) x Job Zone factor."""
    has = _features(store).has
    idx = np.asarray(rows, dtype=np.int64)
    shape = (len(idx), len(store))
    total, both_w, query_w = np.zeros(shape), np.zeros(shape), np.zeros((len(idx), 1))
    for name, w in weights.items():
        both = has[name][idx][:, None] & has[name][None, :]
        total += np.where(both, w * components[name], 0.0)
        both_w += np.where(both, w, 0.0)
        query_w += np.where(has[name][idx][:, None], w, 0.0)
    mean = np.divide(total, both_w, out=np.zeros(shape), where=both_w > 0)
    coverage = np.divide(both_w, query_w, out=np.zeros(shape), where=query_w > 0)
    score = np.tanh(mean) * coverage
    if zones:
        zone = store.job_zone
        dz = np.nan_to_num(zone[None, :] - zone[idx][:, None])
        score = score * zone_factor(dz)
    return np.asarray(score)


def transfer_scores(store: OccupationStore, row: int) -> np.ndarray:
    """Transferability (0-1) from occupation ``row`` to every occupation (itself included)."""
    return np.asarray(combine(store, [row], component_scores(store, [row]))[0])


def has_profile(store: OccupationStore, row: int) -> bool:
    """Whether O*NET rates the occupation (else related occupations rest on text alone)."""
    has = _features(store).has
    return any(bool(has[name][row]) for name in WEIGHTS if name not in TEXT_COMPONENTS)


def query_row(store: OccupationStore, query: str, *, min_confidence: float = MIN_CONFIDENCE) -> int:
    """Row of an O*NET-SOC code, or of the best occupation for a job title.

    Raises
    ------
    OccupationNotFound
        If the code is not in the store or the title resolves to nothing.
    """
    text = query.strip()
    if _CODE.match(text):
        try:
            return store.row(text)
        except KeyError:
            raise OccupationNotFound(f"O*NET-SOC code {text!r} is not in the store") from None
    found = resolve_title(store, text, top=1, min_confidence=min_confidence)
    if not found:
        raise OccupationNotFound(f"no occupation found for title {text!r}")
    return store.row(found[0].code)


def _dwa_rarity(store: OccupationStore) -> dict[str, int]:
    """DWA id -> number of occupations listing it."""
    if "dwa_count" not in store.cache:
        counts: dict[str, int] = {}
        for acts in store.activities:
            for d in acts:
                counts[d] = counts.get(d, 0) + 1
        store.cache["dwa_count"] = counts
    return store.cache["dwa_count"]  # type: ignore[no-any-return]


def shared_reasons(store: OccupationStore, a: int, b: int, *, n: int = 5) -> list[str]:
    """The most distinctive shared work activities and skills, and a rare shared technology.

    Activities: shared DWAs, rarest first (failing those, shared IWAs);
    skills: rated important (3+ of 5) and above the all-occupation mean in
    both; technology: a shared example under ``RARE_TECHNOLOGY`` share that
    is not an office tool (so no "Microsoft Excel", no AutoCAD for movers
    who list it among 40 tools).
    """
    count = _dwa_rarity(store)
    dwas_b = set(store.activities[b])
    shared_dwas = sorted((d for d in store.activities[a] if d in dwas_b), key=lambda d: (count[d], d))
    shared = [store.dwa_titles[d].rstrip(".") for d in shared_dwas if d in store.dwa_titles][:3]
    if not shared:
        iwas_b = {store.dwa_iwa.get(d) for d in store.activities[b]}
        iwas = dict.fromkeys(store.dwa_iwa.get(d) for d in store.activities[a])
        shared = [store.iwa_titles[i].rstrip(".") for i in iwas if i in iwas_b and i in store.iwa_titles][:2]
    z = _features(store).dense["skills"]
    with np.errstate(invalid="ignore"):
        im = np.fmin(store.skill_importance[a], store.skill_importance[b])
        ok = np.flatnonzero((im >= 3.0) & (z[a] > 0) & (z[b] > 0))
    shared += [store.skill_names[j] for j in sorted(ok, key=lambda j: -min(z[a][j], z[b][j]))[:2]]
    share = technology_share(store)
    tech_b = {t.example for t in store.technology[b]}
    rare = [
        t.example
        for t in store.technology[a]
        if t.example in tech_b and share[t.example] < RARE_TECHNOLOGY and not office_tool(t, share)
    ]
    shared += rare[:1]
    return list(dict.fromkeys(shared))[:n]


def similar_occupations(
    store: OccupationStore, query: str, *, top: int = 20, min_confidence: float = MIN_CONFIDENCE
) -> list[Related]:
    """Occupations a person from ``query`` could most easily move to.

    Parameters
    ----------
    store : OccupationStore
    query : str
        An O*NET-SOC code ("35-9021.00") or a job title ("dishwasher").
    top : int
        At most this many occupations, best first.
    min_confidence : float
        Title resolution threshold for a title query.

    Returns
    -------
    list of Related
        Scores in [0, 1] (three decimals), ties broken by code; ``shared``
        names the shared work activities, skills and technology; ``basis``
        says whether ratings or only text were compared.

    Raises
    ------
    OccupationNotFound
        If the query names no occupation.
    """
    row = query_row(store, query, min_confidence=min_confidence)
    basis = "profile" if has_profile(store, row) else "text"
    scores = np.round(transfer_scores(store, row), 3)
    scores[row] = -1.0
    order = [int(i) for i in np.lexsort((np.arange(len(store)), -scores)) if scores[i] > 0][:top]
    return [
        Related(
            code=store.codes[i],
            title=store.titles[i],
            score=max(0.0, float(scores[i])),
            shared=shared_reasons(store, row, i),
            job_zone=int(store.job_zone[i]) if np.isfinite(store.job_zone[i]) else None,
            basis=basis,
        )
        for i in order
    ]
