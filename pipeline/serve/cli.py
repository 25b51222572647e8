"""Command line: ``stance-pipeline predict|spark|annotate``.

Exit codes: 0 success, 1 failure (one line on stderr says why), 2 usage error.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from pipeline import config

def _articles(paths: Sequence[str]) -> Iterator[dict[str, Any]]:
    from pipeline.io import read_text

    for p in paths:
        if p == "-":
            yield {"id": "-", "text": sys.stdin.read()}
        else:
            yield {"id": p, "text": read_text(p)}


def cmd_predict(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from pipeline.serve.predict import ARTICLE_COLUMNS, SENTENCE_COLUMNS, predict

    out: TextIO = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        fields = list(SENTENCE_COLUMNS if args.level == "sentence" else ARTICLE_COLUMNS)
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n") if args.format == "csv" else None
        if writer:
            writer.writeheader()
        results = predict(_articles(args.files), model=args.model)
        bar = tqdm(results, total=len(args.files), unit="article", file=sys.stderr,
                   disable=len(args.files) < 2 or not sys.stderr.isatty())
        for result in bar:
            if args.level == "sentence":
                rows = result.sentence_rows()
            else:
                rows = [result.article_row()]
            for row in rows:
                if writer:
                    writer.writerow(row)
                else:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if args.output:
            out.close()
    return 0


def cmd_spark(args: argparse.Namespace) -> int:
    import time

    from pipeline.serve import spark as spark_scoring

    source, output = Path(args.input), Path(args.output)
    checked = spark_scoring.check_input(source, args.text_col)  # before Spark starts: bad input costs no JVM
    if output.exists():
        raise ValueError(f"{output} exists: choose another output or remove it")
    spark_scoring.local_bundle(args.model)  # a missing or corrupt model fails here too
    print(f"scoring {checked.n_articles} articles from {source} on {args.master} ({args.level} level)", file=sys.stderr)
    started = time.perf_counter()
    session = spark_scoring.session(args.master)
    try:
        df, id_col = spark_scoring.read_input(session, checked, args.text_col, args.id_col)
        scored = spark_scoring.score(df, text_col=args.text_col, id_col=id_col, level=args.level, model=args.model)
        scored.write.parquet(str(output))
        written = session.read.parquet(str(output))
        rows, errors = written.count(), written.where(written.error.isNotNull()).count()
    finally:
        session.stop()
    seconds = time.perf_counter() - started
    print(f"wrote {rows} rows ({errors} with an error) to {output} in {seconds:.1f} s "
          f"({checked.n_articles / seconds:.1f} articles/s)", file=sys.stderr)
    return 0


def cmd_annotate(args: argparse.Namespace) -> int:
    from pipeline.labelling import annotate

    annotator = args.annotator or getpass.getuser()
    if args.action == "import":
        if not args.file:
            raise SystemExit("usage: stance-pipeline annotate import FILE.csv")
        n = annotate.import_queue(Path(args.file), annotator)
        print(f"{n} labels added to {config.ANNOTATIONS_FILE}")
        return 0
    items = annotate.load_queue(args.model, use_model=not args.no_model)
    if args.action == "export":
        if not args.file:
            raise SystemExit("usage: stance-pipeline annotate export FILE.csv")
        n = annotate.export_queue(items, Path(args.file))
        print(f"{n} sentences to label written to {args.file}; fill the 'label' column, then "
              f"`stance-pipeline annotate import {args.file}`")
        return 0
    if args.action == "list":
        for it in items:
            print(f"{it.article_id}\t{it.key}\t{it.suggested or '-'}\t{it.confidence if it.confidence is not None else '-'}\t{it.text}")
        return 0
    annotate.interactive(items, annotator)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stance-pipeline", description="French press stance pipeline")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("predict", help="score text files (or - for stdin)")
    p.add_argument("files", nargs="+", help="UTF-8 text files, or - for standard input")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--level", choices=["sentence", "article"], default="sentence")
    p.add_argument("--model", default=None, help="model path or MLflow URI (default: models/ written by dvc repro)")
    p.add_argument("-o", "--output", default=None, help="write here instead of standard output")
    p.set_defaults(func=cmd_predict)

    s = sub.add_parser("spark", help="score a folder of .txt, a .jsonl or a Parquet input to Parquet on Spark "
                                     "(needs the [spark] extra)")
    s.add_argument("input", help="folder of UTF-8 .txt files, .jsonl file ({'id', 'text'} a line), or .parquet")
    s.add_argument("-o", "--output", required=True, help="Parquet folder to write (must not exist)")
    s.add_argument("--level", choices=["sentence", "article"], default="article")
    s.add_argument("--master", default="local[2]", help="Spark master (default local[2]; a cluster URL works)")
    s.add_argument("--text-col", default="text", help="text column of a .jsonl or Parquet input")
    s.add_argument("--id-col", default="id", help="id column, used when present (default id; else row position)")
    s.add_argument("--model", default=None, help="model path or MLflow URI (default: models/ written by dvc repro)")
    s.set_defaults(func=cmd_spark)

    a = sub.add_parser("annotate", help="label the sentences that have no gold label yet")
    a.add_argument("action", nargs="?", choices=["label", "list", "export", "import"], default="label")
    a.add_argument("file", nargs="?", help="CSV file for export/import")
    a.add_argument("--annotator", default=None, help="your name in the annotation file (default: login name)")
    a.add_argument("--model", default=None, help="model used to order the queue (default: models/)")
    a.add_argument("--no-model", action="store_true", help="page order, do not load a model")
    a.set_defaults(func=cmd_annotate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``stance-pipeline`` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # e.g. `| head`: the reader has all it wanted
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 1
    except (OSError, ValueError, RuntimeError, TypeError) as exc:
        print(f"stance-pipeline {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
