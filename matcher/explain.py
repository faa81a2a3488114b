"""Plain-language reasons, concerns, support-plan hints and why-nots.

Runs per pair, but only for what is shown (the top-k, or one asked-about
exclusion); the numbers come from the arrays the scorer already computed.
Every reason has a stable code; texts are deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher import schedule
from matcher.commute import Commute
from matcher.config import MatcherConfig
from matcher.constraints import Failed
from matcher.features import (
    FREE_PREFIX,
    ClientBatch,
    OpeningIndex,
    keyword_mask,
    skill_term,
    take_clients,
    take_openings,
)
from matcher.scoring import Scores, cognitive_gaps, preference_parts
from matcher.types import Client, Opening, Reason
from matcher.vocab import Vocabulary


@dataclass(frozen=True, slots=True)
class Pair:
    """Everything known about one (client, opening) pair of a scored block."""

    c: int
    j: int
    clients: ClientBatch
    index: OpeningIndex
    commute: Commute
    vocab: Vocabulary
    config: MatcherConfig

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
        return code in o.offered_to_all or (self.client.discloses and code in o.on_request)


def _money(x: float) -> str:
    return f"${x:,.2f}"


def _r(code: str, kind: str, text: str, factor: str | None = None, **evidence: object) -> Reason:
    return Reason(code, kind, text, factor, dict(evidence))  # type: ignore[arg-type]


def suggestion_reasons(pair: Pair, scores: Scores) -> list[Reason]:
    """Positives, concerns and hints of a feasible pair, factor by factor."""
    out: list[Reason] = []
    out += _preference(pair)
    out += _strengths(pair)
    out += _cognitive(pair)
    out += _accommodations(pair)
    out += _commute(pair)
    out += _schedule_and_pay(pair)
    return out


def _preference(pair: Pair) -> list[Reason]:
    client, opening, out = pair.client, pair.opening, []
    parts = preference_parts(_one(pair.clients, pair.c), _one_index(pair.index, pair.j), pair.config.scoring)
    cut = pair.config.scoring.phrase_cutoff
    opening_phrases = pair.index.area_phrase[pair.j]
    for m in pair.vocab.work_areas.resolve(client.interests, score_cutoff=cut):
        if m.code in opening_phrases:
            label = pair.vocab.work_areas.labels[m.code]
            out.append(_r("PREFERENCE_MATCH", "positive",
                f"Matches the client's interest \"{m.phrase}\" ({label}: \"{opening_phrases[m.code]}\" in the job)",
                "preference", interest=m.phrase, area=m.code, job_phrase=opening_phrases[m.code]))  # fmt: skip
    if parts["industry"][0][0, 0] > 0:
        label = pair.vocab.industries.labels[pair.vocab.industries.codes[pair.index.industry_code[pair.j]]]
        out.append(_r("PREFERENCE_INDUSTRY", "positive", f"In a preferred industry: {label}",
                      "preference", industry=label))  # fmt: skip
    text, has_text = parts["text"][0][0, 0], bool(np.asarray(parts["text"][1]).ravel()[0])
    if has_text and text >= 0.5:
        out.append(_r("PREFERENCE_TEXT", "positive",
            f"Job description is close to what the client says they want (text similarity {text:.2f})",
            "preference", similarity=round(float(text), 2)))  # fmt: skip
    value, has_riasec = parts["riasec"][0][0, 0], bool(parts["riasec"][1][0, 0])
    if has_riasec:
        kind = "positive" if value >= 0.6 else "concern"
        code = "RIASEC_CONGRUENT" if kind == "positive" else "RIASEC_DIFFERENT"
        out.append(_r(code, kind, f"Interest profile (RIASEC) congruence {value:.2f}",
                      "preference", congruence=round(float(value), 2)))  # fmt: skip
    if not (client.interests or client.preferred_industries or client.riasec):
        out.append(_r("PREFERENCES_UNKNOWN", "concern",
            "No preferences recorded: ask the client what work they want", "preference"))  # fmt: skip
    elif not any(r.kind == "positive" for r in out):
        out.append(_r("PREFERENCE_OUTSIDE", "concern",
            "Not in the client's stated areas of interest", "preference"))  # fmt: skip
    return out


def _strengths(pair: Pair) -> list[Reason]:
    client, opening, out = pair.client, pair.opening, []
    inferred = {skill_term(p, pair.vocab, pair.config) for p in client.inferred_strengths}
    own = {skill_term(p, pair.vocab, pair.config): p for p in client.strengths}
    source = " (skills inferred from the occupation)" if opening.skills_inferred else ""
    matched, missing = [], []
    for phrase in (*opening.required_skills, *opening.preferred_skills):
        term = skill_term(phrase, pair.vocab, pair.config)
        if term in own or term in inferred:
            how = "" if term in own else " (inferred from work history)"
            matched.append(f"{_skill_label(term, pair.vocab)}{how}")
        elif phrase in opening.required_skills:
            missing.append(_skill_label(term, pair.vocab))
    if matched:
        out.append(_r("STRENGTHS_MATCH", "positive",
            f"Uses the client's strengths: {', '.join(dict.fromkeys(matched))}{source}",
            "strengths", skills=list(dict.fromkeys(matched))))  # fmt: skip
    if missing:
        out.append(_r("SKILLS_TO_LEARN", "concern",
            f"Required skills not among the client's strengths: {', '.join(dict.fromkeys(missing))}",
            "strengths", skills=list(dict.fromkeys(missing))))  # fmt: skip
    if not (opening.required_skills or opening.preferred_skills):
        out.append(_r("SKILLS_UNKNOWN", "concern", "The opening lists no skills", "strengths"))
    cut = pair.config.scoring.phrase_cutoff
    phrases = pair.index.area_phrase[pair.j]
    for m in pair.vocab.work_areas.resolve(client.past_titles, score_cutoff=cut):
        if m.code in phrases:
            out.append(_r("PAST_EXPERIENCE", "positive",
                f"Has worked as \"{m.phrase}\" before", "strengths", past_title=m.phrase))  # fmt: skip
            break
    return out


def _skill_label(term: str, vocab: Vocabulary) -> str:
    if term.startswith(FREE_PREFIX):
        return term[len(FREE_PREFIX):]
    return vocab.skills.labels[term].lower()


def _cognitive(pair: Pair) -> list[Reason]:
    out: list[Reason] = []
    clients, index, vocab = _one(pair.clients, pair.c), _one_index(pair.index, pair.j), pair.vocab
    opening, client = pair.opening, pair.client
    for d, dim in enumerate(vocab.dimensions):
        gap, left = (float(x[0, 0]) for x in cognitive_gaps(clients, index, pair.config.scoring, d))
        if gap <= 0:
            continue
        demand, capacity = int(pair.index.demands[pair.j, d]), int(client.capacity[dim])
        label = vocab.dimension_labels[dim]
        origin = _demand_origin(pair, dim)
        offsets = [a for a, dims in vocab.accommodation_offsets.items() if dim in dims]
        given = [a for a in offsets if pair.available_to_client(a)]
        asked = [a for a in offsets if a in opening.on_request and not client.discloses]
        text = (f"{label}: the job asks {vocab.level_labels[demand]} ({demand}){origin}, "
                f"above the client's {vocab.level_labels[capacity]} ({capacity})")  # fmt: skip
        if given:
            text += "; offset by " + ", ".join(pair.acc_label(a) for a in given)
        out.append(_r("COGNITIVE_GAP", "concern", text, "cognitive", dimension=dim,
                      demand=demand, capacity=capacity, gap=gap, gap_after_offsets=left,
                      offset_by=given))  # fmt: skip
        hint = f"Support plan for {label.lower()}: "
        if left > 0:
            ideas = [pair.acc_label(a) for a in offsets if a not in given][:3]
            hint += "consider " + (", ".join(ideas) if ideas else "job coaching or job carving")
            if asked:
                hint += f" ({', '.join(pair.acc_label(a) for a in asked)} available on request if the client chooses to disclose)"  # noqa: E501
        else:
            hint += "keep " + ", ".join(pair.acc_label(a) for a in given) + " in the plan"
        out.append(_r("SUPPORT_HINT", "hint", hint, "cognitive", dimension=dim))
    unknown = [vocab.dimension_labels[d].lower() for k, d in enumerate(vocab.dimensions)
               if np.isnan(pair.index.demands[pair.j, k])]  # fmt: skip
    if unknown:
        out.append(_r("DEMANDS_UNKNOWN", "concern",
            f"Job demands unknown (not zero) for: {', '.join(unknown)}", "cognitive",
            dimensions=unknown))  # fmt: skip
    if not any(r.code == "COGNITIVE_GAP" for r in out):
        out.insert(0, _r("COGNITIVE_FIT", "positive",
            "Known job demands are within the client's capacity", "cognitive"))  # fmt: skip
    return out


def _demand_origin(pair: Pair, dim: str) -> str:
    if dim in pair.opening.inferred_demands:
        return " (inferred from the O*NET occupation)"
    if dim == "stamina" and pair.index.stamina_from_shifts[pair.j]:
        return " (from the longest shift)"
    return ""


def _accommodations(pair: Pair) -> list[Reason]:
    client, opening, out = pair.client, pair.opening, []
    for code, need in sorted(client.accommodations.items()):
        label = pair.acc_label(code)
        if code in opening.offered_to_all:
            out.append(_r("ACCOMMODATION_MET", "positive", f"Offers {label} to everyone ({need.value} need)",
                          "accommodation", accommodation=code, need=need.value))  # fmt: skip
        elif code in opening.on_request and client.discloses:
            out.append(_r("ACCOMMODATION_MET", "positive",
                f"{label.capitalize()} available on request ({need.value} need; the client discloses)",
                "accommodation", accommodation=code, need=need.value))  # fmt: skip
        elif code in opening.on_request:
            out.append(_r("ACCOMMODATION_NEEDS_DISCLOSURE", "concern",
                f"{label.capitalize()} only on request, which needs disclosure (the client has not chosen to disclose)",
                "accommodation", accommodation=code, need=need.value))  # fmt: skip
        else:
            out.append(_r("ACCOMMODATION_MISSING", "concern",
                f"Does not offer {label} ({need.value} need)", "accommodation",
                accommodation=code, need=need.value))  # fmt: skip
    return out


def _commute(pair: Pair) -> list[Reason]:
    if pair.opening.remote:
        return [_r("REMOTE", "positive", "Remote work: no commute", "commute", minutes=0)]
    minutes = float(pair.commute.minutes[pair.c, pair.j])
    mode = pair.mode_label(int(pair.commute.mode[pair.c, pair.j]))
    limit = pair.client.max_commute_minutes
    evidence = {"minutes": round(minutes), "mode": mode, "limit": limit}
    if minutes <= pair.config.commute.short_share * limit:
        return [_r("COMMUTE_SHORT", "positive", f"About {minutes:.0f} minutes by {mode} (limit {limit})",
                   "commute", **evidence)]  # fmt: skip
    return [_r("COMMUTE_LONG", "concern",
        f"About {minutes:.0f} minutes by {mode}, near the client's {limit}-minute limit"
        + ("; travel training may help" if mode == pair.mode_label(2) else ""),
        "commute", **evidence)]  # fmt: skip


def _schedule_and_pay(pair: Pair) -> list[Reason]:
    client, o, b = pair.client, pair.opening, pair.config.benefits
    out = [_r("SCHEDULE_FIT", "positive",
        f"Shifts fit the client's availability; {o.hours_per_week:g} h/week within "
        f"{client.min_hours:g}-{client.max_hours:g}", "schedule", hours=o.hours_per_week)]  # fmt: skip
    ref = max(client.wage_floor, pair.config.scoring.minimum_wage)
    kind, code = ("positive", "WAGE_ABOVE_FLOOR") if o.hourly_wage > ref else ("concern", "WAGE_AT_FLOOR")
    out.append(_r(code, kind, f"{_money(o.hourly_wage)}/h (client's floor {_money(client.wage_floor)})",
                  "wage", wage=o.hourly_wage, floor=client.wage_floor))  # fmt: skip
    monthly = o.hourly_wage * o.hours_per_week * b.weeks_per_month
    if client.receives_ssdi and monthly > b.sga_monthly:
        out.append(_r("BENEFITS_SGA", "concern",
            f"About {_money(monthly)}/month is above the SGA level ({_money(b.sga_monthly)}, {b.effective_from[:4]}): involve a benefits counselor",
            "wage", monthly=round(monthly, 2), sga=b.sga_monthly))  # fmt: skip
    elif client.receives_ssdi and monthly > b.trial_work_month:
        out.append(_r("BENEFITS_TRIAL_WORK", "concern",
            f"About {_money(monthly)}/month counts as a trial work month (over {_money(b.trial_work_month)}): plan with a benefits counselor",
            "wage", monthly=round(monthly, 2)))  # fmt: skip
    if client.receives_ssi:
        countable = max(0.0, monthly - b.ssi_earned_income_exclusion - b.ssi_general_income_exclusion)
        if countable > 0:
            out.append(_r("BENEFITS_SSI_REDUCTION", "concern",
                f"SSI would drop by about {_money(countable / 2)}/month (income still rises): review with a benefits counselor",
                "wage", reduction=round(countable / 2, 2)))  # fmt: skip
    if o.background_check and not o.fair_chance:
        out.append(_r("BACKGROUND_CHECK", "concern", "Background check required", None))
    elif o.fair_chance:
        out.append(_r("FAIR_CHANCE", "positive", "Fair-chance employer", None))
    return out


def exclusion_reasons(pair: Pair, bits: int) -> list[Reason]:
    """One reason per failed constraint; ``feasible_if`` where that limit alone blocks it."""
    alone = bin(bits).count("1") == 1
    out = []
    for flag in Failed:
        if bits & flag:
            text, evidence, fix = _why_not(pair, flag)
            out.append(Reason(flag.name or "", "exclusion", text, None, evidence, fix if alone else None))
    return out


def _why_not(pair: Pair, flag: Failed) -> tuple[str, dict[str, object], str | None]:  # noqa: C901
    c, o, j = pair.client, pair.opening, pair.j
    if flag is Failed.NOT_OPEN:
        return f"The opening is {o.status.value}", {"status": o.status.value}, None
    if flag is Failed.EXPIRED:
        return f"The opening expired on {o.expires}", {"expires": str(o.expires)}, None
    if flag is Failed.COMMUTE_TOO_LONG:
        return _why_commute(pair)
    if flag is Failed.SCHEDULE_OUTSIDE_AVAILABILITY:
        shifts = [str(w) for w in schedule.uncovered(c.availability, o.shifts)]
        return (f"Shifts outside the client's availability: {', '.join(shifts)}", {"shifts": shifts},
                f"feasible if the client were available {', '.join(shifts)}")  # fmt: skip
    if flag is Failed.HOURS_OUT_OF_RANGE:
        return (f"{o.hours_per_week:g} h/week is outside the client's {c.min_hours:g}-{c.max_hours:g}",
                {"hours": o.hours_per_week},
                f"feasible with an hours range that includes {o.hours_per_week:g} h/week")  # fmt: skip
    if flag is Failed.WAGE_BELOW_FLOOR:
        return (f"{_money(o.hourly_wage)}/h is below the client's floor {_money(c.wage_floor)}",
                {"wage": o.hourly_wage, "floor": c.wage_floor},
                f"feasible with a wage floor of {_money(o.hourly_wage)}")  # fmt: skip
    if flag is Failed.EARNINGS_ABOVE_CAP:
        monthly = float(pair.index.monthly[j])
        cap = c.earnings_cap or 0.0
        max_hours = cap / (o.hourly_wage * pair.config.benefits.weeks_per_month) if o.hourly_wage else 0
        return (f"About {_money(monthly)}/month exceeds the client's chosen cap {_money(cap)} (benefits)",
                {"monthly": round(monthly, 2), "cap": cap},
                f"feasible at {max_hours:.0f} h/week or less, or with a cap of {_money(monthly)}")  # fmt: skip
    if flag is Failed.REQUIRED_ACCOMMODATION_UNAVAILABLE:
        return _why_accommodation(pair)
    if flag is Failed.EXCLUDED_INDUSTRY:
        return (f"The client excluded this industry ({o.industry})", {"industry": o.industry},
                "feasible if the client removed that industry exclusion")  # fmt: skip
    if flag is Failed.EXCLUDED_EMPLOYER:
        return (f"The client excluded this employer ({o.employer})", {"employer": o.employer},
                "feasible if the client removed that employer exclusion")  # fmt: skip
    if flag is Failed.EXCLUDED_KEYWORD:
        hits = [k for k in c.excluded_keywords if _has_keyword(pair, k)]
        return (f"Mentions a word the client wants to avoid: {', '.join(hits)}", {"keywords": hits},
                "feasible if the client removed that keyword exclusion")  # fmt: skip
    if flag is Failed.BACKGROUND_CHECK:
        return ("Requires a background check and is not a fair-chance employer (the client asked to avoid these)",
                {}, None)  # fmt: skip
    return "The specialist rejected this opening for the client", {}, "feasible if the specialist restores it"


def _has_keyword(pair: Pair, keyword: str) -> bool:
    return bool(keyword_mask(keyword, _one_index(pair.index, pair.j))[0])


def _why_commute(pair: Pair) -> tuple[str, dict[str, object], str | None]:
    c, limit = pair.client, pair.client.max_commute_minutes
    best = float(pair.commute.minutes[pair.c, pair.j])
    modes = ", ".join(pair.vocab.modes.get(m, m) for m in c.modes)
    if np.isfinite(best):
        text = f"About {best:.0f} minutes by {pair.mode_label(int(pair.commute.mode[pair.c, pair.j]))}, over the client's {limit}-minute limit"  # noqa: E501
        fix = f"feasible with a {int(-(-best // 5) * 5)}-minute limit"
    else:
        text = f"Not reachable by {modes} at the shift's hours"
        fix = None
    if pair.commute.unserved[pair.c, pair.j]:
        text += " (transit or paratransit does not run at the shift's start or end)"
    any_best, any_mode = float(pair.commute.any_minutes[pair.c, pair.j]), int(pair.commute.any_mode[pair.c, pair.j])
    if any_mode >= 0 and any_best <= limit and list(pair.config.commute.modes)[any_mode] not in c.modes:
        fix = f"feasible by {pair.mode_label(any_mode)} (about {any_best:.0f} minutes)" + (f", or {fix}" if fix else "")
    return text, {"minutes": None if not np.isfinite(best) else round(best), "limit": limit}, fix


def _why_accommodation(pair: Pair) -> tuple[str, dict[str, object], str | None]:
    c, o = pair.client, pair.opening
    missing = [a for a, need in sorted(c.accommodations.items())
               if need.value == "required" and not pair.available_to_client(a)]  # fmt: skip
    on_request = [a for a in missing if a in o.on_request]
    labels = ", ".join(pair.acc_label(a) for a in missing)
    fix = None
    if on_request and len(on_request) == len(missing):
        fix = f"feasible if the client chose to disclose ({', '.join(pair.acc_label(a) for a in on_request)} available on request)"  # noqa: E501
    return f"Required accommodation not available: {labels}", {"accommodations": missing}, fix


def _one(clients: ClientBatch, c: int) -> ClientBatch:
    return take_clients(clients, [c])


def _one_index(index: OpeningIndex, j: int) -> OpeningIndex:
    return take_openings(index, [j])
