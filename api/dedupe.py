"""Near-duplicate openings: same employer, fuzzy-equal title, (almost) same place."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from rapidfuzz import fuzz, utils

# token_sort_ratio >= 90 treats "Cook, line" and "Line cook" or one typo as the same title.
TITLE_CUTOFF = 90.0
# Two postings within this distance are at the same site (ZIP centroids, rounding).
SAME_PLACE_KM = 1.0


def distance_km(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Great-circle distance between two ``{"lat", "lon"}`` points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def same_place(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Both remote, or both located within :data:`SAME_PLACE_KM`."""
    if a.get("remote") or b.get("remote"):
        return bool(a.get("remote")) and bool(b.get("remote"))
    loc_a, loc_b = a.get("location"), b.get("location")
    if not loc_a or not loc_b:
        return False
    return distance_km(loc_a, loc_b) <= SAME_PLACE_KM


def is_near_duplicate(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """True when two opening records of one employer describe the same posting."""
    score = fuzz.token_sort_ratio(
        str(a.get("title", "")), str(b.get("title", "")), processor=utils.default_process
    )
    return score >= TITLE_CUTOFF and same_place(a, b)


def find_duplicate(record: Mapping[str, Any], others: Iterable[tuple[str, Mapping[str, Any]]]) -> str | None:
    """The key of the first of ``others`` that ``record`` near-duplicates, if any."""
    for key, other in others:
        if is_near_duplicate(record, other):
            return key
    return None
