"""Inferred strengths of a client: what the engine uses, where each comes from, accept and remove.

With an imported O*NET occupation store, a client's past job titles give
inferred strengths (``matcher.occupations.enrich_clients``); without one, the
stored profile's own ``inferred_strengths`` are used as they are. Either way,
phrases the specialist removed are left out. Accepting a phrase moves it into
the client's own ``strengths`` (a new client version).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session

from api import store
from api.models import Client as ClientRow
from api.schemas import InferredStrength
from matcher.occupations import InferredStrength as Source
from matcher.occupations import OccupationStore, enrich_clients, infer_strengths
from matcher.records import client_from_record, client_to_record
from matcher.types import Client


def engine_client(session: Session, *, occupations: OccupationStore | None, client_row: ClientRow) -> Client:
    """The client as the engine sees it: strengths inferred from past jobs, removed ones left out."""
    client = client_from_record(client_row.record)
    removed = store.inferred.removed_phrases(session, client_id=client.id)
    if occupations is not None:
        (client,) = enrich_clients([client], occupations, removed={client.id: removed})
    gone = {p.casefold() for p in removed}
    kept = tuple(p for p in client.inferred_strengths if p.casefold() not in gone)
    if kept != client.inferred_strengths:  # the profile's own inferred phrases, without a store
        client = dataclasses.replace(client, inferred_strengths=kept)
    return client


def client_snapshot(client: Client, client_row: ClientRow) -> dict[str, Any]:
    """The record to keep in the audit trail: the stored one, or what the engine saw instead."""
    if client == client_from_record(client_row.record):
        return client_row.record
    return client_to_record(client)


def with_sources(occupations: OccupationStore | None, client: Client) -> list[InferredStrength]:
    """The client's inferred strengths, each with the past title and O*NET occupation it comes from."""
    sources: dict[str, Source] = {}
    if occupations is not None:
        for found in infer_strengths(occupations, client.past_titles):
            sources.setdefault(found.phrase.casefold(), found)
    out = []
    for phrase in client.inferred_strengths:
        src = sources.get(phrase.casefold())
        if src is None or occupations is None:
            out.append(InferredStrength(phrase=phrase))
            continue
        out.append(
            InferredStrength(
                phrase=phrase,
                kind=src.kind,  # type: ignore[arg-type]
                source_title=src.source_title,
                code=src.code,
                occupation=occupations.titles[occupations.row(src.code)],
            )
        )
    return out


def pick(phrases: Sequence[str], available: Sequence[str]) -> list[str]:
    """``phrases`` spelled as in ``available`` (case-insensitive); 422 naming the first unknown one."""
    spelled = {p.casefold(): p for p in available}
    for i, phrase in enumerate(phrases):
        if phrase.casefold() not in spelled:
            raise RequestValidationError(
                [
                    {
                        "loc": ["body", "phrases", i],
                        "msg": "not an inferred strength of this client",
                        "type": "value_error",
                        "input": phrase,
                    }
                ]
            )
    return list(dict.fromkeys(spelled[p.casefold()] for p in phrases))


def accepted_record(client_row: ClientRow, phrases: Sequence[str]) -> dict[str, Any]:
    """The client's record with ``phrases`` added to its own strengths (and no longer inferred)."""
    record = dict(client_row.record)
    own = list(record.get("strengths", []))
    known = {s.casefold() for s in own}
    own += [p for p in phrases if p.casefold() not in known]
    moved = {p.casefold() for p in phrases}
    record["strengths"] = own
    inferred = record.get("inferred_strengths", [])
    record["inferred_strengths"] = [p for p in inferred if p.casefold() not in moved]
    return client_to_record(client_from_record(record))
