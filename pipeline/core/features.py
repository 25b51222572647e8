"""Feature extraction for both models, as scikit-learn transformers.

Models take *sentence records*: dicts built by :func:`context_records` from an
article's sentences, with the sentence text and its place in the page (line,
neighbours, headline).  Keeping records as plain dicts (no pandas) keeps
``predict()`` light to import.

* :class:`TextField` selects one text field for a vectoriser;
* :class:`FrenchAnalyzer` lower-cases, strips accents, splits elisions
  (``l'avocat`` → ``l avocat``), stems with NLTK's French Snowball stemmer and
  makes word n-grams; :class:`CharNgramAnalyzer` makes character n-grams
  inside words;
* :class:`CachedTfidfVectorizer`: ``TfidfVectorizer`` whose ``transform``
  looks terms up once per distinct token (same matrix, several times faster);
* :class:`PageFeatures`: position, length, shape, date/time patterns,
  capitalisation, the headline (found after the top furniture,
  :func:`find_headline`) and similarity to it, the neighbours' shape, and the
  labelling-rule votes (boilerplate model);
* :class:`CueFeatures`: counts of attribution and framing cues from
  ``configs/cues.yaml`` (stance model).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import chain, repeat
from operator import itemgetter
from typing import Any, NamedTuple, TypedDict

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from pipeline.core.lexicon import LexiconIndex
from pipeline.core.rules import RuleSet, has_upper_case

class SentenceRecord(TypedDict, total=False):
    """What the models read about one sentence: its text and its place in the page.

    Built by :func:`context_records` (page context), then, for training and
    evaluation, given its labels by :func:`pipeline.core.data.records_from_rows`.
    """

    doc: Any  # the article, so that models can tell articles apart in a batch
    text: str
    index: int  # sentence index in the article
    n_sentences: int
    line: int  # cleaned-text line of the sentence
    n_lines: int
    line_sentences: int  # sentences on the same line
    prev_text: str
    next_text: str
    prev_same_line: bool
    headline: str  # the article's headline (:func:`find_headline`); "" on a page without a body
    is_headline: bool  # no record is the headline on a page without a body (a tag or listing page)
    topic_share: float
    cohesion: float
    block_headlines: float  # share of the neighbouring lines that look like headlines (no final punctuation)
    block_short: float  # share of the neighbouring lines that are short, one-sentence lines
    block_dated: float  # share of the neighbouring lines with a date or time
    after_teaser_heading: float  # 1.0 in the lines after "Sur le même sujet", "Les plus lus" … until a body resumes
    in_comment_area: float  # 1.0 in the lines after a comment-area heading ("12 commentaires", "Vos réactions")
    in_list: float  # 1.0 for the short items of a list inside the article and the line ending with ":" that introduces them (:func:`_list_items`)
    in_dated_items: float  # 1.0 in a block of dated teaser items: headline, summary, date … (:func:`_dated_items`)
    cut_off_body: float  # 1.0 for a paragraph the scraper cut off (:func:`_cut_off_body`)
    opens_article: float  # 1.0 for the standfirst right below the headline (:func:`_article_opening`)
    # labels, on training and evaluation records only
    article_id: str
    key: str
    boilerplate: bool | None
    stance: str | None
    label_source: str
    source: str  # scraped or authored
    outlet: str
    rule_boilerplate: bool | None
    rule_stance: str | None


Record = SentenceRecord
#: Lines on each side whose shape makes a sentence's block (teaser lists, menus, link lists).
BLOCK_LINES = 3

_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*|[«»?!]")
_ELISION = re.compile(r"\b([cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)'", re.I)


_CONTENT_WORD = re.compile(r"[^\W\d_]{5,}")
#: How many of an article's most widespread content words make its "topic".
TOPIC_TERMS = 8
#: Words from which a line ending with sentence punctuation is prose (a paragraph, not a headline or a label).
PROSE_MIN_WORDS = 12
#: A page needs a run of this many prose lines to have an article (and so a headline) of its own.
MIN_BODY_RUN = 2
#: Lines shorter than this ("Publicité", "Partager") neither break nor extend a run of prose lines.
SHORT_LINE_WORDS = 5


def _content_words(text: str) -> set[str]:
    """Accent-free words of five letters or more (skips most French function words)."""
    return set(_CONTENT_WORD.findall(strip_accents(text)))


def context_records(texts: Sequence[str], lines: Sequence[int], n_lines: int, doc: Any = 0) -> list[Record]:
    """Sentence records for one article, in order, with their page context.

    Besides position and neighbours, each record gets two unsupervised topic
    features computed from the article alone: ``topic_share``, the share of the
    article's most widespread content words that the sentence contains, and
    ``cohesion``, the mean share of the article's sentences that contain each of
    its content words.  Teasers of other stories score low on both.  Page
    structure: the headline (none on a page without a body, :func:`_body_runs`),
    the shape of the lines around (``block_*``), the lines after a teaser-block
    heading (``after_teaser_heading``), the comment area below the article
    (``in_comment_area``), the items of a list inside the article (``in_list``),
    blocks of dated teaser items (``in_dated_items``), a paragraph cut off by the
    scraper (``cut_off_body``) and the standfirst below the headline (``opens_article``).

    Args:
        texts: the article's sentences, in order.
        lines: the cleaned-text line index of each sentence.
        n_lines: number of lines in the cleaned article.
        doc: an id for the article, so models can tell articles apart in a batch.
    """
    n = len(texts)
    per_line: dict[int, int] = {}
    for line in lines:
        per_line[line] = per_line.get(line, 0) + 1
    page = page_lines(texts, lines)
    runs = _body_runs(page)
    # A page without a body (a tag or listing page of teasers) has no headline of its own.
    head = find_headline(texts, lines, per_line) if max(runs, default=0) >= MIN_BODY_RUN else None
    headline = texts[head] if head is not None else ""
    opening = _article_opening(page, lines[head]) if head is not None else set()
    words = [_content_words(t) for t in texts]
    spread: dict[str, int] = {}
    for ws in words:
        for w in ws:
            spread[w] = spread.get(w, 0) + 1
    topic = {w for w, _ in sorted(spread.items(), key=lambda kv: (-kv[1], kv[0]))[:TOPIC_TERMS]}
    blocks = _block_shapes(page)
    after_heading = _after_teaser_heading(page, runs)
    in_comments = _comment_area(page, runs)
    in_list = _list_items(page)
    protected = set(opening) | ({lines[head]} if head is not None else set())
    dated = _dated_items(page, protected)
    cut_off = _cut_off_body(page, after_heading)
    records = []
    for i, (text, line) in enumerate(zip(texts, lines)):
        ws = words[i]
        records.append(
            {
                "doc": doc,
                "topic_share": len(ws & topic) / len(topic) if topic else 0.0,
                "cohesion": (sum(spread[w] - 1 for w in ws) / len(ws) / max(n - 1, 1)) if ws else 0.0,
                "text": text,
                "index": i,
                "n_sentences": n,
                "line": line,
                "n_lines": n_lines,
                "line_sentences": per_line[line],
                "prev_text": texts[i - 1] if i > 0 else "",
                "next_text": texts[i + 1] if i + 1 < n else "",
                "prev_same_line": i > 0 and lines[i - 1] == line,
                "headline": headline,
                "is_headline": i == head,
                **blocks[line],
                "after_teaser_heading": after_heading[line],
                "in_comment_area": in_comments[line],
                "in_list": in_list[line],
                "in_dated_items": dated[line],
                # inside the page, a teaser of another story shares no topic word with it (_cut_off_body)
                "cut_off_body": 1.0 if line in cut_off and (not cut_off[line] or ws & topic) else 0.0,
                "opens_article": 1.0 if line in opening else 0.0,
            }
        )
    return records


#: A menu separator, or the opening of a byline, a date line or a taxonomy line ("Catégories : …", "Tags : …").
_MENU_MARK = re.compile(r"[|›»>/·•▾]|^(?:par|by|publié|mis à jour|le \d+)\b|"
                        r"^(?:catégories?|categories|tags?|mots[- ]clés|rubriques?|thèmes?|topics|filed under)\s*:", re.I)


class PageLine(NamedTuple):
    """One line of a page, with the sentences on it."""

    line: int
    parts: list[str]
    whole: str
    n_words: int
    is_prose: bool  # PROSE_MIN_WORDS words or more, ending with sentence punctuation


def page_lines(texts: Sequence[str], lines: Sequence[int]) -> list[PageLine]:
    """The page's lines in order, from its sentences (``texts``) and their line indices (``lines``)."""
    joined: dict[int, list[str]] = {}
    for text, line in zip(texts, lines):
        joined.setdefault(line, []).append(text)
    out = []
    for line, parts in joined.items():
        whole = " ".join(parts)
        n_words = len(_WORD.findall(whole))
        out.append(PageLine(line, parts, whole, n_words,
                            n_words >= PROSE_MIN_WORDS and bool(_END_PUNCT.search(parts[-1]))))
    return out


