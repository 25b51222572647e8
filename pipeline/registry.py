"""Model registry: register each evaluated model; move ``@champion`` only when it is not worse.

A new version becomes champion when its leave-one-article-out F1 on the
boilerplate class *and* its stance macro-F1 are both at least the current
champion's (or when there is no champion yet).
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

CHAMPION = "champion"
METRIC_KEYS = ("f1_boilerplate", "macro_f1_stance")


def register_and_maybe_promote(mlflow: Any, mlflow_params: dict[str, Any], run_id: str, summary: dict[str, Any],
                               model_uri: str | None) -> dict[str, Any]:
    """Register ``model_uri`` under the configured name and decide on the champion alias.

    Returns ``{"promoted": bool, "reason": str, "version": str | None}``.
    """
    from mlflow import MlflowClient

    if not model_uri:
        return {"promoted": False, "reason": "no MLflow model was logged for this run", "version": None}
    name = mlflow_params["registered_model_name"]
    new = {
        "f1_boilerplate": summary["boilerplate"]["headline"]["value"],
        "macro_f1_stance": summary["stance"]["headline"]["value"],
    }
    version = mlflow.register_model(model_uri, name).version
    client = MlflowClient()
    try:
        current = client.get_model_version_by_alias(name, CHAMPION)
    except Exception:  # noqa: BLE001 - MLflow raises a generic exception for a missing alias
        current = None
    if current is None:
        promoted, reason = True, "first registered model"
    else:
        old_metrics = client.get_run(current.run_id).data.metrics if current.run_id else {}
        old = {k: old_metrics.get(k, float("-inf")) for k in METRIC_KEYS}
        worse = [k for k in METRIC_KEYS if new[k] < old[k]]
        if worse:
            promoted = False
            reason = "not promoted: worse than champion v{} on {}".format(
                current.version, ", ".join(f"{k} {new[k]:.4f} < {old[k]:.4f}" for k in worse))
        else:
            promoted = True
            reason = "promoted: not worse than champion v{} ({})".format(
                current.version, ", ".join(f"{k} {new[k]:.4f} >= {old[k]:.4f}" for k in METRIC_KEYS))
    if promoted:
        client.set_registered_model_alias(name, CHAMPION, str(version))
    client.set_model_version_tag(name, str(version), "champion_decision", reason)
    log.info("registered %s v%s; %s", name, version, reason)
    return {"promoted": promoted, "reason": reason, "version": str(version)}
