"""Stage 2, ``segment``: split cleaned French text into sentences.

NLTK's Punkt finds the candidate ends and runs fully offline: its French
parameters are built from the abbreviation list in ``configs/`` (no NLTK data is
downloaded).  The rules Punkt cannot know come from ``docs/LABELS.md`` section 3
and are applied to the cut points of each line, so that offsets never move:

* every line break ends a sentence (Punkt runs on one line at a time);
* ``…`` ends a sentence as ``.``, ``!`` and ``?`` do, a run such as ``?!``
  stays whole, and a closing quote or bracket stays with the sentence it closes;
* no break after the abbreviations of ``abbreviations_fr.txt`` (titles,
  ``cf.``, ``p.``, ``N°.``), initials, numbers, dates, times, URLs or e-mail
  addresses;
* after an *ambiguous* period (an abbreviation that may close a sentence,
  ``etc.``; a company form, ``Ltd.``; a dotted acronym, ``U.S.``, ``É.-U.``;
  a name spelt with ``!``, ``Yahoo!``) a sentence ends only when the next word
  is a frequent sentence starter (``sentence_starters_fr.txt``) or an opening
  quote or bracket;
* a word in lower case, or a ``,``/``;``/``:`` after a closing quote, never
  starts a sentence: it continues the one before (``« Encore ? » soupire-t-elle``);
* a stop glued to a capitalised word (``fin.Début``), and a time or dotted date
  glued to one (``21:40Le``), end a sentence as if a space stood there;
* inline lists: an item marker (``1.``, ``2)``, ``a.``, ``• 9.``) that belongs
  to a sequence on the line, or follows a bullet, starts a sentence of its own,
  and the marker stays with its item; a bullet (``•``) inside a line starts one;
* no break inside a bracket opened in the middle of a sentence and closed on
  the same line (``La fusion (annoncée l'an dernier !) est abandonnée.``).

Each sentence carries ``start``/``end`` offsets into the *raw* text, through the
character map kept by :mod:`pipeline.core.clean`, and a stable key: a hash of the
article id, the sentence text and its occurrence number, so a label stays
attached to its sentence when other sentences are re-segmented.

Run as a DVC stage: ``python -m pipeline.core.segment``.
"""

from __future__ import annotations

import bisect
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


def read_word_list(path: Path | str, lower: bool = True) -> list[str]:
    """Read a word list from ``configs/``: one entry a line, ``#`` comments, blank lines ignored."""
    words = []
    with open(config.config_path(path), encoding="utf-8") as fh:
        for line in fh:
            entry = line.split("#", 1)[0].strip()
            if entry:
                words.append(entry.lower() if lower else entry)
    return words


_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zà-öø-ÿ"
_CLOSERS = "»”\"'’)]"
_CLOSERS_RE = re.escape(_CLOSERS)
_OPENERS = "«“([{"
_BULLETS = "•▪►◦‣"
_ELLIPSIS_BEFORE_CAPITAL = re.compile(rf"\.\.\.(?=\s+[«\"“(]?\s*[{_UPPER}])")
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
#: A piece that continues the sentence before it: closing quotes, then a lower-case letter or , ; : ) ]
_CONTINUES = re.compile(rf"[{_CLOSERS_RE}\s]*(?:[{_LOWER}]|[,;:])")
#: Something glued to a capitalised word: a stop (``renvoyée.Le``, ``2025).Les``, ``1 000.Cela``), a
#: time (``21:40Le``, ``06h02Les``) or a dotted date (``17.05.2023Le``); checked further in ``_glued_cuts``.
_GLUED = re.compile(rf"[.!?…{_CLOSERS_RE}0-9](?=[{_UPPER}][{_LOWER}'’])")
_STOP_GLUED_AFTER = re.compile(rf"[{_LOWER}0-9{_CLOSERS_RE}][.!?…][{_CLOSERS_RE}]*$")
_STAMP_GLUED_AFTER = re.compile(r"(?:\d[:h]\d\d|\d[./]\d\d[./]\d{4})$")
_BULLET_ANY = re.compile(rf"[{_BULLETS}]")
#: A piece that is only a list marker ("1.", "• 2.", "a)"): it belongs to the item after it.
_MARKER_ONLY = re.compile(rf"[{_BULLETS}]?\s*(?:\d{{1,3}}|[^\W\d_])(?:\.\)|\)|\.)")
_BULLET_INSIDE = re.compile(rf"(?<=\s)[{_BULLETS}](?=\s)")
#: A dotted acronym: two or more groups of one to three letters, each with its period (U.S., É.-U., O.N.U., Ph.D.).
_DOTTED = re.compile(r"(?:[^\W\d_]{1,3}\.-?){2,}")
#: A stop or a closing bracket, with closing quotes, before a space: where an ambiguous period or
#: the end of a list item marker (``1.``, ``2)``, ``3.)``) may stand.
_STOP_BEFORE_SPACE = re.compile(rf"[.!?)][{_CLOSERS_RE}]*(?= )")
_ELISION = re.compile(r"[^\W\d_]['’]")
_ANY_STOP = re.compile(r"[.!?…]")
_TRAILING = _CLOSERS + ".!?… "
_BRACKET = re.compile(r"[()\[\]]")
_FIRST_TOKEN = re.compile(r"[^\s,;:!?.»”\")\]]+")


