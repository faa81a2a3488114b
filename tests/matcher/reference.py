"""A deliberately simple per-pair reference of the engine, written from the README.

One client, one opening, plain Python loops and ``math``: which hard
constraints fail, each soft factor, the weights after the client's priorities
and the score. It reuses only the canonicalisation helpers the README names
(rapidfuzz on vocabularies, the fitted TF-IDF model), so comparing it with the
vectorized engine checks the arithmetic, masks, broadcasting and indexing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TypeVar

import snowballstemmer
from rapidfuzz import fuzz, utils
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.config import FACTORS, PRIORITY_MULTIPLIERS, MatcherConfig, ModeConfig
from matcher.features import industry_code, opening_text, skill_term
from matcher.geo import haversine_km
from matcher.interests import industries_by_area, opening_areas, resolve_interests
from matcher.types import Client, Need, Opening, Status, TimeWindow
from matcher.vocab import AvoidanceTopic, Vocabulary, load_vocabulary

_ENGLISH = snowballstemmer.stemmer("english")


def snowball_words(text: str) -> list[str]:
    """Lower-case alphanumeric words of ``text``, each reduced to its Snowball English stem."""
    return [_ENGLISH.stemWord(w) for w in re.findall(r"[a-z0-9]+", text.lower())]


T = TypeVar("T")


@dataclass(frozen=True)
class PairResult:
    """What the reference says about one (client, opening) pair.

    ``unknown``: the hard constraints the opening leaves undecided for the client (by their
    ``Unknown`` code names); they never fail.
    """

    failed: frozenset[str]
    unknown: frozenset[str]
    factors: dict[str, float]
    weights: dict[str, float]
    score: float
    minutes: float  # best commute over the client's usable modes (inf: none)
    mode: str | None

    @property
    def feasible(self) -> bool:
        return not self.failed


class Reference:
    """Per-pair reference; ``text_model`` is the TF-IDF model the engine was fitted with."""

    def __init__(
        self,
        *,
        as_of: dt.date,
        text_model: TfidfVectorizer,
        config: MatcherConfig | None = None,
        vocab: Vocabulary | None = None,
    ) -> None:
        self.as_of = as_of
        self.text_model = text_model
        self.config = config or MatcherConfig()
        self.vocab = vocab or load_vocabulary()
        self.cut = self.config.scoring.phrase_cutoff
        self._cache: dict[tuple[str, object], object] = {}

    # ----- canonicalisation (cached: the same phrases recur across pairs)

    def _memo(self, kind: str, key: object, make: Callable[[], T]) -> T:
        if (kind, key) not in self._cache:
            self._cache[kind, key] = make()
        return self._cache[kind, key]  # type: ignore[return-value]

    def areas_of_phrases(self, phrases: tuple[str, ...]) -> set[str]:
        """Work areas the client's phrases resolve to (``matcher.interests.resolve_interests``)."""
        return self._memo(
            "areas", phrases, lambda: {k.area for k in resolve_interests(phrases, self.vocab, self.cut)}
        )

    def areas_of_titles(self, titles: tuple[str, ...]) -> set[str]:
        """Work areas past job titles resolve to (best alias, rapidfuzz WRatio >= cutoff)."""
        resolve = self.vocab.work_areas.resolve
        return self._memo("titles", titles, lambda: {m.code for m in resolve(titles, score_cutoff=self.cut)})

    def areas_in_job(self, o: Opening) -> set[str]:
        """Work areas whose phrases occur in the job's title/industry, or of its O*NET occupation."""
        key = (o.title, o.industry, o.onet_soc)
        return self._memo("job_areas", key, lambda: {m.code for m in opening_areas(o, self.vocab)})

    def industry(self, text: str) -> int:
        return self._memo("industry", text, lambda: industry_code(text, self.vocab, self.config))

    def skill(self, phrase: str) -> str:
        return self._memo("skill", phrase, lambda: skill_term(phrase, self.vocab, self.config))

    def tfidf(self, text: str) -> dict[int, float]:
        """The text model's (L2-normalised) TF-IDF vector of ``text`` as {column: weight}."""

        def make() -> dict[int, float]:
            row = self.text_model.transform([text]).tocoo()
            return {int(k): float(v) for k, v in zip(row.col, row.data, strict=True) if v}

        return self._memo("tfidf", text, make)

    # ----- exclusion keywords and avoidance topics (docs/avoidance.md)

    def avoids(self, keyword: str, o: Opening) -> bool:
        """A keyword naming a topic rules out the topic's openings; any other, its words."""
        topic = self.topic_named(keyword)
        if topic is None:
            words = set(snowball_words(f"{o.title} {o.industry} {o.description} {o.employer}"))
            kw = set(snowball_words(keyword))
            return bool(kw) and kw <= words
        if (o.onet_soc or "")[:7] in topic.onet_soc:
            return True
        code = self.industry(o.industry)
        if code >= 0 and self.vocab.industries.codes[code] in topic.industries:
            return True
        for name, field in (
            ("title", o.title),
            ("industry", o.industry),
            ("desc", o.description),
            ("", o.employer),
        ):
            words = snowball_words(field)
            for exception in topic.exceptions:  # a keyword inside "drive thru" does not count
                e = snowball_words(exception)
                for i in range(len(words) - len(e) + 1):
                    if words[i : i + len(e)] == e:
                        words[i : i + len(e)] = ["-"] * len(e)
            for phrase in topic.keywords:
                if phrase.startswith("title:") and name != "title":  # a title-only keyword
                    continue
                p = snowball_words(phrase.removeprefix("title:"))
                for i in range(len(words) - len(p) + 1):
                    negated = i > 0 and words[i - 1] in ("no", "not", "non", "without", "never")
                    if words[i : i + len(p)] == p and not negated:
                        return True
        return False

    def topic_named(self, keyword: str) -> AvoidanceTopic | None:
        """The topic whose label, code or a name has the keyword's stems, else one spelt within 90."""
        kw = snowball_words(keyword)
        typed = utils.default_process(keyword)
        near: tuple[float, AvoidanceTopic | None] = (0.0, None)
        for t in self.vocab.avoidance_topics:
            for name in (t.label, t.code.replace("_", " "), *t.names):
                if kw and snowball_words(name) == kw:
                    return t
                score = fuzz.ratio(typed, utils.default_process(name))
                if len(typed) >= 5 and score > near[0]:
                    near = (score, t)
        return near[1] if near[0] >= 90 else None

    # ----- the pair

    def pair(
        self,
        c: Client,
        o: Opening,
        *,
        blocked: Collection[str] = (),
        travel_times: Mapping[tuple[str, str, str], float] | None = None,
    ) -> PairResult:
        """Feasibility, factors, weights and score of one pair."""
        minutes, mode = self.commute(c, o, travel_times or {})
        failed = self.failed(c, o, minutes, blocked)
        factors = {
            "preference": self.preference(c, o),
            "strengths": self.strengths(c, o),
            "cognitive": self.cognitive(c, o),
            "accommodation": self.accommodation(c, o),
            "commute": self.commute_fit(c, o, minutes, travel_times or {}),
            "schedule": self.schedule_fit(c, o),
            "wage": self.wage_fit(c, o),
        }
        weights = self.weights(c)
        score = sum(100.0 * weights[f] * factors[f] for f in FACTORS)
        unknown = frozenset(self.unknown(c, o))
        return PairResult(frozenset(failed), unknown, factors, weights, score, minutes, mode)

    # ----- undecided constraints (docs/constraints.md, "Unknown terms")

    def unknown(self, c: Client, o: Opening) -> set[str]:
        out = set()
        if not o.remote and o.location is None:
            out.add("LOCATION_NOT_STATED")
        if o.shifts is None:
            out.add("SHIFTS_NOT_STATED")
        if o.hours_per_week is None:
            out.add("HOURS_NOT_STATED")
        if o.hourly_wage is None and c.wage_floor > 0:
            out.add("WAGE_NOT_STATED")
        if c.earnings_cap is not None and (o.hourly_wage is None or o.hours_per_week is None):
            out.add("EARNINGS_NOT_KNOWN")
        required = {a for a, need in c.accommodations.items() if need is Need.REQUIRED}
        if c.discloses and required & self.unstated(o) and not required & o.not_possible:
            out.add("ACCOMMODATION_NOT_STATED")
        return out

    def unstated(self, o: Opening) -> set[str]:
        """Accommodations the employer names in none of its three lists (a remote job names remote work)."""
        named = o.offered_to_all | o.on_request | o.not_possible | ({"remote_work"} if o.remote else set())
        return set(self.vocab.accommodations) - named

    # ----- hard constraints

    def failed(self, c: Client, o: Opening, minutes: float, blocked: Collection[str]) -> set[str]:
        out = set()
        if o.status is not Status.OPEN:
            out.add("NOT_OPEN")
        if o.expires is not None and o.expires < self.as_of:
            out.add("EXPIRED")
        # an unknown term never fails: each test below needs the opening to state what it reads
        if (o.remote or o.location is not None) and minutes > c.max_commute_minutes:
            out.add("COMMUTE_TOO_LONG")
        if o.shifts is not None and not all(shift_inside(w, c.availability) for w in o.shifts):
            out.add("SCHEDULE_OUTSIDE_AVAILABILITY")
        hours, wage = o.hours_per_week, o.hourly_wage
        if hours is not None and (hours < c.min_hours or hours > c.max_hours):
            out.add("HOURS_OUT_OF_RANGE")
        if wage is not None and wage < c.wage_floor:
            out.add("WAGE_BELOW_FLOOR")
        if hours is not None and wage is not None and c.earnings_cap is not None:
            if wage * hours * self.config.benefits.weeks_per_month > c.earnings_cap:
                out.add("EARNINGS_ABOVE_CAP")
        for code, need in c.accommodations.items():
            # disclosing, only what the employer says is not possible excludes; else only what
            # it offers to everyone counts
            blocks = code in o.not_possible if c.discloses else not offered_to_everyone(o, code)
            if need is Need.REQUIRED and blocks:
                out.add("REQUIRED_ACCOMMODATION_UNAVAILABLE")
        job_industry = self.industry(o.industry)
        if job_industry >= 0 and job_industry in {self.industry(x) for x in c.excluded_industries}:
            out.add("EXCLUDED_INDUSTRY")
        for name in c.excluded_employers:
            if fuzz.token_set_ratio(name, o.employer, processor=utils.default_process) >= 90:
                out.add("EXCLUDED_EMPLOYER")
        if any(self.avoids(keyword, o) for keyword in c.excluded_keywords):
            out.add("EXCLUDED_KEYWORD")
        if c.avoid_background_check and o.background_check and not o.fair_chance:
            out.add("BACKGROUND_CHECK")
        if o.id in blocked:
            out.add("REJECTED_BY_SPECIALIST")
        return out

    def commute(
        self, c: Client, o: Opening, travel_times: Mapping[tuple[str, str, str], float]
    ) -> tuple[float, str | None]:
        """Best door-to-door minutes over the client's modes that run at the shift's hours.

        A router's time for the pair and mode wins, service hours included (it knows the timetable).
        """
        if o.remote:
            return 0.0, None
        # only a state or the country: no place to estimate from (a router's time still counts)
        km = math.inf if o.location is None else haversine_km(c.home, o.location)
        best, best_mode = math.inf, None
        for name, mode in self.config.commute.modes.items():  # config order breaks ties
            routed = travel_times.get((c.id, o.id, name))
            if name not in c.modes or (routed is None and not runs_at(mode, o.shifts)):
                continue
            minutes = routed
            if minutes is None:
                minutes = estimate_minutes(mode, km, o)
            if minutes < best:
                best, best_mode = minutes, name
        return best, best_mode

    # ----- soft factors

    def preference(self, c: Client, o: Opening) -> float:
        blend = self.config.scoring.preference_blend
        parts: dict[str, float] = {}
        client_areas = self.areas_of_phrases(c.interests)
        if client_areas:
            fields = {
                self.vocab.industries.codes.index(i)
                for a in client_areas
                for i in industries_by_area().get(a, ())
            }
            met = client_areas & self.areas_in_job(o) or self.industry(o.industry) in fields
            parts["phrases"] = 1.0 if met else 0.0
        query = self.tfidf(" ".join((*c.interests, *c.preferred_industries)))
        if query:
            job = self.tfidf(opening_text(o))
            cos = sum(w * job.get(k, 0.0) for k, w in query.items())
            parts["text"] = min(cos / self.config.scoring.text_full_match, 1.0)
        wanted = {self.industry(p) for p in c.preferred_industries} - {-1}
        if wanted:
            parts["industry"] = 1.0 if self.industry(o.industry) in wanted else 0.0
        if c.riasec is not None and o.riasec is not None:
            parts["riasec"] = min(max((pearson(c.riasec, o.riasec) + 1.0) / 2.0, 0.0), 1.0)
        if not parts:
            return self.config.scoring.neutral
        return sum(blend[p] * v for p, v in parts.items()) / sum(blend[p] for p in parts)

    def strengths(self, c: Client, o: Opening) -> float:
        cfg = self.config.scoring
        has = {self.skill(p) for p in (*c.strengths, *c.inferred_strengths)}
        required = {self.skill(p) for p in o.required_skills}
        preferred = {self.skill(p) for p in o.preferred_skills}
        if required and preferred:
            coverage = cfg.required_skill_share * len(has & required) / len(required) + (
                1 - cfg.required_skill_share
            ) * len(has & preferred) / len(preferred)
        elif required:
            coverage = len(has & required) / len(required)
        elif preferred:
            coverage = len(has & preferred) / len(preferred)
        else:
            coverage = cfg.neutral
        if self.areas_of_titles(c.past_titles) & self.areas_in_job(o):
            coverage += cfg.past_title_bonus
        return min(coverage, 1.0)

    def demand(self, o: Opening, dim: str) -> int | None:
        """The job's demand on one dimension; stamina comes from the longest shift if unrated."""
        if dim in o.demands:
            return o.demands[dim]
        if dim == "stamina" and o.shifts:
            hours = max(w.minutes for w in o.shifts) / 60
            for level in self.vocab.levels:
                if hours <= self.vocab.stamina_hours[level]:
                    return level
            return self.vocab.max_level
        return None

    def cognitive(self, c: Client, o: Opening) -> float:
        cfg = self.config.scoring
        total, unknown = 0.0, 0
        for dim in self.vocab.dimensions:
            demand = self.demand(o, dim)
            if demand is None:
                unknown += 1
                continue
            if dim not in c.capacity:
                continue  # unrated capacity measures no gap
            gap = max(0, demand - c.capacity[dim])
            offsets = [a for a, dims in self.vocab.accommodation_offsets.items() if dim in dims]
            if gap and any(available(c, o, a) for a in offsets):
                gap = max(0.0, gap - cfg.offset_levels)
            total += gap
        return min(max(1.0 - (total + cfg.unknown_gap * unknown) / cfg.cognitive_tolerance, 0.0), 1.0)

    def accommodation(self, c: Client, o: Opening) -> float:
        preferred = [a for a, need in c.accommodations.items() if need is Need.PREFERRED]
        if not preferred:
            return 1.0
        return sum(1 for a in preferred if available(c, o, a)) / len(preferred)

    def commute_fit(
        self,
        c: Client,
        o: Opening,
        minutes: float,
        travel_times: Mapping[tuple[str, str, str], float] | None = None,
    ) -> float:
        cfg, at_limit = self.config.scoring, self.config.commute.fit_at_limit
        if o.remote:
            return 1.0
        if o.location is None:  # unknown: neutral, but no more than the least a reachable place gives
            return min(cfg.unknown_fit, at_limit)
        if o.shifts is None:  # scored on the worst shift it could state that the commute still passes
            stated = (
                replace(o, shifts=(w,)) for w in possible_shifts(tuple(self.config.commute.modes.values()))
            )
            passing = [
                m
                for m in (self.commute(c, x, travel_times or {})[0] for x in stated)
                if m <= c.max_commute_minutes
            ]
            minutes = max([minutes, *passing])
        if math.isinf(minutes):
            return 0.0
        share = min(minutes / c.max_commute_minutes, 1.0)
        fit = 1.0 - (1.0 - at_limit) * share
        radius = o.location_uncertainty_km
        if radius is None:
            radius = self.config.commute.precision_radius_km.get(o.location_precision.value, 0.0)
        cost = min(cfg.uncertain_commute_cost_per_km * radius, cfg.uncertain_commute_cost_max)
        return max(fit - cost, min(fit, at_limit))

    def schedule_fit(self, c: Client, o: Opening) -> float:
        cfg = self.config.scoring
        middle = (c.min_hours + c.max_hours) / 2
        half = (c.max_hours - c.min_hours) / 2
        if o.hours_per_week is None:  # the fit at the edge of the range, the least passing hours give
            value = min(cfg.unknown_fit, 1.0 - half / (half + cfg.hours_tolerance))
        else:
            value = min(max(1.0 - abs(o.hours_per_week - middle) / (half + cfg.hours_tolerance), 0.0), 1.0)
        return value if o.shifts is not None else min(value, cfg.unknown_fit)

    def wage_fit(self, c: Client, o: Opening) -> float:
        cfg = self.config.scoring
        if o.hourly_wage is None:  # as if it paid the reference wage
            return min(cfg.unknown_fit, cfg.wage_base)
        ref = max(c.wage_floor, cfg.minimum_wage)
        value = cfg.wage_base + (1 - cfg.wage_base) * (o.hourly_wage - ref) / (cfg.wage_headroom * ref)
        return min(max(value, 0.0), 1.0)

    def weights(self, c: Client) -> dict[str, float]:
        raw = {
            f: self.config.scoring.weights[f] * PRIORITY_MULTIPLIERS[c.priorities.get(f, "normal")]
            for f in FACTORS
        }
        total = sum(raw.values())
        return {f: w / total for f, w in raw.items()}


