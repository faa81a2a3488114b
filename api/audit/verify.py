"""Verify the audit chain: recompute every hash in seq order and report the first broken link.

Besides the chain and its recommendation records this checks the signed
checkpoints (:mod:`api.audit.checkpoints`: a chain cut back past one is reported)
and the mutable tables that feed a recommendation (:mod:`api.audit.coverage`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from api.audit import checkpoints, coverage, pools, store
from api.audit.chain import (
    GENESIS_HASH,
    RECOMMENDATION_KIND,
    event_hash,
    inputs_hash,
    pooled_inputs_hash,
    record_hash,
)

_log = logging.getLogger(__name__)

_JSON_KEYS = ("payload", "r_client_snapshot", "r_opening_snapshots", "r_shortlist")
_BAD = "<unreadable>"  # stands for a value that no longer parses; never equals a hash


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify_chain`; ``first_broken_seq`` is None when the chain is intact."""

    ok: bool
    n_events: int
    first_broken_seq: int | None
    message: str
    head_seq: int | None = None
    head_hash: str | None = None
    #: genuine checkpoints found, and the seq of the newest; events after it are not covered
    #: by any checkpoint (they could be removed unseen until the next one is written).
    checkpoints: int = 0
    checkpoint_seq: int | None = None
    events_after_checkpoint: int | None = None


def _decode(row: Row[Any]) -> SimpleNamespace:
    """Row with JSON and timestamps parsed; unreadable values (tampering) become ``_BAD``."""
    values = dict(row._mapping)
    for key in _JSON_KEYS:
        if isinstance(values[key], str):
            try:
                values[key] = json.loads(values[key])
            except ValueError:
                values[key] = _BAD
    for key in ("at", "r_at"):
        if isinstance(values[key], str):
            try:
                values[key] = dt.datetime.fromisoformat(values[key])
            except ValueError:
                values[key] = _BAD
    return SimpleNamespace(**values)


def _hash_or_bad(function: Callable[..., str], **fields: Any) -> str:
    """``function(**fields)``, or ``_BAD`` when a tampered value cannot even be hashed."""
    if any(value is _BAD for value in fields.values()):
        return _BAD
    try:
        return function(**fields)
    except (TypeError, ValueError, AttributeError):
        return _BAD


def _record_problem(row: SimpleNamespace) -> str | None:
    """What is wrong with the recommendation record joined to ``row``, if anything."""
    seq, seal = row.seq, row.payload if isinstance(row.payload, dict) else {}
    if row.kind != RECOMMENDATION_KIND:
        if row.r_id is None:
            return None
        return f"recommendation record {row.r_id} points at event {seq}, not a recommendation"
    if row.r_id is None:
        return f"recommendation record {seal.get('record_id')} sealed by event {seq} is missing"
    if row.r_id != seal.get("record_id"):
        return f"event {seq} seals record {seal.get('record_id')}, but record {row.r_id} is there"
    content = _hash_or_bad(
        record_hash,
        record_id=row.r_id,
        at=row.r_at,
        actor=row.r_actor,
        kind=row.r_kind,
        client_id=row.r_client_id,
        inputs_hash=row.r_inputs_hash,
        client_snapshot=row.r_client_snapshot,
        opening_snapshots=row.r_opening_snapshots,
        engine_version=row.r_engine_version,
        config_hash=row.r_config_hash,
        shortlist=row.r_shortlist,
        canon=row.canon,  # a record is hashed in the form of the event that seals it
        pool_hash=row.r_pool_hash,
        salt=row.r_salt,
    )
    if row.r_pool_hash is None:
        inputs = _hash_or_bad(
            inputs_hash,
            client_snapshot=row.r_client_snapshot,
            opening_snapshots=row.r_opening_snapshots,
            canon=row.canon,
            salt=row.r_salt,
        )
    else:  # the pool itself is checked once, after the walk (pools.pool_problems)
        inputs = _hash_or_bad(
            pooled_inputs_hash,
            client_snapshot=row.r_client_snapshot,
            pool_hash=row.r_pool_hash,
            canon=row.canon,
            salt=row.r_salt,
        )
    if content != seal.get("record_hash") or inputs != row.r_inputs_hash:
        return f"recommendation record {row.r_id} (event {seq}) was altered"
    return None


