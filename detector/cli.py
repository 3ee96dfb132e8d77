"""The `detector` command: parses arguments, calls the library, maps its errors to one line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .errors import DetectorError, InvalidInput
from .settings import CATEGORIES, load_settings

REALPAGES = Path(__file__).resolve().parent.parent.parent / "shared" / "realpages"


def _err(message: str) -> None:
    print(f"detector: {message}", file=sys.stderr)


def _progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ classify

def read_source(path: str):
    """(blocks) for one input: .html/.htm as HTML, anything else as blank-line paragraphs, '-' = stdin."""
    from .segment import segment_html, segment_text

    if path == "-":
        data = sys.stdin.buffer.read()
        head = data[:2048].lstrip().lower()
        is_html = head.startswith((b"<!doctype", b"<html", b"<")) and b">" in head
    else:
        p = Path(path)
        if p.is_dir():
            raise InvalidInput(f"{path}: is a directory")
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise InvalidInput(f"{path}: no such file") from None
        except OSError as exc:
            raise InvalidInput(f"{path}: cannot read ({exc.strerror})") from None
        is_html = p.suffix.lower() in (".html", ".htm")
    if not data.strip():
        raise InvalidInput(f"{path}: empty input")
    if b"\x00" in data[:8192]:
        raise InvalidInput(f"{path}: binary data, not HTML or text")
    try:
        if is_html:
            return segment_html(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(f"{path}: not UTF-8 text") from None
        return segment_text(text)
    except InvalidInput as exc:
        message = str(exc)
        raise InvalidInput(message if message.startswith(path) else f"{path}: {message}") from None


def cmd_classify(args, settings) -> int:
    from .report import page_view
    from .store import load_model, resolve_model_path

    loaded = load_model(resolve_model_path(settings.models_dir, args.model))
    failed = 0
    for path in args.paths:
        try:
            blocks = read_source(path)
        except InvalidInput as exc:
            _err(str(exc))
            failed += 1
            continue
        preds = loaded.model.predict(blocks, categories=args.categories, sensitivity=args.sensitivity,
                                     top=settings.explain_top)
        if args.json:
            out = {"source": path, "blocks": [
                {"text": b.text, "hide": p.hide, "category": p.category, "scores": p.scores,
                 "why": p.why, "selector": b.selector} for b, p in zip(blocks, preds)]}
            print(json.dumps(out, ensure_ascii=False), flush=True)
        else:
            print(page_view(path, blocks, preds), flush=True)
    if failed:
        _err(f"{failed} of {len(args.paths)} inputs failed")
    return 1 if failed else 0


# ------------------------------------------------------------------ train / eval

def _feedback_rows(settings):
    from .feedback import FeedbackStore

    if not settings.feedback_path.exists():
        return []
    store = FeedbackStore(settings.feedback_path)
    try:
        return store.rows()
    finally:
        store.close()


def cmd_train(args, settings) -> int:
    from .report import cv_tables
    from .train import train

    corpus = Path(args.data) if args.data else settings.corpus()
    out_dir, name = settings.models_dir, None
    if args.out:
        out = Path(args.out)
        if out.suffix != ".joblib":
            raise InvalidInput(f"--out must name a .joblib file, got {out}")
        out_dir, name = out.parent, out.stem
    rows = [] if args.no_feedback else _feedback_rows(settings)
    result = train(corpus, out_dir, feedback_rows=rows, feedback_weight=settings.feedback_weight,
                   progress=_progress, folds=args.folds, name=name, make_current=not args.out)
    meta = result.meta
    print(cv_tables(meta["evaluation"]["grouped_cv"]))
    print(f"\nthresholds: " + ", ".join(f"{c} {t:.2f}" for c, t in
                                     json.loads(result.path.with_suffix('.json').read_text())["thresholds"].items()))
    print(f"corpus: {meta['corpus_blocks']} blocks (sha256 {meta['corpus_sha256'][:12]}), "
          f"user corrections: {meta['feedback_corrections']} (weight {meta['feedback_weight']:g})")
    print(f"saved {result.path} in {meta['train_seconds']} s")
    return 0


def cmd_eval(args, settings) -> int:
    from .corpus import load_corpus
    from .evaluate import (choose_thresholds, compare_realpages, context_oof, cv_report, label_matrix,
                           out_of_fold_scores, realpages_report)
    from .report import compare_tables, cv_tables, pr_plot, realpages_tables
    from .store import load_model, resolve_model_path

    result: dict = {}
    if not args.skip_cv and args.against is None:
        corpus = Path(args.data) if args.data else settings.corpus()
        examples = load_corpus(corpus)
        first = out_of_fold_scores(examples, n_splits=args.folds, progress=_progress)
        oof = context_oof(first, examples, n_splits=args.folds)
        Y = label_matrix(examples)
        thresholds = choose_thresholds(oof, Y)
        result["grouped_cv"] = cv_report(examples, oof, thresholds, first)
        result["grouped_cv"]["thresholds"] = thresholds
        if args.plots:
            result["plot"] = str(pr_plot(Y, oof, thresholds, Path(args.plots)))
    realpages = Path(args.realpages) if args.realpages else REALPAGES
    if realpages.is_dir():
        loaded = load_model(resolve_model_path(settings.models_dir, args.model))
        result["realpages"] = realpages_report(loaded.model, realpages, progress=_progress,
                                               limit=args.limit, sensitivity=args.sensitivity)
    elif args.realpages:
        raise InvalidInput(f"--realpages {realpages}: no such directory")
    if args.against is not None:
        if "realpages" not in result:
            raise InvalidInput(f"--against needs real labeled pages: {realpages} is not a directory (see --realpages)")
        other = load_model(args.against)
        theirs = realpages_report(other.model, realpages, progress=_progress,
                                  limit=args.limit, sensitivity=args.sensitivity)
        result["against"] = {"model": str(other.path), "realpages": theirs,
                             "comparison": compare_realpages(result["realpages"], theirs)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    if "grouped_cv" in result:
        print(cv_tables(result["grouped_cv"]) + "\n")
    if "against" in result:
        print(compare_tables(result["against"]["comparison"], str(loaded.path), result["against"]["model"]))
    elif "realpages" in result:
        print(realpages_tables(result["realpages"]))
    if "plot" in result:
        print(f"\nplot: {result['plot']}")
    return 0


# ------------------------------------------------------------------ serve / token / pair / feedback

def _quiet_server(config):
    """A uvicorn server that, after a graceful shutdown on SIGTERM/SIGINT, exits 0 instead of re-raising."""
    import contextlib
    import signal
    import threading

    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return Server(config)


def cmd_serve(args, settings) -> int:
    import uvicorn

    from .service import create_app, listening_socket

    if args.host not in ("127.0.0.1", "localhost", "::1"):
        _err(f"warning: serving on {args.host}, not loopback: other machines can reach this service")
    sock = listening_socket(args.host, settings.port)
    app = create_app(settings, model_path=args.model)
    config = uvicorn.Config(app, log_level=args.log_level, access_log=False, timeout_graceful_shutdown=5)
    _progress(f"serving on http://{args.host}:{settings.port} (Ctrl-C stops)")
    _quiet_server(config).run(sockets=[sock])
    _progress("stopped")
    return 0


def cmd_token(args, settings) -> int:
    from .auth import get_token

    print(get_token(settings.token_path))
    return 0


def cmd_pair(args, settings) -> int:
    from .auth import pin_extension, read_pinned

    if args.pin:
        pin_extension(settings.pairing_path, args.pin)
        print(f"pairing limited to extension {args.pin}")
    elif args.unpin:
        pin_extension(settings.pairing_path, None)
        print("pairing open to any browser extension")
    else:
        pinned = read_pinned(settings.pairing_path)
        print(f"pinned extension: {pinned}" if pinned else "pairing open to any browser extension (not pinned)")
    return 0


def cmd_feedback(args, settings) -> int:
    from .feedback import FeedbackStore
    from .report import table

    store = FeedbackStore(settings.feedback_path)
    try:
        if args.action == "list":
            rows = store.rows()
            print(table([[r["id"], r["label"], r["site"], r["text"][:70]] for r in rows],
                        ["id", "label", "site", "text"]) if rows else "no corrections yet")
        elif args.action == "export":
            for row in store.rows():
                print(json.dumps(row, ensure_ascii=False))
        elif args.action == "remove":
            if not args.ids:
                raise InvalidInput("feedback remove needs one or more ids (see `detector feedback list`)")
            print(f"removed {store.remove(args.ids)} correction(s)")
        elif args.action == "clear":
            if not args.yes:
                raise InvalidInput("feedback clear deletes every correction; add --yes to confirm")
            print(f"removed {store.clear()} correction(s)")
    finally:
        store.close()
    return 0


# ------------------------------------------------------------------ parser

def _command(sub, name, func, help_text, example):
    p = sub.add_parser(name, help=help_text, description=help_text, epilog=f"example:\n  {example}",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.set_defaults(func=func)
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="detector", description="Find appeals (donation, paywall, newsletter, ad-blocker, "
        "foreign-agent) in news pages.", epilog="example:\n  detector classify page.html --json",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"detector {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = _command(sub, "classify", cmd_classify, "Classify the blocks of HTML or text files.",
                 "detector classify article.html notes.txt --json")
    p.add_argument("paths", nargs="+", metavar="PATH", help=".html/.htm as HTML, others as text, - for stdin")
    p.add_argument("--json", action="store_true", help="one JSON object per input, one per line")
    p.add_argument("--model", type=Path, help="a model file instead of the current one")
    p.add_argument("--categories", nargs="+", choices=CATEGORIES, help="hide only these")
    p.add_argument("--sensitivity", type=float, default=None, help="0..1, higher hides more (default 0.5)")

    p = _command(sub, "train", cmd_train, "Train a model on the corpus and your corrections.",
                 "detector train --data training/")
    p.add_argument("--data", help="corpus directory (default: the checkout's training/)")
    p.add_argument("--out", help="write this .joblib (and its .json) instead of replacing the current model")
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds for the thresholds")
    p.add_argument("--no-feedback", action="store_true", help="leave your corrections out")

    p = _command(sub, "eval", cmd_eval, "Evaluate: grouped CV on the corpus, recall on real pages.",
                 "detector eval --realpages ../shared/realpages --plots plots/")
    p.add_argument("--data", help="corpus directory (default: the checkout's training/)")
    p.add_argument("--realpages", help="directory of real labeled pages (default ../shared/realpages when present)")
    p.add_argument("--model", type=Path, help="a model file instead of the current one")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--limit", type=int, help="only the first N real pages")
    p.add_argument("--skip-cv", action="store_true", help="only the real pages")
    p.add_argument("--sensitivity", type=float, default=None, help="0..1 (default 0.5)")
    p.add_argument("--plots", help="write precision-recall plots (PNG) here")
    p.add_argument("--against", type=Path, metavar="MODEL",
                   help="compare with this model file on the real pages, label by label (implies --skip-cv)")
    p.add_argument("--json", action="store_true")

    p = _command(sub, "serve", cmd_serve, "Run the local service for the browser extension.",
                 "detector serve --port 8765")
    p.add_argument("--host", default=None, help="address to bind (default 127.0.0.1; others warn)")
    p.add_argument("--port", type=int, default=None, help="port (default 8765)")
    p.add_argument("--model", type=Path, help="serve this model file (no hot swap)")
    p.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])

    _command(sub, "token", cmd_token, "Print the secret the service expects in X-Detector-Token.",
             "curl -H \"X-Detector-Token: $(detector token)\" ...")

    p = _command(sub, "pair", cmd_pair, "Show or limit which browser extension may pair with the service.",
                 "detector pair --pin abcdefghijklmnopabcdefghijklmnop")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--pin", metavar="EXTENSION_ID", help="only this extension id may pair")
    g.add_argument("--unpin", action="store_true", help="any extension may pair again")

    p = _command(sub, "feedback", cmd_feedback, "List, export, remove or clear your corrections.",
                 "detector feedback list")
    p.add_argument("action", choices=["list", "export", "remove", "clear"])
    p.add_argument("ids", nargs="*", type=int, help="ids to remove")
    p.add_argument("--yes", action="store_true", help="confirm clear")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(**{k: getattr(args, k, None) for k in ("host", "port", "sensitivity")})
        if hasattr(args, "host"):
            args.host = settings.host
        if hasattr(args, "sensitivity"):
            args.sensitivity = settings.sensitivity
            if not 0 <= args.sensitivity <= 1:
                raise InvalidInput(f"sensitivity must be between 0 and 1, got {args.sensitivity}")
        return args.func(args, settings)
    except DetectorError as exc:
        _err(str(exc))
        return 2
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: one line, not a traceback
        _err(f"internal error ({type(exc).__name__}: {exc}); please report it")
        return 3
