"""Stage 4, ``train``: fit the boilerplate and stance pipelines on all labelled data.

Writes ``models/model.joblib`` (one bundle: both pipelines plus the cleaning and
segmentation settings, so ``predict()`` needs nothing else) and
``models/manifest.json`` (its SHA-256, training date, git commit, params,
counts and the MLflow run id).  Starts the MLflow run that ``evaluate`` adds its
metrics to.

Run as a DVC stage: ``python -m pipeline.train``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Any

from pipeline import config
from pipeline.clean import Cleaner
from pipeline.data import records_from_rows, trainable, trimmed_pages
from pipeline.features import Record
from pipeline.io import read_jsonl, run_stage, sha256_file, write_json
from pipeline.models import build_boilerplate_model, build_stance_model
from pipeline.rules import RuleSet
from pipeline.segment import Segmenter

log = logging.getLogger(__name__)

BUNDLE_FORMAT = 1


def load_yaml(path: Path | str) -> dict[str, Any]:
    """Read a YAML mapping from ``configs/`` (cue lexicon, function words)."""
    import yaml

    with open(config.config_path(path), encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def fit_models(records: list[Record], params: dict[str, Any]) -> tuple[Any, Any]:
    """Fit both pipelines on training records; stance only on non-boilerplate ones."""
    p = params["train"]
    seed = int(p.get("seed", 0))
    rules_spec = RuleSet.from_file(params["label"]["rules_file"]).spec
    cues = load_yaml(p.get("cues_file", "configs/cues.yaml"))
    bp = build_boilerplate_model(p["boilerplate"], seed, rules_spec)
    bp_records = list(records)
    if p["boilerplate"].get("augment_trimmed_pages", False):
        bp_records += trimmed_pages(records)
    bp.fit(bp_records, [bool(r["boilerplate"]) for r in bp_records])
    content = [r for r in records if not r["boilerplate"]]
    st = build_stance_model(p["stance"], seed, cues)
    st.fit(content, [r["stance"] for r in content])
    return bp, st


def build_bundle(train: list[Record], params: dict[str, Any]) -> dict[str, Any]:
    """Fit both models and pack them with everything ``predict()`` needs (no config files at run time)."""
    bp, st = fit_models(train, params)
    return {
        "format": BUNDLE_FORMAT,
        "boilerplate": bp,
        "stance": st,
        "clean": Cleaner.from_params(params.get("clean", {})).to_params(),
        "segment": Segmenter.from_params(params.get("segment", {})).to_params(),
        "predict": params.get("predict", {}),
        "function_words": load_yaml(params["predict"].get("function_words_file", "configs/function_words.yaml")),
    }


def save_bundle(
    bundle: dict[str, Any], out_dir: Path, params: dict[str, Any], train: list[Record]
) -> tuple[Path, dict[str, Any]]:
    """Write ``model.joblib`` (atomically) and return its path and manifest (not yet written)."""
    import joblib

    from pipeline.tracking import git_commit

    out_dir.mkdir(parents=True, exist_ok=True)
    model_file = out_dir / config.MODEL_FILE.name
    tmp = model_file.with_suffix(".joblib.tmp")
    joblib.dump(bundle, tmp)
    tmp.replace(model_file)
    manifest: dict[str, Any] = {
        "model_file": model_file.name,
        "sha256": sha256_file(model_file),
        "format": BUNDLE_FORMAT,
        "trained_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "n_train_boilerplate": len(train),
        "n_train_stance": sum(1 for r in train if not r["boilerplate"]),
        "articles": sorted({r["article_id"] for r in train}),
        "stance_labels": list(bundle["stance"].classes_),
        "params": params["train"],
        "mlflow_run_id": None,
        "mlflow_model_uri": None,
        "tracking_uri": None,
    }
    return model_file, manifest


def main(argv: list[str] | None = None) -> None:
    """DVC stage entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=config.LABELLED_FILE)
    parser.add_argument("--out-dir", type=Path, default=config.MODELS_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    params = config.load_params()

    records = records_from_rows(list(read_jsonl(args.input)))
    train = trainable(records, bool(params["label"].get("train_on_rule_labels", False)))
    if not train:
        sys.exit("train: no labelled sentences; label some first (see README, 'Label a new article')")
    model_file, manifest = save_bundle(build_bundle(train, params), args.out_dir, params, train)
    manifest_file = args.out_dir / config.MODEL_MANIFEST_FILE.name
    write_json(manifest_file, manifest)  # the model is usable now, whatever happens to tracking
    n_content = manifest["n_train_stance"]
    from pipeline import tracking
    from pipeline.serving import log_pyfunc
    from pipeline.tracking import TrackingError, flatten, tracking_uri

    try:
        mlflow = tracking.setup(params["mlflow"])
        with mlflow.start_run(run_name=f"train-{manifest['trained_at']}") as run:
            mlflow.log_params({k: str(v)[:500] for k, v in flatten(params).items()})
            mlflow.set_tags({"git_commit": manifest["git_commit"], "dvc_stage": "train",
                             "variant": params.get("variant", "default")})
            mlflow.log_metrics({"n_train_boilerplate": len(train), "n_train_stance": n_content})
            manifest["mlflow_run_id"] = run.info.run_id
            manifest["tracking_uri"] = tracking_uri()
            write_json(manifest_file, manifest)  # the copy inside the MLflow model names its run
            examples = [r["text"] for r in train[:3]]
            info = log_pyfunc(args.out_dir, [" ".join(examples)])
            manifest["mlflow_model_uri"] = info.model_uri
    except TrackingError as exc:
        manifest["mlflow_run_id"] = manifest["tracking_uri"] = None
        write_json(manifest_file, manifest)
        if params["mlflow"].get("fail_on_tracking_error", True):
            sys.exit(f"train: model saved to {model_file}, but {exc}")
        log.warning("model saved, run not tracked: %s", exc)
    write_json(manifest_file, manifest)
    log.info("trained on %d sentences (%d for stance) -> %s", len(train), n_content, model_file)


if __name__ == "__main__":
    run_stage(main)
