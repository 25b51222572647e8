"""Scaling benchmark: ``predict()`` in one process, over a process pool, and on Spark, on the same unseen articles.

Run from the repository root after ``dvc repro`` (Spark rows need ``pip install -e ".[spark]"``)::

    python -m benchmarks.bench_scale [--model PATH] [--articles 400] [--repeats 6]

Prints a table; nothing is asserted (the figures go in the README, not in tests).

The corpus: every sentence of the scraped seed pages and of the authored pages
(``seeds/authored/*.txt``, their line tags removed by
:func:`pipeline.labelling.authored.parse_page`), cleaned and segmented as the
pipeline does, shuffled with a fixed seed and dealt into synthetic articles of
20–45 sentences, one to three sentences a line.  A sentence dealt more than once
comes back with its words shuffled (:func:`pipeline.serve.throughput.shuffled_copy`,
sentence edges kept), so no string is scored twice and no per-sentence memo
flatters a figure.  Each repeat scores a corpus of its own; every setup scores
the same corpora.

The setups:

* ``predict()`` in this process, model loaded and warmed up first; the results
  are streamed (counted, then dropped), as the other setups drop theirs;
* ``predict()`` over a ``concurrent.futures.ProcessPoolExecutor`` (``spawn``
  workers, each loads the model once in its initializer; chunks of
  :data:`CHUNK` articles; the results come back to the parent as
  ``ArticleResult`` objects, as a user would want them); and the largest pool
  once more with the results left in the workers, which shows what shipping
  them back costs (the case of workers that write their own output);
* Spark ``local[n]`` through :func:`pipeline.serve.spark.score` (article level,
  written to Spark's ``noop`` sink so that every row is computed and none is
  collected), when PySpark is installed; each ``n`` in a fresh interpreter, so
  that each pays its own JVM start.

The single-process and pool setups take turns corpus by corpus (the order turns
too), so that a busy moment of a shared machine does not land on one setup
only; the fastest run of each setup counts.  Start-up (pool workers spawned and
the model loaded; Spark session plus a first small job that ships the model to
the Python workers) is timed apart from the throughput.  "CPU used" is the CPU
time a setup got (its workers', its parent's; for Spark the JVM's and its Python
workers') over wall time × cores: well under 100% means other work held a core.
Peak RSS is per worker process: ``ru_maxrss`` of this process for the
single-process row and of each pool worker; ``VmHWM`` (Linux ``/proc``) of each
Spark Python worker that ran tasks, and of the Spark JVM on a line of its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from pipeline import config

#: Articles per task sent to a pool worker (predict() itself scores in batches of up to 64).
CHUNK = 32
#: Sentences per synthetic article, and per line of it.
SENTENCES_PER_ARTICLE = (20, 45)
SENTENCES_PER_LINE = (1, 3)
#: Copy number of the warm-up text (far from the copies the corpora use).
WARM_UP_COPY = 1_000_003


def peak_rss_mb() -> float:
    """Peak resident set of this process, in MB (Linux reports ``ru_maxrss`` in KiB, macOS in bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def source_sentences() -> list[str]:
    """Every sentence of the scraped seeds and of the authored pages (tags removed), cleaned and segmented."""
    from pipeline.core.clean import default_cleaner, read_manifest
    from pipeline.core.segment import default_segmenter
    from pipeline.io import read_text
    from pipeline.labelling.authored import parse_page

    texts = [read_text(config.SEEDS_DIR / a.file) for a in read_manifest(config.MANIFEST_FILE, config.SEEDS_DIR)
             if a.source == "scraped"]
    texts += [parse_page(path).text for path in sorted(config.AUTHORED_DIR.glob("*.txt"))]
    cleaner, segmenter = default_cleaner(), default_segmenter()
    return [s.text for text in texts for s in segmenter.split(cleaner(text)) if s.text.strip()]


class Dealer:
    """Deals sentences from a shuffled pool; a sentence's k-th use is its k-th word-shuffled copy (0: as written)."""

    def __init__(self, sentences: list[str], seed: int) -> None:
        self.sentences = sentences
        self.rng = random.Random(seed)
        self.uses = [0] * len(sentences)
        self.order: list[int] = []

    def take(self) -> str:
        from pipeline.serve.throughput import shuffled_copy

        if not self.order:
            self.order = list(range(len(self.sentences)))
            self.rng.shuffle(self.order)
        i = self.order.pop()
        copy = self.uses[i]
        self.uses[i] += 1
        return shuffled_copy(self.sentences[i], copy)


def build_corpora(n_articles: int, count: int, seed: int) -> list[list[dict[str, str]]]:
    """``count`` corpora of ``n_articles`` synthetic articles each, from one dealer (no corpus repeats another)."""
    dealer = Dealer(source_sentences(), seed)
    rng = random.Random(seed + 1)
    corpora = []
    for c in range(count):
        corpus = []
        for a in range(n_articles):
            remaining = rng.randint(*SENTENCES_PER_ARTICLE)
            lines = []
            while remaining > 0:
                k = min(remaining, rng.randint(*SENTENCES_PER_LINE))
                lines.append(" ".join(dealer.take() for _ in range(k)))
                remaining -= k
            corpus.append({"id": f"c{c}-a{a:05d}", "text": "\n".join(lines)})
        corpora.append(corpus)
    return corpora


def warm_up_text() -> str:
    from pipeline.io import read_text
    from pipeline.serve.throughput import shuffled_copy

    return shuffled_copy(read_text(config.SEEDS_DIR / "001_568024da5b85473c.txt"), WARM_UP_COPY)


# --- one process and a process pool, measured in turns -------------------------------------------------------------

_WORKER_MODEL: str | None = None


def _init_worker(model: str) -> None:
    """Pool initializer: load and warm the model once per worker."""
    global _WORKER_MODEL
    from pipeline.serve.predict import predict

    _WORKER_MODEL = model
    predict(warm_up_text(), model=model)


def _worker_pid(_: int) -> int:
    time.sleep(0.05)
    return os.getpid()


def _score_chunk(chunk: list[dict[str, str]], ship: bool = True) -> tuple[int, float, float, int, list[Any]]:
    """Score a chunk in a worker: its pid, peak RSS, CPU seconds, sentences, and the results (if ``ship``)."""
    from pipeline.serve.predict import predict

    cpu = time.process_time()
    results = predict(chunk, model=_WORKER_MODEL)
    n_sentences = sum(len(r.sentences) for r in results)
    return os.getpid(), peak_rss_mb(), time.process_time() - cpu, n_sentences, results if ship else [None] * len(results)


class SingleProcess:
    """``predict()`` in this process."""

    def __init__(self, model: str) -> None:
        from pipeline.serve.predict import predict

        self.name, self.cores, self.model = "`predict()`, 1 process", 1, model
        start = time.perf_counter()
        predict(warm_up_text(), model=model)
        self.startup = time.perf_counter() - start

    def score(self, corpus: list[dict[str, str]]) -> tuple[float, float, int]:
        """Wall seconds, CPU seconds and sentences for one corpus."""
        from pipeline.serve.predict import predict

        wall, cpu = time.perf_counter(), time.process_time()
        n_sentences = sum(len(r.sentences) for r in predict(iter(corpus), model=self.model))  # streamed, as below
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return wall, cpu, n_sentences

    def close(self) -> list[float]:
        return [peak_rss_mb()]


class Pool:
    """``predict()`` over a ``ProcessPoolExecutor`` of ``spawn`` workers, in chunks."""

    def __init__(self, model: str, workers: int, chunk: int, ship: bool = True) -> None:
        self.name = (f"`predict()` over a process pool, chunks of {chunk}" if ship else
                     "the same, results left in the workers (counted only)")
        self.cores, self.chunk, self.ship = workers, chunk, ship
        start = time.perf_counter()
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_init_worker, initargs=(model,))
        seen: set[int] = set()
        while len(seen) < workers:  # every worker spawned, its model loaded and warmed up
            seen.update(self.pool.map(_worker_pid, range(2 * workers)))
        self.startup = time.perf_counter() - start
        self.peaks: dict[int, float] = {}

    def score(self, corpus: list[dict[str, str]]) -> tuple[float, float, int]:
        """Wall seconds, CPU seconds (the workers' and this process's) and sentences for one corpus."""
        chunks = [corpus[i:i + self.chunk] for i in range(0, len(corpus), self.chunk)]
        wall, cpu = time.perf_counter(), time.process_time()
        n_articles = n_sentences = 0
        worker_cpu = 0.0
        for pid, peak, used, n, results in self.pool.map(_score_chunk, chunks, [self.ship] * len(chunks)):
            n_articles += len(results)
            n_sentences += n
            worker_cpu += used
            self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert n_articles == len(corpus)
        return wall, cpu + worker_cpu, n_sentences

    def close(self) -> list[float]:
        self.pool.shutdown()
        return sorted(self.peaks.values())


