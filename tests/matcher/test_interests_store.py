"""Interests that name an occupation, resolved through the occupation store when the engine has one.

A tiny synthetic O*NET release (``tests.matcher.occupations.synthetic``) checks the engine end
to end; the real O*NET store (imported from ``../shared/data``, skipped with the reason when
absent) checks the phrases specialists record.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from matcher import MatcherConfig
from matcher.assembly import build_matcher
from matcher.interests import agent_forms, interest_fit, occupation_interests, resolve_interests
from matcher.occupations import OccupationStore, import_onet
from matcher.rematch.chunks import score_chunk
from matcher.rematch.context import ScoringContext
from matcher.types import Opening, Suggestion
from matcher.vocab import load_vocabulary
from tests.matcher import worlds
from tests.matcher.occupations import synthetic
from tests.real_occupations import real_store_dir

__all__ = ["real_store_dir"]  # a fixture, used by name

VOCAB = load_vocabulary()
CUTOFF = MatcherConfig().scoring.phrase_cutoff


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> OccupationStore:
    """Dishwashers ("Pot Washer"), dining attendants, Cashiers, Software Developers ("Programmer")."""
    release = synthetic.write_release(tmp_path_factory.mktemp("onet") / "release")
    store = tmp_path_factory.mktemp("store") / "occupations"
    import_onet([release], store)
    return OccupationStore.load(store)


@pytest.fixture(scope="module")
def real(real_store_dir: Path) -> OccupationStore:
    return OccupationStore.load(real_store_dir)


def titled(title: str, **overrides: Any) -> Opening:
    return worlds.opening(**{"title": title, "industry": "", "description": "", **overrides})


def codes(phrase: str, store: OccupationStore) -> list[str]:
    return [k.occupation.code for k in resolve_interests([phrase], VOCAB, CUTOFF, store) if k.occupation]


def suggestions(
    interests: list[str], store: OccupationStore | None, *openings: Opening
) -> dict[str, Suggestion]:
    matcher = build_matcher(list(openings), as_of=worlds.AS_OF, occupations=store)
    [shortlist] = matcher.recommend([worlds.client(interests=interests)])
    return {s.opening_id: s for s in shortlist.suggestions}


def match_texts(s: Suggestion) -> list[str]:
    return [r.text for r in s.positives if r.code == "PREFERENCE_MATCH"]


def test_agent_forms_name_the_job_an_activity_is() -> None:
    assert agent_forms("welding")[:2] == ["welding", "welder"]
    assert "phlebotomist" in agent_forms("phlebotomy")
    assert "carpenter" in agent_forms("carpentry")
    assert "web designer" in agent_forms("web design")


def test_a_phrase_naming_no_area_resolves_to_the_occupation_of_its_title(tiny: OccupationStore) -> None:
    assert resolve_interests(["programming"], VOCAB, CUTOFF) == ()  # no work area, no store: nothing
    assert codes("programming", tiny) == ["15-1252"]  # "Programmer", an alternate title
    assert codes("pot washing", tiny) == ["35-9021"]  # "Pot Washer"


def test_a_phrase_the_work_areas_resolve_does_not_ask_the_store(tiny: OccupationStore) -> None:
    with_store = resolve_interests(["stocking", "bussing"], VOCAB, CUTOFF, tiny)
    assert with_store == resolve_interests(["stocking", "bussing"], VOCAB, CUTOFF)


def test_openings_of_the_named_occupation_meet_the_interest_and_say_how(tiny: OccupationStore) -> None:
    programmer = titled("Junior Programmer", id="O-1")  # the store infers 15-1252 from the title
    cashier = titled("Cashier", id="O-2")
    found = suggestions(["programming"], tiny, programmer, cashier)
    assert match_texts(found["O-1"]) == [
        'Matches the client\'s interest "programming": Software Developers (O*NET 15-1252)'
    ]
    assert match_texts(found["O-2"]) == []
    assert found["O-1"].factors["preference"] > found["O-2"].factors["preference"]
    for s in found.values():  # the displayed points still add up exactly to the displayed score
        assert round(sum(s.contributions.values()), 2) == s.score


def test_without_a_store_the_engine_works_as_before() -> None:
    coded = titled("Junior Programmer", id="O-1", onet_soc="15-1252.00")
    found = suggestions(["programming"], None, coded)
    assert match_texts(found["O-1"]) == []


def test_the_nightly_run_scores_interests_as_the_shortlist_does(tiny: OccupationStore) -> None:
    jobs = [titled("Junior Programmer", id="O-1"), titled("Cashier", id="O-2")]
    matcher = build_matcher(jobs, as_of=worlds.AS_OF, occupations=tiny)
    client = worlds.client(interests=["programming"])
    rows = score_chunk(ScoringContext.from_matcher(matcher), [client]).rows
    nightly = {r["opening_id"]: (r["score"], r["contrib_preference"]) for r in rows.to_dict("records")}
    [shortlist] = matcher.recommend([client])
    assert nightly == {s.opening_id: (s.score, s.contributions["preference"]) for s in shortlist.suggestions}
    assert nightly["O-1"][1] > nightly["O-2"][1]


def test_each_phrase_is_resolved_once_per_store(tiny: OccupationStore) -> None:
    resolver = occupation_interests(tiny)
    assert occupation_interests(tiny) is resolver
    first = resolver.kinds("programming")
    assert resolver.kinds("programming") is first


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        ("phlebotomy", "31-9097"),  # Phlebotomists (with "All Other" healthcare support, which ties)
        ("bookkeeping", "43-3031"),
        ("welding", "51-4121"),
        ("bartending", "35-3011"),
        ("pharmacy tech", "29-2052"),
        ("massage", "31-9011"),  # no title is "massage": most titles with the word are therapists'
    ],
)
def test_real_occupation_phrases(real: OccupationStore, phrase: str, code: str) -> None:
    assert codes(phrase, real)[0] == code


@pytest.mark.parametrize("phrase", ["teaching", "social work", "fitness", "quiet places"])
def test_a_family_of_occupations_or_a_near_title_names_none(real: OccupationStore, phrase: str) -> None:
    """ "teaching" ties 24 kinds of teacher; "fitness" is only near "fitness model": no bridge is invented."""
    assert codes(phrase, real) == []


def test_the_occupation_itself_meets_the_interest_not_its_neighbours(real: OccupationStore) -> None:
    phlebotomist = titled("Phlebotomist PRN", onet_soc="31-9097.00")
    nurse = titled("Registered Nurse", onet_soc="29-1141.00")
    found = interest_fit(VOCAB, CUTOFF, "phlebotomy", phlebotomist, occupations=real)
    assert found is not None and found.occupation is not None
    assert (found.occupation.code, found.occupation.title) == ("31-9097", "Phlebotomists")
    assert interest_fit(VOCAB, CUTOFF, "phlebotomy", nurse, occupations=real) is None
