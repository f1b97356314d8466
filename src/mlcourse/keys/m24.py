"""Answer key of module 24 — RAG and agents."""

from __future__ import annotations

import ast
import functools
import math
import operator
import re
import zlib
from collections import Counter
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    malformed,
    require_bool,
    require_dict,
    require_int,
    require_list,
    require_optional,
    require_str,
)
from mlcourse.exercises.m24 import (
    _SCENARIOS,
    LABEL,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_MAGNITUDE,
    N_FRESH_SCENARIOS,
    NO_ANSWER,
    SIZES,
    STOPWORDS,
    fresh_grounded_scenario,
    load_course_snapshot,
    plain_number,
)

# --------------------------------------------------------------------------------------
# Exercise 1: chunking into overlapping word windows.
# --------------------------------------------------------------------------------------


def _chunk_text(text: str, max_words: int, overlap: int) -> list[str]:
    if max_words < 1:
        raise ValueError("max_words must be at least 1")
    if not 0 <= overlap < max_words:
        raise ValueError("overlap must be at least 0 and smaller than max_words")
    words = text.split()
    chunks: list[str] = []
    start = 0
    while start < len(words):
        chunks.append(" ".join(words[start : start + max_words]))
        if start + max_words >= len(words):
            break
        start += max_words - overlap
    return chunks


def _chunk_text_clamped(text: str, max_words: int, overlap: int) -> list[str]:
    """A known mistake: an overlap that is too large is made smaller instead of refused."""
    if max_words < 1 or overlap < 0:
        raise ValueError("max_words must be at least 1 and overlap at least 0")
    return _chunk_text(text, max_words, min(overlap, max_words - 1))


# --------------------------------------------------------------------------------------
# Exercise 2: BM25 scores of a tokenised query against tokenised documents.
# --------------------------------------------------------------------------------------


def _bm25_scores(
    query: list[str], documents: list[list[str]], k1: float = 1.2, b: float = 0.75
) -> list[float]:
    n = len(documents)
    if n == 0:
        return []
    lengths = [len(doc) for doc in documents]
    average = sum(lengths) / n
    scores = [0.0] * n
    for term in dict.fromkeys(query):  # every distinct query term once
        df = sum(term in doc for doc in documents)
        if df == 0:
            continue
        idf = math.log((n - df + 0.5) / (df + 0.5) + 1.0)
        for i, doc in enumerate(documents):
            tf = doc.count(term)
            if tf:
                norm = k1 * (1.0 - b + b * lengths[i] / average)
                scores[i] += idf * tf * (k1 + 1.0) / (tf + norm)
    return scores


# --------------------------------------------------------------------------------------
# Exercise 3: cosine top-k over the rows of a matrix.
# --------------------------------------------------------------------------------------


def _cosine_top_k(query: np.ndarray, matrix: np.ndarray, k: int) -> list[int]:
    if k < 1:
        raise ValueError("k must be at least 1")
    q = np.asarray(query, dtype=float)
    m = np.asarray(matrix, dtype=float)
    q_norm = np.linalg.norm(q)
    row_norms = np.linalg.norm(m, axis=1)
    similarity = np.zeros(len(m))
    usable = row_norms > 0
    if q_norm > 0:
        similarity[usable] = (m[usable] @ q) / (row_norms[usable] * q_norm)
    order = np.argsort(-similarity, kind="stable")
    return [int(i) for i in order[:k]]


# --------------------------------------------------------------------------------------
# Exercises 4 and 5: recall@k and mean reciprocal rank.
# --------------------------------------------------------------------------------------


def _recall_at_k(ranked_ids: list, relevant_ids, k: int) -> float:
    if k < 1:
        raise ValueError("k must be at least 1")
    relevant = set(relevant_ids)
    if not relevant:
        raise ValueError("recall is undefined without relevant items")
    return len(relevant & set(ranked_ids[:k])) / len(relevant)