def _body_runs(page: Sequence[PageLine]) -> list[int]:
    """For each line, the length of the run of prose lines it ends (0 on a line that is not prose).

    A short line (under :data:`SHORT_LINE_WORDS` words: "Publicité", "Partager") neither breaks nor
    extends a run, so an ad label between two paragraphs does not split a body; a paragraph of three
    sentences or more counts as two lines (a one-paragraph brief has a body too).
    """
    runs, run = [], 0
    for pl in page:
        if pl.is_prose:
            run += 2 if len(pl.parts) >= 3 else 1
            runs.append(run)
        else:
            if pl.n_words >= SHORT_LINE_WORDS:
                run = 0
            runs.append(0)
    return runs


def longest_prose_run(texts: Sequence[str], lines: Sequence[int]) -> int:
    """The longest run of prose lines on the page (:func:`_body_runs`).

    An article has a body: paragraphs one after another.  A tag or listing page
    alternates one-line summaries with teaser headlines, so its runs stay at 1.
    """
    return max(_body_runs(page_lines(texts, lines)), default=0)


#: A cookie or consent prompt: prose, but furniture above the headline, so no end of the page's top.
_CONSENT_PROMPT = re.compile(r"\bcookies?\b|\btraceurs\b|\bnos partenaires\b|\bvotre consentement\b|\byour consent\b",
                             re.I)


def find_headline(texts: Sequence[str], lines: Sequence[int], per_line: Mapping[int, int] | None = None) -> int:
    """Index of the page's headline: the last headline-like sentence before its first prose line.

    A scraped page often opens with furniture (menus, breadcrumbs, a cookie
    prompt), so the first sentence is not the headline.  Headline-like: alone
    on its line, 4–25 words, starts with a capital letter, no final full stop,
    no menu separator and not a byline or a date.  Prose: 12 words or more,
    ending with sentence punctuation, other than a cookie or consent prompt.  Falls back to the first sentence.
    ``per_line`` (sentences on each line) is counted from ``lines`` unless given.
    """
    if per_line is None:
        per_line = Counter(lines)
    candidate = None
    for i, (text, line) in enumerate(zip(texts, lines)):
        n_words = len(_WORD.findall(text))
        if n_words >= PROSE_MIN_WORDS and _END_PUNCT.search(text) and not _CONSENT_PROMPT.search(text):
            break
        if (per_line[line] == 1 and 4 <= n_words <= 25 and text[:1].isupper() and not text.rstrip().endswith(".")
                and not _MENU_MARK.search(text)):
            candidate = i
    return candidate if candidate is not None else 0


#: A teaser block's heading at the start of a line that is not prose ("Sur le même sujet", "Les plus lus :",
#: "Lire aussi : <a title>"): an inline link's line opens a block too, which measured better on every
#: checklist part than headings alone on their line (frozen 0.919 against 0.914).
_TEASER_HEADING = re.compile(
    r"^(?:à lire (?:aussi|également)|lire (?:aussi|également)|sur le même (?:sujet|thème)|dans la même rubrique|"
    r"les plus (?:lus|partagés|commentés)|articles? (?:similaires?|liés|associés)|vous aimerez aussi|à découvrir|"
    r"à voir aussi|voir aussi|nos derniers articles|dernières actualités|derniers articles|en ce moment|"
    r"plus d'articles|à la une(?: sur| de| du)?|related(?: articles| stories)?|read more|more on this story)\b", re.I)
#: Lines after a teaser-block heading that count as in its block, unless a body resumes first.
TEASER_BLOCK_LINES = 12


def _after_teaser_heading(page: Sequence[PageLine], runs: Sequence[int]) -> dict[int, float]:
    """1.0 for a line that follows a teaser-block heading ("Sur le même sujet", "Les plus lus" …) within
    :data:`TEASER_BLOCK_LINES` lines, until a body resumes (a run of :data:`MIN_BODY_RUN` prose lines that
    starts after the heading)."""
    out: dict[int, float] = {}
    since = None  # lines since the last heading, None outside a block
    for pl, run in zip(page, runs):
        if since is not None:
            since += 1
            if since > TEASER_BLOCK_LINES or min(run, since) >= MIN_BODY_RUN:
                since = None
        out[pl.line] = 1.0 if since is not None else 0.0
        if not pl.is_prose and _TEASER_HEADING.match(pl.whole.strip()):
            since = 0
    return out


