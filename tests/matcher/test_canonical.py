"""``matcher.canonical``: RFC 8785 for every hash; the former forms still match what they hashed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.canonical import CanonicalError, Legacy, canonical_bytes, legacy_bytes, matches, sha256_hex
from matcher.config import MatcherConfig, RankingConfig
from matcher.records import client_to_record, opening_to_record
from matcher.rematch import run_diff
from matcher.rematch.nightly import PreviousRun, nightly
from tests.matcher import worlds


def test_rfc8785_example_from_the_rfc() -> None:
    # RFC 8785 section 3.2.2 (serialization of primitives), verbatim.
    value = {
        "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/",
        "literals": [None, True, False],
    }
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical_bytes(value) == expected.encode("utf-8")


FLOATS = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [
        0.0,
        -0.0,
        5.0,
        1e-4,
        9.99e-5,
        1e-7,
        1e16,
        1e21,
        2.0**53,
        2.0**53 + 2,
        123456789012345680000.0,
        0.1 + 0.2,
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.sampled_from([2**53, -(2**53), 2**64, "\ud800"])  # refused by both
    | FLOATS
    | st.text()
    | st.sampled_from(["é", "\U0001f600", "\ue000", "\x7f", "\u2028", '"\\/\b\f\n\r\t\x00\x1f'])
)
KEYS = st.text() | st.sampled_from(["a", "\U0001f600", "\ue000", "€", "ab", "B", ""])
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)


@given(JSON)
@settings(max_examples=400, deadline=None)
def test_fast_path_writes_exactly_what_the_rfc8785_package_writes(value: object) -> None:
    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        with pytest.raises(CanonicalError):
            canonical_bytes(value)
        return
    assert canonical_bytes(value) == expected


def test_key_order_and_integral_floats_do_not_change_the_bytes() -> None:
    a = {"b": [1, 2.0, {"y": 0.5, "x": "é"}], "a": None}
    b = {"a": None, "b": [1, 2, {"x": "é", "y": 0.5}]}
    assert canonical_bytes(a) == canonical_bytes(b) == '{"a":null,"b":[1,2,{"x":"é","y":0.5}]}'.encode()
    assert sha256_hex(a) == hashlib.sha256(canonical_bytes(b)).hexdigest()
    assert sha256_hex(a, length=16) == sha256_hex(b)[:16]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {1: "int key"}, {"s": {1, 2}}, 2**60])
def test_values_without_a_canonical_form_are_refused(value: object) -> None:
    with pytest.raises(CanonicalError):
        canonical_bytes(value)


def test_legacy_forms_are_the_former_json_dumps_bytes() -> None:
    value = {"b": 1.0, "a": "é", "d": dt.date(2026, 3, 2)}
    plain = {k: v for k, v in value.items() if k != "d"}
    assert legacy_bytes(plain, form=Legacy.AUDIT) == b'{"a":"\\u00e9","b":1.0}'
    assert legacy_bytes(plain, form=Legacy.CONFIG) == b'{"a": "\\u00e9", "b": 1.0}'
    assert legacy_bytes(value, form=Legacy.FINGERPRINT) == b'{"a": "\\u00e9", "b": 1.0, "d": "2026-03-02"}'
    with pytest.raises(CanonicalError):
        legacy_bytes({"x": float("nan")}, form=Legacy.AUDIT)


def test_matches_takes_either_form_and_nothing_else() -> None:
    record = {"id": "C-1", "capacity": {"pace": 5.0}, "note": "Zoë"}
    old = hashlib.sha256(legacy_bytes(record, form=Legacy.AUDIT)).hexdigest()
    new = sha256_hex(record)
    assert old != new  # the forms differ for this record (5.0, non-ASCII)
    assert matches(old, record, legacy=Legacy.AUDIT) and matches(new, record, legacy=Legacy.AUDIT)
    assert matches(old[:16], record, legacy=Legacy.AUDIT)
    changed = record | {"note": "Zoe"}
    assert not matches(old, changed, legacy=Legacy.AUDIT) and not matches(new, changed, legacy=Legacy.AUDIT)
    assert not matches("", record, legacy=Legacy.AUDIT) and not matches(old[:4], record, legacy=Legacy.AUDIT)


def test_config_hash_is_rfc8785_and_a_stored_former_hash_still_matches() -> None:
    config = MatcherConfig(ranking=RankingConfig(max_per_employer=2))
    former = hashlib.sha256(json.dumps(config.to_dict(), sort_keys=True).encode()).hexdigest()[:16]
    assert config.config_hash == sha256_hex(config.to_dict())[:16] != former
    assert matches(former, config.to_dict(), legacy=Legacy.CONFIG)
    other = dataclasses.replace(config, ranking=RankingConfig(max_per_employer=3))
    assert not matches(former, other.to_dict(), legacy=Legacy.CONFIG)


def _former_fingerprint(client: object) -> str:
    """``client_fingerprint`` before RFC 8785, frozen."""
    blob = json.dumps(client_to_record(client), sort_keys=True, default=str).encode()  # type: ignore[arg-type]
    return hashlib.sha256(blob).hexdigest()[:16]


def test_nightly_run_reads_a_previous_runs_former_fingerprints_correctly() -> None:
    world = worlds.random_world(5, n_clients=8, n_openings=40, strict=0.2)
    raw_clients = [client_to_record(c) for c in world.clients]
    raw_openings = [opening_to_record(o) for o in world.openings]
    first = nightly(raw_clients, raw_openings, as_of=worlds.AS_OF, run_id="1")
    scored = [c for c in world.clients if c.id in first.shortlists]
    assert first.fingerprints == {c.id: run_diff.client_fingerprint(c) for c in scored}
    # the previous run's shortlists.json as the former code wrote it: former fingerprints
    former = {c.id: _former_fingerprint(c) for c in scored}
    assert all(former[c] != first.fingerprints[c] for c in former)
    previous = PreviousRun(worlds.AS_OF, first.shortlists, former)
    edited = [dict(r) for r in raw_clients]
    edited[0]["max_commute_minutes"] = int(edited[0]["max_commute_minutes"]) + 7
    second = nightly(edited, raw_openings, as_of=worlds.AS_OF, run_id="2", previous=previous)
    assert second.result.summary.counts["clients_changed"] == 1  # only the edited client
    assert {c for c, d in second.diffs.items() if d.client_changed} <= {edited[0]["id"]}
    # and with no previous fingerprint at all, nothing is taken as changed either way
    third = nightly(raw_clients, raw_openings, as_of=worlds.AS_OF, run_id="3", previous=PreviousRun())
    assert third.result.summary.counts["clients_changed"] == 0
