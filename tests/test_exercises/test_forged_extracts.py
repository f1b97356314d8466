"""Every custom judge treats its data as hostile.

In a graded run a Custom problem's ``extract`` runs in the learner's process, so the learner
can replace it and hand the judge any plain data. Forged data (junk, the right keys with empty
lists, truncated or reordered lists, wrong types, NaN, other checkpoints, another problem's
data, the data of a plausible but wrong answer) must be judged Incorrect: never Correct, never
a CheckerError. The data the real extract collects from right work stays Correct.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlcourse.checks import Answer, Custom
from mlcourse.exercises import available_modules, get_module

CUSTOM = {
    problem.id: problem
    for number in available_modules()
    for problem in get_module(number).problems
    if isinstance(problem, Custom)
}


def judge(problem_id: str, data: Any) -> Any:
    """The outcome of ``data`` handed to the judge, as the grader hands it."""
    problem = CUSTOM[problem_id]
    answer = Answer({"data": data}) if problem.extract is not None else Answer(data)
    return problem.evaluate(answer)


def collected(problem_id: str, **namespace: Any) -> Any:
    """What the problem's real ``extract`` collects from ``namespace``."""
    problem = CUSTOM[problem_id]
    answer = problem.collect(namespace)
    assert answer.missing is None and answer.error is None, (problem_id, answer)
    return answer.values["data"] if problem.extract is not None else answer.values


# --------------------------------------------------------------------------------------
# Right and plausible-but-wrong work, run through the real extracts.
# --------------------------------------------------------------------------------------


class RunningStats:
    """A correct solution of exercise 01.10."""

    def __init__(self):
        self.values = []
        self.count = 0

    def add(self, value):
        self.values.append(value)
        self.count += 1

    def mean(self):
        if self.count == 0:
            raise ValueError("no values")
        return sum(self.values) / self.count

    def std(self):
        center = self.mean()
        return (sum((v - center) ** 2 for v in self.values) / self.count) ** 0.5


class SharedStats(RunningStats):
    values = []  # one list for every instance

    def __init__(self):
        pass

    @property
    def count(self):
        return len(self.values)

    def add(self, value):
        self.values.append(value)


class SampleStdStats(RunningStats):
    def std(self):
        center = self.mean()
        return (sum((v - center) ** 2 for v in self.values) / max(self.count - 1, 1)) ** 0.5


class WrongAfterTen(RunningStats):
    """Right for the first ten values only: the checkpoints a forger would keep."""

    def mean(self):
        return super().mean() + (1.0 if self.count > 10 else 0.0)


def _cancer_pipeline(final):
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from mlcourse.exercises.m07 import _cancer

    d = _cancer()
    return Pipeline([("scale", StandardScaler()), ("model", final)]).fit(d["X_train"], d["y_train"])


def _penguin_pipeline(measurements: bool, categories: tuple[str, ...] = ("island", "sex")):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from mlcourse.exercises.m07 import _PENGUIN_NUMERIC, _penguins

    parts = []
    if measurements:
        numeric = Pipeline(
            [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
        )
        parts.append(("numbers", numeric, list(_PENGUIN_NUMERIC)))
    encode = Pipeline(
        [
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("encode", OneHotEncoder(handle_unknown="ignore")),
        ]
    )
    parts.append(("categories", encode, list(categories)))
    model = Pipeline(
        [("preprocess", ColumnTransformer(parts)), ("logreg", LogisticRegression(max_iter=1000))]
    )
    p = _penguins()
    return model.fit(p["X_train"], p["y_train"])


def _init_params(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0.0, np.sqrt(2.0 / 64), size=(64, 32)),
        "b1": np.zeros(32),
        "W2": rng.normal(0.0, np.sqrt(2.0 / 32), size=(32, 10)),
        "b2": np.zeros(10),
    }


