"""The training corpus: labeled blocks, labeled HTML pages, and the user's corrections.

``training/blocks/*.jsonl``   one labeled block per line (see training/README.md)
``training/pages/*.html``     labeled pages, each with ``<name>.labels.json`` listing its appeal blocks
Everything becomes one list of examples (dicts the featurizer reads, plus
``labels``, ``publisher``, ``lang``, ``origin`` and ``weight``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .errors import CorpusError, InvalidInput
from .model import block_dict
from .segment import segment_html
from .settings import CATEGORIES



def _check_labels(labels, where: str) -> set[str]:
    if not isinstance(labels, list) or any(lab not in CATEGORIES for lab in labels):
        raise CorpusError(f"{where}: labels must be a list drawn from {list(CATEGORIES)}, got {labels!r}")
    return set(labels)


def load_blocks(corpus: Path) -> list[dict]:
    examples = []
    files = sorted((corpus / "blocks").glob("*.jsonl"))
    for path in files:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path.name}:{n}"
                try:
                    row = json.loads(line)
                    text = row["text"]
                except (ValueError, KeyError, TypeError):
                    raise CorpusError(f"{where}: not a JSON object with a 'text' field") from None
                # Text-only examples carry no markup: no tag means "structure unknown"
                # (see features.structure_row), so structure is learned from the pages.
                examples.append({
                    "text": " ".join(str(text).split()), "tag": "", "attrs": "",
                    "link_density": 0.0, "position": 0.5, "labels": _check_labels(row.get("labels", []), where),
                    "publisher": row.get("publisher") or "unknown", "lang": row.get("lang") or "?",
                    "origin": "block", "weight": 1.0, "hard_negative": bool(row.get("hard_negative")),
                    "doc": f"{path.stem}:{n}",  # a text-only block is a document of its own
                })
    return examples


def page_examples(html_path: Path) -> list[dict]:
    labels_path = html_path.with_name(html_path.name[: -len(".html")] + ".labels.json")
    try:
        info = json.loads(labels_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{html_path.name}: no readable labels file ({exc})") from None
    wanted = {}
    for item in info.get("appeals", []):
        wanted[item["text"]] = _check_labels(item["labels"], labels_path.name)
    try:
        blocks = segment_html(html_path.read_bytes())
    except InvalidInput as exc:
        raise CorpusError(f"{html_path.name}: {exc}") from None
    out = []
    for b in blocks:
        out.append({
            **block_dict(b), "labels": wanted.get(b.text, set()),
            "publisher": info.get("publisher") or html_path.stem.split("--")[0],
            "lang": info.get("lang") or "?", "origin": "page", "weight": 1.0, "hard_negative": False,
            "doc": html_path.name,
        })
    return out


def load_pages(corpus: Path) -> list[dict]:
    examples = []
    for path in sorted((corpus / "pages").glob("*.html")):
        examples.extend(page_examples(path))
    return examples


def load_corpus(corpus: Path) -> list[dict]:
    corpus = Path(corpus)
    if not (corpus / "blocks").is_dir():
        raise CorpusError(f"no corpus at {corpus} (expected {corpus}/blocks/*.jsonl); pass --data DIR")
    examples = load_blocks(corpus) + load_pages(corpus)
    if not examples:
        raise CorpusError(f"the corpus at {corpus} is empty")
    return examples


def corpus_files(corpus: Path) -> list[Path]:
    corpus = Path(corpus)
    patterns = ("blocks/*.jsonl", "publishers/*.jsonl", "pages/*.html", "pages/*.labels.json")
    return sorted(p for pattern in patterns for p in corpus.glob(pattern))


def corpus_hash(corpus: Path) -> str:
    """sha256 over the corpus files' relative names and bytes, in a fixed order."""
    digest = hashlib.sha256()
    for path in corpus_files(corpus):
        digest.update(path.relative_to(corpus).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
