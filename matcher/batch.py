"""Batch recommendation: records in, tidy DataFrames out (as ``lenskit.batch`` beside the pipeline).

One bad record is reported in the errors frame and skipped; the rest are scored.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from matcher.assembly import build_matcher
from matcher.config import MatcherConfig
from matcher.errors import ValidationError
from matcher.pipeline import Matcher, rank
from matcher.progress import Progress, quiet
from matcher.records import load_clients, load_openings
from matcher.rows import rows_frame, top_rows
from matcher.types import Client

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """``suggestions``: one row per (client, rank); ``errors``: one row per bad record."""

    suggestions: pd.DataFrame
    errors: pd.DataFrame
    n_pairs: int


def errors_frame(errors: Iterable[ValidationError]) -> pd.DataFrame:
    """Validation errors as rows: record, field, value, message."""
    rows = [
        {"record": e.record, "field": e.field, "value": repr(e.value), "message": e.message} for e in errors
    ]
    return pd.DataFrame(rows, columns=["record", "field", "value", "message"])


def recommend_all(
    clients: Iterable[Mapping[str, Any]],
    openings: Iterable[Mapping[str, Any]],
    *,
    as_of: dt.date,
    config: MatcherConfig | None = None,
    k: int | None = None,
    blocked: Mapping[str, Collection[str]] | None = None,
    chunk_size: int = 256,
    progress: Progress = quiet,
) -> BatchResult:
    """Validate raw records, then score every client against every opening.

    Parameters
    ----------
    clients, openings : iterables of dict
        Raw records (see ``matcher.records``); invalid ones land in ``errors``.
    as_of : date
        Openings expired before this date are excluded.
    config : MatcherConfig, optional
    k : int, optional
        Suggestions per client (default ``config.ranking.k``).
    blocked : mapping, optional
        Client id -> rejected opening ids.
    chunk_size : int
        Clients scored at once; memory grows with chunk_size x openings.
    progress : callable, optional
        Wraps the loop over chunks (``matcher.progress.bar`` draws a bar; default silent).

    Returns
    -------
    BatchResult
        Suggestions with columns client_id, rank, opening_id, score and one
        ``contrib_<factor>`` column per factor: the numbers a shortlist shows
        (hundredths adding up exactly to the score, see ``matcher.rows``).
    """
    good_openings, opening_errors = load_openings(openings)
    good_clients, client_errors = load_clients(clients)
    matcher = build_matcher(good_openings, as_of=as_of, config=config)
    frame = score_frame(matcher, good_clients, k=k, blocked=blocked, chunk_size=chunk_size, progress=progress)
    n_pairs = len(good_clients) * len(good_openings)
    _log.info("scored %d pairs; %d bad records skipped", n_pairs, len(opening_errors) + len(client_errors))
    return BatchResult(frame, errors_frame([*opening_errors, *client_errors]), n_pairs)


def score_frame(
    matcher: Matcher,
    clients: list[Client],
    *,
    k: int | None = None,
    blocked: Mapping[str, Collection[str]] | None = None,
    chunk_size: int = 256,
    progress: Progress = quiet,
) -> pd.DataFrame:
    """Top-k rows per client without building explanation texts (the fast path).

    Columns of ``matcher.rows.ROW_COLUMNS``, clients in input order, best rank first.
    """
    n = matcher.config.ranking.k if k is None else k
    if n < 1:
        raise ValidationError("batch", "k", k, "must be at least 1")
    parts = []
    chunks = matcher.score_in_chunks(clients, chunk_size=chunk_size, blocked=blocked)
    n_chunks = -(-len(clients) // chunk_size)
    for scored in progress(chunks, total=n_chunks, desc=f"scoring clients ({chunk_size} a step)"):
        tops = rank(scored, matcher.index, n=n, config=matcher.config.ranking)
        parts.append(top_rows([c.id for c in scored.clients.clients], matcher.index.ids, tops, scored.scores))
    return rows_frame(parts)
