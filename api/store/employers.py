"""Employers and which liaisons manage them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from api.models import Employer, EmployerLiaison, Opening, utcnow
from api.store.common import Conflict, bump_counter, new_id, read_counter

OPENINGS_COUNTER = "openings"
_NOT_ALNUM = re.compile(r"[\W_]+")


def _managed_by(liaison_id: int) -> Select[Any]:
    return select(EmployerLiaison.employer_id).where(EmployerLiaison.user_id == liaison_id)


def assigned() -> Select[Any]:
    """Ids of the employers some liaison manages."""
    return select(EmployerLiaison.employer_id)


def liaison_sees_employer(liaison_id: int) -> ColumnElement[bool]:
    """A liaison sees the employers they manage and every unassigned one a specialist recorded."""
    return or_(
        Employer.id.in_(_managed_by(liaison_id)),
        and_(Employer.developed_by.is_not(None), Employer.id.not_in(assigned())),
    )


def get_employer(
    session: Session, *, employer_id: str, liaison_id: int | None = None, developed: bool = False
) -> Employer | None:
    """An employer, or None when missing or (given ``liaison_id``) not managed by them.

    ``developed``: a liaison also gets an unassigned employer a specialist recorded.
    """
    employer = session.get(Employer, employer_id)
    if employer is None or liaison_id is None:
        return employer
    if session.get(EmployerLiaison, (employer_id, liaison_id)) is not None:
        return employer
    if developed and employer.developed_by is not None and not liaison_ids(session, employer_id=employer_id):
        return employer
    return None


def managed_employers(
    session: Session, *, employer_ids: Iterable[str], liaison_id: int
) -> dict[str, Employer]:
    """The employers among ``employer_ids`` that the liaison manages, by id (one query)."""
    query = select(Employer).where(
        Employer.id.in_(list(employer_ids)), Employer.id.in_(_managed_by(liaison_id))
    )
    return {e.id: e for e in session.scalars(query)}


def list_employers(session: Session, *, liaison_id: int | None = None) -> list[Employer]:
    query = select(Employer).order_by(Employer.name, Employer.id)
    if liaison_id is not None:
        query = query.where(Employer.id.in_(_managed_by(liaison_id)))
    return list(session.scalars(query))


def search_employers(
    session: Session,
    *,
    liaison_id: int | None,
    search: str = "",
    limit: int,
    offset: int,
    developed: bool = False,
) -> tuple[list[Employer], int]:
    """One page of employers (by name) whose name or industry holds ``search``, and the total.

    ``developed``: a liaison's page also holds the unassigned employers specialists recorded.
    """
    query = select(Employer)
    if liaison_id is not None:
        query = query.where(
            liaison_sees_employer(liaison_id) if developed else Employer.id.in_(_managed_by(liaison_id))
        )
    if search:
        query = query.where(
            or_(
                Employer.name.icontains(search, autoescape=True),
                Employer.industry.icontains(search, autoescape=True),
            )
        )
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    page = query.order_by(func.lower(Employer.name), Employer.id).limit(limit).offset(offset)
    return list(session.scalars(page)), total


def create_employer(
    session: Session,
    *,
    name: str,
    industry: str = "",
    notes: str = "",
    fair_chance: bool = False,
    liaison_id: int | None,
    developed_by: int | None = None,
    **contact: str,
) -> Employer:
    """Create an employer; the liaison who creates it manages it (``contact``: the contact_* fields)."""
    employer = Employer(
        id=new_id("E"),
        name=name,
        industry=industry,
        notes=notes,
        fair_chance=fair_chance,
        developed_by=developed_by,
        **contact,
    )
    session.add(employer)
    session.flush()
    if liaison_id is not None:
        session.add(EmployerLiaison(employer_id=employer.id, user_id=liaison_id))
        session.flush()
    return employer


def update_employer(
    session: Session,
    *,
    employer: Employer,
    expected_version: int,
    name: str,
    industry: str,
    notes: str,
    fair_chance: bool,
    **contact: str,
) -> Employer:
    """Update an employer; a new name is copied into its openings' engine records."""
    if employer.version != expected_version:
        raise Conflict(f"Version mismatch: current version is {employer.version}")
    renamed = employer.name != name
    employer.name, employer.industry, employer.notes = name, industry, notes
    employer.fair_chance = fair_chance
    for field, value in contact.items():  # only the contact_* columns (the schema names them)
        setattr(employer, field, value)
    employer.updated_at = utcnow()
    if renamed:
        for opening in session.scalars(select(Opening).where(Opening.employer_id == employer.id)):
            opening.record = {**opening.record, "employer": employer.name}
        bump_counter(session, name=OPENINGS_COUNTER)
        stamp = update(Opening).values(changed_version=read_counter(session, name=OPENINGS_COUNTER))
        session.execute(stamp.where(Opening.employer_id == employer.id))  # the matcher cache's change log
    session.flush()
    return employer


def liaison_ids(session: Session, *, employer_id: str) -> list[int]:
    query = select(EmployerLiaison.user_id).where(EmployerLiaison.employer_id == employer_id)
    return sorted(session.scalars(query))


def set_liaisons(session: Session, *, employer_id: str, user_ids: list[int]) -> list[int]:
    """Replace the liaisons who manage an employer."""
    session.execute(delete(EmployerLiaison).where(EmployerLiaison.employer_id == employer_id))
    for user_id in sorted(set(user_ids)):
        session.add(EmployerLiaison(employer_id=employer_id, user_id=user_id))
    session.flush()
    return liaison_ids(session, employer_id=employer_id)


@lru_cache(maxsize=100_000)  # a feed names each company many times
def employer_key(name: str) -> str:
    """An employer name as compared by imports: case, spacing and punctuation ignored."""
    return " ".join(_NOT_ALNUM.sub(" ", name.casefold()).split())


def managed_by_key(session: Session, *, liaison_id: int) -> dict[str, Employer]:
    """The employers the liaison manages, by :func:`employer_key` of their name (oldest first wins)."""
    query = (
        select(Employer).where(Employer.id.in_(_managed_by(liaison_id))).order_by(Employer.created_at.desc())
    )
    return {employer_key(e.name): e for e in session.scalars(query)}


def insert_employers(session: Session, *, names: Iterable[str], liaison_id: int) -> dict[str, str]:
    """Create employers by name, managed by the liaison, with batched INSERTs; their ids by name."""
    now = utcnow()
    ids = {name: new_id("E") for name in names}
    if not ids:
        return ids
    rows = [
        {
            "id": i,
            "name": name,
            "industry": "",
            "notes": "",
            "fair_chance": False,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for name, i in ids.items()
    ]
    session.execute(insert(Employer.metadata.tables[Employer.__tablename__]), rows)
    links = [{"employer_id": i, "user_id": liaison_id} for i in ids.values()]
    session.execute(insert(EmployerLiaison.metadata.tables[EmployerLiaison.__tablename__]), links)
    session.flush()
    return ids
