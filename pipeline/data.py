"""Training data: labelled sentence rows turned into model records, article by article."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from pipeline.features import Record, context_records


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
                    "rule_boilerplate": row.get("rule_boilerplate"),
                    "rule_stance": row.get("rule_stance"),
                }
            )
            out.append(rec)
    return out


def trainable(records: Sequence[Record], use_rule_labels: bool) -> list[Record]:
    """Records whose labels may train a model: gold ones, plus rule ones if asked."""
    sources = {"gold", "rule"} if use_rule_labels else {"gold"}
    return [r for r in records if r["label_source"] in sources and r["boilerplate"] is not None]
