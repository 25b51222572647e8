"""Benchmark of ``predict()``: cold start, warm throughput, the bare-model floor, peak memory.

Run from the repository root: ``python -m benchmarks.bench [--model PATH] [--min-sentences 10000] [--repeats 3]``.
Prints one table; nothing is asserted (figures go in the README, not in tests).

* cold start: a fresh ``python -c "from pipeline import predict; predict('…')"``,
  next to a fresh ``python -c "import sklearn.linear_model"`` (best of N, alternating);
* warm throughput: raw article text in, results out, one process, on a
  corpus of at least ``--min-sentences`` sentences: copies of the seeds
  with each line's words shuffled (:func:`pipeline.serve.throughput.shuffled_copy`), fresh ones for
  every repeat, so that no memo of an earlier run flatters the figure;
* floor: as many sentences (other shuffled copies), already cleaned, segmented
  and turned into records, through the bare pipelines' ``predict_proba``
  (``LoadedModel.score``);
* peak RSS of this process after the runs.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from pipeline import config
from pipeline.serve.throughput import seed_corpora


def _cold_starts(model: str, repeats: int) -> tuple[float, float]:
    """Best-of-``repeats`` wall time of a fresh ``predict()`` process and of ``import sklearn.linear_model``.

    The package is byte-compiled first, as ``pip install`` does, so that the
    figure is import and model loading, not compiling our sources; the two
    commands alternate so that a busy moment affects both.
    """
    import compileall

    import pipeline

    compileall.compile_dir(Path(pipeline.__file__).parent, quiet=1)
    ours = [sys.executable, "-c", f"from pipeline import predict; predict('Microsoft a refusé de payer.', model={model!r})"]
    sklearn = [sys.executable, "-c", "import sklearn.linear_model"]
    best = {"ours": float("inf"), "sklearn": float("inf")}
    for _ in range(repeats):
        for name, cmd in (("ours", ours), ("sklearn", sklearn)):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            best[name] = min(best[name], time.perf_counter() - start)
    return best["ours"], best["sklearn"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(config.MODEL_FILE))
    parser.add_argument("--min-sentences", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cold-repeats", type=int, default=7)
    args = parser.parse_args(argv)

    from pipeline.serve.predict import load_model, predict

    model = str(Path(args.model))
    cold_predict, cold_sklearn = _cold_starts(model, args.cold_repeats)

    m = load_model(model)
    corpora = seed_corpora(model, args.min_sentences, 2 * args.repeats)
    best_e2e = best_floor = float("inf")
    for corpus, floor_corpus in zip(corpora[::2], corpora[1::2]):
        # Fresh sentences for each measurement: end to end on one corpus, the floor on another.
        start = time.perf_counter()
        n_sentences = sum(len(r.sentences) for r in predict(corpus, model=model))
        seconds = time.perf_counter() - start
        if seconds / n_sentences < best_e2e:
            best_e2e, e2e_corpus = seconds / n_sentences, (len(corpus), n_sentences, sum(len(t.encode()) for t in corpus))
        records = [r for doc, text in enumerate(floor_corpus) for r in m.prepare(text, doc)[1]]
        start = time.perf_counter()
        m.score(records)
        best_floor = min(best_floor, (time.perf_counter() - start) / len(records))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n_articles, n_sentences, n_bytes = e2e_corpus
    mb_per_sentence = n_bytes / 1e6 / n_sentences

    rows = [
        ("cold start: import pipeline + predict() (s)", f"{cold_predict:.2f}"),
        ("cold start: import sklearn.linear_model (s)", f"{cold_sklearn:.2f}"),
        ("cold start ratio (target <= 1.3)", f"{cold_predict / cold_sklearn:.2f}"),
        ("corpus: articles / sentences / MB", f"{n_articles} / {n_sentences} / {n_bytes / 1e6:.2f}"),
        ("warm end to end: sentences/s (target >= 10000)", f"{1 / best_e2e:,.0f}"),
        ("warm end to end: MB/s", f"{mb_per_sentence / best_e2e:.2f}"),
        ("bare predict_proba floor: sentences/s", f"{1 / best_floor:,.0f}"),
        ("end to end / floor time ratio (target <= 2)", f"{best_e2e / best_floor:.2f}"),
        ("peak RSS (MB)", f"{peak_mb:.0f}"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"model: {model}")
    for k, v in rows:
        print(f"{k:<{width}}  {v:>22}")


if __name__ == "__main__":
    main()
