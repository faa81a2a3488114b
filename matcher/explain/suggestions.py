"""Positives, concerns and support-plan hints of a suggested pair, factor by factor.

Runs per pair, but only for what is shown (the top-k, or an asked-about
opening); the numbers come from the arrays the scorer computed. Every reason
has a stable code from ``matcher.messages``; texts are deterministic. A hard
constraint the opening leaves undecided is a concern asking the question
(codes of ``matcher.constraints.Unknown``), from the rule table's ``ask``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from matcher.benefits import figures_note
from matcher.constraints import UNDECIDABLE, Unknown, unknown_codes_at
from matcher.constraints.why_not import WhyNot, ask_wage
from matcher.explain.pair import Pair
from matcher.explain.pair import reason as _r
from matcher.features import FREE_PREFIX, skill_term
from matcher.interests import Bridge, bridge
from matcher.messages import PLACE_WORDS, minutes_text, money
from matcher.types import Need, Offer, Opening, Reason, available
from matcher.vocab import Vocabulary, quote_in_text


def suggestion_reasons(pair: Pair) -> list[Reason]:
    """Positives, concerns and hints of a feasible pair, factor by factor."""
    return [
        *_preference(pair),
        *_strengths(pair),
        *_cognitive(pair),
        *_accommodations(pair),
        *_commute(pair),
        *_schedule_and_pay(pair),
        *unknown_reasons(pair),
    ]


def unknown_reasons(pair: Pair) -> list[Reason]:
    """One concern per hard constraint the opening leaves undecided for the client, asking the question.

    A client without a wage floor is still asked about unstated pay (against the minimum wage):
    the wage factor took a neutral value for it.
    """
    if pair.details is not None:  # computed with the other suggestions' in one pass
        bits = pair.details.unknown
    else:
        bits = int(unknown_codes_at(pair.clients, pair.index, np.array([pair.c]), np.array([pair.j]))[0])
    out = [_question(code, factor, ask(pair)) for bit, code, factor, ask in _ASKED if bits & bit]
    if math.isnan(pair.index.wage[pair.j]) and not bits & _WAGE_BIT:
        out.append(_question(Unknown.WAGE_NOT_STATED, "wage", ask_wage(pair)))
    return out


# The soft factor each unknown's neutral value goes into (docs/engine.md, "Unknown terms").
_FACTOR = {
    Unknown.LOCATION_NOT_STATED: "commute",
    Unknown.SHIFTS_NOT_STATED: "schedule",
    Unknown.HOURS_NOT_STATED: "schedule",
    Unknown.WAGE_NOT_STATED: "wage",
    Unknown.ACCOMMODATION_NOT_STATED: "accommodation",
}
# The undecidable rules that ask, in table order: (bit, code, factor, ask), read once, not per suggestion.
_ASKED = tuple(
    (int(r.unknown_code), r.unknown_code, _FACTOR.get(r.unknown_code), r.ask)
    for r in UNDECIDABLE
    if r.ask is not None
)
_WAGE_BIT = int(Unknown.WAGE_NOT_STATED)


def _question(code: Unknown, factor: str | None, asked: WhyNot) -> Reason:
    return _r("concern", str(code.name), factor, asked.evidence, **asked.display)


def _preference(pair: Pair) -> list[Reason]:
    client, vocab, out = pair.client, pair.vocab, []
    parts = pair.detail.parts
    in_job = pair.index.area_phrase[pair.j]
    at = int(pair.index.industry_code[pair.j])
    industry = vocab.industries.codes[at] if at >= 0 else ""
    named: set[str] = set()
    for interest in pair.clients.interest_kinds[pair.c]:  # resolved once, with the client's features
        found = bridge(interest, pair.opening, in_job, industry)
        if found is None or found.interest in named:
            continue
        named.add(found.interest)
        ev, display = _bridge_text(found, vocab, pair.opening)
        out.append(_r("positive", "PREFERENCE_MATCH", "preference", ev, **display))
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


def _bridge_text(found: Bridge, vocab: Vocabulary, opening: Opening) -> tuple[dict[str, Any], dict[str, str]]:
    """Evidence and the words naming the kind of work that links the interest and the job.

    The job is quoted in its own words ("Day Care" of the title), not the alias that found them.
    """
    area = vocab.work_areas.labels.get(found.area, "")  # "": an occupation the store named
    ev: dict[str, Any] = {"interest": found.interest, "area": area, "job_phrase": found.job_phrase}
    # the alias was found in the title and industry (``opening_areas``): quote the words it matched there
    quoted = quote_in_text(f"{opening.title} {opening.industry}", found.job_phrase) or found.job_phrase
    if found.occupation is not None:
        ev["onet_soc"] = found.occupation.code
        named = f"{found.occupation.title} (O*NET {found.occupation.code})"
        if found.task:  # a task statement, not a title or area, bridges: say so and quote it
            ev["task"] = found.task
            return ev, {"bridge": f'{named}, whose tasks say it: "{found.task}"'}
        return ev, {"bridge": f'{named}, "{quoted}" in the job' if found.job_phrase else named}
    if found.industry:
        ev["industry"] = found.industry
        return ev, {"bridge": f"{area}, the employer's industry ({vocab.industries.labels[found.industry]})"}
    return ev, {"bridge": f'{area} ("{quoted}" in the job)'}


_T = TypeVar("_T")


def _shared(pair: Pair, name: str, make: Callable[[], _T]) -> _T:
    """``make()``, once for all the pairs sharing ``pair``'s client in a pass (``pair.Shared``)."""
    values = pair.detail.shared.values
    if name not in values:
        values[name] = make()
    return values[name]  # type: ignore[no-any-return]


