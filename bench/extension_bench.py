"""Speed of the browser extension in Debian's Chromium, with the real service.

    python bench/extension_bench.py [--realpages DIR] [--limit N] [--repeat N] [--json]

Opens every real page of ../shared/realpages/pages/ (served from localhost; nothing
else is fetched) and the generated 3,000-block page, and prints, per set of pages:
  * DOMContentLoaded -> data-appeal-detector="ready" (p50, p90, max): the user-visible
    delay until appeals are collapsed (target: p50 under 150 ms on real pages);
  * the content script's own main-thread time per pass and its longest slice
    (recorded by the content script in data-appeal-detector-stats);
  * long tasks (> 50 ms, PerformanceObserver 'longtask') that overlap the pass: the
    page's own scripts run too, so a long task is the extension's only if its longest
    slice is that long as well (target: none).
Skips the real pages cleanly when the folder is absent. Needs playwright (the Python
package) and /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LONGTASK_PROBE = """
window.__appealLongTasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__appealLongTasks.push([e.startTime, e.duration]);
  }).observe({type: 'longtask', buffered: true});
} catch (e) {}
"""

MEASURE = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const stats = JSON.parse(document.documentElement.getAttribute('data-appeal-detector-stats') || '{}');
  const start = stats.start || 0, end = stats.at || 0;
  const overlapping = (window.__appealLongTasks || []).filter(([s, d]) => s < end && s + d > start);
  return {dcl: nav ? nav.domContentLoadedEventStart : null, stats,
          longtasks: overlapping.length, longest: Math.max(0, ...overlapping.map(([, d]) => d))};
}"""


