"""One nightly job, storage-agnostic: records in; shortlists, diffs, digests and a run record out.

:func:`nightly` is what the ``matcher rematch`` command runs over JSON files;
a database runner supplies the same inputs from its tables (and commits each
chunk through ``on_chunk``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.canonical import Legacy, matches
from matcher.config import MatcherConfig
from matcher.records import client_to_record
from matcher.rematch import run_diff
from matcher.rematch.chunks import ChunkResult
from matcher.rematch.digest import Digest, build_digests
from matcher.rematch.progress import ProgressCallback
from matcher.rematch.rescore import RematchOptions, RematchResult, load_inputs, run_rematch
from matcher.rematch.shortlist_diff import Entry, ShortlistDiff

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreviousRun:
    """The stored state of the last run: shortlists and client fingerprints (empty: first run)."""

    as_of: dt.date | None = None
    shortlists: Mapping[str, Sequence[Entry]] = field(default_factory=dict)
    fingerprints: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class JobOutcome:
    """Everything a run produces, ready to be stored."""

    run_id: str
    as_of: dt.date
    result: RematchResult
    shortlists: dict[str, tuple[Entry, ...]]  # every scored client, possibly empty
    fingerprints: dict[str, str]
    diffs: dict[str, ShortlistDiff]
    digests: list[Digest]


def nightly(
    raw_clients: Iterable[Mapping[str, Any]],
    raw_openings: Iterable[Mapping[str, Any]],
    *,
    as_of: dt.date,
    run_id: str,
    previous: PreviousRun | None = None,
    caseloads: Mapping[str, Sequence[str]] | None = None,
    blocked: Mapping[str, Collection[str]] | None = None,
    config: MatcherConfig | None = None,
    text_model: TfidfVectorizer | None = None,
    options: RematchOptions | None = None,
    on_chunk: Callable[[ChunkResult], None] | None = None,
    on_progress: ProgressCallback | None = None,
    dask_client: Any = None,
) -> JobOutcome:
    """Validate, re-match, spread primaries, diff against the previous run, build digests.

    Parameters
    ----------
    raw_clients, raw_openings : iterables of dict
        Active clients and current openings as raw records (bad ones are skipped and counted).
    as_of : date
    run_id : str
    previous : PreviousRun, optional
    caseloads : mapping, optional
        Specialist id -> client ids (one digest per specialist).
    blocked : mapping, optional
        Client id -> opening ids their specialist rejected.
    config, text_model, options, on_chunk, on_progress, dask_client
        As for :func:`~matcher.rematch.rescore.run_rematch`.
    """
    previous = previous or PreviousRun()
    inputs = load_inputs(raw_clients, raw_openings)
    result = run_rematch(
        inputs,
        as_of=as_of,
        config=config,
        text_model=text_model,
        options=options,
        blocked=blocked,
        on_chunk=on_chunk,
        on_progress=on_progress,
        dask_client=dask_client,
    )
    summary = result.summary
    current = run_diff.entries_by_client(result.rows)
    shortlists = {c: current.get(c, ()) for c in result.client_ids}
    scored = [c for c in inputs.clients if c.id in shortlists]
    fingerprints = {c.id: run_diff.client_fingerprint(c) for c in scored}
    # A previous run's fingerprint may be in the form used before RFC 8785: compare in that form.
    changed = {
        c.id
        for c in scored
        if c.id in previous.fingerprints
        and previous.fingerprints[c.id] != fingerprints[c.id]
        and not matches(previous.fingerprints[c.id], client_to_record(c), legacy=Legacy.FINGERPRINT)
    }
    with summary.phase("diff"):
        diffs = run_diff.diff_all(
            previous.shortlists,
            shortlists,
            context=result.context,
            clients=scored,
            openings_now={o.id: o for o in inputs.openings},
            as_of=as_of,
            changed=changed,
            blocked=blocked,
            since=previous.as_of,
        )
    digests = build_digests(
        caseloads or {},
        diffs,
        run_id=run_id,
        as_of=as_of.isoformat(),
        openings={o.id: o for o in inputs.openings},
        primaries={c: e.opening_id for c, es in shortlists.items() for e in es if e.primary},
        sizes={c: len(es) for c, es in shortlists.items()},
        skipped={s.id: f"{s.field}: {s.reason}" for s in summary.skipped if s.kind == "client"},
        over_capacity={e["client_id"] for e in summary.congestion.get("exceptions", ())},
    )
    summary.counts["clients_changed"] = len(changed)
    summary.counts["clients_with_changes"] = sum(d.changed for d in diffs.values())
    summary.finish()
    return JobOutcome(run_id, as_of, result, shortlists, fingerprints, diffs, digests)
