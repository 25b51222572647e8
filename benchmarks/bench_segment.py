"""Sentence segmentation benchmark: this project against plain Punkt, pySBD and spaCy.

Run: ``python -m benchmarks.bench_segment`` (pySBD and spaCy come with
``pip install -e ".[bench]"``; a library that is not installed is listed as
such).  Prints one table: for each system and each test set, the share of
gold sentences found exactly and the boundary F1 (precision and recall too on
the frozen test part), all as spans of the raw input
(:mod:`pipeline.core.segment_eval`), and speed in gold sentences per second
over the seed articles (this project counts cleaning too).  "NLTK Punkt,
untrained" is plain Punkt on the whole text, as a user would call it; the
per-line row applies LABELS.md's line rule to it.

Test sets (``tests/data/segmentation/``, all written for this project): the
seed gold (every sentence of the scraped seed articles with raw offsets), the
development part (``dev.jsonl``, used to write the rules) and the frozen test
part (``test.jsonl``, never used to write them: only its aggregate scores are
printed).
"""

from __future__ import annotations

import argparse
import time

from pipeline.core.segment_eval import DATA_DIR, Case, Splitter, load_cases, load_seed_gold, project_splitter, score


def _lines(split_line: Splitter) -> Splitter:
    """Apply a splitter line by line (LABELS.md §3: a line break always ends a sentence)."""
    def split(text: str) -> list[tuple[int, int]]:
        out, pos = [], 0
        for line in text.split("\n"):
            out += [(pos + s, pos + e) for s, e in split_line(line)] if line.strip() else []
            pos += len(line) + 1
        return out
    return split


def systems() -> dict[str, Splitter | str]:
    """The splitters compared, by name (a string instead of a splitter says why it is missing)."""
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    punkt = PunktSentenceTokenizer()
    out: dict[str, Splitter | str] = {
        "this project (clean + segment)": project_splitter(),
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


def speeds(splitters: dict[str, Splitter], texts: list[str], n_gold: int, seconds: float, rounds: int = 5) -> dict[str, float]:
    """Gold sentences per second of each splitter: rounds over the seed articles, each worth their gold
    sentence count (the same unit of work for every system, however many pieces it returns).

    The systems take turns (``rounds`` turns of ``seconds / rounds`` each) and each keeps its best turn,
    so that a busy moment on the machine does not land on one system only.
    """
    best = dict.fromkeys(splitters, 0.0)
    for _ in range(rounds):
        for name, split in splitters.items():
            n, start = 0, time.perf_counter()
            while time.perf_counter() - start < seconds / rounds:
                for t in texts:
                    split(t)
                n += 1
            best[name] = max(best[name], n * n_gold / (time.perf_counter() - start))
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time spent measuring speed per system (in turns)")
    args = parser.parse_args(argv)
    sets: dict[str, list[Case]] = {
        "seeds": load_seed_gold(),
        "dev": load_cases(DATA_DIR / "dev.jsonl"),
        "test": load_cases(DATA_DIR / "test.jsonl"),
    }
    for name, cases in sets.items():
        print(f"{name}: {sum(len(c.gold) for c in cases)} gold sentences in {len(cases)} cases")
    seed_texts = [c.text for c in sets["seeds"]]
    n_seed_gold = sum(len(c.gold) for c in sets["seeds"])
    header = (f"{'system':<32} {'seeds exact':>11} {'seeds F1':>9} {'dev exact':>9} {'dev F1':>7} "
              f"{'test exact':>10} {'test P':>7} {'test R':>7} {'test F1':>8} {'sent/s':>9}")
    print(header)
    print("-" * len(header))
    found = {name: split for name, split in systems().items()}
    rates = speeds({k: v for k, v in found.items() if not isinstance(v, str)}, seed_texts, n_seed_gold, args.seconds)
    for name, split in found.items():
        if isinstance(split, str):
            print(f"{name:<32} {split}")
            continue
        s, d, t = (score(sets[k], split) for k in ("seeds", "dev", "test"))
        print(f"{name:<32} {s.exact:>11.3f} {s.f1:>9.3f} {d.exact:>9.3f} {d.f1:>7.3f} "
              f"{t.exact:>10.3f} {t.precision:>7.3f} {t.recall:>7.3f} {t.f1:>8.3f} {rates[name]:>9,.0f}")
    ours, punkt = rates.get("this project (clean + segment)"), rates.get("NLTK Punkt, untrained")
    if ours and punkt:
        print(f"speed of this project / plain Punkt (whole text): {ours / punkt:.2f} (target >= 0.8)")


if __name__ == "__main__":
    main()
