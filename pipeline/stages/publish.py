"""Stage ``publish``: one MLflow run per trained model, its registration, and the champion rule.

Reads what the earlier stages wrote (the model bundle and manifest, the
labelled data, ``reports/evaluation.json`` and ``reports/outcomes.json``) and,
in one MLflow run:

* names the run for what it is (``variant · data digest · date``) and describes
  it (the variant, what changed from the champion's params);
* logs the params (flattened, and whole as ``params.json``), the labelled data
  as an MLflow dataset whose digest is DVC's MD5 of ``data/labelled.jsonl``,
  the headline metrics at the top level (``f1_boilerplate``,
  ``macro_f1_stance``, the checklist pass rates, ``predict_sentences_per_second``)
  and every other figure in the ``evaluation/`` artifacts;
* logs the pyfunc model, registers it, and moves ``@champion`` by the rule of
  :mod:`pipeline.registry` (``promotion.json`` artifact, tags on the run and the version).

Writes ``models/publication.json`` (deterministic: the model's SHA-256 and
where it was published), so that DVC knows the stage ran.  A change to serving
code re-runs this stage only.

Run as a DVC stage: ``python -m pipeline.stages.publish``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from pipeline import config
from pipeline.io import read_json_file, read_jsonl, run_stage, write_json
from pipeline.params import Params, load_params

log = logging.getLogger(__name__)

#: Files whose content shapes a trained model besides params and data (the "model code").
MODEL_CODE = ("pipeline/core/*.py", "pipeline/params.py", "configs/*.yaml", "configs/*.txt")

EXPERIMENT_DESCRIPTION = """\
Boilerplate and stance models for French press coverage of the 2023 Twitter/Microsoft dispute.

