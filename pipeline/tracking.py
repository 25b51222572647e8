"""MLflow set-up: a local SQLite store by default, no telemetry, bounded network waits.

Import this module only where tracking is needed: importing MLflow costs
about 1.6 s, which :func:`pipeline.serve.predict` must not pay.
"""

from __future__ import annotations

import logging
import os
import subprocess
from typing import TYPE_CHECKING, Any

from pipeline import config

if TYPE_CHECKING:
    from pipeline.params import MlflowParams

log = logging.getLogger(__name__)


class TrackingError(RuntimeError):
    """The MLflow tracking store could not be reached or written."""


def tracking_uri() -> str:
    """``MLFLOW_TRACKING_URI`` if set, else ``sqlite:///<repo>/mlflow.db``."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{config.ROOT / config.DEFAULT_TRACKING_DB}"


def _password(uri: str) -> str | None:
    from urllib.parse import urlsplit

    try:
        return urlsplit(uri).password
    except ValueError:
        return None


def redact(text: str, uri: str | None = None) -> str:
    """``text`` with the password of ``uri`` (default: the tracking URI) replaced by ``***``.

    For messages and logs: ``postgresql://mlflow:secret@db/mlflow`` shows as
    ``postgresql://mlflow:***@db/mlflow``.  Every occurrence is masked, in the
    URI or elsewhere in ``text``, in one pass; occurrences that overlap
    (password ``x:x`` in ``x:x:x``) are masked together, so no part of one shows.
    """
    password = _password(uri if uri is not None else tracking_uri())
    if not password:
        return text
    pieces: list[str] = []
    masked_to = 0  # text[:masked_to] is in pieces, with its occurrences masked
    start = text.find(password)
    while start >= 0:
        if start >= masked_to:
            pieces += [text[masked_to:start], "***"]
        masked_to = start + len(password)
        start = text.find(password, start + 1)
    return "".join(pieces) + text[masked_to:]


def client(timeout_seconds: int = 10) -> Any:
    """Import MLflow with telemetry off and bounded HTTP waits, pointed at :func:`tracking_uri`."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", str(int(timeout_seconds)))
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "1")
    import mlflow

    mlflow.set_tracking_uri(tracking_uri())
    return mlflow


_DATABASE_SCHEMES = ("postgresql", "mysql", "mssql")


def check_database(uri: str, timeout_seconds: int = 10) -> None:
    """Connect once to a database tracking store, so that a wrong password or a stopped server fails in seconds.

    MLflow itself retries a failing database for about two minutes per store
    before it gives up.  Other URIs (SQLite, HTTP) are left to MLflow.

    Raises:
        TrackingError: the database refused the connection; the URI is shown with its password masked.
    """
    if not uri.split(":", 1)[0].split("+", 1)[0] in _DATABASE_SCHEMES:
        return
    import sqlalchemy

    connect_args = {"connect_timeout": int(timeout_seconds)} if not uri.startswith("mssql") else {}
    engine = sqlalchemy.create_engine(uri, connect_args=connect_args, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect():
            pass
    except Exception as exc:  # noqa: BLE001 - drivers raise their own types
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise TrackingError(redact(f"MLflow tracking database at {uri} is not reachable: {reason}", uri)) from None
    finally:
        engine.dispose()


def setup(params: MlflowParams) -> Any:
    """Configure MLflow from the ``mlflow`` section of params.yaml (experiment included) and return the module.

    Telemetry is switched off before MLflow is imported; HTTP retries and
    timeouts are bounded so that an unreachable server fails in seconds.
    """
    mlflow = client(params.tracking_timeout_seconds)
    use_experiment(mlflow, params)
    return mlflow


def use_experiment(mlflow: Any, params: MlflowParams) -> None:
    """Check the tracking store, then create the experiment of ``params`` if it is missing and make it the active one.

    ``mlflow`` is the module :func:`client` returned.

    Raises:
        TrackingError: the store cannot be reached or written; the URI is shown with its password masked.
    """
    uri = tracking_uri()
    check_database(uri, params.tracking_timeout_seconds)
    name = params.experiment_name
    try:
        if mlflow.get_experiment_by_name(name) is None:
            artifact_location = None
            if uri.startswith("sqlite:"):
                artifact_location = (config.ROOT / "mlartifacts").as_uri()
            mlflow.create_experiment(name, artifact_location=artifact_location)
        mlflow.set_experiment(name)
    except Exception as exc:  # noqa: BLE001 - any failure here is a tracking failure
        raise TrackingError(redact(f"MLflow tracking at {uri} is not usable: {exc}", uri)) from None


def git_commit() -> str:
    """The current git commit, or ``unknown`` outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=config.ROOT, capture_output=True, text=True, timeout=10, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` → ``{"a.b": 1}`` (lists become their string form)."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out