#: A comment area's heading, alone on its line.  Not a bare "Réactions" or "Les réactions": those are
#: also intertitles of articles ("Les réactions politiques").
_COMMENT_HEADING = re.compile(
    r"^(?:\d+\s+)?(?:commentaires?|comments?|avis des lecteurs)\s*(?:\(\d+\))?\s*:?$|"
    r"^(?:\d+ réactions?|réactions\s*\(\d+\)|vos (?:réactions|commentaires))\s*:?$|"
    r"^(?:laisser|laissez|ajouter|écrire|poster|publier) un commentaire|^(?:join the|leave a) (?:discussion|comment)",
    re.I)
#: Lines after a comment-area heading that count as comments.
COMMENT_AREA_LINES = 30


def _comment_area(page: Sequence[PageLine], runs: Sequence[int]) -> dict[int, float]:
    """1.0 for a line within :data:`COMMENT_AREA_LINES` lines after a comment-area heading ("12 commentaires",
    "Vos réactions", "Laisser un commentaire" …) that comes after the article's body.

    Readers' comments are long prose, so unlike a teaser block a run of prose does not end the area.  The
    boilerplate model's :class:`~pipeline.core.models.RuleFloor` treats these lines like a rule's (LABELS.md §4:
    readers' comments belong to the comment area).  A comment counter above the article ("12 commentaires"
    by the byline) opens no area."""
    out: dict[int, float] = {}
    since = None
    had_body = False
    for pl, run in zip(page, runs):
        had_body = had_body or run >= MIN_BODY_RUN
        if since is not None:
            since += 1
            if since > COMMENT_AREA_LINES:
                since = None
        out[pl.line] = 1.0 if since is not None else 0.0
        if had_body and _COMMENT_HEADING.match(pl.whole.strip()):
            since = 0
    return out


#: Words from which the line right below the headline is its standfirst (not a byline or a date).
STANDFIRST_MIN_WORDS = 8


def _article_opening(page: Sequence[PageLine], head_line: int) -> set[int]:
    """The line right below the headline's line when it is a standfirst: :data:`STANDFIRST_MIN_WORDS` words or
    more, ending with sentence punctuation, with no date and no byline or menu mark (``_MENU_MARK``: "Par …",
    "Publié …", " | "), below a headline that looks like one (4–25 words, no menu mark; not the fallback to
    the first line).  LABELS.md §1 makes the subtitle article text, and on a scraped page the byline, photo
    credit or date that follows it makes it look like furniture."""
    order = [pl.line for pl in page]
    k = order.index(head_line)
    head = page[k].whole
    if not (4 <= page[k].n_words <= 25) or _MENU_MARK.search(head) or k + 1 >= len(page):
        return set()
    below = page[k + 1]
    if (below.n_words >= STANDFIRST_MIN_WORDS and _END_PUNCT.search(below.whole)
            and not _MENU_MARK.search(below.whole) and not _DATE.search(below.whole)):
        return {below.line}
    return set()


#: A list item: a line of at most this many words with no sentence punctuation at its end.
LIST_ITEM_WORDS = 12
#: Items after one introducing sentence that count as its list.
LIST_ITEMS = 8
#: Words from which a line ending with ":" is a sentence that introduces a list (not "Lire aussi :").
LIST_INTRO_WORDS = 5
#: Words from which a line ending with ":" introduces a list wherever it stands (after an intertitle or a
#: photo credit too, not only after a body sentence), unless it addresses the reader (:data:`_READER_ADDRESS`).
LIST_INTRO_SENTENCE_WORDS = 8
#: A line that speaks to the reader ("Retrouvez nos articles sur …", "Découvrez notre sélection :") is a
#: site's prompt, not an article sentence introducing a list.
#: The verbs of a site's prompts to its reader ("Retrouvez …", "Recevez …", "Merci d'avoir lu …").
_PROMPT_VERBS = "retrouvez|découvrez|lisez|consultez|suivez|recevez|inscrivez|abonnez|cliquez|signalez|notez|merci"
_READER_ADDRESS = re.compile(rf"\b(?:nos|vos|notre|votre|vous|{_PROMPT_VERBS}|lecteurs|our|your|you)\b", re.I)
#: What ends a list: a menu or breadcrumb separator between spaces, a byline ("Xbox Series X|S" and "• 780
#: millions …" are items).
_NOT_AN_ITEM = re.compile(r"\s[|›»>·]\s|^(?:par|by|publié|mis à jour)\b", re.I)
#: Words from which a label ending with ":" inside the body introduces a list ("Les plus :").
LIST_LABEL_WORDS = 2
#: Labels ending with ":" that introduce furniture, not a list of the article: tags, sharing, sources, links.
_NOT_A_LIST = re.compile(r"^(?:tags?|mots[- ]clés|catégories?|categories|thèmes?|sujets?|rubriques?|partager|"
                         r"share|sources?|liens?|links?|topics|pour aller plus loin|crédits?|légende)\b", re.I)
#: Sentence punctuation at the end of a line (unlike ``_END_PUNCT``, not a closing bracket: "Bing (moteur)" is a
#: list item).
_SENTENCE_END = re.compile(r"[.!?…»]\s*$")


