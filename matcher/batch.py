"""Batch recommendation: records in, tidy DataFrames out (as ``lenskit.batch`` beside the pipeline).

One bad record is reported in the errors frame and skipped; the rest are scored.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from matcher import ranking
from matcher.config import FACTORS, MatcherConfig
from matcher.errors import ValidationError
from matcher.pipeline import Matcher
from matcher.records import load_clients, load_openings
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

    Returns
    -------
    BatchResult
        Suggestions with columns client_id, rank, opening_id, score and one
        ``contrib_<factor>`` column per factor (summing to score).
    """
    good_openings, opening_errors = load_openings(openings)
    good_clients, client_errors = load_clients(clients)
    matcher = Matcher(config).fit(good_openings, as_of=as_of)
    frame = score_frame(matcher, good_clients, k=k, blocked=blocked, chunk_size=chunk_size)
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
) -> pd.DataFrame:
    """Top-k rows per client without building explanation texts (the fast path)."""
    n = matcher.config.ranking.k if k is None else k
    if n < 1:
        raise ValidationError("batch", "k", k, "must be at least 1")
    parts: list[pd.DataFrame] = []
    ids = np.asarray(matcher.index.ids, dtype=object)
    for block in matcher.blocks(clients, chunk_size=chunk_size, blocked=blocked):
        tops = ranking.top_k(
            block.scores.score,
            matcher.index.employer_code,
            n=n,
            max_per_employer=matcher.config.ranking.max_per_employer,
        )
        rows = np.concatenate([np.full(len(t), c) for c, t in enumerate(tops)]).astype(np.int64)
        cols = np.concatenate(tops).astype(np.int64) if tops else np.zeros(0, np.int64)
        ranks = np.concatenate([np.arange(1, len(t) + 1) for t in tops]) if tops else cols
        data: dict[str, Any] = {
            "client_id": [block.clients.clients[c].id for c in rows],
            "rank": ranks,
            "opening_id": ids[cols],
            "score": block.scores.score[rows, cols],
        }
        for f, name in enumerate(FACTORS):
            data[f"contrib_{name}"] = (
                100.0 * block.scores.weights[rows, f] * block.scores.factors[f, rows, cols]
            )
        parts.append(pd.DataFrame(data))
    columns = ["client_id", "rank", "opening_id", "score", *(f"contrib_{f}" for f in FACTORS)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
