"""The model: fit, score, decide and explain.

One logistic regression per category over the shared features (multi-label:
a foreign-agent donation plea is both ``donation`` and ``foreign_agent``).
Per-category thresholds are chosen on out-of-fold scores for high precision
(see ``evaluate.choose_thresholds``). Linear weights make explanations exact:
a block's cues are the features with the largest weight x value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit
from sklearn.linear_model import LogisticRegression

from .errors import InvalidInput
from .features import BlockFeaturizer
from .settings import CATEGORIES

# A short block right beside a hidden block (its button, its fine print) is
# hidden with it when its highest appeal score reaches this share of that
# block's category threshold.
NEIGHBOUR_SHARE = 0.35
NEIGHBOUR_MAX_CHARS = 80
CONTROL_MAX_CHARS = 25
# The context stage looks this many blocks before and after each block.
CONTEXT_WINDOW = 3
# A block this long reads as a paragraph: it is hidden only when its words and
# shape alone pass the threshold, never on the strength of its class names
# (real sites wrap whole article bodies in containers named "paywall").
LONG_BLOCK_CHARS = 200
# ... and its words alone must be fairly sure, whatever the sensitivity: real
# long appeals ("we have a small favour to ask ...") are unmistakable in words.
LONG_BLOCK_MIN_SCORE = 0.6
# The article's first paragraph is never hidden. The article is the container
# (one class/id string, see segment.py) holding the most text in paragraphs of
# LEAD_BODY_CHARS or more that stay visible, at least LEAD_BODY_BLOCKS of them;
# its first <p> of LEAD_MIN_CHARS or more is the lead.
LEAD_BODY_CHARS = 150
LEAD_BODY_BLOCKS = 3
LEAD_MIN_CHARS = 60


@dataclass
class Prediction:
    hide: bool
    category: str | None
    scores: dict[str, float]
    why: list[dict] = field(default_factory=list)
    source: str = "model"

    def as_dict(self) -> dict:
        """The fields as a plain dict (shallow: the caller serialises it, it does not keep it)."""
        return {"hide": self.hide, "category": self.category, "scores": self.scores, "why": self.why,
                "source": self.source}


def block_dict(block) -> dict:
    """A Block (or a dict with at least ``text``) as the featurizer's input."""
    if isinstance(block, dict):
        return block
    return {
        "text": block.text, "tag": block.tag, "attrs": block.attrs,
        "link_density": block.link_density, "position": block.position,
    }


def effective_thresholds(thresholds: dict[str, float], sensitivity: float) -> dict[str, float]:
    """Sensitivity 0.5 keeps the tuned thresholds; 1.0 halves them; 0.0 raises them by half."""
    if not 0.0 <= sensitivity <= 1.0:
        raise InvalidInput(f"sensitivity must be between 0 and 1, got {sensitivity}")
    factor = 1.5 - sensitivity
    return {c: min(0.99, t * factor) for c, t in thresholds.items()}


def context_features(S: np.ndarray, doc_ids=None) -> np.ndarray:
    """Per block: its own scores, the previous and next block's, and the highest
    score among the CONTEXT_WINDOW blocks before and after it, within one document.

    An appeal is usually a unit of several blocks (heading, pitch, button, fine
    print); a paragraph of the article sits among paragraphs of the article.
    """
    n, k = S.shape
    out = np.zeros((n, 5 * k + 1), dtype=np.float64)
    if n == 0:
        return out
    docs = np.zeros(n, dtype=np.int64) if doc_ids is None else np.asarray(doc_ids)
    starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
    ends = np.r_[starts[1:], n]
    w = CONTEXT_WINDOW
    for a, b in zip(starts, ends):
        D = S[a:b]
        m = b - a
        pad = np.zeros((w, k))
        P = np.vstack([pad, D, pad])
        block = out[a:b]
        block[:, :k] = D
        block[:, k:2 * k] = P[w - 1: w - 1 + m]        # previous block
        block[:, 2 * k:3 * k] = P[w + 1: w + 1 + m]    # next block
        block[:, 3 * k:4 * k] = np.max([P[w - j: w - j + m] for j in range(1, w + 1)], axis=0)
        block[:, 4 * k:5 * k] = np.max([P[w + j: w + j + m] for j in range(1, w + 1)], axis=0)
        block[:, -1] = 1.0 if m > 1 else 0.0
    return out


