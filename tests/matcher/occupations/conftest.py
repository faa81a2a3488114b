"""Fixtures: a tiny synthetic O*NET release, and the real release imported once per session.

Real-data fixtures skip with the reason when ``../shared/data`` is absent. The
real store is imported into pytest's cache directory when it is available:
the import is idempotent (source checksums), so later sessions reuse it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.occupations import OccupationStore, import_onet
from tests.matcher.occupations import synthetic

DATA = Path(__file__).resolve().parents[3] / "../shared/data"
ONET_TEXT = DATA / "onet_29_0_text"
ONET_EXCEL = DATA / "onet_29_3_excel"
ESCO = DATA / "esco_v1_1_1"


def require(*paths: Path) -> None:
    """Skip the test when a real-data folder is missing."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"real data not found: {', '.join(missing)} (see shared/data/PROVENANCE.md)")


@pytest.fixture(scope="session")
def tiny_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic.write_release(tmp_path_factory.mktemp("onet") / "release")


@pytest.fixture(scope="session")
def tiny_store_dir(tiny_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("store") / "occupations"
    import_onet([tiny_release], store)
    return store


@pytest.fixture()
def tiny_store(tiny_store_dir: Path) -> OccupationStore:
    return OccupationStore.load(tiny_store_dir)


@pytest.fixture(scope="session")
def real_store_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real O*NET 29.0 text + 29.3 Excel release with ESCO, imported once."""
    require(ONET_TEXT, ONET_EXCEL, ESCO)
    cache = getattr(request.config, "cache", None)
    root = cache.mkdir("occupations-store") if cache is not None else tmp_path_factory.mktemp("real")
    store = Path(root) / "occupations"
    import_onet([ONET_TEXT, ONET_EXCEL], store, esco=ESCO)
    return store


@pytest.fixture(scope="session")
def real_store(real_store_dir: Path) -> OccupationStore:
    return OccupationStore.load(real_store_dir)
