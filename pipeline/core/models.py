"""The two scikit-learn pipelines, built from the ``train`` section of params.yaml.

Both take a list of sentence records (:func:`pipeline.core.features.context_records`).

* boilerplate (binary): word n-grams + optional character n-grams + optional
  page/context features and labelling-rule votes;
* stance (``pro_twitter`` / ``pro_microsoft`` / ``neutral``): French word
  n-grams (stemmed, accent-free) + optional character n-grams + optional
  attribution/framing cue counts, class-balanced, with calibrated probabilities.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import FeatureUnion, Pipeline

# Estimator classes are imported inside the builders: unpickling a saved model
# then imports only the ones it uses, which keeps predict()'s cold start short.

from pipeline.core.features import (
    CachedTfidfVectorizer,
    CharNgramAnalyzer,
    CueFeatures,
    FrenchAnalyzer,
    PageFeatures,
    Record,
    TextField,
    neighbour_features,
)
from pipeline.params import CLASSIFIERS

if TYPE_CHECKING:
    from pipeline.params import BoilerplateParams, StanceParams



def _classifier(p: BoilerplateParams | StanceParams, seed: int) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB
    from sklearn.svm import LinearSVC

    calibrate_cv = p.calibration_cv
    if p.classifier == "logreg":
        clf: Any = LogisticRegression(C=p.C, class_weight=p.class_weight, max_iter=5000, random_state=seed)
    elif p.classifier == "linear_svm":
        clf = LinearSVC(C=p.C, class_weight=p.class_weight, random_state=seed)
        calibrate_cv = calibrate_cv or 3  # an SVM has no probabilities of its own
    elif p.classifier == "complement_nb":
        clf = ComplementNB(alpha=p.alpha)
    else:
        raise ValueError(f"unknown classifier {p.classifier!r}; expected one of {', '.join(CLASSIFIERS)}")
    if calibrate_cv:
        clf = SmallDataCalibrated(clf, cv=calibrate_cv)
    return clf


def _tfidf(analyzer: Any, min_df: int) -> Pipeline:
    return Pipeline([
        ("field", TextField("text")),
        ("tfidf", CachedTfidfVectorizer(analyzer=analyzer, min_df=min_df, sublinear_tf=True)),
    ])


def _text_features(p: BoilerplateParams | StanceParams, stem: bool) -> list[tuple[str, Any]]:
    parts: list[tuple[str, Any]] = [("words", _tfidf(FrenchAnalyzer(p.word_ngrams, stem=stem), p.min_df))]
    if p.use_char_ngrams:
        parts.append(("chars", _tfidf(CharNgramAnalyzer(p.char_ngrams), p.min_df)))
    return parts


class _ProbaClassifier(BaseEstimator, ClassifierMixin):
    """Base of the wrappers below: ``predict`` is the most probable class of ``predict_proba``."""

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


class SmallDataCalibrated(_ProbaClassifier):
    """``CalibratedClassifierCV`` (sigmoid) that still works when a class has fewer examples than folds.

    With as few labelled articles as this project starts with, an inner
    training fold can hold two examples of a class: the number of folds drops
    to the smallest class count, and below two the model is calibrated on its
    own training data (a frozen estimator), rather than failing.
    """

    def __init__(self, estimator: Any, cv: int = 3) -> None:
        self.estimator = estimator
        self.cv = cv

    def fit(self, X: Any, y: Sequence[Any]) -> SmallDataCalibrated:
        from sklearn.calibration import CalibratedClassifierCV

        _, counts = np.unique(np.asarray(y), return_counts=True)
        folds = min(self.cv, int(counts.min()))
        if folds >= 2:
            self.calibrated_ = CalibratedClassifierCV(clone(self.estimator), cv=folds, method="sigmoid").fit(X, y)
        else:
            from sklearn.frozen import FrozenEstimator

            base = clone(self.estimator).fit(X, y)
            self.calibrated_ = CalibratedClassifierCV(FrozenEstimator(base), method="sigmoid").fit(X, y)
        self.classes_ = self.calibrated_.classes_
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.calibrated_.predict_proba(X)


class NeighbourStacker(_ProbaClassifier):
    """Binary classifier that also looks at its neighbours' scores.

    Stage one (``base``) scores every sentence alone.  Stage two, a logistic
    regression, sees each sentence's score next to the scores of the
    ``window`` sentences around it in the same article and of the rest of the
    page (:func:`pipeline.core.features.neighbour_features`): a body-like sentence
    inside a teaser block, or a short line between two captions, is judged by
    its surroundings.  Stage-two training uses out-of-fold stage-one scores,
    grouped by article (``record["doc"]``) so no article scores itself.

    Records must come in page order, article after article.
    """

    def __init__(self, base: Any, window: int = 2, n_splits: int = 4, meta_C: float = 1.0, seed: int = 0) -> None:
        self.base = base
        self.window = window
        self.n_splits = n_splits
        self.meta_C = meta_C
        self.seed = seed

    def _positive(self, model: Any, X: Sequence[Record]) -> np.ndarray:
        return model.predict_proba(X)[:, list(model.classes_).index(True)]

    def fit(self, X: Sequence[Record], y: Sequence[bool]) -> NeighbourStacker:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold

        y = np.asarray(y, dtype=bool)
        groups = np.asarray([str(r["doc"]) for r in X])
        n_groups = len(set(groups))
        oof = np.zeros(len(X))
        if n_groups >= 2:
            for train_idx, test_idx in GroupKFold(n_splits=min(self.n_splits, n_groups)).split(X, y, groups):
                if len(set(y[train_idx])) < 2:
                    oof[test_idx] = y[train_idx].mean()
                    continue
                m = clone(self.base).fit([X[i] for i in train_idx], y[train_idx])
                oof[test_idx] = self._positive(m, [X[i] for i in test_idx])
        self.base_ = clone(self.base).fit(X, y)
        if n_groups < 2:
            oof = self._positive(self.base_, X)
        self.meta_ = LogisticRegression(C=self.meta_C, max_iter=1000, random_state=self.seed)
        self.meta_.fit(neighbour_features(X, oof, self.window), y)
        self.classes_ = self.meta_.classes_
        return self

    def predict_proba(self, X: Sequence[Record]) -> np.ndarray:
        return self.meta_.predict_proba(neighbour_features(X, self._positive(self.base_, X), self.window))


#: The most sentences a scraped line holds for ``smooth_lines`` to treat it as one paragraph; a longer line is
#: more likely a page flattened into one line (menus, body and comments together), left sentence by sentence.
PARAGRAPH_SENTENCES = 8
#: A numbered item ("2. Title"): after a teaser-block heading ("Les plus lus"), a teaser, unless a body sentence
#: ending with ":" introduced it (an ``in_list`` item of the article).
_NUMBERED_ITEM = re.compile(r"\d{1,2}[.)]\s+\S")
_QUOTATION_MARK = re.compile(r"[«»“”\"]")
#: Below this P(boilerplate) the model takes a sentence for article text, and a line's rule sentences do not
#: make it furniture.
ARTICLE_TEXT_P = 0.1


class RuleFloor(_ProbaClassifier):
    """Binary classifier whose positive probability is at least ``floor`` where a boilerplate rule fires.

    The rules of ``configs/rules.yaml`` are written to be precise (their
    precision on gold rows is in the labelling report); this makes them
    authoritative without taking the decision away from the model elsewhere.
    A line in a page's comment area (the record's ``in_comment_area``, after
    a comment heading below the article) counts as a rule's; so does a line of
    a block of dated teaser items (``in_dated_items``: headline, summary, date,
    repeated), a numbered item after a teaser-block heading ("Les plus lus",
    then "2. …"), and a line where a ``floor`` rule fires (furniture decided by
    the floor alone: such a rule is no model feature, so adding one does not
    move the weights).  Where an ``article_text`` rule fires or the line is an
    item of a list inside the article (``in_list``), the standfirst below the
    headline (``opens_article``) or a paragraph the scraper cut off
    (``cut_off_body``), and no boilerplate rule fires and the line is not in
    the comment area, the positive probability is at most ``1 - floor``.

    With ``smooth_lines``, the sentences of one scraped line (the records' ``doc`` and ``line``) where no
    boilerplate or floor rule fires then share the mean of their positive probabilities, weighted by their
    words (a short fragment glued to a paragraph moves it little): a paragraph is article text or furniture
    as a whole, while a credit glued to its end ("… (mbr/ats)") keeps its rule.  Where the sentences with a
    rule (and no quotation mark) hold at least half of a line's words, the line is furniture and the sentences
    after the first rule sentence get the floor too ("Cet article ne constitue pas un conseil en investissement.
    Les cours sont donnés à titre indicatif."), unless the model takes them for article text
    (:data:`ARTICLE_TEXT_P`).  A
    line of more than :data:`PARAGRAPH_SENTENCES` sentences is no paragraph and is left as it is.
    """

    def __init__(self, model: Any, rules_spec: dict[str, Any] | None = None, floor: float = 0.95,
                 smooth_lines: bool = False) -> None:
        self.model = model
        self.rules_spec = rules_spec
        self.floor = floor
        self.smooth_lines = smooth_lines

    def fit(self, X: Sequence[Record], y: Sequence[bool]) -> RuleFloor:
        from pipeline.core.rules import RuleSet

        self.model_ = clone(self.model).fit(X, y)
        self.rules_ = RuleSet(self.rules_spec or {})
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: Sequence[Record]) -> np.ndarray:
        proba = np.array(self.model_.predict_proba(X), dtype=float)
        pos = list(self.classes_).index(True)
        model_p = proba[:, pos].copy()
        lines: dict[tuple[Any, Any], list[int]] = {}
        ruled_words: dict[tuple[Any, Any], list[int]] = {}  # words of a line's ruled and other sentences
        first_ruled: dict[tuple[Any, Any], int] = {}  # the line's first sentence where a rule fires
        for i, r in enumerate(X):
            ruled = bool(self.rules_.boilerplate(r["text"], r["prev_text"])
                         or self.rules_.floor(r["text"], r["prev_text"]))
            if self.smooth_lines:  # a rule firing inside a quotation ("« Ouvrez un compte … »") is no furniture here
                furniture = ruled and not _QUOTATION_MARK.search(r["text"])
                ruled_words.setdefault((r["doc"], r["line"]), [0, 0])[0 if furniture else 1] += len(r["text"].split())
                if furniture:
                    first_ruled.setdefault((r["doc"], r["line"]), i)
            if (ruled or r["in_comment_area"] or r["in_dated_items"]
                    or (r["after_teaser_heading"] and not r["in_list"] and _NUMBERED_ITEM.match(r["text"]))):
                if proba[i, pos] < self.floor:
                    proba[i, pos], proba[i, 1 - pos] = self.floor, 1.0 - self.floor
            elif proba[i, pos] > 1.0 - self.floor and (r["in_list"] or r["opens_article"] or r["cut_off_body"]
                                                       or self.rules_.article_text(r["text"], r["prev_text"])):
                proba[i, pos], proba[i, 1 - pos] = 1.0 - self.floor, self.floor
            if self.smooth_lines and not ruled:
                lines.setdefault((r["doc"], r["line"]), []).append(i)
        for key, rows in lines.items():
            if len(rows) > PARAGRAPH_SENTENCES:
                continue
            if 1 < len(rows):
                weights = [len(X[i]["text"].split()) for i in rows]
                proba[rows, pos] = np.average(proba[rows, pos], weights=weights)
            ruled, other = ruled_words[key]
            if ruled >= other:  # mostly furniture by the rules: "Cet article ne constitue pas un conseil … Les cours …"
                # what follows the rule's sentence continues it; what comes before it ("Microsoft n'a pas
                # répondu. (Reportage de …)") or what the model takes for article text stays the model's
                after = [i for i in rows if i > first_ruled[key] and model_p[i] >= ARTICLE_TEXT_P]
                proba[after, pos] = np.maximum(proba[after, pos], self.floor)
            proba[rows, 1 - pos] = 1.0 - proba[rows, pos]
        return proba


class FrameVote(_ProbaClassifier):
    """Stance classifier in which the reporting frame decides where it voices one side more.

    LABELS.md §2 rule 1 (a reported claim takes the side of whoever makes it)
    is a rule, and a linear model trained on a few hundred sentences does not
    learn it from the sparse frame columns.  The stance pipeline's frame block
    (:class:`pipeline.core.frame.FrameFeatures`) sums what voices each side in
    its ``voices_twitter`` and ``voices_microsoft`` columns; where one is
    larger, that side's probability is raised to at least ``floor`` (the other
    classes shrink in proportion).  Where the sentence sets the two sides
    against each other (its ``reciprocal`` column: "se renvoient la balle",
    "le bras de fer entre …"), rule 3 applies and ``neutral`` is raised
    instead.  Elsewhere, and where both sides are voiced equally, the
    classifier decides alone.

    Args:
        model: the stance :class:`~sklearn.pipeline.Pipeline`, whose ``features``
            union holds a ``frame`` block.
        floor: the probability given to the voiced side, in (0, 1].
    """

    def __init__(self, model: Any, floor: float = 0.9) -> None:
        self.model = model
        self.floor = floor

    def fit(self, X: Sequence[Record], y: Sequence[str]) -> FrameVote:
        if not 0.0 < self.floor <= 1.0:
            raise ValueError(f"FrameVote: floor must be in (0, 1], got {self.floor}")
        from pipeline.core.frame import SIDES

        self.model_ = clone(self.model).fit(X, y)
        self.classes_ = self.model_.classes_
        names = list(self.model_.named_steps["features"].get_feature_names_out())
        voices = [f"frame__frame_voices_{side}" for side in SIDES]
        missing = [v for v in (*voices, "frame__frame_reciprocal") if v not in names]
        if missing:
            raise ValueError(f"FrameVote needs the frame features ({', '.join(missing)} not found); "
                             "set train.stance.use_frame_features: true or frame_vote_floor: 0")
        self.voices_columns_ = [names.index(v) for v in voices]
        self.reciprocal_column_ = names.index("frame__frame_reciprocal")
        self.sides_ = [list(self.classes_).index(f"pro_{side}") for side in SIDES]
        self.neutral_ = list(self.classes_).index("neutral")
        return self

    def predict_proba(self, X: Sequence[Record]) -> np.ndarray:
        features = self.model_.named_steps["features"].transform(X)
        proba = np.array(self.model_.named_steps["classifier"].predict_proba(features), dtype=float)
        columns = features[:, [*self.voices_columns_, self.reciprocal_column_]]
        columns = np.asarray(columns.toarray() if hasattr(columns, "toarray") else columns)
        for i, (twitter, microsoft, reciprocal) in enumerate(columns):
            if reciprocal:
                side = self.neutral_
            elif twitter == microsoft:
                continue
            else:
                side = self.sides_[0] if twitter > microsoft else self.sides_[1]
            if proba[i, side] < self.floor:
                rest = proba[i].sum() - proba[i, side]
                proba[i] *= (1.0 - self.floor) / rest if rest > 0 else 0.0
                proba[i, side] = self.floor
        return proba


def build_boilerplate_model(p: BoilerplateParams, seed: int, rules_spec: dict[str, Any] | None) -> Any:
    """Binary boilerplate classifier (``predict_proba[:, 1]`` is P(boilerplate))."""
    from sklearn.preprocessing import MinMaxScaler

    parts = _text_features(p, stem=False)
    if p.use_context_features:
        page = PageFeatures(rules_spec if p.use_rule_votes else None, position=p.use_position)
        parts.append(("page", Pipeline([("features", page), ("scale", MinMaxScaler(clip=True))])))
    model: Any = Pipeline([("features", FeatureUnion(parts)), ("classifier", _classifier(p, seed))])
    floor = p.rule_floor if rules_spec else 0.0
    if floor:
        model = RuleFloor(model, rules_spec, floor, smooth_lines=p.smooth_lines)
    if p.neighbour_window > 0:
        model = NeighbourStacker(model, window=p.neighbour_window, meta_C=p.neighbour_C, seed=seed)
        if floor:  # the stage over neighbours sees floored scores, and its own output is floored too
            model = RuleFloor(model, rules_spec, floor, smooth_lines=p.smooth_lines)
    return model


def build_stance_model(p: StanceParams, seed: int, cues: dict[str, list[str]] | None,
                       frame_lexicon: dict[str, Any] | None) -> Any:
    """Three-class stance classifier with calibrated probabilities (in a :class:`FrameVote` if asked)."""
    from sklearn.preprocessing import MinMaxScaler

    from pipeline.core.frame import FrameFeatures

    parts = _text_features(p, stem=p.stem)
    weights: dict[str, float] = {}
    if p.use_cue_features and cues:
        cue = CueFeatures(cues, quote_context=p.quote_context)
        parts.append(("cues", Pipeline([("features", cue), ("scale", MinMaxScaler(clip=True))])))
        weights["cues"] = p.cue_weight
    if p.use_frame_features and frame_lexicon:
        parts.append(("frame", FrameFeatures(frame_lexicon, voices_weight=p.voices_weight)))
        weights["frame"] = p.frame_weight
    union = FeatureUnion(parts, transformer_weights=weights or None)
    model: Any = Pipeline([("features", union), ("classifier", _classifier(p, seed))])
    if p.frame_vote_floor:
        model = FrameVote(model, p.frame_vote_floor)
    if p.tfidf_blend:
        model = TfidfBlend(model, p.tfidf_blend, seed=seed)
    return model


def tfidf_logreg(seed: int, C: float = 1.0) -> Pipeline:
    """The plain text classifier (it takes strings): TF-IDF of word 1–2-grams and character 2–5-grams (accents
    and case as written) → class-balanced logistic regression.  The evaluate stage's baseline, and the second
    model of :class:`TfidfBlend`."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
    ])
    return Pipeline([("features", features), ("classifier", LogisticRegression(
        C=C, class_weight="balanced", max_iter=5000, random_state=seed))])


