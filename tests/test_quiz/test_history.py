"""The quiz history file: round trip, corrupt files (warning, empty, .bak kept), atomic writes."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from mlcourse.quiz import Entry, QuizHistory, quiz_path
from mlcourse.quiz._history import read_events

DAY = dt.date(2026, 3, 1)


def _saved(tmp_path) -> QuizHistory:
    history = QuizHistory(path=tmp_path / "quiz.json")
    history.entries["m07-q01"] = Entry(
        box=2, due=DAY, answers=[{"date": "2026-02-27", "right": True}]
    )
    history.entries["m03-q02"] = Entry(box=0, due=DAY, answers=[])
    history.save()
    return history


def test_the_history_sits_beside_the_events_file(tmp_path, monkeypatch):
    monkeypatch.setenv("MLCOURSE_EVENTS", str(tmp_path / "state" / "events.jsonl"))
    assert quiz_path() == tmp_path / "state" / "quiz.json"


def test_save_then_load_gives_the_same_entries(tmp_path):
    saved = _saved(tmp_path)
    warnings = []
    loaded = QuizHistory.load(tmp_path / "quiz.json", warn=warnings.append)
    assert loaded.entries == saved.entries and warnings == []
    assert json.loads((tmp_path / "quiz.json").read_text())["version"] == 1


def test_a_missing_file_is_an_empty_history_without_a_warning(tmp_path):
    warnings = []
    history = QuizHistory.load(tmp_path / "quiz.json", warn=warnings.append)
    assert history.entries == {} and warnings == []


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"questions": 3}', "\xff\xfe"])
def test_a_corrupt_file_warns_once_starts_empty_and_is_kept_as_bak(tmp_path, text):
    path = tmp_path / "quiz.json"
    path.write_bytes(text.encode("latin-1"))
    warnings = []
    history = QuizHistory.load(path, warn=warnings.append)
    assert history.entries == {}
    assert len(warnings) == 1 and "\n" not in warnings[0]
    assert "not a readable quiz history" in warnings[0] and "quiz.json.bak" in warnings[0]
    assert (tmp_path / "quiz.json.bak").read_bytes() == text.encode("latin-1")
    history.entries["m07-q01"] = Entry(box=1, due=DAY)
    history.save()  # the corrupt file is replaced, its copy stays
    assert (tmp_path / "quiz.json.bak").read_bytes() == text.encode("latin-1")
    assert "m07-q01" in QuizHistory.load(path).entries


def test_a_second_corruption_does_not_overwrite_the_first_backup(tmp_path):
    path = tmp_path / "quiz.json"
    path.write_text("first")
    QuizHistory.load(path, warn=lambda line: None)
    path.write_text("second")
    QuizHistory.load(path, warn=lambda line: None)
    assert (tmp_path / "quiz.json.bak").read_text() == "first"
    assert (tmp_path / "quiz.json.bak1").read_text() == "second"


def test_malformed_entries_are_skipped_and_the_rest_kept(tmp_path):
    path = tmp_path / "quiz.json"
    good = {"box": 3, "due": "2026-03-04", "answers": [{"date": "2026-02-25", "right": True}]}
    bad = [
        {"box": 9, "due": "2026-03-04"},
        {"box": 1, "due": "soon"},
        {"box": 1, "due": "2026-03-04", "answers": [1]},
        "x",
    ]
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "questions": {"m07-q01": good, **{f"m07-q1{k}": b for k, b in enumerate(bad)}},
            }
        )
    )
    warnings = []
    history = QuizHistory.load(path, warn=warnings.append)
    assert list(history.entries) == ["m07-q01"] and history.entries["m07-q01"].box == 3
    assert len(warnings) == 1 and "4 malformed entries skipped" in warnings[0]
    assert (tmp_path / "quiz.json.bak").exists()


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary_file(tmp_path, monkeypatch):
    history = _saved(tmp_path)
    before = (tmp_path / "quiz.json").read_bytes()
    history.entries["m07-q01"] = Entry(box=5, due=DAY)

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        history.save()
    assert (tmp_path / "quiz.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quiz.json"]


def test_an_unreadable_events_file_is_no_events_with_a_warning(tmp_path, monkeypatch):
    events = tmp_path / "events.jsonl"
    events.mkdir()  # a folder where the file should be
    monkeypatch.setenv("MLCOURSE_EVENTS", str(events))
    monkeypatch.setattr("pathlib.Path.is_file", lambda self: True)
    warnings = []
    assert read_events(warn=warnings.append) == []
    assert len(warnings) == 1 and "cannot be read" in warnings[0]
