"""One source of truth: repository paths, label names and parameter loading.

Every stage and the public :func:`pipeline.serve.predict` read their constants from
here, so a label name or a path is spelled once.  This module must stay cheap to
import: it is on the path of ``import pipeline``.
"""

from __future__ import annotations

import os
from pathlib import Path



def _find_root() -> Path:
    """The project folder the stages read and write.

    ``STANCE_PIPELINE_ROOT`` if set; else the current folder when it is a
    checkout of this project (DVC runs every stage there, also in the temporary
    workspaces of ``dvc exp run``); else the folder above this package (so that
    ``predict()`` called from another project finds the model of the checkout
    it was installed from).
    """
    env = os.environ.get("STANCE_PIPELINE_ROOT")
    if env:
        return Path(env).resolve()
    cwd = Path.cwd()
    if (cwd / "dvc.yaml").is_file() and (cwd / "configs" / "params.yaml").is_file() and (cwd / "pipeline").is_dir():
        return cwd
    return Path(__file__).resolve().parent.parent


#: Root of the project checkout (the folder holding ``dvc.yaml``).
ROOT = _find_root()

CONFIGS_DIR = ROOT / "configs"
PARAMS_FILE = CONFIGS_DIR / "params.yaml"
SEEDS_DIR = ROOT / "seeds"
MANIFEST_FILE = SEEDS_DIR / "articles.csv"
ANNOTATIONS_FILE = ROOT / "annotations" / "labels.jsonl"
DATA_DIR = ROOT / "data"
CLEAN_FILE = DATA_DIR / "clean.jsonl"
SENTENCES_FILE = DATA_DIR / "sentences.jsonl"
LABELLED_FILE = DATA_DIR / "labelled.jsonl"
MODELS_DIR = ROOT / "models"
MODEL_FILE = MODELS_DIR / "model.joblib"
MODEL_MANIFEST_FILE = MODELS_DIR / "manifest.json"
METRICS_DIR = ROOT / "metrics"
PLOTS_DIR = ROOT / "plots"
REPORTS_DIR = ROOT / "reports"
CHECKLIST_DIR = ROOT / "checklist"
AUTHORED_DIR = SEEDS_DIR / "authored"
PUBLICATION_FILE = MODELS_DIR / "publication.json"
EVALUATION_FILE = REPORTS_DIR / "evaluation.json"
OUTCOMES_FILE = REPORTS_DIR / "outcomes.json"

#: Stance classes, in the order used for probability columns everywhere.
#: Defined by docs/LABELS.md section 2.
STANCE_LABELS: tuple[str, ...] = ("pro_twitter", "pro_microsoft", "neutral")
#: Sign of each stance in the net stance score (pro-Twitter positive).
STANCE_SIGN: dict[str, int] = {"pro_twitter": 1, "pro_microsoft": -1, "neutral": 0}

#: Where each label came from, on rows of the labelled table.
LABEL_SOURCES: tuple[str, ...] = ("gold", "authored", "rule", "none")

#: Default MLflow store when MLFLOW_TRACKING_URI is not set (relative to ROOT).
DEFAULT_TRACKING_DB = "mlflow.db"


def config_path(relative: str | Path) -> Path:
    """Resolve a path written in params.yaml (relative to the repository root)."""
    p = Path(relative)
    return p if p.is_absolute() else ROOT / p
