"""Defaults in one place, layered: defaults < user config file < environment < flags.

The config file is TOML at ``<user config dir>/config.toml`` (keys as the field
names below); environment variables are ``DETECTOR_<FIELD>`` in upper case.
``DETECTOR_HOME`` moves every file of the tool (models, token, feedback,
config) under one directory, which the tests use to stay inside ``tmp_path``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

from .errors import InvalidInput

APP_NAME = "appeal-detector"
CATEGORIES = ("donation", "paywall", "newsletter", "adblock", "foreign_agent")
CONTENT = "content"
PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL_DIR = PACKAGE_DIR / "data"
# The corpus lives beside the package in a source checkout (editable installs too).
CHECKOUT_CORPUS = PACKAGE_DIR.parent / "training"


def _home() -> tuple[Path, Path]:
    home = os.environ.get("DETECTOR_HOME")
    if home:
        return Path(home), Path(home)
    return Path(user_data_dir(APP_NAME)), Path(user_config_dir(APP_NAME))


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: _home()[0])
    config_dir: Path = field(default_factory=lambda: _home()[1])
    host: str = "127.0.0.1"
    port: int = 8765
    # request limits of the service
    max_body_bytes: int = 4 * 1024 * 1024
    max_blocks: int = 5000
    max_block_chars: int = 4000
    max_json_depth: int = 32
    # model behaviour
    sensitivity: float = 0.5
    feedback_weight: float = 5.0
    model_check_seconds: float = 1.0
    explain_top: int = 5
    corpus_dir: Path | None = None

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def token_path(self) -> Path:
        return self.config_dir / "token"

    @property
    def pairing_path(self) -> Path:
        return self.config_dir / "pairing.json"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    @property
    def config_path(self) -> Path:
        return self.config_dir / "config.toml"

    def corpus(self) -> Path:
        if self.corpus_dir is not None:
            return Path(self.corpus_dir)
        return CHECKOUT_CORPUS


def _coerce(name: str, kind, raw):
    try:
        if kind in (int, "int"):
            return int(raw)
        if kind in (float, "float"):
            return float(raw)
        if "Path" in str(kind):
            return Path(raw).expanduser()
        return str(raw)
    except (TypeError, ValueError):
        raise InvalidInput(f"setting {name!r}: cannot use {raw!r}") from None


def load_settings(**overrides) -> Settings:
    """Build the settings: defaults, then config.toml, then DETECTOR_* variables, then ``overrides``."""
    settings = Settings()
    known = {f.name: f.type for f in fields(Settings)}
    layered: dict = {}
    if settings.config_path.is_file():
        try:
            with settings.config_path.open("rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InvalidInput(f"config file {settings.config_path}: {exc}") from None
        for key, value in data.items():
            if key not in known or key in ("data_dir", "config_dir"):
                raise InvalidInput(f"config file {settings.config_path}: unknown setting {key!r}")
            layered[key] = _coerce(key, known[key], value)
    for key, kind in known.items():
        raw = os.environ.get("DETECTOR_" + key.upper())
        if raw is not None and key not in ("data_dir", "config_dir"):
            layered[key] = _coerce(key, kind, raw)
    layered.update({k: v for k, v in overrides.items() if v is not None})
    return replace(settings, **layered)
