"""Module 23: adversarial attempts that are not expressible as a self-test in the notebook.

The notebook's self-tests feed each check a wrong answer. These tests cover what a notebook cell
cannot: that every hidden case says what kind of input it is, that the key's tokenizer and
bigram baseline are recomputed from the frozen copy of the course's text (so the lesson's
printed numbers, a tokenizer or a bigram fitted with the held-out lesson, or another smoothing
all fail), that this copy is whole and separate from the live lessons, that the prompt
exercise's random scenarios are drawn afresh at every collection and rebuilt by the judge from
their seed, that answers survive the grader's encoding and isolated evaluator, and that a
function which answers the visible cases only is rejected.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from mlcourse.checks import Answer
from mlcourse.exercises import get_module
from mlcourse.exercises.m23 import (
    _FIXED,
    EXAMPLES,
    N_FRESH,
    N_FRESH_REPLIES,
    SENTENCE,
    SYSTEM_PROMPT,
    _parse_fixed,
    fresh_prompt_scenario,
    fresh_replies,
    load_course_snapshot,
)
from mlcourse.grader import encode_answers
from mlcourse.grader._evaluate import evaluate_isolated
from mlcourse.keys import m23 as key

MODULE = get_module("23")
PROBLEMS = {problem.id: problem for problem in MODULE.problems}
FUNCTIONS = ("23.2", "23.3", "23.4", "23.5")


def _outcome(problem_id: str, **values):
    return PROBLEMS[problem_id].check(values)


def right_messages(review, examples):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    for text, label in examples:
        messages += [
            {"role": "user", "content": f"<review>\n{text}\n</review>"},
            {"role": "assistant", "content": label},
        ]
    return [*messages, {"role": "user", "content": f"<review>\n{review}\n</review>"}]


@pytest.mark.parametrize("problem_id", FUNCTIONS)
def test_every_hidden_case_is_labelled(problem_id):
    for hidden, case in PROBLEMS[problem_id].cases():
        if hidden:
            assert case.label, (problem_id, case)


@pytest.mark.parametrize("problem_id", FUNCTIONS)
def test_the_reference_passes_and_a_table_of_visible_answers_fails(problem_id):
    problem = PROBLEMS[problem_id]
    name = problem.name
    assert _outcome(problem_id, **{name: key.KEY[problem_id]["reference"]}).correct
    visible = [case for hidden, case in problem.cases() if not hidden]

    def memorised(*args, **kwargs):
        for case in visible:
            same = len(case.args) == len(args) and all(
                (np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b)
                for a, b in zip(case.args, args, strict=True)
            )
            if same:
                return key.KEY[problem_id]["reference"](*args, **kwargs)
        return key.KEY[problem_id]["reference"](*visible[0].args)

    assert _outcome(problem_id, **{name: memorised}).status == "incorrect"


def test_constant_and_input_ignoring_functions_are_rejected():
    assert (
        _outcome("23.2", softmax_with_temperature=lambda z, t: np.ones(len(z)) / len(z)).status
        == "incorrect"
    )
    assert (
        _outcome("23.3", top_k_filter=lambda z, k: np.asarray(z, dtype=float).copy()).status
        == "incorrect"
    )
    assert (
        _outcome("23.4", top_p_filter=lambda z, p: np.asarray(z, dtype=float).copy()).status
        == "incorrect"
    )
    assert _outcome("23.5", perplexity=lambda lp: 4.0).status == "incorrect"
    assert _outcome("23.8", parse_sentiment=lambda r: json.loads(r)).status == "incorrect"


def test_lists_instead_of_arrays_are_rejected_with_advice():
    def as_list(z, t):
        return list(key._softmax_with_temperature(z, t))

    outcome = _outcome("23.2", softmax_with_temperature=as_list)
    assert outcome.status == "incorrect"


def test_the_tokens_are_recomputed_from_the_snapshot():
    right = key._tokens()
    assert _outcome("23.1", sentence_tokens=right).correct
    assert "".join(right).replace("Ġ", " ") == SENTENCE
    for wrong in (
        key._tokens(held_out_too=True),
        key._tokens(vocab_size=30000),
        right[:-1],
        [*right, "."],
        SENTENCE.split(),
        tuple(right[::-1]),
    ):
        assert _outcome("23.1", sentence_tokens=list(wrong)).status == "incorrect"


def test_the_bigram_baseline_rejects_leaks_rounding_and_other_smoothings():
    right = key._bigram_ppl()
    assert _outcome("23.6", bigram_ppl=right).correct
    assert _outcome("23.6", bigram_ppl=np.float64(right)).correct
    for wrong in (
        key._bigram_ppl(fit_on_valid=True),
        key._bigram_ppl(alpha=1.0),
        key._bigram_ppl(alpha=0.01),
        key._bigram_ppl(eos=False),
        key._bigram_ppl(unigram=True),
        round(right, 2),
        round(right, 1),
        str(right),
    ):
        assert _outcome("23.6", bigram_ppl=wrong).status == "incorrect", wrong
    leak = _outcome("23.6", bigram_ppl=key._bigram_ppl(fit_on_valid=True))
    assert "training stream only" in leak.message


def test_the_snapshot_is_whole_and_its_tokenizer_is_deterministic():
    train, valid = load_course_snapshot()
    assert len(train) > 200 and len(valid) > 30
    assert not set(train) & set(valid)
    assert load_course_snapshot() == (train, valid)  # a fresh copy, same content
    train.append("x")
    assert len(load_course_snapshot()[0]) == len(train) - 1
    key._tokenizer.cache_clear()
    again = key._tokens()
    assert again == key._tokens() and len(again) > 5


def test_prompt_scenarios_are_drawn_afresh_and_rebuilt_from_their_seed():
    problem = PROBLEMS["23.7"]
    first = problem.collect({"build_messages": right_messages}).values["data"]
    second = problem.collect({"build_messages": right_messages}).values["data"]
    seeds = [r["seed"] for r in first[len(_FIXED) :]]
    assert len(seeds) == N_FRESH and seeds != [r["seed"] for r in second[len(_FIXED) :]]
    assert fresh_prompt_scenario(seeds[0]) == fresh_prompt_scenario(seeds[0])
    assert problem.evaluate(Answer({"data": first})).correct
    # Replaying the right messages under another seed fails: the judge rebuilds the scenario.
    forged = json.loads(json.dumps(first))
    for result in forged[len(_FIXED) :]:
        result["seed"] = (result["seed"] + 1) % 2**62
    assert problem.evaluate(Answer({"data": forged})).status == "incorrect"


def test_prompt_variants_that_are_equivalent_are_accepted():
    def spaced(review, examples):
        messages = right_messages(review, examples)
        for message in messages:
            if message["role"] == "user":
                inner = message["content"][len("<review>\n") : -len("\n</review>")]
                message["content"] = f"  <review> {inner.strip()} </review>\n"
        return messages

    assert _outcome("23.7", build_messages=spaced).correct


def test_prompt_attacks_are_rejected():
    frozen = right_messages("Short, clear and useful.", EXAMPLES)

    def stuffing(review, examples):  # every label word stuffed into the system message
        messages = right_messages(review, examples)
        messages[0]["content"] += " positive negative neutral"
        return messages

    def tuple_messages(review, examples):
        return tuple(right_messages(review, examples))

    def raises(review, examples):
        raise RuntimeError("no")

    for attack in (lambda r, e: frozen, stuffing, tuple_messages, raises):
        assert _outcome("23.7", build_messages=attack).status == "incorrect"


def test_answers_survive_the_graders_encoding_and_isolated_evaluation(tmp_path):
    namespace = {
        "sentence_tokens": key._tokens(),
        "softmax_with_temperature": key._softmax_with_temperature,
        "top_k_filter": key._top_k_filter,
        "top_p_filter": key._top_p_filter,
        "perplexity": key._perplexity,
        "bigram_ppl": key._bigram_ppl(),
        "build_messages": right_messages,
        "parse_sentiment": key._parse_sentiment,
    }
    answers = {p.id: p.collect(namespace) for p in MODULE.problems if not p.id.startswith("23.kc")}
    encode_answers(answers, tmp_path)
    outcomes = {
        o["problem"]: o for o in evaluate_isolated("23", tmp_path, memory_mb=1024, timeout=120)
    }
    for problem_id in answers:
        assert outcomes[problem_id]["status"] == "correct", outcomes[problem_id]


def test_perplexity_of_minus_infinity_is_infinite_and_kc2_is_computed():
    assert math.isinf(key._perplexity([math.log(0.5), -math.inf]))
    assert _outcome("23.kc2", kc2=2**1.75).correct
    assert _outcome("23.kc2", kc2=round(2**1.75, 1)).status == "incorrect"


def test_parse_replies_are_drawn_afresh_and_rebuilt_from_their_seed():
    problem = PROBLEMS["23.8"]
    first = problem.collect({"parse_sentiment": key._parse_sentiment}).values["data"]
    second = problem.collect({"parse_sentiment": key._parse_sentiment}).values["data"]
    seeds = [group["seed"] for group in first[len(_parse_fixed()) :]]
    assert len(seeds) == N_FRESH_REPLIES
    assert seeds != [group["seed"] for group in second[len(_parse_fixed()) :]]
    assert fresh_replies(seeds[0]) == fresh_replies(seeds[0])
    assert problem.evaluate(Answer({"data": first})).correct
    forged = json.loads(json.dumps(first))
    for group in forged[len(_parse_fixed()) :]:
        group["seed"] = (group["seed"] + 1) % 2**62
    assert problem.evaluate(Answer({"data": forged})).status == "incorrect"


def test_parse_a_table_of_the_fixed_replies_fails():
    """A1: the fixed malformed replies pasted into a table, then plain json.loads."""
    bad = set()
    for _, reply in _parse_fixed():
        try:
            key._parse_sentiment(reply)
        except ValueError:
            bad.add(reply)

    def table(reply):
        if reply in bad:
            raise ValueError("known")
        text = reply.strip()
        if text.startswith("```"):
            text = "\n".join(text.split("\n")[1:-1])
        return json.loads(text)

    assert _outcome("23.8", parse_sentiment=table).status == "incorrect"


def test_parse_fence_attacks_and_natural_validators_fail():
    import re

    def fence_anywhere(reply):  # A2
        found = re.search(r"```(?:json)?\n(.*?)\n```", reply, re.DOTALL)
        return key._parse_sentiment(found.group(1) if found else reply)

    def unclosed(reply):  # A3
        text = reply.strip()
        if text.startswith("```"):
            text = "\n".join(text.split("\n")[1:]).removesuffix("```")
        return key._parse_sentiment(text)

    def listed_values_only(reply):  # A4: blocks only the bad values it has seen
        data = json.loads(reply.strip().removeprefix("```json").removesuffix("```"))
        if type(data) is not dict or set(data) != {"label", "confidence", "evidence"}:
            raise ValueError("fields")
        if data["label"] in ("Positive", "mixed") or data["evidence"] in ("", 3):
            raise ValueError("value")
        if data["confidence"] in (1.2, -0.1, "0.9", True):
            raise ValueError("confidence")
        return data

    def lets_nan_through(reply):  # A5
        data = json.loads(reply.strip())
        if type(data) is not dict or set(data) != {"label", "confidence", "evidence"}:
            raise ValueError("fields")
        if data["label"] not in ("positive", "negative", "neutral"):
            raise ValueError("label")
        c = data["confidence"]
        if type(c) not in (int, float) or c < 0 or c > 1:
            raise ValueError("confidence")
        if type(data["evidence"]) is not str or not data["evidence"]:
            raise ValueError("evidence")
        return data

    for attack in (fence_anywhere, unclosed, listed_values_only, lets_nan_through):
        assert _outcome("23.8", parse_sentiment=attack).status == "incorrect", attack
    lax = _outcome("23.8", parse_sentiment=key._parse_lax)
    assert lax.status == "incorrect"
    kinds = {kind for seed in range(20) for kind, _ in fresh_replies(seed)}
    for needed in (
        "text before a code fence",
        "text after the closing fence",
        "an unclosed code fence",
        "a null field",
        "a confidence of NaN",
        "evidence that is not a string",
    ):
        assert needed in kinds


def test_parse_messages_do_not_reveal_the_expected_value():
    outcome = _outcome("23.8", parse_sentiment=lambda reply: {"label": "positive"})
    assert outcome.status == "incorrect"
    assert "0.92" not in outcome.message and "gentle" not in outcome.message


def test_ordered_dict_messages_are_accepted():
    """A7: dict subclasses (an OrderedDict) are messages too."""
    from collections import OrderedDict

    def ordered(review, examples):
        return [OrderedDict(m) for m in right_messages(review, examples)]

    assert _outcome("23.7", build_messages=ordered).correct
