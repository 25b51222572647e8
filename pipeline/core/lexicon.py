"""Lexicons of regular expressions matched in one pass: :class:`LexiconIndex`.

The frame features (``configs/frame_fr.yaml``) and the cue features
(``configs/cues.yaml``) each match hundreds of short patterns against every
sentence.  One alternation of all of them makes the regular expression engine
try every entry at every position; most entries, though, cannot match unless a
literal string occurs in the text (``\\baccus\\w*`` needs "accus").  The
index finds those literals with one Aho–Corasick pass (pyahocorasick) and runs
only the entries that can match.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

#: Distinct candidate sets whose compiled alternation a :class:`LexiconIndex` keeps.
COMPILED_MAX = 4096


def _alternation(patterns: Sequence[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _which(m: re.Match[str]) -> str:
    """The name of the named group that matched (robust to capturing groups inside a lexicon pattern)."""
    return next(k for k, v in m.groupdict().items() if v is not None)


class LexiconIndex:
    """Families of lexicon patterns, each run as one alternation, but only over the entries that can match.

    A family maps group names to regular expressions: ``{"twitter": [...], "microsoft": [...]}``
    behaves as ``(?P<twitter>p1|p2…)|(?P<microsoft>…)``, whose matches :meth:`find` returns
    as ``(start, end, group)``.  Most entries need a literal string to match
    (``\\baccus\\w*`` needs "accus", :func:`pipeline.core.rules.required_literals`);
    :meth:`candidates` finds all of them in one Aho–Corasick pass over the text,
    and :meth:`find` runs the alternation of the entries whose literal occurs (and of
    those that have none), in their written order.  An entry that cannot match
    changes nothing in a leftmost-first alternation, so the matches are exactly
    those of the whole alternation, at a fraction of its cost.

    Raises:
        ValueError: an entry is not a valid regular expression (the message names its family and group).
    """

    def __init__(self, families: dict[str, dict[str, Sequence[str]]]) -> None:
        from pipeline.core.rules import required_literals

        self.families = families
        self.entries: list[tuple[str, str, str]] = []  # (family, group, pattern), families in order
        for family, groups in families.items():
            for group, patterns in groups.items():
                for pattern in patterns:
                    try:
                        re.compile(pattern)
                    except re.error as exc:
                        raise ValueError(f"{family}/{group}: invalid regular expression "
                                         f"{pattern!r}: {exc}") from None
                    self.entries.append((family, group, pattern))
        self.literals = [required_literals(pattern) for _, _, pattern in self.entries]
        self._setup()

    def _setup(self) -> None:
        import ahocorasick

        self._family_of = [family for family, _, _ in self.entries]
        self._always = frozenset(i for i, found in enumerate(self.literals) if found is None)
        by_literal: dict[str, list[int]] = {}
        for i, found in enumerate(self.literals):
            for literal in found or ():
                by_literal.setdefault(literal, []).append(i)
        self._automaton = ahocorasick.Automaton()
        for literal, ids in by_literal.items():
            self._automaton.add_word(literal, tuple(ids))
        if by_literal:
            self._automaton.make_automaton()
        self._compiled: dict[tuple[str, tuple[int, ...]], re.Pattern[str]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"families": self.families, "entries": self.entries, "literals": self.literals}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup()

    def candidates(self, text: str) -> dict[str, tuple[int, ...]]:
        """For each family, the entries that can match somewhere in ``text`` (or in any part of it), in order."""
        found = set(self._always)
        if len(self._automaton):
            for _, ids in self._automaton.iter(text):
                found.update(ids)
        by_family: dict[str, list[int]] = {}
        for i in sorted(found):
            by_family.setdefault(self._family_of[i], []).append(i)
        return {family: tuple(ids) for family, ids in by_family.items()}

    def find(self, family: str, text: str, candidates: dict[str, tuple[int, ...]]) -> list[tuple[int, int, str]]:
        """The matches of ``family`` in ``text``: ``(start, end, group)``, left to right, not overlapping.

        ``candidates`` comes from :meth:`candidates` on ``text`` or on a text that contains it.
        """
        ids = candidates.get(family)
        if not ids:
            return []
        regex = self._compiled.get((family, ids))
        if regex is None:
            groups: dict[str, list[str]] = {}
            for i in ids:
                groups.setdefault(self.entries[i][1], []).append(self.entries[i][2])
            regex = re.compile("|".join(f"(?P<{_group(g)}>{_alternation(p)})" for g, p in groups.items()))
            if len(self._compiled) >= COMPILED_MAX:
                self._compiled.clear()
            self._compiled[(family, ids)] = regex
        return [(m.start(), m.end(), _which(m)) for m in regex.finditer(text)]
