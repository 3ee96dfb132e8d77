"""Persistence: joblib model files with a JSON metadata sidecar, saved atomically.

Layout of a models directory::

    <name>.joblib   the pickled AppealModel
    <name>.json     its sidecar: versions, categories, thresholds, corpus hash,
                    evaluation scores, sha256 of the .joblib
    current         the name of the model in use (replaced by an atomic rename)

Saving writes and fsyncs both files under a new name, then swaps ``current``;
an interrupted ``detector train`` leaves the previous model in use. Loading
reads the sidecar first, checks the versions and the sha256, and only then
unpickles: joblib loading runs code, so the model path is a trust boundary.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import joblib
import sklearn

from . import __version__
from .errors import ModelIncompatible, ModelNotFound, ModelTampered
from .settings import DEFAULT_MODEL_DIR

FORMAT = 2  # 2: two first-stage views and a context stage
RETRAIN = "run `detector train` to build a new one"
KEEP_OLD = 2


@dataclass
class LoadedModel:
    model: object
    meta: dict
    path: Path


def library_versions() -> dict[str, str]:
    """What a model's numbers depend on, recorded beside it so that a rebuild can be compared."""
    import platform

    import numpy
    import scipy

    return {"python": platform.python_version(), "numpy": numpy.__version__, "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__, "joblib": joblib.__version__}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def save_model(model, models_dir: Path, meta: dict, name: str | None = None,
               make_current: bool = True) -> Path:
    """Save ``model`` with its sidecar (and make it the current one). Returns the model path."""
    models_dir.mkdir(parents=True, exist_ok=True)
    if make_current:  # the user's own models directory: theirs alone
        os.chmod(models_dir, 0o700)
    name = name or time.strftime("model-%Y%m%d-%H%M%S") + f"-{os.getpid()}"
    target = models_dir / f"{name}.joblib"
    fd, tmp = tempfile.mkstemp(dir=models_dir, prefix=f".{name}", suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump(model, tmp, compress=3)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600 if make_current else 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    sidecar = dict(meta)
    sidecar.update(
        format=FORMAT, package_version=__version__, sklearn_version=sklearn.__version__,
        libraries=library_versions(),
        categories=list(model.categories), thresholds=dict(model.thresholds),
        model_file=target.name, model_sha256=sha256_file(target),
        saved_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    atomic_write(target.with_suffix(".json"), json.dumps(sidecar, indent=2, sort_keys=True).encode(),
                 mode=0o600 if make_current else 0o644)
    if make_current:
        atomic_write(models_dir / "current", (name + "\n").encode())
        _prune(models_dir, keep={name})
    return target


def _prune(models_dir: Path, keep: set[str]) -> None:
    """Keep the newest few models (a running service may still be reading one)."""
    models = sorted(models_dir.glob("model-*.joblib"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[KEEP_OLD:]:
        if old.stem not in keep:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)


def current_model_path(models_dir: Path) -> Path | None:
    """The user's current model, or None when they have not trained one."""
    pointer = models_dir / "current"
    try:
        name = pointer.read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return models_dir / f"{name}.joblib"


def default_model_path() -> Path:
    return DEFAULT_MODEL_DIR / "default.joblib"


def resolve_model_path(models_dir: Path, explicit: Path | None = None) -> Path:
    if explicit is not None:
        return Path(explicit)
    return current_model_path(models_dir) or default_model_path()


def read_meta(path: Path) -> dict:
    sidecar = path.with_suffix(".json")
    if not path.is_file():
        raise ModelNotFound(f"no model at {path}; {RETRAIN}")
    try:
        return json.loads(sidecar.read_text())
    except FileNotFoundError:
        raise ModelTampered(f"model {path} has no metadata sidecar {sidecar.name}; {RETRAIN}") from None
    except (OSError, ValueError) as exc:
        raise ModelTampered(f"model sidecar {sidecar} is unreadable ({exc}); {RETRAIN}") from None


def check_meta(meta: dict, path: Path) -> None:
    if meta.get("format") != FORMAT:
        raise ModelIncompatible(f"model {path.name} has format {meta.get('format')}, expected {FORMAT}; {RETRAIN}")
    built = str(meta.get("sklearn_version", "?"))
    if built.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ModelIncompatible(
            f"model {path.name} was built with scikit-learn {built}, this is {sklearn.__version__}; {RETRAIN}"
        )


def load_model(path: Path) -> LoadedModel:
    """Load a model after checking its sidecar's versions and sha256."""
    path = Path(path)
    meta = read_meta(path)
    check_meta(meta, path)
    actual = sha256_file(path)
    if actual != meta.get("model_sha256"):
        raise ModelTampered(f"model {path} does not match the sha256 in its sidecar; refusing it; {RETRAIN}")
    try:
        model = joblib.load(path)
    except Exception as exc:  # a file that hashes right but does not unpickle
        raise ModelIncompatible(f"model {path} cannot be loaded ({type(exc).__name__}); {RETRAIN}") from None
    if not hasattr(model, "predict") or list(getattr(model, "categories", ())) != meta.get("categories"):
        raise ModelIncompatible(f"model {path} is not an Appeal Detector model; {RETRAIN}")
    try:  # a model pickled by other code can unpickle and still fail on first use
        model.predict([{"text": "probe", "tag": "p"}, {"text": "second probe"}])
    except Exception as exc:
        raise ModelIncompatible(f"model {path} does not work with this version ({type(exc).__name__}); "
                                f"{RETRAIN}") from None
    return LoadedModel(model=model, meta=meta, path=path)
