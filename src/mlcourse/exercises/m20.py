"""Module 20 — Serving with FastAPI and Docker: a registered model behind a validated service.

The data and the model are those of the exercises notebook: the penguins split 75/25
(stratified, ``random_state=0``) and a pipeline of imputers, one-hot encoding and logistic
regression, rebuilt here. Expected results come from reference implementations run on that
data: a reference pydantic model decides which payloads are valid, a reference FastAPI app
(the reference pipeline behind the same endpoints) gives the status codes and 422 bodies, and
a fake HTTP client stands in for the service in the client exercise. Nothing here imports
FastAPI, pydantic, MLflow or scikit-learn until a check needs it. (No ``from __future__ import
annotations`` here: FastAPI reads the reference endpoints' type hints at run time.)
"""

import copy
import json
import math
import re
import warnings
from functools import lru_cache
from typing import Any

from mlcourse.checks import Case, Choice, Custom, Fail, Function, Mistake, Numeric, Value, describe
from mlcourse.exercises import Module

FEATURES = ("island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex")
_NUMERIC = FEATURES[1:5]
# The valid range of every measurement, inclusive (stated in the exercise prompts).
_RANGES = {
    "bill_length_mm": (25.0, 70.0),
    "bill_depth_mm": (10.0, 25.0),
    "flipper_length_mm": (150.0, 250.0),
    "body_mass_g": (2000.0, 7000.0),
}
_MAX_BATCH = 100  # penguins per batch request (stated in the prompts)
_KC_BATCH = 25  # the batch limit of knowledge-check question 7 (stated in the question)
_ACCURACY_MARGIN = 0.05  # how far below the reference test accuracy a registered model may be
_CONFIDENT = 0.9  # penguins used in service requests: the reference is at least this sure

# --------------------------------------------------------------------------------------
# Data and the reference model, exactly as in the exercises notebook.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    """The penguins split of the notebook: features with text columns as pandas' str dtype."""
    from sklearn.model_selection import train_test_split

    from mlcourse.datasets import load_penguins

    penguins = load_penguins()
    X = penguins[list(FEATURES)].astype({"island": "str", "sex": "str"})
    y = penguins["species"].astype("str")
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


def _make_pipeline():
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    preprocess = ColumnTransformer(
        [
            (
                "numbers",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                list(_NUMERIC),
            ),
            (
                "categories",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value="unknown"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                ["island", "sex"],
            ),
        ]
    )
    return Pipeline([("preprocess", preprocess), ("model", LogisticRegression(max_iter=1000))])


@lru_cache(maxsize=1)
def _reference_pipeline():
    d = _data()
    return _make_pipeline().fit(d["X_train"], d["y_train"])


@lru_cache(maxsize=1)
def _reference_accuracy() -> float:
    d = _data()
    return float((_reference_pipeline().predict(d["X_test"]) == d["y_test"]).mean())


def _n_test() -> int:
    return len(_data()["y_test"])


# --------------------------------------------------------------------------------------
# Payloads: real held-out penguins as JSON-like dicts.
# --------------------------------------------------------------------------------------


def _payload(row) -> dict[str, Any]:
    """One feature row as a JSON payload: floats, strings, and None for a missing sex."""
    out: dict[str, Any] = {}
    for name in FEATURES:
        value = row[name]
        if name in _NUMERIC:
            out[name] = float(value)
        else:
            out[name] = None if not isinstance(value, str) else value
    return out


@lru_cache(maxsize=1)
def _confident_penguins() -> tuple[tuple[str, str], ...]:
    """(payload as JSON text, species) of complete test penguins the reference is sure about."""
    d = _data()
    X_test, y_test = d["X_test"], d["y_test"]
    proba = _reference_pipeline().predict_proba(X_test)
    pred = _reference_pipeline().predict(X_test)
    out = []
    for i in range(len(X_test)):
        row = X_test.iloc[i]
        if row.isna().any() or pred[i] != y_test.iloc[i] or proba[i].max() < _CONFIDENT:
            continue
        out.append((json.dumps(_payload(row)), str(y_test.iloc[i])))
    return tuple(out)


def _penguin(k: int) -> dict[str, Any]:
    """A fresh copy of the k-th confident penguin's payload."""
    penguins = _confident_penguins()
    return json.loads(penguins[k % len(penguins)][0])


def _species(k: int) -> str:
    penguins = _confident_penguins()
    return penguins[k % len(penguins)][1]


def _one_of_each() -> list[int]:
    """Indices of the first confident penguin of each species, in alphabetical order."""
    first: dict[str, int] = {}
    for k, (_, species) in enumerate(_confident_penguins()):
        first.setdefault(species, k)
    return [first[s] for s in sorted(first)]


def _without(payload: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != key}


# --------------------------------------------------------------------------------------
# The reference request schema (exercise 3), to_frame (exercise 4) and service (exercise 5).
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _reference_classes():
    """The reference pydantic models: one penguin, and a batch of 1 to _MAX_BATCH penguins."""
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field

    class Penguin(BaseModel):
        model_config = ConfigDict(extra="forbid")

        island: Literal["Biscoe", "Dream", "Torgersen"]
        bill_length_mm: float = Field(ge=25, le=70)
        bill_depth_mm: float = Field(ge=10, le=25)
        flipper_length_mm: float = Field(ge=150, le=250)
        body_mass_g: float = Field(ge=2000, le=7000)
        sex: Literal["female", "male"] | None = None

    class PenguinBatch(BaseModel):
        penguins: list[Penguin] = Field(min_length=1, max_length=_MAX_BATCH)

    return Penguin, PenguinBatch


def _reference_to_frame(payloads: list[dict[str, Any]]):
    import pandas as pd

    frame = pd.DataFrame(payloads, columns=list(FEATURES))
    return frame.astype({**dict.fromkeys(_NUMERIC, "float64"), "island": "str", "sex": "str"})


