"""Stage 5, ``evaluate``: leave-one-article-out evaluation, baselines, plots, MLflow.

Each article is held out in turn; both pipelines are fitted on the other
articles' labelled sentences and predict the held-out article.  Sentences of
one article are never split between training and test (neighbouring sentences
would leak).  Predictions of all folds are pooled for the headline figures;
per-fold figures are kept too.

Every run reports, side by side: the majority-class baseline, the labelling
rules alone, and the model.  Stance is evaluated on the gold non-boilerplate
sentences.

Outputs: ``metrics/boilerplate.json`` and ``metrics/stance.json`` (headline
DVC metrics), ``reports/evaluation.json`` (every figure: per class, per fold,
baselines, confusion matrices), ``plots/*.csv`` (DVC plots: confusion
matrices, precision-recall), ``plots/*.png``, ``reports/misclassified.csv``; the same metrics, plots and
table are logged to the MLflow run started by ``train``, and the model is
registered and promoted to ``@champion`` when it is not worse than the current
champion.

Run as a DVC stage: ``python -m pipeline.stages.evaluate``.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pipeline import config
from pipeline.core.data import records_from_rows, trainable
from pipeline.core.features import Record
from pipeline.io import atomic_write_text, read_json_file, read_jsonl, run_stage, write_json
from pipeline.stages.train import fit_models

log = logging.getLogger(__name__)


def classification_metrics(y_true: Sequence[Any], y_pred: Sequence[Any], labels: Sequence[Any]) -> dict[str, Any]:
    """Per-class precision/recall/F1/support, macro-F1, accuracy and the confusion matrix."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(labels), zero_division=0)
    return {
        "per_class": {
            str(lab): {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                       "f1": round(float(f[i]), 4), "support": int(s[i])}
            for i, lab in enumerate(labels)
        },
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=list(labels), average="macro", zero_division=0)), 4),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "confusion_matrix": {"labels": [str(x) for x in labels],
                             "matrix": confusion_matrix(y_true, y_pred, labels=list(labels)).tolist()},
    }


def leave_one_article_out(records: list[Record], params: dict[str, Any]) -> dict[str, Any]:
    """Out-of-fold predictions for every trainable record, one fold per article.

    Returns a dict with ``boilerplate`` and ``stance`` entries, each holding the
    records evaluated, gold labels, predictions, probabilities and fold ids.
    """
    use_rules = bool(params["label"].get("train_on_rule_labels", False))
    gold = [r for r in records if r["label_source"] == "gold"]
    articles = sorted({r["article_id"] for r in gold})
    if len(articles) < 2:
        raise ValueError(f"leave-one-article-out needs at least 2 labelled articles, found {len(articles)}")
    bp_out: dict[str, list[Any]] = {"records": [], "y": [], "pred": [], "proba": [], "fold": []}
    st_out: dict[str, list[Any]] = {"records": [], "y": [], "pred": [], "proba": [], "fold": []}
    for held_out in articles:
        train = [r for r in trainable(records, use_rules) if r["article_id"] != held_out]
        test = [r for r in gold if r["article_id"] == held_out]
        bp, st = fit_models(train, params)
        p_bp = bp.predict_proba(test)[:, list(bp.classes_).index(True)]
        bp_out["records"] += test
        bp_out["y"] += [bool(r["boilerplate"]) for r in test]
        bp_out["pred"] += [bool(p >= 0.5) for p in p_bp]
        bp_out["proba"] += [float(p) for p in p_bp]
        bp_out["fold"] += [held_out] * len(test)
        content = [r for r in test if not r["boilerplate"]]
        if content:
            proba = st.predict_proba(content)
            classes = list(st.classes_)
            st_out["records"] += content
            st_out["y"] += [r["stance"] for r in content]
            st_out["pred"] += [classes[i] for i in proba.argmax(axis=1)]
            st_out["proba"] += [
                [float(row[classes.index(lab)]) if lab in classes else 0.0 for lab in config.STANCE_LABELS]
                for row in proba
            ]
            st_out["fold"] += [held_out] * len(content)
    return {"boilerplate": bp_out, "stance": st_out, "articles": articles}


def _baselines(out: dict[str, Any], task: str) -> dict[str, list[Any]]:
    y = out["y"]
    majority = Counter(y).most_common(1)[0][0]
    if task == "boilerplate":
        rules = [bool(r["rule_boilerplate"]) for r in out["records"]]
    else:
        rules = [r["rule_stance"] or "neutral" for r in out["records"]]
    return {"majority": [majority] * len(y), "rules": rules}


