"""Print the latest figures of every variant, from MLflow, as a Markdown table (the README's experiments table).

Usage: python experiments/report.py   (after python experiments/run.py)

Columns: seed leave-one-article-out boilerplate F1 and stance macro-F1 with
their 95% intervals, pro_microsoft F1, the frozen checklist's pass rates, and
predict() throughput; then the baselines of the default run on the same folds.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from pipeline import tracking
from pipeline.params import load_params


def _fmt(block: dict) -> str:
    return f"{block['value']:.3f} [{block['ci95'][0]:.2f}, {block['ci95'][1]:.2f}]"


def _unseen(loao: dict) -> str:
    unseen = loao.get("unseen_sites", {}).get("headline")
    return _fmt(unseen) if unseen else "n/a"


def main() -> None:
    params = load_params().mlflow
    mlflow = tracking.setup(params)
    client = mlflow.MlflowClient()
    experiment = client.get_experiment_by_name(params.experiment_name)
    runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time DESC"])
    latest: dict[str, object] = {}
    for run in runs:
        latest.setdefault(run.data.tags.get("variant", "?"), run)
    print("| variant | boilerplate F1 [95%] | stance macro-F1 [95%] | F1 pro_microsoft | checklist stance "
          "| checklist boilerplate | unseen sites boilerplate F1 | predict() sentences/s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    default_eval = None
    rows = []
    for variant, run in latest.items():
        with tempfile.TemporaryDirectory() as tmp:
            path = client.download_artifacts(run.info.run_id, "evaluation/evaluation.json", tmp)
            evaluation = json.loads(Path(path).read_text(encoding="utf-8"))
        loao = evaluation["seed_leave_one_article_out"]
        test = evaluation.get("checklist", {}).get("test", {})
        m = run.data.metrics
        rows.append((loao["stance"]["headline"]["value"], f"| `{variant}` | {_fmt(loao['boilerplate']['headline'])} "
                     f"| {_fmt(loao['stance']['headline'])} "
                     f"| {loao['stance']['model']['per_class']['pro_microsoft']['f1']:.3f} "
                     f"| {test.get('stance', {}).get('pass_rate', float('nan')):.3f} "
                     f"| {test.get('boilerplate', {}).get('pass_rate', float('nan')):.3f} "
                     f"| {_unseen(loao)} "
                     f"| {m.get('predict_sentences_per_second', float('nan')):,.0f} |"))
        if variant == "default":
            default_eval = loao
    for _, row in sorted(rows, reverse=True):
        print(row)
    if default_eval:
        for name in default_eval["boilerplate"]["baselines"]:
            b, s = default_eval["boilerplate"]["baselines"][name], default_eval["stance"]["baselines"][name]
            print(f"| baseline: {name} | {b['headline']:.3f} | {s['headline']:.3f} "
                  f"| {s['per_class']['pro_microsoft']['f1']:.3f} | | | |")


if __name__ == "__main__":
    main()
