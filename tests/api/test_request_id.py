"""The request id: returned in ``X-Request-ID``, kept on the audit events of its request, hashed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session

from api import cli, request_id
from api.audit import AuditEvent, append_event, drop_triggers, install_triggers, verify_chain
from api.config import get_settings
from tests.api.conftest import Api, World


def _events_of(api: Api, client_id: str) -> list[AuditEvent]:
    with api.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.client_id == client_id)))


def test_a_sane_incoming_id_is_kept_and_reaches_the_audit_event(api: Api, world: World) -> None:
    headers = world.headers["spec1"] | {"X-Request-ID": "lb-7f3a.42:x"}
    client = api.create_client(headers)
    created = [e for e in _events_of(api, client["id"]) if e.kind == "client.created"]
    assert [e.request_id for e in created] == ["lb-7f3a.42:x"]
    listed = api.get("/audit/events", world.headers["auditor"], params={"client_id": client["id"]})
    assert "lb-7f3a.42:x" in {e["request_id"] for e in listed.json()["data"]}


@pytest.mark.parametrize("incoming", ["", "has space", "x" * 65, 'quote"d', "semi;colon", "<b>"])
def test_an_unusable_incoming_id_is_replaced(api: Api, world: World, incoming: str) -> None:
    response = api.get("/clients", world.headers["spec1"] | {"X-Request-ID": incoming})
    assert response.status_code == 200
    made = response.headers["X-Request-ID"]
    assert made != incoming and len(made) == 32 and made.isalnum()


def test_every_request_gets_its_own_id_even_a_refusal(api: Api) -> None:
    first, second = api.get("/clients"), api.post("/clients", json={})
    assert (first.status_code, second.status_code) == (401, 401)
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_the_chain_verifies_with_and_without_request_ids_and_a_changed_id_breaks_it(
    api: Api, world: World
) -> None:
    with api.session() as session:  # outside a request: no id, hashed as before 0009
        plain = append_event(session, kind="test.plain", actor=None, payload={"n": 1})
        session.commit()
        assert plain.request_id is None
    client = api.create_client(world.headers["spec1"] | {"X-Request-ID": "req-chain-1"})
    with api.session() as session:
        assert verify_chain(session).ok
    (event,) = [e for e in _events_of(api, client["id"]) if e.kind == "client.created"]
    _tamper(api, event.seq, "req-chain-2")
    with api.session() as session:
        result = verify_chain(session)
    assert not result.ok and result.first_broken_seq == event.seq, result.message
    _tamper(api, event.seq, "req-chain-1")  # put back: the module's other tests share the chain
    with api.session() as session:
        assert verify_chain(session).ok


def _tamper(api: Api, seq: int, request_id: str) -> None:
    """Rewrite one event's request id as a database owner could (append-only triggers dropped)."""
    with api.app.state.engine.begin() as connection:
        drop_triggers(connection)
        connection.execute(update(AuditEvent).where(AuditEvent.seq == seq).values(request_id=request_id))
        install_triggers(connection)


def test_a_command_run_has_one_cli_id_on_its_audit_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("PLACEMENT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PLACEMENT_ARGON2_MEMORY_KIB", "1024")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    get_settings.cache_clear()
    try:
        argv = ["users", "create", "--username", "ops-cli", "--role", "admin", "--password-stdin"]
        assert cli.main(argv) == 0
    finally:
        get_settings.cache_clear()
    assert request_id.current() is None  # the run's id ends with it
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with Session(engine) as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.kind == "user.created"))
    engine.dispose()
    assert event.request_id is not None and event.request_id.startswith("cli-")