def _mrr(rankings: list[list], relevant: list) -> float:
    if len(rankings) != len(relevant):
        raise ValueError("one set of relevant ids per ranking")
    if not rankings:
        raise ValueError("the mean reciprocal rank of no queries is undefined")
    total = 0.0
    for ranked, wanted in zip(rankings, relevant, strict=True):
        wanted = set(wanted)
        for position, item in enumerate(ranked, start=1):
            if item in wanted:
                total += 1.0 / position
                break
    return total / len(rankings)


# --------------------------------------------------------------------------------------
# Exercise 6: reciprocal rank fusion.
# --------------------------------------------------------------------------------------


def _reciprocal_rank_fusion(rankings: list[list[str]], k: float = 60) -> list[str]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda item: (-scores[item], item))


# --------------------------------------------------------------------------------------
# Exercise 7: a grounded, extractive answer with citations (judged on its properties).
# --------------------------------------------------------------------------------------


def _split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower())) - STOPWORDS


def _grounded_answer(
    question: str, chunks: list[dict], max_sentences: int = 2, *, repeats: bool = False
) -> dict:
    """The reference; with ``repeats``, the known mistake of counting a repeated word again."""
    wanted = _words(question)
    candidates = []
    for chunk in chunks:
        for sentence in _split_sentences(chunk["text"]):
            if repeats:
                found = re.findall(r"[a-z0-9]+", sentence.lower())
                score = sum(word in wanted for word in found)
            else:
                score = len(wanted & _words(sentence))
            if score > 0:
                candidates.append((score, sentence, chunk["id"]))
    best = sorted(candidates, key=lambda c: -c[0])[:max_sentences]  # stable: reading order
    if not best:
        return {"answer": NO_ANSWER, "citations": []}
    answer = " ".join(f"{sentence} [{cid}]" for _, sentence, cid in best) + " " + LABEL
    return {"answer": answer, "citations": list(dict.fromkeys(cid for _, _, cid in best))}


def _call_text(scenario: dict[str, Any], fresh: bool = False) -> str:
    """How a scenario's call reads in a message, in backticks."""
    n = len(scenario["chunks"])
    call = (
        f"`grounded_answer({scenario['question']!r}, <{n} chunk{'s' * (n != 1)}>, "
        f"max_sentences={scenario['max_sentences']})`"
    )
    return f"{call} (on a scenario drawn at random for this check)" if fresh else call


def _require_grounded_result(value: Any, path: str) -> dict[str, Any]:
    """What exercise 7 collects for one scenario: an error, a wrong shape, or the answer; a
    scenario drawn at random also holds its seed."""
    require_dict(value, path)
    extra = ("seed",) if "seed" in value else ()
    if extra:
        require_int(value["seed"], at(path, "seed"))
        if not 0 <= value["seed"] < 2**62:
            raise malformed(at(path, "seed"), "is not a seed the check draws")
    if "error" in value or "shape" in value:
        key = "error" if "error" in value else "shape"
        require_dict(value, path, (*extra, key))
        require_str(value[key], at(path, key))
        return value
    require_dict(value, path, (*extra, "answer", "answer_type", "citations", "mutated"))
    answer = require_optional(require_str)(value["answer"], at(path, "answer"))
    if require_str(value["answer_type"], at(path, "answer_type")) != "str" and answer is not None:
        raise malformed(at(path, "answer_type"), "does not match the type of 'answer'")
    if value["citations"] is not None:
        require_list(value["citations"], at(path, "citations"), item=require_str)
    require_bool(value["mutated"], at(path, "mutated"))
    return value


