"""Authored pages: web pages written for this project, every line labelled in place.

An authored page (``seeds/authored/*.txt``, ``source = authored`` in
``seeds/articles.csv``) is a page as a scraper would give it, with a label tag
at the start of every non-empty line::

    [B:menu] Accueil  International  Économie  Tech
    [T:headline] Twitter menace Microsoft de poursuites
    [N] La lettre a été envoyée mardi.

``B`` is boilerplate (its furniture kind is required), ``T``/``M``/``N`` is
article text with stance ``pro_twitter``/``pro_microsoft``/``neutral`` (a kind
such as ``headline`` or ``attribution`` is optional).  The tag applies to every
sentence of its line.  The clean stage reads the page without its tags; the
label stage gives each sentence the label of its line.

These pages were written for the project from the seeds' facts and
docs/LABELS.md; they train the models (``label.train_on_authored``) and never
count as a transfer measure on the seeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.io import InputError, read_text

TAGS = {"B": "boilerplate", "T": "pro_twitter", "M": "pro_microsoft", "N": "neutral"}

#: Furniture kinds a ``B`` line may carry (docs/LABELS.md §1 and §4 name them).
FURNITURE_KINDS = frozenset({
    "menu", "breadcrumb", "section_kicker", "date_line", "byline", "author_bio", "caption", "photo_credit",
    "share", "newsletter", "cookie", "ad", "teaser", "read_also", "prev_next", "tags", "comments", "rating",
    "paywall", "social_follow", "app_promo", "footer", "reading_time", "market_ticker", "video_widget",
    "most_read", "embed_placeholder", "login_search", "disclaimer",
})
#: Kinds an article line may carry (optional).
ARTICLE_KINDS = frozenset({
    "headline", "lede", "body", "intertitle", "cutoff", "attribution", "product_list", "quote", "other_story",
})

_TAG = re.compile(r"\[([A-Za-z]+)(?::([A-Za-z_]*))?\] ?")


@dataclass(frozen=True)
class LineLabel:
    """The label of one line of an authored page."""

    label: str  # "boilerplate" or a stance label
    kind: str | None
    lineno: int


@dataclass(frozen=True)
class AuthoredPage:
    """The page text without its tags, and the label of each of its lines (None for blank lines)."""

    text: str
    lines: list[LineLabel | None]

    def label_at(self, offset: int) -> LineLabel | None:
        """The label of the line that holds character ``offset`` of :attr:`text`."""
        return self.lines[self.text.count("\n", 0, offset)]


def parse_page(path: Path | str) -> AuthoredPage:
    """Read an authored page and check every tag.

    Raises:
        InputError: ``file:line: reason`` for a line with no tag, an unknown
            tag or kind, a boilerplate line with no kind, or a tag with no text.
    """
    path = Path(path)
    out_lines: list[str] = []
    labels: list[LineLabel | None] = []
    for lineno, line in enumerate(read_text(path).split("\n"), 1):
        if not line.strip():
            out_lines.append("")
            labels.append(None)
            continue
        m = _TAG.match(line)
        where = f"{path}:{lineno}"
        if not m:
            raise InputError(f"{where}: a non-empty line must start with a label tag such as [B:menu], [T], [M] "
                             "or [N] (see pipeline/labelling/authored.py)")
        tag, kind = m.group(1), m.group(2) or None
        if tag not in TAGS:
            raise InputError(f"{where}: unknown label tag [{tag}]; expected one of B, T, M, N")
        label = TAGS[tag]
        if label == "boilerplate":
            if not kind:
                raise InputError(f"{where}: a boilerplate line needs its furniture kind, e.g. [B:menu]")
            if kind not in FURNITURE_KINDS:
                raise InputError(f"{where}: unknown furniture kind {kind!r}; expected one of "
                                 f"{', '.join(sorted(FURNITURE_KINDS))}")
        elif kind and kind not in ARTICLE_KINDS:
            hint = " (a furniture kind: tag the line [B:...] if it is boilerplate)" if kind in FURNITURE_KINDS else ""
            raise InputError(f"{where}: unknown article-line kind {kind!r}{hint}; expected one of "
                             f"{', '.join(sorted(ARTICLE_KINDS))}")
        text = line[m.end():]
        if not text.strip():
            raise InputError(f"{where}: the tag has no text after it")
        out_lines.append(text)
        labels.append(LineLabel(label, kind, lineno))
    return AuthoredPage("\n".join(out_lines), labels)
