"""Stage ``clean``: see :mod:`pipeline.core.clean`. Run as a DVC stage: ``python -m pipeline.stages.clean``."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from pipeline import config
from pipeline.core.clean import Cleaner, clean_articles, read_manifest
from pipeline.io import run_stage, write_jsonl
from pipeline.params import load_params

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> None:
    """DVC stage entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=config.SEEDS_DIR)
    parser.add_argument("--manifest", type=Path, default=config.MANIFEST_FILE)
    parser.add_argument("--out", type=Path, default=config.CLEAN_FILE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    articles = read_manifest(args.manifest, args.seeds)
    records = clean_articles(articles, args.seeds, Cleaner.from_params(load_params().clean))
    n = write_jsonl(args.out, records)
    log.info("cleaned %d articles -> %s", n, args.out)


if __name__ == "__main__":
    run_stage(main)
