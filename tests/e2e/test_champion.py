"""The champion rule end to end: real `dvc repro`, real annotation import, the SQLite MLflow store.

1. A fresh copy: `dvc repro` registers v1 as champion.
2. A sixth article (written for this test) is added and labelled through `stance-pipeline annotate
   export/import`; `dvc repro` trains v2 on more data with the same configuration: the promotion record
   holds both figures on the same (new) data, and `@champion` moves to v2.
3. A deliberately worse configuration (`experiments/words_only.yaml`, through `experiments/run.py`) is
   registered as v3 and does not take the alias.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import copy_repo, run_in

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
NEW_ARTICLE = (
    "Twitter réclame des comptes à Microsoft sur l'usage de ses données\n\n"
    "L'avocat du propriétaire de Twitter a adressé un courrier au groupe de Redmond.\n"
    "Selon ce courrier, les applications de Microsoft auraient dépassé les limites prévues par l'accord.\n"
    "Microsoft a répondu qu'il étudierait la demande et qu'il tenait à son partenariat avec Twitter.\n"
    "L'interface de programmation permet à des logiciels tiers de lire les messages publiés sur le réseau.\n\n"
    "Partager sur Facebook\n"
)
#: Labels of the new article's sentences, in order, under docs/LABELS.md.
NEW_LABELS = ["pro_twitter", "neutral", "pro_twitter", "pro_microsoft", "neutral", "boilerplate"]


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def _commit(repo: Path, message: str) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    _ok(run_in(repo, ["git", "add", "-A"]))
    _ok(run_in(repo, ["git", "commit", "-qm", message], **env))


def _client(repo: Path):
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=f"sqlite:///{repo / 'mlflow.db'}")


def _promotion(repo: Path, version: str) -> dict:
    client = _client(repo)
    run_id = client.get_model_version("french-press-stance", version).run_id
    with tempfile.TemporaryDirectory() as tmp:
        return json.loads(Path(client.download_artifacts(run_id, "promotion.json", tmp)).read_text())


def _champion(repo: Path) -> str:
    return str(_client(repo).get_model_version_by_alias("french-press-stance", "champion").version)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = copy_repo(tmp_path_factory.mktemp("champion"))
    _ok(run_in(repo, [str(BIN / "dvc"), "repro"]))
    _commit(repo, "first model")
    return repo


def test_first_model_is_champion(repo: Path) -> None:
    assert _champion(repo) == "1"
    assert _promotion(repo, "1")["reason"] == "promoted: first registered model"


@pytest.fixture(scope="module")
def with_new_article(repo: Path) -> Path:
    (repo / "seeds" / "005_authored_test.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    with open(repo / "seeds" / "articles.csv", "a", encoding="utf-8") as fh:
        fh.write("005_authored_test.txt,Test outlet (written for the test),,2026-11-24,fr\n")
    _ok(run_in(repo, [str(BIN / "dvc"), "repro", "segment"]))
    queue = repo / "queue.csv"
    _ok(run_in(repo, [str(BIN / "stance-pipeline"), "annotate", "export", str(queue), "--no-model"]))
    with open(queue, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    mine = [r for r in rows if r["article_id"] == "005_authored_test"]
    assert len(mine) == len(NEW_LABELS), [r["text"] for r in mine]
    sentences = [json.loads(line) for line in (repo / "data" / "sentences.jsonl").read_text().splitlines()]
    order = [s["key"] for s in sentences if s["article_id"] == "005_authored_test"]
    by_key = dict(zip(order, NEW_LABELS))
    for r in mine:
        r["label"] = by_key[r["key"]]
    with open(queue, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(mine)
    _ok(run_in(repo, [str(BIN / "stance-pipeline"), "annotate", "import", str(queue), "--annotator", "test"]))
    queue.unlink()
    _ok(run_in(repo, [str(BIN / "dvc"), "repro"]))
    _commit(repo, "a sixth article, labelled")
    return repo


def test_more_data_same_configuration_moves_the_champion(with_new_article: Path) -> None:
    promotion = _promotion(with_new_article, "2")
    assert promotion["promoted"] is True and promotion["same_configuration"] is True
    assert promotion["same_data"] is False and "more data" in promotion["reason"]
    labelled = [json.loads(line) for line in (with_new_article / "data" / "labelled.jsonl").read_text().splitlines()]
    n_stance = sum(1 for r in labelled if r["label_source"] == "gold" and r.get("source") == "scraped"
                   and not r["boilerplate"])
    figures = promotion["figures"]
    # both figures are on the current data: the new article's sentences are in the comparison
    assert figures["macro_f1_stance"]["n"] == n_stance
    assert {"challenger", "champion", "difference", "ci95"} <= set(figures["f1_boilerplate"])
    assert _champion(with_new_article) == "2"


def test_a_worse_configuration_does_not_take_the_alias(with_new_article: Path) -> None:
    _ok(run_in(with_new_article, [sys.executable, "experiments/run.py", "words_only"], timeout=1200))
    promotion = _promotion(with_new_article, "3")
    assert promotion["promoted"] is False and promotion["same_data"] is True
    assert "clearly worse" in promotion["reason"] and "f1_boilerplate" in promotion["reason"]
    figures = promotion["figures"]["f1_boilerplate"]
    assert figures["challenger"] < figures["champion"] and figures["ci95"][1] < 0
    assert _champion(with_new_article) == "2"
