"""Training data: labelled sentence rows turned into model records, article by article."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from pipeline.core.features import Record, context_records


def records_from_rows(rows: Sequence[dict[str, Any]]) -> list[Record]:
    """Model records for labelled sentence rows (as written by the label stage).

    Context (neighbours, headline) is taken from all sentences of an article,
    labelled or not.  Each record keeps the row's ``article_id``, ``key`` and labels.
    """
    out: list[Record] = []
    for _article, group in groupby(rows, key=lambda r: r["article_id"]):
        items = list(group)
        recs = context_records([r["text"] for r in items], [r["line"] for r in items], items[0]["n_lines"], _article)
        for rec, row in zip(recs, items):
            rec.update(
                {
                    "article_id": row["article_id"],
                    "key": row["key"],
                    "boilerplate": row.get("boilerplate"),
                    "stance": row.get("stance"),
                    "label_source": row.get("label_source", "none"),
                    "source": row.get("source", "scraped"),
                    "outlet": row.get("outlet", ""),
                    "rule_boilerplate": row.get("rule_boilerplate"),
                    "rule_stance": row.get("rule_stance"),
                }
            )
            out.append(rec)
    return out


def trainable(records: Sequence[Record], use_rule_labels: bool, use_authored: bool) -> list[Record]:
    """Records whose labels may train a model: gold ones, plus authored and rule ones if asked."""
    sources = {"gold"} | ({"rule"} if use_rule_labels else set()) | ({"authored"} if use_authored else set())
    return [r for r in records if r["label_source"] in sources and r["boilerplate"] is not None]


def checklist_stance_records(cases: Sequence[Any], part: str = "dev") -> list[Record]:
    """Stance training records for the stance sentences of one checklist ``part`` (``label.train_on_checklist_dev``).

    Each sentence is a page of its own, as the checklist scores it; it is article text (a stance row is never
    boilerplate) with its stance label, ``label_source`` and ``source`` ``checklist``.  Only the stance model
    learns from these: one sentence alone shows nothing of page furniture.
    """
    out: list[Record] = []
    for case in cases:
        if case.part != part or case.page is not None:
            continue
        rec = context_records([case.text], [0], 1, f"checklist/{part}/{case.id}")[0]
        rec.update({"article_id": f"checklist/{part}", "key": case.id, "boilerplate": False, "stance": case.label,
                    "label_source": "checklist", "source": "checklist", "outlet": "", "rule_boilerplate": None,
                    "rule_stance": None})
        out.append(rec)
    return out


def trimmed_pages(records: Sequence[Record]) -> list[Record]:
    """Extra training pages: each article again without the furniture at its top and bottom.

    On a handful of scraped pages nearly every article ends (and often begins)
    with furniture, so a model learns "last line = boilerplate" and flags the
    last sentence of a clean article.  Each article whose first or last
    labelled sentences are boilerplate is added once more with those runs cut
    off and its page context (position, neighbours, topic) recomputed.  Used
    for training only, never for evaluation.
    """
    out: list[Record] = []
    for article, group in groupby(records, key=lambda r: r["article_id"]):
        items = list(group)
        lo, hi = 0, len(items)
        while lo < hi and items[lo]["boilerplate"]:
            lo += 1
        while hi > lo and items[hi - 1]["boilerplate"]:
            hi -= 1
        if (lo == 0 and hi == len(items)) or hi - lo < 2:
            continue
        kept = items[lo:hi]
        first_line = kept[0]["line"]
        recs = context_records([r["text"] for r in kept], [r["line"] - first_line for r in kept],
                               kept[-1]["line"] - first_line + 1, f"{article}#trimmed")
        for rec, row in zip(recs, kept):
            rec.update({k: row[k] for k in ("article_id", "key", "boilerplate", "stance", "label_source",
                                            "source", "outlet", "rule_boilerplate", "rule_stance")})
            out.append(rec)
    return out
