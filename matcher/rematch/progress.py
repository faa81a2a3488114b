"""Progress of a run: a tqdm bar on a terminal, structured log lines otherwise, and a callback.

The callback (``on_progress(done, total)``) is how a database runner stores
progress next to its committed chunks.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

from tqdm import tqdm

_log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]


class Progress:
    """Counts done units (clients) out of ``total``.

    Parameters
    ----------
    total : int
        Units expected.
    desc : str
        Label of the bar and the log lines.
    callback : callable, optional
        Called as ``callback(done, total)`` after every update.
    stream : file, optional
        Where the bar goes (default ``sys.stderr``); the bar is used only if it is a TTY.
    log_every : float
        Seconds between log lines when there is no bar (the last update always logs).
    """

    def __init__(
        self,
        total: int,
        *,
        desc: str = "rematch",
        callback: ProgressCallback | None = None,
        stream: TextIO | None = None,
        log_every: float = 10.0,
    ) -> None:
        self.total, self.desc, self.done = total, desc, 0
        self.callback, self.log_every = callback, log_every
        stream = stream or sys.stderr
        tty = bool(getattr(stream, "isatty", lambda: False)())
        self._bar = tqdm(total=total, desc=desc, unit="client", file=stream, disable=not tty)
        self._bar_on = tty
        self._t0 = self._last = time.monotonic()

    def update(self, n: int) -> None:
        """Mark ``n`` more units done."""
        self.done += n
        self._bar.update(n)
        now = time.monotonic()
        if not self._bar_on and (now - self._last >= self.log_every or self.done >= self.total):
            self._last = now
            _log.info(
                "progress desc=%s done=%d total=%d elapsed_s=%.1f",
                self.desc,
                self.done,
                self.total,
                now - self._t0,
            )
        if self.callback is not None:
            self.callback(self.done, self.total)

    def close(self) -> None:
        """Close the bar."""
        self._bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
