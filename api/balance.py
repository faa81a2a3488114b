"""Many users at once in one worker process: how many request threads, how long each runs.

FastAPI runs sync routes and dependencies on anyio's default thread limiter (40 threads).
Python runs one thread of a process at a time, so 16 shortlists in flight on one worker
take turns on the GIL, 5 ms each (``sys.getswitchinterval``). A thread holding the SQLite
write lock (the recommendation record and its chain event) gives the GIL up at every
statement and waits behind the ranking threads to get it back, while the other worker's
writers wait for the lock. :func:`tune` bounds the threads (``Settings.threads``: requests
past the bound wait in order for a thread) and shortens the turns
(``Settings.switch_interval_ms``).
"""

from __future__ import annotations

import sys

import anyio.to_thread


def tune(*, threads: int, switch_interval_ms: float | None) -> None:
    """At most ``threads`` sync routes and dependencies at once (call on the event loop);
    GIL turns of ``switch_interval_ms`` when given (process-wide)."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads
    if switch_interval_ms is not None:
        sys.setswitchinterval(switch_interval_ms / 1000)