def _list_items(page: Sequence[PageLine]) -> dict[int, float]:
    """1.0 for the items of a list inside the article, and for the line that introduces them: up to
    :data:`LIST_ITEMS` short lines (:data:`LIST_ITEM_WORDS` words at most, no final sentence punctuation, no
    teaser heading, menu separator or byline: :data:`_NOT_AN_ITEM`) right after a line of the body that ends
    with ":" ("La lettre énumère les services concernés :" then "Bing", "Azure" …).

    The introducing line must not address the reader nor open a teaser block ("Sur le même sujet :") or
    label furniture ("Mots-clés :", "Partager :": :data:`_NOT_A_LIST`), and must have
    :data:`LIST_INTRO_SENTENCE_WORDS` words or more (after an intertitle or a photo credit too), or
    :data:`LIST_INTRO_WORDS` words or more right after a body sentence (a line that ends with sentence
    punctuation: not "Partager"), or :data:`LIST_LABEL_WORDS` words or more inside the body: a paragraph in
    the two lines above, or the items of the list before ("Les plus :" … "Les moins :" …).  LABELS.md §4
    makes such items article text; the boilerplate model's :class:`~pipeline.core.models.RuleFloor` treats
    them like an ``article_text`` rule's lines."""
    out = {pl.line: 0.0 for pl in page}
    previous: PageLine | None = None
    items = None  # items seen since the introducing line, None outside a list
    intro = None  # the introducing line
    for k, pl in enumerate(page):
        text = pl.whole.strip()
        if items is not None:
            if (items < LIST_ITEMS and pl.n_words <= LIST_ITEM_WORDS and not _SENTENCE_END.search(text)
                    and not _TEASER_HEADING.match(text) and not _NOT_AN_ITEM.search(text)):
                out[pl.line] = 1.0
                if intro is not None:  # a line that introduces items is the article's too (not a box's label)
                    out[intro] = 1.0
                items += 1
                previous = pl
                continue
            items = None
        after_sentence = (previous is not None and previous.n_words >= LIST_INTRO_WORDS
                          and bool(_SENTENCE_END.search(previous.whole.strip())))
        # a short label ending with ":" inside the body ("Les plus :", "Voici ce que propose le casque :"):
        # a paragraph just above (across an intertitle), or the items of the list before ("Les moins :")
        in_body = (any(page[j].is_prose for j in range(max(0, k - 2), k))
                   or (k > 0 and out[page[k - 1].line] == 1.0))
        if (text.endswith(":") and not _TEASER_HEADING.match(text) and not _NOT_A_LIST.match(text)
                and not _READER_ADDRESS.search(text)
                and (pl.n_words >= LIST_INTRO_SENTENCE_WORDS or (after_sentence and pl.n_words >= LIST_INTRO_WORDS)
                     or (in_body and pl.n_words >= LIST_LABEL_WORDS))):
            items, intro = 0, pl.line
        previous = pl
    return out


#: A date line of a teaser item: a calendar date ("19 mai 2023", "19.05.2023") or a relative one ("il y a 7 h",
#: "hier"), with at most :data:`DATE_LINE_WORDS` words (an author or a reading time may come with it).  A bare
#: time ("14h05") is not one: live blogs put one above each entry, which is article text.
_RELATIVE_DATE = re.compile(r"\bil y a \d+\s*(?:min|h|heures?|jours?|j)\b|^(?:hier|aujourd'hui|avant-hier)\b|"
                            r"\b\d+\s*(?:h|min|hours?|days?) ago\b", re.I)
DATE_LINE_WORDS = 12
#: Lines of one teaser item between two date lines (headline, summary, source), and items in a row that make a block.
DATED_ITEM_LINES = 3
DATED_ITEMS_MIN = 2
#: Words from which an item's first line is a teaser headline (not "Lecture 3 min" or "Vidéo").
ITEM_HEADLINE_WORDS = 4


#: Words from which a line without final punctuation right after a paragraph is the body cut off by the
#: scraper ("… on a le droit d'être scept"), not a headline or a teaser title (LABELS.md §4: article text).
CUT_OFF_WORDS = 14
#: Furniture lines ("Publicité", a newsletter box and its button) that may stand between a page's cut-off
#: last line and the article text above it.
CUT_OFF_GAP = 2
#: Such furniture: an ad label, a live blog's time, a call to the reader ("Abonnez-vous …", "S'inscrire").
#: Not a label that introduces what follows ("Article suivant", "Recommandé pour vous", "© Reuters", a name).
_GAP_FURNITURE = re.compile(r"^(?:publicité|annonce|pub|advertisement|sponsorisé|\d{1,2}\s?[h:]\s?\d{2})$|"
                            r"^s'inscrire$|\b(?:abonnez|inscrivez|recevez|téléchargez|subscribe|sign up)\b", re.I)
#: A line that opens with a label of up to three words ("Vidéo — …", "Anonyme_4417 : …", "Newsletter : …") is
#: a teaser, a comment or a box, not a paragraph.
_LEADING_LABEL = re.compile(r"\S+(?:\s+\S+){0,2}\s*[—–:]\s")


#: A site's prompt to the reader ("Recevez …", "Retrouvez tous nos articles …", "Merci d'avoir lu …"); a
#: paragraph may say "vous" in a quotation, so the reader's pronouns alone do not count here.
_CALL_TO_ACTION = re.compile(rf"\b(?:{_PROMPT_VERBS}|téléchargez|télécharger|subscribe|sign up|click|download)\b", re.I)


def _cut_off_body(page: Sequence[PageLine], after_heading: Mapping[int, float]) -> dict[int, bool]:
    """Paragraphs the scraper cut off, each with whether it must also share a topic word with the page: a line
    of :data:`CUT_OFF_WORDS` words or more with no final punctuation, no menu mark, no leading label and no
    call to the reader (:data:`_CALL_TO_ACTION`), whose last sentence has half as many words or more.

    Such a line that ends the page (where scrapers stop), outside a teaser block (``after_heading``), after a
    sentence line directly or across a few furniture lines (:func:`_sentence_before`: "Publicité", a
    newsletter box, a live blog's time) needs no topic word.  One inside the page right after a prose line
    does: :func:`context_records` asks it to share a topic word with the page, which a teaser of another story
    does not.
    """
    out: dict[int, bool] = {}
    for k in range(1, len(page)):
        pl = page[k]
        last = pl.parts[-1].rstrip()
        if not (pl.n_words >= CUT_OFF_WORDS and not _END_PUNCT.search(last)
                and len(_WORD.findall(last)) >= CUT_OFF_WORDS // 2  # not a box's "Je m'inscris"
                and not _MENU_MARK.search(pl.whole) and not _LEADING_LABEL.match(pl.whole)
                and not _CALL_TO_ACTION.search(pl.whole)):
            continue
        if k == len(page) - 1 and not after_heading[pl.line] and _sentence_before(page, k):
            out[pl.line] = False
        elif page[k - 1].is_prose:
            out[pl.line] = True
    return out


def _is_sentence_line(pl: PageLine) -> bool:
    """A line of :data:`SHORT_LINE_WORDS` words or more that ends with sentence punctuation."""
    return pl.n_words >= SHORT_LINE_WORDS and bool(_END_PUNCT.search(pl.parts[-1].rstrip()))


def _sentence_before(page: Sequence[PageLine], k: int) -> bool:
    """Whether line ``k`` follows a sentence line, directly or across up to :data:`CUT_OFF_GAP` lines of
    furniture that introduce nothing (:data:`_GAP_FURNITURE`: an ad label, a time, a call to the reader) when
    the line before those is prose."""
    for j in range(k - 1, max(-1, k - 2 - CUT_OFF_GAP), -1):
        if _is_sentence_line(page[j]) if j == k - 1 else page[j].is_prose:
            return True
        if not _GAP_FURNITURE.search(page[j].whole.strip()):
            return False  # a teaser's or a caption's label, a name: what follows is theirs
    return False


