"""Print the latest leave-one-article-out figures of every variant, from MLflow, as a Markdown table.

Usage: python experiments/report.py   (after python experiments/run.py)
"""

from __future__ import annotations

from pipeline import config, tracking


def main() -> None:
    params = config.load_params()["mlflow"]
    mlflow = tracking.setup(params)
    runs = mlflow.search_runs(experiment_names=[params["experiment_name"]], order_by=["start_time DESC"])
    runs = runs[runs["metrics.macro_f1_stance"].notna()]
    latest = runs.drop_duplicates(subset=["tags.variant"], keep="first")
    print("| variant | boilerplate F1 | boilerplate P / R | stance macro-F1 | F1 pro_twitter / pro_microsoft / neutral "
          "| predict() sentences/s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for _, r in latest.sort_values("metrics.macro_f1_stance", ascending=False).iterrows():
        m = lambda k: r.get(f"metrics.{k}")  # noqa: E731
        print(f"| `{r['tags.variant']}` | {m('f1_boilerplate'):.3f} "
              f"| {m('boilerplate.model.True.precision'):.3f} / {m('boilerplate.model.True.recall'):.3f} "
              f"| {m('macro_f1_stance'):.3f} | {m('stance.model.pro_twitter.f1'):.3f} / "
              f"{m('stance.model.pro_microsoft.f1'):.3f} / {m('stance.model.neutral.f1'):.3f} "
              f"| {m('predict_sentences_per_second'):,.0f} |")
    d = latest[latest["tags.variant"] == "default"]
    if len(d):
        r = d.iloc[0]
        for name in ("rules", "majority"):
            print(f"| baseline: {name} | {r[f'metrics.boilerplate.baseline_{name}.True.f1']:.3f} "
                  f"| {r[f'metrics.boilerplate.baseline_{name}.True.precision']:.3f} / "
                  f"{r[f'metrics.boilerplate.baseline_{name}.True.recall']:.3f} "
                  f"| {r[f'metrics.stance.baseline_{name}.macro_f1']:.3f} "
                  f"| {r[f'metrics.stance.baseline_{name}.pro_twitter.f1']:.3f} / "
                  f"{r[f'metrics.stance.baseline_{name}.pro_microsoft.f1']:.3f} / "
                  f"{r[f'metrics.stance.baseline_{name}.neutral.f1']:.3f} | |")


if __name__ == "__main__":
    main()
