"""Spark batch scoring on a real local Spark session (``local[2]``, loopback only): the same rows as predict()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import config, predict
from pipeline.serve import cli
from pipeline.serve import spark as spark_scoring

pytest.importorskip("pyspark", reason="install the [spark] extra: pip install -e '.[spark]'")


@pytest.fixture(scope="module")
def spark():
    session = spark_scoring.session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(config.SEEDS_DIR.glob("*.txt"))]
    texts.append("Publicité\nMicrosoft a répondu qu'il examinerait ces questions.\n")
    texts.append("")
    return [{"id": f"art-{i}", "text": t} for i, t in enumerate(texts)]


def _rows(df) -> list[dict]:
    return [row.asDict() for row in df.collect()]


def _without_error(rows: list[dict]) -> list[dict]:
    assert all(r.pop("error") is None for r in rows)
    return rows


def test_article_rows_equal_predict(spark, articles: list[dict], model_path: str) -> None:
    df = spark.createDataFrame([(a["id"], a["text"]) for a in articles], "id string, text string").repartition(2)
    got = _without_error(_rows(spark_scoring.score(df.orderBy("id"), id_col="id", level="article", model=model_path)))
    expected = sorted((r.article_row() for r in predict(articles, model=model_path)), key=lambda r: r["article_id"])
    assert got == expected
    assert len(got) == len(articles)


def test_sentence_rows_equal_predict_with_offsets_into_the_input(spark, articles: list[dict], model_path: str) -> None:
    df = spark.createDataFrame([(a["text"],) for a in articles], "text string")
    got = _without_error(_rows(spark_scoring.score(df, level="sentence", model=model_path)))
    expected = [row for r in predict([a["text"] for a in articles], model=model_path) for row in r.sentence_rows()]
    for row in expected:
        row["article_id"] = str(row["article_id"])  # without id_col the id is the row's position
    assert got == expected
    for row in got:
        assert articles[int(row["article_id"])]["text"][row["start"]:row["end"]].strip()


def test_null_and_non_string_texts_give_error_rows_not_a_failed_job(spark, model_path: str) -> None:
    df = spark.createDataFrame([("a", "Microsoft a répondu."), ("b", None)], "id string, text string")
    rows = _rows(spark_scoring.score(df, id_col="id", model=model_path))
    assert [r["article_id"] for r in rows] == ["a", "b"]
    assert rows[0]["error"] is None and rows[0]["n_sentences"] == 1
    assert rows[1]["error"] == "text is null, expected a string" and rows[1]["n_sentences"] is None

    numbers = spark.createDataFrame([(7,)], "text int")
    (row,) = _rows(spark_scoring.score(numbers, level="sentence", model=model_path))
    assert row["error"] == "text is int, expected a string" and row["text"] is None


def test_unknown_level_and_missing_column_are_refused(spark, model_path: str) -> None:
    df = spark.createDataFrame([("x",)], "body string")
    with pytest.raises(ValueError, match="text_col='text' is not a column.*body"):
        spark_scoring.score(df, model=model_path)
    with pytest.raises(ValueError, match="level must be one of"):
        spark_scoring.score(df, text_col="body", level="page", model=model_path)


def test_a_folder_is_read_once_by_its_check(tmp_path: Path, spark) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "b.txt").write_text("Twitter accuse Microsoft.\n", encoding="utf-8")
    (folder / "a.txt").write_text("\ufeffMicrosoft a répondu.\n", encoding="utf-8")
    checked = spark_scoring.check_input(folder)
    for f in folder.glob("*.txt"):
        f.unlink()  # read_input must take the texts the check read, not read the files again
    df, id_col = spark_scoring.read_input(spark, checked)
    assert checked.n_articles == 2 and id_col == "id"
    assert _rows(df) == [{"id": "a.txt", "text": "Microsoft a répondu.\n"},
                         {"id": "b.txt", "text": "Twitter accuse Microsoft.\n"}]


def test_cli_scores_jsonl_to_parquet(tmp_path: Path, articles: list[dict], model_path: str, spark) -> None:
    import pyarrow.parquet as pq

    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    out = tmp_path / "out.parquet"
    assert cli.main(["spark", str(source), "-o", str(out), "--level", "sentence", "--model", model_path]) == 0
    got = pq.read_table(out).to_pylist()
    expected = [row for r in predict(articles, model=model_path) for row in r.sentence_rows()]
    assert _without_error(got) == expected


def test_cli_scores_a_folder_of_text_files(tmp_path: Path, model_path: str, spark) -> None:
    import pyarrow.parquet as pq

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "b.txt").write_text("Twitter accuse Microsoft.\n", encoding="utf-8")
    (folder / "a.txt").write_text("Microsoft a répondu.\n", encoding="utf-8")
    out = tmp_path / "out.parquet"
    assert cli.main(["spark", str(folder), "-o", str(out), "--model", model_path]) == 0
    assert [r["article_id"] for r in pq.read_table(out).to_pylist()] == ["a.txt", "b.txt"]


def test_a_folder_with_a_file_not_in_utf8_is_refused_before_spark_starts(tmp_path: Path, model_path: str,
                                                                          capsys) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Microsoft a répondu.\n", encoding="utf-8")
    (folder / "b.txt").write_bytes("Twitter a été accusé.\n".encode("cp1252"))
    assert cli.main(["spark", str(folder), "-o", str(tmp_path / "out"), "--model", model_path]) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'b.txt'}:1: not valid UTF-8" in err
    assert "scoring" not in err  # stopped before the Spark session


def test_malformed_input_is_refused_before_spark_starts(tmp_path: Path, model_path: str, capsys) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "ok"}\n{"id": 2, "text": \n', encoding="utf-8")
    assert cli.main(["spark", str(source), "-o", str(tmp_path / "out"), "--model", model_path]) == 1
    err = capsys.readouterr().err
    assert f"{source}:2: malformed JSON" in err
    assert "scoring" not in err  # stopped before the Spark session

    broken = tmp_path / "in.parquet"
    broken.write_bytes(b"PAR1 not really parquet")
    assert cli.main(["spark", str(broken), "-o", str(tmp_path / "out"), "--model", model_path]) == 1
    assert f"{broken}: not a readable Parquet file" in capsys.readouterr().err


def test_existing_output_is_not_overwritten(tmp_path: Path, model_path: str, capsys) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "ok"}\n', encoding="utf-8")
    out = tmp_path / "out.parquet"
    out.mkdir()
    (out / "keep").write_text("x")
    assert cli.main(["spark", str(source), "-o", str(out), "--model", model_path]) == 1
    assert "exists" in capsys.readouterr().err and (out / "keep").read_text() == "x"
