"""Shared fixtures for the quiz tests: the fixture bank and TOML writing."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURE_BANK = Path(__file__).resolve().parent / "fixture_bank"


def toml_value(value) -> str:
    """A TOML literal for a str, number, bool or (nested) list."""
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(value)


def write_bank(folder: Path, name: str, questions: list[dict]) -> Path:
    """Write ``questions`` as ``[[question]]`` tables to ``folder/name``."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = []
    for question in questions:
        lines = ["[[question]]"] + [f"{k} = {toml_value(v)}" for k, v in question.items()]
        parts.append("\n".join(lines))
    path = folder / name
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return path


def choice(**changes) -> dict:
    base = {
        "id": "m07-q01",
        "module": "07",
        "difficulty": "easy",
        "kind": "choice",
        "topic": "precision",
        "prompt": "What is precision?",
        "explanation": "Of the flagged, the share right.",
        "options": ["TP/(TP+FP)", "TP/(TP+FN)", "TN/(TN+FP)", "(TP+TN)/N"],
        "answer": "a",
    }
    return {**base, **changes}


def numeric(**changes) -> dict:
    base = {
        "id": "m07-q02",
        "module": "07",
        "difficulty": "medium",
        "kind": "numeric",
        "topic": "precision",
        "prompt": "30 of 40 flagged are fraud: precision to 3 decimal places?",
        "explanation": "30 / 40.",
        "answer": 0.75,
        "tolerance": 0.0005,
    }
    return {**base, **changes}


def code(**changes) -> dict:
    base = {
        "id": "m07-q03",
        "module": "07",
        "difficulty": "hard",
        "kind": "code",
        "topic": "precision",
        "prompt": "Write precision(tp, fp), 0.0 when nothing is flagged.",
        "explanation": "Guard the zero denominator.",
        "function": "precision",
        "starter": "def precision(tp, fp):\n    ...\n",
        "reference": "def precision(tp, fp):\n    return tp / (tp + fp) if tp + fp else 0.0\n",
        "cases": [[30, 10], [0, 0], [7, 0]],
    }
    return {**base, **changes}


def without(question: dict, key: str) -> dict:
    return {k: v for k, v in question.items() if k != key}
