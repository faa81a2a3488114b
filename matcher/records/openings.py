"""Opening records: plain dict <-> validated :class:`~matcher.types.Opening`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from matcher.errors import ValidationError
from matcher.records.fields import Fields, load_many
from matcher.types import (
    REMOTE_WORK,
    UNLOCATED_PRECISIONS,
    LocationPrecision,
    Opening,
    Status,
    TimeWindow,
)
from matcher.vocab import Vocabulary, load_vocabulary

OPENING_FIELDS = {
    "id",
    "employer",
    "title",
    "description",
    "industry",
    "onet_soc",
    "location",
    "zip",
    "remote",
    "shifts",
    "hours_per_week",
    "hourly_wage",
    "required_skills",
    "preferred_skills",
    "skills_inferred",
    "demands",
    "inferred_demands",
    "offered_to_all",
    "on_request",
    "not_possible",
    "positions",
    "posted",
    "expires",
    "status",
    "background_check",
    "fair_chance",
    "riasec",
    "location_precision",
    "location_uncertainty_km",
}

# Fields a posting may leave unstated: missing or None means unknown, never a failing value.
UNSTATED = ("shifts", "hours_per_week", "hourly_wage")


def opening_from_record(raw: Mapping[str, Any], vocab: Vocabulary | None = None) -> Opening:
    """Validate one raw opening record and build an :class:`Opening`."""
    vocab = vocab or load_vocabulary()
    f = Fields("opening", raw, OPENING_FIELDS)
    remote = f.flag("remote")
    status = f.get("status", "open")
    if status not in {s.value for s in Status}:
        f.fail("status", status, "must be open, filled or closed")
    positions = f.number("positions", default=1.0, low=1.0)
    if positions != int(positions):
        f.fail("positions", positions, "must be a whole number")
    demands = f.ratings("demands", vocab)
    inferred = set(f.phrases("inferred_demands"))
    if inferred - set(demands):
        f.fail("inferred_demands", sorted(inferred - set(demands)), "names unrated dimensions")
    posted, expires = f.date("posted"), f.date("expires")
    if posted and expires and expires < posted:
        f.fail("expires", str(expires), f"before posted date {posted}")
    precision = _precision(f)
    unlocated = precision in UNLOCATED_PRECISIONS
    if unlocated and (raw.get("location") is not None or raw.get("zip")):
        f.fail("location_precision", precision.value, "a state or country gives no location: leave it out")
    radius = None if f.get("location_uncertainty_km") is None else f.number("location_uncertainty_km")
    offered, on_request, not_possible = _accommodations(f, vocab, remote)
    return Opening(
        id=f.text("id", required=True),
        employer=f.text("employer", required=True),
        title=f.text("title", required=True),
        description=f.text("description"),
        industry=f.text("industry"),
        onet_soc=f.text("onet_soc") or None,
        location=None if unlocated else f.location("location", required=not remote),
        remote=remote,
        shifts=_shifts(f),
        hours_per_week=None if f.get("hours_per_week") is None else f.number("hours_per_week", low=0.5),
        hourly_wage=None if f.get("hourly_wage") is None else f.number("hourly_wage"),
        required_skills=f.phrases("required_skills"),
        preferred_skills=f.phrases("preferred_skills"),
        skills_inferred=f.flag("skills_inferred"),
        demands=demands,
        inferred_demands=frozenset(inferred),
        offered_to_all=offered,
        on_request=on_request,
        not_possible=not_possible,
        positions=int(positions),
        posted=posted,
        expires=expires,
        status=Status(status),
        background_check=f.flag("background_check"),
        fair_chance=f.flag("fair_chance"),
        riasec=f.riasec(),
        location_precision=precision,
        location_uncertainty_km=radius,
    )


def _accommodations(
    f: Fields, vocab: Vocabulary, remote: bool
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Offered to everyone, on request, not possible; an accommodation left out of all three is not stated."""
    offered, on_request, not_possible = (
        frozenset(f.codes(name, vocab.accommodations, "accommodation"))
        for name in ("offered_to_all", "on_request", "not_possible")
    )
    clash = not_possible & (offered | on_request | ({REMOTE_WORK} if remote else set()))
    if clash:  # the employer cannot both give it and say it is not possible
        f.fail("not_possible", sorted(clash), "also listed as offered (or remote work of a remote job)")
    return offered, on_request, not_possible


def _shifts(f: Fields) -> tuple[TimeWindow, ...] | None:
    """The stated shifts; None when the posting leaves them out (an empty list is still an error)."""
    return None if f.get("shifts") is None else f.windows("shifts", required=True)


def _precision(f: Fields) -> LocationPrecision:
    value = f.get("location_precision", LocationPrecision.EXACT.value)
    if value not in {p.value for p in LocationPrecision}:
        f.fail("location_precision", value, f"must be one of {', '.join(p.value for p in LocationPrecision)}")
    return LocationPrecision(value)


def load_openings(
    records: Iterable[Mapping[str, Any]], vocab: Vocabulary | None = None
) -> tuple[list[Opening], list[ValidationError]]:
    """Validate many opening records; bad ones are reported, not fatal."""
    vocab = vocab or load_vocabulary()
    return load_many(records, lambda r: opening_from_record(r, vocab))


def opening_to_record(opening: Opening) -> dict[str, Any]:
    """The plain-dict form of an opening (inverse of :func:`opening_from_record`)."""
    loc = opening.location
    record: dict[str, Any] = {
        "id": opening.id,
        "employer": opening.employer,
        "title": opening.title,
        "description": opening.description,
        "industry": opening.industry,
        "onet_soc": opening.onet_soc,
        "location": None if loc is None else {"lat": loc.lat, "lon": loc.lon},
        "remote": opening.remote,
        "shifts": None if opening.shifts is None else [str(w) for w in opening.shifts],
        "hours_per_week": opening.hours_per_week,
        "hourly_wage": opening.hourly_wage,
        "required_skills": list(opening.required_skills),
        "preferred_skills": list(opening.preferred_skills),
        "skills_inferred": opening.skills_inferred,
        "demands": dict(opening.demands),
        "inferred_demands": sorted(opening.inferred_demands),
        "offered_to_all": sorted(opening.offered_to_all),
        "on_request": sorted(opening.on_request),
        "positions": opening.positions,
        "posted": opening.posted.isoformat() if opening.posted else None,
        "expires": opening.expires.isoformat() if opening.expires else None,
        "status": opening.status.value,
        "background_check": opening.background_check,
        "fair_chance": opening.fair_chance,
        "riasec": list(opening.riasec) if opening.riasec else None,
    }
    # only when not the default, so records written before these fields keep their exact form
    if opening.location_precision is not LocationPrecision.EXACT:
        record["location_precision"] = opening.location_precision.value
    if opening.location_uncertainty_km is not None:
        record["location_uncertainty_km"] = opening.location_uncertainty_km
    if opening.not_possible:
        record["not_possible"] = sorted(opening.not_possible)
    return record
