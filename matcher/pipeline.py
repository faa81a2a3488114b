"""The Matcher: wires features -> commute -> constraints -> scoring -> ranking -> explain."""

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
from matcher.config import FACTORS, MatcherConfig
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
from matcher.types import Client, Exclusion, Opening, Shortlist, Suggestion
from matcher.vocab import Vocabulary, load_vocabulary

_log = logging.getLogger(__name__)

ENGINE_VERSION = "1.0.0"


@dataclass(frozen=True, slots=True)
class Block:
    """One scored block of clients against all openings."""

    clients: ClientBatch
    commute: Commute
    codes: np.ndarray  # (C, J) uint16 failed constraints
    scores: scoring.Scores


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
    ) -> Block:
        """Feasibility codes and scores of every (client, opening) pair."""
        index = self.index  # raises NotFittedError before anything else
        assert self.text_model is not None
        batch = build_clients(
            clients, index, vocab=self.vocab, config=self.config, text_model=self.text_model
        )
        trip = commute_mod.estimate(batch, self.index, config=self.config.commute, travel_times=travel_times)
        codes = constraints.failed_codes(batch, self.index, trip, blocked=blocked)
        scores = scoring.score(
            batch,
            self.index,
            trip,
            codes == 0,
            scoring=self.config.scoring,
            commute_config=self.config.commute,
        )
        return Block(batch, trip, codes, scores)

    def blocks(
        self, clients: Sequence[Client], *, chunk_size: int = 256, **kwargs: object
    ) -> Iterator[Block]:
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
        for block in self.blocks(clients, chunk_size=chunk_size, blocked=blocked, travel_times=travel_times):
            tops = ranking.top_k(
                block.scores.score,
                self.index.employer_code,
                n=n,
                max_per_employer=self.config.ranking.max_per_employer,
            )
            for c, top in enumerate(tops):
                out.append(self._shortlist(block, c, top, explain_exclusions))
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
        block = self.score([client], blocked=blocked, travel_times=travel_times)
        j = self.index.position[opening_id]
        if block.codes[0, j]:
            return self._exclusion(block, 0, j)
        # the same ordering recommend() uses, employer cap included, over every feasible opening
        order = ranking.top_k(
            block.scores.score,
            self.index.employer_code,
            n=len(self.index.ids),
            max_per_employer=self.config.ranking.max_per_employer,
        )[0]
        shown = np.flatnonzero(order == j)
        if shown.size:
            return self._suggestion(block, 0, j, rank=int(shown[0]) + 1)
        suggestion = self._suggestion(block, 0, j, rank=0)
        employer = self.index.openings[j].employer
        cap = explain.employer_cap_reason(employer, self.config.ranking.max_per_employer)
        return dataclasses.replace(suggestion, reasons=(*suggestion.reasons, cap))

    def _pair(self, block: Block, c: int, j: int, details: Details | None = None) -> Pair:
        return explain.Pair(c, j, block.clients, self.index, block.commute, self.vocab, self.config, details)

    def _suggestion(
        self, block: Block, c: int, j: int, *, rank: int, details: Details | None = None
    ) -> Suggestion:
        contrib = block.scores.contributions(c, j)
        rounded = round_contributions(contrib)
        return Suggestion(
            client_id=block.clients.clients[c].id,
            opening_id=self.index.ids[j],
            rank=rank,
            score=round(sum(rounded.values()), 2),
            contributions=rounded,
            factors={
                f: round(float(v), 4) for f, v in zip(FACTORS, block.scores.pair_factors(c, j), strict=True)
            },
            reasons=tuple(explain.suggestion_reasons(self._pair(block, c, j, details))),
        )

    def _exclusion(self, block: Block, c: int, j: int) -> Exclusion:
        reasons = explain.exclusion_reasons(self._pair(block, c, j), int(block.codes[c, j]))
        return Exclusion(block.clients.clients[c].id, self.index.ids[j], tuple(reasons))

    def _shortlist(self, block: Block, c: int, top: np.ndarray, explain_exclusions: bool) -> Shortlist:
        row = block.codes[c]
        counts = {
            flag.name: int(np.count_nonzero(row & np.uint16(flag)))
            for flag in constraints.Failed
            if flag.name is not None
        }
        excluded = np.flatnonzero(row) if explain_exclusions else ()
        details = explain.pair_details(block.clients, self.index, self.config, [c] * len(top), top)
        return Shortlist(
            client_id=block.clients.clients[c].id,
            suggestions=tuple(
                self._suggestion(block, c, int(j), rank=r + 1, details=d)
                for r, (j, d) in enumerate(zip(top, details, strict=True))
            ),
            exclusions=tuple(self._exclusion(block, c, int(j)) for j in excluded),
            exclusion_counts={name: n for name, n in counts.items() if n},
            n_considered=len(self.index.ids),
            n_excluded=int(np.count_nonzero(row)),
            engine_version=ENGINE_VERSION,
            config_hash=self.config.config_hash,
        )


def round_contributions(contrib: Mapping[str, float]) -> dict[str, float]:
    """Round to hundredths so the rounded parts add up exactly to the rounded total.

    Largest-remainder rounding in integer hundredths: the displayed score is
    always exactly the sum of the displayed contributions.
    """
    cents = {f: v * 100.0 for f, v in contrib.items()}
    total = round(sum(cents.values()))
    floors = {f: int(np.floor(v)) for f, v in cents.items()}
    short = total - sum(floors.values())
    by_remainder = sorted(cents, key=lambda f: (-(cents[f] - floors[f]), FACTORS.index(f)))
    for f in by_remainder[: max(short, 0)]:
        floors[f] += 1
    return {f: floors[f] / 100.0 for f in contrib}
