"""The table of hard constraints: each rule declared once, with its code, test and why-not.

A rule's ``test`` is written over a view of pairs (:mod:`.pairs`), so the
same code checks a dense (clients x openings) block in the engine and a list
of gathered pairs in the nightly prefilter. A rule answers pass, fail or
*unknown*: where the opening leaves a term it reads unstated, ``fails`` is
False and its ``unknown`` test True; an unknown never excludes, it becomes a
concern asking the question (code :class:`Unknown`). Cognitive capacity is
deliberately absent: it never excludes (zero exclusion); it is a soft factor
in ``scoring``. ``docs/constraints.md`` describes every rule and how to add one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntFlag
from typing import TYPE_CHECKING

import numpy as np

from matcher import schedule
from matcher.constraints import why_not as why
from matcher.constraints.pairs import Pairs
from matcher.constraints.why_not import WhyNot
from matcher.types import UNLOCATED_PRECISIONS, LocationPrecision, Opening

if TYPE_CHECKING:  # explanations import this table: only the type goes the other way
    from matcher.explain.pair import Pair


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


class Unknown(IntFlag):
    """Reason codes of undecided constraints: the opening does not state what the rule reads.

    Each shares its bit with the :class:`Failed` code of the rule it leaves undecided, so the
    two masks line up; ``LOCATION_APPROXIMATE`` is no rule's bit: the commute is decided, but on
    an estimate from a place's centre (zip, city or area precision).
    """

    LOCATION_NOT_STATED = Failed.COMMUTE_TOO_LONG.value
    SHIFTS_NOT_STATED = Failed.SCHEDULE_OUTSIDE_AVAILABILITY.value
    HOURS_NOT_STATED = Failed.HOURS_OUT_OF_RANGE.value
    WAGE_NOT_STATED = Failed.WAGE_BELOW_FLOOR.value
    EARNINGS_NOT_KNOWN = Failed.EARNINGS_ABOVE_CAP.value
    ACCOMMODATION_NOT_STATED = Failed.REQUIRED_ACCOMMODATION_UNAVAILABLE.value
    LOCATION_APPROXIMATE = 1 << 15


Test = Callable[[Pairs], np.ndarray]


@dataclass(frozen=True)
class Rule:
    """One hard constraint.

    Parameters
    ----------
    code : Failed
        Its reason code (one bit).
    reads : tuple of str
        What it reads: ``client.<field>`` and ``opening.<field>`` of the
        records, or ``as_of``, ``config.<...>``, ``travel_times``, ``blocked``.
    fails : callable
        ``fails(pairs)``: True where a pair breaks the rule, shaped by the
        view (broadcastable to (C, J) for :class:`AllPairs`, (P,) for
        :class:`ListedPairs`). Only the evaluators in ``check`` call it.
    why_not : callable
        ``why_not(pair)``: the evidence, template values and ``feasible_if``
        of one excluded pair (template ``messages.EXCLUSION[code.name]``).
    applies : callable, optional
        ``applies(pairs)``: (C,) bool over ``pairs.clients``, the clients the
        rule can fail for at all; the others are skipped. None: every client.
    prefilter : bool
        Cheap and needing neither commute nor rejections: the nightly
        prefilter checks it pair by pair before scoring.
    per_opening : tuple of str
        The opening-index arrays (``p.index.<field>``) its test reads, when
        that is all it reads of an opening: ``matcher.candidates.RuleTally``
        then counts its exclusions once per distinct value instead of per
        opening. Empty: counted another way (commute, keywords, rejections).
    unknown : callable, optional
        ``unknown(pairs)``: True where the opening leaves the rule undecided
        (``fails`` is False there). None: the rule is always decided.
    ask : callable, optional
        ``ask(pair)``: the evidence and template values of the question an
        undecided pair raises (template ``messages.UNKNOWN[unknown_code.name]``).
    """

    code: Failed
    reads: tuple[str, ...]
    fails: Test
    why_not: Callable[[Pair], WhyNot]
    applies: Callable[[Pairs], np.ndarray] | None = None
    prefilter: bool = True
    unknown: Test | None = None
    ask: Callable[[Pair], WhyNot] | None = None
    per_opening: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return str(self.code.name)

    @property
    def unknown_code(self) -> Unknown:
        """The code of this rule's unknown (it shares the rule's bit)."""
        return Unknown(int(self.code))


def _not_open(p: Pairs) -> np.ndarray:
    return ~p.opening(p.index.is_open)


def _expired(p: Pairs) -> np.ndarray:
    return p.opening(p.index.expired)


def _commute_too_long(p: Pairs) -> np.ndarray:
    assert p.commute is not None, "the commute rule needs the block's commute"
    # an unknown location never fails (its minutes are infinite): it is a question
    result: np.ndarray = ~p.pair(p.commute.feasible) & p.opening(p.index.located)
    return result


def _location_unknown(p: Pairs) -> np.ndarray:
    return ~p.opening(p.index.located)


def _shifts_unknown(p: Pairs) -> np.ndarray:
    return ~p.opening(p.index.shifts_known)


def _schedule_outside(p: Pairs) -> np.ndarray:
    # fits per distinct shift pattern, then looked up per opening; unstated shifts have an empty
    # pattern, which fits any availability (never fails)
    patterns = p.index.shift_patterns
    table = schedule.fits(p.clients.avail, patterns, np.arange(len(patterns)))
    return ~p.lookup(table, p.index.shift_inverse)


def _hours_out_of_range(p: Pairs) -> np.ndarray:
    hours = p.opening(p.index.hours)  # NaN (not stated) compares False: never fails
    return (hours < p.client(p.clients.min_hours)) | (hours > p.client(p.clients.max_hours))


def _not_stated(values: str) -> Test:
    """Unknown where the per-opening array ``index.<values>`` is NaN."""

    def unknown(p: Pairs) -> np.ndarray:
        result: np.ndarray = np.isnan(p.opening(getattr(p.index, values)))
        return result

    return unknown


def _wage_below_floor(p: Pairs) -> np.ndarray:
    return p.opening(p.index.wage) < p.client(p.clients.wage_floor)


def _earnings_above_cap(p: Pairs) -> np.ndarray:
    return p.opening(p.index.monthly) > p.client(p.clients.earnings_cap)


def _accommodation_bits(p: Pairs, bits: np.ndarray) -> np.ndarray:
    """True where a client's required needs meet the per-opening bit sets ``bits`` (J, words)."""
    need, hit = p.clients.required_bits, np.zeros((), dtype=bool)
    for w in range(need.shape[1]):
        hit = hit | ((p.client(need[:, w]) & p.opening(bits[:, w])) != 0)
    return hit


