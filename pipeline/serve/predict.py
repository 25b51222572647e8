"""Public API: score French articles for boilerplate and stance.

>>> from pipeline import predict
>>> result = predict("Microsoft a refusé de payer. Un porte-parole a démenti.")
>>> [(s.text, s.boilerplate, s.stance) for s in result.sentences]

Input: one article (``str``), a record ``{"id": ..., "text": ...}``, or an
iterable of either.  A single article gives one :class:`ArticleResult`; a list or
tuple gives a list; any other iterable (a generator, a file reader) gives a
lazy iterator, so a stream of a million articles is never held in memory.

The model is the one ``dvc repro`` wrote under ``models/`` unless ``model=``
names another file or an MLflow URI (``models:/<name>@champion``; MLflow is
imported only then).  Models are loaded once per process and checked against
the SHA-256 in their manifest *before* unpickling.  ``predict`` is safe to call
from many threads.

This module imports scikit-learn (to unpickle the model) and NLTK's Punkt
lazily, and never imports MLflow or DVC for a local model.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Union, overload

from pipeline import config
from pipeline.core.loading import (
    LoadedModel,
    ModelInfo,
    ModelIntegrityError,  # noqa: F401 - re-exported by pipeline
    ModelNotFoundError,
    METRIC_KEYS,
    load_verified,
)

log = logging.getLogger(__name__)

ArticleInput = Union[str, Mapping[str, Any]]

#: Articles scored together in one call to the models (vectorised batches).
BATCH_ARTICLES = 64

#: Columns of a sentence row (:meth:`ArticleResult.sentence_rows`): the CLI, the pyfunc and Spark use these.
SENTENCE_COLUMNS = (
    "article_id", "index", "text", "start", "end", "boilerplate", "p_boilerplate", "stance",
    *[f"p_{lab}" for lab in config.STANCE_LABELS], "uncertain",
)
#: Columns of an article row (:meth:`ArticleResult.article_row`): one schema for the CLI, the pyfunc and Spark.
ARTICLE_COLUMNS = (
    "article_id", "n_sentences", "n_boilerplate", *[f"n_{lab}" for lab in config.STANCE_LABELS],
    *[f"share_{lab}" for lab in config.STANCE_LABELS], "net_stance", "warnings", "sentences_json",
)


@dataclass(frozen=True)
class SentenceResult:
    """One sentence of a scored article.

    Attributes:
        index: position in the article (0-based).
        text: cleaned sentence text.
        start, end: offsets into the input string as given (``text_in[start:end]``).
        boilerplate: True when the sentence is page furniture, not reporting.
        p_boilerplate: probability of boilerplate.
        stance: ``pro_twitter``, ``pro_microsoft`` or ``neutral``; None for boilerplate.
        p_stance: probability of each stance; empty for boilerplate sentences,
            which are not scored for stance (LABELS.md §2).
        uncertain: the deciding probability is under the model's threshold.
    """

    index: int
    text: str
    start: int
    end: int
    boilerplate: bool
    p_boilerplate: float
    stance: str | None
    p_stance: dict[str, float]
    uncertain: bool


@dataclass(frozen=True)
class ArticleSummary:
    """Stance summary over the non-boilerplate sentences of an article.

    Attributes:
        n_sentences: all sentences.
        n_boilerplate: sentences removed as boilerplate.
        counts, shares: per stance, among non-boilerplate sentences.
        net_stance: mean of P(pro_twitter) - P(pro_microsoft) over non-boilerplate
            sentences, in [-1, 1]: -1 is wholly pro-Microsoft, +1 wholly pro-Twitter.
        top_pro_twitter, top_pro_microsoft: indices of the (up to 3) sentences
            that weigh most for each side.
    """

    n_sentences: int
    n_boilerplate: int
    counts: dict[str, int]
    shares: dict[str, float]
    net_stance: float
    top_pro_twitter: list[int]
    top_pro_microsoft: list[int]


@dataclass(frozen=True)
class ArticleResult:
    """The scored article: its id, sentences, summary, model metadata and warnings."""

    id: Any
    sentences: list[SentenceResult]
    summary: ArticleSummary
    model: ModelInfo
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts and lists, ready for ``json.dumps``."""
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def sentence_rows(self) -> list[dict[str, Any]]:
        """One flat dict per sentence (article id, stance probabilities as columns)."""
        rows = []
        for s in self.sentences:
            row = {"article_id": self.id, **{k: v for k, v in asdict(s).items() if k != "p_stance"}}
            row.update({f"p_{lab}": s.p_stance.get(lab) for lab in config.STANCE_LABELS})
            rows.append(row)
        return rows

    def article_row(self) -> dict[str, Any]:
        """One flat dict for the article: the summary, the warnings, and its sentence rows as JSON."""
        s = self.summary
        return {
            "article_id": self.id, "n_sentences": s.n_sentences, "n_boilerplate": s.n_boilerplate,
            **{f"n_{lab}": s.counts[lab] for lab in config.STANCE_LABELS},
            **{f"share_{lab}": s.shares[lab] for lab in config.STANCE_LABELS},
            "net_stance": s.net_stance, "warnings": " | ".join(self.warnings),
            "sentences_json": json.dumps(self.sentence_rows(), ensure_ascii=False),
        }

    def to_frame(self) -> Any:
        """A pandas DataFrame with one row per sentence (pandas is imported here)."""
        import pandas as pd

        return pd.DataFrame(self.sentence_rows())


