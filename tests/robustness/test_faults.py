"""Faults: interrupted writes, an unreachable tracking server, tampered models."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.labelling.annotations import load_annotations
from tests.conftest import copy_repo, run_in

WRITER = r"""
import sys
from pathlib import Path
from pipeline.labelling.annotations import Annotation, append_annotations
path = Path(sys.argv[1])
i = 0
while True:
    batch = [Annotation("a", f"k{i}-{j}", "Phrase " + "x" * 2000, False, "neutral") for j in range(200)]
    append_annotations(path, batch)
    i += 1
"""


def test_killed_writer_never_leaves_a_broken_annotation_file(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    original = json.dumps({"article_id": "a", "key": "first", "text": "Première.", "boilerplate": True,
                           "stance": None}) + "\n"
    path.write_text(original, encoding="utf-8")
    for delay in (0.6, 1.1, 1.7):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)])
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        text = path.read_text(encoding="utf-8")
        assert text.startswith(original)
        anns = load_annotations(path)  # every line valid
        assert anns[0].key == "first" and (len(anns) - 1) % 200 == 0


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def evaluated_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository with every stage but publish run."""
    repo = copy_repo(tmp_path_factory.mktemp("faults"))
    for stage in ("clean", "segment", "label", "train", "evaluate"):
        result = run_in(repo, [sys.executable, "-m", f"pipeline.stages.{stage}"])
        assert result.returncode == 0, result.stderr
    return repo


def test_unreachable_tracking_server_fails_fast_and_keeps_the_model(evaluated_repo: Path) -> None:
    uri = f"http://127.0.0.1:{_closed_port()}"
    start = time.monotonic()
    result = run_in(evaluated_repo, [sys.executable, "-m", "pipeline.stages.publish"], timeout=300,
                    MLFLOW_TRACKING_URI=uri)
    elapsed = time.monotonic() - start
    assert result.returncode == 1
    assert "model is saved in" in result.stderr and "tracking" in result.stderr.lower() and uri in result.stderr
    assert (evaluated_repo / "models" / "model.joblib").is_file()
    assert not (evaluated_repo / "models" / "publication.json").exists()  # DVC will run publish again
    assert elapsed < 120, f"took {elapsed:.0f} s"


def test_unreachable_tracking_server_can_be_a_warning(evaluated_repo: Path) -> None:
    params = evaluated_repo / "configs" / "params.yaml"
    text = params.read_text(encoding="utf-8")
    params.write_text(text.replace("fail_on_tracking_error: true", "fail_on_tracking_error: false"), encoding="utf-8")
    try:
        uri = f"http://127.0.0.1:{_closed_port()}"
        result = run_in(evaluated_repo, [sys.executable, "-m", "pipeline.stages.publish"], timeout=300,
                        MLFLOW_TRACKING_URI=uri)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "not published" in result.stderr and uri in result.stderr
        publication = json.loads((evaluated_repo / "models" / "publication.json").read_text())
        manifest = json.loads((evaluated_repo / "models" / "manifest.json").read_text())
        assert publication["model_sha256"] == manifest["sha256"]
    finally:
        params.write_text(text, encoding="utf-8")
