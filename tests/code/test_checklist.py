"""Scoring the checklist's page rows: boilerplate decisions and the stance of article lines in page context."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from pipeline.core.checklist import Case, score_checklist


class _ScriptedModel:
    """A stand-in for a loaded model whose decisions are written into the text, to check the scoring alone.

    Sentences are the parts of a line separated by " | "; a sentence starting with "MENU" is boilerplate; an
    article sentence containing "accuse" is pro_twitter, any other neutral.
    """

    boilerplate_threshold = 0.5

    def prepare(self, text: str) -> tuple[list[SimpleNamespace], list[str]]:
        sentences, pos = [], 0
        for line in text.split("\n"):
            offset = 0
            for part in line.split(" | "):
                offset = line.index(part, offset)
                sentences.append(SimpleNamespace(start=pos + offset, text=part))
                offset += len(part)
            pos += len(line) + 1
        return sentences, [s.text for s in sentences]

    def score(self, records: list[str]) -> tuple[list[float], dict[int, dict[str, float]]]:
        p_bp = [1.0 if r.startswith("MENU") else 0.0 for r in records]
        stance = {i: ({"pro_twitter": 0.7, "pro_microsoft": 0.1, "neutral": 0.2} if "accuse" in r
                      else {"pro_twitter": 0.1, "pro_microsoft": 0.1, "neutral": 0.8})
                  for i, r in enumerate(records) if p_bp[i] < 0.5}
        return p_bp, stance


def _page(rows: list[tuple[str | None, str, str]]) -> list[Case]:
    return [Case(f"c{i}", "test", capability, text, label, "p1", f"f:{i}")
            for i, (capability, text, label) in enumerate(rows)]


def test_page_stance_scores_one_sentence_article_lines_in_context() -> None:
    cases = _page([
        ("furniture_top", "MENU Accueil Monde", "boilerplate"),                 # furniture: boilerplate only
        ("article_around_furniture", "Twitter accuse Microsoft.", "pro_twitter"),  # right stance: pass
        ("article_around_furniture", "La lettre date du 18 mai.", "pro_twitter"),  # wrong stance: fail
        ("article_around_furniture", "MENU mais article", "neutral"),           # flagged boilerplate: fail
        ("article_around_furniture", "Un fait. | Un autre fait.", "neutral"),   # two sentences: no stance case
        (None, "Twitter accuse encore.", "pro_twitter"),                         # context row: not scored
    ])
    scored = score_checklist(_ScriptedModel(), cases)
    block = scored["parts"]["test"]["page_stance"]
    assert block["n"] == 3 and block["pass_rate"] == round(1 / 3, 4)
    # capabilities are the gold labels: the lowest is the worst recall of a class
    assert block["capabilities"] == {"neutral": {"pass_rate": 0.0, "n": 1, "passed": 0},
                                     "pro_twitter": {"pass_rate": 0.5, "n": 2, "passed": 1}}
    failures = {(f["id"], f["task"]): f["predicted"] for f in scored["failures"]}
    assert failures[("c2", "page_stance")] == "neutral"
    assert failures[("c3", "page_stance")] == "boilerplate"
    assert ("c4", "page_stance") not in failures and "c4" not in scored["outcomes"]["test"]["page_stance"]
    # the boilerplate task is unchanged: every scored row, every sentence of its line
    assert scored["parts"]["test"]["boilerplate"]["n"] == 5
    assert scored["outcomes"]["test"]["boilerplate"] == {"c0": True, "c1": True, "c2": True, "c3": False,
                                                          "c4": True}


def test_checklist_stance_records_take_the_dev_parts_stance_rows_only() -> None:
    from pipeline.core.data import checklist_stance_records

    cases = [Case("s1", "dev", "negation", "Microsoft ne dément pas.", "pro_twitter", None, "f:1"),
             Case("s2", "test", "negation", "Twitter ne répond pas.", "neutral", None, "f:2"),  # frozen: never
             Case("p1", "dev", "furniture_top", "Accueil | Monde", "boilerplate", "pg", "f:3")]  # a page row
    records = checklist_stance_records(cases, "dev")
    assert [(r["key"], r["stance"], r["boilerplate"], r["source"]) for r in records] == [
        ("s1", "pro_twitter", False, "checklist")]
    assert records[0]["text"] == "Microsoft ne dément pas." and records[0]["n_sentences"] == 1


def test_stance_predictions_replace_the_models_for_the_rows_trained_on() -> None:
    class _Stance:
        classes_ = ["neutral", "pro_microsoft", "pro_twitter"]

        def predict_proba(self, records):
            return np.array([[1.0, 0.0, 0.0]] * len(records))  # always neutral

    model = SimpleNamespace(stance=_Stance())
    cases = [Case("a", "dev", "negation", "Un.", "pro_twitter", None, "f:1"),
             Case("b", "dev", "negation", "Deux.", "neutral", None, "f:2")]
    plain = score_checklist(model, cases)
    assert plain["outcomes"]["dev"]["stance"] == {"a": False, "b": True}
    replaced = score_checklist(model, cases, {"a": "pro_twitter", "b": "pro_microsoft"})
    assert replaced["outcomes"]["dev"]["stance"] == {"a": True, "b": False}


def test_the_frozen_part_never_trains_the_model() -> None:
    import dataclasses

    from pipeline.core.bundle import stance_extra_records
    from pipeline.core.checklist import load_checklist
    from pipeline.params import load_params

    params = load_params()
    on = dataclasses.replace(params, label=dataclasses.replace(params.label, train_on_checklist_dev=True))
    off = dataclasses.replace(params, label=dataclasses.replace(params.label, train_on_checklist_dev=False))
    frozen = {c.id for c in load_checklist() if c.part == "test"}
    dev = {c.id for c in load_checklist() if c.part == "dev" and c.page is None}
    keys = {r["key"] for r in stance_extra_records(on)}
    assert keys == dev and not keys & frozen
    assert stance_extra_records(off) == []
