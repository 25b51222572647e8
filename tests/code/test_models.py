"""The custom estimators of pipeline/core/models.py and features.py, trimmed pages and top features.

Small records are built with the real ``context_records``; the base models are
real scikit-learn pipelines over them (no stand-ins).
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_set_params,
)

from pipeline import config
from pipeline.core.bundle import fit_models, load_yaml
from pipeline.core.data import records_from_rows, trimmed_pages
from pipeline.core.features import (
    CachedTfidfVectorizer,
    CharNgramAnalyzer,
    CueFeatures,
    FrenchAnalyzer,
    PageFeatures,
    TextField,
    context_records,
)
from pipeline.core.frame import FrameFeatures
from pipeline.core.models import (
    FrameVote,
    NeighbourStacker,
    RuleFloor,
    SmallDataCalibrated,
    build_boilerplate_model,
    build_stance_model,
    top_features,
)
from pipeline.core.rules import RuleSet
from pipeline.params import load_params
from tests.code import synthetic

#: Two hand-written rules: one on the text, one on the previous sentence only.
RULES = {"boilerplate": [{"name": "advert", "fullmatch": "publicité|annonce"},
                         {"name": "after_photo", "previous": "photo\\s*:?"}]}


def _page(texts: list[str], doc: str) -> list[dict]:
    return context_records(texts, list(range(len(texts))), len(texts), doc)


def _words_pipe(C: float = 1.0) -> Pipeline:
    """A real text classifier over records: the text field, cached TF-IDF of words, logistic regression."""
    return Pipeline([("field", TextField("text")),
                     ("tfidf", CachedTfidfVectorizer(analyzer=FrenchAnalyzer((1, 1), stem=False))),
                     ("clf", LogisticRegression(C=C))])


TRAIN_PAGES = [
    ["Twitter accuse Microsoft", "Publicité", "Le groupe promet une réponse.", "Partager sur Facebook"],
    ["Musk réclame un audit", "Photo :", "Le siège de Redmond sous la pluie", "La lettre cite des chiffres.",
     "Lire aussi : un autre sujet"],
    ["Microsoft étudiera la lettre", "Le tarif de l'API a changé.", "Annonce", "Menu du site"],
]
TRAIN_Y = [[False, True, False, True], [False, True, True, False, True], [False, False, True, True]]


def _train() -> tuple[list[dict], list[bool]]:
    X = [r for i, texts in enumerate(TRAIN_PAGES) for r in _page(texts, f"p{i}")]
    return X, [y for ys in TRAIN_Y for y in ys]


# --- clone, get_params, set_params -----------------------------------------------------------------------

def _cues() -> dict:
    return load_yaml(load_params().train.cues_file)


def _lexicon() -> dict:
    return load_yaml(load_params().train.frame_file)


ESTIMATORS = {
    "SmallDataCalibrated": lambda: SmallDataCalibrated(LogisticRegression(C=2.0), cv=2),
    "NeighbourStacker": lambda: NeighbourStacker(_words_pipe(), window=1, n_splits=3, meta_C=5.0, seed=7),
    "RuleFloor": lambda: RuleFloor(_words_pipe(), RULES, floor=0.9),
    "FrameVote": lambda: FrameVote(_words_pipe(), floor=0.8),
    "PageFeatures": lambda: PageFeatures(RULES, position=False),
    "CueFeatures": lambda: CueFeatures(_cues(), quote_context=True),
    "FrameFeatures": lambda: FrameFeatures(_lexicon(), voices_weight=2.0),
    "TextField": lambda: TextField("prev_text"),
    "CachedTfidfVectorizer": lambda: CachedTfidfVectorizer(analyzer=FrenchAnalyzer((1, 2), stem=False), min_df=1,
                                                           sublinear_tf=True),
}


def _same_param(a, b) -> bool:
    if hasattr(a, "get_params"):
        return type(a) is type(b) and a is not b and all(
            _same_param(v, b.get_params(deep=False)[k]) for k, v in a.get_params(deep=False).items())
    if isinstance(a, (FrenchAnalyzer, CharNgramAnalyzer)):
        return type(a) is type(b) and vars(a) == vars(b)
    if isinstance(a, list) and a and hasattr(a[0], "__len__"):  # Pipeline steps
        return len(a) == len(b) and all(n1 == n2 and _same_param(e1, e2) for (n1, e1), (n2, e2) in zip(a, b))
    return a == b


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_clone_round_trip(name: str) -> None:
    est = ESTIMATORS[name]()
    copy = clone(est)
    assert type(copy) is type(est) and copy is not est
    params, copied = est.get_params(deep=False), copy.get_params(deep=False)
    assert params.keys() == copied.keys()
    for key, value in params.items():
        assert _same_param(value, copied[key]), key
    assert est.get_params(deep=True).keys() == copy.get_params(deep=True).keys()


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_sklearn_parameter_conventions(name: str) -> None:
    est = ESTIMATORS[name]()
    check_no_attributes_set_in_init(name, est)
    check_get_params_invariance(name, est)
    check_set_params(name, est)


@pytest.mark.parametrize("name,key,value", [
    ("SmallDataCalibrated", "cv", 5), ("SmallDataCalibrated", "estimator__C", 0.25),
    ("NeighbourStacker", "window", 3), ("NeighbourStacker", "base__clf__C", 8.0),
    ("RuleFloor", "floor", 0.7), ("RuleFloor", "model__clf__C", 3.0), ("RuleFloor", "rules_spec", None),
    ("FrameVote", "floor", 0.6), ("FrameVote", "model__clf__C", 2.0),
    ("PageFeatures", "position", True), ("CueFeatures", "quote_context", False),
    ("FrameFeatures", "voices_weight", 0.5), ("TextField", "field", "next_text"),
    ("CachedTfidfVectorizer", "min_df", 2),
])
def test_set_params_then_get_params(name: str, key: str, value) -> None:
    est = ESTIMATORS[name]()
    assert est.set_params(**{key: value}) is est
    assert est.get_params(deep=True)[key] == value
    assert clone(est).get_params(deep=True)[key] == value


def test_clone_of_a_fitted_estimator_is_unfitted_and_refits_to_the_same_model() -> None:
    X, y = _train()
    fitted = RuleFloor(_words_pipe(), RULES, floor=0.9).fit(X, y)
    copy = clone(fitted)
    assert not hasattr(copy, "model_") and not hasattr(copy, "rules_")
    np.testing.assert_allclose(copy.fit(X, y).predict_proba(X), fitted.predict_proba(X))
    page = PageFeatures(RULES).fit(X)
    assert not hasattr(clone(page), "rules_")
    np.testing.assert_array_equal(clone(page).fit(X).transform(X), page.transform(X))


def test_fitted_models_survive_pickling() -> None:
    X, y = _train()
    model = NeighbourStacker(RuleFloor(_words_pipe(), RULES, floor=0.9), window=1, n_splits=3).fit(X, y)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(again.predict_proba(X), model.predict_proba(X))


# --- SmallDataCalibrated ------------------------------------------------------------------------------------

def _numeric(counts: dict[str, int], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.array([lab for lab, n in counts.items() for _ in range(n)])
    X = rng.normal(size=(len(y), 3)) + np.array([{"a": 0, "b": 2, "c": 4}[lab] for lab in y])[:, None]
    return X, y


@pytest.mark.parametrize("counts,cv,folds", [
    ({"a": 6, "b": 6}, 3, 3),
    ({"a": 6, "b": 2}, 3, 2),  # the smallest class caps the folds
    ({"a": 6, "b": 5, "c": 4}, 5, 4),
])
def test_small_data_calibrated_folds(counts, cv, folds) -> None:
    X, y = _numeric(counts)
    model = SmallDataCalibrated(LogisticRegression(), cv=cv).fit(X, y)
    assert len(model.calibrated_.calibrated_classifiers_) == folds
    assert list(model.classes_) == sorted(counts)
    proba = model.predict_proba(X)
    assert proba.shape == (len(y), len(counts))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(X)) <= set(counts)


# The frozen estimator is calibrated on cross-validated predictions of itself (scikit-learn's default folds),
# which warns about the single example; with a frozen estimator those predictions are the in-sample ones.
@pytest.mark.filterwarnings("ignore:The least populated class in y has only 1 members")
def test_small_data_calibrated_with_a_single_example_of_a_class() -> None:
    from sklearn.frozen import FrozenEstimator

    X, y = _numeric({"a": 5, "b": 1})
    model = SmallDataCalibrated(LogisticRegression(), cv=3).fit(X, y)  # plain CalibratedClassifierCV would fail
    [calibrated] = model.calibrated_.calibrated_classifiers_
    assert isinstance(calibrated.estimator, FrozenEstimator)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    assert list(model.classes_) == ["a", "b"]


# --- RuleFloor ----------------------------------------------------------------------------------------------

TEST_PAGE = ["Musk accuse Microsoft", "Publicité", "Photo :", "Une vue de Seattle", "Annonce",
             "Le groupe répondra.", "Une vue de Seattle"]


@pytest.mark.parametrize("floor", [0.95, 0.6])
def test_rule_floor_raises_the_probability_exactly_where_a_rule_fires(floor: float) -> None:
    X, y = _train()
    model = RuleFloor(_words_pipe(), RULES, floor=floor).fit(X, y)
    test = _page(TEST_PAGE, "t")
    base = model.model_.predict_proba(test)
    out = model.predict_proba(test)
    pos = list(model.classes_).index(True)
    fires = [bool(RuleSet(RULES).boilerplate(r["text"], r["prev_text"])) for r in test]
    # "Publicité", the line after "Photo :" (but not the same text elsewhere) and "Annonce"
    assert fires == [False, True, False, True, True, False, False]
    for i, fired in enumerate(fires):
        if fired:
            assert out[i, pos] == pytest.approx(max(base[i, pos], floor))
        else:
            np.testing.assert_array_equal(out[i], base[i])
    np.testing.assert_allclose(out.sum(axis=1), 1.0)
    raised = [i for i in range(len(test)) if out[i, pos] != base[i, pos]]
    assert raised and all(fires[i] for i in raised)
    assert all(model.predict(test)[i] for i in raised)


def test_an_article_text_rule_caps_the_probability_where_no_boilerplate_rule_fires() -> None:
    rules = {**RULES, "article_text": [{"name": "attribution", "search": "^— .*\\(@\\w+\\)"},
                                       {"name": "conflicting", "fullmatch": "annonce"}]}
    X, y = _train()
    # A model that has learnt that every line is boilerplate: the cap must bring it down.
    model = RuleFloor(_words_pipe(), rules, floor=0.9).fit(X, [True] * (len(y) - 1) + [False])
    test = _page(["— Camille Besson (@cbesson) 18 mai 2023", "Annonce", "Menu du site"], "t")
    base = model.model_.predict_proba(test)
    out = model.predict_proba(test)
    pos = list(model.classes_).index(True)
    assert base[0, pos] > 0.1
    assert out[0, pos] == pytest.approx(0.1)  # article text: at most 1 - floor
    assert out[1, pos] == pytest.approx(max(base[1, pos], 0.9))  # a boilerplate rule fires too: the floor wins
    np.testing.assert_array_equal(out[2], base[2])  # no rule: the model alone
    np.testing.assert_allclose(out.sum(axis=1), 1.0)


@pytest.mark.parametrize("flag", ["in_comment_area", "in_dated_items"])
def test_rule_floor_raises_the_comment_area_and_dated_teaser_items_like_a_rule(flag: str) -> None:
    X, y = _train()
    model = RuleFloor(_words_pipe(), RULES, floor=0.9).fit(X, y)
    test = _page(["Le groupe répondra.", "Le groupe répondra."], "t")
    test[1] = {**test[1], flag: 1.0}
    base, out = model.model_.predict_proba(test), model.predict_proba(test)
    pos = list(model.classes_).index(True)
    np.testing.assert_array_equal(out[0], base[0])
    assert base[1, pos] < 0.9 and out[1, pos] == pytest.approx(0.9)


def test_rule_floor_caps_a_cut_off_paragraph_like_article_text() -> None:
    X, y = _train()
    # A model that has learnt that every line is boilerplate: the cap must bring the cut paragraph down.
    model = RuleFloor(_words_pipe(), RULES, floor=0.9).fit(X, [True] * (len(y) - 1) + [False])
    test = _page(["Le groupe répondra aux questions", "Le groupe répondra aux questions"], "t")
    test[1] = {**test[1], "cut_off_body": 1.0}
    base, out = model.model_.predict_proba(test), model.predict_proba(test)
    pos = list(model.classes_).index(True)
    np.testing.assert_array_equal(out[0], base[0])
    assert base[1, pos] > 0.1 and out[1, pos] == pytest.approx(0.1)


def test_rule_floor_without_rules_changes_nothing() -> None:
    X, y = _train()
    model = RuleFloor(_words_pipe(), None, floor=0.95).fit(X, y)
    test = _page(TEST_PAGE, "t")
    np.testing.assert_array_equal(model.predict_proba(test), model.model_.predict_proba(test))


# --- NeighbourStacker ---------------------------------------------------------------------------------------

FURNITURE = ["Menu", "Rechercher", "Se connecter", "Newsletter", "Mon compte", "Fermer"]
BODY = ["Twitter accuse Microsoft d'avoir dépassé les limites de son API.",
        "Le groupe de Redmond promet d'examiner la demande.",
        "La lettre réclame un audit avant le 7 juin.",
        "Les applications auraient appelé l'API des millions de fois.",
        "Microsoft dit tenir à ce partenariat.", "Musk évoque une action en justice."]
AMBIGUOUS = "En savoir plus"


def _stack_pages(n: int, offset: int = 0) -> tuple[list[dict], list[bool]]:
    """Pages of five lines where the same ambiguous middle line sits between two furniture lines (and is
    furniture) or between two body sentences (and is text).  Its position, the page length and the mix of
    the page's two halves are the same either way: only its immediate neighbours tell them apart."""
    X, y = [], []
    for k in range(n):
        j = k + offset
        f1, f2 = FURNITURE[j % 6], FURNITURE[(j + 1) % 6]
        b1, b2 = BODY[j % 6], BODY[(j + 1) % 6]
        if k % 2 == 0:
            texts, labels = [b1, f1, AMBIGUOUS, f2, b2], [False, True, True, True, False]
        else:
            texts, labels = [f1, b1, AMBIGUOUS, b2, f2], [True, False, False, False, True]
        X += _page(texts, f"doc{j}")
        y += labels
    return X, y


