"""Save and load trained artifacts: ``models/<name>.joblib`` plus a JSON sidecar.

joblib is pickle: load only artifacts built here. The sidecar records the
scikit-learn and engine versions; a mismatch raises :class:`ArtifactError`
instead of silently scoring with an incompatible model.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import joblib
import sklearn

from matcher.errors import ArtifactError
from matcher.resources import models_dir

# The installed package data (``models/`` in an editable install); every function takes another folder.
MODELS_DIR = models_dir()
# The text model every path loads (built by ``python -m matcher.train``).
TEXT_MODEL = "text_model"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save(obj: Any, name: str, *, models_dir: Path = MODELS_DIR, **metadata: Any) -> Path:
    """Write ``obj`` and its metadata; returns the .joblib path."""
    from matcher.pipeline import ENGINE_VERSION

    models_dir.mkdir(parents=True, exist_ok=True)
    path = models_dir / f"{name}.joblib"
    joblib.dump(obj, path)
    meta = {
        "name": name,
        "sklearn_version": sklearn.__version__,
        "engine_version": ENGINE_VERSION,
        "sha256": _sha256(path),
        **metadata,
    }
    (models_dir / f"{name}.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return path


def load(name: str, *, models_dir: Path = MODELS_DIR) -> tuple[Any, dict[str, Any]]:
    """Load an artifact after checking its sidecar; raises ArtifactError on any mismatch."""
    path, meta_path = models_dir / f"{name}.joblib", models_dir / f"{name}.json"
    if not path.exists() or not meta_path.exists():
        raise ArtifactError(f"artifact {name!r} not found in {models_dir} (run: python -m matcher.train)")
    meta = json.loads(meta_path.read_text())
    if meta.get("sklearn_version") != sklearn.__version__:
        raise ArtifactError(
            f"artifact {name!r} was built with scikit-learn {meta.get('sklearn_version')}, "
            f"this is {sklearn.__version__}: retrain with python -m matcher.train"
        )
    if meta.get("sha256") != _sha256(path):
        raise ArtifactError(f"artifact {name!r} does not match its recorded checksum")
    return joblib.load(path), meta
