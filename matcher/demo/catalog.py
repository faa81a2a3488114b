"""The demo catalog and the seeded drawing helpers every part of the generator shares.

Word lists, places and job profiles live in ``data/demo_catalog.json`` (package
data). The helpers turn uniform draws into picks, weighted indices, record ids,
ISO dates and weekly windows; none of them draws in another order than asked.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.types import DAY_NAMES
from matcher.vocab import DATA_DIR

CATALOG_PATH = DATA_DIR / "demo_catalog.json"

Record = dict[str, Any]
Arr = npt.NDArray[Any]
# Hours a day at each stamina level 1-5 (data/scale.csv stamina_hours).
STAMINA_HOURS = np.array([3.0, 4.0, 6.0, 8.0, 10.0])


@cache
def load_catalog() -> dict[str, Any]:
    """The demo word lists, places and job profiles (``data/demo_catalog.json``)."""
    with CATALOG_PATH.open(encoding="utf-8") as fh:
        catalog: dict[str, Any] = json.load(fh)
    return catalog


def choice(rng: np.random.Generator, weights: Any, size: int) -> Arr:
    """Indices drawn with probability proportional to ``weights``."""
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=size, p=w / w.sum())


def top_k(rng: np.random.Generator, weights: Any, size: int, k: int) -> Arr:
    """``size`` rows of ``k`` distinct indices, weighted (Gumbel top-k)."""
    w = np.log(np.asarray(weights, dtype=float))
    keys = w - np.log(-np.log(rng.random((size, len(w)))))
    return np.argsort(-keys, axis=1, kind="stable")[:, :k]


def pick(items: list[Any], x: float) -> Any:
    """The item at uniform draw ``x`` in [0, 1)."""
    return items[int(x * len(items))]


def draw(rng: np.random.Generator, items: list[Any], n: int) -> Arr:
    """``n`` items drawn uniformly, with repeats."""
    return np.array(items)[rng.integers(0, len(items), n)]


def record_ids(prefix: str, n: int) -> list[str]:
    """``C-001``-style ids, zero-padded to the width of the count (at least 3)."""
    width = max(3, len(str(n)))
    return [f"{prefix}-{i:0{width}d}" for i in range(1, n + 1)]


def iso_dates(ordinals: Arr) -> list[str]:
    """ISO strings of proleptic ordinals (one conversion per distinct day)."""
    uniq, inverse = np.unique(ordinals, return_inverse=True)
    text = [dt.date.fromordinal(int(o)).isoformat() for o in uniq]
    return [text[i] for i in inverse.tolist()]


def parse_span(span: str) -> tuple[int, int]:
    """``"16:00-00:00"`` -> (960, 1440): minutes, the end past the start."""
    start, end = ((int(t[:2]) * 60 + int(t[3:])) for t in span.split("-"))
    return start, end if end > start else end + 1440


def _format_span(start: int, end: int) -> str:
    """Inverse of :func:`parse_span`; an end past midnight wraps (22:00-06:00)."""
    end = end if end <= 1440 else end - 1440
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def merge_windows(windows: list[list[Any]]) -> list[str]:
    """Weekly windows (``[days, span]`` pairs) merged per day, as record strings."""
    by_day: dict[int, list[tuple[int, int]]] = {}
    for days, span in windows:
        for day in days:
            by_day.setdefault(DAY_NAMES.index(day), []).append(parse_span(span))
    out: list[str] = []
    for day in sorted(by_day):
        merged: list[list[int]] = []
        for start, end in sorted(by_day[day]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        out += [f"{DAY_NAMES[day]} {_format_span(s, e)}" for s, e in merged]
    return out
