"""Inferred opening demands/skills and client strengths from O*NET occupations."""

from __future__ import annotations

import dataclasses

import pytest

from matcher.occupations import (
    DIMENSION_SOURCES,
    OccupationStore,
    enrich_clients,
    enrich_openings,
    infer_strengths,
    occupation_demands,
    occupation_phrases,
)
from matcher.records import (
    client_from_record,
    client_to_record,
    opening_from_record,
    opening_to_record,
)
from matcher.types import Opening
from matcher.vocab import load_vocabulary
from tests.matcher import worlds


def _bare_opening(**overrides: object) -> Opening:
    """An opening without liaison demands or skills, unless given."""
    return worlds.opening(**{"demands": {}, "required_skills": [], **overrides})


def test_demands_follow_the_documented_mapping(tiny_store: OccupationStore) -> None:
    # Attention comes from Work Style "Attention to Detail" alone: its percentile
    # rank among the 4 occupations (3.5 < 3.6 < 3.9 < 4.6) mapped to 1 + 4 * p.
    ranks = {"35-9021.00": 0.125, "35-9011.00": 0.375, "41-2011.00": 0.625, "15-1252.00": 0.875}
    for code, p in ranks.items():
        assert occupation_demands(tiny_store, code)["attention"] == int(1 + 4 * p + 0.5)
    # Complexity averages Job Zone, Complex Problem Solving level and Analytical Thinking.
    dev = occupation_demands(tiny_store, "15-1252.00")
    assert dev["complexity"] == round((4 + (1 + 4 * 0.875) + (1 + 4 * 0.875)) / 3)
    assert "stamina" not in dev  # never derived from O*NET
    assert set(dev) == set(DIMENSION_SOURCES)


def test_mapping_uses_the_engine_vocabulary() -> None:
    vocab = load_vocabulary()
    assert set(DIMENSION_SOURCES) == set(vocab.dimensions) - {"stamina"}


def test_enrich_fills_unrated_demands_and_marks_them(tiny_store: OccupationStore) -> None:
    opening = _bare_opening(title="Dishwasher", demands={"pace": 5, "attention": 4})
    (out,) = enrich_openings([opening], tiny_store)
    expected = occupation_demands(tiny_store, "35-9021.00")
    assert out.onet_soc == "35-9021.00"
    assert out.demands["pace"] == 5 and out.demands["attention"] == 4  # liaison values win
    assert out.inferred_demands == frozenset(expected) - {"pace", "attention"}
    for dim in out.inferred_demands:
        assert out.demands[dim] == expected[dim]


def test_enrich_fills_skills_and_riasec_only_when_absent(tiny_store: OccupationStore) -> None:
    (bare,) = enrich_openings([_bare_opening(title="Cashier")], tiny_store)
    assert bare.skills_inferred
    assert bare.preferred_skills == ("Service Orientation", "Process sales or other transactions")
    assert bare.riasec == (3.0, 1.0, 1.0, 3.0, 3.5, 6.0)
    given = worlds.opening(title="Cashier", required_skills=["cash handling"], riasec=[1, 2, 3, 4, 5, 6])
    (kept,) = enrich_openings([given], tiny_store)
    assert kept.required_skills == ("cash handling",) and kept.preferred_skills == ()
    assert not kept.skills_inferred
    assert kept.riasec == (1.0, 2.0, 3.0, 4.0, 5.0, 6.0)


def test_given_code_wins_over_title(tiny_store: OccupationStore) -> None:
    (out,) = enrich_openings([_bare_opening(title="Dishwasher", onet_soc="41-2011")], tiny_store)
    assert out.onet_soc == "41-2011"  # the liaison's code is kept as given
    assert out.demands == occupation_demands(tiny_store, "41-2011.00")


def test_unknown_title_or_code_leaves_opening_unchanged(tiny_store: OccupationStore) -> None:
    unknown = _bare_opening(title="Astronaut")
    foreign = _bare_opening(title="Dishwasher", onet_soc="99-9999.00")
    assert enrich_openings([unknown, foreign], tiny_store) == [unknown, foreign]


def test_fully_rated_opening_gains_no_inferred_demands(tiny_store: OccupationStore) -> None:
    opening = worlds.opening()  # every dimension rated by the liaison
    (out,) = enrich_openings([opening], tiny_store)
    assert out.demands == opening.demands
    assert out.inferred_demands == frozenset()
    assert out.required_skills == opening.required_skills and not out.skills_inferred


def test_enriched_records_stay_valid(tiny_store: OccupationStore) -> None:
    (out,) = enrich_openings([_bare_opening(title="Dishwasher")], tiny_store)
    assert opening_from_record(opening_to_record(out)) == out
    (client,) = enrich_clients([worlds.client(past_titles=["dishwasher"])], tiny_store)
    assert client_from_record(client_to_record(client)) == client


def test_client_strengths_from_past_dishwasher_title(tiny_store: OccupationStore) -> None:
    client = worlds.client(past_titles=["Dishwasher"], strengths=[], riasec=None)
    (out,) = enrich_clients([client], tiny_store)
    assert out.inferred_strengths == ("Clean tableware", "Clean food preparation areas")
    assert out.riasec is None  # never inferred for a person
    assert dataclasses.replace(out, inferred_strengths=()) == client