def test_neighbour_stacker_uses_the_neighbours() -> None:
    X, y = _stack_pages(8)
    model = NeighbourStacker(_words_pipe(C=10.0), window=1, n_splits=4, meta_C=10.0).fit(X, y)
    test, _ = _stack_pages(2, offset=20)
    in_menu, in_body = test[2], test[7]
    assert in_menu["text"] == in_body["text"] == AMBIGUOUS and in_menu["index"] == in_body["index"]
    base = model.base_.predict_proba([in_menu, in_body])
    assert base[0, 1] == pytest.approx(base[1, 1])  # alone, the sentence scores the same in both places
    pos = list(model.classes_).index(True)
    p_menu = model.predict_proba(test)[test.index(in_menu), pos]
    p_body = model.predict_proba(test)[test.index(in_body), pos]
    assert p_menu > 0.5 > p_body
    # scored alone (a page of one sentence), the same record loses its context
    alone = _page([AMBIGUOUS], "alone")
    assert model.predict_proba(alone).shape == (1, 2)


def test_neighbour_stacker_on_a_single_article_fits_in_sample() -> None:
    X, y = _stack_pages(1)
    model = NeighbourStacker(_words_pipe(), window=1).fit(X, y)
    assert list(model.classes_) == [False, True]
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)


# --- feature names match the transforms' widths ---------------------------------------------------------------

