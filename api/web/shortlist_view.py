"""What the shortlist pages show of a shortlist: cards in plain words, exclusions, the filters.

The shortlist itself comes from the service (:mod:`api.shortlists`) and is validated by the
JSON API's schema (:class:`~api.schemas.ShortlistPublic`, which adds the fit band), so the
page and the API show the same suggestions; this module only chooses words and order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from pydantic import ValidationError
from sqlalchemy.orm import Session

from api import store
from api.fit_bands import BAND_WORDS
from api.schemas import ShortlistFilters, ShortlistPublic
from api.web.shortlist_words import (
    BENEFIT_CODES,
    EXCLUSION_WORDS,
    commute_words,
    plain,
)
from api.web.words import FACTOR_WORDS
from matcher.messages import money

#: Reasons shown before the fold; the rest are in "More reasons".
TOP_POSITIVES, TOP_CONCERNS = 3, 2
#: How many suggestions the page may ask for (the JSON API allows 1-50).
K_CHOICES = (5, 10, 20)
DEFAULT_K = 10
#: The query parameters of the filters form (kept across a decision's redirect); ``options``
#: asks for "what would open more options" on a full list too (a short list always has them).
FILTER_PARAMS = ("industry", "remote_only", "min_hourly_wage", "k", "options")
_YES = ("on", "true", "1")


@dataclass
class Card:
    """One suggestion as the page shows it."""

    opening_id: str
    rank: int
    title: str
    employer: str
    band: str
    band_words: str
    score: int
    positives: list[str]
    concerns: list[str]
    more_positives: list[str]
    more_concerns: list[str]
    hints: list[str]
    benefits: list[str]
    commute: str | None
    facts: list[tuple[str, str]]
    score_parts: list[tuple[str, int]]


def _hours(record: dict[str, Any]) -> str | None:
    hours = record.get("hours_per_week")
    return f"{float(hours):g} hours a week" if hours is not None else None


def _wage(record: dict[str, Any]) -> str | None:
    wage = record.get("hourly_wage")
    return f"{money(float(wage))} an hour" if wage is not None else None


def card(suggestion: dict[str, Any], record: dict[str, Any]) -> Card:
    """A suggestion (as ShortlistPublic gives it) with its opening's record, in words."""
    positives = [plain(r) for r in suggestion["positives"]]
    concerns = [plain(r) for r in suggestion["concerns"] if r["code"] not in BENEFIT_CODES]
    commute = commute_words(suggestion)
    facts = [
        (name, value)
        for name, value in (
            ("Journey", commute),
            ("Hours", _hours(record)),
            ("Pay", _wage(record)),
            ("Shifts", ", ".join(record.get("shifts") or []) or None),
        )
        if value
    ]
    parts = sorted(suggestion["contributions"].items(), key=lambda kv: -kv[1])
    return Card(
        opening_id=suggestion["opening_id"],
        rank=suggestion["rank"],
        title=suggestion["title"],
        employer=suggestion["employer"],
        band=suggestion["band"],
        band_words=BAND_WORDS[suggestion["band"]],
        score=round(suggestion["score"]),
        positives=positives[:TOP_POSITIVES],
        concerns=concerns[:TOP_CONCERNS],
        more_positives=positives[TOP_POSITIVES:],
        more_concerns=concerns[TOP_CONCERNS:],
        hints=[plain(r) for r in suggestion["hints"]],
        benefits=[plain(r) for r in suggestion["concerns"] if r["code"] in BENEFIT_CODES],
        commute=commute,
        facts=facts,
        score_parts=[(FACTOR_WORDS.get(f, f), round(points)) for f, points in parts],
    )


@dataclass
class Miss:
    opening_id: str
    title: str
    employer: str
    limit: str
    change: str | None
    band_words: str = ""  # the fit it would have if the limit held ("Good fit")
    same_as_another: bool = False  # another miss has its title and employer: the id tells them apart


