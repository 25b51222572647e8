"""Shared fixtures: the seeds cleaned and segmented in-process, and a model trained on the gold labels.

The model fixture runs the real training code (no DVC, no MLflow: the end-to-end
test covers those) and writes a bundle and manifest as the train stage does.
"""

from __future__ import annotations

from pathlib import Path

import os

import pytest
from hypothesis import settings

from pipeline import config

# CI runs the same examples every time (no flaky landing); locally, hypothesis explores.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def seed_sentences() -> list[dict]:
    """The seed articles cleaned and segmented in-process, as the stages do."""
    from pipeline.clean import clean_articles, default_cleaner, read_manifest
    from pipeline.segment import default_segmenter, segment_records

    articles = read_manifest(config.MANIFEST_FILE, config.SEEDS_DIR)
    records = clean_articles(articles, config.SEEDS_DIR, default_cleaner())
    return segment_records(records, default_segmenter())


@pytest.fixture(scope="session")
def labelled_rows(seed_sentences: list[dict]) -> list[dict]:
    from pipeline.annotations import load_annotations
    from pipeline.label import label_rows
    from pipeline.rules import RuleSet

    params = config.load_params()
    rows, _ = label_rows(seed_sentences, load_annotations(config.ANNOTATIONS_FILE),
                         RuleSet.from_file(params["label"]["rules_file"]))
    return rows


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory: pytest.TempPathFactory, labelled_rows: list[dict]) -> Path:
    """Train the real pipelines on the gold labels; write model.joblib and manifest.json."""
    from pipeline.data import records_from_rows, trainable
    from pipeline.io import write_json
    from pipeline.train import build_bundle, save_bundle

    params = config.load_params()
    train = trainable(records_from_rows(labelled_rows), False)
    out = tmp_path_factory.mktemp("model")
    _, manifest = save_bundle(build_bundle(train, params), out, params, train)
    write_json(out / "manifest.json", manifest)
    return out


@pytest.fixture(scope="session")
def model_path(trained_model_dir: Path) -> str:
    return str(trained_model_dir / "model.joblib")
