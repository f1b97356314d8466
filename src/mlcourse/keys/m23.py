"""Answer key of module 23 — LLM foundations."""

from __future__ import annotations

import functools
import json
import math
import re
from typing import Any, Literal

import numpy as np

from mlcourse.checks import Fail, Mistake
from mlcourse.exercises.m23 import (
    _FIXED,
    ALPHA,
    EOS,
    LABELS,
    MIN_FREQUENCY,
    N_FRESH,
    N_FRESH_REPLIES,
    SENTENCE,
    SYSTEM_PROMPT,
    VOCAB_SIZE,
    _parse_fixed,
    fresh_prompt_scenario,
    fresh_replies,
    load_course_snapshot,
)

# --------------------------------------------------------------------------------------
# Exercises 1 and 6: the tokenizer and the bigram baseline, recomputed from the snapshot.
# --------------------------------------------------------------------------------------


@functools.cache
def _tokenizer(vocab_size: int = VOCAB_SIZE, held_out_too: bool = False) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    train, valid = load_course_snapshot()
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=MIN_FREQUENCY,
        special_tokens=[EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(train + valid if held_out_too else train, trainer=trainer)
    return tokenizer


def _tokens(vocab_size: int = VOCAB_SIZE, held_out_too: bool = False) -> list[str]:
    return list(_tokenizer(vocab_size, held_out_too).encode(SENTENCE).tokens)


def _stream(tokenizer: Any, texts: list[str], eos: bool = True) -> np.ndarray:
    end = [tokenizer.token_to_id(EOS)] if eos else []
    ids: list[int] = []
    for text in texts:
        ids += tokenizer.encode(text).ids + end
    return np.array(ids, dtype=np.int64)


def _bigram_ppl(
    alpha: float = ALPHA, fit_on_valid: bool = False, eos: bool = True, unigram: bool = False
) -> float:
    tokenizer = _tokenizer()
    train_texts, valid_texts = load_course_snapshot()
    train = _stream(tokenizer, train_texts, eos)
    valid = _stream(tokenizer, valid_texts, eos)
    fit = np.concatenate([train, valid]) if fit_on_valid else train
    v = tokenizer.get_vocab_size()
    if unigram:
        probs = (np.bincount(fit, minlength=v) + alpha) / (len(fit) + alpha * v)
        return float(np.exp(-np.log(probs[valid[1:]]).mean()))
    counts = np.zeros((v, v))
    np.add.at(counts, (fit[:-1], fit[1:]), 1)
    probs = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha * v)
    return float(np.exp(-np.log(probs[valid[:-1], valid[1:]]).mean()))


# --------------------------------------------------------------------------------------
# Exercises 2-5: references and known mistakes.
# --------------------------------------------------------------------------------------


def _softmax_with_temperature(logits: Any, t: float) -> np.ndarray:
    z = np.asarray(logits, dtype=float)
    if t < 0:
        raise ValueError("the temperature must be at least 0")
    if t == 0:
        best = (z == z.max()).astype(float)
        return best / best.sum()
    z = z / t
    e = np.exp(z - z.max())
    return e / e.sum()


def _softmax_times_t(logits: Any, t: float) -> np.ndarray:
    if t < 0:
        raise ValueError("t")
    z = np.asarray(logits, dtype=float) * t
    e = np.exp(z - z.max())
    return e / e.sum()


def _top_k_filter(logits: Any, k: int) -> np.ndarray:
    z = np.asarray(logits, dtype=float)
    if k < 1:
        raise ValueError("k must be at least 1")
    if k >= len(z):
        return z.copy()
    kth = np.sort(z)[::-1][k - 1]
    return np.where(z >= kth, z, -np.inf)


def _top_k_exactly_k(logits: Any, k: int) -> np.ndarray:
    z = np.asarray(logits, dtype=float)
    if k < 1:
        raise ValueError("k")
    keep = np.argsort(-z, kind="stable")[:k]
    out = np.full_like(z, -np.inf)
    out[keep] = z[keep]
    return out