FEATURE_BLOCKS = {
    "page_rules_position": lambda: PageFeatures(RULES, position=True),
    "page_rules": lambda: PageFeatures(RULES, position=False),
    "page_no_rules": lambda: PageFeatures(None, position=True),
    "page_real_rules": lambda: PageFeatures(RuleSet.from_file(config.CONFIGS_DIR / "rules.yaml").spec),
    "cues_quote_context": lambda: CueFeatures(_cues(), quote_context=True),
    "cues": lambda: CueFeatures(_cues(), quote_context=False),
    "frame": lambda: FrameFeatures(_lexicon()),
    "tfidf_words": lambda: Pipeline([("field", TextField()), ("tfidf", CachedTfidfVectorizer(
        analyzer=FrenchAnalyzer((1, 2), stem=True)))]),
    "tfidf_chars": lambda: Pipeline([("field", TextField()), ("tfidf", CachedTfidfVectorizer(
        analyzer=CharNgramAnalyzer((3, 4))))]),
}


@pytest.mark.parametrize("name", list(FEATURE_BLOCKS))
def test_feature_names_match_the_width(name: str) -> None:
    X, _ = _train()
    block = FEATURE_BLOCKS[name]().fit(X)
    names = block.get_feature_names_out()
    width = block.transform(X).shape[1]
    assert len(names) == width > 0
    assert len(set(names)) == len(names)


