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
    from pipeline.core.clean import clean_articles, default_cleaner, read_manifest
    from pipeline.core.segment import default_segmenter, segment_records

    articles = read_manifest(config.MANIFEST_FILE, config.SEEDS_DIR)
    records = clean_articles(articles, config.SEEDS_DIR, default_cleaner())
    return segment_records(records, default_segmenter())


@pytest.fixture(scope="session")
def labelled_rows(seed_sentences: list[dict]) -> list[dict]:
    from pipeline.labelling.annotations import load_annotations
    from pipeline.stages.label import label_rows
    from pipeline.core.rules import RuleSet

    from pipeline.params import load_params
    from pipeline.stages.label import load_authored

    params = load_params()
    rows, _ = label_rows(seed_sentences, load_annotations(config.ANNOTATIONS_FILE),
                         RuleSet.from_file(params.label.rules_file), load_authored(seed_sentences, config.SEEDS_DIR))
    return rows


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory: pytest.TempPathFactory, labelled_rows: list[dict]) -> Path:
    """Train the real pipelines on the gold labels; write model.joblib and manifest.json."""
    from pipeline.core.data import records_from_rows, trainable
    from pipeline.core.bundle import build_bundle, save_bundle
    from pipeline.io import write_jsonl
    from pipeline.params import load_params

    params = load_params()
    train = trainable(records_from_rows(labelled_rows), False, True)
    out = tmp_path_factory.mktemp("model")
    data_file = out / "labelled.jsonl"
    write_jsonl(data_file, labelled_rows)
    save_bundle(build_bundle(train, params), out, params, train, data_file)
    return out


@pytest.fixture(scope="session")
def model_path(trained_model_dir: Path) -> str:
    return str(trained_model_dir / "model.joblib")


def copy_repo(dst: Path, with_outputs: bool = False) -> Path:
    """Copy the repository's files (tracked and untracked-but-not-ignored, as a clone has them) to ``dst``
    and make it a git repository of its own (DVC needs one).

    Without ``with_outputs`` the committed pipeline outputs (metrics, reports, plots) are left out, so that
    every stage runs; with it, the copy is what a fresh clone holds."""
    import shutil
    import subprocess

    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=config.ROOT, capture_output=True,
                            text=True, check=True).stdout.splitlines()
    for rel in listed:
        src = config.ROOT / rel
        outputs = ("data/", "models/") if with_outputs else ("data/", "models/", "reports/", "metrics/", "plots/")
        if src.is_file() and not rel.startswith(outputs):
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / rel)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", "init", "-q"], cwd=dst, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dst, check=True)
    subprocess.run(["git", "commit", "-qm", "copy"], cwd=dst, check=True, env=env)
    return dst


def run_in(repo: Path, cmd: list[str], timeout: float = 900, **env: str):
    """Run a command in a repository copy, with this interpreter's tools first on PATH and the copy as root."""
    import subprocess
    import sys

    full_env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    full_env.update(env)
    full_env["STANCE_PIPELINE_ROOT"] = str(repo)
    full_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full_env.get('PATH', '')}"
    return subprocess.run(cmd, cwd=repo, capture_output=True, text=True, env=full_env, timeout=timeout)
