"""Shared fixtures: a private DETECTOR_HOME per test, a tiny corpus, and the real service on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
REALPAGES = ROOT.parent / "shared" / "realpages"

TINY_BLOCKS = [
    ("Please donate today: independent journalism needs readers like you.", ["donation"]),
    ("Support our newsroom with a monthly gift of any size.", ["donation"]),
    ("Become a member and keep our reporting free for everyone.", ["donation"]),
    ("Subscribe to continue reading this article.", ["paywall"]),
    ("You have reached your limit of free articles this month.", ["paywall"]),
    ("This story is for subscribers only. Already a subscriber? Log in.", ["paywall"]),
    ("Sign up for our morning newsletter and get the news in your inbox.", ["newsletter"]),
    ("Get our weekly briefing by e-mail. Enter your address below.", ["newsletter"]),
    ("Join our Telegram channel for breaking news alerts.", ["newsletter"]),
    ("It looks like you are using an ad blocker. Please allow ads on our site.", ["adblock"]),
    ("Ads keep this site free: please disable your ad blocker.", ["adblock"]),
    ("This material was produced and distributed by a foreign agent.", ["foreign_agent"]),
    ("The council approved the new budget after a long debate on Tuesday night.", []),
    ("Rain is expected across the region on Friday, forecasters said.", []),
    ("The charity raised two million dollars for flood victims, its director said.", []),
    ("Streaming prices rose again this year as services raised subscription fees.", []),
    ("Police arrested two men after the break-in at the museum.", []),
    ("The team won the cup final in extra time in front of a full stadium.", []),
    ("Scientists found that the glacier is melting faster than expected.", []),
    ("The minister said the law on foreign agents would be reviewed next year.", []),
]


def write_tiny_corpus(root: Path, publishers: int = 4) -> Path:
    """A small corpus in the real format: every block under several fictional publishers."""
    (root / "blocks").mkdir(parents=True)
    (root / "pages").mkdir()
    lines = []
    for p in range(publishers):
        for n, (text, labels) in enumerate(TINY_BLOCKS):
            lines.append({"id": f"t-{p}-{n}", "text": f"{text} ({p})", "labels": labels, "lang": "en",
                          "publisher": f"pub{p}", "form": "paragraph", "hard_negative": False})
    (root / "blocks" / "tiny.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    return root


@pytest.fixture
def home(tmp_path, monkeypatch):
    path = tmp_path / "home"
    monkeypatch.setenv("DETECTOR_HOME", str(path))
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """A model trained on the tiny corpus (fast), saved with its sidecar."""
    from detector.train import train

    root = tmp_path_factory.mktemp("tiny")
    corpus = write_tiny_corpus(root / "corpus")
    result = train(corpus, root / "models", progress=lambda m: None, folds=2)
    return result.path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """`detector serve` in a subprocess on a free loopback port."""

    def __init__(self, home: Path, port: int | None = None, extra_env=None, args=()):
        self.home = Path(home)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, DETECTOR_HOME=str(self.home), **(extra_env or {}))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "detector", "serve", "--port", str(self.port), *args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.wait_ready()
        self.token = (self.home / "token").read_text().strip()

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"service exited: {self.proc.stderr.read()}")
            try:
                if httpx.get(self.base + "/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("service did not become ready")

    def headers(self, **extra):
        return {"X-Detector-Token": self.token, **extra}

    def post(self, path, body, **kw):
        return httpx.post(self.base + path, json=body, headers=self.headers(), timeout=30, **kw)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="session")
def service(tmp_path_factory):
    svc = Service(tmp_path_factory.mktemp("svc-home"))
    yield svc
    svc.stop()
