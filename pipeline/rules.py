"""Labelling functions: readable rules whose patterns live in ``configs/rules.yaml``.

Each rule votes for one label or abstains.  The ``label`` stage uses the votes
for sentences that have no hand label; the boilerplate model uses them as
features.  :meth:`RuleSet.precision_on` measures each rule against gold labels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import config


@dataclass(frozen=True)
class Rule:
    """One labelling function: a compiled pattern and the label it votes for."""

    name: str
    task: str  # "boilerplate" or "stance"
    label: Any  # True for boilerplate rules, a stance label for stance rules
    pattern: re.Pattern[str]
    whole: bool  # fullmatch instead of search

    def fires(self, text: str) -> bool:
        text = text.strip()
        return bool(self.pattern.fullmatch(text) if self.whole else self.pattern.search(text))


class RuleSet:
    """All rules of ``configs/rules.yaml``.

    Args:
        spec: the parsed YAML, ``{"boilerplate": [...], "stance": [...]}``.

    Raises:
        ValueError: a rule with no name, no pattern, an invalid regular
            expression or an unknown stance label (the message names the rule).
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.rules: list[Rule] = []
        for task in ("boilerplate", "stance"):
            for i, item in enumerate(spec.get(task) or []):
                name = item.get("name") or f"{task}[{i}]"
                source = item.get("fullmatch") or item.get("search")
                if not source:
                    raise ValueError(f"rule {name!r}: needs a 'search' or 'fullmatch' pattern")
                try:
                    pattern = re.compile(source, re.IGNORECASE)
                except re.error as exc:
                    raise ValueError(f"rule {name!r}: invalid regular expression: {exc}") from None
                if task == "stance":
                    label = item.get("label")
                    if label not in config.STANCE_LABELS:
                        raise ValueError(f"rule {name!r}: unknown stance label {label!r}")
                else:
                    label = True
                self.rules.append(Rule(name, task, label, pattern, whole="fullmatch" in item))
        self.boilerplate_rules = [r for r in self.rules if r.task == "boilerplate"]
        self.stance_rules = [r for r in self.rules if r.task == "stance"]

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

    def boilerplate_votes(self, text: str) -> list[bool]:
        """One bool per boilerplate rule (in file order)."""
        return [r.fires(text) for r in self.boilerplate_rules]

    def boilerplate(self, text: str) -> bool | None:
        """True when any boilerplate rule fires, else None (abstain)."""
        return True if any(self.boilerplate_votes(text)) else None

    def stance(self, text: str) -> str | None:
        """The stance the stance rules agree on, None when none fires or they disagree."""
        labels = {r.label for r in self.stance_rules if r.fires(text)}
        return labels.pop() if len(labels) == 1 else None

    def stance_conflict(self, text: str) -> bool:
        return len({r.label for r in self.stance_rules if r.fires(text)}) > 1

    def precision_on(self, texts: Sequence[str], gold: Sequence[Any], task: str) -> dict[str, dict[str, float]]:
        """For each rule of ``task``: how often it fires on the gold rows and how often it is right."""
        out: dict[str, dict[str, float]] = {}
        for rule in (self.boilerplate_rules if task == "boilerplate" else self.stance_rules):
            fired = [g for t, g in zip(texts, gold) if rule.fires(t)]
            correct = sum(1 for g in fired if g == rule.label)
            out[rule.name] = {
                "fires": len(fired),
                "correct": correct,
                "precision": round(correct / len(fired), 4) if fired else None,
            }
        return out
