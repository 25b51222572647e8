"""File input/output shared by the stages: strict text decoding, JSON Lines, atomic writes."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any


class InputError(ValueError):
    """Bad input file: the message names the file, the line and the reason."""


def run_stage(main: Callable[[], None]) -> None:
    """Run a DVC stage's ``main``; bad input ends it with one line naming the problem (exit code 1)."""
    import logging
    import sys

    try:
        main()
    except (InputError, FileNotFoundError, ValueError) as exc:
        logging.getLogger(main.__module__).error("%s", exc)
        sys.exit(1)


def read_text(path: Path | str) -> str:
    """Read a UTF-8 text file (a leading BOM is allowed and dropped).

    Any other encoding is refused rather than guessed, because a wrong guess
    gives silent mojibake in the training data.

    Raises:
        InputError: the file is binary or not valid UTF-8; the message gives the
            line and the offending bytes and says how to convert the file.
    """
    path = Path(path)
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise InputError(f"{path}: looks like a binary file (NUL bytes); expected a UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 4]
        raise InputError(
            f"{path}:{line}: not valid UTF-8 (bytes {bad!r} at byte {exc.start}); the file is probably "
            "Windows-1252 or Latin-1: convert it, e.g. `iconv -f WINDOWS-1252 -t UTF-8 in.txt > out.txt`"
        ) from None
    return text


def sha256_file(path: Path | str) -> str:
    """SHA-256 of a file's bytes, hex."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def atomic_write_text(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` atomically: temp file in the same folder, fsync, rename.

    A crash or a failing write leaves the previous file untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def write_jsonl(path: Path | str, rows: Iterable[dict[str, Any]]) -> int:
    """Atomically write ``rows`` as JSON Lines (UTF-8, one object a line). Returns the row count."""
    lines = [json.dumps(row, ensure_ascii=False, sort_keys=False) for row in rows]
    atomic_write_text(path, "".join(line + "\n" for line in lines))
    return len(lines)


def read_jsonl_lines(path: Path | str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line number, object)`` for each non-blank line of a JSON Lines file.

    Raises:
        InputError: a line is not UTF-8 or not a JSON object (message gives file and line).
    """
    path = Path(path)
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}:{lineno}: not valid UTF-8 (byte {exc.start} of the line)") from None
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{lineno}: malformed JSON ({exc.msg} at column {exc.colno})") from None
            if not isinstance(obj, dict):
                raise InputError(f"{path}:{lineno}: expected a JSON object, got {type(obj).__name__}")
            yield lineno, obj


def read_jsonl(path: Path | str) -> Iterator[dict[str, Any]]:
    """Yield the objects of a JSON Lines file, skipping blank lines.

    Raises:
        InputError: a line is not UTF-8 or not a JSON object (message gives file and line).
    """
    for _, obj in read_jsonl_lines(path):
        yield obj


def write_json(path: Path | str, obj: Any) -> None:
    """Atomically write ``obj`` as indented JSON."""
    atomic_write_text(path, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def read_json_file(path: Path | str) -> Any:
    """Read a JSON file (raises FileNotFoundError or InputError with the file name)."""
    path = Path(path)
    with open(path, encoding="utf-8") as fh:
        try:
            return json.load(fh)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{exc.lineno}: malformed JSON ({exc.msg})") from None
