"""The checklist's two parts stay apart: a line written for the frozen test part never reappears in the dev part."""

from __future__ import annotations

from collections import defaultdict

from pipeline.core.checklist import load_checklist


def test_no_checklist_line_is_in_both_parts() -> None:
    parts: dict[str, set[str]] = defaultdict(set)
    for case in load_checklist():
        words = case.text.split()
        if case.scored and len(words) >= 5:  # one-word furniture ("Publicité") recurs on any site
            parts[case.part].add(" ".join(words).casefold())
    assert parts["test"] and parts["dev"]
    shared = sorted(parts["test"] & parts["dev"])
    assert not shared, f"{len(shared)} checklist line(s) in both the dev and the frozen test part: {shared[:5]}"
