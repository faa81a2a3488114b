"""Build validated Client and Opening records from plain dicts (JSON, CSV, API).

Every problem raises :class:`ValidationError` naming the record, the field and
the value. ``load_clients``/``load_openings`` validate many records at once and
return the good ones with the errors of the bad ones, so one bad record never
stops a batch.

``fields`` reads and checks single fields (shared), ``clients`` and ``openings``
convert each kind of record both ways.
"""

from __future__ import annotations

from matcher.records.clients import (
    CLIENT_FIELDS,
    EXCLUSION_KINDS,
    client_from_record,
    client_to_record,
    load_clients,
)
from matcher.records.fields import zip_location
from matcher.records.openings import OPENING_FIELDS, load_openings, opening_from_record, opening_to_record

__all__ = [
    "CLIENT_FIELDS",
    "EXCLUSION_KINDS",
    "OPENING_FIELDS",
    "client_from_record",
    "client_to_record",
    "load_clients",
    "load_openings",
    "opening_from_record",
    "opening_to_record",
    "zip_location",
]
