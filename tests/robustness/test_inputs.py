"""Bad and odd input, tried for real on the stages' functions, predict() and the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import predict
from pipeline.core.clean import default_cleaner
from pipeline.io import InputError, read_text
from pipeline.core.segment import default_segmenter

clean, seg = default_cleaner(), default_segmenter()
FRENCH = "Twitter accuse Microsoft d'avoir abusé de ses données. Microsoft dément."


def check_result(raw: str, model_path: str) -> None:
    r = predict(raw, model=model_path)
    for s in r.sentences:
        assert 0 <= s.start < s.end <= len(raw)
        assert s.text


@pytest.mark.parametrize(
    "name, data",
    [
        ("empty.txt", b""),
        ("blank.txt", b"   \n\t\n  "),
        ("bom.txt", "\ufeff".encode() + FRENCH.encode()),
        ("crlf.txt", FRENCH.replace(". ", ".\r\n").encode()),
        ("cr.txt", FRENCH.replace(". ", ".\r").encode()),
        ("html.txt", f"<html><body><p>{FRENCH}</p><script>x()</script></body></html>".encode()),
        ("controls.txt", ("Twitter\u200b accuse\x07 Microsoft\u2060.\x1b " + FRENCH).encode()),
        ("emoji.txt", ("Twitter répond avec un emoji 💩. " + FRENCH).encode()),
        ("nopunct.txt", ("microsoft twitter données api accord lettre avocat musk " * 40).encode()),
    ],
)
def test_odd_but_valid_files_work_in_stages_predict_and_cli(tmp_path: Path, model_path: str, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    raw = read_text(path)
    sentences = seg.split(clean(raw))
    assert all(0 <= s.start < s.end <= len(raw) and s.text for s in sentences)
    check_result(raw, model_path)
    out = subprocess.run([sys.executable, "-m", "pipeline.serve.cli", "predict", str(path), "--model", model_path],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_bom_crlf_and_html_are_repaired() -> None:
    assert clean("\ufeffUn.\r\nDeux.\rTrois.").text == "Un.\nDeux.\nTrois."
    text = clean("<p>Microsoft <b>dément</b>.</p>").text
    assert "<" not in text and "Microsoft dément." in text


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("cp1252.txt", "Le président a dit « non » à l’accord.".encode("cp1252"), "cp1252.txt:1: not valid UTF-8"),
        ("latin1.txt", "Première ligne\nDeuxième ligne: déjà".encode("latin-1"), "latin1.txt:1: not valid UTF-8"),
        ("binary.txt", bytes(range(256)) * 4, "binary file"),
    ],
)
def test_wrong_encodings_and_binaries_are_refused_by_name(tmp_path: Path, model_path: str, name: str, data: bytes,
                                                        message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_text(path)
    out = subprocess.run([sys.executable, "-m", "pipeline.serve.cli", "predict", str(path), "--model", model_path],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and message.split(":")[0] in out.stderr


def test_english_article_gets_a_warning(model_path: str) -> None:
    r = predict("Twitter accused Microsoft of misusing its data. Microsoft said it would review the questions.",
                model=model_path)
    assert r.warnings and "French" in r.warnings[0]


def test_single_50000_character_line(model_path: str) -> None:
    raw = ("Microsoft a refusé de payer et Twitter proteste " * 1100)[:50_000]
    assert "\n" not in raw
    check_result(raw, model_path)


def test_ten_megabyte_article(model_path: str) -> None:
    from pipeline import config

    seeds = [read_text(p) for p in sorted(config.SEEDS_DIR.glob("*.txt"))]
    raw = ("\n\n".join(seeds) + "\n\n") * (10_000_000 // sum(len(s) + 2 for s in seeds) + 1)
    assert len(raw.encode()) >= 10_000_000
    r = predict(raw, model=model_path)
    assert r.sentences[-1].end <= len(raw) and len(r.sentences) > 50_000


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_property_predict_never_fails_offsets_valid_deterministic(model_path: str, raw: str) -> None:
    first = predict(raw, model=model_path)
    for s in first.sentences:
        assert 0 <= s.start < s.end <= len(raw)
    assert predict(raw, model=model_path).to_dict() == first.to_dict()
