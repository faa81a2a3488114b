"""Import an O*NET release (and optionally ESCO) into an occupation store.

The import is idempotent: it checksums the source files (and the importer's
own code) first and, when the store already holds an import of exactly those
files by this code, leaves it untouched. A rebuild writes to a temporary sibling directory and
then swaps it in, so a failed import never leaves a half-written store.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from matcher.occupations import esco as esco_mod
from matcher.occupations import tables
from matcher.occupations.normalize import normalize_title
from matcher.occupations.sources import (
    SourceFile,
    find_sources,
    read_table,
    sha256,
    with_checksum,
)
from matcher.occupations.store import FORMAT_VERSION, OccupationStore, StoreError, read_metadata
from matcher.progress import Progress, quiet
from matcher.resources import data_dir

_log = logging.getLogger(__name__)

SYNONYMS_FILE = "title_synonyms.csv"

ONET_ATTRIBUTION = (
    "This product includes information from the O*NET Database by the U.S. Department of "
    "Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 "
    "license. O*NET(R) is a trademark of USDOL/ETA."
)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import read and wrote (``up_to_date``: nothing changed, store kept)."""

    store: Path
    files: tuple[dict[str, Any], ...]
    occupations: int
    titles: int
    up_to_date: bool
    releases: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(int(f["rows"]) for f in self.files)


def import_onet(
    paths: list[Path] | list[str],
    store_dir: Path | str,
    *,
    esco: Path | str | None = None,
    force: bool = False,
    progress: Progress = quiet,
    synonyms: Path | str | None = None,
) -> ImportReport:
    """Import the O*NET release files under ``paths`` into ``store_dir``.

    Parameters
    ----------
    progress : callable, optional
        Wraps the loop over the tables (:func:`matcher.progress.bar` draws a bar); quiet by default.
    paths : list of path
        Folders of an O*NET release (text and/or Excel); for each table the
        first folder holding it wins.
    store_dir : path
        Where the store is written.
    esco : path, optional
        The ESCO classification zip (or a folder of the ESCO zips): its
        occupation labels extend title resolution.
    force : bool
        Rebuild even when the store already holds these exact files.
    synonyms : path, optional
        Curated title synonyms (CSV: title, onet_soc, note); by default the
        packaged ``data/title_synonyms.csv``.

    Returns
    -------
    ImportReport
    """
    store_dir = Path(store_dir)
    sources = {t: with_checksum(s, 0) for t, s in find_sources([Path(p) for p in paths]).items()}
    esco_zip = esco_mod.find_zip(esco, "occupations_en.csv") if esco else None
    synonym_file = Path(synonyms) if synonyms is not None else data_dir() / SYNONYMS_FILE
    fingerprint = _fingerprint(sources, esco_zip, synonym_file)
    if not force:
        kept = _existing(store_dir, fingerprint)
        if kept is not None:
            _log.info("occupation store %s already holds this import", store_dir)
            return kept
    store = build_store(sources, esco_zip, fingerprint, progress=progress, synonyms=synonym_file)
    _swap_in(store, store_dir)
    _log.info("imported %d occupations into %s", len(store), store_dir)
    return _report(store_dir, store.metadata, up_to_date=False)


