"""Fit bands: a shortlist score (0-100) in words, declared once for the CLI, the JSON API and the pages.

A score is the sum of the weighted factors (interests, strengths, job demands, accommodations,
commute, schedule, wage), each 0-1 before weighting. The bands are cut where a specialist
reads a difference: from 55 most factors fit well ("strong"), from 40 the opening fits on
the whole with something to talk over ("good"), below that it passes every limit of the
client but fits on few factors ("possible"). Only feasible openings are scored at all. A band
is read off the score as shown, in whole points.
"""

from __future__ import annotations

import math
from typing import Literal

Band = Literal["strong", "good", "possible"]

#: Lowest score of each band, best first (a score belongs to the first band it reaches).
BANDS: tuple[tuple[Band, float], ...] = (("strong", 55.0), ("good", 40.0), ("possible", 0.0))

#: How the pages say each band.
BAND_WORDS: dict[Band, str] = {"strong": "Strong fit", "good": "Good fit", "possible": "Possible fit"}


def fit_band(score: float) -> Band:
    """The band of a suggestion's score as it is shown: rounded to whole points (54.6 shows as 55,
    a strong fit), so the same number beside a band always gets the same band."""
    shown = round(score) if math.isfinite(score) else score  # half to even, as ``{:.0f}`` shows it
    return next((band for band, low in BANDS if shown >= low), "possible")


def bands_text() -> str:
    """The bands as a sentence part: 'strong from 55, good from 40, possible below'."""
    *upper, (last, _) = BANDS
    return ", ".join(f"{band} from {low:g}" for band, low in upper) + f", {last} below"
