"""Interests that O*NET task statements say ("sorting mail"), and short aliases read as acronyms.

The task tests use the real O*NET store (imported from ``../shared/data``, skipped with the
reason when absent): its task statements are what the phrases must meet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from matcher import MatcherConfig
from matcher.assembly import build_matcher
from matcher.interests import opening_areas, resolve_interests, task_interests
from matcher.occupations import OccupationStore
from matcher.outcomes import in_stated_areas, stated_areas
from matcher.types import Opening, Suggestion
from matcher.vocab import load_vocabulary
from tests.matcher import worlds
from tests.real_occupations import real_store_dir

__all__ = ["real_store_dir"]  # a fixture, used by name

VOCAB = load_vocabulary()
CUTOFF = MatcherConfig().scoring.phrase_cutoff


@pytest.fixture(scope="module")
def real(real_store_dir: Path) -> OccupationStore:
    return OccupationStore.load(real_store_dir)


def titled(title: str, **overrides: Any) -> Opening:
    return worlds.opening(**{"title": title, "industry": "", "description": "", **overrides})


def task_codes(phrase: str, store: OccupationStore) -> list[str]:
    kinds = resolve_interests([phrase], VOCAB, CUTOFF, store)
    return [k.occupation.code for k in kinds if k.occupation and k.task]


def suggestions(interests: list[str], store: OccupationStore | None, *jobs: Opening) -> dict[str, Suggestion]:
    matcher = build_matcher(list(jobs), as_of=worlds.AS_OF, occupations=store)
    [shortlist] = matcher.recommend([worlds.client(interests=interests)])
    return {s.opening_id: s for s in shortlist.suggestions}


def match_texts(s: Suggestion) -> list[str]:
    return [r.text for r in s.positives if r.code == "PREFERENCE_MATCH"]


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("sorting mail", "43-5053"),  # Postal Service Mail Sorters: three of their tasks sort mail
        ("stocking shelves", "53-7065"),  # Stockers and Order Fillers
        ("caring for animals", "39-2021"),  # Animal Caretakers (with veterinary occupations)
        ("caring for pets", "39-2021"),  # "pets" is read as the tasks' "animals"
    ],
)
def test_a_phrase_the_tasks_say_names_their_occupation(real: OccupationStore, phrase: str, code: str) -> None:
    assert code in task_codes(phrase, real)


@pytest.mark.parametrize("phrase", ["customer service", "food service", "helping people", "office work"])
def test_a_generic_phrase_names_no_occupation_through_tasks(real: OccupationStore, phrase: str) -> None:
    """Dozens of occupations' tasks say "customer" and "service": no single kind of work is meant."""
    assert task_codes(phrase, real) == []


def test_one_word_is_not_specific_enough_for_a_task(real: OccupationStore) -> None:
    assert task_interests(real).kinds("stocking") == ()  # "stock" is in livestock and stock-market tasks too


def test_one_task_among_many_duties_is_not_the_job(real: OccupationStore) -> None:
    """A receptionist's task sorts mail; the job is not mail sorting."""
    assert "43-4171" not in task_codes("sorting mail", real)


def test_a_phrase_a_task_lists_as_a_topic_is_not_its_work(real: OccupationStore) -> None:
    """Social workers' tasks arrange "support services, such as child care": they do not do child care."""
    assert "21-1021" not in task_codes("child care", real)


def test_the_explanation_says_a_task_bridges_and_quotes_it(real: OccupationStore) -> None:
    sorter = titled("Mail Processing Clerk", id="O-1", onet_soc="43-5053.00")
    cashier = titled("Cashier", id="O-2", onet_soc="41-2011.00")
    found = suggestions(["sorting mail"], real, sorter, cashier)
    [text] = match_texts(found["O-1"])
    assert text.startswith(
        'Matches the client\'s interest "sorting mail": Postal Service Mail Sorters, Processors, and '
        'Processing Machine Operators (O*NET 43-5053), whose tasks say it: "'
    )
    assert "sort mail" in text.lower()
    assert match_texts(found["O-2"]) == []
    assert found["O-1"].factors["preference"] > found["O-2"].factors["preference"]


@pytest.mark.parametrize(
    ("title", "industry", "computers"),
    [
        ("IT Support Specialist", "", True),  # the acronym, capitalised
        ("Help Desk Analyst", "IT Services and IT Consulting", True),
        ("Make It Right Technician", "", False),  # an ordinary word of the title
        ("Sales Associate - Love it Here", "", False),
        ("Warehouse Associate", "Use It Again Thrift", False),
    ],
)
def test_a_two_letter_alias_needs_the_acronym(title: str, industry: str, computers: bool) -> None:
    job = titled(title, industry=industry)
    assert ("computers" in {m.code for m in opening_areas(job, VOCAB)}) is computers


@pytest.mark.parametrize(("title", "in_area"), [("IT Support Analyst", True), ("Make It Right Tech", False)])
def test_a_job_is_in_the_stated_area_computers_only_through_the_acronym(title: str, in_area: bool) -> None:
    """The outcome report's "in a stated area" reads the job's title by the same rule as the shortlist."""
    stated = stated_areas(["computers"], [], VOCAB, score_cutoff=CUTOFF)
    assert in_stated_areas(stated, job_title=title, industry="", vocab=VOCAB, score_cutoff=CUTOFF) is in_area


def test_the_word_it_in_a_title_does_not_meet_an_interest_in_computers() -> None:
    ordinary = titled("Make It Right Technician", id="O-1")
    support = titled("IT Support Specialist", id="O-2")
    found = suggestions(["computers"], None, ordinary, support)
    assert match_texts(found["O-1"]) == []
    assert len(match_texts(found["O-2"])) == 1


@pytest.mark.parametrize(("past_title", "area"), [("Unit Clerk", None), ("IT help", "computers")])
def test_a_two_letter_alias_is_a_whole_word_of_a_typed_phrase(past_title: str, area: str | None) -> None:
    """ "it" inside "unit" is no computer work (rapidfuzz scores a short string inside a word highly)."""
    found = VOCAB.work_areas.resolve([past_title], score_cutoff=CUTOFF)
    assert [m.code for m in found if m.matched == "it"] == ([area] if area else [])
