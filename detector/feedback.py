"""The user's corrections, in a local SQLite database (WAL, every write committed before we answer).

A correction takes effect at once: the same text (normalised) on the same site
gets the user's label from then on, without retraining. ``detector train``
also learns from them.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from .errors import FeedbackError
from .settings import CATEGORIES, CONTENT

LABELS = CATEGORIES + (CONTENT,)
_WS = re.compile(r"\s+")

SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created REAL NOT NULL,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    text TEXT NOT NULL,
    norm TEXT NOT NULL,
    attrs TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS corrections_site_norm ON corrections (site, norm);
"""


def normalise(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def site_of(url: str | None) -> str:
    """The host of a URL, without a leading ``www.``; '' when there is none."""
    if not url:
        return ""
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


class FeedbackStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str], str] | None = None
        self._version = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists()
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            if fresh:
                os.chmod(self.path, 0o600)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(SCHEMA)
            ok = self._db.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise FeedbackError(f"feedback database {self.path} is unusable: {exc}") from None
        if ok != "ok":
            raise FeedbackError(f"feedback database {self.path} failed its integrity check: {ok}")

    def close(self) -> None:
        self._db.close()

    def add(self, url: str, text: str, label: str, attrs: str = "") -> int:
        if label not in LABELS:
            raise FeedbackError(f"label must be one of {list(LABELS)}, got {label!r}")
        norm = normalise(text)
        if not norm:
            raise FeedbackError("the corrected text is empty")
        site = site_of(url)
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO corrections (created, site, url, text, norm, attrs, label) VALUES (?,?,?,?,?,?,?)",
                (time.time(), site, url or "", text, norm, attrs or "", label),
            )  # autocommit: durable (synchronous=FULL) before we return
            if self._cache is not None:
                self._cache[(site, norm)] = label
            return int(cur.lastrowid)

    def _load_cache(self) -> dict:
        cache = {}
        for site, norm, label in self._db.execute("SELECT site, norm, label FROM corrections ORDER BY id"):
            cache[(site, norm)] = label  # the latest correction wins
        return cache

    def lookup_many(self, url: str | None, texts) -> list[str | None]:
        """The user's label for each text on this URL's site (None where there is none)."""
        with self._lock:
            # data_version moves when another connection (``detector feedback remove``) commits
            version = self._db.execute("PRAGMA data_version").fetchone()[0]
            if self._cache is None or version != self._version:
                self._cache, self._version = self._load_cache(), version
            if not self._cache:
                return [None] * len(texts)
            site = site_of(url)
            return [self._cache.get((site, normalise(t))) for t in texts]

    def rows(self) -> list[dict]:
        with self._lock:
            cur = self._db.execute(
                "SELECT id, created, site, url, text, attrs, label FROM corrections ORDER BY id"
            )
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

    def remove(self, ids) -> int:
        with self._lock:
            n = 0
            for i in ids:
                n += self._db.execute("DELETE FROM corrections WHERE id = ?", (int(i),)).rowcount
            self._cache = None
            return n

    def clear(self) -> int:
        with self._lock:
            n = self._db.execute("DELETE FROM corrections").rowcount
            self._cache = None
            return n
