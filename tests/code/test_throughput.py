"""The benchmark corpus: shuffled copies keep the words and the sentence edges, and differ from each other."""

from __future__ import annotations

from pipeline.serve.throughput import shuffled_copy

TEXT = ("Twitter a accusé Microsoft d'utiliser ses données sans autorisation. L'avocat a envoyé une lettre.\n"
        "Publié le 20/04/2023\n"
        "Un porte-parole de Microsoft a déclaré que la société examinerait la lettre et répondrait.")


def test_copy_zero_is_the_text() -> None:
    assert shuffled_copy(TEXT, 0) == TEXT


def test_copies_keep_words_lines_and_sentence_edges() -> None:
    copy = shuffled_copy(TEXT, 3)
    assert copy != TEXT
    for original, shuffled in zip(TEXT.split("\n"), copy.split("\n"), strict=True):
        assert sorted(original.split(" ")) == sorted(shuffled.split(" "))
        words, moved = original.split(" "), shuffled.split(" ")
        for i, word in enumerate(words):
            if word.endswith((".", ":")) or i == 0 or words[i - 1].endswith((".", ":")):
                assert moved[i] == word  # sentence ends and starts stay put


def test_copies_are_deterministic_and_distinct() -> None:
    assert shuffled_copy(TEXT, 5) == shuffled_copy(TEXT, 5)
    assert len({shuffled_copy(TEXT, k) for k in range(1, 8)}) == 7
