"""Openings of employers, their status and the version counter the matcher cache keys on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, and_, func, insert, or_, select, union, update
from sqlalchemy.orm import Session

from api.models import Employer, EmployerLiaison, Opening, Placement, User, utcnow
from api.store.common import Conflict, bump_counter, read_counter
from api.store.employers import OPENINGS_COUNTER, _managed_by, assigned

_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")
STATUSES = ("open", "filled", "closed")
SORTS = ("created", "title", "employer", "posted", "expires")


def liaison_sees(liaison_id: int) -> ColumnElement[bool]:
    """A liaison sees the openings of the employers they manage and, of an employer no liaison
    manages, those a specialist developed (or all, when a specialist recorded the employer).

    Each branch reads an index (employer_id, developed_by): a list stays a search, not a scan.
    """
    recorded = select(Employer.id).where(Employer.developed_by.is_not(None), Employer.id.not_in(assigned()))
    return or_(
        Opening.employer_id.in_(union(_managed_by(liaison_id), recorded)),
        and_(Opening.developed_by.is_not(None), Opening.employer_id.not_in(assigned())),
    )


def get_opening(session: Session, *, opening_id: str, liaison_id: int | None = None) -> Opening | None:
    """An opening, or None when missing or (given ``liaison_id``) one the liaison does not see."""
    opening = session.get(Opening, opening_id)
    if opening is None or liaison_id is None:
        return opening
    if session.get(EmployerLiaison, (opening.employer_id, liaison_id)) is not None:
        return opening
    seen = session.scalar(select(Opening.id).where(Opening.id == opening_id, liaison_sees(liaison_id)))
    return opening if seen is not None else None


def engine_records(session: Session, *, ids: Collection[str]) -> list[dict[str, Any]]:
    """Engine records of these openings as they are now (status and expiry from their columns)."""
    out = []
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        query = select(Opening).where(Opening.id.in_(wanted[start : start + 500]))
        for row in session.scalars(query):
            expires = row.expires.isoformat() if row.expires else row.record.get("expires")
            out.append(row.record | {"status": row.status, "expires": expires})
    return out


def count_openings(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Opening)) or 0)


def list_openings(
    session: Session,
    *,
    liaison_id: int | None = None,
    employer_id: str | None = None,
    status: str | None = None,
    valid_on: dt.date | None = None,
) -> list[Opening]:
    """Openings, optionally only a liaison's, one employer's, one status, or unexpired."""
    query = select(Opening).order_by(Opening.created_at, Opening.id)
    if liaison_id is not None:
        query = query.where(liaison_sees(liaison_id))
    if employer_id is not None:
        query = query.where(Opening.employer_id == employer_id)
    if status is not None:
        query = query.where(Opening.status == status)
    if valid_on is not None:
        query = query.where(or_(Opening.expires.is_(None), Opening.expires >= valid_on))
    return list(session.scalars(query))


@dataclass(frozen=True)
class OpeningFilter:
    """What a list of openings is narrowed to and ordered by (every part optional)."""

    search: str = ""  # in the title or the employer's name, any case
    employer_id: str | None = None
    status: str | None = None
    industry: str = ""  # the opening's industry, as entered (any case)
    valid_on: dt.date | None = None  # only those not expired on this day
    expires_by: dt.date | None = None  # only those whose last day is from valid_on (or any) to this day
    sort: str = "created"  # one of SORTS
    descending: bool = False


def search_openings(
    session: Session, *, liaison_id: int | None, where: OpeningFilter, limit: int, offset: int
) -> tuple[list[Opening], int]:
    """One page of the matching openings (``limit`` from ``offset``) and how many match in all.

    Filtering, counting, ordering and paging are done by the database: the ids of the page
    are chosen on the narrow columns first and only those rows (with their records) are read.
    """
    ordered = _order(where)
    if where.search or where.industry or where.valid_on or where.expires_by:
        # These read every row: count in the same pass (a window count is taken before LIMIT).
        windowed = _filtered(select(Opening.id, func.count().over()), liaison_id=liaison_id, where=where)
        found = session.execute(windowed.order_by(*ordered).limit(limit).offset(offset)).all()
        ids: list[str] = [row[0] for row in found]
        total: int | None = int(found[0][1]) if found else None
    else:  # by employer and status only: the count reads an index alone
        query = _filtered(select(Opening.id), liaison_id=liaison_id, where=where)
        ids = list(session.scalars(query.order_by(*ordered).limit(limit).offset(offset)))
        total = None
    if total is None:
        counted = _filtered(select(func.count(Opening.id)), liaison_id=liaison_id, where=where)
        total = int(session.scalar(counted) or 0)
    if not ids:
        return [], total
    rows = {o.id: o for o in session.scalars(select(Opening).where(Opening.id.in_(ids)))}
    return [rows[i] for i in ids], total


def _filtered(query: _Query, *, liaison_id: int | None, where: OpeningFilter) -> _Query:
    if where.sort == "employer":  # only then is the employer's name read for every row
        query = query.join(Employer, Employer.id == Opening.employer_id)
    if liaison_id is not None:
        query = query.where(liaison_sees(liaison_id))
    if where.employer_id is not None:
        query = query.where(Opening.employer_id == where.employer_id)
    if where.status is not None:
        query = query.where(Opening.status == where.status)
    if where.valid_on is not None:
        query = query.where(or_(Opening.expires.is_(None), Opening.expires >= where.valid_on))
    if where.expires_by is not None:
        query = query.where(Opening.expires.is_not(None), Opening.expires <= where.expires_by)
    if where.search:
        named = select(Employer.id).where(Employer.name.icontains(where.search, autoescape=True))
        query = query.where(
            or_(Opening.title.icontains(where.search, autoescape=True), Opening.employer_id.in_(named))
        )
    if where.industry:
        query = query.where(func.lower(_industry()) == where.industry.lower())
    return query


def _industry() -> ColumnElement[str]:
    industry: ColumnElement[str] = Opening.record["industry"].as_string()
    return industry


def _order(where: OpeningFilter) -> list[ColumnElement[Any]]:
    """ORDER BY terms: the chosen key (openings without an expiry last), then a unique tie-break."""
    keys: dict[str, list[Any]] = {
        "created": [Opening.created_at],
        "title": [func.lower(Opening.title)],
        "employer": [func.lower(Employer.name), func.lower(Opening.title)],
        "posted": [Opening.record["posted"].as_string(), Opening.created_at],
        "expires": [Opening.expires],
    }
    terms = [k.desc() if where.descending else k.asc() for k in keys[where.sort]]
    if where.sort == "expires":
        terms.insert(0, Opening.expires.is_(None).asc())  # "no end date" after every dated one
    return [*terms, Opening.id.desc() if where.descending else Opening.id.asc()]


def industries(session: Session, *, liaison_id: int | None, valid_on: dt.date | None = None) -> list[str]:
    """The distinct industries of the openings a list may show, as entered (lower case)."""
    industry = func.lower(_industry())
    query = select(industry).distinct().where(industry != "")
    if liaison_id is not None:
        query = query.where(liaison_sees(liaison_id))
    else:
        query = query.where(_matchable(valid_on or dt.date.min))
    return sorted(str(i) for i in session.scalars(query.limit(500)) if i)


def matchable(session: Session, *, as_of: dt.date) -> list[Opening]:
    """Open, unexpired openings: the pool shortlists are drawn from."""
    return list(
        session.scalars(select(Opening).where(_matchable(as_of)).order_by(Opening.created_at, Opening.id))
    )


def _matchable(as_of: dt.date) -> ColumnElement[bool]:
    return and_(Opening.status == "open", or_(Opening.expires.is_(None), Opening.expires >= as_of))


def open_postings(
    session: Session, *, employer_ids: Iterable[str] | None = None, exclude_id: str | None = None
) -> Sequence[Row[Any]]:
    """Rows ``id, employer_id, title, remote, lat, lon`` of open openings (of these employers), oldest first.

    Only the fields the near-duplicate rule reads, taken out of the JSON record by the
    database, so checking an import against 100k stored openings decodes no records.
    """
    query = (
        select(
            Opening.id,
            Opening.employer_id,
            Opening.title,
            Opening.record["remote"].as_boolean().label("remote"),
            Opening.record[("location", "lat")].as_float().label("lat"),
            Opening.record[("location", "lon")].as_float().label("lon"),
        )
        .where(Opening.status == "open")
        .order_by(Opening.created_at, Opening.id)
    )
    if employer_ids is not None:
        query = query.where(Opening.employer_id.in_(list(employer_ids)))
    if exclude_id is not None:
        query = query.where(Opening.id != exclude_id)
    return session.execute(query).all()


def create_opening(
    session: Session,
    *,
    employer: Employer,
    record: dict[str, Any],
    created_by: int | None,
    developed_by: int | None = None,
) -> Opening:
    """Store a new opening (the caller has refused near-duplicates); ``developed_by``: its specialist."""
    opening = Opening(
        developed_by=developed_by,
        id=record["id"],
        employer_id=employer.id,
        title=record["title"],
        status=record["status"],
        expires=_date(record.get("expires")),
        record=record,
        created_by=created_by,
    )
    session.add(opening)
    bump_openings(session, ids=[opening.id])
    session.flush()
    return opening


def insert_openings(
    session: Session,
    *,
    rows: Sequence[tuple[str, dict[str, Any], dt.datetime]],
    created_by: int | None,
    origins: Sequence[tuple[str, str]] | None = None,
) -> None:
    """Store new openings ``(employer_id, record, created_at)`` with one batched INSERT.

    ``origins``: each row's ``(source, external_id)``, for postings imported from a job board.
    """
    if not rows:
        return
    version = bump_openings(session, ids=())
    sources = origins if origins is not None else [(None, None)] * len(rows)
    values = [
        {
            "id": record["id"],
            "employer_id": employer_id,
            "title": record["title"],
            "status": record["status"],
            "expires": _date(record.get("expires")),
            "version": 1,
            "record": record,
            "created_by": created_by,
            "created_at": at,
            "updated_at": at,
            "changed_version": version,
            "source": source,
            "external_id": external_id,
        }
        for (employer_id, record, at), (source, external_id) in zip(rows, sources, strict=True)
    ]
    # A Core INSERT: one executemany (the ORM's bulk insert splits runs of None values).
    session.execute(insert(Opening.metadata.tables[Opening.__tablename__]), values)
    session.flush()


def update_opening(
    session: Session, *, opening: Opening, expected_version: int, record: dict[str, Any]
) -> Opening:
    """Replace an opening's details (same version rules as clients)."""
    if opening.version != expected_version:
        raise Conflict(f"Version mismatch: current version is {opening.version}")
    opening.title = record["title"]
    opening.expires = _date(record.get("expires"))
    opening.record = record
    opening.updated_at = utcnow()
    bump_openings(session, ids=[opening.id])
    session.flush()
    return opening


