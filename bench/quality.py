"""Quality of the occupational knowledge on real data: ``python -m bench.quality``.

1. Title resolution: accuracy@1 and @5 on real LinkedIn posting titles that
   were labelled by hand with O*NET-SOC codes (``bench/labels/``), against a
   TF-IDF cosine baseline over O*NET occupation titles and descriptions; and
   the reliability of the calibrated confidence (fitted on the dev50 and
   more60 labels, shown on the held-out 100; ``--fit`` refits it).
2. ESCO skills: an ESCO occupation's essential skills, given as a client's
   strength phrases, should point back to that occupation: recall@10 among
   all ESCO occupations, by canonical ESCO skills (``EscoSkills``) vs a
   TF-IDF cosine baseline over occupation labels and descriptions.

Needs the real data in ``../shared/data`` (see its PROVENANCE.md). The O*NET
store is imported (idempotently) into ``var/bench/occupations``.
"""

from __future__ import annotations

import csv
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process, utils
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from bench.occupation_data import (
    DATA,
    ESCO,
    ROOT,
    build_parser,
    real_store,
    text_vectorizer,
    title_description_docs,
)
from bench.occupation_data import out as _out
from matcher.occupations import EscoSkills, OccupationStore
from matcher.occupations.esco import labels_of, read_csv
from matcher.occupations.titles import (
    CALIBRATION,
    MIN_CONFIDENCE,
    TitleIndex,
    resolve_title,
    title_index,
    title_matches,
)

LABELS = ROOT / "bench/labels/linkedin_titles_100.csv"
# Confidence calibration is fitted on these and shown on LABELS (held out).
FIT_LABELS = (
    ROOT / "bench/labels/linkedin_titles_dev50.csv",
    ROOT / "bench/labels/linkedin_titles_more60.csv",
)


@dataclass(frozen=True, slots=True)
class Hits:
    """Ranks (0-based, -1 = not ranked) of the right answer, one per query."""

    ranks: list[int]

    def at(self, k: int) -> float:
        return sum(0 <= r < k for r in self.ranks) / len(self.ranks)


def _rank_of(ranked: list[str], truth: str) -> int:
    return ranked.index(truth) if truth in ranked else -1


# ----------------------------------------------------------------------------- titles


def load_labels(path: Path = LABELS) -> tuple[list[tuple[str, str]], int]:
    """Labelled (title, code) pairs and the number of sampled titles left unlabelled."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    labelled = [(r["title"], r["onet_soc"]) for r in rows if r["onet_soc"]]
    return labelled, len(rows) - len(labelled)


def resolver_hits(store: OccupationStore, index: TitleIndex, pairs: list[tuple[str, str]]) -> Hits:
    """Ranks of the labelled code in :class:`TitleIndex` order (no confidence cut-off)."""
    return Hits([_rank_of([store.codes[r] for r, _, _ in index.rank(t)[:10]], c) for t, c in pairs])


def answered(store: OccupationStore, pairs: list[tuple[str, str]], cut: float) -> tuple[int, int]:
    """(titles resolved at >= ``cut`` calibrated confidence, of which top-1 correct)."""
    n = right = 0
    for title, code in pairs:
        found = resolve_title(store, title, top=1, min_confidence=cut)
        if found:
            n += 1
            right += found[0].code == code
    return n, right


def fit_calibration(store: OccupationStore) -> tuple[float, float, float]:
    """Logistic fit of "top candidate right" on (1 / tied, exact) over the fit labels."""
    x, y = [], []
    for path in FIT_LABELS:
        for title, code in load_labels(path)[0]:
            found = title_matches(store, title)
            top = found[0] if found else None
            x.append([1.0 / top.tied, float(top.exact)] if top else [0.0, 0.0])
            y.append(int(top is not None and store.codes[top.row] == code))
    model = LogisticRegression(C=10.0).fit(np.asarray(x), np.asarray(y))
    return (float(model.intercept_[0]), float(model.coef_[0][0]), float(model.coef_[0][1]))


def reliability_report(store: OccupationStore, *, fit: bool) -> None:
    """Reliability of the top candidate's calibrated confidence, held-out and fit labels."""
    if fit:
        a, b, c = fit_calibration(store)
        _out(f"Fitted calibration (a, b, c) = ({a:.3f}, {b:.3f}, {c:.3f}); in use: {CALIBRATION}\n")
    parts = (("held-out: linkedin_titles_100", [LABELS]), ("fit: dev50 + more60", list(FIT_LABELS)))
    bins = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01))
    _out("## Title resolution: calibrated confidence of the top candidate (reliability)\n")
    _out("| labels | confidence | titles | mean confidence | right at top 1 |")
    _out("|---|---|---|---|---|")
    for name, paths in parts:
        conf, right = [], []
        for path in paths:
            for title, code in load_labels(path)[0]:
                found = resolve_title(store, title, top=1, min_confidence=0.0)
                conf.append(found[0].confidence if found else 0.0)
                right.append(bool(found) and found[0].code == code)
        c_arr, r_arr = np.asarray(conf), np.asarray(right)
        for lo, hi in bins:
            sel = (c_arr >= lo) & (c_arr < hi)
            if sel.any():
                _out(
                    f"| {name} | {lo:.1f}-{min(hi, 1.0):.1f} | {int(sel.sum())} | {c_arr[sel].mean():.2f} "
                    f"| {r_arr[sel].mean():.2f} |"
                )
        brier = float(((c_arr - r_arr) ** 2).mean())
        _out(f"| {name} | all | {len(c_arr)} | {c_arr.mean():.2f} | {r_arr.mean():.2f} (Brier {brier:.3f}) |")
    _out()


