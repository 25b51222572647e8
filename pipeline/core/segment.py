"""Stage 2, ``segment``: split cleaned French text into sentences with NLTK's Punkt.

Punkt runs fully offline: its French parameters are built from the abbreviation
list in ``configs/`` (no NLTK data is downloaded).  Rules Punkt cannot know come from
``docs/LABELS.md`` section 3:

* every line break ends a sentence (Punkt runs on one line at a time);
* ``…`` ends a sentence as ``.``, ``!`` and ``?`` do, and a closing quote or
  bracket stays with the sentence it closes;
* no break after French abbreviations, initials, numbers, dates, times, URLs,
  e-mail addresses or domain names (Punkt's own handling of tokens with inner
  periods plus the abbreviation table);
* the repairs of :meth:`Segmenter.line_spans` (runs like ``?!``, lower-case
  continuations after bracketed ``?)`` or dotted acronyms, ``...`` before a
  capital).

Each sentence carries ``start``/``end`` offsets into the *raw* text, through the
character map kept by :mod:`pipeline.core.clean`, and a stable key: a hash of the
article id, the sentence text and its occurrence number, so a label stays
attached to its sentence when other sentences are re-segmented.

Run as a DVC stage: ``python -m pipeline.core.segment``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import config
from pipeline.core.clean import CleanText

if TYPE_CHECKING:
    from pipeline.params import SegmentParams

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article.

    Attributes:
        index: position in the article (0-based).
        text: the cleaned sentence text.
        start, end: span of the sentence in the raw text (``raw[start:end]``).
        line: index of the cleaned line it stands on (0-based, blank lines count).
        n_lines: number of lines in the cleaned article (for relative position).
    """

    index: int
    text: str
    start: int
    end: int
    line: int
    n_lines: int


def read_word_list(path: Path | str) -> list[str]:
    """Read a word list from ``configs/``: one entry a line, ``#`` comments, blank lines ignored."""
    words = []
    with open(config.config_path(path), encoding="utf-8") as fh:
        for line in fh:
            entry = line.split("#", 1)[0].strip()
            if entry:
                words.append(entry.lower())
    return words


_ELLIPSIS_BEFORE_CAPITAL = re.compile(r"\.\.\.(?=\s+[«\"“(]?\s*[A-ZÀ-ÖØ-Þ])")
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
_LOWER_START = re.compile(r"[»”\"]?\s*[a-zà-öø-ÿ]")
_BRACKETED_END = re.compile(r"[?!…]\s*\)$")
_ACRONYM_END = re.compile(r"(?:\b[^\W\d_]{1,3}\.){2,}\s*[»”\"]?$")