@dataclass(frozen=True)
class _ListMarker:
    """A possible list item marker on a line (``1.``, ``2)``, ``3.)``, ``a.``, ``• b)``).

    Attributes:
        start: where its item would start: at its bullet if one stands before it, else at the marker.
        kind: ``"n"`` (one to three digits), ``"l"`` (a lower-case letter) or ``"u"`` (an upper-case letter).
        punct: what closes it: ``.``, ``)`` or ``.)``.
        value: its rank: the number, or the letter's place in the alphabet (a = 1).
        opens: it may open a sequence: a bullet stands before it, or it opens the line, or it follows ``.:;!?…»)``.
        bullet: a bullet stands before it.
    """

    start: int
    kind: str
    punct: str
    value: int
    opens: bool
    bullet: bool


#: Letter markers that look like initials (``A. Martin``): they continue a sequence only where one may open.
_INITIAL_LIKE = (("l", "."), ("u", "."))
#: What may stand before the first marker of a sequence (besides the line start or a bullet).
_BEFORE_SEQUENCE = ".:;!?…»)"


def _bullet_cuts(line: str) -> set[int]:
    """The positions of the bullets that stand between spaces inside ``line``."""
    if not _BULLET_ANY.search(line):
        return set()
    return {m.start() for m in _BULLET_INSIDE.finditer(line)}


def _marker_rank(text: str) -> tuple[str, int] | None:
    """The kind and value of a marker's text without its punctuation (``"12"``, ``"b"``), or None if it is none."""
    if text.isdigit() and len(text) <= 3 and text.isascii():
        return "n", int(text)
    if len(text) == 1 and "a" <= text.lower() <= "z":
        return ("l" if text.islower() else "u"), ord(text.lower()) - 96
    return None


def _previous_non_space(line: str, pos: int) -> int:
    """The index of the last character before ``pos`` that is not a space (-1 if there is none)."""
    j = pos - 1
    while j >= 0 and line[j] == " ":
        j -= 1
    return j


def _list_marker(line: str, stop: re.Match[str]) -> _ListMarker | None:
    """The list marker that ``stop`` (a match of ``_STOP_BEFORE_SPACE``) closes, or None if it closes none.

    A marker is the word before the stop when it is one to three digits or one letter (a bullet may be
    glued before it) closed by ``.``, ``)`` or ``.)``; a bullet before it, glued or with spaces
    between, makes it a bulleted item.
    """
    punct = stop.group()
    if punct not in (".", ")", ".)"):
        return None
    end = stop.start()
    start = line.rfind(" ", 0, end) + 1
    if end - start > 4 or end == start:
        return None  # a marker is at most a bullet and three digits
    text = line[start:end]
    bullet = text[:1] in _BULLETS and len(text) > 1
    rank = _marker_rank(text[1:] if bullet else text)
    if rank is None:
        return None
    kind, value = rank
    before = _previous_non_space(line, start)
    if not bullet and before >= 0 and line[before] in _BULLETS:
        bullet, start = True, before
        before = _previous_non_space(line, before)
    opens = bullet or before < 0 or line[before] in _BEFORE_SEQUENCE
    return _ListMarker(start, kind, punct, value, opens, bullet)


