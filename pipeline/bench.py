"""Benchmark of ``predict()``: cold start, warm throughput, the bare-model floor, peak memory.

Run: ``python -m pipeline.bench [--model PATH] [--min-sentences 10000] [--repeats 3]``.
Prints one table; nothing is asserted (figures go in the README, not in tests).

* cold start: a fresh ``python -c "from pipeline import predict; predict('…')"``,
  next to a fresh ``python -c "import sklearn.linear_model"`` (best of N);
* warm throughput: raw article text in, results out, one process, on a
  corpus of at least ``--min-sentences`` sentences made by repeating the seeds;
* floor: the same sentences, already cleaned, segmented and turned into
  records, through the bare pipelines' ``predict_proba`` (``LoadedModel.score``);
* peak RSS of this process after the runs.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

from pipeline import config


def _best_of(cmd: list[str], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def seed_corpus(model: str | Path, min_sentences: int) -> list[str]:
    """The seed articles, repeated until they hold at least ``min_sentences`` sentences (also warms the model)."""
    from pipeline.clean import read_manifest
    from pipeline.io import read_text
    from pipeline.predict import predict

    texts = [read_text(config.SEEDS_DIR / a.file) for a in read_manifest(config.MANIFEST_FILE, config.SEEDS_DIR)]
    per_round = max(sum(len(r.sentences) for r in predict(texts, model=model)), 1)
    return texts * max(1, -(-min_sentences // per_round))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(config.MODEL_FILE))
    parser.add_argument("--min-sentences", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    from pipeline.predict import load_model, predict

    model = str(Path(args.model))
    cold_predict = _best_of([sys.executable, "-c", f"from pipeline import predict; predict('Microsoft a refusé de payer.', model={model!r})"], args.repeats)
    cold_sklearn = _best_of([sys.executable, "-c", "import sklearn.linear_model"], args.repeats)

    m = load_model(model)
    corpus = seed_corpus(model, args.min_sentences)
    n_bytes = sum(len(t.encode("utf-8")) for t in corpus)

    best_e2e = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        n_sentences = sum(len(r.sentences) for r in predict(corpus, model=model))
        best_e2e = min(best_e2e, time.perf_counter() - start)

    records = [r for doc, text in enumerate(corpus) for r in m.prepare(text, doc)[1]]
    best_floor = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        m.score(records)
        best_floor = min(best_floor, time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = [
        ("cold start: import pipeline + predict() (s)", f"{cold_predict:.2f}"),
        ("cold start: import sklearn.linear_model (s)", f"{cold_sklearn:.2f}"),
        ("cold start ratio (target <= 1.3)", f"{cold_predict / cold_sklearn:.2f}"),
        ("corpus: articles / sentences / MB", f"{len(corpus)} / {n_sentences} / {n_bytes / 1e6:.2f}"),
        ("warm end to end: sentences/s (target >= 10000)", f"{n_sentences / best_e2e:,.0f}"),
        ("warm end to end: MB/s", f"{n_bytes / 1e6 / best_e2e:.2f}"),
        ("bare predict_proba floor: sentences/s", f"{len(records) / best_floor:,.0f}"),
        ("end to end / floor time ratio (target <= 2)", f"{best_e2e / best_floor:.2f}"),
        ("peak RSS (MB)", f"{peak_mb:.0f}"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"model: {model}")
    for k, v in rows:
        print(f"{k:<{width}}  {v:>22}")


if __name__ == "__main__":
    main()