def _test_client_class():
    """FastAPI's TestClient, imported without Starlette's notice about httpx2."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*httpx2.*")
        from fastapi.testclient import TestClient
    return TestClient


@lru_cache(maxsize=1)
def _reference_app():
    """The reference service: the reference pipeline behind /health, /predict, /predict/batch."""
    from typing import Literal

    from fastapi import FastAPI
    from pydantic import BaseModel

    Penguin, PenguinBatch = _reference_classes()
    Species = Literal["Adelie", "Chinstrap", "Gentoo"]

    class Prediction(BaseModel):
        species: Species

    class BatchPrediction(BaseModel):
        species: list[Species]

    app = FastAPI()
    model = _reference_pipeline()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/predict", response_model=Prediction)
    def predict(penguin: Penguin) -> Prediction:
        frame = _reference_to_frame([penguin.model_dump()])
        return Prediction(species=str(model.predict(frame)[0]))

    @app.post("/predict/batch", response_model=BatchPrediction)
    def predict_batch(batch: PenguinBatch) -> BatchPrediction:
        frame = _reference_to_frame([p.model_dump() for p in batch.penguins])
        return BatchPrediction(species=[str(s) for s in model.predict(frame)])

    return app


def _reference_response(method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    client = _test_client_class()(_reference_app(), raise_server_exceptions=False)
    response = client.request(method, path, **kwargs)
    return response.status_code, response.json()


# --------------------------------------------------------------------------------------
# Exercise 1: the signature.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _reference_signature() -> dict[str, Any]:
    from mlflow.models import infer_signature

    d = _data()
    signature = infer_signature(d["X_train"], _reference_pipeline().predict(d["X_train"]))
    return {"inputs": signature.inputs.to_dict(), "outputs": signature.outputs.to_dict()}


def _columns(spec: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(c.get("name", "")), str(c.get("type", ""))) for c in spec]


def _extract_signature(values: dict[str, Any]) -> dict[str, Any]:
    from mlflow.models import ModelSignature

    signature = values["signature"]
    if not isinstance(signature, ModelSignature):
        raise Fail(
            "`signature` should be a ModelSignature, the result of "
            f"`infer_signature(...)`, but it is {describe(signature)}."
        )
    inputs = signature.inputs
    return {
        "named": bool(inputs is not None and inputs.has_input_names()),
        "inputs": inputs.to_dict() if inputs is not None else [],
        "outputs": signature.outputs.to_dict() if signature.outputs is not None else None,
    }


def _judge_signature(data: dict[str, Any]) -> None:
    if not data["named"]:
        raise Fail(
            "The signature's inputs have no column names: it was inferred from an array. "
            "Infer it from the DataFrame `X_train` itself (not `X_train.to_numpy()`), so that "
            "the signature names every column."
        )
    want = _columns(_reference_signature()["inputs"])
    got = _columns(data["inputs"])
    names = [n for n, _ in got]
    if "species" in names:
        raise Fail(
            "The signature's inputs include `species`, the label the model predicts. Infer it "
            "from the features `X_train`, which a client sends, not from the whole table."
        )
    if names != [n for n, _ in want]:
        raise Fail(
            f"The signature's inputs are the columns {names}; they should be the model's "
            f"{len(want)} feature columns, in the order of `FEATURES`."
        )
    wrong = [f"{n} ({t})" for (n, t), (_, w) in zip(got, want, strict=True) if t != w]
    if wrong:
        raise Fail(
            f"Some input types differ from those of `X_train`: {', '.join(wrong)}. Infer the "
            "signature from `X_train` as it is, with text columns as text and numbers as floats."
        )
    if data["outputs"] is None:
        raise Fail(
            "The signature has no outputs. Pass the model's predictions as the second "
            "argument: `infer_signature(X_train, pipe.predict(X_train))`."
        )


# --------------------------------------------------------------------------------------
# Exercise 2: the registered model and its alias.
# --------------------------------------------------------------------------------------

_MODELS_ALIAS_URI = re.compile(r"models:/([^/@]+)@([A-Za-z0-9_-]+)")


def _extract_champion(values: dict[str, Any]) -> dict[str, Any]:
    import mlflow
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    uri = values["champion_uri"]
    if type(uri) is not str:
        raise Fail(
            f"`champion_uri` should be a str such as 'models:/NAME@ALIAS', but it is {describe(uri)}."
        )
    match = _MODELS_ALIAS_URI.fullmatch(uri.strip())
    if match is None:
        raise Fail(
            f"`champion_uri` is {uri!r}; it should name the registered model by its alias, "
            "in the form 'models:/NAME@ALIAS', not a run, a path or a version number."
        )
    name, alias = match.groups()
    data: dict[str, Any] = {"name": name, "alias": alias, "found": False}
    try:
        MlflowClient().get_model_version_by_alias(name, alias)
    except MlflowException:
        return data
    data["found"] = True
    info = mlflow.models.get_model_info(uri.strip())
    signature = info.signature
    data["inputs"] = (
        signature.inputs.to_dict()
        if signature is not None and signature.inputs is not None
        else None
    )
    data["input_example"] = info.saved_input_example_info is not None
    data["accuracy"] = None
    if data["inputs"] is not None and [n for n, _ in _columns(data["inputs"])] == list(FEATURES):
        d = _data()
        model = mlflow.pyfunc.load_model(uri.strip())
        predicted = [str(p) for p in model.predict(d["X_test"])]
        data["accuracy"] = float(
            sum(p == t for p, t in zip(predicted, d["y_test"], strict=True)) / len(predicted)
        )
    return data


def _judge_champion(data: dict[str, Any]) -> None:
    name, alias = data["name"], data["alias"]
    if alias != "champion":
        raise Fail(
            f"`champion_uri` uses the alias {alias!r}; the task asks for the alias 'champion'."
        )
    if not data["found"]:
        raise Fail(
            f"The registry has no version of {name!r} with the alias {alias!r}. Register the "
            "model (`registered_model_name=` in `log_model`), then call "
            "`MlflowClient().set_registered_model_alias(name, 'champion', version)`."
        )
    if data["inputs"] is None:
        raise Fail(
            f"The champion version of {name!r} was logged without a signature. Pass "
            "`signature=signature` (Exercise 1) to `mlflow.sklearn.log_model`."
        )
    names = [n for n, _ in _columns(data["inputs"])]
    if names != list(FEATURES):
        raise Fail(
            f"The champion's signature has the inputs {names}; it should have the "
            f"{len(FEATURES)} feature columns of `FEATURES`, in that order."
        )
    if not data["input_example"]:
        raise Fail(
            "The champion was logged without an input example. Pass "
            "`input_example=X_train.head(3)` to `log_model`, so that the registry shows what a "
            "request looks like."
        )
    need = _reference_accuracy() - _ACCURACY_MARGIN
    if not data["accuracy"] >= need:
        raise Fail(
            f"The champion classifies {data['accuracy']:.3f} of the {_n_test()} held-out test "
            f"penguins correctly; the pipeline `pipe` of this notebook reaches at least "
            f"{need:.3f}. Register `pipe`, fitted on `X_train`."
        )


# --------------------------------------------------------------------------------------
# Exercise 3: the request model. Which payloads must it accept?
# --------------------------------------------------------------------------------------


def _validation_payloads() -> list[tuple[str, dict[str, Any]]]:
    """(description, payload) pairs covering every rule of the prompt."""
    base = _penguin(0)
    other = _penguin(1)
    low_mass, high_bill = _RANGES["body_mass_g"][0], _RANGES["bill_length_mm"][1]
    return [
        ("a complete, valid penguin", base),
        ("another valid penguin", other),
        ("a valid penguin without the key 'sex'", _without(base, "sex")),
        ("a valid penguin with 'sex': None", {**base, "sex": None}),
        ("a penguin whose body_mass_g is an integer (4000)", {**base, "body_mass_g": 4000}),
        (
            f"a penguin with body_mass_g exactly {low_mass:g} (the lower limit)",
            {**base, "body_mass_g": low_mass},
        ),
        ("a penguin without 'flipper_length_mm'", _without(base, "flipper_length_mm")),
        ("a penguin whose body_mass_g is 4.2 (kilograms, not grams)", {**base, "body_mass_g": 4.2}),
        (
            f"a penguin whose bill_length_mm is {high_bill + 0.5:g}",
            {**base, "bill_length_mm": high_bill + 0.5},
        ),
        ("a penguin whose bill_depth_mm is -15.0", {**base, "bill_depth_mm": -15.0}),
        ("a penguin whose flipper_length_mm is 'long'", {**base, "flipper_length_mm": "long"}),
        ("a penguin from the island 'Anvers'", {**base, "island": "Anvers"}),
        ("a penguin from the island 'biscoe' (lower case)", {**base, "island": "biscoe"}),
        ("a penguin whose sex is 'M'", {**base, "sex": "M"}),
        ("a penguin with an extra field 'year': 2008", {**base, "year": 2008}),
    ]


def _accepts(cls: Any, payload: dict[str, Any]) -> bool | str:
    """True/False for accepted/rejected; the exception's name when validation itself broke."""
    from pydantic import ValidationError

    try:
        cls.model_validate(copy.deepcopy(payload))
    except ValidationError:
        return False
    except Exception as error:
        return f"{type(error).__name__}: {str(error)[:80]}"
    return True


