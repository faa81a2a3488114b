"""The Matcher: wires features -> commute -> constraints -> scoring -> ranking -> rows -> explain.

The stages are wired here once. :func:`score_clients` (features, then
:func:`score_batch`) and :func:`rank` are what ``Matcher``, the batch frame
and the nightly re-match call; the displayed numbers come from
``matcher.rows``. Build a fitted engine with ``matcher.assembly.build_matcher``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher import commute as commute_mod
from matcher import constraints, explain, ranking, scoring
from matcher.candidates import (
    FLAGS,
    NEAR_MISS_REACH,
    CandidateIndex,
    RuleTally,
    SpatialCopy,
    gather,
    near_enough,
    radians,
    reach_km,
)
from matcher.commute import Commute, TravelTimes
from matcher.config import FACTORS, MatcherConfig, RankingConfig
from matcher.errors import NotFittedError, ValidationError
from matcher.explain import Details, Pair
from matcher.features import (
    ClientBatch,
    OpeningIndex,
    build_clients,
    build_openings,
    fit_text_model,
    opening_text,
)
from matcher.features.updates import update_openings as update_index
from matcher.occupations.store import OccupationStore
from matcher.rows import CONTRIB_COLUMNS, Rows, top_rows
from matcher.types import Client, Exclusion, NearMiss, Opening, Shortlist, Suggestion
from matcher.version import ENGINE_VERSION as ENGINE_VERSION  # re-exported: recorded with each shortlist
from matcher.vocab import Vocabulary, load_vocabulary

_log = logging.getLogger(__name__)


# A chunk whose candidates cover more than this share of the index is scored against all of it:
# gathering a candidate costs ~15x scoring an opening in place (measured at 1M openings: ~0.5 us
# per candidate gathered and scored, ~0.033 us per opening scored in place), so the break-even is
# near 7 %.
CANDIDATE_SHARE = 0.05

# Near misses: the openings with the best score bounds scored first; their n-th best score then
# rules out every opening whose bound is lower, and the rest are scored at once. The bound skips
# the text similarity only, and below BOUND_FROM pairs in a chunk they are scored in the same call
# as the feasible pairs (one set of fixed costs): that costs less (measured at 100k, 2026-12-02:
# p95 ~14.3 ms at 12,000 against ~16.4 at 5,000).
FIRST_SCORED = 64
BOUND_FROM = 12_000


@dataclass(frozen=True, slots=True)
class ScoredBatch:
    """A batch of clients scored against an index of openings (all pairs)."""

    clients: ClientBatch
    commute: Commute
    codes: np.ndarray  # (C, J) uint16 failed constraints
    scores: scoring.Scores


class _MissPairs(NamedTuple):
    """The pairs that may be near misses (row-major) and, when scored with the feasible ones, their
    scores (else None)."""

    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray | None


@dataclass(frozen=True, slots=True)
class ClientBlock:
    """Clients scored against the openings within some reach: what a chunk of shortlists computed.

    ``index`` holds the openings scored (every opening of the fitted index, or at least those
    within ``reach[c]`` km of some client ``c``, remote and unlocated ones included, in curve
    order: a few more lying between them on the curve come along, ``SpatialCopy.take_around``),
    ``order`` each column's place among them in id order (ties between equal scores go by it),
    ``scored`` the clients' features, commute, failure bits and scores against them. Every
    opening left out fails ``COMMUTE_TOO_LONG`` for client ``c`` under any reach of at most
    ``reach[c]`` (inf: every opening).
    """

    clients: tuple[Client, ...]
    blocked: tuple[frozenset[str], ...]  # per client, the openings the specialist rejected
    travel_times: TravelTimes | None
    source: OpeningIndex  # the fitted index the block was taken from
    reach: np.ndarray  # (C,) km
    index: OpeningIndex
    order: np.ndarray
    scored: ScoredBatch

    def covers(
        self, client: Client, blocked: frozenset[str], travel_times: TravelTimes | None, source: OpeningIndex
    ) -> bool:
        """The block is this one client's, with the same rejections, router table and index."""
        return (
            self.source is source
            and self.travel_times is travel_times
            and self.blocked == (blocked,)
            and self.clients == (client,)
        )


def _router(travel_times: TravelTimes | None) -> TravelTimes | None:
    """The router table, or None when there is none or it is empty (the same shortlists)."""
    return None if travel_times is None or travel_times.frame.empty else travel_times


def _reach_router(matcher: Matcher, travel_times: TravelTimes | None) -> commute_mod.Router | None:
    """The router whose reach bounds a call's candidates: the call's, else the engine's own (GTFS)."""
    return commute_mod.merged_router(getattr(matcher, "travel_times", None), travel_times)