def fit_context(S: np.ndarray, labels, doc_ids, weights=None, categories=CATEGORIES) -> dict:
    """The context stage: one small logistic regression per category over context_features.

    ``S`` holds the first stage's scores (both views, all categories) in page order.
    """
    F = context_features(S, doc_ids)
    models = {}
    for cat in categories:
        y = np.array([cat in ls for ls in labels], dtype=np.int8)
        if 0 < y.sum() < len(y):
            models[cat] = LogisticRegression(C=1.0, max_iter=1000).fit(F, y, sample_weight=weights)
    return models


def apply_context(context: dict, S: np.ndarray, categories, doc_ids=None) -> np.ndarray:
    """Final scores (one column per category) from first-stage scores in page order."""
    F = context_features(S, doc_ids) if context else None
    k = len(categories)
    out = np.zeros((len(S), k))
    for j, cat in enumerate(categories):
        if cat in context:  # predict_proba's own arithmetic, without its input checks
            est = context[cat]
            out[:, j] = expit(F @ est.coef_.T + est.intercept_)[:, 0]
        else:  # no context model (none fitted, or a category too rare): the two views' mean
            out[:, j] = (S[:, j] + S[:, k + j]) / 2
    return out


def decide(blocks: list[dict], first: np.ndarray, S: np.ndarray, categories, enabled, thr) -> list[Prediction]:
    """Which blocks of one page to hide, from their scores: the rules on top of the model.

    ``blocks`` are the page's blocks in order (``text``, and ``tag`` and ``attrs``
    when the page has markup), ``first`` the first stage's two views (full, then
    words alone), ``S`` the final scores, one column per category.
    Cross-validation applies the same function to out-of-fold scores, so what it
    reports is what ``predict`` does.
    """
    cat_index = {c: i for i, c in enumerate(categories)}
    words_at = len(categories)
    lengths = [len(b["text"]) for b in blocks]
    out: list[Prediction] = []

    def surest(r: int, scores: dict) -> str | None:
        """Of the categories that pass, the strongest whose words view passes alone too (for a
        long block, LONG_BLOCK_MIN_SCORE as well), or None."""
        long = lengths[r] >= LONG_BLOCK_CHARS
        sure = [c for c in enabled if scores[c] >= thr[c] and first[r, words_at + cat_index[c]]
                >= (max(thr[c], LONG_BLOCK_MIN_SCORE) if long else thr[c])]
        return max(sure, key=lambda c: scores[c] / thr[c], default=None)

    for r, (length, row) in enumerate(zip(lengths, S.tolist())):  # S's columns are in categories' order
        scores = {c: round(v, 4) for c, v in zip(categories, row)}
        # strongest = largest margin over its own threshold among the enabled ones
        best = max(enabled, key=lambda c: scores[c] / thr[c], default=None)
        hide = bool(best is not None and scores[best] >= thr[best])
        if hide and length >= LONG_BLOCK_CHARS:
            # of the categories that pass, the strongest one whose words alone are sure:
            # a long plea whose final score leans to donation while its words say
            # foreign_agent is still an appeal
            best = surest(r, scores)
            hide = best is not None
        out.append(Prediction(hide=hide, category=best if hide else None, scores=scores))
    article = article_container(blocks, out)
    if article is not None:
        # Inside the article's own container every block carries the same class
        # tokens, so they cannot tell an appeal there from the article: a block
        # there hides only when its words alone pass as well.
        for r, (block, pred) in enumerate(zip(blocks, out)):
            if pred.hide and block.get("tag") and (block.get("attrs") or "") == article:
                pred.category = surest(r, pred.scores)
                pred.hide = pred.category is not None
    lead = _first_paragraph(blocks, article) if article is not None else None
    keep = set()
    if lead is not None:
        out[lead].hide, out[lead].category = False, None
        keep.add(lead)
    neighbour_pass(lengths, out, enabled, thr, keep=keep)
    return out