def _plain_value(value: Any) -> Any:
    if value is None or type(value) in (str, float, int, bool):
        return value
    return f"<{type(value).__name__}>"


def _extract_penguin_class(values: dict[str, Any]) -> dict[str, Any]:
    from pydantic import BaseModel

    cls = values["PenguinIn"]
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        raise Fail(
            "`PenguinIn` should be a class that inherits from pydantic's `BaseModel`, "
            f"but it is {describe(cls)}."
        )
    payloads = _validation_payloads()
    accepted = [_accepts(cls, payload) for _, payload in payloads]
    dumps = []
    for payload in (payloads[0][1], payloads[2][1]):
        try:
            dumped = cls.model_validate(copy.deepcopy(payload)).model_dump()
        except Exception as error:
            dumps.append({"error": type(error).__name__})
            continue
        dumps.append({str(k): _plain_value(v) for k, v in dumped.items()})
    return {"accepted": accepted, "dumps": dumps}


def _judge_penguin_class(data: dict[str, Any]) -> None:
    Penguin, _ = _reference_classes()
    payloads = _validation_payloads()
    for (description, payload), got in zip(payloads, data["accepted"], strict=True):
        if isinstance(got, str):
            raise Fail(
                f"Validating {description} raised {got} instead of a pydantic ValidationError. "
                "Declare the rules with type hints, Literal and Field(...) rather than code "
                "that can crash."
            )
        want = _accepts(Penguin, payload)
        if got != want:
            verb = "accepts" if got else "rejects"
            should = "is valid and should be accepted" if want else "should be rejected"
            raise Fail(f"`PenguinIn` {verb} {description}, which {should}.")
    complete, without_sex = data["dumps"]
    for dumped, payload, what in (
        (complete, payloads[0][1], "a complete penguin"),
        (without_sex, {**payloads[2][1], "sex": None}, "a penguin sent without 'sex'"),
    ):
        if list(dumped) != list(FEATURES):
            raise Fail(
                f"`model_dump()` of {what} has the fields {list(dumped)}; it should have "
                f"exactly {list(FEATURES)}, in that order."
            )
        for name in FEATURES:
            if dumped[name] != payload[name] or type(dumped[name]) is not type(payload[name]):
                raise Fail(
                    f"After validating {what}, the field `{name}` is {dumped[name]!r}; numbers "
                    "should be floats, island and sex plain strings, and a missing sex None."
                )


# --------------------------------------------------------------------------------------
# Exercise 4: payloads to a DataFrame the model reads as in training.
# --------------------------------------------------------------------------------------


