"""What would open more options: single changes within the client's reach, and what each opens.

For a client with a short list (or on request), each change below relaxes one of the client's
own limits, one at a time: a longer commute limit, a mode the client could learn (travel
training), a wider hours range, another availability window, a lower wage floor, disclosing
to employers, or dropping one exclusion. The engine's failure bits of the client against the
openings within reach are computed once; for a change, only the rule it touches is checked
again with the changed client value, and the openings it opens are those whose *only* failed
bit is that rule's and which now pass it (listed pairs, no per-pair loop). A change that opens
nothing is not proposed. A change of the commute is estimated with the engine's router (GTFS
timetables) as the shortlist is, so travel training for transit counts what the timetable reaches.

:func:`what_would_open` answers one client from its shortlist's scored block;
:func:`what_would_open_many` answers many (the nightly digest) from one block per chunk of
clients near each other, every change of the chunk stacked in one batch: the same answers.

The text states facts: what would change and how many openings would fit. It never
recommends a change (disclosure least of all): the specialist and the client decide.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from matcher import commute as commute_mod
from matcher import geo, schedule
from matcher.candidates import MARGIN_KM, gather, hilbert_key, reach_km
from matcher.commute import Commute, PairMinutes, TravelTimes
from matcher.config import CommuteConfig
from matcher.constraints import RULES, Failed, failed_codes, failed_codes_at
from matcher.features import PAIR_FIELDS, ClientBatch, OpeningIndex, build_clients
from matcher.features.clients import _named_exclusions as named_exclusions
from matcher.features.clients import take_clients
from matcher.features.terms import industry_code
from matcher.options_commute import listed_commute
from matcher.scoring import pair_scores
from matcher.types import Client, Shortlist, TimeWindow

if TYPE_CHECKING:
    from matcher.pipeline import ClientBlock, Matcher

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: Clients per block in :func:`what_would_open_many` (~15 changed rows each; 64 measured fastest at 10k).
CHUNK_SIZE = 64


@dataclass(frozen=True, slots=True)
class OptionsConfig:
    """Which changes are tried.

    Attributes
    ----------
    commute_minutes : tuple of int
        Longer commute limits tried (minutes added).
    hours_step : tuple of float
        Hours per week by which the range is widened (minimum lowered, maximum raised).
    wage_step : tuple of float
        Dollars per hour by which the wage floor is lowered (never below 0).
    learnable_modes : tuple of str
        Modes a client could learn (travel training), tried when the client lacks them.
    windows : int
        Availability windows tried at most: those that the most openings failing only
        their schedule need.
    best : int
        Openings named per change (the best-scoring it would open).
    """

    commute_minutes: tuple[int, ...] = (15, 30)
    hours_step: tuple[float, ...] = (5.0, 10.0)
    wage_step: tuple[float, ...] = (1.0, 2.0)
    learnable_modes: tuple[str, ...] = ("transit",)
    windows: int = 4
    best: int = 3


@dataclass(frozen=True, slots=True)
class Opened:
    """An opening a change would open, scored as the changed client."""

    opening_id: str
    score: float


@dataclass(frozen=True, slots=True)
class Change:
    """One change within the client's reach and what it would open.

    ``client`` is the client record with the change made (for the engine to re-check);
    ``best`` the best-scoring openings it opens; :attr:`opening_ids` all of them.
    """

    kind: str
    rule: str
    text: str
    client: Client
    n_opened: int
    best: tuple[Opened, ...]
    # every opening it opens: columns of ``_ids``, turned into ids only when asked for
    _cols: np.ndarray = field(compare=False, repr=False)
    _ids: Sequence[str] = field(compare=False, repr=False)

    @property
    def best_score(self) -> float:
        return self.best[0].score if self.best else 0.0

    @property
    def opening_ids(self) -> tuple[str, ...]:
        """Every opening the change opens, sorted."""
        return tuple(sorted(self._ids[int(j)] for j in self._cols))


# The rules some change relaxes: an opening failing one of them alone may be opened.
_RELAXABLE = [
    int(f)
    for f in (
        Failed.COMMUTE_TOO_LONG,
        Failed.HOURS_OUT_OF_RANGE,
        Failed.SCHEDULE_OUTSIDE_AVAILABILITY,
        Failed.WAGE_BELOW_FLOOR,
        Failed.REQUIRED_ACCOMMODATION_UNAVAILABLE,
        Failed.EXCLUDED_INDUSTRY,
        Failed.EXCLUDED_EMPLOYER,
        Failed.EXCLUDED_KEYWORD,
        Failed.BACKGROUND_CHECK,
    )
]
_OPENABLE = np.isin(np.arange(1 << max(int(f) for f in Failed).bit_length()), _RELAXABLE)
# Changes whose changed batch rows are the exclusion masks, looked up again for the changed client.
_NAMED = {Failed.EXCLUDED_EMPLOYER: "excluded_by_employer", Failed.EXCLUDED_KEYWORD: "excluded_by_keyword"}


@dataclass(frozen=True, slots=True)
class _Block:
    """Clients scored against some openings: what every change of theirs starts from.

    ``rank`` is each column's place in id order (ties between equal scores go by it);
    ``reach`` each client's widest reach (km) over the changes; ``routed``: a router table
    may reach any opening, so none is left out by distance.
    """

    batch: ClientBatch
    index: OpeningIndex
    commute: Commute
    codes: np.ndarray  # (C, J) uint16
    rank: np.ndarray  # (J,)
    reach: np.ndarray  # (C,)
    routed: bool
    # sorted columns as an index of their own, and which column of the block each of its columns is
    take: Callable[[np.ndarray], tuple[OpeningIndex, np.ndarray]]


@dataclass(frozen=True, slots=True)
class _Tried:
    """A change to try: the client's record fields it changes, its block row ``owner`` and batch values.

    The changed record is made (:meth:`changed`) only when it is read: by the rules that read
    records (:data:`_READS_RECORD`) and for a change that opens something (about six in ten).
    """

    kind: str
    code: Failed
    text: str
    client: Client  # as the client is
    fields: dict[str, Any]  # Client field -> its changed value
    owner: int
    values: dict[str, Any]  # ClientBatch field -> the changed client's row

    def changed(self) -> Client:
        return dataclasses.replace(self.client, **self.fields)


# Changes checked from the changed client records, not only batch values: a commute (its reach)
# and a dropped employer or keyword (its exclusion masks, and whether any is left).
_READS_RECORD = frozenset({Failed.COMMUTE_TOO_LONG, Failed.EXCLUDED_EMPLOYER, Failed.EXCLUDED_KEYWORD})


def what_would_open(
    matcher: Matcher,
    client: Client,
    *,
    blocked: Mapping[str, Collection[str]] | None = None,
    travel_times: TravelTimes | None = None,
    config: OptionsConfig | None = None,
    reach: float | None = None,
) -> tuple[Change, ...]:
    """The single changes that would open more openings for ``client``, best first.

    Ranked by how many more openings each opens, then by the best score among them. Starts
    from the client's shortlist's scored block (``Matcher.client_block``) when it reaches as
    far as the widest change.

    Parameters
    ----------
    matcher : Matcher
        A fitted engine (its index, candidates, router and configuration are used, never changed).
    client : Client
    blocked : mapping, optional
        Client id -> opening ids the specialist rejected (never opened by any change).
    travel_times : TravelTimes, optional
        Router minutes that override the commute estimate (beside the engine's own router).
    config : OptionsConfig, optional
    reach : float, optional
        :func:`options_reach` of the same client, engine, table and configuration when the
        caller has it already (the shortlist widened to it): not computed again.
    """
    cfg = config or OptionsConfig()
    if reach is None:
        widest = _widest_reach([client], cfg, matcher, travel_times)
    else:
        widest = np.array([reach], dtype=np.float64)
    block = matcher.client_block(client, reach=float(widest[0]), blocked=blocked, travel_times=travel_times)
    return _from_block(block, widest, matcher, cfg, blocked, travel_times)[0]


def options_reach(
    matcher: Matcher,
    client: Client,
    *,
    travel_times: TravelTimes | None = None,
    config: OptionsConfig | None = None,
) -> float:
    """The km the client's widest change reaches (the longest limit tried, every learnable mode).

    Given as ``reach`` to ``Matcher.recommend_blocks``, the shortlist's candidate search is
    widened that far (the same shortlist: the openings it adds all fail the commute), so
    :func:`what_would_open` right after it starts from that block instead of scoring another.
    """
    return float(_widest_reach([client], config or OptionsConfig(), matcher, travel_times)[0])


def shortlists_and_options(
    matcher: Matcher,
    clients: Sequence[Client],
    *,
    k: int | None = None,
    blocked: Mapping[str, Collection[str]] | None = None,
    near_misses: int = 0,
    travel_times: TravelTimes | None = None,
    config: OptionsConfig | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> list[tuple[Shortlist, tuple[Change, ...]]]:
    """Each client's shortlist and what would open more options for it, in input order: one scoring.

    The same as ``Matcher.recommend(clients, k, explain_exclusions=False, near_misses=...)``
    then :func:`what_would_open_many`, but each chunk of ``chunk_size`` clients (in map order)
    is scored once, against the openings its shortlists need and those within the widest reach
    of its changes (``Matcher.recommend_blocks``), and its changes start from that block.
    """
    cfg = config or OptionsConfig()
    order = map_order(clients).tolist()
    in_order = [clients[i] for i in order]
    reach = _widest_reach(in_order, cfg, matcher, travel_times)
    chunks = matcher.recommend_blocks(
        in_order,
        k,
        reach=reach,
        blocked=blocked,
        explain_exclusions=False,
        near_misses=near_misses,
        travel_times=travel_times,
        chunk_size=chunk_size,
    )
    out: dict[int, tuple[Shortlist, tuple[Change, ...]]] = {}
    start = 0
    for shortlists, block in chunks:
        mine = slice(start, start + len(shortlists))
        changes = _from_block(block, reach[mine], matcher, cfg, blocked, travel_times)
        out |= zip(order[mine], zip(shortlists, changes, strict=True), strict=True)
        start += len(shortlists)
    return [out[i] for i in range(len(clients))]


def _from_block(
    block: ClientBlock,
    reach: np.ndarray,
    matcher: Matcher,
    cfg: OptionsConfig,
    blocked: Mapping[str, Collection[str]] | None,
    travel_times: TravelTimes | None,
) -> list[tuple[Change, ...]]:
    """Per client of a block a shortlist scored, its changes (``reach``: each client's widest)."""
    scored, routed = block.scored, block.travel_times is not None
    take = functools.partial(matcher.block_openings, block)  # in curve order: faster to gather
    whole = _Block(
        scored.clients, block.index, scored.commute, scored.codes, block.order, reach, routed, take
    )
    part, openable = _narrowed(whole, _openable(whole))
    return _what_opens(part, openable, matcher, cfg, blocked, travel_times)


def what_would_open_many(
    matcher: Matcher,
    clients: Sequence[Client],
    *,
    blocked: Mapping[str, Collection[str]] | None = None,
    travel_times: TravelTimes | None = None,
    config: OptionsConfig | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> list[tuple[Change, ...]]:
    """:func:`what_would_open` of each client, in input order, computed a block of clients at a time.

    Clients are taken in map order (a Hilbert curve), so each block of ``chunk_size`` clients
    is scored against the openings within the widest reach of any of them (plus remote and
    unplaced ones), and all their changes are checked and scored as one stacked batch.
    """
    cfg = config or OptionsConfig()
    out: list[tuple[Change, ...]] = [()] * len(clients)
    order = map_order(clients)
    for start in range(0, len(clients), chunk_size):
        rows = order[start : start + chunk_size].tolist()
        whole = _score_block(matcher, [clients[r] for r in rows], cfg, blocked, travel_times)
        part, openable = _narrowed(whole, _openable(whole))
        for r, changes in zip(
            rows, _what_opens(part, openable, matcher, cfg, blocked, travel_times), strict=True
        ):
            out[r] = changes
    return out


def map_order(clients: Sequence[Client]) -> np.ndarray:
    """The clients' positions in map order (a Hilbert curve): consecutive ones live near each other.

    Chunks taken in this order are compact, so each is scored against few openings.
    """
    if not clients:
        return np.zeros(0, dtype=np.int64)
    points = geo.lat_lon(geo.unit_vectors([c.home for c in clients]))
    result: np.ndarray = np.argsort(hilbert_key(points), kind="stable")
    return result


def _score_block(
    matcher: Matcher,
    chunk: Sequence[Client],
    cfg: OptionsConfig,
    blocked: Mapping[str, Collection[str]] | None,
    travel_times: TravelTimes | None,
) -> _Block:
    """The chunk's features, commute and failure bits against every opening some change may open.

    Those are the openings within the widest reach of some client of the chunk, remote or
    unplaced ones (the rest fail the commute under every change), or all with a router table.
    """
    index, mcfg = matcher.index, matcher.config
    reach = _widest_reach(chunk, cfg, matcher, travel_times)
    routed = travel_times is not None and not travel_times.frame.empty
    if routed:
        cols = np.arange(len(index.ids))
    else:
        homes = geo.unit_vectors([c.home for c in chunk])
        near = (geo.dot(homes, index.xyz) >= geo.cos_of_km(reach + MARGIN_KM)[:, None]).any(axis=0)
        cols = np.flatnonzero(near | index.remote | ~index.located)
    sub = gather(index, cols)
    assert matcher.text_model is not None
    batch = build_clients(chunk, sub, vocab=matcher.vocab, config=mcfg, text_model=matcher.text_model)
    router = commute_mod.merged(getattr(matcher, "travel_times", None), travel_times)
    trip = commute_mod.estimate(batch, sub, config=mcfg.commute, travel_times=router)
    codes = failed_codes(batch, sub, trip, blocked=blocked)
    return _Block(batch, sub, trip, codes, cols, reach, routed, functools.partial(_gathered, sub))


def _gathered(index: OpeningIndex, cols: np.ndarray) -> tuple[OpeningIndex, np.ndarray]:
    return gather(index, cols), cols


def _what_opens(
    part: _Block,
    openable: np.ndarray,
    matcher: Matcher,
    cfg: OptionsConfig,
    blocked: Mapping[str, Collection[str]] | None,
    travel_times: TravelTimes | None,
) -> list[tuple[Change, ...]]:
    """Per client of the block, its changes, ranked: every client's changes as rows of one batch.

    ``openable``: what some change may open for each client (:func:`_openable`). Row ``r`` (a
    change of client ``owner``) opens the openings whose only failed bit is its rule's and which
    pass that rule now, checked as listed pairs; the opened pairs are scored as the changed client.
    """
    found: list[_Tried] = []
    for c, client in enumerate(part.batch.clients):
        failing = {int(b) for b in np.unique(part.codes[c][openable[c]]).tolist()}
        found += _changes(client, c, part, openable[c], failing, matcher, cfg)
    records = [t.changed() if t.code in _READS_RECORD else None for t in found]
    row, col, score = _opened(found, records, part, openable, matcher, blocked, travel_times)
    by_row = np.lexsort((part.rank[col], -score, row))  # per row: best first, ties in id order
    row, col, score = row[by_row], col[by_row], score[by_row]
    at = np.searchsorted(row, np.arange(len(found) + 1))
    ids = part.index.ids
    per_client: list[list[Change]] = [[] for _ in part.batch.clients]
    for r, t in enumerate(found):
        cols, mine = col[at[r] : at[r + 1]], score[at[r] : at[r + 1]]
        if len(cols):
            top = zip(cols[: cfg.best].tolist(), mine[: cfg.best].tolist(), strict=True)
            best = tuple(Opened(ids[j], round(v, 2)) for j, v in top)
            changed = records[r] or t.changed()
            change = Change(t.kind, str(t.code.name), t.text, changed, len(cols), best, cols, ids)
            per_client[t.owner].append(change)
    out = []
    for changes in per_client:
        kept = _without_redundant(changes)
        kept.sort(key=lambda ch: (-ch.n_opened, -ch.best_score, ch.kind, ch.text))
        out.append(tuple(kept))
    return out


def _opened(
    found: Sequence[_Tried],
    records: Sequence[Client | None],
    part: _Block,
    openable: np.ndarray,
    matcher: Matcher,
    blocked: Mapping[str, Collection[str]] | None,
    travel_times: TravelTimes | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs the rows of ``found`` open: (row, column, score as the changed client).

    ``records[r]``: the changed client of row ``r`` when a rule reads it (None: the client's own
    record stands in, every rule and score of the row reading only its batch values).
    """
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    mcfg = matcher.config
    stacked = _stacked(found, records, part, matcher)
    own = np.array([int(t.code) for t in found], dtype=np.uint16)
    owner = np.array([t.owner for t in found], dtype=np.int64)
    ri, ji = np.nonzero((part.codes[owner] == own[:, None]) & openable[owner])
    trip = _stacked_commute(found, stacked, part, mcfg.commute, matcher, travel_times, (ri, ji))
    ok = np.zeros(len(ri), dtype=bool)
    for rule in (r for r in RULES if int(r.code) in set(own.tolist())):  # each row's own rule only
        at = np.flatnonzero(own[ri] == int(rule.code))
        now = failed_codes_at(
            stacked, part.index, ri[at], ji[at], commute=trip, blocked=blocked, rules=[rule]
        )
        ok[at] = now == 0
    ri, ji = ri[ok], ji[ok]
    scores = pair_scores(stacked, part.index, trip, ri, ji, scoring=mcfg.scoring, commute_config=mcfg.commute)
    return ri, ji, scores[1]


def _narrowed(part: _Block, openable: np.ndarray) -> tuple[_Block, np.ndarray]:
    """The block cut down to the openings some change may open for some client (a few in ten).

    Every later step (changed commutes, stacked rows, checks) then works on those columns only.
    """
    cols = np.flatnonzero(openable.any(axis=0))
    if len(cols) == len(part.index.ids):
        return part, openable
    sub, cols = part.take(cols)
    batch = dataclasses.replace(part.batch, **{n: getattr(part.batch, n)[:, cols] for n in PAIR_FIELDS})
    base = part.commute
    new = np.full(len(part.index.ids), -1, dtype=np.int64)
    new[cols] = np.arange(len(cols))
    overrides = {}
    for name, times in base.overrides.items():
        ci, ji, v = _pairs_of(times)
        keep = new[ji] >= 0
        overrides[name] = PairMinutes(len(cols), ci[keep], new[ji[keep]], v[keep])
    trip = Commute(base.minutes[:, cols], base.mode[:, cols], base.feasible[:, cols], overrides)
    codes, rank = part.codes[:, cols], part.rank[cols]
    narrowed = _Block(
        batch, sub, trip, codes, rank, part.reach, part.routed, functools.partial(_gathered, sub)
    )
    return narrowed, openable[:, cols]


def _stacked(
    found: Sequence[_Tried], records: Sequence[Client | None], part: _Block, matcher: Matcher
) -> ClientBatch:
    """One batch whose row ``r`` is the client as changed by ``found[r]`` (record: ``records[r]``)."""
    stacked = take_clients(part.batch, [t.owner for t in found])
    changes: dict[str, Any] = {}
    for name in sorted({n for t in found for n in t.values}):
        value = getattr(stacked, name).copy()
        for r, t in enumerate(found):
            if name in t.values:
                value[r] = t.values[name]
        changes[name] = value
    for code, name in _NAMED.items():  # an exclusion dropped: its openings looked up for the changed client
        rows = [r for r, t in enumerate(found) if t.code is code]
        if rows:
            masks = named_exclusions(
                [records[r] or found[r].changed() for r in rows], part.index, matcher.vocab.avoidance_topics
            )
            value = changes.get(name, getattr(stacked, name).copy())
            value[rows] = masks[list(_NAMED).index(code)]
            changes[name] = value
    clients = tuple(c or t.client for c, t in zip(records, found, strict=True))
    return dataclasses.replace(stacked, clients=clients, **changes)


def _stacked_commute(
    found: Sequence[_Tried],
    stacked: ClientBatch,
    part: _Block,
    config: CommuteConfig,
    matcher: Matcher,
    travel_times: TravelTimes | None,
    listed: tuple[np.ndarray, np.ndarray],
) -> Commute:
    """Row ``r``: the commute of ``found[r]``'s client; the rows changing it estimated anew.

    Estimated with the engine's router (and the call's table) as the shortlist was. A table is
    looked up by client id, so each estimate holds at most one row of each client. Without a
    router or a table, a changed row is estimated at its ``listed`` pairs (rows, columns) only,
    the only ones read of it (:func:`matcher.options_commute.listed_commute`): the rest of the
    row keeps the client's own commute.
    """
    owner = np.array([t.owner for t in found], dtype=np.int64)
    base = part.commute
    minutes, mode, feasible = base.minutes[owner], base.mode[owner], base.feasible[owner]
    changed = np.array([t.code is Failed.COMMUTE_TOO_LONG for t in found])
    kept = np.flatnonzero(~changed)
    parts = {name: _rows_of(times, owner[kept], kept) for name, times in base.overrides.items()}
    router = commute_mod.merged(getattr(matcher, "travel_times", None), travel_times)
    todo = np.flatnonzero(changed)
    if router is None or (router.router is None and router.frame.empty):  # each pair on its own
        ri, ji = listed
        pick = changed[ri]
        ri, ji = ri[pick], ji[pick]
        minutes[ri, ji], mode[ri, ji], feasible[ri, ji] = listed_commute(
            stacked, part.index, ri, ji, config=config
        )
        todo = todo[:0]
    while len(todo):  # a row per client at a time (all at once without a table)
        _, first = np.unique(owner[todo], return_index=True)
        rows = todo if travel_times is None or travel_times.frame.empty else todo[np.sort(first)]
        new = commute_mod.estimate(
            take_clients(stacked, rows.tolist()), part.index, config=config, travel_times=router
        )
        minutes[rows], mode[rows], feasible[rows] = new.minutes, new.mode, new.feasible
        for name, times in new.overrides.items():
            parts.setdefault(name, []).extend(_rows_of(times, np.arange(len(rows)), rows))
        todo = np.setdiff1d(todo, rows)
    n = len(part.index.ids)
    overrides: dict[str, PairMinutes] = {}
    for name, pieces in parts.items():
        if pieces:
            ci, ji, v = (np.concatenate(x) for x in zip(*pieces, strict=True))
            overrides[name] = PairMinutes(n, ci, ji, v)
    return Commute(minutes=minutes, mode=mode, feasible=feasible, overrides=overrides)


def _pairs_of(times: Mapping[tuple[int, int], float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Router minutes by (row, column) as arrays: rows, columns, minutes."""
    items = list(times.items())
    keys = np.array([k for k, _ in items], dtype=np.int64).reshape(-1, 2)
    return keys[:, 0], keys[:, 1], np.array([v for _, v in items], dtype=np.float64)


def _rows_of(
    times: Mapping[tuple[int, int], float], source: np.ndarray, target: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Router minutes of block rows ``source[k]`` as those of rows ``target[k]``: (rows, cols, minutes)."""
    if not len(times) or not len(source):
        return []
    ci, ji, values = _pairs_of(times)
    order = np.argsort(ci, kind="stable")
    ci, ji, values = ci[order], ji[order], values[order]
    lo, hi = np.searchsorted(ci, source), np.searchsorted(ci, source, side="right")
    counts = hi - lo
    at = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    return [(np.repeat(target, counts), ji[at], values[at])]


def _changes(
    client: Client,
    c: int,
    part: _Block,
    openable: np.ndarray,
    failing: Collection[int],
    matcher: Matcher,
    cfg: OptionsConfig,
) -> list[_Tried]:
    """The changes tried for client ``c`` of the block, with the batch values each changes.

    Only changes of the rules ``failing`` (some opening fails that rule alone): another opens nothing.
    """
    out: list[_Tried] = []
    batch = part.batch

    def tried(kind: str, code: Failed, fields: dict[str, Any], text: str, **values: Any) -> None:
        out.append(_Tried(kind, code, text, client, fields, c, values))

    def fails(code: Failed) -> bool:
        return int(code) in failing

    changed: dict[str, Any]  # the record's fields a change changes
    modes = list(matcher.config.commute.modes)
    limit = client.max_commute_minutes
    for extra in cfg.commute_minutes if fails(Failed.COMMUTE_TOO_LONG) else ():
        changed = {"max_commute_minutes": limit + extra}
        text = f"With a commute limit of {limit + extra} minutes instead of {limit}"
        tried("commute_limit", Failed.COMMUTE_TOO_LONG, changed, text, limit=float(limit + extra))
    for mode in cfg.learnable_modes if fails(Failed.COMMUTE_TOO_LONG) else ():
        if mode in modes and mode not in client.modes:
            has = batch.modes[c].copy()
            has[modes.index(mode)] = True
            text = f"If the client learned to travel by {mode} (travel training)"
            tried("learn_mode", Failed.COMMUTE_TOO_LONG, {"modes": (*client.modes, mode)}, text, modes=has)
    lo, hi = client.min_hours, client.max_hours
    for step in cfg.hours_step if fails(Failed.HOURS_OUT_OF_RANGE) else ():
        if lo > 0:
            new = max(lo - step, 0.0)
            text = f"With a minimum of {new:g} hours a week instead of {lo:g}"
            tried("min_hours", Failed.HOURS_OUT_OF_RANGE, {"min_hours": new}, text, min_hours=new)
        text = f"With a maximum of {hi + step:g} hours a week instead of {hi:g}"
        tried("max_hours", Failed.HOURS_OUT_OF_RANGE, {"max_hours": hi + step}, text, max_hours=hi + step)
    if fails(Failed.SCHEDULE_OUTSIDE_AVAILABILITY):
        alone = openable & (part.codes[c] == np.uint16(Failed.SCHEDULE_OUTSIDE_AVAILABILITY))
        for window in _missing_windows(client, alone, part.index, cfg.windows):
            availability = (*client.availability, *window)
            avail = schedule.masks([availability], cover=False)[0]
            text = f"If the client were also available {_window_text(window)}"
            changed = {"availability": availability}
            tried("availability", Failed.SCHEDULE_OUTSIDE_AVAILABILITY, changed, text, avail=avail)
    floor = client.wage_floor
    for step in cfg.wage_step if floor > 0 and fails(Failed.WAGE_BELOW_FLOOR) else ():
        new = max(round(floor - step, 2), 0.0)
        text = f"With a wage floor of ${new:.2f} an hour instead of ${floor:.2f}"
        tried("wage_floor", Failed.WAGE_BELOW_FLOOR, {"wage_floor": new}, text, wage_floor=new)
    if not client.discloses and batch.required[c].any() and fails(Failed.REQUIRED_ACCOMMODATION_UNAVAILABLE):
        text = "If the client chose to disclose to employers"  # what would count: its note (_NOTES)
        tried(
            "disclose", Failed.REQUIRED_ACCOMMODATION_UNAVAILABLE, {"discloses": True}, text, discloses=True
        )
    vocab, mcfg = matcher.vocab, matcher.config
    for name in client.excluded_industries if fails(Failed.EXCLUDED_INDUSTRY) else ():
        left = tuple(x for x in client.excluded_industries if x != name)
        table = np.zeros_like(batch.excluded_industries[c])
        for phrase in left:
            code = industry_code(phrase, vocab, mcfg)
            if code >= 0:
                table[code] = True
        text = f'Without the excluded industry "{name}"'
        changed = {"excluded_industries": left}
        tried("remove_exclusion", Failed.EXCLUDED_INDUSTRY, changed, text, excluded_industries=table)
    for name in (
        client.excluded_employers if fails(Failed.EXCLUDED_EMPLOYER) else ()
    ):  # masks: all rows at once
        changed = {"excluded_employers": tuple(x for x in client.excluded_employers if x != name)}
        tried(
            "remove_exclusion", Failed.EXCLUDED_EMPLOYER, changed, f'Without the excluded employer "{name}"'
        )
    for name in client.excluded_keywords if fails(Failed.EXCLUDED_KEYWORD) else ():
        changed = {"excluded_keywords": tuple(x for x in client.excluded_keywords if x != name)}
        tried("remove_exclusion", Failed.EXCLUDED_KEYWORD, changed, f'Without the excluded keyword "{name}"')
    if client.avoid_background_check and fails(Failed.BACKGROUND_CHECK):
        text = "If the client accepted openings with a background check"
        changed = {"avoid_background_check": False}
        tried("remove_exclusion", Failed.BACKGROUND_CHECK, changed, text, avoid_background_check=False)
    return out


def _without_redundant(found: list[Change]) -> list[Change]:
    """Of the steps of one kind and rule, keep a bigger step only when it opens more than a smaller."""
    out: list[Change] = []
    for ch in found:
        if ch.kind in ("commute_limit", "min_hours", "max_hours", "wage_floor"):
            if any(o.kind == ch.kind and o.n_opened >= ch.n_opened for o in out):
                continue
        out.append(ch)
    return out


def _widest_reach(
    clients: Sequence[Client], cfg: OptionsConfig, matcher: Matcher, travel_times: TravelTimes | None
) -> np.ndarray:
    """(C,) km each client reaches with the longest limit and every learnable mode (any change's bound).

    The router's reach counts where it goes farther than the estimate (a subway line), as in
    the shortlist's candidate search, so travel training for transit finds what the timetable reaches.
    """
    config = matcher.config.commute
    modes = list(config.modes)
    extra = max(cfg.commute_minutes, default=0)
    widest = [
        dataclasses.replace(
            c,
            modes=(*c.modes, *(m for m in cfg.learnable_modes if m in modes and m not in c.modes)),
            max_commute_minutes=c.max_commute_minutes + extra,
        )
        for c in clients
    ]
    return reach_km(
        widest, config, commute_mod.merged_router(getattr(matcher, "travel_times", None), travel_times)
    )


def _openable(part: _Block) -> np.ndarray:
    """(C, J) bool: the openings some change may open for each client: failing one relaxed rule alone.

    Without a router table, the ones failing only the commute that lie beyond the client's
    widest reach (an opening with no place is beyond every reach) stay closed under every
    change: left out.
    """
    codes = part.codes
    maybe = _OPENABLE[codes]
    if not part.routed:
        beyond = geo.dot(part.batch.xyz, part.index.xyz) < geo.cos_of_km(part.reach + MARGIN_KM)[:, None]
        maybe &= ~(beyond & (codes == np.uint16(Failed.COMMUTE_TOO_LONG)) & ~part.index.remote[None, :])
    result: np.ndarray = maybe
    return result


def _missing_windows(
    client: Client, alone: np.ndarray, index: OpeningIndex, most: int
) -> list[tuple[TimeWindow, ...]]:
    """Up to ``most`` windows that would cover what some opening's shifts need beyond the availability.

    Per distinct shift pattern of the openings failing the schedule alone (``alone``), its
    shifts not inside the availability (``schedule.uncovered``); kept when they are one shift,
    or the same hours on several days (one weekly window: "also 07:00-11:00 on Monday and
    Tuesday"). Those needed by the most such openings first.
    """
    if most < 1:
        return []
    cols = np.flatnonzero(alone)
    pattern = index.shift_inverse[cols]
    counts = np.bincount(pattern)
    first = np.zeros(len(counts), dtype=np.int64)
    first[pattern[::-1]] = cols[::-1]  # each pattern's first column (the last write wins)
    present = np.flatnonzero(counts)
    seen: set[tuple[TimeWindow, ...]] = set()
    out: list[tuple[TimeWindow, ...]] = []
    for j in first[present[np.argsort(-counts[present], kind="stable")]].tolist():
        uncovered = set(schedule.uncovered(client.availability, index.openings[j].shifts or ()))
        missing = tuple(sorted(uncovered, key=lambda w: (w.day, w.start, w.end)))
        if missing and len({(w.start, w.end) for w in missing}) == 1 and missing not in seen:
            seen.add(missing)
            out.append(missing)
            if len(out) == most:
                break
    return out


def _window_text(windows: tuple[TimeWindow, ...]) -> str:
    w = windows[0]
    days = [_DAYS[x.day % 7] for x in windows]
    named = days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]
    return f"{w.start // 60:02d}:{w.start % 60:02d}-{w.end // 60:02d}:{w.end % 60:02d} on {named}"


#: What a kind of change adds after the openings it names (disclosure: the disclosure note's words).
_NOTES = {
    "disclose": (
        "Accommodations available on request, or not stated by the employer and to ask about, "
        "would count. Disclosure is the client's own choice"
    ),
}


def change_to_dict(change: Change) -> dict[str, Any]:
    """A change as the API gives it (the changed client record stays inside the engine).

    ``note``: what the change means beyond its count, said after the openings it names ("" if none).
    """
    return {
        "kind": change.kind,
        "code": change.rule,
        "text": f"{change.text}, {_more(change.n_opened)} would fit",
        "note": _NOTES.get(change.kind, ""),
        "n_opened": change.n_opened,
        "best": [{"opening_id": o.opening_id, "score": o.score} for o in change.best],
    }


def _more(n: int) -> str:
    return f"{n} more opening" if n == 1 else f"{n} more openings"


__all__ = [
    "Change",
    "Opened",
    "OptionsConfig",
    "change_to_dict",
    "map_order",
    "shortlists_and_options",
    "what_would_open",
    "what_would_open_many",
]