def article_container(blocks: list[dict], preds: list[Prediction]) -> str | None:
    """The class/id string of the article's container, or None when the page shows no article.

    The article is the container whose long paragraphs the model keeps: an appeal
    box of long paragraphs (a late "small favour" epic, sent on its own) is
    hidden, so it never counts as the article.
    """
    body: dict[str, int] = {}
    count: dict[str, int] = {}
    for block, pred in zip(blocks, preds):
        if block.get("tag") and not pred.hide and len(block["text"]) >= LEAD_BODY_CHARS:
            attrs = block.get("attrs") or ""
            body[attrs] = body.get(attrs, 0) + len(block["text"])
            count[attrs] = count.get(attrs, 0) + 1
    candidates = [a for a in body if count[a] >= LEAD_BODY_BLOCKS]
    return max(candidates, key=body.__getitem__) if candidates else None


def article_lead(blocks: list[dict], preds: list[Prediction]) -> int | None:
    """The index of the article's first paragraph, or None when the page shows no article.

    Its first paragraph is protected even when the model would hide it: an appeal
    written as the article's own first paragraph stays, since a hidden first
    paragraph is the worse failure.
    """
    article = article_container(blocks, preds)
    return None if article is None else _first_paragraph(blocks, article)


def _first_paragraph(blocks: list[dict], article: str) -> int | None:
    """The index of the first ``<p>`` of LEAD_MIN_CHARS or more in the container ``article``."""
    for i, block in enumerate(blocks):
        if (block.get("attrs") or "") == article and block.get("tag") == "p" and len(block["text"]) >= LEAD_MIN_CHARS:
            return i
    return None


def neighbour_pass(lengths, out: list[Prediction], enabled, thr, keep=()) -> None:
    """A short block beside a hidden block joins that block's appeal.

    Buttons, dismiss links and fine print ("Join now", "Maybe later",
    "Already a member? Sign in") say little on their own; beside a hidden
    appeal they are part of it, and take its category so that the unit
    collapses as one. Only blocks the model itself hid recruit neighbours,
    so a run of short blocks can never be hidden one by another. Blocks in
    ``keep`` (the article's lead) never join.
    """
    seeds = {r for r, pred in enumerate(out) if pred.hide}
    for order in (range(len(out)), range(len(out) - 1, -1, -1)):
        for r in order:
            pred = out[r]
            text_len = lengths[r]
            if text_len > NEIGHBOUR_MAX_CHARS or r in keep:
                continue
            for n in (r - 1, r + 1):
                if not (0 <= n < len(out) and out[n].hide and out[n].category in enabled):
                    continue
                cat = out[n].category
                if not pred.hide and n in seeds and max(pred.scores.values()) >= NEIGHBOUR_SHARE * thr[cat]:
                    pred.hide, pred.category = True, cat
                    pred.why = [{"cue": f"part of a {cat} appeal beside it", "weight": 0.0}]
                    break
                if pred.hide and pred.category != cat and text_len <= CONTROL_MAX_CHARS:
                    pred.category = cat  # a control of the neighbouring unit
                    break


