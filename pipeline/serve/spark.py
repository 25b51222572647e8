"""Batch scoring on Spark: ``predict()`` in every partition, the same rows as ``predict()``.

:func:`score` takes a Spark DataFrame with a text column and returns one row
per article (``level="article"``, the columns of
:meth:`ArticleResult.article_row`) or one row per sentence
(``level="sentence"``, the columns of :meth:`ArticleResult.sentence_rows`),
plus an ``error`` column: a row whose text is null or not a string gets an
error row instead of failing the job.

The model bundle is shipped to the executors with ``SparkContext.addFile``, so
the same call works on ``local[*]`` and on a cluster.  PySpark is an optional
dependency (``pip install -e ".[spark]"``); only this module imports it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import config
from pipeline.serve.predict import ARTICLE_COLUMNS, SENTENCE_COLUMNS

log = logging.getLogger(__name__)

LEVELS = ("article", "sentence")
ERROR_COLUMN = "error"

#: Spark type of every output column; checked against the column lists of serve/predict.
_TYPES: dict[str, str] = {
    "article_id": "string", "index": "int", "text": "string", "start": "int", "end": "int",
    "boilerplate": "boolean", "p_boilerplate": "double", "stance": "string", "uncertain": "boolean",
    "n_sentences": "int", "n_boilerplate": "int", "net_stance": "double", "warnings": "string",
    "sentences_json": "string", ERROR_COLUMN: "string",
    **{f"p_{lab}": "double" for lab in config.STANCE_LABELS},
    **{f"n_{lab}": "int" for lab in config.STANCE_LABELS},
    **{f"share_{lab}": "double" for lab in config.STANCE_LABELS},
}


def output_columns(level: str) -> tuple[str, ...]:
    """The output columns of :func:`score` for ``level``, in order."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    return (*(ARTICLE_COLUMNS if level == "article" else SENTENCE_COLUMNS), ERROR_COLUMN)


def output_schema(level: str) -> Any:
    """The Spark ``StructType`` of :func:`score`'s output for ``level``."""
    from pyspark.sql import types as T

    atomic = {"string": T.StringType(), "int": T.IntegerType(), "double": T.DoubleType(),
              "boolean": T.BooleanType()}
    return T.StructType([T.StructField(c, atomic[_TYPES[c]], True) for c in output_columns(level)])


def local_bundle(model: str | Path | None) -> Path:
    """The folder holding the model file and its manifest (downloaded first for an MLflow URI)."""
    from pipeline.serve.predict import is_mlflow_uri, load_model, resolve_mlflow

    if isinstance(model, str) and is_mlflow_uri(model):
        model_file = resolve_mlflow(model)[0]
    else:
        model_file = Path(model) if model is not None else config.MODEL_FILE
        if model_file.is_dir():
            model_file = model_file / config.MODEL_FILE.name
    load_model(model_file)  # fails here, on the driver, with the usual clear error
    return model_file.resolve().parent


def _error_row(columns: tuple[str, ...], article_id: Any, reason: str) -> dict[str, Any]:
    row = dict.fromkeys(columns)
    row["article_id"] = None if article_id is None else str(article_id)
    row[ERROR_COLUMN] = reason
    return row


def score_records(records: list[tuple[Any, Any]], model_file: str | Path, level: str) -> list[dict[str, Any]]:
    """Score ``(article_id, text)`` pairs in order; the rows :func:`score` returns for them.

    A text that is not a ``str`` (None, bytes, a number) gives one row with the
    ``error`` column set and the others null.  This is what each Spark
    partition runs; it needs no Spark.
    """
    from pipeline.serve.predict import predict

    columns = output_columns(level)
    valid = [{"id": aid, "text": text} for aid, text in records if isinstance(text, str)]
    results = iter(predict(valid, model=model_file))
    out: list[dict[str, Any]] = []
    for aid, text in records:
        if not isinstance(text, str):
            kind = "null" if text is None else type(text).__name__
            out.append(_error_row(columns, aid, f"text is {kind}, expected a string"))
            continue
        result = next(results)
        rows = [result.article_row()] if level == "article" else result.sentence_rows()
        for row in rows:
            row["article_id"] = None if aid is None else str(aid)
            row[ERROR_COLUMN] = None
            out.append(row)
    return out


def _partition_scorer(bundle_name: str, level: str) -> Any:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pandas as pd
        from pyspark import SparkFiles

        model_file = Path(SparkFiles.get(bundle_name)) / config.MODEL_FILE.name
        columns = list(output_columns(level))
        for pdf in batches:
            frame = pdf.astype(object).where(pdf.notna(), None)  # pandas gives NaN for a null string
            rows = score_records(list(zip(frame["article_id"].tolist(), frame["text"].tolist())), model_file, level)
            yield pd.DataFrame(rows, columns=columns)

    return run


