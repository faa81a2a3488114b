"""Words the pages share: each scoring factor named once, for every page that shows one."""

from __future__ import annotations

from matcher.config import FACTORS

#: What each scoring factor is about (shortlist points, priorities, program weights, audit trail).
FACTOR_WORDS = {
    "preference": "What the client wants to do",
    "strengths": "The client's strengths and experience",
    "cognitive": "What the job asks of the client",
    "accommodation": "Accommodations the client needs",
    "commute": "The journey to work",
    "schedule": "Shifts and hours",
    "wage": "Pay",
}
assert tuple(FACTOR_WORDS) == FACTORS, "one entry per engine factor, in the engine's order"
