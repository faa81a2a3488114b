"""The rule table: each code declared once, one test serving dense blocks and listed pairs alike."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from matcher import Matcher, commute
from matcher.constraints import PREFILTER, RULES, Failed, failed_codes, failed_codes_at, passes_at
from matcher.features import build_clients
from matcher.messages import EXCLUSION, FEASIBLE_IF
from matcher.types import Client, Offer, Opening, available
from tests.matcher import worlds
from tests.matcher.worlds import AS_OF, random_world

DOCS = Path(__file__).resolve().parents[2] / "docs" / "constraints.md"
CONTEXT = {"as_of", "travel_times", "blocked", "config.commute", "config.benefits"}


def test_the_table_has_every_code_once_in_code_order() -> None:
    assert [r.code for r in RULES] == list(Failed)
    assert [r.name for r in PREFILTER] == [r.name for r in RULES if r.prefilter]
    # the commute and the specialist's rejections are known per block only
    assert {r.name for r in RULES if not r.prefilter} == {"COMMUTE_TOO_LONG", "REJECTED_BY_SPECIALIST"}


def test_every_rule_has_its_why_not_template() -> None:
    assert set(EXCLUSION) == {r.name for r in RULES}
    # a rule the client or specialist could change says how; closed, expired and checked openings do not
    assert {r.name for r in RULES} - set(FEASIBLE_IF) == {"NOT_OPEN", "EXPIRED", "BACKGROUND_CHECK"}


def test_what_a_rule_reads_names_real_record_fields() -> None:
    fields = {
        "client": {f.name for f in dataclasses.fields(Client)},
        "opening": {f.name for f in dataclasses.fields(Opening)},
    }
    for rule in RULES:
        assert rule.reads, rule.name
        for name in rule.reads:
            side, _, field = name.partition(".")
            assert name in CONTEXT or field in fields.get(side, ()), f"{rule.name} reads unknown {name}"


def test_the_docs_page_describes_every_rule() -> None:
    """docs/constraints.md has a row per rule naming its code and everything it reads."""
    rows = {
        line.split("|")[1].strip(" `"): line
        for line in DOCS.read_text().splitlines()
        if line.startswith("| `")
    }
    for rule in RULES:
        assert rule.name in rows, f"docs/constraints.md has no row for {rule.name}"
        for name in rule.reads:
            assert name in rows[rule.name], f"docs row of {rule.name} does not mention {name}"


@pytest.mark.parametrize(
    ("offer", "discloses", "expected"),
    [
        (Offer.TO_EVERYONE, False, True),
        (Offer.TO_EVERYONE, True, True),
        (Offer.ON_REQUEST, False, False),  # formal accommodations need disclosure
        (Offer.ON_REQUEST, True, True),
        (Offer.NOT_STATED, False, False),  # not stated: a question, not something to count on
        (Offer.NOT_STATED, True, False),
        (Offer.NOT_POSSIBLE, False, False),
        (Offer.NOT_POSSIBLE, True, False),
    ],
)
def test_available_on_values_and_on_arrays(offer: Offer, discloses: bool, expected: bool) -> None:
    assert available(offer, discloses) is expected
    grid = available(np.full((2, 3), offer, dtype=np.int8), np.array([[discloses], [discloses]]))
    assert grid.shape == (2, 3) and grid.dtype == bool and (grid == expected).all()


def test_a_remote_job_offers_remote_work_to_everyone() -> None:
    remote = worlds.opening(location=None, remote=True, offered_to_all=[], on_request=["remote_work"])
    onsite = worlds.opening(offered_to_all=[], on_request=["remote_work"])
    assert remote.offer("remote_work") is Offer.TO_EVERYONE
    assert onsite.offer("remote_work") is Offer.ON_REQUEST
    assert onsite.offer("job_coach") is Offer.NOT_STATED


def _block(seed: int, n_clients: int = 12, n_openings: int = 60):  # type: ignore[no-untyped-def]
    world = random_world(seed, n_clients, n_openings, strict=0.6)
    matcher = Matcher().fit(world.openings, as_of=AS_OF)
    assert matcher.text_model is not None
    batch = build_clients(
        world.clients,
        matcher.index,
        vocab=matcher.vocab,
        config=matcher.config,
        text_model=matcher.text_model,
    )
    trip = commute.estimate(batch, matcher.index, config=matcher.config.commute)
    return world, matcher, batch, trip


@pytest.mark.parametrize("seed", range(8))
def test_listed_pairs_get_the_same_codes_as_the_dense_block(seed: int) -> None:
    """Every rule, evaluated on gathered pairs, fails exactly where it fails in the block."""
    world, matcher, batch, trip = _block(seed)
    dense = failed_codes(batch, matcher.index, trip, blocked=world.blocked)
    rows, cols = (a.ravel() for a in np.indices(dense.shape))
    order = np.random.default_rng(seed).permutation(len(rows))  # any order, duplicates allowed
    rows, cols = np.concatenate([rows[order], rows[:7]]), np.concatenate([cols[order], cols[:7]])
    listed = failed_codes_at(
        batch, matcher.index, rows, cols, commute=trip, blocked=world.blocked, rules=RULES
    )
    np.testing.assert_array_equal(listed, dense[rows, cols], err_msg=world.label)
    # the worlds reach most codes, so the comparison is not vacuous
    assert len({f for code in np.unique(dense) for f in Failed if code & f}) >= 9, world.label


@pytest.mark.parametrize("seed", range(8))
def test_passes_at_is_the_pairs_without_a_prefilter_code(seed: int) -> None:
    world, matcher, batch, trip = _block(seed)
    dense = failed_codes(batch, matcher.index, trip, blocked=world.blocked)
    rows, cols = (a.ravel() for a in np.indices(dense.shape))
    cheap = np.uint16(sum(int(r.code) for r in PREFILTER))
    np.testing.assert_array_equal(
        passes_at(batch, matcher.index, rows, cols), (dense[rows, cols] & cheap) == 0
    )


def test_a_rule_limited_to_some_clients_checks_them_all_in_the_block() -> None:
    """``applies`` only skips clients a rule cannot fail for: a mixed batch equals one client at a time."""
    world, matcher, batch, trip = _block(4, n_clients=10)
    together = failed_codes(batch, matcher.index, trip, blocked=world.blocked)
    for i, c in enumerate(world.clients):
        alone = Matcher().fit(world.openings, as_of=AS_OF).score([c], blocked=world.blocked).codes[0]
        np.testing.assert_array_equal(together[i], alone, err_msg=f"{world.label}: {c.id}")


def test_empty_inputs() -> None:
    world, matcher, batch, trip = _block(2, n_clients=3, n_openings=5)
    none = np.zeros(0, dtype=np.int64)
    assert passes_at(batch, matcher.index, none, none).shape == (0,)
    assert failed_codes_at(batch, matcher.index, none, none).shape == (0,)
