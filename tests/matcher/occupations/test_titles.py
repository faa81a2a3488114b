"""Title resolution on the tiny release and on the real O*NET + ESCO titles."""

from __future__ import annotations

import pytest

from matcher.occupations import OccupationStore, resolve_title
from matcher.occupations.titles import TitleIndex


def test_exact_and_noisy_titles_resolve(tiny_store: OccupationStore) -> None:
    for title in ("Dishwasher", "dish washer", "Dishwasher PT nights - $15/hr", "DISHWASHERS"):
        found = resolve_title(tiny_store, title)
        assert found[0].code == "35-9021.00", title
        assert found[0].raw == 1.0
        assert found[0].confidence >= 0.8


def test_typo_resolves_with_lower_confidence(tiny_store: OccupationStore) -> None:
    found = resolve_title(tiny_store, "dishwaser")
    assert found[0].code == "35-9021.00"
    assert 0.8 <= found[0].raw < 1.0
    assert found[0].confidence < resolve_title(tiny_store, "dishwasher")[0].confidence


def test_unknown_title_gives_no_candidates(tiny_store: OccupationStore) -> None:
    assert resolve_title(tiny_store, "astronaut") == []
    assert resolve_title(tiny_store, "PT nights $18/hr") == []  # nothing left but noise
    assert resolve_title(tiny_store, "") == []


def test_threshold_and_top_are_respected(tiny_store: OccupationStore) -> None:
    # Only titles sharing a word with the query are scored: "Checker" and "Cashier" are not.
    loose = resolve_title(tiny_store, "dish steward", top=5, min_confidence=0.0)
    assert {c.code for c in loose} == {"35-9021.00", "35-9011.00"}
    assert [c.confidence for c in loose] == sorted((c.confidence for c in loose), reverse=True)
    assert len(resolve_title(tiny_store, "kitchen steward", top=1)) == 1
    strict = resolve_title(tiny_store, "dishwaser", min_confidence=0.99)
    assert strict == []


def test_shared_title_ranks_both_owners(tiny_store: OccupationStore) -> None:
    # "Kitchen Steward" is an alternate title of both kitchen occupations.
    found = resolve_title(tiny_store, "Kitchen Steward", min_confidence=0.0)
    assert {c.code for c in found[:2]} == {"35-9021.00", "35-9011.00"}
    assert all(c.matched == "kitchen steward" for c in found[:2])


def test_part_of_a_title_after_a_separator_resolves(tiny_store: OccupationStore) -> None:
    found = resolve_title(tiny_store, "Cashier / Checker - Downtown store")
    assert found[0].code == "41-2011.00"
    assert found[0].confidence < 1.0  # a part, not the whole title, matched


@pytest.mark.parametrize("title", ["dish washer", "Dishwasher PT nights", "kitchen porter"])
def test_real_titles_resolve_to_dishwashers(real_store: OccupationStore, title: str) -> None:
    found = resolve_title(real_store, title)
    assert found, f"{title!r} resolved to nothing"
    assert found[0].code == "35-9021.00"
    assert found[0].title == "Dishwashers"


def test_kitchen_porter_comes_from_esco(real_store: OccupationStore) -> None:
    onet_only = TitleIndex(real_store, sources=(0, 1, 2))
    top = onet_only.rank("kitchen porter")[0]
    assert real_store.codes[top[0]] != "35-9021.00"  # O*NET alone has no such title
    esco = [real_store.title_texts[i] for i, s in enumerate(real_store.title_source) if s == 3]
    assert "kitchen porter" in esco


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Cashier - weekends", "41-2011.00"),
        ("Janitor (nights)", "37-2011.00"),
        ("Barista PT", "35-3023.01"),
        ("Forklift Operator $19/hr", "53-7051.00"),
        ("Retail Sales Associate", "41-2031.00"),
    ],
)
def test_real_entry_level_titles(real_store: OccupationStore, title: str, code: str) -> None:
    assert resolve_title(real_store, title)[0].code == code


def test_real_nonsense_is_unknown(real_store: OccupationStore) -> None:
    assert resolve_title(real_store, "xyzzy plugh") == []


@pytest.mark.parametrize(
    "title",
    [
        "Peer Specialist",
        "Peer support specialist",
        "Recovery coach",
        "Peer mentor",
        "Certified Peer Recovery Specialist",
    ],
)
def test_real_peer_support_titles_are_human_service_assistants(
    real_store: OccupationStore, title: str
) -> None:
    found = resolve_title(real_store, title)
    assert found[0].code == "21-1093.00"
    assert found[0].confidence >= 0.9
    # the confidences of one title are probabilities: a second guess gets what the first leaves
    assert sum(c.confidence for c in found) <= 1.0 + 1e-9
    assert "27-2022.00" not in {c.code for c in found}  # not Coaches and Scouts
    assert "15-1232.00" not in {c.code for c in found}  # not Computer User Support Specialists


def test_real_curated_entry_level_synonyms(real_store: OccupationStore) -> None:
    assert resolve_title(real_store, "Warehouse associate")[0].code == "53-7062.00"
    assert resolve_title(real_store, "Stock associate")[0].code == "53-7065.00"
    assert resolve_title(real_store, "Crew member")[0].code == "35-3023.00"


def test_real_ambiguous_title_is_less_confident_than_a_unique_one(real_store: OccupationStore) -> None:
    # "Cashier" is an O*NET title of Cashiers and of Gambling Change Persons and Booth Cashiers.
    shared = resolve_title(real_store, "Cashier")
    unique = resolve_title(real_store, "Registered Nurse")
    assert shared[0].raw == unique[0].raw == 1.0
    assert shared[0].confidence < unique[0].confidence