def _accommodation_unavailable(p: Pairs) -> np.ndarray:
    # A client who does not disclose counts only on what is offered to everyone; one who
    # discloses is stopped only by what the employer states is not possible (a need the
    # employer has not stated is a question: ``_accommodation_unknown``). Bit sets per opening.
    everyone, impossible = p.index.available_bits[:, 0], p.index.not_possible_bits
    need, discloses = p.clients.required_bits, p.client(p.clients.discloses)
    fails = np.zeros((), dtype=bool)
    for w in range(need.shape[1]):
        blocking = np.where(discloses, p.opening(impossible[:, w]), p.opening(~everyone[:, w]))
        fails = fails | ((p.client(need[:, w]) & blocking) != 0)
    return fails


def _accommodation_unknown(p: Pairs) -> np.ndarray:
    """A disclosing client needs what the employer has not stated (and nothing it says is not possible)."""
    discloses = p.client(p.clients.discloses)
    open_question = _accommodation_bits(p, p.index.not_stated_bits)
    result: np.ndarray = discloses & open_question & ~_accommodation_bits(p, p.index.not_possible_bits)
    return result


def _excluded_industry(p: Pairs) -> np.ndarray:
    # an extra False column: industry code -1 (unknown) is never excluded
    table: np.ndarray = np.pad(p.clients.excluded_industries, ((0, 0), (0, 1)))
    return p.lookup(table, p.index.industry_code)


def _background_check(p: Pairs) -> np.ndarray:
    checked = p.index.background_check & ~p.index.fair_chance
    result: np.ndarray = p.client(p.clients.avoid_background_check) & p.opening(checked)
    return result


def _rejected_by_specialist(p: Pairs) -> np.ndarray:
    rows, cols = [], []
    for i, c in enumerate(p.clients.clients):
        for o in (p.blocked or {}).get(c.id, ()):
            if o in p.index.position:
                rows.append(i)
                cols.append(p.index.position[o])
    return p.marked(np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))


def _clients_with(field: str) -> Callable[[Pairs], np.ndarray]:
    """Clients whose record has a non-empty ``field``."""

    def applies(p: Pairs) -> np.ndarray:
        return np.array([bool(getattr(c, field)) for c in p.clients.clients], dtype=bool)

    return applies


