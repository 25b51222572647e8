"""The review queue: sentences still to label, in the order a person should label them.

Sentences come from the ``segment`` stage (``data/sentences.jsonl``); those with
a gold label are left out.  When a trained model exists, the least confident
sentences come first (uncertainty sampling); otherwise page order.

Two ways to label them:

* interactively, ``stance-pipeline annotate``: each sentence is shown with its
  neighbours, one key gives its label, and the label is appended at once;
* in a spreadsheet: ``stance-pipeline annotate export queue.csv``, fill the
  ``label`` column (``boilerplate``, ``pro_twitter``, ``pro_microsoft`` or
  ``neutral``; empty = not labelled yet), then ``stance-pipeline annotate
  import queue.csv``.  The whole file is checked before anything is written.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import config
from pipeline.labelling.annotations import Annotation, annotations_by_key, append_annotations, load_annotations, today
from pipeline.io import InputError, atomic_write_text, read_jsonl

log = logging.getLogger(__name__)

#: Values of the CSV ``label`` column and of the interactive prompt.
CHOICES: dict[str, tuple[bool, str | None]] = {
    "boilerplate": (True, None),
    **{lab: (False, lab) for lab in config.STANCE_LABELS},
}
KEYS = {"b": "boilerplate", "t": "pro_twitter", "m": "pro_microsoft", "n": "neutral"}
EXPORT_FIELDS = ("article_id", "key", "previous", "text", "next", "suggested", "confidence", "label", "note")


@dataclass(frozen=True)
class QueueItem:
    """A sentence waiting for a label, with its context and the model's guess."""

    article_id: str
    key: str
    text: str
    previous: str
    next: str
    suggested: str | None
    confidence: float | None


def load_sentences(path: Path = config.SENTENCES_FILE) -> list[dict[str, Any]]:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `dvc repro` (at least up to the segment stage) first")
    return list(read_jsonl(path))


def build_queue(
    sentences: Sequence[dict[str, Any]], annotations: Sequence[Annotation], model: str | Path | None = None,
    use_model: bool = True,
) -> list[QueueItem]:
    """Unlabelled sentences, least confident first when a model is available.

    Sentences of authored pages (``source == "authored"``) are never queued: their
    labels are the line tags in the page file (seeds/authored/README.md).
    """
    sentences = [s for s in sentences if s.get("source", "scraped") != "authored"]
    labelled = annotations_by_key(annotations)
    scores: dict[str, tuple[str, float]] = {}
    if use_model:
        scores = _model_scores(sentences, model)
    items: list[QueueItem] = []
    for i, s in enumerate(sentences):
        if s["key"] in labelled:
            continue
        same_prev = i > 0 and sentences[i - 1]["article_id"] == s["article_id"]
        same_next = i + 1 < len(sentences) and sentences[i + 1]["article_id"] == s["article_id"]
        guess = scores.get(s["key"])
        items.append(
            QueueItem(
                s["article_id"], s["key"], s["text"],
                sentences[i - 1]["text"] if same_prev else "",
                sentences[i + 1]["text"] if same_next else "",
                guess[0] if guess else None,
                round(guess[1], 4) if guess else None,
            )
        )
    if scores:
        items.sort(key=lambda it: it.confidence if it.confidence is not None else 1.0)  # stable: page order on ties
    return items


def _model_scores(sentences: Sequence[dict[str, Any]], model: str | Path | None) -> dict[str, tuple[str, float]]:
    """``key -> (suggested label, confidence)`` from the trained model, or {} when there is none."""
    from pipeline.core.data import records_from_rows
    from pipeline.serve.predict import ModelNotFoundError, load_model

    try:
        m = load_model(model)
    except ModelNotFoundError:
        log.info("no trained model: the queue is in page order")
        return {}
    records = records_from_rows(list(sentences))
    if not records:
        return {}
    p_bp, stance_probs = m.score(records)
    out = {}
    for i, (r, pb) in enumerate(zip(records, p_bp)):
        if i not in stance_probs:
            out[r["key"]] = ("boilerplate", float(pb))
        else:
            label = max(stance_probs[i], key=stance_probs[i].__getitem__)
            out[r["key"]] = (label, min(1 - float(pb), stance_probs[i][label]))
    return out