def _frame_cases() -> list[tuple[str, list[dict[str, Any]]]]:
    """(description, payloads) pairs; the payloads are valid requests as JSON dicts."""
    three = [_penguin(k) for k in _one_of_each()]
    reordered = []
    for payload in three:
        item = {name: payload[name] for name in reversed(FEATURES)}
        for name in ("flipper_length_mm", "body_mass_g"):
            if float(item[name]).is_integer():
                item[name] = int(item[name])
        reordered.append(item)
    return [
        ("three penguins", three),
        ("three penguins with their keys in another order and whole numbers as int", reordered),
        ("one penguin with 'sex': None", [{**_penguin(3), "sex": None}]),
        ("one penguin sent without the key 'sex'", [_without(_penguin(4), "sex")]),
        (
            "two penguins, both with 'sex': None",
            [{**_penguin(5), "sex": None}, {**_penguin(6), "sex": None}],
        ),
        ("an empty list", []),
    ]


def _frame_facts(frame: Any) -> dict[str, Any]:
    """Plain facts about a frame, and the reference model's probabilities for its rows."""
    import pandas as pd

    if type(frame) is not pd.DataFrame:
        return {"type": describe(frame)}
    facts: dict[str, Any] = {
        "type": "DataFrame",
        "columns": [str(c) for c in frame.columns],
        "rows": len(frame),
        "dtypes": {str(c): str(frame[c].dtype) for c in frame.columns},
        "float": {str(c): frame[c].dtype.kind == "f" for c in frame.columns},
        "proba": None,
    }
    if facts["columns"] == list(FEATURES) and len(frame) > 0:
        try:
            proba = _reference_pipeline().predict_proba(frame)
            facts["proba"] = [[float(p) for p in row] for row in proba]
        except Exception as error:
            facts["proba"] = f"{type(error).__name__}: {str(error)[:80]}"
    return facts


def _extract_to_frame(values: dict[str, Any]) -> dict[str, Any]:
    func = values["to_frame"]
    if not callable(func):
        raise Fail(f"`to_frame` should be a function, but it is {describe(func)}.")
    results = []
    for _, payloads in _frame_cases():
        try:
            frame = func(copy.deepcopy(payloads))
        except Exception as error:
            results.append({"error": f"{type(error).__name__}: {str(error)[:80]}"})
            continue
        results.append(_frame_facts(frame))
    return {"results": results}


def _judge_to_frame(data: dict[str, Any]) -> None:
    for (description, payloads), got in zip(_frame_cases(), data["results"], strict=True):
        call = f"`to_frame(...)` for {description}"
        if "error" in got:
            raise Fail(f"{call} raised {got['error']}.")
        if got["type"] != "DataFrame":
            raise Fail(f"{call} returned {got['type']}; it should return a pandas DataFrame.")
        if got["columns"] != list(FEATURES):
            raise Fail(
                f"{call} has the columns {got['columns']}; it should have the columns of "
                "`FEATURES`, in that order, whatever the order of the keys."
            )
        if got["rows"] != len(payloads):
            raise Fail(f"{call} has {got['rows']} rows; it should have one per penguin.")
        not_float = [c for c in _NUMERIC if not got["float"][c]]
        if not_float:
            raise Fail(
                f"In {call}, the column(s) {', '.join(not_float)} have dtype "
                f"{got['dtypes'][not_float[0]]}. Convert the measurements to float64: MLflow's "
                "schema enforcement refuses an integer column where the signature says double."
            )
        if not payloads:
            continue
        want = _reference_pipeline().predict_proba(_reference_to_frame(copy.deepcopy(payloads)))
        proba = got["proba"]
        if isinstance(proba, str):
            raise Fail(f"The model could not read the frame of {call}: {proba}.")
        same = all(
            math.isclose(p, float(w), rel_tol=1e-9, abs_tol=1e-12)
            for row, want_row in zip(proba, want, strict=True)
            for p, w in zip(row, want_row, strict=True)
        )
        if not same:
            raise Fail(
                f"The model gives other probabilities for the frame of {call} than for the "
                "same penguins in training. A missing sex must reach the model as NaN, which "
                "its imputer fills in; a None in an object column is not seen as missing. "
                "Give island and sex the dtype 'str', as in training."
            )


# --------------------------------------------------------------------------------------
# Exercise 5: the service, exercised with TestClient in the learner's process.
# --------------------------------------------------------------------------------------


def _service_requests() -> list[tuple[str, str, str, Any]]:
    """(description, method, path, JSON body) of the requests sent to the learner's service."""
    first, second, third = (_penguin(k) for k in _one_of_each())
    batch_ok = [_penguin(k) for k in range(_MAX_BATCH)]
    batch_over = [_penguin(k) for k in range(_MAX_BATCH + 1)]
    return [
        ("GET /health", "GET", "/health", None),
        ("POST /predict with a valid penguin", "POST", "/predict", first),
        (
            "POST /predict with a valid penguin sent without 'sex'",
            "POST",
            "/predict",
            _without(second, "sex"),
        ),
        (
            "POST /predict without 'flipper_length_mm'",
            "POST",
            "/predict",
            _without(first, "flipper_length_mm"),
        ),
        (
            "POST /predict with body_mass_g 4.2 (kilograms)",
            "POST",
            "/predict",
            {**first, "body_mass_g": 4.2},
        ),
        (
            "POST /predict with bill_depth_mm 'deep'",
            "POST",
            "/predict",
            {**first, "bill_depth_mm": "deep"},
        ),
        ("POST /predict with island 'Anvers'", "POST", "/predict", {**first, "island": "Anvers"}),
        ("POST /predict with an extra field 'year'", "POST", "/predict", {**first, "year": 2008}),
        (
            "POST /predict/batch with three valid penguins",
            "POST",
            "/predict/batch",
            {"penguins": [first, second, third]},
        ),
        ("POST /predict/batch with an empty list", "POST", "/predict/batch", {"penguins": []}),
        (
            f"POST /predict/batch with {_MAX_BATCH} valid penguins (the limit)",
            "POST",
            "/predict/batch",
            {"penguins": batch_ok},
        ),
        (
            f"POST /predict/batch with {_MAX_BATCH + 1} penguins",
            "POST",
            "/predict/batch",
            {"penguins": batch_over},
        ),
        (
            "POST /predict/batch with one invalid penguin among three",
            "POST",
            "/predict/batch",
            {"penguins": [first, {**second, "island": "Anvers"}, third]},
        ),
    ]


