"""Shared pieces of the engine benchmarks: seeded data, timers and memory readings.

Speed is measured here, never asserted in tests. Everything is seeded, so two
runs on the same machine time the same work.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import logging
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matcher.assembly import build_matcher
from matcher.pipeline import Matcher
from matcher.records import load_clients, load_openings
from matcher.types import Client, Location, Opening

_log = logging.getLogger(__name__)

SEED = 20261122
_PROC_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass(frozen=True, slots=True)
class Caseload:
    """Validated clients and openings, plus how long generating and validating took."""

    clients: list[Client]
    openings: list[Opening]
    as_of: dt.date
    generate_s: float
    validate_s: float
    n_bad: int


def caseload(seed: int, *, n_clients: int, n_openings: int, metros: int) -> Caseload:
    """Seeded records from ``matcher.demo.generate``, validated into Client/Opening."""
    from matcher import demo  # noqa: PLC0415 - written in parallel; import where used

    t0 = time.perf_counter()
    raw_clients, raw_openings = demo.generate(seed, n_clients=n_clients, n_openings=n_openings, metros=metros)
    t1 = time.perf_counter()
    clients, client_errors = load_clients(raw_clients)
    openings, opening_errors = load_openings(raw_openings)
    t2 = time.perf_counter()
    n_bad = len(client_errors) + len(opening_errors)
    if n_bad:
        _log.warning(
            "%d generated records failed validation, first: %s", n_bad, (client_errors + opening_errors)[0]
        )
    return Caseload(clients, openings, demo.DEMO_AS_OF, t1 - t0, t2 - t1, n_bad)


def replicated(seed: int, *, n_openings: int, metros: int, base: int = 100_000) -> Caseload:
    """``n_openings`` openings from ``base`` generated and validated ones, copied with new ids and places.

    Generating and validating a million records one by one takes minutes; the
    copies differ in id and location (moved up to ~5 km, vectorised), which is
    what the geographic candidate query and the commute see.
    """
    data = caseload(seed, n_clients=0, n_openings=min(base, n_openings), metros=metros)
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    src = data.openings
    copies = -(-n_openings // len(src))
    jitter = rng.uniform(-0.045, 0.045, size=(copies, len(src), 2)).tolist()
    out: list[Opening] = []
    for r in range(copies):
        for o, (dlat, dlon) in zip(src, jitter[r], strict=True):
            if len(out) == n_openings:
                break
            if r == 0:
                out.append(o)
                continue
            loc = None if o.location is None else Location(o.location.lat + dlat, o.location.lon + dlon)
            out.append(dataclasses.replace(o, id=f"{o.id}-{r}", location=loc))
    t1 = time.perf_counter()
    return Caseload([], out, data.as_of, data.generate_s + t1 - t0, data.validate_s, data.n_bad)


def fitted(data: Caseload) -> Matcher:
    """The engine as every entry point builds it (``assembly.build_matcher``), fitted on the openings.

    No trained text model: it is fitted on the generated openings, as in every earlier figure.
    """
    return build_matcher(data.openings, as_of=data.as_of)


@dataclass(frozen=True, slots=True)
class Latency:
    """Wall-clock and process-CPU milliseconds of repeated calls.

    CPU time (all threads of this process) is printed beside wall time: on a
    shared machine other processes stretch wall time but not CPU time.
    """

    samples_ms: tuple[float, ...]
    cpu_ms: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        # Linear interpolation between order statistics (numpy's default percentile).
        return float(np.percentile(self.samples_ms, 95))

    @property
    def max(self) -> float:
        return max(self.samples_ms)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_ms)

    @property
    def cpu_p95(self) -> float:
        return float(np.percentile(self.cpu_ms, 95))


def time_calls(fn: Callable[[int], object], n: int, *, warmup: int = 1) -> Latency:
    """Call ``fn(i)`` for i in range(n) after ``warmup`` untimed calls; time each call."""
    for i in range(warmup):
        fn(i)
    gc.collect()
    wall, cpu = [], []
    for i in range(n):
        c0, t0 = time.process_time_ns(), time.perf_counter_ns()
        fn(i)
        wall.append((time.perf_counter_ns() - t0) / 1e6)
        cpu.append((time.process_time_ns() - c0) / 1e6)
    return Latency(tuple(wall), tuple(cpu))


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as t: ...`` then ``t[0]`` is wall seconds, ``t[1]`` process CPU seconds."""
    out: list[float] = []
    c0, t0 = time.process_time(), time.perf_counter()
    try:
        yield out
    finally:
        out += [time.perf_counter() - t0, time.process_time() - c0]


def load_average() -> str:
    """The 1-minute load average (other processes competing for the CPUs)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "n/a"


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS counter (Linux ``clear_refs`` 5); False if unsupported."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    """Peak resident memory in MiB since the last reset (or since start)."""
    try:
        for line in _PROC_STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def rss_mb() -> float:
    """Current resident memory in MiB."""
    try:
        for line in _PROC_STATUS.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def machine() -> str:
    """One line about the machine and the numeric stack."""
    import scipy  # noqa: PLC0415
    import sklearn  # noqa: PLC0415

    cpus = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = cpus
    model = _cpu_model()
    return (
        f"{usable} usable CPUs of {cpus} ({model}); Python {platform.python_version()}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}"
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
