"""Related occupations on a proxy anyone can rerun: ``python -m bench.related``.

The proxy
---------
ESCO describes its 3,000 occupations by the skills they need (occupation-skill
relations: essential and optional skills), independently of O*NET. ESCO
occupations are linked to O*NET by title (:func:`matcher.occupations.esco.occupation_links`:
the O*NET occupation named by a strict majority of the ESCO occupation's labels,
at least two of them; each ESCO occupation links to one O*NET code). An O*NET
occupation's ESCO profile is the sum of its linked ESCO occupations' skills
(essential 1, optional 0.5, IDF-weighted over ESCO occupations); two O*NET
occupations are related in proportion to the cosine of their ESCO profiles.

For every O*NET occupation with an ESCO link, each method ranks the other
linked occupations; we report

* nDCG@10 with the ESCO cosine as the graded gain;
* P@10: overlap of the method's top 10 with the 10 most ESCO-related;
* ISCO@10: share of the top 10 sharing an ISCO-08 unit group (4 digits) with
  the query, through their ESCO occupations (a second, coarser signal).

The weights of :data:`matcher.occupations.similar.WEIGHTS` were chosen on the
"tune" half of the queries (codes split by a hash) with ``--tune``; the
table reports the held-out half and all queries. Methods: the previous
engine (kept here, frozen, for comparison), TF-IDF cosine over title +
description, TF-IDF over title + description + task statements, and the new
method, plus each of its components alone.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize

from bench.occupation_data import ESCO, build_parser, real_store, text_vectorizer, title_description_docs
from bench.occupation_data import out as _out
from matcher.occupations import OccupationStore
from matcher.occupations.esco import occupation_links, read_csv
from matcher.occupations.normalize import normalize_title
from matcher.occupations.profile import standardize
from matcher.occupations.similar import (
    WEIGHTS,
    combine,
    component_scores,
    raw_component_scores,
    similar_occupations,
)

K = 10


@dataclass(frozen=True, slots=True)
class Proxy:
    rows: np.ndarray  # O*NET rows with an ESCO link
    related: np.ndarray  # (len(rows), len(rows)) ESCO-profile cosine
    isco: np.ndarray  # (len(rows), len(rows)) bool: share an ISCO unit group
    tune: np.ndarray  # bool per query: in the tuning half


def build_proxy(store: OccupationStore, esco: Path = ESCO) -> Proxy:
    """The ESCO relatedness of O*NET occupations linked to ESCO by title."""
    onet: dict[str, set[int]] = defaultdict(set)
    for text, owner, source in zip(store.title_texts, store.title_owner, store.title_source, strict=True):
        key = normalize_title(text)
        if key and int(source) <= 2:  # O*NET's own titles: occupation, reported, alternate
            onet[key].add(int(owner))
    link = {uri: row for uri, _, row in occupation_links(esco, onet) if row is not None}
    isco = {r["conceptUri"]: r["iscoGroup"] for r in read_csv(esco, "occupations_en.csv")}
    skills: dict[str, int] = {}
    cells: dict[tuple[int, int], float] = defaultdict(float)
    for r in read_csv(esco, "occupationSkillRelations.csv"):
        if r["occupationUri"] in link:
            col = skills.setdefault(r["skillUri"], len(skills))
            cells[(link[r["occupationUri"]], col)] += 1.0 if r["relationType"] == "essential" else 0.5
    rows = np.asarray(sorted({row for row, _ in cells}))
    pos = {int(r): i for i, r in enumerate(rows)}
    keys = list(cells)
    counts = sp.csr_matrix(
        ([cells[k] for k in keys], ([pos[k[0]] for k in keys], [k[1] for k in keys])),
        shape=(len(rows), len(skills)),
    )
    profile = normalize(TfidfTransformer(sublinear_tf=True).fit_transform(counts))
    related = np.asarray((profile @ profile.T).toarray())
    groups: dict[int, set[str]] = defaultdict(set)
    for uri, row in link.items():
        if row in pos and isco.get(uri):
            groups[pos[row]].add(isco[uri])
    isco_same = np.zeros((len(rows), len(rows)), dtype=bool)
    for i, j in itertools.product(range(len(rows)), repeat=2):
        isco_same[i, j] = bool(groups[i] & groups[j])
    tune = np.asarray([hashlib.sha256(store.codes[r].encode()).digest()[0] % 2 == 0 for r in rows])
    return Proxy(rows, related, isco_same, tune)


@dataclass(frozen=True, slots=True)
class Scores:
    ndcg: float
    precision: float
    isco: float


def evaluate(proxy: Proxy, scores: np.ndarray, queries: np.ndarray) -> Scores:
    """Metrics of (n_linked, n_linked) method scores over the query subset ``queries`` (bool)."""
    m = len(proxy.rows)
    ndcg, prec, isco = [], [], []
    for q in np.flatnonzero(queries):
        s = scores[q].astype(np.float64).copy()
        s[q] = -np.inf
        top = np.lexsort((np.arange(m), -s))[:K]
        gain = proxy.related[q].copy()
        gain[q] = -np.inf
        ideal = np.sort(gain)[::-1][:K]
        discount = 1.0 / np.log2(np.arange(2, K + 2))
        ndcg.append(float((gain[top] * discount).sum() / max((ideal * discount).sum(), 1e-12)))
        best = set(np.lexsort((np.arange(m), -gain))[:K].tolist())
        prec.append(len(best & set(top.tolist())) / K)
        isco.append(float(proxy.isco[q, top].mean()))
    return Scores(float(np.mean(ndcg)), float(np.mean(prec)), float(np.mean(isco)))


# ----------------------------------------------------------------------------- methods


def tfidf_scores(docs: list[str]) -> np.ndarray:
    """Baseline: cosine of TF-IDF vectors of one document per occupation."""
    m = text_vectorizer(docs).transform(docs)
    return np.asarray((m @ m.T).toarray())


def previous_scores(store: OccupationStore) -> np.ndarray:
    """The engine's method before this benchmark (frozen copy, for comparison only).

    DWA/IWA TF-IDF 0.4, skills 0.2, knowledge 0.15 (standardised profiles,
    cosine mapped to [0, 1]), technology TF-IDF 0.1, RIASEC 0.15; Job Zone
    factor 1 - 0.2 per zone up, 1 - 0.05 per zone down.
    """

    def tfidf(rows: list[list[str]]) -> sp.csr_matrix:
        vocab: dict[str, int] = {}
        r, c = [], []
        for i, row in enumerate(rows):
            for key in row:
                r.append(i)
                c.append(vocab.setdefault(key, len(vocab)))
        counts = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(len(rows), max(1, len(vocab))))
        return sp.csr_matrix(TfidfTransformer(sublinear_tf=True).fit_transform(counts))

    def profile(im: np.ndarray, lv: np.ndarray) -> np.ndarray:
        z = np.nan_to_num(standardize(im * lv))
        return np.asarray(z / np.where((n := np.linalg.norm(z, axis=1, keepdims=True)) > 0, n, 1.0))

    def cos(m: sp.csr_matrix) -> np.ndarray:
        return np.asarray((m @ m.T).toarray())

    rated = np.isfinite(store.riasec).all(axis=1, keepdims=True)
    riasec = np.where(rated, store.riasec, 0.0)
    riasec = np.where(rated, riasec - riasec.mean(axis=1, keepdims=True), 0.0)
    ria = np.asarray(normalize(riasec))
    skills = profile(store.skill_importance, store.skill_level)
    know = profile(store.knowledge_importance, store.knowledge_level)
    comps = {
        "activities": (
            cos(tfidf([list(a) for a in store.activities]))
            + cos(tfidf([[store.dwa_iwa.get(d, d) for d in a] for a in store.activities]))
        )
        / 2,
        "skills": (skills @ skills.T + 1) / 2,
        "knowledge": (know @ know.T + 1) / 2,
        "technology": cos(tfidf([[t.example for t in ts] for ts in store.technology])),
        "interests": (ria @ ria.T + 1) / 2,
    }
    has = {
        "activities": np.asarray([len(a) > 0 for a in store.activities]),
        "skills": np.isfinite(store.skill_importance).any(axis=1),
        "knowledge": np.isfinite(store.knowledge_importance).any(axis=1),
        "technology": np.asarray([len(t) > 0 for t in store.technology]),
        "interests": rated[:, 0],
    }
    weights = {"activities": 0.4, "skills": 0.2, "knowledge": 0.15, "technology": 0.1, "interests": 0.15}
    total = np.zeros((len(store), len(store)))
    wsum = np.zeros_like(total)
    for name, w in weights.items():
        both = has[name][:, None] & has[name][None, :]
        total += np.where(both, w * comps[name], 0.0)
        wsum += np.where(both, w, 0.0)
    mean = np.divide(total, wsum, out=np.zeros_like(total), where=wsum > 0)
    dz = np.nan_to_num(store.job_zone[None, :] - store.job_zone[:, None])
    return np.asarray(mean * np.clip(1 - 0.2 * np.maximum(dz, 0) - 0.05 * np.maximum(-dz, 0), 0, 1))


def tune_weights(store: OccupationStore, proxy: Proxy, comps: dict[str, np.ndarray]) -> dict[str, float]:
    """Coordinate ascent (steps of 0.05) on nDCG@10 of the tuning half."""

    def objective(w: dict[str, float]) -> float:
        return evaluate(proxy, combine_sub(store, proxy, comps, w), proxy.tune).ndcg

    weights = {k: 1.0 / len(WEIGHTS) for k in WEIGHTS}
    best = objective(weights)
    for _ in range(3):
        improved = False
        for name in WEIGHTS:
            for value in np.arange(0.0, 0.55, 0.05):
                trial = {**weights, name: float(value)}
                total = sum(trial.values())
                if total <= 0:
                    continue
                trial = {k: v / total for k, v in trial.items()}
                got = objective(trial)
                if got > best + 1e-5:
                    best, weights, improved = got, trial, True
        if not improved:
            break
    return {k: round(v, 3) for k, v in weights.items()}


def combine_sub(
    store: OccupationStore,
    proxy: Proxy,
    comps: dict[str, np.ndarray],
    weights: dict[str, float],
    *,
    zones: bool = True,
) -> np.ndarray:
    """:func:`combine` of full (n, n) component scores, restricted to the proxy's rows."""
    picked = {k: v[proxy.rows] for k, v in comps.items()}
    return combine(store, proxy.rows, picked, weights, zones=zones)[:, proxy.rows]


