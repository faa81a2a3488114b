"""``api.config.Settings`` is the only reader of the environment; the engine reads none."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
READS_ENVIRONMENT = re.compile(r"\bos\.environ\b|\bgetenv\b|\bos\.putenv\b")


def test_nothing_but_settings_reads_the_environment() -> None:
    readers = [
        str(path.relative_to(REPO))
        for package in ("api", "matcher")
        for path in sorted((REPO / package).rglob("*.py"))
        if READS_ENVIRONMENT.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == [], "read settings through api.config.Settings (pydantic-settings) instead"
