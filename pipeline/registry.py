"""The champion rule: a challenger is compared with the champion on the same data, folds and code.

Figures from two runs are not comparable when the labelled data changed
between them (a sixth article makes the test harder, not the model worse).  So
the publish stage evaluates the **champion's configuration** (its params, from
its MLflow run) on the **current data** with the **current evaluation**, beside
the challenger, and compares the two item by item:

* seed leave-one-article-out: the same gold sentences, the same folds;
* the checklist's frozen test part: the same cases.

For every headline figure the difference (challenger − champion) gets a 95%
paired-bootstrap interval.  Then, in order:

1. no champion yet → promote;
2. a **clear loss** (the interval of some difference lies wholly below 0) → keep
   the champion, and say which figure and by how much;
3. the challenger was trained on **different data** (more labels) → promote: a tie
   or a difference within the interval does not block a model trained on more data;
4. same data → promote only if no headline figure is lower.

:func:`compare` makes the decision from the two evaluations' item outcomes;
:func:`decide` is what the publish stage calls.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

CHAMPION = "champion"
N_BOOTSTRAP = 2000


@dataclass
class Decision:
    """The outcome of the champion rule, as written to ``promotion.json`` and the tags."""

    promoted: bool
    reason: str
    champion_version: str | None = None
    same_data: bool | None = None
    same_configuration: bool | None = None
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _f1_positive(y: np.ndarray, p: np.ndarray) -> float:
    tp = float(np.sum(y & p))
    denom = float(np.sum(y) + np.sum(p))
    return 2 * tp / denom if denom else 0.0


def _macro_f1(labels: tuple[str, ...]) -> Callable[[np.ndarray, np.ndarray], float]:
    def f(y: np.ndarray, p: np.ndarray) -> float:
        scores = []
        for lab in labels:
            yl, pl = y == lab, p == lab
            denom = float(np.sum(yl) + np.sum(pl))
            scores.append(2 * float(np.sum(yl & pl)) / denom if denom else 0.0)
        return float(np.mean(scores))
    return f


def paired_difference(score: Callable[[np.ndarray], float], n: int, seed: int = 0,
                      rounds: int = N_BOOTSTRAP) -> tuple[float, float, float]:
    """``score(indices)`` on all items, and its 95% bootstrap interval (``score`` returns challenger − champion)."""
    value = score(np.arange(n))
    if n == 0:
        return value, value, value
    rng = np.random.default_rng(seed)
    stats = [score(rng.integers(0, n, n)) for _ in range(rounds)]
    return value, float(np.percentile(stats, 2.5)), float(np.percentile(stats, 97.5))


def compare_figures(challenger: dict[str, Any], champion: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Paired differences of the headline figures, on the items both evaluations share.

    Both arguments are ``outcomes`` blocks of the evaluate stage
    (``reports/outcomes.json``).
    """
    from pipeline import config

    figures: dict[str, dict[str, Any]] = {}
    tasks = (("f1_boilerplate", "boilerplate", _f1_positive),
             ("macro_f1_stance", "stance", _macro_f1(config.STANCE_LABELS)))
    for name, task, metric in tasks:
        a, b = challenger["loao"].get(task, {}), champion["loao"].get(task, {})
        keys = sorted(set(a) & set(b))
        if not keys:
            continue
        if task == "boilerplate":
            y = np.asarray([bool(a[k][0]) for k in keys])
            pa, pb = np.asarray([bool(a[k][1]) for k in keys]), np.asarray([bool(b[k][1]) for k in keys])
        else:
            y = np.asarray([a[k][0] for k in keys], dtype=object)
            pa, pb = np.asarray([a[k][1] for k in keys], dtype=object), np.asarray([b[k][1] for k in keys], dtype=object)
        diff = paired_difference(lambda i, y=y, pa=pa, pb=pb, m=metric: m(y[i], pa[i]) - m(y[i], pb[i]), len(keys))
        figures[name] = {"challenger": round(metric(y, pa), 4), "champion": round(metric(y, pb), 4),
                         "difference": round(diff[0], 4), "ci95": [round(diff[1], 4), round(diff[2], 4)],
                         "n": len(keys)}
    for task in ("stance", "boilerplate"):
        a = challenger.get("checklist", {}).get("test", {}).get(task, {})
        b = champion.get("checklist", {}).get("test", {}).get(task, {})
        keys = sorted(set(a) & set(b))
        if not keys:
            continue
        pa = np.asarray([float(a[k]) for k in keys])
        pb = np.asarray([float(b[k]) for k in keys])
        diff = paired_difference(lambda i, pa=pa, pb=pb: float(pa[i].mean() - pb[i].mean()), len(keys))
        figures[f"checklist_{task}_pass_rate"] = {
            "challenger": round(float(pa.mean()), 4), "champion": round(float(pb.mean()), 4),
            "difference": round(diff[0], 4), "ci95": [round(diff[1], 4), round(diff[2], 4)], "n": len(keys)}
    return figures


