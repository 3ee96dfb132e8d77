"""Evaluation: grouped cross-validation on the corpus, and measurement on real pages.

Cross-validation groups by publisher, so a model is never scored on a
publisher it trained on. The real pages (``../shared/realpages``) only
measure: what the model hid is matched against their labels by text overlap,
not by block boundaries, so the figures do not depend on how a page is cut.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from scipy.stats import binomtest
from sklearn.model_selection import GroupKFold

from .errors import InvalidInput
from .model import LONG_BLOCK_CHARS, AppealModel, apply_context, decide, fit_context
from .segment import normalize_space, segment_html
from .settings import CATEGORIES

TARGET_PRECISION = 0.95
MIN_THRESHOLD = 0.35
COVERED = 0.5  # a labeled string counts as hidden when this share of its characters is
UNLABELED_LONG = 100  # a hidden block this long that matches no label is worth reading
REALPAGE_CATEGORY = {"membership": "donation", "other_appeal": "adblock"}
# Real-page recalls come with this confidence interval: a group of 87 labels moves
# by 1.1 points a block, and rebuilds that differ only in noise move it by blocks.
INTERVAL_LEVEL = 0.95


def label_matrix(examples, categories=CATEGORIES) -> np.ndarray:
    return np.array([[c in ex["labels"] for c in categories] for ex in examples], dtype=bool)


def out_of_fold_scores(examples, n_splits=5, progress=None, **fit_args) -> np.ndarray:
    """Scores for every example from a model that never saw its publisher."""
    groups = np.array([ex["publisher"] for ex in examples])
    n_splits = min(n_splits, len(set(groups)))
    if n_splits < 2:
        raise InvalidInput("grouped cross-validation needs at least two publishers")
    labels = [ex["labels"] for ex in examples]
    weights = np.array([ex.get("weight", 1.0) for ex in examples])
    k = len(CATEGORIES)
    oof = np.zeros((len(examples), 2 * k))  # both first-stage views: full, then words alone
    for fold, (tr, te) in enumerate(GroupKFold(n_splits=n_splits).split(examples, groups=groups), 1):
        if progress:
            progress(f"fold {fold}/{n_splits}: training on {len(tr)} blocks, scoring {len(te)}")
        model = AppealModel.fit([examples[i] for i in tr], [labels[i] for i in tr], weights[tr], **fit_args)
        first = model.first_stage(model.featurizer.transform([examples[i] for i in te]))
        for j, cat in enumerate(model.categories):
            oof[te, CATEGORIES.index(cat)] = first[:, j]
            oof[te, k + CATEGORIES.index(cat)] = first[:, len(model.categories) + j]
    return oof


def doc_index(examples) -> np.ndarray:
    """An integer per example naming its document (a page, or a lone block)."""
    index: dict[str, int] = {}
    return np.array([index.setdefault(ex.get("doc", str(i)), len(index)) for i, ex in enumerate(examples)])


def context_oof(first: np.ndarray, examples, n_splits=5) -> np.ndarray:
    """Out-of-fold scores of the context stage, fitted on out-of-fold first-stage scores."""
    groups = np.array([ex["publisher"] for ex in examples])
    docs = doc_index(examples)
    labels = [ex["labels"] for ex in examples]
    out = np.zeros((len(first), len(CATEGORIES)))
    for tr, te in GroupKFold(n_splits=min(n_splits, len(set(groups)))).split(first, groups=groups):
        context = fit_context(first[tr], [labels[i] for i in tr], docs[tr])
        out[te] = apply_context(context, first[te], CATEGORIES, docs[te])
    return out


def choose_thresholds(oof: np.ndarray, Y: np.ndarray, target=TARGET_PRECISION) -> dict[str, float]:
    """Per category, the lowest threshold whose out-of-fold precision reaches ``target``."""
    out = {}
    for j, cat in enumerate(CATEGORIES):
        y, s = Y[:, j], oof[:, j]
        best = 0.9
        for t in np.arange(MIN_THRESHOLD, 0.96, 0.01):
            pred = s >= t
            if pred.sum() and (pred & y).sum() / pred.sum() >= target:
                best = float(round(t, 2))
                break
        out[cat] = best
    return out


def prf(y: np.ndarray, pred: np.ndarray) -> dict:
    tp = int((y & pred).sum())
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / y.sum() if y.sum() else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": int(y.sum())}


def pages_report(examples, first: np.ndarray, oof: np.ndarray, thresholds) -> dict | None:
    """The model's whole decision (long-block rule, neighbours) on the corpus pages, from
    out-of-fold scores: what a user of a site never trained on would see hidden.

    Blocks, not characters: appeal blocks hidden, content blocks hidden, and
    content blocks of LONG_BLOCK_CHARS or more (article paragraphs) hidden.
    """
    pages: dict[str, list[int]] = {}
    for i, ex in enumerate(examples):
        if ex.get("origin") == "page":
            pages.setdefault(ex["doc"], []).append(i)
    if not pages:
        return None
    counts = dict.fromkeys(("appeals", "appeals_hidden", "content", "content_hidden",
                            "long_content", "long_content_hidden"), 0)
    for rows in pages.values():
        preds = decide([examples[i] for i in rows], first[rows], oof[rows], CATEGORIES, CATEGORIES, thresholds)
        for i, pred in zip(rows, preds):
            kind = "appeals" if examples[i]["labels"] else "content"
            counts[kind] += 1
            counts[kind + "_hidden"] += pred.hide
            if kind == "content" and len(examples[i]["text"]) >= LONG_BLOCK_CHARS:
                counts["long_content"] += 1
                counts["long_content_hidden"] += pred.hide
    return {
        "pages": len(pages), "long_chars": LONG_BLOCK_CHARS, **counts,
        "appeal_recall": round(counts["appeals_hidden"] / max(1, counts["appeals"]), 4),
        "content_hidden_share": round(counts["content_hidden"] / max(1, counts["content"]), 5),
    }


def cv_report(examples, oof, thresholds, first: np.ndarray | None = None) -> dict:
    Y = label_matrix(examples)
    P = np.column_stack([oof[:, j] >= thresholds[c] for j, c in enumerate(CATEGORIES)])
    by_cat = {c: prf(Y[:, j], P[:, j]) for j, c in enumerate(CATEGORIES)}
    langs = np.array([ex["lang"] for ex in examples])
    by_lang = {}
    for lang in sorted(set(langs)):
        m = langs == lang
        by_lang[lang] = prf(Y[m].any(axis=1), P[m].any(axis=1))
    hn = np.array([bool(ex.get("hard_negative")) for ex in examples])
    return {
        "by_category": by_cat,
        "by_language": by_lang,
        "any_appeal": prf(Y.any(axis=1), P.any(axis=1)),
        "hard_negative_false_hides": round(float(P[hn].any(axis=1).mean()), 4) if hn.any() else None,
        "content_false_hides": round(float(P[~Y.any(axis=1)].any(axis=1).mean()), 4),
        "pages": pages_report(examples, first, oof, thresholds) if first is not None else None,
    }


# ---------------------------------------------------------------- real pages

def _norm(text: str) -> str:
    return normalize_space(text).lower()


class HiddenText:
    """A page's block texts joined, with the hidden character ranges, for overlap matching."""

    def __init__(self, blocks, hidden):
        parts, mask = [], []
        for block, is_hidden in zip(blocks, hidden):
            t = _norm(block.text)
            parts.append(t)
            mask.append(np.full(len(t), is_hidden, dtype=bool))
            parts.append(" ")
            mask.append(np.zeros(1, dtype=bool))
        self.text = "".join(parts)
        self.mask = np.concatenate(mask) if mask else np.zeros(0, dtype=bool)

    def share_hidden(self, needle: str) -> float | None:
        """Share of ``needle``'s characters that are hidden; None when it is not on the page."""
        n = _norm(needle)
        if not n:
            return None
        at = self.text.find(n)
        if at < 0:
            return None
        return float(self.mask[at: at + len(n)].mean())


