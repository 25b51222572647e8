"""Cleaning: the seed damage is repaired, offsets map back to the raw text, cleaning is idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import config
from pipeline.core.clean import Cleaner, CleanText, default_cleaner
from pipeline.core.segment import default_segmenter
from pipeline.io import read_text

clean = default_cleaner()


def seed(name: str) -> str:
    return read_text(config.SEEDS_DIR / name)


def test_missing_space_before_closing_quote_on_seed_line() -> None:
    raw = seed("000_1dc9074a157363ea.txt")
    assert "plate-forme”à des fins" in raw
    text = clean(raw).text
    assert "plate-forme « à des fins et à des fins non autorisées »." in text


def test_missing_space_after_que_before_quote_on_seed_line() -> None:
    raw = seed("000_1dc9074a157363ea.txt")
    assert "que”Microsoft" in raw
    assert "Spiro fait valoir que « Microsoft a peut-être violé" in clean(raw).text


def test_guillemets_with_no_break_spaces_are_normalised() -> None:
    raw = seed("003_1fbf277ccf213dfa.txt")
    assert "«\u00a0Ils se sont" in raw
    text = clean(raw).text
    assert "« Ils se sont entraînés" in text
    assert "\u00a0" not in text


def test_guillemet_glued_to_text_gets_inner_space() -> None:
    assert clean("«L'heure du procès a sonné:» Musk vise Microsoft").text == "« L'heure du procès a sonné: » Musk vise Microsoft"


def test_run_together_timestamps_on_seed_line() -> None:
    raw = seed("002_41465740dd796f83.txt")
    assert "19.05.2023, 08:0720.05.2023, 12:55" in raw
    assert "19.05.2023, 08:07 20.05.2023, 12:55" in clean(raw).text


def test_glued_caption_label_goes_to_its_own_line_on_seed_line() -> None:
    raw = seed("002_41465740dd796f83.txt")
    assert "réseau social.image:" in raw
    lines = clean(raw).text.split("\n")
    assert "image:" in lines
    assert any(line.endswith("données du réseau social.") for line in lines)


def test_glued_furniture_label_on_seed_line() -> None:
    raw = seed("003_1fbf277ccf213dfa.txt")
    assert "Article suivantLes meilleurs" in raw
    assert "Article suivant Les meilleurs jeux" in clean(raw).text


def test_mojibake_is_repaired_by_ftfy() -> None:
    broken = "Twitter a accusÃ© Microsoft dâ€™utiliser les donnÃ©es."
    assert clean(broken).text == "Twitter a accusé Microsoft d'utiliser les données."


def test_replacement_and_invisible_characters_are_removed() -> None:
    raw = "\ufeffLe\u200b patron\u00ad de Twitter\ufffd a parlé.\r\n\r\n\r\n\r\nFin\u202f!"
    assert clean(raw).text == "Le patron de Twitter a parlé.\n\nFin !"


def test_crlf_lone_cr_blank_lines_and_edges() -> None:
    assert clean("  Un.\r\nDeux.\rTrois.\n\n\n\nQuatre.  \n").text == "Un.\nDeux.\nTrois.\n\nQuatre."


def test_html_tags_are_stripped() -> None:
    out = clean("<p>Microsoft a <b>refusé</b> de payer.</p><p>Fin.</p>").text
    assert out == "Microsoft a refusé de payer.\n\nFin."


def test_offsets_cover_each_character_in_raw() -> None:
    raw = "Spiro dit que\u201dMicrosoft a\u00a0violé l\u2019accord\u201d.\r\nFin."
    c = clean(raw)
    assert len(c.offsets) == len(c.text) + 1
    for i, ch in enumerate(c.text):
        src = raw[c.offsets[i]]
        if ch.isalnum():
            assert src == ch, (i, ch, src)


def test_offset_runs_round_trip() -> None:
    c = clean(seed("002_41465740dd796f83.txt"))
    again = CleanText.from_runs(c.text, c.offset_runs(), c.offsets[-1])
    assert again.offsets == c.offsets


@pytest.mark.parametrize("name", sorted(p.name for p in config.SEEDS_DIR.glob("*.txt")))
def test_idempotent_on_seeds(name: str) -> None:
    once = clean(seed(name)).text
    assert clean(once).text == once


def test_non_str_input_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="expects str"):
        clean(b"bytes")  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_property_idempotent_offsets_valid_deterministic(raw: str) -> None:
    c = clean(raw)
    assert clean(c.text).text == c.text
    assert clean(raw) == c
    assert len(c.offsets) == len(c.text) + 1
    assert all(0 <= o <= len(raw) for o in c.offsets)
    assert c.offsets == sorted(c.offsets)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab «»\"“”’'.\n\u00a0:éÃ©0123456789")), max_size=80))
def test_property_idempotent_on_quote_heavy_text(raw: str) -> None:
    c = Cleaner(["image"], ["Article suivant"])(raw)
    assert Cleaner(["image"], ["Article suivant"])(c.text).text == c.text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ÃÂâ€™©¨\xa0\x81\x9d\x1f\u200b\ufffd «»\"éa \n")), max_size=60))
def test_property_idempotent_on_mojibake_heavy_text(raw: str) -> None:
    c = clean(raw)
    assert clean(c.text).text == c.text
    assert len(c.offsets) == len(c.text) + 1 and all(0 <= o <= len(raw) for o in c.offsets)


def test_decomposed_accents_are_composed_with_offsets() -> None:
    raw = "Le pre\u0301sident a de\u0301menti."
    c = clean(raw)
    assert c.text == "Le président a démenti."
    s = default_segmenter().split(c)[0]
    assert raw[s.start : s.end] == raw
