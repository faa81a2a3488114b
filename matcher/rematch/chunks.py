"""Score one chunk of clients against their candidate openings only.

Steps per chunk: geographic candidates (BallTree) -> one ClientBatch against
the union of candidates -> cheap feasibility mirror per pair -> groups of
clients whose remaining candidates overlap -> the pipeline's own scoring stage
(``pipeline.score_batch``), ranking (``pipeline.rank``) and rows
(``rows.top_rows``) per group. Scores, ranks and ties are those of
``Matcher.recommend`` (candidates stay in opening-id order).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from matcher.commute import TravelTimes, merged
from matcher.features import ClientBatch, OpeningIndex, build_clients
from matcher.pipeline import rank, score_batch
from matcher.rematch.candidates import group_clients, radians, reach_km
from matcher.rematch.context import ScoringContext, own_employers, sub_batch, sub_index
from matcher.rematch.options import options_of
from matcher.rematch.prefilter import possibly_feasible
from matcher.rematch.summary import Skipped
from matcher.rows import Rows, empty_rows, rows_frame, top_rows
from matcher.types import Client

_log = logging.getLogger(__name__)

# Fixed cost of scoring one group, in pair-equivalents: a group costs ~10-20 ms of engine calls
# whatever its size, while the engine scores only feasible pairs in full, so extra rows and
# columns are cheap (measured on 100k x 100k: 15,000 ran 40 % faster than 1,500).
GROUP_OVERHEAD_PAIRS = 15_000


@dataclass(frozen=True)
class ChunkResult:
    """Top-k rows of one chunk's clients and what it cost.

    ``rows`` has :data:`~matcher.rows.ROW_COLUMNS`; every client of
    the chunk is in ``client_ids`` (a client with no feasible opening has no
    rows but still gets an empty shortlist). ``n_candidates`` counts pairs
    within reach, ``n_pairs`` pairs the engine checked (the rectangles of its
    client groups: it computes factors only for the feasible ones), ``n_feasible`` pairs
    passing every hard constraint. ``options``: when the context keeps the matcher, what would
    open more options for each client of the chunk left with no suggestion, by client id
    (``matcher.rematch.options.options_of``).
    """

    number: int
    client_ids: tuple[str, ...]
    rows: pd.DataFrame
    n_candidates: int = 0
    n_pairs: int = 0
    n_feasible: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    skipped: tuple[Skipped, ...] = ()
    options: dict[str, dict[str, Any]] = field(default_factory=dict)


def score_chunk(
    context: ScoringContext,
    clients: Sequence[Client],
    *,
    number: int = 0,
    blocked: Mapping[str, Collection[str]] | None = None,
    travel_times: TravelTimes | None = None,
) -> ChunkResult:
    """Top-k suggestion rows for a chunk of clients.

    Parameters
    ----------
    context : ScoringContext
    clients : sequence of Client
        The chunk (ideally neighbours: see ``candidates.plan_chunks``).
    number : int
        Chunk number, carried into the result.
    blocked : mapping, optional
        Client id -> opening ids the specialist rejected.
    travel_times : TravelTimes, optional
        Router minutes; the pairs it covers are always candidates.

    Returns
    -------
    ChunkResult
        A client whose features cannot be built is skipped with its reason.
    """
    try:
        return _score(context, list(clients), number, blocked, travel_times)
    except Exception:  # one bad client must not sink the chunk: isolate it
        if len(clients) == 1:
            raise
        _log.warning("chunk %d failed as a whole; scoring its %d clients one by one", number, len(clients))
    return _one_by_one(context, list(clients), number, blocked, travel_times)


def _one_by_one(
    context: ScoringContext,
    clients: list[Client],
    number: int,
    blocked: Mapping[str, Collection[str]] | None,
    travel_times: TravelTimes | None,
) -> ChunkResult:
    parts, skipped, ids = [], [], []
    for c in clients:
        try:
            parts.append(_score(context, [c], number, blocked, travel_times))
            ids.append(c.id)
        except Exception as exc:  # noqa: BLE001 - reported per client, the run goes on
            _log.error("client %s skipped: %s: %s", c.id, type(exc).__name__, exc, exc_info=True)
            skipped.append(Skipped("client", c.id, "(scoring)", f"{type(exc).__name__}: {exc}"))
    if clients and not ids:  # every client failed alike: a bug, not bad data
        raise RuntimeError(f"chunk {number}: no client could be scored; first: {skipped[0].reason}")
    rows = [p.rows for p in parts if len(p.rows)]
    return ChunkResult(
        number=number,
        client_ids=tuple(ids),
        rows=pd.concat(rows, ignore_index=True) if rows else empty_rows(),
        n_candidates=sum(p.n_candidates for p in parts),
        n_pairs=sum(p.n_pairs for p in parts),
        n_feasible=sum(p.n_feasible for p in parts),
        timings=_sum_timings(p.timings for p in parts),
        skipped=tuple(skipped),
        options={i: o for p in parts for i, o in p.options.items()},
    )


def _sum_timings(items: object) -> dict[str, float]:
    out: dict[str, float] = {}
    for t in items:  # type: ignore[attr-defined]
        for k, v in t.items():
            out[k] = out.get(k, 0.0) + v
    return out


def _candidates(
    context: ScoringContext, clients: list[Client], travel_times: TravelTimes | None
) -> list[np.ndarray]:
    """Per client, sorted index columns within reach (plus router-covered pairs)."""
    times = merged(context.travel_times, travel_times)
    router = times.router if times is not None else None  # a subway line may reach farther
    cands = context.candidates.query(radians(clients), reach_km(clients, context.config.commute, router))
    if travel_times is None or travel_times.frame.empty:
        return cands
    frame = travel_times.frame
    live = context.index.is_open & ~context.index.expired
    pos = pd.Index(context.index.ids).get_indexer(frame["opening_id"])
    row = pd.Index([c.id for c in clients]).get_indexer(frame["client_id"])
    keep = (pos >= 0) & (row >= 0)
    for i, j in zip(row[keep], pos[keep], strict=True):
        if live[j]:
            cands[i] = np.union1d(cands[i], [j])
    return cands


def _union(lists: Sequence[np.ndarray], size: int) -> np.ndarray:
    """Sorted distinct values of several index arrays below ``size`` (a mask, not a sort)."""
    mask = np.zeros(size, dtype=bool)
    for cols in lists:
        mask[cols] = True
    return np.flatnonzero(mask)


def _score(
    context: ScoringContext,
    clients: list[Client],
    number: int,
    blocked: Mapping[str, Collection[str]] | None,
    travel_times: TravelTimes | None,
) -> ChunkResult:
    t0 = time.perf_counter()
    cands = _candidates(context, clients, travel_times)
    union = _union(cands, len(context.index.ids))
    index = own_employers(sub_index(context.index, union))
    batch = build_clients(
        clients,
        index,
        vocab=context.vocab,
        config=context.config,
        text_model=context.text_model,
        occupations=context.occupations,
    )
    lookup = np.full(len(context.index.ids), -1, dtype=np.int64)
    lookup[union] = np.arange(len(union))
    local = [lookup[c] for c in cands]  # full-index columns -> sub-index columns (still sorted)
    if context.prefilter:
        local = _prefilter(batch, index, local)
    t1 = time.perf_counter()
    order = _profile_order(batch)
    groups = group_clients(
        [local[i] for i in order], max_pairs=context.max_pairs, overhead_pairs=GROUP_OVERHEAD_PAIRS
    )
    parts, n_pairs, n_feasible, t_rank = [], 0, 0, 0.0
    for piece in groups:
        rows = np.sort(order[piece])  # the group's clients in chunk order
        cols = _union([local[i] for i in rows], len(union))
        if len(cols):
            frame, feasible, seconds = _score_group(context, batch, index, rows, cols, blocked, travel_times)
            parts.append(frame)
            n_pairs, n_feasible, t_rank = (
                n_pairs + len(rows) * len(cols),
                n_feasible + feasible,
                t_rank + seconds,
            )
    frame = _client_order(rows_frame(parts), clients)
    timings = {"block": t1 - t0, "score": time.perf_counter() - t1 - t_rank, "rank": t_rank}
    n_candidates = sum(len(c) for c in cands)
    found: dict[str, dict[str, Any]] = {}
    if context.matcher is not None:
        t2, cpu2 = time.perf_counter(), time.process_time()
        # every short list (fewer than k suggestions) says what would open more options
        listed = frame["client_id"].value_counts().to_dict() if len(frame) else {}
        short = [c for c in clients if listed.get(c.id, 0) < context.k]
        mine = {c.id: tuple(blocked.get(c.id, ())) if blocked else () for c in short}
        found = options_of(context.matcher, short, blocked=mine, k=context.k)
        timings["options"] = time.perf_counter() - t2
        timings["options_cpu"] = time.process_time() - cpu2
    return ChunkResult(
        number, tuple(c.id for c in clients), frame, n_candidates, n_pairs, n_feasible, timings, (), found
    )


def _prefilter(batch: ClientBatch, index: OpeningIndex, local: list[np.ndarray]) -> list[np.ndarray]:
    """Each client's candidates that pass the cheap hard limits."""
    sizes = [len(c) for c in local]
    if not sum(sizes):
        return local
    rows = np.repeat(np.arange(len(local)), sizes)
    cols = np.concatenate(local)
    ok = possibly_feasible(batch, index, rows, cols)
    kept = np.bincount(rows[ok], minlength=len(local))
    return np.split(cols[ok], np.cumsum(kept)[:-1])


