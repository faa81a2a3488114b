"""What a worker needs to score chunks, built once per run and shipped once per worker."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.candidates import gather
from matcher.commute import TravelTimes
from matcher.config import MatcherConfig
from matcher.features import (
    PAIR_FIELDS,  # (clients x openings) fields: follow column selections
    ClientBatch,
    OpeningIndex,
    take_clients,
)
from matcher.occupations.store import OccupationStore
from matcher.pipeline import Matcher
from matcher.rematch.cache import caching_vocabulary
from matcher.rematch.candidates import CandidateIndex
from matcher.vocab import Vocabulary

_missing = set(PAIR_FIELDS) - {f.name for f in dataclasses.fields(ClientBatch)}
if _missing:  # pragma: no cover - fails loudly if the engine renames them
    raise ImportError(f"ClientBatch no longer has {sorted(_missing)}: update matcher.rematch.context")

DEFAULT_MAX_PAIRS = 1_000_000


@dataclass(frozen=True)
class ScoringContext:
    """A fitted engine reduced to what scoring needs, plus the candidate index.

    Build with :meth:`from_matcher`. The opening index is *lean*: opening
    records and matched phrases (used only by explanations) are dropped, and
    the word matrix is row-sliceable, so it pickles small and slices fast.

    Parameters
    ----------
    config, vocab, text_model
        From the fitted :class:`~matcher.pipeline.Matcher`.
    index : OpeningIndex
        The lean index.
    candidates : CandidateIndex
        BallTree over open, unexpired, located openings.
    k : int
        Suggestions per client.
    max_pairs : int
        Most (client, opening) pairs scored at once: bounds memory per worker.
    prefilter : bool
        Check cheap hard limits pair by pair before scoring (see ``prefilter``).
    matcher : Matcher, optional
        The fitted engine itself, kept when the chunks also give what would open more options
        for their clients left with no suggestion (``matcher.rematch.options``); None otherwise.
    """

    config: MatcherConfig
    vocab: Vocabulary
    text_model: TfidfVectorizer
    index: OpeningIndex
    candidates: CandidateIndex
    k: int
    max_pairs: int = DEFAULT_MAX_PAIRS
    prefilter: bool = True
    travel_times: TravelTimes | None = None  # the matcher's own router (GTFS), used by every chunk
    occupations: OccupationStore | None = None  # the matcher's store: interests resolve through it
    matcher: Matcher | None = None

    @classmethod
    def from_matcher(
        cls,
        matcher: Matcher,
        *,
        k: int | None = None,
        max_pairs: int = DEFAULT_MAX_PAIRS,
        prefilter: bool = True,
        options: bool = False,
    ) -> ScoringContext:
        """Reduce a fitted matcher; ``k`` defaults to ``config.ranking.k``.

        With ``options`` the context keeps the matcher too, for the chunks' options.
        """
        index = matcher.index
        assert matcher.text_model is not None
        lean = dataclasses.replace(index, openings=(), area_phrase=(), words=index.words.tocsr())
        return cls(
            config=matcher.config,
            vocab=caching_vocabulary(matcher.vocab),
            text_model=matcher.text_model,
            index=lean,
            candidates=CandidateIndex.build(index),
            k=k or matcher.config.ranking.k,
            max_pairs=max_pairs,
            prefilter=prefilter,
            travel_times=getattr(matcher, "travel_times", None),
            occupations=getattr(matcher, "occupations", None),
            matcher=matcher if options else None,
        )


def sub_index(index: OpeningIndex, cols: Sequence[int] | np.ndarray) -> OpeningIndex:
    """The index restricted to ``cols`` (sorted, distinct): the index itself if that is all of it."""
    cols = np.asarray(cols, dtype=np.int64)
    return index if len(cols) == len(index.ids) else gather(index, cols)


def own_employers(index: OpeningIndex) -> OpeningIndex:
    """The index with its employer vocabulary cut to the employers it lists (codes renumbered).

    Named exclusions compare each excluded employer with every employer of the
    vocabulary (``features.build_clients``), and a chunk's candidates come from a
    few of them; the cap per employer only compares codes, so no score or rank changes.
    """
    codes, local = np.unique(index.employer_code, return_inverse=True)
    employers = tuple(map(index.employers.__getitem__, codes.tolist()))
    return dataclasses.replace(
        index, employer_code=local.astype(index.employer_code.dtype), employers=employers
    )


def sub_batch(batch: ClientBatch, rows: np.ndarray, cols: np.ndarray) -> ClientBatch:
    """Clients ``rows`` of a batch, with their pair masks cut to openings ``cols`` (both sorted, distinct).

    What is all of the batch is not copied (a chunk is often scored as one group).
    """
    n_clients, n_openings = batch.excluded_by_employer.shape
    part = batch if len(rows) == n_clients else take_clients(batch, cast("Sequence[int]", rows))
    if len(cols) == n_openings:
        return part
    return dataclasses.replace(part, **{name: getattr(part, name)[:, cols] for name in PAIR_FIELDS})
