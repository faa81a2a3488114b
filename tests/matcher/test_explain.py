"""Explanations: why-nots list every failed constraint, ``feasible_if`` is present and true, wording."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings

from matcher import FACTORS, Matcher, MatcherConfig
from matcher.config import RankingConfig
from matcher.messages import CATALOGUE
from matcher.records import client_from_record, client_to_record, opening_from_record, opening_to_record
from matcher.types import Client, Exclusion, Opening, Suggestion
from matcher.vocab import load_vocabulary
from tests.matcher import worlds
from tests.matcher.worlds import SEEDS, WORLD_SETTINGS, random_world

WIDE = MatcherConfig(ranking=RankingConfig(max_per_employer=10_000))


def explain(client: Client, opening: Opening, **kwargs: Any) -> Suggestion | Exclusion:
    return Matcher().fit([opening], as_of=worlds.AS_OF).explain(client, opening.id, **kwargs)


def exclusion(client: Client, opening: Opening, **kwargs: Any) -> Exclusion:
    result = explain(client, opening, **kwargs)
    assert isinstance(result, Exclusion)
    return result


def suggestion(client: Client, opening: Opening) -> Suggestion:
    result = explain(client, opening)
    assert isinstance(result, Suggestion), getattr(result, "codes", None)
    return result


REMOVED = "feasible if the client removed that"
WORDING = [
    (
        {"min_hours": 35, "max_hours": 40},
        {"hours_per_week": 32},
        "feasible with an hours range that includes 32 h/week",
    ),
    ({"wage_floor": 16.0}, {"hourly_wage": 14.5}, "feasible with a wage floor of $14.50"),
    (
        {"availability": ["Mon 08:00-14:00", "Wed 08:00-14:00"]},
        {"shifts": ["Mon 09:00-13:00", "Sat 07:00-15:00"], "hours_per_week": 12},
        "feasible if the client were available Sat 07:00-15:00",
    ),
    (
        {"accommodations": {"quiet_workspace": "required"}},
        {"on_request": ["quiet_workspace"]},
        "feasible if the client chose to disclose (quiet or low-distraction workspace available on request)",
    ),
    ({"exclusions": {"keywords": ["dishes"]}}, {}, f"{REMOVED} keyword exclusion"),
    ({"exclusions": {"industries": ["restaurant"]}}, {}, f"{REMOVED} industry exclusion"),
    ({"exclusions": {"employers": ["Lakeview Diner"]}}, {}, f"{REMOVED} employer exclusion"),
    ({"earnings_cap": 1200.0}, {}, "feasible at 18 h/week or less, or with a cap of $1,303.50"),
]


@pytest.mark.parametrize(("client_kw", "opening_kw", "fix"), WORDING)
def test_a_single_failed_constraint_says_what_would_make_it_feasible(client_kw, opening_kw, fix) -> None:
    result = exclusion(worlds.client(**client_kw), worlds.opening(**opening_kw))
    assert len(result.reasons) == 1
    assert result.reasons[0].feasible_if == fix


def test_rejected_by_specialist_can_be_restored() -> None:
    c, o = worlds.client(), worlds.opening()
    result = exclusion(c, o, blocked={c.id: [o.id]})
    assert result.codes == ("REJECTED_BY_SPECIALIST",)
    assert result.reasons[0].feasible_if == "feasible if the specialist restores it"
    assert result.reasons[0].text == "The specialist rejected this opening for the client"


@pytest.mark.parametrize(
    "opening_kw", [{"status": "filled"}, {"expires": "2026-02-01", "posted": "2026-01-01"}]
)
def test_closed_or_expired_openings_have_no_fix(opening_kw) -> None:
    result = exclusion(worlds.client(), worlds.opening(**opening_kw))
    assert len(result.reasons) == 1 and result.reasons[0].feasible_if is None


def test_several_failures_are_all_listed_without_fixes() -> None:
    client = worlds.client(max_commute_minutes=20, wage_floor=16.0, min_hours=25)
    result = exclusion(client, worlds.opening(status="closed"))
    assert result.codes == ("NOT_OPEN", "COMMUTE_TOO_LONG", "HOURS_OUT_OF_RANGE", "WAGE_BELOW_FLOOR")
    assert all(r.feasible_if is None for r in result.reasons)
    assert all(r.kind == "exclusion" and r.text for r in result.reasons)
    texts = [r.text for r in result.reasons]
    assert texts[0] == "The opening is closed"
    assert texts[2] == "20 h/week is outside the client's 25-30 h/week"
    assert texts[3] == "$15.00/h is below the client's floor $16.00"


def test_earnings_fix_hours_really_fit_under_the_cap() -> None:
    """ "feasible at N h/week or less": N hours at this wage must be within the cap."""
    client = worlds.client(earnings_cap=1500.0)
    opening = worlds.opening(hourly_wage=16.0, hours_per_week=24)  # 16 x 24 x 4.345 = 1668.48
    fix = exclusion(client, opening).reasons[0].feasible_if
    assert fix is not None
    hours = int(re.search(r"feasible at (\d+) h/week or less", fix).group(1))
    assert 16.0 * hours * 4.345 <= 1500.0  # 21 h = 1459.92; 22 h would be 1529.44


def test_earnings_fix_cap_is_enough() -> None:
    """ "or with a cap of $X": a cap of exactly $X must admit the job (X rounded up, not down)."""
    client = worlds.client(earnings_cap=2000.0, max_hours=40)
    opening = worlds.opening(hourly_wage=18.75, hours_per_week=30)  # 2444.0625 a month
    fix = exclusion(client, opening).reasons[0].feasible_if
    cap = float(re.search(r"cap of \$([\d,.]+)", fix).group(1).replace(",", ""))
    assert cap >= 18.75 * 30 * 4.345


# ---- feasible_if is true: applying the fix makes the pair feasible (random worlds)


def _apply_fix(code: str, fix: str, c: dict[str, Any], o: dict[str, Any], blocked: dict) -> list[tuple]:
    """The changed (client, opening, blocked) records each alternative in ``fix`` describes.

    Only the failed constraint itself is checked afterwards: changing the job's hours
    to fit under a cap may, of course, leave the client's hours range.
    """
    out = []
    if m := re.search(r"with a (\d+)-minute limit", fix):
        out.append(({**c, "max_commute_minutes": int(m.group(1))}, o, blocked))
    if m := re.search(r"feasible if the client could travel by ([a-z ]+) \(about", fix):
        mode = {label: code for code, label in load_vocabulary().modes.items()}[m.group(1)]
        out.append(({**c, "modes": [*c["modes"], mode]}, o, blocked))
    if m := re.search(r"client were available (.+)$", fix):
        out.append(({**c, "availability": [*c["availability"], *m.group(1).split(", ")]}, o, blocked))
    if m := re.search(r"includes ([\d.]+) h/week", fix):
        h = float(m.group(1))
        hours = {"min_hours": min(c["min_hours"], h), "max_hours": max(c["max_hours"], h)}
        out.append(({**c, **hours}, o, blocked))
    if m := re.search(r"wage floor of \$([\d,.]+)", fix):
        out.append(({**c, "wage_floor": float(m.group(1).replace(",", ""))}, o, blocked))
    if m := re.search(r"feasible at (\d+) h/week or less", fix):
        out.append((c, {**o, "hours_per_week": max(float(m.group(1)), 0.5)}, blocked))
    if m := re.search(r"cap of \$([\d,.]+)", fix):
        out.append(({**c, "earnings_cap": float(m.group(1).replace(",", ""))}, o, blocked))
    if "chose to disclose" in fix:
        out.append(({**c, "discloses": True}, o, blocked))
    if "removed that" in fix:
        kind = {"EXCLUDED_INDUSTRY": "industries", "EXCLUDED_EMPLOYER": "employers"}.get(code, "keywords")
        out.append(({**c, "exclusions": {**c["exclusions"], kind: []}}, o, blocked))
    if "specialist restores" in fix:
        out.append((c, o, {}))
    return out


@settings(max_examples=15, **WORLD_SETTINGS)
@given(seed=SEEDS)
def test_every_feasible_if_is_true(seed: int) -> None:
    world = random_world(seed, n_clients=4, n_openings=12)
    matcher = Matcher(WIDE).fit(world.openings, as_of=worlds.AS_OF)
    openings = {o.id: o for o in world.openings}
    for c, sl in zip(world.clients, matcher.recommend(world.clients, blocked=world.blocked), strict=True):
        for e in sl.exclusions:
            fixes = [r for r in e.reasons if r.feasible_if]
            assert len(e.reasons) == 1 or not fixes, "feasible_if only when one constraint fails"
            if not fixes:
                continue
            (reason,) = fixes
            alternatives = _apply_fix(
                reason.code,
                reason.feasible_if,
                client_to_record(c),
                opening_to_record(openings[e.opening_id]),
                world.blocked,
            )
            assert alternatives, f"{world.label}: no parsable fix in {reason.feasible_if!r}"
            for c2, o2, blocked in alternatives:
                again = Matcher(WIDE).fit([opening_from_record(o2)], as_of=worlds.AS_OF)
                result = again.explain(client_from_record(c2), e.opening_id, blocked=blocked)
                still = set(getattr(result, "codes", ()))
                where = f"{world.label}: {c.id} x {e.opening_id}: {reason.feasible_if!r} leaves {still}"
                assert reason.code not in still, where


# ---- suggestions: wording and evidence


def test_positive_reasons_name_the_evidence() -> None:
    client = worlds.client(
        accommodations={"written_instructions": "required"},
        past_titles=["dishwasher"],
        interests=["dish washing"],
    )
    near = {"lat": worlds.CENTRE[0] + 0.002, "lon": worlds.CENTRE[1]}
    opening = worlds.opening(offered_to_all=["written_instructions"], fair_chance=True, location=near)
    s = suggestion(client, opening)
    texts = {r.code: r.text for r in s.positives}
    assert texts["PREFERENCE_MATCH"] == (
        'Matches the client\'s interest "dish washing": '
        'Dishwashing and kitchen support ("Dishwasher" in the job)'
    )
    assert texts["PAST_EXPERIENCE"] == 'Has worked as "dishwasher" before'
    assert texts["ACCOMMODATION_MET"] == (
        "Written or visual instructions and checklists offered to everyone (required need)"
    )
    commute = texts["COMMUTE_SHORT"]
    assert re.fullmatch(r"About \d+ minutes by public transit, estimated \(limit 45\)", commute)
    assert texts["STRENGTHS_MATCH"] == "Uses the client's strengths: dishwashing"
    assert texts["FAIR_CHANCE"] == "Fair-chance employer"


def test_accommodation_needing_disclosure_is_a_concern() -> None:
    client = worlds.client(accommodations={"extra_breaks": "preferred"})
    s = suggestion(client, worlds.opening(on_request=["extra_breaks"]))
    assert [r.code for r in s.concerns if r.factor == "accommodation"] == ["ACCOMMODATION_NEEDS_DISCLOSURE"]


@pytest.mark.parametrize(
    ("wage", "hours", "ssdi", "ssi", "expected"),
    [
        (15.0, 30, True, False, {"BENEFITS_SGA"}),  # 1955.25 > 1620
        (15.0, 20, True, False, {"BENEFITS_TRIAL_WORK"}),  # 1303.50: over 1160, under SGA
        (15.0, 15, True, False, set()),  # 977.63
        (15.0, 20, False, True, {"BENEFITS_SSI_REDUCTION"}),
        (15.0, 20, False, False, set()),
    ],
)
def test_benefits_concerns(wage: float, hours: float, ssdi: bool, ssi: bool, expected: set[str]) -> None:
    client = worlds.client(receives_ssdi=ssdi, receives_ssi=ssi, min_hours=0, max_hours=40)
    s = suggestion(client, worlds.opening(hourly_wage=wage, hours_per_week=hours))
    got = {r.code for r in s.concerns if r.code.startswith("BENEFITS_")}
    assert got == expected
    for r in s.concerns:
        if r.code == "BENEFITS_SGA":
            # the engine's default figures are 2025's and the world's date is in 2026: said so
            assert r.text == (
                "About $1,955.25/month is above the SGA level ($1,620.00, 2025): involve a benefits counselor"
                " (these benefits figures are from 2025 and may be out of date on 2026-03-02; "
                "check the current SSA figures)"
            )
        if r.code == "BENEFITS_TRIAL_WORK":
            assert "$1,303.50/month counts as a trial work month (over $1,160.00)" in r.text
        if r.code == "BENEFITS_SSI_REDUCTION":
            # $20 general + $65 earned income excluded, then $1 less per $2: (1303.50 - 85) / 2
            assert r.evidence["reduction"] == 609.25
            assert "SSI would drop by about $609.25/month" in r.text


def test_ssi_reduction_never_exceeds_the_benefit() -> None:
    """At high earnings SSI stops: the drop is at most the federal benefit rate ($967 in 2025)."""
    client = worlds.client(receives_ssi=True, min_hours=0, max_hours=40)
    s = suggestion(client, worlds.opening(hourly_wage=22.0, hours_per_week=40))  # 3823.60 a month
    (concern,) = [r for r in s.concerns if r.code == "BENEFITS_SSI_REDUCTION"]
    assert concern.evidence["reduction"] <= 967.0


def test_every_reason_uses_the_catalogue_and_a_known_factor() -> None:
    world = random_world(4, strict=0.2)
    matcher = Matcher(WIDE).fit(world.openings, as_of=worlds.AS_OF)
    for sl in matcher.recommend(world.clients, k=20, blocked=world.blocked):
        for s in sl.suggestions:
            assert s.positives or s.concerns
            for r in s.reasons:
                assert r.code in CATALOGUE[r.kind] and r.text
                assert r.factor is None or r.factor in FACTORS
                assert r.feasible_if is None
        for e in sl.exclusions:
            assert e.codes and all(r.code in CATALOGUE["exclusion"] for r in e.reasons)