def _client_skills(pair: Pair) -> tuple[set[str], set[str], list[tuple[str, str]]]:
    """The client's own and inferred skill terms, and its past titles' work areas: (area, title)."""
    client, vocab, config = pair.client, pair.vocab, pair.config
    own = {skill_term(p, vocab, config) for p in client.strengths}
    inferred = {skill_term(p, vocab, config) for p in client.inferred_strengths}
    cut = config.scoring.phrase_cutoff
    past = [(m.code, m.phrase) for m in vocab.work_areas.resolve(client.past_titles, score_cutoff=cut)]
    return own, inferred, past


def _strengths(pair: Pair) -> list[Reason]:
    opening, out = pair.opening, []
    own, inferred, past_areas = _shared(pair, "skills", lambda: _client_skills(pair))
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
    past = next((phrase for code, phrase in past_areas if code in in_job), None)
    if past is not None:
        out.append(_r("positive", "PAST_EXPERIENCE", "strengths", {"past_title": past}))
    return out


def _skill_label(term: str, vocab: Vocabulary) -> str:
    if term.startswith(FREE_PREFIX):
        return term[len(FREE_PREFIX) :]
    return vocab.skills.labels[term].lower()


def _cognitive(pair: Pair) -> list[Reason]:
    vocab, out = pair.vocab, []
    gaps, lefts = pair.detail.gaps.tolist(), pair.detail.left.tolist()
    demands = pair.index.demands[pair.j].tolist()
    for d, dim in enumerate(vocab.dimensions):
        if gaps[d] > 0:
            out += _gap_reasons(pair, dim, demands[d], gaps[d], lefts[d])
    unknown = [
        vocab.dimension_labels[d].lower() for k, d in enumerate(vocab.dimensions) if math.isnan(demands[k])
    ]
    if unknown:
        ev = {"dimensions": unknown}
        out.append(_r("concern", "DEMANDS_UNKNOWN", "cognitive", ev, dimensions_text=", ".join(unknown)))
    # the positive line needs a comparison the score made: a known demand the client has a rating for
    capacity = pair.clients.capacity[pair.c].tolist()
    compared = any(not math.isnan(demands[k]) and not math.isnan(capacity[k]) for k in range(len(demands)))
    if compared and not any(r.code == "COGNITIVE_GAP" for r in out):
        out.insert(0, _r("positive", "COGNITIVE_FIT", "cognitive", {}))
    return out