def _trained_params() -> dict[str, np.ndarray]:
    from mlcourse.exercises.m15 import _digits_split
    from mlcourse.keys.m15 import _backward, _forward

    d = _digits_split()
    X, y = d["X_train"], d["y_train"]
    rng = np.random.default_rng(0)
    params = _init_params()
    for _ in range(20):
        order = rng.permutation(len(y))
        for start in range(0, len(y), 32):
            batch = order[start : start + 32]
            grads = _backward(X[batch], y[batch], params, _forward(X[batch], params))
            for name in params:
                params[name] -= 0.1 * grads[name]
    return params


def _keras_answer(epochs: int) -> dict[str, Any]:
    """Exercise 15.10 as the solution does it: a stratified fifth held out for validation."""
    keras = pytest.importorskip("keras")
    from sklearn.model_selection import train_test_split

    from mlcourse.exercises.m15 import _mnist

    m = _mnist()
    X_fit, X_val, y_fit, y_val = train_test_split(
        m["X_train"], m["y_train"], test_size=0.2, stratify=m["y_train"], random_state=0
    )
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            keras.layers.Dense(100, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy"
    )
    if epochs:
        model.fit(
            X_fit, y_fit, epochs=epochs, batch_size=64, validation_data=(X_val, y_val), verbose=0
        )
    return {"model": model, "Xm_val": X_val, "ym_val": y_val}


def _signature(**kwargs):
    from mlflow.models import infer_signature

    from mlcourse.exercises.m20 import _data, _pipeline

    d = _data()
    X = kwargs.get("X", d["X_train"])
    return infer_signature(
        X, _pipeline().predict(d["X_train"]) if kwargs.get("outputs", True) else None
    )


def _registered_champion() -> str:
    import mlflow
    from mlflow import MlflowClient

    from mlcourse.exercises.m20 import _data, _pipeline

    name = "forged-extracts-champion"
    with mlflow.start_run(run_name=name):
        info = mlflow.sklearn.log_model(
            _pipeline(),
            name="model",
            signature=_signature(),
            input_example=_data()["X_train"].head(3),
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
            skops_trusted_types=["numpy.dtype"],
            registered_model_name=name,
        )
    MlflowClient().set_registered_model_alias(name, "champion", info.registered_model_version)
    return f"models:/{name}@champion"


def _frame_plain(payloads):
    return pd.DataFrame(payloads)


def _health_only_service():
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


DOCKERFILE = """\
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY model/ ./model/
COPY app.py .
ENV MODEL_URI=/app/model
RUN useradd --create-home --uid 10001 appuser
USER appuser
EXPOSE 8000
HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"]
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
"""


def _cites_all(question, chunks, max_sentences=2):
    from mlcourse.keys.m24 import _grounded_answer

    result = _grounded_answer(question, chunks, max_sentences)
    if result["citations"]:
        result["citations"] = [chunk["id"] for chunk in chunks]
    return result


def _right_01_2():
    from mlcourse.exercises.m01 import _labels, _measurements

    return collected("01.2", measurements=_measurements(), labels=_labels())


def _penguin_class():
    from mlcourse.keys.m20 import _reference_classes

    return _reference_classes()[0]


def _loose_penguin_class():
    from typing import Literal

    from pydantic import BaseModel

    class NoRanges(BaseModel):
        island: Literal["Biscoe", "Dream", "Torgersen"]
        bill_length_mm: float
        bill_depth_mm: float
        flipper_length_mm: float
        body_mass_g: float
        sex: Literal["female", "male"] | None = None

    return NoRanges


def _exponential_means(scale: float) -> np.ndarray:
    """Exercise 05.6: 10,000 means of 30 draws of an exponential distribution."""
    return np.random.default_rng(1).exponential(scale, size=(10_000, 30)).mean(axis=1)


