"""Real-browser fixtures: Debian's Chromium with the unpacked extension, the real service, a page server.

Skips (with the reason) when Playwright or /usr/bin/chromium is missing. Never run
`playwright install`: Playwright drives the system browser (see EXTENSION-TESTING.md).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import Service, free_port

from .bigpage import make_big_page

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extension"
PAGES = Path(__file__).resolve().parent / "pages"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
READY = 'html[data-appeal-detector="ready"]'

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def launch_args(ext_dir: Path) -> list[str]:
    return ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--disable-extensions-except={ext_dir}", f"--load-extension={ext_dir}"]


class PageServer:
    """Serves tests/browser/pages/ (and a generated 3,000-block page) on a free loopback port."""

    def __init__(self, directory: Path = PAGES, big_blocks: int = 3000):
        big = make_big_page(big_blocks).encode()

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def end_headers(self):
                self.send_header("Cache-Control", "no-store")
                if getattr(self, "path", "").startswith("/csp/"):  # a strict site: no inline <style>, no inline script
                    self.send_header("Content-Security-Policy", "default-src 'self'; style-src 'self'; script-src 'self'")
                super().end_headers()

            def translate_path(self, path):
                return super().translate_path(path[4:] if path.startswith("/csp/") else path)

            def do_GET(self):
                if self.path.split("?")[0] == "/big.html":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(big)))
                    self.end_headers()
                    self.wfile.write(big)
                    return
                super().do_GET()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(directory)))
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/{name}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Extension:
    """The persistent browser context with the extension, and its service worker."""

    def __init__(self, ctx):
        self.ctx = ctx
        sw = ctx.service_workers[0] if ctx.service_workers else ctx.wait_for_event("serviceworker", timeout=30000)
        self.id = sw.url.split("/")[2]
        self.origin = f"chrome-extension://{self.id}"

    def worker(self):
        """The live service worker (Chrome may have stopped it: opening an extension page wakes it)."""
        for w in self.ctx.service_workers:
            if w.url.startswith(self.origin):
                return w
        page = self.ctx.new_page()
        try:
            with self.ctx.expect_event("serviceworker", timeout=15000) as info:
                page.goto(f"{self.origin}/options/options.html")
            return info.value
        finally:
            page.close()

    def run(self, script: str, arg=None):
        """Evaluate an async function in the service worker (full chrome.* access)."""
        for attempt in range(2):
            try:
                return self.worker().evaluate(script, arg)
            except Exception:
                if attempt:
                    raise

    def set_settings(self, settings: dict) -> None:
        self.run("async (s) => { await chrome.storage.local.set({settings: s}); }", settings)

    def storage(self) -> dict:
        return self.run("async () => chrome.storage.local.get(null)")

    def tab_id(self, url: str) -> int:
        return self.run("async (u) => (await chrome.tabs.query({})).find(t => t.url === u).id", url)

    def badge(self, tab_id: int) -> str:
        return self.run("async (id) => chrome.action.getBadgeText({tabId: id})", tab_id)

    def send_to_tab(self, tab_id: int, message: dict):
        return self.run("async ([id, m]) => chrome.tabs.sendMessage(id, m, {frameId: 0})", [tab_id, message])


@pytest.fixture(scope="session")
def page_server():
    server = PageServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def detector_service(tmp_path_factory):
    home = tmp_path_factory.mktemp("browser-home")
    models = os.environ.get("EXTENSION_TEST_MODELS")
    if models:  # a models/ folder from `detector train` instead of the packaged default model
        shutil.copytree(models, home / "models")
    svc = Service(home)
    yield svc
    svc.stop()


@pytest.fixture(scope="session")
def extension(tmp_path_factory, detector_service):
    if sync_playwright is None:
        pytest.skip("the playwright package is not installed (pip install playwright; never `playwright install`)")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=False, args=launch_args(EXTENSION),
            viewport={"width": 1200, "height": 900})
        try:
            yield Extension(ctx)
        finally:
            ctx.close()


class Tab:
    """One page of a test, with what the page printed to its console."""

    def __init__(self, page, ext: Extension):
        self.page = page
        self.ext = ext
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def open(self, url: str, timeout: float = 20000):
        self.page.goto(url)
        self.page.wait_for_selector(READY, state="attached", timeout=timeout)
        return self

    def stats(self) -> dict:
        return json.loads(self.page.get_attribute("html", "data-appeal-detector-stats") or "{}")

    def wait_pass(self, after: int, timeout: float = 15000) -> dict:
        """Wait until a pass later than `after` has finished."""
        self.page.wait_for_function(
            "n => { const s = document.documentElement.getAttribute('data-appeal-detector-stats');"
            " return document.documentElement.getAttribute('data-appeal-detector') === 'ready' && s && JSON.parse(s).pass > n; }",
            arg=after, timeout=timeout)
        return self.stats()

    def collapsed(self, selector: str) -> bool:
        """True when the element is inside a collapsed element and not rendered."""
        return self.page.eval_on_selector(
            selector, "el => !!el.closest('[data-appeal-hidden]') && !el.checkVisibility()")

    def shown(self, selector: str) -> bool:
        """True when nothing collapses the element and it is rendered."""
        return self.page.eval_on_selector(
            selector, "el => !el.closest('[data-appeal-hidden]') && el.checkVisibility()")

    def placeholder(self, near: str):
        """The placeholder of the run that holds `near` (a locator; its buttons are in an open shadow root)."""
        run_id = self.page.eval_on_selector(
            near, "el => { const u = el.closest('[data-appeal-hidden],[data-appeal-revealed]');"
                  " let p = u; while (p && !(p.previousElementSibling && p.previousElementSibling.hasAttribute('data-appeal-placeholder'))) p = p.previousElementSibling || null;"
                  " return p ? p.previousElementSibling.getAttribute('data-appeal-placeholder') : null; }")
        assert run_id, f"no placeholder before {near}"
        return self.page.locator(f'[data-appeal-placeholder="{run_id}"]')

    def real_errors(self) -> list[str]:
        return [e for e in self.errors if not re.search(r"Failed to load resource", e)]


@pytest.fixture
def tab(request, extension, detector_service):
    """A fresh page; settings back to defaults (pointing at the test service); a screenshot at the end."""
    extension.set_settings({"serviceUrl": detector_service.base})
    page = extension.ctx.new_page()
    t = Tab(page, extension)
    yield t
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        tall = page.evaluate("() => document.documentElement.scrollHeight") > 10000
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=not tall)  # a long page: its top
    except Exception:  # a screenshot is a help, never a failure
        pass
    page.close()


__all__ = ["Extension", "PageServer", "READY", "free_port", "launch_args"]
