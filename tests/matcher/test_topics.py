"""Avoidance topics: a keyword naming a topic expands through it; other keywords match by stems.

The vocabulary is ``data/avoidance_topics.csv`` (``docs/avoidance.md``); the engine's table is
``OpeningIndex.topic_hits``; the reference (``tests/matcher/reference.py``) checks pair by pair.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Matcher
from matcher.constraints import flag_names
from matcher.demo import DEMO_AS_OF, demo_clients_and_openings
from matcher.topics import stems, topic_named
from matcher.types import Client, Exclusion, Opening
from matcher.vocab import load_vocabulary
from tests.matcher import worlds
from tests.matcher.reference import Reference

TOPICS = load_vocabulary().avoidance_topics
ONET = Path(__file__).resolve().parents[3] / "shared" / "data" / "onet_29_0_text" / "Occupation Data.txt"


def keyword_excluded(client: Client, opening: Opening) -> bool:
    matcher = Matcher().fit([opening], as_of=worlds.AS_OF)
    return "EXCLUDED_KEYWORD" in flag_names(int(matcher.score([client]).codes[0, 0]))


def avoiding(*keywords: str) -> Client:
    return worlds.client(exclusions={"keywords": list(keywords)})


def test_the_vocabulary_covers_what_people_commonly_avoid() -> None:
    codes = {t.code for t in TOPICS}
    assert {
        "alcohol",
        "gambling",
        "cash_handling",
        "driving",
        "night_work",
        "heights",
        "children",
        "firearms",
        "heavy_lifting",
        "food_handling",
        "chemicals",
    } <= codes
    assert all(t.keywords and t.job_words for t in TOPICS)


@pytest.mark.skipif(not ONET.exists(), reason="needs ../shared/data/onet_29_0_text (O*NET 29.0)")
def test_every_onet_code_is_a_real_occupation() -> None:
    with ONET.open(encoding="utf-8") as fh:
        titles = {r["O*NET-SOC Code"][:7]: r["Title"] for r in csv.DictReader(fh, delimiter="\t")}
    missing = {(t.code, c) for t in TOPICS for c in t.onet_soc if c not in titles}
    assert not missing
    assert titles["35-3011"] == "Bartenders"  # the codes mean what the topics say


@pytest.mark.parametrize(
    ("keyword", "topic"),
    [
        ("alcohol", "alcohol"),
        ("Alchohol", "alcohol"),  # a near spelling
        ("bars", "alcohol"),
        ("casinos", "gambling"),
        ("Night shift", "night_work"),
        ("lifting", "heavy_lifting"),
        ("cashier", "cash_handling"),
        ("working with children", "children"),
        ("dog", None),
        ("gun", "firearms"),
        ("fun", None),  # short words are not read as near spellings
    ],
)
def test_a_keyword_names_a_topic_by_stems_or_near_spelling(keyword: str, topic: str | None) -> None:
    at = topic_named(keyword, TOPICS)
    assert (None if at is None else TOPICS[at].code) == topic


@pytest.mark.parametrize(
    ("keyword", "opening", "excluded"),
    [
        (
            "alcohol",
            {"title": "Bartender", "employer": "Blue Door Bar", "description": "Serve guests."},
            True,
        ),
        ("alcohol", {"title": "Host", "employer": "Old Town Tavern"}, True),
        ("alcohol", {"title": "Stock Clerk", "description": "Stock beer and wine coolers."}, True),
        ("alcohol", {"title": "Cook", "onet_soc": "35-3011.00", "description": "Cook."}, True),
        (
            "alcohol",
            {"title": "Barista", "employer": "Bean Street Coffee Bar", "description": "Make coffee."},
            False,
        ),
        ("gambling", {"title": "Cashier", "employer": "Lucky Star Casino", "description": "Cash out."}, True),
        ("driving", {"title": "Delivery Driver", "description": "Deliver parcels."}, True),
        ("driving", {"title": "Crew Member", "description": "Take orders at the drive-thru."}, False),
        ("driving", {"title": "Dishwasher", "description": "No driving required."}, False),
        ("driving", {"title": "Driver", "description": "Weekly routes."}, True),
        ("driving", {"title": "Analyst", "description": "Be a key driver of growth."}, False),  # title only
        ("alcohol", {"title": "Helper", "description": "Drug and alcohol testing applies."}, False),
        ("heavy lifting", {"title": "Packer", "description": "Lift up to 50 lbs."}, True),
        ("heavy lifting", {"title": "Packer", "description": "No heavy lifting."}, False),
        ("strong smells", {"title": "Helper", "industry": "janitorial", "description": "Tidy up."}, True),
        ("food handling", {"title": "Dishwasher", "industry": "restaurant"}, True),
        ("food handling", {"title": "File Clerk", "industry": "office", "description": "File."}, False),
        ("children", {"title": "Aide", "onet_soc": "39-9011.00", "description": "Help out."}, True),
    ],
)
def test_a_topic_rules_out_what_matches_its_terms(
    keyword: str, opening: dict[str, str], excluded: bool
) -> None:
    assert keyword_excluded(avoiding(keyword), worlds.opening(**opening)) is excluded


@pytest.mark.parametrize(
    ("keyword", "description", "excluded"),
    [
        ("dogs", "Walk the dog.", True),  # plain words compare stems both ways
        ("painting", "Paint the fences.", True),
        ("fences", "Mend a fence.", True),
        ("painting", "Mop the floors.", False),
        ("friendly team", "A friendly and small team.", True),  # every word, anywhere
    ],
)
def test_plain_keywords_match_as_stemmed_words(keyword: str, description: str, excluded: bool) -> None:
    assert topic_named(keyword, TOPICS) is None
    got = keyword_excluded(avoiding(keyword), worlds.opening(description=description, employer="Acme"))
    assert got is excluded


def test_the_explanation_names_what_matched() -> None:
    opening = worlds.opening(title="Bartender", employer="Blue Door Bar", description="Serve guests.")
    matcher = Matcher().fit([opening], as_of=worlds.AS_OF)
    got = matcher.explain(avoiding("alcohol", "diner"), opening.id)
    assert isinstance(got, Exclusion)
    (reason,) = [r for r in got.reasons if r.code == "EXCLUDED_KEYWORD"]
    assert reason.text == "Bartender is an alcohol-serving job: the client avoids alcohol"
    assert reason.evidence["topics"] == {"alcohol": {"where": "title", "term": "Bartender"}}

    tavern = worlds.opening(title="Host", employer="Old Town Tavern", description="Greet guests.")
    got = Matcher().fit([tavern], as_of=worlds.AS_OF).explain(avoiding("bars", "host"), tavern.id)
    assert isinstance(got, Exclusion)
    assert got.reasons[0].text == (
        "Mentions a word the client wants to avoid: host; "
        'Host is an alcohol-serving job (employer "Old Town Tavern"): the client avoids alcohol'
    )


def test_the_demo_client_who_avoids_alcohol_never_gets_the_bartender_job() -> None:
    """The issue's case: "Bartender at Blue Door Bar" was the first suggestion of such a client."""
    clients, openings = demo_clients_and_openings()
    first = Matcher().fit(openings, as_of=DEMO_AS_OF).recommend(clients, k=1, explain_exclusions=False)
    client, top = next((c, sl.suggestions[0]) for c, sl in zip(clients, first, strict=True) if sl.suggestions)
    like = next(o for o in openings if o.id == top.opening_id)
    bartender = dataclasses.replace(
        like,
        id="BAR-1",
        title="Bartender",
        employer="Blue Door Bar",
        description="Pour drinks and keep the counter clean.",
        onet_soc="35-3011.00",
    )
    matcher = Matcher().fit([*openings, bartender], as_of=DEMO_AS_OF)
    before = matcher.recommend([client], k=50, explain_exclusions=False)[0]
    assert "BAR-1" in {s.opening_id for s in before.suggestions}  # feasible for them otherwise

    sober = dataclasses.replace(client, excluded_keywords=("alcohol",))
    after = matcher.recommend([sober], k=len(openings) + 1)[0]
    assert "BAR-1" not in {s.opening_id for s in after.suggestions}
    (why,) = [e for e in after.exclusions if e.opening_id == "BAR-1"]
    assert why.codes == ("EXCLUDED_KEYWORD",)
    assert why.reasons[0].text.startswith("Bartender is an alcohol-serving job")
    # and no demo opening of the topic is suggested either (bar backs, taverns, ...)
    by_id = {o.id: o for o in openings}
    ref = Reference(as_of=DEMO_AS_OF, text_model=matcher.text_model, config=matcher.config)  # type: ignore[arg-type]
    assert not [
        s.opening_id
        for s in after.suggestions
        if s.opening_id in by_id and ref.avoids("alcohol", by_id[s.opening_id])
    ]
    assert any(ref.avoids("alcohol", o) for o in openings)  # the demo world has such openings


