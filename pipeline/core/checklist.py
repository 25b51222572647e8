"""The capability checklist (CheckList, Ribeiro et al. 2020): labelled lines grouped by capability.

Files live in ``checklist/<part>/*.jsonl`` with ``part`` = ``test`` (frozen:
written before the model changed, never used to write rules or features) or
``dev``.  Two kinds of row:

* **stance rows** (no ``page``): one sentence and its stance; the case passes
  when the stance model's most probable class is the label (stance is defined
  on article text, so the boilerplate model is not asked);
* **page rows** (a ``page`` id; consecutive rows of one page, in page order): a
  small scraped page, line by line.  The page is joined, cleaned and segmented
  as ``predict()`` does; a row with a ``capability`` passes when every sentence
  of its line gets the right boilerplate decision (``label == "boilerplate"``
  or not).  Rows with ``capability: null`` are context only.  An article line
  (a stance label) with a capability is also a **page stance** case: stance in
  page context, as ``predict()`` gives it on a real page (neighbours, page
  structure); it passes when its line is one sentence, kept as article text,
  whose most probable stance is the label.  Its "capabilities" are the gold
  labels, so the lowest one is the worst recall of a class.

:func:`load_checklist` validates every row (``file:line: reason``);
:func:`score_checklist` gives pass rates per part and capability.
"""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import config
from pipeline.io import InputError

PARTS = ("test", "dev")
#: What the checklist scores: stance rows, boilerplate decisions on page lines, stance of page article lines.
TASKS = ("stance", "boilerplate", "page_stance")
LABELS = ("boilerplate", *config.STANCE_LABELS)


@dataclass(frozen=True)
class Case:
    """One checklist row."""

    id: str
    part: str
    capability: str | None
    text: str
    label: str
    page: str | None
    where: str  # file:line

    @property
    def scored(self) -> bool:
        return self.capability is not None


def _parse(obj: Any, part: str, where: str) -> Case:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object")
    for key in ("id", "text", "label"):
        if not isinstance(obj.get(key), str) or not obj[key].strip():
            raise InputError(f"{where}: {key!r} must be a non-empty string")
    label = obj["label"]
    if label not in LABELS:
        raise InputError(f"{where}: label {label!r} is not one of {', '.join(LABELS)} (docs/LABELS.md §1-2)")
    page = obj.get("page")
    capability = obj.get("capability")
    if page is not None and not isinstance(page, str):
        raise InputError(f"{where}: 'page' must be a string or null")
    if capability is not None and not isinstance(capability, str):
        raise InputError(f"{where}: 'capability' must be a string or null")
    if page is None:
        if not capability:
            raise InputError(f"{where}: a stance row (no 'page') needs a capability")
        if label == "boilerplate":
            raise InputError(f"{where}: a stance row cannot be labelled boilerplate; boilerplate cases belong on a page")
    if "\n" in obj["text"]:
        raise InputError(f"{where}: a row is one line of text; split it into rows")
    return Case(obj["id"], part, capability or None, obj["text"], label, page, where)