def _judge_grounded(results: list[dict[str, Any]]) -> None:
    """Judge the answers to the key's own scenarios, then to the random ones, in order."""
    n_fixed = len(_SCENARIOS)
    require_list(
        results,
        "data",
        length=n_fixed + N_FRESH_SCENARIOS,
        per="scenario",
        item=_require_grounded_result,
    )
    if any("seed" in got for got in results[:n_fixed]) or not all(
        "seed" in got for got in results[n_fixed:]
    ):
        raise Fail("The collected answers are not in the order of the check's scenarios.")
    scenarios = [
        *((scenario, False) for scenario in _SCENARIOS),
        *((fresh_grounded_scenario(got["seed"]), True) for got in results[n_fixed:]),
    ]
    for (scenario, fresh), got in zip(scenarios, results, strict=True):
        call = _call_text(scenario, fresh)
        if "error" in got:
            raise Fail(f"{call} raised {got['error']}.")
        if "shape" in got:
            raise Fail(
                f"{call} should return a dict with exactly the keys 'answer' and 'citations', "
                f"but it returned a {got['shape']} (or a dict with other keys)."
            )
        if got["answer"] is None:
            raise Fail(f"In {call}, 'answer' should be a str, not a {got['answer_type']}.")
        if got["citations"] is None:
            raise Fail(f"In {call}, 'citations' should be a list of chunk ids (str).")
        if got["mutated"]:
            raise Fail(
                f"{call} changed the list of chunks it was given (or a chunk in it). Leave "
                "the caller's chunks as they were: read them, build a new result."
            )
        _judge_one(scenario, got["answer"], got["citations"], call)


def _judge_one(scenario: dict[str, Any], answer: str, citations: list[str], call: str) -> None:
    expected = _grounded_answer(
        scenario["question"], scenario["chunks"], max_sentences=scenario["max_sentences"]
    )
    texts = {chunk["id"]: chunk["text"] for chunk in scenario["chunks"]}
    if expected["answer"] == NO_ANSWER:
        if citations or answer != NO_ANSWER:
            raise Fail(
                f"{call}: no sentence of the chunks shares a word with the question (or there "
                "are no chunks), so the answer should be exactly NO_ANSWER with no citations. "
                "An answer that is not supported by the retrieved text is not grounded."
            )
        return
    if answer == NO_ANSWER:
        raise Fail(
            f"{call} returned NO_ANSWER, but some sentences do share words with the question."
        )
    invented = [c for c in citations if c not in texts]
    if invented:
        raise Fail(f"{call} cites {invented[0]!r}, which is not the id of any chunk it was given.")
    if not answer.endswith(" " + LABEL):
        raise Fail(
            f"The answer of {call} should end with a space and LABEL, so that readers know "
            "no language model wrote it."
        )
    body = answer[: -len(LABEL) - 1]
    pieces = re.split(r"(?<=\])\s+", body.strip())
    used = []
    for piece in pieces:
        match = re.fullmatch(r"(.+?) \[([^\[\]]+)\]", piece, flags=re.S)
        if match is None:
            raise Fail(
                f"In the answer of {call}, {piece[:60]!r} is not a sentence followed by a "
                "space and its citation in brackets, such as 'Some sentence. [chunk-id]'."
            )
        sentence, cid = match.groups()
        if cid not in texts:
            raise Fail(f"The answer of {call} cites [{cid}], which is not one of its chunks.")
        if sentence not in _split_sentences(texts[cid]):
            raise Fail(
                f"In the answer of {call}, the sentence {sentence[:50]!r}... is not a sentence "
                f"of the chunk it cites, [{cid}]. Each sentence must be copied from the chunk "
                "whose id follows it."
            )
        used.append(cid)
    unused = [c for c in citations if c not in used]
    if unused:
        raise Fail(
            f"{call} lists {unused[0]!r} in 'citations', but the answer uses no sentence of "
            "it: cite only the chunks the answer quotes."
        )
    if citations != list(dict.fromkeys(used)):
        raise Fail(
            f"In {call}, 'citations' should list each chunk the answer quotes once, in the "
            "order of first use."
        )
    if answer != expected["answer"]:
        counting = _grounded_answer(
            scenario["question"],
            scenario["chunks"],
            max_sentences=scenario["max_sentences"],
            repeats=True,
        )
        if answer == counting["answer"]:
            raise Fail(
                f"The answer of {call} scores a sentence by every occurrence of a question "
                "word, so a sentence that repeats one word wins. Score it by the number of "
                "distinct question words it contains: the size of the intersection of two sets."
            )
        raise Fail(
            f"The answer of {call} is grounded, but it does not quote the right sentences: "
            "take the max_sentences sentences that share the most question words (at least "
            "one), best first, ties in reading order."
        )