def _top_p_filter(logits: Any, p: float) -> np.ndarray:
    z = np.asarray(logits, dtype=float)
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    if p == 1:
        return z.copy()
    e = np.exp(z - z.max())
    probs = e / e.sum()
    ordered = np.sort(probs)[::-1]
    m = min(int(np.searchsorted(np.cumsum(ordered), p)) + 1, len(z))
    return np.where(probs >= ordered[m - 1], z, -np.inf)


def _top_p_strict(logits: Any, p: float) -> np.ndarray:
    """Keeps the tokens whose cumulative probability, themselves included, stays below p."""
    z = np.asarray(logits, dtype=float)
    if not 0 < p <= 1:
        raise ValueError("p")
    e = np.exp(z - z.max())
    probs = e / e.sum()
    order = np.argsort(-probs, kind="stable")
    keep = order[np.cumsum(probs[order]) <= p]
    out = np.full_like(z, -np.inf)
    out[keep] = z[keep]
    return out


def _perplexity(log_probs: Any) -> float:
    values = np.asarray(log_probs, dtype=float)
    if values.size == 0:
        raise ValueError("no log probabilities")
    if np.isnan(values).any() or (values > 0).any():
        raise ValueError("log probabilities are finite or -inf, and never above 0")
    with np.errstate(over="ignore"):
        return float(np.exp(-values.mean()))


def _perplexity_sum(log_probs: Any) -> float:
    values = np.asarray(log_probs, dtype=float)
    if values.size == 0 or np.isnan(values).any() or (values > 0).any():
        raise ValueError("bad")
    with np.errstate(over="ignore"):
        return float(np.exp(-values.sum()))


def _perplexity_base2(log_probs: Any) -> float:
    values = np.asarray(log_probs, dtype=float)
    if values.size == 0 or np.isnan(values).any() or (values > 0).any():
        raise ValueError("bad")
    return float(2.0 ** (-values.mean()))


# --------------------------------------------------------------------------------------
# Exercise 7: the few-shot prompt.
# --------------------------------------------------------------------------------------

_WRAPPED = re.compile(r"\A<review>(.*)</review>\Z", re.DOTALL)


