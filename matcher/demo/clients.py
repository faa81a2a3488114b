"""Seeded demo clients: capacity, travel, schedules, benefits, accommodations and free text."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from matcher.demo.catalog import (
    STAMINA_HOURS,
    Arr,
    Record,
    choice,
    draw,
    load_catalog,
    merge_windows,
    pick,
    record_ids,
    top_k,
)
from matcher.demo.places import Placer


def _capacity(rng: np.random.Generator, n: int, low_share: float) -> tuple[Arr, list[Record]]:
    """Capacity on every dimension; a few people are rated 1 everywhere (zero exclusion)."""
    dims = load_catalog()["dimensions"]
    general = rng.normal(3.1, 0.7, n)
    levels = np.clip(np.rint(general[:, None] + rng.normal(0.0, 0.8, (n, len(dims)))), 1, 5)
    k = max(1, round(low_share * n)) if n else 0
    levels[rng.choice(n, k, replace=False)] = 1
    levels = levels.astype(int)
    return levels[:, dims.index("stamina")], [dict(zip(dims, row, strict=True)) for row in levels.tolist()]


def _availability_table() -> list[list[str]]:
    """Merged windows of every (base pattern, extras) combination; index base * 2**E + bits."""
    spec = load_catalog()["clients"]
    extras = spec["availability_extras"]
    table = []
    for base in spec["availability"]:
        for bits in range(2 ** len(extras)):
            chosen = [e["windows"] for j, e in enumerate(extras) if bits >> j & 1]
            table.append(merge_windows(base["windows"] + [w for ws in chosen for w in ws]))
    return table


def _client_numbers(rng: np.random.Generator, n: int, metro: Arr, stamina: Arr) -> dict[str, Any]:
    """Travel, schedule, benefits and accommodation columns, drawn at once."""
    spec = load_catalog()["clients"]
    extras = spec["availability_extras"]
    base = choice(rng, [a["weight"] for a in spec["availability"]], n)
    bits = (rng.random((n, len(extras))) < [e["p"] for e in extras]) @ (1 << np.arange(len(extras)))
    u = rng.random((8, n))
    ssdi = u[0] < 0.38
    ssi = u[1] < np.where(ssdi, 0.12, 0.30)
    capped = (ssdi | ssi) & (u[3] < 0.5)  # chose an earnings cap to protect benefits
    part_time = (u[2] < np.where(ssdi | ssi, 0.65, 0.20)) | capped
    max_h = np.where(
        part_time, draw(rng, spec["part_time_max_hours"], n), draw(rng, spec["full_time_max_hours"], n)
    )
    max_h = np.minimum(max_h, 5 * STAMINA_HOURS[stamina - 1])  # five days at the person's stamina
    min_h = np.where(
        part_time, draw(rng, spec["part_time_min_hours"], n), draw(rng, spec["full_time_min_hours"], n)
    )
    caps = draw(rng, spec["earnings_caps"], n).astype(float)
    index = np.array([m["wage_index"] for m in load_catalog()["metros"]])[metro]
    floors = draw(rng, spec["wage_floors"], n) * index
    n_acc = choice(rng, [0.15, 0.35, 0.30, 0.20], n)
    required = rng.random((n, 3)) < 0.25
    needs_required = (required & (np.arange(3) < n_acc[:, None])).any(axis=1)
    return {
        "modes": choice(rng, [w for _, w in spec["modes"]], n).tolist(),
        "commute": draw(rng, spec["max_commute_minutes"], n).tolist(),
        "availability": (base * 2 ** len(extras) + bits).tolist(),
        "min_hours": np.minimum(min_h, max_h).astype(float).tolist(),
        "max_hours": max_h.astype(float).tolist(),
        "ssdi": ssdi.tolist(),
        "ssi": ssi.tolist(),
        "cap": np.where(capped, caps, np.nan).tolist(),
        "wage_floor": np.where(u[4] < 0.65, np.round(floors * 2) / 2, 0.0).tolist(),
        # Formal accommodations need disclosure: people with required needs disclose more often.
        "discloses": (u[5] < np.where(needs_required, 0.75, 0.4)).tolist(),
        "avoid_bg": (u[6] < 0.07).tolist(),
        "n_acc": n_acc.tolist(),
        "acc": top_k(rng, list(spec["accommodations"].values()), n, 3).tolist(),
        "acc_required": required.tolist(),
    }


def _riasec(rng: np.random.Generator, first: Arr, second: Arr, two: Arr) -> list[Any]:
    """RIASEC profiles (six 1-7 scores) for about 40%, leaning to the person's interest areas."""
    areas = list(load_catalog()["areas"].values())
    boost = np.zeros((len(areas), 6))
    for a, area in enumerate(areas):
        for rank, letter in enumerate(area["riasec"][:2]):
            boost[a, "RIASEC".index(letter)] = 2.5 - rank
    scores = rng.normal(3.0, 0.9, (len(first), 6)) + boost[first] + 0.6 * boost[second] * two[:, None]
    has = rng.random(len(first)) < 0.4
    rows = np.round(np.clip(scores, 1.0, 7.0), 1).tolist()
    return [row if h else None for row, h in zip(rows, has.tolist(), strict=True)]


