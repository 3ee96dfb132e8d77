"""Training: corpus (+ the user's corrections) -> thresholds from grouped CV -> final model -> save."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .corpus import corpus_hash, load_corpus
from .errors import CorpusChanged
from .evaluate import choose_thresholds, context_oof, cv_report, doc_index, label_matrix, out_of_fold_scores
from .model import AppealModel, fit_context
from .store import save_model


@dataclass
class TrainResult:
    path: Path
    meta: dict


def feedback_examples(rows, weight: float) -> list[dict]:
    """The user's corrections as training examples, each its own publisher group (its site)."""
    out = []
    for row in rows:
        out.append({
            "text": row["text"], "tag": "", "attrs": row.get("attrs") or "", "link_density": 0.0,
            "position": 0.5, "labels": set() if row["label"] == "content" else {row["label"]},
            "publisher": "feedback:" + (row.get("site") or "?"), "lang": "?", "origin": "feedback",
            "weight": weight, "hard_negative": False, "doc": f"feedback:{row.get('id')}",
        })
    return out


def train(corpus: Path, models_dir: Path, feedback_rows=(), feedback_weight: float = 5.0,
          progress=print, folds: int = 5, name: str | None = None, make_current: bool = True) -> TrainResult:
    started = time.time()
    progress(f"loading the corpus from {corpus}")
    # The hash is taken before the files are read and checked again before the
    # model is saved: a sidecar must name the corpus the model was trained on,
    # not one that a rebuild of the pages (or a checkout) left behind meanwhile.
    digest = corpus_hash(corpus)
    examples = load_corpus(corpus)
    fb = feedback_examples(feedback_rows, feedback_weight)
    progress(f"{len(examples)} corpus blocks, {len(fb)} corrections")
    first = out_of_fold_scores(examples, n_splits=folds, progress=progress)
    progress("context stage")
    oof = context_oof(first, examples, n_splits=folds)
    thresholds = choose_thresholds(oof, label_matrix(examples))
    report = cv_report(examples, oof, thresholds, first)
    progress("training the final model on everything")
    everything = examples + fb
    model = AppealModel.fit(
        everything, [ex["labels"] for ex in everything],
        np.array([ex.get("weight", 1.0) for ex in everything]), thresholds=thresholds,
    )
    model.context = fit_context(first, [ex["labels"] for ex in examples], doc_index(examples))
    meta = {
        "corpus_sha256": digest,
        "corpus_blocks": len(examples),
        "feedback_corrections": len(fb),
        "feedback_weight": feedback_weight,
        "evaluation": {"grouped_cv": report},
        "train_seconds": round(time.time() - started, 1),
    }
    if corpus_hash(corpus) != digest:
        raise CorpusChanged(f"the corpus in {corpus} changed while the model was training; "
                            "nothing was saved: train again once it is settled")
    path = save_model(model, models_dir, meta, name=name, make_current=make_current)
    return TrainResult(path=path, meta=meta)