@dataclass
class _Walker:
    """Walks the joined rows in seq order and keeps the first problem it meets."""

    anchors: Mapping[int, str]
    n_events: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    problem: tuple[int, str] | None = None
    seen_anchors: set[int] = field(default_factory=set)
    collected: coverage.Collected = field(default_factory=coverage.Collected)
    pools: dict[str, int] = field(default_factory=dict)  # pool hash -> first seq referencing it

    def feed(self, raw: Row[Any]) -> None:
        row = _decode(raw)
        if row.r_pool_hash is not None:
            self.pools.setdefault(row.r_pool_hash, row.seq)
        if row.seq != self.last_seq:
            self.n_events += 1
            self.collected.feed(
                seq=row.seq,
                kind=row.kind,
                client_id=row.client_id,
                opening_id=row.opening_id,
                payload=row.payload,
            )
        if self.problem is None:
            message = self._check(row)
            if message is not None:
                self.problem = (row.seq, message)
        self.last_seq, self.last_hash = row.seq, row.hash

    def _check(self, row: SimpleNamespace) -> str | None:
        seq = row.seq
        if seq == self.last_seq:
            return f"more than one recommendation record points at event {seq}"
        if seq != self.last_seq + 1:
            first = self.last_seq + 1
            missing = f"{first}" if seq - 1 == first else f"{first}..{seq - 1}"
            return f"event(s) {missing} missing before event {seq}"
        if row.prev_hash != self.last_hash:
            before = "the genesis value" if seq == 1 else f"the hash of event {seq - 1}"
            return f"prev_hash of event {seq} does not match {before}"
        recomputed = _hash_or_bad(
            event_hash,
            seq=seq,
            at=row.at,
            actor=row.actor,
            kind=row.kind,
            client_id=row.client_id,
            opening_id=row.opening_id,
            payload=row.payload,
            prev_hash=row.prev_hash,
            canon=row.canon,
            request_id=row.request_id,
        )
        if recomputed != row.hash:
            return f"event {seq} was altered: its content does not match its hash"
        if seq in self.anchors:
            self.seen_anchors.add(seq)
            if self.anchors[seq] != row.hash:
                return f"event {seq} does not match the anchored hash"
        return _record_problem(row)


def _orphan_record(session: Session) -> tuple[int, str] | None:
    """A recommendation record whose chain event does not exist."""
    orphan = store.orphan_record(session)
    if orphan is None:
        return None
    record_id, seq = orphan
    return seq, f"event {seq} sealing recommendation record {record_id} is missing"


def _checkpoint_problems(
    session: Session, key: bytes | None, anchors: dict[int, str]
) -> tuple[checkpoints.CheckedCheckpoints, list[tuple[int, str]]]:
    """Genuine checkpoints become anchors (merged into ``anchors``); forged ones are problems."""
    rows = checkpoints.list_checkpoints(session) if store.has_table(session, "audit_checkpoints") else []
    if key is None:  # offline without the key: checkpoints still pin the chain, unsigned
        checked = checkpoints.CheckedCheckpoints(
            anchors={r.seq: r.hash for r in rows},
            forged=(),
            latest_seq=max((r.seq for r in rows), default=None),
        )
    else:
        checked = checkpoints.check_signatures(rows, key=key)
    for seq, digest in checked.anchors.items():
        if anchors.setdefault(seq, digest) != digest:
            return checked, [(seq, f"checkpoint at seq {seq} disagrees with the anchor given")]
    problems = [
        (seq, f"checkpoint at seq {seq} has a bad signature (forged or another key)")
        for seq in checked.forged
    ]
    return checked, problems


def verify_chain(
    session: Session, *, anchors: Mapping[int, str] | None = None, key: bytes | None = None
) -> VerifyResult:
    """Recompute the whole chain and the recommendation records; report the first broken link.

    ``anchors`` maps seq -> hash noted down earlier (e.g. a printed head): a chain
    rewritten or truncated before such a point no longer matches it. Every stored
    checkpoint is such an anchor too; with ``key`` (the checkpoint key) their
    signatures are checked, so a forged checkpoint is reported. Then the tables that
    feed a recommendation are compared with their chain events (:mod:`api.audit.coverage`).
    """
    pinned = dict(anchors or {})
    checked, problems = _checkpoint_problems(session, key, pinned)
    walker = _Walker(anchors=pinned)
    for row in store.chain_rows(session):
        walker.feed(row)
    problems += [p for p in (walker.problem, _orphan_record(session)) if p is not None]
    problems += pools.pool_problems(session, walker.pools)
    if walker.problem is None:
        unseen = sorted(set(walker.anchors) - walker.seen_anchors)
        if unseen:
            why = f"the chain ends at seq {walker.last_seq}" if unseen[0] > walker.last_seq else "it is gone"
            problems.append(
                (
                    unseen[0],
                    f"event {unseen[0]} pinned by a checkpoint or anchor is missing: {why} (truncated)",
                )
            )
        problems += coverage.check(session, walker.collected)
    head_seq = walker.last_seq or None
    head_hash = walker.last_hash if head_seq else None
    extra: dict[str, Any] = {
        "checkpoints": len(checked.anchors),
        "checkpoint_seq": checked.latest_seq,
        "events_after_checkpoint": walker.last_seq - (checked.latest_seq or 0),
    }
    if not problems:
        message = f"chain intact: {walker.n_events} events"
        if head_seq:
            message += f", head seq {head_seq} hash {head_hash}"
        if checked.latest_seq is not None:
            message += f"; newest checkpoint at seq {checked.latest_seq}"
        return VerifyResult(True, walker.n_events, None, message, head_seq, head_hash, **extra)
    seq, message = min(problems)
    _log.warning("audit chain broken at seq %d: %s", seq, message)
    result = f"broken at seq {seq}: {message}"
    return VerifyResult(False, walker.n_events, seq, result, head_seq, head_hash, **extra)
