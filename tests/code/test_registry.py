"""The champion rule (pipeline/registry.py) on hand-made figures and item outcomes.

``compare`` takes each branch on figures written here; ``decide`` is driven
through a small in-memory stand-in for the MLflow client (the registry's code
runs unchanged: only MLflow's storage is replaced).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from sklearn.metrics import f1_score

from pipeline import config
from pipeline import registry as reg
from pipeline.stages.evaluate import headline_value

PT, PM, NE = "pro_twitter", "pro_microsoft", "neutral"


def fig(challenger: float, champion: float, low: float, high: float, n: int = 50) -> dict:
    return {"challenger": challenger, "champion": champion, "difference": round(challenger - champion, 4),
            "ci95": [low, high], "n": n}


# --- compare: rules 2-4 -----------------------------------------------------------------------------------

def test_clear_loss_keeps_the_champion_and_says_where() -> None:
    figures = {"f1_boilerplate": fig(0.80, 0.90, -0.15, -0.04), "macro_f1_stance": fig(0.70, 0.69, -0.02, 0.04)}
    d = reg.compare(figures, same_data=True, same_configuration=False, champion_version="3")
    assert d.promoted is False
    assert "clearly worse than champion v3" in d.reason
    assert "f1_boilerplate 0.8000 vs 0.9000" in d.reason and "-0.1000" in d.reason
    assert "macro_f1_stance" not in d.reason.split("same data:")[1]  # only the figure that lost is named
    assert d.champion_version == "3" and d.figures == figures


def test_clear_loss_wins_over_more_data() -> None:
    figures = {"checklist_stance_pass_rate": fig(0.6, 0.8, -0.3, -0.1)}
    d = reg.compare(figures, same_data=False, same_configuration=True, champion_version="2")
    assert d.promoted is False and "clearly worse" in d.reason and d.same_data is False


def test_interval_touching_zero_is_not_a_clear_loss() -> None:
    figures = {"f1_boilerplate": fig(0.85, 0.90, -0.10, 0.0)}
    d = reg.compare(figures, same_data=False, same_configuration=False, champion_version="1")
    assert d.promoted is True


@pytest.mark.parametrize("same_configuration,wording", [
    (True, "the champion's configuration trained on more data"), (False, "trained on different data")])
def test_different_data_promotes_despite_a_lower_figure(same_configuration: bool, wording: str) -> None:
    figures = {"f1_boilerplate": fig(0.88, 0.90, -0.06, 0.02), "macro_f1_stance": fig(0.71, 0.70, -0.03, 0.05)}
    d = reg.compare(figures, same_data=False, same_configuration=same_configuration, champion_version="4")
    assert d.promoted is True
    assert d.reason.startswith(f"promoted: {wording}; no clear loss against champion v4")
    assert "f1_boilerplate 0.8800 vs 0.9000" in d.reason


def test_same_data_with_a_lower_figure_is_not_promoted() -> None:
    figures = {"f1_boilerplate": fig(0.92, 0.90, -0.01, 0.05), "macro_f1_stance": fig(0.69, 0.70, -0.04, 0.02)}
    d = reg.compare(figures, same_data=True, same_configuration=False, champion_version="5")
    assert d.promoted is False
    assert "same data as champion v5 and lower on macro_f1_stance (" in d.reason
    assert "lower on f1_boilerplate" not in d.reason


def test_same_data_and_none_lower_is_promoted() -> None:
    figures = {"f1_boilerplate": fig(0.92, 0.90, -0.01, 0.05), "macro_f1_stance": fig(0.70, 0.70, -0.03, 0.03)}
    d = reg.compare(figures, same_data=True, same_configuration=False, champion_version="6")
    assert d.promoted is True and d.reason.startswith("promoted: not worse than champion v6 on the same data")
    assert d.to_dict()["figures"] == figures and d.to_dict()["same_data"] is True


def test_no_shared_figure_on_the_same_data_is_a_tie() -> None:
    d = reg.compare({}, same_data=True, same_configuration=True, champion_version="1")
    assert d.promoted is True


# --- the paired bootstrap -----------------------------------------------------------------------------------

def test_paired_difference_of_identical_outcomes_is_zero() -> None:
    y = np.array([True, False, True, True, False])
    p = np.array([True, True, False, True, False])
    value, lo, hi = reg.paired_difference(lambda i: reg._f1_positive(y[i], p[i]) - reg._f1_positive(y[i], p[i]), 5)
    assert (value, lo, hi) == (0.0, 0.0, 0.0)


def test_paired_difference_is_deterministic_and_brackets_the_difference() -> None:
    rng = np.random.default_rng(5)
    a = (rng.random(300) < 0.8).astype(float)  # challenger passes 80% of cases
    b = (rng.random(300) < 0.6).astype(float)  # champion 60%
    score = lambda i: float(a[i].mean() - b[i].mean())  # noqa: E731
    first = reg.paired_difference(score, 300, seed=1)
    assert first == reg.paired_difference(score, 300, seed=1)
    value, lo, hi = first
    assert value == pytest.approx(a.mean() - b.mean())
    assert 0.0 < lo <= value <= hi  # a clear gain: the whole interval above zero
    # pairing: when both models fail and pass the same cases, the interval collapses even if rates are noisy
    same = reg.paired_difference(lambda i: float(a[i].mean() - a[i].mean()), 300)
    assert same == (0.0, 0.0, 0.0)


def test_paired_difference_narrows_with_more_items() -> None:
    rng = np.random.default_rng(8)
    widths = []
    for n in (30, 3000):
        a, b = (rng.random(n) < 0.7).astype(float), (rng.random(n) < 0.7).astype(float)
        _, lo, hi = reg.paired_difference(lambda i: float(a[i].mean() - b[i].mean()), n, rounds=500)
        widths.append(hi - lo)
    assert widths[1] < widths[0] / 4


def test_paired_difference_of_no_items() -> None:
    assert reg.paired_difference(lambda i: 0.0, 0) == (0.0, 0.0, 0.0)


def test_registry_metrics_agree_with_the_evaluation() -> None:
    y = np.array([True, True, False, False, True, False])
    p = np.array([True, False, False, True, True, False])
    assert reg._f1_positive(y, p) == pytest.approx(f1_score(y, p))
    assert reg._f1_positive(np.array([False]), np.array([False])) == 0.0
    ys = np.array([PT, PT, PM, NE, NE, PT], dtype=object)
    ps = np.array([PT, NE, PM, NE, PM, PT], dtype=object)
    macro = reg._macro_f1(config.STANCE_LABELS)
    assert macro(ys, ps) == pytest.approx(headline_value("stance", ys, ps))
    # a label nobody used counts as 0, as in the evaluation's headline
    ys2, ps2 = np.array([PT, NE], dtype=object), np.array([PT, NE], dtype=object)
    assert macro(ys2, ps2) == pytest.approx(headline_value("stance", ys2, ps2)) == pytest.approx(2 / 3)


# --- compare_figures on hand-made outcomes ------------------------------------------------------------------

def _outcomes(bp: dict, st: dict, checklist: dict | None = None) -> dict:
    return {"loao": {"boilerplate": bp, "stance": st}, "checklist": {"test": checklist or {}}}


def test_compare_figures_pairs_items_by_key() -> None:
    gold_bp = {f"k{i}": bool(i % 3 == 0) for i in range(30)}
    champion = _outcomes({k: [g, g] for k, g in gold_bp.items()},  # champion right everywhere
                         {"s1": [PT, PT], "s2": [PM, PM], "s3": [NE, NE]},
                         {"stance": {"c1": True, "c2": True, "c3": True, "c4": True}})
    challenger = _outcomes({k: [g, False] for k, g in gold_bp.items()},  # challenger never says boilerplate
                           {"s1": [PT, PT], "s2": [PM, NE], "s3": [NE, NE], "only_here": [PT, PT]},
                           {"stance": {"c1": True, "c2": False, "c3": True, "c4": True, "c9": False}})
    figures = reg.compare_figures(challenger, champion)
    assert set(figures) == {"f1_boilerplate", "macro_f1_stance", "checklist_stance_pass_rate"}
    bp = figures["f1_boilerplate"]
    assert (bp["challenger"], bp["champion"], bp["difference"], bp["n"]) == (0.0, 1.0, -1.0, 30)
    assert bp["ci95"] == [-1.0, -1.0]
    st = figures["macro_f1_stance"]
    assert st["n"] == 3  # "only_here" is not in the champion's outcomes
    assert st["champion"] == 1.0
    assert st["challenger"] == pytest.approx(round(headline_value("stance", [PT, PM, NE], [PT, NE, NE]), 4))
    ck = figures["checklist_stance_pass_rate"]
    assert (ck["challenger"], ck["champion"], ck["n"]) == (0.75, 1.0, 4)
    assert ck["ci95"][0] <= ck["difference"] == -0.25 <= ck["ci95"][1]
    # the boilerplate loss is clear, so the challenger is kept out even with more data
    d = reg.compare(figures, same_data=False, same_configuration=False, champion_version="1")
    assert d.promoted is False and "f1_boilerplate" in d.reason


def test_compare_figures_skips_tasks_with_nothing_shared() -> None:
    a = _outcomes({"k1": [True, True]}, {})
    b = _outcomes({"k2": [True, True]}, {"s1": [PT, PT]})
    assert reg.compare_figures(a, b) == {}
    assert reg.compare_figures({"loao": {}}, {"loao": {}}) == {}


# --- decide, through an in-memory registry ------------------------------------------------------------------

class _Registry:
    """What ``decide`` asks of an MlflowClient: the alias, the champion's run tags and its params.json."""

    def __init__(self, champion: dict | None = None) -> None:
        self.champion = champion

    def get_model_version_by_alias(self, name: str, alias: str):
        from mlflow.exceptions import MlflowException

        assert alias == reg.CHAMPION
        if self.champion is None:
            raise MlflowException(f"alias {alias} not found for {name}")
        return SimpleNamespace(run_id="run-champion", version=self.champion["version"])

    def get_run(self, run_id: str):
        assert run_id == "run-champion"
        return SimpleNamespace(data=SimpleNamespace(tags=self.champion["tags"]))

    def download_artifacts(self, run_id: str, path: str, dst: str) -> str:
        if self.champion.get("params") is None:
            raise OSError(f"no artifact {path} in run {run_id}")
        out = Path(dst) / path
        out.write_text(json.dumps(self.champion["params"]), encoding="utf-8")
        return str(out)


