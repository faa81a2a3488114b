"""Where the packaged vocabularies and trained artifacts are, in any kind of install.

The repository keeps them in its top-level ``data/`` and ``models/`` folders;
``pyproject.toml`` maps those folders to the packages ``matcher._data`` and
``matcher._models``, so a wheel installs them inside ``matcher/`` and an editable
install points the same package names back at the repository folders. Either
way :func:`importlib.resources.files` finds them, from any working directory
and on any Dask worker that has the package installed.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from matcher.errors import MatcherError

_log = logging.getLogger(__name__)

DATA_PACKAGE = "matcher._data"
MODELS_PACKAGE = "matcher._models"


def package_folder(package: str, source_folder: str) -> Path:
    """The folder holding a data package's files (``matcher._data`` -> ``.../data``).

    Parameters
    ----------
    package : str
        A data package: :data:`DATA_PACKAGE` or :data:`MODELS_PACKAGE`.
    source_folder : str
        Its folder in the repository, used only when the package is not importable:
        a source tree run without ``pip install -e .``, or an editable install made
        before the mapping existed (``make setup`` reinstalls it).

    Returns
    -------
    pathlib.Path
        Wheels and editable installs keep package data on disk, so this is a real folder.
    """
    try:
        found = resources.files(package)
    except ModuleNotFoundError:
        fallback = Path(__file__).resolve().parent.parent / source_folder
        _log.warning("%s is not installed; using %s (run: make setup)", package, fallback)
        return fallback
    if not isinstance(found, Path):
        raise MatcherError(f"{package} is not on disk ({found!r}): install the wheel unzipped")
    return found


def data_dir() -> Path:
    """The vocabularies and the demo catalog (``data/`` in the repository)."""
    return package_folder(DATA_PACKAGE, "data")


def models_dir() -> Path:
    """The default folder of trained artifacts (``models/`` in the repository)."""
    return package_folder(MODELS_PACKAGE, "models")