def run_in_turns(setups: list[Any], corpora: list[list[dict[str, str]]]) -> list[dict[str, Any]]:
    """Every setup scores every corpus; the order of the setups turns from one corpus to the next, so that
    a busy moment of the machine does not land on one setup only."""
    runs: list[list[tuple[float, float, int]]] = [[] for _ in setups]
    for i, corpus in enumerate(corpora):
        for k in range(len(setups)):
            j = (i + k) % len(setups)
            runs[j].append(setups[j].score(corpus))
    return [{"times": [w for w, _, _ in r], "cpu": [c for _, c, _ in r], "sentences": [n for _, _, n in r],
             "startup": s.startup, "rss": s.close()} for s, r in zip(setups, runs)]


# --- Spark ----------------------------------------------------------------------------------------------------------

def _peak_mb(pid: int) -> float | None:
    """Peak RSS of another process (Linux ``/proc/<pid>/status`` VmHWM), in MB; None where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _process_tree() -> dict[int, list[int]]:
    """Children of every live process (Linux ``/proc``; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(stat.parent.name))
    return children


class _CpuSnapshot(float):
    """CPU seconds of a process tree, remembering each process's share (to account for processes that end)."""

    per_pid: dict[int, float]


def _tree_cpu_seconds(root: int) -> _CpuSnapshot:
    """CPU seconds (user + system) used so far by ``root`` and its live descendants (Linux ``/proc``)."""
    tree, per_pid, todo = _process_tree(), {}, [root]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            per_pid[pid] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(tree.get(pid, []))
    snapshot = _CpuSnapshot(sum(per_pid.values()))
    snapshot.per_pid = per_pid
    return snapshot


