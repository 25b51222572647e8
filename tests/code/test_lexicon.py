"""LexiconIndex (pipeline/core/lexicon.py): the literal prefilter must never change a match.

Each case compares the index with the plain alternation of the same entries, the
regular expression it stands for.
"""

from __future__ import annotations

import re

import pytest

from pipeline.core.lexicon import LexiconIndex


def _whole_alternation(groups: dict[str, list[str]]) -> "re.Pattern[str]":
    return re.compile("|".join(f"(?P<{g}>{'|'.join(f'(?:{p})' for p in ps)})" for g, ps in groups.items()))


@pytest.mark.parametrize("text", [
    "le porte-parole de microsoft dément, mais twitter accuse la firme de redmond.",
    "aucun acteur ici, seulement du texte.",
    "x a menacé microsoft ; microsoft a répondu.",
    "twitterx microsofts accusation",
])
def test_lexicon_index_finds_exactly_what_the_whole_alternation_finds(text: str) -> None:
    groups = {
        "twitter": [r"\btwitter\b", r"\bx\b", r"\b(?:le )?réseau social\b"],
        "microsoft": [r"\bmicrosoft\b", r"\b(?:la firme|le géant) de redmond\b", r"\bporte-parole\b"],
        "act": [r"\baccus\w*", r"\bmena\w*", r"\b(?:dément|répond\w*|a répondu)\b", r"\w+é\b"],
    }
    index = LexiconIndex({"family": groups})
    expected = [(m.start(), m.end(), m.lastgroup) for m in _whole_alternation(groups).finditer(text)]
    assert index.find("family", text, index.candidates(text)) == expected


def test_lexicon_index_tries_an_entry_without_literals_on_every_text() -> None:
    index = LexiconIndex({"numbers": {"number": [r"\d+"]}, "words": {"word": [r"\bmicrosoft\b"]}})
    assert index.literals == [None, ("microsoft",)]
    text = "en 2023, rien d'autre"
    assert index.find("numbers", text, index.candidates(text)) == [(3, 7, "number")]
    assert index.find("words", text, index.candidates(text)) == []


def test_lexicon_index_names_the_family_and_group_of_an_invalid_entry() -> None:
    with pytest.raises(ValueError, match=r"^acts/deny: invalid regular expression '\(dément'"):
        LexiconIndex({"acts": {"deny": ["(dément"]}})



def test_lexicon_index_survives_pickling() -> None:
    import pickle

    index = LexiconIndex({"acts": {"deny": [r"\bdément\w*"], "accuse": [r"\baccus\w*"]}})
    copy = pickle.loads(pickle.dumps(index))
    text = "microsoft dément ; twitter accuse."
    assert copy.find("acts", text, copy.candidates(text)) == [(10, 16, "deny"), (27, 33, "accuse")]


def test_frame_and_cue_features_name_the_lexicon_of_an_invalid_entry() -> None:
    from pipeline.core.features import CueFeatures
    from pipeline.core.frame import FrameFeatures

    lexicon = {"actors": {"twitter": ["(twitter"]}, "acts": {}, "conditional": [], "attribution": [], "passive": [],
               "negation": [], "subordinate": [], "no_comment": [], "open_question": [], "omission": [],
               "reciprocal": [], "framing": {"weakens_twitter": [], "weakens_microsoft": []}}
    with pytest.raises(ValueError, match=r"^frame lexicon: actors/twitter: invalid regular expression"):
        FrameFeatures(lexicon).fit([])
    with pytest.raises(ValueError, match=r"^cue group says/says: invalid regular expression"):
        CueFeatures({"says": ["(a dit"]}).fit([])