# --------------------------------------------------------------------------------------
# Exercise 8: a safe calculator for an agent's tool.
# --------------------------------------------------------------------------------------

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY = {ast.UAdd: operator.pos, ast.USub: operator.neg}


def _evaluate_node(
    node: ast.AST, *, bounded: bool = True, real: bool = True, exponent: str = "before"
) -> int | float:
    """Evaluate an arithmetic tree. The flags give the known mistakes: no bound on values,
    complex results let through, the exponent checked only after computing the power
    (``exponent="after"``) or only when it is written as a number (``"literal"``)."""

    def guard(value):
        if real and type(value) not in (int, float):
            raise ValueError(f"not a real number: {type(value).__name__}")
        if bounded and not abs(value) <= MAX_MAGNITUDE:
            raise ValueError("the result is too large")
        return value

    def walk(node):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return guard(node.value)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return guard(_UNARY[type(node.op)](walk(node.operand)))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = walk(node.left), walk(node.right)
            too_large = isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT
            if too_large and (
                exponent == "before"
                or (exponent == "literal" and isinstance(node.right, ast.Constant))
            ):
                raise ValueError(f"exponent {right} is too large")
            try:
                value = _BINARY[type(node.op)](left, right)
            except OverflowError:
                raise ValueError("the result is too large") from None
            if too_large and exponent == "after":
                raise ValueError(f"exponent {right} is too large")
            return guard(value)
        raise ValueError(f"not allowed in a calculation: {type(node).__name__}")

    return walk(node)


def _parse(expression: str, *, limit_length: bool = True) -> ast.AST:
    text = expression.strip()
    if limit_length and len(text) > MAX_LENGTH:
        raise ValueError(f"the expression is longer than {MAX_LENGTH} characters")
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError as error:
        raise ValueError(f"not an arithmetic expression: {error.msg}") from None


def _calculate(expression: str) -> int | float:
    return _evaluate_node(_parse(expression))


def _calculate_unbounded(expression: str) -> int | float | str:
    """A known mistake: the exponent limit only, no bound on the size of results (a huge int
    as the check collects it, text saying how large it is)."""
    return plain_number(_evaluate_node(_parse(expression), bounded=False))


def _calculate_complex(expression: str) -> int | float:
    """A known mistake: results are bounded, but complex results are let through."""
    return _evaluate_node(_parse(expression), real=False)


def _calculate_power_first(expression: str) -> int | float:
    """A known mistake: the power is computed first, its exponent checked afterwards."""
    return _evaluate_node(_parse(expression), exponent="after")


def _calculate_literal_exponent(expression: str) -> int | float:
    """A known mistake: only an exponent written as a number is checked."""
    return _evaluate_node(_parse(expression), exponent="literal")


def _calculate_any_length(expression: str) -> int | float:
    """A known mistake: no limit on the length, so a long sum recurses too deeply."""
    return _evaluate_node(_parse(expression, limit_length=False))


# --------------------------------------------------------------------------------------
# Exercise 9: the agent loop.
# --------------------------------------------------------------------------------------


def _run_agent(task: str, planner, tools: dict, max_steps: int = 5) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []
    for _ in range(max_steps):
        name, argument = planner(task, steps)
        if name == "finish":
            return {"answer": argument, "steps": steps}
        if name not in tools:
            observation = f"error: unknown tool {name!r}"
        else:
            try:
                observation = str(tools[name](argument))
            except Exception as error:
                observation = f"error: {type(error).__name__}: {error}"
        steps.append({"tool": name, "input": argument, "observation": observation})
    return {"answer": None, "steps": steps}