def test_client_strengths_skip_own_and_removed_phrases(tiny_store: OccupationStore) -> None:
    client = worlds.client(id="C-9", past_titles=["Dishwasher", "Cashier"], strengths=["clean tableware"])
    (out,) = enrich_clients([client], tiny_store, removed={"C-9": ["Service Orientation"]})
    assert "Clean tableware" not in out.inferred_strengths
    assert "Service Orientation" not in out.inferred_strengths
    # titles take turns (dishwasher, cashier, dishwasher, ...); own strengths drop out after
    assert out.inferred_strengths[:2] == (
        "Process sales or other transactions",
        "Clean food preparation areas",
    )
    (capped,) = enrich_clients([client], tiny_store, limit=1)
    assert len(capped.inferred_strengths) == 1


def test_client_without_resolvable_titles_is_unchanged(tiny_store: OccupationStore) -> None:
    client = worlds.client(past_titles=["astronaut"], inferred_strengths=["kept"])
    assert enrich_clients([client], tiny_store) == [client]


def test_infer_strengths_names_the_source(tiny_store: OccupationStore) -> None:
    found = infer_strengths(tiny_store, ["cashier"])
    assert {(s.kind, s.code, s.source_title) for s in found} == {
        ("activity", "41-2011.00", "cashier"),
        ("skill", "41-2011.00", "cashier"),
    }


def test_real_dishwasher_opening_and_client(real_store: OccupationStore) -> None:
    (opening,) = enrich_openings([_bare_opening(title="Dishwasher PT nights")], real_store)
    assert opening.onet_soc == "35-9021.00"
    assert opening.inferred_demands and opening.inferred_demands <= set(opening.demands)
    assert opening.demands["complexity"] <= 2  # Job Zone 1 work
    assert opening.skills_inferred and any("tableware" in s for s in opening.preferred_skills)
    (client,) = enrich_clients([worlds.client(past_titles=["dishwasher"])], real_store)
    assert "Clean tableware" in client.inferred_strengths


@pytest.mark.parametrize(("low", "high"), [("35-9021.00", "29-1141.00"), ("41-2011.00", "11-1011.00")])
def test_real_complexity_orders_jobs_sensibly(real_store: OccupationStore, low: str, high: str) -> None:
    assert (
        occupation_demands(real_store, low)["complexity"] < occupation_demands(real_store, high)["complexity"]
    )


def test_real_phrases_avoid_ubiquitous_technology(real_store: OccupationStore) -> None:
    for code in ("41-2011.00", "43-4051.00", "29-1141.00"):
        assert "Microsoft Excel" not in occupation_phrases(real_store, code).technology


def test_engine_explanations_say_what_was_inferred(tiny_store: OccupationStore) -> None:
    from matcher import Matcher, MatcherConfig
    from matcher.types import Suggestion

    (opening,) = enrich_openings([_bare_opening(title="Dishwasher")], tiny_store)
    low = dict.fromkeys(load_vocabulary().dimensions, 1)
    client = worlds.client(past_titles=["Dishwasher"], strengths=[], capacity=low)
    (client,) = enrich_clients([client], tiny_store)
    result = Matcher(config=MatcherConfig()).fit([opening], as_of=worlds.AS_OF).explain(client, opening.id)
    assert isinstance(result, Suggestion)
    texts = [r.text for r in result.reasons]
    assert any("inferred from the O*NET occupation" in t for t in texts), texts
    assert any("inferred from work history" in t for t in texts), texts


def test_real_warehouse_associate_infers_only_what_most_do(real_store: OccupationStore) -> None:
    found = infer_strengths(real_store, ["Warehouse associate"])
    phrases = [s.phrase for s in found]
    assert "Move materials, equipment, or supplies" in phrases
    assert not any("cranes" in p.lower() or "hoist" in p.lower() for p in phrases)
    assert not any(p in {"Autodesk AutoCAD", "Google Docs", "Microsoft Excel"} for p in phrases)
    for s in found:
        assert s.code == "53-7062.00" and s.evidence
        assert 0.0 < s.confidence <= 1.0
    activity = next(s for s in found if s.kind == "activity")
    assert "core task" in activity.evidence


def test_real_peer_specialist_strengths_are_human_services(real_store: OccupationStore) -> None:
    found = infer_strengths(real_store, ["Peer support specialist"])
    assert {s.code for s in found} == {"21-1093.00"}
    phrases = {s.phrase for s in found}
    assert "Social Perceptiveness" in phrases
    assert not any("diagnostic tests" in p for p in phrases)  # linked to one core task, foreign to the family


def test_real_inferred_technology_is_in_demand_and_not_an_office_tool(real_store: OccupationStore) -> None:
    from matcher.occupations.profile import office_tool, technology_share

    share = technology_share(real_store)
    for code in ("15-1252.00", "29-1141.00", "43-4051.00", "53-7062.00"):
        row = real_store.row(code)
        techs = {t.example: t for t in real_store.technology[row]}
        for example in occupation_phrases(real_store, code).technology:
            assert techs[example].demand and not office_tool(techs[example], share)
