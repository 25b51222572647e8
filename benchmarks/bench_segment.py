"""Sentence segmentation benchmark: this project against plain Punkt, pySBD and spaCy.

Run: ``python -m benchmarks.bench_segment`` (pySBD and spaCy come with
``pip install -e ".[bench]"``; a library that is not installed is listed as
such).  Prints one table: for each system and each test set, the share of
gold sentences found exactly, boundary precision/recall/F1, and speed in gold
sentences per second over the seed articles (this project counts cleaning
too).  "NLTK Punkt, untrained" is plain Punkt on the whole text, as a user
would call it; the per-line row applies LABELS.md's line rule to it.

Test sets (``tests/data/segmentation/``): the seed gold (every sentence of the
five seeds with raw offsets) and the public French set (pySBD's golden rules,
LanguageTool's tests, cases written for this project; sources in the file).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from pipeline import config

DATA = config.ROOT / "tests" / "data" / "segmentation"
Spans = list[tuple[int, int]]
Splitter = Callable[[str], Spans]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def gold_spans(text: str, sentences: list[str]) -> Spans:
    """Locate gold sentences in order in ``text``."""
    spans, pos = [], 0
    for s in sentences:
        i = text.index(s, pos)
        spans.append((i, i + len(s)))
        pos = i + len(s)
    return spans


def load_public() -> list[tuple[str, Spans]]:
    cases = []
    with open(DATA / "public_fr.jsonl", encoding="utf-8") as fh:
        for line in fh:
            c = json.loads(line)
            cases.append((c["text"], gold_spans(c["text"], c["sentences"])))
    return cases


def load_seed_gold() -> list[tuple[str, Spans]]:
    from pipeline.io import read_text

    by_file: dict[str, Spans] = {}
    with open(DATA / "seeds_gold.jsonl", encoding="utf-8") as fh:
        for line in fh:
            g = json.loads(line)
            by_file.setdefault(g["file"], []).append((g["start"], g["end"]))
    return [(read_text(config.SEEDS_DIR / f), spans) for f, spans in sorted(by_file.items())]


def score(cases: list[tuple[str, Spans]], split: Splitter) -> dict[str, float]:
    """Exact sentence matches and boundary precision/recall/F1 (a boundary is a sentence end before the text end)."""
    n_gold = n_exact = tp = n_pred_b = n_gold_b = 0
    for text, gold in cases:
        pred = [_trim(text, s, e) for s, e in split(text)]
        pred = [(s, e) for s, e in pred if e > s]
        gold = [_trim(text, s, e) for s, e in gold]
        n_gold += len(gold)
        n_exact += len(set(gold) & set(pred))
        gb = {e for _, e in gold[:-1]}
        pb = {e for _, e in pred[:-1]}
        tp += len(gb & pb)
        n_gold_b += len(gb)
        n_pred_b += len(pb)
    p = tp / n_pred_b if n_pred_b else 1.0
    r = tp / n_gold_b if n_gold_b else 1.0
    return {"exact": n_exact / n_gold, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _lines(split_line: Splitter) -> Splitter:
    """Apply a splitter line by line (LABELS.md §3: a line break always ends a sentence)."""
    def split(text: str) -> Spans:
        out, pos = [], 0
        for line in text.split("\n"):
            out += [(pos + s, pos + e) for s, e in split_line(line)] if line.strip() else []
            pos += len(line) + 1
        return out
    return split


def systems() -> dict[str, Splitter | str]:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from pipeline.core.clean import default_cleaner
    from pipeline.core.segment import default_segmenter

    cleaner, segmenter = default_cleaner(), default_segmenter()
    punkt = PunktSentenceTokenizer()
    out: dict[str, Splitter | str] = {
        "this project (clean + segment)": lambda t: [(s.start, s.end) for s in segmenter.split(cleaner(t))],
        "NLTK Punkt, untrained": lambda t: list(punkt.span_tokenize(t)),
        "NLTK Punkt, untrained, per line": _lines(lambda t: list(punkt.span_tokenize(t))),
    }
    try:
        import pysbd

        seg = pysbd.Segmenter(language="fr", clean=False, char_span=True)
        out["pySBD (fr)"] = _lines(lambda t: [(c.start, c.end) for c in seg.segment(t)])
    except ImportError:
        out["pySBD (fr)"] = "not installed (pip install -e '.[bench]')"
    try:
        import spacy

        nlp = spacy.load("fr_core_news_sm", disable=["ner", "lemmatizer", "attribute_ruler"])
        out["spaCy fr_core_news_sm"] = _lines(lambda t: [(s.start_char, s.end_char) for s in nlp(t).sents])
    except (ImportError, OSError):
        out["spaCy fr_core_news_sm"] = "not installed (pip install -e '.[bench]')"
    return out


def speed(split: Splitter, texts: list[str], n_gold: int, min_seconds: float = 1.0) -> float:
    """Gold sentences per second: rounds over the seed articles, each worth their gold sentence count
    (the same unit of work for every system, however many pieces it returns)."""
    rounds, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_seconds:
        for t in texts:
            split(t)
        rounds += 1
    return rounds * n_gold / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time spent measuring speed per system")
    args = parser.parse_args(argv)
    seeds, public = load_seed_gold(), load_public()
    seed_texts = [t for t, _ in seeds]
    header = f"{'system':<32} {'seeds exact':>11} {'seeds F1':>9} {'public exact':>12} {'public P':>9} {'public R':>9} {'public F1':>9} {'sent/s':>9}"
    print(f"seed gold: {sum(len(g) for _, g in seeds)} sentences in {len(seeds)} articles; "
          f"public set: {sum(len(g) for _, g in public)} sentences in {len(public)} cases")
    print(header)
    print("-" * len(header))
    for name, split in systems().items():
        if isinstance(split, str):
            print(f"{name:<32} {split}")
            continue
        s, p = score(seeds, split), score(public, split)
        rate = speed(split, seed_texts, sum(len(g) for _, g in seeds), args.seconds)
        print(f"{name:<32} {s['exact']:>11.3f} {s['f1']:>9.3f} {p['exact']:>12.3f} {p['precision']:>9.3f} "
              f"{p['recall']:>9.3f} {p['f1']:>9.3f} {rate:>9,.0f}")


if __name__ == "__main__":
    main()