# --------------------------------------------------------------------------------------
# Exercise 10: token F1 of an answer against the reference answer.
# --------------------------------------------------------------------------------------


def _answer_tokens(text: str, *, drop_citations: bool = True) -> list[str]:
    text = text.replace(LABEL, " ")
    if drop_citations:
        text = re.sub(r"\[[^\]]*\]", " ", text)
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS]


def _f1_of(predicted: list[str], expected: list[str], overlap: int) -> float:
    if not predicted and not expected:
        return 1.0
    if not predicted or not expected or overlap == 0:
        return 0.0
    precision, recall = overlap / len(predicted), overlap / len(expected)
    return 2 * precision * recall / (precision + recall)


def _answer_f1(prediction: str, reference: str) -> float:
    predicted, expected = _answer_tokens(prediction), _answer_tokens(reference)
    overlap = sum((Counter(predicted) & Counter(expected)).values())
    return _f1_of(predicted, expected, overlap)


def _answer_f1_sets(prediction: str, reference: str) -> float:
    """A known mistake: distinct words only (sets), so repetitions are not counted."""
    predicted, expected = set(_answer_tokens(prediction)), set(_answer_tokens(reference))
    return _f1_of(list(predicted), list(expected), len(predicted & expected))


def _answer_f1_citations(prediction: str, reference: str) -> float:
    """A known mistake: the citations' ids are counted as words of the answer."""
    predicted = _answer_tokens(prediction, drop_citations=False)
    expected = _answer_tokens(reference, drop_citations=False)
    overlap = sum((Counter(predicted) & Counter(expected)).values())
    return _f1_of(predicted, expected, overlap)


# --------------------------------------------------------------------------------------
# Exercise 11: a paired bootstrap interval.
# --------------------------------------------------------------------------------------


def _paired_bootstrap(
    scores_a, scores_b, n_resamples: int = 2000, seed: int = 0, confidence: float = 0.95
) -> tuple[float, float, float]:
    a = np.asarray(scores_a, dtype=float)
    b = np.asarray(scores_b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("one score per question for each system")
    if a.size == 0:
        raise ValueError("no questions")
    diff = a - b
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(diff), size=(n_resamples, len(diff)))
    means = diff[idx].mean(axis=1)
    low, high = np.percentile(means, [50 * (1 - confidence), 50 * (1 + confidence)])
    return (float(diff.mean()), float(low), float(high))


def _unpaired_bootstrap(
    scores_a, scores_b, n_resamples: int = 2000, seed: int = 0, confidence: float = 0.95
) -> tuple[float, float, float]:
    """A known mistake: the two systems resampled independently, as if unrelated."""
    a = np.asarray(scores_a, dtype=float)
    b = np.asarray(scores_b, dtype=float)
    rng = np.random.default_rng(seed)
    means_a = a[rng.integers(0, len(a), size=(n_resamples, len(a)))].mean(axis=1)
    means_b = b[rng.integers(0, len(b), size=(n_resamples, len(b)))].mean(axis=1)
    low, high = np.percentile(means_a - means_b, [50 * (1 - confidence), 50 * (1 + confidence)])
    return (float(a.mean() - b.mean()), float(low), float(high))


# --------------------------------------------------------------------------------------
# Exercise 12: the chunk size chosen on dev questions, reported once on test questions.
# Computed from the frozen copy of the course's lessons and question set that the learner's
# notebook reads too; with the key's own chunking, BM25 and MRR, not the learner's.
# --------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def _tokens(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS]


def _is_dev(question: dict) -> bool:
    return zlib.crc32(question["id"].encode("utf-8")) % 2 == 0


def _course_data() -> tuple[list[tuple[str, str]], list[dict]]:
    course, questions = load_course_snapshot()
    return list(zip(course["notebook"], course["text"], strict=True)), questions


