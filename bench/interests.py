"""Interests that find their jobs: ``python -m bench.interests``.

1. The labelled set ``bench/labels/interest_pairs.csv`` (interest phrase, real
   LinkedIn posting title, fits yes/no; see ``bench/labels/interest_pairs.md``):
   precision and recall of the preference factor's interest part (the pair has
   preference fit <=> it is labelled as fitting), on the held-back part, for
   today's method ("before": best alias of the interest against the work areas
   of the posting title, with the work-area table as it was,
   ``bench/labels/interest_work_areas_before.csv``) and for the interest
   resolution of :mod:`matcher.interests` ("after", the posting known by its
   title; "after+industry", with the LinkedIn industry the 33k set lists for the
   job, as a job-board import gives it). ``--split tune`` reads the tuning part
   instead.
2. The demo world (``matcher demo``, seed 7): share of clients with an empty
   list, share of suggestions with preference fit (a positive interest or
   industry line) and share of first suggestions with preference fit, among all
   clients and among those whose pool holds a feasible opening in their stated
   areas. These figures are of the code as it is; the "before" figures in
   ``bench/README.md`` were measured with this same function at the commit
   before interest resolution (46e9096).

Openings are matched by title, industry and their O*NET-SOC code when the
record has one. With an occupation store (``--store PATH``, by default
``var/bench/occupations`` when ``bench.quality`` has imported it there; ``--store
none`` for none) two more rows: "after+store codes" (the postings get the code the
store infers from their title, as ``build_matcher`` does, but interests resolve
without the store: the engine before interests used the store) and "after+store"
(the engine now: interest phrases that name no work area resolve through the
store's titles and task statements too). Each row is given for all pairs, for the pairs whose
phrase names no work area ("occupation phrases": "phlebotomy", "welding", ...), and for the
pairs whose phrase has the two content words or more that the task step looks up ("sorting
mail", "customer service").
The default demo has no store.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from matcher import demo
from matcher.assembly import build_matcher, trained_text_model
from matcher.config import MatcherConfig
from matcher.interests import TaskInterests, content_stems, resolve_interests
from matcher.occupations import OccupationStore
from matcher.resources import data_dir
from matcher.scoring import preference_parts
from matcher.types import Opening
from matcher.vocab import Vocabulary, load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench/labels/interest_pairs.csv"
BEFORE_AREAS = ROOT / "bench/labels/interest_work_areas_before.csv"
DATA = ROOT / "../shared/data"
FIT_CODES = {"PREFERENCE_MATCH", "PREFERENCE_INDUSTRY"}
STORE = ROOT / "var/bench/occupations"  # where bench.quality imports the real O*NET store


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def before_vocabulary() -> Vocabulary:
    """The packaged vocabulary with the work-area table as it was before interest resolution."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(data_dir(), copy)
        shutil.copy(BEFORE_AREAS, copy / "work_areas.csv")
        return load_vocabulary(copy)


def fits_before(vocab: Vocabulary, cutoff: float, interest: str, opening: Opening) -> bool:
    """Today's rule: the interest's best alias names a work area found in the title and industry."""
    mine = {m.code for m in vocab.work_areas.resolve([interest], score_cutoff=cutoff)}
    theirs = {m.code for m in vocab.work_areas.find_in_text(f"{opening.title} {opening.industry}")}
    return bool(mine & theirs)


def fits_after(
    vocab: Vocabulary, cutoff: float, interest: str, opening: Opening, store: OccupationStore | None = None
) -> bool:
    from matcher.features import industry_code
    from matcher.interests import interest_fit

    at = industry_code(opening.industry, vocab, MatcherConfig())
    industry = vocab.industries.codes[at] if at >= 0 else ""
    return interest_fit(vocab, cutoff, interest, opening, industry, store) is not None


def labelled(split: str) -> list[tuple[str, Opening, bool]]:
    with LABELS.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["split"] == split]
    return [
        (
            r["interest"],
            Opening(id=r["posting_id"], employer="", title=r["title"], location=None),
            r["fits"] == "yes",
        )
        for r in rows
    ]


def precision_recall(predicted: list[bool], truth: list[bool]) -> tuple[float, float, int, int, int]:
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), tp, fp, fn


