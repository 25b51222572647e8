"""Annotations are human work: validated on every read, never lost, reordered or half-written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline.labelling import annotations as ann_mod
from pipeline.labelling.annotate import build_queue, export_queue, import_queue, read_filled_queue
from pipeline.labelling.annotations import Annotation, append_annotations, load_annotations
from pipeline.io import InputError


def row(key: str, boilerplate: bool = False, stance: str | None = "neutral", **extra: object) -> dict:
    return {"article_id": "a", "key": key, "text": f"Phrase {key}.", "boilerplate": boilerplate, "stance": stance,
            "annotator": "t", "date": "2026-01-01", "note": "", **extra}


def write_rows(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


@pytest.mark.parametrize(
    "bad, message",
    [
        ('{"article_id": "a", "key": "k"', "malformed JSON"),
        (json.dumps(row("k", stance="pro_apple")), "unknown stance 'pro_apple'"),
        (json.dumps(row("k", boilerplate=True, stance="neutral")), "stance 'neutral' given for a boilerplate"),
        (json.dumps({k: v for k, v in row("k").items() if k != "boilerplate"}), "missing field(s) boilerplate"),
        (json.dumps(row("k", boilerplate="yes")), "'boilerplate' must be true or false"),
        (json.dumps(row("k", colour="red")), "unknown field(s) colour"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_malformed_lines_are_rejected_with_file_and_line(tmp_path: Path, bad: str, message: str) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(row("ok")) + "\n\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_annotations(path)
    assert f"{path}:3:" in str(err.value) and message in str(err.value)


def test_duplicate_key_with_other_labels_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    write_rows(path, [row("k"), row("x"), row("k", stance="pro_twitter")])
    with pytest.raises(InputError, match=r"labels.jsonl:3: key k is labelled differently on line 1"):
        load_annotations(path)


def test_append_keeps_existing_lines_byte_for_byte_and_in_order(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    original = '{"article_id":"a","key":"z","text":"Z.","boilerplate":true,"stance":null}\n' + json.dumps(row("b")) + "\n"
    path.write_text(original, encoding="utf-8")
    added = append_annotations(path, [Annotation("a", "c", "C.", False, "pro_microsoft"), Annotation("a", "b", "Phrase b.", False, "neutral")])
    assert added == 1  # "b" is already there with the same labels
    text = path.read_text(encoding="utf-8")
    assert text.startswith(original)
    assert [a.key for a in load_annotations(path)] == ["z", "b", "c"]


def test_append_refuses_a_conflicting_label_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    write_rows(path, [row("b")])
    before = path.read_bytes()
    with pytest.raises(InputError, match="already labelled"):
        append_annotations(path, [Annotation("a", "n", "N.", True, None), Annotation("a", "b", "B.", False, "pro_twitter")])
    assert path.read_bytes() == before


def test_append_refuses_when_existing_file_is_bad(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=":1: malformed JSON"):
        append_annotations(path, [Annotation("a", "n", "N.", True, None)])
    assert path.read_text(encoding="utf-8") == "not json\n"


def test_interrupted_write_leaves_previous_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "labels.jsonl"
    write_rows(path, [row("a1"), row("a2")])
    before = path.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        append_annotations(path, [Annotation("a", "new", "New.", True, None)])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []




def test_orphans_are_reported_and_kept(tmp_path: Path) -> None:
    from pipeline.stages.label import label_rows
    from pipeline.core.rules import RuleSet

    path = tmp_path / "labels.jsonl"
    write_rows(path, [row("kept"), row("gone", stance="pro_twitter")])
    sentences = [{"article_id": "a", "key": "kept", "text": "Phrase kept.", "index": 0, "line": 0, "n_lines": 1,
                  "start": 0, "end": 12}]
    rows, report = label_rows(sentences, load_annotations(path), RuleSet({}))
    assert report["n_orphans"] == 1 and report["orphans"][0]["key"] == "gone"
    assert rows[0]["label_source"] == "gold"
    assert [a.key for a in load_annotations(path)] == ["kept", "gone"]


def test_resegmentation_keeps_labels_of_unchanged_sentences() -> None:
    from pipeline.core.segment import sentence_keys

    before = sentence_keys("art", ["Un.", "Deux trois.", "Quatre."])
    after = sentence_keys("art", ["Un.", "Deux.", "Trois.", "Quatre."])  # a sentence split in two
    assert before[0] == after[0] and before[2] == after[3]
    assert before[1] not in after


def test_csv_export_import_round_trip(tmp_path: Path) -> None:
    sentences = [
        {"article_id": "a", "key": "k1", "text": "Microsoft a répondu.", "index": 0, "line": 0, "n_lines": 3},
        {"article_id": "a", "key": "k2", "text": "Publicité", "index": 1, "line": 1, "n_lines": 3},
        {"article_id": "a", "key": "k3", "text": "Déjà fait.", "index": 2, "line": 2, "n_lines": 3},
    ]
    labels = tmp_path / "labels.jsonl"
    write_rows(labels, [{**row("k3"), "text": "Déjà fait."}])
    queue = build_queue(sentences, load_annotations(labels), use_model=False)
    assert [q.key for q in queue] == ["k1", "k2"]
    assert queue[1].previous == "Microsoft a répondu."
    csv_path = tmp_path / "queue.csv"
    export_queue(queue, csv_path)
    import csv as _csv

    rows = list(_csv.DictReader(csv_path.open(encoding="utf-8")))
    rows[0]["label"], rows[1]["label"] = "pro_microsoft", "boilerplate"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        w = _csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert import_queue(csv_path, "tester", labels) == 2
    got = {a.key: (a.boilerplate, a.stance, a.annotator) for a in load_annotations(labels)}
    assert got == {"k3": (False, "neutral", "t"), "k1": (False, "pro_microsoft", "tester"), "k2": (True, None, "tester")}


def test_csv_import_with_a_bad_label_writes_nothing(tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    write_rows(labels, [row("k0")])
    before = labels.read_bytes()
    csv_path = tmp_path / "queue.csv"
    csv_path.write_text("article_id,key,text,label\na,k1,Un.,neutral\na,k2,Deux.,pro-twitter\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"queue.csv:3: unknown label 'pro-twitter'"):
        import_queue(csv_path, "t", labels)
    assert labels.read_bytes() == before


def test_csv_missing_column(tmp_path: Path) -> None:
    csv_path = tmp_path / "queue.csv"
    csv_path.write_text("article_id,key,text\na,k1,Un.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"queue.csv:1: missing column\(s\) label"):
        read_filled_queue(csv_path, "t")


def test_package_attribute_is_the_annotations_module() -> None:
    # `from pipeline.labelling import annotations` must give the module, not a __future__ feature.
    assert ann_mod.FIELDS[:5] == ("article_id", "key", "text", "boilerplate", "stance")


def test_interactive_labelling_appends_each_answer_at_once(tmp_path: Path) -> None:
    from pipeline.labelling.annotate import QueueItem, interactive

    labels = tmp_path / "labels.jsonl"
    items = [QueueItem("a", f"k{i}", f"Phrase {i}.", "", "", None, None) for i in range(4)]
    answers = iter(["x", "m", "selon le porte-parole", "s", "b", "", "q"])
    shown: list[str] = []
    n = interactive(items, "tester", labels, ask=lambda prompt: next(answers), say=shown.append)
    assert n == 2
    got = [(a.key, a.boilerplate, a.stance, a.note) for a in load_annotations(labels)]
    assert got == [("k0", False, "pro_microsoft", "selon le porte-parole"), ("k2", True, None, "")]
    assert any("please answer" in line for line in shown)