def score_batch(
    batch: ClientBatch,
    index: OpeningIndex,
    *,
    config: MatcherConfig,
    blocked: Mapping[str, Collection[str]] | None = None,
    travel_times: TravelTimes | None = None,
) -> ScoredBatch:
    """Commute, hard constraints and scores of every (client, opening) pair of a built batch.

    Parameters
    ----------
    batch : ClientBatch
        Client features aligned with ``index`` (``features.build_clients``).
    index : OpeningIndex
    config : MatcherConfig
    blocked : mapping, optional
        Client id -> opening ids the specialist rejected.
    travel_times : TravelTimes, optional
        Router minutes that override the commute estimate.
    """
    trip = commute_mod.estimate(batch, index, config=config.commute, travel_times=travel_times)
    codes = constraints.failed_codes(batch, index, trip, blocked=blocked)
    scores = scoring.score(
        batch, index, trip, codes == 0, scoring=config.scoring, commute_config=config.commute
    )
    return ScoredBatch(batch, trip, codes, scores)


def score_clients(
    clients: Sequence[Client],
    index: OpeningIndex,
    *,
    vocab: Vocabulary,
    config: MatcherConfig,
    text_model: TfidfVectorizer,
    blocked: Mapping[str, Collection[str]] | None = None,
    travel_times: TravelTimes | None = None,
    occupations: OccupationStore | None = None,
) -> ScoredBatch:
    """Client features (interests resolved through ``occupations`` too), then :func:`score_batch`."""
    batch = build_clients(
        clients, index, vocab=vocab, config=config, text_model=text_model, occupations=occupations
    )
    return score_batch(batch, index, config=config, blocked=blocked, travel_times=travel_times)


def rank(scored: ScoredBatch, index: OpeningIndex, *, n: int, config: RankingConfig) -> list[np.ndarray]:
    """Per client, the columns of its top ``n`` feasible openings, best first (employer cap applied)."""
    pairs = scored.scores.factors
    return ranking.top_k_pairs(
        pairs.rows,
        pairs.cols,
        scored.scores.total,
        len(scored.clients.clients),
        index.employer_code,
        n=n,
        max_per_employer=config.max_per_employer,
    )


