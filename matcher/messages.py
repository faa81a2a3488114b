"""The catalogue of reason codes and their plain-language templates.

Codes are stable (APIs, audit records and reports key on them); texts are
``str.format`` templates filled from the reason's evidence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from matcher.types import TimeWindow

POSITIVE = {
    "PREFERENCE_MATCH": 'Matches the client\'s interest "{interest}": {bridge}',
    "PREFERENCE_INDUSTRY": "In a preferred industry: {industry}",
    "PREFERENCE_TEXT": "Close to what the client says they want (text similarity {similarity:.2f})",
    "RIASEC_CONGRUENT": "Interest profile (RIASEC) fits: congruence {congruence:.2f}",
    "STRENGTHS_MATCH": "Uses the client's strengths: {skills_text}{source}",
    "PAST_EXPERIENCE": 'Has worked as "{past_title}" before',
    "COGNITIVE_FIT": "Known job demands are within the client's capacity",
    "ACCOMMODATION_MET": "{label} {how} ({need} need)",
    "REMOTE": "Remote work: no commute",
    "COMMUTE_SHORT": "About {minutes_text} by {mode}, {source} (limit {limit})",
    "SCHEDULE_FIT": "Shifts fit the client's availability; {hours:g} h/week {range_text}",
    "SHIFTS_FIT": "Shifts fit the client's availability",
    "HOURS_FIT": "{hours:g} h/week {range_text}",
    "WAGE_ABOVE_FLOOR": "{wage_text}/h, above the client's floor {floor_text}",
    "WAGE_ABOVE_MINIMUM": "{wage_text}/h, above the minimum wage {minimum_text}",
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
    "ACCOMMODATION_NOT_POSSIBLE": "The employer says {label_lower} is not possible ({need} need)",
    "ACCOMMODATION_NOT_STATED_UNDISCLOSED": (
        "Not stated by the employer: {label_lower} — asking about it would mean disclosing, which the "
        "client has not chosen ({need} need)"
    ),
    "COMMUTE_LONG": "About {minutes_text} by {mode}, {source}: {against} the client's {limit}-minute limit",
    "WAGE_AT_FLOOR": "{wage_text}/h, at the client's floor {floor_text}",
    "WAGE_AT_MINIMUM": "{wage_text}/h, not above the minimum wage {minimum_text}",
    "BENEFITS_SGA": (
        "About {monthly_text}/month is above the SGA level ({sga_text}, {year}): "
        "involve a benefits counselor{figures_note}"
    ),
    "BENEFITS_TRIAL_WORK": (
        "About {monthly_text}/month counts as a trial work month (over {twm_text}): "
        "plan with a benefits counselor{figures_note}"
    ),
    "BENEFITS_SSI_REDUCTION": (
        "SSI would drop by about {reduction_text}/month while income still rises: "
        "review with a benefits counselor{figures_note}"
    ),
    "BACKGROUND_CHECK": "Background check required",
    "EMPLOYER_CAP": (
        "Not shown in the shortlist: {max_per_employer} higher-ranked openings of {employer} "
        "already fill the cap per employer"
    ),
}

# Questions an unknown raises: the opening does not state what a hard constraint reads
# (codes of ``matcher.constraints.Unknown``). Shown as concerns, never as exclusions.
UNKNOWN = {
    "LOCATION_NOT_STATED": "Location not stated (only the {place} is known) — ask where the work is",
    "SHIFTS_NOT_STATED": "Shift times not stated — ask the employer whether {availability_text} are possible",
    "HOURS_NOT_STATED": "Weekly hours not stated — ask whether {hours_text} hours a week is possible",
    "WAGE_NOT_STATED": "Pay not stated — ask whether it is at least {floor_text} an hour",
    "EARNINGS_NOT_KNOWN": (
        "Monthly earnings unknown ({missing_text} not stated) — ask whether the job stays under the "
        "client's {cap_text}/month cap, with a benefits counselor"
    ),
    "LOCATION_APPROXIMATE": (
        "Only the {place} is known: the commute is an estimate within about {radius_km:g} km"
    ),
    "ACCOMMODATION_NOT_STATED": (
        "Not stated by the employer: {labels_lower} — ask the employer about {it} "
        "(most accommodations are agreed after an offer)"
    ),
}
CONCERN |= UNKNOWN
# A location precision in words ("Only the ZIP code is known").
PLACE_WORDS = {"zip": "ZIP code", "city": "city", "area": "area", "state": "state", "country": "country"}
# The same, in a word or two (digest lines: "to ask: shift times, pay").
UNKNOWN_SHORT = {
    "LOCATION_NOT_STATED": "where the work is",
    "SHIFTS_NOT_STATED": "shift times",
    "HOURS_NOT_STATED": "weekly hours",
    "WAGE_NOT_STATED": "pay",
    "EARNINGS_NOT_KNOWN": "monthly earnings",
    "LOCATION_APPROXIMATE": "the exact place",
    "ACCOMMODATION_NOT_STATED": "an accommodation",
}

HINT = {
    "SUPPORT_HINT": "Support plan for {label_lower}: {advice}",
}

EXCLUSION = {
    "NOT_OPEN": "The opening is {status}",
    "EXPIRED": "The opening expired on {expires}",
    "COMMUTE_TOO_LONG": "{commute_text}",
    "SCHEDULE_OUTSIDE_AVAILABILITY": "Shifts outside the client's availability: {shifts_text}",
    "HOURS_OUT_OF_RANGE": "{hours:g} h/week is outside the client's {range_text}",
    "WAGE_BELOW_FLOOR": "{wage_text}/h is below the client's floor {floor_text}",
    "EARNINGS_ABOVE_CAP": (
        "About {monthly_text}/month exceeds the earnings cap the client chose ({cap_text})"
    ),
    "REQUIRED_ACCOMMODATION_UNAVAILABLE": "Required accommodation not available: {labels}",
    "EXCLUDED_INDUSTRY": "The client excluded this industry ({industry})",
    "EXCLUDED_EMPLOYER": "The client excluded this employer ({employer})",
    "EXCLUDED_KEYWORD": "{keywords_text}",
    "BACKGROUND_CHECK": (
        "Requires a background check and is not a fair-chance employer (the client asked to avoid these)"
    ),
    "REJECTED_BY_SPECIALIST": "The specialist rejected this opening for the client",
}

# The parts of EXCLUSION["EXCLUDED_KEYWORD"]'s {keywords_text}: plain words, and each avoidance
# topic with what put the opening in it (``matcher.topics.Hit.where``; nothing when the title shows it).
AVOIDANCE = {
    "words": "Mentions a word the client wants to avoid: {words}",
    "topic": "{title} is {job_words}{evidence}: the client avoids {label}",
}
AVOIDANCE_EVIDENCE = {
    "title": "",
    "industry": ' (industry "{industry}")',
    "description": ' (the posting mentions "{term}")',
    "employer": ' (employer "{employer}")',
    "occupation": " (O*NET-SOC {term})",
    "industry_code": " (industry: {industry_label})",
}

# What would make an excluded opening feasible, when that one constraint alone blocks it.
FEASIBLE_IF = {
    "COMMUTE_TOO_LONG": "feasible with a {limit}-minute limit",
    # a mode the client does not use: said as a change of the client's travel, as options' travel training is
    "COMMUTE_OTHER_MODE": "feasible if the client could travel by {mode} (about {minutes:.0f} minutes)",
    "COMMUTE_EITHER": "{other_mode}, or {longer_limit}",
    "SCHEDULE_OUTSIDE_AVAILABILITY": "feasible if the client were available {shifts_text}",
    "HOURS_OUT_OF_RANGE": "feasible with an hours range that includes {hours:g} h/week",
    "WAGE_BELOW_FLOOR": "feasible with a wage floor of {wage_text}",
    "EARNINGS_ABOVE_CAP": "feasible at {max_hours} h/week or less, or with a cap of {cap_text}",
    "REQUIRED_ACCOMMODATION_UNAVAILABLE": "feasible if the client chose to disclose ({disclosed_text})",
    "EXCLUDED_INDUSTRY": "feasible if the client removed that industry exclusion",
    "EXCLUDED_EMPLOYER": "feasible if the client removed that employer exclusion",
    "EXCLUDED_KEYWORD": "feasible if the client removed that keyword exclusion",
    "REJECTED_BY_SPECIALIST": "feasible if the specialist restores it",
}

# The parts of the commute why-not, assembled into EXCLUSION["COMMUTE_TOO_LONG"]'s {commute_text}.
COMMUTE_WHY_NOT = {
    # {minutes} rounded up (``commute_over_limit``): 17.3 minutes over a 17-minute limit read "About 18"
    "over_limit": "About {minutes} minutes by {mode} ({source}), over the client's {limit}-minute limit",
    "far_over_limit": "Much farther than the client's {limit}-minute limit by {mode} ({source})",
    "unreachable": "Not reachable by {modes} at the shift's hours",
    "no_service": " (transit or paratransit does not run at the shift's start or end)",
}

CATALOGUE = {"positive": POSITIVE, "concern": CONCERN, "hint": HINT, "exclusion": EXCLUSION}


def render(kind: str, code: str, values: Mapping[str, object]) -> str:
    """The text of reason ``code`` of ``kind`` filled from ``values`` (read, never changed)."""
    return CATALOGUE[kind][code].format_map(values)


def feasible_if(code: str, values: Mapping[str, object]) -> str:
    """The ``feasible_if`` text ``code`` filled from ``values``."""
    return FEASIBLE_IF[code].format(**values)


#: A commute over this many times the client's limit, or over ``FAR_MINUTES``, is told as "much farther"
#: (an estimate of 71555 walking minutes says nothing a minute count can).
FAR_TIMES_LIMIT = 4
FAR_MINUTES = 600


def commute_over_limit(minutes: float, mode: str, source: str, limit: int) -> tuple[str, str | None]:
    """The why-not of a commute over the client's limit, and its ``feasible_if`` (None when far over).

    The minutes are rounded up, so the number shown is over the limit too; the longer limit that
    would do is rounded up to 5 minutes.
    """
    if minutes > FAR_TIMES_LIMIT * limit or minutes > FAR_MINUTES:
        return COMMUTE_WHY_NOT["far_over_limit"].format(limit=limit, mode=mode, source=source), None
    shown = math.ceil(minutes)
    text = COMMUTE_WHY_NOT["over_limit"].format(minutes=shown, mode=mode, source=source, limit=limit)
    return text, feasible_if("COMMUTE_TOO_LONG", {"limit": int(-(-minutes // 5) * 5)})


def minutes_text(minutes: float) -> str:
    """'under a minute', '1 minute', '12 minutes'."""
    n = round(minutes)
    return "under a minute" if n < 1 else f"{n} minute{'s' if n != 1 else ''}"


_PARTS_OF_DAY = (  # (name, earliest start, latest end) in minutes since midnight
    ("mornings", 5 * 60, 13 * 60),
    ("afternoons", 11 * 60, 18 * 60),
    ("evenings", 16 * 60, 24 * 60),
)
_DAY_GROUPS = {
    (0, 1, 2, 3, 4): "weekday",
    (5, 6): "weekend",
    (0, 1, 2, 3, 4, 5, 6): "daily",
}
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def availability_text(windows: Sequence[TimeWindow]) -> str:
    """A client's availability as a speaker would ask about it: 'weekday mornings (Mon-Fri 09:00-13:00)'.

    Windows with the same times are grouped by day; alternatives are joined with 'or'.
    """
    by_times: dict[tuple[int, int], list[int]] = {}
    for w in windows:
        by_times.setdefault((w.start, w.end), []).append(w.day)
    parts = []
    for (start, end), days in sorted(by_times.items(), key=lambda kv: (min(kv[1]), kv[0])):
        days = sorted(set(days))
        times = f"{_hhmm(start)}-{_hhmm(end)}"
        part = next((n for n, lo, hi in _PARTS_OF_DAY if start >= lo and start < end <= hi), None)
        group = _DAY_GROUPS.get(tuple(days))
        named = _day_span(days)
        if part and group and group != "daily":
            parts.append(f"{group} {part} ({named} {times})")
        elif part:
            first = _FULL_DAY_NAMES[days[0]] if len(days) == 1 else named
            parts.append(f"{first} {part} ({times})" if len(days) == 1 else f"{named} {part} ({times})")
        else:
            parts.append(f"{named} {times}")
    return " or ".join(parts) if parts else "the client's hours"


def _day_span(days: Sequence[int]) -> str:
    """'Mon-Fri' for a run of three or more days, else 'Mon, Wed'."""
    if len(days) >= 3 and days[-1] - days[0] == len(days) - 1:
        return f"{_DAY_NAMES[days[0]]}-{_DAY_NAMES[days[-1]]}"
    return ", ".join(_DAY_NAMES[d] for d in days)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def money(x: float) -> str:
    """US dollars with cents: $1,234.50."""
    return f"${x:,.2f}"


#: Each exclusion code as "ruled out because it ...", for counts and nearest misses (the pages
#: and the digest word them alike).
EXCLUSION_WORDS = {
    "NOT_OPEN": "is no longer open (filled or closed)",
    "EXPIRED": "has expired",
    "COMMUTE_TOO_LONG": "is too far to travel to",
    "SCHEDULE_OUTSIDE_AVAILABILITY": "has shifts when the client is not available",
    "HOURS_OUT_OF_RANGE": "has more or fewer hours than the client wants",
    "WAGE_BELOW_FLOOR": "pays less than the client's lowest wage",
    "EARNINGS_ABOVE_CAP": "would earn more a month than the client's earnings limit",
    "REQUIRED_ACCOMMODATION_UNAVAILABLE": (
        "cannot give an accommodation the client needs (the employer says it is not possible, or "
        "only with a disclosure the client has not chosen)"
    ),
    "EXCLUDED_INDUSTRY": "is in an industry the client wants to avoid",
    "EXCLUDED_EMPLOYER": "is with an employer the client wants to avoid",
    "EXCLUDED_KEYWORD": "is or mentions something the client wants to avoid",
    "BACKGROUND_CHECK": "needs a background check the client asked to avoid",
    "REJECTED_BY_SPECIALIST": "was rejected by the specialist",
}


#: How an opening gives an accommodation (``types.Offer``), in a few words (why-nots, forms, pages).
ACCOMMODATION_STATE_WORDS = {
    "TO_EVERYONE": "offered to everyone",
    "ON_REQUEST": "only on request, which needs disclosure",
    "NOT_POSSIBLE": "the employer says it is not possible",
    "NOT_STATED": "not stated by the employer",
}
#: What disclosing would give, by state (the ``feasible_if`` of an accommodation exclusion).
DISCLOSING_OPENS_WORDS = {
    "ON_REQUEST": "available on request",
    "NOT_STATED": "to ask the employer about",
}

#: For a client who does not disclose: what disclosing alone would open (``Shortlist.opened_by_disclosing``).
#: A fact for the client's own choice, worded so, never a recommendation to disclose.
DISCLOSURE = {
    "DISCLOSING_WOULD_OPEN": (
        "If the client chose to disclose, {openings} more opening{s} would fit: accommodations "
        "available on request, or not stated by the employer and to ask about. Disclosure is the "
        "client's choice"
    ),
}


def hours_range_text(low: float, high: float) -> str:
    """A client's weekly hours range in words: "10-20 h/week", or "15 h/week" for a single value."""
    return f"{high:g} h/week" if low == high else f"{low:g}-{high:g} h/week"


def disclosure_text(openings: int) -> str | None:
    """The ``DISCLOSING_WOULD_OPEN`` line, or None when disclosing alone opens nothing."""
    if openings <= 0:
        return None
    return DISCLOSURE["DISCLOSING_WOULD_OPEN"].format(openings=openings, s="" if openings == 1 else "s")