def _expected_service_responses() -> list[tuple[int, Any]]:
    first, second, third = _one_of_each()
    return [
        (200, {"status": "ok"}),
        (200, {"species": _species(first)}),
        (200, {"species": _species(second)}),
        (422, None),
        (422, None),
        (422, None),
        (422, None),
        (422, None),
        (200, {"species": [_species(k) for k in (first, second, third)]}),
        (422, None),
        (200, {"species": [_species(k) for k in range(_MAX_BATCH)]}),
        (422, None),
        (422, None),
    ]


def _plain_json(value: Any, depth: int = 0) -> Any:
    if depth > 6:
        return "<too deep>"
    if value is None or type(value) in (str, bool, int, float):
        return value
    if type(value) is list:
        return [_plain_json(v, depth + 1) for v in value[: _MAX_BATCH + 5]]
    if type(value) is dict:
        return {str(k): _plain_json(v, depth + 1) for k, v in list(value.items())[:20]}
    return f"<{type(value).__name__}>"


def _extract_service(values: dict[str, Any]) -> dict[str, Any]:
    from fastapi import FastAPI

    app = values["service"]
    if not isinstance(app, FastAPI):
        raise Fail(f"`service` should be a FastAPI application, but it is {describe(app)}.")
    TestClient = _test_client_class()
    responses = []
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            for _, method, path, body in _service_requests():
                response = client.request(method, path, json=copy.deepcopy(body))
                try:
                    content = response.json() if response.status_code == 200 else None
                except ValueError:
                    content = "<not JSON>"
                responses.append({"status": response.status_code, "json": _plain_json(content)})
    except Exception as error:
        raise Fail(
            f"`service` did not start: {type(error).__name__}: {str(error)[:160]}. Its lifespan "
            "should load the model named by the environment variable MODEL_URI: did you "
            "register the model with the alias 'champion' in Exercise 2, and run the cell that "
            "sets MODEL_URI?"
        ) from None
    return {"responses": responses}


def _judge_service(data: dict[str, Any]) -> None:
    requests = _service_requests()
    expected = _expected_service_responses()
    for (description, *_), (status, body), got in zip(
        requests, expected, data["responses"], strict=True
    ):
        if got["status"] != status:
            if status == 422:
                reason = "it should be rejected with 422 before the model sees it"
            elif got["status"] == 500:
                reason = (
                    "an error inside the service; it should answer 200. Does the lifespan load "
                    "the model into `service.state.model`, and does the endpoint return plain "
                    "`str` species?"
                )
            else:
                reason = f"it should answer {status}"
            raise Fail(f"`{description}` answered {got['status']}: {reason}.")
        if body is not None and got["json"] != body:
            keys = list(body)
            raise Fail(
                f"`{description}` answered 200 with {str(got['json'])[:120]}; the JSON should "
                f"have exactly the key(s) {keys}, holding "
                + (
                    "the predicted species of every penguin, in order."
                    if isinstance(body.get("species"), list)
                    else "the right value."
                )
            )


# --------------------------------------------------------------------------------------
# Exercise 6: status codes, from the reference service.
# --------------------------------------------------------------------------------------


def _status_scenarios() -> dict[str, tuple[str, str, Any]]:
    first = _penguin(0)
    return {
        "valid penguin": ("POST", "/predict", first),
        "mass in kilograms": ("POST", "/predict", {**first, "body_mass_g": 4.2}),
        "GET /predict": ("GET", "/predict", None),
        "POST /predictions": ("POST", "/predictions", first),
        "batch of 101": ("POST", "/predict/batch", {"penguins": [first] * (_MAX_BATCH + 1)}),
    }


def _expected_status_codes() -> dict[str, int]:
    return {
        name: _reference_response(method, path, json=body)[0]
        for name, (method, path, body) in _status_scenarios().items()
    }


def _status_codes_400() -> dict[str, int]:
    return {k: 400 if v == 422 else v for k, v in _expected_status_codes().items()}


def _status_codes_500() -> dict[str, int]:
    return {k: 500 if v == 422 else v for k, v in _expected_status_codes().items()}


def _status_codes_all_404() -> dict[str, int]:
    return {k: 404 if v in (404, 405) else v for k, v in _expected_status_codes().items()}


# --------------------------------------------------------------------------------------
# Exercise 7: reading a 422 body. The bodies come from the reference service.
# --------------------------------------------------------------------------------------


def _error_summary(body: dict[str, Any]) -> list[str]:
    lines = []
    for error in body["detail"]:
        parts = [str(part) for part in error["loc"][1:]]
        lines.append(f"{'.'.join(parts) if parts else 'body'}: {error['msg']}")
    return lines


@lru_cache(maxsize=1)
def _error_bodies() -> tuple[str, ...]:
    """Real 422 bodies of the reference service, as JSON text (cached, immutable)."""
    first, second = _penguin(0), _penguin(1)
    sent = [
        ("/predict", {"json": {**first, "body_mass_g": 4.2}}),
        ("/predict", {"json": {**first, "island": "Anvers", "bill_depth_mm": "deep"}}),
        ("/predict", {"json": _without(first, "flipper_length_mm")}),
        ("/predict/batch", {"json": {"penguins": [first, second, {**second, "body_mass_g": 1.0}]}}),
        ("/predict/batch", {"json": {"penguins": []}}),
        ("/predict", {}),
        (
            "/predict",
            {"content": b'{"island": "Biscoe",', "headers": {"content-type": "application/json"}},
        ),
    ]
    bodies = []
    for path, kwargs in sent:
        status, body = _reference_response("POST", path, **kwargs)
        if status != 422:
            raise RuntimeError(f"the reference service answered {status} to a bad request")
        bodies.append(json.dumps(body))
    return tuple(bodies)


