"""Hard constraints: the client's own limits, as a (clients x openings) bit mask.

Each failed constraint sets one bit, so an exclusion can list *every* reason it
fails. Cognitive capacity is deliberately absent: it never excludes (zero
exclusion); it is a soft factor in ``scoring``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from enum import IntFlag

import numpy as np

from matcher import schedule
from matcher.commute import Commute
from matcher.features import ClientBatch, OpeningIndex


class Failed(IntFlag):
    """Reason codes of exclusions (stable names, used in explanations and APIs)."""

    NOT_OPEN = 1
    EXPIRED = 2
    COMMUTE_TOO_LONG = 4
    SCHEDULE_OUTSIDE_AVAILABILITY = 8
    HOURS_OUT_OF_RANGE = 16
    WAGE_BELOW_FLOOR = 32
    EARNINGS_ABOVE_CAP = 64
    REQUIRED_ACCOMMODATION_UNAVAILABLE = 128
    EXCLUDED_INDUSTRY = 256
    EXCLUDED_EMPLOYER = 512
    EXCLUDED_KEYWORD = 1024
    BACKGROUND_CHECK = 2048
    REJECTED_BY_SPECIALIST = 4096


def failed_codes(
    clients: ClientBatch,
    index: OpeningIndex,
    commute: Commute,
    *,
    blocked: Mapping[str, Collection[str]] | None = None,
) -> np.ndarray:
    """(C, J) uint16: bit per failed hard constraint; 0 means feasible."""
    n_c, n_j = len(clients.clients), len(index.ids)
    # what depends on the opening alone (not open, expired) is the starting point
    codes = np.repeat(opening_codes(index)[None, :], n_c, axis=0)

    def add(flag: Failed, mask: np.ndarray) -> None:
        # shift the bool mask into the flag's bit: far faster than a masked ufunc
        np.bitwise_or(codes, np.left_shift(mask, int(flag).bit_length() - 1, dtype=np.uint16), out=codes)

    add(Failed.COMMUTE_TOO_LONG, ~commute.feasible)
    in_hours = schedule.fits(clients.avail, index.shift_patterns, index.shift_inverse)
    add(Failed.SCHEDULE_OUTSIDE_AVAILABILITY, ~in_hours)
    hours = index.hours[None, :]
    add(
        Failed.HOURS_OUT_OF_RANGE, (hours < clients.min_hours[:, None]) | (hours > clients.max_hours[:, None])
    )
    if clients.wage_floor.any():
        add(Failed.WAGE_BELOW_FLOOR, index.wage[None, :] < clients.wage_floor[:, None])
    if np.isfinite(clients.earnings_cap).any():
        add(Failed.EARNINGS_ABOVE_CAP, index.monthly[None, :] > clients.earnings_cap[:, None])
    if clients.required.any():
        add(Failed.REQUIRED_ACCOMMODATION_UNAVAILABLE, missing_required(clients, index) > 0)
    if clients.excluded_industries.any():
        known = index.industry_code >= 0
        hit = np.zeros((n_c, n_j), dtype=bool)
        hit[:, known] = clients.excluded_industries[:, index.industry_code[known]]
        add(Failed.EXCLUDED_INDUSTRY, hit)
    if any(c.excluded_employers for c in clients.clients):
        add(Failed.EXCLUDED_EMPLOYER, clients.excluded_by_employer)
    if any(c.excluded_keywords for c in clients.clients):
        add(Failed.EXCLUDED_KEYWORD, clients.excluded_by_keyword)
    if clients.avoid_background_check.any():
        checked = (index.background_check & ~index.fair_chance)[None, :]
        add(Failed.BACKGROUND_CHECK, clients.avoid_background_check[:, None] & checked)
    if blocked:
        for i, c in enumerate(clients.clients):
            cols = [index.position[o] for o in blocked.get(c.id, ()) if o in index.position]
            codes[i, cols] |= np.uint16(Failed.REJECTED_BY_SPECIALIST)
    return codes


def opening_codes(index: OpeningIndex) -> np.ndarray:
    """(J,) uint16 codes that depend on the opening alone: not open, expired."""
    codes = np.where(index.is_open, 0, np.uint16(Failed.NOT_OPEN)).astype(np.uint16)
    return codes | np.where(index.expired, np.uint16(Failed.EXPIRED), 0).astype(np.uint16)


def missing_required(clients: ClientBatch, index: OpeningIndex) -> np.ndarray:
    """(C, J) count of required accommodations the job cannot give this client.

    Without disclosure only what the job offers to everyone counts; with it,
    what is available on request counts too.
    """
    unmet = np.zeros((len(clients.clients), len(index.ids)), dtype=np.int8)
    for disclosed, lacking in ((False, index.not_offered_t), (True, index.not_available_t)):
        rows = np.flatnonzero(clients.discloses == disclosed)
        needs = clients.required[rows]
        for a in np.flatnonzero(needs.any(axis=0)):  # only what someone requires
            unmet[rows[needs[:, a]]] += lacking[a]
    return unmet


def flag_names(bits: int) -> list[str]:
    """Names of the flags set in ``bits``, in code order."""
    return [f.name for f in Failed if f.name is not None and bits & f]
