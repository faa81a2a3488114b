"""The occupation store is loaded once per process and reloaded only when its files change."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from api import occupations
from matcher.occupations import import_onet
from tests.matcher.occupations import synthetic


@pytest.fixture()
def store_dir(tmp_path: Path) -> Path:
    release = synthetic.write_release(tmp_path / "release")
    out = tmp_path / "store"
    import_onet([release], out)
    return out


def test_loaded_once_while_unchanged(store_dir: Path) -> None:
    first = occupations.cached_store(store_dir)
    assert first is not None and len(first) > 0
    assert occupations.cached_store(store_dir) is first
    assert occupations.cached_store(store_dir / "." / "") is first  # the same directory


def test_a_rebuilt_store_is_picked_up(store_dir: Path) -> None:
    first = occupations.cached_store(store_dir)
    metadata = store_dir / "metadata.json"
    stat = metadata.stat()
    os.utime(metadata, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = occupations.cached_store(store_dir)
    assert first is not None and second is not None and second is not first
    assert second.codes == first.codes


def test_no_store_and_an_unreadable_one(tmp_path: Path, store_dir: Path) -> None:
    assert occupations.cached_store(None) is None
    assert occupations.cached_store(tmp_path / "nothing") is None
    assert occupations.missing_detail(tmp_path / "nothing").startswith(f"No occupation store at {tmp_path}")
    metadata = store_dir / "metadata.json"
    metadata.write_text(json.dumps({"format": 999}), encoding="utf-8")
    assert occupations.cached_store(store_dir) is None
    detail = occupations.missing_detail(store_dir)
    assert "cannot be read" in detail and "matcher occupations import" in detail
