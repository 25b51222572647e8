"""A team MLflow server for real: PostgreSQL backend, proxied artifacts, the pipeline's publish against it.

Starts a private PostgreSQL cluster and ``mlflow server`` (one worker), both on 127.0.0.1 and free
ports, runs the real ``dvc repro`` in a copy of the repository with ``MLFLOW_TRACKING_URI`` pointing at
the server, checks what a colleague would see, and stops both by PID.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.conftest import copy_repo, run_in
from tests.integration.servers import free_port, mlflow_server, postgres_cluster

pytest.importorskip("psycopg2", reason="install the [server] extra: pip install -e '.[server]'")

pytestmark = pytest.mark.e2e

DVC = str(Path(sys.executable).parent / "dvc")
PYTHON = sys.executable


@pytest.fixture(scope="module")
def postgres():
    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def server(postgres, tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("mlflow-server")
    with mlflow_server(postgres.uri(), base / "artifacts", base / "server.log") as srv:
        yield srv


@pytest.fixture(scope="module")
def published(server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = copy_repo(tmp_path_factory.mktemp("repo"))
    result = run_in(repo, [DVC, "repro"], MLFLOW_TRACKING_URI=server.uri)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return repo


def test_run_metrics_version_and_champion_are_on_the_server(server, published: Path) -> None:
    from mlflow import MlflowClient

    from pipeline import config
    from pipeline.io import read_json_file
    from pipeline.params import load_params

    params = load_params(published / "configs" / "params.yaml")
    client = MlflowClient(tracking_uri=server.uri)
    experiment = client.get_experiment_by_name(params.mlflow.experiment_name)
    (run,) = client.search_runs([experiment.experiment_id])
    manifest = read_json_file(published / "models" / config.MODEL_MANIFEST_FILE.name)
    assert run.data.tags["model_sha256"] == manifest["sha256"]
    evaluation = read_json_file(published / "reports" / "evaluation.json")
    assert run.data.metrics, "no metrics on the run"
    assert any(abs(v - evaluation["headline"][k]) < 1e-9 for k, v in run.data.metrics.items()
               if k in evaluation.get("headline", {})), (run.data.metrics, evaluation.get("headline"))
    champion = client.get_model_version_by_alias(params.mlflow.registered_model_name, "champion")
    assert champion.run_id == run.info.run_id
    # The artifacts went through the server's proxy into its artifact store.
    assert "params.json" in {a.path for a in client.list_artifacts(run.info.run_id)}


def test_a_colleague_loads_the_champion_from_the_server(server, published: Path) -> None:
    params_name = "french-press-stance"
    result = run_in(published, [PYTHON, "-c",
                                "import sys; from pipeline import predict; "
                                f"r = predict('Microsoft a répondu.', model='models:/{params_name}@champion'); "
                                "print(r.model.mlflow_run_id, len(r.sentences))"],
                    MLFLOW_TRACKING_URI=server.uri)
    assert result.returncode == 0, result.stderr[-3000:]
    run_id, n = result.stdout.split()
    assert n == "1" and run_id != "None"


def test_wrong_database_password_fails_in_seconds_with_the_password_masked(postgres, published: Path) -> None:
    uri = postgres.uri(password="not-the-password")
    started = time.monotonic()
    result = run_in(published, [PYTHON, "-m", "pipeline.stages.publish"], timeout=120, MLFLOW_TRACKING_URI=uri)
    seconds = time.monotonic() - started
    assert result.returncode == 1
    assert "not-the-password" not in result.stderr + result.stdout
    assert f"{postgres.user}:***@127.0.0.1:{postgres.port}" in result.stderr
    assert "the model is saved in" in result.stderr
    assert seconds < 60, f"took {seconds:.0f} s"


def test_a_stopped_database_fails_in_seconds(postgres, published: Path) -> None:
    uri = postgres.uri().replace(f":{postgres.port}/", f":{free_port()}/")  # nothing listens there
    started = time.monotonic()
    result = run_in(published, [PYTHON, "-m", "pipeline.stages.publish"], timeout=120, MLFLOW_TRACKING_URI=uri)
    assert result.returncode == 1
    assert "is not reachable" in result.stderr and postgres.password not in result.stderr
    assert time.monotonic() - started < 60


def test_a_server_that_went_away_fails_fast_and_clearly(tmp_path_factory, postgres, published: Path) -> None:
    base = tmp_path_factory.mktemp("gone")
    with mlflow_server(postgres.uri(), base / "artifacts", base / "server.log") as srv:
        uri = srv.uri
    started = time.monotonic()
    result = run_in(published, [PYTHON, "-m", "pipeline.stages.publish"], timeout=120, MLFLOW_TRACKING_URI=uri)
    assert result.returncode == 1
    assert uri in result.stderr and "the model is saved in" in result.stderr
    assert time.monotonic() - started < 60
