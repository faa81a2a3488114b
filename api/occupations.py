"""The O*NET occupation store in the service: loaded once per process, and what the API asks of it.

Every call the service makes into :mod:`matcher.occupations` goes through this module, so a
change of the engine's occupation functions is adapted here alone.

The store is loaded once per ``(path, file stamps)``: each request only checks the three store
files' modification times and sizes (three ``stat`` calls), so a store rebuilt by
``matcher occupations import`` is picked up without a restart, and an unchanged one is never
read twice. The shortlist path (:func:`api.matching.load_occupations`) and career exploration
share the loaded object.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.errors import MatcherError
from matcher.occupations import (
    MIN_CONFIDENCE,
    OccupationNotFound,
    OccupationStore,
    Related,
    StoreError,
    TitleCandidate,
    occupation_demands,
    occupation_phrases,
    resolve_title,
    similar_occupations,
)
from matcher.occupations.onet_import import ONET_ATTRIBUTION as ATTRIBUTION
from matcher.vocab import load_vocabulary

_log = logging.getLogger(__name__)

__all__ = [
    "ATTRIBUTION",
    "JOB_ZONE_WORDS",
    "cached_store",
    "canonical_code",
    "job_zone",
    "missing_detail",
    "profile",
    "related",
    "preparation_name",
    "related_rows",
    "resolve",
    "threshold",
    "title_of",
]

#: The files of a store directory (``matcher.occupations.store``); their stamps key the cache.
STORE_FILES = ("metadata.json", "arrays.npz", "profiles.json.gz")
#: How an operator builds the store (the same command ``placement-api`` prints at start).
IMPORT_COMMAND = (
    "matcher occupations import ../shared/data/onet_29_0_text ../shared/data/onet_29_3_excel "
    "--esco ../shared/data/esco_v1_1_1"
)

#: O*NET's five Job Zones in words: the preparation most people in the occupation had.
JOB_ZONE_WORDS = {
    1: (
        "Little or no preparation",
        "Some need a high school diploma; training takes a few days to a few months on the job.",
    ),
    2: (
        "Some preparation",
        "Usually a high school diploma; some work experience helps; training takes a few months "
        "to a year with experienced workers.",
    ),
    3: (
        "Medium preparation",
        "Most have vocational training, related experience or an associate's degree; one or two "
        "years of training.",
    ),
    4: (
        "Considerable preparation",
        "Most have a bachelor's degree and several years of related experience.",
    ),
    5: (
        "Extensive preparation",
        "Most have a graduate degree (master's, doctorate or professional) and long experience.",
    ),
}

Stamp = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class _Loaded:
    stamp: Stamp
    store: OccupationStore | None
    problem: str  # why there is no store ("" when there is one)


_lock = threading.Lock()  # one load at a time: concurrent first requests wait for it, not repeat it
_loaded: dict[Path, _Loaded] = {}


def _stamp(path: Path) -> Stamp | None:
    """(mtime ns, size) of each store file, (0, 0) for a missing one; None without metadata."""
    stamps = []
    for name in STORE_FILES:
        try:
            stat = (path / name).stat()
        except FileNotFoundError:
            if name == "metadata.json":
                return None
            stamps.append((0, 0))
        else:
            stamps.append((stat.st_mtime_ns, stat.st_size))
    return tuple(stamps)


def _load(path: Path, stamp: Stamp | None) -> _Loaded:
    if stamp is None:
        return _Loaded((), None, f"No occupation store at {path}")
    try:
        store = OccupationStore.load(path)
    except StoreError as exc:
        _log.warning("%s; occupations are not used", exc)
        return _Loaded(stamp, None, f"The occupation store at {path} cannot be read")
    _warm(store)
    _log.info("using the occupation store %s (%d occupations)", path, len(store))
    return _Loaded(stamp, store, "")


def _warm(store: OccupationStore) -> None:
    """Build the store's derived indexes now (title index, related-occupation features, demand
    percentiles: about 4 s on the real store), once with the load, not in someone's first request."""
    try:
        resolve_title(store, "dishwasher", top=1)
        if len(store):
            similar_occupations(store, store.codes[0], top=1)
            occupation_demands(store, store.codes[0])
    except MatcherError as exc:  # a store the engine cannot index fully still serves what it can
        _log.warning("occupation store indexes not built in advance: %s", exc)


