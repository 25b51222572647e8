"""The model bundle: both fitted pipelines plus what ``predict()`` needs, in one joblib file.

:func:`fit_models` is the one place where the two models are fitted (the
train stage, every evaluation fold and the champion comparison call it);
:func:`build_bundle` packs them with the cleaning, segmentation and predict
settings, so that a saved model needs no config file at run time;
:func:`save_bundle` writes ``model.joblib`` and its ``manifest.json``
atomically.  The manifest is deterministic (no clock, no commit): the same
labels, params and code give byte-identical files, so ``dvc.lock`` does not move
when nothing changed.

A bundle carries its :data:`BUNDLE_FORMAT`; ``predict()`` refuses any other
format with a message that says to run ``dvc repro``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline import config
from pipeline.core.clean import Cleaner
from pipeline.core.checklist import load_checklist
from pipeline.core.data import checklist_stance_records, trimmed_pages
from pipeline.core.features import Record
from pipeline.core.loading import BUNDLE_FORMAT, library_versions
from pipeline.core.models import build_boilerplate_model, build_stance_model
from pipeline.core.rules import RuleSet
from pipeline.core.segment import Segmenter
from pipeline.io import sha256_file, write_json
from pipeline.params import Params



def load_yaml(path: Path | str) -> dict[str, Any]:
    """Read a YAML mapping from ``configs/`` (cue lexicon, function words)."""
    import yaml

    with open(config.config_path(path), encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def fit_boilerplate(records: Sequence[Record], params: Params) -> Any:
    """Fit the boilerplate model on every record (and the trimmed copies of the pages, if asked)."""
    p = params.train
    bp = build_boilerplate_model(p.boilerplate, p.seed, RuleSet.from_file(params.label.rules_file).spec)
    bp_records = list(records)
    if p.boilerplate.augment_trimmed_pages:
        bp_records += trimmed_pages(records)
    return bp.fit(bp_records, [bool(r["boilerplate"]) for r in bp_records])


def fit_stance(records: Sequence[Record], params: Params) -> Any:
    """Fit the stance model on ``records`` (article text with a stance label)."""
    p = params.train
    st = build_stance_model(p.stance, p.seed, load_yaml(p.cues_file), load_yaml(p.frame_file))
    return st.fit(records, [r["stance"] for r in records])


def fit_models(records: Sequence[Record], params: Params, stance_extra: Sequence[Record] = ()) -> tuple[Any, Any]:
    """Fit the boilerplate model on every record and the stance model on the non-boilerplate ones, plus
    ``stance_extra`` (stance-only records: the checklist's dev sentences, :func:`checklist_stance_records`)."""
    bp = fit_boilerplate(records, params)
    return bp, fit_stance([r for r in records if not r["boilerplate"]] + list(stance_extra), params)


def build_bundle(train: Sequence[Record], params: Params, stance_extra: Sequence[Record] = ()) -> dict[str, Any]:
    """Fit both models (:func:`fit_models`) and pack them with everything ``predict()`` needs."""
    bp, st = fit_models(train, params, stance_extra)
    return {
        "format": BUNDLE_FORMAT,
        "boilerplate": bp,
        "stance": st,
        "clean": Cleaner.from_params(params.clean).to_params(),
        "segment": Segmenter.from_params(params.segment).to_params(),
        "predict": params.predict.to_dict(),
        "function_words": load_yaml(params.predict.function_words_file),
    }


def stance_extra_records(params: Params) -> list[Record]:
    """The stance-only training records ``params`` ask for: the checklist's dev sentences
    (``label.train_on_checklist_dev``), read from ``checklist/dev``; none otherwise."""
    return checklist_stance_records(load_checklist(), "dev") if params.label.train_on_checklist_dev else []


def params_digest(params: Params) -> str:
    """Short SHA-256 of the params that shape a model (everything but the variant's name)."""
    data = params.to_dict()
    data.pop("variant", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]


def save_bundle(bundle: dict[str, Any], out_dir: Path, params: Params, train: Sequence[Record],
                data_file: Path, stance_extra: Sequence[Record] = ()) -> dict[str, Any]:
    """Write ``model.joblib`` and ``manifest.json`` (both atomically) into ``out_dir``; return the manifest."""
    import joblib

    out_dir.mkdir(parents=True, exist_ok=True)
    model_file = out_dir / config.MODEL_FILE.name
    tmp = model_file.with_suffix(".joblib.tmp")
    joblib.dump(bundle, tmp)
    tmp.replace(model_file)
    manifest: dict[str, Any] = {
        "model_file": model_file.name,
        "sha256": sha256_file(model_file),
        "format": BUNDLE_FORMAT,
        "data_sha256": sha256_file(data_file),
        "params_digest": params_digest(params),
        "n_train_boilerplate": len(train),
        "n_train_stance": sum(1 for r in train if not r["boilerplate"]) + len(stance_extra),
        "n_train_stance_checklist": len(stance_extra),
        "articles": sorted({r["article_id"] for r in train}),
        "stance_labels": list(bundle["stance"].classes_),
        "params": params.to_dict(),
        # The model's bytes (and so dvc.lock) are reproducible for these versions; another scikit-learn or
        # NumPy may pickle or break ties differently, and `dvc repro` then records a new model.
        "libraries": library_versions(),
    }
    write_json(out_dir / config.MODEL_MANIFEST_FILE.name, manifest)
    return manifest


