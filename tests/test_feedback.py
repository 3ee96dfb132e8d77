"""Corrections: immediate effect, durability across SIGKILL, and learning from them in `detector train`."""

import signal
import sqlite3
import threading
import time

import httpx
import pytest

from detector.feedback import FeedbackStore, normalise, site_of
from detector.errors import FeedbackError
from tests.conftest import Service, write_tiny_corpus


def test_normalise_and_site():
    assert normalise("  Support   US\u00a0today ") == "support us today"
    assert site_of("https://www.news.example/a?b") == "news.example"
    assert site_of("news.example") == "news.example" and site_of(None) == "" and site_of("http://[bad") == ""


def test_store_rejects_unknown_labels_and_empty_text(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with pytest.raises(FeedbackError, match="label must be one of"):
        store.add("https://a.example", "x", "spam")
    with pytest.raises(FeedbackError, match="empty"):
        store.add("https://a.example", "   ", "content")
    assert store.rows() == []


def test_corrupt_database_is_a_clear_error(tmp_path):
    path = tmp_path / "f.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(FeedbackError, match="unusable|integrity"):
        FeedbackStore(path)


def test_a_correction_takes_effect_at_once_on_the_same_site_only(service):
    text = "Our journalism depends on you. Make a one-off contribution today."
    block = {"id": "x", "text": text}
    first = service.post("/v1/classify", {"url": "https://paper.example/1", "blocks": [block]}).json()["blocks"][0]
    assert first["hide"] and first["source"] == "model"
    r = service.post("/v1/feedback", {"url": "https://www.paper.example/1", "text": text, "label": "content"})
    assert r.status_code == 200 and r.json()["stored"] is True and r.json()["id"] > 0
    # same text, normalised, on another page of the same site: the user's label wins
    again = service.post("/v1/classify", {"url": "https://paper.example/2",
                                          "blocks": [{"id": "y", "text": "  our journalism depends on you.  Make a one-off contribution today."}]})
    out = again.json()["blocks"][0]
    assert out["hide"] is False and out["source"] == "feedback" and "correction" in out["why"][0]["cue"]
    other = service.post("/v1/classify", {"url": "https://other.example/", "blocks": [block]}).json()["blocks"][0]
    assert other["hide"] and other["source"] == "model"


def test_hide_blocks_like_this(service):
    text = "Pssst. Want more of this? Have a look at our partner offers."
    r = service.post("/v1/feedback", {"url": "https://blog.example/p", "text": text, "label": "newsletter"})
    assert r.status_code == 200
    out = service.post("/v1/classify", {"url": "https://blog.example/q", "blocks": [{"id": "a", "text": text}]}).json()
    assert out["blocks"][0]["hide"] and out["blocks"][0]["category"] == "newsletter"


@pytest.mark.parametrize("body", [
    {"url": "https://a.example", "text": "x", "label": "spam"},
    {"url": "https://a.example", "text": "", "label": "content"},
    {"text": "x", "label": "content"},
])
def test_bad_feedback_is_422(service, body):
    r = service.post("/v1/feedback", body)
    assert r.status_code == 422 and r.json()["detail"]


def test_every_acknowledged_correction_survives_sigkill(tmp_path):
    svc = Service(tmp_path / "home")
    acked: list[tuple[int, str]] = []
    stop = threading.Event()

    def writer(n):
        with httpx.Client(timeout=10) as client:
            i = 0
            while not stop.is_set():
                text = f"writer {n} correction {i}"
                try:
                    r = client.post(svc.base + "/v1/feedback", headers=svc.headers(),
                                    json={"url": "https://kill.example/", "text": text, "label": "donation"})
                except httpx.HTTPError:
                    return  # the service died under us: this one was never acknowledged
                if r.status_code == 200:
                    acked.append((r.json()["id"], text))
                i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(acked) < 150 and time.monotonic() < deadline:
        time.sleep(0.05)
    svc.proc.send_signal(signal.SIGKILL)
    svc.proc.wait()
    stop.set()
    for t in threads:
        t.join(15)
    assert len(acked) >= 150
    db = sqlite3.connect(tmp_path / "home" / "feedback.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = dict(db.execute("SELECT id, text FROM corrections").fetchall())
    db.close()
    missing = [(i, t) for i, t in acked if stored.get(i) != t]
    assert missing == []
    # and a restarted service still applies them
    svc2 = Service(tmp_path / "home")
    try:
        text = acked[0][1]
        out = svc2.post("/v1/classify", {"url": "https://kill.example/x", "blocks": [{"id": "a", "text": text}]})
        assert out.json()["blocks"][0]["source"] == "feedback"
    finally:
        svc2.stop()


def test_train_learns_from_corrections(home, tmp_path, capsys):
    from detector.cli import main

    corpus = write_tiny_corpus(tmp_path / "corpus")
    store = FeedbackStore(home / "feedback.sqlite3")
    phrase = "Grab a mug from our merch shop and keep the lights on"
    for site in ("a.example", "b.example", "c.example"):
        store.add(f"https://{site}/", phrase + f" at {site}", "donation")
    store.close()
    assert main(["train", "--data", str(corpus), "--folds", "2"]) == 0
    out = capsys.readouterr().out
    assert "user corrections: 3" in out
    assert main(["train", "--data", str(corpus), "--folds", "2", "--out", str(tmp_path / "without.joblib"),
                 "--no-feedback"]) == 0
    from detector.store import current_model_path, load_model

    with_fb = load_model(current_model_path(home / "models")).model
    without = load_model(tmp_path / "without.joblib").model
    probe = [{"text": phrase + " at d.example"}]
    # the correction generalises to the same kind of block on a site it never saw
    assert with_fb.scores(probe)[0][0] > without.scores(probe)[0][0] + 0.1