def export_queue(items: Sequence[QueueItem], path: Path) -> int:
    """Write the queue as CSV (atomically) for a spreadsheet. Returns the number of rows."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(EXPORT_FIELDS), lineterminator="\n")
    writer.writeheader()
    for it in items:
        writer.writerow({"article_id": it.article_id, "key": it.key, "previous": it.previous, "text": it.text,
                         "next": it.next, "suggested": it.suggested or "", "confidence": it.confidence if it.confidence
                         is not None else "", "label": "", "note": ""})
    atomic_write_text(path, buf.getvalue())
    return len(items)


def read_filled_queue(path: Path, annotator: str) -> list[Annotation]:
    """Labels from a filled queue CSV; rows with an empty ``label`` are skipped.

    Raises:
        InputError: a missing column, an unknown label, an empty key or text,
            the same key twice with different labels (file and line named).
    """
    out: list[Annotation] = []
    seen: dict[str, tuple[int, str]] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("article_id", "key", "text", "label") if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}:1: missing column(s) {', '.join(missing)}")
        for lineno, row in enumerate(reader, 2):
            label = (row.get("label") or "").strip().lower()
            if not label:
                continue
            if label not in CHOICES:
                raise InputError(f"{path}:{lineno}: unknown label {label!r}; expected one of {', '.join(CHOICES)} or empty")
            for col in ("article_id", "key", "text"):
                if not (row.get(col) or "").strip():
                    raise InputError(f"{path}:{lineno}: empty {col!r}")
            key = row["key"].strip()
            if key in seen and seen[key][1] != label:
                raise InputError(f"{path}:{lineno}: key {key} labelled {label!r} here and {seen[key][1]!r} on line {seen[key][0]}")
            seen[key] = (lineno, label)
            boilerplate, stance = CHOICES[label]
            out.append(Annotation(row["article_id"].strip(), key, row["text"], boilerplate, stance, annotator, today(),
                                  (row.get("note") or "").strip()))
    return out


def import_queue(path: Path, annotator: str, annotations_file: Path = config.ANNOTATIONS_FILE) -> int:
    """Validate the whole filled CSV, then append its labels. Returns how many were added."""
    labels = read_filled_queue(path, annotator)
    return append_annotations(annotations_file, labels)


def interactive(
    items: Sequence[QueueItem], annotator: str, annotations_file: Path = config.ANNOTATIONS_FILE,
    ask: Callable[[str], str] = input, say: Callable[[str], None] = print,
) -> int:
    """Label queue items one by one; each answer is appended at once. Returns how many were labelled."""
    done = 0
    say(f"{len(items)} sentences to label. Keys: b=boilerplate t=pro_twitter m=pro_microsoft n=neutral "
        "s=skip q=quit (docs/LABELS.md has the rules).")
    for i, it in enumerate(items, 1):
        say("")
        say(f"[{i}/{len(items)}] {it.article_id}" + (f"  model: {it.suggested} ({it.confidence:.2f})" if it.suggested else ""))
        if it.previous:
            say(f"    … {it.previous}")
        say(f"  > {it.text}")
        if it.next:
            say(f"    … {it.next}")
        while True:
            try:
                answer = ask("label [b/t/m/n/s/q]: ").strip().lower()
            except EOFError:
                answer = "q"
            if answer in ("q", "s") or answer in KEYS:
                break
            say("  please answer b, t, m, n, s or q")
        if answer == "q":
            break
        if answer == "s":
            continue
        boilerplate, stance = CHOICES[KEYS[answer]]
        note = ""
        try:
            note = ask("note (optional): ").strip()
        except EOFError:
            pass
        done += append_annotations(annotations_file, [Annotation(it.article_id, it.key, it.text, boilerplate, stance,
                                                                  annotator, today(), note)])
    say(f"{done} labels added to {annotations_file}. Run `dvc repro` to retrain.")
    return done


def load_queue(model: str | Path | None = None, use_model: bool = True) -> list[QueueItem]:
    """The current queue: segmented sentences minus the annotated ones."""
    return build_queue(load_sentences(), load_annotations(config.ANNOTATIONS_FILE), model, use_model)