def compare(figures: dict[str, dict[str, Any]], same_data: bool, same_configuration: bool,
            champion_version: str) -> Decision:
    """Apply rules 2-4 of the module docstring to paired figures."""
    v = f"champion v{champion_version}"
    losses = [k for k, f in figures.items() if f["ci95"][1] < 0]
    if losses:
        detail = "; ".join(f"{k} {figures[k]['challenger']:.4f} vs {figures[k]['champion']:.4f} "
                           f"(difference {figures[k]['difference']:+.4f}, 95% interval {figures[k]['ci95']})"
                           for k in losses)
        return Decision(False, f"not promoted: clearly worse than {v} on the same data: {detail}",
                        champion_version, same_data, same_configuration, figures)
    summary = ", ".join(f"{k} {f['challenger']:.4f} vs {f['champion']:.4f}" for k, f in figures.items())
    if not same_data:
        what = ("the champion's configuration trained on more data" if same_configuration
                else "trained on different data")
        return Decision(True, f"promoted: {what}; no clear loss against {v} on the same data ({summary})",
                        champion_version, same_data, same_configuration, figures)
    lower = [k for k, f in figures.items() if f["difference"] < 0]
    if lower:
        return Decision(False, f"not promoted: same data as {v} and lower on {', '.join(lower)} ({summary})",
                        champion_version, same_data, same_configuration, figures)
    return Decision(True, f"promoted: not worse than {v} on the same data ({summary})",
                    champion_version, same_data, same_configuration, figures)


def current_champion(client: Any, name: str) -> Any | None:
    """The model version holding ``@champion``, or None."""
    from mlflow.exceptions import MlflowException

    try:
        return client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException:
        return None


def decide(client: Any, name: str, challenger: dict[str, Any], run_tags: dict[str, str],
           evaluate_champion: Callable[[dict[str, Any]], dict[str, Any]]) -> Decision:
    """The champion rule for a challenger whose outcomes and tags are given.

    Args:
        client: an ``MlflowClient``.
        name: the registered model name.
        challenger: the challenger's ``reports/outcomes.json``.
        run_tags: the challenger run's ``data_md5``, ``params_digest`` and ``model_code_digest`` tags.
        evaluate_champion: re-runs the current evaluation for the champion's
            params (a plain dict, as logged in its run's ``params.json``) on
            the current data, and returns its outcomes.
    """
    champion = current_champion(client, name)
    if champion is None:
        return Decision(True, "promoted: first registered model")
    run = client.get_run(champion.run_id)
    tags = run.data.tags
    same_data = tags.get("data_md5") == run_tags["data_md5"]
    same_configuration = (tags.get("params_digest") == run_tags["params_digest"]
                          and tags.get("model_code_digest") == run_tags["model_code_digest"])
    if same_configuration:
        # Same params, same model code, deterministic training: on the current data the champion's
        # configuration *is* the challenger, so the comparison is a tie by construction.
        champion_outcomes = challenger
    else:
        try:
            import json
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                path = client.download_artifacts(champion.run_id, "params.json", tmp)
                with open(path, encoding="utf-8") as fh:
                    champion_params = json.load(fh)
            champion_outcomes = evaluate_champion(champion_params)
        except Exception as exc:  # noqa: BLE001 - an old run without params.json, or params the schema refuses
            return Decision(True, f"promoted: champion v{champion.version}'s configuration cannot be re-evaluated "
                            f"with the current code ({exc}); nothing to compare on the same data",
                            champion.version, same_data, False)
    return compare(compare_figures(challenger, champion_outcomes), same_data, same_configuration, champion.version)
