import numpy as np
import pytest

from detector.errors import InvalidInput
from detector.model import CONTEXT_WINDOW, apply_context, context_features, effective_thresholds, fit_context
from detector.settings import CATEGORIES


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


# ---------------------------------------------------------------- the article's first paragraph

BODY = "story-body article"


def lead_page(first_hidden=True, body_hidden=False, body_blocks=3):
    """A page: a header link, an article of paragraphs in one container, an aside."""
    from detector.model import Prediction

    blocks = [{"text": "Subscribe", "tag": "a", "attrs": "header"}]
    blocks.append({"text": "Every Monday, our host talks with a guest about an idea that matters. "
                           "Listen wherever you get your podcasts.", "tag": "p", "attrs": BODY})
    blocks += [{"text": f"Paragraph {i} of the transcript. " + "word " * 40, "tag": "p", "attrs": BODY}
               for i in range(body_blocks)]
    blocks.append({"text": "Related: more episodes " + "x" * 200, "tag": "div", "attrs": "aside related"})
    preds = [Prediction(hide=False, category=None, scores={}) for _ in blocks]
    preds[1].hide = first_hidden
    for p in preds[2:2 + body_blocks]:
        p.hide = body_hidden
    return blocks, preds


def test_the_lead_is_the_first_paragraph_of_the_container_with_the_most_kept_text():
    from detector.model import article_lead

    blocks, preds = lead_page()
    assert article_lead(blocks, preds) == 1


def test_no_lead_without_an_article_of_three_kept_paragraphs():
    from detector.model import article_lead

    assert article_lead(*lead_page(body_blocks=2)) is None
    # a box of long paragraphs the model hides (a late donation epic sent on its own) is no article
    assert article_lead(*lead_page(body_hidden=True)) is None
    # plain text has no containers to tell an article from an appeal
    blocks, preds = lead_page()
    assert article_lead([{"text": b["text"]} for b in blocks], preds) is None


def test_decide_never_hides_the_lead_and_it_recruits_no_neighbour():
    from detector.model import decide
    from detector.settings import CATEGORIES

    blocks, _ = lead_page()
    k = len(CATEGORIES)
    S = np.zeros((len(blocks), k))
    S[0, 2] = S[1, 2] = 0.99  # the header link and the podcast intro score as newsletter
    first = np.zeros((len(blocks), 2 * k))
    thr = {c: 0.5 for c in CATEGORIES}
    preds = decide(blocks, first, S, CATEGORIES, CATEGORIES, thr)
    assert [p.hide for p in preds][:3] == [True, False, False]
    # without the article around it, the same intro is hidden
    alone = decide(blocks[:2], first[:2], S[:2], CATEGORIES, CATEGORIES, thr)
    assert [p.hide for p in alone] == [True, True]


def test_inside_the_article_container_a_block_hides_only_on_its_words():
    from detector.model import decide
    from detector.settings import CATEGORIES

    blocks, _ = lead_page()  # header link, intro, three transcript paragraphs, an aside
    blocks.insert(3, {"text": "Any questions? Write to the show.", "tag": "p", "attrs": BODY})
    blocks.insert(5, {"text": "Help keep this show free: give today.", "tag": "p", "attrs": BODY})
    blocks.append({"text": "Any questions? Write to the show.", "tag": "div", "attrs": "aside promo"})
    k = len(CATEGORIES)
    don = CATEGORIES.index("donation")
    S = np.zeros((len(blocks), k))
    S[[3, 5, 8], don] = 0.9  # all three score as donation in the final stage
    first = np.zeros((len(blocks), 2 * k))
    first[5, k + don] = 0.8  # the words alone are sure only of the plea
    thr = {c: 0.5 for c in CATEGORIES}
    preds = decide(blocks, first, S, CATEGORIES, CATEGORIES, thr)
    # in the article's container: the line whose words ask nothing stays, the plea goes;
    # the same line outside it is left to the full model, class tokens and all
    assert [preds[i].hide for i in (3, 5, 8)] == [False, True, True]
    assert preds[5].category == "donation" and preds[3].category is None


def test_the_context_stage_scores_exactly_as_predict_proba():
    rng = np.random.default_rng(7)
    k = len(CATEGORIES)
    S = rng.random((60, 2 * k))
    docs = np.repeat(np.arange(6), 10)
    labels = [{CATEGORIES[i % k]} if S[i, i % k] > 0.5 else set() for i in range(60)]
    context = fit_context(S, labels, docs)
    got = apply_context(context, S, CATEGORIES, docs)
    F = context_features(S, docs)
    for j, cat in enumerate(CATEGORIES):
        assert np.array_equal(got[:, j], context[cat].predict_proba(F)[:, 1])
