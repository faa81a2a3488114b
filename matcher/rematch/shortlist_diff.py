"""What changed in one client's shortlist between two runs, and why.

A suggestion that is gone gets one reason, decided in this order:

=================== ===========================================================
``closed``          the opening is closed, or no longer listed at all
``filled``          the opening's status is filled
``expired``         its expiry date is before this run's date
``rejected``        the specialist rejected it for this client
``client_changed``  the pair now fails a hard limit and the client's record changed
``commute_changed`` the pair now fails the commute limit (the client did not change)
``opening_changed`` the pair now fails another hard limit (the opening's terms changed)
``outranked``       still feasible, but other openings now score higher
=================== ===========================================================

"Fails a hard limit" comes from the engine's constraint codes for the pair
now (``run_diff.exclusion_codes``); without them a gone, still-open opening is
taken as outranked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from matcher.types import Opening, Status


class Gone(StrEnum):
    """Why a suggestion left a shortlist."""

    CLOSED = "closed"
    FILLED = "filled"
    EXPIRED = "expired"
    REJECTED = "rejected"
    CLIENT_CHANGED = "client_changed"
    COMMUTE_CHANGED = "commute_changed"
    OPENING_CHANGED = "opening_changed"
    OUTRANKED = "outranked"


@dataclass(frozen=True, slots=True)
class Entry:
    """One suggestion of a stored shortlist."""

    opening_id: str
    rank: int
    score: float
    primary: bool = False


@dataclass(frozen=True, slots=True)
class NewSuggestion:
    """On the list now, not before; ``new_opening`` if posted since the previous run."""

    opening_id: str
    rank: int
    score: float
    new_opening: bool = False


@dataclass(frozen=True, slots=True)
class GoneSuggestion:
    """On the list before, not now, with the reason and the failed constraint codes."""

    opening_id: str
    previous_rank: int
    previous_score: float
    reason: Gone
    codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RankMove:
    """On both lists at different ranks (``delta`` > 0: moved up)."""

    opening_id: str
    previous_rank: int
    rank: int
    previous_score: float
    score: float

    @property
    def delta(self) -> int:
        return self.previous_rank - self.rank


@dataclass(frozen=True, slots=True)
class ShortlistDiff:
    """New, gone and moved suggestions of one client (each sorted by rank)."""

    client_id: str
    new: tuple[NewSuggestion, ...]
    gone: tuple[GoneSuggestion, ...]
    moved: tuple[RankMove, ...]
    unchanged: tuple[str, ...]
    client_changed: bool = False

    @property
    def changed(self) -> bool:
        """True if anything was added, removed or moved."""
        return bool(self.new or self.gone or self.moved)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = asdict(self)
        out["gone"] = [{**asdict(g), "reason": g.reason.value, "codes": list(g.codes)} for g in self.gone]
        out["moved"] = [{**asdict(m), "delta": m.delta} for m in self.moved]
        out["unchanged"] = list(self.unchanged)
        return out


def diff_shortlists(
    previous: Sequence[Entry],
    current: Sequence[Entry],
    *,
    openings_now: Mapping[str, Opening],
    as_of: dt.date,
    client_changed: bool,
    codes_now: Mapping[str, Sequence[str]] | None = None,
    since: dt.date | None = None,
    client_id: str = "",
) -> ShortlistDiff:
    """Compare a client's previous and current shortlists.

    Parameters
    ----------
    previous, current : sequences of Entry
        The stored list before and the list of this run.
    openings_now : mapping
        Opening id -> the opening as it is now (an id missing here is no longer listed).
    as_of : date
        This run's date (expiry is judged against it).
    client_changed : bool
        Whether the client's record changed since the previous run.
    codes_now : mapping, optional
        Opening id -> constraint codes the pair fails now (empty: feasible), for the
        gone openings that are still open (see ``run_diff.exclusion_codes``).
    since : date, optional
        Date of the previous run: new suggestions posted after it are ``new_opening``.
    client_id : str
        Carried into the result.

    Returns
    -------
    ShortlistDiff
    """
    before = {e.opening_id: e for e in previous}
    now = {e.opening_id: e for e in current}
    new = [
        NewSuggestion(e.opening_id, e.rank, e.score, _posted_after(openings_now.get(e.opening_id), since))
        for e in current
        if e.opening_id not in before
    ]
    gone = [
        _gone(e, openings_now.get(e.opening_id), as_of, client_changed, (codes_now or {}).get(e.opening_id))
        for e in previous
        if e.opening_id not in now
    ]
    both = [(before[o], now[o]) for o in now if o in before]
    moved = [RankMove(n.opening_id, b.rank, n.rank, b.score, n.score) for b, n in both if b.rank != n.rank]
    return ShortlistDiff(
        client_id=client_id,
        new=tuple(sorted(new, key=lambda s: (s.rank, s.opening_id))),
        gone=tuple(sorted(gone, key=lambda s: (s.previous_rank, s.opening_id))),
        moved=tuple(sorted(moved, key=lambda s: (s.rank, s.opening_id))),
        unchanged=tuple(sorted(n.opening_id for b, n in both if b.rank == n.rank)),
        client_changed=client_changed,
    )


def _posted_after(opening: Opening | None, since: dt.date | None) -> bool:
    return bool(opening and since and opening.posted and opening.posted > since)


def _gone(
    entry: Entry,
    opening: Opening | None,
    as_of: dt.date,
    client_changed: bool,
    codes: Sequence[str] | None,
) -> GoneSuggestion:
    codes = tuple(codes or ())

    def gone(reason: Gone) -> GoneSuggestion:
        return GoneSuggestion(entry.opening_id, entry.rank, entry.score, reason, codes)

    if opening is None or opening.status is Status.CLOSED:
        return gone(Gone.CLOSED)
    if opening.status is Status.FILLED:
        return gone(Gone.FILLED)
    if opening.expires is not None and opening.expires < as_of:
        return gone(Gone.EXPIRED)
    if "REJECTED_BY_SPECIALIST" in codes:
        return gone(Gone.REJECTED)
    if codes and client_changed:
        return gone(Gone.CLIENT_CHANGED)
    if "COMMUTE_TOO_LONG" in codes:
        return gone(Gone.COMMUTE_CHANGED)
    if codes:
        return gone(Gone.OPENING_CHANGED)
    return gone(Gone.OUTRANKED)
