"""Record builders for the matcher tests: hand-made records and small seeded random worlds.

``client_record``/``opening_record`` give one valid raw record with overrides;
``random_world(seed)`` gives a few clients and openings in one metro area
(~30 km across) exercising every constraint and factor: night shifts,
quarter-hour availability, remote, expired and filled openings, unknown
demands, on-request accommodations, exclusions and priorities.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st

from matcher.records import client_from_record, opening_from_record
from matcher.types import Client, Opening
from matcher.vocab import load_vocabulary

AS_OF = dt.date(2026, 3, 2)
CENTRE = (41.88, -87.63)  # one metro area; offsets below keep everything within ~30 km

DIMENSIONS = load_vocabulary().dimensions
ACCOMMODATIONS = tuple(load_vocabulary().accommodations)
MODES = ("walk", "bike", "transit", "car", "ride")
FACTOR_NAMES = ("preference", "strengths", "cognitive", "accommodation", "commute", "schedule", "wage")

# Hypothesis draws world seeds: a failure prints the seed, and shrinking a seed is pointless
# (every seed is a different world), so it is skipped.
SEEDS = st.integers(0, 2**32 - 1)
WORLD_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "phases": (Phase.explicit, Phase.reuse, Phase.generate),
    "suppress_health_check": (HealthCheck.too_slow,),
}

EMPLOYERS = (
    "Lakeview Diner",
    "Northside Grocers",
    "Acme Logistics",
    "City Library",
    "Paws Kennel",
    "Bright Cleaning Co",
)
TITLES = (
    "Dishwasher",
    "Prep cook",
    "Stock clerk",
    "Warehouse packer",
    "Janitor",
    "Cashier",
    "Dog walker",
    "Data entry clerk",
    "Library assistant",
    "Barista",
    "Groundskeeper",
    "Courier",
    "Night cleaner",
)
INDUSTRIES = ("restaurant", "grocery", "warehouse", "library", "kennel", "cleaning", "hotel", "", "nonprofit")
WORDS = (
    "friendly team",
    "fast paced kitchen",
    "quiet back office",
    "heavy lifting",
    "customers daily",
    "training provided",
    "weekend work",
    "night crew",
    "flexible supervisor",
    "animals and pets",
)
INTERESTS = (
    "dish washing",
    "cooking",
    "working with animals",
    "dogs",
    "books",
    "data entry",
    "stocking shelves",
    "cleaning",
    "helping people",
    "outdoors",
    "computers",
    "space travel",
    "kitchen work",
    "warehouse",
    "dishwashr",
)
SKILLS = (
    "customer service",
    "cash handling",
    "food prep",
    "dishwashing",
    "cleaning",
    "stocking",
    "lifting",
    "forklift",
    "data entry",
    "teamwork",
    "reliability",
    "dog walking",
    "typing",
    "juggling",
    "latte art",
    "spreadsheets",
)
PAST_TITLES = ("dishwasher", "line cook", "cashier", "janitor", "stock clerk", "librarian", "astronaut")
AVAILABILITY = (
    ["Mon 08:00-17:00", "Tue 08:00-17:00", "Wed 08:00-17:00", "Thu 08:00-17:00", "Fri 08:00-17:00"],
    [
        "Mon 05:00-23:59",
        "Tue 05:00-23:59",
        "Wed 05:00-23:59",
        "Thu 05:00-23:59",
        "Fri 05:00-23:59",
        "Sat 05:00-23:59",
        "Sun 05:00-23:59",
    ],
    [
        "Mon 00:00-24:00",
        "Tue 00:00-24:00",
        "Wed 00:00-24:00",
        "Thu 00:00-24:00",
        "Fri 00:00-24:00",
        "Sat 00:00-24:00",
        "Sun 00:00-24:00",
    ],
    ["Fri 22:00-06:00", "Sat 22:00-06:00", "Sat 06:00-15:00"],
    ["Mon 09:15-13:45", "Wed 09:15-13:45", "Fri 09:10-14:00"],
    ["Sat 06:00-18:00", "Sun 06:00-18:00", "Tue 12:00-20:00"],
)
SHIFTS = (
    ["Mon 09:00-13:00", "Wed 09:00-13:00"],
    ["Tue 10:00-14:00", "Thu 10:00-14:00", "Fri 10:00-14:00"],
    ["Fri 22:00-06:00"],
    ["Sat 07:00-15:00", "Sun 07:00-15:00"],
    ["Mon 05:00-13:00"],
    ["Mon 09:30-13:30", "Wed 09:30-13:30"],
    ["Tue 16:00-22:00", "Sat 12:00-20:00"],
    ["Mon 08:00-16:30", "Tue 08:00-16:30", "Wed 08:00-16:30", "Thu 08:00-16:30"],
    ["Sun 06:00-18:00"],
)


def client_record(**overrides: Any) -> dict[str, Any]:
    """A valid raw client record; keyword arguments replace fields."""
    raw: dict[str, Any] = {
        "id": "C-1",
        "home": {"lat": CENTRE[0], "lon": CENTRE[1]},
        "modes": ["transit"],
        "max_commute_minutes": 45,
        "availability": list(AVAILABILITY[2]),
        "min_hours": 10,
        "max_hours": 30,
        "capacity": dict.fromkeys(DIMENSIONS, 3),
        "interests": ["dish washing"],
        "strengths": ["dishwashing"],
        "wage_floor": 12.0,
    }
    raw.update(overrides)
    return raw


def opening_record(**overrides: Any) -> dict[str, Any]:
    """A valid raw opening record; keyword arguments replace fields."""
    raw: dict[str, Any] = {
        "id": "O-1",
        "employer": "Lakeview Diner",
        "title": "Dishwasher",
        "description": "Wash dishes in a friendly team.",
        "industry": "restaurant",
        "location": {"lat": CENTRE[0] + 0.02, "lon": CENTRE[1]},
        "shifts": ["Mon 09:00-13:00", "Wed 09:00-13:00"],
        "hours_per_week": 20,
        "hourly_wage": 15.0,
        "required_skills": ["dishwashing"],
        "demands": dict.fromkeys(DIMENSIONS, 2),
        "posted": "2026-02-01",
        "expires": "2026-04-01",
    }
    raw.update(overrides)
    return raw


def client(**overrides: Any) -> Client:
    """A validated client built from :func:`client_record`."""
    return client_from_record(client_record(**overrides))


def opening(**overrides: Any) -> Opening:
    """A validated opening built from :func:`opening_record`."""
    return opening_from_record(opening_record(**overrides))


def _near(rng: random.Random, spread: float = 0.1) -> dict[str, float]:
    # 0.1 degrees of latitude ~ 11 km: all points within ~30 km of each other
    return {
        "lat": round(CENTRE[0] + rng.uniform(-spread, spread), 5),
        "lon": round(CENTRE[1] + rng.uniform(-spread, spread) * 1.3, 5),
    }


def _some(rng: random.Random, pool: tuple[str, ...], most: int) -> list[str]:
    return rng.sample(pool, rng.randint(0, most))


def random_client_record(rng: random.Random, i: int, *, strict: float = 0.4) -> dict[str, Any]:
    """One random but valid client record; each limit is tight with probability ``strict``."""

    def tight() -> bool:
        return rng.random() < strict

    low, high = rng.choice([(10, 30), (20, 40), (5, 20), (16, 16), (0, 25)]) if tight() else (0, 40)
    needs = ["required", "preferred"] if tight() else ["preferred"]
    accs = rng.sample(ACCOMMODATIONS, rng.randint(0, 3))
    return {
        "id": f"C-{i:02d}",
        "home": _near(rng),
        "modes": rng.sample(MODES, rng.randint(1, 3)) + ([] if tight() else ["car"]),
        "max_commute_minutes": rng.choice([20, 30, 45, 60, 90]) if tight() else rng.choice([60, 90]),
        "availability": rng.choice(AVAILABILITY) if tight() else AVAILABILITY[2],
        "min_hours": low,
        "max_hours": high,
        "capacity": {d: rng.randint(1, 5) for d in DIMENSIONS if rng.random() < 0.9},
        "interests": _some(rng, INTERESTS, 3),
        "preferred_industries": _some(rng, INDUSTRIES[:-2], 2),
        "riasec": [rng.randint(0, 7) for _ in range(6)] if rng.random() < 0.4 else None,
        "strengths": _some(rng, SKILLS, 4),
        "past_titles": _some(rng, PAST_TITLES, 2),
        "accommodations": {a: rng.choice(needs) for a in accs},
        "discloses": rng.random() < 0.5,
        "wage_floor": rng.choice([10.0, 13.5, 16.0]) if tight() else rng.choice([0.0, 7.25]),
        "earnings_cap": rng.choice([900.0, 1500.0, 2000.0]) if tight() else None,
        "receives_ssdi": rng.random() < 0.3,
        "receives_ssi": rng.random() < 0.3,
        "exclusions": {
            "industries": _some(rng, ("warehouse", "hotel", "cleaning"), 1) if tight() else [],
            "employers": _some(rng, EMPLOYERS, 1) if tight() else [],
            "keywords": _some(rng, ("night", "lifting", "cashier", "dog"), 1) if tight() else [],
        },
        "avoid_background_check": tight() and rng.random() < 0.5,
        "priorities": {f: rng.choice(["low", "high"]) for f in _some(rng, FACTOR_NAMES, 2)},
    }


def random_opening_record(rng: random.Random, j: int) -> dict[str, Any]:
    """One random but valid opening record."""
    remote = rng.random() < 0.1
    offered = rng.sample(ACCOMMODATIONS, rng.randint(0, 4))
    on_request = [a for a in rng.sample(ACCOMMODATIONS, rng.randint(0, 4)) if a not in offered]
    posted = AS_OF - dt.timedelta(days=rng.randint(5, 60))
    expires = AS_OF + dt.timedelta(days=rng.randint(-6, 40)) if rng.random() < 0.9 else None
    return {
        "id": f"O-{j:03d}",
        "employer": rng.choice(EMPLOYERS),
        "title": rng.choice(TITLES),
        "description": " ".join(rng.sample(WORDS, 2)),
        "industry": rng.choice(INDUSTRIES),
        "location": None if remote else _near(rng),
        "remote": remote,
        "shifts": rng.choice(SHIFTS),
        "hours_per_week": rng.choice([8, 12, 16, 20, 24, 30, 36, 40]),
        "hourly_wage": rng.choice([7.25, 10.0, 12.5, 13.5, 15.0, 16.0, 18.75, 22.0]),
        "required_skills": _some(rng, SKILLS, 3),
        "preferred_skills": _some(rng, SKILLS, 2),
        "demands": {d: rng.randint(1, 5) for d in DIMENSIONS if rng.random() < 0.7},
        "offered_to_all": offered,
        "on_request": on_request,
        "positions": rng.randint(1, 3),
        "posted": posted.isoformat(),
        "expires": None if expires is None else max(expires, posted).isoformat(),
        "status": rng.choice(["open"] * 12 + ["filled", "closed"]),
        "background_check": rng.random() < 0.2,
        "fair_chance": rng.random() < 0.3,
        "riasec": [rng.randint(0, 7) for _ in range(6)] if rng.random() < 0.5 else None,
    }


@dataclass(frozen=True)
class World:
    """Clients, openings and specialist rejections of one random world."""

    clients: list[Client]
    openings: list[Opening]
    blocked: dict[str, list[str]]
    label: str = ""  # how to rebuild it, shown in assertion messages


def leave_unstated(rng: random.Random, record: dict[str, Any], share: float) -> dict[str, Any]:
    """``record`` with each term a posting may omit left out with chance ``share``.

    Shifts, weekly hours and pay; a located opening's place becomes only a state (location
    unknown) or only a city's centre (an estimate within a few km). With the same chance the
    employer states some accommodations it names nowhere else are not possible (the others
    stay not stated).
    """
    out = dict(record)
    if rng.random() < share:
        named = {*record["offered_to_all"], *record["on_request"], *(["remote_work"] * record["remote"])}
        out["not_possible"] = [a for a in rng.sample(ACCOMMODATIONS, rng.randint(1, 3)) if a not in named]
    for name in ("shifts", "hours_per_week", "hourly_wage"):
        if rng.random() < share:
            out[name] = None
    if not out["remote"] and rng.random() < share:
        if rng.random() < 0.5:
            out |= {"location": None, "location_precision": "state"}
        else:
            out |= {"location_precision": "city", "location_uncertainty_km": rng.choice([2.0, 6.5, 30.0])}
    return out


def random_world(
    seed: int | random.Random,
    n_clients: int = 5,
    n_openings: int = 20,
    *,
    strict: float = 0.4,
    unstated: float = 0.0,
) -> World:
    """A seeded random caseload; the same seed always gives the same world.

    ``seed`` may be a ``random.Random`` (e.g. hypothesis' ``st.randoms()``).
    ``strict`` is the chance that each of a client's limits is tight; ``unstated`` the chance
    that each term a posting may omit is unknown (drawn after the rest, so the world is
    otherwise the one ``unstated=0`` gives).
    """
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    clients = [client_from_record(random_client_record(rng, i, strict=strict)) for i in range(n_clients)]
    records = [random_opening_record(rng, j) for j in range(n_openings)]
    blocked: dict[str, list[str]] = {}
    for c in clients:
        if rng.random() < 0.4:
            blocked[c.id] = [r["id"] for r in rng.sample(records, min(2, len(records)))]
    if unstated:
        blanks = random.Random(rng.getrandbits(64))
        records = [leave_unstated(blanks, r, unstated) for r in records]
    openings = [opening_from_record(r) for r in records]
    label = f"random_world({seed!r}, {n_clients}, {n_openings}, strict={strict}, unstated={unstated})"
    return World(clients, openings, blocked, label)
