"""Sentence splitting under LABELS.md §3."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.clean import default_cleaner
from pipeline.core.segment import default_segmenter, sentence_keys

clean = default_cleaner()
seg = default_segmenter()


def split(text: str) -> list[str]:
    return [s.text for s in seg.split(clean(text))]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("M. Dupont a parlé. Mme Durand aussi.", ["M. Dupont a parlé.", "Mme Durand aussi."]),
        ("Selon le Dr Martin, tout va bien. Fin.", ["Selon le Dr Martin, tout va bien.", "Fin."]),
        ("Il cite J. Dupont dans sa lettre. Fin.", ["Il cite J. Dupont dans sa lettre.", "Fin."]),
        ("Des outils (logiciels, cloud, etc.) existent. Fin.", ["Des outils (logiciels, cloud, etc.) existent.", "Fin."]),
        ("Twitter Inc. affirme que Microsoft a violé un accord.", ["Twitter Inc. affirme que Microsoft a violé un accord."]),
        ("Le taux est de 10,5 % depuis le 19.05.2023 à 08:07. Fin.", ["Le taux est de 10,5 % depuis le 19.05.2023 à 08:07.", "Fin."]),
        ("Voir fr.techtribune.net et https://exemple.fr/a.b?c=d pour plus. Fin.",
         ["Voir fr.techtribune.net et https://exemple.fr/a.b?c=d pour plus.", "Fin."]),
        ("Écrivez à redaction@exemple.fr pour réagir. Merci.", ["Écrivez à redaction@exemple.fr pour réagir.", "Merci."]),
        ("Il a dit : « C'est fini. Nous partons. » Puis il est sorti.",
         ["Il a dit : « C'est fini.", "Nous partons. »", "Puis il est sorti."]),
        ("Est-ce la fin ? Personne ne le sait ! Attendons… La suite viendra.",
         ["Est-ce la fin ?", "Personne ne le sait !", "Attendons…", "La suite viendra."]),
        ("Sa société s'appelle X.AI. (mbr/ats)", ["Sa société s'appelle X.AI.", "(mbr/ats)"]),
        ("Il a aussi accusé Larry Page. (Reportage de Jean Dupont ; Rédaction de Marie Durand)",
         ["Il a aussi accusé Larry Page.", "(Reportage de Jean Dupont ; Rédaction de Marie Durand)"]),
        ("Titre sans point\nDeuxième ligne", ["Titre sans point", "Deuxième ligne"]),
        ("Cf. p. 12 du rapport. Fin.", ["Cf. p. 12 du rapport.", "Fin."]),
    ],
)
def test_french_rules(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_raw_offsets_point_at_the_sentence() -> None:
    raw = "  Spiro dit que\u201dMicrosoft a viol\u00e9 l\u2019accord\u201d.\r\n\r\nFin du texte."
    sentences = seg.split(clean(raw))
    assert [raw[s.start : s.end] for s in sentences] == [
        "Spiro dit que\u201dMicrosoft a viol\u00e9 l\u2019accord\u201d.",
        "Fin du texte.",
    ]


def test_seed_offsets_cover_sentences(seed_sentences: list[dict]) -> None:
    from pipeline import config
    from pipeline.io import read_text

    raws = {}
    for row in seed_sentences:
        raw = raws.setdefault(row["article_id"], read_text(config.SEEDS_DIR / f"{row['article_id']}.txt"))
        span = raw[row["start"] : row["end"]]
        # Cleaning changes only spacing and punctuation in the seeds: the letters and digits match exactly.
        assert re.sub(r"\W", "", span) == re.sub(r"\W", "", row["text"]), (row["text"], span)


def test_keys_are_stable_and_distinguish_repeats() -> None:
    keys = sentence_keys("a", ["Même phrase.", "Autre.", "Même phrase."])
    assert len(set(keys)) == 3
    assert sentence_keys("a", ["Même  phrase."])[0] == keys[0]
    # Re-segmenting other sentences does not change a sentence's key.
    assert sentence_keys("a", ["Nouvelle.", "Même phrase."])[1] == keys[0]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_property_sentences_non_empty_offsets_valid(raw: str) -> None:
    sentences = seg.split(clean(raw))
    for s in sentences:
        assert s.text.strip() == s.text and s.text
        assert 0 <= s.start < s.end <= len(raw)
    assert [s.start for s in sentences] == sorted(s.start for s in sentences)


def _public_cases() -> list[dict]:
    import json

    from pipeline import config

    path = config.ROOT / "tests" / "data" / "segmentation" / "public_fr.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", _public_cases(), ids=lambda c: c["text"][:40])
def test_public_french_cases(case: dict) -> None:
    raw = case["text"]
    got = [raw[s.start : s.end] for s in seg.split(clean(raw))]
    assert got == case["sentences"], case["source"]


def test_seed_segmentation_matches_the_gold(seed_sentences: list[dict]) -> None:
    import json

    from pipeline import config

    path = config.ROOT / "tests" / "data" / "segmentation" / "seeds_gold.jsonl"
    gold = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    got = [{"file": f"{s['article_id']}.txt", "start": s["start"], "end": s["end"]} for s in seed_sentences]
    assert got == [{k: g[k] for k in ("file", "start", "end")} for g in gold]