def _sequence_starts(markers: Sequence[_ListMarker]) -> set[int]:
    """The item starts of the markers that form sequences (1, 2, 3 or a, b, c, same punctuation) of two or more.

    A sequence begins at a marker that opens (see :class:`_ListMarker`) and, for letters, is ``a``;
    each later marker of the same kind and punctuation with the next value joins it, wherever it
    stands, unless it looks like an initial and does not open.  A marker joins one sequence at most.
    """
    used: set[int] = set()
    starts: set[int] = set()
    for i, first in enumerate(markers):
        if i in used or not first.opens or (first.kind != "n" and first.value != 1):
            continue
        style = (first.kind, first.punct)
        chain, want = [i], first.value + 1
        for j in range(i + 1, len(markers)):
            later = markers[j]
            if ((later.kind, later.punct) == style and later.value == want
                    and (later.opens or style not in _INITIAL_LIKE)):
                chain.append(j)
                want += 1
        if len(chain) >= 2:
            used.update(chain)
            starts.update(markers[k].start for k in chain)
    return starts


class Segmenter:
    """French sentence splitter: Punkt with an abbreviation table, one line at a time, then the §3 rules.

    Args:
        abbreviations: lower-case abbreviations after which a period never ends a sentence.
        initials_are_abbreviations: treat any single letter + period as an initial.
        final_abbreviations: abbreviations that may close a sentence (``etc``).
        company_forms: legal forms written after a company name (``inc``, ``s.a``).
        names: names spelt with a final ``!`` or ``?`` (``Yahoo!``).
        sentence_starters: lower-case words that open a sentence after an ambiguous period.
    """

    def __init__(
        self,
        abbreviations: Iterable[str],
        initials_are_abbreviations: bool = True,
        final_abbreviations: Iterable[str] = (),
        company_forms: Iterable[str] = (),
        names: Iterable[str] = (),
        sentence_starters: Iterable[str] = (),
    ) -> None:
        from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer

        class FrenchLanguageVars(PunktLanguageVars):
            sent_end_chars = (".", "?", "!", "…")

        self.abbreviations = sorted({a.lower().rstrip(".") for a in abbreviations})
        self.initials_are_abbreviations = initials_are_abbreviations
        self.final_abbreviations = sorted({a.lower().rstrip(".") for a in final_abbreviations})
        self.company_forms = sorted({a.lower().rstrip(".") for a in company_forms})
        self.names = sorted({n.strip() for n in names if n.strip()})
        self.sentence_starters = sorted({w.lower() for w in sentence_starters})
        params = PunktParameters()
        abbrevs = set(self.abbreviations)
        if initials_are_abbreviations:
            abbrevs |= set(string.ascii_lowercase) | set("àâçéèêëîïôöùûüÿæœ")
        params.abbrev_types = abbrevs
        self._punkt = PunktSentenceTokenizer(params, lang_vars=FrenchLanguageVars())
        self._never_final = frozenset(self.abbreviations)
        self._starters = frozenset(self.sentence_starters)
        self._starter_prefixes = frozenset(w for w in self._starters if w.endswith(("'", "’")))
        self._forms = frozenset({*self.final_abbreviations, *self.company_forms})
        self._names = frozenset(n.lower() for n in self.names)

    @classmethod
    def from_params(cls, params: SegmentParams) -> Segmenter:
        """Build from the ``segment`` section of params.yaml."""
        return cls(
            read_word_list(params.abbreviations_file),
            params.initials_are_abbreviations,
            read_word_list(params.final_abbreviations_file),
            read_word_list(params.company_forms_file),
            read_word_list(params.names_file, lower=False),
            read_word_list(params.sentence_starters_file),
        )

    def to_params(self) -> dict[str, Any]:
        """The settings, as stored with a trained model (no file needed at prediction time)."""
        return {
            "abbreviations": self.abbreviations,
            "initials_are_abbreviations": self.initials_are_abbreviations,
            "final_abbreviations": self.final_abbreviations,
            "company_forms": self.company_forms,
            "names": self.names,
            "sentence_starters": self.sentence_starters,
        }

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> Segmenter:
        """Inverse of :meth:`to_params`."""
        return cls(
            stored["abbreviations"],
            stored["initials_are_abbreviations"],
            stored["final_abbreviations"],
            stored["company_forms"],
            stored["names"],
            stored["sentence_starters"],
        )

    # ------------------------------------------------------------------ cut points of one line

    def _list_cuts(self, line: str, stops: Sequence[re.Match[str]]) -> set[int]:
        """Where inline list items start (before their bullet or marker): these cuts are never undone.

        A marker is an item when a bullet stands before it, or when it belongs to a
        sequence on the line (1, 2, 3 or a, b, c, same punctuation) whose first marker
        opens the line or follows ``.:;!?…»)``.  Later markers of a sequence may
        follow any word (``1) les retraites 2) l'école``), except letter markers with
        a period, which look like initials (``A. Martin et B. Durand``).
        ``stops`` are the matches of ``_STOP_BEFORE_SPACE`` on the line.
        """
        markers = [marker for stop in stops if (marker := _list_marker(line, stop)) is not None]
        cuts = _bullet_cuts(line) | {m.start for m in markers if m.bullet} | _sequence_starts(markers)
        first_word = len(line) - len(line.lstrip())
        return {c for c in cuts if c > first_word}

    def _glued_cuts(self, line: str) -> list[int]:
        """Cuts where a stop, a time or a dotted date is glued to a capitalised word (not in URLs or e-mails)."""
        cuts = []
        for m in _GLUED.finditer(line):
            pos = m.end()
            head = line[max(0, pos - 12) : pos]
            if _STAMP_GLUED_AFTER.search(head):
                cuts.append(pos)
                continue
            if not _STOP_GLUED_AFTER.search(head):
                continue
            token = line[line.rfind(" ", 0, pos) + 1 : pos]
            if "://" in token or "@" in token or token.lower().startswith("www."):
                continue
            word = token.lstrip(_OPENERS).rstrip(_CLOSERS).rstrip(".!?…").lower()
            if word.rsplit(".", 1)[-1] in self._never_final:
                continue
            cuts.append(pos)
        return cuts

    def _is_ambiguous(self, token: str) -> bool:
        """Is ``token`` (a word up to its stop) a period that may or may not end a sentence?

        True for a final abbreviation or company form with its period, a listed
        name (``Yahoo!``) or a dotted acronym, after an optional elided article.
        """
        core = token.lstrip(_OPENERS)
        if len(core) > 2 and core[1] in "'’" and _ELISION.match(core):
            core = core[2:]
        core = core.lower()
        if core in self._names:
            return True
        if not core.endswith("."):
            return False
        if core[:-1] in self._forms:
            return True
        return core.count(".") >= 2 and _DOTTED.fullmatch(core) is not None

    def _starts_sentence(self, line: str, pos: int) -> bool:
        """Does ``line[pos:]`` (``pos`` at a non-space) open a new sentence after an ambiguous period?"""
        ch = line[pos]
        if ch in _OPENERS or ch in _BULLETS:
            return True
        m = _FIRST_TOKEN.match(line, pos)
        if m is None or not ch.isupper():
            return False
        token = m.group().lower()
        if token in self._starters:
            return True
        for sep in ("'", "’"):
            if sep in token and token[: token.index(sep) + 1] in self._starter_prefixes:
                return True
        return False

    def _cuts(self, line: str) -> tuple[list[int], set[int]]:
        """Sorted sentence starts within ``line`` (each at a non-space, 0 excluded) and the forced ones (list items)."""
        n = len(line)
        first_stop = _ANY_STOP.search(line)
        if (
            (first_stop is None or first_stop.start() >= len(line.rstrip(_TRAILING)))
            and ")" not in line
            and not _BULLET_ANY.search(line)
            and not _GLUED.search(line)
        ):
            return [], set()  # no stop inside the line, no list, nothing glued: one sentence
        stops = list(_STOP_BEFORE_SPACE.finditer(line))
        forced = self._list_cuts(line, stops)
        glued = self._glued_cuts(line)
        cuts: set[int] = forced.union(glued) if glued else set(forced)
        bounds = [0, *sorted(cuts), n] if cuts else [0, n]
        for a, b in zip(bounds, bounds[1:]):
            chunk = line[a:b]
            first_stop = _ANY_STOP.search(chunk)
            if first_stop is None or first_stop.start() >= len(chunk.rstrip(_TRAILING)):
                continue  # no stop, or only the closing run: one sentence, no need to ask Punkt
            for s, _ in self._punkt.span_tokenize(chunk):
                if s:
                    cuts.add(a + s)
            if "..." in chunk:
                for m in _ELLIPSIS_BEFORE_CAPITAL.finditer(chunk):
                    c = a + m.end()
                    while c < n and line[c].isspace():
                        c += 1
                    cuts.add(c)
        # Ambiguous periods: a sentence ends there only before a sentence starter.
        for m in stops:
            if line[m.start()] == ")":
                continue
            stop = m.start() + 1
            start = line.rfind(" ", 0, stop) + 1
            if stop - start > 24 or not self._is_ambiguous(line[start:stop]):
                continue
            end = m.end()
            pos = end
            while pos < n and line[pos].isspace():
                pos += 1
            if pos >= n or pos in forced:
                continue
            if self._starts_sentence(line, pos):
                cuts.add(pos)
            else:
                cuts.discard(pos)
        cuts.discard(n)
        if not cuts:
            return [], forced
        # Joins: pieces that cannot start a sentence go with the one before.
        ordered = sorted(cuts)
        kept: list[int] = []
        for i, c in enumerate(ordered):
            if c in forced:
                kept.append(c)
                continue
            nxt = ordered[i + 1] if i + 1 < len(ordered) else n
            prev = kept[-1] if kept else 0
            if (
                _CONTINUES.match(line, c)
                or not _HAS_WORD_CHAR.search(line, c, nxt)
                or (c - prev < 10 and _MARKER_ONLY.fullmatch(line[prev:c].strip()))
            ):
                continue
            kept.append(c)
        if kept and ("(" in line or "[" in line):
            kept = self._keep_brackets_whole(line, kept, forced)
        return kept, forced

    @staticmethod
    def _keep_brackets_whole(line: str, cuts: list[int], forced: set[int]) -> list[int]:
        """Drop the cuts inside a bracket opened mid-sentence and closed on the line."""
        pairs: list[tuple[int, int]] = []
        stack: list[int] = []
        for m in _BRACKET.finditer(line):
            if m.group() in "([":
                stack.append(m.start())
            elif stack:
                pairs.append((stack.pop(), m.start()))
        if not pairs:
            return cuts
        drop: set[int] = set()
        for o, c in sorted(pairs):
            live = [x for x in cuts if x not in drop]
            k = bisect.bisect_right(live, o)
            sentence_start = live[k - 1] if k else 0
            if not _HAS_WORD_CHAR.search(line, sentence_start, o):
                continue  # the bracket opens its sentence: "(Le chiffre d'affaires stagne.)"
            inside = [x for x in live if o < x <= c]
            if any(x in forced for x in inside):
                continue
            drop.update(inside)
        return [x for x in cuts if x not in drop]

    def line_spans(self, line: str) -> list[tuple[int, int]]:
        """Sentence spans within one line (see the module docstring for the rules)."""
        cuts, _ = self._cuts(line)
        out: list[tuple[int, int]] = []
        for s, e in zip([0, *cuts], [*cuts, len(line)]):
            while s < e and line[s].isspace():
                s += 1
            while e > s and line[e - 1].isspace():
                e -= 1
            if e > s:
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
