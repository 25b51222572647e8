"""Stage 1, ``clean``: repair scraped French text and keep a map back to the raw text.

Cleaning is a sequence of small, documented passes.  Each pass rewrites the text
*and* an offset array (``offsets[i]`` is the index in the raw text of clean
character ``i``), so every sentence found later can be located in the file the
user gave.  Cleaning is deterministic and idempotent: ``clean(clean(x).text).text
== clean(x).text``.

Passes, in order:

1. line ends: CRLF and lone CR become ``\\n``;
2. HTML pasted into a text file: block tags become line breaks, other tags go;
3. invisible characters go: BOM, zero-width spaces and joiners, soft hyphens,
   control characters, and U+FFFD replacement characters (nothing to recover);
4. encoding damage (mojibake) is repaired by ftfy, line by line, only on
   lines that look damaged; decomposed accents (``e`` + U+0301) are composed
   (NFC);
5. quotes: curly and straight double quotes and guillemets become French
   ``« … »`` with one space inside, and a space outside where a word touches
   them (``que"Microsoft`` → ``que « Microsoft``); typographic apostrophes
   become ``'``;
6. every run of spaces of any kind (no-break, narrow no-break, thin, tab)
   becomes one space;
7. run-together page parts are pulled apart: a time glued to a date
   (``08:0720.05.2023`` → ``08:07 20.05.2023``), a caption label glued to the
   sentence before it (``social.image:`` → ``social.`` / ``image:`` on its own
   line), furniture labels glued to the next word (``Article suivantLes``);
8. spaces at line ends go, runs of blank lines become one blank line.

Run as a DVC stage: ``python -m pipeline.core.clean``.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.io import InputError, read_text

if TYPE_CHECKING:
    from pipeline.params import CleanParams

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CleanText:
    """Cleaned text with the raw index of each of its characters.

    Attributes:
        text: the cleaned text.
        offsets: ``len(text) + 1`` integers; ``offsets[i]`` is the raw index of
            ``text[i]`` and the last one is the raw text's length.
    """

    text: str
    offsets: list[int] = field(repr=False)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Raw ``(start, end)`` covering clean characters ``text[start:end]`` (``end > start``)."""
        return self.offsets[start], self.offsets[end - 1] + 1

    def offset_runs(self) -> list[list[int]]:
        """The offsets as runs ``[clean_start, raw_start, length]`` of consecutive indices (compact JSON)."""
        runs: list[list[int]] = []
        offs = self.offsets[:-1]
        for i, o in enumerate(offs):
            if runs and runs[-1][1] + runs[-1][2] == o and runs[-1][0] + runs[-1][2] == i:
                runs[-1][2] += 1
            else:
                runs.append([i, o, 1])
        return runs

    @classmethod
    def from_runs(cls, text: str, runs: Sequence[Sequence[int]], raw_length: int) -> CleanText:
        """Rebuild from :meth:`offset_runs` output."""
        offsets: list[int] = []
        for _clean_start, raw_start, length in runs:
            offsets.extend(range(raw_start, raw_start + length))
        if len(offsets) != len(text):
            raise ValueError(f"offset runs cover {len(offsets)} characters, text has {len(text)}")
        offsets.append(raw_length)
        return cls(text, offsets)


def _align(old: str, new: str, old_offsets: Sequence[int], after: int) -> list[int]:
    """Offsets for ``new``, a rewrite of ``old`` by a regex pass.

    The common prefix and suffix keep their offsets; the changed middle takes the
    offset of the first old character it replaces (``after`` when it is an
    insertion at the end).  Exact for insertions and deletions, which is what
    the regex passes do.
    """
    if old == new:
        return list(old_offsets)
    if not new:
        return []
    n_old, n_new = len(old), len(new)
    p = 0
    limit = min(n_old, n_new)
    while p < limit and old[p] == new[p]:
        p += 1
    q = 0
    while q < limit - p and old[n_old - 1 - q] == new[n_new - 1 - q]:
        q += 1
    anchor = old_offsets[p] if p < n_old else after
    return [*old_offsets[:p], *([anchor] * (n_new - p - q)), *old_offsets[n_old - q :]]


