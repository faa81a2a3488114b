"""Seeded demo openings: job profiles, shift patterns, employers, wages and texts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from itertools import product
from typing import Any

import numpy as np

from matcher.demo.catalog import (
    STAMINA_HOURS,
    Arr,
    Record,
    choice,
    iso_dates,
    load_catalog,
    parse_span,
    pick,
    record_ids,
)
from matcher.demo.places import Placer


@dataclass(frozen=True, slots=True)
class _Jobs:
    """The catalog's (group, job) pairs, one row each."""

    group: list[str]
    job: list[dict[str, Any]]
    weight: Arr
    lo: Arr  # (pairs, dims without stamina) demand ranges
    hi: Arr
    wage: Arr  # (pairs, 2)
    kind_cdf: Arr  # (pairs, shift kinds) cumulative shift-kind probabilities
    suburb: Arr
    positions: Arr  # (pairs, 2): share with 2-5 positions, share with 10+
    background: Arr
    remote: Arr


@dataclass(frozen=True, slots=True)
class _Shifts:
    """Every (kind, time, day set) shift pattern of the catalog, flattened."""

    offset: Arr  # first pattern of each kind
    n_times: Arr
    n_days: Arr
    windows: list[list[str]]
    hours: Arr  # per week
    longest: Arr  # hours of one shift
    suffixes: list[list[str]]  # title suffixes that fit the pattern's hours


@cache
def _job_table() -> _Jobs:
    catalog = load_catalog()
    kinds, dims = list(catalog["shifts"]), catalog["dimensions"][:-1]
    pairs = [(g, k, w) for g, spec in catalog["groups"].items() for k, w in spec["jobs"].items()]
    job = [catalog["jobs"][k] for _, k, _ in pairs]
    kind_w = np.array([[j["shifts"].get(kind, 0.0) for kind in kinds] for j in job])
    return _Jobs(
        group=[g for g, _, _ in pairs],
        job=job,
        weight=np.array([w for _, _, w in pairs], dtype=float),
        lo=np.array([[j["demands"][d][0] for d in dims] for j in job]),
        hi=np.array([[j["demands"][d][1] for d in dims] for j in job]),
        wage=np.array([j["wage"] for j in job], dtype=float),
        kind_cdf=np.cumsum(kind_w / kind_w.sum(axis=1, keepdims=True), axis=1),
        suburb=np.array([catalog["groups"][g]["suburb_share"] for g, _, _ in pairs]),
        positions=np.array([j["positions"] for j in job], dtype=float),
        background=np.array([j["background_check"] for j in job], dtype=float),
        remote=np.array([j["remote"] for j in job], dtype=float),
    )


def _suffix_fits(suffix: str, hours: float) -> bool:
    if "PT" in suffix or "Part" in suffix:
        return hours < 30
    return hours >= 35 if "Full" in suffix else True


@cache
def _shift_table() -> _Shifts:
    windows: list[list[str]] = []
    hours: list[float] = []
    longest: list[float] = []
    suffixes: list[list[str]] = []
    offset, n_times, n_days = [], [], []
    for spec in load_catalog()["shifts"].values():
        offset.append(len(windows))
        n_times.append(len(spec["times"]))
        n_days.append(len(spec["days"]))
        for span, days in product(spec["times"], spec["days"]):
            start, end = parse_span(span)
            length, total = (end - start) / 60, (end - start) / 60 * len(days)
            windows.append([f"{day} {span}" for day in days])
            hours.append(total)
            longest.append(length)
            suffixes.append([s for s in spec["suffixes"] if _suffix_fits(s, total)])
    return _Shifts(
        np.array(offset),
        np.array(n_times),
        np.array(n_days),
        windows,
        np.array(hours),
        np.array(longest),
        suffixes,
    )


def _demands(rng: np.random.Generator, jobs: _Jobs, pair: Arr, stamina: Arr) -> list[Record]:
    """Demand ratings per opening; about a quarter leave some or all unknown."""
    lo, hi = jobs.lo[pair], jobs.hi[pair]
    levels = np.hstack([lo + np.floor(rng.random(lo.shape) * (hi - lo + 1)), stamina[:, None]])
    n, n_dims = levels.shape
    u = rng.random((2, n))
    unknown, all_unknown = u[0] < 0.25, u[0] < 0.10
    missing = unknown[:, None] & (rng.random((n, n_dims)) < 0.5)
    fallback = rng.integers(0, n_dims, n)
    missing[np.arange(n), fallback] |= unknown & ~missing.any(axis=1)
    missing |= all_unknown[:, None]
    dims = load_catalog()["dimensions"]
    return [
        {d: v for d, v, m in zip(dims, row, miss, strict=True) if not m}
        for row, miss in zip(levels.astype(int).tolist(), missing.tolist(), strict=True)
    ]


