"""Seeded demo and benchmark caseloads, as raw records for ``matcher.records``.

:func:`generate_demo` builds one Chicago caseload (60 clients, 500 openings)
around real neighbourhood centres, with a few places in outer suburbs where
transit is weak; :func:`generate` builds any number of records spread over
several US metro areas. One ``numpy.random.default_rng(seed)`` draws every
random array up front in a fixed order, and only then are dicts built, so a
seed always gives the same records and 100,000 records take seconds. Word
lists, places and job profiles live in ``data/demo_catalog.json``; employers
and people are fictional.

The generator is split by what it draws: ``catalog`` (the word lists and the
shared drawing helpers), ``places``, ``openings`` and ``clients``. The order
of the draws is part of the output, so moving code between these modules must
keep it (``tests/matcher/test_demo.py`` checks the digests of seeded worlds).
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from matcher.demo.catalog import CATALOG_PATH, Record, load_catalog, merge_windows
from matcher.demo.clients import draw_clients
from matcher.demo.openings import draw_openings
from matcher.demo.places import Placer, chicago_placer, metro_placer
from matcher.records import load_clients, load_openings
from matcher.types import Client, Opening

_log = logging.getLogger(__name__)

__all__ = [
    "CATALOG_PATH",
    "DEMO_AS_OF",
    "demo_clients_and_openings",
    "generate",
    "generate_demo",
    "load_catalog",
    "merge_windows",
]

DEMO_AS_OF = dt.date(2026, 11, 22)


def generate(
    seed: int,
    *,
    n_clients: int,
    n_openings: int,
    metros: int = 1,
    as_of: dt.date = DEMO_AS_OF,
) -> tuple[list[Record], list[Record]]:
    """Generate a caseload over several US metro areas, at any scale.

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same records.
    n_clients, n_openings : int
        How many records of each kind.
    metros : int
        How many metro areas of the catalog (1-8, Chicago first) to spread over.
    as_of : datetime.date
        Posting and expiry dates are drawn relative to this day.

    Returns
    -------
    clients, openings : list of dict
        Raw records as accepted by ``load_clients`` and ``load_openings``.
    """
    catalog = load_catalog()
    if not 1 <= metros <= len(catalog["metros"]):
        raise ValueError(f"metros must be 1-{len(catalog['metros'])}, got {metros}")
    return _generate(seed, n_clients, n_openings, as_of, metro_placer(catalog, metros), False)


def generate_demo(
    seed: int = 7,
    *,
    n_clients: int = 60,
    n_openings: int = 500,
    as_of: dt.date = DEMO_AS_OF,
) -> tuple[list[Record], list[Record]]:
    """Generate the Chicago demo caseload (a few clients given by ZIP code).

    Parameters
    ----------
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same records.
    n_clients, n_openings : int
        How many records of each kind.
    as_of : datetime.date
        Posting and expiry dates are drawn relative to this day.

    Returns
    -------
    clients, openings : list of dict
        Raw records as accepted by ``load_clients`` and ``load_openings``.
    """
    placer = chicago_placer(load_catalog())
    return _generate(seed, n_clients, n_openings, as_of, placer, True)


def demo_clients_and_openings(seed: int = 7) -> tuple[list[Client], list[Opening]]:
    """The demo caseload validated into records; raises the first invalid one.

    Parameters
    ----------
    seed : int
        Seed passed to :func:`generate_demo`.

    Returns
    -------
    clients, openings : list of Client, list of Opening
    """
    raw_clients, raw_openings = generate_demo(seed)
    clients, client_errors = load_clients(raw_clients)
    openings, opening_errors = load_openings(raw_openings)
    errors = client_errors + opening_errors
    if errors:
        _log.error("demo data: %d invalid records", len(errors))
        raise errors[0]
    return clients, openings


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many records.

    Millions of new dicts and lists trigger repeated full collections that
    rescan everything built so far (about half the run time at 100,000
    records); the records hold no reference cycles, so nothing is left behind.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _generate(
    seed: int, n_clients: int, n_openings: int, as_of: dt.date, placer: Placer, zips: bool
) -> tuple[list[Record], list[Record]]:
    if n_clients < 0 or n_openings < 0:
        raise ValueError("n_clients and n_openings must be >= 0")
    rng = np.random.default_rng(seed)
    with _cyclic_gc_paused():
        openings = draw_openings(rng, n_openings, as_of, placer)
        employers = list(dict.fromkeys(o["employer"] for o in openings))
        clients = draw_clients(rng, n_clients, placer, employers, zips)
    _log.debug("generated %d clients and %d openings (seed %d)", n_clients, n_openings, seed)
    return clients, openings
