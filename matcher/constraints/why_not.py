"""Each rule's why-not for one excluded pair: evidence, template values and ``feasible_if``.

Runs per pair, only for an exclusion that is shown. Texts are templates in
``matcher.messages`` (``EXCLUSION``, ``FEASIBLE_IF``, ``COMMUTE_WHY_NOT``). The
``ask_*`` functions are the questions of a rule the opening leaves undecided
(templates ``UNKNOWN``): evidence and values, never a ``feasible_if``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from matcher import commute, geo, schedule
from matcher.features import keyword_mask
from matcher.messages import (
    ACCOMMODATION_STATE_WORDS,
    AVOIDANCE,
    AVOIDANCE_EVIDENCE,
    COMMUTE_WHY_NOT,
    DISCLOSING_OPENS_WORDS,
    PLACE_WORDS,
    availability_text,
    commute_over_limit,
    feasible_if,
    hours_range_text,
    money,
)
from matcher.topics import opening_hit, topic_named
from matcher.types import Need, Offer

if TYPE_CHECKING:  # explanations import the rule table: only the type goes the other way
    from matcher.explain.pair import Pair


class WhyNot(NamedTuple):
    """Evidence kept with the reason, extra template values, and what would make the pair feasible."""

    evidence: dict[str, Any]
    display: dict[str, Any]
    feasible_if: str | None


_NOON = 12 * 60


def not_open(pair: Pair) -> WhyNot:
    return WhyNot({"status": pair.opening.status.value}, {}, None)


def expired(pair: Pair) -> WhyNot:
    return WhyNot({"expires": str(pair.opening.expires)}, {}, None)


def commute_too_long(pair: Pair) -> WhyNot:
    c, limit = pair.client, pair.client.max_commute_minutes
    routed = {m: t[(pair.c, pair.j)] for m, t in pair.commute.overrides.items() if (pair.c, pair.j) in t}
    km = geo.distance_km(pair.clients.xyz[[pair.c]], pair.index.xyz[[pair.j]])[0, 0]
    span = (int(pair.index.service_span[pair.j, 0]), int(pair.index.service_span[pair.j, 1]))
    if not pair.index.shifts_known[pair.j]:  # unstated shift times: every mode is taken to run
        span = (_NOON, _NOON)
    by_mode = commute.pair_minutes(float(km), span, pair.config.commute, routed)
    # the block computes minutes only within reach: the why-not works them out for this pair
    mine = [(t, m) for m, (t, runs) in by_mode.items() if runs and m in c.modes]
    best, best_mode = min(mine) if mine else (np.inf, "")
    fix = None
    if np.isfinite(best):
        source = pair.commute.source_text(pair.c, pair.j) if best_mode in routed else commute.ESTIMATED
        text, fix = commute_over_limit(float(best), pair.mode_label(best_mode), source, limit)
    else:
        text = COMMUTE_WHY_NOT["unreachable"].format(modes=", ".join(pair.mode_label(m) for m in c.modes))
    if any(not runs and t <= limit for m, (t, runs) in by_mode.items() if m in c.modes):
        text += COMMUTE_WHY_NOT["no_service"]
    others = [(t, m) for m, (t, runs) in by_mode.items() if runs and t <= limit and m not in c.modes]
    if others:
        any_best, any_mode = min(others)
        by = feasible_if("COMMUTE_OTHER_MODE", {"mode": pair.mode_label(any_mode), "minutes": any_best})
        fix = feasible_if("COMMUTE_EITHER", {"other_mode": by, "longer_limit": fix}) if fix else by
    ev = {"minutes": round(best) if np.isfinite(best) else None, "limit": limit}
    return WhyNot(ev, {"commute_text": text}, fix)


def schedule_outside(pair: Pair) -> WhyNot:
    shifts = [str(w) for w in schedule.uncovered(pair.client.availability, pair.opening.shifts or ())]
    display = {"shifts_text": ", ".join(shifts)}
    return WhyNot({"shifts": shifts}, display, feasible_if("SCHEDULE_OUTSIDE_AVAILABILITY", display))


def hours_out_of_range(pair: Pair) -> WhyNot:
    c, o = pair.client, pair.opening
    ev = {"hours": o.hours_per_week, "low": c.min_hours, "high": c.max_hours}
    return WhyNot(
        ev, {"range_text": hours_range_text(c.min_hours, c.max_hours)}, feasible_if("HOURS_OUT_OF_RANGE", ev)
    )


def wage_below_floor(pair: Pair) -> WhyNot:
    c, o = pair.client, pair.opening
    display = {"wage_text": money(float(pair.index.wage[pair.j])), "floor_text": money(c.wage_floor)}
    ev = {"wage": o.hourly_wage, "floor": c.wage_floor}
    return WhyNot(ev, display, feasible_if("WAGE_BELOW_FLOOR", display))


def earnings_above_cap(pair: Pair) -> WhyNot:
    cap = pair.client.earnings_cap or 0.0
    monthly = float(pair.index.monthly[pair.j])
    per_hour_month = float(pair.index.wage[pair.j]) * pair.config.benefits.weeks_per_month
    # round hours down and the cap up, so that following the advice really fits
    max_hours = math.floor(cap / per_hour_month) if per_hour_month else 0
    needed_cap = math.ceil(monthly * 100) / 100
    fix = feasible_if("EARNINGS_ABOVE_CAP", {"max_hours": max_hours, "cap_text": money(needed_cap)})
    ev = {"monthly": round(monthly, 2), "cap": cap}
    return WhyNot(ev, {"monthly_text": money(monthly), "cap_text": money(cap)}, fix)


def accommodation_unavailable(pair: Pair) -> WhyNot:
    """The required needs that exclude, each with its state; disclosing helps unless one is not possible."""
    c, o = pair.client, pair.opening
    required = [a for a, need in sorted(c.accommodations.items()) if need is Need.REQUIRED]
    states = {a: o.offer(a) for a in required}
    if c.discloses:
        missing = [a for a in required if states[a] is Offer.NOT_POSSIBLE]
    else:
        missing = [a for a in required if states[a] is not Offer.TO_EVERYONE]
    by_state = {s: [a for a in missing if states[a] is s] for s in (Offer.NOT_POSSIBLE, *_DISCLOSING_OPENS)}
    labels = ", ".join(f"{pair.acc_label(a)} ({ACCOMMODATION_STATE_WORDS[states[a].name]})" for a in missing)
    fix = None
    if missing and not by_state[Offer.NOT_POSSIBLE]:  # disclosing opens on-request and not-stated ones
        parts = [
            f"{', '.join(pair.acc_label(a) for a in by_state[s])} {DISCLOSING_OPENS_WORDS[s.name]}"
            for s in _DISCLOSING_OPENS
            if by_state[s]
        ]
        fix = feasible_if("REQUIRED_ACCOMMODATION_UNAVAILABLE", {"disclosed_text": "; ".join(parts)})
    ev = {
        "accommodations": missing,
        **{s.name.lower(): by_state[s] for s in (Offer.NOT_POSSIBLE, *_DISCLOSING_OPENS)},
    }
    return WhyNot(ev, {"labels": labels}, fix)


# What a client who chooses to disclose may then ask for: on request, or not stated (to negotiate).
_DISCLOSING_OPENS = (Offer.ON_REQUEST, Offer.NOT_STATED)


def excluded_industry(pair: Pair) -> WhyNot:
    return WhyNot({"industry": pair.opening.industry}, {}, feasible_if("EXCLUDED_INDUSTRY", {}))


def excluded_employer(pair: Pair) -> WhyNot:
    return WhyNot({"employer": pair.opening.employer}, {}, feasible_if("EXCLUDED_EMPLOYER", {}))


def excluded_keyword(pair: Pair) -> WhyNot:
    """The plain keywords the opening mentions, and each avoidance topic it belongs to, with why."""
    topics, o = pair.vocab.avoidance_topics, pair.opening
    code = int(pair.index.industry_code[pair.j])
    industry = pair.vocab.industries.codes[code] if code >= 0 else None
    words, parts, hits, found = [], [], [], {}
    for k in pair.client.excluded_keywords:
        t = topic_named(k, topics)
        if t is None and keyword_mask(k, pair.index)[pair.j]:
            hits.append(k)
            words.append(k)
        elif t is not None and pair.index.topic_hits[pair.j, t]:
            hits.append(k)
            hit = opening_hit(o, industry, t, topics)
            if hit is not None and hit.topic.code not in found:
                found[hit.topic.code] = {"where": hit.where, "term": hit.term}
                values = {
                    "term": hit.term,
                    "industry": o.industry,
                    "employer": o.employer,
                    "industry_label": pair.vocab.industries.labels.get(hit.term, hit.term),
                }
                evidence = AVOIDANCE_EVIDENCE[hit.where].format(**values)
                parts.append(
                    AVOIDANCE["topic"].format(
                        title=o.title, job_words=hit.topic.job_words, evidence=evidence, label=hit.topic.label
                    )
                )
    if words:
        parts.insert(0, AVOIDANCE["words"].format(words=", ".join(words)))
    ev = {"keywords": hits, "topics": found}
    return WhyNot(ev, {"keywords_text": "; ".join(parts)}, feasible_if("EXCLUDED_KEYWORD", {}))


def background_check(pair: Pair) -> WhyNot:
    del pair
    return WhyNot({}, {}, None)


def rejected_by_specialist(pair: Pair) -> WhyNot:
    del pair
    return WhyNot({}, {}, feasible_if("REJECTED_BY_SPECIALIST", {}))


def ask_location(pair: Pair) -> WhyNot:
    precision = pair.opening.location_precision.value
    return WhyNot({"unknown": "location", "precision": precision}, {"place": PLACE_WORDS[precision]}, None)


def ask_shifts(pair: Pair) -> WhyNot:
    windows = pair.client.availability
    ev = {"unknown": "shifts", "availability": [str(w) for w in windows]}
    return WhyNot(ev, {"availability_text": availability_text(windows)}, None)


def ask_hours(pair: Pair) -> WhyNot:
    c = pair.client
    low, high = c.min_hours, c.max_hours
    text = f"{low:g}" if low == high else f"up to {high:g}" if low == 0 else f"{low:g}-{high:g}"
    return WhyNot({"unknown": "hours_per_week", "low": low, "high": high}, {"hours_text": text}, None)


def ask_wage(pair: Pair) -> WhyNot:
    """Whether the pay reaches the client's reference: their floor, or the minimum wage."""
    ref = max(pair.client.wage_floor, pair.config.scoring.minimum_wage)
    ev = {"unknown": "hourly_wage", "floor": pair.client.wage_floor, "reference": ref}
    return WhyNot(ev, {"floor_text": money(ref)}, None)


def ask_earnings(pair: Pair) -> WhyNot:
    o, cap = pair.opening, pair.client.earnings_cap or 0.0
    missing = [name for name, v in (("pay", o.hourly_wage), ("weekly hours", o.hours_per_week)) if v is None]
    ev = {"unknown": "monthly_earnings", "cap": cap, "missing": missing}
    return WhyNot(ev, {"missing_text": " and ".join(missing), "cap_text": money(cap)}, None)


def ask_accommodation(pair: Pair) -> WhyNot:
    """The required needs the employer has not stated: a job-development question for the specialist."""
    c, o = pair.client, pair.opening
    unstated = [
        a
        for a, need in sorted(c.accommodations.items())
        if need is Need.REQUIRED and o.offer(a) is Offer.NOT_STATED
    ]
    ev = {"unknown": "accommodations", "accommodations": unstated}
    display = {"labels_lower": ", ".join(pair.acc_label(a) for a in unstated), "it": _it(len(unstated))}
    return WhyNot(ev, display, None)


def _it(n: int) -> str:
    return "it" if n == 1 else "them"