def pct(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


class LeftPage(Exception):
    """The page navigated away (its own script) before the pass ended."""


def measure(ctx, url: str, timeout_ms: float):
    page = ctx.new_page()
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
        try:
            page.wait_for_selector('html[data-appeal-detector="ready"]', state="attached", timeout=timeout_ms)
        except Exception:
            if page.url != url:  # the saved page's own script sent it elsewhere
                raise LeftPage(page.url) from None
            raise
        m = page.evaluate(MEASURE)
    finally:
        page.close()
    s = m["stats"]
    return {
        "url": url,
        "status": s.get("status"),
        "blocks": s.get("blocks", 0),
        "hidden": s.get("hidden", 0),
        "latency_ms": s["at"] - m["dcl"] if m["dcl"] is not None and "at" in s else float("nan"),
        "script_ms": s.get("ms", float("nan")),
        "slice_ms": s.get("slice", float("nan")),
        "longtasks": m["longtasks"],
        "longest_ms": m["longest"],
        "marks": s.get("marks", {}),
        "service_ms": s.get("serviceMs"),
        "phases": s.get("phases", {}),
    }


def summarize(name, rows):
    ok = [r for r in rows if r["status"] == "ok"]
    lat = [r["latency_ms"] for r in ok]
    return {
        "set": name,
        "pages": len(rows),
        "ok": len(ok),
        "blocks_p50": pct([r["blocks"] for r in ok], 50),
        "latency_p50": pct(lat, 50),
        "latency_p90": pct(lat, 90),
        "latency_max": max(lat) if lat else float("nan"),
        "script_p50": pct([r["script_ms"] for r in ok], 50),
        "script_p90": pct([r["script_ms"] for r in ok], 90),
        "slice_max": max((r["slice_ms"] for r in ok), default=float("nan")),
        "slices_over_50": sum(1 for r in ok if r["slice_ms"] > 50),
        "pages_with_longtasks": sum(1 for r in ok if r["longtasks"]),
    }


def print_table(summaries):
    cols = [("set", "{:<12}"), ("pages", "{:>5}"), ("ok", "{:>4}"), ("blocks_p50", "{:>7.0f}"),
            ("latency_p50", "{:>8.1f}"), ("latency_p90", "{:>8.1f}"), ("latency_max", "{:>8.1f}"),
            ("script_p50", "{:>8.1f}"), ("script_p90", "{:>8.1f}"), ("slice_max", "{:>8.1f}"),
            ("slices_over_50", "{:>6}"), ("pages_with_longtasks", "{:>6}")]
    heads = ["set", "pages", "ok", "blocks", "DCL>rdy", "p90", "max", "JS p50", "JS p90", "slice", ">50ms", "LT pg"]
    print("  ".join(f"{h:>{len(fmt.format(0) if 'f' in fmt or 'd' in fmt else fmt.format(''))}}" for h, (_, fmt) in zip(heads, cols)))
    for s in summaries:
        print("  ".join(fmt.format(s[k]) for k, fmt in cols))
    print("(milliseconds; DCL>rdy = DOMContentLoaded to data-appeal-detector=ready; JS = the content script's own "
          "main-thread time per pass; slice = its longest uninterrupted run; >50ms = pages where that slice passed 50 ms; "
          "LT pg = pages with a long task of any origin during the pass)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realpages", default=str(ROOT.parent / "shared" / "realpages" / "pages"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N real pages (faster)")
    parser.add_argument("--repeat", type=int, default=5, help="loads of the 3,000-block page")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per page")
    parser.add_argument("--models", default=None,
                        help="a models/ folder from `detector train` to serve instead of the packaged model")
    parser.add_argument("--json", action="store_true", help="print the rows and summaries as JSON")
    args = parser.parse_args(argv)

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("skipped: the playwright package is not installed", file=sys.stderr)
        return 0
    from tests.browser.conftest import CHROMIUM, EXTENSION, PageServer, launch_args
    from tests.conftest import Service

    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} is missing (apt-get install -y chromium)", file=sys.stderr)
        return 0

    real_dir = Path(args.realpages)
    real = sorted(real_dir.glob("*.html")) if real_dir.is_dir() else []
    if args.limit:
        real = real[: args.limit]
    if not real:
        print(f"no real pages in {real_dir}: measuring the 3,000-block page only", file=sys.stderr)

    tmp = Path(tempfile.mkdtemp(prefix="ext-bench-"))
    if args.models:
        shutil.copytree(args.models, tmp / "home" / "models")
    service = Service(tmp / "home")
    pages = PageServer()
    real_server = PageServer(real_dir) if real else None
    rows = {"real": [], "big": []}
    try:
        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(
                str(tmp / "profile"), executable_path=CHROMIUM, headless=False, args=launch_args(EXTENSION),
                viewport={"width": 1200, "height": 900})
            # Saved pages name their original hosts: fetch nothing but loopback.
            ctx.route("**/*", lambda route: route.continue_()
                      if route.request.url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:"))
                      else route.abort())
            ctx.add_init_script(LONGTASK_PROBE)
            sw = ctx.service_workers[0] if ctx.service_workers else ctx.wait_for_event("serviceworker")
            sw.evaluate("async (u) => chrome.storage.local.set({settings: {serviceUrl: u}})", service.base)
            measure(ctx, pages.url("article.html"), args.timeout * 1000)  # warm-up: pairing, first model call
            t0 = time.monotonic()
            for i, path in enumerate(real, 1):
                try:
                    rows["real"].append(measure(ctx, real_server.url(path.name), args.timeout * 1000))
                except Exception as exc:  # a page that never got ready counts as such
                    why = "left the page" if isinstance(exc, LeftPage) else f"failed: {type(exc).__name__}"
                    rows["real"].append({"url": path.name, "status": why, "blocks": 0,
                                         "latency_ms": float("nan"), "script_ms": float("nan"),
                                         "slice_ms": float("nan"), "longtasks": 0, "longest_ms": 0})
                if i % 25 == 0:
                    print(f"… {i}/{len(real)} real pages ({time.monotonic() - t0:.0f} s)", file=sys.stderr)
            for _ in range(args.repeat):
                rows["big"].append(measure(ctx, pages.url("big.html"), args.timeout * 3000))
            ctx.close()
    finally:
        service.stop()
        pages.stop()
        if real_server:
            real_server.stop()

    summaries = []
    if rows["real"]:
        summaries.append(summarize("real pages", rows["real"]))
    summaries.append(summarize("3,000 blocks", rows["big"]))
    if args.json:
        print(json.dumps({"summaries": summaries, "rows": rows}, indent=1))
    else:
        print_table(summaries)
        failed = [f"{Path(r['url']).name} ({r['status']})" for r in rows["real"] if r["status"] != "ok"]
        if failed:
            print(f"not measured on {len(failed)} real pages: {', '.join(failed[:10])}")
        ok_rows = [r for r in rows["real"] + rows["big"] if r["status"] == "ok"]
        worst = sorted(ok_rows, key=lambda r: -r["slice_ms"])[:3]
        if worst:
            def phase(r):
                return max(r["phases"].items(), key=lambda kv: kv[1]["max"])[0] if r.get("phases") else "?"
            print("longest slices: " + ", ".join(f"{Path(r['url']).name} {r['slice_ms']:.0f} ms ({phase(r)})" for r in worst))
        slow = sorted((r for r in rows["real"] if r["status"] == "ok"), key=lambda r: -r["latency_ms"])[:5]
        if slow:
            print("slowest real pages: " + ", ".join(f"{Path(r['url']).name} {r['latency_ms']:.0f} ms ({r['blocks']} blocks)" for r in slow))
    return 0


if __name__ == "__main__":
    sys.exit(main())
