"""Accommodations in four states per opening: offered to everyone, on request, not possible, not stated.

A required need the employer says is *not possible* excludes everyone; one it has *not stated*
never excludes a client who discloses (it is a question to ask the employer); a client who does
not disclose counts only on what is offered to everyone, and the shortlist says how many
exclusions disclosing alone would open.
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Matcher, pipeline
from matcher.constraints import Failed, Unknown, opened_by_disclosing, unknown_codes_at
from matcher.errors import ValidationError
from matcher.records import opening_from_record, opening_to_record
from matcher.types import Client, Exclusion, Need, Offer, Opening, Suggestion
from tests.matcher import worlds
from tests.matcher.worlds import ACCOMMODATIONS, AS_OF, SEEDS, WORLD_SETTINGS, random_world

QUIET = "quiet_workspace"
ACC = Failed.REQUIRED_ACCOMMODATION_UNAVAILABLE


def explain(client: Client, opening: Opening) -> Suggestion | Exclusion:
    return Matcher().fit([opening], as_of=AS_OF).explain(client, opening.id)


def needs(discloses: bool, need: str = "required", **more: str) -> Client:
    return worlds.client(accommodations={QUIET: need, **more}, discloses=discloses)


# ----- records


def test_not_possible_is_a_list_of_codes_kept_through_the_record() -> None:
    opening = worlds.opening(not_possible=[QUIET], on_request=["job_coach"])
    assert opening.offer(QUIET) is Offer.NOT_POSSIBLE
    assert opening.offer("job_coach") is Offer.ON_REQUEST
    assert opening.offer("extra_breaks") is Offer.NOT_STATED
    assert opening_from_record(opening_to_record(opening)) == opening
    assert "not_possible" not in opening_to_record(worlds.opening())  # older records keep their form


@pytest.mark.parametrize(
    "overrides",
    [
        {"not_possible": [QUIET], "offered_to_all": [QUIET]},
        {"not_possible": [QUIET], "on_request": [QUIET]},
        {"not_possible": ["remote_work"], "remote": True, "location": None},
    ],
)
def test_an_accommodation_cannot_be_both_given_and_not_possible(overrides: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as err:
        worlds.opening(**overrides)
    assert err.value.field == "not_possible"


def test_an_unknown_code_in_not_possible_names_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        worlds.opening(not_possible=["telepathy"])
    assert err.value.field == "not_possible" and "unknown accommodation code" in str(err.value)


# ----- the rule and its words


def test_a_not_stated_required_need_of_a_disclosing_client_is_a_question_to_ask() -> None:
    result = explain(needs(discloses=True), worlds.opening())
    assert isinstance(result, Suggestion)
    (asked,) = [r for r in result.reasons if r.code == "ACCOMMODATION_NOT_STATED"]
    assert asked.kind == "concern" and asked.factor == "accommodation"
    assert asked.evidence["accommodations"] == [QUIET]
    assert asked.text.startswith("Not stated by the employer: quiet or low-distraction workspace — ask")
    assert not any(r.code == "ACCOMMODATION_MISSING" for r in result.reasons)


def test_not_possible_excludes_everyone_with_no_way_round_it() -> None:
    for discloses in (True, False):
        result = explain(needs(discloses), worlds.opening(not_possible=[QUIET]))
        assert isinstance(result, Exclusion) and result.codes == (ACC.name,)
        (why,) = result.reasons
        assert "the employer says it is not possible" in why.text
        assert why.feasible_if is None and why.evidence["not_possible"] == [QUIET]


@pytest.mark.parametrize(
    ("opening_kw", "fix"),
    [
        ({"on_request": [QUIET]}, "quiet or low-distraction workspace available on request"),
        ({}, "quiet or low-distraction workspace to ask the employer about"),
    ],
)
def test_without_disclosure_the_exclusion_says_disclosing_would_open_it(
    opening_kw: dict[str, object], fix: str
) -> None:
    result = explain(needs(discloses=False), worlds.opening(**opening_kw))
    assert isinstance(result, Exclusion)
    (why,) = result.reasons
    assert why.feasible_if == f"feasible if the client chose to disclose ({fix})"


def test_preferred_needs_are_worded_by_their_state() -> None:
    client = needs(discloses=False, need="preferred", job_coach="preferred")
    result = explain(client, worlds.opening(not_possible=[QUIET]))
    assert isinstance(result, Suggestion)
    words = {r.evidence["accommodation"]: r.code for r in result.reasons if r.factor == "accommodation"}
    # not stated, for a client who does not disclose: asking would disclose, so it is not suggested
    assert words == {QUIET: "ACCOMMODATION_NOT_POSSIBLE", "job_coach": "ACCOMMODATION_NOT_STATED_UNDISCLOSED"}
    disclosing = explain(needs(discloses=True, need="preferred", job_coach="preferred"), worlds.opening())
    assert isinstance(disclosing, Suggestion)
    asked = [r for r in disclosing.reasons if r.evidence.get("accommodation") == "job_coach"]
    assert [r.code for r in asked] == ["ACCOMMODATION_NOT_STATED"]
    assert "ask the employer" in asked[0].text


def test_the_consider_hint_and_its_disclosure_note_name_the_same_accommodations() -> None:
    # attention above capacity: quiet workspace is not possible here, so it is not suggested
    capacity = dict.fromkeys(worlds.DIMENSIONS, 3) | {"attention": 1}
    client = worlds.client(capacity=capacity)
    opening = worlds.opening(
        demands=dict.fromkeys(worlds.DIMENSIONS, 2) | {"attention": 5},
        not_possible=[QUIET],
        on_request=["extra_breaks"],
    )
    result = explain(client, opening)
    assert isinstance(result, Suggestion)
    (hint,) = [
        r for r in result.reasons if r.code == "SUPPORT_HINT" and r.evidence["dimension"] == "attention"
    ]
    ideas, _, note = hint.text.partition("consider ")[2].partition(" (")
    assert "quiet" not in hint.text
    asked = note.removesuffix(" available on request if the client chooses to disclose)").split(", ")
    assert asked and set(asked) <= set(ideas.split(", "))


# ----- how many exclusions disclosing would open


def test_the_shortlist_counts_what_disclosing_alone_would_open() -> None:
    openings = [
        worlds.opening(id="O-1", employer="Employer 1", on_request=[QUIET]),  # opens
        worlds.opening(id="O-2", employer="Employer 2"),  # opens (not stated: to ask about)
        worlds.opening(id="O-3", employer="Employer 3", not_possible=[QUIET]),  # stays shut
        worlds.opening(
            id="O-4", employer="Employer 4", on_request=[QUIET], hourly_wage=9.0
        ),  # fails the floor too
        worlds.opening(id="O-5", employer="Employer 5", offered_to_all=[QUIET]),  # already fits
    ]
    matcher = Matcher().fit(openings, as_of=AS_OF)
    (hidden,) = matcher.recommend([needs(discloses=False)])
    assert hidden.opened_by_disclosing == 2
    (shown,) = matcher.recommend([needs(discloses=True)])
    assert shown.opened_by_disclosing == 0
    assert {s.opening_id for s in shown.suggestions} == {"O-1", "O-2", "O-5"}


@settings(max_examples=25, **WORLD_SETTINGS)
@given(seed=SEEDS, unstated=st.sampled_from([0.3, 0.7, 1.0]))
def test_the_disclosure_count_is_the_feasible_openings_disclosing_adds(seed: int, unstated: float) -> None:
    world = random_world(seed, n_clients=5, n_openings=20, strict=0.5, unstated=unstated)
    hidden = [dataclasses.replace(c, discloses=False) for c in world.clients]
    shown = [dataclasses.replace(c, discloses=True) for c in world.clients]
    matcher = Matcher().fit(world.openings, as_of=AS_OF)
    before = matcher.score(hidden, blocked=world.blocked).codes
    after = matcher.score(shown, blocked=world.blocked).codes
    k = len(world.openings)
    for explain_all in (True, False):  # every opening scored, or the candidates and the tally
        lists = matcher.recommend(hidden, k=k, blocked=world.blocked, explain_exclusions=explain_all)
        for i, sl in enumerate(lists):
            opened = int(((before[i] != 0) & (after[i] == 0)).sum())
            assert sl.opened_by_disclosing == opened, world.label


# ----- properties


def _required_client(rng: random.Random, client: Client, discloses: bool) -> Client:
    need = dict.fromkeys(rng.sample(ACCOMMODATIONS, rng.randint(1, 3)), Need.REQUIRED)
    return dataclasses.replace(client, accommodations=need, discloses=discloses)


@settings(max_examples=40, **WORLD_SETTINGS)
@given(seed=SEEDS)
def test_a_not_stated_accommodation_never_excludes_a_disclosing_client(seed: int) -> None:
    world = random_world(seed, n_clients=5, n_openings=20, strict=0.3, unstated=0.6)
    rng = random.Random(seed)
    clients = [_required_client(rng, c, discloses=True) for c in world.clients]
    # nothing stated as not possible: every accommodation an opening does not list is not stated
    unstated = [dataclasses.replace(o, not_possible=frozenset()) for o in world.openings]
    matcher = Matcher().fit(unstated, as_of=AS_OF)
    block = matcher.score(clients, blocked=world.blocked)
    assert not (block.codes & np.uint16(ACC)).any(), world.label
    # each pair needing an unstated accommodation asks about it instead
    rows, cols = np.nonzero(np.ones_like(block.codes, dtype=bool))
    asked = unknown_codes_at(block.clients, matcher.index, rows, cols).reshape(block.codes.shape)
    for i, c in enumerate(block.clients.clients):
        for j, o in enumerate(matcher.index.openings):
            needs_unstated = any(o.offer(a) is Offer.NOT_STATED for a in c.accommodations)
            assert bool(asked[i, j] & Unknown.ACCOMMODATION_NOT_STATED) == needs_unstated, world.label
    # and the same pairs with some stated as not possible are excluded exactly there
    matcher = Matcher().fit(world.openings, as_of=AS_OF)
    block = matcher.score(clients, blocked=world.blocked)
    for i, c in enumerate(block.clients.clients):
        for j, o in enumerate(matcher.index.openings):
            stopped = any(a in o.not_possible for a in c.accommodations)
            assert bool(block.codes[i, j] & np.uint16(ACC)) == stopped, world.label


def test_opened_by_disclosing_is_zero_for_a_client_who_discloses() -> None:
    matcher = Matcher().fit([worlds.opening()], as_of=AS_OF)
    block = matcher.score([needs(discloses=True)])
    assert opened_by_disclosing(block.clients, matcher.index, block.codes, 0) == 0


def test_the_count_is_the_same_when_only_the_candidates_within_reach_are_scored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pipeline, "CANDIDATE_SHARE", 1.0)  # a small pool: never fall back to all
    near = [worlds.opening(id=f"N-{i}", employer=f"Near {i}", on_request=[QUIET]) for i in range(3)]
    far_place = {"lat": worlds.CENTRE[0] + 3.0, "lon": worlds.CENTRE[1]}
    far = [
        worlds.opening(id=f"F-{i}", employer=f"Far {i}", on_request=[QUIET], location=far_place)
        for i in range(4)
    ]
    matcher = Matcher().fit([*near, *far], as_of=AS_OF)
    client = needs(discloses=False)
    cols = matcher._candidate_columns([client], None)
    assert cols is not None and len(cols) == len(near)  # the far ones are never scored
    (around,) = matcher.recommend([client], explain_exclusions=False)
    (everywhere,) = matcher.recommend([client], explain_exclusions=True)
    assert around.opened_by_disclosing == everywhere.opened_by_disclosing == len(near)
