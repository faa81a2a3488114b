"""The catalogue of reason codes and their plain-language templates.

Codes are stable (APIs, audit records and reports key on them); texts are
``str.format`` templates filled from the reason's evidence.
"""

from __future__ import annotations

from collections.abc import Mapping

POSITIVE = {
    "PREFERENCE_MATCH": 'Matches the client\'s interest "{interest}" ({area}: "{job_phrase}" in the job)',
    "PREFERENCE_INDUSTRY": "In a preferred industry: {industry}",
    "PREFERENCE_TEXT": "Close to what the client says they want (text similarity {similarity:.2f})",
    "RIASEC_CONGRUENT": "Interest profile (RIASEC) fits: congruence {congruence:.2f}",
    "STRENGTHS_MATCH": "Uses the client's strengths: {skills_text}{source}",
    "PAST_EXPERIENCE": 'Has worked as "{past_title}" before',
    "COGNITIVE_FIT": "Known job demands are within the client's capacity",
    "ACCOMMODATION_MET": "{label} {how} ({need} need)",
    "REMOTE": "Remote work: no commute",
    "COMMUTE_SHORT": "About {minutes_text} by {mode} (limit {limit})",
    "SCHEDULE_FIT": "Shifts fit the client's availability; {hours:g} h/week within {low:g}-{high:g}",
    "WAGE_ABOVE_FLOOR": "{wage_text}/h, above the client's floor {floor_text}",
    "FAIR_CHANCE": "Fair-chance employer",
}

CONCERN = {
    "PREFERENCES_UNKNOWN": "No preferences recorded: ask the client what work they want",
    "PREFERENCE_OUTSIDE": "Not in the client's stated areas of interest",
    "RIASEC_DIFFERENT": "Interest profile (RIASEC) differs: congruence {congruence:.2f}",
    "SKILLS_TO_LEARN": "Required skills not among the client's strengths: {skills_text}",
    "SKILLS_UNKNOWN": "The opening lists no skills",
    "COGNITIVE_GAP": (
        "{label}: the job asks {demand_label} ({demand}){origin}, above the client's "
        "{capacity_label} ({capacity}){offset_text}"
    ),
    "DEMANDS_UNKNOWN": "Job demands unknown (not zero) for: {dimensions_text}",
    "ACCOMMODATION_NEEDS_DISCLOSURE": (
        "{label} only on request, which needs disclosure the client has not chosen ({need} need)"
    ),
    "ACCOMMODATION_MISSING": "Does not offer {label_lower} ({need} need)",
    "COMMUTE_LONG": "About {minutes_text} by {mode}: over half the client's {limit}-minute limit",
    "WAGE_AT_FLOOR": "{wage_text}/h, at the client's floor {floor_text}",
    "BENEFITS_SGA": (
        "About {monthly_text}/month is above the SGA level ({sga_text}, {year}): involve a benefits counselor"
    ),
    "BENEFITS_TRIAL_WORK": (
        "About {monthly_text}/month counts as a trial work month (over {twm_text}): "
        "plan with a benefits counselor"
    ),
    "BENEFITS_SSI_REDUCTION": (
        "SSI would drop by about {reduction_text}/month while income still rises: "
        "review with a benefits counselor"
    ),
    "BACKGROUND_CHECK": "Background check required",
    "EMPLOYER_CAP": (
        "Not shown in the shortlist: {max_per_employer} higher-ranked openings of {employer} "
        "already fill the cap per employer"
    ),
}

HINT = {
    "SUPPORT_HINT": "Support plan for {label_lower}: {advice}",
}

EXCLUSION = {
    "NOT_OPEN": "The opening is {status}",
    "EXPIRED": "The opening expired on {expires}",
    "COMMUTE_TOO_LONG": "{commute_text}",
    "SCHEDULE_OUTSIDE_AVAILABILITY": "Shifts outside the client's availability: {shifts_text}",
    "HOURS_OUT_OF_RANGE": "{hours:g} h/week is outside the client's {low:g}-{high:g} h/week",
    "WAGE_BELOW_FLOOR": "{wage_text}/h is below the client's floor {floor_text}",
    "EARNINGS_ABOVE_CAP": (
        "About {monthly_text}/month exceeds the earnings cap the client chose ({cap_text})"
    ),
    "REQUIRED_ACCOMMODATION_UNAVAILABLE": "Required accommodation not available: {labels}",
    "EXCLUDED_INDUSTRY": "The client excluded this industry ({industry})",
    "EXCLUDED_EMPLOYER": "The client excluded this employer ({employer})",
    "EXCLUDED_KEYWORD": "Mentions a word the client wants to avoid: {keywords_text}",
    "BACKGROUND_CHECK": (
        "Requires a background check and is not a fair-chance employer (the client asked to avoid these)"
    ),
    "REJECTED_BY_SPECIALIST": "The specialist rejected this opening for the client",
}

# What would make an excluded opening feasible, when that one constraint alone blocks it.
FEASIBLE_IF = {
    "COMMUTE_TOO_LONG": "feasible with a {limit}-minute limit",
    "COMMUTE_OTHER_MODE": "feasible by {mode} (about {minutes:.0f} minutes)",
    "COMMUTE_EITHER": "{other_mode}, or {longer_limit}",
    "SCHEDULE_OUTSIDE_AVAILABILITY": "feasible if the client were available {shifts_text}",
    "HOURS_OUT_OF_RANGE": "feasible with an hours range that includes {hours:g} h/week",
    "WAGE_BELOW_FLOOR": "feasible with a wage floor of {wage_text}",
    "EARNINGS_ABOVE_CAP": "feasible at {max_hours} h/week or less, or with a cap of {cap_text}",
    "REQUIRED_ACCOMMODATION_UNAVAILABLE": (
        "feasible if the client chose to disclose ({labels} available on request)"
    ),
    "EXCLUDED_INDUSTRY": "feasible if the client removed that industry exclusion",
    "EXCLUDED_EMPLOYER": "feasible if the client removed that employer exclusion",
    "EXCLUDED_KEYWORD": "feasible if the client removed that keyword exclusion",
    "REJECTED_BY_SPECIALIST": "feasible if the specialist restores it",
}

# The parts of the commute why-not, assembled into EXCLUSION["COMMUTE_TOO_LONG"]'s {commute_text}.
COMMUTE_WHY_NOT = {
    "over_limit": "About {minutes:.0f} minutes by {mode}, over the client's {limit}-minute limit",
    "unreachable": "Not reachable by {modes} at the shift's hours",
    "no_service": " (transit or paratransit does not run at the shift's start or end)",
}

CATALOGUE = {"positive": POSITIVE, "concern": CONCERN, "hint": HINT, "exclusion": EXCLUSION}


def render(kind: str, code: str, values: dict[str, object]) -> str:
    """The text of reason ``code`` of ``kind`` filled from ``values``."""
    return CATALOGUE[kind][code].format(**values)


def feasible_if(code: str, values: Mapping[str, object]) -> str:
    """The ``feasible_if`` text ``code`` filled from ``values``."""
    return FEASIBLE_IF[code].format(**values)


def minutes_text(minutes: float) -> str:
    """'under a minute', '1 minute', '12 minutes'."""
    n = round(minutes)
    return "under a minute" if n < 1 else f"{n} minute{'s' if n != 1 else ''}"


def money(x: float) -> str:
    """US dollars with cents: $1,234.50."""
    return f"${x:,.2f}"