def _headline_like(pl: PageLine) -> bool:
    """A line shaped like a headline: one sentence of 2 to 20 words, no final punctuation, a capital first."""
    last = pl.parts[-1].rstrip()
    return len(pl.parts) == 1 and 2 <= pl.n_words <= 20 and not _END_PUNCT.search(last) and last[:1].isupper()


#: What may stand beside the date on a teaser's date line ("Publié le …", "Par Inès Carrat · …", "3 min de lecture").
_DATE_FILLER = re.compile(r"\b(?:publié|mis|à|jour|le|la|il|y|a|lecture|min|minutes?|par|by|modifié|actualisé|"
                          r"updated|published|on|at|de)\b|[^\w\s]", re.I)
#: Words besides the date and its filler from which a line with a date is a sentence, not a date line.
DATE_LINE_OTHER_WORDS = 3


def _is_date_line(pl: PageLine) -> bool:
    """A teaser's date line: mostly a date ("19 mai 2023", "il y a 7 h", "Par Inès Carrat · 19.05.2023"), not a
    sentence that holds one ("La lettre est datée du 28 avril 2023.") nor an embedded post's attribution."""
    text = pl.whole
    if pl.n_words > DATE_LINE_WORDS or "@" in text or text.rstrip().endswith("."):
        return False
    if not (_DATE.search(text) or _RELATIVE_DATE.search(text)):
        return False
    rest = _DATE_FILLER.sub(" ", _RELATIVE_DATE.sub(" ", _TIME.sub(" ", _DATE.sub(" ", text))))
    return len([w for w in rest.split() if not w.isdigit()]) <= DATE_LINE_OTHER_WORDS


def _dated_items(page: Sequence[PageLine], protected: set[int]) -> dict[int, float]:
    """1.0 for the lines of a block of dated teaser items: :data:`DATED_ITEMS_MIN` or more items in a row,
    each of 1 to :data:`DATED_ITEM_LINES` lines of one or two sentences that open with a headline-like line,
    separated by date lines (:func:`_is_date_line`).  A tag page or a related-articles list repeats headline,
    summary, date; an article has one date line above a long body.  No item holds a line of the article's
    body (a prose line right after another) or a ``protected`` line (the page's headline and standfirst)."""
    out = {pl.line: 0.0 for pl in page}
    dates = [k for k, pl in enumerate(page) if _is_date_line(pl)]
    if len(dates) < DATED_ITEMS_MIN:
        return out
    bounds = [-1, *dates, len(page)]
    # items: the lines between consecutive date lines (and before the first, after the last); before a date
    # line, a longer stretch ends with an item when one of its last lines is headline-like (the first item of
    # a block right below the article's body: "…body. | Headline | Summary | date")
    items, trimmed = [], []
    for j in range(len(bounds) - 1):
        a, b = bounds[j] + 1, bounds[j + 1]
        cut = a
        if b - a > DATED_ITEM_LINES and b < len(page):
            cut = next((k for k in range(b - 1, b - DATED_ITEM_LINES - 1, -1) if _headline_like(page[k])), a)
        items.append((cut, b))
        trimmed.append(cut > a)  # a trimmed item can open a block, not continue one across the body
    short = [0 < b - a <= DATED_ITEM_LINES and _headline_like(page[a]) and page[a].n_words >= ITEM_HEADLINE_WORDS
             and all(len(page[k].parts) <= 2 and page[k].line not in protected
                     and not (page[k].is_prose and k > 0 and page[k - 1].is_prose)  # two paragraphs: a body
                     for k in range(a, b))
             for a, b in items]
    j = 0
    while j < len(items):
        end = j + 1 if short[j] else j
        while end < len(items) and short[end] and not trimmed[end]:
            end += 1
        if end - j >= DATED_ITEMS_MIN:
            for a, b in items[j:end]:
                for k in range(a, min(b + 1, len(page))):  # the item and the date line after it
                    out[page[k].line] = 1.0
        j = max(end, j + 1)
    return out


def _block_shapes(page: Sequence[PageLine]) -> dict[int, dict[str, float]]:
    """For each line, the shape of the :data:`BLOCK_LINES` lines around it (itself excluded).

    A teaser list, a menu or a column of related links is a run of short lines
    that look like headlines, often with dates; an article body is a run of
    long lines that end with punctuation.  Unsupervised and page-local.
    """
    order = [pl.line for pl in page]
    shapes = []
    for pl in page:
        last = pl.parts[-1].rstrip()
        shapes.append((
            1.0 if 2 <= pl.n_words <= 16 and not _END_PUNCT.search(last) and last[:1].isupper() else 0.0,
            1.0 if len(pl.parts) == 1 and pl.n_words <= 14 else 0.0,
            1.0 if _DIGIT.search(pl.whole) and (_DATE.search(pl.whole) or _TIME.search(pl.whole)) else 0.0,
        ))
    out: dict[int, dict[str, float]] = {}
    for k, line in enumerate(order):
        around = shapes[max(0, k - BLOCK_LINES):k] + shapes[k + 1:k + 1 + BLOCK_LINES]
        n = len(around)
        out[line] = {name: (sum(s[j] for s in around) / n if n else 0.0)
                     for j, name in enumerate(("block_headlines", "block_short", "block_dated"))}
    return out


def _accent_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {cp: None for cp in range(0x0300, 0x0370)}  # combining marks
    for cp in range(0x00C0, 0x0250):
        base = "".join(ch for ch in unicodedata.normalize("NFKD", chr(cp)) if not unicodedata.combining(ch))
        if base.isascii() and base and base != chr(cp):
            table[cp] = base.lower()
    table.update({ord("œ"): "oe", ord("Œ"): "oe", ord("æ"): "ae", ord("Æ"): "ae", ord("ß"): "ss"})
    return table


_ACCENTS = _accent_table()
#: Distinct texts whose accent-free form :func:`strip_accents` keeps.
ACCENT_CACHE_MAX = 20_000


@functools.lru_cache(maxsize=ACCENT_CACHE_MAX)
def strip_accents(text: str) -> str:
    """Lower-case and remove accents (``Élysée`` → ``elysee``, ``œuvre`` → ``oeuvre``).

    Memoised: several feature blocks fold the same sentence, and ``str.translate``
    with a table costs more than the memo's lookup.
    """
    return text.lower().translate(_ACCENTS)


