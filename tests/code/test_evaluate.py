"""The evaluate stage's decision functions, on hand-made figures and tiny synthetic pages.

Leave-one-article-out and leave-one-site-out run the real model fitting; a spy
around the fitting function records what each fold was trained on (it calls
the real function and returns its model unchanged).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.metrics import f1_score

from pipeline import config
from pipeline.params import load_params
from pipeline.stages import evaluate as ev
from tests.code import synthetic

T, F = True, False
PT, PM, NE = "pro_twitter", "pro_microsoft", "neutral"


# --- classification_metrics / headline_value -------------------------------------------------------------

def test_classification_metrics_by_hand() -> None:
    y = [T, T, F, F, F]
    p = [T, F, F, F, T]
    m = ev.classification_metrics(y, p, ev.BOILERPLATE_LABELS)
    assert m["per_class"]["True"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert m["per_class"]["False"] == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667, "support": 3}
    assert m["macro_f1"] == round((0.5 + 2 / 3) / 2, 4)
    assert m["accuracy"] == 0.6
    # rows are gold, columns predictions, in the order of the labels given
    assert m["confusion_matrix"] == {"labels": ["True", "False"], "matrix": [[1, 1], [1, 2]]}


def test_classification_metrics_absent_class() -> None:
    m = ev.classification_metrics([PT, PT, NE], [PT, NE, NE], list(config.STANCE_LABELS))
    assert m["per_class"][PM] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert m["per_class"][PT]["recall"] == 0.5 and m["per_class"][PT]["precision"] == 1.0
    assert m["confusion_matrix"]["matrix"] == [[1, 0, 1], [0, 0, 0], [0, 0, 1]]


def test_classification_metrics_of_no_items_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no items to score"):
        ev.classification_metrics([], [], ev.BOILERPLATE_LABELS)


def test_headline_value_boilerplate_is_f1_of_the_positive_class() -> None:
    y = [T, T, T, F, F, F, F, F]
    p = [T, T, F, T, F, F, F, F]
    assert ev.headline_value("boilerplate", y, p) == pytest.approx(2 / 3)  # tp 2, fp 1, fn 1
    # the positive class is boilerplate: scoring the other class instead gives another figure
    assert ev.headline_value("boilerplate", [not v for v in y], [not v for v in p]) == pytest.approx(0.8)
    assert ev.headline_value("boilerplate", [F, F], [F, F]) == 0.0  # no boilerplate at all: 0, no warning
    assert ev.headline_value("boilerplate", [T, F, F], [F, F, F]) == 0.0


def test_headline_value_stance_is_macro_f1_over_all_three_labels() -> None:
    y = [PT, PT, PM, NE]
    p = [PT, NE, PM, NE]
    expected = np.mean([f1_score(y, p, labels=[lab], average="macro") for lab in config.STANCE_LABELS])
    assert ev.headline_value("stance", y, p) == pytest.approx(expected)
    assert ev.headline_value("stance", y, y) == 1.0
    # a label absent from gold and predictions still counts (as 0) in the macro average
    assert ev.headline_value("stance", [PT, NE], [PT, NE]) == pytest.approx(2 / 3)


# --- bootstrap_interval ---------------------------------------------------------------------------------

def _mean_of(values: np.ndarray):
    return lambda idx: float(values[idx].mean())


def test_bootstrap_interval_is_deterministic_for_a_seed() -> None:
    values = np.array([1, 0, 1, 1, 0, 1, 0, 1, 1, 1], dtype=float)
    a = ev.bootstrap_interval(_mean_of(values), len(values), seed=3)
    b = ev.bootstrap_interval(_mean_of(values), len(values), seed=3)
    assert a == b
    others = {ev.bootstrap_interval(_mean_of(values), len(values), seed=s, rounds=50) for s in range(6)}
    assert len(others) > 1  # the seed is used


def test_bootstrap_interval_contains_the_estimate_and_narrows_with_n() -> None:
    rng = np.random.default_rng(11)
    widths = []
    for n in (20, 200, 2000):
        values = (rng.random(n) < 0.7).astype(float)
        lo, hi = ev.bootstrap_interval(_mean_of(values), n)
        assert 0.0 <= lo <= values.mean() <= hi <= 1.0
        widths.append(hi - lo)
    assert widths[0] > widths[1] > widths[2]
    assert widths[2] < 0.06  # about 4 standard errors of a proportion near 0.7 at n=2000


def test_bootstrap_interval_of_a_constant_and_of_nothing() -> None:
    assert ev.bootstrap_interval(_mean_of(np.ones(30)), 30) == (1.0, 1.0)
    assert ev.bootstrap_interval(_mean_of(np.ones(0)), 0) == (0.0, 0.0)


# --- summarise and what is built from it ----------------------------------------------------------------

def _rec(article: str, i: int, rule_bp: bool | None = None, rule_stance: str | None = None) -> dict:
    return {"article_id": article, "key": f"{article}:{i}", "text": f"phrase {i} de {article}",
            "rule_boilerplate": rule_bp, "rule_stance": rule_stance}


def _oof() -> dict:
    """Out-of-fold predictions of two articles, written by hand."""
    bp_recs = [_rec("a", 0, True), _rec("a", 1), _rec("a", 2), _rec("a", 3, True),
               _rec("b", 0), _rec("b", 1, True), _rec("b", 2)]
    bp_y = [T, F, F, T, F, T, F]
    bp_pred = [T, F, T, T, F, F, F]
    st_recs = [_rec("a", 1, rule_stance=PT), _rec("a", 2), _rec("b", 0, rule_stance=PM), _rec("b", 2)]
    st_y = [PT, NE, PM, PT]
    st_pred = [PT, NE, NE, PT]
    return {
        "boilerplate": {"records": bp_recs, "y": bp_y, "pred": bp_pred,
                        "proba": [0.9, 0.1, 0.7, 0.8, 0.2, 0.4, 0.3],
                        "fold": [r["article_id"] for r in bp_recs], "tfidf": [T, F, F, F, F, T, F]},
        "stance": {"records": st_recs, "y": st_y, "pred": st_pred,
                   "proba": [[0.8, 0.1, 0.1], [0.2, 0.2, 0.6], [0.1, 0.3, 0.6], [0.5, 0.3, 0.2]],
                   "fold": [r["article_id"] for r in st_recs], "tfidf": [PT, PT, PM, NE]},
        "articles": ["a", "b", "c"],  # article c had no sentence left to score, say
    }


@pytest.fixture(scope="module")
def summary() -> dict:
    """``summarise`` of the hand-made blocks (computed once: 2 x 1000 bootstrap rounds)."""
    return ev.summarise(_oof())


def test_summarise_figures_baselines_and_folds(summary) -> None:
    oof = _oof()
    s = summary
    bp, st = s["boilerplate"], s["stance"]
    # boilerplate: tp 2, fp 1, fn 1
    assert bp["headline"]["name"] == "f1_boilerplate" and bp["headline"]["value"] == pytest.approx(2 / 3, abs=1e-4)
    lo, hi = bp["headline"]["ci95"]
    assert lo <= bp["headline"]["value"] <= hi
    assert bp["n"] == 7 and st["n"] == 4
    assert bp["model"]["per_class"]["True"]["support"] == 3
    # per fold: article a has tp 2, fp 1 -> 0.8; article b has tp 0, fn 1 -> 0
    assert bp["per_fold"] == {"a": {"headline": 0.8, "n": 4}, "b": {"headline": 0.0, "n": 3}}
    # baselines: majority of the gold labels is False (F1 of True 0), rules vote True where they fired
    assert bp["baselines"]["majority"]["headline"] == 0.0
    assert bp["baselines"]["rules"]["headline"] == 1.0  # the rule flags are exactly the gold boilerplate
    assert bp["baselines"]["tfidf_logreg"]["headline"] == pytest.approx(round(f1_score(
        oof["boilerplate"]["y"], oof["boilerplate"]["tfidf"]), 4))
    # stance: macro-F1 over the three labels
    assert st["headline"]["name"] == "macro_f1_stance"
    assert st["headline"]["value"] == pytest.approx(round(ev.headline_value("stance", oof["stance"]["y"],
                                                                            oof["stance"]["pred"]), 4))
    # the rules baseline says neutral where no stance rule fired
    rules_pred = [PT, NE, PM, NE]
    assert st["baselines"]["rules"]["headline"] == round(ev.headline_value("stance", oof["stance"]["y"],
                                                                           rules_pred), 4)
    assert set(st["per_fold"]) == {"a", "b"} and st["per_fold"]["a"]["n"] == 2


def test_summarise_leaves_out_an_article_with_no_sentence_in_a_task(summary) -> None:
    s = summary
    assert "c" not in s["boilerplate"]["per_fold"] and "c" not in s["stance"]["per_fold"]


def _checklist_scored() -> dict:
    return {"parts": {
        "test": {"stance": {"pass_rate": 0.75, "n": 4, "min_capability_pass_rate": 0.5,
                            "capabilities": {"negation": {"pass_rate": 0.5, "n": 2, "passed": 1},
                                             "quotes": {"pass_rate": 1.0, "n": 2, "passed": 2}},
                            "outcomes": [True, False, True, True]},
                 "boilerplate": {"pass_rate": 0.5, "n": 2, "min_capability_pass_rate": 0.5,
                                 "capabilities": {"teasers": {"pass_rate": 0.5, "n": 2, "passed": 1}},
                                 "outcomes": [True, False]},
                 "page_stance": {"pass_rate": 0.5, "n": 2, "min_capability_pass_rate": 0.0,
                                 "capabilities": {"neutral": {"pass_rate": 0.0, "n": 1, "passed": 0},
                                                  "pro_twitter": {"pass_rate": 1.0, "n": 1, "passed": 1}},
                                 "outcomes": [False, True]}},
        "dev": {"stance": {"pass_rate": 1.0, "n": 1, "min_capability_pass_rate": 1.0,
                           "capabilities": {"quotes": {"pass_rate": 1.0, "n": 1, "passed": 1}},
                           "outcomes": [True]}}}}


def test_checklist_summary_intervals_and_outcomes_dropped() -> None:
    out = ev.checklist_summary(_checklist_scored())
    assert set(out) == {"test", "dev"}
    t = out["test"]["stance"]
    assert "outcomes" not in t
    assert t["pass_rate"] == 0.75 and t["capabilities"]["negation"]["passed"] == 1
    lo, hi = t["ci95"]
    assert 0.0 <= lo <= 0.75 <= hi <= 1.0 and lo < hi
    assert out["dev"]["stance"]["ci95"] == [1.0, 1.0]


def test_checklist_metrics_flattens_parts_tasks_and_capabilities() -> None:
    out = ev.checklist_metrics(ev.checklist_summary(_checklist_scored()))
    assert out == {
        "test.stance.pass_rate": 0.75, "test.stance.min_capability": 0.5,
        "test.stance.negation": 0.5, "test.stance.quotes": 1.0,
        "test.boilerplate.pass_rate": 0.5, "test.boilerplate.min_capability": 0.5, "test.boilerplate.teasers": 0.5,
        "test.page_stance.pass_rate": 0.5, "test.page_stance.min_capability": 0.0,
        "test.page_stance.neutral": 0.0, "test.page_stance.pro_twitter": 1.0,
        "dev.stance.pass_rate": 1.0, "dev.stance.min_capability": 1.0, "dev.stance.quotes": 1.0,
    }


def test_headline_picks_the_figures_people_compare(summary) -> None:
    summary = dict(summary)
    checklist = ev.checklist_summary(_checklist_scored())
    h = ev.headline(summary, checklist)
    assert h == {
        "f1_boilerplate": summary["boilerplate"]["headline"]["value"],
        "macro_f1_stance": summary["stance"]["headline"]["value"],
        "f1_pro_microsoft": summary["stance"]["model"]["per_class"][PM]["f1"],
        "checklist_stance_pass_rate": 0.75, "checklist_stance_min_capability": 0.5,
        "checklist_boilerplate_pass_rate": 0.5, "checklist_boilerplate_min_capability": 0.5,
        "checklist_page_stance_pass_rate": 0.5,  # no min capability: its "capabilities" are the gold labels
    }
    summary["unseen_sites"] = {"headline": {"value": 0.42}}
    assert ev.headline(summary, {})["f1_boilerplate_unseen_site"] == 0.42
    assert not any(k.startswith("checklist") for k in ev.headline(summary, {}))
    assert "f1_boilerplate_unseen_site" not in ev.headline({**summary, "unseen_sites": {"n": 0}}, {})


def test_headline_metrics_per_task(summary) -> None:
    bp = ev.headline_metrics(summary, "boilerplate")
    assert set(bp) == {"f1", "f1_ci95_low", "f1_ci95_high", "precision", "recall", "baseline_majority",
                       "baseline_rules", "baseline_tfidf_logreg", "n"}
    assert bp["f1"] == summary["boilerplate"]["model"]["per_class"]["True"]["f1"]
    assert bp["f1"] == pytest.approx(summary["boilerplate"]["headline"]["value"])
    assert bp["precision"] == 0.6667 and bp["recall"] == 0.6667 and bp["n"] == 7
    assert bp["f1_ci95_low"] <= bp["f1"] <= bp["f1_ci95_high"]
    st = ev.headline_metrics(summary, "stance")
    assert {"macro_f1", "f1_pro_twitter", "f1_pro_microsoft", "f1_neutral", "baseline_rules", "n"} <= set(st)
    assert st["macro_f1"] == pytest.approx(summary["stance"]["headline"]["value"])
    assert st["f1_pro_twitter"] == 1.0 and st["f1_pro_microsoft"] == 0.0


def test_misclassified_rows_lists_only_errors_with_their_probability() -> None:
    rows = ev.misclassified_rows(_oof(), limit=100)
    assert [(r["task"], r["key"]) for r in rows] == [("boilerplate", "a:2"), ("boilerplate", "b:1"),
                                                     ("stance", "b:0")]
    assert rows[0]["probability"] == 0.7 and rows[0]["gold"] is False and rows[0]["predicted"] is True
    assert rows[2]["probability"] == 0.6  # stance: the top class probability
    assert rows[2]["gold"] == PM and rows[2]["predicted"] == NE
    assert len(ev.misclassified_rows(_oof(), limit=2)) == 2


def test_outcomes_are_keyed_by_sentence() -> None:
    out = ev.outcomes(_oof(), {"test": {"stance": {"c1": True}}})
    assert out["loao"]["boilerplate"]["a:2"] == [False, True]
    assert out["loao"]["stance"]["b:0"] == [PM, NE]
    assert out["checklist"] == {"test": {"stance": {"c1": True}}}


def test_summarise_sites_per_site_figures() -> None:
    lso = {"y": [T, F, T, F, T, F], "pred": [T, F, F, F, T, T],
           "fold": ["x", "x", "y", "y", "z", "z"], "sites": ["x", "y", "z"]}
    s = ev.summarise_sites(lso)
    assert s["per_site"] == {"x": {"f1_boilerplate": 1.0, "n": 2}, "y": {"f1_boilerplate": 0.0, "n": 2},
                             "z": {"f1_boilerplate": 0.6667, "n": 2}}
    assert s["headline"]["value"] == pytest.approx(round(f1_score(lso["y"], lso["pred"]), 4))
    assert s["n"] == 6
    assert ev.summarise_sites({"y": [], "pred": [], "fold": [], "sites": ["x"]}) == {"n": 0, "sites": ["x"]}


# --- leave-one-article-out and leave-one-site-out on synthetic pages --------------------------------------

@pytest.fixture(scope="module")
def params():
    return load_params()


@pytest.fixture(scope="module")
def records():
    return synthetic.records()


class _FitSpy:
    """Calls the real fitting function and remembers the records each call trained on."""

    def __init__(self, real):
        self.real = real
        self.calls: list[list[dict]] = []

    def __call__(self, train, params):
        self.calls.append(list(train))
        return self.real(train, params)


@pytest.fixture(scope="module")
def loao(records, params):
    spy = _FitSpy(ev.fit_models)
    mp = pytest.MonkeyPatch()
    mp.setattr(ev, "fit_models", spy)
    try:
        out = ev.leave_one_article_out(records, params)
    finally:
        mp.undo()
    return out, spy.calls


def test_loao_no_article_on_both_sides_of_a_fold(loao, records) -> None:
    out, calls = loao
    assert out["articles"] == ["s1", "s2", "s3", "s4"]
    folds = list(dict.fromkeys(out["boilerplate"]["fold"]))
    assert folds == out["articles"] and len(calls) == len(folds)
    for held_out, train in zip(folds, calls):
        trained_on = {r["article_id"] for r in train}
        assert held_out not in trained_on
        assert trained_on == set(out["articles"]) - {held_out}
    # every record is tested in its own article's fold
    for task in ("boilerplate", "stance"):
        block = out[task]
        assert [r["article_id"] for r in block["records"]] == block["fold"]


def test_loao_never_uses_authored_or_unlabelled_records(loao, records) -> None:
    out, calls = loao
    for train in calls:
        assert all(r["source"] == "scraped" and r["label_source"] == "gold" for r in train)
    tested = [r["key"] for r in out["boilerplate"]["records"]]
    gold = [r["key"] for r in records if r["label_source"] == "gold" and r["source"] == "scraped"]
    assert sorted(tested) == sorted(gold) and len(set(tested)) == len(tested)
    assert {r["source"] for r in out["boilerplate"]["records"]} == {"scraped"}


def test_loao_blocks_are_consistent(loao, params) -> None:
    out, _ = loao
    bp = out["boilerplate"]
    n = len(bp["records"])
    assert len(bp["y"]) == len(bp["pred"]) == len(bp["proba"]) == len(bp["tfidf"]) == n
    assert bp["y"] == [bool(r["boilerplate"]) for r in bp["records"]]
    assert bp["pred"] == [p >= params.predict.boilerplate_threshold for p in bp["proba"]]
    assert all(0.0 <= p <= 1.0 for p in bp["proba"])
    st = out["stance"]
    assert [r["key"] for r in st["records"]] == [r["key"] for r in bp["records"] if not r["boilerplate"]]
    assert st["y"] == [r["stance"] for r in st["records"]]
    for pred, proba in zip(st["pred"], st["proba"]):
        assert len(proba) == 3 and sum(proba) == pytest.approx(1.0)
        assert pred == config.STANCE_LABELS[int(np.argmax(proba))]


def test_loao_needs_two_articles(params) -> None:
    one = [r for r in synthetic.records() if r["article_id"] in ("s1", "a1")]
    with pytest.raises(ValueError, match="at least 2"):
        ev.leave_one_article_out(one, params)


class _PredictSpy:
    """The real fitted model, remembering the records it was asked to score."""

    def __init__(self, model, asked):
        self.model, self.asked = model, asked
        self.classes_ = model.classes_

    def predict_proba(self, X):
        self.asked.append(list(X))
        return self.model.predict_proba(X)


def _run_lso(records, params, monkeypatch):
    import pipeline.core.bundle as bundle

    trained, asked = [], []
    real = bundle.fit_boilerplate

    def spy(train, p):
        trained.append(list(train))
        return _PredictSpy(real(train, p), asked)

    monkeypatch.setattr(bundle, "fit_boilerplate", spy)
    return ev.leave_one_site_out(records, params), trained, asked


def test_lso_a_held_out_site_is_never_in_training(records, params, monkeypatch) -> None:
    out, trained, asked = _run_lso(records, params, monkeypatch)
    assert out["sites"] == ["Gazette du Plateau", "Octet Hebdo", "Portail Azur"]
    assert len(trained) == 3  # min(unseen_site_folds, number of sites)
    for train, test in zip(trained, asked):
        held_out = {r["outlet"] for r in test}
        assert all(r["source"] == "authored" for r in test)
        assert not any(r["source"] == "authored" and r["outlet"] in held_out for r in train)
        assert any(r["source"] == "scraped" for r in train)  # the scraped pages always train
        assert all(r["label_source"] in ("gold", "authored") for r in train)
    authored = [r for r in records if r["source"] == "authored"]
    assert sorted(r["key"] for test in asked for r in test) == sorted(r["key"] for r in authored)
    assert len(out["y"]) == len(out["pred"]) == len(out["fold"]) == len(authored)
    # the fold column names each record's own site (what summarise_sites groups the per-site figures by)
    assert out["fold"] == [r["outlet"] for test in asked for r in test]


def test_lso_fewer_folds_than_sites_holds_several_out_together(records, params, monkeypatch) -> None:
    two = dataclasses.replace(params, evaluate=dataclasses.replace(params.evaluate, unseen_site_folds=2))
    out, trained, asked = _run_lso(records, two, monkeypatch)
    assert len(trained) == 2
    assert sorted(len({r["outlet"] for r in test}) for test in asked) == [1, 2]
    for train, test in zip(trained, asked):
        held_out = {r["outlet"] for r in test}
        assert not any(r["source"] == "authored" and r["outlet"] in held_out for r in train)
    assert set(out["fold"]) == set(out["sites"])


def test_lso_needs_two_sites(params) -> None:
    one_site = [r for r in synthetic.records() if r["source"] == "scraped" or r["outlet"] == "Octet Hebdo"]
    out = ev.leave_one_site_out(one_site, params)
    assert out == {"y": [], "pred": [], "fold": [], "kind": [], "sites": ["Octet Hebdo"]}


def test_checklist_out_of_fold_predicts_every_dev_sentence_from_a_model_that_did_not_see_it() -> None:
    from pipeline.core.bundle import load_yaml
    from pipeline.core.checklist import Case
    from pipeline.core.data import checklist_stance_records, trainable
    from pipeline.core.models import build_stance_model

    params = load_params()
    records = synthetic.records()
    # Dev sentences told apart only by a made-up word of their own, labels in turn: a model trained on them
    # learns each word's label; a model that has not seen a sentence cannot know it.
    labels = ["pro_twitter", "pro_microsoft", "neutral"]
    words = ["zorglub", "brimbal", "quaplic", "frimoz", "galdrune", "vestrik", "plonkar", "twilmac", "drosfel",
             "kribbon", "mulvane", "sparnic", "yolbrek", "chandrix", "wempel"]
    cases = [Case(f"d{i}", "dev", "negation", f"Le mot {w} revient.", labels[i % 3], None, f"f:{i}")
             for i, w in enumerate(words)]
    cases.append(Case("t0", "test", "negation", "Le mot frozen revient.", "neutral", None, "f:99"))
    out = ev.checklist_out_of_fold(records, params, cases)
    assert set(out) == {c.id for c in cases if c.part == "dev"}  # every dev sentence, never the frozen one
    extra = checklist_stance_records(cases, "dev")
    content = [r for r in trainable(records, False, True) if not r["boilerplate"]] + extra
    p = params.train
    seen = build_stance_model(p.stance, p.seed, load_yaml(p.cues_file), load_yaml(p.frame_file))
    seen.fit(content, [r["stance"] for r in content])
    in_sample = sum(pred == c.label for c, pred in zip(cases, seen.predict(extra)))
    out_of_fold = sum(out[c.id] == c.label for c in cases if c.part == "dev")
    assert in_sample > out_of_fold