#: problem id -> the data the real extract collects from right work.
RIGHT: dict[str, Callable[[], Any]] = {
    "01.2": _right_01_2,
    "01.10": lambda: collected("01.10", RunningStats=RunningStats),
    "05.6": lambda: collected("05.6", sample_means=_exponential_means(2.0)),
    "07.8": lambda: collected("07.8", clf=_cancer_logreg()),
    "07.9": lambda: collected("07.9", penguin_clf=_penguin_pipeline(measurements=True)),
    "15.9": lambda: collected("15.9", trained_params=_trained_params()),
    "15.10": lambda: collected("15.10", **_keras_answer(epochs=15)),
    "20.1": lambda: collected("20.1", signature=_signature()),
    "20.2": lambda: collected("20.2", champion_uri=_registered_champion()),
    "20.3": lambda: collected("20.3", PenguinIn=_penguin_class()),
    "20.4": lambda: collected("20.4", to_frame=_reference("m20", "_reference_to_frame")),
    "20.5": lambda: collected("20.5", service=_reference("m20", "_reference_app")()),
    "20.9": lambda: collected("20.9", dockerfile=DOCKERFILE),
    "24.7": lambda: collected("24.7", grounded_answer=_reference("m24", "_grounded_answer")),
}


def _reference(module: str, name: str) -> Any:
    import importlib

    return getattr(importlib.import_module(f"mlcourse.keys.{module}"), name)


def _cancer_logreg():
    from sklearn.linear_model import LogisticRegression

    return _cancer_pipeline(LogisticRegression(max_iter=1000))


def _cancer_dummy():
    from sklearn.dummy import DummyClassifier

    return _cancer_pipeline(DummyClassifier())


def _no_scaler():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from mlcourse.exercises.m07 import _cancer

    d = _cancer()
    model = Pipeline([("logreg", LogisticRegression(max_iter=5000))])
    return model.fit(d["X_train"], d["y_train"])


def _wrong_01_2():
    from mlcourse.exercises.m01 import _labels, _measurements

    rows = _measurements()
    return [
        collected("01.2", measurements=rows[1:], labels=_labels()[1:]),
        collected("01.2", measurements=[[str(v) for v in r] for r in rows], labels=_labels()),
        collected("01.2", measurements=rows, labels=[float(v) for v in _labels()]),
    ]


#: problem id -> the data the real extract collects from plausible but wrong work.
WRONG: dict[str, Callable[[], list[Any]]] = {
    "01.2": _wrong_01_2,
    "01.10": lambda: [
        collected("01.10", RunningStats=cls) for cls in (SharedStats, SampleStdStats, WrongAfterTen)
    ],
    "05.6": lambda: [
        collected("05.6", sample_means=np.random.default_rng(1).normal(2.0, 0.365, 10_000)),
        collected("05.6", sample_means=_exponential_means(0.5)),  # rate taken for the scale
    ],
    "07.8": lambda: [collected("07.8", clf=m) for m in (_cancer_dummy(), _no_scaler())],
    "07.9": lambda: [collected("07.9", penguin_clf=_penguin_pipeline(False, ("island",)))],
    "15.9": lambda: [collected("15.9", trained_params=_init_params())],
    "15.10": lambda: [collected("15.10", **_keras_answer(epochs=0))],
    "20.1": lambda: [
        collected("20.1", signature=_signature(X=_reference_data("X_train").to_numpy())),
        collected("20.1", signature=_signature(outputs=False)),
    ],
    "20.2": lambda: [collected("20.2", champion_uri="models:/no-such-model@champion")],
    "20.3": lambda: [collected("20.3", PenguinIn=_loose_penguin_class())],
    "20.4": lambda: [collected("20.4", to_frame=_frame_plain)],
    "20.5": lambda: [collected("20.5", service=_health_only_service())],
    "20.9": lambda: [collected("20.9", dockerfile=DOCKERFILE.replace('"0.0.0.0"', '"127.0.0.1"'))],
    "24.7": lambda: [collected("24.7", grounded_answer=_cites_all)],
}


def _figures_04() -> None:
    """Module 04's figures, built in ``figures_m04.py`` (it shares them with its own tests)."""
    from .figures_m04 import RIGHT_04, WRONG_04

    RIGHT.update(RIGHT_04)
    WRONG.update(WRONG_04)


_figures_04()


