"""Loading a saved model bundle: verified before it is unpickled, then ready to score records.

:func:`load_verified` checks the bundle file against the SHA-256 and the
format in its manifest *before* unpickling (unpickling runs code); a
:class:`LoadedModel` cleans and segments raw text and scores sentence records
with both models.  The evaluate stage (checklist) and :func:`pipeline.predict`
share it, so that what is evaluated is what is served.

Light to import: scikit-learn and NLTK load with the model.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import config

#: Version of the bundle layout; bumped whenever a saved model's contents change meaning.
#: 2: typed params (``predict`` section with the boilerplate threshold), deterministic manifest.
#: 3: the segmenter stores its final abbreviations, company forms, names and sentence starters.
#: 4: the frame features keep their lexicon as a LexiconIndex (literals for a one-pass prefilter).
#: 5: the page features have an ``is_headline`` column (the headline found after the top furniture).
#: 6: the page features have an ``after_teaser_heading`` column; RuleFloor reads ``article_text`` rules and
#:    the comment area.
#: 7: RuleFloor has ``smooth_lines`` (one boilerplate probability for the sentences of a line).
BUNDLE_FORMAT = 7

#: The libraries whose versions decide the bytes and the scores of a trained model (distribution name:
#: import name). The manifest records their versions; loading a model under other versions logs a warning.
MODEL_LIBRARIES = {"scikit-learn": "sklearn", "numpy": "numpy", "scipy": "scipy", "joblib": "joblib"}

logger = logging.getLogger(__name__)


class ModelNotFoundError(FileNotFoundError):
    """No trained model where one was expected."""


class ModelIntegrityError(RuntimeError):
    """A model file does not match the SHA-256 in its manifest: it is not loaded."""


@dataclass(frozen=True)
class ModelInfo:
    """Where the model came from: file, SHA-256, digests of its training data and params, MLflow run, metrics.

    ``metrics`` are the evaluate stage's headline figures for this very model
    (checked by SHA-256), or the MLflow run's for a model loaded by URI.
    """

    source: str
    sha256: str
    data_sha256: str | None
    params_digest: str | None
    mlflow_run_id: str | None
    metrics: dict[str, float] = field(default_factory=dict)


class LoadedModel:
    """A verified, unpickled model bundle with its cleaner and segmenter."""

    def __init__(self, bundle: dict[str, Any], info: ModelInfo) -> None:
        from pipeline.core.clean import Cleaner
        from pipeline.core.segment import Segmenter

        self.bundle = bundle
        self.info = info
        self.boilerplate = bundle["boilerplate"]
        self.stance = bundle["stance"]
        self.cleaner = Cleaner(bundle["clean"]["caption_labels"], bundle["clean"]["glued_labels"])
        self.segmenter = Segmenter.from_stored(bundle["segment"])
        from pipeline.params import PredictParams

        settings = PredictParams.from_dict(bundle["predict"], "bundle.predict")
        self.boilerplate_threshold = settings.boilerplate_threshold
        self.threshold = settings.uncertainty_threshold
        self.min_french_share = settings.min_french_share
        words = bundle.get("function_words") or {}
        self.fr_words = frozenset(words.get("fr", ()))
        self.en_words = frozenset(words.get("en", ()))
        self.bp_true = list(self.boilerplate.classes_).index(True)
        classes = list(self.stance.classes_)
        self.stance_cols = [classes.index(lab) if lab in classes else None for lab in config.STANCE_LABELS]

    def prepare(self, raw: str, doc: Any = 0) -> tuple[list[Any], list[dict[str, Any]]]:
        """Clean and segment one article; return its sentences and their model records."""
        from pipeline.core.features import context_records

        sentences = self.segmenter.split(self.cleaner(raw))
        records = context_records([s.text for s in sentences], [s.line for s in sentences],
                                  sentences[0].n_lines if sentences else 0, doc=doc)
        return sentences, records

    def score(self, records: list[dict[str, Any]]) -> tuple[Any, dict[int, dict[str, float]]]:
        """P(boilerplate) for every record, and the stance probabilities of the others (by record index).

        Stance is defined for article sentences only (LABELS.md §2): boilerplate is not scored.
        """
        if not records:
            return [], {}
        p_bp = self.boilerplate.predict_proba(records)[:, self.bp_true]
        content = [i for i, p in enumerate(p_bp) if p < self.boilerplate_threshold]
        stance: dict[int, dict[str, float]] = {}
        if content:
            for i, row in zip(content, self.stance.predict_proba([records[i] for i in content])):
                stance[i] = {lab: (float(row[c]) if c is not None else 0.0)
                             for lab, c in zip(config.STANCE_LABELS, self.stance_cols)}
        return p_bp, stance


#: Headline figures exposed on ModelInfo.metrics (names as logged to MLflow by the publish stage).
METRIC_KEYS = ("f1_boilerplate", "macro_f1_stance", "checklist_stance_pass_rate", "checklist_boilerplate_pass_rate")


def _local_metrics(model_file: Path, sha256: str) -> dict[str, float]:
    """The evaluate stage's headline figures for a model under ``<project>/models/``.

    Read from ``reports/evaluation.json`` only when it was written for this
    very model (same SHA-256); empty otherwise.
    """
    report = model_file.resolve().parent.parent / config.REPORTS_DIR.name / config.EVALUATION_FILE.name
    try:
        evaluation = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(evaluation, dict) or evaluation.get("model_sha256") != sha256:
        return {}
    headline = evaluation.get("headline", {})
    return {k: float(headline[k]) for k in METRIC_KEYS if isinstance(headline.get(k), (int, float))}


def library_versions() -> dict[str, str]:
    """Installed version of each of :data:`MODEL_LIBRARIES`, by distribution name."""
    import importlib

    return {name: importlib.import_module(module).__version__ for name, module in MODEL_LIBRARIES.items()}


def _warn_on_library_drift(model_file: Path, recorded: dict[str, str]) -> None:
    """Log a warning naming every library whose installed version differs from the one that trained the model."""
    installed = library_versions()
    drift = [f"{name} {recorded[name]} (installed: {installed[name]})"
             for name in MODEL_LIBRARIES if name in recorded and recorded[name] != installed[name]]
    if drift:
        logger.warning("%s was trained with %s; its scores may differ under the installed versions. Retrain with "
                       "`dvc repro`, or install the recorded versions (models/manifest.json, `libraries`).",
                       model_file, ", ".join(drift))


def load_verified(model_file: Path, manifest_file: Path, source: str,
                   metrics: dict[str, float] | None = None, mlflow_run_id: str | None = None) -> LoadedModel:
    if not manifest_file.exists():
        raise ModelIntegrityError(
            f"{model_file}: no manifest at {manifest_file}; refusing to unpickle a model whose origin cannot be "
            "checked (run `dvc repro` to train one)"
        )
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    expected = manifest.get("sha256")
    from pipeline.io import sha256_file

    actual = sha256_file(model_file)
    if actual != expected:
        raise ModelIntegrityError(
            f"{model_file}: SHA-256 {actual[:12]}… does not match the manifest ({str(expected)[:12]}…); the file was "
            "changed or corrupted after training, so it is not loaded (unpickling runs code). Retrain with `dvc repro`."
        )
    if manifest.get("format") != BUNDLE_FORMAT:
        raise ModelIntegrityError(
            f"{model_file}: bundle format {manifest.get('format')!r}, but this version of the package reads format "
            f"{BUNDLE_FORMAT}; retrain with `dvc repro` (or install the package version that trained it)"
        )
    import joblib

    bundle = joblib.load(model_file)
    _warn_on_library_drift(model_file, manifest.get("libraries") or {})
    info = ModelInfo(
        source=source,
        sha256=actual,
        data_sha256=manifest.get("data_sha256"),
        params_digest=manifest.get("params_digest"),
        mlflow_run_id=mlflow_run_id,
        metrics=metrics if metrics is not None else _local_metrics(model_file, actual),
    )
    return LoadedModel(bundle, info)