One run per trained model, written by the `publish` stage of `dvc repro` (or `dvc exp run`).
Headline metrics: `f1_boilerplate` and `macro_f1_stance` (leave-one-article-out on the scraped seed
pages), `checklist_stance_pass_rate`, `checklist_boilerplate_pass_rate` and `checklist_page_stance_pass_rate`
(frozen test part of the capability checklist) and `predict_sentences_per_second`. Per class, per fold, per baseline and per
capability figures are in each run's `evaluation/` artifacts. Compare runs on the headline metrics;
the `Dataset` column says which labelled data each run learned from.
"""


def md5_file(path: Path) -> str:
    """MD5 of a file, as DVC records it in ``dvc.lock``."""
    h = hashlib.md5()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def model_code_digest(root: Path = config.ROOT) -> str:
    """Short SHA-256 over the files that shape a model besides params and data (:data:`MODEL_CODE`)."""
    h = hashlib.sha256()
    for pattern in MODEL_CODE:
        for path in sorted(root.glob(pattern)):
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def run_name(variant: str, data_md5: str, when: dt.datetime) -> str:
    """``default · d41d8c · 2026-11-24 19:15``: what the run is, in the MLflow run list."""
    return f"{variant} · {data_md5[:6]} · {when:%Y-%m-%d %H:%M}"


def params_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """``key: old → new`` for every flattened key that differs (the variant name excepted)."""
    from pipeline.tracking import flatten

    a, b = flatten(old), flatten(new)
    return [f"{k}: {a.get(k)!r} → {b.get(k)!r}" for k in sorted(set(a) | set(b))
            if k != "variant" and a.get(k) != b.get(k)]


def labelled_dataset(labelled_file: Path, data_md5: str) -> tuple[Any, dict[str, str]]:
    """The labelled sentences as an MLflow dataset (digest = DVC's MD5), and tags with counts per class and source."""
    import mlflow.data
    import pandas as pd

    rows = [r for r in read_jsonl(labelled_file) if r["label_source"] != "none"]
    frame = pd.DataFrame({
        "article_id": [r["article_id"] for r in rows],
        "source": [r.get("source", "scraped") for r in rows],
        "text": [r["text"] for r in rows],
        "label": ["boilerplate" if r["boilerplate"] else r["stance"] for r in rows],
        "label_source": [r["label_source"] for r in rows],
    })
    with warnings.catch_warnings():
        # MLflow registers the local-file source twice and warns that a path "can be interpreted in multiple ways".
        warnings.filterwarnings("ignore", message="The specified dataset source can be interpreted")
        dataset = mlflow.data.from_pandas(frame, source=str(labelled_file), name="labelled-sentences",
                                          targets="label", digest=data_md5)
    counts = frame["label"].value_counts().to_dict()
    sources = frame["source"].value_counts().to_dict()
    tags = {**{f"n_{k}": str(v) for k, v in sorted(counts.items())},
            **{f"n_{k}_sentences": str(v) for k, v in sorted(sources.items())},
            "n_articles": str(frame["article_id"].nunique())}
    return dataset, tags


def champion_outcomes(champion_params: dict[str, Any], labelled_file: Path) -> dict[str, Any]:
    """Train the champion's configuration on the current data and evaluate it as the evaluate stage does."""
    from pipeline.core.bundle import build_bundle, save_bundle, stance_extra_records
    from pipeline.core.data import records_from_rows, trainable
    from pipeline.stages.evaluate import evaluate

    params = Params.from_dict(champion_params, "champion params")
    records = records_from_rows(list(read_jsonl(labelled_file)))
    train = trainable(records, params.label.train_on_rule_labels, params.label.train_on_authored)
    with tempfile.TemporaryDirectory() as tmp:
        extra = stance_extra_records(params)
        save_bundle(build_bundle(train, params, extra), Path(tmp), params, train, labelled_file, extra)
        return evaluate(records, params, Path(tmp) / config.MODEL_FILE.name)["outcomes"]


def publish(params: Params, models_dir: Path, labelled_file: Path) -> dict[str, Any]:
    """Log, register and decide on the champion; returns the decision and the run/version ids.

    Raises:
        TrackingError: the tracking store cannot be reached, or fails mid-run
            (the message shows its URI, password masked).
    """
    from pipeline import tracking

    mlflow = tracking.client(params.mlflow.tracking_timeout_seconds)  # telemetry off and bounded waits before MLflow loads
    from mlflow.exceptions import MlflowException

    try:
        return _publish(mlflow, params, models_dir, labelled_file)
    except MlflowException as exc:
        raise tracking.TrackingError(tracking.redact(f"MLflow tracking at {tracking.tracking_uri()} failed: "
                                                     f"{exc.message}")) from None


def _publish(mlflow: Any, params: Params, models_dir: Path, labelled_file: Path) -> dict[str, Any]:
    """:func:`publish`'s work, with ``mlflow`` the module :func:`pipeline.tracking.client` returned."""
    from pipeline import registry, tracking
    from pipeline.serve.pyfunc import log_pyfunc
    from pipeline.serve.throughput import measure_throughput

    manifest = read_json_file(models_dir / config.MODEL_MANIFEST_FILE.name)
    evaluation = read_json_file(config.EVALUATION_FILE)
    if evaluation.get("model_sha256") != manifest["sha256"]:
        raise RuntimeError(f"{config.EVALUATION_FILE} was written for another model; run `dvc repro` "
                           "so that evaluate runs on the current model")
    outcomes = read_json_file(config.OUTCOMES_FILE)
    data_md5 = md5_file(labelled_file)
    run_tags = {"data_md5": data_md5, "params_digest": manifest["params_digest"],
                "model_code_digest": model_code_digest(), "model_sha256": manifest["sha256"],
                "variant": params.variant, "git_commit": tracking.git_commit()}
    speed = measure_throughput(models_dir / config.MODEL_FILE.name, params.publish.speed_min_sentences)

    tracking.use_experiment(mlflow, params.mlflow)
    client = mlflow.MlflowClient()
    experiment = mlflow.get_experiment_by_name(params.mlflow.experiment_name)
    client.set_experiment_tag(experiment.experiment_id, "mlflow.experimentKind", "custom_model_development")
    client.set_experiment_tag(experiment.experiment_id, "mlflow.note.content", EXPERIMENT_DESCRIPTION)

    name = params.mlflow.registered_model_name
    champion = registry.current_champion(client, name)
    changes: list[str] = []
    if champion is not None:
        try:
            with tempfile.TemporaryDirectory() as tmp:
                old = json.loads(Path(client.download_artifacts(champion.run_id, "params.json", tmp)).read_text())
            changes = params_changes(old, params.to_dict())
        except Exception as exc:  # noqa: BLE001 - an older champion without params.json
            changes = [f"(the champion's params are not available: {exc})"]
    description = [f"Variant `{params.variant}` (experiments/{params.variant}.yaml, or configs/params.yaml for default).",
                   f"Labelled data: `data/labelled.jsonl`, MD5 {data_md5} ({manifest['n_train_boilerplate']} "
                   f"training sentences, {len(manifest['articles'])} pages)."]
    if champion is None:
        description.append("No champion yet.")
    else:
        description.append(f"Changes from the champion (v{champion.version}): "
                           + ("; ".join(changes) if changes else "none in the params"))
    dataset, data_tags = labelled_dataset(labelled_file, data_md5)

    with mlflow.start_run(run_name=run_name(params.variant, data_md5, dt.datetime.now())) as run:
        mlflow.set_tags({**run_tags, "dvc_stage": "publish", "mlflow.note.content": "\n\n".join(description)})
        mlflow.log_params({k: str(v)[:500] for k, v in tracking.flatten(params.to_dict()).items()})
        mlflow.log_dict(params.to_dict(), "params.json")
        mlflow.log_input(dataset, context="training", tags=data_tags)
        mlflow.log_metrics({**evaluation["headline"], "predict_sentences_per_second": speed["sentences_per_second"]})
        for path in [config.EVALUATION_FILE, config.OUTCOMES_FILE, config.REPORTS_DIR / "top_features.json",
                     config.REPORTS_DIR / "misclassified.csv", config.REPORTS_DIR / "checklist_failures.csv",
                     *sorted(config.PLOTS_DIR.glob("*.png"))]:
            if path.exists():
                mlflow.log_artifact(str(path), artifact_path="evaluation")
        example = [r["text"] for r in read_jsonl(labelled_file)][:3]
        info = log_pyfunc(models_dir, [" ".join(example)])
        decision = registry.decide(client, name, outcomes, run_tags,
                                   lambda champion_params: champion_outcomes(champion_params, labelled_file))
        version = mlflow.register_model(info.model_uri, name).version
        if decision.promoted:
            client.set_registered_model_alias(name, registry.CHAMPION, str(version))
        mlflow.log_dict({**decision.to_dict(), "version": str(version)}, "promotion.json")
        mlflow.set_tags({"champion_promoted": str(decision.promoted).lower(), "champion_reason": decision.reason})
        for key, value in {**run_tags, "champion_decision": decision.reason}.items():
            client.set_model_version_tag(name, str(version), key, value)
        for figure, f in decision.figures.items():
            client.set_model_version_tag(name, str(version), f"vs_champion.{figure}",
                                         f"{f['challenger']} vs {f['champion']} ({f['difference']:+}, 95% {f['ci95']})")
        client.update_model_version(name, str(version), description="\n\n".join(description))
    log.info("MLflow run %s (%s); registered %s v%s; %s", run.info.run_id, tracking.redact(tracking.tracking_uri()), name, version,
             decision.reason)
    return {"run_id": run.info.run_id, "version": str(version), **decision.to_dict()}


def main(argv: list[str] | None = None) -> None:
    """DVC stage entry point."""
    from pipeline.tracking import TrackingError

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, default=config.MODELS_DIR)
    parser.add_argument("--input", type=Path, default=config.LABELLED_FILE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    params = load_params()
    manifest = read_json_file(args.models / config.MODEL_MANIFEST_FILE.name)
    try:
        publish(params, args.models, args.input)
    except TrackingError as exc:
        if params.mlflow.fail_on_tracking_error:
            sys.exit(f"publish: the model is saved in {args.models}, but {exc}")
        log.warning("model saved, not published: %s", exc)
    write_json(config.PUBLICATION_FILE, {"model_sha256": manifest["sha256"],
                                         "registered_model_name": params.mlflow.registered_model_name,
                                         "experiment_name": params.mlflow.experiment_name})


if __name__ == "__main__":
    run_stage(main)