# ----- the property: a topic never excludes an opening that matches none of its terms

_TERM_WORDS = sorted(
    {w for t in TOPICS for k in t.keywords for w in k.removeprefix("title:").lower().split()}
)
_TERM_WORDS += sorted({w for t in TOPICS for e in t.exceptions for w in e.split()})
_FILLER = ["wash", "floors", "friendly", "team", "shelves", "customers", "greet", "pack", "boxes", "coffee"]
_WORDS = st.sampled_from([*_TERM_WORDS, *_FILLER, "no", "not"])
_TEXT = st.lists(_WORDS, max_size=8).map(" ".join)
_SOCS = st.sampled_from([None, "35-9021.00", "41-2031.00", *{c + ".00" for t in TOPICS for c in t.onet_soc}])
_INDUSTRIES = st.sampled_from(
    ["restaurant", "retail", "warehouse", "janitorial", "transportation", "office", ""]
)


def _matches_a_term(topic_at: int, o: Opening) -> bool:
    """Any of the topic's phrases anywhere (negated or not), its occupations or its industries."""
    topic = TOPICS[topic_at]
    ref = Reference(as_of=worlds.AS_OF, text_model=None)  # type: ignore[arg-type]  # text unused
    code = ref.industry(o.industry)
    if (o.onet_soc or "")[:7] in topic.onet_soc or (
        code >= 0 and ref.vocab.industries.codes[code] in topic.industries
    ):
        return True
    text = " ".join(stems(f"{o.title} {o.industry} {o.description} {o.employer}"))
    return any(f" {' '.join(stems(k.removeprefix('title:')))} " in f" {text} " for k in topic.keywords)