def _align_diff(old: str, new: str, old_offsets: Sequence[int], after: int) -> list[int]:
    """Like :func:`_align` but with a character diff, for rewrites with scattered changes (ftfy)."""
    if old == new:
        return list(old_offsets)
    out: list[int] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(old_offsets[i1:i2])
        elif tag in ("replace", "insert"):
            anchor = old_offsets[i1] if i1 < len(old) else after
            out.extend([anchor] * (j2 - j1))
    return out


Replacement = str | Callable[[re.Match[str]], str]


def _sub(pattern: re.Pattern[str], repl: Replacement, text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """``pattern.sub`` that also rewrites the offset array (``len(text) + 1`` entries)."""
    pieces: list[str] = []
    new_offsets: list[int] = []
    last = 0
    for m in pattern.finditer(text):
        start, end = m.span()
        new = repl(m) if callable(repl) else (m.expand(repl) if "\\" in repl else repl)
        if new == m.group(0):
            continue
        pieces.append(text[last:start])
        new_offsets.extend(offsets[last:start])
        pieces.append(new)
        new_offsets.extend(_align(m.group(0), new, offsets[start:end], offsets[end]))
        last = end
    if last == 0 and not pieces:
        return text, offsets
    pieces.append(text[last:])
    new_offsets.extend(offsets[last:])
    return "".join(pieces), new_offsets


_NEWLINE_CHARS = "\r\u2028\u2029\x85\x0b\x0c"
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85\x0b\x0c]")
_HTML_BLOCK = re.compile(r"</?(?:p|br|div|h[1-6]|li|ul|ol|tr|table|section|article|header|footer|blockquote)\b[^<>]*>", re.I)
_HTML_OTHER = re.compile(r"<(script|style)\b[^<>]*>.*?</\1\s*>|</?[a-zA-Z][a-zA-Z0-9]*\b[^<>]*>|<!--.*?-->", re.S | re.I)
#: Removed before encoding repair: zero-width characters, BOM, soft hyphen, U+FFFD, C0 controls.
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\ufffd\x00-\x08\x0e-\x1f\x7f]")
#: Removed after encoding repair (ftfy needs them to undo cp1252/latin-1 mojibake): C1 controls.
_C1_CONTROLS = re.compile(r"[\x80-\x9f]")
_SPACE_RUNS = re.compile(r" {2,}")
#: One-for-one character replacements (offsets unchanged): every kind of space
#: and tab becomes " ", every typographic apostrophe becomes "'".
_ONE_FOR_ONE = {
    **{ch: " " for ch in "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"},
    **{ch: "'" for ch in "’‘‛ʼ`´"},
}
_ONE_FOR_ONE_RE = re.compile("[" + "".join(_ONE_FOR_ONE) + "]")
#: Lines that may hold mojibake or HTML entities: only these go through ftfy.
_MOJIBAKE_LEAD = re.compile("[ÃÂÅÄÐÑÎâï&\u0080-\u009f]")
_MAYBE_MOJIBAKE = re.compile(
    "[ÃÂÅÄÐÑÎâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|ï»¿|[\u0080-\u009f]|&#?\\w+;"
)
_QUOTE = re.compile(r"[\"“”„‟«»]")
_TIME_THEN_DATE = re.compile(r"(\d:\d\d)(?=\d{1,2}[./]\d{1,2}[./]\d{2,4}\b)")
_DATE_THEN_TIME = re.compile(r"([./]\d{4})(?=\d{1,2}[:h]\d\d\b)")
#: What every match of ``_TIME_THEN_DATE`` holds; starts with a literal, so the search is fast.
_TIME_THEN_DATE_HINT = re.compile(r":\d\d\d")
_LINE_EDGE_SPACES = re.compile(r" +(?=\n)|(?<=\n) +|^ +| +$")
_BLANK_RUNS = re.compile(r"\n{3,}")
_EDGE_NEWLINES = re.compile(r"^\n+|\n+$")


