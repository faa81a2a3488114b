"""Plain-language reasons, concerns, support-plan hints and why-nots.

Runs per pair, but only for what is shown (the top-k, or an asked-about
exclusion); the numbers come from the arrays the scorer computed. Every reason
has a stable code from ``matcher.messages``; texts are deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from matcher import commute, geo, schedule
from matcher.commute import Commute
from matcher.config import MatcherConfig
from matcher.constraints import Failed
from matcher.features import (
    FREE_PREFIX,
    ClientBatch,
    OpeningIndex,
    keyword_mask,
    skill_term,
)
from matcher.messages import minutes_text, money, render
from matcher.scoring import cognitive_gaps, preference_parts
from matcher.types import Client, Opening, Reason
from matcher.vocab import Vocabulary


@dataclass(frozen=True, slots=True)
class Details:
    """Factor parts of one pair that explanations quote: preference parts and cognitive gaps."""

    parts: dict[str, tuple[float, bool]]
    gaps: np.ndarray  # (D,) before offsets
    left: np.ndarray  # (D,) after offsets


def pair_details(
    clients: ClientBatch,
    index: OpeningIndex,
    config: MatcherConfig,
    cs: Sequence[int] | np.ndarray,
    js: Sequence[int] | np.ndarray,
) -> list[Details]:
    """Details of many pairs in one vectorised pass (a shortlist's k suggestions)."""
    ci, ji = np.asarray(cs, dtype=np.int64), np.asarray(js, dtype=np.int64)
    parts = preference_parts(clients, index, config.scoring, ci, ji)
    gaps, left = cognitive_gaps(clients, index, config.scoring, ci, ji)
    return [
        Details({name: (float(v[p]), bool(a[p])) for name, (v, a) in parts.items()}, gaps[p], left[p])
        for p in range(len(ci))
    ]


@dataclass(frozen=True)
class Pair:
    """One (client, opening) pair of a scored block.

    ``details`` are the pair's preference parts and cognitive gaps when the
    caller computed them for many pairs at once (:func:`pair_details`).
    """

    c: int
    j: int
    clients: ClientBatch
    index: OpeningIndex
    commute: Commute
    vocab: Vocabulary
    config: MatcherConfig
    details: Details | None = None

    @cached_property
    def detail(self) -> Details:
        return self.details or pair_details(self.clients, self.index, self.config, [self.c], [self.j])[0]

    @property
    def client(self) -> Client:
        return self.clients.clients[self.c]

    @property
    def opening(self) -> Opening:
        return self.index.openings[self.j]

    def mode_label(self, m: int) -> str:
        name = list(self.config.commute.modes)[m]
        return self.vocab.modes.get(name, name)

    def acc_label(self, code: str) -> str:
        return self.vocab.accommodations[code].lower()

    def available_to_client(self, code: str) -> bool:
        o = self.opening
        return o.offers_to_everyone(code) or (self.client.discloses and code in o.on_request)


def _r(kind: str, code: str, factor: str | None, evidence: dict[str, Any], **display: Any) -> Reason:
    text = render(kind, code, {**evidence, **display})
    return Reason(code, kind, text, factor, evidence)  # type: ignore[arg-type]


def suggestion_reasons(pair: Pair) -> list[Reason]:
    """Positives, concerns and hints of a feasible pair, factor by factor."""
    return [
        *_preference(pair),
        *_strengths(pair),
        *_cognitive(pair),
        *_accommodations(pair),
        *_commute(pair),
        *_schedule_and_pay(pair),
    ]


def _preference(pair: Pair) -> list[Reason]:
    client, vocab, out = pair.client, pair.vocab, []
    parts = pair.detail.parts
    in_job = pair.index.area_phrase[pair.j]
    for m in vocab.work_areas.resolve(client.interests, score_cutoff=pair.config.scoring.phrase_cutoff):
        if m.code in in_job:
            ev: dict[str, Any] = {
                "interest": m.phrase,
                "area": vocab.work_areas.labels[m.code],
                "job_phrase": in_job[m.code],
            }
            out.append(_r("positive", "PREFERENCE_MATCH", "preference", ev))
    if parts["industry"][0] > 0:
        code = vocab.industries.codes[pair.index.industry_code[pair.j]]
        ev = {"industry": vocab.industries.labels[code]}
        out.append(_r("positive", "PREFERENCE_INDUSTRY", "preference", ev))
    text, has_text = parts["text"]
    if has_text and text >= 0.5:
        ev = {"similarity": round(float(text), 2)}
        out.append(_r("positive", "PREFERENCE_TEXT", "preference", ev))
    if parts["riasec"][1]:
        value = round(parts["riasec"][0], 2)
        kind, code = ("positive", "RIASEC_CONGRUENT") if value >= 0.6 else ("concern", "RIASEC_DIFFERENT")
        out.append(_r(kind, code, "preference", {"congruence": value}))
    if not (client.interests or client.preferred_industries or client.riasec):
        out.append(_r("concern", "PREFERENCES_UNKNOWN", "preference", {}))
    elif not any(r.kind == "positive" for r in out):
        out.append(_r("concern", "PREFERENCE_OUTSIDE", "preference", {}))
    return out


def _strengths(pair: Pair) -> list[Reason]:
    client, opening, out = pair.client, pair.opening, []
    own = {skill_term(p, pair.vocab, pair.config) for p in client.strengths}
    inferred = {skill_term(p, pair.vocab, pair.config) for p in client.inferred_strengths}
    matched: dict[str, None] = {}
    missing: dict[str, None] = {}
    for phrase in (*opening.required_skills, *opening.preferred_skills):
        term = skill_term(phrase, pair.vocab, pair.config)
        label = _skill_label(term, pair.vocab)
        if term in own:
            matched[label] = None
        elif term in inferred:
            matched[f"{label} (inferred from work history)"] = None
        elif phrase in opening.required_skills:
            missing[label] = None
    if matched:
        source = " (skills inferred from the occupation)" if opening.skills_inferred else ""
        ev = {"skills": list(matched)}
        out.append(
            _r("positive", "STRENGTHS_MATCH", "strengths", ev, skills_text=", ".join(matched), source=source)
        )
    if missing:
        ev = {"skills": list(missing)}
        out.append(_r("concern", "SKILLS_TO_LEARN", "strengths", ev, skills_text=", ".join(missing)))
    if not (opening.required_skills or opening.preferred_skills):
        out.append(_r("concern", "SKILLS_UNKNOWN", "strengths", {}))
    in_job = pair.index.area_phrase[pair.j]
    cut = pair.config.scoring.phrase_cutoff
    past = [
        m for m in pair.vocab.work_areas.resolve(client.past_titles, score_cutoff=cut) if m.code in in_job
    ]
    if past:
        out.append(_r("positive", "PAST_EXPERIENCE", "strengths", {"past_title": past[0].phrase}))
    return out


def _skill_label(term: str, vocab: Vocabulary) -> str:
    if term.startswith(FREE_PREFIX):
        return term[len(FREE_PREFIX) :]
    return vocab.skills.labels[term].lower()


def _cognitive(pair: Pair) -> list[Reason]:
    vocab, out = pair.vocab, []
    gaps, lefts = pair.detail.gaps, pair.detail.left
    for d, dim in enumerate(vocab.dimensions):
        gap, left = float(gaps[d]), float(lefts[d])
        if gap > 0:
            out += _gap_reasons(pair, dim, d, gap, left)
    unknown = [
        vocab.dimension_labels[d].lower()
        for k, d in enumerate(vocab.dimensions)
        if np.isnan(pair.index.demands[pair.j, k])
    ]
    if unknown:
        ev = {"dimensions": unknown}
        out.append(_r("concern", "DEMANDS_UNKNOWN", "cognitive", ev, dimensions_text=", ".join(unknown)))
    if not any(r.code == "COGNITIVE_GAP" for r in out):
        out.insert(0, _r("positive", "COGNITIVE_FIT", "cognitive", {}))
    return out


def _gap_reasons(pair: Pair, dim: str, d: int, gap: float, left: float) -> list[Reason]:
    """A concern naming the gap and what offsets it, and a support-plan hint."""
    vocab, client, opening = pair.vocab, pair.client, pair.opening
    demand, capacity = int(pair.index.demands[pair.j, d]), int(client.capacity[dim])
    offsets = [a for a, dims in vocab.accommodation_offsets.items() if dim in dims]
    given = [a for a in offsets if pair.available_to_client(a)]
    ev = {
        "dimension": dim,
        "demand": demand,
        "capacity": capacity,
        "gap": gap,
        "gap_after_offsets": left,
        "offset_by": given,
        "inferred": dim in opening.inferred_demands,
    }
    offset_text = "; offset by " + ", ".join(pair.acc_label(a) for a in given) if given else ""
    label = vocab.dimension_labels[dim]
    concern = _r(
        "concern",
        "COGNITIVE_GAP",
        "cognitive",
        ev,
        label=label,
        demand_label=vocab.level_labels[demand],
        capacity_label=vocab.level_labels[capacity],
        origin=_demand_origin(pair, dim),
        offset_text=offset_text,
    )
    if left > 0:
        ideas = [pair.acc_label(a) for a in offsets if a not in given][:3]
        advice = "consider " + (", ".join(ideas) if ideas else "job coaching or job carving")
        asked = [pair.acc_label(a) for a in offsets if a in opening.on_request and not client.discloses]
        if asked:
            advice += f" ({', '.join(asked)} available on request if the client chooses to disclose)"
    else:
        advice = "keep " + ", ".join(pair.acc_label(a) for a in given) + " in the plan"
    hint = _r(
        "hint", "SUPPORT_HINT", "cognitive", {"dimension": dim}, label_lower=label.lower(), advice=advice
    )
    return [concern, hint]


def _demand_origin(pair: Pair, dim: str) -> str:
    if dim in pair.opening.inferred_demands:
        return ", inferred from the O*NET occupation"
    if dim == "stamina" and pair.index.stamina_from_shifts[pair.j]:
        return ", from the longest shift"
    return ""


def _accommodations(pair: Pair) -> list[Reason]:
    client, opening, out = pair.client, pair.opening, []
    for code, need in sorted(client.accommodations.items()):
        label = pair.vocab.accommodations[code]
        ev = {"accommodation": code, "need": need.value}
        if opening.offers_to_everyone(code):
            out.append(
                _r(
                    "positive",
                    "ACCOMMODATION_MET",
                    "accommodation",
                    ev,
                    label=label,
                    how="offered to everyone",
                )
            )
        elif code in opening.on_request and client.discloses:
            how = "available on request, as the client discloses"
            out.append(_r("positive", "ACCOMMODATION_MET", "accommodation", ev, label=label, how=how))
        elif code in opening.on_request:
            out.append(_r("concern", "ACCOMMODATION_NEEDS_DISCLOSURE", "accommodation", ev, label=label))
        else:
            out.append(_r("concern", "ACCOMMODATION_MISSING", "accommodation", ev, label_lower=label.lower()))
    return out


def _commute(pair: Pair) -> list[Reason]:
    if pair.opening.remote:
        return [_r("positive", "REMOTE", "commute", {"minutes": 0})]
    minutes = float(pair.commute.minutes[pair.c, pair.j])
    limit = pair.client.max_commute_minutes
    ev = {
        "minutes": round(minutes),
        "mode": pair.mode_label(int(pair.commute.mode[pair.c, pair.j])),
        "limit": limit,
    }
    short = minutes <= pair.config.commute.short_share * limit
    code, kind = ("COMMUTE_SHORT", "positive") if short else ("COMMUTE_LONG", "concern")
    return [_r(kind, code, "commute", ev, minutes_text=minutes_text(minutes))]


def _schedule_and_pay(pair: Pair) -> list[Reason]:
    client, o, b = pair.client, pair.opening, pair.config.benefits
    ev: dict[str, Any] = {"hours": o.hours_per_week, "low": client.min_hours, "high": client.max_hours}
    out = [_r("positive", "SCHEDULE_FIT", "schedule", ev)]
    ref = max(client.wage_floor, pair.config.scoring.minimum_wage)
    ev = {"wage": o.hourly_wage, "floor": client.wage_floor}
    code, kind = ("WAGE_ABOVE_FLOOR", "positive") if o.hourly_wage > ref else ("WAGE_AT_FLOOR", "concern")
    out.append(
        _r(kind, code, "wage", ev, wage_text=money(o.hourly_wage), floor_text=money(client.wage_floor))
    )
    monthly = float(pair.index.monthly[pair.j])
    ev = {"monthly": round(monthly, 2)}
    if client.receives_ssdi and monthly > b.sga_monthly:
        year = b.effective_from[:4]
        out.append(
            _r(
                "concern",
                "BENEFITS_SGA",
                "wage",
                {**ev, "sga": b.sga_monthly},
                monthly_text=money(monthly),
                sga_text=money(b.sga_monthly),
                year=year,
            )
        )
    elif client.receives_ssdi and monthly > b.trial_work_month:
        out.append(
            _r(
                "concern",
                "BENEFITS_TRIAL_WORK",
                "wage",
                ev,
                monthly_text=money(monthly),
                twm_text=money(b.trial_work_month),
            )
        )
    countable = monthly - b.ssi_earned_income_exclusion - b.ssi_general_income_exclusion
    if client.receives_ssi and countable > 0:
        # SSI drops $1 for every $2 of countable earnings, down to nothing
        reduction = round(min(countable / 2, b.ssi_federal_benefit_rate), 2)
        out.append(
            _r(
                "concern",
                "BENEFITS_SSI_REDUCTION",
                "wage",
                {"reduction": reduction},
                reduction_text=money(reduction),
            )
        )
    if o.background_check and not o.fair_chance:
        out.append(_r("concern", "BACKGROUND_CHECK", None, {}))
    elif o.fair_chance:
        out.append(_r("positive", "FAIR_CHANCE", None, {}))
    return out


def employer_cap_reason(employer: str, cap: int) -> Reason:
    """Why a feasible opening is not in the shortlist although it scores high enough."""
    return _r("concern", "EMPLOYER_CAP", None, {"employer": employer, "max_per_employer": cap})


_FLAGS = [(int(f), f.name) for f in Failed if f.name]


def exclusion_reasons(pair: Pair, bits: int) -> list[Reason]:
    """One reason per failed constraint; ``feasible_if`` where that limit alone blocks it."""
    alone = bits & (bits - 1) == 0
    out = []
    for bit, name in _FLAGS:
        if bits & bit:
            ev, display, fix = _WHY_NOT[name](pair)
            text = render("exclusion", name, {**ev, **display})
            out.append(Reason(name, "exclusion", text, None, ev, fix if alone else None))
    return out


Why = tuple[dict[str, Any], dict[str, Any], str | None]
_REMOVED = "feasible if the client removed that"


def _why_hours(pair: Pair) -> Why:
    c, o = pair.client, pair.opening
    ev = {"hours": o.hours_per_week, "low": c.min_hours, "high": c.max_hours}
    return ev, {}, f"feasible with an hours range that includes {o.hours_per_week:g} h/week"


def _why_wage(pair: Pair) -> Why:
    c, o = pair.client, pair.opening
    display = {"wage_text": money(o.hourly_wage), "floor_text": money(c.wage_floor)}
    fix = f"feasible with a wage floor of {money(o.hourly_wage)}"
    return {"wage": o.hourly_wage, "floor": c.wage_floor}, display, fix


def _why_schedule(pair: Pair) -> Why:
    shifts = [str(w) for w in schedule.uncovered(pair.client.availability, pair.opening.shifts)]
    text = ", ".join(shifts)
    return {"shifts": shifts}, {"shifts_text": text}, f"feasible if the client were available {text}"


def _why_keyword(pair: Pair) -> Why:
    hits = [k for k in pair.client.excluded_keywords if keyword_mask(k, pair.index)[pair.j]]
    return {"keywords": hits}, {"keywords_text": ", ".join(hits)}, f"{_REMOVED} keyword exclusion"


def _why_commute(pair: Pair) -> Why:
    c, limit = pair.client, pair.client.max_commute_minutes
    routed = {m: t[(pair.c, pair.j)] for m, t in pair.commute.overrides.items() if (pair.c, pair.j) in t}
    km = geo.distance_km(pair.clients.xyz[[pair.c]], pair.index.xyz[[pair.j]])[0, 0]
    span = (int(pair.index.service_span[pair.j, 0]), int(pair.index.service_span[pair.j, 1]))
    by_mode = commute.pair_minutes(float(km), span, pair.config.commute, routed)
    # the block computes minutes only within reach: the why-not works them out for this pair
    mine = [(t, m) for m, (t, runs) in by_mode.items() if runs and m in c.modes]
    best, best_mode = min(mine) if mine else (np.inf, "")
    fix = None
    if np.isfinite(best):
        mode = pair.vocab.modes.get(best_mode, best_mode)
        text = f"About {best:.0f} minutes by {mode}, over the client's {limit}-minute limit"
        fix = f"feasible with a {int(-(-best // 5) * 5)}-minute limit"
    else:
        text = (
            f"Not reachable by {', '.join(pair.vocab.modes.get(m, m) for m in c.modes)} at the shift's hours"
        )
    if any(not runs and t <= limit for m, (t, runs) in by_mode.items() if m in c.modes):
        text += " (transit or paratransit does not run at the shift's start or end)"
    others = [(t, m) for m, (t, runs) in by_mode.items() if runs and t <= limit and m not in c.modes]
    if others:
        any_best, any_mode = min(others)
        label = pair.vocab.modes.get(any_mode, any_mode)
        by = f"feasible by {label} (about {any_best:.0f} minutes)"
        fix = f"{by}, or {fix}" if fix else by
    ev = {"minutes": round(best) if np.isfinite(best) else None, "limit": limit}
    return ev, {"commute_text": text}, fix


def _why_earnings(pair: Pair) -> Why:
    o, cap = pair.opening, pair.client.earnings_cap or 0.0
    monthly = float(pair.index.monthly[pair.j])
    per_hour_month = o.hourly_wage * pair.config.benefits.weeks_per_month
    # round hours down and the cap up, so that following the advice really fits
    max_hours = math.floor(cap / per_hour_month) if per_hour_month else 0
    needed_cap = math.ceil(monthly * 100) / 100
    ev = {"monthly": round(monthly, 2), "cap": cap}
    fix = f"feasible at {max_hours} h/week or less, or with a cap of {money(needed_cap)}"
    return ev, {"monthly_text": money(monthly), "cap_text": money(cap)}, fix


def _why_accommodation(pair: Pair) -> Why:
    c, o = pair.client, pair.opening
    missing = [
        a
        for a, need in sorted(c.accommodations.items())
        if need.value == "required" and not pair.available_to_client(a)
    ]
    on_request = [a for a in missing if a in o.on_request]
    fix = None
    if on_request and len(on_request) == len(missing):
        names = ", ".join(pair.acc_label(a) for a in on_request)
        fix = f"feasible if the client chose to disclose ({names} available on request)"
    labels = ", ".join(pair.acc_label(a) for a in missing)
    return {"accommodations": missing}, {"labels": labels}, fix


_WHY_NOT: dict[str, Callable[[Pair], Why]] = {
    "NOT_OPEN": lambda p: ({"status": p.opening.status.value}, {}, None),
    "EXPIRED": lambda p: ({"expires": str(p.opening.expires)}, {}, None),
    "COMMUTE_TOO_LONG": _why_commute,
    "SCHEDULE_OUTSIDE_AVAILABILITY": _why_schedule,
    "HOURS_OUT_OF_RANGE": _why_hours,
    "WAGE_BELOW_FLOOR": _why_wage,
    "EARNINGS_ABOVE_CAP": _why_earnings,
    "REQUIRED_ACCOMMODATION_UNAVAILABLE": _why_accommodation,
    "EXCLUDED_INDUSTRY": lambda p: ({"industry": p.opening.industry}, {}, f"{_REMOVED} industry exclusion"),
    "EXCLUDED_EMPLOYER": lambda p: ({"employer": p.opening.employer}, {}, f"{_REMOVED} employer exclusion"),
    "EXCLUDED_KEYWORD": _why_keyword,
    "BACKGROUND_CHECK": lambda p: ({}, {}, None),
    "REJECTED_BY_SPECIALIST": lambda p: ({}, {}, "feasible if the specialist restores it"),
}