class TfidfBlend(_ProbaClassifier):
    """A classifier's probabilities averaged with those of a plain TF-IDF logistic regression.

    ``weight`` of the mean goes to :func:`tfidf_logreg` (at ``C``): it learns which reported facts go with
    which side, where the stance model's reporting frame can vote the wrong way.  The rest goes to ``model``.
    """

    def __init__(self, model: Any, weight: float = 0.25, C: float = 10.0, seed: int = 0) -> None:
        self.model = model
        self.weight = weight
        self.C = C
        self.seed = seed

    def fit(self, X: Sequence[Record], y: Sequence[str]) -> TfidfBlend:
        if not 0.0 < self.weight < 1.0:
            raise ValueError(f"TfidfBlend: weight must be in (0, 1), got {self.weight}")
        self.model_ = clone(self.model).fit(X, y)
        self.classes_ = self.model_.classes_
        self.tfidf_ = Pipeline([("field", TextField("text")), ("model", tfidf_logreg(self.seed, self.C))]).fit(X, y)
        self.columns_ = [list(self.tfidf_.classes_).index(c) for c in self.classes_]
        return self

    def predict_proba(self, X: Sequence[Record]) -> np.ndarray:
        return ((1.0 - self.weight) * np.asarray(self.model_.predict_proba(X))
                + self.weight * self.tfidf_.predict_proba(X)[:, self.columns_])


