"""Throughput of ``predict()`` on unseen text: shuffled copies of the seed articles.

Used by the publish stage (an MLflow metric, not a DVC metric: a speed figure
changes from run to run and must not make ``dvc.lock`` move) and by the
benchmark script ``python -m benchmarks.bench``.
"""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

from pipeline import config


#: A token that ends a sentence, or starts one after such a token, stays in place when a copy is shuffled.
_SENTENCE_EDGE = re.compile(r"[.!?…:;»)]$")


def shuffled_copy(text: str, copy: int) -> str:
    """``text`` with the words of each line shuffled among themselves (seeded by ``copy``).

    Words that end a sentence, and the word after each, keep their place, so
    sentence boundaries and the amount of text stay as they were; copy 0 is
    the text itself.  Every other copy gives sentences the models have not
    seen word for word, so no per-sentence memo flatters the figures.
    """
    if copy == 0:
        return text
    rng = random.Random(copy)
    lines = []
    for line in text.split("\n"):
        words = line.split(" ")
        free = [i for i, w in enumerate(words)
                if i > 0 and not _SENTENCE_EDGE.search(w) and not _SENTENCE_EDGE.search(words[i - 1])]
        moved = [words[i] for i in free]
        rng.shuffle(moved)
        for i, w in zip(free, moved):
            words[i] = w
        lines.append(" ".join(words))
    return "\n".join(lines)


def seed_corpora(model: str | Path, min_sentences: int, count: int) -> list[list[str]]:
    """``count`` corpora of article text, each of at least ``min_sentences`` sentences.

    Each corpus is shuffled copies of the seed articles (:func:`shuffled_copy`),
    and no two corpora share a copy, so repeated measurements do not read each
    other's memos.  The seeds themselves (copy 0) are scored once to count
    their sentences, which also warms the model up, and are in no corpus.
    """
    from pipeline.core.clean import read_manifest
    from pipeline.io import read_text
    from pipeline.serve.predict import predict

    texts = [read_text(config.SEEDS_DIR / a.file) for a in read_manifest(config.MANIFEST_FILE, config.SEEDS_DIR)
             if a.source == "scraped"]
    per_round = max(sum(len(r.sentences) for r in predict(texts, model=model)), 1)
    copies = max(1, -(-min_sentences // per_round))
    return [[shuffled_copy(t, k) for k in range(1 + j * copies, 1 + (j + 1) * copies) for t in texts]
            for j in range(count)]




def measure_throughput(model_file: Path | str, min_sentences: int, repeats: int = 3) -> dict[str, float]:
    """Warm end-to-end ``predict()`` throughput on shuffled copies of the seed articles.

    Raw article text in, results out, one process; the best of ``repeats`` runs,
    each on copies no other run has seen.
    """
    from pipeline.serve.predict import predict

    best: dict[str, float] = {}
    for corpus in seed_corpora(model_file, min_sentences, repeats):
        start = time.perf_counter()
        n = sum(len(r.sentences) for r in predict(corpus, model=model_file))
        seconds = time.perf_counter() - start
        if not best or n / seconds > best["sentences_per_second"]:
            best = {"sentences_per_second": round(n / seconds, 1), "n_sentences": n,
                    "megabytes_per_second": round(sum(len(t.encode()) for t in corpus) / seconds / 1e6, 3)}
    return best
