"""Verification beyond the chain: the tables that feed a recommendation match their chain events.

The chain and the recommendation records are append-only; the service's other
tables are not (a placement's end date is edited later, a note can be redacted).
Each change to them is recorded by a chain event in the same transaction, so
the current rows must agree with the newest event about them:

* ``decisions``: every row has its ``decision`` event (same client, opening, action,
  reason code, recommendation id and note), every such event its row;
* ``placements``: every row matches its newest ``outcome`` event;
* ``program_configs``: each version's stored config still hashes to its ``config_hash``,
  the hash its ``config.updated`` event (and every recommendation made under it) carries;
* ``audit_notes``: every note the chain refers to is there and hashes to the chain's
  value, unless it was redacted by a ``note.redacted`` event.

Client profiles are mutable by design; the profile a recommendation used is the
sealed snapshot in its record, which :mod:`api.audit.verify` checks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from api.audit import store
from api.audit.notes import FREE_TEXT, REDACTED, note_digest
from matcher.canonical import canonical_bytes

Problem = tuple[int, str]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass
class Collected:
    """What the chain says about the mutable tables, gathered while it is walked."""

    decisions: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    outcomes: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    configs: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    notes: dict[str, tuple[int, str]] = field(default_factory=dict)
    redactions: dict[str, int] = field(default_factory=dict)

    def feed(self, *, seq: int, kind: str, client_id: Any, opening_id: Any, payload: Any) -> None:
        if not isinstance(payload, dict):
            return
        event = {**payload, "client_id": client_id, "opening_id": opening_id}
        for id_key, hash_key in FREE_TEXT.values():
            if isinstance(payload.get(id_key), str) and isinstance(payload.get(hash_key), str):
                self.notes[payload[id_key]] = (seq, payload[hash_key])
        if kind == "decision" and "decision_id" in payload:
            self.decisions[str(payload["decision_id"])] = (seq, event)
        elif kind == "outcome" and "placement_id" in payload:
            self.outcomes[str(payload["placement_id"])] = (seq, event)  # the newest wins
        elif kind == "config.updated" and "version" in payload:
            self.configs[str(payload["version"])] = (seq, event)
        elif kind == "note.redacted" and isinstance(payload.get("redacted_note_id"), str):
            self.redactions[payload["redacted_note_id"]] = seq


def check(session: Session, seen: Collected) -> list[Problem]:
    """Every disagreement between the mutable tables and the chain (seq of the event concerned)."""
    notes = _notes(session)
    problems = _note_problems(seen, notes)
    if store.has_table(session, "decisions"):
        problems += _decision_problems(session, seen, notes)
    if store.has_table(session, "placements"):
        problems += _placement_problems(session, seen)
    if store.has_table(session, "program_configs"):
        problems += _config_problems(session, seen)
    return problems


def _notes(session: Session) -> dict[str, dict[str, Any]]:
    if not store.has_table(session, "audit_notes"):
        return {}
    rows = store.table_rows(session, "audit_notes", ("id", "salt", "text", "redacted_at"))
    return {str(r["id"]): r for r in rows}


def _note_problems(seen: Collected, notes: dict[str, dict[str, Any]]) -> list[Problem]:
    problems = []
    for note_id, (seq, digest) in seen.notes.items():
        row = notes.get(note_id)
        if row is None:
            problems.append((seq, f"note {note_id} of event {seq} is missing"))
        elif row["redacted_at"] is not None or row["text"] == REDACTED:
            if note_id not in seen.redactions:
                problems.append((seq, f"note {note_id} of event {seq} was blanked without a redaction event"))
        elif note_digest(str(row["salt"]), str(row["text"])) != digest:
            problems.append((seq, f"note {note_id} of event {seq} was altered"))
    return problems


def _note_text(event: dict[str, Any], notes: dict[str, dict[str, Any]]) -> set[str]:
    """The note texts a decision row may hold for ``event`` (the marker too once redacted)."""
    if "note_id" in event:
        row = notes.get(str(event["note_id"]))
        return {REDACTED} if row is None else {str(row["text"]), REDACTED}
    return {str(event.get("note") or "")}  # events written before notes left the chain


def _decision_problems(session: Session, seen: Collected, notes: dict[str, dict[str, Any]]) -> list[Problem]:
    columns = ("id", "client_id", "opening_id", "action", "reason_code", "note", "recommendation_id")
    rows = {str(r["id"]): r for r in store.table_rows(session, "decisions", columns)}
    problems: list[Problem] = []
    for decision_id, (seq, event) in seen.decisions.items():
        row = rows.pop(decision_id, None)
        if row is None:
            problems.append((seq, f"decision {decision_id} recorded by event {seq} is missing"))
            continue
        fields = ("client_id", "opening_id", "action", "reason_code", "recommendation_id")
        changed = [f for f in fields if _text(row[f]) != _text(event.get(f))]
        if str(row["note"] or "") not in _note_text(event, notes):
            changed.append("note")
        if changed:
            problems.append((seq, f"decision {decision_id} (event {seq}) was altered: {', '.join(changed)}"))
    for decision_id in sorted(rows, key=int):
        problems.append((0, f"decision {decision_id} has no audit event (written outside the service)"))
    return problems


def _placement_problems(session: Session, seen: Collected) -> list[Problem]:
    columns = ("id", "client_id", "opening_id", "start_date", "end_date", "separation_reason")
    problems: list[Problem] = []
    for row in store.table_rows(session, "placements", columns):
        placement_id = str(row["id"])
        if placement_id not in seen.outcomes:
            problems.append((0, f"placement {placement_id} has no audit event (written outside the service)"))
            continue
        seq, event = seen.outcomes[placement_id]
        changed = [f for f in columns[1:] if _text(row[f]) != _text(event.get(f))]
        if changed:
            problems.append(
                (seq, f"placement {placement_id} (event {seq}) was altered: {', '.join(changed)}")
            )
    return problems


def _config_problems(session: Session, seen: Collected) -> list[Problem]:
    columns = ("version", "config", "config_hash", "legacy_config_hash")
    problems: list[Problem] = []
    for row in store.table_rows(session, "program_configs", columns):
        version = str(row["version"])
        seq, event = seen.configs.get(version, (0, {}))
        try:
            config = row["config"] if isinstance(row["config"], dict) else _json(row["config"])
            recomputed = hashlib.sha256(canonical_bytes(config)).hexdigest()[:16]
        except (TypeError, ValueError):
            recomputed = ""
        claimed = {row["config_hash"], row["legacy_config_hash"]} - {None}
        if recomputed != row["config_hash"] or (event and event.get("config_hash") not in claimed):
            problems.append((seq, f"program configuration version {version} was altered"))
    return problems


def _json(text: Any) -> Any:
    return json.loads(text)
