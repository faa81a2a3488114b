"""A naive matcher, written the way a first attempt would be: a baseline for the re-match benchmark.

Cross join of clients x openings in pandas, then ``DataFrame.apply(axis=1)``
computing, for each row, the same hard constraints and soft factors as the
engine (same formulas, same vocabularies, same text model), one pair at a
time. It is only ever run on a small subsample; its pairs per second are then
extrapolated. ``agreement`` checks it computes the same work as the engine, and
``tests/bench/test_naive.py`` checks it pair by pair against the plain-loop
oracle of the tests. Whether an accommodation is available to a client is the
engine's own record-level rule (``Opening.offer`` and ``types.available``), not
a copy.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, utils
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher import schedule
from matcher.commute import fastest_hour, mode_minutes
from matcher.config import FACTORS, PRIORITY_MULTIPLIERS, MatcherConfig
from matcher.features import industry_code, opening_text, skill_term
from matcher.geo import haversine_km
from matcher.interests import industries_by_area, opening_areas, resolve_interests
from matcher.topics import opening_hit, stems, topic_named
from matcher.types import Client, Need, Offer, Opening, Status, available
from matcher.vocab import Vocabulary, load_vocabulary


def cross_join(clients: Sequence[Client], openings: Sequence[Opening]) -> pd.DataFrame:
    """Every (client, opening) pair as a row holding both records."""
    left = pd.DataFrame({"client": list(clients)})
    right = pd.DataFrame({"opening": list(openings)})
    return left.merge(right, how="cross")


def recommend(
    clients: Sequence[Client],
    openings: Sequence[Opening],
    *,
    as_of: dt.date,
    text_model: TfidfVectorizer,
    k: int = 10,
    config: MatcherConfig | None = None,
) -> pd.DataFrame:
    """Top-k (client_id, rank, opening_id, score) by scoring every pair row by row."""
    config, vocab = config or MatcherConfig(), load_vocabulary()
    pairs = cross_join(clients, openings)
    pairs["score"] = pairs.apply(
        lambda r: score_pair(r["client"], r["opening"], as_of, text_model, vocab, config), axis=1
    )
    pairs["client_id"] = pairs["client"].map(lambda c: c.id)
    pairs["opening_id"] = pairs["opening"].map(lambda o: o.id)
    pairs["employer"] = pairs["opening"].map(lambda o: utils.default_process(o.employer))
    feasible = pairs.dropna(subset=["score"]).assign(score=lambda f: f["score"].round(6))
    feasible = feasible.sort_values(["client_id", "score", "opening_id"], ascending=[True, False, True])
    feasible = feasible[
        feasible.groupby(["client_id", "employer"]).cumcount() < config.ranking.max_per_employer
    ]
    top = feasible.groupby("client_id").head(k).copy()
    top["rank"] = top.groupby("client_id").cumcount() + 1
    return top[["client_id", "rank", "opening_id", "score"]].reset_index(drop=True)


def score_pair(
    c: Client,
    o: Opening,
    as_of: dt.date,
    text_model: TfidfVectorizer,
    vocab: Vocabulary,
    config: MatcherConfig,
) -> float:
    """The score of one pair, or NaN when a hard constraint fails."""
    minutes = commute_minutes(c, o, config)
    if not feasible(c, o, as_of, minutes, vocab, config):
        return math.nan
    s = config.scoring
    factors = {
        "preference": preference(c, o, text_model, vocab, config),
        "strengths": strengths(c, o, vocab, config),
        "cognitive": cognitive(c, o, vocab, config),
        "accommodation": accommodation(c, o),
        "commute": 1.0 - (1.0 - config.commute.fit_at_limit) * min(minutes / c.max_commute_minutes, 1.0),
        "schedule": min(
            max(
                1.0
                - abs(o.hours_per_week - (c.min_hours + c.max_hours) / 2)
                / ((c.max_hours - c.min_hours) / 2 + s.hours_tolerance),
                0.0,
            ),
            1.0,
        ),
        "wage": wage_fit(c, o, config),
    }
    weights = {f: s.weights[f] * PRIORITY_MULTIPLIERS[c.priorities.get(f, "normal")] for f in FACTORS}
    total = sum(weights.values())
    return sum(100.0 * weights[f] / total * factors[f] for f in FACTORS)


def commute_minutes(c: Client, o: Opening, config: MatcherConfig) -> float:
    """Best minutes over the client's modes that run at the shift's hours (inf if none)."""
    if o.remote:
        return 0.0
    assert o.location is not None
    km = haversine_km(c.home, o.location)
    start, end = schedule.shift_service_span(o.shifts)
    best = math.inf
    for name in c.modes:
        mode = config.commute.modes.get(name)
        if mode is None:
            continue
        if mode.service_start is not None and mode.service_end is not None:
            if not (start >= mode.service_start and end <= mode.service_end):
                continue
        hour = fastest_hour(mode) if o.shifts is None else ((start - 1) % 1440) // 60
        best = min(best, float(mode_minutes(mode, np.array([km]), hour)[0]))
    return best


def feasible(
    c: Client, o: Opening, as_of: dt.date, minutes: float, vocab: Vocabulary, config: MatcherConfig
) -> bool:
    """Every hard constraint, checked one after the other for this pair."""
    if o.status is not Status.OPEN or (o.expires is not None and o.expires < as_of):
        return False
    if minutes > c.max_commute_minutes:
        return False
    shift = schedule.weekly_mask(o.shifts, cover=True)
    if (shift & ~schedule.weekly_mask(c.availability, cover=False)).any():
        return False
    if not c.min_hours <= o.hours_per_week <= c.max_hours or o.hourly_wage < c.wage_floor:
        return False
    if (
        c.earnings_cap is not None
        and o.hourly_wage * o.hours_per_week * config.benefits.weeks_per_month > c.earnings_cap
    ):
        return False
    for code, need in c.accommodations.items():
        offer = o.offer(code)  # disclosing, only "not possible" excludes (not stated is asked)
        blocks = offer is Offer.NOT_POSSIBLE if c.discloses else offer is not Offer.TO_EVERYONE
        if need is Need.REQUIRED and blocks:
            return False
    return not excluded(c, o, vocab, config)


def _avoids(keyword: str, o: Opening, industry: int, vocab: Vocabulary) -> bool:
    """One exclusion keyword against one opening: a topic it names, else its words (stems)."""
    topic = topic_named(keyword, vocab.avoidance_topics)
    if topic is None:
        words = set(stems(keyword))
        return bool(words) and words <= set(stems(f"{opening_text(o)} {o.employer}"))
    code = vocab.industries.codes[industry] if industry >= 0 else None
    return opening_hit(o, code, topic, vocab.avoidance_topics) is not None


def excluded(c: Client, o: Opening, vocab: Vocabulary, config: MatcherConfig) -> bool:
    """The client's own exclusions and the background-check wish."""
    code = industry_code(o.industry, vocab, config)
    if code >= 0 and code in {industry_code(p, vocab, config) for p in c.excluded_industries}:
        return True
    if any(
        fuzz.token_set_ratio(e, o.employer, processor=utils.default_process) >= 90
        for e in c.excluded_employers
    ):
        return True
    if any(_avoids(k, o, code, vocab) for k in c.excluded_keywords):
        return True
    return c.avoid_background_check and o.background_check and not o.fair_chance