class Matcher:
    """Suggests openings for clients, with reasons; same inputs, same output.

    Parameters
    ----------
    config : MatcherConfig, optional
        Program configuration (weights, commute model, ranking, benefits).
    vocab : Vocabulary, optional
        Vocabularies; defaults to those in ``data/``.
    text_model : TfidfVectorizer, optional
        A fitted text model (see ``matcher.train``); fitted on the openings if absent.
    travel_times : TravelTimes, optional
        Router minutes every call uses (e.g. ``TravelTimes.from_router`` of GTFS feeds); a call's
        own table adds to them.
    occupations : OccupationStore, optional
        The occupation store the openings were enriched from: interest phrases that name no
        work area are resolved through its titles (``matcher.interests``).
    """

    def __init__(
        self,
        config: MatcherConfig | None = None,
        *,
        vocab: Vocabulary | None = None,
        text_model: TfidfVectorizer | None = None,
        travel_times: TravelTimes | None = None,
        occupations: OccupationStore | None = None,
    ) -> None:
        self.config = config or MatcherConfig()
        self.travel_times = travel_times  # the engine's own router (GTFS): every call uses it
        self.occupations = occupations
        self.vocab = vocab or load_vocabulary()
        self.text_model = text_model
        self.index_: OpeningIndex | None = None
        self._candidates: CandidateIndex | None = None
        self._spatial_: SpatialCopy | None = None
        self._tally_: RuleTally | None = None
        self._block_: ClientBlock | None = None

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_block_", None)  # a cache of the last shortlist, never worth shipping
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        index = self.__dict__.get("index_")
        if isinstance(index, OpeningIndex):  # the text rows' column copy is kept by array, not pickled
            scoring.index_by_column(index.text)

    def fit(self, openings: Sequence[Opening], *, as_of: dt.date) -> Matcher:
        """Index the openings once; ``as_of`` decides which have expired."""
        ids = [o.id for o in openings]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ValidationError(f"opening {dup}", "id", dup, "duplicate opening id")
        if self.text_model is None:  # vocabulary phrases keep the corpus non-empty
            phrases = [p for terms in (self.vocab.work_areas, self.vocab.industries) for p in terms.phrases]
            self.text_model = fit_text_model([opening_text(o) for o in openings] + phrases)
        self.index_ = build_openings(
            openings, vocab=self.vocab, config=self.config, as_of=as_of, text_model=self.text_model
        )
        self._candidates = CandidateIndex.build(self.index_, live_only=False)
        self._spatial_ = SpatialCopy(self.index_)
        self._tally_ = RuleTally(self.index_)
        scoring.index_by_column(self.index_.text)  # one client's words meet few openings' texts
        _log.info("indexed %d openings as of %s", len(ids), as_of)
        return self

    def update_openings(self, upserts: Sequence[Opening], removed: Collection[str] = ()) -> None:
        """Add or replace ``upserts`` and drop ``removed`` without refitting (patch / splice).

        Nothing this matcher holds is modified in place, only replaced, so a copy
        made before the update (``copy.copy``, as the service makes one per pool
        version) keeps answering on the old pool while this one answers on the new.
        An edit of indexed openings writes the changed rows over copies of the arrays;
        adding or dropping openings copies each array once around the changed rows
        (``matcher.features.updates``). Either way the geographic candidates, the
        curve-order copy and the rule tally are patched or renumbered, not rebuilt, so
        the next shortlist costs what any other does. The text rows of new openings
        come from the fitted text model; see ``matcher.features.updates``.
        """
        index = self.index
        assert self.text_model is not None
        ids = [o.id for o in upserts]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ValidationError(f"opening {dup}", "id", dup, "duplicate opening id")
        update = update_index(
            index, upserts, removed, vocab=self.vocab, config=self.config, text_model=self.text_model
        )
        self.index_ = update.index
        dropped = [i for i in set(removed) if i in index.position]
        candidates = getattr(self, "_candidates", None)  # absent in engines pickled before it
        spatial, tally = getattr(self, "_spatial_", None), getattr(self, "_tally_", None)
        if update.remap is None:  # no column moved
            self._candidates = (
                candidates.patched(update.index, update.rows) if candidates is not None else None
            )
            if spatial is not None and spatial.source is index:
                self._spatial_ = spatial.patched(update.index, update.rows, update.new)
        else:
            self._candidates = candidates.spliced(update) if candidates is not None else None
            if spatial is not None and spatial.source is index:
                self._spatial_ = spatial.spliced(update)
        if tally is not None and tally.index is index:
            self._tally_ = tally.updated(update.index, update.new, dropped)
        _log.info("updated the index: %d upserted, %d removed", len(ids), len(dropped))

    @property
    def index(self) -> OpeningIndex:
        if self.index_ is None:
            raise NotFittedError("call Matcher.fit(openings, as_of=...) first")
        return self.index_

    def score(
        self,
        clients: Sequence[Client],
        *,
        blocked: Mapping[str, Collection[str]] | None = None,
        travel_times: TravelTimes | None = None,
    ) -> ScoredBatch:
        """Feasibility codes and scores of every (client, opening) pair."""
        index = self.index  # raises NotFittedError before anything else
        assert self.text_model is not None
        return score_clients(
            clients,
            index,
            vocab=self.vocab,
            config=self.config,
            text_model=self.text_model,
            blocked=blocked,
            travel_times=commute_mod.merged(getattr(self, "travel_times", None), travel_times),
            occupations=getattr(self, "occupations", None),  # absent in engines pickled before it
        )

    def score_in_chunks(
        self, clients: Sequence[Client], *, chunk_size: int = 256, **kwargs: object
    ) -> Iterator[ScoredBatch]:
        """Score clients in chunks so memory stays bounded by chunk x openings."""
        for start in range(0, len(clients), chunk_size):
            yield self.score(clients[start : start + chunk_size], **kwargs)  # type: ignore[arg-type]

    def recommend(
        self,
        clients: Sequence[Client],
        k: int | None = None,
        *,
        blocked: Mapping[str, Collection[str]] | None = None,
        explain_exclusions: bool = True,
        near_misses: int = 0,
        travel_times: TravelTimes | None = None,
        chunk_size: int = 256,
    ) -> list[Shortlist]:
        """Ranked, explained shortlists, one per client, in input order.

        Parameters
        ----------
        clients : sequence of Client
        k : int, optional
            Suggestions per client (default ``config.ranking.k``).
        blocked : mapping, optional
            Client id -> opening ids the specialist rejected (excluded with
            code ``REJECTED_BY_SPECIALIST``).
        explain_exclusions : bool
            Build the why-not of every excluded opening (counts are always given).
        near_misses : int
            Also give up to this many best-scoring openings that fail exactly one
            limit (a specialist's rejection does not count) and lie within twice the
            client's reach or are remote (``candidates.NEAR_MISS_REACH``: openings the
            client could realistically take if that one limit moved), each with that
            limit's why-not and ``feasible_if``.
        travel_times : TravelTimes, optional
            Router minutes that override the commute estimate.
        """
        chunks = self.recommend_blocks(
            clients,
            k,
            blocked=blocked,
            explain_exclusions=explain_exclusions,
            near_misses=near_misses,
            travel_times=travel_times,
            chunk_size=chunk_size,
        )
        return [s for shortlists, _ in chunks for s in shortlists]

    def recommend_blocks(
        self,
        clients: Sequence[Client],
        k: int | None = None,
        *,
        reach: np.ndarray | None = None,
        blocked: Mapping[str, Collection[str]] | None = None,
        explain_exclusions: bool = True,
        near_misses: int = 0,
        travel_times: TravelTimes | None = None,
        chunk_size: int = 256,
    ) -> Iterator[tuple[list[Shortlist], ClientBlock]]:
        """:meth:`recommend` a chunk at a time: each chunk's shortlists with the block it scored.

        ``reach`` (km, one per client) widens each chunk's block to at least the openings
        within ``reach[c]`` of its client ``c`` (and remote and unlocated ones): the same
        shortlists, from a block a caller can go on from instead of scoring the chunk again
        (the nightly digest's "what would open more options", ``matcher.options``). A chunk
        whose candidates are too many, or that explains every exclusion, is scored against
        every opening. Lazy: a chunk is scored when it is asked for.
        """
        n = self.config.ranking.k if k is None else k
        if n < 1:
            raise ValidationError("recommend", "k", k, "must be at least 1")
        if reach is not None and len(reach) != len(clients):
            raise ValidationError("recommend", "reach", len(reach), "must give one reach per client")
        _ = self.index  # raises NotFittedError before anything else
        # Every why-not needs every opening; near misses only those within twice the reach.
        far = NEAR_MISS_REACH if near_misses > 0 else 1.0
        router = _reach_router(self, travel_times)

        def chunks() -> Iterator[tuple[list[Shortlist], ClientBlock]]:
            for begin in range(0, len(clients), chunk_size):
                chunk = clients[begin : begin + chunk_size]
                own = reach_km(chunk, self.config.commute, router)
                scale: float | np.ndarray = far
                if reach is not None:  # per client, as far as the caller's reach too
                    scale = np.maximum(
                        far, np.asarray(reach[begin : begin + len(chunk)]) / np.maximum(own, 1e-9)
                    )
                cols = None if explain_exclusions else self._candidate_columns(chunk, travel_times, scale)
                if cols is None:
                    shortlists, block = self._recommend_everywhere(
                        chunk, n, blocked, explain_exclusions, near_misses, travel_times
                    )
                else:
                    shortlists, block = self._recommend_around(chunk, cols, n, blocked, near_misses, far)
                if cols is not None:  # the reach the candidates were searched within
                    searched = np.broadcast_to(scale * own, (len(chunk),))
                    if reach is not None:  # reach / own * own: the caller's reach, up to rounding
                        searched = np.maximum(searched, reach[begin : begin + len(chunk)])
                    block = dataclasses.replace(block, reach=searched)
                    if len(chunk) == 1:
                        self._block_ = block
                yield shortlists, block

        return chunks()

    def client_block(
        self,
        client: Client,
        *,
        reach: float,
        blocked: Mapping[str, Collection[str]] | None = None,
        travel_times: TravelTimes | None = None,
    ) -> ClientBlock:
        """``client`` scored against at least every opening within ``reach`` km (and remote ones).

        The block the last one-client :meth:`recommend` computed when it is this client's
        (same record, rejections, router table and index) and reaches as far; else one scored
        now (and kept). So "what would open more options" reuses a shortlist's features and
        failure bits instead of computing them again.
        """
        index, router = self.index, _router(travel_times)
        mine = frozenset(blocked.get(client.id, ()) if blocked else ())
        last: ClientBlock | None = getattr(self, "_block_", None)  # absent in engines pickled before it
        if last is not None and last.reach[0] >= reach and last.covers(client, mine, router, index):
            return last
        scale = reach / max(float(reach_km([client], self.config.commute)[0]), 1e-9)
        cols = self._candidate_columns([client], travel_times, scale)
        if cols is None:
            scored = self.score([client], blocked=blocked, travel_times=travel_times)
            everywhere = np.arange(len(index.ids))
            block = ClientBlock(
                (client,), (mine,), router, index, np.array([np.inf]), index, everywhere, scored
            )
        else:
            sub, by_id = self._spatial(index).take(cols)
            in_id_order = np.empty_like(by_id)
            in_id_order[by_id] = np.arange(len(by_id))
            scored = self._score_on([client], sub, blocked)
            block = ClientBlock(
                (client,), (mine,), router, index, np.array([reach]), sub, in_id_order, scored
            )
        self._block_ = block
        return block

    def block_openings(self, block: ClientBlock, cols: np.ndarray) -> tuple[OpeningIndex, np.ndarray]:
        """Some openings of a block as an index of their own, and which column of the block each is.

        ``cols`` are sorted columns of ``block.index``; the index returned has them in curve
        order (gathering rows from the curve-order copy is several times faster than from the
        fitted index), and the array gives, per column of it, the block's column.
        """
        if block.index is not block.source:  # already a selection in curve order
            return gather(block.index, cols), cols
        spatial = self._spatial(block.source)
        at = np.sort(spatial.place[cols])
        return gather(spatial.index, at), spatial.order[at]

    def _keep_block(
        self,
        chunk: Sequence[Client],
        reach: float,
        sub: OpeningIndex,
        order: np.ndarray,
        scored: ScoredBatch,
        blocked: Mapping[str, Collection[str]] | None,
        travel_times: TravelTimes | None,
    ) -> ClientBlock:
        """A chunk's scored block for :meth:`recommend_blocks`; one client's is also kept for
        :meth:`client_block`. Returned, not kept on the engine: requests share one engine."""
        mine = tuple(frozenset(blocked.get(c.id, ()) if blocked else ()) for c in chunk)
        block = ClientBlock(
            tuple(chunk),
            mine,
            _router(travel_times),
            self.index,
            np.full(len(chunk), reach),
            sub,
            order,
            scored,
        )
        if len(chunk) == 1:
            self._block_ = block
        return block

    def _recommend_everywhere(
        self,
        chunk: Sequence[Client],
        n: int,
        blocked: Mapping[str, Collection[str]] | None,
        explain_exclusions: bool,
        near_misses: int,
        travel_times: TravelTimes | None,
    ) -> tuple[list[Shortlist], ClientBlock]:
        """Shortlists of a chunk scored against every opening, and the block it scored."""
        index = self.index
        batch = self._client_batch(chunk, index)
        times = commute_mod.merged(getattr(self, "travel_times", None), travel_times)
        scored, candidates = self._score_with_misses(batch, index, blocked, times, near_misses)
        block = self._keep_block(
            chunk, np.inf, index, np.arange(len(index.ids)), scored, blocked, travel_times
        )
        tops = rank(scored, index, n=n, config=self.config.ranking)
        rows = top_rows([c.id for c in scored.clients.clients], index.ids, tops, scored.scores)
        misses = (
            self._near_misses(scored, index, np.arange(len(index.ids)), near_misses, candidates)
            if near_misses > 0
            else [()] * len(tops)
        )
        out, start = [], 0
        for c, top in enumerate(tops):
            row = scored.codes[c]
            counts, n_excluded = tally(row)
            excluded = np.flatnonzero(row) if explain_exclusions else ()
            shortlist = self._shortlist(
                scored, index, c, top, rows, start, counts, n_excluded, len(index.ids)
            )
            exclusions = tuple(self._exclusion(scored, c, int(j)) for j in excluded)
            out.append(dataclasses.replace(shortlist, exclusions=exclusions, near_misses=misses[c]))
            start += len(top)
        return out, block

    def _recommend_around(
        self,
        chunk: Sequence[Client],
        cols: np.ndarray,
        n: int,
        blocked: Mapping[str, Collection[str]] | None,
        near_misses: int = 0,
        scale: float = 1.0,
    ) -> tuple[list[Shortlist], ClientBlock]:
        """Shortlists of a chunk scored against the candidates ``cols`` only (the same shortlists), and
        the block it scored.

        The candidates are scored in curve order and ranked (and their near misses ordered)
        in id order, so ties go as over all openings. The openings left out all fail
        ``COMMUTE_TOO_LONG``; every rule's count over the whole index comes from
        :class:`RuleTally`, so the counts are those of scoring every opening.
        """
        index = self.index
        sub, by_id = self._spatial(index).take_around(cols)
        batch = self._client_batch(chunk, sub)
        times = getattr(self, "travel_times", None)
        scored, candidates = self._score_with_misses(batch, sub, blocked, times, near_misses)
        in_id_order = np.empty_like(by_id)
        in_id_order[by_id] = np.arange(len(by_id))
        reach = scale * float(reach_km(chunk, self.config.commute).max())
        block = self._keep_block(chunk, reach, sub, in_id_order, scored, blocked, None)
        pairs = scored.scores.factors
        place = in_id_order[pairs.cols]  # each pair's column in id order
        by_place = np.lexsort((place, pairs.rows))
        tops = [
            by_id[t]
            for t in ranking.top_k_pairs(
                pairs.rows[by_place],
                place[by_place],
                scored.scores.total[by_place],
                len(chunk),
                sub.employer_code[by_id],
                n=n,
                max_per_employer=self.config.ranking.max_per_employer,
            )
        ]
        rows = top_rows([c.id for c in scored.clients.clients], sub.ids, tops, scored.scores)
        misses = (
            self._near_misses(scored, sub, in_id_order, near_misses, candidates)
            if near_misses > 0
            else [()] * len(tops)
        )
        beyond = len(index.ids) - len(sub.ids)
        totals = self._tally(index).totals(scored.clients, blocked)
        out, start = [], 0
        for c, top in enumerate(tops):
            counts, n_excluded = tally(scored.codes[c], beyond=beyond, totals=totals[c])
            shortlist = self._shortlist(scored, sub, c, top, rows, start, counts, n_excluded, len(index.ids))
            out.append(dataclasses.replace(shortlist, near_misses=misses[c]))
            start += len(top)
        return out, block

    def _tally(self, index: OpeningIndex) -> RuleTally:
        """Rule counts over ``index``, kept until the index object changes (a refit or an update)."""
        cached = getattr(self, "_tally_", None)
        if cached is None or cached.index is not index:
            cached = RuleTally(index)
            self._tally_ = cached
        return cached

    def _candidate_columns(
        self, clients: Sequence[Client], travel_times: TravelTimes | None, scale: float | np.ndarray = 1.0
    ) -> np.ndarray | None:
        """Sorted columns within ``scale`` x reach of any of the clients (plus remote ones); None: all.

        Every other opening is farther than any of their modes can go within
        their limit, so it fails ``COMMUTE_TOO_LONG`` and cannot change a
        shortlist (nor, beyond twice the reach, be a near miss). A router table
        may reach anywhere: then every opening counts.
        """
        candidates = getattr(self, "_candidates", None)  # absent in engines pickled before it
        if candidates is None or not clients or (travel_times is not None and not travel_times.frame.empty):
            return None
        if not self._tally(self.index).exact:  # a rule RuleTally cannot count: scan them all
            return None
        router = _reach_router(self, travel_times)
        at_most = int(CANDIDATE_SHARE * len(self.index.ids))
        reach = scale * reach_km(clients, self.config.commute, router)
        hits = candidates.query(radians(clients), reach, at_most)
        if hits is None:  # one client's alone are too many
            return None
        cols = hits[0] if len(hits) == 1 else np.unique(np.concatenate(hits))
        if len(cols) > CANDIDATE_SHARE * len(self.index.ids):
            return None
        return cols

    def _spatial(self, index: OpeningIndex) -> SpatialCopy:
        """``index`` in curve order, kept until the index object changes (a refit or an update)."""
        cached = getattr(self, "_spatial_", None)
        if cached is None or cached.source is not index:
            cached = SpatialCopy(index)
            self._spatial_ = cached
        return cached

    def _client_batch(self, chunk: Sequence[Client], index: OpeningIndex) -> ClientBatch:
        """The chunk's client features against ``index`` (all openings, or a selection of them)."""
        assert self.text_model is not None
        return build_clients(
            chunk,
            index,
            vocab=self.vocab,
            config=self.config,
            text_model=self.text_model,
            occupations=getattr(self, "occupations", None),  # absent in engines pickled before it
        )

    def _score_on(
        self, clients: Sequence[Client], sub: OpeningIndex, blocked: Mapping[str, Collection[str]] | None
    ) -> ScoredBatch:
        """:func:`score_clients` against some columns of the index."""
        assert self.text_model is not None
        return score_clients(
            clients,
            sub,
            vocab=self.vocab,
            config=self.config,
            text_model=self.text_model,
            blocked=blocked,
            travel_times=getattr(self, "travel_times", None),
            occupations=getattr(self, "occupations", None),
        )

    def exclusions(
        self,
        client: Client,
        *,
        blocked: Mapping[str, Collection[str]] | None = None,
        code: str | None = None,
        offset: int = 0,
        limit: int = 50,
        travel_times: TravelTimes | None = None,
    ) -> tuple[int, list[Exclusion]]:
        """One page of a client's exclusions in pool order, and how many there are in all.

        Parameters
        ----------
        client : Client
        blocked : mapping, optional
        code : str, optional
            Only the openings failing this rule (a ``Failed`` name).
        offset, limit : int
            The page; only its openings get why-nots.
        travel_times : TravelTimes, optional
        """
        if code is not None and code not in constraints.Failed.__members__:
            raise ValidationError("exclusions", "code", code, "unknown reason code")
        scored = self.score([client], blocked=blocked, travel_times=travel_times)
        row = scored.codes[0]
        wanted = row & np.uint16(constraints.Failed[code]) if code is not None else row
        cols = np.flatnonzero(wanted)
        page = cols[max(offset, 0) : max(offset, 0) + max(limit, 0)]
        return len(cols), [self._exclusion(scored, 0, int(j)) for j in page]

    def _miss_pairs(
        self, batch: ClientBatch, index: OpeningIndex, codes: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The pairs that may be near misses: failing exactly one limit (a rejection does not
        count), within twice the client's reach or remote (``candidates.near_enough``); row-major."""
        ignore = int(constraints.Failed.REJECTED_BY_SPECIALIST)
        ci, ji = commute_mod.pair_nonzero(explain.single_failures(codes, ignore=ignore))
        reach = reach_km(batch.clients, self.config.commute, _reach_router(self, None))
        near = near_enough(batch, index, ci, ji, reach)
        return ci[near], ji[near]

    def _score_with_misses(
        self,
        batch: ClientBatch,
        index: OpeningIndex,
        blocked: Mapping[str, Collection[str]] | None,
        travel_times: TravelTimes | None,
        near_misses: int,
    ) -> tuple[ScoredBatch, _MissPairs | None]:
        """:func:`score_batch`, and with ``near_misses`` the pairs that may be near misses.

        Below ``BOUND_FROM`` of them they are scored in the same :func:`scoring.pair_scores`
        call as the feasible pairs (one set of fixed costs; each pair is scored on its own, so
        the scores are those of two calls).
        """
        config = self.config
        trip = commute_mod.estimate(batch, index, config=config.commute, travel_times=travel_times)
        codes = constraints.failed_codes(batch, index, trip, blocked=blocked)
        ci, ji = commute_mod.pair_nonzero(codes == 0)
        misses: _MissPairs | None = None
        if near_misses > 0:
            mi, mj = self._miss_pairs(batch, index, codes)
            if len(mi) < BOUND_FROM:
                values, total = scoring.pair_scores(
                    batch,
                    index,
                    trip,
                    np.concatenate([ci, mi]),
                    np.concatenate([ji, mj]),
                    scoring=config.scoring,
                    commute_config=config.commute,
                )
                p = len(ci)
                values, misses = values[:, :p], _MissPairs(mi, mj, total[p:])
                total = total[:p]
            else:
                misses = _MissPairs(mi, mj, None)
        if misses is None or misses.scores is None:
            values, total = scoring.pair_scores(
                batch, index, trip, ci, ji, scoring=config.scoring, commute_config=config.commute
            )
        shape = (int(codes.shape[0]), int(codes.shape[1]))
        scores = scoring.Scores(scoring.PairFactors(values, ci, ji, shape[1]), batch.weights, total, shape)
        return ScoredBatch(batch, trip, codes, scores), misses

    def _near_misses(
        self,
        scored: ScoredBatch,
        index: OpeningIndex,
        order: np.ndarray,
        n: int,
        candidates: _MissPairs | None = None,
    ) -> list[tuple[NearMiss, ...]]:
        """Per client, the ``n`` best openings of ``index`` failing exactly one limit, scored as if it held.

        Only openings within twice the client's reach, or remote, count
        (``candidates.near_enough``). Best first, ties by ``order`` (each column's
        place in id order). From ``BOUND_FROM`` pairs on, an upper bound of each
        score (:func:`scoring.pair_scores` with ``upper=True``, the text similarity
        skipped) rules out most of them before they are scored: one whose bound is
        below the ``n``-th best score found cannot be among the best ``n``, ties included.
        ``candidates``: those pairs found already (:meth:`_score_with_misses`), maybe scored.
        """
        if candidates is None:
            ci, ji = self._miss_pairs(scored.clients, index, scored.codes)
            known = None
        else:
            ci, ji, known = candidates
        pair_scores = functools.partial(
            scoring.pair_scores,
            scored.clients,
            index,
            scored.commute,
            scoring=self.config.scoring,
            commute_config=self.config.commute,
        )
        exact = len(ci) < BOUND_FROM
        if known is not None:
            bound = known
        else:
            bound = pair_scores(ci, ji, upper=not exact)[1]  # the scores themselves when exact
        at = np.searchsorted(ci, np.arange(len(scored.clients.clients) + 1))
        out = []
        for c in range(len(scored.clients.clients)):
            mine = slice(at[c], at[c + 1])
            todo = np.zeros(0, dtype=np.int64) if exact else at[c] + np.argsort(-bound[mine], kind="stable")
            score, column = (bound[mine], ji[mine]) if exact else (np.zeros(0), np.zeros(0, dtype=np.int64))
            size = max(n, FIRST_SCORED)  # the best bounds first, then all the n-th best leaves in
            while len(todo):
                best = np.sort(score[~np.isnan(score)])[::-1]
                todo = todo[bound[todo] >= best[n - 1]] if len(best) >= n else todo
                step, todo, size = todo[:size], todo[size:], len(todo)
                if len(step):
                    score = np.concatenate([score, pair_scores(ci[step], ji[step])[1]])
                    column = np.concatenate([column, ji[step]])
            keep = np.flatnonzero(~np.isnan(score))
            misses = []
            for q in keep[np.lexsort((order[column[keep]], -score[keep]))][:n].tolist():
                j = int(column[q])
                pair = self._pair(scored, c, j, index=index)
                (reason,) = explain.exclusion_reasons(pair, int(scored.codes[c, j]))
                misses.append(NearMiss(index.ids[j], round(float(score[q]), 2), reason))
            out.append(tuple(misses))
        return out

    def explain(
        self,
        client: Client,
        opening_id: str,
        *,
        blocked: Mapping[str, Collection[str]] | None = None,
        travel_times: TravelTimes | None = None,
    ) -> Suggestion | Exclusion:
        """Why (or why not) one opening for one client, with its rank if suggested."""
        if opening_id not in self.index.position:
            raise ValidationError(f"opening {opening_id}", "id", opening_id, "unknown opening")
        scored = self.score([client], blocked=blocked, travel_times=travel_times)
        j = self.index.position[opening_id]
        if scored.codes[0, j]:  # unknown terms are no why-not reason: they are asked beside it
            questions = tuple(explain.unknown_reasons(self._pair(scored, 0, j)))
            return dataclasses.replace(self._exclusion(scored, 0, j), questions=questions)
        # the same ordering recommend() uses, employer cap included, over every feasible opening
        order = rank(scored, self.index, n=len(self.index.ids), config=self.config.ranking)[0]
        shown = np.flatnonzero(order == j)
        rows = top_rows([client.id], self.index.ids, [np.array([j])], scored.scores)
        if shown.size:
            return self._suggestion(scored, 0, j, rows, 0, rank=int(shown[0]) + 1)
        suggestion = self._suggestion(scored, 0, j, rows, 0, rank=0)
        employer = self.index.openings[j].employer
        cap = explain.employer_cap_reason(employer, self.config.ranking.max_per_employer)
        return dataclasses.replace(suggestion, reasons=(*suggestion.reasons, cap))

    def _pair(
        self,
        scored: ScoredBatch,
        c: int,
        j: int,
        details: Details | None = None,
        index: OpeningIndex | None = None,
    ) -> Pair:
        index = self.index if index is None else index
        return explain.Pair(c, j, scored.clients, index, scored.commute, self.vocab, self.config, details)

    def _suggestion(
        self,
        scored: ScoredBatch,
        c: int,
        j: int,
        rows: Rows,
        at: int,
        *,
        rank: int,
        details: Details | None = None,
        index: OpeningIndex | None = None,
    ) -> Suggestion:
        """Pair (c, j) as a suggestion; its displayed numbers are row ``at`` of ``rows``."""
        index = self.index if index is None else index
        return Suggestion(
            client_id=scored.clients.clients[c].id,
            opening_id=index.ids[j],
            rank=rank,
            score=float(rows["score"][at]),
            contributions={f: float(rows[col][at]) for f, col in zip(FACTORS, CONTRIB_COLUMNS, strict=True)},
            factors={
                f: round(float(v), 4) for f, v in zip(FACTORS, scored.scores.pair_factors(c, j), strict=True)
            },
            reasons=tuple(explain.suggestion_reasons(self._pair(scored, c, j, details, index))),
        )

    def _exclusion(self, scored: ScoredBatch, c: int, j: int) -> Exclusion:
        reasons = explain.exclusion_reasons(self._pair(scored, c, j), int(scored.codes[c, j]))
        return Exclusion(scored.clients.clients[c].id, self.index.ids[j], tuple(reasons))

    def _shortlist(
        self,
        scored: ScoredBatch,
        index: OpeningIndex,
        c: int,
        top: np.ndarray,
        rows: Rows,
        start: int,
        counts: dict[str, int],
        n_excluded: int,
        n_considered: int,
    ) -> Shortlist:
        """Client ``c``'s shortlist from the openings of ``index`` (exclusions counted by the caller)."""
        # none to explain (a client with no suggestion): skip the pass's fixed cost
        details = (
            explain.pair_details(scored.clients, index, self.config, [c] * len(top), top) if len(top) else []
        )
        return Shortlist(
            client_id=scored.clients.clients[c].id,
            suggestions=tuple(
                self._suggestion(scored, c, int(j), rows, start + r, rank=r + 1, details=d, index=index)
                for r, (j, d) in enumerate(zip(top, details, strict=True))
            ),
            exclusions=(),
            exclusion_counts=counts,
            opened_by_disclosing=constraints.opened_by_disclosing(scored.clients, index, scored.codes, c),
            n_considered=n_considered,
            n_excluded=n_excluded,
            engine_version=ENGINE_VERSION,
            config_hash=self._config_hash(),
        )

    def _config_hash(self) -> str:
        """``config.config_hash``, computed once per configuration object (it hashes the whole config)."""
        cached = getattr(self, "_hash_of", None)  # absent in engines pickled before it
        if cached is None or cached[0] is not self.config:
            cached = (self.config, self.config.config_hash)
            self._hash_of = cached
        return cached[1]


# Each rule's bit, and which of all codes have it: one histogram of a row counts every rule.
_FLAGS = FLAGS
_CODES = 1 << max(int(f) for f in _FLAGS).bit_length()
_HAS_FLAG = np.array([(np.arange(_CODES) & int(f)) != 0 for f in _FLAGS], dtype=np.int64)
_TOO_FAR = _FLAGS.index(constraints.Failed.COMMUTE_TOO_LONG)


def tally(
    row: np.ndarray, *, beyond: int = 0, totals: np.ndarray | None = None
) -> tuple[dict[str, int], int]:
    """Openings failing each rule (in code order, only rules some fail) and failing any, of a row of codes.

    ``beyond`` more openings, never scored, fail ``COMMUTE_TOO_LONG`` (and maybe more);
    ``totals`` (one per rule, :meth:`RuleTally.totals`) then give every other rule's count
    over all the openings, scored or not.
    """
    hist = np.bincount(row, minlength=_CODES)
    per_flag = _HAS_FLAG @ hist
    if totals is not None:
        per_flag = np.where(np.arange(len(per_flag)) == _TOO_FAR, per_flag, totals)
    per_flag[_TOO_FAR] += beyond
    counts = {str(f.name): int(k) for f, k in zip(_FLAGS, per_flag.tolist(), strict=True) if k}
    return counts, len(row) - int(hist[0]) + beyond