def matches_a_label(text: str, labels: list[str]) -> bool:
    """Whether a block's text overlaps a labeled string of its page (either holds the other).

    Labels are the first 300 characters of a block, so a long block is compared by its head.
    """
    t = _norm(text)
    head = t[:300]
    return any(lab and (lab in t or head in lab) for lab in labels)


def load_realpages(root: Path) -> list[dict]:
    index = Path(root) / "index.jsonl"
    if not index.is_file():
        raise InvalidInput(f"no real pages at {root} (expected {index})")
    return [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines() if line.strip()]


def recall_interval(caught: int, total: int, level: float = INTERVAL_LEVEL) -> list[float]:
    """The Wilson score interval of a recall of ``caught`` out of ``total`` labels."""
    ci = binomtest(caught, total).proportion_ci(confidence_level=level, method="wilson")
    return [round(float(ci.low), 4), round(float(ci.high), 4)]


def realpages_report(model: AppealModel, root: Path, progress=None, limit=None,
                     sensitivity: float = 0.5) -> dict:
    pages = load_realpages(root)[:limit]
    found = defaultdict(lambda: [0, 0])  # key -> [caught, total]
    content = [0, 0]
    first_para_hidden = []
    misses, false_hides = [], []
    unlabeled = {"hidden_blocks": 0, "unlabeled": 0, "unlabeled_long": 0}
    unlabeled_long = []
    missing = 0
    seconds = 0.0
    for n, page in enumerate(pages, 1):
        if progress and n % 50 == 0:
            progress(f"real pages: {n}/{len(pages)}")
        raw = (Path(root) / page["file"]).read_bytes()
        start = time.perf_counter()
        blocks = segment_html(raw)
        preds = model.predict(blocks, sensitivity=sensitivity, explain=False)
        seconds += time.perf_counter() - start
        hidden = HiddenText(blocks, [p.hide for p in preds])
        # Hidden blocks that overlap no label at all (strong, weak or boilerplate) are either
        # appeals the labels missed (their recall is not complete) or text of the page that
        # should have stayed: the content strings alone do not see most of them.
        labels = [_norm(a["text"]) for a in page["appeals"]] + [_norm(b) for b in page.get("boilerplate", [])]
        for block, pred in zip(blocks, preds):
            if pred.hide:
                unlabeled["hidden_blocks"] += 1
                if not matches_a_label(block.text, labels):
                    unlabeled["unlabeled"] += 1
                    if len(block.text) >= UNLABELED_LONG:
                        unlabeled["unlabeled_long"] += 1
                        unlabeled_long.append({"page": page["id"], "category": pred.category,
                                               "text": block.text[:160]})
        for appeal in page["appeals"]:
            if appeal["strength"] != "strong":
                continue
            share = hidden.share_hidden(appeal["text"])
            if share is None:
                missing += 1
            caught = share is not None and share >= COVERED
            cat = REALPAGE_CATEGORY.get(appeal["category"], appeal["category"])
            for key in ("all", f"cat:{cat}", f"lang:{page['language']}"):
                found[key][0] += caught
                found[key][1] += 1
            if not caught:
                misses.append({"page": page["id"], "category": cat, "lang": page["language"],
                               "text": appeal["text"][:160], "in_blocks": share is not None})
        for i, text in enumerate(page.get("content", [])):
            share = hidden.share_hidden(text)
            if share is None:
                continue
            content[1] += 1
            if share >= COVERED:
                content[0] += 1
                false_hides.append({"page": page["id"], "text": text[:160]})
                if i == 0:
                    first_para_hidden.append(page["id"])
    recall = {k: {"recall": round(c / t, 4), "caught": c, "total": t, "interval": recall_interval(c, t)}
              for k, (c, t) in sorted(found.items())}
    return {
        "pages": len(pages),
        "recall": recall,
        "interval_level": INTERVAL_LEVEL,
        "strong_labels_not_in_blocks": missing,
        "content_hidden": {"share": round(content[0] / max(1, content[1]), 5), "hidden": content[0],
                           "total": content[1]},
        "first_paragraph_hidden": first_para_hidden,
        "misses": misses,
        "false_hides": false_hides,
        "hidden_unlabeled": {**unlabeled, "long_chars": UNLABELED_LONG, "long_examples": sorted(unlabeled_long, key=lambda u: -len(u["text"]))},
        "seconds_per_page": round(seconds / max(1, len(pages)), 4),
    }