def build_store(
    sources: dict[str, SourceFile],
    esco_zip: Path | None,
    fingerprint: dict[str, str],
    *,
    progress: Progress = quiet,
    synonyms: Path | None = None,
) -> OccupationStore:
    """Read every table and assemble the store (no file is written)."""
    frames: dict[str, pd.DataFrame] = {}
    files: list[dict[str, Any]] = []
    for table, source in progress(sorted(sources.items()), total=len(sources), desc="reading O*NET tables"):
        frames[table] = read_table(source)
        src = with_checksum(source, len(frames[table]))
        files.append(
            {
                "table": table,
                "file": src.path.name,
                "release": src.release,
                "sha256": src.sha256,
                "rows": src.rows,
            }
        )
    codes, names, descriptions = tables.occupations(frames["occupations"])
    curated = read_synonyms(synonyms) if synonyms is not None and synonyms.exists() else []
    title_rows = tables.titles(
        codes, names, frames.get("reported_titles"), frames.get("alternate_titles"), curated
    )
    if curated and synonyms is not None:
        files.append(
            {
                "table": "title_synonyms",
                "file": synonyms.name,
                "release": "curated",
                "sha256": sha256(synonyms),
                "rows": len(curated),
            }
        )
    esco_counts: dict[str, int] = {}
    if esco_zip is not None:
        cross = _esco_titles(esco_zip, title_rows, progress)
        title_rows += [(text, row, 3) for text, row in cross.titles]
        esco_counts = {"esco_linked_occupations": cross.linked, "esco_titles": len(cross.titles)}
        files.append(
            {
                "table": "esco_occupations",
                "file": esco_zip.name,
                "release": "ESCO",
                "sha256": fingerprint[f"esco:{esco_zip.name}"],
                "rows": cross.read,
            }
        )
    store = _assemble(frames, codes, names, descriptions, title_rows, files, fingerprint)
    store.metadata["counts"].update(esco_counts)
    return store


def _assemble(
    frames: dict[str, pd.DataFrame],
    codes: list[str],
    names: list[str],
    descriptions: list[str],
    title_rows: list[tuple[str, int, int]],
    files: list[dict[str, Any]],
    fingerprint: dict[str, str],
) -> OccupationStore:
    get = frames.get
    skill_names, skill_im = tables.rating_matrix(get("skills"), codes, "IM")
    _, skill_lv = tables.rating_matrix(get("skills"), codes, "LV", skill_names)
    know_names, know_im = tables.rating_matrix(get("knowledge"), codes, "IM")
    _, know_lv = tables.rating_matrix(get("knowledge"), codes, "LV", know_names)
    style_names, styles = tables.rating_matrix(get("work_styles"), codes, "IM")
    dwa_titles, dwa_iwa, iwa_titles = tables.dwa_reference(get("dwa_reference"), get("iwa_reference"))
    title_rows.sort(key=lambda r: (r[1], r[2], r[0]))
    core = tables.core_activities(get("tasks_to_dwas"), get("tasks"), codes)
    store = OccupationStore(
        codes=tuple(codes),
        titles=tuple(names),
        descriptions=tuple(descriptions),
        education=tuple(tables.education(get("education"), get("education_categories"), codes)),
        riasec=tables.riasec(get("interests"), codes),
        job_zone=tables.job_zones(get("job_zones"), codes),
        skill_names=tuple(skill_names),
        skill_importance=skill_im,
        skill_level=skill_lv,
        knowledge_names=tuple(know_names),
        knowledge_importance=know_im,
        knowledge_level=know_lv,
        style_names=tuple(style_names),
        styles=styles,
        technology=tuple(tuple(t) for t in tables.technology(get("technology"), codes)),
        activities=tuple(tuple(a) for a in tables.activities(get("tasks_to_dwas"), get("tasks"), codes)),
        core_activities=tuple(tuple(d for d, _ in a) for a in core),
        core_task_links=tuple(tuple(k for _, k in a) for a in core),
        tasks=tuple(tuple(t) for t in tables.tasks(get("tasks"), codes)),
        dwa_titles=dwa_titles,
        dwa_iwa=dwa_iwa,
        iwa_titles=iwa_titles,
        title_texts=tuple(r[0] for r in title_rows),
        title_owner=np.asarray([r[1] for r in title_rows], dtype=np.int32),
        title_source=np.asarray([r[2] for r in title_rows], dtype=np.int8),
    )
    object.__setattr__(store, "metadata", _metadata(store, files, fingerprint))
    return store