def test_text_field_selects_one_column() -> None:
    X, _ = _train()
    field = TextField("prev_text").fit(X)
    assert list(field.get_feature_names_out()) == ["prev_text"]
    assert field.transform(X[:3]) == ["", X[0]["text"], X[1]["text"]]


def test_page_feature_names_follow_the_options() -> None:
    X, _ = _train()
    with_all = PageFeatures(RULES, position=True).fit(X).get_feature_names_out()
    assert list(with_all[:3]) == ["relative_line", "relative_index", "relative_line_squared"]
    assert list(with_all[-3:]) == ["rule_advert", "rule_after_photo", "any_rule"]
    bare = PageFeatures(None, position=False).fit(X).get_feature_names_out()
    assert "relative_line" not in bare and bare[-1] == "no_rules"
    # the rule-vote columns say what their names say
    page = PageFeatures(RULES, position=False).fit(X)
    cols = list(page.get_feature_names_out())
    M = page.transform(X)
    advert = [r["text"] in ("Publicité", "Annonce") for r in X]
    assert list(M[:, cols.index("rule_advert")] == 1.0) == advert
    after_photo = [r["prev_text"] == "Photo :" for r in X]
    assert list(M[:, cols.index("rule_after_photo")] == 1.0) == after_photo


@pytest.fixture(scope="module")
def params():
    return load_params()