def _gap_reasons(pair: Pair, dim: str, demand_level: float, gap: float, left: float) -> list[Reason]:
    """A concern naming the gap and what offsets it, and a support-plan hint."""
    vocab, client, opening = pair.vocab, pair.client, pair.opening
    demand, capacity = int(demand_level), int(client.capacity[dim])
    offsets = _shared(pair, "offsets", lambda: _offsets(vocab))[dim]
    offers = [(a, opening.offer(a)) for a in offsets]
    given = [a for a, offer in offers if available(offer, client.discloses)]
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
        # the note names those of the same ideas a disclosure would give: one list, read twice
        ideas = [(a, o) for a, o in offers if a not in given and o is not Offer.NOT_POSSIBLE][:3]
        advice = "consider " + (
            ", ".join(pair.acc_label(a) for a, _ in ideas) if ideas else "job coaching or job carving"
        )
        asked = [pair.acc_label(a) for a, o in ideas if available(o, True)]
        if asked:
            advice += f" ({', '.join(asked)} available on request if the client chooses to disclose)"
    else:
        advice = "keep " + ", ".join(pair.acc_label(a) for a in given) + " in the plan"
    hint = _r(
        "hint", "SUPPORT_HINT", "cognitive", {"dimension": dim}, label_lower=label.lower(), advice=advice
    )
    return [concern, hint]


def _offsets(vocab: Vocabulary) -> dict[str, list[str]]:
    """Per dimension, the accommodations that offset a gap in it, in vocabulary order."""
    offsets = vocab.accommodation_offsets
    return {dim: [a for a, dims in offsets.items() if dim in dims] for dim in vocab.dimensions}


def _demand_origin(pair: Pair, dim: str) -> str:
    if dim in pair.opening.inferred_demands:
        return ", inferred from the O*NET occupation"
    if dim == "stamina" and pair.index.stamina_from_shifts[pair.j]:
        return ", from the longest shift"
    return ""


def _accommodations(pair: Pair) -> list[Reason]:
    """One line per need, by how the opening gives it (``types.Offer``: four states).

    A required need the employer has not stated is asked by :func:`unknown_reasons`
    (``ACCOMMODATION_NOT_STATED``); a preferred one is asked here, with the same code.
    """
    client, opening, out = pair.client, pair.opening, []
    for code, need in sorted(client.accommodations.items()):
        label, offer = pair.vocab.accommodations[code], opening.offer(code)
        ev: dict[str, Any] = {"accommodation": code, "need": need.value}
        if available(offer, client.discloses):
            how = "offered to everyone" if offer is Offer.TO_EVERYONE else _AS_DISCLOSED
            out.append(_r("positive", "ACCOMMODATION_MET", "accommodation", ev, label=label, how=how))
        elif offer is Offer.ON_REQUEST:  # and the client has not chosen to disclose
            out.append(_r("concern", "ACCOMMODATION_NEEDS_DISCLOSURE", "accommodation", ev, label=label))
        elif offer is Offer.NOT_POSSIBLE:
            out.append(
                _r("concern", "ACCOMMODATION_NOT_POSSIBLE", "accommodation", ev, label_lower=label.lower())
            )
        elif not client.discloses:  # asking the employer would disclose: say so, do not suggest it
            ev |= {"unknown": "accommodations", "accommodations": [code]}
            code_ = "ACCOMMODATION_NOT_STATED_UNDISCLOSED"
            out.append(_r("concern", code_, "accommodation", ev, label_lower=label.lower()))
        elif need is not Need.REQUIRED:
            name = str(Unknown.ACCOMMODATION_NOT_STATED.name)
            ev |= {"unknown": "accommodations", "accommodations": [code]}
            out.append(_r("concern", name, "accommodation", ev, labels_lower=label.lower(), it="it"))
    return out


_AS_DISCLOSED = "available on request, as the client discloses"