TAGS = {"data_md5": "d1", "params_digest": "p1", "model_code_digest": "m1"}
GOLD = {f"k{i}": bool(i % 4 == 0) for i in range(40)}
RIGHT = _outcomes({k: [g, g] for k, g in GOLD.items()}, {"s1": [PT, PT], "s2": [PM, PM]})
WRONG = _outcomes({k: [g, not g] for k, g in GOLD.items()}, {"s1": [PT, NE], "s2": [PM, NE]})


def _never(_params: dict) -> dict:
    raise AssertionError("the champion's configuration should not be re-evaluated here")


def test_decide_without_a_champion_promotes() -> None:
    d = reg.decide(_Registry(None), "model", RIGHT, TAGS, _never)
    assert d.promoted is True and d.reason == "promoted: first registered model" and d.champion_version is None


def test_decide_same_configuration_is_a_tie_by_construction() -> None:
    d = reg.decide(_Registry({"version": "2", "tags": dict(TAGS)}), "model", WRONG, TAGS, _never)
    assert d.promoted is True and d.same_data is True and d.same_configuration is True
    assert all(f["difference"] == 0.0 for f in d.figures.values())


def test_decide_re_evaluates_the_champion_configuration_and_keeps_a_better_champion() -> None:
    seen = []

    def evaluate_champion(params: dict) -> dict:
        seen.append(params)
        return RIGHT

    champion = {"version": "7", "tags": {**TAGS, "params_digest": "p0"}, "params": {"train": {"seed": 1}}}
    d = reg.decide(_Registry(champion), "model", WRONG, TAGS, evaluate_champion)
    assert seen == [{"train": {"seed": 1}}]
    assert d.promoted is False and d.champion_version == "7" and d.same_configuration is False
    assert "clearly worse than champion v7" in d.reason


