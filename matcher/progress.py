"""Progress bars for the long commands, on stderr and only when stderr is a terminal.

The engine never draws anything: a function that can take long takes a ``progress``
callable (default :func:`quiet`) and wraps its loop in it; the commands pass :func:`bar`.

    for table in progress(tables, total=len(tables), desc="reading O*NET tables"):
        ...

A loop the command does not own (a run in other processes) is followed with :func:`polling`,
which reads ``(done, total)`` from a function every half second; a few slow steps that are not
a loop (load, fit) are shown by name with :func:`stages`.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Protocol, TypeVar

from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

T = TypeVar("T")


class Progress(Protocol):
    """What a long function takes: wrap an iterable, report as it is consumed."""

    def __call__(self, iterable: Iterable[T], *, total: int | None = ..., desc: str = ...) -> Iterable[T]: ...


def quiet(iterable: Iterable[T], *, total: int | None = None, desc: str = "") -> Iterable[T]:  # noqa: ARG001
    """No progress shown (the default of every engine function)."""
    return iterable


def shown(stream: IO[str] | None = None) -> bool:
    """Whether bars are drawn: only on a terminal, never into a log file or a pipe."""
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


def bar(iterable: Iterable[T], *, total: int | None = None, desc: str = "") -> Iterable[T]:
    """``iterable`` with a tqdm bar on stderr when stderr is a terminal (else unchanged)."""
    if not shown():
        return iterable
    wrapped: Iterable[T] = tqdm(
        iterable, total=total, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True
    )
    return wrapped


@contextmanager
def stages(total: int, *, desc: str) -> Iterator[Callable[[str], None]]:
    """A bar of ``total`` named steps; call the yielded ``step(name)`` as each one starts."""
    if not shown():
        yield lambda _name: None
        return
    line_format = "{desc}: step {n}/{total}{postfix}"
    # log lines are printed above the bar instead of through it
    with (
        logging_redirect_tqdm(),
        tqdm(total=total, desc=desc, file=sys.stderr, leave=False, bar_format=line_format) as line,
    ):
        started = False

        def step(name: str) -> None:
            nonlocal started
            if started:
                line.update(1)
            started = True
            line.set_postfix_str(name)

        yield step


@contextmanager
def polling(read: Callable[[], tuple[int, int]], *, desc: str, every: float = 0.5) -> Iterator[None]:
    """A bar following ``read() -> (done, total)`` while the block runs (nothing off a terminal)."""
    if not shown():
        yield
        return
    stop = threading.Event()
    with (
        logging_redirect_tqdm(),
        tqdm(total=0, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True) as line,
    ):

        def follow() -> None:
            while not stop.wait(every):
                try:
                    done, total = read()
                except Exception:  # noqa: BLE001 - a progress read must never end the run
                    continue
                line.total = total
                line.n = done
                line.refresh()

        thread = threading.Thread(target=follow, name="progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