RULES: tuple[Rule, ...] = (
    Rule(Failed.NOT_OPEN, ("opening.status",), _not_open, why.not_open, per_opening=("is_open",)),
    Rule(Failed.EXPIRED, ("opening.expires", "as_of"), _expired, why.expired, per_opening=("expired",)),
    Rule(
        Failed.COMMUTE_TOO_LONG,
        (
            "client.home",
            "client.modes",
            "client.max_commute_minutes",
            "opening.location",
            "opening.remote",
            "opening.shifts",
            "config.commute",
            "travel_times",
        ),
        _commute_too_long,
        why.commute_too_long,
        prefilter=False,  # needs the commute, computed per block
        unknown=_location_unknown,
        ask=why.ask_location,
    ),
    Rule(
        Failed.SCHEDULE_OUTSIDE_AVAILABILITY,
        ("client.availability", "opening.shifts"),
        _schedule_outside,
        why.schedule_outside,
        unknown=_shifts_unknown,
        ask=why.ask_shifts,
        per_opening=("shift_inverse",),
    ),
    Rule(
        Failed.HOURS_OUT_OF_RANGE,
        ("client.min_hours", "client.max_hours", "opening.hours_per_week"),
        _hours_out_of_range,
        why.hours_out_of_range,
        unknown=_not_stated("hours"),
        ask=why.ask_hours,
        per_opening=("hours",),
    ),
    Rule(
        Failed.WAGE_BELOW_FLOOR,
        ("client.wage_floor", "opening.hourly_wage"),
        _wage_below_floor,
        why.wage_below_floor,
        applies=lambda p: np.asarray(p.clients.wage_floor > 0),
        unknown=_not_stated("wage"),
        ask=why.ask_wage,
        per_opening=("wage",),
    ),
    Rule(
        Failed.EARNINGS_ABOVE_CAP,
        ("client.earnings_cap", "opening.hourly_wage", "opening.hours_per_week", "config.benefits"),
        _earnings_above_cap,
        why.earnings_above_cap,
        applies=lambda p: np.asarray(np.isfinite(p.clients.earnings_cap)),
        unknown=_not_stated("monthly"),
        ask=why.ask_earnings,
        per_opening=("monthly",),
    ),
    Rule(
        Failed.REQUIRED_ACCOMMODATION_UNAVAILABLE,
        (
            "client.accommodations",
            "client.discloses",
            "opening.offered_to_all",
            "opening.on_request",
            "opening.not_possible",
            "opening.remote",
        ),
        _accommodation_unavailable,
        why.accommodation_unavailable,
        applies=lambda p: np.asarray(p.clients.required.any(axis=1)),
        unknown=_accommodation_unknown,
        ask=why.ask_accommodation,
        per_opening=("available_bits", "not_possible_bits"),
    ),
    Rule(
        Failed.EXCLUDED_INDUSTRY,
        ("client.excluded_industries", "opening.industry"),
        _excluded_industry,
        why.excluded_industry,
        applies=lambda p: np.asarray(p.clients.excluded_industries.any(axis=1)),
        per_opening=("industry_code",),
    ),
    Rule(
        Failed.EXCLUDED_EMPLOYER,
        ("client.excluded_employers", "opening.employer"),
        lambda p: p.pair(p.clients.excluded_by_employer),
        why.excluded_employer,
        applies=_clients_with("excluded_employers"),
        per_opening=("employer_code",),  # the client's table is by employer
    ),
    Rule(
        Failed.EXCLUDED_KEYWORD,
        (
            "client.excluded_keywords",
            "opening.title",
            "opening.industry",
            "opening.description",
            "opening.employer",
            "opening.onet_soc",  # an avoidance topic's occupations (``matcher.topics``)
        ),
        lambda p: p.pair(p.clients.excluded_by_keyword),
        why.excluded_keyword,
        applies=_clients_with("excluded_keywords"),
    ),
    Rule(
        Failed.BACKGROUND_CHECK,
        ("client.avoid_background_check", "opening.background_check", "opening.fair_chance"),
        _background_check,
        why.background_check,
        applies=lambda p: p.clients.avoid_background_check,
        per_opening=("background_check", "fair_chance"),
    ),
    Rule(
        Failed.REJECTED_BY_SPECIALIST,
        ("blocked",),
        _rejected_by_specialist,
        why.rejected_by_specialist,
        applies=lambda p: np.array([c.id in (p.blocked or {}) for c in p.clients.clients], dtype=bool),
        prefilter=False,  # the specialist's rejections are applied per block
    ),
)

# The rules the nightly prefilter checks pair by pair, in table order.
PREFILTER: tuple[Rule, ...] = tuple(r for r in RULES if r.prefilter)


# The rules that can be left undecided, in table order.
UNDECIDABLE: tuple[Rule, ...] = tuple(r for r in RULES if r.unknown is not None)
assert all(r.ask is not None and r.code.value in Unknown._value2member_map_ for r in UNDECIDABLE)


def flag_names(bits: int, flags: type[IntFlag] = Failed) -> list[str]:
    """Names of the flags of ``flags`` (``Failed`` or ``Unknown``) set in ``bits``, in code order."""
    return [f.name for f in flags if f.name is not None and bits & f]


def opening_unknowns(opening: Opening) -> tuple[Unknown, ...]:
    """The terms an opening itself leaves open, whoever the client (nightly digest rows).

    Pay is listed for everyone (it is asked about against the floor or the minimum wage);
    ``EARNINGS_NOT_KNOWN`` depends on a client's cap, so it is not listed here.
    """
    out = []
    if not opening.remote and opening.location is None:
        out.append(Unknown.LOCATION_NOT_STATED)
    if opening.shifts is None:
        out.append(Unknown.SHIFTS_NOT_STATED)
    if opening.hours_per_week is None:
        out.append(Unknown.HOURS_NOT_STATED)
    if opening.hourly_wage is None:
        out.append(Unknown.WAGE_NOT_STATED)
    approximate = opening.location_precision not in UNLOCATED_PRECISIONS | {LocationPrecision.EXACT}
    if not opening.remote and opening.location is not None and approximate:
        out.append(Unknown.LOCATION_APPROXIMATE)
    return tuple(out)