@dataclass
class View:
    """A whole shortlist for the page."""

    recommendation_id: str
    cards: list[Card]
    n_considered: int
    n_excluded: int
    excluded: list[tuple[int, str]]  # (how many, "... is too far to travel to")
    misses: list[Miss] = field(default_factory=list)
    disclosure: str | None = None  # how many exclusions disclosing alone would open (DISCLOSING_WOULD_OPEN)
    options: list[dict[str, Any]] = field(default_factory=list)  # what would open more (api.options)


def _misses(nearest: list[dict[str, Any]]) -> list[Miss]:
    """The nearest misses as rows: each with its band, and its id where the row would repeat another."""
    seen = Counter((m["title"], m["employer"]) for m in nearest)
    return [
        Miss(
            m["opening_id"],
            m["title"],
            m["employer"],
            m["why"],
            m.get("feasible_if"),
            BAND_WORDS[m["band"]] if m.get("band") else "",
            seen[(m["title"], m["employer"])] > 1,
        )
        for m in nearest
    ]


def shortlist_view(session: Session, body: dict[str, Any]) -> View:
    """The page's view of a shortlist the service made (one query for the openings' facts)."""
    public = ShortlistPublic.model_validate(body)
    suggestions = public.suggestions
    records = {
        r["id"]: r for r in store.openings.engine_records(session, ids=[s["opening_id"] for s in suggestions])
    }
    summary = body["exclusions"]
    counts = sorted(summary["counts"].items(), key=lambda kv: -kv[1])
    return View(
        recommendation_id=public.recommendation_id,
        cards=[card(s, records.get(s["opening_id"], {})) for s in suggestions],
        n_considered=int(body.get("n_considered", 0)),
        n_excluded=int(summary["n_excluded"]),
        excluded=[(n, EXCLUSION_WORDS.get(code, code)) for code, n in counts],
        misses=_misses(summary["nearest_misses"]),
        disclosure=public.disclosure_note,
        options=list(body.get("options") or []),
    )


@dataclass
class FilterForm:
    """The filters form: what was typed, the filters it makes, and its errors by field."""

    values: dict[str, str]
    filters: ShortlistFilters | None
    k: int
    errors: dict[str, str]

    @property
    def options(self) -> bool:
        """The specialist asked what would open more options."""
        return bool(self.values["options"])

    @property
    def query(self) -> str:
        """The filters as a query string (kept across a decision's redirect)."""
        return urlencode({k: v for k, v in self.values.items() if v})


_WAGE_ERROR = "Enter the lowest hourly wage as an amount from 0 to 1000, e.g. 15.50"


def filter_form(params: dict[str, str]) -> FilterForm:
    """Parse the filters the way the JSON API does (ShortlistFilters); collect every error."""
    values = {name: params.get(name, "").strip() for name in FILTER_PARAMS}
    values["remote_only"] = "on" if values["remote_only"] in _YES else ""
    values["options"] = "1" if values["options"] in _YES else ""
    errors: dict[str, str] = {}
    try:
        k = int(values["k"] or DEFAULT_K)
    except ValueError:
        k = DEFAULT_K
    if k not in K_CHOICES:
        k = DEFAULT_K
    values["k"] = str(k) if k != DEFAULT_K else ""
    wage: float | None = None
    if values["min_hourly_wage"]:
        try:
            wage = float(values["min_hourly_wage"].lstrip("$"))
        except ValueError:
            errors["min_hourly_wage"] = _WAGE_ERROR
    filters = None
    try:
        filters = ShortlistFilters(
            industries=[values["industry"]] if values["industry"] else [],
            remote_only=bool(values["remote_only"]),
            min_hourly_wage=wage,
        )
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            name = {"industries": "industry"}.get(str(error["loc"][0]), str(error["loc"][0]))
            errors[name] = _WAGE_ERROR if name == "min_hourly_wage" else "Enter an industry in words"
    return FilterForm(values, None if errors else filters, k, errors)


def filters_from_query(query: str) -> dict[str, str]:
    """Only the filter parameters of a kept query string (anything else is dropped)."""
    return {k: v for k, v in parse_qsl(query) if k in FILTER_PARAMS}
