"""End to end: the real `dvc repro` in a temporary copy of the repository, then MLflow and predict().

No mocks: DVC runs every stage, MLflow writes to a SQLite store inside the copy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import config
from tests.conftest import copy_repo, run_in
from tests.integration.servers import free_port, wait_until_http_ok

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a fresh clone holds (committed metrics and dvc.lock included), as a git repository of its own."""
    return copy_repo(tmp_path_factory.mktemp("repo"), with_outputs=True)


def _run(cmd: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run_in(cwd, cmd, **env)


DVC = str(Path(sys.executable).parent / "dvc")


@pytest.fixture(scope="module")
def reproduced(repo_copy: Path) -> Path:
    result = _run([DVC, "repro"], repo_copy)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return repo_copy


def test_repro_writes_model_metrics_and_plots(reproduced: Path) -> None:
    for rel in ("models/model.joblib", "models/manifest.json", "models/publication.json", "metrics/boilerplate.json",
                "metrics/stance.json", "metrics/checklist.json", "metrics/labelling.json", "reports/evaluation.json",
                "reports/outcomes.json", "reports/top_features.json", "reports/misclassified.csv",
                "plots/confusion_stance.png", "plots/stance_predictions.csv"):
        assert (reproduced / rel).is_file(), rel


def test_fresh_clone_repro_leaves_git_status_clean(reproduced: Path) -> None:
    # Every output DVC records is deterministic: the committed metrics, reports and dvc.lock are rewritten
    # byte for byte (a speed figure or a timestamp in a tracked file would show here).
    status = subprocess.run(["git", "status", "--porcelain"], cwd=reproduced, capture_output=True, text=True,
                            check=True).stdout
    assert status == "", status


def test_second_repro_is_a_no_op(reproduced: Path) -> None:
    result = _run([DVC, "repro"], reproduced)
    assert result.returncode == 0, result.stderr
    assert "Data and pipelines are up to date" in result.stdout


def test_dvc_metrics_show(reproduced: Path) -> None:
    result = _run([DVC, "metrics", "show"], reproduced)
    assert result.returncode == 0, result.stderr
    assert "metrics/stance.json" in result.stdout and "macro_f1" in result.stdout


def test_a_serving_change_reruns_publish_only(tmp_path: Path, reproduced: Path) -> None:
    import shutil

    serving = reproduced / "pipeline" / "serve" / "pyfunc.py"
    original = serving.read_text(encoding="utf-8")
    try:
        serving.write_text(original + "\n# a comment: serving code changed\n", encoding="utf-8")
        result = _run([DVC, "status"], reproduced)
        assert result.returncode == 0, result.stderr
        changed = {line.rstrip(":").strip() for line in result.stdout.splitlines()
                   if line and not line.startswith((" ", "\t"))}
        assert changed == {"publish"}, result.stdout
    finally:
        serving.write_text(original, encoding="utf-8")
    shutil.rmtree(tmp_path, ignore_errors=True)


def _client(repo: Path):
    import os as _os

    _os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=f"sqlite:///{repo / 'mlflow.db'}")


def _lock_md5(repo: Path, path: str) -> str:
    import yaml

    lock = yaml.safe_load((repo / "dvc.lock").read_text(encoding="utf-8"))
    for stage in lock["stages"].values():
        for out in stage.get("outs", []):
            if out["path"] == path:
                return out["md5"]
    raise AssertionError(f"{path} is not an output in dvc.lock")


def test_mlflow_run_is_named_described_and_holds_the_headline_figures(reproduced: Path) -> None:
    client = _client(reproduced)
    experiment = client.get_experiment_by_name("french-press-stance")
    assert experiment.tags["mlflow.experimentKind"] == "custom_model_development"
    assert "f1_boilerplate" in experiment.tags["mlflow.note.content"]
    runs = client.search_runs([experiment.experiment_id])
    assert len(runs) == 1
    run = runs[0]
    data_md5 = _lock_md5(reproduced, "data/labelled.jsonl")
    # default · <first 6 of the data digest> · YYYY-MM-DD HH:MM
    assert run.info.run_name.startswith(f"default · {data_md5[:6]} · 20"), run.info.run_name
    assert "Variant `default`" in run.data.tags["mlflow.note.content"]
    # the seeds' leave-one-article-out figures equal what metrics/ holds for this commit
    boilerplate = json.loads((reproduced / "metrics/boilerplate.json").read_text())
    stance = json.loads((reproduced / "metrics/stance.json").read_text())
    assert run.data.metrics["f1_boilerplate"] == boilerplate["f1"]
    assert run.data.metrics["macro_f1_stance"] == stance["macro_f1"]
    assert run.data.metrics["predict_sentences_per_second"] > 0
    assert len(run.data.metrics) <= 10, sorted(run.data.metrics)  # headline only; the rest is in evaluation/


def test_every_run_logs_its_labelled_data_with_dvcs_digest(reproduced: Path) -> None:
    client = _client(reproduced)
    experiment = client.get_experiment_by_name("french-press-stance")
    run = client.search_runs([experiment.experiment_id])[0]
    inputs = run.inputs.dataset_inputs
    assert len(inputs) == 1
    dataset = inputs[0].dataset
    assert dataset.digest == _lock_md5(reproduced, "data/labelled.jsonl")
    tags = {t.key: t.value for t in inputs[0].tags}
    labelled = [json.loads(line) for line in (reproduced / "data/labelled.jsonl").read_text().splitlines()]
    n_boilerplate = sum(1 for r in labelled if r["label_source"] != "none" and r["boilerplate"])
    assert tags["mlflow.data.context"] == "training" and tags["n_boilerplate"] == str(n_boilerplate)


