"""Free-text notes live outside the chain: the chain holds a salted hash; a note can be redacted."""

from __future__ import annotations

import hashlib
from pathlib import Path

from api.audit.notes import REDACTED
from tests.api.tamper_util import fresh_api, tamper

NOTE = "Client disclosed a court date on 3 March; prefers no early shifts."


def _decide(api, world, client_id: str, opening_id: str, note: str) -> dict:  # type: ignore[no-untyped-def]
    body = {
        "opening_id": opening_id,
        "action": "approve",
        "note": note,
        "source": "specialist_found",
        "source_reason": "Developed with the employer",
    }
    response = api.post(f"/clients/{client_id}/decisions", world.headers["spec1"], json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _setup(api, world, note: str = NOTE) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    employer = api.create_employer(world.headers["liaison1"])
    opening = api.create_opening(world.headers["liaison1"], employer["id"])
    client = api.create_client(world.headers["spec1"])
    decision = _decide(api, world, client["id"], opening["id"], note)
    events = api.get(
        "/audit/events", world.headers["auditor"], params={"client_id": client["id"], "kind": "decision"}
    ).json()["data"]
    return decision, events[0]


def _verify(api, world) -> dict:  # type: ignore[no-untyped-def]
    return api.get("/audit/verify", world.headers["auditor"]).json()  # type: ignore[no-any-return]


def test_chain_holds_a_salted_hash_not_the_text(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, _url):
        _, event = _setup(api, world, note="ok")
        payload = event["payload"]
        assert "ok" not in {str(v) for v in payload.values()} and "note" not in payload
        # A short note cannot be found by hashing guesses: the hash is salted.
        assert payload["note_sha256"] != hashlib.sha256(b"ok").hexdigest()
        _, again = _setup(api, world, note="ok")
        assert again["payload"]["note_sha256"] != payload["note_sha256"]
        assert _verify(api, world)["ok"]


def test_redaction_erases_the_text_keeps_verification_and_is_audited(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, _url):
        decision, event = _setup(api, world)
        note_id = event["payload"]["note_id"]
        body = {"reason": "GDPR art. 17 request #2026-114"}
        assert (
            api.post(f"/audit/notes/{note_id}/redaction", world.headers["spec1"], json=body).status_code
            == 403
        )
        response = api.post(f"/audit/notes/{note_id}/redaction", world.headers["auditor"], json=body)
        assert response.status_code == 200, response.text
        assert response.json()["redacted_by"] == world.users["auditor"].username
        listed = api.get(f"/clients/{decision['client_id']}/decisions", world.headers["spec1"]).json()["data"]
        assert [d["note"] for d in listed] == [REDACTED]
        result = _verify(api, world)
        assert result["ok"], result["message"]
        redactions = api.get(
            "/audit/events", world.headers["auditor"], params={"kind": "note.redacted"}
        ).json()["data"]
        assert [e["payload"] for e in redactions] == [{"redacted_note_id": note_id, "reason": body["reason"]}]
        assert redactions[0]["actor"] == world.users["auditor"].username
        with api.session() as session:
            rows = [r[0] for r in session.execute(_text_query())]
        assert NOTE not in rows
        again = api.post(f"/audit/notes/{note_id}/redaction", world.headers["admin"], json=body)
        assert (again.status_code, again.json()) == (409, {"detail": "Note already redacted"})
        missing = api.post("/audit/notes/nope/redaction", world.headers["admin"], json=body)
        assert (missing.status_code, missing.json()) == (404, {"detail": "Note not found"})


def test_a_source_reason_is_kept_outside_the_chain_and_can_be_redacted(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, url):
        _, event = _setup(api, world)
        note_id = event["payload"]["source_reason_note_id"]
        assert "Developed with the employer" not in {str(v) for v in event["payload"].values()}
        body = {"reason": "request #7"}
        response = api.post(f"/audit/notes/{note_id}/redaction", world.headers["auditor"], json=body)
        assert response.status_code == 200, response.text
        assert _verify(api, world)["ok"]
        # altered text under the chain's hash is reported
        tamper(url, f"UPDATE audit_notes SET text = 'changed' WHERE id = '{event['payload']['note_id']}'")
        assert not _verify(api, world)["ok"]


def _text_query():  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    return text("SELECT text FROM audit_notes UNION ALL SELECT note FROM decisions")


def test_altered_or_silently_blanked_note_is_reported(backend: str, tmp_path: Path) -> None:
    with fresh_api(backend, tmp_path) as (api, world, url):
        _, event = _setup(api, world)
        note_id, seq = event["payload"]["note_id"], event["seq"]
        tamper(url, f"UPDATE audit_notes SET text = 'nothing to see' WHERE id = '{note_id}'")
        result = _verify(api, world)
        assert (result["ok"], result["first_broken_seq"]) == (False, seq)
        assert "was altered" in result["message"] and "note" in result["message"]
        # Blanked as a redaction would, on both copies, but with no redaction event: still seen.
        tamper(
            url,
            f"UPDATE audit_notes SET text = '{REDACTED}' WHERE id = '{note_id}'",
            f"UPDATE decisions SET note = '{REDACTED}'",
        )
        result = _verify(api, world)
        assert (result["ok"], result["first_broken_seq"]) == (False, seq)
        assert f"note {note_id} of event {seq} was blanked without a redaction event" in result["message"]