def _commute(pair: Pair) -> list[Reason]:
    if pair.opening.remote:
        return [_r("positive", "REMOTE", "commute", {"minutes": 0})]
    if not pair.index.located[pair.j]:
        return []  # the location is a question (LOCATION_NOT_STATED)
    minutes = float(pair.commute.minutes[pair.c, pair.j])
    limit = pair.client.max_commute_minutes
    ev = {
        "minutes": round(minutes),
        "mode": pair.mode_label(int(pair.commute.mode[pair.c, pair.j])),
        "limit": limit,
        "source": pair.commute.source_text(pair.c, pair.j),  # "estimated" or "from the ... timetable"
    }
    share = pair.config.commute.short_share
    short = minutes <= share * limit
    code, kind = ("COMMUTE_SHORT", "positive") if short else ("COMMUTE_LONG", "concern")
    out = [
        _r(
            kind,
            code,
            "commute",
            ev,
            minutes_text=minutes_text(minutes),
            against=_against(minutes, limit, share),
            source=ev["source"],
        )
    ]
    radius = float(pair.index.location_radius[pair.j])
    if radius > 0:  # the minutes are from the place's centre
        precision = pair.opening.location_precision.value
        ev = {"precision": precision, "radius_km": round(radius, 1)}
        place = PLACE_WORDS.get(precision, "place's centre")  # a radius given at exact precision
        out.append(_r("concern", str(Unknown.LOCATION_APPROXIMATE.name), "commute", ev, place=place))
    return out


def _against(minutes: float, limit: float, share: float) -> str:
    """A long commute beside the limit, as ``COMMUTE_LONG`` words it: at the limit, or over a share of it."""
    if round(minutes) >= limit:
        return "at"
    return "over half" if share == 0.5 else f"over {share:.0%} of"


def _schedule_and_pay(pair: Pair) -> list[Reason]:
    client, o, b = pair.client, pair.opening, pair.config.benefits
    ev: dict[str, Any] = {"hours": o.hours_per_week, "low": client.min_hours, "high": client.max_hours}
    out = []
    if o.shifts is not None or o.hours_per_week is not None:  # what is stated fits (unknowns ask)
        code = (
            "HOURS_FIT" if o.shifts is None else "SHIFTS_FIT" if o.hours_per_week is None else "SCHEDULE_FIT"
        )
        hours = (
            {"range_text": _within(client.min_hours, client.max_hours)}
            if o.hours_per_week is not None
            else {}
        )
        out.append(_r("positive", code, "schedule", ev if hours else {}, **hours))
    out += _wage(pair)
    monthly = float(pair.index.monthly[pair.j])
    ev = {"monthly": round(monthly, 2)}
    note = _shared(pair, "figures_note", lambda: _figures_note(pair))
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
                **note,
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
                **note,
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
                **note,
            )
        )
    if o.background_check and not o.fair_chance:
        out.append(_r("concern", "BACKGROUND_CHECK", None, {}))
    elif o.fair_chance:
        out.append(_r("positive", "FAIR_CHANCE", None, {}))
    return out


def _figures_note(pair: Pair) -> dict[str, str]:
    """Said in every benefits reason: the figures are dated."""
    stale = figures_note(pair.config.benefits, pair.index.as_of)
    return {"figures_note": f" ({stale})" if stale else ""}


def _within(low: float, high: float) -> str:
    """The client's hours range as the fit words it; a range of one value or from zero is said plainly."""
    if low == high:
        return "as the client wants"
    return f"within the client's limit of {high:g}" if low == 0 else f"within {low:g}-{high:g}"


def _wage(pair: Pair) -> list[Reason]:
    """Pay against the client's floor, or the minimum wage when that is higher (never "above $0.00")."""
    wage, floor, minimum = pair.opening.hourly_wage, pair.client.wage_floor, pair.config.scoring.minimum_wage
    if wage is None or max(floor, minimum) <= 0:  # unstated pay is asked; nothing to compare to: no line
        return []
    ev = {"wage": wage, "floor": floor}
    if floor >= minimum:
        above, texts = wage > floor, {"floor_text": money(floor)}
        code, kind = ("WAGE_ABOVE_FLOOR", "positive") if above else ("WAGE_AT_FLOOR", "concern")
    else:
        ev["minimum_wage"], texts = minimum, {"minimum_text": money(minimum)}
        above = wage > minimum
        code, kind = ("WAGE_ABOVE_MINIMUM", "positive") if above else ("WAGE_AT_MINIMUM", "concern")
    return [_r(kind, code, "wage", ev, wage_text=money(wage), **texts)]


def employer_cap_reason(employer: str, cap: int) -> Reason:
    """Why a feasible opening is not in the shortlist although it scores high enough."""
    return _r("concern", "EMPLOYER_CAP", None, {"employer": employer, "max_per_employer": cap})
