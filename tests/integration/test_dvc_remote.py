"""A DVC remote, for real: push from one checkout, clone, pull, and use the model without training.

In a temporary copy of the repository (a git repository of its own), the real
``dvc repro`` runs every stage; a local remote in another temporary folder is
added as the default (``dvc remote add -d``), ``dvc push`` fills it, and the
copy is committed.  ``git clone`` of that copy then plays the colleague's
machine: ``dvc pull`` there must give a workspace where ``dvc status`` is
clean, ``dvc repro`` runs no stage, and ``predict()`` scores with the pulled
model.  No mocks; nothing leaves the machine (a local remote, MLflow in a
SQLite file inside the copy, telemetry and DVC analytics off).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import copy_repo, run_in

pytestmark = pytest.mark.e2e

DVC = str(Path(sys.executable).parent / "dvc")
QUIET = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
#: Outputs DVC keeps in its cache (the rest of the outputs are committed to git): what a remote carries.
CACHED = ("data/clean.jsonl", "data/sentences.jsonl", "data/labelled.jsonl", "models/model.joblib",
          "models/manifest.json", "models/publication.json")


def _ok(repo: Path, cmd: list[str]) -> subprocess.CompletedProcess[str]:
    result = run_in(repo, cmd, **QUIET)
    assert result.returncode == 0, f"{' '.join(cmd)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True,
                          env={**os.environ, **GIT_ENV}).stdout


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def _lock_outs(repo: Path) -> dict[str, str]:
    lock = yaml.safe_load((repo / "dvc.lock").read_text(encoding="utf-8"))
    return {out["path"]: out["md5"] for stage in lock["stages"].values() for out in stage.get("outs", [])}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The first checkout after ``dvc repro`` + ``dvc push`` + commit, the remote, and a pulled clone."""
    origin = copy_repo(tmp_path_factory.mktemp("origin"), with_outputs=True)
    remote = tmp_path_factory.mktemp("remote") / "dvcstore"
    _ok(origin, [DVC, "config", "core.analytics", "false"])
    _ok(origin, [DVC, "repro"])
    _ok(origin, [DVC, "remote", "add", "-d", "shared", str(remote)])
    _ok(origin, [DVC, "push"])
    _git(origin, "add", "-A")
    _git(origin, "commit", "-qm", "dvc repro; a default DVC remote")

    clone = tmp_path_factory.mktemp("colleague") / "clone"
    _git(origin.parent, "clone", "-q", str(origin), str(clone))
    assert not (clone / "models").exists(), "the clone must start without the model"
    _ok(clone, [DVC, "pull"])
    return {"origin": origin, "remote": remote, "clone": clone}


def test_the_remote_holds_every_cached_output(shared: dict[str, Path]) -> None:
    origin, remote = shared["origin"], shared["remote"]
    in_sync = _ok(origin, [DVC, "status", "--cloud"])
    assert "are in sync" in in_sync.stdout, in_sync.stdout
    for rel, md5 in _lock_outs(origin).items():
        if rel in CACHED:
            assert (remote / "files" / "md5" / md5[:2] / md5[2:]).is_file(), f"{rel} ({md5}) is not on the remote"


def test_the_remote_is_in_the_committed_config(shared: dict[str, Path]) -> None:
    listed = _ok(shared["clone"], [DVC, "remote", "list"]).stdout
    assert "shared" in listed and str(shared["remote"]) in listed, listed
    assert "analytics = false" in (shared["clone"] / ".dvc" / "config").read_text(encoding="utf-8")


def test_pull_brings_the_outputs_dvc_lock_records(shared: dict[str, Path]) -> None:
    clone = shared["clone"]
    outs = _lock_outs(clone)
    for rel in CACHED:
        assert (clone / rel).is_file(), f"{rel} was not pulled"
        assert _md5(clone / rel) == outs[rel], rel
    assert _md5(clone / "models/model.joblib") == _md5(shared["origin"] / "models/model.joblib")


def test_dvc_status_is_clean_in_the_clone(shared: dict[str, Path]) -> None:
    clone = shared["clone"]
    assert json.loads(_ok(clone, [DVC, "status", "--json"]).stdout) == {}
    assert "Data and pipelines are up to date" in _ok(clone, [DVC, "status"]).stdout


def test_repro_in_the_clone_runs_no_stage(shared: dict[str, Path]) -> None:
    clone = shared["clone"]
    model = clone / "models" / "model.joblib"
    before = model.stat().st_mtime_ns
    result = _ok(clone, [DVC, "repro"])
    assert "Data and pipelines are up to date" in result.stdout, result.stdout
    assert "Running stage" not in result.stdout, result.stdout
    assert model.stat().st_mtime_ns == before
    assert not (clone / "mlflow.db").exists(), "publish ran in the clone"
    assert _git(clone, "status", "--porcelain") == ""


def test_predict_in_the_clone_uses_the_pulled_model(shared: dict[str, Path]) -> None:
    clone = shared["clone"]
    code = (
        "import json, pipeline\n"
        "r = pipeline.predict('Twitter accuse Microsoft d\\'abus.\\nPublicité')\n"
        "print(json.dumps([r.model.source, [s.boilerplate for s in r.sentences], r.sentences[0].stance]))\n"
    )
    result = run_in(clone, [sys.executable, "-c", code], **QUIET)
    assert result.returncode == 0, result.stderr[-3000:]
    source, boilerplate, stance = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(source).resolve() == (clone / "models" / "model.joblib").resolve()
    assert boilerplate == [False, True]
    assert stance in ("pro_twitter", "pro_microsoft", "neutral")
    manifest = json.loads((clone / "models" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == hashlib.sha256((clone / "models" / "model.joblib").read_bytes()).hexdigest()
