"""The seeded demo / benchmark data generator (matcher.demo)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from matcher.demo import (
    DEMO_AS_OF,
    demo_clients_and_openings,
    generate,
    generate_demo,
    load_catalog,
    merge_windows,
)
from matcher.errors import MatcherWarning
from matcher.records import load_clients, load_openings
from matcher.vocab import load_vocabulary

ONET = Path(__file__).resolve().parents[2] / "../shared/data/onet_29_0_text/Occupation Data.txt"


@pytest.fixture(scope="module")
def demo() -> tuple[list[dict], list[dict]]:
    return generate_demo()


@pytest.fixture(scope="module")
def big() -> tuple[list[dict], list[dict]]:
    return generate(11, n_clients=5000, n_openings=5000, metros=8)


def _validate(clients: list[dict], openings: list[dict]) -> tuple[list, list]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", MatcherWarning)  # any skipped record fails the test
        _, client_errors = load_clients(clients)
        _, opening_errors = load_openings(openings)
    return client_errors, opening_errors


def test_same_seed_gives_identical_records(demo):
    assert generate_demo(7) == demo
    assert generate(3, n_clients=300, n_openings=300, metros=4) == generate(
        3, n_clients=300, n_openings=300, metros=4
    )


# Digests of seeded worlds, recorded from the generator before matcher.demo became a package:
# the same seed must keep giving the very same records (benchmarks and docs quote these worlds).
# A deliberate change to the generator or to data/demo_catalog.json updates them here.
WORLD_DIGESTS = {
    "demo 7": "72e4a50cbf5e69b0f7161599d22e04d22f8b28068cf9f5a76d57a065a0d5fc6e",
    "demo 3 small": "801cb2c6abfbde4e229268cf6956fb2b0275fe18109b3f7e83cfcc9afff899c3",
    "8 metros": "73c1a17f49016309c6755c00c7d164b0eecc8f8473c13d1c2851c0a0c42eb22a",
    "clients only": "c706f319e90a77eec028676267d6d6a1fc1f6d3be4864ec47c98aca54f601558",
}


def _digest(world: tuple[list[dict], list[dict]]) -> str:
    return hashlib.sha256(json.dumps(world, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def test_seeded_worlds_are_unchanged(demo):
    worlds = {
        "demo 7": demo,
        "demo 3 small": generate_demo(3, n_clients=40, n_openings=120),
        "8 metros": generate(11, n_clients=500, n_openings=700, metros=8),
        "clients only": generate(2, n_clients=50, n_openings=0, metros=3),
    }
    assert {name: _digest(world) for name, world in worlds.items()} == WORLD_DIGESTS


def test_different_seed_gives_different_records(demo):
    clients, openings = generate_demo(8)
    assert clients != demo[0]
    assert openings != demo[1]
    assert [o["title"] for o in openings] != [o["title"] for o in demo[1]]


def test_demo_counts_and_ids(demo):
    clients, openings = demo
    assert len(clients) == 60 and len(openings) == 500
    assert clients[0]["id"] == "C-001" and clients[-1]["id"] == "C-060"
    assert openings[0]["id"] == "O-001" and openings[-1]["id"] == "O-500"
    assert len({c["id"] for c in clients}) == 60 and len({o["id"] for o in openings}) == 500
    small = generate_demo(1, n_clients=5, n_openings=12)
    assert (len(small[0]), len(small[1])) == (5, 12)
    no_openings = generate(1, n_clients=4, n_openings=0, metros=2)
    assert len(no_openings[0]) == 4 and no_openings[1] == []
    assert all(c["exclusions"]["employers"] == [] for c in no_openings[0])


def test_all_demo_records_validate(demo):
    assert _validate(*demo) == ([], [])
    clients, openings = demo_clients_and_openings()
    assert len(clients) == 60 and len(openings) == 500


def test_catalog_covers_every_accommodation_and_dimension():
    vocab, catalog = load_vocabulary(), load_catalog()
    assert tuple(catalog["dimensions"]) == vocab.dimensions
    assert set(catalog["clients"]["accommodations"]) == set(vocab.accommodations)
    offered = {
        code
        for profile in catalog["accommodation_profiles"].values()
        for kind in ("offered_to_all", "on_request")
        for code in profile[kind]
    }
    assert offered == set(vocab.accommodations)
    for key, job in catalog["jobs"].items():
        # stamina is derived from shift length, every other dimension is rated per job
        assert list(job["demands"]) == list(vocab.dimensions[:-1]), key
        assert all(1 <= lo <= hi <= 5 for lo, hi in job["demands"].values()), key


def test_catalog_skills_are_vocabulary_aliases():
    vocab, catalog = load_vocabulary(), load_catalog()
    assert set(catalog["skills"]) == set(vocab.skills.codes)
    aliases = set(vocab.skills.phrases)
    for code, phrases in catalog["skills"].items():
        assert set(phrases["aliases"]) <= aliases, code
    for job in catalog["jobs"].values():
        assert set(job["required"] + job["preferred"]) <= set(vocab.skills.codes)


def test_industry_text_mostly_resolves_to_vocabulary():
    vocab = load_vocabulary()
    labels = {label for g in load_catalog()["groups"].values() for label in g["industry"]}
    resolved = [label for label in labels if vocab.industries.find_in_text(label)]
    assert len(resolved) >= 0.85 * len(labels)


def test_onet_codes_are_well_formed_and_real():
    codes = {job["onet_soc"] for job in load_catalog()["jobs"].values()}
    assert all(re.fullmatch(r"\d{2}-\d{4}\.\d{2}", c) for c in codes)
    if not ONET.exists():
        pytest.skip(f"O*NET occupation data not found at {ONET}")
    known = {line.split("\t")[0] for line in ONET.read_text(encoding="utf-8").splitlines()[1:]}
    assert codes <= known, codes - known


def test_openings_with_unknown_demands_exist(demo):
    openings = demo[1]
    n_dims = len(load_vocabulary().dimensions)
    partial = [o for o in openings if 0 < len(o["demands"]) < n_dims]
    none = [o for o in openings if not o["demands"]]
    assert partial and none
    share = (len(partial) + len(none)) / len(openings)
    assert 0.15 < share < 0.35


def test_some_clients_have_capacity_one_everywhere(demo):
    n_dims = len(load_vocabulary().dimensions)
    lowest = [c for c in demo[0] if list(c["capacity"].values()) == [1] * n_dims]
    assert lowest
    assert len({tuple(c["capacity"].values()) for c in demo[0]}) > 30  # otherwise varied


def test_hours_per_week_is_the_sum_of_shifts(demo):
    openings, _ = load_openings(demo[1])
    for opening in openings:
        assert opening.hours_per_week == pytest.approx(sum(w.minutes for w in opening.shifts) / 60)


def test_demo_shape_is_realistic(demo):
    clients, openings = demo
    assert {o["status"] for o in openings} == {"open", "filled", "closed"}
    assert sum(o["status"] == "open" for o in openings) > 0.8 * len(openings)
    expired = [o for o in openings if o["expires"] and o["expires"] < DEMO_AS_OF.isoformat()]
    assert 0 < len(expired) < 0.15 * len(openings)
    remote = [o for o in openings if o["remote"]]
    assert remote and all(o["location"] is None and "remote_work" in o["offered_to_all"] for o in remote)
    remote_jobs = {j["onet_soc"] for j in load_catalog()["jobs"].values() if j["remote"] > 0}
    offers_remote = [o for o in openings if "remote_work" in o["offered_to_all"] + o["on_request"]]
    assert all(o["onet_soc"] in remote_jobs for o in offers_remote if o["onet_soc"])  # office/IT only
    assert all(12 <= o["hourly_wage"] <= 24 for o in openings)
    assert max(o["positions"] for o in openings) >= 10
    assert any(any(s.endswith("-06:00") for s in o["shifts"]) for o in openings)  # night shifts
    per_employer = np.bincount(np.unique([o["employer"] for o in openings], return_inverse=True)[1])
    assert per_employer.mean() >= 2
    assert sum("zip" in c and "home" not in c for c in clients) >= 1
    caps = [c["earnings_cap"] for c in clients if c["earnings_cap"] is not None]
    assert caps and all(cap < 1620 for cap in caps)


def test_demo_has_suburban_places_where_transit_is_weak(demo):
    loop = (41.8810, -87.6298)
    far = [o for o in demo[1] if o["location"] and _km(loop, o["location"]) > 25]
    assert far and len(far) < 0.3 * len(demo[1])


def _km(a: tuple[float, float], b: dict) -> float:
    dlat = math.radians(b["lat"] - a[0])
    dlon = math.radians(b["lon"] - a[1]) * math.cos(math.radians(a[0]))
    return 6371 * math.hypot(dlat, dlon)


def test_multi_metro_generator_spreads_over_metros_and_validates(big):
    clients, openings = big
    assert len(clients) == 5000 and len(openings) == 5000
    metros = load_catalog()["metros"]
    homes = [c["home"] for c in clients]
    nearest = [
        min(range(len(metros)), key=lambda m: _km((metros[m]["lat"], metros[m]["lon"]), h)) for h in homes
    ]
    counts = np.bincount(nearest, minlength=len(metros))
    assert (counts > 100).sum() == len(metros)
    dist = [_km((metros[m]["lat"], metros[m]["lon"]), h) for m, h in zip(nearest, homes, strict=True)]
    assert np.median(dist) < 0.5 * max(m["radius_km"] for m in metros)  # dense towards centres
    assert _validate(clients[::10], openings[::10]) == ([], [])


def test_one_metro_stays_in_chicago():
    clients, openings = generate(5, n_clients=200, n_openings=200, metros=1)
    points = [c["home"] for c in clients] + [o["location"] for o in openings if o["location"]]
    assert all(_km((41.8781, -87.6298), p) <= 46 for p in points)


def test_dates_follow_as_of():
    as_of = dt.date(2030, 3, 1)
    _, openings = generate(2, n_clients=0, n_openings=200, as_of=as_of)
    assert max(o["posted"] for o in openings) <= as_of.isoformat()
    assert any(o["expires"] and o["expires"] > as_of.isoformat() for o in openings)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="metros"):
        generate(1, n_clients=1, n_openings=1, metros=0)
    with pytest.raises(ValueError, match="metros"):
        generate(1, n_clients=1, n_openings=1, metros=99)
    with pytest.raises(ValueError, match="n_clients"):
        generate(1, n_clients=-1, n_openings=1)


def test_merge_windows_joins_overlaps_and_wraps_midnight():
    merged = merge_windows(
        [[["Mon", "Tue"], "08:00-17:00"], [["Mon"], "16:00-22:00"], [["Sun"], "21:00-07:00"]]
    )
    assert merged == ["Mon 08:00-22:00", "Tue 08:00-17:00", "Sun 21:00-07:00"]


def test_garbage_collector_state_is_restored():
    import gc

    assert gc.isenabled()
    generate_demo(n_clients=3, n_openings=3)
    assert gc.isenabled()
    gc.disable()
    try:
        generate_demo(n_clients=3, n_openings=3)
        assert not gc.isenabled()
    finally:
        gc.enable()
