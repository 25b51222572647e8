"""French press stance pipeline: clean, segment, label, train, evaluate, predict.

``from pipeline import predict`` is the public entry point.  Importing the
package is cheap: scikit-learn, NLTK and the model load on the first call.
"""

from pipeline.serve.predict import (
    ArticleResult,
    ArticleSummary,
    ModelInfo,
    ModelIntegrityError,
    ModelNotFoundError,
    SentenceResult,
    load_model,
    predict,
)

__all__ = [
    "predict",
    "load_model",
    "ArticleResult",
    "ArticleSummary",
    "SentenceResult",
    "ModelInfo",
    "ModelNotFoundError",
    "ModelIntegrityError",
]
__version__ = "0.1.0"