def labelled_report(split: str, method: str, store: Path | None = None) -> None:
    pairs = labelled(split)
    cutoff = MatcherConfig().scoring.phrase_cutoff
    vocab = load_vocabulary()
    named = {i for i, _, _ in pairs if not resolve_interests([i], vocab, cutoff)}  # no work area
    rows = [(name, pairs, None) for name in (("before", "after") if method == "both" else (method,))]
    if method != "before":
        rows.append(("after+industry", with_industries(pairs), None))
    if store is not None:
        loaded = OccupationStore.load(store)
        coded = with_store_codes(pairs, loaded)
        rows += [("after+store codes", coded, None), ("after+store", coded, loaded)]
    several = {
        i for i, _, _ in pairs if len(content_stems(i)) >= TaskInterests.MIN_WORDS
    }  # tasks look them up
    subsets = (
        ("all pairs", None),
        ("occupation phrases (no work area)", named),
        ("phrases of two content words or more", several),
    )
    for label, subset in subsets:
        keep = [subset is None or i in subset for i, _, _ in pairs]
        truth = [t for (_, _, t), k in zip(pairs, keep, strict=True) if k]
        _out(f"labelled pairs, {split} part, {label}: {len(truth)} ({sum(truth)} fit)")
        for name, these, with_store in rows:
            mine = before_vocabulary() if name == "before" else vocab
            chosen = [(i, o) for (i, o, _), k in zip(these, keep, strict=True) if k]
            if name == "before":
                fits = [fits_before(mine, cutoff, i, o) for i, o in chosen]
            else:
                fits = [fits_after(mine, cutoff, i, o, with_store) for i, o in chosen]
            p, r, tp, fp, fn = precision_recall(fits, truth)
            _out(f"  {name:<17} precision {p:.2f}  recall {r:.2f}  (tp {tp}, fp {fp}, fn {fn})")


def with_industries(pairs: list[tuple[str, Opening, bool]]) -> list[tuple[str, Opening, bool]]:
    """The postings with their LinkedIn industry (the 33k set lists one per job), as an import gives it."""
    folder = DATA / "jobs_linkedin_2023_33k_nodesc"
    with (folder / "industries.csv").open(encoding="utf-8", newline="") as fh:
        names = {r["industry_id"]: r["industry_name"] for r in csv.DictReader(fh)}
    first: dict[str, str] = {}
    with (folder / "job_industries.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            first.setdefault(r["job_id"], names.get(r["industry_id"], ""))
    return [(i, dataclasses.replace(o, industry=first.get(o.id, "")), t) for i, o, t in pairs]


def with_store_codes(
    pairs: list[tuple[str, Opening, bool]], store: OccupationStore
) -> list[tuple[str, Opening, bool]]:
    """The postings with the O*NET-SOC code the occupation store infers from their title."""
    from matcher.occupations.inference import occupation_of

    codes = {o.title: occupation_of(store, None, o.title) for _, o, _ in pairs}
    return [(i, dataclasses.replace(o, onet_soc=codes[o.title]), t) for i, o, t in pairs]


def demo_report(seed: int) -> None:
    clients, openings = demo.demo_clients_and_openings(seed)
    text_model, _ = trained_text_model()
    m = build_matcher(openings, as_of=demo.DEMO_AS_OF, text_model=text_model)
    lists = m.recommend(clients, explain_exclusions=False)
    scored = m.score(clients)
    pairs = scored.scores.factors
    parts = preference_parts(scored.clients, m.index, m.config.scoring, pairs.rows, pairs.cols)
    in_area = (parts["phrases"][0] > 0) | (parts["industry"][0] > 0)
    pool_has = np.zeros(len(clients), dtype=bool)
    pool_has[pairs.rows[in_area]] = True
    fit = [[any(r.code in FIT_CODES for r in s.reasons) for s in sl.suggestions] for sl in lists]
    every = [f for row in fit for f in row]
    first = [row[0] for row in fit if row]
    first_in_area = [row[0] for row, has in zip(fit, pool_has, strict=True) if row and has]
    empty = sum(not row for row in fit)
    _out(f"demo world (seed {seed}): {len(clients)} clients, {len(openings)} openings")
    _out(f"  clients with an empty list: {empty} ({empty / len(clients):.0%})")
    _out(f"  suggestions with preference fit: {_share(every)}")
    _out(f"  first suggestions with preference fit: {_share(first)}")
    _out(
        f"  ... where the pool holds a feasible opening in the client's stated areas: {_share(first_in_area)}"
    )


def _share(flags: list[bool]) -> str:
    return f"{sum(flags)} of {len(flags)} ({sum(flags) / max(len(flags), 1):.0%})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.interests", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("held", "tune"), default="held")
    parser.add_argument("--method", choices=("before", "after", "both"), default="both")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument(
        "--store", default=str(STORE), help="an imported occupation store, or 'none' (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    store = (
        Path(args.store) if args.store != "none" and (Path(args.store) / "metadata.json").exists() else None
    )
    _out(f"occupation store: {store or 'none'}")
    labelled_report(args.split, args.method, store)
    if not args.no_demo:
        demo_report(args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
