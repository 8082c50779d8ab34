"""`newsbrief bullets --jsonl`: the bullets a briefing shows, in the scorer's format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

STORY = (
    "Harbour authority chief Mara Quist said on Monday that the new pier would open in May.\n"
    "“We are ready for the first ships,” Quist said.\n"
    "Dock worker Tomas Brandt was less sure. “Nobody has shown us the safety plan,” he said.\n"
)


def test_bullets_jsonl_writes_one_line_a_story_in_the_scorer_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    rows = [{"id": "a1", "text": STORY}, {"id": "a2", "text": "x"}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["bullets", "--jsonl", str(src)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in lines] == ["a1", "a2"]
    assert lines[1]["bullets"] == []
    speakers = [b["speaker"] for b in lines[0]["bullets"]]
    assert speakers, "a story with two named, quoted people shows bullets"
    assert len(speakers) == len(set(speakers))
    assert set(speakers) <= {"Mara Quist", "Tomas Brandt"}
    for b in lines[0]["bullets"]:
        for q in b["quotes"]:
            assert STORY[q["start"] : q["end"]] == q["text"]
            assert q["kind"] in {"direct", "mixed", "indirect"}


def test_bullets_respects_max_and_output_file(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": 7, "text": STORY}) + "\n", encoding="utf-8")
    dst = tmp_path / "out.jsonl"
    assert main(["bullets", "--jsonl", str(src), "--max", "1", "-o", str(dst)]) == 0
    (row,) = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert row["id"] == "7"
    assert len(row["bullets"]) == 1


def test_bullets_reports_bad_input_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1}\n', encoding="utf-8")
    assert main(["bullets", "--jsonl", str(src)]) == 1
    assert "needs 'id' and 'text'" in capsys.readouterr().err
