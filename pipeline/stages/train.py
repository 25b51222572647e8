"""Stage ``train``: fit both models on every labelled sentence and save the bundle.

Reads ``data/labelled.jsonl``; writes ``models/model.joblib`` (both pipelines
plus the cleaning, segmentation and predict settings) and
``models/manifest.json`` (its SHA-256, format, the digest of the labelled data
and of the params, counts).  Nothing else: evaluation and MLflow are later
stages, so that a change to serving code never retrains.

Run as a DVC stage: ``python -m pipeline.stages.train``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pipeline import config
from pipeline.core.bundle import build_bundle, save_bundle, stance_extra_records
from pipeline.core.data import records_from_rows, trainable
from pipeline.io import read_jsonl, run_stage
from pipeline.params import load_params

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> None:
    """DVC stage entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=config.LABELLED_FILE)
    parser.add_argument("--out-dir", type=Path, default=config.MODELS_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    params = load_params()
    records = records_from_rows(list(read_jsonl(args.input)))
    train = trainable(records, params.label.train_on_rule_labels, params.label.train_on_authored)
    if not train:
        sys.exit("train: no labelled sentences; label some first (see README, 'Label a new article')")
    extra = stance_extra_records(params)
    manifest = save_bundle(build_bundle(train, params, extra), args.out_dir, params, train, args.input, extra)
    log.info("trained on %d sentences (%d for stance, %d of them checklist dev sentences) -> %s",
             manifest["n_train_boilerplate"], manifest["n_train_stance"], len(extra),
             args.out_dir / manifest["model_file"])


if __name__ == "__main__":
    run_stage(main)
