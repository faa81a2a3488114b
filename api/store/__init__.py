"""All SQL of the service: keyword-only functions taking a ``Session``.

Functions flush but never commit; the route (one request, one transaction)
commits after it has also appended the audit event, so a change and its
event are stored together or not at all.
"""

from api.store import clients, config, decisions, employers, inferred, openings, users
from api.store.common import Conflict, new_id

__all__ = [
    "Conflict",
    "clients",
    "config",
    "decisions",
    "employers",
    "inferred",
    "new_id",
    "openings",
    "users",
]