def tfidf_title_hits(store: OccupationStore, pairs: list[tuple[str, str]]) -> Hits:
    """Baseline: TF-IDF cosine of the posting title vs O*NET title + description."""
    docs = title_description_docs(store)
    vec = text_vectorizer(docs)
    sims = (vec.transform([t for t, _ in pairs]) @ vec.transform(docs).T).toarray()
    order = np.argsort(-sims, axis=1, kind="stable")[:, :10]
    return Hits(
        [_rank_of([store.codes[j] for j in row], c) for row, (_, c) in zip(order, pairs, strict=True)]
    )


def wratio_hits(store: OccupationStore, pairs: list[tuple[str, str]]) -> Hits:
    """Ablation: rapidfuzz WRatio over the raw O*NET titles, no normalisation or head rule."""
    texts = [t for t, s in zip(store.title_texts, store.title_source, strict=True) if s < 3]
    owners = [int(o) for o, s in zip(store.title_owner, store.title_source, strict=True) if s < 3]
    ranks = []
    for title, code in pairs:
        hits = process.extract(title, texts, scorer=fuzz.WRatio, processor=utils.default_process, limit=60)
        ranked = list(dict.fromkeys(store.codes[owners[i]] for _, _, i in hits))[:10]
        ranks.append(_rank_of(ranked, code))
    return Hits(ranks)


def title_report(store: OccupationStore) -> None:
    pairs, skipped = load_labels()
    with_esco = title_index(store)
    without_esco = TitleIndex(store, sources=(0, 1, 2))
    _out(
        f"## Title resolution: {len(pairs)} hand-labelled LinkedIn titles "
        f"(100 sampled, {skipped} left unlabelled)\n"
    )
    _out("| method | accuracy@1 | accuracy@5 |")
    _out("|---|---|---|")
    for name, hits in (
        ("resolve_title (O*NET + ESCO titles)", resolver_hits(store, with_esco, pairs)),
        ("resolve_title (O*NET titles only)", resolver_hits(store, without_esco, pairs)),
        ("ablation: rapidfuzz WRatio on raw O*NET titles", wratio_hits(store, pairs)),
        ("baseline: TF-IDF cosine, O*NET title + description", tfidf_title_hits(store, pairs)),
    ):
        _out(f"| {name} | {hits.at(1):.2f} | {hits.at(5):.2f} |")
    _out()
    for cut in (MIN_CONFIDENCE, 0.6, 0.8):
        n, right = answered(store, pairs, cut)
        _out(
            f"At calibrated confidence >= {cut:.1f}: {n}/{len(pairs)} titles resolved, "
            f"{right}/{n} = {right / max(n, 1):.2f} correct at top 1; the rest say unknown."
        )
    _out()


# ----------------------------------------------------------------------------- ESCO


@dataclass(frozen=True, slots=True)
class EscoData:
    uris: list[str]
    texts: list[str]  # preferred label + description
    skills: dict[str, dict[str, str]]  # occupation uri -> skill uri -> relation type
    skill_labels: dict[str, list[str]]  # skill uri -> preferred label, then alternatives


def load_esco(path: Path = ESCO) -> EscoData:
    uris, texts = [], []
    for row in read_csv(path, "occupations_en.csv"):
        uris.append(row["conceptUri"])
        texts.append(f"{row['preferredLabel']} {row['preferredLabel']} {row.get('description', '')}")
    skills: dict[str, dict[str, str]] = defaultdict(dict)
    for row in read_csv(path, "occupationSkillRelations.csv"):
        skills[row["occupationUri"]][row["skillUri"]] = row["relationType"]
    labels = {row["conceptUri"]: labels_of(row) for row in read_csv(path, "skills_en.csv")}
    return EscoData(uris, texts, dict(skills), labels)