def _summary_cases() -> list[Case]:
    return [Case(json.loads(_error_bodies()[0]))]


def _summary_hidden() -> list[Case]:
    return [Case(json.loads(body)) for body in _error_bodies()[1:]]


# --------------------------------------------------------------------------------------
# Exercise 8: a client that splits a long list into batches. A fake service stands in.
# --------------------------------------------------------------------------------------


class _FakeHTTPStatusError(Exception):
    """What the fake response raises for a 4xx answer, like httpx.HTTPStatusError."""


class _FakeResponse:
    def __init__(self, status_code: int, body: Any):
        self.status_code = status_code
        self._body = body

    def json(self) -> Any:
        return copy.deepcopy(self._body)

    def raise_for_status(self) -> "_FakeResponse":
        if self.status_code >= 400:
            raise _FakeHTTPStatusError(f"{self.status_code} for a request to the fake service")
        return self

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}]>"


def _fake_species(penguin: dict[str, Any]) -> str:
    """A fixed rule of thumb, so that every penguin has a known answer."""
    if penguin["flipper_length_mm"] >= 206:
        return "Gentoo"
    return "Chinstrap" if penguin["bill_length_mm"] >= 44 else "Adelie"


class _FakeServiceClient:
    """Answers POST /predict/batch like the service, with a limit of `max_batch` penguins."""

    def __init__(self, max_batch: int):
        self.max_batch = max_batch

    def post(self, url: str, json: Any = None, **kwargs: Any) -> _FakeResponse:
        if url.rstrip("/").endswith("/predict/batch") is False:
            return _FakeResponse(404, {"detail": "Not Found"})
        penguins = json.get("penguins") if type(json) is dict else None
        if type(penguins) is not list or not 1 <= len(penguins) <= self.max_batch:
            return _FakeResponse(422, {"detail": [{"msg": "batch of the wrong size"}]})
        return _FakeResponse(200, {"species": [_fake_species(p) for p in penguins]})

    def __repr__(self) -> str:
        return f"client(max_batch={self.max_batch})"


def _predict_in_batches(client: Any, penguins: list[dict[str, Any]], batch_size: int) -> list[str]:
    species: list[str] = []
    for start in range(0, len(penguins), batch_size):
        chunk = penguins[start : start + batch_size]
        response = client.post("/predict/batch", json={"penguins": chunk})
        response.raise_for_status()
        species.extend(response.json()["species"])
    return species


def _some_penguins(n: int, offset: int = 0) -> list[dict[str, Any]]:
    X_test = _data()["X_test"]
    return [_payload(X_test.iloc[(offset + i) % len(X_test)]) for i in range(n)]


def _batching_cases() -> list[Case]:
    return [Case(_FakeServiceClient(3), _some_penguins(7), 3)]


def _batching_hidden() -> list[Case]:
    return [
        Case(_FakeServiceClient(3), [], 3),  # nothing to send: no request at all
        Case(_FakeServiceClient(2), _some_penguins(6, 10), 2),  # an exact multiple
        Case(_FakeServiceClient(_MAX_BATCH), _some_penguins(1, 20), _MAX_BATCH),
        Case(_FakeServiceClient(1), _some_penguins(3, 30), 1),
        Case(_FakeServiceClient(25), _some_penguins(_n_test()), 25),  # the whole test set
    ]


# --------------------------------------------------------------------------------------
# Exercise 9: the Dockerfile, read instruction by instruction.
# --------------------------------------------------------------------------------------


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    logical: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1].strip() + " "
            continue
        current += line
        logical.append(current.strip())
        current = ""
    if current.strip():
        logical.append(current.strip())
    out = []
    for line in logical:
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def _copy_sources(args: str) -> list[str]:
    parts = [p for p in args.split() if not p.startswith("--")]
    return parts[:-1]