def _client_texts(rng: np.random.Generator, n: int, employers: list[str]) -> list[Record]:
    """Free-text fields: interests, industries, strengths, past titles, exclusions, priorities."""
    catalog = load_catalog()
    spec, areas, skills = catalog["clients"], list(catalog["areas"].values()), catalog["skills"]
    top = top_k(rng, [a["weight"] for a in areas], n, 2)
    two = rng.random(n) < 0.45
    riasec = _riasec(rng, top[:, 0], top[:, 1], two)
    gates, picks = rng.random((n, 10)), rng.random((n, 28)).tolist()
    # How many interests, strengths, past titles and excluded keywords each person names.
    counts = np.stack(
        [
            1 + (gates[:, 0] < 0.6) + (gates[:, 0] < 0.25),
            1 + (gates[:, 3] < 0.6) + (gates[:, 3] < 0.25),
            (gates[:, 4] < 0.75).astype(int) + (gates[:, 4] < 0.35) + (gates[:, 4] < 0.1),
            1 + (gates[:, 8] < 0.3),
        ],
        axis=1,
    ).tolist()
    phrases = {code: v["aliases"] + v["variants"] for code, v in skills.items()}
    gate_rows, out = gates.tolist(), []
    for i, (a0, a1) in enumerate(top.tolist()):
        g, x, k_n = gate_rows[i], picks[i], counts[i]
        first, second = areas[a0], areas[a1 if two[i] else a0]
        interests = [pick((second if k == 1 else first)["interests"], x[k]) for k in range(k_n[0])]
        industries = [pick(first["industries"], x[3])]
        industries += [pick(second["industries"], x[4])] if g[2] < 0.5 else []
        strengths = [
            pick(spec["strengths"], x[8 + k])
            if x[5 + k] < 0.5
            else pick(phrases[pick(first["skills"], x[8 + k])], x[11 + k])
            for k in range(k_n[1])
        ]
        titles = [
            pick((first if x[14 + k] < 0.7 else pick(areas, x[17 + k]))["past_titles"], x[20 + k])
            for k in range(k_n[2])
        ]
        keywords = [pick(spec["exclusion_keywords"], x[25 + k]) for k in range(k_n[3])]
        out.append(
            {
                "interests": list(dict.fromkeys(interests)),
                "preferred_industries": list(dict.fromkeys(industries)) if g[1] < 0.45 else [],
                "riasec": riasec[i],
                "strengths": list(dict.fromkeys(strengths)),
                "past_titles": list(dict.fromkeys(titles)),
                "exclusions": {
                    "industries": [pick(spec["exclusion_industries"], x[23])] if g[5] < 0.06 else [],
                    "employers": [pick(employers, x[24])] if employers and g[6] < 0.04 else [],
                    "keywords": list(dict.fromkeys(keywords)) if g[7] < 0.08 else [],
                },
                "priorities": dict(pick(spec["priorities"], x[27])) if g[9] < 0.25 else {},
            }
        )
    return out


def draw_clients(
    rng: np.random.Generator, n: int, placer: Placer, employers: list[str], zips: bool
) -> list[Record]:
    """Draw every client column at once, then assemble the records."""
    spec = load_catalog()["clients"]
    points = placer(rng, n, "homes", np.full(n, spec["suburb_share"]))
    stamina, capacity = _capacity(rng, n, spec["all_low_capacity_share"])
    nums = _client_numbers(rng, n, points.metro, stamina)
    texts = _client_texts(rng, n, employers)
    by_zip = np.zeros(n, dtype=bool)
    city = np.flatnonzero([bool(z) and z.startswith("606") for z in points.zips])
    if zips and len(city):  # a few clients given by ZIP code instead of coordinates
        k = min(len(city), max(1, round(spec["zip_share"] * n)))
        by_zip[rng.choice(city, k, replace=False)] = True
    lat, lon = np.round(points.lat, 5).tolist(), np.round(points.lon, 5).tolist()
    availability, codes = _availability_table(), list(spec["accommodations"])
    records = []
    for i, client_id in enumerate(record_ids("C", n)):
        place = {"zip": points.zips[i]} if by_zip[i] else {"home": {"lat": lat[i], "lon": lon[i]}}
        chosen = zip(nums["acc"][i][: nums["n_acc"][i]], nums["acc_required"][i], strict=False)
        cap = nums["cap"][i]
        records.append(
            {
                "id": client_id,
                **place,
                "modes": list(spec["modes"][nums["modes"][i]][0]),
                "max_commute_minutes": nums["commute"][i],
                "availability": list(availability[nums["availability"][i]]),
                "min_hours": nums["min_hours"][i],
                "max_hours": nums["max_hours"][i],
                "capacity": capacity[i],
                **texts[i],
                "accommodations": {codes[c]: "required" if r else "preferred" for c, r in chosen},
                "discloses": nums["discloses"][i],
                "wage_floor": nums["wage_floor"][i],
                "earnings_cap": None if math.isnan(cap) else cap,
                "receives_ssdi": nums["ssdi"][i],
                "receives_ssi": nums["ssi"][i],
                "avoid_background_check": nums["avoid_bg"][i],
            }
        )
    return records