def esco_queries(data: EscoData, variant: str) -> tuple[list[int], list[list[str]]]:
    """Per occupation with >= 4 essential skills: the strength phrases of one query variant.

    ``preferred``: every essential skill by its preferred label. ``alt``:
    every other essential skill (sorted by URI), each by its first alternative
    label, so the phrases differ from the labels the occupation is indexed by.
    """
    targets, queries = [], []
    for i, uri in enumerate(data.uris):
        essential = sorted(s for s, kind in data.skills.get(uri, {}).items() if kind == "essential")
        if len(essential) < 4:
            continue
        if variant == "preferred":
            phrases = [data.skill_labels[s][0] for s in essential if s in data.skill_labels]
        else:
            phrases = [
                (data.skill_labels[s][1:] or data.skill_labels[s])[0]
                for s in essential[::2]
                if s in data.skill_labels
            ]
        targets.append(i)
        queries.append(phrases)
    return targets, queries


def canonical_hits(
    data: EscoData, esco: EscoSkills, targets: list[int], queries: list[list[str]]
) -> tuple[Hits, float]:
    """Phrases -> canonical ESCO skills -> TF-IDF cosine with each occupation's skill set.

    Also returns the share of phrases that canonicalised to an ESCO skill.
    """
    col = {u: j for j, u in enumerate(esco.uris)}
    rows, cols, vals = [], [], []
    for i, uri in enumerate(data.uris):
        for skill, kind in data.skills.get(uri, {}).items():
            if skill in col:
                rows.append(i)
                cols.append(col[skill])
                vals.append(1.0 if kind == "essential" else 0.5)
    occ = sp.csr_matrix((vals, (rows, cols)), shape=(len(data.uris), len(esco.uris)))
    idf = np.log((1 + occ.shape[0]) / (1 + (occ > 0).sum(axis=0).A1)) + 1.0
    occ = normalize(occ @ sp.diags(idf))
    q_rows, q_cols = [], []
    n_phrases = n_found = 0
    for r, phrases in enumerate(queries):
        found = [esco.lookup(p) for p in phrases]
        n_phrases += len(found)
        n_found += sum(j is not None for j in found)
        for j in {j for j in found if j is not None}:
            q_rows.append(r)
            q_cols.append(j)
    q = sp.csr_matrix((np.ones(len(q_rows)), (q_rows, q_cols)), shape=(len(queries), len(esco.uris)))
    sims = (normalize(q @ sp.diags(idf)) @ occ.T).toarray()
    return _hits_from(sims, targets), n_found / max(n_phrases, 1)


def tfidf_esco_hits(data: EscoData, targets: list[int], queries: list[list[str]]) -> Hits:
    """Baseline: TF-IDF cosine of the joined phrases vs occupation label + description."""
    vec = text_vectorizer(data.texts)
    sims = (vec.transform(["; ".join(q) for q in queries]) @ vec.transform(data.texts).T).toarray()
    return _hits_from(sims, targets)


def _hits_from(sims: np.ndarray, targets: list[int]) -> Hits:
    ranks = []
    for row, target in zip(sims, targets, strict=True):
        better = int((row > row[target]).sum())  # ties count in the target's favour
        ranks.append(better if row[target] > 0 else -1)
    return Hits(ranks)


def esco_report() -> None:
    data = load_esco()
    esco = EscoSkills.load(ESCO)
    _out("## ESCO: essential skills as a client's strengths -> that occupation\n")
    _out(
        "| strength phrases | occupations | phrases canonicalised | canonical ESCO skills recall@10 "
        "| TF-IDF baseline recall@10 |"
    )
    _out("|---|---|---|---|---|")
    variants = (
        ("preferred", "all essential skills, preferred labels"),
        ("alt", "every other essential skill, alternative labels"),
    )
    for variant, label in variants:
        targets, queries = esco_queries(data, variant)
        ours, share = canonical_hits(data, esco, targets, queries)
        base = tfidf_esco_hits(data, targets, queries)
        _out(
            f"| {label} | {len(targets)} of {len(data.uris)} | {share:.3f} | {ours.at(10):.3f} "
            f"| {base.at(10):.3f} |"
        )
    _out()


def speed_report(store: OccupationStore) -> None:
    """Wall time to resolve the 1,000 sample posting titles (title index already built)."""
    with (DATA / "jobs_linkedin_2023_24_sample1000/postings.csv").open(encoding="utf-8") as fh:
        titles = [row["title"] for row in csv.DictReader(fh)]
    t0 = time.perf_counter()
    index = TitleIndex(store)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    for title in titles:
        index.rank(title)
    each = (time.perf_counter() - t0) / len(titles)
    _out(
        f"Speed: title index built in {built:.1f} s; {len(titles)} posting titles resolved at "
        f"{each * 1000:.1f} ms each.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser("bench.quality", __doc__)
    parser.add_argument("--fit", action="store_true", help="also refit the title confidence calibration")
    args = parser.parse_args(argv)
    if (found := real_store(args.store)) is None:
        return 0
    store, how = found
    _out(f"# Occupational knowledge quality (store {args.store}, {how})\n")
    title_report(store)
    reliability_report(store, fit=args.fit)
    esco_report()
    speed_report(store)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