def _profile_order(batch: ClientBatch) -> np.ndarray:
    """Clients sorted by availability, hours and needs: alike clients share most feasible openings."""
    keys = [*batch.avail.T, batch.min_hours, batch.max_hours, *batch.required.T]
    return np.lexsort(keys[::-1]) if keys else np.arange(len(batch.clients))


def _score_group(
    context: ScoringContext,
    batch: ClientBatch,
    index: OpeningIndex,
    rows: np.ndarray,
    cols: np.ndarray,
    blocked: Mapping[str, Collection[str]] | None,
    travel_times: TravelTimes | None,
) -> tuple[Rows, int, float]:
    """The pipeline's scoring, ranking and rows for one group of clients and their openings."""
    part = sub_batch(batch, rows, cols)
    sub = sub_index(index, cols)  # scoring never reads the word matrix
    times = merged(context.travel_times, travel_times)
    scored = score_batch(part, sub, config=context.config, blocked=blocked, travel_times=times)
    t0 = time.perf_counter()
    tops = rank(scored, sub, n=context.k, config=context.config.ranking)
    frame = top_rows([c.id for c in part.clients], sub.ids, tops, scored.scores)
    return frame, int(np.count_nonzero(scored.codes == 0)), time.perf_counter() - t0


def _client_order(frame: pd.DataFrame, clients: list[Client]) -> pd.DataFrame:
    """Rows grouped by client in chunk order, best rank first."""
    if frame.empty:
        return frame
    pos = pd.Index([c.id for c in clients]).get_indexer(frame["client_id"])
    key = pos * 10_000 + frame["rank"].to_numpy()
    return frame.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)
