"""The examples ``/docs`` and ``/redoc`` show: a client in Chicago, a kennel opening, decisions.

Every request example is accepted by its endpoint (``tests/api/test_openapi_docs.py``
posts each one); the ids are placeholders of the real shape, which that test swaps for
the ids of records it created. Codes come from the vocabularies in ``data/``.
"""

from __future__ import annotations

from typing import Any

CLIENT_ID = "C-3F9A0B12C4"
EMPLOYER_ID = "E-5B9281F6FF"
OPENING_ID = "O-E70C6F70A5"
RECOMMENDATION_ID = "1a9f56ec-b551-443b-8f59-5fbc1bc9ecdf"

HOME: dict[str, Any] = {"lat": 41.9231, "lon": -87.7093}  # Logan Square, Chicago

EXCLUSIONS: dict[str, Any] = {"industries": [], "employers": [], "keywords": ["liquor", "casino"]}

# Works mornings and Saturdays, on SSDI with an earnings cap below SGA, prefers animal care.
CLIENT_PROFILE: dict[str, Any] = {
    "zip": "60647",
    "modes": ["transit", "walk"],
    "max_commute_minutes": 40,
    "availability": [
        "Mon 09:00-15:00",
        "Tue 09:00-15:00",
        "Wed 09:00-15:00",
        "Thu 09:00-15:00",
        "Sat 10:00-16:00",
    ],
    "min_hours": 12,
    "max_hours": 24,
    "capacity": {
        "attention": 3,
        "memory": 4,
        "pace": 2,
        "multitasking": 2,
        "complexity": 3,
        "public_contact": 2,
        "change": 2,
        "stamina": 3,
    },
    "interests": ["working with animals", "gardening", "stocking shelves"],
    "preferred_industries": ["animal care", "landscaping"],
    "riasec": [5.5, 2.0, 1.5, 4.0, 1.0, 3.5],
    "strengths": ["reliability", "following instructions", "animal handling"],
    "past_titles": ["Kennel assistant", "Dishwasher"],
    "accommodations": {
        "written_instructions": "required",
        "extra_breaks": "preferred",
        "appointment_time_off": "preferred",
    },
    "discloses": True,
    "wage_floor": 16.6,
    "earnings_cap": 1550,
    "receives_ssdi": True,
    "receives_ssi": False,
    "exclusions": EXCLUSIONS,
    "avoid_background_check": False,
    "priorities": {"commute": "high"},
}

# Only what is required: a place, a way to travel and some hours.
MINIMAL_PROFILE: dict[str, Any] = {
    "home": {"lat": 41.7943, "lon": -87.5907},  # Hyde Park, Chicago
    "modes": ["bike"],
    "availability": ["Tue 12:00-20:00", "Wed 12:00-20:00", "Fri 12:00-20:00"],
}

# Fits the client above: near her home, in her hours, under her earnings cap.
OPENING_DETAILS: dict[str, Any] = {
    "title": "Kennel attendant",
    "description": (
        "Feed, walk and clean up after dogs and cats at a small boarding kennel. "
        "Daily tasks follow a written checklist; a quiet back room for breaks."
    ),
    "industry": "animal care",
    "onet_soc": "39-2021.00",
    "location": {"lat": 41.9180, "lon": -87.6960},
    "remote": False,
    "shifts": ["Mon 10:00-14:00", "Tue 10:00-14:00", "Thu 10:00-14:00", "Sat 10:00-16:00"],
    "hours_per_week": 18,
    "hourly_wage": 17.25,
    "required_skills": ["animal handling"],
    "preferred_skills": ["cleaning", "reliability"],
    "demands": {
        "attention": 2,
        "memory": 2,
        "pace": 3,
        "multitasking": 2,
        "public_contact": 1,
        "change": 2,
        "stamina": 3,
    },
    "offered_to_all": ["extra_breaks", "written_instructions"],
    "on_request": ["flexible_schedule", "job_coach"],
    "not_possible": ["remote_work"],  # the others are not stated: asked about, never a refusal
    "positions": 2,
    "background_check": False,
    "fair_chance": True,
}

# The responses to the two requests above, as the service stores and shows them.
CLIENT_PUBLIC: dict[str, Any] = {
    "id": CLIENT_ID,
    "label": "D.W.",
    "status": "active",
    "version": 1,
    "specialist_id": 4,
    "created_at": "2026-03-02T15:04:05.123456Z",
    "updated_at": "2026-03-02T15:04:05.123456Z",
    "profile": {
        "home": {"lat": 41.9209, "lon": -87.7043},  # the centre of ZIP 60647
        **{k: v for k, v in CLIENT_PROFILE.items() if k != "zip"},
        "inferred_strengths": [],
    },
}
OPENING_PUBLIC: dict[str, Any] = {
    "id": OPENING_ID,
    "employer_id": EMPLOYER_ID,
    "employer_name": "Logan Square Pet Lodge",
    "status": "open",
    "expired": False,
    "version": 1,
    "created_at": "2026-03-02T16:20:00.000000Z",
    "updated_at": "2026-03-02T16:20:00.000000Z",
    "details": OPENING_DETAILS
    | {
        "skills_inferred": False,
        "inferred_demands": [],
        "posted": "2026-03-02",
    },  # the service also shows "expires" and "riasec" as null (the OpenAPI document drops nulls)
}

SHORTLIST_FILTERS: dict[str, Any] = {
    "industries": ["animal care"],
    "employer_ids": [],
    "remote_only": False,
    "min_hourly_wage": 16.6,
}

PROGRAM_WEIGHTS: dict[str, Any] = {
    "preference": 0.30,
    "strengths": 0.12,
    "cognitive": 0.15,
    "accommodation": 0.10,
    "commute": 0.18,
    "schedule": 0.07,
    "wage": 0.08,
}

EMPLOYER: dict[str, Any] = {
    "name": "Logan Square Pet Lodge",
    "industry": "animal care",
    "notes": "Owner prefers calls on Tuesday mornings; offers a paid trial shift.",
    "fair_chance": True,
}

USER: dict[str, Any] = {
    "username": "mgarcia",
    "password": "kennel-ramp-velvet-42",
    "role": "specialist",
    "full_name": "Maria Garcia",
}