def _metadata(
    store: OccupationStore, files: list[dict[str, Any]], fingerprint: dict[str, str]
) -> dict[str, Any]:
    releases = sorted({f["release"] for f in files if f["table"] != "title_synonyms"})
    counts = {
        "occupations": len(store),
        "titles": len(store.title_texts),
        "with_job_zone": int(np.isfinite(store.job_zone).sum()),
        "with_riasec": int(np.isfinite(store.riasec).all(axis=1).sum()),
        "with_skills": int(np.isfinite(store.skill_importance).any(axis=1).sum()),
        "with_work_styles": int(np.isfinite(store.styles).any(axis=1).sum()),
        "with_activities": sum(1 for a in store.activities if a),
        "with_tasks": sum(1 for t in store.tasks if t),
        "with_technology": sum(1 for t in store.technology if t),
    }
    attribution = [ONET_ATTRIBUTION]
    if any(k.startswith("esco:") for k in fingerprint):
        attribution.append(esco_mod.ATTRIBUTION)
    return {
        "format": FORMAT_VERSION,
        "releases": releases,
        "files": files,
        "counts": counts,
        "fingerprint": fingerprint,
        "attribution": attribution,
    }


def _esco_titles(
    esco_zip: Path, title_rows: list[tuple[str, int, int]], progress: Progress = quiet
) -> esco_mod.Crosswalk:
    onet: dict[str, set[int]] = defaultdict(set)
    for text, row, _ in progress(title_rows, total=len(title_rows), desc="matching titles to ESCO"):
        key = normalize_title(text)
        if key:
            onet[key].add(row)
    return esco_mod.crosswalk_titles(esco_zip, onet)


# The modules whose code shapes the store: a change to any of them makes old stores stale.
_IMPORTER = ("esco.py", "normalize.py", "onet_import.py", "store.py", "tables.py")


def read_synonyms(path: Path) -> list[tuple[str, str]]:
    """(title, O*NET-SOC code) rows of a curated synonym table."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    missing = {"title", "onet_soc"} - set(reader.fieldnames or ())
    if missing:
        raise StoreError(f"title synonyms {path} lack the column(s) {', '.join(sorted(missing))}")
    return [(r["title"].strip(), r["onet_soc"].strip()) for r in rows if r["title"].strip()]


def _fingerprint(
    sources: dict[str, SourceFile], esco_zip: Path | None, synonyms: Path | None = None
) -> dict[str, str]:
    out = {f"onet:{t}:{s.path.name}": s.sha256 for t, s in sources.items()}
    if synonyms is not None and synonyms.exists():
        out[f"synonyms:{synonyms.name}"] = sha256(synonyms)
    code = hashlib.sha256()
    for name in _IMPORTER:
        code.update((Path(__file__).parent / name).read_bytes())
    out["importer"] = code.hexdigest()
    if esco_zip is not None:
        out[f"esco:{esco_zip.name}"] = sha256(esco_zip)
    return dict(sorted(out.items()))


def _existing(store_dir: Path, fingerprint: dict[str, str]) -> ImportReport | None:
    try:
        meta = read_metadata(store_dir)
    except StoreError:
        return None
    if meta.get("format") != FORMAT_VERSION or meta.get("fingerprint") != fingerprint:
        return None
    return _report(store_dir, meta, up_to_date=True)


def _report(store_dir: Path, meta: dict[str, Any], *, up_to_date: bool) -> ImportReport:
    counts = dict(meta.get("counts", {}))
    return ImportReport(
        store=store_dir,
        files=tuple(meta.get("files", [])),
        occupations=int(counts.get("occupations", 0)),
        titles=int(counts.get("titles", 0)),
        up_to_date=up_to_date,
        releases=tuple(meta.get("releases", [])),
        counts=counts,
    )


def _swap_in(store: OccupationStore, store_dir: Path) -> None:
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{store_dir.name}-", dir=store_dir.parent))
    tmp.chmod(0o755)  # mkdtemp creates 0700; a store is ordinary shared data
    try:
        store.save(tmp)
        if store_dir.exists():
            old = store_dir.with_name(f".{store_dir.name}-old")
            shutil.rmtree(old, ignore_errors=True)
            store_dir.rename(old)
            tmp.rename(store_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(store_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
