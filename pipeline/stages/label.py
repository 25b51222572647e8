"""Stage 3, ``label``: join sentences with the hand annotations, fill the rest with rules.

Every output row says where its labels came from (``label_source``): ``gold``
(a hand annotation with the same key), ``rule`` (a labelling function of
``configs/rules.yaml`` voted) or ``none``.  The labelling report
(``reports/labelling.json``; headline counts in ``metrics/labelling.json``) gives coverage per source, class counts, each
rule's precision on the gold rows, conflicts, and the *orphans*: annotations
whose sentence no longer exists after a change to cleaning or segmentation.
Orphans stay in the annotation file; they are only reported.

Sentences of authored pages (``seeds/authored/``) take the label of their
line (``label_source: authored``); the checklist files are validated here too, so
a bad authored or checklist line stops the pipeline with ``file:line: reason``
before anything is written.

Run as a DVC stage: ``python -m pipeline.stages.label``.
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline import config
from pipeline.labelling.annotations import Annotation, annotations_by_key, load_annotations
from pipeline.core.checklist import load_checklist
from pipeline.io import read_jsonl, run_stage, write_json, write_jsonl
from pipeline.labelling.authored import AuthoredPage, parse_page
from pipeline.params import load_params
from pipeline.core.rules import RuleSet

log = logging.getLogger(__name__)


def label_rows(
    sentences: Sequence[dict[str, Any]], annotations: Sequence[Annotation], rules: RuleSet,
    authored: Mapping[str, AuthoredPage] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Label every sentence row; return the rows and the labelling report.

    A hand annotation wins; a sentence of an authored page otherwise takes the
    label of its line (``label_source: authored``); then the rules vote.
    """
    authored = authored or {}
    by_key = annotations_by_key(annotations)
    rows: list[dict[str, Any]] = []
    stance_conflicts = 0
    for i, sent in enumerate(sentences):
        same_article = i > 0 and sentences[i - 1]["article_id"] == sent["article_id"]
        previous = sentences[i - 1]["text"] if same_article else ""
        rule_bp = rules.boilerplate(sent["text"], previous)
        rule_stance = rules.stance(sent["text"])
        stance_conflicts += rules.stance_conflict(sent["text"])
        ann = by_key.get(sent["key"])
        page = authored.get(sent["article_id"])
        line = page.label_at(sent["start"]) if page is not None else None
        if ann is not None:
            boilerplate, stance, source = ann.boilerplate, ann.stance, "gold"
        elif line is not None:
            boilerplate = line.label == "boilerplate"
            stance, source = (None if boilerplate else line.label), "authored"
        elif rule_bp:
            boilerplate, stance, source = True, None, "rule"
        elif rule_stance is not None:
            boilerplate, stance, source = False, rule_stance, "rule"
        else:
            boilerplate, stance, source = None, None, "none"
        rows.append(
            {
                **sent,
                "boilerplate": boilerplate,
                "stance": stance,
                "label_source": source,
                "previous_text": previous,
                "rule_boilerplate": rule_bp,
                "rule_stance": rule_stance,
            }
        )
    present = {s["key"] for s in sentences}
    orphans = [
        {"article_id": a.article_id, "key": a.key, "text": a.text}
        for a in by_key.values()
        if a.key not in present
    ]
    for orphan in orphans:
        log.warning(
            "orphan annotation %s (%s): %r no longer matches a sentence; it is kept in the file",
            orphan["key"], orphan["article_id"], orphan["text"][:80],
        )
    return rows, build_report(rows, rules, orphans, stance_conflicts)