def offered_to_everyone(o: Opening, code: str) -> bool:
    """In the employer's list for everyone; a remote job always offers remote work."""
    return code in o.offered_to_all or (o.remote and code == "remote_work")


def available(c: Client, o: Opening, code: str) -> bool:
    """Offered to everyone, or on request with disclosure."""
    return offered_to_everyone(o, code) or (c.discloses and code in o.on_request)


def runs_at(mode: ModeConfig, shifts: tuple[TimeWindow, ...] | None) -> bool:
    """The mode runs at every shift's start and end (a shift past midnight ends after 24:00).

    Shift times not stated: taken to run (the shifts are a question, not a failed commute).
    """
    if mode.service_start is None or mode.service_end is None or shifts is None:
        return True
    return all(mode.service_start <= w.start and w.start + w.minutes <= mode.service_end for w in shifts)


WEEK_MINUTES = 7 * 1440


def _week_minutes(w: TimeWindow) -> range:
    start = w.day * 1440 + w.start
    return range(start, start + w.minutes)


@lru_cache(maxsize=256)
def covered_minutes(availability: tuple[TimeWindow, ...]) -> frozenset[int]:
    """Minutes of the week the client is available (past Sunday midnight wraps to Monday)."""
    return frozenset(m % WEEK_MINUTES for w in availability for m in _week_minutes(w))


