"""Nightly re-match: every client against every open opening, at scale, with what changed.

Pure engine side (no database): geographic candidates, chunked parallel scoring
(in process, local processes or Dask), congestion-aware primary suggestions,
diffs against the previous run, per-specialist digests and a run record.
See ``the README, "Nightly re-match"``.

Modules, in run order: ``rescore`` (validate, fit, plan, score every chunk,
spread primaries) using ``candidates`` (which openings each client can reach;
chunks of neighbouring clients), ``context`` (what a worker gets), ``executors``
(in process, local processes, Dask), ``chunks`` (one chunk through the
pipeline's scoring stage) and ``congestion``; then ``run_diff`` (every client
against the previous run, re-checking gone suggestions) over ``shortlist_diff``
(one client's changes and why), and ``digest``. ``nightly`` chains it all for
one process; ``files`` and ``cli`` are the ``matcher rematch`` command.
"""

from matcher.rematch.candidates import CandidateIndex, plan_chunks, reach_km
from matcher.rematch.chunks import ChunkResult, score_chunk
from matcher.rematch.congestion import ListCounts, assign_primaries, opening_load, spread_primaries
from matcher.rematch.context import ScoringContext
from matcher.rematch.digest import Digest, build_digests, digest_to_csv, digest_to_dict, digest_to_markdown
from matcher.rematch.nightly import JobOutcome, PreviousRun, nightly
from matcher.rematch.progress import Progress
from matcher.rematch.rescore import (
    Inputs,
    RematchOptions,
    RematchResult,
    fit_matcher,
    load_inputs,
    make_tasks,
    run_rematch,
    score_chunks,
)
from matcher.rematch.shortlist_diff import Entry, Gone, ShortlistDiff, diff_shortlists
from matcher.rematch.summary import RunSummary, Skipped

__all__ = [
    "CandidateIndex",
    "ChunkResult",
    "Digest",
    "Entry",
    "Gone",
    "Inputs",
    "JobOutcome",
    "ListCounts",
    "PreviousRun",
    "Progress",
    "RematchOptions",
    "RematchResult",
    "RunSummary",
    "ScoringContext",
    "ShortlistDiff",
    "Skipped",
    "assign_primaries",
    "build_digests",
    "diff_shortlists",
    "digest_to_csv",
    "digest_to_dict",
    "digest_to_markdown",
    "fit_matcher",
    "load_inputs",
    "make_tasks",
    "nightly",
    "opening_load",
    "plan_chunks",
    "reach_km",
    "run_rematch",
    "score_chunk",
    "score_chunks",
    "spread_primaries",
]