def test_decide_more_data_and_no_clear_loss_promotes() -> None:
    champion = {"version": "3", "tags": {**TAGS, "data_md5": "d0"}, "params": {}}
    d = reg.decide(_Registry(champion), "model", RIGHT, TAGS, lambda p: RIGHT)
    assert d.promoted is True and d.same_data is False and d.same_configuration is True
    assert "the champion's configuration trained on more data" in d.reason


def test_decide_same_data_and_a_lower_figure_keeps_the_champion() -> None:
    # the challenger misses one boilerplate sentence out of ten: lower, but not clearly lower
    challenger = _outcomes({k: [g, g and k != "k0"] for k, g in GOLD.items()}, {"s1": [PT, PT], "s2": [PM, PM]})
    champion = {"version": "9", "tags": {**TAGS, "model_code_digest": "m0"}, "params": {}}
    d = reg.decide(_Registry(champion), "model", challenger, TAGS, lambda p: RIGHT)
    assert d.figures["f1_boilerplate"]["difference"] < 0 <= d.figures["f1_boilerplate"]["ci95"][1]
    assert d.promoted is False and "lower on f1_boilerplate" in d.reason


def test_decide_promotes_when_the_champion_cannot_be_re_evaluated() -> None:
    champion = {"version": "4", "tags": {**TAGS, "params_digest": "old"}, "params": None}
    d = reg.decide(_Registry(champion), "model", WRONG, TAGS, _never)
    assert d.promoted is True and "cannot be re-evaluated" in d.reason and d.same_configuration is False

    def refuses(params: dict) -> dict:
        raise ValueError("unknown key train.bogus")

    champion["params"] = {"train": {"bogus": 1}}
    d = reg.decide(_Registry(champion), "model", WRONG, TAGS, refuses)
    assert d.promoted is True and "unknown key train.bogus" in d.reason