class AppealModel:
    """Two first-stage views of each block, and a context stage over both.

    ``estimators`` read everything (words, characters, class tokens, shape);
    ``text_estimators`` read the words and characters alone. Markup learned from
    our synthetic pages does not always carry to real sites, while the words
    do; the context stage learns how far to trust each, block by block.
    """

    def __init__(self, featurizer: BlockFeaturizer, estimators: dict, thresholds: dict[str, float],
                 context: dict | None = None, text_estimators: dict | None = None):
        self.featurizer = featurizer
        self.estimators = estimators
        self.text_estimators = text_estimators or {}
        self.thresholds = thresholds
        self.categories = tuple(estimators)
        self.context = context
        self._names: list[str] | None = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_names"] = None  # rebuilt on demand, not worth the disk
        return state

    @classmethod
    def fit(cls, blocks: list[dict], labels: list[set[str]], weights=None, *, C: float = 30.0,
            thresholds: dict[str, float] | None = None, featurizer_params: dict | None = None):
        featurizer = BlockFeaturizer(**(featurizer_params or {}))
        X = featurizer.fit_transform(blocks)
        words = X[:, : featurizer.attr_slice_.start]
        estimators, text_estimators = {}, {}
        for cat in CATEGORIES:
            y = np.array([cat in ls for ls in labels], dtype=np.int8)
            if y.sum() == 0:
                continue
            estimators[cat] = LogisticRegression(C=C, max_iter=500).fit(X, y, sample_weight=weights)
            text_estimators[cat] = LogisticRegression(C=C, max_iter=500).fit(words, y, sample_weight=weights)
        return cls(featurizer, estimators, thresholds or {c: 0.5 for c in estimators},
                   text_estimators=text_estimators)

    def first_stage(self, X) -> np.ndarray:
        """Probabilities: one column per category from the full view, then one per category from the words."""
        # The logistic of each decision function, as predict_proba computes it,
        # without its input validation, which cost more than the products.
        words = X[:, : self.featurizer.attr_slice_.start]
        cols = [X @ self.estimators[c].coef_[0] + self.estimators[c].intercept_[0] for c in self.categories]
        cols += [words @ self.text_estimators[c].coef_[0] + self.text_estimators[c].intercept_[0]
                 for c in self.categories]
        return expit(np.column_stack(cols)) if cols else np.zeros((X.shape[0], 0))

    def combine(self, first: np.ndarray, doc_ids=None) -> np.ndarray:
        """Final scores from the first stage's two views and the neighbours."""
        return apply_context(self.context or {}, first, self.categories, doc_ids)

    def scores(self, blocks: list[dict], doc_ids=None) -> np.ndarray:
        """Final scores of blocks given in page order (``doc_ids`` separates pages)."""
        return self.combine(self.first_stage(self.featurizer.transform(blocks)), doc_ids)

    def explain_row(self, X, row: int, category: str, top: int = 5) -> list[dict]:
        """The features that pushed ``category`` up the most for one block."""
        if self._names is None:
            self._names = self.featurizer.feature_names()
        lo, hi = X.indptr[row], X.indptr[row + 1]  # the row's slice of the CSR arrays
        indices, data = X.indices[lo:hi], X.data[lo:hi]
        contrib = data * self.estimators[category].coef_[0][indices]
        order = np.argsort(-contrib)[:top]
        return [
            {"cue": self._names[indices[i]], "weight": round(float(contrib[i]), 3)}
            for i in order if contrib[i] > 0
        ]

    def predict(self, blocks: list, categories=None, sensitivity: float = 0.5,
                explain: bool = True, top: int = 5) -> list[Prediction]:
        dicts = [block_dict(b) for b in blocks]
        if not dicts:
            return []
        enabled = [c for c in self.categories if categories is None or c in categories]
        unknown = set(categories or ()) - set(CATEGORIES)
        if unknown:
            raise InvalidInput(f"unknown categories {sorted(unknown)}; allowed: {list(CATEGORIES)}")
        thr = effective_thresholds(self.thresholds, sensitivity)
        X = self.featurizer.transform(dicts)
        first = self.first_stage(X)
        S = self.combine(first)
        cat_index = {c: i for i, c in enumerate(self.categories)}
        words_at = len(self.categories)
        out = decide(dicts, first, S, self.categories, enabled, thr)
        if explain:
            for r, pred in enumerate(out):
                if pred.hide and not pred.why:
                    pred.why = self.explain_row(X, r, pred.category, top)
                    if max(first[r, cat_index[pred.category]], first[r, words_at + cat_index[pred.category]]) < thr[pred.category]:
                        # the neighbours carried it over the threshold
                        pred.why.insert(0, {"cue": f"among other {pred.category} blocks", "weight": 0.0})
        return out
