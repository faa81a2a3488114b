"""Append-only, tamper-evident audit trail: the hash chain, its tables, verification and reading.

Every event's hash covers the previous event's hash (a hash chain); every
recommendation record is sealed by a chain event holding the record's content
hash. All functions take the caller's ``Session``; the caller commits.

Modules: :mod:`~api.audit.chain` (canonical JSON and hashes, no database),
:mod:`~api.audit.models` (tables), :mod:`~api.audit.store` (every query on them),
:mod:`~api.audit.pools` (pools of openings stored by content),
:mod:`~api.audit.export` (CSV for auditors),
:mod:`~api.audit.write` (append events, record recommendations),
:mod:`~api.audit.verify` (recompute the chain), :mod:`~api.audit.checkpoints`
(signed checkpoints of the chain head), :mod:`~api.audit.coverage` (the tables behind a
recommendation against their events), :mod:`~api.audit.notes` (free-text notes kept outside
the chain, redactable), :mod:`~api.audit.triggers` (append-only triggers),
:mod:`~api.audit.cli` (``python -m api.audit verify|checkpoint``).
"""

from api.audit.chain import GENESIS_HASH
from api.audit.export import export_events_csv
from api.audit.models import AuditEvent, RecommendationRecord
from api.audit.pools import pool_openings
from api.audit.store import (
    count_events,
    count_recommendations,
    event_facts,
    get_recommendation,
    list_events,
    list_recommendations,
)
from api.audit.triggers import drop_triggers, install_triggers
from api.audit.verify import VerifyResult, verify_chain
from api.audit.write import append_event, append_events, record_recommendation

__all__ = [
    "GENESIS_HASH",
    "AuditEvent",
    "RecommendationRecord",
    "VerifyResult",
    "append_event",
    "append_events",
    "drop_triggers",
    "export_events_csv",
    "get_recommendation",
    "install_triggers",
    "count_events",
    "count_recommendations",
    "event_facts",
    "list_events",
    "list_recommendations",
    "pool_openings",
    "record_recommendation",
    "verify_chain",
]