def _quote_pass(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Direct every double quote (open or close, by parity within the line) and space it the French way.

    The spaces around each quote are replaced together with it; text is
    already free of tabs and exotic spaces (one-for-one pass).
    """
    pieces: list[str] = []
    new_offsets: list[int] = []
    last = 0  # end of the text already copied
    line_start = 0
    scanned = 0  # newlines before this index are accounted for
    is_open = False
    n = len(text)
    for m in _QUOTE.finditer(text):
        q = m.start()
        start, end = q, q + 1
        while start > last and text[start - 1] == " ":
            start -= 1
        while end < n and text[end] == " ":
            end += 1
        newline = text.rfind("\n", scanned, q)
        scanned = q + 1
        if newline >= 0:
            line_start, is_open = newline + 1, False
        ch = text[q]
        opening = ch == "«" or (ch != "»" and not is_open)
        is_open = opening
        before = text[start - 1] if start > line_start else "\n"
        after = text[end] if end < n else "\n"
        if opening:
            new = ("" if before in "\n([" else " ") + "«" + ("" if after == "\n" else " ")
        else:
            new = ("" if before == "\n" else " ") + "»" + (" " if (after.isalnum() or after in "«(") else "")
        old = text[start:end]
        if new == old:
            continue
        pieces.append(text[last:start])
        new_offsets.extend(offsets[last:start])
        pieces.append(new)
        anchor = offsets[q]
        new_offsets.extend([anchor] * len(new))
        last = end
    if not pieces:
        return text, offsets
    pieces.append(text[last:])
    new_offsets.extend(offsets[last:])
    return "".join(pieces), new_offsets


def _maybe_mojibake(text: str) -> bool:
    """Cheap test: could ftfy change anything in ``text``?"""
    return any(_MAYBE_MOJIBAKE.match(text, m.start()) for m in _MOJIBAKE_LEAD.finditer(text))


def _per_line(text: str, offsets: list[int], fix: Callable[[str], str]) -> tuple[str, list[int]]:
    """Apply ``fix`` to every line, aligning the offsets of each changed line with a character diff."""
    out: list[str] = []
    new_offsets: list[int] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        fixed = fix(line)
        out.append(fixed)
        new_offsets.extend(_align_diff(line, fixed, offsets[pos:end], offsets[end]))
        new_offsets.append(offsets[end])  # the "\n" (or the sentinel after the last line)
        pos = end + 1
    return "\n".join(out), new_offsets


def _fix_encoding(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Repair mojibake with ftfy, one line at a time (only lines that look damaged)."""
    import ftfy

    cfg = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, normalization="NFC", explain=False)

    def fix(line: str) -> str:
        if not _maybe_mojibake(line):
            return line
        # A line break that ftfy decodes (U+2028 from "â€¨") would split the line: it becomes a space.
        return _NEWLINES.sub(" ", ftfy.fix_text(line, cfg)).replace("\n", " ")

    return _per_line(text, offsets, fix)