def _part_2() -> None:
    """Modules 06 and 08-10 (``forged_part2.py``), then every later module with a file of its
    own (``forged_mNN.py`` with ``RIGHT``, ``WRONG`` and optionally ``HARMLESS``)."""
    import importlib
    from pathlib import Path

    from .forged_part2 import HARMLESS_P2, RIGHT_P2, WRONG_P2

    RIGHT.update(RIGHT_P2)
    WRONG.update(WRONG_P2)
    HARMLESS.update(HARMLESS_P2)
    for path in sorted(Path(__file__).parent.glob("forged_m[0-9][0-9].py")):
        forged = importlib.import_module(f"{__package__}.{path.stem}")
        RIGHT.update(forged.RIGHT)
        WRONG.update(forged.WRONG)
        HARMLESS.update(getattr(forged, "HARMLESS", {}))


def _reference_data(name: str) -> Any:
    from mlcourse.exercises.m20 import _data

    return _data()[name]


@cache
def right(problem_id: str) -> Any:
    return RIGHT[problem_id]()


def fresh_right(problem_id: str) -> Any:
    return copy.deepcopy(right(problem_id))


# --------------------------------------------------------------------------------------
# Forged data: generic junk, and every structural and type mutation of right data.
# --------------------------------------------------------------------------------------

JUNK = [
    None,
    True,
    0,
    -1,
    10**400,
    math.nan,
    math.inf,
    "",
    "correct",
    b"bytes",
    [],
    (),
    {},
    set(),
    {"data": None},
    {"steps": []},
    [{}],
    [None] * 10,
    np.array([]),
    np.zeros((2, 2)),
    np.array(["a"]),
    pd.DataFrame(),
    pd.DataFrame({"a": [1.0]}),
    pd.Series([math.nan]),
]


def _wrong_types(value: Any) -> list[Any]:
    """Values of other types than ``value`` (and NaN, which is never right)."""
    candidates = [None, "forged", 7, 0.5, True, [], (), {}, np.array([1.0]), pd.Series([1.0])]
    out = [c for c in candidates if type(c) is not type(value)]
    if not (type(value) is float and math.isnan(value)):
        out.append(math.nan)
    return out


def _array_mutations(value: np.ndarray) -> Iterator[tuple[str, np.ndarray | list]]:
    yield "as a list", value.tolist()
    yield "as text", value.astype(str)
    if value.dtype.kind == "f":
        yield "as ints", value.astype(int)
        yield "NaN", np.full_like(value, np.nan)
    if value.ndim and len(value):
        yield "truncated", value[:-1]
    if value.ndim == 2:
        yield "flattened", value.ravel()
        if value.shape[0] != value.shape[1]:
            yield "transposed", value.T


def mutations(value: Any, path: str = "data") -> Iterator[tuple[str, str, Any]]:
    """(path, kind, mutated whole) for every structural and type change of ``value``."""
    for wrong in _wrong_types(value):
        yield path, f"replaced by {type(wrong).__name__}", wrong
    if type(value) is dict:
        for key in value:
            yield f"{path}[{key!r}]", "dropped", {k: v for k, v in value.items() if k != key}
        yield path, "extra key", {**value, "unexpected": 0}
        yield path, "non-str key", {**value, 1: 0}
        for key, entry in value.items():
            for sub, kind, mutated in mutations(entry, f"{path}[{key!r}]"):
                yield sub, kind, {**value, key: mutated}
    elif type(value) in (list, tuple):
        kind_of = type(value)
        if value:
            yield path, "empty", kind_of()
            yield path, "truncated", value[:-1]
            yield path, "extended", value + value[-1:]
            yield path, "reordered", value[::-1]
            yield path, "first repeated", kind_of([value[0]] * len(value))
            yield path, "list/tuple swapped", (tuple if kind_of is list else list)(value)
        indices = range(len(value)) if len(value) <= 16 else sorted({0, len(value) - 1})
        for index in indices:
            for sub, kind, mutated in mutations(value[index], f"{path}[{index}]"):
                items = list(value)
                items[index] = mutated
                yield sub, kind, kind_of(items)
    elif type(value) is np.ndarray:
        for kind, mutated in _array_mutations(value):
            yield path, kind, mutated


