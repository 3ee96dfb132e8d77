"""What the service refuses: foreign Host, web Origins, missing tokens, oversized or malformed bodies."""

import json
import os
import socket

import httpx
import pytest

from tests.conftest import Service


def raw_request(port: int, data: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("host", ["evil.example:{port}", "attacker.test", "127.0.0.1:1", "localhost.evil.com:{port}",
                                  "10.0.0.5:{port}"])
def test_foreign_host_headers_are_refused(service, host):
    """DNS rebinding: a page at evil.example resolving to 127.0.0.1 still sends its own Host."""
    r = httpx.get(service.base + "/v1/health", headers={"Host": host.format(port=service.port)})
    assert r.status_code == 403 and r.json() == {"detail": "forbidden"}


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}"])
def test_loopback_host_headers_are_accepted(service, host):
    r = httpx.get(service.base + "/v1/health", headers={"Host": host.format(port=service.port)})
    assert r.status_code == 200


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1:8000", "null", "file://"])
def test_web_origins_are_refused_without_cors_headers(service, origin):
    for method, path in (("GET", "/v1/health"), ("POST", "/v1/classify"), ("OPTIONS", "/v1/classify"),
                         ("POST", "/v1/pair")):
        r = httpx.request(method, service.base + path, headers=service.headers(Origin=origin,
                          **{"Access-Control-Request-Method": "POST"}), json={"blocks": []})
        assert r.status_code == 403, (method, path)
        assert not any(h.lower().startswith("access-control-") for h in r.headers)
        assert r.json() == {"detail": "forbidden"}


def test_token_is_required_on_every_v1_route_but_health(service):
    for path, body in (("/v1/classify", {"blocks": []}), ("/v1/classify-html", {"html": "<p>x</p>"}),
                       ("/v1/feedback", {"url": "https://a.example", "text": "x", "label": "content"})):
        assert httpx.post(service.base + path, json=body).status_code == 401
        r = httpx.post(service.base + path, json=body, headers={"X-Detector-Token": "wrong"})
        assert r.status_code == 401 and "X-Detector-Token" in r.json()["detail"]
    assert httpx.get(service.base + "/v1/health").status_code == 200


def test_pairing_gives_the_token_only_to_an_extension_origin(service):
    r = httpx.post(service.base + "/v1/pair", headers={"Origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop"})
    assert r.status_code == 200 and r.json()["token"] == service.token
    r = httpx.post(service.base + "/v1/pair", headers={"Origin": "moz-extension://6f1c2e0a-1111-4c4c-9e9e-0123456789ab"})
    assert r.status_code == 200
    assert httpx.post(service.base + "/v1/pair").status_code == 403  # no Origin: not a browser extension
    r = httpx.post(service.base + "/v1/pair", headers={"Origin": "chrome-extension://a/b"})
    assert r.status_code == 403


def test_pairing_can_be_pinned_to_one_extension(tmp_path):
    from detector.cli import main

    os.environ["DETECTOR_HOME"] = str(tmp_path)
    try:
        main(["pair", "--pin", "goodextension"])
    finally:
        del os.environ["DETECTOR_HOME"]
    svc = Service(tmp_path)
    try:
        ok = httpx.post(svc.base + "/v1/pair", headers={"Origin": "chrome-extension://goodextension"})
        bad = httpx.post(svc.base + "/v1/pair", headers={"Origin": "chrome-extension://otherextension"})
        assert ok.status_code == 200 and bad.status_code == 403
    finally:
        svc.stop()


def test_token_file_is_private(service):
    assert oct((service.home / "token").stat().st_mode & 0o777) == "0o600"


def test_body_too_large_is_413(service):
    huge = {"blocks": [{"id": str(i), "text": "x" * 1000} for i in range(5000)]}
    r = service.post("/v1/classify", huge)
    assert r.status_code == 413 and "larger than" in r.json()["detail"]
    # a chunked body without Content-Length is counted as it arrives
    def gen():
        for _ in range(600):
            yield b"x" * 10000
    r = httpx.post(service.base + "/v1/classify", content=gen(), headers=service.headers())
    assert r.status_code == 413


def test_too_many_blocks_is_413_and_long_text_is_truncated(service):
    r = service.post("/v1/classify", {"blocks": [{"id": str(i), "text": "a"} for i in range(5001)]})
    assert r.status_code == 413 and "too many blocks" in r.json()["detail"]
    r = service.post("/v1/classify", {"blocks": [{"id": "long", "text": "word " * 100000}]})
    assert r.status_code == 200 and r.json()["blocks"][0]["id"] == "long"


@pytest.mark.parametrize("body,status,words", [
    (b"{not json", 400, "not valid JSON"),
    (b"\xff\xfe\x00garbage", 400, "UTF-8"),
    (b"[" * 50 + b"]" * 50, 422, "deeper"),
    (b'{"blocks": "nope"}', 422, "blocks"),
    (b'{"blocks": [{"id": 1, "text": null}]}', 422, "blocks.0"),
    (b"[]", 422, "body"),
    (b"", 422, "required"),
])
def test_malformed_bodies_get_4xx_naming_the_problem(service, body, status, words):
    r = httpx.post(service.base + "/v1/classify", content=body, headers=service.headers())
    assert r.status_code == status, r.text
    assert words in r.json()["detail"]


def test_no_traceback_and_no_5xx_on_raw_garbage(service):
    status, body = raw_request(service.port, b"POST /v1/classify HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                               b"Content-Length: 5\r\nX-Detector-Token: %s\r\n\r\n\x00\x01\x02\x03\x04"
                               % (service.port, service.token.encode()))
    assert 400 <= status < 500 and b"Traceback" not in body
    assert json.loads(body)["detail"]


@pytest.mark.parametrize("body,too_deep", [
    (b"[" * 33 + b"]" * 33, True),
    (b"[" * 32 + b"]" * 32, False),
    # brackets inside strings never count, escaped quotes and backslashes included
    (b'{"html": "' + b"[{" * 100 + b'"}', False),
    (b'{"a": "x\\"[[[[", "b": "\\\\", "c": "]]]]"}', False),
    (b'[' * 30 + b'"\\"' + b"[" * 10 + b'"' + b"]" * 30, False),
    (b'[' * 30 + b'"\\\\"' + b"[" * 10 + b"]" * 40, True),  # the string ends at \\" and the brackets are real
])
def test_json_depth_check_skips_strings(body, too_deep):
    from detector.service import json_depth_exceeds

    assert json_depth_exceeds(body, 32) is too_deep
