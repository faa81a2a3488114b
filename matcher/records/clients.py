"""Client records: plain dict <-> validated :class:`~matcher.types.Client`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from matcher.config import FACTORS
from matcher.errors import ValidationError
from matcher.records.fields import Fields, load_many
from matcher.types import Client, Need
from matcher.vocab import Vocabulary, load_vocabulary

CLIENT_FIELDS = {
    "id",
    "home",
    "zip",
    "modes",
    "max_commute_minutes",
    "availability",
    "min_hours",
    "max_hours",
    "capacity",
    "interests",
    "preferred_industries",
    "riasec",
    "strengths",
    "past_titles",
    "inferred_strengths",
    "accommodations",
    "discloses",
    "wage_floor",
    "earnings_cap",
    "receives_ssdi",
    "receives_ssi",
    "exclusions",
    "avoid_background_check",
    "priorities",
}
EXCLUSION_KINDS = ("industries", "employers", "keywords")


def client_from_record(raw: Mapping[str, Any], vocab: Vocabulary | None = None) -> Client:
    """Validate one raw client record and build a :class:`Client`."""
    vocab = vocab or load_vocabulary()
    f = Fields("client", raw, CLIENT_FIELDS)
    client_id = f.text("id", required=True)
    modes = f.codes("modes", vocab.modes, "travel mode")
    if not modes:
        f.fail("modes", f.get("modes"), "at least one travel mode is needed")
    min_hours, max_hours = f.number("min_hours", default=0.0), f.number("max_hours", default=40.0)
    if min_hours > max_hours:
        f.fail("min_hours", min_hours, f"greater than max_hours ({max_hours:g})")
    accommodations: dict[str, Need] = {}
    raw_acc = f.get("accommodations", {})
    if not isinstance(raw_acc, Mapping):
        f.fail("accommodations", raw_acc, "must be an object of code: required|preferred")
    for code, need in raw_acc.items():
        if code not in vocab.accommodations:
            known = ", ".join(sorted(vocab.accommodations))
            f.fail(f"accommodations.{code}", code, f"unknown accommodation code {code!r} (known: {known})")
        if need not in ("required", "preferred"):
            f.fail(f"accommodations.{code}", need, "must be 'required' or 'preferred'")
        accommodations[code] = Need(need)
    exclusions = f.get("exclusions", {})
    if not isinstance(exclusions, Mapping) or set(exclusions) - set(EXCLUSION_KINDS):
        f.fail("exclusions", exclusions, f"must be an object with keys {EXCLUSION_KINDS}")
    priorities = f.get("priorities", {})
    if not isinstance(priorities, Mapping):
        f.fail("priorities", priorities, "must be an object of factor: low|normal|high")
    for factor, level in priorities.items():
        if factor not in FACTORS:
            f.fail(f"priorities.{factor}", factor, f"unknown factor (known: {', '.join(FACTORS)})")
        if level not in ("low", "normal", "high"):
            f.fail(f"priorities.{factor}", level, "must be low, normal or high")
    cap = f.get("earnings_cap")
    home = f.location("home", required=True)
    assert home is not None
    return Client(
        id=client_id,
        home=home,
        modes=modes,
        max_commute_minutes=int(f.number("max_commute_minutes", default=45.0, low=1.0)),
        availability=f.windows("availability", required=True),
        min_hours=min_hours,
        max_hours=max_hours,
        capacity=f.ratings("capacity", vocab),
        interests=f.phrases("interests"),
        preferred_industries=f.phrases("preferred_industries"),
        riasec=f.riasec(),
        strengths=f.phrases("strengths"),
        past_titles=f.phrases("past_titles"),
        inferred_strengths=f.phrases("inferred_strengths"),
        accommodations=accommodations,
        discloses=f.flag("discloses"),
        wage_floor=f.number("wage_floor", default=0.0),
        earnings_cap=None if cap is None else f.number("earnings_cap"),
        receives_ssdi=f.flag("receives_ssdi"),
        receives_ssi=f.flag("receives_ssi"),
        excluded_industries=f.phrases("exclusions.industries", exclusions.get("industries", [])),
        excluded_employers=f.phrases("exclusions.employers", exclusions.get("employers", [])),
        excluded_keywords=f.phrases("exclusions.keywords", exclusions.get("keywords", [])),
        avoid_background_check=f.flag("avoid_background_check"),
        priorities=dict(priorities),
    )


def load_clients(
    records: Iterable[Mapping[str, Any]], vocab: Vocabulary | None = None
) -> tuple[list[Client], list[ValidationError]]:
    """Validate many client records; bad ones are reported, not fatal."""
    vocab = vocab or load_vocabulary()
    return load_many(records, lambda r: client_from_record(r, vocab))


def client_to_record(client: Client) -> dict[str, Any]:
    """The plain-dict form of a client (inverse of :func:`client_from_record`)."""
    return {
        "id": client.id,
        "home": {"lat": client.home.lat, "lon": client.home.lon},
        "modes": list(client.modes),
        "max_commute_minutes": client.max_commute_minutes,
        "availability": [str(w) for w in client.availability],
        "min_hours": client.min_hours,
        "max_hours": client.max_hours,
        "capacity": dict(client.capacity),
        "interests": list(client.interests),
        "preferred_industries": list(client.preferred_industries),
        "riasec": list(client.riasec) if client.riasec else None,
        "strengths": list(client.strengths),
        "past_titles": list(client.past_titles),
        "inferred_strengths": list(client.inferred_strengths),
        "accommodations": {k: v.value for k, v in client.accommodations.items()},
        "discloses": client.discloses,
        "wage_floor": client.wage_floor,
        "earnings_cap": client.earnings_cap,
        "receives_ssdi": client.receives_ssdi,
        "receives_ssi": client.receives_ssi,
        "exclusions": {
            "industries": list(client.excluded_industries),
            "employers": list(client.excluded_employers),
            "keywords": list(client.excluded_keywords),
        },
        "avoid_background_check": client.avoid_background_check,
        "priorities": dict(client.priorities),
    }
