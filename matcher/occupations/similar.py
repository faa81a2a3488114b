"""Related occupations: a transferable-skills analysis over O*NET profiles.

For a person's occupation ``a`` every other occupation ``b`` is scored by a
weighted mean of what the data supports (``WEIGHTS``), each in [0, 1]:

* ``activities`` — cosine of TF-IDF-weighted detailed work activities (DWAs,
  weighted by task links; rare DWAs count more), averaged with the same over
  their intermediate activities (IWAs) so near-identical work still meets;
* ``skills`` / ``knowledge`` — cosine of importance x level profiles,
  standardised per element so that what every job needs (Active Listening)
  does not make all jobs alike, mapped from [-1, 1] to [0, 1];
* ``technology`` — cosine of TF-IDF-weighted technology examples;
* ``interests`` — correlation of the RIASEC profiles, mapped to [0, 1].

Components an occupation lacks are left out and the weights renormalised.
The mean is multiplied by a Job Zone factor: moving to a job needing more
preparation is less transferable (``1 - 0.2`` per zone up) than to one needing
less (``1 - 0.05`` per zone down). Reasons list the shared work activities,
skills and technology that carry the match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize

from matcher.errors import MatcherError
from matcher.occupations.profile import distinctive_technology, standardize
from matcher.occupations.store import OccupationStore
from matcher.occupations.titles import MIN_CONFIDENCE, resolve_title

WEIGHTS = {"activities": 0.4, "skills": 0.2, "knowledge": 0.15, "technology": 0.1, "interests": 0.15}
ZONE_UP, ZONE_DOWN = 0.2, 0.05
_CODE = re.compile(r"^\d{2}-\d{4}(\.\d{2})?$")


class OccupationNotFound(MatcherError, LookupError):
    """A title or code that names no occupation in the store."""


@dataclass(frozen=True, slots=True)
class Related:
    """An occupation related to the query, with the shared skills and activities."""

    code: str
    title: str
    score: float
    shared: list[str]
    job_zone: int | None


def _tfidf(rows: list[list[tuple[str, float]]]) -> tuple[sp.csr_matrix, list[str]]:
    vocab: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for row in rows:
        for key, weight in row:
            indices.append(vocab.setdefault(key, len(vocab)))
            data.append(weight)
        indptr.append(len(indices))
    counts = sp.csr_matrix((data, indices, indptr), shape=(len(rows), max(1, len(vocab))))
    counts.sum_duplicates()
    matrix = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    return sp.csr_matrix(matrix), list(vocab)


def _profile_matrix(importance: np.ndarray, level: np.ndarray) -> np.ndarray:
    z = np.nan_to_num(standardize(importance * level))
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    return np.asarray(z / np.where(norms > 0, norms, 1.0), dtype=np.float64)


def _features(store: OccupationStore) -> dict[str, object]:
    """Per-occupation vectors, built once per store."""
    if "similar" in store.cache:
        return store.cache["similar"]  # type: ignore[no-any-return]
    n_acts = [len(a) for a in store.activities]
    dwa_rows = [[(d, 1.0) for d in a] for a in store.activities]
    iwa_rows = [[(store.dwa_iwa.get(d, d), 1.0) for d in a] for a in store.activities]
    tech_rows = [[(t.example, 1.0) for t in techs] for techs in store.technology]
    rated = np.isfinite(store.riasec).all(axis=1, keepdims=True)
    riasec = np.where(rated, store.riasec, 0.0)
    riasec = np.where(rated, riasec - riasec.mean(axis=1, keepdims=True), 0.0)
    feats: dict[str, object] = {
        "dwa": _tfidf(dwa_rows)[0],
        "iwa": _tfidf(iwa_rows)[0],
        "tech": _tfidf(tech_rows)[0],
        "skills": _profile_matrix(store.skill_importance, store.skill_level),
        "knowledge": _profile_matrix(store.knowledge_importance, store.knowledge_level),
        "riasec": np.asarray(normalize(np.nan_to_num(riasec))),
        "has": {
            "activities": np.asarray(n_acts) > 0,
            "skills": np.isfinite(store.skill_importance).any(axis=1),
            "knowledge": np.isfinite(store.knowledge_importance).any(axis=1),
            "technology": np.asarray([len(t) > 0 for t in store.technology]),
            "interests": np.isfinite(store.riasec).all(axis=1),
        },
    }
    store.cache["similar"] = feats
    return feats


def _component_scores(store: OccupationStore, row: int) -> dict[str, np.ndarray]:
    f = _features(store)

    def cos_sparse(name: str) -> np.ndarray:
        m: sp.csr_matrix = f[name]
        return np.asarray((m @ m[row].T).toarray()).ravel()

    def cos_dense(name: str) -> np.ndarray:
        m: np.ndarray = f[name]  # type: ignore[assignment]
        return np.asarray((m @ m[row] + 1.0) / 2.0)

    return {
        "activities": (cos_sparse("dwa") + cos_sparse("iwa")) / 2.0,
        "skills": cos_dense("skills"),
        "knowledge": cos_dense("knowledge"),
        "technology": cos_sparse("tech"),
        "interests": cos_dense("riasec"),
    }


def transfer_scores(store: OccupationStore, row: int) -> np.ndarray:
    """Transferability (0-1) from occupation ``row`` to every occupation (itself included)."""
    has: dict[str, np.ndarray] = _features(store)["has"]  # type: ignore[assignment]
    total = np.zeros(len(store))
    weight = np.zeros(len(store))
    for name, scores in _component_scores(store, row).items():
        usable = has[name] & has[name][row]
        total += np.where(usable, WEIGHTS[name] * scores, 0.0)
        weight += np.where(usable, WEIGHTS[name], 0.0)
    mean = np.divide(total, weight, out=np.zeros_like(total), where=weight > 0)
    dz = np.nan_to_num(store.job_zone - store.job_zone[row])
    factor = np.clip(1.0 - ZONE_UP * np.maximum(dz, 0) - ZONE_DOWN * np.maximum(-dz, 0), 0.0, 1.0)
    return np.asarray(mean * factor)


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


def shared_reasons(store: OccupationStore, a: int, b: int, *, n: int = 5) -> list[str]:
    """Shared work activities (or, failing those, broader IWAs), skills and technology."""
    dwas_b = set(store.activities[b])
    shared = [store.dwa_titles[d].rstrip(".") for d in store.activities[a] if d in dwas_b][:3]
    if not shared:
        iwas_b = {store.dwa_iwa.get(d) for d in store.activities[b]}
        iwas = dict.fromkeys(store.dwa_iwa.get(d) for d in store.activities[a])
        shared = [store.iwa_titles[i].rstrip(".") for i in iwas if i in iwas_b and i in store.iwa_titles][:2]
    im = np.nan_to_num(np.fmin(store.skill_importance[a], store.skill_importance[b]))
    order = [j for j in np.argsort(-im, kind="stable") if im[j] >= 3.0]
    shared += [store.skill_names[j] for j in order[:2]]
    tech_b = set(distinctive_technology(store, b, 10))
    shared += [t for t in distinctive_technology(store, a, 10) if t in tech_b][:1]
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
        names the shared work activities, skills and technology.

    Raises
    ------
    OccupationNotFound
        If the query names no occupation.
    """
    row = query_row(store, query, min_confidence=min_confidence)
    scores = np.round(transfer_scores(store, row), 3)
    scores[row] = -1.0
    order = [int(i) for i in np.lexsort((np.arange(len(store)), -scores)) if scores[i] > 0][:top]
    return [
        Related(
            code=store.codes[i],
            title=store.titles[i],
            score=float(scores[i]),
            shared=shared_reasons(store, row, i),
            job_zone=int(store.job_zone[i]) if np.isfinite(store.job_zone[i]) else None,
        )
        for i in order
    ]
