"""What the occupational-knowledge benchmarks share (``bench.quality``, ``bench.related``).

The real O*NET and ESCO releases in ``../shared/data`` (see its PROVENANCE.md), imported
(idempotently) into one cached store, and the TF-IDF baseline both compare against.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.occupations import OccupationStore, import_onet
from matcher.vocab import analyze

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "../shared/data"
ONET = [DATA / "onet_29_0_text", DATA / "onet_29_3_excel"]
ESCO = DATA / "esco_v1_1_1"
STORE = ROOT / "var/bench/occupations"


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def build_parser(prog: str, doc: str | None) -> argparse.ArgumentParser:
    """The parser with the option both take: where the O*NET store is cached."""
    parser = argparse.ArgumentParser(prog=f"python -m {prog}", description=(doc or "").split("\n")[0])
    parser.add_argument("--store", type=Path, default=STORE, help="where to import O*NET (cached)")
    return parser


def real_store(store_dir: Path) -> tuple[OccupationStore, str] | None:
    """The imported store and how it came (cached or imported, how long); None when data is missing."""
    missing = [p for p in (*ONET, ESCO) if not p.exists()]
    if missing:
        out(f"skipped: real data not found at {', '.join(map(str, missing))}")
        return None
    t0 = time.perf_counter()
    report = import_onet(ONET, store_dir, esco=ESCO)
    how = f"{'cached' if report.up_to_date else 'imported'} in {time.perf_counter() - t0:.1f} s"
    return OccupationStore.load(store_dir), how


def title_description_docs(store: OccupationStore) -> list[str]:
    """One document per occupation for the TF-IDF baseline: its title (counted twice) and description."""
    return [f"{t} {t} {d}" for t, d in zip(store.titles, store.descriptions, strict=True)]


def text_vectorizer(docs: list[str]) -> TfidfVectorizer:
    """The TF-IDF baseline's vectorizer, fitted on ``docs`` with the engine's analyzer."""
    return TfidfVectorizer(analyzer=analyze, sublinear_tf=True).fit(docs)
