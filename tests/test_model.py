import numpy as np
import pytest

from detector.errors import InvalidInput
from detector.model import CONTEXT_WINDOW, context_features, effective_thresholds


def test_context_features_see_neighbours_within_a_document_only():
    S = np.array([[0.9, 0.0], [0.1, 0.0], [0.2, 0.8], [0.7, 0.1]])
    F = context_features(S, doc_ids=[0, 0, 0, 1])
    k = 2
    assert F[1, :k].tolist() == [0.1, 0.0]            # own
    assert F[1, k:2 * k].tolist() == [0.9, 0.0]       # previous block
    assert F[1, 2 * k:3 * k].tolist() == [0.2, 0.8]   # next block
    assert F[2, 2 * k:3 * k].tolist() == [0.0, 0.0]   # the next block is in another document
    assert F[0, 3 * k:4 * k].tolist() == [0.0, 0.0]   # nothing before the first block
    assert F[0, 4 * k:5 * k].tolist() == [0.2, 0.8]   # max of the blocks after it
    assert F[3, -1] == 0.0 and F[0, -1] == 1.0         # a lone block has no context


def test_context_window_reaches_three_blocks():
    S = np.zeros((6, 1))
    S[0, 0] = 1.0
    F = context_features(S)
    before = F[:, 3]
    assert before.tolist() == [0.0] + [1.0] * CONTEXT_WINDOW + [0.0] * (5 - CONTEXT_WINDOW)


def test_sensitivity_moves_thresholds_and_is_bounded():
    thr = {"donation": 0.6}
    assert effective_thresholds(thr, 0.5) == {"donation": 0.6}
    assert effective_thresholds(thr, 1.0)["donation"] < 0.6 < effective_thresholds(thr, 0.0)["donation"]
    with pytest.raises(InvalidInput):
        effective_thresholds(thr, 1.5)


def test_explanations_name_real_cues(tiny_model):
    from detector.store import load_model

    model = load_model(tiny_model).model
    preds = model.predict([{"text": "Please donate today: independent journalism needs readers like you."}])
    assert preds[0].hide and preds[0].category == "donation"
    cues = [w["cue"] for w in preds[0].why]
    assert any("donate" in c for c in cues) and all(w["weight"] > 0 for w in preds[0].why)