def _tree_cpu_lost(before: _CpuSnapshot) -> float:
    """CPU seconds counted in ``before`` by processes that have ended since (they must not count as negative)."""
    return sum(cpu for pid, cpu in before.per_pid.items() if not Path(f"/proc/{pid}").exists())


def _spark_worker_peaks(jvm: int) -> list[float]:
    """Peak RSS of the Python workers of a local Spark that ran tasks (the children of the JVM's
    ``pyspark.daemon``; a forked worker that never loaded the model peaks where the daemon does)."""
    tree = _process_tree()
    peaks, todo = [], list(tree.get(jvm, []))
    while todo:
        pid = todo.pop()
        try:
            is_python = b"python" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if is_python:  # the daemon: its children run the tasks
            floor = (_peak_mb(pid) or 0.0) + 20
            peaks.extend(m for m in map(_peak_mb, tree.get(pid, [])) if m is not None and m > floor)
        else:
            todo.extend(tree.get(pid, []))
    return peaks


def run_spark(model: str, cores: int, corpora: list[list[dict[str, str]]]) -> dict[str, Any]:
    from pyspark.sql import types as T

    from pipeline.serve import spark as spark_scoring

    schema = T.StructType([T.StructField("id", T.StringType()), T.StructField("text", T.StringType())])
    partitions = 4 * cores

    start = time.perf_counter()
    spark = spark_scoring.session(f"local[{cores}]", app_name="bench-scale")
    spark.sparkContext.setLogLevel("ERROR")
    session_seconds = time.perf_counter() - start

    def frame(corpus: list[dict[str, str]]) -> Any:
        rows = spark.sparkContext.parallelize([(a["id"], a["text"]) for a in corpus], partitions)
        return spark.createDataFrame(rows, schema)

    def run(corpus: list[dict[str, str]]) -> None:
        scored = spark_scoring.score(frame(corpus), id_col="id", level="article", model=model)
        scored.write.format("noop").mode("overwrite").save()

    try:
        t0 = time.perf_counter()
        run([{"id": f"warm-{i}", "text": warm_up_text()} for i in range(partitions)])
        first_job = time.perf_counter() - t0
        jvm_pid = spark.sparkContext._gateway.proc.pid  # the JVM pyspark launched for this local session
        times, cpu = [], []
        for corpus in corpora:
            t0, c0 = time.perf_counter(), _tree_cpu_seconds(jvm_pid)
            run(corpus)
            times.append(time.perf_counter() - t0)
            cpu.append(_tree_cpu_seconds(jvm_pid) - c0 + _tree_cpu_lost(c0))

        # Idle Python workers stay alive for reuse: read their peaks before the session stops.
        peaks = _spark_worker_peaks(jvm_pid)
        jvm = _peak_mb(jvm_pid)
    finally:
        spark.stop()
    return {"times": times, "cpu": cpu, "startup": session_seconds + first_job, "session": session_seconds,
            "first_job": first_job, "rss": sorted(peaks), "jvm": jvm}


