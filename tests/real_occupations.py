"""The real O*NET store for service tests: imported once per session from ``../shared/data``.

It lands in the same pytest cache directory as the engine's occupation tests
(``tests/matcher/occupations/conftest.py``): the import is idempotent (source checksums),
so a session that already has it only checks the files. Without the data the tests skip
with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.occupations import import_onet

DATA = Path(__file__).resolve().parents[1] / "../shared/data"
ONET = (DATA / "onet_29_0_text", DATA / "onet_29_3_excel")
ESCO = DATA / "esco_v1_1_1"


@pytest.fixture(scope="session")
def real_store_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real O*NET 29.0 text + 29.3 Excel release with ESCO, imported once."""
    missing = [str(p) for p in (*ONET, ESCO) if not p.exists()]
    if missing:
        pytest.skip(f"real data not found: {', '.join(missing)} (see shared/data/PROVENANCE.md)")
    cache = getattr(request.config, "cache", None)
    root = cache.mkdir("occupations-store") if cache is not None else tmp_path_factory.mktemp("real")
    store = Path(root) / "occupations"
    import_onet(list(ONET), store, esco=ESCO)
    return store
