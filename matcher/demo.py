"""Seeded demo and benchmark caseloads, as raw records for ``matcher.records``.

:func:`generate_demo` builds one Chicago caseload (60 clients, 500 openings)
around real neighbourhood centres, with a few places in outer suburbs where
transit is weak; :func:`generate` builds any number of records spread over
several US metro areas. One ``numpy.random.default_rng(seed)`` draws every
random array up front in a fixed order, and only then are dicts built, so a
seed always gives the same records and 100,000 records take seconds. Word
lists, places and job profiles live in ``data/demo_catalog.json``; employers
and people are fictional.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import product
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.records import load_clients, load_openings
from matcher.types import DAY_NAMES, Client, Opening
from matcher.vocab import DATA_DIR

_log = logging.getLogger(__name__)

__all__ = [
    "CATALOG_PATH",
    "DEMO_AS_OF",
    "demo_clients_and_openings",
    "generate",
    "generate_demo",
    "load_catalog",
]

DEMO_AS_OF = dt.date(2026, 11, 22)
CATALOG_PATH = DATA_DIR / "demo_catalog.json"

Record = dict[str, Any]
Arr = npt.NDArray[Any]
_KM_PER_DEGREE = 111.32
# Hours a day at each stamina level 1-5 (data/scale.csv stamina_hours).
_STAMINA_HOURS = np.array([3.0, 4.0, 6.0, 8.0, 10.0])


@cache
def load_catalog() -> dict[str, Any]:
    """The demo word lists, places and job profiles (``data/demo_catalog.json``)."""
    with CATALOG_PATH.open(encoding="utf-8") as fh:
        catalog: dict[str, Any] = json.load(fh)
    return catalog


@dataclass(frozen=True, slots=True)
class _Points:
    """Drawn places: coordinates, metro index (for wages) and neighbourhood ZIP."""

    lat: Arr
    lon: Arr
    metro: Arr
    zips: list[str]


_Placer = Callable[[np.random.Generator, int, str, Arr], _Points]


def _choice(rng: np.random.Generator, weights: Any, size: int) -> Arr:
    """Indices drawn with probability proportional to ``weights``."""
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=size, p=w / w.sum())


def _top_k(rng: np.random.Generator, weights: Any, size: int, k: int) -> Arr:
    """``size`` rows of ``k`` distinct indices, weighted (Gumbel top-k)."""
    w = np.log(np.asarray(weights, dtype=float))
    keys = w - np.log(-np.log(rng.random((size, len(w)))))
    return np.argsort(-keys, axis=1, kind="stable")[:, :k]


def _chicago_placer(catalog: dict[str, Any]) -> _Placer:
    """Places around Chicago neighbourhood centres, or in outer suburbs."""
    hoods, subs = catalog["chicago"]["neighbourhoods"], catalog["chicago"]["suburbs"]
    places = hoods + subs

    def place(rng: np.random.Generator, n: int, key: str, suburb_share: Arr) -> _Points:
        in_suburb = rng.random(n) < suburb_share
        i_hood = _choice(rng, [p[key] for p in hoods], n)
        i_sub = _choice(rng, [p[key] for p in subs], n)
        idx = np.where(in_suburb, len(hoods) + i_sub, i_hood)

        def col(name: str) -> Arr:
            return np.array([np.nan if p[name] is None else p[name] for p in places])[idx]

        km = rng.normal(size=(2, n)) * col("sd_km")
        lat = col("lat") + km[0] / _KM_PER_DEGREE
        lon = col("lon") + km[1] / (_KM_PER_DEGREE * np.cos(np.radians(lat)))
        lon = np.fmin(lon, col("max_lon"))  # keep lakefront points out of Lake Michigan
        zips = [places[i]["zip"] for i in idx.tolist()]
        return _Points(lat, lon, np.zeros(n, dtype=np.int64), zips)

    return place


def _metro_placer(catalog: dict[str, Any], metros: int) -> _Placer:
    """Places in the first ``metros`` metro areas, dense at the centre, thin at the edge."""
    table = catalog["metros"][:metros]

    def place(rng: np.random.Generator, n: int, key: str, suburb_share: Arr) -> _Points:
        del key  # metros weigh homes and jobs alike
        metro = _choice(rng, [m["weight"] for m in table], n)

        def col(name: str) -> Arr:
            return np.array([m[name] for m in table], dtype=float)[metro]

        radius, u = col("radius_km"), rng.random((4, n))
        # Distance ~ Gamma(2): area density falls off exponentially from the centre.
        r = rng.gamma(2.0, radius / 5.0)
        r = np.where(r > radius, radius * u[0], r)
        r = np.where(u[1] < suburb_share, radius * (0.45 + 0.55 * u[2]), r)
        lo, hi = (np.array([m["bearings"][i] for m in table], dtype=float)[metro] for i in (0, 1))
        bearing = np.radians(lo + u[3] * (hi - lo))
        lat = col("lat") + r * np.cos(bearing) / _KM_PER_DEGREE
        lon = col("lon") + r * np.sin(bearing) / (_KM_PER_DEGREE * np.cos(np.radians(lat)))
        return _Points(lat, lon, metro, [""] * n)

    return place


def _ids(prefix: str, n: int) -> list[str]:
    """``C-001``-style _ids, zero-padded to the width of the count (at least 3)."""
    width = max(3, len(str(n)))
    return [f"{prefix}-{i:0{width}d}" for i in range(1, n + 1)]


def _iso_dates(ordinals: Arr) -> list[str]:
    """ISO strings of proleptic ordinals (one conversion per distinct day)."""
    uniq, inverse = np.unique(ordinals, return_inverse=True)
    text = [dt.date.fromordinal(int(o)).isoformat() for o in uniq]
    return [text[i] for i in inverse.tolist()]


def _parse_span(span: str) -> tuple[int, int]:
    """``"16:00-00:00"`` -> (960, 1440): minutes, the end past the start."""
    start, end = ((int(t[:2]) * 60 + int(t[3:])) for t in span.split("-"))
    return start, end if end > start else end + 1440


def _format_span(start: int, end: int) -> str:
    """Inverse of :func:`_parse_span`; an end past midnight wraps (22:00-06:00)."""
    end = end if end <= 1440 else end - 1440
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def merge_windows(windows: list[list[Any]]) -> list[str]:
    """Weekly windows (``[days, span]`` pairs) merged per day, as record strings."""
    by_day: dict[int, list[tuple[int, int]]] = {}
    for days, span in windows:
        for day in days:
            by_day.setdefault(DAY_NAMES.index(day), []).append(_parse_span(span))
    out: list[str] = []
    for day in sorted(by_day):
        merged: list[list[int]] = []
        for start, end in sorted(by_day[day]):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        out += [f"{DAY_NAMES[day]} {_format_span(s, e)}" for s, e in merged]
    return out


def generate(
    seed: int,
    *,
    n_clients: int,
    n_openings: int,
    metros: int = 1,
    as_of: dt.date = DEMO_AS_OF,
) -> tuple[list[Record], list[Record]]:
    """Generate a caseload over several US metro areas, at any scale.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same records.
    n_clients, n_openings : int
        How many records of each kind.
    metros : int
        How many metro areas of the catalog (1-8, Chicago first) to spread over.
    as_of : datetime.date
        Posting and expiry dates are drawn relative to this day.

    Returns
    -------
    clients, openings : list of dict
        Raw records as accepted by ``load_clients`` and ``load_openings``.
    """
    catalog = load_catalog()
    if not 1 <= metros <= len(catalog["metros"]):
        raise ValueError(f"metros must be 1-{len(catalog['metros'])}, got {metros}")
    return _generate(seed, n_clients, n_openings, as_of, _metro_placer(catalog, metros), False)


def generate_demo(
    seed: int = 7,
    *,
    n_clients: int = 60,
    n_openings: int = 500,
    as_of: dt.date = DEMO_AS_OF,
) -> tuple[list[Record], list[Record]]:
    """Generate the Chicago demo caseload (a few clients given by ZIP code).

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same records.
    n_clients, n_openings : int
        How many records of each kind.
    as_of : datetime.date
        Posting and expiry dates are drawn relative to this day.

    Returns
    -------
    clients, openings : list of dict
        Raw records as accepted by ``load_clients`` and ``load_openings``.
    """
    placer = _chicago_placer(load_catalog())
    return _generate(seed, n_clients, n_openings, as_of, placer, True)


def demo_clients_and_openings(seed: int = 7) -> tuple[list[Client], list[Opening]]:
    """The demo caseload validated into records; raises the first invalid one.

    Parameters
    ----------
    seed : int
        Seed passed to :func:`generate_demo`.

    Returns
    -------
    clients, openings : list of Client, list of Opening
    """
    raw_clients, raw_openings = generate_demo(seed)
    clients, client_errors = load_clients(raw_clients)
    openings, opening_errors = load_openings(raw_openings)
    errors = client_errors + opening_errors
    if errors:
        _log.error("demo data: %d invalid records", len(errors))
        raise errors[0]
    return clients, openings


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many records.

    Millions of new dicts and lists trigger repeated full collections that
    rescan everything built so far (about half the run time at 100,000
    records); the records hold no reference cycles, so nothing is left behind.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _generate(
    seed: int, n_clients: int, n_openings: int, as_of: dt.date, placer: _Placer, zips: bool
) -> tuple[list[Record], list[Record]]:
    if n_clients < 0 or n_openings < 0:
        raise ValueError("n_clients and n_openings must be >= 0")
    rng = np.random.default_rng(seed)
    with _cyclic_gc_paused():
        openings = _openings(rng, n_openings, as_of, placer)
        employers = list(dict.fromkeys(o["employer"] for o in openings))
        clients = _clients(rng, n_clients, placer, employers, zips)
    _log.debug("generated %d clients and %d openings (seed %d)", n_clients, n_openings, seed)
    return clients, openings


# --- openings ---------------------------------------------------------------------------


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
            start, end = _parse_span(span)
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


def _pick(items: list[Any], x: float) -> Any:
    """The item at uniform draw ``x`` in [0, 1)."""
    return items[int(x * len(items))]


def _skill_phrases(codes: list[str], u: list[float], share: float, first: bool) -> list[str]:
    """Skill phrases: an exact vocabulary alias, or a variant or typo a person might type.

    ``u`` holds nine draws: include, alias-or-variant and which phrase, per skill.
    """
    skills, out = load_catalog()["skills"], []
    for i, code in enumerate(codes[:3]):
        if (first and i == 0) or u[i] < share:
            out.append(_pick(skills[code]["aliases" if u[3 + i] < 0.65 else "variants"], u[6 + i]))
    return out


def _opening_dates(rng: np.random.Generator, n: int, as_of: dt.date) -> tuple[list[str], list[Any]]:
    """Posted and expiry dates: most open, a few expired, some without expiry."""
    today = as_of.toordinal()
    u = rng.random((2, n))
    expired, open_ended = u[0] < 0.07, u[1] < 0.10
    ended = today - rng.integers(1, 15, n)
    posted = np.where(expired, ended - rng.integers(14, 61, n), today - rng.integers(0, 61, n))
    expires = _iso_dates(np.where(expired, ended, today + rng.integers(3, 76, n)))
    no_expiry = (open_ended & ~expired).tolist()
    return _iso_dates(posted), [None if o else e for e, o in zip(expires, no_expiry, strict=True)]


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
        title, suffixes = _pick(job["titles"], x[0]), shifts.suffixes[c]
        plain = " - " not in title and "(" not in title
        if suffixes and plain and x[1] < 0.4:  # "Dishwasher PT nights", "Prep Cook - Weekends"
            title += _pick(suffixes, x[1] / 0.4)
        text = " ".join(job["describe"][: 1 + (x[2] < 0.6) + (x[2] < 0.25)])
        if fair[i] and x[3] < 0.6:
            text += " " + _pick(catalog["fair_chance_sentences"], x[3] / 0.6)
        if background[i] and x[4] < 0.6:
            text += " " + _pick(catalog["background_check_sentences"], x[4] / 0.6)
        industry = _pick(catalog["groups"][jobs.group[p]]["industry"], x[5])
        required = _skill_phrases(job["required"], su[i][:9], 0.6, True)
        out.append((title, industry, text, required, _skill_phrases(job["preferred"], su[i][9:], 0.4, False)))
    return out


def _openings(rng: np.random.Generator, n: int, as_of: dt.date, placer: _Placer) -> list[Record]:
    """Draw every opening column at once, then assemble the records."""
    jobs, shifts = _job_table(), _shift_table()
    pair = _choice(rng, jobs.weight, n)
    u = rng.random((9, n))
    kind = np.minimum((u[0][:, None] > jobs.kind_cdf[pair]).sum(axis=1), len(shifts.offset) - 1)
    n_days = shifts.n_days[kind]
    combo = shifts.offset[kind] + (u[1] * shifts.n_times[kind]).astype(int) * n_days
    combo += (u[2] * n_days).astype(int)
    stamina = 1 + np.searchsorted(_STAMINA_HOURS[:-1], shifts.longest[combo], side="left")
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
    for i, opening_id in enumerate(_ids("O", n)):
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


# --- clients ----------------------------------------------------------------------------


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


def _draw(rng: np.random.Generator, items: list[Any], n: int) -> Arr:
    """``n`` items drawn uniformly, with repeats."""
    return np.array(items)[rng.integers(0, len(items), n)]


def _client_numbers(rng: np.random.Generator, n: int, metro: Arr, stamina: Arr) -> dict[str, Any]:
    """Travel, schedule, benefits and accommodation columns, drawn at once."""
    spec = load_catalog()["clients"]
    extras = spec["availability_extras"]
    base = _choice(rng, [a["weight"] for a in spec["availability"]], n)
    bits = (rng.random((n, len(extras))) < [e["p"] for e in extras]) @ (1 << np.arange(len(extras)))
    u = rng.random((8, n))
    ssdi = u[0] < 0.38
    ssi = u[1] < np.where(ssdi, 0.12, 0.30)
    capped = (ssdi | ssi) & (u[3] < 0.5)  # chose an earnings cap to protect benefits
    part_time = (u[2] < np.where(ssdi | ssi, 0.65, 0.20)) | capped
    max_h = np.where(
        part_time, _draw(rng, spec["part_time_max_hours"], n), _draw(rng, spec["full_time_max_hours"], n)
    )
    max_h = np.minimum(max_h, 5 * _STAMINA_HOURS[stamina - 1])  # five days at the person's stamina
    min_h = np.where(
        part_time, _draw(rng, spec["part_time_min_hours"], n), _draw(rng, spec["full_time_min_hours"], n)
    )
    caps = _draw(rng, spec["earnings_caps"], n).astype(float)
    index = np.array([m["wage_index"] for m in load_catalog()["metros"]])[metro]
    floors = _draw(rng, spec["wage_floors"], n) * index
    n_acc = _choice(rng, [0.15, 0.35, 0.30, 0.20], n)
    required = rng.random((n, 3)) < 0.25
    needs_required = (required & (np.arange(3) < n_acc[:, None])).any(axis=1)
    return {
        "modes": _choice(rng, [w for _, w in spec["modes"]], n).tolist(),
        "commute": _draw(rng, spec["max_commute_minutes"], n).tolist(),
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
        "acc": _top_k(rng, list(spec["accommodations"].values()), n, 3).tolist(),
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
    top = _top_k(rng, [a["weight"] for a in areas], n, 2)
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
        interests = [_pick((second if k == 1 else first)["interests"], x[k]) for k in range(k_n[0])]
        industries = [_pick(first["industries"], x[3])]
        industries += [_pick(second["industries"], x[4])] if g[2] < 0.5 else []
        strengths = [
            _pick(spec["strengths"], x[8 + k])
            if x[5 + k] < 0.5
            else _pick(phrases[_pick(first["skills"], x[8 + k])], x[11 + k])
            for k in range(k_n[1])
        ]
        titles = [
            _pick((first if x[14 + k] < 0.7 else _pick(areas, x[17 + k]))["past_titles"], x[20 + k])
            for k in range(k_n[2])
        ]
        keywords = [_pick(spec["exclusion_keywords"], x[25 + k]) for k in range(k_n[3])]
        out.append(
            {
                "interests": list(dict.fromkeys(interests)),
                "preferred_industries": list(dict.fromkeys(industries)) if g[1] < 0.45 else [],
                "riasec": riasec[i],
                "strengths": list(dict.fromkeys(strengths)),
                "past_titles": list(dict.fromkeys(titles)),
                "exclusions": {
                    "industries": [_pick(spec["exclusion_industries"], x[23])] if g[5] < 0.06 else [],
                    "employers": [_pick(employers, x[24])] if employers and g[6] < 0.04 else [],
                    "keywords": list(dict.fromkeys(keywords)) if g[7] < 0.08 else [],
                },
                "priorities": dict(_pick(spec["priorities"], x[27])) if g[9] < 0.25 else {},
            }
        )
    return out


def _clients(
    rng: np.random.Generator, n: int, placer: _Placer, employers: list[str], zips: bool
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
    for i, client_id in enumerate(_ids("C", n)):
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
