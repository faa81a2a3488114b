"""The run record of a re-match: when, how much, how long each phase took, what was skipped."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from matcher.errors import ValidationError

if TYPE_CHECKING:
    from matcher.rematch.congestion import CongestionReport

PHASES = ("load", "index", "plan", "block", "score", "rank", "chunks_wall", "congestion", "diff")


@dataclass(frozen=True, slots=True)
class Skipped:
    """One record left out of a run: ``kind`` (client/opening), its id, the field and why."""

    kind: str
    id: str
    field: str
    reason: str

    @classmethod
    def from_error(cls, kind: str, error: ValidationError) -> Skipped:
        """From a validation error (its record reads ``"client C-7"``)."""
        record_id = error.record.split(" ", 1)[1] if " " in error.record else "?"
        return cls(kind, record_id, error.field, error.message)


@dataclass
class RunSummary:
    """Start, end, counts, per-phase timings, skipped records, engine and config versions.

    ``timings`` are seconds per phase (:data:`PHASES`). ``load`` (validating
    records), ``index``, ``plan``, ``congestion`` and ``diff`` are wall time in
    the calling process; ``block`` (candidates and cheap checks), ``score`` and
    ``rank`` run in the workers and add up every worker's time, so together
    they can exceed ``chunks_wall``, the wall time of the whole chunked part;
    so does ``options`` (what would open more options for the clients left with no
    suggestion, inside the chunks; ``options_cpu`` its CPU seconds), present when the run was
    asked for it.
    ``wall_seconds`` is end minus start. ``congestion`` is the congestion step's
    report (:meth:`~matcher.rematch.congestion.CongestionReport.to_dict`: overbooking,
    max loss, counts and every primary placed over its opening's capacity, by name);
    its counts are also in ``counts``.
    """

    engine_version: str
    config_hash: str
    started_at: str = field(default_factory=lambda: _now())
    finished_at: str | None = None
    wall_seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PHASES, 0.0))
    skipped: list[Skipped] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    congestion: dict[str, Any] = field(default_factory=dict)
    _t0: float = field(default_factory=time.perf_counter, repr=False)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Add the wall time of the ``with`` body to ``timings[name]``."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.add_time(name, time.perf_counter() - t0)

    def add_time(self, name: str, seconds: float) -> None:
        """Add seconds to a phase."""
        self.timings[name] = self.timings.get(name, 0.0) + seconds

    def skip(self, item: Skipped) -> None:
        """Record a skipped record and count it."""
        self.skipped.append(item)
        key = f"skipped_{item.kind}s"
        self.counts[key] = self.counts.get(key, 0) + 1

    def record_congestion(self, report: CongestionReport) -> None:
        """Keep the congestion report, its counts beside the run's other counts."""
        self.congestion = report.to_dict()
        self.counts.update(report.counts())

    def finish(self) -> RunSummary:
        """Stamp the end time."""
        self.finished_at = _now()
        self.wall_seconds = time.perf_counter() - self._t0
        return self

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (skipped records sorted by kind and id)."""
        out = asdict(self)
        out.pop("_t0")
        out["timings"] = {k: round(v, 4) for k, v in self.timings.items()}
        out["wall_seconds"] = round(self.wall_seconds, 4)
        out["skipped"] = [asdict(s) for s in sorted(self.skipped, key=lambda s: (s.kind, s.id, s.field))]
        return out


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
