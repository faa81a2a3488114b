"""Weekly schedules as bit masks of 5-minute slots.

A week has 7 x 288 = 2016 five-minute slots, packed into 32 uint64 words, so
"every shift lies inside the availability" is ``shift & ~avail == 0`` on whole
arrays. Record validation keeps times on 5-minute boundaries, so masks are
exact; were a time off-boundary, shifts claim every slot they touch and
availability only the slots it fully covers, so rounding never makes an
infeasible shift look feasible.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from matcher.types import TimeWindow

SLOT_MINUTES = 5
SLOTS_PER_DAY = 1440 // SLOT_MINUTES
N_SLOTS = 7 * SLOTS_PER_DAY
N_WORDS = (N_SLOTS + 63) // 64


def _slots(window: TimeWindow, *, cover: bool) -> range:
    start = window.day * 1440 + window.start
    end = start + window.minutes
    if cover:  # shift: every slot it touches
        return range(start // SLOT_MINUTES, -(-end // SLOT_MINUTES))
    return range(-(-start // SLOT_MINUTES), end // SLOT_MINUTES)  # availability: full slots


def weekly_mask(windows: Sequence[TimeWindow], *, cover: bool) -> np.ndarray:
    """Pack windows into N_WORDS uint64 words (slots past Sunday midnight wrap to Monday)."""
    return _weekly_mask(tuple(windows), cover)


@lru_cache(maxsize=65536)
def _weekly_mask(windows: tuple[TimeWindow, ...], cover: bool) -> np.ndarray:
    bits = np.zeros(N_SLOTS, dtype=bool)
    for w in windows:
        for s in _slots(w, cover=cover):
            bits[s % N_SLOTS] = True
    padded = np.zeros(N_WORDS * 64, dtype=bool)
    padded[:N_SLOTS] = bits
    packed = np.packbits(padded.reshape(N_WORDS, 64), axis=1, bitorder="little").view(np.uint64)[:, 0]
    packed.setflags(write=False)  # cached: shared between callers
    return packed


def masks(schedules: Sequence[Sequence[TimeWindow]], *, cover: bool) -> np.ndarray:
    """(n, N_WORDS) uint64 masks for many schedules."""
    out = np.zeros((len(schedules), N_WORDS), dtype=np.uint64)
    for i, windows in enumerate(schedules):
        out[i] = weekly_mask(windows, cover=cover)
    return out


def patterns(masks_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a mask array and, per row, the index of its pattern."""
    if len(masks_) <= 1:  # one client's call: its row is its own pattern (np.unique sorts: ~0.2 ms)
        return masks_.copy(), np.zeros(len(masks_), dtype=np.intp)
    unique, inverse = np.unique(masks_, axis=0, return_inverse=True)
    return unique, inverse.reshape(-1)


def fits(avail: np.ndarray, shift_patterns: np.ndarray, shift_inverse: np.ndarray) -> np.ndarray:
    """(C, J) bool: every shift slot of opening j lies in client c's availability.

    Computed on the distinct availability and shift patterns only (programs
    have few of each), then gathered back to the full matrix.
    """
    ua, inv_a = patterns(avail)
    outside = np.zeros((len(ua), len(shift_patterns)), dtype=bool)
    for w in range(ua.shape[1]):  # word by word: temporaries stay (clients x patterns)
        outside |= (shift_patterns[None, :, w] & ~ua[:, None, w]) != 0
    result: np.ndarray = (~outside)[inv_a][:, shift_inverse]
    return result


def uncovered(avail_windows: Sequence[TimeWindow], shifts: Sequence[TimeWindow]) -> list[TimeWindow]:
    """The shifts not inside the availability (for explanations)."""
    avail = weekly_mask(avail_windows, cover=False)
    return [w for w in shifts if (weekly_mask([w], cover=True) & ~avail).any()]


def shift_service_span(shifts: Sequence[TimeWindow]) -> tuple[int, int]:
    """Earliest start and latest end (minutes since midnight; past 1440 = next day)."""
    if not shifts:
        return 0, 0
    return min(w.start for w in shifts), max(w.start + w.minutes for w in shifts)


def longest_shift_hours(shifts: Sequence[TimeWindow]) -> float:
    """Length of the longest shift in hours (drives the stamina demand)."""
    return max((w.minutes for w in shifts), default=0) / 60.0
