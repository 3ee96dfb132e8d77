import json
import os
import shutil

import pytest

from detector import store
from detector.errors import CorpusChanged, ModelIncompatible, ModelNotFound, ModelTampered
from detector.train import train
from tests.conftest import write_tiny_corpus


def copy_model(src, dst_dir):
    dst_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dst_dir / src.name)
    shutil.copy(src.with_suffix(".json"), dst_dir / src.with_suffix(".json").name)
    return dst_dir / src.name


def test_sidecar_records_what_the_model_was_built_from(tiny_model):
    meta = json.loads(tiny_model.with_suffix(".json").read_text())
    for key in ("package_version", "sklearn_version", "categories", "thresholds", "corpus_sha256",
                "evaluation", "model_sha256"):
        assert key in meta
    assert meta["model_sha256"] == store.sha256_file(tiny_model)
    assert len(meta["corpus_sha256"]) == 64
    import numpy
    import scipy
    libs = meta["libraries"]
    assert (libs["numpy"], libs["scipy"], libs["scikit-learn"]) == (numpy.__version__, scipy.__version__,
                                                                   meta["sklearn_version"])
    assert libs["python"].count(".") == 2 and libs["joblib"]


def test_load_round_trip_predicts_the_same(tiny_model, tmp_path):
    a = store.load_model(tiny_model).model
    b = store.load_model(copy_model(tiny_model, tmp_path / "copy")).model
    blocks = [{"text": "Please donate to keep us independent"}, {"text": "The mayor resigned"}]
    assert a.scores(blocks).tolist() == b.scores(blocks).tolist()


def test_tampered_model_is_refused_with_a_line_that_says_how_to_retrain(tiny_model, tmp_path):
    path = copy_model(tiny_model, tmp_path)
    with open(path, "ab") as fh:
        fh.write(b"x")
    with pytest.raises(ModelTampered, match="detector train"):
        store.load_model(path)


def test_model_without_sidecar_is_refused(tiny_model, tmp_path):
    path = copy_model(tiny_model, tmp_path)
    path.with_suffix(".json").unlink()
    with pytest.raises(ModelTampered, match="sidecar"):
        store.load_model(path)


def test_model_from_another_scikit_learn_is_refused(tiny_model, tmp_path):
    path = copy_model(tiny_model, tmp_path)
    meta = json.loads(path.with_suffix(".json").read_text())
    meta["sklearn_version"] = "0.24.2"
    path.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(ModelIncompatible, match="scikit-learn 0.24.2"):
        store.load_model(path)


def test_missing_model_is_reported(tmp_path):
    with pytest.raises(ModelNotFound):
        store.load_model(tmp_path / "nope.joblib")


def test_a_pickle_that_is_not_our_model_is_refused(tmp_path):
    import joblib

    path = tmp_path / "other.joblib"
    joblib.dump({"not": "a model"}, path)
    meta = {"format": store.FORMAT, "sklearn_version": __import__("sklearn").__version__,
            "categories": ["donation"], "model_sha256": store.sha256_file(path)}
    path.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(ModelIncompatible, match="not an Appeal Detector model"):
        store.load_model(path)


def test_save_is_atomic_and_switches_current(tiny_model, tmp_path):
    model = store.load_model(tiny_model).model
    models = tmp_path / "models"
    first = store.save_model(model, models, {"note": "one"}, name="model-a")
    assert store.current_model_path(models) == first
    assert oct(os.stat(models).st_mode & 0o777) == "0o700"
    assert oct(os.stat(first).st_mode & 0o777) == "0o600"
    second = store.save_model(model, models, {"note": "two"}, name="model-b")
    assert store.current_model_path(models) == second
    assert not list(models.glob("*.tmp")) and not list(models.glob(".*tmp"))


def test_interrupted_save_keeps_the_previous_model(tiny_model, tmp_path, monkeypatch):
    model = store.load_model(tiny_model).model
    models = tmp_path / "models"
    good = store.save_model(model, models, {}, name="model-good")

    def crash(*a, **k):
        raise KeyboardInterrupt  # as if the user hit Ctrl-C mid-write

    monkeypatch.setattr(store.joblib, "dump", crash)
    with pytest.raises(KeyboardInterrupt):
        store.save_model(model, models, {}, name="model-bad")
    assert store.current_model_path(models) == good
    assert store.load_model(good).model is not None
    assert not (models / "model-bad.joblib").exists()
    assert not [p for p in models.iterdir() if p.name.endswith(".tmp")]


def test_default_model_ships_with_the_package_and_loads():
    path = store.default_model_path()
    loaded = store.load_model(path)
    assert set(loaded.meta["categories"]) == {"donation", "paywall", "newsletter", "adblock", "foreign_agent"}
    assert loaded.meta["corpus_blocks"] >= 1000


def test_a_model_that_unpickles_but_fails_on_use_is_refused(tiny_model, tmp_path):
    import joblib

    model = store.load_model(tiny_model).model
    del model.text_estimators  # as if pickled by an older version of the code
    path = tmp_path / "old.joblib"
    joblib.dump(model, path)
    meta = json.loads(tiny_model.with_suffix(".json").read_text())
    meta["model_sha256"] = store.sha256_file(path)
    path.with_suffix(".json").write_text(json.dumps(meta))
    with pytest.raises(ModelIncompatible, match="does not work with this version"):
        store.load_model(path)


def test_a_corpus_that_changes_during_training_saves_no_model(tmp_path):
    # A sidecar must name the corpus the model learnt from: a page rebuilt (or a
    # branch checked out) while the folds run makes the recorded hash a lie.
    corpus = write_tiny_corpus(tmp_path / "corpus")
    models = tmp_path / "models"

    def meanwhile(message):
        if message.startswith("fold 2/"):
            with open(corpus / "blocks" / "tiny.jsonl", "a") as fh:
                fh.write(json.dumps({"id": "late-1", "text": "Written while training ran", "labels": [],
                                     "lang": "en", "publisher": "pub0", "form": "paragraph",
                                     "hard_negative": False}) + "\n")

    with pytest.raises(CorpusChanged, match="changed while the model was training"):
        train(corpus, models, progress=meanwhile, folds=2)
    assert not models.exists() or not list(models.glob("*.joblib"))
    assert train(corpus, models, progress=lambda m: None, folds=2).path.is_file()  # settled: it trains