# ----------------------------------------------------------------------------- report


def report(store: OccupationStore, *, tune: bool) -> None:
    t0 = time.perf_counter()
    proxy = build_proxy(store)
    rows = proxy.rows
    n = len(store)
    comps = component_scores(store, np.arange(n))
    raw = raw_component_scores(store, np.arange(n))  # unscaled: no ties at the top of one component
    _out(
        f"## Related occupations on the ESCO proxy ({len(rows)} of {n} O*NET occupations linked to ESCO; "
        f"{int(proxy.tune.sum())} tuning / {int((~proxy.tune).sum())} held-out queries; "
        f"proxy built in {time.perf_counter() - t0:.0f} s)\n"
    )
    if tune:
        found = tune_weights(store, proxy, comps)
        _out(f"Tuned weights (tuning half): {found}\n")

    def sub(m: np.ndarray) -> np.ndarray:
        return np.asarray(m[np.ix_(rows, rows)])

    docs_td = title_description_docs(store)
    methods: list[tuple[str, np.ndarray]] = [
        ("previous engine (DWAs, skills, knowledge, technology, RIASEC)", sub(previous_scores(store))),
        ("baseline: TF-IDF title + description", sub(tfidf_scores(docs_td))),
        ("baseline: TF-IDF title + description + tasks", sub(raw["text"])),
        ("**new: weighted components x Job Zone factor**", combine_sub(store, proxy, comps, WEIGHTS)),
        ("new without the Job Zone factor", combine_sub(store, proxy, comps, WEIGHTS, zones=False)),
    ]
    for name in WEIGHTS:
        methods.append((f"component alone: {name}", sub(raw[name])))
    _out("| method | nDCG@10 held-out | P@10 held-out | ISCO@10 held-out | nDCG@10 all | P@10 all |")
    _out("|---|---|---|---|---|---|")
    everyone = np.ones(len(rows), dtype=bool)
    for name, scores in methods:
        held = evaluate(proxy, scores, ~proxy.tune)
        full = evaluate(proxy, scores, everyone)
        _out(
            f"| {name} | {held.ndcg:.3f} | {held.precision:.3f} | {held.isco:.3f} "
            f"| {full.ndcg:.3f} | {full.precision:.3f} |"
        )
    _out()
    _out(f"Weights used: {WEIGHTS}\n")
    coverage_report(store)


def coverage_report(store: OccupationStore) -> None:
    """Every code gets related occupations; how many rest on text alone; warm latency."""
    t0 = time.perf_counter()
    sizes, text_only, times = [], 0, []
    for code in store.codes:
        t1 = time.perf_counter()
        related = similar_occupations(store, code, top=20)
        times.append(time.perf_counter() - t1)
        sizes.append(len(related))
        text_only += bool(related) and related[0].basis == "text"
    empty = sum(s == 0 for s in sizes)
    p95 = float(np.percentile(times[1:], 95)) * 1000
    _out(
        f"Coverage: {len(store) - empty}/{len(store)} codes return related occupations "
        f"({empty} empty; {text_only} on text alone, saying so); warm similar_occupations p95 "
        f"{p95:.1f} ms over all codes ({time.perf_counter() - t0:.0f} s in all, measured under load).\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser("bench.related", __doc__)
    parser.add_argument("--tune", action="store_true", help="also search weights on the tuning half")
    args = parser.parse_args(argv)
    if (found := real_store(args.store)) is None:
        return 0
    report(found[0], tune=args.tune)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