def developer_names(session: Session, *, user_ids: Collection[int]) -> dict[int, str]:
    """The names (full name, else username) of these users, by id: who developed which opening."""
    query = select(User.id, User.full_name, User.username).where(User.id.in_(sorted(user_ids)))
    return {uid: full or username for uid, full, username in session.execute(query)}


def placement_count(session: Session, *, opening_id: str) -> int:
    """How many placements were recorded for an opening (each fills one of its positions)."""
    query = select(func.count()).select_from(Placement).where(Placement.opening_id == opening_id)
    return int(session.scalar(query) or 0)


def set_status(session: Session, *, opening: Opening, status: str) -> Opening:
    """Mark an opening open, filled or closed."""
    if opening.status == status:
        raise Conflict(f"Opening is already {status}")
    opening.status = status
    opening.record = {**opening.record, "status": status}
    opening.updated_at = utcnow()
    bump_openings(session, ids=[opening.id])
    session.flush()
    return opening


def openings_version(session: Session) -> int:
    """Changes whenever any opening (or an employer name) changes."""
    return read_counter(session, name=OPENINGS_COUNTER)


def bump_openings(
    session: Session, *, ids: Collection[str] | None = None, employer_id: str | None = None
) -> int:
    """Bump the openings version and stamp the changed openings with it; returns the new version.

    The stamp (``changed_version``) is the change log the matcher cache reads. It is
    taken after the bump: the counter row stays locked until this transaction ends,
    so a later version is never stamped by an earlier commit. ``ids=None`` and no
    ``employer_id`` stamps every opening; ``ids=()`` none (the caller stamps them).
    """
    bump_counter(session, name=OPENINGS_COUNTER)
    version = read_counter(session, name=OPENINGS_COUNTER)
    stamp = update(Opening).values(changed_version=version).execution_options(synchronize_session=False)
    if employer_id is not None:
        session.execute(stamp.where(Opening.employer_id == employer_id))
    elif ids is None:
        session.execute(stamp)
    else:
        wanted = sorted(ids)
        for start in range(0, len(wanted), 500):
            session.execute(stamp.where(Opening.id.in_(wanted[start : start + 500])))
    return version


