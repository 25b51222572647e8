"""Adding articles: a new file and its manifest row need no code change; inconsistent ones are named."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from pipeline import config
from pipeline.core.clean import clean_articles, default_cleaner, read_manifest
from pipeline.io import InputError
from tests.conftest import copy_repo, run_in

NEW_ARTICLE = (
    "Microsoft conteste les accusations de Twitter\n\n"
    "Le groupe de Redmond affirme avoir respecté les conditions de l'API. « Nous avons toujours payé ce qui "
    "était dû », a déclaré un porte-parole de Microsoft jeudi.\n\n"
    "L'avocat d'Elon Musk maintient que l'accord a été violé et réclame un audit avant le 7 juin.\n\n"
    "Newsletter\nInscrivez-vous pour recevoir nos articles chaque matin.\n"
)


@pytest.fixture()
def seeds(tmp_path: Path) -> Path:
    dst = tmp_path / "seeds"
    shutil.copytree(config.SEEDS_DIR, dst)
    return dst


def add_manifest_row(seeds: Path, row: str) -> int:
    """Append a row; return its line number."""
    with open(seeds / "articles.csv", "a", encoding="utf-8") as fh:
        fh.write(row + "\n")
    return len((seeds / "articles.csv").read_text(encoding="utf-8").splitlines())


def test_manifest_row_without_file(seeds: Path) -> None:
    lineno = add_manifest_row(seeds, "999_missing.txt,,,,fr")
    with pytest.raises(InputError, match=rf"articles.csv:{lineno}: file '999_missing.txt' does not exist"):
        read_manifest(seeds / "articles.csv", seeds)


def test_file_without_manifest_row(seeds: Path) -> None:
    (seeds / "005_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    with pytest.raises(InputError, match=r"no row for 005_new.txt"):
        read_manifest(seeds / "articles.csv", seeds)


def test_duplicate_article_under_two_names(seeds: Path) -> None:
    shutil.copy(seeds / "001_568024da5b85473c.txt", seeds / "005_copy.txt")
    add_manifest_row(seeds, "005_copy.txt,,,,fr")
    articles = read_manifest(seeds / "articles.csv", seeds)
    with pytest.raises(InputError, match=r"005_copy.txt: same text as 001_568024da5b85473c.txt"):
        clean_articles(articles, seeds, default_cleaner())


def test_duplicate_manifest_row(seeds: Path) -> None:
    lineno = add_manifest_row(seeds, "001_568024da5b85473c.txt,,,,fr")
    with pytest.raises(InputError, match=rf"articles.csv:{lineno}: file '001_568024da5b85473c.txt' already listed on line 3"):
        read_manifest(seeds / "articles.csv", seeds)


def test_new_article_goes_through_dvc_repro_to_the_review_queue(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    (repo / "seeds" / "005_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    add_manifest_row(repo / "seeds", "005_new.txt,Test outlet,,2026-11-23,fr")
    dvc = str(Path(sys.executable).parent / "dvc")
    result = run_in(repo, [dvc, "repro"], MLFLOW_TRACKING_URI=f"sqlite:///{repo / 'mlflow.db'}")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads((repo / "reports" / "labelling.json").read_text())
    n_new = report["unlabelled_by_article"].get("005_new", 0) + sum(
        1 for line in (repo / "data" / "labelled.jsonl").read_text().splitlines()
        if json.loads(line)["article_id"] == "005_new" and json.loads(line)["label_source"] == "rule"
    )
    assert n_new >= 5 and report["coverage"]["none"] >= 1
    manifest = json.loads((repo / "models" / "manifest.json").read_text())
    assert "005_new" not in manifest["articles"]  # nothing labelled in it yet: it does not train
    queue = run_in(repo, [sys.executable, "-m", "pipeline.serve.cli", "annotate", "list"])
    assert queue.returncode == 0, queue.stderr
    assert all(line.startswith("005_new\t") for line in queue.stdout.splitlines())
    assert len(queue.stdout.splitlines()) == report["coverage"]["none"] + report["coverage"]["rule"]
