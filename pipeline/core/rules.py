"""Labelling functions: readable rules whose patterns live in ``configs/rules.yaml``.

Each rule votes for one label or abstains.  A rule matches the sentence text
(``search`` anywhere or ``fullmatch`` the whole of it) and may also require the
*previous* sentence to match (``previous``, a full match): "the line after a
bare photo label is a caption" is such a rule.

The ``label`` stage uses the votes for sentences that have no hand label; the
boilerplate model uses them as features and, with ``rule_floor``, as a
floor on its probability.  ``floor`` rules are furniture for that floor only:
no vote, no feature, so adding one leaves the model's weights as they are.
``article_text`` rules are the other way round:
lines that look like furniture but that docs/LABELS.md §4 rules article text
(an embedded post's attribution line); where one fires and no boilerplate rule
does, the boilerplate probability is at most ``1 - rule_floor``.  :meth:`RuleSet.precision_on` measures each rule
against gold labels.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import config

#: Distinct sentences whose text-pattern votes a rule set keeps.
VOTES_CACHE_MAX = 50_000


def required_literals(source: str) -> tuple[str, ...] | None:
    """Literal strings one of which occurs in every match of the regular expression ``source``, or None.

    ``\\bnewsletter\\b|^\\d+ commentaires?$`` gives ``("newsletter", " commentaire")``:
    a text that contains neither cannot match, which a substring test tells
    far faster than the regular expression engine.  For each branch the most
    telling candidate is kept: the literal strings a match starts with (groups
    of literal alternatives included: ``(est|était) un`` gives ``est un`` and
    ``était un``) or a literal run anywhere in it.  None when some branch has
    no such string or the pattern sets flags.  Relies on the standard
    library's regular expression parser.
    """
    try:
        from re import _constants as sre
        from re import _parser

        tree = _parser.parse(source, 0)
    except (ImportError, AttributeError, re.error):
        return None

    def expand(items: Sequence[Any]) -> tuple[set[str], bool] | None:
        """Strings one of which starts every match of ``items``, and whether they are the whole match."""
        out = {""}
        for op, arg in items:
            if op is sre.AT:  # zero-width (^, \\b): skipped at the start, the end of the known part after
                if out == {""}:
                    continue
                return out, False
            if op is sre.LITERAL:
                out = {p + chr(arg) for p in out}
                continue
            if op is sre.SUBPATTERN and not arg[1] and not arg[2]:  # a group that sets no flags
                alternatives = [expand(list(arg[3]))]
            elif op is sre.BRANCH:
                alternatives = [expand(list(branch)) for branch in arg[1]]
            else:
                alternatives = [None]
            if any(a is None for a in alternatives):
                return (out, False) if out != {""} else None
            tails = set().union(*(a[0] for a in alternatives))  # type: ignore[index]
            if len(out) * len(tails) > 64:
                return (out, False) if out != {""} else (tails, False)
            out = {p + t for p in out for t in tails}
            if not all(a[1] for a in alternatives):  # type: ignore[index]
                return out, False
        return out, True

    def required(items: Sequence[Any]) -> set[str] | None:
        """Strings one of which occurs in every match of the sequence ``items``."""
        candidates = []
        prefix = expand(items)
        if prefix and "" not in prefix[0]:
            candidates.append(prefix[0])
        run = ""
        for op, arg in list(items) + [(None, None)]:
            if op is sre.LITERAL:
                run += chr(arg)
                continue
            if run:
                candidates.append({run})
                run = ""
            if op is sre.SUBPATTERN and not arg[1] and not arg[2]:
                inner = required(list(arg[3]))
            elif op is sre.BRANCH:
                branches = [required(list(branch)) for branch in arg[1]]
                inner = None if any(b is None for b in branches) else set().union(*branches)  # type: ignore[arg-type]
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:  # repeated at least once
                inner = required(list(arg[2]))
            else:
                inner = None
            if inner and "" not in inner:
                candidates.append(inner)
        if not candidates:
            return None
        return max(candidates, key=lambda c: (min(map(len, c)), -len(c)))  # longest shortest string, then fewest

    found = required(list(tree.data)) if not tree.state.flags & ~re.UNICODE else None
    if not found:
        return None
    # "article" covers "article suivant": keep only the strings that contain no other one.
    return tuple(sorted(f for f in found if not any(g != f and g in f for g in found)))


@dataclass(frozen=True)
class Pattern:
    """A rule's regular expression, matched case-insensitively.

    A pattern with no upper-case letter outside its escapes is compiled
    without ``re.IGNORECASE`` and matched against the lower-cased text, which
    gives the same answer about twice as fast (letters whose lower case is two
    characters, such as the dotted capital I, aside); such a pattern is only
    run at all when the text contains one of its :func:`required_literals`.
    """

    source: str
    on_lower: bool
    literals: tuple[str, ...] | None = None

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """Compiled on first use: a model loads with dozens of rules, and a text runs only those whose
        literals it contains."""
        return re.compile(self.source, 0 if self.on_lower else re.IGNORECASE)

    def matches(self, text: str, lowered: str, whole: bool) -> bool:
        if not self.on_lower:
            return bool(self.regex.fullmatch(text) if whole else self.regex.search(text))
        if self.literals is not None:
            for literal in self.literals:  # a plain loop: any() over a generator costs more than the tests
                if literal in lowered:
                    break
            else:
                return False
        return bool(self.regex.fullmatch(lowered) if whole else self.regex.search(lowered))


@dataclass(frozen=True)
class Rule:
    """One labelling function: compiled patterns and the label it votes for."""

    name: str
    task: str  # "boilerplate", "article_text" or "stance"
    label: Any  # True for boilerplate rules, False for article_text rules, a stance label for stance rules
    pattern: Pattern | None
    whole: bool  # fullmatch instead of search
    previous: Pattern | None = None  # full match required on the previous sentence

    def fires(self, text: str, previous: str = "") -> bool:
        """Whether the rule votes for ``text``, coming after ``previous``."""
        stripped = text.strip()
        return self.accepts_previous(previous) and self.matches_text(stripped, stripped.lower())

    def matches_text(self, stripped: str, lowered: str) -> bool:
        """The text part of the rule, given the stripped sentence and its lower case."""
        return self.pattern is None or self.pattern.matches(stripped, lowered, self.whole)

    def accepts_previous(self, previous: str) -> bool:
        """The previous-sentence part of the rule (true for rules without one)."""
        if self.previous is None:
            return True
        prev = previous.strip()
        return self.previous.matches(prev, prev.lower(), whole=True)


_UPPER_OUTSIDE_ESCAPE = re.compile(r"(?<!\\)[A-ZÀ-ÖØ-Þ]")


def has_upper_case(source: str) -> bool:
    """Whether the regular expression ``source`` has an upper-case letter outside its escapes (``\\W`` is fine)."""
    return bool(_UPPER_OUTSIDE_ESCAPE.search(source))


_CODE_ESCAPE = re.compile(r"\\[xuUN]")
_RANGE = re.compile(r"(.)-(.)")


def _lower_case_safe(source: str) -> bool:
    """True when matching ``source`` against lower-cased text equals matching it case-insensitively.

    Conservative: no upper-case letter outside escapes, no character given by
    code (``\\x41``, ``\\N{…}``), and no ``a-b`` that could be a range over upper-case letters.
    """
    if has_upper_case(source) or _CODE_ESCAPE.search(source):
        return False
    for lo, hi in _RANGE.findall(source):
        if ord(lo) <= ord(hi) and any(ord(lo) <= c <= ord(hi) for c in (*range(65, 91), *range(192, 223))):
            return False
    return True


@functools.lru_cache(maxsize=4096)
def _cached_literals(source: str) -> tuple[str, ...] | None:
    """:func:`required_literals`, memoised (a pure function of the pattern: the memo cannot change a result)."""
    return required_literals(source)


def _compile(name: str, source: str, literals: Mapping[str, Sequence[str] | None]) -> Pattern:
    on_lower = _lower_case_safe(source)
    if source in literals:  # a saved model's rule: checked, and its literals worked out, when it was saved
        known = literals[source]
        return Pattern(source, on_lower, None if known is None or not on_lower else tuple(known))
    try:
        re.compile(source, 0 if on_lower else re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"rule {name!r}: invalid regular expression: {exc}") from None
    return Pattern(source, on_lower, _cached_literals(source) if on_lower else None)


#: The sections of ``configs/rules.yaml``: boilerplate rules (labelling votes and model features), floor rules
#: (furniture for the rule floor only), article-text rules (a ceiling) and stance rules.
RULE_TASKS = ("boilerplate", "floor", "article_text", "stance")


class RuleSet:
    """All rules of ``configs/rules.yaml``.

    Args:
        spec: the parsed YAML, ``{"boilerplate": [...], "floor": [...], "article_text": [...], "stance": [...]}``.

    Raises:
        ValueError: a rule with no pattern, an invalid regular expression or an
            unknown stance label (the message names the rule).
    """

    def __init__(self, spec: dict[str, Any], literals: Mapping[str, Sequence[str] | None] | None = None) -> None:
        self.spec = spec
        literals = literals or {}
        self.rules: list[Rule] = []
        for task in RULE_TASKS:
            for i, item in enumerate(spec.get(task) or []):
                name = item.get("name") or f"{task}[{i}]"
                source = item.get("fullmatch") or item.get("search")
                if not source and not item.get("previous"):
                    raise ValueError(f"rule {name!r}: needs a 'search', 'fullmatch' or 'previous' pattern")
                if task == "stance":
                    label = item.get("label")
                    if label not in config.STANCE_LABELS:
                        raise ValueError(f"rule {name!r}: unknown stance label {label!r}")
                else:
                    label = task != "article_text"
                self.rules.append(
                    Rule(
                        name,
                        task,
                        label,
                        _compile(name, source, literals) if source else None,
                        whole="fullmatch" in item,
                        previous=_compile(name, item["previous"], literals) if item.get("previous") else None,
                    )
                )
        self.by_task: dict[str, list[Rule]] = {task: [r for r in self.rules if r.task == task] for task in RULE_TASKS}
        self.boilerplate_rules = self.by_task["boilerplate"]
        self.stance_rules = self.by_task["stance"]
        self.article_text_rules = self.by_task["article_text"]
        self.floor_rules = self.by_task["floor"]
        self._previous_rules = [i for i, r in enumerate(self.boilerplate_rules) if r.previous is not None]
        self._votes_cache: dict[str, tuple[bool, ...]] = {}

    def __getstate__(self) -> dict[str, Any]:
        # A saved model keeps the rules as written (each compiled on first use) and their required literals
        # (working them out parses every pattern: a few ms each, on predict()'s cold start).
        patterns = [p for r in self.rules for p in (r.pattern, r.previous) if p is not None]
        return {"spec": self.spec, "literals": {p.source: p.literals for p in patterns}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Compiled again on load, with the literals saved beside the rules; the vote memo starts empty and
        # belongs to this instance only.
        self.__init__(state["spec"], state.get("literals"))  # type: ignore[misc]

    @classmethod
    def from_file(cls, path: Path | str) -> RuleSet:
        import yaml

        path = config.config_path(path)
        with open(path, encoding="utf-8") as fh:
            spec = yaml.safe_load(fh) or {}
        try:
            return cls(spec)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    def boilerplate_votes(self, text: str, previous: str = "") -> tuple[bool, ...]:
        """One bool per boilerplate rule (in file order).

        The text patterns' answers are memoised by text (models ask about the
        same sentence as itself and as a neighbour, and page furniture repeats
        across a site's pages); only rules that look at the previous sentence
        are checked again.
        """
        votes = self._votes_cache.get(text)
        if votes is None:
            stripped = text.strip()
            lowered = stripped.lower()
            votes = tuple(r.matches_text(stripped, lowered) for r in self.boilerplate_rules)
            if len(self._votes_cache) >= VOTES_CACHE_MAX:
                self._votes_cache.clear()
            self._votes_cache[text] = votes
        out = None
        for i in self._previous_rules:  # rules that also need the previous sentence to match
            if votes[i] and not self.boilerplate_rules[i].accepts_previous(previous):
                out = out or list(votes)
                out[i] = False
        return votes if out is None else tuple(out)

    def boilerplate(self, text: str, previous: str = "") -> bool | None:
        """True when any boilerplate rule fires, else None (abstain)."""
        return True if any(self.boilerplate_votes(text, previous)) else None

    def floor(self, text: str, previous: str = "") -> bool:
        """True when a ``floor`` rule fires: furniture that the boilerplate model's rule floor decides, without
        the rule becoming a model feature or a labelling vote."""
        return any(r.fires(text, previous) for r in self.floor_rules)

    def article_text(self, text: str, previous: str = "") -> bool:
        """True when an ``article_text`` rule fires: LABELS.md rules the line article text, though it looks
        like furniture."""
        return any(r.fires(text, previous) for r in self.article_text_rules)

    def stance(self, text: str) -> str | None:
        """The stance the stance rules agree on, None when none fires or they disagree."""
        labels = {r.label for r in self.stance_rules if r.fires(text)}
        return labels.pop() if len(labels) == 1 else None

    def stance_conflict(self, text: str) -> bool:
        return len({r.label for r in self.stance_rules if r.fires(text)}) > 1

    def precision_on(
        self, texts: Sequence[str], previous: Sequence[str], gold: Sequence[Any], task: str
    ) -> dict[str, dict[str, Any]]:
        """For each rule of ``task``: how often it fires on the gold rows and how often it is right."""
        out: dict[str, dict[str, Any]] = {}
        for rule in self.by_task[task]:
            fired = [g for t, p, g in zip(texts, previous, gold) if rule.fires(t, p)]
            correct = sum(1 for g in fired if g == rule.label)
            out[rule.name] = {
                "fires": len(fired),
                "correct": correct,
                "precision": round(correct / len(fired), 4) if fired else None,
            }
        return out
