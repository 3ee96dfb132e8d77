"""A model replaced by `detector train` while the service runs is picked up; a broken one is refused."""

import shutil
import signal
import subprocess
import sys
import time

import httpx

from detector.store import current_model_path
from tests.conftest import Service, write_tiny_corpus


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def model_file(svc):
    return httpx.get(svc.base + "/v1/health").json()["model"]["file"]


def test_retrained_model_is_picked_up_and_a_tampered_one_refused(tmp_path):
    home = tmp_path / "home"
    svc = Service(home)
    try:
        assert model_file(svc) == "default.joblib"
        corpus = write_tiny_corpus(tmp_path / "corpus")
        env = {"DETECTOR_HOME": str(home)}
        done = subprocess.run([sys.executable, "-m", "detector", "train", "--data", str(corpus), "--folds", "2"],
                              capture_output=True, text=True, env={**__import__("os").environ, **env})
        assert done.returncode == 0, done.stderr
        new = current_model_path(home / "models")
        assert wait_for(lambda: model_file(svc) == new.name)
        # classify still works on the new model
        r = svc.post("/v1/classify", {"blocks": [{"id": "a", "text": "Please donate today"}]})
        assert r.status_code == 200
        # a tampered model made current is refused; the old one keeps serving
        bad = home / "models" / "model-tampered.joblib"
        shutil.copy(new, bad)
        shutil.copy(new.with_suffix(".json"), bad.with_suffix(".json"))
        with open(bad, "ab") as fh:
            fh.write(b"evil")
        time.sleep(1.1)
        (home / "models" / "current").write_text("model-tampered\n")
        time.sleep(2.5)
        assert model_file(svc) == new.name
        assert svc.post("/v1/classify", {"blocks": [{"id": "a", "text": "x"}]}).status_code == 200
    finally:
        svc.stop()


def test_sigterm_and_sigint_shut_down_cleanly(tmp_path):
    for sig in (signal.SIGTERM, signal.SIGINT):
        svc = Service(tmp_path / f"home-{sig}")
        svc.proc.send_signal(sig)
        code = svc.proc.wait(15)
        err = svc.proc.stderr.read()
        assert code == 0 and "Traceback" not in err and "stopped" in err
