"""Module 23's custom judges (23.7, the few-shot prompt; 23.8, parsing a structured reply): the data the real extract collects from
right work and from plausible wrong work (examples pasted into one message, no delimiters,
labels in the user turn, the caller's list changed, a list hard-coded for the visible example,
the wrong system prompt), merged into ``test_forged_extracts.py``'s ``RIGHT``, ``WRONG`` and
``HARMLESS``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from mlcourse.exercises.m23 import EXAMPLES, SYSTEM_PROMPT
from mlcourse.keys import m23 as key


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


def parse_keys_only(reply):
    text = reply.strip().removeprefix("```json").removeprefix("```").removesuffix("```")
    data = json.loads(text)
    if type(data) is not dict or set(data) != {"label", "confidence", "evidence"}:
        raise ValueError("wrong fields")
    return data


def parse_fence_anywhere(reply):
    found = re.search(r"```(?:json)?\n(.*?)\n```", reply, re.DOTALL)
    return key._parse_sentiment(found.group(1) if found else reply)


def parse_unclosed(reply):
    text = reply.strip()
    if text.startswith("```"):
        text = "\n".join(text.split("\n")[1:]).removesuffix("```")
    return key._parse_sentiment(text)


def parse_returns_model(reply):
    return key._reply_model().model_validate_json(reply.strip())


def parse_type_error(reply):
    try:
        return key._parse_sentiment(reply)
    except ValueError as error:
        raise TypeError(str(error)) from None


def _wrong_23_8() -> list[Any]:
    return [
        _collected("23.8", parse_sentiment=func)
        for func in (
            parse_keys_only,
            parse_fence_anywhere,
            parse_unclosed,
            parse_returns_model,
            parse_type_error,
            lambda reply: json.loads(reply),
        )
    ]


RIGHT: dict[str, Callable[[], Any]] = {
    "23.7": lambda: _collected("23.7", build_messages=build_messages),
    "23.8": lambda: _collected("23.8", parse_sentiment=key._parse_sentiment),
}

WRONG: dict[str, Callable[[], list[Any]]] = {"23.7": _wrong_23_7, "23.8": _wrong_23_8}

HARMLESS: dict[str, list[tuple[str, set[str] | None, str]]] = {}