_CACHE: dict[tuple[str, int, int], LoadedModel] = {}
_LOCK = threading.Lock()


def is_mlflow_uri(model: str) -> bool:
    """True for an MLflow model URI (``models:/…``, ``runs:/…``, ``mlflow-artifacts:/…``)."""
    return re.match(r"^(models|runs|mlflow-artifacts):/", model) is not None


def resolve_mlflow(uri: str) -> tuple[Path, Path, dict[str, float], str | None]:
    """Download an MLflow model's bundle; return its file, its manifest, its run's metrics and run id."""
    from pipeline import tracking

    mlflow = tracking.client()
    try:
        local = Path(mlflow.artifacts.download_artifacts(artifact_uri=uri))
    except Exception as exc:  # noqa: BLE001 - MLflow raises its own exception types for a missing model
        raise ModelNotFoundError(tracking.redact(f"{uri}: cannot be loaded from {tracking.tracking_uri()}: {exc}")) from None
    found = sorted(local.rglob(config.MODEL_FILE.name))
    if not found:
        raise ModelNotFoundError(f"{uri}: no {config.MODEL_FILE.name} in the MLflow model's artifacts")
    manifest_file = found[0].parent / config.MODEL_MANIFEST_FILE.name
    metrics: dict[str, float] = {}
    run_id = None
    try:
        run_id = mlflow.models.get_model_info(uri).run_id
        if run_id:
            run_metrics = mlflow.MlflowClient().get_run(run_id).data.metrics
            metrics = {k: float(run_metrics[k]) for k in METRIC_KEYS if k in run_metrics}
    except Exception as exc:  # noqa: BLE001 - the model loads without its run's figures
        log.warning("%s: run metrics not available (%s)", uri, exc)
    return found[0], manifest_file, metrics, run_id


def load_model(model: str | Path | None = None) -> LoadedModel:
    """Load (once per process) and verify a model.

    Args:
        model: None for the model ``dvc repro`` wrote (``models/model.joblib``),
            a path to a ``model.joblib`` (its ``manifest.json`` must sit beside
            it), or an MLflow model URI (``models:/name@champion``, ``runs:/…``).

    Raises:
        ModelNotFoundError: nothing at that place; the message says to run ``dvc repro``.
        ModelIntegrityError: the file does not match its manifest's SHA-256.
    """
    if isinstance(model, str) and is_mlflow_uri(model):
        key = (model, 0, 0)
        with _LOCK:
            if key not in _CACHE:
                model_file, manifest_file, metrics, run_id = resolve_mlflow(model)
                _CACHE[key] = load_verified(model_file, manifest_file, model, metrics, run_id)
            return _CACHE[key]
    path = Path(model) if model is not None else config.MODEL_FILE
    if path.is_dir():
        path = path / config.MODEL_FILE.name
    if not path.exists():
        raise ModelNotFoundError(f"no trained model at {path}: run `dvc repro` first (see README)")
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    with _LOCK:
        loaded = _CACHE.get(key)
        if loaded is None:
            loaded = load_verified(path, path.parent / config.MODEL_MANIFEST_FILE.name, str(path))
            for stale in [k for k in _CACHE if k[0] == key[0]]:  # a retrained file replaces its old model
                del _CACHE[stale]
            _CACHE[key] = loaded
        return loaded


_WORDS = re.compile(r"[^\W\d_]+")


def _language_warning(texts: list[str], m: LoadedModel) -> list[str]:
    if not m.fr_words:
        return []
    words = [w for t in texts for w in _WORDS.findall(t.lower())][:2000]
    fr = sum(1 for w in words if w in m.fr_words)
    en = sum(1 for w in words if w in m.en_words)
    if len(words) >= 5 and (fr + en == 0 or fr / (fr + en) < m.min_french_share):
        return [f"text does not look French ({fr} French vs {en} English function words); results are unreliable"]
    return []