def shift_inside(w: TimeWindow, availability: tuple[TimeWindow, ...]) -> bool:
    """Every minute of the shift lies inside the availability."""
    covered = covered_minutes(availability)
    return all(m % WEEK_MINUTES in covered for m in _week_minutes(w))


def pearson(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Pearson correlation; 0 when a profile is flat (no direction to agree with)."""
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True))
    va = math.sqrt(sum((x - ma) ** 2 for x in a))
    vb = math.sqrt(sum((y - mb) ** 2 for y in b))
    return 0.0 if va == 0 or vb == 0 else cov / (va * vb)


@lru_cache(maxsize=16)
def possible_shifts(modes: tuple[ModeConfig, ...]) -> list[TimeWindow]:
    """Shifts that reach every commute situation: a trip's hour changes at each shift start
    hh:01 (the trip runs in the hour before it), a mode starts or stops running at its service
    hours' bounds; a shift lasts a minute, or ends just past a mode's service end."""
    ends = [m.service_end for m in modes if m.service_end is not None]
    starts = {(60 * h + 1) % 1440 for h in range(24)}
    starts |= {t for m in modes for t in (m.service_start, m.service_end) if t is not None}
    return [
        TimeWindow(0, s, e % 1440) for s in sorted(starts) for e in {s + 1, *(x + 1 for x in ends if x > s)}
    ]


def estimate_minutes(mode: ModeConfig, km: float, o: Opening, *, worst: bool = False) -> float:
    """access + wait + hour factor x road km / speed at that road km x 60 (docs/travel.md).

    Unknown shift times: the fastest hour for feasibility (an unknown never excludes), the
    slowest for the score (its worst case).
    """
    road = km * mode.detour
    speed = mode.speed_kmh
    if mode.speed_by_km:  # piecewise linear between the points, flat beyond the ends
        points = mode.speed_by_km
        if road <= points[0][0]:
            speed = points[0][1]
        elif road >= points[-1][0]:
            speed = points[-1][1]
        else:
            for (k0, v0), (k1, v1) in zip(points, points[1:], strict=False):
                if k0 <= road <= k1:
                    speed = v0 + (v1 - v0) * (road - k0) / (k1 - k0)
                    break
    # the trip to the earliest shift start runs in the hour before it
    factor = 1.0
    if mode.hour_factors and o.shifts is not None:
        start = min((w.start for w in o.shifts), default=0)
        factor = mode.hour_factors[((start - 1) % 1440) // 60]
    elif mode.hour_factors:
        factor = max(mode.hour_factors) if worst else min(mode.hour_factors)
    return mode.access_minutes + mode.wait_minutes + factor * road / speed * 60