#: word -> accent-free stem (a bounded cache shared by all analysers).
_STEM_CACHE: dict[str, str] = {}
_STEM_CACHE_MAX = 100_000
_STEMMER = None


def _stem_token(word: str) -> str:
    """Stem with NLTK's French Snowball (which needs the accents), then strip accents; cached."""
    global _STEMMER
    token = _STEM_CACHE.get(word)
    if token is None:
        if _STEMMER is None:
            from nltk.stem.snowball import FrenchStemmer

            _STEMMER = FrenchStemmer()
        token = strip_accents(_STEMMER.stem(word))
        if len(_STEM_CACHE) < _STEM_CACHE_MAX:
            _STEM_CACHE[word] = token
    return token


class TokenAnalyzer:
    """Base of analysers whose terms decompose over tokens (for :class:`CachedTfidfVectorizer`).

    A document's terms are each token's own terms (:meth:`token_terms`) plus
    n-grams of adjacent tokens' keys (:meth:`joined`).  Because a token always
    gives the same terms, a vectoriser can look them up once per distinct token
    and cache the vocabulary indices, instead of building and hashing every
    term string of every sentence.  Subclasses define :meth:`split` and
    :meth:`token_terms`; calling the analyser gives the full term list, which
    is what scikit-learn's generic ``TfidfVectorizer`` path uses in ``fit``.
    """

    #: (min_n, max_n) of joined n-grams of adjacent token keys; (1, 1) joins nothing.
    join_range: tuple[int, int] = (1, 1)

    def split(self, text: str) -> Sequence[str]:
        raise NotImplementedError

    def token_terms(self, token: str) -> tuple[str, list[str]]:
        """The token's key (used in joined n-grams) and the terms it gives on its own."""
        raise NotImplementedError

    def joined(self, keys: list[str]) -> list[str]:
        lo, hi = self.join_range
        out: list[str] = []
        for n in range(max(lo, 2), hi + 1):
            out.extend(" ".join(keys[i : i + n]) for i in range(len(keys) - n + 1))
        return out

    def __call__(self, text: str) -> list[str]:
        keys: list[str] = []
        terms: list[str] = []
        for token in self.split(text):
            key, own = self.token_terms(token)
            keys.append(key)
            terms.extend(own)
        terms.extend(self.joined(keys))
        return terms


#: The word tokens of the last sentences split (about one batch of articles).
_SPLIT_MEMO: dict[str, tuple[str, ...]] = {}
_SPLIT_MEMO_MAX = 8192


class FrenchAnalyzer(TokenAnalyzer):
    """French word n-grams: lower-cased, accent-free, elisions split, optionally stemmed.

    ``l'avocat`` gives ``l`` and ``avocat``; with ``stem``, NLTK's French
    Snowball stemmer runs on the accented word before accents are removed.

    Args:
        ngram_range: (min_n, max_n) word n-grams.
        stem: apply the stemmer (stems are cached).
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 2), stem: bool = True) -> None:
        self.ngram_range = tuple(ngram_range)
        self.stem = stem

    @property
    def join_range(self) -> tuple[int, int]:  # type: ignore[override]
        return self.ngram_range  # type: ignore[return-value]

    def split(self, text: str) -> Sequence[str]:
        # Both models split the same sentences, one after the other: the second reads a small memo.
        tokens = _SPLIT_MEMO.get(text)
        if tokens is None:
            tokens = tuple(_TOKEN.findall(_ELISION.sub(r"\1 ", text).lower()))
            if len(_SPLIT_MEMO) >= _SPLIT_MEMO_MAX:
                _SPLIT_MEMO.clear()
            _SPLIT_MEMO[text] = tokens
        return tokens

    def token_terms(self, token: str) -> tuple[str, list[str]]:
        key = _stem_token(token) if self.stem else strip_accents(token)
        return key, ([key] if self.ngram_range[0] <= 1 else [])


class CharNgramAnalyzer(TokenAnalyzer):
    """Character n-grams inside words of the accent-free, lower-cased text.

    The same terms as ``TfidfVectorizer(analyzer="char_wb", preprocessor=strip_accents)``:
    each word is padded with a space on both sides, and a word shorter than
    ``n`` counts once, whole.
    """

    def __init__(self, ngram_range: tuple[int, int] = (3, 4)) -> None:
        self.ngram_range = tuple(ngram_range)

    def split(self, text: str) -> list[str]:
        return strip_accents(text).split()

    def token_terms(self, token: str) -> tuple[str, list[str]]:
        lo, hi = self.ngram_range
        w = f" {token} "
        size = len(w)
        out: list[str] = []
        for n in range(lo, hi + 1):
            if size <= n:
                out.append(w)
                break
            out.extend(w[i : i + n] for i in range(size - n + 1))
        return token, out


#: Distinct tokens whose vocabulary indices a vectoriser keeps (per vectoriser).
TOKEN_CACHE_MAX = 50_000
_TERM_SEP = "\x00"


class _PackedVocabulary(NamedTuple):
    """A saved vocabulary: its terms in index order, joined by ``_TERM_SEP``."""

    terms: str
    size: int


class CachedTfidfVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` whose ``transform`` looks terms up once per distinct token.

    ``fit`` is scikit-learn's.  With a :class:`TokenAnalyzer`, ``transform``
    maps each token to the vocabulary indices of its terms through a bounded
    cache and builds the count matrix directly; the result equals
    ``TfidfVectorizer.transform`` (tests compare the two), several times
    faster, since most tokens of a new article were seen before.  Other
    analysers, or non-default ``binary``/``dtype``, take the generic path.
    """

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())  # a copy: Python's default is the live __dict__
        state.pop("_token_cache", None)  # a cache is not part of a saved model
        vocab = state.get("vocabulary_")
        if vocab is not None:
            terms = sorted(vocab, key=vocab.__getitem__)
            if all(_TERM_SEP not in t for t in terms) and [vocab[t] for t in terms] == list(range(len(terms))):
                # One string instead of a dict: joblib's unpickler is pure Python and would
                # otherwise read the vocabulary term by term (most of predict()'s model loading time).
                state["vocabulary_"] = _PackedVocabulary(_TERM_SEP.join(terms), len(terms))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        vocab = state.get("vocabulary_")
        if isinstance(vocab, _PackedVocabulary):
            terms = vocab.terms.split(_TERM_SEP) if vocab.size else []
            state["vocabulary_"] = dict(zip(terms, range(len(terms))))
        super().__setstate__(state)

    def transform(self, raw_documents: Any) -> Any:
        analyzer = self.analyzer
        if not isinstance(analyzer, TokenAnalyzer) or self.binary or self.dtype is not np.float64:
            return super().transform(raw_documents)
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        check_is_fitted(self, "vocabulary_")
        from scipy import sparse
        from sklearn.preprocessing import normalize

        vocab = self.vocabulary_
        cache = self.__dict__.setdefault("_token_cache", {})
        split = analyzer.split
        tokens_per_doc = [split(doc) for doc in raw_documents]
        n_docs = len(tokens_per_doc)
        tokens = list(chain.from_iterable(tokens_per_doc))
        hits = list(map(cache.get, tokens))  # (key, vocabulary indices of the token's own terms)
        if None in hits:
            for i, hit in enumerate(hits):
                if hit is not None:
                    continue
                hit = cache.get(tokens[i])  # met earlier in this batch
                if hit is None:
                    key, terms = analyzer.token_terms(tokens[i])
                    hit = (key, np.array([vocab[t] for t in terms if t in vocab], dtype=np.int64))
                    if len(cache) >= TOKEN_CACHE_MAX:
                        cache.clear()
                    cache[tokens[i]] = hit
                hits[i] = hit
        n_tokens = np.fromiter(map(len, tokens_per_doc), dtype=np.int64, count=n_docs)
        ids = list(map(itemgetter(1), hits))
        # Each token's own terms, document after document: a CSR matrix as it stands.
        per_token = np.concatenate([[0], np.cumsum(np.fromiter(map(len, ids), dtype=np.int64, count=len(ids)))])
        indptr = per_token[np.concatenate([[0], np.cumsum(n_tokens)])]
        indices = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
        X = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(n_docs, len(vocab)))
        lo, hi = analyzer.join_range
        keys = list(map(itemgetter(0), hits)) if hi > 1 else []
        token_doc = np.repeat(np.arange(n_docs), n_tokens) if keys else None
        rows, cols = [], []
        for n in range(max(lo, 2), min(hi, len(keys)) + 1):
            # Every run of n adjacent tokens, kept where it lies within one document and is in the vocabulary.
            grams = map(" ".join, zip(*(keys[k:] for k in range(n))))
            found = np.fromiter(map(vocab.get, grams, repeat(-1)), dtype=np.int64, count=len(keys) - n + 1)
            first_doc = token_doc[: len(keys) - n + 1]
            keep = (found >= 0) & (first_doc == token_doc[n - 1 :])
            rows.append(first_doc[keep])
            cols.append(found[keep])
        if rows:
            row, col = np.concatenate(rows), np.concatenate(cols)
            X = X + sparse.csr_matrix((np.ones(len(col)), (row, col)), shape=(n_docs, len(vocab)))
        X.sum_duplicates()
        if self.sublinear_tf:
            np.log(X.data, X.data)
            X.data += 1.0
        if self.use_idf:
            X.data *= self.idf_[X.indices]
        if self.norm is not None:
            X = normalize(X, norm=self.norm, copy=False)
        return X


