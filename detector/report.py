"""Readable output: aligned tables, the block view of a page, and precision-recall plots."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from .settings import CATEGORIES


def table(rows: list[list], header: list[str]) -> str:
    cells = [[str(c) for c in header]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


def page_view(source: str, blocks, preds) -> str:
    width = max(60, min(140, shutil.get_terminal_size((100, 20)).columns))
    hidden = sum(p.hide for p in preds)
    lines = [f"== {source}: {len(blocks)} blocks, {hidden} hidden"]
    for block, pred in zip(blocks, preds):
        if pred.hide:
            mark = f"HIDE {pred.category} {pred.scores[pred.category]:.2f}"
        else:
            mark = "keep"
        room = max(20, width - len(mark) - 5)
        text = block.text if len(block.text) <= room else block.text[: room - 1] + "…"
        lines.append(f"  [{mark}] {text}")
        if pred.hide and pred.why:
            lines.append("      because: " + ", ".join(f"{w['cue']} ({w['weight']:+.2f})" for w in pred.why))
    return "\n".join(lines)


def cv_tables(report: dict) -> str:
    cats = [[c, m["precision"], m["recall"], m["f1"], m["support"]] for c, m in report["by_category"].items()]
    cats.append(["any appeal", *[report["any_appeal"][k] for k in ("precision", "recall", "f1", "support")]])
    langs = [[lang, m["precision"], m["recall"], m["f1"], m["support"]] for lang, m in report["by_language"].items()]
    head = ["precision", "recall", "f1", "appeals"]
    return (
        "Grouped cross-validation by publisher (out-of-fold, tuned thresholds)\n"
        + table(cats, ["category", *head]) + "\n\n" + table(langs, ["language", *head])
        + f"\n\ncontent blocks hidden: {report['content_false_hides']:.4f}"
        + (f"   hard negatives hidden: {report['hard_negative_false_hides']:.4f}"
           if report.get("hard_negative_false_hides") is not None else "")
        + _pages_line(report.get("pages"))
    )


def _pages_line(pages: dict | None) -> str:
    if not pages:
        return ""
    return (f"\non the corpus pages, with every rule of the model ({pages['pages']} pages): "
            f"appeal blocks hidden {pages['appeal_recall']:.4f} ({pages['appeals_hidden']} of {pages['appeals']}); "
            f"content blocks hidden {pages['content_hidden']} of {pages['content']}, "
            f"{pages['long_content_hidden']} of them of {pages['long_chars']}+ characters")


def realpages_tables(rep: dict, worst: int = 10) -> str:
    rows = [[k, v["recall"], v["caught"], v["total"], "{:.3f}-{:.3f}".format(*v["interval"])]
            for k, v in rep["recall"].items()]
    ch = rep["content_hidden"]
    out = [
        f"Real pages ({rep['pages']}): strong-appeal recall by text overlap",
        table(rows, ["group", "recall", "caught", "labels", f"{rep['interval_level']:.0%} interval"]),
        f"article text hidden: {ch['share']:.4%} ({ch['hidden']} of {ch['total']} strings); "
        f"first paragraph hidden on {len(rep['first_paragraph_hidden'])} pages; "
        f"labels not found among blocks: {rep['strong_labels_not_in_blocks']}",
        _unlabeled_line(rep.get("hidden_unlabeled")),
        f"\nworst misses (first {worst}):",
    ]
    out += [f"  {m['page']} [{m['category']}] {m['text'][:110]}" for m in rep["misses"][:worst]]
    out.append(f"\nfalse hides (first {worst}):")
    out += [f"  {f['page']} {f['text'][:110]}" for f in rep["false_hides"][:worst]]
    return "\n".join(out)


def compare_tables(cmp: dict, name_a: str, name_b: str) -> str:
    """The label-by-label comparison of two models on the real pages (``compare_realpages``)."""
    rows = [[k, v["total"], v["a"], v["b"], v["only_a"], v["only_b"], v["p"]] for k, v in cmp["groups"].items()]
    hides = [[label, v["a"], v["b"], v["only_a"], v["only_b"], v["p"]]
             for label, v in (("article strings", cmp["article_strings_hidden"]),
                              ("unlabeled 100+ chars", cmp["unlabeled_long_hidden"]))]
    first = cmp["first_paragraphs_hidden"]
    return "\n".join([
        f"A = {name_a}\nB = {name_b}",
        "strong appeals caught (only A / only B: caught by one model and missed by the other)",
        table(rows, ["group", "labels", "A", "B", "only A", "only B", "sign test p"]),
        "hidden (only A / only B: hidden by one model and kept by the other)",
        table(hides, ["what", "A", "B", "only A", "only B", "sign test p"]),
        f"first paragraphs hidden: A {first['a']}, B {first['b']}",
        "p is the chance of a split at least this uneven if neither model were better (per group, uncorrected).",
    ])


def _unlabeled_line(unl: dict | None) -> str:
    if not unl:
        return ""
    return (f"hidden blocks matching no label (unlabeled appeals, or page text hidden): {unl['unlabeled']} "
            f"of {unl['hidden_blocks']} hidden, {unl['unlabeled_long']} of them of {unl['long_chars']}+ characters")


def pr_plot(Y: np.ndarray, scores: np.ndarray, thresholds: dict, out_dir: Path) -> Path:
    """Precision-recall curves per category (out-of-fold scores) with the chosen thresholds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve

    out_dir.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(7, 5))
    for j, cat in enumerate(CATEGORIES):
        if not Y[:, j].any():
            continue
        p, r, t = precision_recall_curve(Y[:, j], scores[:, j])
        line, = ax.plot(r, p, label=cat)
        k = min(np.searchsorted(t, thresholds[cat]), len(t) - 1)
        ax.plot(r[k], p[k], "o", color=line.get_color())
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_title("Precision-recall per category (grouped CV; dots = thresholds)")
    ax.set_ylim(0.5, 1.01)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    path = out_dir / "precision-recall.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path
