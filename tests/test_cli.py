import json
import subprocess
import sys

import pytest

from detector.cli import build_parser, main
from tests.conftest import write_tiny_corpus

ARTICLE = """<html><body><article>
<h1>Council approves the new bridge</h1>
<p>The city council voted on Tuesday to approve the long-delayed bridge over the river, ending a decade of debate.</p>
<aside class="donate-box"><h3>Support independent journalism</h3>
<p>Our reporting is funded by readers like you. Please donate today to keep it free for everyone.</p>
<a class="btn" href="/donate">Donate now</a></aside>
<p>Construction is expected to start next spring and last two years, the mayor said at a press conference.</p>
</article></body></html>"""


@pytest.fixture
def files(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(ARTICLE)
    text = tmp_path / "notes.txt"
    text.write_text("The mayor spoke to reporters.\n\nSign up for our newsletter to get the morning briefing in your inbox.\n")
    return page, text


def error_lines(err: str) -> list[str]:
    """stderr without the progress lines (which start with an ellipsis)."""
    return [line for line in err.splitlines() if not line.startswith("…")]


def run_json(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    return code, [json.loads(line) for line in out.out.splitlines()], out.err


def test_classify_json_on_html_and_text(home, files, capsys):
    page, text = files
    code, results, err = run_json(capsys, ["classify", "--json", str(page), str(text)])
    assert code == 0 and err == ""
    assert [r["source"] for r in results] == [str(page), str(text)]
    html_blocks = {b["text"]: b for b in results[0]["blocks"]}
    assert html_blocks["Our reporting is funded by readers like you. Please donate today to keep it free for everyone."]["hide"]
    assert html_blocks["Our reporting is funded by readers like you. Please donate today to keep it free for everyone."]["category"] == "donation"
    assert not html_blocks["The city council voted on Tuesday to approve the long-delayed bridge over the river, ending a decade of debate."]["hide"]
    block = results[0]["blocks"][0]
    assert set(block) >= {"text", "hide", "category", "scores", "selector", "why"}
    assert set(block["scores"]) == {"donation", "paywall", "newsletter", "adblock", "foreign_agent"}
    hidden = [b for b in results[0]["blocks"] if b["hide"]]
    assert all(b["why"] and b["why"][0]["weight"] > 0 for b in hidden if b["why"][0]["cue"].find("beside") < 0)
    text_blocks = results[1]["blocks"]
    assert [b["hide"] for b in text_blocks] == [False, True]
    assert text_blocks[1]["category"] == "newsletter" and text_blocks[1]["selector"] is None


def test_classify_readable_view_marks_hidden_blocks(home, files, capsys):
    page, _ = files
    assert main(["classify", str(page)]) == 0
    out = capsys.readouterr().out
    assert "HIDE donation" in out and "because:" in out
    assert "[keep] The city council voted" in out


def test_classify_stdin(home, monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode())))
    code, results, _ = run_json(capsys, ["classify", "--json", "-"])
    assert code == 0 and results[0]["source"] == "-"
    assert any(b["hide"] for b in results[0]["blocks"])


def test_bad_inputs_get_one_line_each_and_the_rest_still_run(home, files, tmp_path, capsys):
    page, _ = files
    empty = tmp_path / "empty.html"
    empty.write_text("  \n")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 10)
    code, results, err = run_json(capsys, ["classify", "--json", str(tmp_path / "missing.html"), str(empty),
                                           str(binary), str(tmp_path), str(page)])
    assert code == 1
    assert [r["source"] for r in results] == [str(page)]
    lines = err.strip().splitlines()
    assert len(lines) == 5 and "Traceback" not in err
    assert "missing.html: no such file" in lines[0]
    assert "empty" in lines[1] and "binary" in lines[2] and "directory" in lines[3]
    assert "4 of 5 inputs failed" in lines[4]


