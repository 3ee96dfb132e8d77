"""Load and soak: concurrent clients against the real service on loopback, bounded in count and time.

    python bench/load.py [--clients 32] [--requests 20000] [--max-seconds 600]

Each client sends /v1/classify requests (a 20-block batch of an article with
appeals), with a /v1/feedback write every 50th request and a /v1/health every
100th. Prints errors, p50/p99 latency, throughput, and the service's RSS
sampled through the run (after warm-up vs at the end: it must stay flat).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BLOCKS = [
    "The regional council voted to close two rural schools after a heated four-hour meeting.",
    "Parents said the plan would add an hour of travel to their children's day.",
    "Support independent local journalism: become a member from $5 a month.",
    "Sign up for our morning newsletter and never miss a story from the valley.",
    "By signing up you agree to our privacy policy. You can unsubscribe at any time.",
    "The education department said enrolment had fallen by a third in ten years.",
    "You have read 4 of your 5 free articles this month. Subscribe for unlimited access.",
    "Already a subscriber? Log in",
    "It looks like you're using an ad blocker. Please allow ads to keep our reporting free.",
    "A final decision is expected in March, after a public consultation.",
]


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


async def run(args):
    import httpx
    import psutil

    from tests.conftest import Service

    svc = Service(Path(tempfile.mkdtemp(prefix="detector-load-")))
    proc = psutil.Process(svc.proc.pid)
    headers = svc.headers()
    blocks = [{"id": str(i), "text": BLOCKS[i % len(BLOCKS)] + ("" if i < 10 else f" ({i})")} for i in range(20)]
    latencies: list[float] = []
    errors: list[str] = []
    rss: list[tuple[float, int]] = []
    counter = iter(range(args.requests))
    started = time.monotonic()
    deadline = started + args.max_seconds

    async def client(n: int):
        async with httpx.AsyncClient(base_url=svc.base, headers=headers, timeout=30) as http:
            for i in counter:
                if time.monotonic() > deadline:
                    return
                t = time.perf_counter()
                try:
                    if i % 100 == 99:
                        r = await http.get("/v1/health")
                    elif i % 50 == 49:
                        r = await http.post("/v1/feedback", json={"url": f"https://load.example/{n}",
                                                                  "text": f"load correction {i}", "label": "content"})
                    else:
                        r = await http.post("/v1/classify", json={"url": "https://load.example/a", "blocks": blocks})
                    if r.status_code != 200:
                        errors.append(f"{r.status_code} {r.text[:80]}")
                except httpx.HTTPError as exc:
                    errors.append(type(exc).__name__)
                latencies.append(time.perf_counter() - t)

    async def sampler():
        while True:
            rss.append((time.monotonic() - started, proc.memory_info().rss))
            await asyncio.sleep(1.0)

    sampling = asyncio.create_task(sampler())
    try:
        await asyncio.gather(*(client(n) for n in range(args.clients)))
    finally:
        sampling.cancel()
        elapsed = time.monotonic() - started
        rss.append((elapsed, proc.memory_info().rss))
        svc.stop()
    warm = [r for t, r in rss if t >= min(10.0, elapsed / 4)] or [rss[-1][1]]
    return {
        "requests": len(latencies), "errors": len(errors), "error_samples": errors[:5],
        "seconds": elapsed, "throughput_rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000,
        "rss_after_warmup_mb": warm[0] / 2**20, "rss_end_mb": rss[-1][1] / 2**20,
        "rss_max_mb": max(r for _, r in rss) / 2**20, "rss_median_mb": statistics.median(warm) / 2**20,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()
    result = asyncio.run(run(args))
    from detector.report import table

    print(table([[k, v] for k, v in result.items() if k != "error_samples"], ["figure", "value"]))
    if result["error_samples"]:
        print("errors:", result["error_samples"])
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
