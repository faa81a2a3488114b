"""Title resolution gives the same answers after it was made faster (issue 14).

``resolved_labelled_titles.json`` holds what :func:`resolve_title` answered, before the
speed-up (commit 77e75d3), for every hand-labelled title of ``bench/labels`` (the calibration
set), a few titles specialists type and the first 300 distinct titles of the LinkedIn postings
sample (the ones ``bench.explore`` times): up to 10 candidates down to confidence 0, each with
its confidence, raw score and matched title. The faster index must give exactly that. When the
title data or the calibration change on purpose, rewrite the file with
``python -m tests.matcher.occupations.test_title_speedup STORE_DIR``.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

from matcher.occupations import OccupationStore, resolve_title
from matcher.occupations.titles import title_index

HERE = Path(__file__).resolve().parent
POSTINGS = HERE.parents[2] / "../shared/data/jobs_linkedin_2023_24_sample1000/postings.csv"
N_POSTINGS = 300
GOLDEN = HERE / "resolved_labelled_titles.json"
LABELS = HERE.parents[2] / "bench" / "labels"
LABEL_FILES = ("linkedin_titles_dev50.csv", "linkedin_titles_more60.csv", "linkedin_titles_100.csv")
TYPED = (
    "peer support specialist",
    "warehouse associate",
    "recovery coach",
    "peer mentor",
    "Dishwasher PT nights - $15/hr",
    "dish washer",
    "Data Engineer with Kafka",
    "qzxv wprrt",
)


def _column(path: Path, name: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(row.get(name) or "").strip() for row in csv.DictReader(fh)]


def titles_checked() -> list[str]:
    """The labelled titles, the typed ones, then the posting titles (distinct, in file order)."""
    titles = dict.fromkeys(t for name in LABEL_FILES for t in _column(LABELS / name, "title"))
    titles.update(dict.fromkeys(TYPED))
    postings = dict.fromkeys(t for t in _column(POSTINGS, "title") if t)
    return [t for t in titles if t] + [t for t in list(postings)[:N_POSTINGS] if t not in titles]


def resolved(store: OccupationStore, titles: list[str]) -> dict[str, dict[str, list[list[Any]]]]:
    """Title -> its candidates ([code, confidence, raw, matched], up to 10, no confidence cut)
    and the index's first 10 occupations with no score floor ([code, score, matched])."""
    index = title_index(store)
    return {
        title: {
            "resolve": [
                [c.code, c.confidence, c.raw, c.matched]
                for c in resolve_title(store, title, top=10, min_confidence=0.0)
            ],
            "rank": [
                [store.codes[row], score, index.choices[choice]]
                for row, score, choice in index.rank(title.strip())[:10]
            ],
        }
        for title in titles
    }


def test_labelled_titles_resolve_as_before_the_speed_up(real_store: OccupationStore) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    titles = titles_checked()
    assert set(golden) == set(titles), "the titles checked changed: rewrite the file (module doc)"
    now = resolved(real_store, titles)
    changed = [t for t in titles if now[t] != golden[t]]
    assert not changed, f"{len(changed)} titles resolve differently, e.g. {changed[0]!r}: {now[changed[0]]}"


def test_the_floor_skips_only_titles_that_cannot_reach_it(real_store: OccupationStore) -> None:
    # the pruned ranking keeps every occupation scoring 80+ of the full one, in the same order
    index = title_index(real_store)
    for title in titles_checked()[:120]:
        full = [r for r in index.rank(title.strip()) if r[1] >= 80.0]
        pruned = [r for r in index.rank(title.strip(), floor=79.99) if r[1] >= 80.0]
        assert pruned == full, title


def main(argv: list[str]) -> int:
    store = OccupationStore.load(Path(argv[0]))
    answers = resolved(store, titles_checked())
    lines = [f"{json.dumps(t)}: {json.dumps(found)}" for t, found in answers.items()]
    GOLDEN.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
