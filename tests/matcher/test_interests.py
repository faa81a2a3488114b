"""Interests that find their jobs: phrases resolved to kinds of work, once per client, and named."""

from __future__ import annotations

from typing import Any

import pytest

from matcher import Matcher, MatcherConfig, features
from matcher.features import clients as client_features
from matcher.interests import interest_fit, resolve_interests
from matcher.types import Opening, Suggestion
from matcher.vocab import load_vocabulary
from tests.matcher import worlds

VOCAB = load_vocabulary()
CUTOFF = MatcherConfig().scoring.phrase_cutoff


def titled(title: str, **overrides: Any) -> Opening:
    """An opening known only by its title (and what ``overrides`` add), as a job board gives it."""
    return worlds.opening(**{"title": title, "industry": "", "description": "", **overrides})


def fits(interest: str, opening: Opening) -> bool:
    return interest_fit(VOCAB, CUTOFF, interest, opening) is not None


@pytest.mark.parametrize(
    ("interest", "title"),
    [
        ("stocking", "Shelf Stocker"),
        ("stocking", "Stock Associate"),
        ("animal care", "Kennel Assistant"),
        ("animal care", "Veterinary Assistant"),
        ("computors", "IT Support Technician"),  # misspellings still land
        ("aminals", "Kennel Attendant"),
        ("wearhouse work", "Warehouse Associate"),
        ("stockin shelfs", "Overnight Stocker"),
    ],
)
def test_an_interest_meets_the_jobs_of_its_kind(interest: str, title: str) -> None:
    assert fits(interest, titled(title))


@pytest.mark.parametrize(
    ("interest", "title"),
    [
        ("stocking", "Front Desk Receptionist"),
        ("stocking", "Porter"),
        ("driving", "RN - Labor & Delivery"),  # a word in common is not the kind of work
        ("security", "Senior IT Security Engineer"),
        ("warehouse", "Kennel Assistant"),
    ],
)
def test_an_interest_does_not_meet_other_kinds_of_work(interest: str, title: str) -> None:
    assert not fits(interest, titled(title))


@pytest.mark.parametrize("interest", ["astronomy", "space exploration", "nothing really"])
def test_an_interest_that_names_no_kind_of_work_gives_no_fit(interest: str) -> None:
    assert resolve_interests([interest], VOCAB, CUTOFF) == ()
    titles = ["Shelf Stocker", "Kennel Assistant", "Line Cook", "IT Support Technician", "Janitor"]
    assert not any(fits(interest, titled(t)) for t in titles)


def test_the_occupation_code_bridges_a_title_without_the_words() -> None:
    """An opening's O*NET-SOC code (given, or inferred by the occupation store) is a kind of work."""
    plain = titled("Overnight Team Member")
    coded = titled("Overnight Team Member", onet_soc="53-7065.00")
    assert not fits("stocking", plain)
    found = interest_fit(VOCAB, CUTOFF, "stocking", coded)
    assert found is not None and found.occupation is not None
    assert found.occupation.code == "53-7065"


def suggest(interests: list[str], *openings: Opening) -> list[Suggestion]:
    client = worlds.client(interests=interests)
    shortlist = Matcher().fit(list(openings), as_of=worlds.AS_OF).recommend([client])[0]
    return list(shortlist.suggestions)


def match_texts(s: Suggestion) -> list[str]:
    return [r.text for r in s.positives if r.code == "PREFERENCE_MATCH"]


def test_the_explanation_names_the_bridge() -> None:
    coded = titled("Overnight Team Member", id="O-1", onet_soc="53-7065.00")
    worded = titled("Shelf Stocker", id="O-2")
    both = titled("Shelf Stocker", id="O-3", employer="Harvest Market", onet_soc="53-7065.00")
    by_id = {s.opening_id: s for s in suggest(["stocking"], coded, worded, both)}
    assert match_texts(by_id["O-1"]) == [
        'Matches the client\'s interest "stocking": stockers and order fillers (O*NET 53-7065)'
    ]
    assert match_texts(by_id["O-2"]) == [
        'Matches the client\'s interest "stocking": Stocking and shelving ("Stocker" in the job)'
    ]
    assert match_texts(by_id["O-3"]) == [
        'Matches the client\'s interest "stocking": stockers and order fillers (O*NET 53-7065), '
        '"Stocker" in the job'
    ]
    for s in by_id.values():  # the displayed points still add up exactly to the displayed score
        assert round(sum(s.contributions.values()), 2) == s.score


def test_preference_fit_ranks_the_kind_of_work_the_client_asked_for_first() -> None:
    jobs = [
        titled("Porter", id="O-1"),
        titled("Front Desk Receptionist", id="O-2"),
        titled("Shelf Stocker", id="O-3"),
    ]
    ranked = suggest(["stocking"], *jobs)
    assert ranked[0].opening_id == "O-3"
    assert ranked[0].factors["preference"] > max(s.factors["preference"] for s in ranked[1:])


def test_interests_are_resolved_once_per_client_not_per_opening(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, ...]] = []
    real = client_features.resolve_interests

    def counted(phrases: tuple[str, ...], *args: Any) -> Any:
        calls.append(tuple(phrases))
        return real(phrases, *args)

    monkeypatch.setattr(client_features, "resolve_interests", counted)
    people = [worlds.client(id="C-1", interests=["stocking"]), worlds.client(id="C-2", interests=["cooking"])]
    for n in (1, 30):
        jobs = [titled(f"Shelf Stocker {j}", id=f"O-{j}") for j in range(n)]
        matcher = Matcher().fit(jobs, as_of=worlds.AS_OF)
        calls.clear()
        batch = features.build_clients(
            people, matcher.index, vocab=matcher.vocab, config=matcher.config, text_model=matcher.text_model
        )
        assert calls == [("stocking",), ("cooking",)]
        assert [k.area for k in batch.interest_kinds[0]] == ["stocking"]


def test_same_input_same_output() -> None:
    jobs = [
        titled("Shelf Stocker", id="O-1"),
        titled("Stock Associate", id="O-2"),
        titled("Porter", id="O-3"),
    ]
    first = suggest(["stocking", "computors"], *jobs)
    again = suggest(["stocking", "computors"], *reversed(jobs))
    assert [(s.opening_id, s.score, [r.text for r in s.reasons]) for s in first] == [
        (s.opening_id, s.score, [r.text for r in s.reasons]) for s in again
    ]


def test_an_employer_in_the_interests_field_meets_it_but_not_an_activity() -> None:
    """ "retail" is a field: any job at a grocery is in it; "cooking" is an activity a host does not do."""
    grocery = titled("Team Member", id="O-1", industry="Grocery", employer="Harvest Market")
    restaurant = titled("Restaurant Host", id="O-2", industry="Restaurant")
    [retail] = suggest(["retail"], grocery)
    assert match_texts(retail) == [
        "Matches the client's interest \"retail\": Retail and sales, the employer's industry (Retail)"
    ]
    [host] = suggest(["cooking"], restaurant)
    assert match_texts(host) == []
    assert host.factors["preference"] < retail.factors["preference"]