@settings(max_examples=120, deadline=None)
@given(
    topic_at=st.integers(0, len(TOPICS) - 1),
    title=_TEXT,
    description=_TEXT,
    employer=_TEXT,
    soc=_SOCS,
    industry=_INDUSTRIES,
)
def test_topics_never_exclude_an_opening_matching_none_of_their_terms(
    topic_at: int, title: str, description: str, employer: str, soc: str | None, industry: str
) -> None:
    topic = TOPICS[topic_at]
    opening = worlds.opening(
        title=title or "Helper",
        description=description,
        employer=employer or "Acme",
        onet_soc=soc,
        industry=industry,
    )
    client = avoiding(topic.label)
    matcher = Matcher().fit([opening], as_of=worlds.AS_OF)
    got = "EXCLUDED_KEYWORD" in flag_names(int(matcher.score([client]).codes[0, 0]))
    if not _matches_a_term(topic_at, opening):
        assert not got, f"{topic.code} excluded {opening}"
    assert matcher.text_model is not None
    ref = Reference(as_of=worlds.AS_OF, text_model=matcher.text_model)
    assert got == ("EXCLUDED_KEYWORD" in ref.failed(client, opening, 0.0, ())), "engine and reference differ"


def test_the_docs_list_every_topic_with_its_occupations() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "avoidance.md").read_text(encoding="utf-8")
    for t in TOPICS:
        assert f"(`{t.code}`)" in page, t.code
        assert all(c in page for c in t.onet_soc), t.code
