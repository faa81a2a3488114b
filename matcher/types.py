"""Records of the domain: clients, openings, and the engine's answers.

All records are frozen dataclasses holding already-validated values (see
``matcher.records`` for building them from raw dicts with clear errors).
Times are minutes since midnight; weekdays are 0 (Monday) to 6 (Sunday).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:
    import numpy as np

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REMOTE_WORK = "remote_work"  # the accommodation a remote job gives everyone


class Need(StrEnum):
    """How much a client needs an accommodation."""

    REQUIRED = "required"
    PREFERRED = "preferred"


class Offer(IntEnum):
    """How an opening gives one accommodation (values are stored in index arrays).

    Four states: offered to everyone, on request (to a client who discloses), not possible
    (the employer says so), and not stated (the employer said nothing: a question to ask,
    since most accommodations are negotiated after an offer).
    """

    NOT_STATED = 0
    ON_REQUEST = 1  # a formal accommodation: the client must disclose to ask for it
    TO_EVERYONE = 2
    NOT_POSSIBLE = 3


@overload
def available(offer: Offer, discloses: bool) -> bool: ...
@overload
def available(offer: np.ndarray, discloses: np.ndarray | bool) -> np.ndarray: ...
def available(offer: Any, discloses: Any) -> Any:
    """Whether a client can count on an accommodation the job gives as ``offer``.

    Offered to everyone, or on request when the client chooses to disclose.
    The one definition of the rule: it works on single values and, element-wise
    with broadcasting, on arrays of :class:`Offer` codes and disclosure flags.
    """
    return (offer == Offer.TO_EVERYONE) | ((offer == Offer.ON_REQUEST) & discloses)


class LocationPrecision(StrEnum):
    """How precisely an opening's location is known (``matcher.geocode.Precision``, plus ``exact``).

    ``exact``, ``zip``, ``city`` and ``area`` give a point (the place's centre below ``exact``) to
    estimate a commute from; ``state`` and ``country`` say where the posting is but are not a place
    to commute to: the location is unknown.
    """

    EXACT = "exact"
    ZIP = "zip"
    CITY = "city"
    AREA = "area"
    STATE = "state"
    COUNTRY = "country"


UNLOCATED_PRECISIONS = frozenset({LocationPrecision.STATE, LocationPrecision.COUNTRY})


class Status(StrEnum):
    """Lifecycle of an opening."""

    OPEN = "open"
    FILLED = "filled"
    CLOSED = "closed"


Priority = Literal["low", "normal", "high"]


@dataclass(frozen=True, slots=True)
class Location:
    """A point on Earth in decimal degrees."""

    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """One weekly time window: ``day`` from ``start`` to ``end`` minutes.

    ``end`` may be smaller than ``start`` for a window that runs past midnight
    (a night shift ``Fri 22:00-06:00`` ends on Saturday morning).
    """

    day: int
    start: int
    end: int

    @property
    def minutes(self) -> int:
        """Length of the window in minutes."""
        return (self.end - self.start) % 1440 or 1440

    def __str__(self) -> str:
        return f"{DAY_NAMES[self.day]} {_hhmm(self.start)}-{_hhmm(self.end)}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, slots=True)
class Client:
    """A person looking for work, described by functional needs, never diagnoses.

    ``capacity`` rates each cognitive dimension on the ordinal scale
    (``data/scale.csv``); ``accommodations`` maps accommodation codes to
    :class:`Need`. ``earnings_cap`` is the monthly earnings limit the client
    chose to protect disability benefits (``None``: no cap chosen).
    """

    id: str
    home: Location
    modes: tuple[str, ...]
    max_commute_minutes: int
    availability: tuple[TimeWindow, ...]
    min_hours: float
    max_hours: float
    capacity: dict[str, int]
    interests: tuple[str, ...] = ()
    preferred_industries: tuple[str, ...] = ()
    riasec: tuple[float, ...] | None = None
    strengths: tuple[str, ...] = ()
    past_titles: tuple[str, ...] = ()
    # Strengths derived from past job titles (O*NET); shown as "inferred from work history".
    inferred_strengths: tuple[str, ...] = ()
    accommodations: dict[str, Need] = field(default_factory=dict)
    discloses: bool = False
    wage_floor: float = 0.0
    earnings_cap: float | None = None
    receives_ssdi: bool = False
    receives_ssi: bool = False
    excluded_industries: tuple[str, ...] = ()
    excluded_employers: tuple[str, ...] = ()
    excluded_keywords: tuple[str, ...] = ()
    avoid_background_check: bool = False
    priorities: dict[str, Priority] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Opening:
    """A job posting with one or more positions.

    ``demands`` rates the cognitive dimensions a job asks for; a dimension
    missing from the dict is *unknown* (never read as zero). ``shifts``,
    ``hours_per_week`` and ``hourly_wage`` are None when the posting does not
    state them (unknown, not failing: see ``docs/constraints.md``).
    ``remote`` openings have no commute. ``location`` is None for a remote
    opening, or when only a state or the country is known
    (``location_precision``); below ``exact`` it is the place's centre, within
    about ``location_uncertainty_km`` (None: the default radius of the precision,
    ``CommuteConfig.precision_radius_km``).
    """

    id: str
    employer: str
    title: str
    location: Location | None
    shifts: tuple[TimeWindow, ...] | None = None
    hours_per_week: float | None = None
    hourly_wage: float | None = None
    description: str = ""
    industry: str = ""
    onet_soc: str | None = None
    required_skills: tuple[str, ...] = ()
    preferred_skills: tuple[str, ...] = ()
    # True when the skills above were derived from the O*NET occupation, not given by a liaison.
    skills_inferred: bool = False
    demands: dict[str, int] = field(default_factory=dict)
    inferred_demands: frozenset[str] = frozenset()
    offered_to_all: frozenset[str] = frozenset()
    on_request: frozenset[str] = frozenset()
    not_possible: frozenset[str] = frozenset()  # the employer states it cannot be given
    remote: bool = False
    positions: int = 1
    posted: dt.date | None = None
    expires: dt.date | None = None
    status: Status = Status.OPEN
    background_check: bool = False
    fair_chance: bool = False
    riasec: tuple[float, ...] | None = None
    location_precision: LocationPrecision = LocationPrecision.EXACT
    location_uncertainty_km: float | None = None

    @property
    def located(self) -> bool:
        """A place to commute to is known (or none is needed: remote)."""
        return self.remote or self.location is not None

    def offer(self, accommodation: str) -> Offer:
        """How the job gives ``accommodation``; a remote job always offers remote work to everyone."""
        if accommodation in self.offered_to_all or (self.remote and accommodation == REMOTE_WORK):
            return Offer.TO_EVERYONE
        if accommodation in self.on_request:
            return Offer.ON_REQUEST
        return Offer.NOT_POSSIBLE if accommodation in self.not_possible else Offer.NOT_STATED


@dataclass(frozen=True, slots=True)
class Reason:
    """One plain-language reason, with a stable ``code`` and its evidence.

    ``kind`` is ``"positive"``, ``"concern"``, ``"hint"`` (support-plan hint)
    or ``"exclusion"``. ``feasible_if`` says, for an exclusion that alone
    blocks an opening, what would make it feasible.
    """

    code: str
    kind: Literal["positive", "concern", "hint", "exclusion"]
    text: str
    factor: str | None = None
    evidence: dict[str, object] = field(default_factory=dict)
    feasible_if: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One ranked opening for a client.

    ``contributions`` (points per factor) add up exactly to ``score``
    (0–100, two decimals); ``factors`` are the raw factor values in [0, 1].
    """

    client_id: str
    opening_id: str
    rank: int
    score: float
    contributions: dict[str, float]
    factors: dict[str, float]
    reasons: tuple[Reason, ...]

    @property
    def positives(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.kind == "positive")

    @property
    def concerns(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.kind == "concern")

    @property
    def hints(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.kind == "hint")


@dataclass(frozen=True, slots=True)
class Exclusion:
    """An opening ruled out for a client, with every constraint it fails.

    ``questions``: concerns about terms the opening leaves unknown (never a reason it is ruled
    out); given by ``Matcher.explain`` for the one opening asked about.
    """

    client_id: str
    opening_id: str
    reasons: tuple[Reason, ...]
    questions: tuple[Reason, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True, slots=True)
class NearMiss:
    """An opening that fails exactly one limit, with the score it would have and that limit's reason."""

    opening_id: str
    score: float
    reason: Reason


@dataclass(frozen=True, slots=True)
class Shortlist:
    """A client's ranked suggestions and the openings ruled out."""

    client_id: str
    suggestions: tuple[Suggestion, ...]
    exclusions: tuple[Exclusion, ...]
    exclusion_counts: dict[str, int]
    n_considered: int
    n_excluded: int
    engine_version: str
    config_hash: str
    # The best-scoring openings that fail exactly one of the client's limits (``near_misses=`` asked).
    near_misses: tuple[NearMiss, ...] = ()
    # Of the openings excluded, how many disclosing alone would open (0 for a client who discloses).
    opened_by_disclosing: int = 0