def same(a: Any, b: Any) -> bool:
    """Structural equality that treats NaN as equal to NaN (to skip mutations that change nothing)."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is np.ndarray:
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if type(a) is float and math.isnan(a):
        return math.isnan(b)
    if type(a) is pd.Series:
        return a.equals(b)
    return a == b


#: Mutations that may leave right data right: the judge does not read that part, or it is the
#: learner's to choose. (problem id -> [(path pattern, mutation kinds or None for any, why)])
HARMLESS: dict[str, list[tuple[str, set[str] | None, str]]] = {
    "01.10": [
        (
            r"\['error_types'\]$",
            {"truncated", "extended", "reordered", "first repeated"},
            "only 'ValueError' among the error's type names matters",
        ),
    ],
    "05.6": [(r"\['values'\]$", {"reordered"}, "the order of the sample means carries no meaning")],
    "07.8": [(r"\['scalers'\]$", {"extended"}, "a pipeline may hold several scalers")],
    "07.9": [
        (
            r"\['with_gaps'\]$",
            {"reordered", "first repeated"},
            "the three gap predictions need only be species",
        )
    ],
    "20.1": [
        (r"\['outputs'\]", None, "the outputs need only be there, whatever they are"),
        (r"\['inputs'\]\[\d+\]$", {"extra key"}, "MLflow specs carry other entries"),
        (r"\['inputs'\]\[\d+\]\['required'\]$", {"dropped"}, "'required' is optional"),
    ],
    "20.2": [
        (r"\['inputs'\]\[\d+\]$", {"extra key"}, "MLflow specs carry other entries"),
        (r"\['inputs'\]\[\d+\]\['required'\]$", {"dropped"}, "'required' is optional"),
    ],
}


_part_2()


def _harmless(problem_id: str, path: str, kind: str) -> bool:
    return any(
        re.search(pattern, path) and (kinds is None or kind in kinds)
        for pattern, kinds, _ in HARMLESS.get(problem_id, [])
    )


def _verdicts(problem_id: str, forged: list[tuple[str, Any]], harmless=frozenset()) -> list[str]:
    """The forged entries judged other than Incorrect (a harmless one may also be Correct)."""
    bad = []
    for label, data in forged:
        outcome = judge(problem_id, data)
        if outcome.status == "incorrect" or (outcome.status == "correct" and label in harmless):
            continue
        bad.append(f"{label}: {outcome.status}: {outcome.message[:300]}")
    return bad


IDS = sorted(CUSTOM, key=lambda pid: [int(part) for part in pid.split(".")])


def test_every_custom_problem_is_covered():
    # entries of a module being written may come before its declaration does
    assert set(CUSTOM) <= set(RIGHT) and set(CUSTOM) <= set(WRONG)
    assert set(RIGHT) == set(WRONG) and set(HARMLESS) <= set(RIGHT)


@pytest.mark.parametrize("problem_id", IDS)
def test_right_work_collected_by_the_real_extract_is_correct(problem_id):
    outcome = judge(problem_id, fresh_right(problem_id))
    assert outcome.status == "correct", outcome.message


@pytest.mark.parametrize("problem_id", IDS)
def test_plausible_wrong_work_is_incorrect(problem_id):
    wrong = WRONG[problem_id]()
    assert wrong
    bad = _verdicts(problem_id, [(f"wrong #{i}", d) for i, d in enumerate(wrong)])
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("problem_id", IDS)
def test_junk_is_incorrect(problem_id):
    forged = [(f"junk {value!r:.40}", value) for value in JUNK]
    for other in IDS:  # the right data of every other problem
        if other != problem_id:
            forged.append((f"the data of {other}", fresh_right(other)))
    bad = _verdicts(problem_id, forged)
    assert not bad, "\n".join(bad)


def _emptied(value: Any, empty: Any) -> Any:
    """``value`` with every list (and tuple) inside it replaced by ``empty``."""
    if type(value) is dict:
        return {k: _emptied(v, empty) for k, v in value.items()}
    if type(value) in (list, tuple):
        return empty
    return value


@pytest.mark.parametrize("problem_id", IDS)
def test_the_right_keys_with_empty_or_missing_values_are_incorrect(problem_id):
    data = fresh_right(problem_id)
    forged = [("every list empty", _emptied(data, [])), ("every list None", _emptied(data, None))]
    if type(data) is dict:
        forged += [
            ("every value None", dict.fromkeys(data)),
            ("every value NaN", dict.fromkeys(data, math.nan)),
            ("every value an empty list", {k: [] for k in data}),
            ("the keys only, as a list", list(data)),
        ]
    else:
        forged += [("a list of empty dicts", [{} for _ in data]), ("NaNs", [math.nan] * len(data))]
    forged = [(label, f) for label, f in forged if not same(f, data)]
    bad = _verdicts(problem_id, forged)
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("problem_id", IDS)
def test_every_structural_and_type_mutation_is_incorrect(problem_id):
    data = right(problem_id)
    forged, harmless = [], set()
    for path, kind, mutated in mutations(copy.deepcopy(data)):
        if same(mutated, data):
            continue
        label = f"{path}: {kind}"
        forged.append((label, mutated))
        if _harmless(problem_id, path, kind):
            harmless.add(label)
    assert len(forged) > 20
    bad = _verdicts(problem_id, forged, harmless)
    assert not bad, f"{len(bad)} of {len(forged)}:\n" + "\n".join(bad[:40])


# --------------------------------------------------------------------------------------
# The attacks that were found, and crashes of honest answers, one by one.
# --------------------------------------------------------------------------------------


def _step(n: int) -> dict[str, Any]:
    """A right step at checkpoint ``n``: what a correct class gives after n values."""
    from mlcourse.exercises.m01 import _alcohol

    stats = RunningStats()
    for value in _alcohol()[:n]:
        stats.add(value)
    return {
        "n": n,
        "count": {"value": float(stats.count)},
        "mean": {"value": float(stats.mean())},
        "std": {"value": float(stats.std())},
    }


def test_running_stats_judged_at_the_keys_checkpoints_only():
    data = fresh_right("01.10")
    steps = data["steps"]
    forged = {
        "no steps at all": {**data, "steps": []},
        "steps at checkpoints of the learner's choosing": {
            **data,
            "steps": [_step(n) for n in (1, 2, 3, 4)],
        },
        "the first checkpoints only": {**data, "steps": steps[:2]},
        "one right step repeated": {**data, "steps": [steps[0]] * len(steps)},
        "the steps reordered": {**data, "steps": steps[::-1]},
        "a step's n relabelled": {**data, "steps": [*steps[:-1], {**steps[-1], "n": 10}]},
        "a step's n as a float": {**data, "steps": [{**steps[0], "n": 1.0}, *steps[1:]]},
        "one step too many": {**data, "steps": [*steps, _step(50)]},
        "a NaN mean": {**data, "steps": [{**steps[0], "mean": {"value": math.nan}}, *steps[1:]]},
        "an int instead of a float": {**data, "empty_count": {"value": 0}},
        "a huge int": {**data, "steps": [{**steps[0], "count": {"value": 10**400}}, *steps[1:]]},
    }
    wrong_after_ten = collected("01.10", RunningStats=WrongAfterTen)
    forged["a class wrong after ten values, late steps dropped"] = {
        **wrong_after_ten,
        "steps": wrong_after_ten["steps"][:3],
    }
    forged["a class wrong after ten values, early steps repeated"] = {
        **wrong_after_ten,
        "steps": [*wrong_after_ten["steps"][:3], {**wrong_after_ten["steps"][2], "n": 178}],
    }
    for label, value in forged.items():
        outcome = judge("01.10", value)
        assert outcome.status == "incorrect", (label, outcome)
    message = judge("01.10", {**data, "steps": []}).message
    assert "steps" in message and "checkpoint" in message


def test_malformed_messages_name_the_problem_in_kind_only():
    outcome = judge("01.10", {**fresh_right("01.10"), "steps": [_step(1)]})
    assert outcome.status == "incorrect"
    assert "`data['steps']` has 1 entries, but it should have one per checkpoint" in outcome.message
    assert "4" not in outcome.message  # the number of checkpoints is not given away


def test_scores_and_predictions_of_the_wrong_count_or_nan_are_incorrect():
    cancer = fresh_right("07.8")
    scores = cancer["scores"]
    keras = {"shape": (1000, 10), "pred": []}
    cases = [
        ("07.8", {**cancer, "scores": scores[:-1]}),
        ("07.8", {**cancer, "scores": [math.nan] * len(scores)}),
        ("07.8", {**cancer, "scores": [*scores[:-1], math.inf]}),
        ("07.8", {**cancer, "scores": np.asarray(scores)}),
        ("07.8", {**cancer, "scalers": ["NotAScaler"]}),
        ("07.9", {"predicted": [], "with_gaps": []}),
        ("07.9", {"predicted": [["Adelie"]] * 86, "with_gaps": ["Adelie"] * 3}),
        ("15.10", keras),
        ("15.10", {**keras, "pred": [0] * 999}),
        ("15.10", {**keras, "pred": [-1] * 1000}),
        ("15.10", {**keras, "pred": np.zeros(1000, dtype=int)}),
        ("15.10", {"shape": [1000, 10], "pred": [0] * 1000}),
        ("15.9", {"params": {k: np.zeros((0, 0)) for k in ("W1", "b1", "W2", "b2")}}),
        ("15.9", {"params": {**fresh_right("15.9")["params"], "b1": np.zeros(5)}}),
    ]
    for problem_id, data in cases:
        outcome = judge(problem_id, data)
        assert outcome.status == "incorrect", (problem_id, outcome)


def test_serving_judges_reject_data_their_extracts_never_give():
    champion = fresh_right("20.2")
    frames = fresh_right("20.4")
    cases = [
        ("20.2", {**champion, "predicted": None}),
        ("20.2", {**champion, "predicted": champion["predicted"][:10]}),
        ("20.2", {k: v for k, v in champion.items() if k != "predicted"}),
        ("20.2", {**champion, "found": False}),
        ("20.2", {**champion, "found": 1}),
        ("20.2", {**champion, "inputs": None}),
        ("20.3", {"accepted": [True] * 6 + [False] * 9, "dumps": []}),
        ("20.3", {"accepted": [1] * 6 + [0] * 9, "dumps": fresh_right("20.3")["dumps"]}),
        ("20.4", {"results": [{**r, "proba": None} for r in frames["results"]]}),
        ("20.4", {"results": [{**r, "proba": []} for r in frames["results"]]}),
        ("20.4", {"results": [{**r, "float": {}} for r in frames["results"]]}),
        ("20.4", {"results": frames["results"][:1]}),
        ("20.5", {"responses": []}),
        ("20.5", {"responses": [{"status": 200, "json": {"status": "ok"}}]}),
        ("20.5", {"responses": [{"status": 200, "json": np.array([1])}] * 13}),
        ("20.9", {}),
        ("20.9", {"dockerfile": DOCKERFILE, "other": 1}),
        ("20.9", {"dockerfile": DOCKERFILE.replace('CMD ["uvicorn"', "CMD [] #")}),
        ("20.9", {"dockerfile": DOCKERFILE.replace('CMD ["uvicorn"', "CMD " + "[" * 100_000)}),
        ("24.7", []),
        ("24.7", fresh_right("24.7")[:-1]),
        ("24.7", [{"answer": None, "answer_type": "int", "citations": None}] * 10),
        ("24.7", [{**r, "answer_type": "int"} for r in fresh_right("24.7")]),
    ]
    for problem_id, data in cases:
        outcome = judge(problem_id, data)
        assert outcome.status == "incorrect", (problem_id, outcome)