def _expected_messages(scenario: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = [("system", SYSTEM_PROMPT)]
    for text, label in scenario["examples"]:
        pairs += [("user", text), ("assistant", label)]
    return [*pairs, ("user", scenario["review"])]


def _messages_problem(result: Any, scenario: dict[str, Any], where: str) -> str | None:
    if type(result) is not dict:
        return f"the data collected for {where} is not a dict"
    keys = set(result) - {"seed"}
    if keys not in ({"error"}, {"shape", "mutated"}, {"messages", "mutated"}):
        return f"the data collected for {where} has an unexpected form"
    if "error" in result:
        return f"`build_messages` raised for {where}: {str(result['error'])[:100]}"
    if result.get("mutated") is not False:
        return f"`build_messages` changed its `examples` argument for {where}: build a new list"
    if "shape" in result:
        return f"`build_messages` returned a {str(result['shape'])[:40]} for {where}, not a list"
    messages = result.get("messages")
    expected = _expected_messages(scenario)
    if type(messages) is not list or len(messages) != len(expected):
        n = len(messages) if type(messages) is list else "no"
        return (
            f"for {where} the list holds {n} messages: expected one system message, a user and "
            "an assistant message per example, and the review as the last user message"
        )
    for position, (message, (role, content)) in enumerate(zip(messages, expected, strict=True)):
        if type(message) is not dict or set(message) != {"role", "content"}:
            return f"message {position} for {where} is not a dict with exactly 'role' and 'content'"
        if type(message["role"]) is not str or type(message["content"]) is not str:
            return f"message {position} for {where} has a role or content that is not a string"
        if message["role"] != role:
            return f"message {position} for {where} has role {message['role'][:20]!r}: check the order of the roles"
        got = message["content"]
        if role == "system":
            if got != SYSTEM_PROMPT:
                return f"the system message for {where} is not SYSTEM_PROMPT"
        elif role == "assistant":
            if got != content:
                return f"assistant message {position} for {where} is not the example's label alone"
        else:
            match = _WRAPPED.match(got.strip())
            if match is None:
                return (
                    f"user message {position} for {where} is not wrapped in <review> and "
                    "</review> (nothing before or after them)"
                )
            if match.group(1).strip() != content.strip():
                return (
                    f"user message {position} for {where} does not hold its review text, as given"
                )
    return None


def _judge_messages(data: Any) -> None:
    if type(data) is not list or len(data) != len(_FIXED) + N_FRESH:
        raise Fail("the collected data does not hold one result per scenario")
    for number, (result, scenario) in enumerate(zip(data, _FIXED, strict=False), start=1):
        problem = _messages_problem(result, scenario, f"fixed scenario {number}")
        if problem:
            raise Fail(problem + ".")
    seeds = set()
    for result in data[len(_FIXED) :]:
        seed = result.get("seed") if type(result) is dict else None
        if type(seed) is not int or not 0 <= seed < 2**62 or seed in seeds:
            raise Fail("a random scenario's seed is missing or repeated in the collected data.")
        seeds.add(seed)
        problem = _messages_problem(result, fresh_prompt_scenario(seed), "a random scenario")
        if problem:
            raise Fail(problem + ".")


# --------------------------------------------------------------------------------------
# Exercise 8: parse and validate.
# --------------------------------------------------------------------------------------


@functools.cache
def _reply_model() -> Any:
    from pydantic import BaseModel, ConfigDict, Field

    class Sentiment(BaseModel):
        model_config = ConfigDict(strict=True, extra="forbid")
        label: Literal["positive", "negative", "neutral"]
        confidence: float = Field(ge=0, le=1)
        evidence: str = Field(min_length=1)

    return Sentiment


def _parse_sentiment(reply: str) -> dict[str, Any]:
    text = reply.strip()
    if text.startswith("```"):
        lines = text.split("\n")
        if len(lines) < 2 or lines[-1].strip() != "```":
            raise ValueError("an unclosed code fence")
        text = "\n".join(lines[1:-1])
    return _reply_model().model_validate_json(text).model_dump()


def _parse_lax(reply: str) -> dict[str, Any]:
    """json.loads and a check of the keys only: no types, no ranges."""
    text = reply.strip().removeprefix("```json").removeprefix("```").removesuffix("```")
    data = json.loads(text)
    if type(data) is not dict or set(data) != {"label", "confidence", "evidence"}:
        raise ValueError("wrong fields")
    return data


_LAX_KINDS = {
    "a label in another case",
    "a label outside the three",
    "a confidence above 1",
    "a negative confidence",
    "a confidence given as a string",
    "a confidence given as a boolean",
    "empty evidence",
    "evidence that is not a string",
    "a null field",
    "a confidence of NaN",
}


def _same_value(got: Any, expected: dict[str, Any]) -> bool:
    if type(got) is not dict or set(got) != set(expected):
        return False
    for name, want in expected.items():
        item = got[name]
        if name == "confidence":
            if type(item) is dict and set(item) == {"float"} and type(item["float"]) is str:
                try:
                    item = float(item["float"])
                except ValueError:
                    return False
            elif type(item) is not int:  # the extract wraps every float as {"float": repr}
                return False
            if not math.isclose(item, want, abs_tol=1e-12):
                return False
        elif type(item) is not str or item != want:
            return False
    return True


def _parse_problem(result: Any, kind: str, reply: str) -> str | None:
    """Why the collected result of one reply is wrong, or None (never the expected value)."""
    try:
        expected = _parse_sentiment(reply)
    except ValueError:
        expected = None
    if type(result) is not dict or len(result) != 1 and set(result) != {"raised", "value_error"}:
        return "the data collected for a reply has an unexpected form"
    if expected is None:
        if result.get("value_error") is True and type(result.get("raised")) is str:
            return None
        if "raised" in result:
            return (
                f"`parse_sentiment` raised {str(result['raised'])[:60]} for a reply with {kind}: "
                "raise ValueError for a malformed reply"
            )
        advice = (
            " Parsing is not validating: check each field's type and range too, as a strict "
            "pydantic model does"
            if kind.removesuffix(" (a random reply)") in _LAX_KINDS
            else ""
        )
        return (
            f"`parse_sentiment` accepted a reply with {kind}, which must raise ValueError.{advice}"
        )
    if "raised" in result:
        return f"`parse_sentiment` raised {str(result['raised'])[:60]} for {kind}, which is valid"
    if "returned" in result:
        return (
            f"`parse_sentiment` returned a {str(result['returned'])[:40]} for {kind}: return a "
            "dict with the three fields"
        )
    if not _same_value(result.get("value"), expected):
        return (
            f"for {kind} `parse_sentiment` did not return a dict with exactly the three fields "
            "and their values as given"
        )
    return None


def _judge_parse(data: Any) -> None:
    fixed = _parse_fixed()
    if type(data) is not list or len(data) != len(fixed) + N_FRESH_REPLIES:
        raise Fail("the collected data does not hold one result per reply")
    for result, (kind, reply) in zip(data, fixed, strict=False):
        problem = _parse_problem(result, kind, reply)
        if problem:
            raise Fail(problem + ("" if problem.endswith(".") else "."))
    seeds = set()
    problems: list[tuple[int, str]] = []
    for group in data[len(fixed) :]:
        seed = group.get("seed") if type(group) is dict else None
        if type(seed) is not int or not 0 <= seed < 2**62 or seed in seeds:
            raise Fail("a random reply's seed is missing or repeated in the collected data.")
        seeds.add(seed)
        replies = fresh_replies(seed)
        results = group.get("results")
        if set(group) != {"seed", "results"} or type(results) is not list:
            raise Fail("the collected data for the random replies has an unexpected form.")
        if len(results) != len(replies):
            raise Fail("the collected data does not hold one result per random reply.")
        for index, (result, (kind, reply)) in enumerate(zip(results, replies, strict=True)):
            problem = _parse_problem(result, kind + " (a random reply)", reply)
            if problem:
                problems.append((index, problem))
    if problems:  # the first kind of reply that fails, in a fixed order, whatever the draw
        problem = min(problems)[1]
        raise Fail(problem + ("" if problem.endswith(".") else "."))


KEY = {
    "23.1": {
        "expected": _tokens,
        "mistakes": [
            Mistake(
                lambda: _tokens(held_out_too=True),
                "Train the tokenizer on `train_texts` only: the held-out lesson is for "
                "measuring, and nothing learned from it may enter the model, the tokenizer "
                "included.",
            ),
            Mistake(
                lambda: _tokens(vocab_size=30000),
                "Pass `vocab_size=VOCAB_SIZE` to the BpeTrainer: its default vocabulary is far "
                "larger, so it splits the sentence differently.",
            ),
        ],
    },
    "23.2": {
        "reference": _softmax_with_temperature,
        "mistakes": [
            Mistake(
                _softmax_times_t,
                "Divide the logits by the temperature, do not multiply: a low temperature must "
                "sharpen the distribution.",
            )
        ],
    },
    "23.3": {
        "reference": _top_k_filter,
        "mistakes": [
            Mistake(
                _top_k_exactly_k,
                "Keep every logit at least as large as the k-th largest: tokens tied at the "
                "boundary all stay (picking exactly k of them depends on an arbitrary order).",
            )
        ],
    },
    "23.4": {
        "reference": _top_p_filter,
        "mistakes": [
            Mistake(
                _top_p_strict,
                "Keep the smallest set whose total probability reaches p, so include the token "
                "that crosses p (and always at least one token).",
            )
        ],
    },
    "23.5": {
        "reference": _perplexity,
        "mistakes": [
            Mistake(
                _perplexity_sum,
                "Perplexity is per token: average the log probabilities, do not sum them.",
            ),
            Mistake(
                _perplexity_base2,
                "These are natural logarithms: exponentiate with e (np.exp), not with 2.",
            ),
        ],
    },
    "23.6": {
        "expected": _bigram_ppl,
        "mistakes": [
            Mistake(
                lambda: _bigram_ppl(fit_on_valid=True),
                "Count the pairs on the training stream only: counting the validation text "
                "too lets the baseline see the answers it is scored on.",
            ),
            Mistake(
                lambda: _bigram_ppl(alpha=1.0),
                "Use ALPHA (0.1) for the smoothing, not 1: add-one smoothing moves too much "
                "probability to unseen pairs with a vocabulary this large.",
            ),
            Mistake(
                lambda: _bigram_ppl(eos=False),
                "Append the id of EOS after every text before concatenating, in both streams.",
            ),
            Mistake(
                lambda: _bigram_ppl(unigram=True),
                "That is a unigram model: the probability of a token must depend on the token "
                "before it (a row of the count matrix per previous token).",
            ),
        ],
    },
    "23.7": {"judge": _judge_messages},
    "23.8": {"judge": _judge_parse},
    "23.kc1": {
        "answer": "b",
        "explanation": "Dividing by 0.5 doubles the gaps between logits, so softmax puts more "
        "of the probability on the likely tokens: the text gets more predictable and less "
        "varied. The model and its logits are unchanged.",
        "feedback": {
            "a": "A temperature above 1 flattens the distribution; below 1 it sharpens it.",
            "c": "Temperature rescales all logits; cutting the candidates is what top-k and "
            "top-p do.",
            "d": "Sampling settings act at generation time; the weights do not change.",
        },
    },
    "23.kc2": {"expected": lambda: math.exp(-np.mean(np.log([0.5, 0.25, 0.5, 0.125])))},
    "23.kc3": {
        "answer": "a",
        "explanation": "Hoffmann et al. (2022, the Chinchilla paper) found that as the compute "
        "budget C grows, the compute-optimal number of parameters and number of training "
        "tokens should each grow as about C^0.5 (about 20 tokens per parameter); Chinchilla (70 B parameters, 1.4 T tokens) beat the "
        "larger Gopher trained on fewer tokens with the same compute.",
        "feedback": {
            "b": "That is close to the earlier advice that Chinchilla revised: Kaplan et al. "
            "(2020) put most extra compute into parameters (N growing as about C^0.73), and the "
            "large models trained that way were undertrained for their size.",
            "c": "The paper scales both together; data alone with a fixed small model stops "
            "paying off.",
            "d": "The paper is about parameters and training tokens, not context length.",
        },
    },
    "23.kc4": {
        "answer": "c",
        "explanation": "JSON mode constrains the syntax: the reply parses as JSON. It does not "
        "promise your fields, types or ranges (a schema-constrained mode narrows that, "
        "and a model can still put wrong content in valid fields), so the reply is validated "
        "before use and a failure can trigger a retry. Even the syntax holds only for a "
        "complete reply: one cut at max_tokens (finish_reason 'length') is incomplete JSON, "
        "so check finish_reason first.",
        "feedback": {
            "a": "A valid JSON object can still miss a field or hold a value of the wrong type.",
            "b": "Nothing in the mode checks that the content is true.",
            "d": "A JSON reply is still generated token by token by the same model.",
        },
    },
}

_ = LABELS  # the three labels are named in SYSTEM_PROMPT; kept importable for the tests