def _state(path: Path) -> _Loaded:
    key = Path(path)  # as configured: a stat of each file per call, no path resolution
    stamp = _stamp(key)
    known = _loaded.get(key)
    if known is not None and known.stamp == (stamp or ()):
        return known
    with _lock:
        known = _loaded.get(key)
        if known is None or known.stamp != (stamp or ()):
            known = _loaded[key] = _load(key, stamp)
        return known


def cached_store(path: Path | None) -> OccupationStore | None:
    """The store imported at ``path``, loaded once per process (None when there is none)."""
    return None if path is None else _state(path).store


def missing_detail(path: Path) -> str:
    """Why there is no store at ``path`` and how an operator builds one (an API error detail)."""
    problem = _state(path).problem or f"No occupation store at {path}"
    return f"{problem}; an operator builds it with `{IMPORT_COMMAND} --store {path}`"


def canonical_code(store: OccupationStore, code: str) -> str | None:
    """The store's spelling of an O*NET-SOC code (``35-9021`` -> ``35-9021.00``); None if unknown."""
    try:
        return store.codes[store.row(code)]
    except KeyError:
        return None


def resolve(store: OccupationStore, title: str, *, top: int) -> list[TitleCandidate]:
    """The occupations a job title may denote, best first; empty when it is unknown."""
    return resolve_title(store, title, top=top, min_confidence=MIN_CONFIDENCE)


def threshold() -> float:
    """Confidence below which the store calls a title unknown."""
    return MIN_CONFIDENCE


def related(store: OccupationStore, code: str, *, top: int) -> list[Related]:
    """Occupations a person from ``code`` could most easily move to, with the shared reasons.

    Raises ``LookupError`` for a code not in the store.
    """
    try:
        return similar_occupations(store, code, top=top)
    except OccupationNotFound as exc:
        raise LookupError(str(exc)) from None


def preparation_name(zone: int | None) -> str:
    """A Job Zone in words ("Some preparation"; "Not rated" without one)."""
    return JOB_ZONE_WORDS.get(zone or 0, ("Not rated", ""))[0]


def related_rows(store: OccupationStore, code: str, *, top: int) -> list[dict[str, Any]]:
    """:func:`related` as the API and the pages show it: each with its preparation in words."""
    return [
        {
            "code": r.code,
            "title": r.title,
            "score": r.score,
            "job_zone": r.job_zone,
            "preparation": preparation_name(r.job_zone),
            "reasons": list(r.shared),
        }
        for r in related(store, code, top=top)
    ]


def job_zone(store: OccupationStore, code: str) -> int | None:
    value = float(store.job_zone[store.row(code)])
    return None if math.isnan(value) else int(value)


def title_of(store: OccupationStore, code: str) -> str:
    return store.titles[store.row(code)]


def profile(store: OccupationStore, code: str, *, activities: int = 8) -> dict[str, Any]:
    """One occupation in plain language: what people do, the preparation, the demands (1-5).

    ``code`` must be in the store (:func:`canonical_code`).
    """
    row = store.row(code)
    phrases = occupation_phrases(store, code, skills=5, knowledge=3, activities=activities, technology=3)
    zone = job_zone(store, code)
    name, words = JOB_ZONE_WORDS.get(zone or 0, ("Not rated", "O*NET gives no Job Zone for it."))
    vocab = load_vocabulary()
    demands = occupation_demands(store, code)
    return {
        "code": store.codes[row],
        "title": store.titles[row],
        "description": store.descriptions[row],
        "activities": list(phrases.activities),
        "skills": list(phrases.skills),
        "knowledge": list(phrases.knowledge),
        "technology": list(phrases.technology),
        "preparation": {
            "job_zone": zone,
            "name": name,
            "words": words,
            "education": store.education[row] or None,
        },
        "demands": [
            {
                "dimension": dim,
                "label": vocab.dimension_labels[dim],
                "level": level,
                "words": vocab.level_labels.get(level, str(level)),
            }
            for dim in vocab.dimensions
            if (level := demands.get(dim)) is not None
        ],
    }
