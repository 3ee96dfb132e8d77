"""Speed of the detector on real pages, measured side by side in one run.

    python bench/bench.py [--realpages DIR] [--limit N] [--repeat N]

Prints medians and ratios for:
  * tree building: lxml's own tree vs BeautifulSoup(html, "lxml") (why segment.py uses lxml);
  * classify-html over real HTTP vs trafilatura.extract on the same HTML (target ratio <= 1.0);
  * /v1/classify latency: every page's blocks once (a first visit), and one median
    page's blocks again and again (target p50 <= 15 ms), with p99s;
  * blocks per second (in process), model load time, and the service's memory (RSS).
Needs the bench extra: pip install -e '.[bench]'.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def classify_body(blocks) -> str:
    """A /v1/classify request body for a page's segmented blocks."""
    return json.dumps({"url": "https://bench.example/", "blocks": [
        {"id": str(i), "text": b.text, "tag": b.tag, "attrs": b.attrs, "link_density": b.link_density,
         "position": b.position} for i, b in enumerate(blocks)]})


def start_service(home: Path):
    from tests.conftest import Service

    return Service(home)


def main() -> int:
    import httpx
    import trafilatura
    from bs4 import BeautifulSoup

    from detector.evaluate import load_realpages
    from detector.segment import decode_html, parse_html, segment_html
    from detector.store import default_model_path, load_model

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realpages", default=str(ROOT.parent / "shared" / "realpages"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=300, help="requests for the /v1/classify latency")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    root = Path(args.realpages)
    if not (root / "index.jsonl").is_file():
        print(f"no real pages at {root}; nothing to measure", file=sys.stderr)
        return 1
    pages = load_realpages(root)[: args.limit]
    raws = [(root / p["file"]).read_bytes() for p in pages]

    loads = []
    for _ in range(3):
        t = time.perf_counter()
        model = load_model(default_model_path()).model
        loads.append(time.perf_counter() - t)
    model.predict([{"text": "warm up"}])

    home = Path(tempfile.mkdtemp(prefix="detector-bench-"))
    svc = start_service(home)
    client = httpx.Client(timeout=60)
    rows = []
    bodies = []  # each page's /v1/classify body, from the segmentation timed below
    try:
        for raw in raws:
            text = decode_html(raw)
            t0 = time.perf_counter()
            parse_html(text)  # lxml's own tree, as segmentation builds it
            t1 = time.perf_counter()
            BeautifulSoup(text, "lxml")
            t2 = time.perf_counter()
            trafilatura.extract(text)
            t3 = time.perf_counter()
            r = client.post(svc.base + "/v1/classify-html", headers=svc.headers(), json={"html": text})
            t4 = time.perf_counter()
            assert r.status_code == 200, r.text
            blocks = segment_html(raw)
            t5 = time.perf_counter()
            model.predict(blocks, explain=False)
            t6 = time.perf_counter()
            bodies.append(classify_body(blocks))
            rows.append({"lxml": t1 - t0, "bs4": t2 - t1, "trafilatura": t3 - t2, "classify_html": t4 - t3,
                         "segment": t5 - t4, "predict": t6 - t5, "blocks": len(blocks)})

        # /v1/classify, in a fresh service: every page once, as a first visit (the
        # featurizer remembers words from page to page, as a long-running service
        # does), then the page with the median number of blocks again and again
        svc.stop()
        svc = start_service(home)
        first_visit = []
        for body in bodies:
            t = time.perf_counter()
            r = client.post(svc.base + "/v1/classify", headers={**svc.headers(), "content-type": "application/json"},
                            content=body)
            first_visit.append(time.perf_counter() - t)
            assert r.status_code == 200
        by_size = sorted(zip(bodies, rows), key=lambda pr: pr[1]["blocks"])
        body, median_row = by_size[len(by_size) // 2]
        lat = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            r = client.post(svc.base + "/v1/classify", headers={**svc.headers(), "content-type": "application/json"},
                            content=body)
            lat.append(time.perf_counter() - t)
            assert r.status_code == 200
        import psutil

        rss = psutil.Process(svc.proc.pid).memory_info().rss
    finally:
        client.close()
        svc.stop()

    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    ratios = [r["classify_html"] / r["trafilatura"] for r in rows if r["trafilatura"] > 0]
    total_blocks = sum(r["blocks"] for r in rows)
    figures = {
        "pages": len(rows),
        "median_blocks_per_page": med["blocks"],
        "tree_lxml_median_ms": med["lxml"] * 1000,
        "tree_bs4_median_ms": med["bs4"] * 1000,
        "bs4_over_lxml": med["bs4"] / med["lxml"],
        "trafilatura_median_ms": med["trafilatura"] * 1000,
        "classify_html_http_median_ms": med["classify_html"] * 1000,
        "classify_html_over_trafilatura_median_of_medians": med["classify_html"] / med["trafilatura"],
        "classify_html_over_trafilatura_median_per_page": statistics.median(ratios),
        "segment_median_ms": med["segment"] * 1000,
        "predict_median_ms": med["predict"] * 1000,
        "blocks_per_second_in_process": total_blocks / sum(r["segment"] + r["predict"] for r in rows),
        "classify_median_page_blocks": median_row["blocks"],
        "classify_first_visit_p50_ms": pct(first_visit, 50) * 1000,
        "classify_first_visit_p99_ms": pct(first_visit, 99) * 1000,
        "classify_p50_ms": pct(lat, 50) * 1000,
        "classify_p99_ms": pct(lat, 99) * 1000,
        "model_load_median_s": statistics.median(loads),
        "service_rss_mb": rss / 2**20,
    }
    if args.json:
        print(json.dumps(figures))
        return 0
    from detector.report import table

    print(f"{len(rows)} real pages, median {med['blocks']:.0f} blocks per page\n")
    print(table([
        ["tree: lxml (segment's parser)", ms(med["lxml"]), ""],
        ["tree: BeautifulSoup(lxml)", ms(med["bs4"]), f"{figures['bs4_over_lxml']:.2f}x lxml"],
        ["trafilatura.extract", ms(med["trafilatura"]), "1.00x"],
        ["classify-html over HTTP", ms(med["classify_html"]),
         f"{figures['classify_html_over_trafilatura_median_of_medians']:.2f}x trafilatura "
         f"(per-page median {figures['classify_html_over_trafilatura_median_per_page']:.2f}x)"],
        ["  of which segment (lxml)", ms(med["segment"]), ""],
        ["  of which predict", ms(med["predict"]), ""],
    ], ["per page (median)", "time", "ratio"]))
    print()
    print(table([
        [f"/v1/classify, each page once (first visit) p50 / p99 over {len(rows)} pages",
         f'{ms(figures["classify_first_visit_p50_ms"] / 1000)} / {ms(figures["classify_first_visit_p99_ms"] / 1000)}'],
        [f"/v1/classify, median page ({median_row['blocks']} blocks) again and again p50",
         ms(figures["classify_p50_ms"] / 1000)],
        [f"/v1/classify p99 ({args.repeat} requests)", ms(figures["classify_p99_ms"] / 1000)],
        ["blocks per second (segment + predict, in process)", f"{figures['blocks_per_second_in_process']:.0f}"],
        ["model load (median of 3)", f"{figures['model_load_median_s'] * 1000:.0f} ms"],
        ["service RSS after the run", f"{figures['service_rss_mb']:.0f} MB"],
    ], ["figure", "value"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