@pytest.fixture(scope="module")
def gold_records() -> list[dict]:
    return [r for r in synthetic.records(with_authored=False) if r["label_source"] == "gold"]


@pytest.fixture(scope="module")
def fitted(gold_records, params):
    return fit_models(gold_records, params)


def test_whole_feature_unions_name_every_column(fitted, gold_records) -> None:
    bp, st = fitted
    for model in (bp, st):
        pipe = model.model_ if isinstance(model, (RuleFloor, FrameVote)) else model
        union = pipe.named_steps["features"]
        assert isinstance(union, FeatureUnion)
        X = gold_records if model is bp else [r for r in gold_records if not r["boilerplate"]]
        assert len(union.get_feature_names_out()) == union.transform(X).shape[1]


# --- trimmed pages -------------------------------------------------------------------------------------------

def _labelled(article: str, labels: list[bool]) -> list[dict]:
    rows = [{"article_id": article, "key": f"{article}:{i}", "text": f"Phrase numéro {i} de l'article {article}.",
             "line": i + 1, "n_lines": len(labels) + 2, "boilerplate": b, "stance": None if b else "neutral",
             "label_source": "gold", "source": "scraped", "outlet": "Site", "rule_boilerplate": None,
             "rule_stance": None} for i, b in enumerate(labels)]
    return rows


def test_trimmed_pages_cut_furniture_at_both_ends() -> None:
    recs = records_from_rows(_labelled("x", [True, True, False, True, False, False, True]))
    out = trimmed_pages(recs)
    assert [r["key"] for r in out] == ["x:2", "x:3", "x:4", "x:5"]  # furniture in the middle stays
    assert [r["boilerplate"] for r in out] == [False, True, False, False]
    assert {r["doc"] for r in out} == {"x#trimmed"} and {r["article_id"] for r in out} == {"x"}
    # page context recomputed for the shorter page
    assert [r["index"] for r in out] == [0, 1, 2, 3] and out[0]["n_sentences"] == 4
    assert [r["line"] for r in out] == [0, 1, 2, 3] and out[0]["n_lines"] == 4
    assert out[0]["prev_text"] == ""
    assert out[0]["headline"] == ""  # lines of a few words: no body, so no headline (as on a listing page)
    assert out[-1]["next_text"] == ""
    # labels and the other row fields are carried over
    assert all(r["label_source"] == "gold" and r["outlet"] == "Site" for r in out)


