"""The quality gate: the shipped model is held to the floors pinned in tests/quality_floors.json.

The floors were set by training/build_model.py from measured figures and are
never lowered silently (that needs --allow-lower REASON, recorded in the file).
"""

import json
from pathlib import Path

import pytest

from detector.corpus import corpus_hash
from detector.store import default_model_path, load_model
from tests.conftest import REALPAGES, ROOT
from training.build_model import figures

FLOORS = json.loads((ROOT / "tests" / "quality_floors.json").read_text())


@pytest.fixture(scope="module")
def shipped():
    return load_model(default_model_path())


def test_shipped_model_was_trained_on_this_corpus(shipped):
    assert shipped.meta["corpus_sha256"] == corpus_hash(ROOT / "training"), \
        "the corpus changed: rebuild the model with `python training/build_model.py --update-floors`"
    assert FLOORS["corpus_sha256"] == shipped.meta["corpus_sha256"], "floors are pinned to another corpus"


def test_cross_validation_figures_meet_their_floors(shipped):
    measured = figures(shipped.meta, None)
    below = {k: (v, FLOORS["floors"][k]) for k, v in measured.items()
             if k in FLOORS["floors"] and v < FLOORS["floors"][k]}
    assert not below, f"below floor (measured, floor): {below}"
    assert any(k.startswith("cv.") for k in FLOORS["floors"])


@pytest.mark.skipif(not (REALPAGES / "index.jsonl").is_file(), reason="../shared/realpages is not here")
def test_real_pages_meet_their_floors(shipped):
    from detector.evaluate import realpages_report

    report = realpages_report(shipped.model, REALPAGES)
    measured = figures(shipped.meta, report)
    real = {k: v for k, v in measured.items() if k.startswith("realpages.")}
    assert real, "no real-page figures were measured"
    below = {k: (v, FLOORS["floors"][k]) for k, v in real.items()
             if k in FLOORS["floors"] and v < FLOORS["floors"][k]}
    assert not below, f"below floor (measured, floor): {below}"
    missing = [k for k in FLOORS["floors"] if k.startswith("realpages.") and k not in real]
    assert not missing, f"figures with a floor that were not measured: {missing}"


def test_floors_were_never_lowered_without_a_reason():
    for entry in FLOORS["history"]:
        if entry["lowered"]:
            assert entry["reason"] and entry["reason"] != "raised to measured"


def test_floors_rise_with_the_measurement_and_fall_only_with_a_reason(tmp_path, capsys):
    from training.build_model import MARGIN, update_floors

    path = tmp_path / "floors.json"
    path.write_text(json.dumps({"corpus_sha256": "a", "history": [],
                                "floors": {"up": 0.80, "steady": 0.90, "down": 0.90}}))
    measured = {"up": 0.95, "steady": 0.902, "down": 0.85, "new": 0.5}
    update_floors(measured, "b", None, path)
    floors = json.loads(path.read_text())["floors"]
    assert floors["up"] == round(0.95 - MARGIN, 5) and floors["new"] == round(0.5 - MARGIN, 5)
    assert floors["steady"] == 0.90  # within the margin above its floor: not loosened
    assert floors["down"] == 0.90    # below its floor: kept without a reason
    assert "down: 0.9 -> " in capsys.readouterr().out
    update_floors(measured, "b", "the reason", path)
    saved = json.loads(path.read_text())
    assert saved["floors"]["down"] == round(0.85 - MARGIN, 5) and saved["floors"]["steady"] == 0.90
    assert saved["history"][-1]["lowered"] == [f"down: 0.9 -> {round(0.85 - MARGIN, 5)}"]
    assert saved["history"][-1]["reason"] == "the reason"
