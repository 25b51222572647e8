"""Stage ``segment``: see :mod:`pipeline.core.segment`. Run as a DVC stage: ``python -m pipeline.stages.segment``."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from pipeline import config
from pipeline.core.segment import Segmenter, segment_records
from pipeline.io import read_jsonl, run_stage, write_jsonl
from pipeline.params import load_params

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> None:
    """DVC stage entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=config.CLEAN_FILE)
    parser.add_argument("--out", type=Path, default=config.SENTENCES_FILE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    rows = segment_records(read_jsonl(args.input), Segmenter.from_params(load_params().segment))
    n = write_jsonl(args.out, rows)
    log.info("wrote %d sentences -> %s", n, args.out)


if __name__ == "__main__":
    run_stage(main)