def preference(
    c: Client, o: Opening, text_model: TfidfVectorizer, vocab: Vocabulary, config: MatcherConfig
) -> float:
    """Phrases, text, industry and RIASEC parts, blended over those the client gave."""
    cut, blend, parts = config.scoring.phrase_cutoff, config.scoring.preference_blend, {}
    in_job = {m.code for m in opening_areas(o, vocab)}
    mine = {k.area for k in resolve_interests(c.interests, vocab, cut)}
    if mine:
        fields = {i for a in mine for i in industries_by_area().get(a, ())}
        in_field = industry_code(o.industry, vocab, config) in {
            vocab.industries.codes.index(i) for i in fields
        }
        parts["phrases"] = float(bool(mine & in_job) or in_field)
    query = " ".join((*c.interests, *c.preferred_industries))
    q, t = text_model.transform([query]), text_model.transform([opening_text(o)])
    if q.nnz:
        parts["text"] = min(float((q @ t.T).toarray()[0, 0]) / config.scoring.text_full_match, 1.0)
    wanted = {industry_code(p, vocab, config) for p in c.preferred_industries} - {-1}
    if wanted:
        parts["industry"] = float(industry_code(o.industry, vocab, config) in wanted)
    if c.riasec is not None and o.riasec is not None:
        a, b = np.array(c.riasec) - np.mean(c.riasec), np.array(o.riasec) - np.mean(o.riasec)
        den = np.linalg.norm(a) * np.linalg.norm(b)
        parts["riasec"] = min(max(((a @ b / den if den > 0 else 0.0) + 1) / 2, 0.0), 1.0)
    if not parts:
        return config.scoring.neutral
    return sum(blend[p] * v for p, v in parts.items()) / sum(blend[p] for p in parts)


