"""The two scikit-learn pipelines, built from the ``train`` section of params.yaml.

Both take a list of sentence records (:func:`pipeline.features.context_records`).

* boilerplate (binary): word n-grams + optional character n-grams + optional
  page/context features and labelling-rule votes;
* stance (``pro_twitter`` / ``pro_microsoft`` / ``neutral``): French word
  n-grams (stemmed, accent-free) + optional character n-grams + optional
  attribution/framing cue counts, class-balanced, with calibrated probabilities.
"""

from __future__ import annotations

from typing import Any

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.svm import LinearSVC

from pipeline.features import CueFeatures, FrenchAnalyzer, PageFeatures, TextField, normalise_text

CLASSIFIERS = ("logreg", "linear_svm", "complement_nb")


def _classifier(p: dict[str, Any], seed: int, calibrate_cv: int | None) -> Any:
    name = p.get("classifier", "logreg")
    class_weight = p.get("class_weight") or None
    if name == "logreg":
        clf: Any = LogisticRegression(C=float(p.get("C", 1.0)), class_weight=class_weight, max_iter=5000, random_state=seed)
    elif name == "linear_svm":
        clf = LinearSVC(C=float(p.get("C", 1.0)), class_weight=class_weight, random_state=seed)
        calibrate_cv = calibrate_cv or 3  # an SVM has no probabilities of its own
    elif name == "complement_nb":
        clf = ComplementNB(alpha=float(p.get("alpha", 0.3)))
    else:
        raise ValueError(f"unknown classifier {name!r}; expected one of {', '.join(CLASSIFIERS)}")
    if calibrate_cv:
        clf = CalibratedClassifierCV(clf, cv=int(calibrate_cv), method="sigmoid")
    return clf


def _text_features(p: dict[str, Any], stem: bool) -> list[tuple[str, Any]]:
    lo, hi = p.get("word_ngrams", [1, 2])
    parts: list[tuple[str, Any]] = [
        (
            "words",
            Pipeline(
                [
                    ("field", TextField("text")),
                    (
                        "tfidf",
                        TfidfVectorizer(
                            analyzer=FrenchAnalyzer((int(lo), int(hi)), stem=stem),
                            min_df=int(p.get("min_df", 1)),
                            sublinear_tf=True,
                        ),
                    ),
                ]
            ),
        )
    ]
    if p.get("use_char_ngrams", False):
        clo, chi = p.get("char_ngrams", [2, 5])
        parts.append(
            (
                "chars",
                Pipeline(
                    [
                        ("field", TextField("text")),
                        (
                            "tfidf",
                            TfidfVectorizer(
                                analyzer="char_wb",
                                ngram_range=(int(clo), int(chi)),
                                preprocessor=normalise_text,
                                min_df=int(p.get("min_df", 1)),
                                sublinear_tf=True,
                            ),
                        ),
                    ]
                ),
            )
        )
    return parts


def build_boilerplate_model(p: dict[str, Any], seed: int, rules_spec: dict[str, Any] | None) -> Pipeline:
    """Binary boilerplate classifier (``predict_proba[:, 1]`` is P(boilerplate))."""
    parts = _text_features(p, stem=False)
    if p.get("use_context_features", True):
        page = PageFeatures(rules_spec if p.get("use_rule_votes", True) else None)
        parts.append(("page", Pipeline([("features", page), ("scale", MinMaxScaler(clip=True))])))
    return Pipeline([("features", FeatureUnion(parts)), ("classifier", _classifier(p, seed, p.get("calibration_cv")))])


def build_stance_model(p: dict[str, Any], seed: int, cues: dict[str, list[str]] | None) -> Pipeline:
    """Three-class stance classifier with calibrated probabilities."""
    parts = _text_features(p, stem=bool(p.get("stem", True)))
    if p.get("use_cue_features", True) and cues:
        parts.append(("cues", Pipeline([("features", CueFeatures(cues)), ("scale", MinMaxScaler(clip=True))])))
    return Pipeline([("features", FeatureUnion(parts)), ("classifier", _classifier(p, seed, p.get("calibration_cv")))])
