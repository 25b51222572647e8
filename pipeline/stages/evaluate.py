"""Stage ``evaluate``: quality only — seed leave-one-article-out, the capability checklist, baselines.

* **Leave-one-article-out on the scraped pages** (``source == "scraped"``, gold
  labels): each article is held out in turn (``LeaveOneGroupOut``) and both
  models are fitted on the other scraped articles.  Authored pages never enter
  these folds: they were written from the seeds' facts, so training on them and
  testing on a seed would not measure transfer.  Sentences of one article are
  never split between training and test.
* **Baselines** on the same folds: majority class, the labelling rules alone, and
  a plain TF-IDF (words + characters) logistic regression.
* **The capability checklist** (``checklist/``): pass rates per part (frozen
  ``test``, ``dev``) and capability, for the trained model: stance rows,
  boilerplate decisions on page lines, and the stance of article lines in page
  context (``page_stance``).  When the stance model trains on the dev part's
  sentences (``label.train_on_checklist_dev``), those are scored out of fold
  (:func:`checklist_out_of_fold`); the frozen part is never trained on.
* **95% intervals** for the headline figures (bootstrap over sentences / cases).
* The top weighted features of each class (``reports/top_features.json``).

* **Unseen sites** (authored pages): each authored site held out in turn,
  boilerplate only (:func:`leave_one_site_out`, sites held out in folds).

Writes ``metrics/{boilerplate,stance,checklist,unseen_sites}.json`` (DVC metrics),
``reports/evaluation.json`` (everything, with the model's SHA-256),
``reports/top_features.json``, ``reports/misclassified.csv``,
``reports/checklist_failures.csv`` and ``plots/``.  MLflow is the publish stage's job.

Run as a DVC stage: ``python -m pipeline.stages.evaluate``.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pipeline import config
from pipeline.core.bundle import fit_models, fit_stance
from pipeline.core.checklist import TASKS
from pipeline.core.data import records_from_rows, trainable
from pipeline.core.features import Record
from pipeline.io import atomic_write_text, read_json_file, read_jsonl, run_stage, write_json
from pipeline.params import Params, load_params

log = logging.getLogger(__name__)

BOILERPLATE_LABELS = [True, False]
N_BOOTSTRAP = 1000
#: Folds of the checklist's dev sentences when the stance model trains on them (:func:`checklist_out_of_fold`).
CHECKLIST_FOLDS = 5


def classification_metrics(y_true: Sequence[Any], y_pred: Sequence[Any], labels: Sequence[Any]) -> dict[str, Any]:
    """Per-class precision/recall/F1/support, macro-F1, accuracy and the confusion matrix (scikit-learn's report).

    Raises:
        ValueError: no items (there is nothing to score).
    """
    from sklearn.metrics import classification_report, confusion_matrix

    if not len(y_true):
        raise ValueError("classification_metrics: no items to score")

    names = [str(lab) for lab in labels]
    report = classification_report(y_true, y_pred, labels=list(labels), target_names=names,
                                   output_dict=True, zero_division=0)
    return {
        "per_class": {n: {"precision": round(report[n]["precision"], 4), "recall": round(report[n]["recall"], 4),
                          "f1": round(report[n]["f1-score"], 4), "support": int(report[n]["support"])}
                      for n in names},
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
        "accuracy": round(float(np.mean(np.asarray(y_true, dtype=object) == np.asarray(y_pred, dtype=object))), 4),
        "confusion_matrix": {"labels": names, "matrix": confusion_matrix(y_true, y_pred, labels=list(labels)).tolist()},
    }


def headline_value(task: str, y_true: Sequence[Any], y_pred: Sequence[Any]) -> float:
    """The headline figure of a task: F1 of the boilerplate class, or stance macro-F1."""
    from sklearn.metrics import f1_score

    if task == "boilerplate":
        return float(f1_score([bool(v) for v in y_true], [bool(v) for v in y_pred], pos_label=True, zero_division=0))
    return float(f1_score([str(v) for v in y_true], [str(v) for v in y_pred], labels=list(config.STANCE_LABELS),
                          average="macro", zero_division=0))


def bootstrap_interval(values: Callable[[np.ndarray], float], n: int, seed: int = 0,
                       rounds: int = N_BOOTSTRAP) -> tuple[float, float]:
    """95% percentile interval of ``values(indices)`` over ``rounds`` resamples of ``n`` items with replacement."""
    if n == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    stats = [values(rng.integers(0, n, n)) for _ in range(rounds)]
    return (round(float(np.percentile(stats, 2.5)), 4), round(float(np.percentile(stats, 97.5)), 4))


def scraped_gold(records: Sequence[Record]) -> list[Record]:
    """The records seed leave-one-article-out uses: gold labels on scraped pages."""
    return [r for r in records if r["label_source"] == "gold" and r.get("source", "scraped") == "scraped"]


def leave_one_article_out(records: Sequence[Record], params: Params) -> dict[str, Any]:
    """Out-of-fold predictions for the scraped gold records, one fold per article.

    Returns ``{"boilerplate": ..., "stance": ..., "articles": [...]}``; each task
    block holds the records evaluated, gold labels, predictions, probabilities,
    fold ids and the baselines' predictions.
    """
    from sklearn.model_selection import LeaveOneGroupOut

    scraped = [r for r in trainable(records, params.label.train_on_rule_labels, use_authored=False)
               if r.get("source", "scraped") == "scraped"]
    gold = scraped_gold(records)
    articles = sorted({r["article_id"] for r in gold})
    if len(articles) < 2:
        raise ValueError(f"leave-one-article-out needs at least 2 labelled scraped articles, found {len(articles)}")
    threshold = params.predict.boilerplate_threshold
    out = {task: {"records": [], "y": [], "pred": [], "proba": [], "fold": [], "tfidf": []}
           for task in ("boilerplate", "stance")}
    groups = [r["article_id"] for r in gold]
    for _, test_idx in LeaveOneGroupOut().split(gold, groups=groups):
        held_out = gold[test_idx[0]]["article_id"]
        train = [r for r in scraped if r["article_id"] != held_out]
        test = [gold[i] for i in test_idx]
        bp, st = fit_models(train, params)
        p_bp = bp.predict_proba(test)[:, list(bp.classes_).index(True)]
        tf_bp = _tfidf_baseline(train, test, "boilerplate", params.train.seed)
        block = out["boilerplate"]
        block["records"] += test
        block["y"] += [bool(r["boilerplate"]) for r in test]
        block["pred"] += [bool(p >= threshold) for p in p_bp]
        block["proba"] += [float(p) for p in p_bp]
        block["fold"] += [held_out] * len(test)
        block["tfidf"] += tf_bp
        content = [r for r in test if not r["boilerplate"]]
        if content:
            proba = st.predict_proba(content)
            classes = list(st.classes_)
            block = out["stance"]
            block["records"] += content
            block["y"] += [r["stance"] for r in content]
            block["pred"] += [classes[i] for i in proba.argmax(axis=1)]
            block["proba"] += [[float(row[classes.index(lab)]) if lab in classes else 0.0
                                for lab in config.STANCE_LABELS] for row in proba]
            block["fold"] += [held_out] * len(content)
            block["tfidf"] += _tfidf_baseline([r for r in train if not r["boilerplate"]], content, "stance",
                                              params.train.seed)
    return {**out, "articles": articles}


def leave_one_site_out(records: Sequence[Record], params: Params) -> dict[str, Any]:
    """Boilerplate on sites the model has not seen: the authored sites held out, a group of sites at a time.

    The authored sites are split into ``evaluate.unseen_site_folds`` folds
    (``GroupKFold``: a site's pages are all in one fold).  Each fold is tested
    on a model trained on the scraped pages and the other folds' sites, so the
    furniture of a held-out site is never seen in training.  This measures what
    seed leave-one-article-out cannot: transfer to other sites' menus, teaser
    blocks and prompts.  Stance is not scored here (authored stance lines
    paraphrase the seeds' facts).
    """
    from sklearn.model_selection import GroupKFold

    from pipeline.core.bundle import fit_boilerplate

    authored = [r for r in records if r.get("source") == "authored" and r["label_source"] == "authored"]
    sites = sorted({r["outlet"] for r in authored})
    out: dict[str, list[Any]] = {"y": [], "pred": [], "fold": [], "kind": []}
    if len(sites) < 2:
        return {**out, "sites": sites}
    # With label.train_on_authored false the model learns from the scraped pages alone: the figure then
    # says what the authored pages add on sites the model has never seen.
    pool = trainable(records, params.label.train_on_rule_labels, use_authored=params.label.train_on_authored)
    folds = GroupKFold(n_splits=min(params.evaluate.unseen_site_folds, len(sites)))
    for _, test_idx in folds.split(authored, groups=[r["outlet"] for r in authored]):
        test = [authored[i] for i in test_idx]
        held_out = {r["outlet"] for r in test}
        bp = fit_boilerplate([r for r in pool if r.get("source") != "authored" or r.get("outlet") not in held_out],
                             params)
        p_bp = bp.predict_proba(test)[:, list(bp.classes_).index(True)]
        out["y"] += [bool(r["boilerplate"]) for r in test]
        out["pred"] += [bool(p >= params.predict.boilerplate_threshold) for p in p_bp]
        out["fold"] += [r["outlet"] for r in test]  # per-site figures in the report
    return {**out, "sites": sites}


def _tfidf_baseline(train: Sequence[Record], test: Sequence[Record], task: str, seed: int) -> list[Any]:
    """Predictions of the plain baseline (:func:`pipeline.core.models.tfidf_logreg`)."""
    from pipeline.core.models import tfidf_logreg

    y = [bool(r["boilerplate"]) if task == "boilerplate" else r["stance"] for r in train]
    if len(set(y)) < 2:
        return [y[0]] * len(test)
    model = tfidf_logreg(seed)
    model.fit([r["text"] for r in train], y)
    return list(model.predict([r["text"] for r in test]))


def _baselines(block: dict[str, Any], task: str) -> dict[str, list[Any]]:
    y = block["y"]
    majority = Counter(y).most_common(1)[0][0]
    if task == "boilerplate":
        rules = [bool(r["rule_boilerplate"]) for r in block["records"]]
    else:
        rules = [r["rule_stance"] or "neutral" for r in block["records"]]
    return {"majority": [majority] * len(y), "rules": rules, "tfidf_logreg": block["tfidf"]}


def summarise(oof: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Metrics for both tasks: the model with a 95% interval, the baselines, and the model per fold."""
    result: dict[str, dict[str, Any]] = {}
    for task, labels in (("boilerplate", BOILERPLATE_LABELS), ("stance", list(config.STANCE_LABELS))):
        block = oof[task]
        y, pred = np.asarray(block["y"], dtype=object), np.asarray(block["pred"], dtype=object)
        value = round(headline_value(task, y, pred), 4)
        interval = bootstrap_interval(lambda idx: headline_value(task, y[idx], pred[idx]), len(y))
        per_fold = {}
        for art in oof["articles"]:
            idx = [i for i, f in enumerate(block["fold"]) if f == art]
            if idx:
                per_fold[art] = {"headline": round(headline_value(task, y[idx], pred[idx]), 4), "n": len(idx)}
        result[task] = {
            "headline": {"name": "f1_boilerplate" if task == "boilerplate" else "macro_f1_stance",
                         "value": value, "ci95": list(interval)},
            "model": classification_metrics(block["y"], block["pred"], labels),
            "baselines": {name: {**classification_metrics(block["y"], p, labels),
                                 "headline": round(headline_value(task, y, np.asarray(p, dtype=object)), 4)}
                          for name, p in _baselines(block, task).items()},
            "per_fold": per_fold,
            "n": len(block["y"]),
        }
    return result


def summarise_sites(lso: dict[str, Any]) -> dict[str, Any]:
    """Boilerplate F1 over all held-out sites with a 95% interval, and per site."""
    if not lso["y"]:
        return {"n": 0, "sites": lso["sites"]}
    y, pred = np.asarray(lso["y"], dtype=object), np.asarray(lso["pred"], dtype=object)
    per_site = {}
    for site in lso["sites"]:
        idx = [i for i, f in enumerate(lso["fold"]) if f == site]
        per_site[site] = {"f1_boilerplate": round(headline_value("boilerplate", y[idx], pred[idx]), 4), "n": len(idx)}
    return {"headline": {"name": "f1_boilerplate_unseen_site", "value": round(headline_value("boilerplate", y, pred), 4),
                         "ci95": list(bootstrap_interval(lambda i: headline_value("boilerplate", y[i], pred[i]), len(y)))},
            "model": classification_metrics(lso["y"], lso["pred"], BOILERPLATE_LABELS),
            "per_site": per_site, "n": len(y), "sites": lso["sites"]}


def checklist_summary(scored: dict[str, Any]) -> dict[str, Any]:
    """Checklist pass rates with 95% intervals (bootstrap over cases); the raw outcomes are dropped."""
    out: dict[str, Any] = {}
    for part, tasks in scored["parts"].items():
        out[part] = {}
        for task, block in tasks.items():
            outcomes = np.asarray(block.pop("outcomes"), dtype=float)
            block["ci95"] = list(bootstrap_interval(lambda idx: float(outcomes[idx].mean()), len(outcomes)))
            out[part][task] = block
    return out


def outcomes(oof: dict[str, Any], checklist_outcomes: dict[str, Any]) -> dict[str, Any]:
    """Item-level results, keyed so that two configurations evaluated on the same data can be paired.

    Seed LOAO: gold and predicted label per sentence key; checklist: pass or
    fail per case id.  The publish stage compares champion and challenger on these.
    """
    return {
        "loao": {task: {r["key"]: [y, p] for r, y, p in zip(oof[task]["records"], oof[task]["y"], oof[task]["pred"])}
                 for task in ("boilerplate", "stance")},
        "checklist": checklist_outcomes,
    }


def headline(summary: dict[str, Any], checklist: dict[str, Any]) -> dict[str, float]:
    """The few figures a person compares first (logged at the top level in MLflow)."""
    figures = {
        "f1_boilerplate": summary["boilerplate"]["headline"]["value"],
        "macro_f1_stance": summary["stance"]["headline"]["value"],
        "f1_pro_microsoft": summary["stance"]["model"]["per_class"]["pro_microsoft"]["f1"],
    }
    if "headline" in summary.get("unseen_sites", {}):
        figures["f1_boilerplate_unseen_site"] = summary["unseen_sites"]["headline"]["value"]
    test = checklist.get("test", {})
    for task in TASKS:
        if task in test:
            figures[f"checklist_{task}_pass_rate"] = test[task]["pass_rate"]
            if task != "page_stance":  # its "capabilities" are the gold labels: the pass rate says enough here
                figures[f"checklist_{task}_min_capability"] = test[task]["min_capability_pass_rate"]
    return figures


def headline_metrics(summary: dict[str, Any], task: str) -> dict[str, Any]:
    """What ``dvc metrics show`` prints for a task (the full report goes to reports/)."""
    block = summary[task]
    m = block["model"]
    baselines = {f"baseline_{k}": v["headline"] for k, v in block["baselines"].items()}
    if task == "boilerplate":
        pc = m["per_class"]["True"]
        return {"f1": pc["f1"], "f1_ci95_low": block["headline"]["ci95"][0],
                "f1_ci95_high": block["headline"]["ci95"][1], "precision": pc["precision"],
                "recall": pc["recall"], **baselines, "n": block["n"]}
    return {"macro_f1": m["macro_f1"], "macro_f1_ci95_low": block["headline"]["ci95"][0],
            "macro_f1_ci95_high": block["headline"]["ci95"][1],
            **{f"f1_{lab}": m["per_class"][lab]["f1"] for lab in config.STANCE_LABELS}, **baselines, "n": block["n"]}


def checklist_metrics(checklist: dict[str, Any]) -> dict[str, Any]:
    """Pass rates per part and task, and per capability, for ``dvc metrics show``."""
    out: dict[str, Any] = {}
    for part, tasks in checklist.items():
        for task, block in tasks.items():
            out[f"{part}.{task}.pass_rate"] = block["pass_rate"]
            out[f"{part}.{task}.min_capability"] = block["min_capability_pass_rate"]
            for cap, c in block["capabilities"].items():
                out[f"{part}.{task}.{cap}"] = c["pass_rate"]
    return out


def misclassified_rows(oof: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    rows = []
    for task in ("boilerplate", "stance"):
        block = oof[task]
        for rec, y, pred, proba in zip(block["records"], block["y"], block["pred"], block["proba"]):
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


def write_plots(oof: dict[str, Any], plots_dir: Path) -> list[Path]:
    """DVC plot data (CSV) and PNG figures (scikit-learn's displays): confusion matrices, boilerplate PR curve."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay, PrecisionRecallDisplay, precision_recall_curve

    plots_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for task, labels in (("boilerplate", BOILERPLATE_LABELS), ("stance", list(config.STANCE_LABELS))):
        block = oof[task]
        path = plots_dir / f"{task}_predictions.csv"
        atomic_write_text(path, _csv_text(
            [{"article_id": r["article_id"], "actual": str(y), "predicted": str(p)}
             for r, y, p in zip(block["records"], block["y"], block["pred"])], ["article_id", "actual", "predicted"]))
        fig, ax = plt.subplots(figsize=(4.8, 4.2))
        ConfusionMatrixDisplay.from_predictions(block["y"], block["pred"], labels=labels,
                                                display_labels=[str(x) for x in labels], ax=ax, colorbar=False)
        ax.set_title(f"{task}: leave-one-article-out")
        fig.tight_layout()
        png = plots_dir / f"confusion_{task}.png"
        fig.savefig(png, dpi=110, metadata={"Software": None})
        plt.close(fig)
        written += [path, png]
    block = oof["boilerplate"]
    precision, recall, _ = precision_recall_curve(block["y"], block["proba"])
    path = plots_dir / "boilerplate_pr.csv"
    atomic_write_text(path, _csv_text([{"precision": round(float(p), 4), "recall": round(float(r), 4)}
                                       for p, r in zip(precision, recall)], ["precision", "recall"]))
    fig, ax = plt.subplots(figsize=(4.8, 4.2))
    PrecisionRecallDisplay.from_predictions(block["y"], block["proba"], pos_label=True, ax=ax, name="model")
    ax.set_title("boilerplate: precision-recall (LOAO)")
    fig.tight_layout()
    png = plots_dir / "pr_boilerplate.png"
    fig.savefig(png, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return written + [path, png]


def checklist_out_of_fold(records: Sequence[Record], params: Params, cases: Sequence[Any]) -> dict[str, str]:
    """Out-of-fold stance predictions for the checklist's dev sentences, when the model trains on them.

    The dev sentences are split into :data:`CHECKLIST_FOLDS` blocks in file order (rounds were appended one
    after the other, so a block is mostly whole rounds); each block is predicted by a stance model trained on
    the usual data and the other blocks.  The dev part's stance pass rates then measure sentences the model
    has not seen, as they did before it trained on them; the frozen part is never trained on.
    """
    from sklearn.model_selection import KFold

    from pipeline.core.data import checklist_stance_records

    extra = checklist_stance_records(cases, "dev")
    if len(extra) < CHECKLIST_FOLDS:
        return {}
    content = [r for r in trainable(records, params.label.train_on_rule_labels, params.label.train_on_authored)
               if not r["boilerplate"]]
    out: dict[str, str] = {}
    for train_idx, test_idx in KFold(CHECKLIST_FOLDS).split(extra):
        st = fit_stance(content + [extra[i] for i in train_idx], params)
        held = [extra[i] for i in test_idx]
        for r, pred in zip(held, st.predict(held)):
            out[r["key"]] = str(pred)
    return out


def evaluate(records: Sequence[Record], params: Params, model_file: Path) -> dict[str, Any]:
    """The whole evaluation of a configuration on the current data: LOAO, baselines, checklist.

    ``model_file`` is the model trained on all data by the train stage (for the
    checklist and the top features); the publish stage calls this for the
    champion's configuration too, with a model trained on the same data.
    """
    from pipeline.core.checklist import load_checklist, score_checklist
    from pipeline.core.models import top_features
    from pipeline.core.loading import load_verified

    oof = leave_one_article_out(records, params)
    summary = summarise(oof)
    summary["unseen_sites"] = summarise_sites(leave_one_site_out(records, params))
    model = load_verified(model_file, model_file.parent / config.MODEL_MANIFEST_FILE.name, str(model_file), metrics={})
    cases = load_checklist()
    trained_on = checklist_out_of_fold(records, params, cases) if params.label.train_on_checklist_dev else None
    scored = score_checklist(model, cases, trained_on) if cases else {"parts": {}, "failures": [], "outcomes": {}}
    checklist = checklist_summary(scored)
    return {"oof": oof, "summary": summary, "checklist": checklist, "checklist_failures": scored["failures"],
            "outcomes": outcomes(oof, scored["outcomes"]),
            "headline": headline(summary, checklist), "model_sha256": model.info.sha256,
            "top_features": top_features(model.bundle, params.evaluate.n_top_features)}


def main(argv: list[str] | None = None) -> None:
    """DVC stage entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=config.LABELLED_FILE)
    parser.add_argument("--model", type=Path, default=config.MODEL_FILE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    params = load_params()
    records = records_from_rows(list(read_jsonl(args.input)))
    result = evaluate(records, params, args.model)
    summary, checklist = result["summary"], result["checklist"]
    for task in ("boilerplate", "stance"):
        write_json(config.METRICS_DIR / f"{task}.json", headline_metrics(summary, task))
    unseen = summary["unseen_sites"]
    write_json(config.METRICS_DIR / "unseen_sites.json",
               {"f1_boilerplate": unseen["headline"]["value"], "f1_ci95_low": unseen["headline"]["ci95"][0],
                "f1_ci95_high": unseen["headline"]["ci95"][1], "n": unseen["n"], "sites": len(unseen["sites"])}
               if "headline" in unseen else {"n": 0, "sites": len(unseen["sites"])})
    write_json(config.METRICS_DIR / "checklist.json", checklist_metrics(checklist))
    write_json(config.EVALUATION_FILE, {"model_sha256": result["model_sha256"], "headline": result["headline"],
                                        "params_digest": read_json_file(config.MODEL_MANIFEST_FILE)["params_digest"],
                                        "seed_leave_one_article_out": summary, "checklist": checklist})
    write_json(config.REPORTS_DIR / "top_features.json", result["top_features"])
    write_json(config.OUTCOMES_FILE, result["outcomes"])
    oof = result["oof"]
    mis = misclassified_rows(oof, params.evaluate.n_misclassified_max)
    atomic_write_text(config.REPORTS_DIR / "misclassified.csv",
                      _csv_text(mis, ["task", "article_id", "key", "text", "gold", "predicted", "probability"]))
    failures = result["checklist_failures"]
    atomic_write_text(config.REPORTS_DIR / "checklist_failures.csv",
                      _csv_text(failures, ["id", "part", "task", "capability", "text", "label", "predicted"]))
    write_plots(oof, config.PLOTS_DIR)
    b, s = summary["boilerplate"], summary["stance"]
    log.info("seed LOAO boilerplate F1 %.3f %s (rules %.3f, tf-idf %.3f); stance macro-F1 %.3f %s (rules %.3f, "
             "tf-idf %.3f)", b["headline"]["value"], b["headline"]["ci95"], b["baselines"]["rules"]["headline"],
             b["baselines"]["tfidf_logreg"]["headline"], s["headline"]["value"], s["headline"]["ci95"],
             s["baselines"]["rules"]["headline"], s["baselines"]["tfidf_logreg"]["headline"])
    if "headline" in summary["unseen_sites"]:
        u = summary["unseen_sites"]
        log.info("authored pages, leave-one-site-out: boilerplate F1 %.3f %s on %d sentences of %d sites",
                 u["headline"]["value"], u["headline"]["ci95"], u["n"], len(u["sites"]))
    for part, tasks in checklist.items():
        for task, block in tasks.items():
            log.info("checklist %s/%s: pass rate %.3f (lowest capability %.3f) on %d cases", part, task,
                     block["pass_rate"], block["min_capability_pass_rate"], block["n"])


if __name__ == "__main__":
    run_stage(main)