def _sign_test(only_a: int, only_b: int) -> float:
    """Two-sided exact sign test: how likely a split this uneven of the items on which two
    models disagree is, if neither model were better."""
    n = only_a + only_b
    return 1.0 if n == 0 else round(float(binomtest(only_a, n, 0.5).pvalue), 4)


def _split(items_a: list, items_b: list) -> tuple[int, int]:
    """How many of ``items_a`` are not in ``items_b`` and the other way round, counting repeats."""
    ca, cb = Counter(items_a), Counter(items_b)
    return sum((ca - cb).values()), sum((cb - ca).values())


def compare_realpages(a: dict, b: dict) -> dict:
    """Two models' real-page reports on the same pages, label by label.

    For each recall group: what each model catches that the other misses, and the
    sign test's p-value on those disagreements (a small group moves by a few labels
    between any two builds; this says whether a difference is more than that).
    The same for the article strings hidden and the unlabeled long hides, where
    "only" counts what one model hides and the other keeps.
    """
    if a["pages"] != b["pages"] or {k: v["total"] for k, v in a["recall"].items()} != \
            {k: v["total"] for k, v in b["recall"].items()}:
        raise InvalidInput("the two reports do not cover the same pages and labels")

    def missed(rep, group):
        return [(m["page"], m["category"], m["text"]) for m in rep["misses"]
                if group == "all" or group in (f"cat:{m['category']}", f"lang:{m.get('lang')}")]

    groups = {}
    for key, ra in a["recall"].items():
        # a label only one model misses is one the other catches
        missed_b_only, missed_a_only = _split(missed(b, key), missed(a, key))
        groups[key] = {"a": ra["caught"], "b": b["recall"][key]["caught"], "total": ra["total"],
                       "only_a": missed_b_only, "only_b": missed_a_only,
                       "p": _sign_test(missed_b_only, missed_a_only)}

    def hides(items_a, items_b, count_a, count_b):
        only_a, only_b = _split(items_a, items_b)
        return {"a": count_a, "b": count_b, "only_a": only_a, "only_b": only_b, "p": _sign_test(only_a, only_b)}

    def key(item):
        return item["page"], item["text"]

    return {
        "groups": groups,
        "article_strings_hidden": hides([key(f) for f in a["false_hides"]], [key(f) for f in b["false_hides"]],
                                        a["content_hidden"]["hidden"], b["content_hidden"]["hidden"]),
        "unlabeled_long_hidden": hides([key(u) for u in a["hidden_unlabeled"]["long_examples"]],
                                       [key(u) for u in b["hidden_unlabeled"]["long_examples"]],
                                       a["hidden_unlabeled"]["unlabeled_long"], b["hidden_unlabeled"]["unlabeled_long"]),
        "first_paragraphs_hidden": {"a": len(a["first_paragraph_hidden"]), "b": len(b["first_paragraph_hidden"])},
    }
