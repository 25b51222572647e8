"""The stance-pipeline console script, run as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "pipeline.serve.cli"]


def run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + args, capture_output=True, text=True, input=stdin, timeout=120)


def test_predict_files_jsonl_sentences(tmp_path: Path, model_path: str) -> None:
    a = tmp_path / "a.txt"
    a.write_text("Microsoft a refusé de payer.\nPublicité", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("Twitter accuse Microsoft.", encoding="utf-8")
    out = run(["predict", str(a), str(b), "--model", model_path])
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["article_id"], r["index"]) for r in rows] == [(str(a), 0), (str(a), 1), (str(b), 0)]
    assert rows[0]["text"] == "Microsoft a refusé de payer." and "p_pro_twitter" in rows[0]


def test_predict_stdin_csv_article_level(model_path: str) -> None:
    out = run(["predict", "-", "--format", "csv", "--level", "article", "--model", model_path],
              stdin="Twitter accuse Microsoft.\nMicrosoft dément.")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 1 and rows[0]["article_id"] == "-" and rows[0]["n_sentences"] == "2"


def test_usage_error_exits_2() -> None:
    assert run(["predict"]).returncode == 2
    assert run(["predict", "x.txt", "--format", "xml"]).returncode == 2


def test_failures_exit_1_with_one_line_reason(tmp_path: Path, model_path: str) -> None:
    missing = run(["predict", str(tmp_path / "nope.txt"), "--model", model_path])
    assert missing.returncode == 1 and "nope.txt" in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Le président a parlé.".encode("latin-1"))
    bad = run(["predict", str(latin1), "--model", model_path])
    assert bad.returncode == 1 and "latin1.txt:1: not valid UTF-8" in bad.stderr
    no_model = run(["predict", "-", "--model", str(tmp_path / "none.joblib")], stdin="Un texte.")
    assert no_model.returncode == 1 and "dvc repro" in no_model.stderr


def test_cli_and_pyfunc_give_the_same_article_rows(tmp_path: Path, model_path: str) -> None:
    from pipeline import predict
    from pipeline.serve.predict import ARTICLE_COLUMNS
    from pipeline.serve.pyfunc import article_frame

    article = tmp_path / "a.txt"
    article.write_text("Twitter accuse Microsoft.\nUn porte-parole a démenti.\nPublicité\n", encoding="utf-8")
    out = run(["predict", "--level", "article", "--model", model_path, str(article)])
    assert out.returncode == 0, out.stderr
    cli_row = json.loads(out.stdout.splitlines()[0])
    frame_row = article_frame([predict({"id": str(article), "text": article.read_text(encoding="utf-8")},
                                       model=model_path)]).to_dict("records")[0]
    assert list(cli_row) == list(ARTICLE_COLUMNS) == list(frame_row)
    assert json.loads(cli_row.pop("sentences_json")) == json.loads(frame_row.pop("sentences_json"))
    assert cli_row == frame_row