def _compose(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """NFC, line by line, on the lines that are not already composed."""
    return _per_line(
        text, offsets, lambda line: line if unicodedata.is_normalized("NFC", line) else unicodedata.normalize("NFC", line)
    )


def _repair_encoding(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """ftfy on the lines that look damaged, then C1 controls out (and what ftfy decoded to invisible); NFC."""
    if _maybe_mojibake(text):
        text, offsets = _fix_encoding(text, offsets)
        text, offsets = _sub(_INVISIBLE, "", text, offsets)
    text, offsets = _sub(_C1_CONTROLS, "", text, offsets)
    if not unicodedata.is_normalized("NFC", text):
        text, offsets = _compose(text, offsets)
    return text, offsets


class Cleaner:
    """Callable that cleans one raw text into a :class:`CleanText`.

    Args:
        caption_labels: words that label a photo or video ("image", "photo", …);
            when one is glued to the sentence before it (``social.image:``) it is
            moved to a line of its own.
        glued_labels: page-furniture labels often glued to the next word
            ("Article suivant"); a space is put after them.
    """

    def __init__(self, caption_labels: Sequence[str] = (), glued_labels: Sequence[str] = ()) -> None:
        self.caption_labels = tuple(caption_labels)
        self.glued_labels = tuple(glued_labels)
        self._caption_lower = tuple(w.casefold() for w in self.caption_labels)
        self._glued_lower = tuple(w.casefold() for w in self.glued_labels)
        self._passes: list[tuple[re.Pattern[str], Replacement]] = []
        if self.caption_labels:
            words = "|".join(re.escape(w) for w in self.caption_labels)
            self._caption = re.compile(rf"([.!?…»])(?=(?:{words})[^\S\n]*:)", re.I)
        else:
            self._caption = None
        if self.glued_labels:
            words = "|".join(re.escape(w) for w in self.glued_labels)
            self._glued = re.compile(rf"^((?:{words}))(?=[^\W\d_])", re.I | re.M)
        else:
            self._glued = None

    @classmethod
    def from_params(cls, params: CleanParams) -> Cleaner:
        """Build from the ``clean`` section of params.yaml."""
        return cls(params.caption_labels, params.glued_labels)

    def to_params(self) -> dict[str, Any]:
        """The settings, as stored with a trained model."""
        return {"caption_labels": list(self.caption_labels), "glued_labels": list(self.glued_labels)}

    def __call__(self, raw: str) -> CleanText:
        """Clean ``raw``.  Never raises for any ``str``.

        Repairing one layer of damage can uncover another (ftfy judges a line
        by its context, and removing a control character can join two halves of
        a mojibake pair).  While the result still looks damaged, it is cleaned
        again (at most three rounds), so that cleaning is idempotent.
        """
        if not isinstance(raw, str):
            raise TypeError(f"clean() expects str, got {type(raw).__name__}")
        text, offsets = self._clean_once(raw)
        for _ in range(2):
            if not _maybe_mojibake(text):
                break
            again, inner = self._clean_once(text)
            if again == text:
                break
            text, offsets = again, [offsets[i] for i in inner]
        return CleanText(text, offsets)

    def _clean_once(self, raw: str) -> tuple[str, list[int]]:
        text, offsets = raw, list(range(len(raw) + 1))
        # Each pass runs only when a cheap substring test says it may match.
        if any(ch in text for ch in _NEWLINE_CHARS):
            text, offsets = _sub(_NEWLINES, "\n", text, offsets)
        if "<" in text:
            text, offsets = _sub(_HTML_BLOCK, "\n", text, offsets)
            text, offsets = _sub(_HTML_OTHER, "", text, offsets)
        text, offsets = _sub(_INVISIBLE, "", text, offsets)
        text, offsets = _repair_encoding(text, offsets)
        text = _ONE_FOR_ONE_RE.sub(lambda m: _ONE_FOR_ONE[m.group()], text)  # same length: offsets unchanged
        text, offsets = _quote_pass(text, offsets)
        if "  " in text:
            text, offsets = _sub(_SPACE_RUNS, " ", text, offsets)
        if ":" in text:
            if _TIME_THEN_DATE_HINT.search(text):
                text, offsets = _sub(_TIME_THEN_DATE, r"\1 ", text, offsets)
            text, offsets = _sub(_DATE_THEN_TIME, r"\1 ", text, offsets)
        if self._caption is not None or self._glued is not None:
            # Each label pass runs only when one of its labels occurs at all (the regexes try every position;
            # casefold() matches at least whatever re.IGNORECASE does).
            lower = text.casefold()
            if self._caption is not None and any(w in lower for w in self._caption_lower):
                text, offsets = _sub(self._caption, "\\1\n", text, offsets)
                lower = text.casefold()
            if self._glued is not None and any(w in lower for w in self._glued_lower):
                text, offsets = _sub(self._glued, r"\1 ", text, offsets)
        if " \n" in text or "\n " in text or text.startswith(" ") or text.endswith(" "):
            text, offsets = _sub(_LINE_EDGE_SPACES, "", text, offsets)
        if "\n\n\n" in text:
            text, offsets = _sub(_BLANK_RUNS, "\n\n", text, offsets)
        if text.startswith("\n") or text.endswith("\n"):
            text, offsets = _sub(_EDGE_NEWLINES, "", text, offsets)
        return text, offsets


def default_cleaner() -> Cleaner:
    """The cleaner configured by ``configs/params.yaml``."""
    from pipeline.params import load_params

    return Cleaner.from_params(load_params().clean)


# --------------------------------------------------------------------------- manifest


MANIFEST_FIELDS = ("file", "outlet", "url", "date", "language")
#: Where an article comes from (manifest column ``source``, ``scraped`` when the column is absent or empty).
SOURCES = ("scraped", "authored")


@dataclass(frozen=True)
class Article:
    """One row of ``seeds/articles.csv``."""

    article_id: str
    file: str
    outlet: str
    url: str
    date: str
    language: str
    source: str = "scraped"


def read_manifest(manifest: Path, seeds_dir: Path) -> list[Article]:
    """Read and check the article manifest against the files in ``seeds_dir``.

    Raises:
        InputError: a missing column, an empty or duplicate file name, a row
            whose file does not exist, a ``.txt`` file with no row, or two files
            with the same text.  The message names the file and line.
    """
    with open(manifest, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in MANIFEST_FIELDS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{manifest}:1: missing column(s) {', '.join(missing)}; expected {', '.join(MANIFEST_FIELDS)}")
        articles: list[Article] = []
        seen: dict[str, int] = {}
        for lineno, row in enumerate(reader, 2):
            name = (row.get("file") or "").strip()
            if not name:
                raise InputError(f"{manifest}:{lineno}: empty 'file' column")
            if name in seen:
                raise InputError(f"{manifest}:{lineno}: file {name!r} already listed on line {seen[name]}")
            seen[name] = lineno
            source = (row.get("source") or "scraped").strip()
            if source not in SOURCES:
                raise InputError(f"{manifest}:{lineno}: source {source!r} is not one of {', '.join(SOURCES)}")
            if not (seeds_dir / name).is_file():
                raise InputError(f"{manifest}:{lineno}: file {name!r} does not exist in {seeds_dir}")
            articles.append(
                Article(
                    article_id=Path(name).stem,
                    file=name,
                    outlet=(row.get("outlet") or "").strip(),
                    url=(row.get("url") or "").strip(),
                    date=(row.get("date") or "").strip(),
                    language=(row.get("language") or "fr").strip(),
                    source=source,
                )
            )
    unlisted = sorted(str(p.relative_to(seeds_dir)) for p in [*seeds_dir.glob("*.txt"), *seeds_dir.glob("authored/*.txt")]
                      if str(p.relative_to(seeds_dir)) not in seen)
    if unlisted:
        raise InputError(f"{manifest}: no row for {', '.join(unlisted)} in {seeds_dir}: add a line per article")
    return articles


def clean_articles(articles: Sequence[Article], seeds_dir: Path, cleaner: Cleaner) -> list[dict[str, Any]]:
    """Clean every article; one record each, with the raw hash and the offset runs."""
    records = []
    by_hash: dict[str, str] = {}
    for art in articles:
        path = seeds_dir / art.file
        if art.source == "authored":
            from pipeline.labelling.authored import parse_page

            raw = parse_page(path).text  # the page without its label tags
        else:
            raw = read_text(path)
        digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        if digest in by_hash:
            raise InputError(f"{path}: same text as {by_hash[digest]} (duplicate article); remove one of them")
        by_hash[digest] = art.file
        cleaned = cleaner(raw)
        if not cleaned.text:
            log.warning("%s: no text left after cleaning; the article gives no sentences", path)
        records.append(
            {
                "article_id": art.article_id,
                "file": art.file,
                "outlet": art.outlet,
                "url": art.url,
                "date": art.date,
                "language": art.language,
                "source": art.source,
                "raw_sha256": digest,
                "raw_length": len(raw),
                "text": cleaned.text,
                "offset_runs": cleaned.offset_runs(),
            }
        )
    return records