def changed_since(session: Session, *, version: int, as_of: dt.date) -> list[tuple[Opening, bool]]:
    """Openings written after openings version ``version``, by id, each with whether it is matchable."""
    live = _matchable(as_of).label("matchable")
    # no ORDER BY: SQLite would then scan the primary key instead of searching the index
    query = select(Opening, live).where(Opening.changed_version > version)
    return sorted(((row, bool(ok)) for row, ok in session.execute(query).all()), key=lambda r: r[0].id)


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def by_external_ids(session: Session, *, source: str, external_ids: Collection[str]) -> dict[str, Opening]:
    """The openings imported from ``source`` under these ids there, by that id."""
    found: dict[str, Opening] = {}
    wanted = sorted(external_ids)
    for start in range(0, len(wanted), 500):
        query = select(Opening).where(
            Opening.source == source, Opening.external_id.in_(wanted[start : start + 500])
        )
        found.update((o.external_id, o) for o in session.scalars(query) if o.external_id is not None)
    return found


def open_from_source(session: Session, *, source: str, liaison_id: int) -> list[Opening]:
    """Open openings imported from ``source`` for employers the liaison manages (a full feed's scope)."""
    query = select(Opening).where(
        Opening.source == source, Opening.status == "open", Opening.employer_id.in_(_managed_by(liaison_id))
    )
    return list(session.scalars(query.order_by(Opening.created_at, Opening.id)))


def close_openings(session: Session, *, openings: Sequence[Opening]) -> None:
    """Mark these openings closed (one version bump for all)."""
    if not openings:
        return
    for opening in openings:
        opening.status = "closed"
        opening.record = {**opening.record, "status": "closed"}
        opening.updated_at = utcnow()
    bump_openings(session, ids=[o.id for o in openings])
    session.flush()