def summarise(oof: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Metrics for both tasks: model, baselines, and the model per fold."""
    result: dict[str, dict[str, Any]] = {}
    for task, labels in (("boilerplate", [True, False]), ("stance", list(config.STANCE_LABELS))):
        out = oof[task]
        model = classification_metrics(out["y"], out["pred"], labels)
        headline = model["per_class"]["True"]["f1"] if task == "boilerplate" else model["macro_f1"]
        block: dict[str, Any] = {
            "headline": {"name": "f1_boilerplate" if task == "boilerplate" else "macro_f1", "value": headline},
            "model": model,
            "baselines": {name: classification_metrics(out["y"], pred, labels)
                          for name, pred in _baselines(out, task).items()},
            "per_fold": {},
            "n": len(out["y"]),
        }
        for art in oof["articles"]:
            idx = [i for i, f in enumerate(out["fold"]) if f == art]
            if idx:
                m = classification_metrics([out["y"][i] for i in idx], [out["pred"][i] for i in idx], labels)
                block["per_fold"][art] = {"macro_f1": m["macro_f1"], "accuracy": m["accuracy"], "n": len(idx),
                                          **({"f1_boilerplate": m["per_class"]["True"]["f1"]}
                                             if task == "boilerplate" else {})}
        result[task] = block
    return result


def headline_metrics(summary: dict[str, Any], task: str) -> dict[str, Any]:
    """The few figures ``dvc metrics show`` prints for a task (the full report goes to reports/)."""
    block = summary[task]
    m = block["model"]
    if task == "boilerplate":
        pc = m["per_class"]["True"]
        return {
            "f1": pc["f1"], "precision": pc["precision"], "recall": pc["recall"], "accuracy": m["accuracy"],
            "baseline_rules_f1": block["baselines"]["rules"]["per_class"]["True"]["f1"],
            "baseline_majority_f1": block["baselines"]["majority"]["per_class"]["True"]["f1"],
            "n": block["n"],
        }
    return {
        "macro_f1": m["macro_f1"], "accuracy": m["accuracy"],
        **{f"f1_{lab}": m["per_class"][lab]["f1"] for lab in config.STANCE_LABELS},
        "baseline_rules_macro_f1": block["baselines"]["rules"]["macro_f1"],
        "baseline_majority_macro_f1": block["baselines"]["majority"]["macro_f1"],
        "n": block["n"],
    }


def misclassified_rows(oof: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    rows = []
    for task in ("boilerplate", "stance"):
        out = oof[task]
        for rec, y, pred, proba in zip(out["records"], out["y"], out["pred"], out["proba"]):
            if y != pred:
                p = proba if task == "boilerplate" else max(proba)
                rows.append({"task": task, "article_id": rec["article_id"], "key": rec["key"], "text": rec["text"],
                             "gold": y, "predicted": pred, "probability": round(p, 4)})
    return rows[:limit]


def _csv_text(rows: Sequence[dict[str, Any]], fields: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_plots(oof: dict[str, Any], summary: dict[str, Any], plots_dir: Path) -> list[Path]:
    """DVC plot data (CSV) and PNG figures: confusion matrices and the boilerplate PR curve."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve

    plots_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for task in ("boilerplate", "stance"):
        out = oof[task]
        path = plots_dir / f"{task}_predictions.csv"
        atomic_write_text(path, _csv_text(
            [{"article_id": r["article_id"], "actual": str(y), "predicted": str(p)}
             for r, y, p in zip(out["records"], out["y"], out["pred"])],
            ["article_id", "actual", "predicted"]))
        written.append(path)
        cm = summary[task]["model"]["confusion_matrix"]
        fig, ax = plt.subplots(figsize=(4.5, 4))
        ax.imshow(np.asarray(cm["matrix"]), cmap="Blues")
        ax.set_xticks(range(len(cm["labels"])), cm["labels"], rotation=30, ha="right")
        ax.set_yticks(range(len(cm["labels"])), cm["labels"])
        for i, row in enumerate(cm["matrix"]):
            for j, v in enumerate(row):
                ax.text(j, i, str(v), ha="center", va="center")
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(f"{task}: leave-one-article-out")
        fig.tight_layout()
        png = plots_dir / f"confusion_{task}.png"
        fig.savefig(png, dpi=110)
        plt.close(fig)
        written.append(png)
    out = oof["boilerplate"]
    precision, recall, _ = precision_recall_curve(out["y"], out["proba"])
    path = plots_dir / "boilerplate_pr.csv"
    atomic_write_text(path, _csv_text([{"precision": round(float(p), 4), "recall": round(float(r), 4)}
                                       for p, r in zip(precision, recall)], ["precision", "recall"]))
    written.append(path)
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.plot(recall, precision)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_title("boilerplate: precision-recall (LOAO)")
    fig.tight_layout()
    png = plots_dir / "pr_boilerplate.png"
    fig.savefig(png, dpi=110)
    plt.close(fig)
    written.append(png)
    return written


def flat_metrics(summary: dict[str, Any]) -> dict[str, float]:
    """MLflow metric names → values: model and baselines per class, and per fold."""
    out: dict[str, float] = {}
    for task, block in summary.items():
        for source, m in [("model", block["model"])] + [(f"baseline_{k}", v) for k, v in block["baselines"].items()]:
            out[f"{task}.{source}.macro_f1"] = m["macro_f1"]
            out[f"{task}.{source}.accuracy"] = m["accuracy"]
            for lab, pc in m["per_class"].items():
                for k in ("precision", "recall", "f1"):
                    out[f"{task}.{source}.{lab}.{k}"] = pc[k]
        for fold, fm in block["per_fold"].items():
            for k, v in fm.items():
                if k != "n":
                    out[f"{task}.fold.{fold}.{k}"] = v
    return out


def measure_throughput(model_file: Path, min_sentences: int, repeats: int = 3) -> dict[str, float]:
    """Warm end-to-end ``predict()`` throughput of the trained model on shuffled copies of the seed articles.

    Raw article text in, results out, one process; the best of ``repeats``
    runs, each on copies no other run has seen.  Recorded so that the
    experiments table shows each variant's speed next to its quality; the
    benchmark script (``python -m benchmarks.bench``) is the full measurement.
    """
    import time

    from benchmarks.bench import seed_corpora
    from pipeline.serve.predict import predict

    best: dict[str, float] = {}
    for corpus in seed_corpora(model_file, min_sentences, repeats):
        start = time.perf_counter()
        n = sum(len(r.sentences) for r in predict(corpus, model=model_file))
        seconds = time.perf_counter() - start
        if not best or n / seconds > best["sentences_per_second"]:
            best = {"sentences_per_second": round(n / seconds, 1), "n_sentences": n,
                    "megabytes_per_second": round(sum(len(t.encode()) for t in corpus) / seconds / 1e6, 3)}
    return best


def log_to_mlflow(params: dict[str, Any], summary: dict[str, Any], artifacts: list[Path],
                  speed: dict[str, float]) -> dict[str, Any]:
    """Add metrics and artifacts to the training run; register and maybe promote the model."""
    from pipeline import registry, tracking

    manifest = read_json_file(config.MODEL_MANIFEST_FILE)
    run_id = manifest.get("mlflow_run_id")
    if not run_id:
        log.warning("models/manifest.json has no MLflow run (tracking failed at train time); nothing logged")
        return {"promoted": False, "reason": "no run"}
    mlflow = tracking.setup(params["mlflow"])
    with mlflow.start_run(run_id=run_id):
        mlflow.log_metrics(flat_metrics(summary))
        mlflow.log_metric("f1_boilerplate", summary["boilerplate"]["headline"]["value"])
        mlflow.log_metric("macro_f1_stance", summary["stance"]["headline"]["value"])
        mlflow.log_metric("predict_sentences_per_second", speed["sentences_per_second"])
        for path in artifacts:
            mlflow.log_artifact(str(path), artifact_path="evaluation")
        decision = registry.register_and_maybe_promote(mlflow, params["mlflow"], run_id, summary,
                                                       manifest.get("mlflow_model_uri"))
        mlflow.set_tags({"champion_promoted": str(decision["promoted"]).lower(),
                         "champion_reason": decision["reason"]})
    return decision


def main(argv: list[str] | None = None) -> None:
    """DVC stage entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=config.LABELLED_FILE)
    parser.add_argument("--no-mlflow", action="store_true", help="do not log to MLflow")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    params = config.load_params()
    records = records_from_rows(list(read_jsonl(args.input)))
    oof = leave_one_article_out(records, params)
    summary = summarise(oof)
    for task in ("boilerplate", "stance"):
        write_json(config.METRICS_DIR / f"{task}.json", headline_metrics(summary, task))
    write_json(config.REPORTS_DIR / "evaluation.json", summary)
    mis = misclassified_rows(oof, int(params["evaluate"].get("n_misclassified_max", 200)))
    mis_path = config.REPORTS_DIR / "misclassified.csv"
    atomic_write_text(mis_path, _csv_text(mis, ["task", "article_id", "key", "text", "gold", "predicted", "probability"]))
    artifacts = write_plots(oof, summary, config.PLOTS_DIR) + [mis_path, config.REPORTS_DIR / "evaluation.json"]
    log.info("LOAO boilerplate F1 %.3f (rules %.3f, majority %.3f); stance macro-F1 %.3f (rules %.3f, majority %.3f)",
             summary["boilerplate"]["headline"]["value"],
             summary["boilerplate"]["baselines"]["rules"]["per_class"]["True"]["f1"],
             summary["boilerplate"]["baselines"]["majority"]["per_class"]["True"]["f1"],
             summary["stance"]["headline"]["value"],
             summary["stance"]["baselines"]["rules"]["macro_f1"],
             summary["stance"]["baselines"]["majority"]["macro_f1"])
    speed = measure_throughput(config.MODEL_FILE, int(params["evaluate"].get("speed_min_sentences", 3000)))
    write_json(config.METRICS_DIR / "speed.json", speed)
    log.info("predict() throughput: %.0f sentences/s", speed["sentences_per_second"])
    if not args.no_mlflow:
        decision = log_to_mlflow(params, summary, artifacts, speed)
        log.info("model registry: %s", decision)


if __name__ == "__main__":
    run_stage(main)