def test_the_first_model_is_registered_and_champion(reproduced: Path) -> None:
    client = _client(reproduced)
    version = client.get_model_version_by_alias("french-press-stance", "champion")
    run = client.get_run(version.run_id)
    assert run.data.tags["champion_promoted"] == "true"
    assert version.tags["champion_decision"] == "promoted: first registered model"
    manifest = json.loads((reproduced / "models/manifest.json").read_text())
    assert version.tags["model_sha256"] == manifest["sha256"]


def test_predict_uses_the_new_model(reproduced: Path) -> None:
    code = (
        "import pipeline, json; r = pipeline.predict('Microsoft a refusé de payer.');"
        "print(json.dumps([r.model.source, len(r.sentences), r.sentences[0].stance]))"
    )
    result = _run([sys.executable, "-c", code], reproduced)
    assert result.returncode == 0, result.stderr
    source, n, stance = json.loads(result.stdout.strip().splitlines()[-1])
    assert source.startswith(str(reproduced)) and n == 1 and stance in config.STANCE_LABELS


def _tracking_env(repo: Path) -> dict[str, str]:
    return {"MLFLOW_TRACKING_URI": f"sqlite:///{repo / 'mlflow.db'}", "MLFLOW_DISABLE_TELEMETRY": "true",
            "DO_NOT_TRACK": "true"}


def test_pyfunc_from_the_registry_matches_predict(reproduced: Path) -> None:
    code = r"""
import json, sys
import mlflow, pandas as pd
from pipeline import predict
from pipeline.serve.pyfunc import frame_from_results
texts = ["Twitter accuse Microsoft d'abus.\nPublicité", "Un porte-parole de Microsoft a démenti."]
df = pd.DataFrame({"id": ["a", "b"], "text": texts})
model = mlflow.pyfunc.load_model("models:/french-press-stance@champion")
got = model.predict(df)
want = frame_from_results(predict(df.to_dict("records"), model=sys.argv[1]))
pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False)
per_article = model.predict(df, params={"level": "article"})
assert list(per_article["article_id"]) == ["a", "b"]
assert len(json.loads(per_article["sentences_json"][0])) == 2
print(json.dumps({"rows": len(got), "columns": list(got.columns)}))
"""
    result = _run([sys.executable, "-c", code, str(reproduced / "models" / "model.joblib")], reproduced,
                  **_tracking_env(reproduced))
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["rows"] == 3 and "p_pro_microsoft" in out["columns"]


def test_mlflow_models_serve_answers_on_localhost(tmp_path: Path, reproduced: Path) -> None:
    import urllib.request

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    env.update(_tracking_env(reproduced))
    env["STANCE_PIPELINE_ROOT"] = str(reproduced)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    mlflow_bin = str(Path(sys.executable).parent / "mlflow")
    log_file = tmp_path / "serve.log"
    with open(log_file, "w") as log:
        proc = subprocess.Popen(
            [mlflow_bin, "models", "serve", "-m", "models:/french-press-stance@champion", "--env-manager", "local",
             "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            cwd=reproduced, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        wait_until_http_ok(f"http://127.0.0.1:{port}/ping", proc, 120, log_file)
        body = json.dumps({"dataframe_records": [{"id": "x", "text": "Microsoft a refusé de payer.\nPublicité"}]})
        req = urllib.request.Request(f"http://127.0.0.1:{port}/invocations", data=body.encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            answer = json.loads(r.read())
        rows = answer["predictions"]
        assert [row["text"] for row in rows] == ["Microsoft a refusé de payer.", "Publicité"]
        assert rows[1]["boilerplate"] is True and rows[0]["stance"] in config.STANCE_LABELS
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_predict_with_an_mlflow_registry_uri(reproduced: Path) -> None:
    code = (
        "import json, pipeline; r = pipeline.predict('Microsoft a refusé de payer.', "
        "model='models:/french-press-stance@champion');"
        "print(json.dumps([r.model.source, r.model.mlflow_run_id, r.model.metrics, r.sentences[0].stance]))"
    )
    result = _run([sys.executable, "-c", code], reproduced, **_tracking_env(reproduced))
    assert result.returncode == 0, result.stderr[-3000:]
    source, run_id, metrics, stance = json.loads(result.stdout.strip().splitlines()[-1])
    champion = _client(reproduced).get_model_version_by_alias("french-press-stance", "champion")
    assert source == "models:/french-press-stance@champion" and run_id == champion.run_id
    assert set(metrics) >= {"f1_boilerplate", "macro_f1_stance"} and stance in config.STANCE_LABELS


def test_local_model_exposes_its_evaluation_metrics(reproduced: Path) -> None:
    code = "import json, pipeline; print(json.dumps(pipeline.predict('Un texte.').model.metrics))"
    result = _run([sys.executable, "-c", code], reproduced)
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout.strip().splitlines()[-1])
    stance = json.loads((reproduced / "metrics/stance.json").read_text())
    assert metrics["macro_f1_stance"] == stance["macro_f1"]


def test_unknown_registry_model_is_a_clear_error(reproduced: Path) -> None:
    code = "import pipeline; pipeline.predict('Un texte.', model='models:/no-such-model@champion')"
    result = _run([sys.executable, "-c", code], reproduced, **_tracking_env(reproduced))
    assert result.returncode == 1 and "ModelNotFoundError" in result.stderr and "no-such-model" in result.stderr
