"""The evaluation's own logic: the real-page report's overlap matching, and the decision rules
that cross-validation applies to out-of-fold scores."""

import json

import numpy as np
import pytest

from detector.cli import main
from detector.evaluate import compare_realpages, matches_a_label, pages_report, realpages_report, recall_interval
from detector.errors import InvalidInput
from detector.model import LONG_BLOCK_CHARS, decide
from detector.store import default_model_path, load_model
from detector.settings import CATEGORIES

APPEAL = ("We have a small favour to ask. Independent journalism costs money, and readers like you keep "
          "it going: please support us with a donation today.")
ARTICLE = ("The council approved the new budget on Tuesday night after a debate that ran past midnight, "
           "with the opposition voting against the cuts to the library service.")


@pytest.fixture(scope="module")
def shipped():
    return load_model(default_model_path()).model


def write_pages(root, appeals):
    (root / "pages").mkdir(parents=True)
    html = f"<html><body><article><h1>Budget passed</h1><p>{ARTICLE}</p><p>{APPEAL}</p></article></body></html>"
    (root / "pages" / "one.html").write_text(html, encoding="utf-8")
    page = {"id": "one", "file": "pages/one.html", "site": "example.org", "language": "en",
            "appeals": appeals, "content": [ARTICLE], "boilerplate": []}
    (root / "index.jsonl").write_text(json.dumps(page) + "\n", encoding="utf-8")
    return root


def test_label_overlap_either_way_and_by_the_head_of_long_blocks():
    assert matches_a_label("Support us today. Thank you!", ["support us today."])
    assert matches_a_label("Donate", ["donate now to keep us going"]) is True
    long_block = "x" * 350
    assert matches_a_label(long_block, ["x" * 300])  # labels keep the first 300 characters
    assert not matches_a_label("The council met on Tuesday.", ["support us today."])
    assert not matches_a_label("anything", [""])


def test_a_hidden_block_without_a_label_is_counted_and_listed(tmp_path, shipped):
    report = realpages_report(shipped, write_pages(tmp_path / "a", appeals=[]))
    unl = report["hidden_unlabeled"]
    assert unl["hidden_blocks"] >= 1
    assert unl["unlabeled"] == unl["hidden_blocks"]
    assert unl["unlabeled_long"] == 1
    assert unl["long_examples"][0]["text"] == APPEAL[:160]
    assert report["content_hidden"] == {"share": 0.0, "hidden": 0, "total": 1}


def test_a_labeled_appeal_is_not_unlabeled_whatever_its_strength(tmp_path, shipped):
    weak = [{"category": "donation", "strength": "weak", "text": APPEAL}]
    report = realpages_report(shipped, write_pages(tmp_path / "b", appeals=weak))
    assert report["hidden_unlabeled"]["unlabeled_long"] == 0
    assert report["recall"] == {}  # weak labels are not counted for recall
    strong = [{"category": "donation", "strength": "strong", "text": APPEAL}]
    report = realpages_report(shipped, write_pages(tmp_path / "c", appeals=strong))
    assert report["recall"]["cat:donation"]["caught"] == 1
    assert report["recall"]["cat:donation"]["interval"] == recall_interval(1, 1)


def _report(misses, hides, totals):
    """A real-page report as realpages_report writes it, from misses (page, category, lang) and hides."""
    recall = {}
    for key, total in totals.items():
        n = sum(1 for p, c, lang in misses if key == "all" or key in (f"cat:{c}", f"lang:{lang}"))
        recall[key] = {"recall": (total - n) / total, "caught": total - n, "total": total, "interval": [0, 1]}
    return {"pages": 9, "recall": recall, "misses": [{"page": p, "category": c, "lang": lang, "text": f"{p} {c}"}
                                                     for p, c, lang in misses],
            "false_hides": [{"page": p, "text": t} for p, t in hides], "first_paragraph_hidden": [],
            "content_hidden": {"hidden": len(hides)},
            "hidden_unlabeled": {"unlabeled_long": 0, "long_examples": []}}


def test_two_models_are_compared_label_by_label_with_a_sign_test():
    totals = {"all": 12, "cat:donation": 10, "cat:paywall": 2, "lang:en": 12}
    a = _report([("p1", "donation", "en"), ("p9", "paywall", "en")], [("p1", "x"), ("p2", "y")], totals)
    b = _report([(f"p{i}", "donation", "en") for i in range(2, 10)] + [("p9", "paywall", "en")], [("p2", "y")], totals)
    cmp = compare_realpages(a, b)
    don = cmp["groups"]["cat:donation"]
    # A misses one plea, B eight others: eight caught by A alone, one by B alone
    assert (don["a"], don["b"], don["only_a"], don["only_b"]) == (9, 2, 8, 1)
    assert don["p"] == pytest.approx(0.0391, abs=1e-4)  # 9 disagreements split 8:1
    assert cmp["groups"]["cat:paywall"] == {"a": 1, "b": 1, "total": 2, "only_a": 0, "only_b": 0, "p": 1.0}
    for g in cmp["groups"].values():
        assert g["a"] - g["b"] == g["only_a"] - g["only_b"]
    assert cmp["article_strings_hidden"] == {"a": 2, "b": 1, "only_a": 1, "only_b": 0, "p": 1.0}
    other_pages = dict(b, recall={**b["recall"], "all": {**b["recall"]["all"], "total": 13}})
    with pytest.raises(InvalidInput, match="same pages"):
        compare_realpages(a, other_pages)