def test_trimmed_pages_skip_what_has_nothing_to_trim() -> None:
    clean = _labelled("c", [False, False, False])
    top_only = _labelled("t", [True, False, False])
    too_short = _labelled("s", [True, False, True])
    all_furniture = _labelled("f", [True, True])
    recs = records_from_rows(clean + top_only + too_short + all_furniture)
    out = trimmed_pages(recs)
    assert [r["key"] for r in out] == ["t:1", "t:2"]
    assert out[0]["doc"] == "t#trimmed" and out[0]["index"] == 0
    assert trimmed_pages([]) == []


# --- top features --------------------------------------------------------------------------------------------

def _coef_pipeline() -> tuple[Pipeline, list[dict]]:
    X, y = _train()
    pipe = Pipeline([("features", FeatureUnion([("words", Pipeline([
        ("field", TextField()), ("tfidf", CachedTfidfVectorizer(analyzer=FrenchAnalyzer((1, 1), stem=False)))]))])),
        ("classifier", LogisticRegression(C=10.0))])
    return pipe.fit(X, y), X


def test_top_features_of_a_binary_model_read_the_coefficients() -> None:
    pipe, X = _coef_pipeline()
    stance_pipe = clone(pipe).fit(X, [("pro_twitter", "neutral", "pro_microsoft")[i % 3] for i in range(len(X))])
    wrapped = RuleFloor(pipe, RULES).fit(X, _train()[1])  # top_features looks inside the wrapper
    out = top_features({"boilerplate": wrapped, "stance": stance_pipe}, 3)
    bp = out["boilerplate"]
    assert set(bp) == {"False", "True"}
    coef = wrapped.model_.named_steps["classifier"].coef_[0]
    names = wrapped.model_.named_steps["features"].get_feature_names_out()
    top_true = [[str(names[i]), round(float(coef[i]), 4)] for i in np.argsort(-coef)[:3]]
    top_false = [[str(names[i]), round(float(-coef[i]), 4)] for i in np.argsort(coef)[:3]]
    assert bp["True"] == top_true and bp["False"] == top_false
    assert [w for _, w in bp["True"]] == sorted((w for _, w in bp["True"]), reverse=True)
    assert bp["True"][0][1] > 0 and bp["False"][0][1] > 0
    assert set(out["stance"]) == {"neutral", "pro_microsoft", "pro_twitter"}
    assert all(len(v) == 3 for v in out["stance"].values())


def test_top_features_of_the_real_models(fitted) -> None:
    bp, st = fitted
    out = top_features({"boilerplate": bp, "stance": st}, 5)
    assert set(out["boilerplate"]) == {"True", "False"}
    assert set(out["stance"]) == set(config.STANCE_LABELS)  # calibrated: averaged over the calibration folds
    for per_class in out.values():
        for feats in per_class.values():
            assert len(feats) == 5
            assert [w for _, w in feats] == sorted((w for _, w in feats), reverse=True)
    names = set(bp.model_.named_steps["features"].get_feature_names_out())
    assert all(name in names for feats in out["boilerplate"].values() for name, _ in feats)


def test_top_features_of_a_model_without_coefficients(gold_records, params) -> None:
    import dataclasses

    nb = dataclasses.replace(params.train.stance, classifier="complement_nb", calibration_cv=0)
    content = [r for r in gold_records if not r["boilerplate"]]
    st = build_stance_model(nb, 0, _cues(), _lexicon()).fit(content, [r["stance"] for r in content])
    bp = build_boilerplate_model(params.train.boilerplate, 0, None)
    bp.fit(gold_records, [bool(r["boilerplate"]) for r in gold_records])
    out = top_features({"boilerplate": bp, "stance": st}, 2)
    assert out["stance"] == {"note": "the classifier has no linear coefficients"}
    assert set(out["boilerplate"]) == {"True", "False"}