def strengths(c: Client, o: Opening, vocab: Vocabulary, config: MatcherConfig) -> float:
    """Coverage of required and preferred skills plus a related-past-job bonus."""
    s = config.scoring
    have = {skill_term(p, vocab, config) for p in (*c.strengths, *c.inferred_strengths)}
    req = {skill_term(p, vocab, config) for p in o.required_skills}
    pref = {skill_term(p, vocab, config) for p in o.preferred_skills}
    if req and pref:
        cover = s.required_skill_share * len(have & req) / len(req) + (1 - s.required_skill_share) * len(
            have & pref
        ) / len(pref)
    elif req or pref:
        cover = len(have & (req or pref)) / len(req or pref)
    else:
        cover = s.neutral
    past = {m.code for m in vocab.work_areas.resolve(c.past_titles, score_cutoff=s.phrase_cutoff)}
    in_job = {m.code for m in opening_areas(o, vocab)}
    return min(cover + s.past_title_bonus * bool(past & in_job), 1.0)


def cognitive(c: Client, o: Opening, vocab: Vocabulary, config: MatcherConfig) -> float:
    """1 - (gaps left after accommodations + a cost per unknown demand) / tolerance."""
    s, total, unknown = config.scoring, 0.0, 0
    given = {a for a in vocab.accommodations if available(o.offer(a), c.discloses)}
    for dim in vocab.dimensions:
        demand = o.demands.get(dim)
        if demand is None and dim == "stamina" and o.shifts:
            hours = schedule.longest_shift_hours(o.shifts)
            demand = next((lv for lv in vocab.levels if hours <= vocab.stamina_hours[lv]), vocab.max_level)
        if demand is None:
            unknown += 1
            continue
        capacity = c.capacity.get(dim)
        gap = max(demand - capacity, 0) if capacity is not None else 0
        if any(dim in vocab.accommodation_offsets[a] for a in given):
            gap = max(gap - s.offset_levels, 0)
        total += gap
    return min(max(1.0 - (total + s.unknown_gap * unknown) / s.cognitive_tolerance, 0.0), 1.0)


def accommodation(c: Client, o: Opening) -> float:
    """Share of the client's preferred accommodations available to them."""
    preferred = [a for a, need in c.accommodations.items() if need is Need.PREFERRED]
    if not preferred:
        return 1.0
    return sum(available(o.offer(a), c.discloses) for a in preferred) / len(preferred)


def wage_fit(c: Client, o: Opening, config: MatcherConfig) -> float:
    s = config.scoring
    ref = max(c.wage_floor, s.minimum_wage)
    return min(
        max(s.wage_base + (1 - s.wage_base) * (o.hourly_wage - ref) / (ref * s.wage_headroom), 0.0), 1.0
    )


def agreement(naive: pd.DataFrame, engine: pd.DataFrame) -> dict[str, Any]:
    """How closely the naive top-k matches the engine's: shared (client, opening) pairs and score gaps."""
    a = set(zip(naive["client_id"], naive["opening_id"], strict=True))
    b = set(zip(engine["client_id"], engine["opening_id"], strict=True))
    merged = naive.merge(engine, on=["client_id", "opening_id"], suffixes=("_naive", "_engine"))
    gap = (merged["score_naive"] - merged["score_engine"]).abs()
    return {
        "shared_pairs": len(a & b),
        "naive_pairs": len(a),
        "engine_pairs": len(b),
        "max_score_gap": float(gap.max()) if len(gap) else 0.0,
    }