def build_report(
    rows: Sequence[dict[str, Any]], rules: RuleSet, orphans: list[dict[str, Any]], stance_conflicts: int
) -> dict[str, Any]:
    """Coverage, class counts, rule precision on gold rows, conflicts and orphans."""
    gold = [r for r in rows if r["label_source"] == "gold"]
    gold_texts = [r["text"] for r in gold]
    gold_previous = [r["previous_text"] for r in gold]
    gold_boilerplate = [r["boilerplate"] for r in gold]
    gold_content = [r for r in gold if not r["boilerplate"]]
    rule_vs_gold_bp = sum(1 for r in gold if r["rule_boilerplate"] and not r["boilerplate"])
    rule_vs_gold_stance = sum(
        1 for r in gold_content if r["rule_stance"] is not None and r["rule_stance"] != r["stance"]
    )
    unlabelled = Counter(r["article_id"] for r in rows if r["label_source"] == "none")
    n = len(rows)
    return {
        "sentences": n,
        "coverage": {src: sum(1 for r in rows if r["label_source"] == src) for src in config.LABEL_SOURCES},
        "coverage_share": {
            src: round(sum(1 for r in rows if r["label_source"] == src) / n, 4) if n else 0.0
            for src in config.LABEL_SOURCES
        },
        "gold_classes": {
            "boilerplate": sum(1 for r in gold if r["boilerplate"]),
            "content": len(gold_content),
            **{lab: sum(1 for r in gold_content if r["stance"] == lab) for lab in config.STANCE_LABELS},
        },
        "rule_precision_on_gold": {
            **{task: rules.precision_on(gold_texts, gold_previous, gold_boilerplate, task)
               for task in ("boilerplate", "floor", "article_text")},  # page rules: judged on every gold row
            "stance": rules.precision_on(
                [r["text"] for r in gold_content], [r["previous_text"] for r in gold_content],
                [r["stance"] for r in gold_content], "stance",
            ),
        },
        "conflicts": {
            "stance_rules_disagree": stance_conflicts,
            "boilerplate_rule_vs_gold": rule_vs_gold_bp,
            "stance_rule_vs_gold": rule_vs_gold_stance,
        },
        "unlabelled_by_article": dict(sorted(unlabelled.items())),
        "orphans": orphans,
        "n_orphans": len(orphans),
    }


def load_authored(sentences: Sequence[dict[str, Any]], seeds_dir: Path) -> dict[str, AuthoredPage]:
    """The authored pages behind the sentence rows (``source == "authored"``), validated."""
    files = {s["article_id"]: s["file"] for s in sentences if s.get("source") == "authored"}
    return {article: parse_page(seeds_dir / name) for article, name in files.items()}


def main(argv: Iterable[str] | None = None) -> None:
    """DVC stage entry point."""
    params = load_params().label
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=Path, default=config.SENTENCES_FILE)
    parser.add_argument("--annotations", type=Path, default=config.config_path(params.annotations_file))
    parser.add_argument("--rules", type=Path, default=config.config_path(params.rules_file))
    parser.add_argument("--out", type=Path, default=config.LABELLED_FILE)
    parser.add_argument("--metrics", type=Path, default=config.METRICS_DIR / "labelling.json")
    parser.add_argument("--report", type=Path, default=config.REPORTS_DIR / "labelling.json")
    args = parser.parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    sentences = list(read_jsonl(args.sentences))
    authored = load_authored(sentences, config.SEEDS_DIR)
    n_cases = len(load_checklist())  # validated here so that a bad checklist line stops the pipeline early
    rows, report = label_rows(sentences, load_annotations(args.annotations), RuleSet.from_file(args.rules), authored)
    write_jsonl(args.out, rows)
    write_json(args.report, report)
    write_json(args.metrics, {
        "sentences": report["sentences"], **{f"labels_{k}": v for k, v in report["coverage"].items()},
        "orphans": report["n_orphans"], **{f"conflicts_{k}": v for k, v in report["conflicts"].items()},
    })
    log.info("labelled %d sentences: %s; %d orphans; %d authored pages; %d checklist cases", len(rows),
             report["coverage"], report["n_orphans"], len(authored), n_cases)
    if report["coverage"]["none"]:
        log.info(
            "%d sentences have no label yet: run `stance-pipeline annotate` to label them",
            report["coverage"]["none"],
        )


if __name__ == "__main__":
    run_stage(main)