def _linear_coefficients(classifier: Any) -> tuple[list[Any], np.ndarray] | None:
    """Classes and coefficient rows of a (possibly calibrated) linear classifier; None if it has none."""
    inner = getattr(classifier, "calibrated_", None)
    if inner is not None:  # SmallDataCalibrated: mean over the calibration folds' estimators
        coefs = []
        for cc in inner.calibrated_classifiers_:
            est = getattr(cc.estimator, "estimator", cc.estimator)  # FrozenEstimator wraps the fitted one
            if not hasattr(est, "coef_"):
                return None
            coefs.append(est.coef_)
        return list(inner.classes_), np.mean(coefs, axis=0)
    if hasattr(classifier, "coef_"):
        return list(classifier.classes_), np.asarray(classifier.coef_)
    return None


def _pipeline_of(model: Any) -> Any:
    """The feature+classifier Pipeline inside the wrappers (RuleFloor, NeighbourStacker)."""
    while not isinstance(model, Pipeline):
        model = getattr(model, "model_", None) or getattr(model, "base_", None)
        if model is None:
            return None
    return model


def top_features(bundle: dict[str, Any], n: int) -> dict[str, Any]:
    """The ``n`` features that weigh most for each class of both models (linear classifiers only).

    A binary model has one coefficient row: its positive weights speak for
    ``True`` (boilerplate), its negative ones for ``False``.
    """
    out: dict[str, Any] = {}
    for task in ("boilerplate", "stance"):
        pipe = _pipeline_of(bundle[task])
        coefs = _linear_coefficients(pipe.named_steps["classifier"]) if pipe is not None else None
        if coefs is None:
            out[task] = {"note": "the classifier has no linear coefficients"}
            continue
        classes, rows = coefs
        names = np.asarray(pipe.named_steps["features"].get_feature_names_out(), dtype=object)
        if rows.shape[0] == 1:
            rows = np.vstack([-rows[0], rows[0]])
        per_class = {}
        for label, row in zip(classes, rows):
            order = np.argsort(-row)[:n]
            per_class[str(label)] = [[str(names[i]), round(float(row[i]), 4)] for i in order]
        out[task] = per_class
    return out