def test_eval_against_another_model_on_real_pages(home, tmp_path, tiny_model, capsys):
    strong = [{"category": "donation", "strength": "strong", "text": APPEAL}]
    pages = write_pages(tmp_path / "rp", appeals=strong)
    shipped_path = str(default_model_path())
    assert main(["eval", "--realpages", str(pages), "--against", shipped_path, "--json"]) == 0
    same = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert "grouped_cv" not in same  # --against compares on the real pages only
    assert all(g["only_a"] == g["only_b"] == 0 and g["p"] == 1.0 for g in same["against"]["comparison"]["groups"].values())
    assert main(["eval", "--realpages", str(pages), "--against", str(tiny_model), "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    ours, theirs = result["realpages"]["recall"]["all"], result["against"]["realpages"]["recall"]["all"]
    g = result["against"]["comparison"]["groups"]["all"]
    assert (g["a"], g["b"]) == (ours["caught"], theirs["caught"]) and g["a"] - g["b"] == g["only_a"] - g["only_b"]
    assert main(["eval", "--realpages", str(pages), "--against", str(tiny_model)]) == 0
    assert "sign test p" in capsys.readouterr().out
    # no real pages to compare on: one readable line, exit 2
    assert main(["eval", "--realpages", str(tmp_path / "none"), "--against", str(tiny_model)]) == 2
    assert main(["eval", "--realpages", str(pages), "--against", str(tmp_path / "missing.joblib")]) == 2
    err = capsys.readouterr().err
    assert "no such directory" in err and "missing.joblib" in err and "Traceback" not in err


def test_recall_intervals_hold_the_figure_and_narrow_with_more_labels():
    low, high = recall_interval(73, 87)
    assert low < 73 / 87 < high
    few, many, most = recall_interval(42, 50), recall_interval(420, 500), recall_interval(4200, 5000)
    assert few[0] < many[0] < most[0] < 0.84 < most[1] < many[1] < few[1]  # one recall, more labels
    assert recall_interval(5, 5)[1] == 1.0 and recall_interval(5, 5)[0] < 1.0
    assert recall_interval(0, 5)[0] == 0.0 and recall_interval(0, 5)[1] > 0.0


def test_decide_holds_back_a_long_block_unless_its_words_are_sure():
    k = len(CATEGORIES)
    thr = {c: 0.5 for c in CATEGORIES}
    S = np.zeros((2, k))
    S[:, 0] = 0.9  # both blocks score as donation in the final stage
    first = np.zeros((2, 2 * k))
    first[0, k] = 0.55  # the words view of the long block is unsure
    first[1, k] = 0.95
    long = {"text": "x" * LONG_BLOCK_CHARS}
    preds = decide([long, long], first, S, CATEGORIES, CATEGORIES, thr)
    assert [p.hide for p in preds] == [False, True]
    assert preds[1].category == "donation"


def test_decide_hides_a_long_block_when_another_passing_category_is_sure_in_words():
    k = len(CATEGORIES)
    don, fa = CATEGORIES.index("donation"), CATEGORIES.index("foreign_agent")
    thr = {c: 0.5 for c in CATEGORIES}
    S = np.zeros((2, k))
    S[:, don], S[:, fa] = 0.95, 0.9  # donation leads on margin in the final stage
    first = np.zeros((2, 2 * k))
    first[:, k + don] = 0.2  # but the words alone doubt donation
    first[0, k + fa] = 0.97  # and are sure of foreign_agent in the first block
    first[1, k + fa] = 0.55  # and unsure of it in the second
    long = {"text": "x" * LONG_BLOCK_CHARS}
    preds = decide([long, long], first, S, CATEGORIES, CATEGORIES, thr)
    assert [p.hide for p in preds] == [True, False]
    assert preds[0].category == "foreign_agent"


def test_decide_lets_a_short_neighbour_join_a_hidden_appeal_but_not_a_long_one():
    k = len(CATEGORIES)
    thr = {c: 0.5 for c in CATEGORIES}
    S = np.zeros((3, k))
    S[0, 2] = 0.9   # a newsletter pitch
    S[1, 2] = 0.3   # its button: weak alone, 0.3 >= 0.35 * 0.5
    S[2, 2] = 0.3   # a paragraph after the button: too long to join
    first = np.zeros((3, 2 * k))
    blocks = [{"text": "n" * 120}, {"text": "Sign me up"}, {"text": "p" * 150}]
    preds = decide(blocks, first, S, CATEGORIES, CATEGORIES, thr)
    assert [p.hide for p in preds] == [True, True, False]
    assert preds[1].category == "newsletter"
    assert "beside it" in preds[1].why[0]["cue"]


def test_pages_report_counts_what_the_rules_hide_on_corpus_pages():
    k = len(CATEGORIES)
    examples = [
        {"text": "Sign up for our newsletter", "labels": {"newsletter"}, "origin": "page", "doc": "p1"},
        {"text": "The mayor resigned.", "labels": set(), "origin": "page", "doc": "p1"},
        {"text": "A" * 250, "labels": set(), "origin": "page", "doc": "p1"},
        {"text": "Donate", "labels": {"donation"}, "origin": "block", "doc": "b1"},  # not a page: left out
    ]
    oof = np.zeros((4, k))
    oof[0, 2] = 0.9
    oof[2, 2] = 0.9  # a long article paragraph the final stage would hide ...
    first = np.zeros((4, 2 * k))
    first[2, k + 2] = 0.7  # ... and whose words are sure enough: it is hidden, and counted
    rep = pages_report(examples, first, oof, {c: 0.5 for c in CATEGORIES})
    assert rep["pages"] == 1
    assert (rep["appeals"], rep["appeals_hidden"]) == (1, 1)
    assert (rep["content"], rep["content_hidden"]) == (2, 1)
    assert (rep["long_content"], rep["long_content_hidden"]) == (1, 1)
    assert pages_report([examples[3]], first[3:], oof[3:], {c: 0.5 for c in CATEGORIES}) is None