def _employers(
    rng: np.random.Generator, jobs: _Jobs, pair: Arr
) -> list[tuple[str, list[str], list[str], bool]]:
    """Employer of each opening: (name, offered_to_all, on_request, fair_chance).

    Each industry group draws a few employers per four openings, so most
    employers post several openings; an employer's conditions never vary.
    """
    catalog = load_catalog()
    codes = list(catalog["clients"]["accommodations"])
    group_names = list(catalog["groups"])
    group_of = np.array([group_names.index(g) for g in jobs.group])[pair]
    counts = np.bincount(group_of, minlength=len(group_names))
    local = rng.random(len(pair)) ** 1.5  # a few employers post most openings
    tables = []
    for g, spec in enumerate(catalog["groups"].values()):
        pool = [f"{a} {b}" for a, b in product(spec["name_prefixes"], spec["name_suffixes"])]
        profile = catalog["accommodation_profiles"][spec["accommodations"]]
        p_all, p_req = (
            np.array([profile[k].get(c, 0.0) for c in codes]) for k in ("offered_to_all", "on_request")
        )
        u = rng.random((2, len(pool), len(codes)))
        offered, on_request = u[0] < p_all, (u[1] < p_req) & ~(u[0] < p_all)
        fair = rng.random(len(pool)) < spec["fair_chance"]
        table = []
        for j in rng.permutation(len(pool))[: max(1, min(len(pool), -(-counts[g] // 4)))]:
            acc = [[c for c, on in zip(codes, row, strict=True) if on] for row in (offered[j], on_request[j])]
            table.append((pool[j], acc[0], acc[1], bool(fair[j])))
        tables.append(table)
    return [
        tables[g][int(x * len(tables[g]))] for g, x in zip(group_of.tolist(), local.tolist(), strict=True)
    ]


def _skill_phrases(codes: list[str], u: list[float], share: float, first: bool) -> list[str]:
    """Skill phrases: an exact vocabulary alias, or a variant or typo a person might type.

    ``u`` holds nine draws: include, alias-or-variant and which phrase, per skill.
    """
    skills, out = load_catalog()["skills"], []
    for i, code in enumerate(codes[:3]):
        if (first and i == 0) or u[i] < share:
            out.append(pick(skills[code]["aliases" if u[3 + i] < 0.65 else "variants"], u[6 + i]))
    return out


def _opening_dates(rng: np.random.Generator, n: int, as_of: dt.date) -> tuple[list[str], list[Any]]:
    """Posted and expiry dates: most open, a few expired, some without expiry."""
    today = as_of.toordinal()
    u = rng.random((2, n))
    expired, open_ended = u[0] < 0.07, u[1] < 0.10
    ended = today - rng.integers(1, 15, n)
    posted = np.where(expired, ended - rng.integers(14, 61, n), today - rng.integers(0, 61, n))
    expires = iso_dates(np.where(expired, ended, today + rng.integers(3, 76, n)))
    no_expiry = (open_ended & ~expired).tolist()
    return iso_dates(posted), [None if o else e for e, o in zip(expires, no_expiry, strict=True)]


def _wages(rng: np.random.Generator, jobs: _Jobs, pair: Arr, metro: Arr) -> list[float]:
    """Entry-level hourly wages by job and metro, at least the state minimum, 12-24 USD."""
    metros = load_catalog()["metros"]
    index = np.array([m["wage_index"] for m in metros])[metro]
    floor = np.array([m["min_wage"] for m in metros])[metro]
    lo, hi = jobs.wage[pair].T
    wage = np.maximum((lo + rng.random(len(pair)) * (hi - lo)) * index, floor)
    result: list[float] = np.clip(np.round(wage * 4) / 4, 12.0, 24.0).tolist()
    return result


def _opening_texts(
    rng: np.random.Generator, pair: Arr, combo: Arr, fair: list[bool], background: list[bool]
) -> list[tuple[str, str, str, list[str], list[str]]]:
    """Title, industry, description, required and preferred skills of each opening."""
    catalog, jobs, shifts = load_catalog(), _job_table(), _shift_table()
    u, su = rng.random((len(pair), 6)).tolist(), rng.random((len(pair), 18)).tolist()
    out = []
    for i, (p, c) in enumerate(zip(pair.tolist(), combo.tolist(), strict=True)):
        job, x = jobs.job[p], u[i]
        title, suffixes = pick(job["titles"], x[0]), shifts.suffixes[c]
        plain = " - " not in title and "(" not in title
        if suffixes and plain and x[1] < 0.4:  # "Dishwasher PT nights", "Prep Cook - Weekends"
            title += pick(suffixes, x[1] / 0.4)
        text = " ".join(job["describe"][: 1 + (x[2] < 0.6) + (x[2] < 0.25)])
        if fair[i] and x[3] < 0.6:
            text += " " + pick(catalog["fair_chance_sentences"], x[3] / 0.6)
        if background[i] and x[4] < 0.6:
            text += " " + pick(catalog["background_check_sentences"], x[4] / 0.6)
        industry = pick(catalog["groups"][jobs.group[p]]["industry"], x[5])
        required = _skill_phrases(job["required"], su[i][:9], 0.6, True)
        out.append((title, industry, text, required, _skill_phrases(job["preferred"], su[i][9:], 0.4, False)))
    return out


def draw_openings(rng: np.random.Generator, n: int, as_of: dt.date, placer: Placer) -> list[Record]:
    """Draw every opening column at once, then assemble the records."""
    jobs, shifts = _job_table(), _shift_table()
    pair = choice(rng, jobs.weight, n)
    u = rng.random((9, n))
    kind = np.minimum((u[0][:, None] > jobs.kind_cdf[pair]).sum(axis=1), len(shifts.offset) - 1)
    n_days = shifts.n_days[kind]
    combo = shifts.offset[kind] + (u[1] * shifts.n_times[kind]).astype(int) * n_days
    combo += (u[2] * n_days).astype(int)
    stamina = 1 + np.searchsorted(STAMINA_HOURS[:-1], shifts.longest[combo], side="left")
    multi, bulk = u[5] < jobs.positions[pair, 0], u[6] < jobs.positions[pair, 1]
    cols: dict[str, Any] = {
        "pair": pair.tolist(),
        "combo": combo.tolist(),
        "demands": _demands(rng, jobs, pair, stamina),
        "remote": (u[3] < jobs.remote[pair]).tolist(),
        "background": (u[4] < jobs.background[pair]).tolist(),
        "positions": np.where(
            bulk, rng.integers(10, 31, n), np.where(multi, rng.integers(2, 6, n), 1)
        ).tolist(),
        "status": np.searchsorted([0.90, 0.96], u[7]).tolist(),  # open, filled, closed
        "no_soc": (u[8] < 0.12).tolist(),  # liaisons do not always code the occupation
    }
    points = placer(rng, n, "jobs", jobs.suburb[pair])
    cols["lat"], cols["lon"] = np.round(points.lat, 5).tolist(), np.round(points.lon, 5).tolist()
    cols["wage"] = _wages(rng, jobs, pair, points.metro)
    cols["posted"], cols["expires"] = _opening_dates(rng, n, as_of)
    cols["employer"] = _employers(rng, jobs, pair)
    fair = [e[3] for e in cols["employer"]]
    cols["texts"] = _opening_texts(rng, pair, combo, fair, cols["background"])
    return _opening_records(cols, n)


def _opening_records(cols: dict[str, Any], n: int) -> list[Record]:
    jobs, shifts = _job_table(), _shift_table()
    hours, statuses = shifts.hours.tolist(), ("open", "filled", "closed")
    records = []
    for i, opening_id in enumerate(record_ids("O", n)):
        job, remote = jobs.job[cols["pair"][i]], cols["remote"][i]
        name, offered, on_request, fair = cols["employer"][i]
        title, industry, text, required, preferred = cols["texts"][i]
        if remote or job["remote"] == 0:  # remote work only for office and IT jobs
            offered = [c for c in offered if c != "remote_work"] + (["remote_work"] if remote else [])
            on_request = [c for c in on_request if c != "remote_work"]
        records.append(
            {
                "id": opening_id,
                "employer": name,
                "title": title,
                "description": text,
                "industry": industry,
                "onet_soc": None if cols["no_soc"][i] else job["onet_soc"],
                "location": None if remote else {"lat": cols["lat"][i], "lon": cols["lon"][i]},
                "remote": remote,
                "shifts": list(shifts.windows[cols["combo"][i]]),
                "hours_per_week": hours[cols["combo"][i]],
                "hourly_wage": cols["wage"][i],
                "required_skills": required,
                "preferred_skills": preferred,
                "demands": cols["demands"][i],
                "offered_to_all": offered,
                "on_request": on_request,
                "positions": cols["positions"][i],
                "posted": cols["posted"][i],
                "expires": cols["expires"][i],
                "status": statuses[cols["status"][i]],
                "background_check": cols["background"][i],
                "fair_chance": fair,
            }
        )
    return records