def _judge_dockerfile(values: dict[str, Any]) -> None:  # noqa: C901 - one rule per branch
    text = values["dockerfile"]
    if type(text) is not str:
        raise Fail(f"`dockerfile` should be a str (the file's text), but it is {describe(text)}.")
    steps = _instructions(text)
    if not steps or steps[0][0] != "FROM":
        raise Fail("A Dockerfile starts with `FROM image:tag`; `dockerfile` does not.")
    image = steps[0][1].split()[0] if steps[0][1] else ""
    name, _, tag = image.partition("@")[0].partition(":")
    if not name.startswith("python") or ("@" not in image and (not tag or tag == "latest")):
        raise Fail(
            f"The base image is {image!r}. Use an official Python image with an explicit tag "
            "that matches the Python the model was trained with, such as `python:3.11-slim`; "
            "no tag means `latest`, which changes under you."
        )

    def first(predicate) -> int | None:
        return next((i for i, step in enumerate(steps) if predicate(step)), None)

    copy_requirements = first(
        lambda s: s[0] == "COPY" and any("requirements" in p for p in _copy_sources(s[1]))
    )
    pip_install = first(
        lambda s: s[0] == "RUN" and "pip install" in s[1] and "requirements" in s[1]
    )
    copy_code = first(
        lambda s: (
            s[0] in ("COPY", "ADD")
            and any(p in (".", "./", "app.py", "./app.py") for p in _copy_sources(s[1]))
        )
    )
    copy_model = first(
        lambda s: (
            s[0] in ("COPY", "ADD")
            and any(
                p in (".", "./") or p.strip("./").startswith("model") for p in _copy_sources(s[1])
            )
        )
    )
    if copy_requirements is None or pip_install is None:
        raise Fail(
            "Copy `requirements.txt` into the image and install it with "
            "`RUN pip install --no-cache-dir -r requirements.txt`."
        )
    if copy_code is None:
        raise Fail("The image needs the service's code: `COPY app.py .`.")
    if not copy_requirements < pip_install < copy_code:
        raise Fail(
            "Copy requirements.txt and run pip install *before* copying the code. Docker "
            "rebuilds every layer after the first one whose input changed, so with the code "
            "copied first, every edit of app.py would reinstall all the packages."
        )
    if copy_model is None:
        raise Fail("Copy the downloaded model folder into the image: `COPY model/ ./model/`.")
    env = " ".join(args for word, args in steps if word == "ENV")
    if "MODEL_URI" not in env:
        raise Fail(
            "Set `ENV MODEL_URI=...` to the folder the model was copied to, so that the "
            "service loads the model baked into the image."
        )
    cmd = first(lambda s: s[0] == "CMD")
    users = [(i, args) for i, (word, args) in enumerate(steps) if word == "USER"]
    if cmd is None:
        raise Fail("The Dockerfile has no `CMD`: the command that starts uvicorn.")
    users_before = [args for i, args in users if i < cmd]
    if not users_before or users_before[-1].split(":")[0] in ("root", "0"):
        raise Fail(
            "The service would run as root. Create an unprivileged user (`RUN useradd ...`) "
            "and switch to it with `USER` before the `CMD`."
        )
    if first(lambda s: s[0] == "EXPOSE" and "8000" in s[1].split("/")[0].split()) is None:
        raise Fail("Document the port the service listens on: `EXPOSE 8000`.")
    health = first(lambda s: s[0] == "HEALTHCHECK")
    if health is None or "/health" not in steps[health][1]:
        raise Fail(
            "Add a `HEALTHCHECK` whose command requests the service's /health endpoint, so "
            "that Docker can tell a running container from a working one."
        )
    args = steps[cmd][1]
    try:
        argv = json.loads(args)
    except ValueError:
        argv = None
    if type(argv) is not list or not all(type(a) is str for a in argv):
        raise Fail(
            "Write the CMD in exec form, a JSON list such as "
            '`CMD ["uvicorn", "app:app", ...]`. In shell form Docker runs the command through '
            "`/bin/sh -c`, which may not pass `docker stop`'s SIGTERM on to uvicorn."
        )
    if "uvicorn" not in argv[0] or "app:app" not in argv:
        raise Fail("The CMD should start `uvicorn` with the application `app:app`.")
    host = argv[argv.index("--host") + 1] if "--host" in argv[:-1] else "127.0.0.1"
    if host != "0.0.0.0":
        raise Fail(
            f"uvicorn listens on {host} inside the container, where 127.0.0.1 is the "
            "container's own loopback: nothing outside could reach it. Pass "
            '`"--host", "0.0.0.0"`.'
        )
    port = argv[argv.index("--port") + 1] if "--port" in argv[:-1] else "8000"
    if port != "8000":
        raise Fail(f"uvicorn listens on port {port}, but the image exposes 8000.")


# --------------------------------------------------------------------------------------
# Knowledge check.
# --------------------------------------------------------------------------------------


def _requests_for_test_set() -> int:
    return math.ceil(_n_test() / _KC_BATCH)