def score(df: Any, text_col: str = "text", id_col: str | None = None, level: str = "article",
          model: str | Path | None = None) -> Any:
    """Score a Spark DataFrame of articles; lazily, like any Spark transformation.

    Args:
        df: a ``pyspark.sql.DataFrame``.
        text_col: the column holding each article's raw text.
        id_col: the column holding article ids (cast to string).  None: the
            row's position in ``df`` (0, 1, …), as ``predict()`` numbers a list.
        level: ``"article"`` (one row per input row) or ``"sentence"`` (one row
            per sentence, with its offsets into the text).
        model: as for ``predict()``: None (``models/`` written by ``dvc repro``),
            a path, or an MLflow model URI.

    Returns:
        A DataFrame with the columns of :func:`output_columns` and the types of
        :func:`output_schema`, in input order.

    Raises:
        ValueError: an unknown level or a missing column.
        ModelNotFoundError, ModelIntegrityError: as ``predict()``, raised on the driver.
    """
    from pyspark.sql import functions as F

    output_columns(level)
    for name, col in (("text_col", text_col), ("id_col", id_col)):
        if col is not None and col not in df.columns:
            raise ValueError(f"{name}={col!r} is not a column of the DataFrame; columns: {', '.join(df.columns)}")
    bundle = local_bundle(model)
    spark = df.sparkSession
    if not any(f.rstrip("/").endswith(str(bundle)) for f in spark.sparkContext.listFiles):
        spark.sparkContext.addFile(str(bundle), recursive=True)
    if id_col is None:
        indexed = df.select(text_col).rdd.zipWithIndex().map(lambda pair: (str(pair[1]), pair[0][0]))
        source_type = df.schema[text_col].dataType
        from pyspark.sql import types as T

        schema = T.StructType([T.StructField("article_id", T.StringType()), T.StructField("text", source_type)])
        keyed = spark.createDataFrame(indexed, schema)
    else:
        keyed = df.select(F.col(id_col).cast("string").alias("article_id"), F.col(text_col).alias("text"))
    return keyed.mapInPandas(_partition_scorer(bundle.name, level), output_schema(level))


def session(master: str = "local[2]", app_name: str = "french-press-stance") -> Any:
    """A Spark session; a local master binds to the loopback interface only and starts no UI."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName(app_name)
    if master.startswith("local"):
        builder = (builder.config("spark.driver.host", "127.0.0.1")
                   .config("spark.driver.bindAddress", "127.0.0.1")
                   .config("spark.ui.enabled", "false"))
    return builder.getOrCreate()


@dataclass(frozen=True)
class CheckedInput:
    """An input that :func:`check_input` accepted.

    Attributes:
        path: the file or folder.
        n_articles: its number of articles.
        texts: for a folder of ``.txt`` files, ``(file name, text)`` of each file in name order, as the
            check read them (so that :func:`read_input` does not read them again); None for other inputs.
    """

    path: Path
    n_articles: int
    texts: tuple[tuple[str, str], ...] | None = None


def check_input(path: Path, text_col: str = "text") -> CheckedInput:
    """Check an input before Spark starts.

    ``path`` is a folder of ``.txt`` files (UTF-8), a JSON Lines file (one
    object a line with a string ``text_col``) or a Parquet file or folder
    (with a ``text_col`` column).

    Raises:
        InputError: the file, the line and the reason (malformed JSON, missing
            column, not UTF-8, unknown format).
    """
    from pipeline.io import InputError, read_jsonl_lines, read_text

    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_dir() and not _is_parquet(path):
        files = sorted(path.glob("*.txt"))
        if not files:
            raise InputError(f"{path}: a folder input must hold .txt files (or be a Parquet folder)")
        return CheckedInput(path, len(files), tuple((f.name, read_text(f)) for f in files))
    if path.suffix == ".jsonl":
        n = 0
        for lineno, obj in read_jsonl_lines(path):
            if text_col not in obj:
                raise InputError(f"{path}:{lineno}: expected an object with a {text_col!r} key")
            n += 1
        return CheckedInput(path, n)
    if _is_parquet(path):
        import pyarrow.parquet as pq

        try:
            meta = pq.ParquetDataset(path)
            names = meta.schema.names
            rows = sum(fragment.count_rows() for fragment in meta.fragments)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a broken file
            raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
        if text_col not in names:
            raise InputError(f"{path}: no column {text_col!r}; columns: {', '.join(names)}")
        return CheckedInput(path, rows)
    raise InputError(f"{path}: expected a folder of .txt files, a .jsonl file or a .parquet file/folder")


def _is_parquet(path: Path) -> bool:
    return path.suffix == ".parquet" or (path.is_dir() and any(path.glob("*.parquet")))


def read_input(spark: Any, checked: CheckedInput, text_col: str = "text",
               id_col: str | None = "id") -> tuple[Any, str | None]:
    """Read an input that :func:`check_input` accepted as a DataFrame; return it and its id column (or None).

    A folder of ``.txt`` files is not read again: its rows are the texts the check read.
    """
    from pyspark.sql import types as T

    path = checked.path
    if checked.texts is not None:
        schema = T.StructType([T.StructField("id", T.StringType()), T.StructField("text", T.StringType())])
        return spark.createDataFrame(list(checked.texts), schema), "id"
    if path.suffix == ".jsonl":
        fields = [T.StructField(text_col, T.StringType())]
        if id_col:
            fields.insert(0, T.StructField(id_col, T.StringType()))
        df = spark.read.schema(T.StructType(fields)).json(str(path))
        has_id = id_col is not None and df.where(df[id_col].isNotNull()).limit(1).count() > 0
        return df, id_col if has_id else None
    df = spark.read.parquet(str(path))
    return df, id_col if id_col in df.columns else None
