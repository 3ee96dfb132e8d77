"""Make or refresh a golden page case: tests/pages/<slug>/expected.json from source.html.

    python tests/make_golden.py SLUG            # write the "blocks" of a new case
    python tests/make_golden.py SLUG --propose  # also print the model's decisions to review

The "blocks" list (text, tag, attrs) is the segmenter's output, and the
extension's segmenter is checked against it. The "hidden" and "kept" lists
are written by hand: what a reader would call an appeal (with its category)
and which article paragraphs must stay. Never fill them from the model.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from detector.segment import segment_html

PAGES = Path(__file__).resolve().parent / "pages"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("slug")
    parser.add_argument("--propose", action="store_true")
    args = parser.parse_args()
    case = PAGES / args.slug
    blocks = segment_html((case / "source.html").read_bytes())
    path = case / "expected.json"
    expected = json.loads(path.read_text()) if path.exists() else {"hidden": [], "kept": []}
    expected["blocks"] = [{"text": b.text, "tag": b.tag, "attrs": b.attrs} for b in blocks]
    path.write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n")
    print(f"{path}: {len(blocks)} blocks")
    if args.propose:
        from detector.settings import load_settings
        from detector.store import load_model, resolve_model_path

        model = load_model(resolve_model_path(load_settings().models_dir)).model
        for b, p in zip(blocks, model.predict(blocks, explain=False)):
            print(f"  {'HIDE ' + p.category if p.hide else 'keep':<20} {b.text[:90]}")


if __name__ == "__main__":
    main()
