"""Labelling functions: readable rules whose patterns live in ``configs/rules.yaml``.

Each rule votes for one label or abstains.  A rule matches the sentence text
(``search`` anywhere or ``fullmatch`` the whole of it) and may also require the
*previous* sentence to match (``previous``, a full match): "the line after a
bare photo label is a caption" is such a rule.

The ``label`` stage uses the votes for sentences that have no hand label; the
boilerplate model uses them as features and, with ``rule_override``, as a
floor on its probability.  :meth:`RuleSet.precision_on` measures each rule
against gold labels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import config


@dataclass(frozen=True)
class Pattern:
    """A rule's regular expression, matched case-insensitively.

    A pattern with no upper-case letter outside its escapes is compiled
    without ``re.IGNORECASE`` and matched against the lower-cased text, which
    gives the same answer about twice as fast.
    """

    regex: re.Pattern[str]
    on_lower: bool

    def matches(self, text: str, lowered: str, whole: bool) -> bool:
        subject = lowered if self.on_lower else text
        return bool(self.regex.fullmatch(subject) if whole else self.regex.search(subject))


@dataclass(frozen=True)
class Rule:
    """One labelling function: compiled patterns and the label it votes for."""

    name: str
    task: str  # "boilerplate" or "stance"
    label: Any  # True for boilerplate rules, a stance label for stance rules
    pattern: Pattern | None
    whole: bool  # fullmatch instead of search
    previous: Pattern | None = None  # full match required on the previous sentence

    def fires(self, text: str, previous: str = "", lowered: str | None = None) -> bool:
        """Whether the rule votes for ``text`` (``lowered``: ``text.strip().lower()``, if already computed)."""
        if self.previous is not None:
            prev = previous.strip()
            if not self.previous.matches(prev, prev.lower(), whole=True):
                return False
        if self.pattern is None:
            return True
        text = text.strip()
        return self.pattern.matches(text, text.lower() if lowered is None else lowered, self.whole)


_UPPER_OUTSIDE_ESCAPE = re.compile(r"(?<!\\)[A-ZÀ-ÖØ-Þ]")
_CODE_ESCAPE = re.compile(r"\\[xuUN]")
_RANGE = re.compile(r"(.)-(.)")


def _lower_case_safe(source: str) -> bool:
    """True when matching ``source`` against lower-cased text equals matching it case-insensitively.

    Conservative: no upper-case letter outside escapes, no character given by
    code (``\\x41``, ``\\N{…}``), and no ``a-b`` that could be a range over upper-case letters.
    """
    if _UPPER_OUTSIDE_ESCAPE.search(source) or _CODE_ESCAPE.search(source):
        return False
    for lo, hi in _RANGE.findall(source):
        if ord(lo) <= ord(hi) and any(ord(lo) <= c <= ord(hi) for c in (*range(65, 91), *range(192, 223))):
            return False
    return True


def _compile(name: str, source: str) -> Pattern:
    on_lower = _lower_case_safe(source)
    try:
        return Pattern(re.compile(source, 0 if on_lower else re.IGNORECASE), on_lower)
    except re.error as exc:
        raise ValueError(f"rule {name!r}: invalid regular expression: {exc}") from None


class RuleSet:
    """All rules of ``configs/rules.yaml``.

    Args:
        spec: the parsed YAML, ``{"boilerplate": [...], "stance": [...]}``.

    Raises:
        ValueError: a rule with no pattern, an invalid regular expression or an
            unknown stance label (the message names the rule).
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.rules: list[Rule] = []
        for task in ("boilerplate", "stance"):
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
                    label = True
                self.rules.append(
                    Rule(
                        name,
                        task,
                        label,
                        _compile(name, source) if source else None,
                        whole="fullmatch" in item,
                        previous=_compile(name, item["previous"]) if item.get("previous") else None,
                    )
                )
        self.boilerplate_rules = [r for r in self.rules if r.task == "boilerplate"]
        self.stance_rules = [r for r in self.rules if r.task == "stance"]
        self._uses_previous = any(r.previous is not None for r in self.boilerplate_rules)
        self._votes_cache: dict[tuple[str, str], tuple[bool, ...]] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"spec": self.spec}  # a saved model keeps the rules as written; they are compiled on load

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["spec"])  # type: ignore[misc]

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
        """One bool per boilerplate rule (in file order); memoised, since models ask for the same sentence
        several times (as itself and as a neighbour)."""
        key = (text, previous if self._uses_previous else "")
        votes = self._votes_cache.get(key)
        if votes is None:
            lowered = text.strip().lower()
            votes = tuple(r.fires(text, previous, lowered) for r in self.boilerplate_rules)
            if len(self._votes_cache) >= 200_000:
                self._votes_cache.clear()
            self._votes_cache[key] = votes
        return votes

    def boilerplate(self, text: str, previous: str = "") -> bool | None:
        """True when any boilerplate rule fires, else None (abstain)."""
        return True if any(self.boilerplate_votes(text, previous)) else None

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
        for rule in self.boilerplate_rules if task == "boilerplate" else self.stance_rules:
            fired = [g for t, p, g in zip(texts, previous, gold) if rule.fires(t, p)]
            correct = sum(1 for g in fired if g == rule.label)
            out[rule.name] = {
                "fires": len(fired),
                "correct": correct,
                "precision": round(correct / len(fired), 4) if fired else None,
            }
        return out