def _as_article(item: Any, position: int) -> tuple[Any, str]:
    if isinstance(item, str):
        return position, item
    if isinstance(item, Mapping):
        if "text" not in item:
            raise TypeError(f"article record {position} has no 'text' key; expected {{'id': ..., 'text': str}}")
        text = item["text"]
        if not isinstance(text, str):
            raise TypeError(f"article record {position}: 'text' must be str, got {type(text).__name__}")
        return item.get("id", position), text
    raise TypeError(
        f"article {position}: expected str or a mapping with a 'text' key, got {type(item).__name__}"
    )


def _score_batch(batch: list[tuple[Any, str]], m: LoadedModel) -> list[ArticleResult]:
    prepared = []
    all_records: list[dict[str, Any]] = []
    for art_id, raw in batch:
        sentences, records = m.prepare(raw, doc=len(prepared))
        prepared.append((art_id, sentences, len(all_records)))
        all_records.extend(records)
    p_bp, stance_probs = m.score(all_records)
    results = []
    for art_id, sentences, offset in prepared:
        out = []
        for i, s in enumerate(sentences):
            pb = float(p_bp[offset + i])
            is_bp = pb >= m.boilerplate_threshold
            if is_bp:
                probs: dict[str, float] = {}
                stance = None
                decisive = max(pb, 1 - pb)
            else:
                probs = {lab: round(p, 6) for lab, p in stance_probs[offset + i].items()}
                stance = max(probs, key=probs.__getitem__)
                decisive = min(max(pb, 1 - pb), max(probs.values()))
            out.append(SentenceResult(s.index, s.text, s.start, s.end, is_bp, round(pb, 6), stance, probs,
                                      decisive < m.threshold))
        results.append(ArticleResult(art_id, out, _summarise(out), m.info, _language_warning([s.text for s in sentences], m)))
    return results


def _summarise(sentences: list[SentenceResult]) -> ArticleSummary:
    content = [s for s in sentences if not s.boilerplate]
    counts = {lab: sum(1 for s in content if s.stance == lab) for lab in config.STANCE_LABELS}
    n = len(content)
    weight = {s.index: s.p_stance["pro_twitter"] - s.p_stance["pro_microsoft"] for s in content}
    net = sum(weight.values()) / n if n else 0.0
    ranked = sorted(weight, key=weight.__getitem__)
    return ArticleSummary(
        n_sentences=len(sentences),
        n_boilerplate=len(sentences) - n,
        counts=counts,
        shares={lab: round(c / n, 4) if n else 0.0 for lab, c in counts.items()},
        net_stance=round(max(-1.0, min(1.0, net)), 4),
        top_pro_twitter=[i for i in reversed(ranked[-3:]) if weight[i] > 0],
        top_pro_microsoft=[i for i in ranked[:3] if weight[i] < 0],
    )


def _stream(items: Iterable[Any], m: LoadedModel) -> Iterator[ArticleResult]:
    it = iter(enumerate(items))
    while True:
        chunk = list(islice(it, BATCH_ARTICLES))
        if not chunk:
            return
        yield from _score_batch([_as_article(item, pos) for pos, item in chunk], m)


@overload
def predict(articles: ArticleInput, model: str | Path | None = None) -> ArticleResult: ...
@overload
def predict(articles: list[ArticleInput] | tuple[ArticleInput, ...], model: str | Path | None = None) -> list[ArticleResult]: ...
@overload
def predict(articles: Iterable[ArticleInput], model: str | Path | None = None) -> Iterator[ArticleResult]: ...


def predict(articles: Any, model: str | Path | None = None) -> Any:
    """Score articles for boilerplate and stance, sentence by sentence.

    Args:
        articles: an article text, a record ``{"id": ..., "text": ...}``, a
            list/tuple of them (returns a list) or any other iterable of them
            (returns a lazy iterator).
        model: None (the model ``dvc repro`` wrote), a path, or an MLflow model URI.

    Returns:
        :class:`ArticleResult` for one article, else a list or iterator of them
        in input order.  Empty or whitespace-only text gives a result with no
        sentences.

    Raises:
        TypeError: an article is neither ``str`` nor a record with a ``str`` text.
        ModelNotFoundError: no model yet (run ``dvc repro``).
        ModelIntegrityError: the model file fails its SHA-256 check.
    """
    if isinstance(articles, (bytes, bytearray)):
        raise TypeError("predict() expects str, not bytes: decode the text first (e.g. data.decode('utf-8'))")
    m = load_model(model)
    if isinstance(articles, (str, Mapping)):
        return _score_batch([_as_article(articles, 0)], m)[0]
    if isinstance(articles, (list, tuple)):
        return list(_stream(articles, m))
    if isinstance(articles, Iterable):
        return _stream(articles, m)
    raise TypeError(f"predict() expects str, a mapping with 'text', or an iterable of them; got {type(articles).__name__}")
