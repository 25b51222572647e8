"""Data tests: the seeds, their manifest and the gold labels agree with each other and with LABELS.md."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from pipeline import config
from pipeline.labelling.annotations import load_annotations


def test_labels_contract_is_kept_in_the_repo() -> None:
    text = (config.ROOT / "docs" / "LABELS.md").read_text(encoding="utf-8")
    for label in config.STANCE_LABELS:
        assert f"`{label}`" in text
    shared = config.ROOT.parent / "shared" / "LABELS.md"
    if shared.exists():  # beside the repository on the team's machines: the copy must be current
        assert shared.read_text(encoding="utf-8") == text


def test_manifest_lists_every_seed_once() -> None:
    with open(config.MANIFEST_FILE, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    files = [row["file"] for row in rows]
    on_disk = [p.name for p in config.SEEDS_DIR.glob("*.txt")]
    on_disk += [f"authored/{p.name}" for p in (config.SEEDS_DIR / "authored").glob("*.txt")]
    assert sorted(files) == sorted(on_disk)
    assert len(files) == len(set(files))
    # Pages written for the project are marked as such, in their folder and in the manifest.
    assert all((row["source"] == "authored") == row["file"].startswith("authored/") for row in rows)


def test_every_scraped_sentence_has_a_gold_label(seed_sentences: list[dict]) -> None:
    """Scraped pages are labelled by hand in annotations/; authored pages carry their labels in the file."""
    keys = {a.key for a in load_annotations(config.ANNOTATIONS_FILE)}
    scraped = [s for s in seed_sentences if s.get("source", "scraped") == "scraped"]
    assert len({s["article_id"] for s in scraped}) == 5
    missing = [s["text"] for s in scraped if s["key"] not in keys]
    assert missing == []


def test_no_orphan_annotations(seed_sentences: list[dict]) -> None:
    present = {s["key"] for s in seed_sentences}
    assert [a.text for a in load_annotations(config.ANNOTATIONS_FILE) if a.key not in present] == []


def test_gold_labels_cover_every_class() -> None:
    anns = load_annotations(config.ANNOTATIONS_FILE)
    counts = Counter(a.stance for a in anns if not a.boilerplate)
    assert all(counts[lab] >= 5 for lab in config.STANCE_LABELS), counts
    assert sum(a.boilerplate for a in anns) >= 5


def test_gold_text_matches_the_sentence_it_labels(seed_sentences: list[dict]) -> None:
    by_key = {s["key"]: s["text"] for s in seed_sentences}
    for a in load_annotations(config.ANNOTATIONS_FILE):
        assert by_key.get(a.key) == a.text


def test_seeds_are_utf8_text() -> None:
    from pipeline.io import read_text

    for path in Path(config.SEEDS_DIR).glob("*.txt"):
        assert read_text(path).strip()
