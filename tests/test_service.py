"""The service over real HTTP on loopback: the API's shape and behaviour."""

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

import httpx

from detector.service import listening_socket
from tests.test_cli import ARTICLE

CATS = {"donation", "paywall", "newsletter", "adblock", "foreign_agent"}


def test_health_reports_the_model(service):
    r = httpx.get(service.base + "/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and set(body["model"]["categories"]) == CATS
    assert len(body["model"]["corpus_sha256"]) == 64


def test_classify_keeps_order_and_ids(service):
    blocks = [
        {"id": "b1", "text": "The river burst its banks overnight, flooding dozens of homes in the old town."},
        {"id": "b2", "text": "Subscribe to our newsletter and get the best stories in your inbox every morning.",
         "tag": "p", "attrs": "newsletter-signup"},
        {"id": "b3", "text": "It looks like you're using an ad blocker. Please whitelist our site to support our work."},
        {"id": "b4", "text": "Residents were evacuated to the school gym, the fire service said."},
    ]
    r = service.post("/v1/classify", {"url": "https://news.example/a", "blocks": blocks})
    assert r.status_code == 200, r.text
    out = r.json()["blocks"]
    assert [b["id"] for b in out] == ["b1", "b2", "b3", "b4"]
    assert [b["hide"] for b in out] == [False, True, True, False]
    assert out[1]["category"] == "newsletter" and out[2]["category"] == "adblock"
    assert set(out[0]["scores"]) == CATS and out[0]["source"] == "model"
    assert out[1]["why"] and all(c["weight"] > 0 for c in out[1]["why"])


def test_categories_and_sensitivity_change_the_decision(service):
    block = {"id": "x", "text": "Support independent journalism: donate to our newsroom today."}
    assert service.post("/v1/classify", {"blocks": [block]}).json()["blocks"][0]["hide"]
    only_paywall = service.post("/v1/classify", {"blocks": [block], "categories": ["paywall"]}).json()
    assert only_paywall["blocks"][0]["hide"] is False
    r = service.post("/v1/classify", {"blocks": [block], "categories": ["spam"]})
    assert r.status_code == 422 and "categories" in r.json()["detail"]
    r = service.post("/v1/classify", {"blocks": [block], "sensitivity": 2})
    assert r.status_code == 422 and "sensitivity" in r.json()["detail"]


def test_classify_html_returns_blocks_with_selectors(service):
    r = service.post("/v1/classify-html", {"url": "https://news.example/b", "html": ARTICLE})
    assert r.status_code == 200, r.text
    blocks = r.json()["blocks"]
    by = {b["text"]: b for b in blocks}
    appeal = by["Our reporting is funded by readers like you. Please donate today to keep it free for everyone."]
    assert appeal["hide"] and appeal["category"] == "donation" and appeal["selector"].startswith("html > body")
    assert not by["Council approves the new bridge"]["hide"]


def test_classify_html_with_junk_is_a_clear_422(service):
    r = service.post("/v1/classify-html", {"html": "\u0000\u0001 binary"})
    assert r.status_code == 422 and "html" in r.json()["detail"]
    r = service.post("/v1/classify-html", {"html": "   "})
    assert r.status_code == 200 and r.json() == {"blocks": []}


def test_empty_block_list_is_fine(service):
    r = service.post("/v1/classify", {"blocks": []})
    assert r.status_code == 200 and r.json() == {"blocks": []}


def test_openapi_docs_are_served(service):
    spec = httpx.get(service.base + "/openapi.json").json()
    assert {"/v1/health", "/v1/classify", "/v1/classify-html", "/v1/feedback", "/v1/pair"} <= set(spec["paths"])
    assert httpx.get(service.base + "/docs").status_code == 200


def _nodelay_of_accepted_connection(sock) -> int:
    """TCP_NODELAY on the server side of a connection accepted by asyncio (as uvicorn does) from ``sock``."""
    async def run():
        seen = asyncio.get_running_loop().create_future()

        def connected(reader, writer):
            seen.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(connected, sock=sock)
        _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        value = await asyncio.wait_for(seen, 5)
        writer.close()
        server.close()
        await server.wait_closed()
        return value

    # in a thread of its own: the browser tests may leave an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result(timeout=30)


def test_the_service_socket_answers_without_waiting_for_delayed_acks():
    # With Nagle's algorithm on, each answer after the first on a kept-alive connection
    # waited ~40 ms for the client's delayed ACK; asyncio turns it off only on sockets
    # whose protocol is TCP, and a socket made without naming it has protocol 0.
    sock = listening_socket("127.0.0.1", 0)
    assert sock.proto == socket.IPPROTO_TCP
    assert _nodelay_of_accepted_connection(sock) != 0
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # how `detector serve` made it before
    plain.bind(("127.0.0.1", 0))
    plain.listen(1)
    assert _nodelay_of_accepted_connection(plain) == 0  # the check can fail: this is what it catches