def _bm25_index(documents: list[list[str]], k1: float = 1.2, b: float = 0.75):
    """``_bm25_scores`` for many queries over one corpus: the same floats, computed once."""
    n = len(documents)
    average = sum(len(doc) for doc in documents) / n
    postings: dict[str, list[tuple[int, int]]] = {}
    for i, doc in enumerate(documents):
        for term, tf in Counter(doc).items():
            postings.setdefault(term, []).append((i, tf))
    norms = [k1 * (1.0 - b + b * len(doc) / average) for doc in documents]

    def scores(query: list[str]) -> list[float]:
        result = [0.0] * n
        for term in dict.fromkeys(query):
            found = postings.get(term, [])
            if not found:
                continue
            idf = math.log((n - len(found) + 0.5) / (len(found) + 0.5) + 1.0)
            for i, tf in found:
                result[i] += idf * tf * (k1 + 1.0) / (tf + norms[i])
        return result

    return scores


def _reciprocal_ranks(cells, questions, size: int) -> list[float]:
    chunks = [
        (notebook, piece)
        for notebook, text in cells
        for piece in _chunk_text(text, size, size // 4)
    ]
    score = _bm25_index([_tokens(text) for _, text in chunks])
    texts = [_normalise(text) for _, text in chunks]
    result = []
    for question in questions:
        scores = np.array(score(_tokens(question["question"])))
        order = np.argsort(-np.round(scores, 9), kind="stable")
        relevant = {
            i
            for i, (notebook, _) in enumerate(chunks)
            for passage in question["relevant"]
            if notebook == passage["notebook"] and _normalise(passage["phrase"]) in texts[i]
        }
        result.append(_mrr([order.tolist()], [relevant]))
    return result


@functools.cache
def _chunk_study() -> dict[str, Any]:
    cells, questions = _course_data()
    dev = [q for q in questions if _is_dev(q)]
    test = [q for q in questions if not _is_dev(q)]
    study: dict[str, Any] = {"dev": {}, "test": {}, "all": {}}
    for size in SIZES:
        rr_dev = _reciprocal_ranks(cells, dev, size)
        rr_test = _reciprocal_ranks(cells, test, size)
        study["dev"][size] = float(np.mean(rr_dev))
        study["test"][size] = float(np.mean(rr_test))
        study["all"][size] = float(np.mean(rr_dev + rr_test))
    return study


def _report(choose_on: str, dev_from: str = "dev", test_from: str = "test") -> dict[str, Any]:
    study = _chunk_study()
    chosen = max(SIZES, key=lambda size: (study[choose_on][size], -size))
    return {
        "dev_mrr": [study[dev_from][size] for size in SIZES],
        "chosen": chosen,
        "test_mrr": study[test_from][chosen],
        "test_mrr_all": [study[test_from][size] for size in SIZES],
    }


def _chunk_report() -> dict[str, Any]:
    return _report("dev")


def _report_without_comparison() -> dict[str, Any]:
    """A known omission: the report without the test MRRs of the sizes not chosen."""
    return {k: v for k, v in _report("dev").items() if k != "test_mrr_all"}


# --------------------------------------------------------------------------------------
# Knowledge check: numeric answers computed from the questions' own numbers.
# --------------------------------------------------------------------------------------


def _kc_mrr() -> float:
    # Relevant documents first appear at rank 2, rank 1, and not at all.
    return _mrr([["x", "r"], ["r", "x"], ["x", "y"]], [{"r"}, {"r"}, {"r"}])


def _kc_rrf() -> float:
    # Ranked 1st by BM25 and 4th by the dense retriever, k = 60.
    return 1.0 / (60 + 1) + 1.0 / (60 + 4)


KEY = {
    "24.1": {
        "reference": _chunk_text,
        "mistakes": [
            Mistake(
                _chunk_text_clamped,
                "An overlap of max_words or more is an error of the caller, so raise "
                "ValueError: making it smaller hides the mistake and returns windows the caller "
                "did not ask for.",
            ),
        ],
    },
    "24.2": {"reference": _bm25_scores},
    "24.3": {"reference": _cosine_top_k},
    "24.4": {"reference": _recall_at_k},
    "24.5": {"reference": _mrr},
    "24.6": {"reference": _reciprocal_rank_fusion},
    "24.7": {"judge": _judge_grounded},
    "24.8": {
        "reference": _calculate,
        "mistakes": [
            Mistake(
                _calculate_unbounded,
                "The exponent limit alone does not bound the result: a power of a power, or a "
                "long product, still grows without limit (and a deeper nesting would run for "
                "hours). Check every value, literals and intermediate results included, "
                "against MAX_MAGNITUDE.",
            ),
            Mistake(
                _calculate_complex,
                "A negative number to a fractional power gives a complex number in Python, "
                "which a calculator of real numbers must refuse with ValueError.",
            ),
            Mistake(
                _calculate_power_first,
                "Check the exponent before computing the power, not afterwards: by then the "
                "harm is done (`9 ** 9 ** 9` would run for minutes, and some powers fail with "
                "another exception before your check is reached).",
            ),
            Mistake(
                _calculate_literal_exponent,
                "The exponent limit applies to the exponent's value, however it was computed, "
                "not only to a number written right after `**`: evaluate the right-hand side "
                "first, then compare it with MAX_EXPONENT.",
            ),
            Mistake(
                _calculate_any_length,
                "A long expression makes a recursive evaluator call itself once per operator, "
                "and Python stops it with RecursionError: refuse a text longer than MAX_LENGTH "
                "characters (after removing the spaces around it) before parsing it.",
            ),
        ],
    },
    "24.9": {"reference": _run_agent},
    "24.10": {
        "reference": _answer_f1,
        "mistakes": [
            Mistake(
                _answer_f1_sets,
                "A repeated word counts as often as it occurs in both texts (the smaller of the "
                "two counts): compare counts, for example with collections.Counter, not sets.",
            ),
            Mistake(
                _answer_f1_citations,
                "The citations in square brackets are not words of the answer: remove them "
                "(and LABEL) before you count.",
            ),
        ],
    },
    "24.11": {
        "reference": _paired_bootstrap,
        "mistakes": [
            Mistake(
                _unpaired_bootstrap,
                "You resampled the two systems independently. Both answered the same questions: "
                "resample the per-question differences, one set of question positions per "
                "resample, so that easy and hard questions stay paired.",
            ),
        ],
    },
    "24.12": {
        "expected": _chunk_report,
        "mistakes": [
            Mistake(
                lambda: _report("test"),
                "`chunk_report['chosen']` is the size with the best MRR on the test questions. "
                "Choose on the dev questions; the test questions only report the chosen size.",
            ),
            Mistake(
                lambda: _report("all", dev_from="all", test_from="all"),
                "These MRRs are computed on all the questions. Use the dev questions to choose "
                "and the test questions to report, never both together.",
            ),
            Mistake(
                lambda: {**_report("dev"), "test_mrr": _report("dev", test_from="dev")["test_mrr"]},
                "`chunk_report['test_mrr']` is the chosen size's MRR on the dev questions, the "
                "ones that chose it: report its MRR on the test questions.",
            ),
            Mistake(
                _report_without_comparison,
                "`chunk_report` also needs 'test_mrr_all': the test MRR of every size, in the "
                "order of SIZES, computed after the choice, to compare with the chosen one.",
            ),
        ],
    },
    "24.kc1": {
        "answer": "b",
        "explanation": (
            "With b = 0 the factor (1 - b + b * len/avgdl) is 1 for every document: "
            "a long document is no longer penalised for containing more words."
        ),
        "feedback": {
            "a": "Counting only whether a term occurs is what k1 = 0 does: the saturation factor "
            "is then 1 for any count, whatever the value of the other parameter.",
            "c": "The extra weight of rare terms comes from the idf factor, which does not involve "
            "b: with b = 0 rare terms still weigh more than common ones.",
            "d": "Each document's score still depends on how often it contains the question's "
            "terms and on their idf, so scores still differ; a document with none of the terms "
            "scores 0.",
        },
    },
    "24.kc2": {
        "expected": _kc_mrr,
        "mistakes": [
            Mistake(
                lambda: (1 / 2 + 1) / 2,
                "That averages only over the queries with a hit; a query without one counts as 0.",
            ),
        ],
    },
    "24.kc3": {
        "answer": "ab",
        "explanation": (
            "For unit vectors the inner product is the cosine, and a flat index "
            "compares the query with every vector: exact, no training. IVF and HNSW indexes are "
            "the approximate ones."
        ),
    },
    "24.kc4": {
        "answer": "c",
        "explanation": (
            "With an overlap, a passage cut by one boundary appears whole in the "
            "neighbouring chunk, at the price of more chunks and some repeated text."
        ),
        "feedback": {
            "a": "Overlap repeats words in two chunks, so it makes more chunks and a larger index, "
            "not a smaller one.",
            "b": "Overlap does not equalise sizes: the last window of a paragraph can be shorter, "
            "and chunks packed from whole paragraphs vary in length anyway.",
            "d": "BM25 needs nothing of the kind: it scores a word found in a single chunk without "
            "trouble, and such a rare word even gets a high idf.",
        },
    },
    "24.kc5": {
        "answer": "ac",
        "explanation": (
            "An extractive answer is copied word for word from the retrieved chunks, "
            "so it is grounded, but it picks sentences by shared words: it can quote a sentence "
            "that does not answer the question, and it cannot combine, reword or compute."
        ),
    },
    "24.kc6": {
        "expected": _kc_rrf,
        "mistakes": [
            Mistake(
                lambda: 1.0 / 60 + 1.0 / 63,
                "Ranks start at 1, not 0: the top result adds 1 / (60 + 1).",
            ),
        ],
    },
    "24.kc7": {
        "answer": "b",
        "explanation": (
            "Retrieved text is untrusted input. The calculator parses the expression "
            "and evaluates only numbers and arithmetic operators, so a function call is "
            "rejected with ValueError whatever the planner was told to do."
        ),
        "feedback": {
            "a": "The step limit caps how many steps a run may take, so that a planner cannot loop "
            "for ever; a planner that obeys the chunk acts at its next step, well within any "
            "limit.",
            "c": "A citation label such as `[notebook §heading]` tells the reader where a passage "
            "comes from; it does not stop a planner from following an instruction written inside "
            "the passage.",
            "d": "BM25 ranks by shared words, not by intent: an injected chunk that shares the "
            "question's words can rank first, and here the planner has already seen it.",
        },
    },
    "24.kc8": {
        "answer": "c",
        "explanation": (
            "The winner is partly the configuration that was luckiest on these questions, so "
            "its score on them is biased upwards. Choose on dev questions and report the "
            "chosen configuration once on test questions that played no part in the choice."
        ),
        "feedback": {
            "a": "Choosing among configurations on these questions is a kind of fitting: the "
            "choice used them, so they are no longer held out for the configuration that won.",
            "b": "Changing the metric does not help: any metric used to pick the winner and then "
            "reported on the same questions suffers from the same problem.",
            "d": "More configurations make it worse, not better: the more you try on the same 20 "
            "questions, the more the best score owes to luck.",
        },
    },
    "24.kc9": {
        "answer": "bd",
        "explanation": (
            "A raw BM25 score grows with the number and rarity of the question's words, so one "
            "threshold means different things for different questions. Map the retrieval "
            "evidence to a probability of having retrieved an answer, fitted on held-out "
            "questions that include unanswerable ones, and abstain below a chosen level."
        ),
    },
}