MODULE = Module(
    "20",
    "serving_fastapi_docker",
    "Serving with FastAPI and Docker",
    problems=(
        Custom(
            "20.1",
            reads=("signature",),
            extract=_extract_signature,
            judge=_judge_signature,
            title="Infer the model signature",
            points=1,
            hints=[
                "A signature describes the model's inputs (columns and types) and outputs. "
                "`mlflow.models.infer_signature` builds one from example data.",
                "Give it what a client sends, the features `X_train` as a DataFrame, and what "
                "the model returns, its predictions.",
                "`signature = infer_signature(X_train, pipe.predict(X_train))`",
            ],
        ),
        Custom(
            "20.2",
            reads=("champion_uri",),
            extract=_extract_champion,
            judge=_judge_champion,
            title="Register the model with the alias champion",
            points=2,
            hints=[
                "Three steps: log the model in a run, register it, point the alias "
                "`champion` at the new version.",
                "`mlflow.sklearn.log_model(pipe, name='model', signature=signature, "
                "input_example=X_train.head(3), registered_model_name='penguins-exercises', "
                "pip_requirements=..., skops_trusted_types=['numpy.dtype'])` returns a ModelInfo "
                "whose `registered_model_version` is the new version.",
                "`MlflowClient().set_registered_model_alias('penguins-exercises', 'champion', "
                "info.registered_model_version)`, then "
                "`champion_uri = 'models:/penguins-exercises@champion'`.",
            ],
        ),
        Custom(
            "20.3",
            reads=("PenguinIn",),
            extract=_extract_penguin_class,
            judge=_judge_penguin_class,
            title="Validate a penguin with pydantic",
            points=2,
            hints=[
                "One class attribute per field, with a type hint: `island: Literal[...]`, "
                "`bill_length_mm: float = Field(...)`, and so on.",
                "`Field(ge=low, le=high)` gives an inclusive range; `Literal['female', 'male'] | "
                "None = None` makes sex optional.",
                "Unknown fields are ignored unless you forbid them: "
                "`model_config = ConfigDict(extra='forbid')`.",
            ],
        ),
        Custom(
            "20.4",
            reads=("to_frame",),
            extract=_extract_to_frame,
            judge=_judge_to_frame,
            title="Payloads to a DataFrame",
            points=2,
            hints=[
                "`pd.DataFrame(payloads, columns=FEATURES)` gives one row per dict, the columns "
                "in that order, and NaN for a missing key, even for an empty list.",
                "Whole numbers arrive as int; the signature says double. Convert the four "
                "measurements with `astype('float64')`.",
                "A `'sex': None` stays None in an object column, and the imputer does not see it "
                "as missing. `astype({'island': 'str', 'sex': 'str'})` turns it into NaN.",
            ],
        ),
        Custom(
            "20.5",
            reads=("service",),
            extract=_extract_service,
            judge=_judge_service,
            title="The prediction service",
            points=3,
            hints=[
                "Follow the lesson's app.py: a lifespan that loads the model into "
                "`service.state.model`, then three endpoints.",
                "The batch request is a pydantic model with one field, `penguins: "
                "list[PenguinIn] = Field(min_length=1, max_length=MAX_BATCH)`.",
                "Each endpoint converts the validated penguins with `to_frame([p.model_dump() "
                "for p in ...])`, calls `service.state.model.predict(...)`, and returns "
                "`{'species': ...}` with plain `str` values.",
            ],
        ),
        Value(
            "20.6",
            var="status_codes",
            expected=_expected_status_codes,
            title="Which status code?",
            points=1,
            hints=[
                "Try the requests on your `service` with a TestClient, or think about who "
                "answers each one: the router, the validation, or the endpoint.",
                "Validation errors are 422. A path that exists but not for this method, and a "
                "path that does not exist at all, get two different 4xx codes.",
                "405 Method Not Allowed, 404 Not Found.",
            ],
            mistakes=[
                Mistake(
                    _status_codes_400,
                    "FastAPI answers a request that fails validation with 422, not 400.",
                ),
                Mistake(
                    _status_codes_500,
                    "A request that fails validation never reaches your code, so nothing "
                    "crashes: FastAPI answers 422, a client error, not 500.",
                ),
                Mistake(
                    _status_codes_all_404,
                    "/predict exists, but only for POST: a GET there is 405 Method Not "
                    "Allowed, not 404.",
                ),
            ],
        ),
        Function(
            "20.7",
            name="error_summary",
            reference=_error_summary,
            cases=_summary_cases,
            hidden=_summary_hidden,
            title="Read a 422 body",
            points=2,
            hints=[
                "The body is `{'detail': [error, ...]}`; every error has a `loc` (a list) and a "
                "`msg`.",
                "`loc[0]` says where the error is ('body'); the field is the rest of `loc`, "
                "joined with '.'. Some parts are ints (a list position): convert them with str.",
                "When `loc` is only `['body']` (no body at all), the field is 'body'.",
            ],
        ),
        Function(
            "20.8",
            name="predict_in_batches",
            reference=_predict_in_batches,
            cases=_batching_cases,
            hidden=_batching_hidden,
            title="A client that sends batches",
            points=2,
            hints=[
                "Loop over the start positions `range(0, len(penguins), batch_size)` and send "
                "`penguins[start:start + batch_size]` each time.",
                "Each request is `client.post('/predict/batch', json={'penguins': chunk})`; call "
                "`response.raise_for_status()` before you read `response.json()['species']`.",
                "Collect the species of every batch, in order, into one list. An empty list "
                "needs no request at all.",
            ],
        ),
        Custom(
            "20.9",
            reads=("dockerfile",),
            judge=_judge_dockerfile,
            title="Write the Dockerfile",
            points=2,
            hints=[
                "Follow the order of the lesson's Dockerfile: FROM, WORKDIR, requirements and "
                "pip install, the model and the code, ENV, the user, EXPOSE, HEALTHCHECK, CMD.",
                "Install the requirements before you copy app.py: Docker caches every layer "
                "until the first one whose input changed.",
                "Inside a container, uvicorn must listen on 0.0.0.0; write CMD as a JSON list: "
                '`CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]`.',
            ],
        ),
        Choice(
            "20.kc1",
            var="kc1",
            choices="abcd",
            answer="b",
            title="Batch or real-time",
            hints=["When are the predictions needed, and does anyone wait for one of them?"],
            explanation="Nobody waits for a single score and all inputs are known in advance: a "
            "scheduled batch job loads the champion with mlflow.pyfunc, scores the whole table "
            "at once and writes the results, with no HTTP at all.",
        ),
        Choice(
            "20.kc2",
            var="kc2",
            choices="abcd",
            answer="ab",
            title="Aliases, not stages",
            hints=["Two statements are right. What does an alias point to, and can it move?"],
            explanation="Stages were deprecated in MLflow 2.9; an alias is a named, movable "
            "pointer to one version. Moving it changes what the service loads at its next "
            "start, with no change to the code or the image. A version can carry several "
            "aliases.",
        ),
        Choice(
            "20.kc3",
            var="kc3",
            choices="abcd",
            answer="c",
            title="Why a non-root user",
            hints=["Think about what an attacker gets after finding a hole in the service."],
            explanation="Whoever takes over the process gets its user. An unprivileged user "
            "cannot change the image's files or install software, and many clusters refuse to "
            "run containers as root at all.",
        ),
        Choice(
            "20.kc4",
            var="kc4",
            choices="abcd",
            answer="a",
            title="--env-manager local",
            hints=["What does `mlflow models serve` do by default before it starts the server?"],
            explanation="By default (virtualenv) MLflow creates a new environment and installs "
            "the model's requirements into it, which needs the package index. `local` uses the "
            "packages of the current environment.",
        ),
        Choice(
            "20.kc5",
            var="kc5",
            choices="abcd",
            answer="a",
            title="A bad request",
            hints=["Where does FastAPI validate the body: before or inside your function?"],
            explanation="FastAPI validates the body against the pydantic model before it calls "
            "the endpoint. A value that is not a number fails validation: the answer is 422 "
            "with the field's location and the reason, and neither the endpoint nor the model "
            "runs.",
        ),
        Choice(
            "20.kc6",
            var="kc6",
            choices="abcd",
            answer="d",
            title="TestClient and the lifespan",
            hints=["When does TestClient run the application's startup code?"],
            explanation="TestClient runs the lifespan (startup and shutdown) only when it is "
            "used as a context manager, `with TestClient(app) as client:`. Without it, the "
            "model is never loaded.",
        ),
        Numeric(
            "20.kc7",
            var="kc7",
            expected=_requests_for_test_set,
            title="How many batch requests?",
            hints=["Every request carries at most 25 penguins; the last one may carry fewer."],
            mistakes=[
                Mistake(
                    lambda: _requests_for_test_set() - 1,
                    "The penguins left over after the full batches need one more request.",
                ),
                Mistake(
                    _n_test,
                    "That is one request per penguin; a batch request carries up to 25.",
                ),
            ],
        ),
    ),
)
