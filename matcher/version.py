"""The one version of placement-matcher: the package's (``pyproject.toml``), read from its metadata.

Every command's ``--version`` and the OpenAPI document use it. ``ENGINE_VERSION``
(re-exported by :mod:`matcher.pipeline`) is separate on purpose: it versions the ranking itself and is
recorded with every shortlist and model artifact, so it changes only when results would.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

PACKAGE = "placement-matcher"

try:
    __version__ = version(PACKAGE)
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"


# The ranking's own version (bump it when the same inputs would rank or explain differently).
# 1.1.0: four accommodation states, avoidance topics (issue 13); 1.2.0: interests resolved to kinds
# of work (issue 13), road speeds by distance and hour, GTFS transit (issue 14).
ENGINE_VERSION = "1.2.0"


def version_line() -> str:
    """``placement-matcher 0.1.0 (engine 1.2.0)``: what ``--version`` prints."""
    return f"{PACKAGE} {__version__} (engine {ENGINE_VERSION})"
