"""Concurrency and model safety: threads, processes, tampered model files."""

from __future__ import annotations

import multiprocessing
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipeline import ModelIntegrityError, predict
from pipeline.labelling.annotations import Annotation, append_annotations, load_annotations


def test_tampered_model_is_refused_before_unpickling(trained_model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "m"
    shutil.copytree(trained_model_dir, copy)
    with open(copy / "model.joblib", "ab") as fh:
        fh.write(b"tampered")
    with pytest.raises(ModelIntegrityError, match="does not match the manifest"):
        predict("Un texte.", model=copy / "model.joblib")


def test_model_without_manifest_is_refused(trained_model_dir: Path, tmp_path: Path) -> None:
    shutil.copy(trained_model_dir / "model.joblib", tmp_path / "model.joblib")
    with pytest.raises(ModelIntegrityError, match="no manifest"):
        predict("Un texte.", model=tmp_path / "model.joblib")


def test_threads_give_the_sequential_results(model_path: str) -> None:
    texts = [f"Article {i}. Microsoft a refusé de payer {i} dollars.\nPublicité\nMusk accuse Microsoft." for i in range(32)]
    sequential = [predict(t, model=model_path).to_dict() for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda t: predict(t, model=model_path).to_dict(), texts))
    assert threaded == sequential


def _append_many(path: str, worker: int, n: int) -> None:
    for i in range(n):
        append_annotations(Path(path), [Annotation("a", f"w{worker}-{i}", f"Phrase {worker} {i}.", False, "neutral")])


def test_two_processes_appending_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(str(path), w, 25)) for w in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    keys = [a.key for a in load_annotations(path)]
    assert sorted(keys) == sorted(f"w{w}-{i}" for w in range(2) for i in range(25))
