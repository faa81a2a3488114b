"""Near-duplicate openings: same employer, fuzzy-equal title, (almost) same place.

The rule: two openings of one employer are near-duplicates when their titles score
``token_sort_ratio >= 90`` (after ``utils.default_process``) and they are at the same
place: both remote, or both located within :data:`SAME_PLACE_KM` (great-circle,
:func:`matcher.geo.haversine_km`). A new, edited or reopened opening is refused when it
near-duplicates an open one, the oldest such opening being reported.

:class:`DuplicateIndex` applies the rule without comparing an opening with every
other of its employer: openings are grouped by employer and by the cube of about
1 km their point on the globe falls in (remote ones in a group of their own), and
titles are scored with rapidfuzz ``process.cdist`` against the 27 cubes around an
opening only. Every path that stores an opening (``POST``, ``PUT``, reopen, CSV
import) decides through it; the store only reads and writes rows.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process, utils
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from api import store
from matcher.geo import EARTH_RADIUS_KM, haversine_km
from matcher.types import Location

# token_sort_ratio >= 90 treats "Cook, line" and "Line cook" or one typo as the same title.
TITLE_CUTOFF = 90.0
# Two postings within this distance are at the same site (ZIP centroids, rounding).
SAME_PLACE_KM = 1.0
# Two points within SAME_PLACE_KM differ by less than that in each 3-D coordinate
# (the chord is shorter than the arc), so they lie in the same or adjacent cubes.
# The 0.1% margin keeps rounding from splitting them further.
_CUBE_KM = SAME_PLACE_KM * 1.001
_NEIGHBOURS = tuple(product((-1, 0, 1), repeat=3))
_REMOTE = "remote"


@dataclass(frozen=True, slots=True)
class Posting:
    """What the rule reads of one opening: title (processed), remote flag and location."""

    key: str
    title: str
    remote: bool
    location: Location | None


def posting(key: str, record: Mapping[str, Any]) -> Posting:
    """The :class:`Posting` of an opening record (``title``, ``remote``, ``location``)."""
    loc = record.get("location")
    location = Location(float(loc["lat"]), float(loc["lon"])) if loc else None
    title = utils.default_process(str(record.get("title", "")))
    return Posting(key, title, bool(record.get("remote")), location)


def same_place(a: Posting, b: Posting) -> bool:
    """Both remote, or both located within :data:`SAME_PLACE_KM`."""
    if a.remote or b.remote:
        return a.remote and b.remote
    if a.location is None or b.location is None:
        return False
    return haversine_km(a.location, b.location) <= SAME_PLACE_KM


def _cube(location: Location) -> tuple[int, int, int]:
    lat, lon = math.radians(location.lat), math.radians(location.lon)
    scale = EARTH_RADIUS_KM / _CUBE_KM
    x, y, z = math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)
    return math.floor(x * scale), math.floor(y * scale), math.floor(z * scale)


Group = tuple[Any, ...]


class DuplicateIndex:
    """Open openings by employer and place; :meth:`find` gives the oldest near-duplicate.

    Openings are added oldest first; "oldest" is the order they were added in. A
    :meth:`copy` shares the groups' lists and copies one only when adding to it.
    """

    def __init__(self) -> None:
        self._groups: dict[Group, list[tuple[int, Posting]]] = {}
        self._own: set[Group] = set()  # groups whose list this index may append to
        self._added = 0

    def __len__(self) -> int:
        return self._added

    def copy(self) -> DuplicateIndex:
        """An index with the same openings; adding to either leaves the other unchanged."""
        other = DuplicateIndex()
        other._groups, other._added = dict(self._groups), self._added
        self._own.clear()  # the lists are shared from now on
        return other

    def add(self, employer_id: str, item: Posting) -> None:
        """Index one open opening (after every opening added before it)."""
        group = _group(employer_id, item)
        if group is not None:
            if group in self._own:
                self._groups[group].append((self._added, item))
            else:
                self._groups[group] = [*self._groups.get(group, ()), (self._added, item)]
                self._own.add(group)
        self._added += 1

    def find(self, employer_id: str, item: Posting) -> str | None:
        """Key of the oldest indexed opening of ``employer_id`` that ``item`` near-duplicates."""
        candidates = [c for g in _groups_around(employer_id, item) for c in self._groups.get(g, ())]
        if not candidates:
            return None
        scores = process.cdist(
            [item.title],
            [c.title for _, c in candidates],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=TITLE_CUTOFF,
            dtype=np.float64,
        )[0]
        hits = sorted(candidates[i] for i in np.flatnonzero(scores >= TITLE_CUTOFF).tolist())
        return next((c.key for _, c in hits if same_place(item, c)), None)


def _group(employer_id: str, item: Posting) -> Group | None:
    if item.remote:
        return (employer_id, _REMOTE)
    if item.location is None:
        return None  # never at the same place as anything
    return (employer_id, *_cube(item.location))


def _groups_around(employer_id: str, item: Posting) -> list[Group]:
    if item.remote or item.location is None:
        group = _group(employer_id, item)
        return [] if group is None else [group]
    x, y, z = _cube(item.location)
    return [(employer_id, x + dx, y + dy, z + dz) for dx, dy, dz in _NEIGHBOURS]


def open_index(
    session: Session, *, employer_ids: Iterable[str] | None = None, exclude_id: str | None = None
) -> DuplicateIndex:
    """Index of the open openings (of these employers; except ``exclude_id``), oldest first."""
    index = DuplicateIndex()
    for row in store.openings.open_postings(session, employer_ids=employer_ids, exclude_id=exclude_id):
        located = row.lat is not None and row.lon is not None
        location = Location(float(row.lat), float(row.lon)) if located else None
        item = Posting(row.id, utils.default_process(row.title), bool(row.remote), location)
        index.add(row.employer_id, item)
    return index


def refuse_near_duplicate(
    session: Session, *, employer_id: str, record: Mapping[str, Any], exclude_id: str | None = None
) -> None:
    """Raise ``Conflict`` when ``record`` near-duplicates an open opening of the employer."""
    index = open_index(session, employer_ids=[employer_id], exclude_id=exclude_id)
    duplicate = index.find(employer_id, posting(str(record.get("id", "")), record))
    if duplicate is not None:
        raise store.Conflict(f"Near-duplicate of opening {duplicate}")


class IndexCache:
    """The index of every open opening, kept between imports of one process.

    An entry is valid for one value of the openings version counter, which every
    change to an opening (or an employer's name) increments: a process that finds
    another value in the database rebuilds the index, so several workers stay right.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entry: tuple[int, DuplicateIndex] | None = None

    def checkout(self, session: Session) -> tuple[int, DuplicateIndex]:
        """The current openings version and a private copy of its index."""
        version = store.openings.openings_version(session)
        with self._lock:
            entry = self._entry
        if entry is None or entry[0] != version:
            entry = (version, open_index(session))
            self.keep(*entry)
        return version, entry[1].copy()

    def keep(self, version: int, index: DuplicateIndex) -> None:
        """Keep ``index`` as the index of openings version ``version``."""
        with self._lock:
            self._entry = (version, index.copy())

    def keep_after_commit(self, session: Session, *, version: int, index: DuplicateIndex) -> None:
        """Keep ``index`` (``version`` plus this transaction's openings) once the session commits.

        Only when this transaction alone changed the openings since ``version`` was read
        (the counter went up by exactly one); otherwise the next import rebuilds.
        """
        if store.openings.openings_version(session) != version + 1:
            return

        def keep(_session: Session) -> None:
            self.keep(version + 1, index)

        event.listen(session, "after_commit", keep, once=True)


_caches: weakref.WeakKeyDictionary[Engine, IndexCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def index_cache(session: Session) -> IndexCache:
    """The :class:`IndexCache` of the session's database (one per engine in this process)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _caches_lock:
        return _caches.setdefault(engine, IndexCache())