def test_bad_sensitivity_is_one_line(home, files, capsys):
    assert main(["classify", "--sensitivity", "3", str(files[0])]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "between 0 and 1" in err


def test_train_writes_a_model_and_prints_a_summary(home, tmp_path, capsys):
    corpus = write_tiny_corpus(tmp_path / "corpus")
    out = tmp_path / "out" / "mine.joblib"
    assert main(["train", "--data", str(corpus), "--out", str(out), "--folds", "2"]) == 0
    captured = capsys.readouterr()
    assert out.is_file() and out.with_suffix(".json").is_file()
    assert "fold 1/2" in captured.err  # progress
    assert "precision" in captured.out and "thresholds:" in captured.out and "saved" in captured.out
    code, results, _ = run_json(capsys, ["classify", "--json", "--model", str(out), str(tmp_path / "corpus" / "blocks" / "tiny.jsonl")])
    assert code == 0


def test_train_replaces_the_current_model_in_the_data_dir(home, tmp_path, capsys):
    corpus = write_tiny_corpus(tmp_path / "corpus")
    assert main(["train", "--data", str(corpus), "--folds", "2"]) == 0
    assert (home / "models" / "current").is_file()
    main(["classify", "--json", str(corpus / "blocks" / "tiny.jsonl")])


def test_train_on_a_missing_corpus_is_one_line(home, tmp_path, capsys):
    assert main(["train", "--data", str(tmp_path / "nothing")]) == 2
    errors = error_lines(capsys.readouterr().err)
    assert len(errors) == 1 and "no corpus" in errors[0]


def test_train_on_a_malformed_corpus_names_the_line(home, tmp_path, capsys):
    corpus = write_tiny_corpus(tmp_path / "corpus")
    with open(corpus / "blocks" / "tiny.jsonl", "a") as fh:
        fh.write('{"text": "x", "labels": ["spam"]}\n')
    assert main(["train", "--data", str(corpus)]) == 2
    assert "tiny.jsonl:81" in capsys.readouterr().err


def test_tampered_current_model_is_refused_by_classify(home, tmp_path, files, capsys):
    corpus = write_tiny_corpus(tmp_path / "corpus")
    main(["train", "--data", str(corpus), "--folds", "2"])
    current = home / "models" / ((home / "models" / "current").read_text().strip() + ".joblib")
    with open(current, "ab") as fh:
        fh.write(b"junk")
    capsys.readouterr()
    assert main(["classify", str(files[0])]) == 2
    err = capsys.readouterr().err
    assert "sha256" in err and "detector train" in err and err.count("\n") == 1


def test_eval_json_on_the_tiny_corpus(home, tmp_path, capsys):
    corpus = write_tiny_corpus(tmp_path / "corpus")
    code = main(["eval", "--data", str(corpus), "--folds", "2", "--json", "--realpages", str(tmp_path / "none")])
    assert code == 2  # a --realpages that does not exist is an error
    code = main(["eval", "--data", str(corpus), "--folds", "2", "--json", "--plots", str(tmp_path / "plots")])
    out = capsys.readouterr().out.strip().splitlines()[-1]
    report = json.loads(out)
    assert code == 0
    assert set(report["grouped_cv"]["by_category"]) == {"donation", "paywall", "newsletter", "adblock", "foreign_agent"}
    assert (tmp_path / "plots" / "precision-recall.png").stat().st_size > 1000


def test_token_is_stable_and_private(home, capsys):
    assert main(["token"]) == 0
    first = capsys.readouterr().out.strip()
    main(["token"])
    assert capsys.readouterr().out.strip() == first and len(first) >= 32
    assert oct((home / "token").stat().st_mode & 0o777) == "0o600"


def test_pair_pin_and_unpin(home, capsys):
    assert main(["pair", "--pin", "abcdefghijklmnop"]) == 0
    main(["pair"])
    assert "abcdefghijklmnop" in capsys.readouterr().out
    assert main(["pair", "--pin", "../etc"]) == 2
    assert "not an extension id" in capsys.readouterr().err
    main(["pair", "--unpin"])
    main(["pair"])
    assert "not pinned" in capsys.readouterr().out


def test_feedback_commands(home, capsys):
    from detector.feedback import FeedbackStore
    from detector.settings import load_settings

    store = FeedbackStore(load_settings().feedback_path)
    a = store.add("https://news.example/a", "Support us today", "donation")
    store.add("https://news.example/b", "Weather report", "content")
    store.close()
    main(["feedback", "list"])
    out = capsys.readouterr().out
    assert "Support us today" in out and "news.example" in out
    main(["feedback", "export"])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["label"] for r in rows] == ["donation", "content"]
    assert main(["feedback", "remove", str(a)]) == 0
    assert "removed 1" in capsys.readouterr().out
    assert main(["feedback", "clear"]) == 2
    assert "--yes" in capsys.readouterr().err
    assert main(["feedback", "clear", "--yes"]) == 0
    main(["feedback", "list"])
    assert "no corrections" in capsys.readouterr().out


def test_every_command_documents_itself_with_an_example(capsys):
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert set(commands) >= {"classify", "train", "eval", "serve", "token", "pair", "feedback"}
    for name in commands:
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0
        out = capsys.readouterr().out
        assert "example:" in out and f"detector {name}" in out.split("example:")[1] or "detector" in out.split("example:")[1]


def test_console_script_and_module_entry_points(home, files):
    for cmd in (["detector"], [sys.executable, "-m", "detector"]):
        done = subprocess.run(cmd + ["classify", "--json", str(files[1])], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["source"] == str(files[1])


def test_serve_on_a_taken_port_fails_with_one_line(home):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "detector", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "cannot listen" in done.stderr


def test_json_output_of_a_golden_page_with_long_hidden_blocks(home, capsys):
    from pathlib import Path

    page = Path(__file__).parent / "pages" / "en-inline-donation" / "source.html"
    code, results, err = run_json(capsys, ["classify", "--json", str(page)])
    assert code == 0 and err == ""
    hidden = [b for b in results[0]["blocks"] if b["hide"]]
    assert any(len(b["text"]) >= 200 for b in hidden)  # the words-alone path for long blocks
    assert all(type(b["hide"]) is bool for b in results[0]["blocks"])