class Segmenter:
    """French sentence splitter: Punkt with an abbreviation table, one line at a time.

    Args:
        abbreviations: lower-case abbreviations without their final period.
        initials_are_abbreviations: treat any single letter + period as an initial.
    """

    def __init__(self, abbreviations: Iterable[str], initials_are_abbreviations: bool = True) -> None:
        from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer

        class FrenchLanguageVars(PunktLanguageVars):
            sent_end_chars = (".", "?", "!", "…")

        self.abbreviations = sorted({a.lower().rstrip(".") for a in abbreviations})
        self.initials_are_abbreviations = initials_are_abbreviations
        params = PunktParameters()
        abbrevs = set(self.abbreviations)
        if initials_are_abbreviations:
            abbrevs |= set(string.ascii_lowercase) | set("àâçéèêëîïôöùûüÿæœ")
        params.abbrev_types = abbrevs
        self._punkt = PunktSentenceTokenizer(params, lang_vars=FrenchLanguageVars())

    @classmethod
    def from_params(cls, params: SegmentParams) -> Segmenter:
        """Build from the ``segment`` section of params.yaml."""
        return cls(read_word_list(params.abbreviations_file), params.initials_are_abbreviations)

    def to_params(self) -> dict[str, Any]:
        """The settings, as stored with a trained model (no file needed at prediction time)."""
        return {"abbreviations": self.abbreviations, "initials_are_abbreviations": self.initials_are_abbreviations}

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> Segmenter:
        """Inverse of :meth:`to_params`."""
        return cls(stored["abbreviations"], stored["initials_are_abbreviations"])

    def line_spans(self, line: str) -> list[tuple[int, int]]:
        """Sentence spans within one line: Punkt, then the repairs Punkt cannot know.

        * ``...`` followed by a capitalised word ends a sentence (Punkt keeps
          ellipses inside sentences when it has no training data);
        * a piece with no letter or digit (``!`` of ``?!``, ``).`` after
          ``(Christopher?)``) belongs to the sentence before it;
        * a lower-case continuation after ``?)``/``!)``/``…)`` or after a dotted
          acronym (``P.A.``, ``Ph.D.``, ``LL.AA.II.RR. »``) is the same sentence.
        """
        pieces: list[tuple[int, int]] = []
        for s, e in self._punkt.span_tokenize(line):
            cut = s
            for m in _ELLIPSIS_BEFORE_CAPITAL.finditer(line, s, e):
                pieces.append((cut, m.end()))
                cut = m.end()
            pieces.append((cut, e))
        out: list[tuple[int, int]] = []
        for s, e in pieces:
            while s < e and line[s].isspace():
                s += 1
            while e > s and line[e - 1].isspace():
                e -= 1
            if e <= s:
                continue
            if out:
                piece, prev = line[s:e], line[out[-1][0] : out[-1][1]]
                if not _HAS_WORD_CHAR.search(piece) or (
                    _LOWER_START.match(piece) and (_BRACKETED_END.search(prev) or _ACRONYM_END.search(prev))
                ):
                    out[-1] = (out[-1][0], e)
                    continue
            out.append((s, e))
        return out

    def spans(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, end, line)`` of every sentence in cleaned ``text`` (clean offsets).

        Punkt runs on one line at a time: every line break ends a sentence.
        """
        out: list[tuple[int, int, int]] = []
        pos = 0
        for lineno, line in enumerate(text.split("\n")):
            if line.strip():
                out.extend((pos + s, pos + e, lineno) for s, e in self.line_spans(line))
            pos += len(line) + 1
        return out

    def split(self, clean: CleanText) -> list[Sentence]:
        """Sentences of a cleaned text, with raw offsets."""
        n_lines = clean.text.count("\n") + 1
        sentences = []
        for i, (s, e, line) in enumerate(self.spans(clean.text)):
            raw_start, raw_end = clean.raw_span(s, e)
            sentences.append(Sentence(i, clean.text[s:e], raw_start, raw_end, line, n_lines))
        return sentences


def default_segmenter() -> Segmenter:
    """The segmenter configured by ``configs/params.yaml``."""
    from pipeline.params import load_params

    return Segmenter.from_params(load_params().segment)


def normalise_for_key(text: str) -> str:
    """The form of a sentence that its key hashes: NFC, single spaces, stripped."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def sentence_keys(article_id: str, texts: Sequence[str]) -> list[str]:
    """Stable keys for an article's sentences: ``sha1(article_id, text, occurrence)``, 16 hex digits.

    The occurrence number tells apart a sentence a page repeats (a lede shown twice).
    """
    seen: Counter[str] = Counter()
    keys = []
    for text in texts:
        norm = normalise_for_key(text)
        occurrence = seen[norm]
        seen[norm] += 1
        digest = hashlib.sha1(f"{article_id}\x1f{norm}\x1f{occurrence}".encode()).hexdigest()[:16]
        keys.append(digest)
    return keys


def segment_records(records: Iterable[dict[str, Any]], segmenter: Segmenter) -> list[dict[str, Any]]:
    """One row per sentence for cleaned article records (as written by the clean stage)."""
    rows: list[dict[str, Any]] = []
    for rec in records:
        clean = CleanText.from_runs(rec["text"], rec["offset_runs"], rec["raw_length"])
        sentences = segmenter.split(clean)
        keys = sentence_keys(rec["article_id"], [s.text for s in sentences])
        for sent, key in zip(sentences, keys):
            rows.append({"article_id": rec["article_id"], "key": key, "source": rec.get("source", "scraped"),
                         "file": rec.get("file", ""), "outlet": rec.get("outlet", ""), **asdict(sent)})
    return rows