def run_spark_in_child(args: argparse.Namespace, cores: int) -> dict[str, Any]:
    """:func:`run_spark` in a fresh interpreter, so that each setup pays its own JVM start."""
    import json
    import subprocess

    cmd = [sys.executable, "-m", "benchmarks.bench_scale", "--model", args.model, "--articles", str(args.articles),
           "--repeats", str(args.repeats), "--seed", str(args.seed), "--spark-child", str(cores)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=config.ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"Spark local[{cores}] failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- report -------------------------------------------------------------------------------------------------------

def _rss(values: list[float]) -> str:
    if not values:
        return "n/a"
    if len(values) == 1 or max(values) - min(values) < 1:
        return f"{max(values):.0f} MB" + (f" × {len(values)}" if len(values) > 1 else "")
    return f"{min(values):.0f}–{max(values):.0f} MB × {len(values)}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(config.MODEL_FILE))
    parser.add_argument("--articles", type=int, default=400, help="synthetic articles per corpus")
    parser.add_argument("--repeats", type=int, default=6, help="corpora per setup (the fastest run counts)")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--pool-workers", default="1,2", help="process pool sizes, comma-separated")
    parser.add_argument("--spark-cores", default="1,2", help="Spark local[n] sizes, comma-separated")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--no-shipless", action="store_true",
                        help="skip the pool row whose workers keep their results (the cost of shipping them back)")
    parser.add_argument("--spark-child", type=int, help=argparse.SUPPRESS)  # internal: one Spark setup, JSON out
    parser.add_argument("--chunk", type=int, default=CHUNK, help="articles per pool task")
    args = parser.parse_args(argv)
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

    model = args.model = str(Path(args.model).resolve())
    from pipeline.serve.predict import load_model

    load_model(model)  # a missing or broken model fails here, before any timing
    corpora = build_corpora(args.articles, args.repeats, args.seed)
    if args.spark_child:
        import json

        print(json.dumps(run_spark(model, args.spark_child, corpora)))
        return

    load_before = os.getloadavg()
    setups: list[Any] = [SingleProcess(model)]
    setups += [Pool(model, int(w), args.chunk) for w in args.pool_workers.split(",") if w]
    if not args.no_shipless:
        setups.append(Pool(model, max(int(w) for w in args.pool_workers.split(",") if w), args.chunk, ship=False))
    rows = [(s.name, s.cores, r) for s, r in zip(setups, run_in_turns(setups, corpora))]
    n_sentences = rows[0][2]["sentences"]
    spark_note = ""
    if not args.no_spark:
        import importlib.util

        if importlib.util.find_spec("pyspark") is None:
            spark_note = 'Spark: not measured (pip install -e ".[spark]")'
        else:
            for cores in [int(c) for c in args.spark_cores.split(",") if c]:
                rows.append((f"Spark `local[{cores}]`, `pipeline.serve.spark.score`", cores,
                             run_spark_in_child(args, cores)))
    load_after = os.getloadavg()
    report(rows, args, model, n_sentences, (load_before[0], load_after[0]), spark_note)


