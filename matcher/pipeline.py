"""The Matcher: wires features -> commute -> constraints -> scoring -> ranking -> rows -> explain.

The stages are wired here once. :func:`score_clients` (features, then
:func:`score_batch`) and :func:`rank` are what ``Matcher``, the batch frame
and the nightly re-match call; the displayed numbers come from
``matcher.rows``. Build a fitted engine with ``matcher.assembly.build_matcher``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher import commute as commute_mod
from matcher import constraints, explain, ranking, scoring
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
from matcher.rows import CONTRIB_COLUMNS, Rows, top_rows
from matcher.types import Client, Exclusion, Opening, Shortlist, Suggestion
from matcher.vocab import Vocabulary, load_vocabulary

_log = logging.getLogger(__name__)

ENGINE_VERSION = "1.0.0"


@dataclass(frozen=True, slots=True)
class ScoredBatch:
    """A batch of clients scored against an index of openings (all pairs)."""

    clients: ClientBatch
    commute: Commute
    codes: np.ndarray  # (C, J) uint16 failed constraints
    scores: scoring.Scores


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
) -> ScoredBatch:
    """Client features, then :func:`score_batch`: every stage before ranking."""
    batch = build_clients(clients, index, vocab=vocab, config=config, text_model=text_model)
    return score_batch(batch, index, config=config, blocked=blocked, travel_times=travel_times)


def rank(scored: ScoredBatch, index: OpeningIndex, *, n: int, config: RankingConfig) -> list[np.ndarray]:
    """Per client, the columns of its top ``n`` feasible openings, best first (employer cap applied)."""
    return ranking.top_k(
        scored.scores.score, index.employer_code, n=n, max_per_employer=config.max_per_employer
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
    """

    def __init__(
        self,
        config: MatcherConfig | None = None,
        *,
        vocab: Vocabulary | None = None,
        text_model: TfidfVectorizer | None = None,
    ) -> None:
        self.config = config or MatcherConfig()
        self.vocab = vocab or load_vocabulary()
        self.text_model = text_model
        self.index_: OpeningIndex | None = None

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
        _log.info("indexed %d openings as of %s", len(ids), as_of)
        return self

    def update_openings(self, upserts: Sequence[Opening], removed: Collection[str] = ()) -> None:
        """Add or replace ``upserts`` and drop ``removed`` without refitting (append / patch / drop).

        Only ``index_`` changes, and it is replaced, never modified, so a copy of
        this matcher made before the update (``copy.copy``) keeps answering on the
        old pool. The text rows of new openings come from the fitted text model; see
        ``matcher.features.updates`` for how that compares with a full refit.
        """
        index = self.index
        assert self.text_model is not None
        ids = [o.id for o in upserts]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise ValidationError(f"opening {dup}", "id", dup, "duplicate opening id")
        self.index_ = update_index(
            index, upserts, removed, vocab=self.vocab, config=self.config, text_model=self.text_model
        )
        _log.info("updated the index: %d upserted, %d removed", len(ids), len(removed))

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
            travel_times=travel_times,
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
        travel_times : TravelTimes, optional
            Router minutes that override the commute estimate.
        """
        n = self.config.ranking.k if k is None else k
        if n < 1:
            raise ValidationError("recommend", "k", k, "must be at least 1")
        out: list[Shortlist] = []
        chunks = self.score_in_chunks(
            clients, chunk_size=chunk_size, blocked=blocked, travel_times=travel_times
        )
        for scored in chunks:
            tops = rank(scored, self.index, n=n, config=self.config.ranking)
            rows = top_rows([c.id for c in scored.clients.clients], self.index.ids, tops, scored.scores)
            start = 0
            for c, top in enumerate(tops):
                out.append(self._shortlist(scored, c, top, rows, start, explain_exclusions))
                start += len(top)
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
        if scored.codes[0, j]:
            return self._exclusion(scored, 0, j)
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

    def _pair(self, scored: ScoredBatch, c: int, j: int, details: Details | None = None) -> Pair:
        return explain.Pair(
            c, j, scored.clients, self.index, scored.commute, self.vocab, self.config, details
        )

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
    ) -> Suggestion:
        """Pair (c, j) as a suggestion; its displayed numbers are row ``at`` of ``rows``."""
        return Suggestion(
            client_id=scored.clients.clients[c].id,
            opening_id=self.index.ids[j],
            rank=rank,
            score=float(rows["score"][at]),
            contributions={f: float(rows[col][at]) for f, col in zip(FACTORS, CONTRIB_COLUMNS, strict=True)},
            factors={
                f: round(float(v), 4) for f, v in zip(FACTORS, scored.scores.pair_factors(c, j), strict=True)
            },
            reasons=tuple(explain.suggestion_reasons(self._pair(scored, c, j, details))),
        )

    def _exclusion(self, scored: ScoredBatch, c: int, j: int) -> Exclusion:
        reasons = explain.exclusion_reasons(self._pair(scored, c, j), int(scored.codes[c, j]))
        return Exclusion(scored.clients.clients[c].id, self.index.ids[j], tuple(reasons))

    def _shortlist(
        self, scored: ScoredBatch, c: int, top: np.ndarray, rows: Rows, start: int, explain_exclusions: bool
    ) -> Shortlist:
        row = scored.codes[c]
        counts = {
            flag.name: int(np.count_nonzero(row & np.uint16(flag)))
            for flag in constraints.Failed
            if flag.name is not None
        }
        excluded = np.flatnonzero(row) if explain_exclusions else ()
        details = explain.pair_details(scored.clients, self.index, self.config, [c] * len(top), top)
        return Shortlist(
            client_id=scored.clients.clients[c].id,
            suggestions=tuple(
                self._suggestion(scored, c, int(j), rows, start + r, rank=r + 1, details=d)
                for r, (j, d) in enumerate(zip(top, details, strict=True))
            ),
            exclusions=tuple(self._exclusion(scored, c, int(j)) for j in excluded),
            exclusion_counts={name: n for name, n in counts.items() if n},
            n_considered=len(self.index.ids),
            n_excluded=int(np.count_nonzero(row)),
            engine_version=ENGINE_VERSION,
            config_hash=self.config.config_hash,
        )
