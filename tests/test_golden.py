"""Golden pages of our own (tests/pages/<slug>/): segmentation is exact; decisions are checked block by block.

"hidden" and "kept" in expected.json are written by hand (see tests/make_golden.py).
"""

import json
from pathlib import Path

import pytest

from detector.model import effective_thresholds
from detector.segment import segment_html
from detector.store import default_model_path, load_model

PAGES = Path(__file__).resolve().parent / "pages"
CASES = sorted(p.name for p in PAGES.iterdir() if (p / "source.html").is_file())


@pytest.fixture(scope="module")
def model():
    return load_model(default_model_path()).model


def case(slug):
    return (PAGES / slug / "source.html").read_bytes(), json.loads((PAGES / slug / "expected.json").read_text())


def test_there_are_golden_pages_in_several_languages():
    langs = {case(slug)[1]["lang"] for slug in CASES}
    assert len(CASES) >= 8 and {"en", "de", "ru", "fr", "es", "uk"} <= langs


@pytest.mark.parametrize("slug", CASES)
def test_segmentation_matches_the_golden_blocks(slug):
    source, expected = case(slug)
    got = [{"text": b.text, "tag": b.tag, "attrs": b.attrs} for b in segment_html(source)]
    assert got == expected["blocks"]


@pytest.mark.parametrize("slug", CASES)
def test_appeals_are_hidden_and_the_article_stays(slug, model):
    source, expected = case(slug)
    blocks = segment_html(source)
    preds = {b.text: p for b, p in zip(blocks, model.predict(blocks, explain=False))}
    thr = effective_thresholds(model.thresholds, 0.5)
    # Known failures are listed with their reason; they must still fail, so that
    # the day the model gets them right the list is shortened, never forgotten.
    known = {k["text"] for k in expected.get("known_false_hides", [])}
    wrongly_hidden = [t for t in expected["kept"] if preds[t].hide and t not in known]
    assert wrongly_hidden == [], "article or page text hidden"
    fixed = [t for t in known if not preds[t].hide]
    assert fixed == [], "a known false hide is fixed: remove it from known_false_hides"
    known_misses = {k["text"] for k in expected.get("known_misses", [])}
    assert [t for t in known_misses if preds[t].hide] == [], "a known miss is fixed: remove it from known_misses"
    missed = []
    for item in expected["hidden"]:
        if item["text"] in known_misses:
            continue
        p = preds[item["text"]]
        # a list names a block that is two things at once: either category is right
        cats = item["category"] if isinstance(item["category"], list) else [item["category"]]
        # the expected category must be the one chosen, or pass its own threshold (multi-label)
        if not p.hide or not any(p.category == c or p.scores[c] >= thr[c] for c in cats):
            missed.append((item["text"][:60], cats, p.category, [p.scores[c] for c in cats]))
    assert missed == [], "appeals left visible or put in the wrong category"