def report(rows: list[tuple[str, int, dict[str, Any]]], args: argparse.Namespace, model: str,
           n_sentences: list[int], load: tuple[float, float], spark_note: str) -> None:
    """Print the table (Markdown) and the per-core figures."""
    articles = args.articles

    def best(r: dict[str, Any]) -> tuple[int, float, float]:
        """The fastest corpus of a setup: its index, articles/s and sentences/s."""
        i = min(range(len(r["times"])), key=r["times"].__getitem__)
        return i, articles / r["times"][i], n_sentences[i] / r["times"][i]

    base = best(rows[0][2])[1]
    print(f"model: {model}")
    print(f"corpus: {args.repeats} corpora × {articles} synthetic articles ({min(n_sentences):,}–"
          f"{max(n_sentences):,} sentences each, seed {args.seed}); {os.cpu_count()} CPUs; "
          f"Python {sys.version.split()[0]}; best of {args.repeats} per setup")
    print(f"load average (1 min) before / after: {load[0]:.1f} / {load[1]:.1f} (other work on the machine "
          "lowers every figure, the multi-core ones most; 'CPU used' says how much of its cores a setup got)")
    print()
    print("| setup | cores | articles/s | sentences/s | vs 1 process | CPU used | start-up | peak RSS per worker |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    rates: dict[str, dict[int, float]] = {}
    for name, cores, r in rows:
        i, rate, sentence_rate = best(r)
        rates.setdefault(name.split(",")[0].split(" `local")[0], {})[cores] = rate
        cpu = f"{r['cpu'][i] / (r['times'][i] * cores):.0%}" if r.get("cpu") else "n/a"
        startup = (f"{r['startup']:.1f} s" if "session" not in r else
                   f"{r['startup']:.1f} s (session {r['session']:.1f} + first job {r['first_job']:.1f})")
        print(f"| {name} | {cores} | {rate:,.0f} | {sentence_rate:,.0f} | {rate / base:.2f}× | {cpu} "
              f"| {startup} | {_rss(r['rss'])} |")
    print()
    for name, cores, r in rows:
        if r.get("jvm"):
            print(f"Spark local[{cores}]: the JVM peaks at {r['jvm']:.0f} MB besides its Python workers")
    for name, cores, r in rows:
        if cores > 1:
            rate, same = best(r)[1], rates[name.split(",")[0].split(" `local")[0]]
            line = f"{name}: {(rate / base - 1) / (cores - 1):+.0%} per added core over predict() in 1 process"
            if 1 in same:
                line += f", {(rate / same[1] - 1) / (cores - 1):+.0%} over 1 core of the same setup"
            print(line)
    if spark_note:
        print(spark_note)

if __name__ == "__main__":
    main()