def load_checklist(root: Path | None = None) -> list[Case]:
    """Every case of ``checklist/{test,dev}/*.jsonl``, validated.

    Raises:
        InputError: a malformed row, an unknown label, a duplicate id, or a page
            whose rows are not consecutive; the message names file and line.
    """
    root = root if root is not None else config.CHECKLIST_DIR
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for part in PARTS:
        for path in sorted((root / part).glob("*.jsonl")):
            closed_pages: set[str] = set()
            current: str | None = None
            with open(path, encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    where = f"{path}:{lineno}"
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise InputError(f"{where}: malformed JSON ({exc.msg})") from None
                    case = _parse(obj, part, where)
                    if case.id in seen:
                        raise InputError(f"{where}: id {case.id!r} already used at {seen[case.id]}")
                    seen[case.id] = where
                    if case.page != current:
                        if current is not None:
                            closed_pages.add(current)
                        if case.page in closed_pages:
                            raise InputError(f"{where}: rows of page {case.page!r} must be consecutive")
                        current = case.page
                    cases.append(case)
    return cases


def _page_decisions(model: Any, rows: Sequence[Case]) -> list[list[tuple[bool, str | None]]]:
    """For each row's line, every sentence's boilerplate decision and stance (None for boilerplate), as
    ``predict()`` makes them."""
    text = "\n".join(c.text for c in rows)
    starts = []
    pos = 0
    for c in rows:
        starts.append(pos)
        pos += len(c.text) + 1
    sentences, records = model.prepare(text)
    p_bp, stance = model.score(records) if records else ([], {})
    out: list[list[tuple[bool, str | None]]] = [[] for _ in rows]
    for i, (s, p) in enumerate(zip(sentences, p_bp)):
        label = max(stance[i], key=stance[i].get) if i in stance else None
        out[bisect.bisect_right(starts, s.start) - 1].append((bool(p >= model.boilerplate_threshold), label))
    return out


def score_checklist(model: Any, cases: Sequence[Case],
                    stance_predictions: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Pass rates per part and capability for a loaded model (:class:`pipeline.serve.predict.LoadedModel`).

    Returns ``{"parts": {part: {"stance": {...}, "boilerplate": {...}, "page_stance": {...}}}, "failures": [...],
    "outcomes": {part: {task: {case id: passed}}}}``
    where each task block has ``pass_rate``, ``n`` and ``capabilities``
    (``{name: {"pass_rate", "n", "passed"}}``).  ``stance_predictions`` (case id -> label) replace the model's
    prediction for those stance rows: the out-of-fold predictions for rows the model was trained on
    (``label.train_on_checklist_dev``).
    """
    from pipeline.core.features import context_records

    results: list[tuple[Case, str, bool, Any]] = []
    stance_cases = [c for c in cases if c.page is None]
    if stance_cases:
        records = [context_records([c.text], [0], 1, doc=i)[0] for i, c in enumerate(stance_cases)]
        proba = model.stance.predict_proba(records)
        classes = list(model.stance.classes_)
        for c, row in zip(stance_cases, proba):
            pred = (stance_predictions or {}).get(c.id) or classes[int(row.argmax())]
            results.append((c, "stance", pred == c.label, pred))
    pages: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        if c.page is not None:
            pages[f"{c.part}\x1f{c.page}"].append(c)
    for rows in pages.values():
        for c, decisions in zip(rows, _page_decisions(model, rows)):
            if not c.scored:
                continue
            want = c.label == "boilerplate"
            ok = bool(decisions) and all(bp == want for bp, _ in decisions)
            results.append((c, "boilerplate", ok, [bp for bp, _ in decisions]))
            if not want and len(decisions) == 1:  # LABELS.md labels sentences: a one-sentence line only
                got = decisions[0][1]
                results.append((c, "page_stance", got == c.label, got or "boilerplate"))
    parts: dict[str, Any] = {}
    for part in PARTS:
        block: dict[str, Any] = {}
        for task in TASKS:
            mine = [(c, ok) for c, t, ok, _ in results if c.part == part and t == task]
            if not mine:
                continue
            caps: dict[str, list[bool]] = defaultdict(list)
            for c, ok in mine:
                caps[c.label if task == "page_stance" else str(c.capability)].append(ok)
            block[task] = {
                "pass_rate": round(sum(ok for _, ok in mine) / len(mine), 4),
                "n": len(mine),
                "min_capability_pass_rate": round(min(sum(v) / len(v) for v in caps.values()), 4),
                "capabilities": {k: {"pass_rate": round(sum(v) / len(v), 4), "n": len(v), "passed": sum(v)}
                                 for k, v in sorted(caps.items())},
                "outcomes": [bool(ok) for _, ok in mine],
            }
        if block:
            parts[part] = block
    failures = [{"id": c.id, "part": c.part, "task": t, "capability": c.capability, "text": c.text,
                 "label": c.label, "predicted": str(pred)} for c, t, ok, pred in results if not ok]
    outcomes: dict[str, dict[str, dict[str, bool]]] = defaultdict(lambda: defaultdict(dict))
    for c, t, ok, _ in results:
        outcomes[c.part][t][c.id] = bool(ok)
    return {"parts": parts, "failures": failures,
            "outcomes": {part: dict(tasks) for part, tasks in outcomes.items()}}
