"""Module 23's custom judge (23.7, the few-shot prompt): the data the real extract collects from
right work and from plausible wrong work (examples pasted into one message, no delimiters,
labels in the user turn, the caller's list changed, a list hard-coded for the visible example,
the wrong system prompt), merged into ``test_forged_extracts.py``'s ``RIGHT``, ``WRONG`` and
``HARMLESS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlcourse.exercises.m23 import EXAMPLES, SYSTEM_PROMPT


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


def _wrap(text: str) -> str:
    return f"<review>\n{text}\n</review>"


def build_messages(review, examples):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    for text, label in examples:
        messages += [
            {"role": "user", "content": _wrap(text)},
            {"role": "assistant", "content": label},
        ]
    return [*messages, {"role": "user", "content": _wrap(review)}]


def one_big_message(review, examples):
    shots = "\n".join(f"{_wrap(t)} -> {label}" for t, label in examples)
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": shots + "\n" + _wrap(review)},
    ]


def no_delimiters(review, examples):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    for text, label in examples:
        messages += [{"role": "user", "content": text}, {"role": "assistant", "content": label}]
    return [*messages, {"role": "user", "content": review}]


def label_in_user_turn(review, examples):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    for text, label in examples:
        messages.append({"role": "user", "content": _wrap(text) + f"\nLabel: {label}"})
    return [*messages, {"role": "user", "content": _wrap(review)}]


def appends_to_examples(review, examples):
    examples.append((review, ""))
    return build_messages(review, examples[:-1])


def own_system_prompt(review, examples):
    messages = build_messages(review, examples)
    messages[0] = {"role": "system", "content": "You are a helpful assistant."}
    return messages


def without_system(review, examples):
    return build_messages(review, examples)[1:]


def with_names(review, examples):
    return [{**m, "name": "course"} for m in build_messages(review, examples)]


def text_around_delimiters(review, examples):
    messages = build_messages(review, examples)
    messages[-1] = {"role": "user", "content": "Label this: " + _wrap(review)}
    return messages


_FROZEN = build_messages("Short, clear and useful.", EXAMPLES)


def hard_coded(review, examples):
    return [dict(m) for m in _FROZEN]


def examples_reversed(review, examples):
    return build_messages(review, examples[::-1])


def _wrong_23_7() -> list[Any]:
    return [
        _collected("23.7", build_messages=func)
        for func in (
            one_big_message,
            no_delimiters,
            label_in_user_turn,
            appends_to_examples,
            own_system_prompt,
            without_system,
            with_names,
            text_around_delimiters,
            hard_coded,
            examples_reversed,
        )
    ]


RIGHT: dict[str, Callable[[], Any]] = {
    "23.7": lambda: _collected("23.7", build_messages=build_messages),
}

WRONG: dict[str, Callable[[], list[Any]]] = {"23.7": _wrong_23_7}

HARMLESS: dict[str, list[tuple[str, set[str] | None, str]]] = {}
