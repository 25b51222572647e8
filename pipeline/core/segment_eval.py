"""Scoring a sentence splitter against gold sentences, as spans of the raw input.

The one place where segmentation is scored: ``benchmarks/bench_segment.py`` and
``tests/code/test_segment.py`` both use it.

A splitter is any function from a raw text to ``(start, end)`` spans of that
text.  Both sides are trimmed of surrounding whitespace and compared in the
*raw* input, never as cleaned text: a sentence whose quotes were repaired by
cleaning still matches its gold span, so quote repairs are not boundary errors.

* boundary precision/recall/F1: a boundary is the end offset of a sentence
  other than the last of its case (the end of the text is not a decision);
* exact: the share of gold sentences whose span is predicted exactly.

Test sets (``tests/data/segmentation/``): ``dev.jsonl`` and ``test.jsonl`` (rows
``{"id", "kind", "text", "sentences", "note"}``, each sentence a verbatim span of
``text``, in order) and ``seeds_gold.jsonl`` (every sentence of the scraped
seed articles with its raw offsets).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import config

DATA_DIR = config.ROOT / "tests" / "data" / "segmentation"
Spans = list[tuple[int, int]]
Splitter = Callable[[str], Spans]


@dataclass(frozen=True)
class Case:
    """One text with its gold sentence spans."""

    id: str
    kind: str
    text: str
    gold: Spans


@dataclass(frozen=True)
class Scores:
    """Aggregate scores of a splitter on a set of cases."""

    exact: float
    precision: float
    recall: float
    f1: float
    n_sentences: int
    n_cases: int


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without the whitespace at either edge of ``text[start:end]``."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def gold_spans(text: str, sentences: Iterable[str]) -> Spans:
    """Locate gold sentences, in order, as spans of ``text``.

    Raises:
        ValueError: a sentence is not a verbatim span of ``text`` after the previous one.
    """
    spans, pos = [], 0
    for sentence in sentences:
        i = text.find(sentence, pos)
        if i < 0 or not sentence:
            raise ValueError(f"gold sentence {sentence!r} is not a span of the text after offset {pos}")
        spans.append((i, i + len(sentence)))
        pos = i + len(sentence)
    return spans


def load_cases(path: Path | str) -> list[Case]:
    """Read a JSONL file of cases (``id``, ``kind``, ``text``, ``sentences``)."""
    cases = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row: dict[str, Any] = json.loads(line)
            try:
                gold = gold_spans(row["text"], row["sentences"])
            except ValueError as exc:
                raise ValueError(f"{path}:{lineno}: {exc}") from None
            cases.append(Case(row["id"], row["kind"], row["text"], gold))
    return cases


def load_seed_gold(path: Path | str | None = None) -> list[Case]:
    """The seed gold: one case per scraped seed article, its raw text and every sentence's raw span."""
    from pipeline.io import read_text

    by_file: dict[str, Spans] = {}
    with open(path or DATA_DIR / "seeds_gold.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                g = json.loads(line)
                by_file.setdefault(g["file"], []).append((g["start"], g["end"]))
    return [Case(f, "seed", read_text(config.SEEDS_DIR / f), spans) for f, spans in sorted(by_file.items())]


def score(cases: Iterable[Case], split: Splitter) -> Scores:
    """Exact sentence matches and boundary precision/recall/F1 of ``split`` over ``cases`` (micro-averaged)."""
    n_gold = n_exact = tp = n_pred_b = n_gold_b = n_cases = 0
    for case in cases:
        n_cases += 1
        pred = [s for s in (trim(case.text, a, b) for a, b in split(case.text)) if s[1] > s[0]]
        gold = [trim(case.text, a, b) for a, b in case.gold]
        n_gold += len(gold)
        n_exact += len(set(gold) & set(pred))
        gb, pb = {e for _, e in gold[:-1]}, {e for _, e in pred[:-1]}
        tp += len(gb & pb)
        n_gold_b += len(gb)
        n_pred_b += len(pb)
    p = tp / n_pred_b if n_pred_b else 1.0
    r = tp / n_gold_b if n_gold_b else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Scores(n_exact / n_gold if n_gold else 1.0, p, r, f1, n_gold, n_cases)


def project_splitter() -> Splitter:
    """This project's splitter (default cleaner + segmenter) as raw spans."""
    from pipeline.core.clean import default_cleaner
    from pipeline.core.segment import default_segmenter

    cleaner, segmenter = default_cleaner(), default_segmenter()
    return lambda text: [(s.start, s.end) for s in segmenter.split(cleaner(text))]
