"""Program configuration: weights, commute model, limits and benefits figures.

Configs are frozen dataclasses passed to each stage; nothing here reads the
environment. A program changes them by building its own ``MatcherConfig``
(``MatcherConfig.from_dict``), and every shortlist records ``config_hash``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matcher.canonical import sha256_hex
from matcher.errors import ConfigError
from matcher.resources import data_dir

FACTORS = ("preference", "strengths", "cognitive", "accommodation", "commute", "schedule", "wage")

# Preferences weigh most: jobs in a client's preferred area last about twice as long (IPS).
DEFAULT_WEIGHTS = {
    "preference": 0.30,
    "strengths": 0.15,
    "cognitive": 0.15,
    "accommodation": 0.10,
    "commute": 0.12,
    "schedule": 0.08,
    "wage": 0.10,
}

# A client's own priorities multiply the program weight before renormalising.
PRIORITY_MULTIPLIERS = {"low": 0.5, "normal": 1.0, "high": 2.0}


@dataclass(frozen=True, slots=True)
class ModeConfig:
    """Door-to-door time model for one travel mode.

    minutes = access + wait + hour factor * road km / speed(road km) * 60, where
    road km = straight-line km * detour and speed is ``speed_by_km`` (or ``speed_kmh``).
    Hour factors are relative to the fastest hour (at least 1) and ``speed_kmh`` is at least
    every speed of ``speed_by_km``: so ``speed_kmh`` bounds every trip, and the geographic
    candidate search (``matcher.candidates.reach_km``) never leaves out a reachable opening.
    """

    speed_kmh: float
    detour: float = 1.3
    access_minutes: float = 0.0
    wait_minutes: float = 0.0
    # Hours of service (minutes since midnight); None means always available.
    service_start: int | None = None
    service_end: int | None = None
    # Average speed by road distance at the fastest hour: (road km, km/h) points, interpolated
    # and flat beyond the ends; None: ``speed_kmh`` at every distance (matcher.commute.mode_minutes).
    speed_by_km: tuple[tuple[float, float], ...] | None = None
    # Multiplier of the moving time by the hour of the trip to a shift (24 values, hour 0 first),
    # 1 at the fastest hour (night), more where traffic is slower; None: 1 at every hour.
    hour_factors: tuple[float, ...] | None = None

    def __post_init__(self) -> None:  # lists from JSON become tuples: the config stays hashable
        if self.speed_by_km is not None:
            points = tuple((float(k), float(v)) for k, v in self.speed_by_km)
            if not points or any(v <= 0 for _, v in points) or list(points) != sorted(points):
                raise ConfigError("speed_by_km: (km, km/h) points in increasing km, speeds > 0")
            if max(v for _, v in points) > self.speed_kmh:
                raise ConfigError(
                    "speed_kmh must be at least the fastest speed of speed_by_km (it bounds reach)"
                )
            object.__setattr__(self, "speed_by_km", points)
        if self.hour_factors is not None:
            factors = tuple(float(f) for f in self.hour_factors)
            if len(factors) != 24 or any(f < 1 for f in factors):
                raise ConfigError("hour_factors: 24 multipliers >= 1 (1 at the fastest hour), hour 0 first")
            object.__setattr__(self, "hour_factors", factors)


# Average door-to-door driving speed by road km at night (free flow, US metros): short trips are
# mostly signalised streets and parking, longer ones use arterials and freeways. At midday
# (x 1 / 1.18) they are 20, 32, 45, 58 and 70 km/h: round figures in the range of NHTS 2017
# trip speeds by distance band; see docs/travel.md.
CAR_SPEEDS = ((1.0, 24.0), (5.0, 38.0), (15.0, 53.0), (30.0, 68.0), (60.0, 82.0))
# Cycling: stops at lights and junctions weigh most on short trips.
BIKE_SPEEDS = ((1.0, 11.0), (5.0, 14.0), (15.0, 16.0))
# Paratransit shares the car's roads but stops for other riders (about 0.8 of the car's speed).
RIDE_SPEEDS = tuple((km, round(0.8 * v, 1)) for km, v in CAR_SPEEDS)
# Road travel time by hour of the day, relative to the night: midday about 18 % slower, weekday
# peaks 60-65 % (TomTom Traffic Index puts US metro peak-hour travel times 30-60 % above free
# flow); the trip to a shift is in the hour before it starts.
ROAD_HOURS = (
    1.0, 1.0, 1.0, 1.0, 1.0, 1.05,  # 00-05
    1.3, 1.6, 1.6, 1.35, 1.18, 1.18,  # 06-11
    1.18, 1.18, 1.18, 1.35, 1.65, 1.65,  # 12-17
    1.35, 1.12, 1.12, 1.12, 1.0, 1.0,  # 18-23
)  # fmt: skip


def _default_modes() -> dict[str, ModeConfig]:
    return {
        "walk": ModeConfig(speed_kmh=4.8, detour=1.25),
        "bike": ModeConfig(speed_kmh=16.0, detour=1.25, access_minutes=2, speed_by_km=BIKE_SPEEDS),
        "transit": ModeConfig(
            speed_kmh=20.0,
            detour=1.4,
            access_minutes=10,
            wait_minutes=8,
            service_start=5 * 60 + 30,
            service_end=23 * 60 + 30,
        ),
        "car": ModeConfig(
            speed_kmh=82.0, detour=1.3, access_minutes=5, speed_by_km=CAR_SPEEDS, hour_factors=ROAD_HOURS
        ),
        # ADA paratransit runs during fixed-route hours and needs pick-up slack.
        "ride": ModeConfig(
            speed_kmh=65.6,
            detour=1.4,
            wait_minutes=20,
            service_start=5 * 60 + 30,
            service_end=23 * 60 + 30,
            speed_by_km=RIDE_SPEEDS,
            hour_factors=ROAD_HOURS,
        ),
    }


@dataclass(frozen=True, slots=True)
class CommuteConfig:
    """Commute estimation and scoring."""

    modes: dict[str, ModeConfig] = field(default_factory=_default_modes)
    # A commute this share of the client's limit or less counts as "short".
    short_share: float = 0.5
    # Commute fit falls linearly from 1 (no commute) to this value at the client's limit.
    fit_at_limit: float = 0.2
    # Radius (km) within which a place's centre most likely holds the work, when the opening does
    # not give its own ``location_uncertainty_km`` (``matcher.geocode`` gives one per city).
    precision_radius_km: dict[str, float] = field(
        default_factory=lambda: {"exact": 0.0, "zip": 3.0, "city": 8.0, "area": 25.0}
    )


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Weights and soft-factor parameters."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # Preference factor blend: canonical phrase overlap, TF-IDF text, industry, RIASEC.
    preference_blend: dict[str, float] = field(
        default_factory=lambda: {"phrases": 0.45, "text": 0.25, "industry": 0.15, "riasec": 0.15}
    )
    # TF-IDF cosine at or above this counts as a full text match.
    text_full_match: float = 0.35
    # Fuzzy phrase matching (rapidfuzz WRatio, 0-100) to vocabulary terms.
    phrase_cutoff: float = 86.0
    # Strengths: share of required vs preferred skills, and a past-title bonus.
    required_skill_share: float = 0.7
    past_title_bonus: float = 0.25
    past_title_cutoff: float = 85.0
    # Cognitive fit = 1 - (sum of gaps after offsets + unknown_gap * n_unknown) / tolerance.
    cognitive_tolerance: float = 6.0
    unknown_gap: float = 0.25
    # Levels an available accommodation takes off a demand gap on a dimension it offsets.
    offset_levels: float = 1.0
    # Hours fit: 1 at the middle of the client's range, falling over half-range + tolerance.
    hours_tolerance: float = 5.0
    # Wage fit: wage_base at the client's reference wage, 1 at +wage_headroom above it.
    wage_base: float = 0.25
    wage_headroom: float = 0.5
    minimum_wage: float = 7.25
    # Factor values used when a side gave nothing to compare (shown as unknown).
    neutral: float = 0.5
    # Unknown terms of an opening (docs/engine.md, "Unknown terms"): the factor they feed takes
    # ``unknown_fit``, but never more than the least a passing known value could give, so
    # learning a passing value never lowers the opening and an unknown is never the best case:
    # - hours not stated: schedule = min(unknown_fit, the fit at the edge of the client's range);
    # - shift times not stated: schedule = min(the hours fit, unknown_fit);
    # - pay not stated: wage = min(unknown_fit, wage_base), pay at the client's reference wage;
    # - location not stated: commute = min(unknown_fit, CommuteConfig.fit_at_limit).
    unknown_fit: float = 0.5
    # A location known to a place's centre only (zip, city, area): the commute fit, estimated from
    # the centre, loses this much per km of uncertainty radius, at most the cap (never below the
    # fit at the limit).
    uncertain_commute_cost_per_km: float = 0.005
    uncertain_commute_cost_max: float = 0.1


@dataclass(frozen=True, slots=True)
class RankingConfig:
    """Top-k and diversity of a shortlist."""

    k: int = 10
    max_per_employer: int = 2


# The dated SSA figures the BenefitsConfig defaults are taken from (package data); every
# ``benefits_us_<year>.json`` in data/ is a year of figures (:mod:`matcher.benefits` picks by date).
BENEFITS_FILE = "benefits_us_2025.json"
BENEFITS_GLOB = "benefits_us_*.json"


@dataclass(frozen=True, slots=True)
class BenefitsConfig:
    """Dated SSA work-incentive figures (``data/benefits_us_<year>.json``), for one period.

    ``effective_to`` closes the period: an as-of date after it is outside these figures and the
    explanations say so (:func:`matcher.benefits.figures_note`).
    """

    effective_from: str = "2025-01-01"
    sga_monthly: float = 1620.0
    trial_work_month: float = 1160.0
    ssi_federal_benefit_rate: float = 967.0
    ssi_earned_income_exclusion: float = 65.0
    ssi_general_income_exclusion: float = 20.0
    weeks_per_month: float = 4.345
    effective_to: str = "2025-12-31"

    @property
    def year(self) -> int:
        """The calendar year the figures are for."""
        return int(self.effective_from[:4])

    @classmethod
    def from_file(cls, path: Path | None = None) -> BenefitsConfig:
        """Read a dated benefits file; by default the packaged ``data/benefits_us_2025.json``."""
        from matcher.benefits import benefits_from_dict

        raw = json.loads((path or data_dir() / BENEFITS_FILE).read_text(encoding="utf-8"))
        return benefits_from_dict(raw)


@dataclass(frozen=True, slots=True)
class MatcherConfig:
    """Everything the engine is configured by; ``config_hash`` identifies it."""

    scoring: ScoringConfig = field(default_factory=ScoringConfig)
    commute: CommuteConfig = field(default_factory=CommuteConfig)
    ranking: RankingConfig = field(default_factory=RankingConfig)
    benefits: BenefitsConfig = field(default_factory=BenefitsConfig)

    def __post_init__(self) -> None:
        weights = self.scoring.weights
        if set(weights) != set(FACTORS):
            raise ConfigError(f"scoring.weights must name exactly {', '.join(FACTORS)}")
        if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise ConfigError("scoring.weights must be non-negative with a positive sum")
        if self.ranking.k < 1 or self.ranking.max_per_employer < 1:
            raise ConfigError("ranking.k and ranking.max_per_employer must be at least 1")
        for name, mode in self.commute.modes.items():
            if mode.speed_kmh <= 0 or mode.detour < 1:
                raise ConfigError(f"commute.modes.{name}: speed must be > 0 and detour >= 1")

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> MatcherConfig:
        """Build from a (partial) plain dict; unknown keys raise ConfigError."""
        try:
            scoring = ScoringConfig(**raw.get("scoring", {}))
            modes = _default_modes()
            commute_raw = dict(raw.get("commute", {}))
            for name, mode in commute_raw.pop("modes", {}).items():
                modes[name] = ModeConfig(**mode)
            commute = CommuteConfig(modes=modes, **commute_raw)
            ranking = RankingConfig(**raw.get("ranking", {}))
            benefits = BenefitsConfig(**raw.get("benefits", {}))
        except TypeError as exc:
            raise ConfigError(f"invalid configuration: {exc}") from exc
        unknown = set(raw) - {"scoring", "commute", "ranking", "benefits"}
        if unknown:
            raise ConfigError(f"unknown configuration sections: {sorted(unknown)}")
        return cls(scoring=scoring, commute=commute, ranking=ranking, benefits=benefits)

    @property
    def config_hash(self) -> str:
        """Stable short hash of the configuration, recorded with every shortlist."""
        return sha256_hex(self.to_dict(), length=16)