def test_rule_floor_caps_list_items_and_the_standfirst_but_not_furniture() -> None:
    """The ceiling of RuleFloor (in_list, opens_article) applies to article lines only (LABELS.md §1, §4)."""
    from pipeline.core.features import context_records

    body = "Le milliardaire accuse Microsoft d'avoir exploité l'API du réseau social plus que prévu par le contrat."
    page = ["Twitter contre Microsoft : la lettre de l'avocat",
            "Publié le 19 mai 2023 à 10h32, mis à jour le 20 mai 2023 à 08h07.",  # a date line is no standfirst
            body, body, "Partager", "Retrouvez nos autres articles consacrés à Elon Musk :",
            "Musk menace Microsoft d'un procès", body, "La lettre énumère les services mis en cause :", "Bing", "Azure"]
    records = context_records(page, list(range(len(page))), len(page))
    assert [r["opens_article"] for r in records] == [0] * len(page)
    # after "Partager" the colon line opens no list; after a body sentence it does
    assert [r["in_list"] for r in records] == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]
    # a long introducing sentence opens its list after an intertitle or a photo credit too, unless it
    # speaks to the reader
    page = ["Les services concernés", "Selon la lettre, les applications suivantes ont interrogé l'API :",
            "Bing", "Azure", body, "Crédit : Studio Lumière",
            "Découvrez nos autres dossiers consacrés aux réseaux sociaux et à leurs données :",
            "Musk menace Microsoft d'un procès", body, "Partager",
            "D'autres articles qui pourraient vous intéresser sur le même thème :", "Le Moulin Rouge retrouve ses ailes"]
    records = context_records(page, list(range(len(page))), len(page))
    assert [r["in_list"] for r in records] == [0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]


def test_smooth_lines_gives_the_sentences_of_a_line_one_probability_but_a_rule_keeps_its_own() -> None:
    X, y = _train()
    model = RuleFloor(_words_pipe(), RULES, floor=0.95, smooth_lines=True).fit(X, y)
    plain = RuleFloor(_words_pipe(), RULES, floor=0.95).fit(X, y)
    # one line of three sentences: two without a rule, then "Publicité" (a rule fires); then a line of its own
    test = _page(["Musk accuse Microsoft", "Une vue de Seattle", "Publicité", "Le groupe répondra."], "t")
    for r in test[:3]:
        r["line"] = 0
    test[3]["line"] = 1
    pos = list(model.classes_).index(True)
    base, out = plain.predict_proba(test), model.predict_proba(test)
    assert base[0, pos] != pytest.approx(base[1, pos])
    words = [len(r["text"].split()) for r in test[:2]]
    assert out[0, pos] == pytest.approx(out[1, pos]) == pytest.approx(np.average(base[:2, pos], weights=words))
    assert out[2, pos] == pytest.approx(base[2, pos]) and out[2, pos] >= 0.95  # the rule's sentence keeps its floor
    np.testing.assert_array_equal(out[3], base[3])  # alone on its line: unchanged
    np.testing.assert_allclose(out.sum(axis=1), 1.0)


def test_smooth_lines_leaves_the_article_sentences_after_a_rule_sentence_to_the_model() -> None:
    # review: a short first sentence that a rule takes (a caption after a credit, a quoted offer) must not
    # take the paragraph after it
    X, y = _train()
    model = RuleFloor(_words_pipe(), RULES, floor=0.95, smooth_lines=True).fit(X, y)
    plain = RuleFloor(_words_pipe(), RULES, floor=0.95).fit(X, y)
    test = _page(["Publicité", "Le groupe répondra."], "t")
    for r in test:
        r["line"] = 0
    pos = list(model.classes_).index(True)
    np.testing.assert_allclose(model.predict_proba(test)[:, pos], plain.predict_proba(test)[:, pos])


def test_a_numbered_item_after_a_teaser_heading_is_furniture() -> None:
    X, y = _train()
    model = RuleFloor(_words_pipe(), RULES, floor=0.9).fit(X, y)
    test = _page(["2. Le groupe répondra aux questions", "2. Le groupe répondra aux questions",
                  "Le groupe répondra aux questions"], "t")
    test[0] = {**test[0], "after_teaser_heading": 1.0}
    test[2] = {**test[2], "after_teaser_heading": 1.0}
    test.append({**test[0], "in_list": 1.0})  # an item of the article's own list: the list's ceiling, not the floor
    base, out = model.model_.predict_proba(test), model.predict_proba(test)
    pos = list(model.classes_).index(True)
    assert base[0, pos] < 0.9 and out[0, pos] == pytest.approx(0.9)
    np.testing.assert_array_equal(out[1:3], base[1:3])  # not numbered, or not after a heading: the model's
    assert out[3, pos] <= 0.1 + 1e-9