class TextField(BaseEstimator, TransformerMixin):
    """Select one string field of the records (``text`` by default)."""

    def __init__(self, field: str = "text") -> None:
        self.field = field

    def fit(self, X: Sequence[Record], y: Any = None) -> TextField:
        return self

    def transform(self, X: Sequence[Record]) -> list[str]:
        return [r[self.field] for r in X]

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray([self.field], dtype=object)


_DATE = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}(er)? (janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)\w* \d{4}\b", re.I)
_TIME = re.compile(r"\b\d{1,2}[:h]\d{2}\b")
_WORD = re.compile(r"[^\W\d_]+", re.U)
_END_PUNCT = re.compile(r"[.!?…»)]\s*$")
_DIGIT = re.compile(r"\d")


#: Names of the columns of :func:`_shape`, in order.
SHAPE_FEATURES = ("log_chars", "log_words", "ends_with_punctuation", "digit_share", "has_date", "has_time",
                  "capitalised_word_share", "upper_case_word_share", "ends_with_colon", "has_quote")


def _shape(text: str) -> list[float]:
    words = _WORD.findall(text)
    n_words = len(words)
    n_chars = max(len(text), 1)
    caps = sum(1 for w in words if w[0].isupper())
    upper_words = sum(1 for w in words if len(w) > 1 and w.isupper())
    digits = len(_DIGIT.findall(text))
    return [
        math.log1p(len(text)),
        math.log1p(n_words),
        1.0 if _END_PUNCT.search(text) else 0.0,
        digits / n_chars,
        1.0 if digits and _DATE.search(text) else 0.0,  # both patterns need a digit
        1.0 if digits and _TIME.search(text) else 0.0,
        caps / n_words if n_words else 0.0,
        upper_words / n_words if n_words else 0.0,
        1.0 if text.rstrip().endswith(":") else 0.0,
        1.0 if "«" in text else 0.0,
    ]


