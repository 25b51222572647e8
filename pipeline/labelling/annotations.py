"""Hand annotations: the most valuable data in the repository.

The file ``annotations/labels.jsonl`` holds one JSON object a line:

``article_id``, ``key`` (see :func:`pipeline.core.segment.sentence_keys`), ``text``,
``boilerplate`` (bool), ``stance`` (one of :data:`pipeline.config.STANCE_LABELS`,
``null`` when boilerplate), ``annotator``, ``date`` (ISO), ``note``.

Every read validates every line; a bad file raises :class:`~pipeline.io.InputError`
naming the file, the line and the problem, and nothing is written.  Appends take
a lock, keep every existing line byte for byte and in order, and replace the
file atomically, so an interrupted or concurrent write cannot lose a label.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from pipeline.config import STANCE_LABELS
from pipeline.io import InputError, atomic_write_text

FIELDS: tuple[str, ...] = ("article_id", "key", "text", "boilerplate", "stance", "annotator", "date", "note")
REQUIRED: tuple[str, ...] = ("article_id", "key", "text", "boilerplate", "stance")


@dataclass(frozen=True)
class Annotation:
    """One hand label for one sentence."""

    article_id: str
    key: str
    text: str
    boilerplate: bool
    stance: str | None
    annotator: str = ""
    date: str = ""
    note: str = ""

    def labels(self) -> tuple[bool, str | None]:
        return self.boilerplate, self.stance

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def parse_annotation(obj: Any, where: str) -> Annotation:
    """Validate one decoded row; ``where`` is ``"file:line"`` for the error message.

    Raises:
        InputError: missing field, unknown field, wrong type, unknown stance,
            stance given for a boilerplate sentence or missing for an article one.
    """
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    missing = [f for f in REQUIRED if f not in obj]
    if missing:
        raise InputError(f"{where}: missing field(s) {', '.join(missing)}")
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        raise InputError(f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(FIELDS)}")
    for name in ("article_id", "key", "text"):
        if not isinstance(obj[name], str) or not obj[name].strip():
            raise InputError(f"{where}: {name!r} must be a non-empty string")
    boilerplate = obj["boilerplate"]
    if not isinstance(boilerplate, bool):
        raise InputError(f"{where}: 'boilerplate' must be true or false, got {boilerplate!r}")
    stance = obj["stance"]
    if boilerplate and stance is not None:
        raise InputError(f"{where}: stance {stance!r} given for a boilerplate sentence; it must be null (LABELS.md §2)")
    if not boilerplate and stance not in STANCE_LABELS:
        raise InputError(f"{where}: unknown stance {stance!r}; expected one of {', '.join(STANCE_LABELS)}")
    for name in ("annotator", "date", "note"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise InputError(f"{where}: {name!r} must be a string")
    return Annotation(
        article_id=obj["article_id"],
        key=obj["key"],
        text=obj["text"],
        boilerplate=boilerplate,
        stance=stance,
        annotator=obj.get("annotator") or "",
        date=obj.get("date") or "",
        note=obj.get("note") or "",
    )


def _parse_lines(path: Path, lines: Sequence[str]) -> list[Annotation]:
    out: list[Annotation] = []
    first_line: dict[str, tuple[int, Annotation]] = {}
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})") from None
        ann = parse_annotation(obj, where)
        if ann.key in first_line:
            prev_line, prev = first_line[ann.key]
            if prev.labels() != ann.labels():
                raise InputError(
                    f"{where}: key {ann.key} is labelled differently on line {prev_line} "
                    f"({prev.labels()} vs {ann.labels()}); keep one of them"
                )
        else:
            first_line[ann.key] = (lineno, ann)
        out.append(ann)
    return out


def load_annotations(path: Path | str) -> list[Annotation]:
    """Read and validate the annotation file (a missing file is an empty list).

    Duplicate keys with the same labels are allowed (the first one counts);
    with different labels they are an error.
    """
    path = Path(path)
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return _parse_lines(path, fh.read().splitlines())


def annotations_by_key(annotations: Iterable[Annotation]) -> dict[str, Annotation]:
    """The first annotation of every key."""
    out: dict[str, Annotation] = {}
    for ann in annotations:
        out.setdefault(ann.key, ann)
    return out


def _lock(path: Path):
    from filelock import FileLock

    return FileLock(str(path) + ".lock", timeout=60)


def append_annotations(path: Path | str, new: Sequence[Annotation]) -> int:
    """Append labels to the annotation file, under a lock, atomically.

    Existing lines are kept byte for byte and in order.  A label for a key that
    is already in the file is skipped when identical and refused when different
    (change the existing line by hand instead).  Returns the number appended.

    Raises:
        InputError: the existing file is invalid, or a new label conflicts.
    """
    path = Path(path)
    for i, ann in enumerate(new):
        parse_annotation(asdict(ann), f"<new label {i + 1}>")
    with _lock(path):
        existing_text = path.read_text(encoding="utf-8") if path.exists() else ""
        existing = annotations_by_key(_parse_lines(path, existing_text.splitlines()))
        to_add: list[Annotation] = []
        for ann in new:
            prev = existing.get(ann.key)
            if prev is not None:
                if prev.labels() != ann.labels():
                    raise InputError(
                        f"{path}: key {ann.key} is already labelled {prev.labels()}; refusing {ann.labels()} "
                        "(edit the existing line to change a label)"
                    )
                continue
            existing[ann.key] = ann
            to_add.append(ann)
        if not to_add:
            return 0
        if existing_text and not existing_text.endswith("\n"):
            existing_text += "\n"
        atomic_write_text(path, existing_text + "".join(a.to_json() + "\n" for a in to_add))
        return len(to_add)


def today() -> str:
    """Today's date, ISO format, for the ``date`` field."""
    return _dt.date.today().isoformat()