def test_smooth_lines_leaves_a_page_flattened_into_one_line_sentence_by_sentence() -> None:
    from pipeline.core.models import PARAGRAPH_SENTENCES

    X, y = _train()
    model = RuleFloor(_words_pipe(), RULES, floor=0.95, smooth_lines=True).fit(X, y)
    plain = RuleFloor(_words_pipe(), RULES, floor=0.95).fit(X, y)
    texts = ["Musk accuse Microsoft", "Une vue de Seattle", "Le groupe répondra."] * 3
    assert len(texts) > PARAGRAPH_SENTENCES
    test = _page(texts, "t")
    for r in test:
        r["line"] = 0
    np.testing.assert_allclose(model.predict_proba(test), plain.predict_proba(test))


def test_tfidf_blend_is_the_weighted_mean_of_its_two_models_and_off_by_default() -> None:
    from pipeline.core.models import TfidfBlend, build_stance_model

    texts = ["Twitter accuse Microsoft d'abus.", "Microsoft répond calmement.", "La lettre date de jeudi.",
             "Musk menace Microsoft d'un procès.", "Microsoft examinera les questions.", "L'API est payante."]
    labels = ["pro_twitter", "pro_microsoft", "neutral"] * 2
    X = _page(texts, "s")
    params = load_params().train.stance
    assert params.tfidf_blend == 0.0 and not isinstance(build_stance_model(params, 0, None, None), TfidfBlend)
    blend = TfidfBlend(_words_pipe(), weight=0.25).fit(X, labels)
    p_model = blend.model_.predict_proba(X)
    p_tfidf = blend.tfidf_.predict_proba(X)[:, blend.columns_]
    assert not np.allclose(p_model, p_tfidf)
    np.testing.assert_allclose(blend.predict_proba(X), 0.75 * p_model + 0.25 * p_tfidf)
    np.testing.assert_allclose(blend.predict_proba(X).sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="weight"):
        TfidfBlend(_words_pipe(), weight=1.5).fit(X, labels)


def test_smooth_lines_floors_a_line_that_is_mostly_furniture_by_the_rules() -> None:
    X, y = _train()
    model = RuleFloor(_words_pipe(), RULES, floor=0.95, smooth_lines=True).fit(X, y)
    plain = RuleFloor(_words_pipe(), RULES, floor=0.95).fit(X, y)
    pos = list(model.classes_).index(True)

    def line(texts: list[str]) -> list:
        test = _page(texts, "t")
        for r in test:
            r["line"] = 0
        return test

    # a line whose rule sentences hold half its words or more ("Cet article ne constitue pas un conseil en
    # investissement. Les cours sont indicatifs."): the sentence no rule knows is furniture too
    furniture = line(["Annonce", "Publicité", "Le siège"])
    assert plain.predict_proba(furniture)[2, pos] < 0.95
    assert model.predict_proba(furniture)[2, pos] == pytest.approx(0.95)
    # review: a sentence before the rule's ("Microsoft n'a pas répondu. (Reportage de …)") is not its continuation
    before = line(["Le siège", "Annonce", "Publicité"])
    assert model.predict_proba(before)[0, pos] < 0.95
    # under half: the model's (smoothed) decision
    assert model.predict_proba(line(["Annonce", "Le siège de Redmond"]))[1, pos] < 0.95
    # a rule's sentence inside a quotation does not count as furniture
    searching = {"boilerplate": [{"name": "advert", "search": "publicité|annonce"}]}
    model = RuleFloor(_words_pipe(), searching, floor=0.95, smooth_lines=True).fit(X, y)
    assert model.predict_proba(line(["Publicité, annonce", "Le siège"]))[1, pos] == pytest.approx(0.95)
    assert model.predict_proba(line(["« Publicité, annonce »", "Le siège"]))[1, pos] < 0.95
