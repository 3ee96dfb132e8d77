"""The same extension folder in Firefox ESR, driven over WebDriver BiDi (no geckodriver needed).

Firefox installs the folder as a temporary add-on (webExtension.install). It pairs with the
service from its random moz-extension:// origin, which the service must accept. Extension
pages cannot be opened over BiDi, so the settings cannot be written from outside: the test
installs a copy of the folder whose default service address is the test service's.
Skips when /usr/bin/firefox-esr or the websockets package is missing.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time

import pytest

from .conftest import ARTIFACTS, EXTENSION, free_port

FIREFOX = os.environ.get("FIREFOX", "/usr/bin/firefox-esr")
GECKO_ID = json.loads((EXTENSION / "manifest.json").read_text())["browser_specific_settings"]["gecko"]["id"]
PREFS = {
    "extensions.originControls.grantByDefault": True,  # content scripts may run on every site
    "xpinstall.signatures.required": False,
    "remote.prefs.recommended": True,  # quiet first run, no updates, no telemetry
    "browser.shell.checkDefaultBrowser": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "network.captive-portal-service.enabled": False,
}


class Bidi:
    """A minimal WebDriver BiDi client: one command at a time."""

    def __init__(self, url: str):
        from contextlib import ExitStack

        from websockets.sync.client import connect

        self.stack = ExitStack()
        self.ws = self.stack.enter_context(connect(url, max_size=None, open_timeout=10, proxy=None))
        self.n = 0

    def call(self, method: str, params: dict, timeout: float = 30):
        self.n += 1
        self.ws.send(json.dumps({"id": self.n, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if msg.get("id") == self.n:
                if msg.get("type") == "error":
                    raise RuntimeError(f"{method}: {msg.get('error')}: {msg.get('message')}")
                return msg["result"]

    def value(self, context: str, expression: str):
        result = self.call("script.evaluate", {"expression": expression, "target": {"context": context},
                                               "awaitPromise": False})
        if result.get("type") == "exception":
            raise RuntimeError(result["exceptionDetails"]["text"])
        return result["result"].get("value")

    def close(self):
        self.stack.close()


@pytest.fixture(scope="module")
def firefox(tmp_path_factory, detector_service):
    if not os.path.exists(FIREFOX):
        pytest.skip(f"{FIREFOX} is missing (apt-get install -y firefox-esr)")
    pytest.importorskip("websockets.sync.client", reason="the websockets package is needed to drive Firefox")
    root = tmp_path_factory.mktemp("firefox")
    ext = root / "extension"
    shutil.copytree(EXTENSION, ext)
    settings_js = ext / "settings.js"
    source = settings_js.read_text()
    assert '"http://127.0.0.1:8765"' in source
    settings_js.write_text(source.replace('"http://127.0.0.1:8765"', json.dumps(detector_service.base)))
    profile = root / "profile"
    profile.mkdir()
    (profile / "user.js").write_text("".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in PREFS.items()))
    port = free_port()
    proc = subprocess.Popen([FIREFOX, "--headless", "--no-remote", "--profile", str(profile),
                             f"--remote-debugging-port={port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bidi = None
    try:
        deadline = time.monotonic() + 60
        while bidi is None:
            try:
                bidi = Bidi(f"ws://127.0.0.1:{port}/session")
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        bidi.call("session.new", {"capabilities": {}})
        installed = bidi.call("webExtension.install", {"extensionData": {"type": "path", "path": str(ext)}})
        assert installed["extension"] == GECKO_ID
        context = bidi.call("browsingContext.getTree", {})["contexts"][0]["context"]
        yield bidi, context
    finally:
        if bidi is not None:
            bidi.close()
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def open_page(bidi, context, url, timeout=20.0) -> dict:
    bidi.call("browsingContext.navigate", {"context": context, "url": url, "wait": "interactive"})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = bidi.value(context, "document.documentElement.getAttribute('data-appeal-detector') === 'ready'"
                                    " && document.documentElement.getAttribute('data-appeal-detector-stats')")
        if ready:
            return json.loads(ready)
        time.sleep(0.05)
    raise AssertionError(f"{url}: the extension never marked the page ready")


def screenshot(bidi, context, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = bidi.call("browsingContext.captureScreenshot", {"context": context, "origin": "document"})
    (ARTIFACTS / name).write_bytes(base64.b64decode(shot["data"]))


COLLAPSED = "(s) => { const el = document.querySelector(s); return !!el.closest('[data-appeal-hidden]') && !el.checkVisibility(); }"
SHOWN = "(s) => { const el = document.querySelector(s); return !el.closest('[data-appeal-hidden]') && el.checkVisibility(); }"


def test_firefox_collapses_the_appeals_and_not_the_article(firefox, page_server):
    bidi, context = firefox
    stats = open_page(bidi, context, page_server.url("article.html"))
    screenshot(bidi, context, "firefox_article.png")
    assert stats["status"] == "ok", stats  # paired from a moz-extension:// origin
    for sel in ["#donate-text", "#paywall-text", "#newsletter-text"]:
        assert bidi.value(context, f"({COLLAPSED})({json.dumps(sel)})"), sel
    for sel in ["#headline", "#p1", "#p2", "#p3", "#p4", "#p5", "#p6"]:
        assert bidi.value(context, f"({SHOWN})({json.dumps(sel)})"), sel
    labels = bidi.value(context, "JSON.stringify([...document.querySelectorAll('[data-appeal-placeholder]')]"
                                 ".map(e => e.shadowRoot.querySelector('.label').textContent))")
    assert any(label.startswith("Paywall") for label in json.loads(labels))


def test_firefox_catches_a_late_appeal(firefox, page_server):
    bidi, context = firefox
    open_page(bidi, context, page_server.url("late.html"))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if bidi.value(context, "!!document.getElementById('late-text')"
                               " && !!document.getElementById('late-text').closest('[data-appeal-hidden]')"):
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the injected appeal was not collapsed")
    assert bidi.value(context, f"({SHOWN})('#p2')")
    screenshot(bidi, context, "firefox_late.png")
