"""Demo users for each role (random passwords) and the demo caseload (``matcher.demo``), only in an
empty database."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from api import demo_outcomes, security, store
from api.demo_demographics import load_demo_demographics
from api.events import log_event
from api.models import Client, Employer, EmployerLiaison, Opening, Role
from api.schemas import UserCreate
from api.store.common import new_id
from matcher.demo import generate_demo
from matcher.records import client_from_record, client_to_record, opening_from_record, opening_to_record
from matcher.vocab import load_vocabulary

_log = logging.getLogger(__name__)

DEMO_USERS = (
    ("admin", Role.ADMIN, "Demo Admin"),
    ("specialist", Role.SPECIALIST, "Demo Specialist"),
    ("specialist2", Role.SPECIALIST, "Second Demo Specialist"),
    ("liaison", Role.LIAISON, "Demo Liaison"),
    ("auditor", Role.AUDITOR, "Demo Auditor"),
)
CASELOAD = 20  # IPS fidelity: about 20 clients or fewer per specialist


class DemoRefused(Exception):
    """The database is not empty: the demo adds no users or records to it."""


@dataclass
class DemoSummary:
    passwords: dict[str, str] = field(default_factory=dict)  # of the users created now
    clients: int = 0
    openings: int = 0
    employers: int = 0
    existing_demo: list[str] = field(default_factory=list)  # demo users of an earlier run
    former_clients: int = 0  # closed cases with past placements (api.demo_outcomes)
    placements: int = 0


def load_demo(session: Session, *, password: str | None, as_of: dt.date, seed: int = 7) -> DemoSummary:
    """Demo users (marked ``is_demo``) and the demo caseload, in an empty database only.

    ``password`` None gives each demo user its own random password (returned once, in the
    summary). A database that the demo already loaded is left as is; one with any other user
    or any record is refused (``DemoRefused``): the demo never adds logins to real data.
    """
    summary = DemoSummary()
    if store.users.count_users(session):
        demo_users = store.users.demo_usernames(session)
        if len(demo_users) == store.users.count_users(session):
            summary.existing_demo = demo_users
            return summary
        raise DemoRefused("the database has users the demo did not create; the demo adds no users to it")
    if store.openings.count_openings(session) or store.clients.count_clients(session):
        raise DemoRefused("the database already has clients or openings; the demo adds no users to it")
    for username, role, full_name in DEMO_USERS:
        summary.passwords[username] = password or secrets.token_urlsafe(12)
        user_create = UserCreate(
            username=username, password=summary.passwords[username], role=role, full_name=full_name
        )
        security.create_user(session, user_create=user_create, is_demo=True)
    _load_records(session, as_of=as_of, seed=seed, summary=summary)
    load_demo_demographics(session, as_of=as_of, seed=seed)  # enrolment dates, fairness-audit answers
    log_event(
        session,
        kind="demo.loaded",
        user=None,
        users_created=list(summary.passwords),
        clients=summary.clients,
        openings=summary.openings,
    )
    session.commit()
    return summary


def _load_records(session: Session, *, as_of: dt.date, seed: int, summary: DemoSummary) -> None:
    vocab = load_vocabulary()
    raw_clients, raw_openings = generate_demo(seed, as_of=as_of)
    liaison = store.users.get_user_by_username(session, username="liaison")
    specialists = [
        store.users.get_user_by_username(session, username=u) for u in ("specialist", "specialist2")
    ]
    employers: dict[str, str] = {}
    opening_records = []
    for raw in raw_openings:
        record = opening_to_record(opening_from_record(raw, vocab))
        opening_records.append(record)
        if record["employer"] not in employers:
            employer = Employer(id=new_id("E"), name=record["employer"], industry=record["industry"])
            session.add(employer)
            session.flush()
            if liaison is not None:
                session.add(EmployerLiaison(employer_id=employer.id, user_id=liaison.id))
            employers[record["employer"]] = employer.id
        session.add(
            Opening(
                id=record["id"],
                employer_id=employers[record["employer"]],
                title=record["title"],
                status=record["status"],
                record=record,
                expires=dt.date.fromisoformat(record["expires"]) if record["expires"] else None,
            )
        )
    client_records, owners = [], {}
    for i, raw in enumerate(raw_clients[: CASELOAD * len(specialists)]):
        owner = specialists[i // CASELOAD]
        assert owner is not None
        record = client_to_record(client_from_record(raw, vocab))
        session.add(
            Client(id=record["id"], specialist_id=owner.id, label=f"Demo {record['id']}", record=record)
        )
        client_records.append(record)
        owners[record["id"]] = owner
    store.openings.bump_openings(session)  # stamps every opening: workers fitted before see them
    session.flush()
    # Two years of simulated outcomes: the caseload's and former clients' jobs.
    staff = [u for u in specialists if u is not None]
    former = demo_outcomes.add_former_clients(session, seed=seed, specialists=staff, vocab=vocab)
    owners |= {record["id"]: owner for record, owner in former}
    summary.former_clients = len(former)
    summary.placements = demo_outcomes.load_outcomes(
        session,
        clients=client_records + [record for record, _ in former],
        openings=opening_records,
        owners=owners,
        as_of=as_of,
        seed=seed,
        vocab=vocab,
    )
    summary.openings, summary.employers = len(raw_openings), len(employers)
    summary.clients = min(len(raw_clients), CASELOAD * len(specialists))
    _log.info("loaded demo: %d clients, %d openings", summary.clients, summary.openings)
