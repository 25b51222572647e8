"""The MLflow pyfunc flavour of the model: ``predict()`` behind MLflow's interfaces.

``mlflow.pyfunc.load_model(uri).predict(df)`` takes a DataFrame with a
``text`` column (and optionally ``id``) and returns one row per sentence, the
same rows as ``pipeline.predict(...).to_frame()``.  With
``params={"level": "article"}`` it returns one row per input article (summary
columns and the sentences as JSON), the shape ``mlflow.pyfunc.spark_udf``
needs.  The same object serves ``mlflow models serve``.

This module imports MLflow and pandas: only training and serving import it.
"""

from __future__ import annotations

import warnings
from importlib import metadata
from pathlib import Path
from typing import Any

import mlflow.pyfunc
import pandas as pd

from pipeline import config
from pipeline.serve.predict import ARTICLE_COLUMNS, SENTENCE_COLUMNS

def frame_from_results(results: list[Any]) -> pd.DataFrame:
    """Concatenate the sentence rows of several ArticleResults into one DataFrame."""
    rows = [row for r in results for row in r.sentence_rows()]
    return pd.DataFrame(rows, columns=list(SENTENCE_COLUMNS))


def article_frame(results: list[Any]) -> pd.DataFrame:
    """One row per article, in input order (what ``spark_udf`` needs: one output row per input row)."""
    return pd.DataFrame([r.article_row() for r in results], columns=list(ARTICLE_COLUMNS))


class StancePyfunc(mlflow.pyfunc.PythonModel):
    """Pyfunc wrapper; the model bundle and its manifest are the ``bundle`` artifact (a folder)."""

    def load_context(self, context: Any) -> None:
        from pipeline.serve.predict import load_model

        self._path = str(Path(context.artifacts["bundle"]) / config.MODEL_FILE.name)
        load_model(self._path)

    def predict(self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None) -> pd.DataFrame:
        from pipeline.serve.predict import predict

        if isinstance(model_input, pd.Series):
            model_input = model_input.to_frame("text")
        if "text" not in model_input.columns:
            raise ValueError(f"expected a DataFrame with a 'text' column, got columns {list(model_input.columns)}")
        ids = model_input["id"].tolist() if "id" in model_input.columns else list(range(len(model_input)))
        records = [{"id": i, "text": t} for i, t in zip(ids, model_input["text"].tolist())]
        level = (params or {}).get("level", "sentence")
        if level not in ("sentence", "article"):
            raise ValueError(f"params.level must be 'sentence' or 'article', got {level!r}")
        results = predict(records, model=self._path)
        return article_frame(results) if level == "article" else frame_from_results(results)


def pip_requirements() -> list[str]:
    """Pinned runtime requirements of the pyfunc (so MLflow need not infer them)."""
    out = []
    for dist in ("scikit-learn", "joblib", "nltk", "ftfy", "numpy", "pandas", "pyyaml", "mlflow"):
        try:
            out.append(f"{dist}=={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            out.append(dist)
    return out


def log_pyfunc(bundle_dir: Path, example_texts: list[str]) -> Any:
    """Log the pyfunc model (with signature and input example) to the active run; returns its ModelInfo."""
    from mlflow.models import infer_signature

    example = pd.DataFrame({"id": [f"example-{i}" for i in range(len(example_texts))], "text": example_texts})
    from pipeline.serve.predict import predict

    output = frame_from_results(predict(example.to_dict("records"), model=bundle_dir / config.MODEL_FILE.name))
    with warnings.catch_warnings():
        # index/start/end are never missing, so MLflow's hint about integer columns does not apply.
        warnings.filterwarnings("ignore", message="Hint: Inferred schema contains integer column")
        signature = infer_signature(example, output, params={"level": "sentence"})
    return mlflow.pyfunc.log_model(
        name="model",
        python_model=StancePyfunc(),
        artifacts={"bundle": str(bundle_dir)},
        code_paths=[str(Path(__file__).resolve().parent.parent)],  # the whole pipeline package
        signature=signature,
        input_example=example,
        pip_requirements=pip_requirements(),
    )
