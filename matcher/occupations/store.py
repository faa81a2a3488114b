"""The occupation profile store: a compact, pickle-free file set.

A store directory holds three files:

* ``metadata.json`` — format version, releases read, source checksums, counts
  and the attribution text;
* ``arrays.npz`` — numeric profiles (RIASEC, Job Zone, skills, knowledge, work
  styles), NaN where O*NET has no rating; loaded with ``allow_pickle=False``;
* ``profiles.json.gz`` — codes, titles, descriptions, task statements,
  technology, work activities (DWAs) and the title table used by title
  resolution.

Files are written deterministically (sorted keys, gzip mtime 0), so importing
the same release twice gives byte-identical stores.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from matcher.canonical import canonical_text
from matcher.errors import MatcherError

FORMAT_VERSION = 2  # 2: task statements, core-task activities, In Demand technology, synonyms
RIASEC = ("Realistic", "Investigative", "Artistic", "Social", "Enterprising", "Conventional")
# Title sources, strongest evidence first (index = code stored in title_source).
# "synonym": the curated table data/title_synonyms.csv (entry-level titles O*NET's alternates miss).
TITLE_SOURCES = ("occupation", "reported", "alternate", "esco", "synonym")
_ARRAYS = (
    "riasec",
    "job_zone",
    "skill_importance",
    "skill_level",
    "knowledge_importance",
    "knowledge_level",
    "styles",
    "title_owner",
    "title_source",
)


class StoreError(MatcherError):
    """The occupation store is missing, incomplete or of another format."""


@dataclass(frozen=True, slots=True)
class Technology:
    """A technology example used in an occupation.

    ``hot``: O*NET Hot Technology (often in postings across all occupations);
    ``demand``: O*NET In Demand (often in this occupation's postings).
    """

    example: str
    commodity: str
    hot: bool
    demand: bool = False


@dataclass(frozen=True, eq=False)
class OccupationStore:
    """O*NET occupation profiles, indexed by row (``codes`` sorted).

    Arrays have one row per occupation; rating arrays hold NaN where the
    release has no value. ``activities[i]`` lists the occupation's detailed
    work activity (DWA) ids, most task-linked first; ``core_activities[i]``
    those linked to a core task (O*NET: performed by at least 67% of
    incumbents and rated important), most core-task-linked first.
    ``tasks[i]`` holds the task statements, core tasks first.
    """

    codes: tuple[str, ...]
    titles: tuple[str, ...]
    descriptions: tuple[str, ...]
    education: tuple[str, ...]
    riasec: np.ndarray  # (n, 6), O*NET occupational interest 1-7
    job_zone: np.ndarray  # (n,) 1-5
    skill_names: tuple[str, ...]
    skill_importance: np.ndarray  # (n, k) 1-5
    skill_level: np.ndarray  # (n, k) 0-7
    knowledge_names: tuple[str, ...]
    knowledge_importance: np.ndarray
    knowledge_level: np.ndarray
    style_names: tuple[str, ...]
    styles: np.ndarray  # (n, m) importance 1-5
    technology: tuple[tuple[Technology, ...], ...]
    activities: tuple[tuple[str, ...], ...]
    dwa_titles: dict[str, str]
    dwa_iwa: dict[str, str]
    iwa_titles: dict[str, str]
    title_texts: tuple[str, ...]
    title_owner: np.ndarray  # (t,) row of the occupation
    title_source: np.ndarray  # (t,) index into TITLE_SOURCES
    tasks: tuple[tuple[str, ...], ...] = ()
    core_activities: tuple[tuple[str, ...], ...] = ()
    core_task_links: tuple[tuple[int, ...], ...] = ()  # core tasks linking each core activity
    metadata: dict[str, Any] = field(default_factory=dict)
    position: dict[str, int] = field(init=False, repr=False)
    cache: dict[str, Any] = field(init=False, repr=False)  # derived indexes, built on demand

    def __post_init__(self) -> None:
        object.__setattr__(self, "position", {c: i for i, c in enumerate(self.codes)})
        object.__setattr__(self, "cache", {})

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code: object) -> bool:
        return code in self.position

    def row(self, code: str) -> int:
        """Row of an O*NET-SOC code (``35-9021`` is read as ``35-9021.00``)."""
        key = code.strip()
        if len(key) == 7:
            key += ".00"
        if key not in self.position:
            raise KeyError(f"unknown O*NET-SOC code {code!r}")
        return self.position[key]

    def save(self, path: Path) -> None:
        """Write the store to directory ``path`` (created if needed)."""
        path.mkdir(parents=True, exist_ok=True)
        _write_npz(path / "arrays.npz", {name: getattr(self, name) for name in _ARRAYS})
        _write_json_gz(path / "profiles.json.gz", _profiles_record(self))
        text = json.dumps(self.metadata, indent=2, sort_keys=True, ensure_ascii=False)
        (path / "metadata.json").write_text(text + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | str) -> OccupationStore:
        """Load a store written by :meth:`save`, once per process and path.

        A second call for the same directory returns the same object (with
        its derived indexes already built) unless the files changed since,
        e.g. after a re-import.

        Raises
        ------
        StoreError
            If files are missing or the store was written in another format.
        """
        path = Path(path).resolve()
        stamp = _stamp(path)
        kept = _LOADED.get(path)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        store = cls._read(path)
        _LOADED[path] = (stamp, store)
        return store

    @classmethod
    def _read(cls, path: Path) -> OccupationStore:
        meta = read_metadata(path)
        if meta.get("format") != FORMAT_VERSION:
            raise StoreError(
                f"occupation store {path} has format {meta.get('format')!r}, expected "
                f"{FORMAT_VERSION}: re-run `matcher occupations import`"
            )
        try:
            with np.load(path / "arrays.npz", allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in _ARRAYS}
            with gzip.open(path / "profiles.json.gz", "rt", encoding="utf-8") as fh:
                rec = json.load(fh)
        except (OSError, KeyError, ValueError) as exc:
            raise StoreError(f"occupation store {path} is unreadable: {exc}") from exc
        return cls(
            codes=tuple(rec["codes"]),
            titles=tuple(rec["titles"]),
            descriptions=tuple(rec["descriptions"]),
            education=tuple(rec["education"]),
            skill_names=tuple(rec["skill_names"]),
            knowledge_names=tuple(rec["knowledge_names"]),
            style_names=tuple(rec["style_names"]),
            technology=tuple(tuple(Technology(*t) for t in row) for row in rec["technology"]),
            activities=tuple(tuple(row) for row in rec["activities"]),
            dwa_titles=rec["dwa_titles"],
            dwa_iwa=rec["dwa_iwa"],
            iwa_titles=rec["iwa_titles"],
            title_texts=tuple(rec["title_texts"]),
            tasks=tuple(tuple(row) for row in rec["tasks"]),
            core_activities=tuple(tuple(row) for row in rec["core_activities"]),
            core_task_links=tuple(tuple(row) for row in rec["core_task_links"]),
            metadata=meta,
            **arrays,
        )


# Stores loaded in this process: directory -> (file stamps when read, store).
_LOADED: dict[Path, tuple[tuple[int, ...], OccupationStore]] = {}


def _stamp(path: Path) -> tuple[int, ...]:
    """Modification times and sizes of a store's files (all 0 for a missing file)."""
    out: list[int] = []
    for name in ("metadata.json", "arrays.npz", "profiles.json.gz"):
        try:
            st = (path / name).stat()
            out += [st.st_mtime_ns, st.st_size, st.st_ino]
        except OSError:
            out += [0, 0, 0]
    return tuple(out)


def read_metadata(path: Path) -> dict[str, Any]:
    """The ``metadata.json`` of a store directory."""
    file = Path(path) / "metadata.json"
    if not file.exists():
        raise StoreError(f"no occupation store at {path}: run `matcher occupations import PATH` first")
    try:
        meta: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise StoreError(f"occupation store metadata {file} is not valid JSON: {exc}") from exc
    return meta


def _profiles_record(store: OccupationStore) -> dict[str, Any]:
    return {
        "codes": list(store.codes),
        "titles": list(store.titles),
        "descriptions": list(store.descriptions),
        "education": list(store.education),
        "skill_names": list(store.skill_names),
        "knowledge_names": list(store.knowledge_names),
        "style_names": list(store.style_names),
        "technology": [[[t.example, t.commodity, t.hot, t.demand] for t in row] for row in store.technology],
        "tasks": [list(row) for row in store.tasks],
        "core_activities": [list(row) for row in store.core_activities],
        "core_task_links": [list(row) for row in store.core_task_links],
        "activities": [list(row) for row in store.activities],
        "dwa_titles": store.dwa_titles,
        "dwa_iwa": store.dwa_iwa,
        "iwa_titles": store.iwa_titles,
        "title_texts": list(store.title_texts),
    }


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    # np.savez stamps the current time into the zip; a fixed date keeps re-imports identical.
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, array in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            zf.writestr(info, buf.getvalue(), compress_type=zipfile.ZIP_DEFLATED)


def _write_json_gz(path: Path, record: dict[str, Any]) -> None:
    data = canonical_text(record)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(data.encode("utf-8"))
