"""predict(): inputs, outputs, offsets, errors, model safety, caching and threads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import ArticleResult, ModelNotFoundError, predict
from pipeline import config

TEXT = (
    "Twitter accuse Microsoft d'utilisation abusive de ses données\n"
    "Un porte-parole de Microsoft a déclaré : « Nous examinerons ces questions. »\n"
    "Publicité\n5/5 - (23 votes)"
)


def test_single_text_gives_one_result_with_offsets_into_the_input(model_path: str) -> None:
    raw = "  \u201cTwitter\u201d accuse\u00a0Microsoft.\r\nPublicit\u00e9"
    r = predict(raw, model=model_path)
    assert isinstance(r, ArticleResult) and r.id == 0
    assert [s.text for s in r.sentences] == ["« Twitter » accuse Microsoft.", "Publicité"]
    assert [raw[s.start : s.end] for s in r.sentences] == ["\u201cTwitter\u201d accuse\u00a0Microsoft.", "Publicit\u00e9"]


def test_sentence_fields_and_summary(model_path: str) -> None:
    r = predict(TEXT, model=model_path)
    assert any(s.boilerplate for s in r.sentences) and not all(s.boilerplate for s in r.sentences)
    for s in r.sentences:
        assert 0.0 <= s.p_boilerplate <= 1.0
        assert (s.stance is None) == s.boilerplate
        if s.boilerplate:
            assert s.p_stance == {}
        else:
            assert set(s.p_stance) == set(config.STANCE_LABELS)
            assert abs(sum(s.p_stance.values()) - 1.0) < 1e-4
            assert s.stance == max(s.p_stance, key=s.p_stance.get)
    summ = r.summary
    assert summ.n_sentences == len(r.sentences)
    assert summ.n_boilerplate == sum(s.boilerplate for s in r.sentences)
    assert sum(summ.counts.values()) == summ.n_sentences - summ.n_boilerplate
    assert -1.0 <= summ.net_stance <= 1.0
    for i in summ.top_pro_twitter + summ.top_pro_microsoft:
        assert not r.sentences[i].boilerplate


def test_list_gives_list_generator_gives_iterator_records_keep_ids(model_path: str) -> None:
    out = predict([TEXT, {"id": "x", "text": "Microsoft a refusé de payer."}], model=model_path)
    assert isinstance(out, list) and [r.id for r in out] == [0, "x"]
    gen = predict((t for t in [TEXT, TEXT]), model=model_path)
    assert not isinstance(gen, list)
    single = predict(TEXT, model=model_path).to_dict()
    # Scoring articles together in a batch gives the same results as one at a time.
    assert [{**r.to_dict(), "id": 0} for r in gen] == [single, single]


def test_streaming_does_not_consume_the_whole_input(model_path: str) -> None:
    consumed = 0

    def articles():
        nonlocal consumed
        while True:
            consumed += 1
            yield "Microsoft a refusé de payer."

    it = predict(articles(), model=model_path)
    first = next(iter(it))
    assert first.sentences and consumed <= 64 + 1


def test_empty_and_whitespace_give_empty_results(model_path: str) -> None:
    for text in ("", "   \n\t  \n"):
        r = predict(text, model=model_path)
        assert r.sentences == [] and r.summary.n_sentences == 0 and r.summary.net_stance == 0.0


@pytest.mark.parametrize("bad", [42, None, b"bytes", [1, 2], {"id": 1}, {"text": 3}])
def test_non_text_input_is_a_type_error(model_path: str, bad: object) -> None:
    with pytest.raises(TypeError, match="expect|text"):
        out = predict(bad, model=model_path)
        if not isinstance(out, (list, ArticleResult)):
            list(out)


def test_english_text_gets_a_warning_not_an_error(model_path: str) -> None:
    r = predict("The company said it would review the questions and respond appropriately. It was not clear.",
                model=model_path)
    assert r.sentences and any("does not look French" in w for w in r.warnings)
    assert predict(TEXT, model=model_path).warnings == []


def test_conversions(model_path: str) -> None:
    r = predict(TEXT, model=model_path)
    d = json.loads(r.to_json())
    assert d["id"] == 0 and len(d["sentences"]) == len(r.sentences)
    frame = r.to_frame()
    assert list(frame["text"]) == [s.text for s in r.sentences]
    assert {"p_pro_twitter", "p_pro_microsoft", "p_neutral", "start", "end"} <= set(frame.columns)


def test_missing_model_says_run_dvc_repro(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="dvc repro"):
        predict("Un texte.", model=tmp_path / "nothing.joblib")


def test_model_metadata_is_exposed(model_path: str, trained_model_dir: Path) -> None:
    r = predict(TEXT, model=model_path)
    manifest = json.loads((trained_model_dir / "manifest.json").read_text())
    assert r.model.sha256 == manifest["sha256"] and r.model.data_sha256 == manifest["data_sha256"]
    # the versions that decide the model's bytes are recorded with it
    from importlib.metadata import version

    assert manifest["libraries"] == {name: version(name) for name in ("scikit-learn", "numpy", "scipy", "joblib")}


def test_constraints_pin_the_installed_model_libraries() -> None:
    # dvc.lock is reproducible byte for byte only under the pinned versions; a failure here means the
    # environment was installed without `-c constraints.txt`, or the pins were not moved with dvc.lock.
    from importlib.metadata import version

    pins = {}
    for line in (config.ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, pinned = line.split("==")
            pins[name.strip()] = pinned.strip()
    assert pins == {name: version(name) for name in ("scikit-learn", "numpy", "scipy", "joblib")}, (
        "install with `pip install -e .[dev] -c constraints.txt`, or after an upgrade run `dvc repro` and commit "
        "dvc.lock with new pins")


def test_loading_under_other_library_versions_warns_with_both_versions(
        trained_model_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import shutil

    from pipeline.core.loading import library_versions, load_verified

    copy = tmp_path / "model"
    shutil.copytree(trained_model_dir, copy)
    manifest_file = copy / "manifest.json"
    with caplog.at_level("WARNING", logger="pipeline.core.loading"):
        load_verified(copy / "model.joblib", manifest_file, "same versions")
    assert not caplog.records

    manifest = json.loads(manifest_file.read_text())
    manifest["libraries"]["scikit-learn"] = "0.0.1"
    manifest_file.write_text(json.dumps(manifest))
    with caplog.at_level("WARNING", logger="pipeline.core.loading"):
        loaded = load_verified(copy / "model.joblib", manifest_file, "older scikit-learn")
    assert loaded.stance is not None  # a warning, not a refusal
    [record] = caplog.records
    message = record.getMessage()
    assert f"scikit-learn 0.0.1 (installed: {library_versions()['scikit-learn']})" in message
    assert "numpy" not in message and "dvc repro" in message


def test_import_and_predict_import_no_mlflow_dvc_or_spacy(model_path: str) -> None:
    code = (
        "import sys, pipeline; pipeline.predict('Microsoft a refusé de payer.', model=sys.argv[1]);"
        "print(sorted(m for m in ('mlflow', 'dvc', 'spacy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code, model_path], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_predict_works_without_pandas(model_path: str) -> None:
    # scikit-learn >= 1.8 imports pandas itself (sklearn.utils.fixes) whenever it is installed, so
    # `"pandas" in sys.modules` says nothing about our code; with pandas made unimportable, predict()
    # must still give the same result (nothing of ours needs it).
    block = ("import sys, importlib.abc\n"
             "class NoPandas(importlib.abc.MetaPathFinder):\n"
             "    def find_spec(self, name, path, target=None):\n"
             "        if name == 'pandas' or name.startswith('pandas.'):\n"
             "            raise ImportError('pandas blocked by the test')\n"
             "sys.meta_path.insert(0, NoPandas())\n")
    run = ("import sys, json, pipeline; r = pipeline.predict('Microsoft a refusé de payer. Publicité', model=sys.argv[1]);"
           "print(json.dumps([[s.boilerplate, s.stance, s.p_boilerplate] for s in r.sentences]))")
    plain = subprocess.run([sys.executable, "-c", run, model_path], capture_output=True, text=True, check=True)
    blocked = subprocess.run([sys.executable, "-c", block + run, model_path], capture_output=True, text=True,
                             check=True)
    assert blocked.stdout == plain.stdout and plain.stdout.strip() != "[]"


def test_a_retrained_model_file_is_reloaded_and_replaces_the_old_one(trained_model_dir: Path, tmp_path: Path) -> None:
    import importlib
    import shutil as _shutil
    import time

    predict_module = importlib.import_module("pipeline.serve.predict")  # the module; `pipeline.serve.predict` is the function

    copy = tmp_path / "m"
    _shutil.copytree(trained_model_dir, copy)
    first = predict_module.load_model(copy / "model.joblib")
    time.sleep(0.01)
    (copy / "model.joblib").touch()  # as a retraining that rewrites the file would
    second = predict_module.load_model(copy / "model.joblib")
    assert second is not first
    assert sum(1 for k in predict_module._CACHE if k[0] == str((copy / "model.joblib").resolve())) == 1
