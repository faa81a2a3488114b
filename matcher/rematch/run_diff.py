"""From two runs' shortlists to every client's diff (the engine side of "what changed")."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from matcher import constraints
from matcher.canonical import canonical_bytes
from matcher.pipeline import score_clients
from matcher.records import client_to_record
from matcher.rematch.context import ScoringContext, sub_index
from matcher.rematch.shortlist_diff import Entry, ShortlistDiff, diff_shortlists
from matcher.types import Client, Opening, Status


def client_fingerprint(client: Client) -> str:
    """Stable short hash of a client's record: a different hash means the record changed."""
    blob = canonical_bytes(client_to_record(client))
    return hashlib.sha256(blob).hexdigest()[:16]


def entries_by_client(rows: pd.DataFrame) -> dict[str, tuple[Entry, ...]]:
    """Rows (client_id, rank, opening_id, score[, primary]) as each client's entries, by rank."""
    out: dict[str, list[Entry]] = {}
    primary = rows["primary"].to_numpy() if "primary" in rows else np.zeros(len(rows), dtype=bool)
    ordered = np.lexsort((rows["rank"].to_numpy(), rows["client_id"].to_numpy().astype(str)))
    cid, oid = rows["client_id"].to_numpy(), rows["opening_id"].to_numpy()
    rank, score = rows["rank"].to_numpy(), rows["score"].to_numpy()
    for i in ordered:
        out.setdefault(str(cid[i]), []).append(
            Entry(str(oid[i]), int(rank[i]), float(score[i]), bool(primary[i]))
        )
    return {c: tuple(e) for c, e in out.items()}


def exclusion_codes(
    context: ScoringContext,
    clients: Sequence[Client],
    wanted: Mapping[str, Collection[str]],
    *,
    blocked: Mapping[str, Collection[str]] | None = None,
    chunk_size: int = 256,
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Constraint codes each wanted (client, opening) pair fails now (empty tuple: feasible).

    The pairs go through the pipeline's own scoring stage (``pipeline.score_clients``).

    Parameters
    ----------
    context : ScoringContext
    clients : sequence of Client
    wanted : mapping
        Client id -> opening ids to check (ids not in the index are left out).
    blocked : mapping, optional
        Client id -> opening ids their specialist rejected.
    chunk_size : int
        Clients checked together (one engine call per chunk).
    """
    position = context.index.position
    todo = [c for c in clients if any(o in position for o in wanted.get(c.id, ()))]
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for start in range(0, len(todo), chunk_size):
        part = todo[start : start + chunk_size]
        cols = sorted({position[o] for c in part for o in wanted[c.id] if o in position})
        index = sub_index(context.index, np.asarray(cols, dtype=np.int64))
        codes = score_clients(
            part,
            index,
            vocab=context.vocab,
            config=context.config,
            text_model=context.text_model,
            blocked=blocked,
        ).codes
        for i, c in enumerate(part):
            out[c.id] = {
                o: tuple(constraints.flag_names(int(codes[i, index.position[o]])))
                for o in wanted[c.id]
                if o in index.position
            }
    return out


def diff_all(
    previous: Mapping[str, Sequence[Entry]],
    current: Mapping[str, Sequence[Entry]],
    *,
    context: ScoringContext,
    clients: Sequence[Client],
    openings_now: Mapping[str, Opening],
    as_of: dt.date,
    changed: Collection[str] = (),
    blocked: Mapping[str, Collection[str]] | None = None,
    since: dt.date | None = None,
) -> dict[str, ShortlistDiff]:
    """Every scored client's :class:`ShortlistDiff` (a client new to the run diffs against nothing).

    Gone suggestions whose opening is still open and unexpired are re-checked
    against the hard constraints in batches, to tell outranked from no longer feasible.
    """
    still_open = {
        o.id
        for o in openings_now.values()
        if o.status is Status.OPEN and (o.expires is None or o.expires >= as_of)
    }
    wanted = {
        c.id: [
            e.opening_id
            for e in previous.get(c.id, ())
            if e.opening_id in still_open
            and e.opening_id not in {x.opening_id for x in current.get(c.id, ())}
        ]
        for c in clients
    }
    codes = exclusion_codes(context, clients, {k: v for k, v in wanted.items() if v}, blocked=blocked)
    changed = set(changed)
    return {
        c.id: diff_shortlists(
            previous.get(c.id, ()),
            current.get(c.id, ()),
            openings_now=openings_now,
            as_of=as_of,
            client_changed=c.id in changed,
            codes_now=codes.get(c.id),
            since=since,
            client_id=c.id,
        )
        for c in clients
    }