class PageFeatures(BaseEstimator, TransformerMixin):
    """Dense page features of a sentence record: where it is and what it looks like.

    Args:
        rules_spec: the parsed ``configs/rules.yaml``; its boilerplate rules'
            votes (for the sentence and its neighbours) become features.  None
            leaves them out.
        position: include the relative position in the page (line and
            sentence index).  Strong on a few pages that all end with
            furniture, it can also flag the last sentence of a clean article.
    """

    def __init__(self, rules_spec: dict[str, Any] | None = None, position: bool = True) -> None:
        self.rules_spec = rules_spec
        self.position = position

    def fit(self, X: Sequence[Record], y: Any = None) -> PageFeatures:
        self.rules_ = RuleSet(self.rules_spec) if self.rules_spec else None
        return self

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """One name per column of :meth:`transform`, in order."""
        check_is_fitted(self, "rules_")
        names = ["relative_line", "relative_index", "relative_line_squared"] if self.position else []
        names += ["is_first_sentence", "is_headline", "alone_on_its_line", "log_sentences_on_line",
                  "same_line_as_previous", "headline_overlap", "topic_share", "cohesion",
                  "block_headlines", "block_short", "block_dated", "after_teaser_heading",
                  "neighbour_rule_votes",
                  *SHAPE_FEATURES, "log_previous_chars", "previous_ends_with_punctuation",
                  "log_next_chars", "next_ends_with_punctuation"]
        if self.rules_ is None:
            names.append("no_rules")
        else:
            names += [f"rule_{r.name}" for r in self.rules_.boilerplate_rules] + ["any_rule"]
        return np.asarray(names, dtype=object)

    def _votes(self, text: str, previous: str) -> list[float]:
        if self.rules_ is None or not text:
            return [0.0] if self.rules_ is None else [0.0] * (len(self.rules_.boilerplate_rules) + 1)
        votes = self.rules_.boilerplate_votes(text, previous)
        return [float(v) for v in votes] + [float(any(votes))]

    def transform(self, X: Sequence[Record]) -> np.ndarray:
        rows = []
        headline_words: dict[str, set[str]] = {}
        for r in X:
            rel_line = r["line"] / max(r["n_lines"] - 1, 1)
            rel_index = r["index"] / max(r["n_sentences"] - 1, 1)
            prev, nxt = r["prev_text"], r["next_text"]
            neighbour_votes = 0.0
            if self.rules_ is not None:
                neighbour_votes = float(bool(prev and self.rules_.boilerplate(prev))) + float(
                    bool(nxt and self.rules_.boilerplate(nxt))
                )
            if not r["is_headline"]:
                hw = headline_words.get(r["headline"])
                if hw is None:
                    hw = headline_words[r["headline"]] = set(_WORD.findall(strip_accents(r["headline"])))
                words = set(_WORD.findall(strip_accents(r["text"])))
                overlap = len(words & hw) / len(words | hw) if words and hw else 0.0
            else:
                overlap = 1.0
            position = [rel_line, rel_index, rel_line**2] if self.position else []
            row = [
                *position,
                1.0 if r["index"] == 0 else 0.0,
                1.0 if r["is_headline"] else 0.0,
                1.0 if r["line_sentences"] == 1 else 0.0,
                math.log1p(r["line_sentences"]),
                1.0 if r["prev_same_line"] else 0.0,
                overlap,
                r["topic_share"],
                r["cohesion"],
                r["block_headlines"],
                r["block_short"],
                r["block_dated"],
                r["after_teaser_heading"],
                neighbour_votes,
                *_shape(r["text"]),
                math.log1p(len(prev)),
                1.0 if prev and _END_PUNCT.search(prev) else 0.0,
                math.log1p(len(nxt)),
                1.0 if nxt and _END_PUNCT.search(nxt) else 0.0,
                *self._votes(r["text"], prev),
            ]
            rows.append(row)
        return np.asarray(rows, dtype=float).reshape(len(rows), -1)


def neighbour_features(records: Sequence[Record], p: np.ndarray, window: int) -> np.ndarray:
    """Second-stage features from first-stage probabilities ``p`` of records in page order.

    Per record: its own probability, those of the ``window`` sentences before
    and after it in the same article (0 past the edges), the mean of the
    window, the share of the article that comes after it, and the mean
    probability of everything after it and before it.
    """
    n = len(records)
    out = np.zeros((n, 2 * window + 6))
    start = 0
    while start < n:
        end = start
        while end < n and records[end]["doc"] == records[start]["doc"]:
            end += 1
        probs = p[start:end]
        m = end - start
        csum = np.concatenate([[0.0], np.cumsum(probs)])
        for i in range(m):
            row = out[start + i]
            row[0] = probs[i]
            for k in range(1, window + 1):
                row[2 * k - 1] = probs[i - k] if i - k >= 0 else 0.0
                row[2 * k] = probs[i + k] if i + k < m else 0.0
            lo, hi = max(0, i - window), min(m, i + window + 1)
            row[2 * window + 1] = (csum[hi] - csum[lo]) / (hi - lo)
            row[2 * window + 2] = (m - 1 - i) / max(m - 1, 1)
            row[2 * window + 3] = (csum[m] - csum[i + 1]) / (m - 1 - i) if i + 1 < m else 0.0
            row[2 * window + 4] = csum[i] / i if i > 0 else 0.0
            row[2 * window + 5] = min(probs[i], row[2 * window + 1])
        start = end
    return out


def continues_quotation(record: Record) -> bool:
    """True when the sentence is inside a quotation opened in the sentence before it.

    Either the previous sentence (on the same line) opens more « than it closes,
    or this sentence closes a » it did not open.
    """
    prev = record["prev_text"]
    if not prev or not record.get("prev_same_line", False):
        return False
    text = record["text"]
    return prev.count("«") > prev.count("»") or text.count("»") > text.count("«")


class CueFeatures(BaseEstimator, TransformerMixin):
    """Counts of attribution and framing cues (``configs/cues.yaml``), one column per group.

    Patterns are written in lower case and matched against the lower-cased
    sentence.

    A quotation often runs over several sentences while only the first names
    its speaker (« … a déclaré un porte-parole : « Nous examinerons … . Nous
    sommes impatients … »).  With ``quote_context``, a second set of columns
    holds the cue counts of the previous sentence when this one continues a
    quotation opened there (zeros otherwise), so the speaker carries over.

    Args:
        cues: mapping of group name to a list of regular expressions.
        quote_context: add the quotation-context columns.
    """

    def __init__(self, cues: dict[str, list[str]] | None = None, quote_context: bool = True) -> None:
        self.cues = cues
        self.quote_context = quote_context

    def fit(self, X: Sequence[Record], y: Any = None) -> CueFeatures:
        self.groups_ = sorted((self.cues or {}).keys())
        for g in self.groups_:
            for p in self.cues[g]:
                if has_upper_case(p):
                    raise ValueError(f"cue group {g!r}: write patterns in lower case (they match lower-cased text): {p!r}")
        # Matched against the lower-cased sentence without re.IGNORECASE (about twice as fast), each group's
        # alternation over only the entries whose literals occur (LexiconIndex: one pass a sentence).
        try:
            self.index_ = LexiconIndex({g: {g: self.cues[g]} for g in self.groups_})
        except ValueError as exc:
            raise ValueError(f"cue group {exc}") from None
        return self

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        names = [f"cue_{g}" for g in self.groups_]
        if self.quote_context:
            names += [f"quoted_from_{g}" for g in self.groups_]
        return np.asarray(names, dtype=object)

    def _counts(self, text: str) -> list[float]:
        text = text.lower()
        candidates = self.index_.candidates(text)
        return [math.log1p(len(self.index_.find(g, text, candidates))) if g in candidates else 0.0
                for g in self.groups_]

    def transform(self, X: Sequence[Record]) -> np.ndarray:
        width = len(self.groups_) * (2 if self.quote_context else 1)
        out = np.zeros((len(X), width))
        for i, r in enumerate(X):
            row = self._counts(r["text"])
            if self.quote_context:
                row += self._counts(r["prev_text"]) if continues_quotation(r) else [0.0] * len(self.groups_)
            out[i] = row
        return out
