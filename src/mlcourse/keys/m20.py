"""Answer key of module 20 — Serving with FastAPI and Docker.

The reference request schema, ``to_frame`` and service are built around the notebook's pipeline,
which the declaration rebuilds. The Dockerfile of Exercise 9 is read instruction by instruction
and followed like a build would: where each file lands, which user exists, which port is
served and asked. (No ``from __future__ import annotations`` here: FastAPI reads the reference
endpoints' type hints at run time.)
"""

import copy
import json
import math
import os
import posixpath
import re
import shlex
import sys
from functools import lru_cache
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    describe,
    malformed,
    require_bool,
    require_dict,
    require_float,
    require_int,
    require_json,
    require_list,
    require_optional,
    require_str,
)
from mlcourse.exercises.m20 import (
    _KC_BATCH,
    _MAX_BATCH,
    _NUMERIC,
    FEATURES,
    PROBE_NAME,
    PROBE_VERSIONS,
    _accepts,
    _columns,
    _data,
    _frame_cases,
    _n_test,
    _pipeline,
    _probe_requests,
    _rotated_pipeline,
    _service_requests,
    _test_client_class,
    _validation_payloads,
)
from mlcourse.tracking import learner_slug

_PROBA_TOLERANCE = 1e-6  # the registered model's probabilities against `pipe`'s, per entry


# --------------------------------------------------------------------------------------
# The reference request schema (exercise 3), to_frame (exercise 4) and service (exercise 5).
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _reference_classes():
    """The reference pydantic models: one penguin, and a batch of 1 to _MAX_BATCH penguins."""
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field

    class Penguin(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)

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


def _load_model_and_version(uri: str):
    """The MLflow model at ``uri`` and its registered version, as the notebooks' helper does."""
    import mlflow
    import yaml

    folder = Path(mlflow.artifacts.download_artifacts(artifact_uri=uri))
    meta = folder / "registered_model_meta"
    found = yaml.safe_load(meta.read_text()) if meta.is_file() else None
    version = str(found["model_version"]) if found else "unknown"
    return mlflow.pyfunc.load_model(str(folder)), version


def _build_app(model: Any = None):
    """The reference service; with ``model``, served as is, else loaded from MODEL_URI at start."""
    from contextlib import asynccontextmanager
    from typing import Literal

    from fastapi import FastAPI
    from pydantic import BaseModel

    Penguin, PenguinBatch = _reference_classes()
    Species = Literal["Adelie", "Chinstrap", "Gentoo"]

    class Prediction(BaseModel):
        species: Species

    class BatchPrediction(BaseModel):
        species: list[Species]

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if model is None:
            app.state.model, app.state.model_version = _load_model_and_version(
                os.environ["MODEL_URI"]
            )
        else:
            app.state.model, app.state.model_version = model, "unknown"
        yield

    app = FastAPI(lifespan=lifespan)
    if model is not None:
        app.state.model, app.state.model_version = model, "unknown"

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "model_version": app.state.model_version}

    @app.post("/predict", response_model=Prediction)
    def predict(penguin: Penguin) -> Prediction:
        frame = _reference_to_frame([penguin.model_dump()])
        return Prediction(species=str(app.state.model.predict(frame)[0]))

    @app.post("/predict/batch", response_model=BatchPrediction)
    def predict_batch(batch: PenguinBatch) -> BatchPrediction:
        frame = _reference_to_frame([p.model_dump() for p in batch.penguins])
        return BatchPrediction(species=[str(s) for s in app.state.model.predict(frame)])

    return app


def _reference_app():
    """The reference service of Exercise 5: its lifespan loads the model MODEL_URI names."""
    return _build_app()


@lru_cache(maxsize=1)
def _status_app():
    """The reference service with the notebook's pipeline, for the status codes of Exercise 6."""
    return _build_app(_pipeline())


def _reference_response(method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
    client = _test_client_class()(_status_app(), raise_server_exceptions=False)
    response = client.request(method, path, **kwargs)
    return response.status_code, response.json()


# --------------------------------------------------------------------------------------
# Exercise 1: the signature.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _reference_signature() -> dict[str, Any]:
    from mlflow.models import infer_signature

    d = _data()
    signature = infer_signature(d["X_train"], _pipeline().predict(d["X_train"]))
    return {"inputs": signature.inputs.to_dict(), "outputs": signature.outputs.to_dict()}


_SCALARS = (str, int, float, bool, type(None))


def _require_column_spec(value: Any, path: str) -> dict[str, Any]:
    """One column of a signature as MLflow writes it: a dict with a str ``type``.

    Only the entries the judges read are checked: ``type``, ``name`` and ``required``.
    """
    require_dict(value, path)
    require_str(value.get("type"), at(path, "type"))
    if type(value.get("name")) not in _SCALARS:
        raise malformed(at(path, "name"), f"should be a name, but it is {describe(value['name'])}")
    if "required" in value:
        require_bool(value["required"], at(path, "required"))
    return value


def _require_schema(value: Any, path: str) -> list[dict[str, Any]]:
    """A schema as MLflow writes it: a list of column specs (never empty)."""
    require_list(value, path, item=_require_column_spec)
    if not value:
        raise malformed(path, "has no columns")
    return value


def _require_output_spec(value: Any, path: str) -> dict[str, Any]:
    """One output as the extract summarises it: a tensor has a dtype and a shape, a column not."""
    require_dict(value, path, ("type", "dtype", "shape"))
    require_str(value["type"], at(path, "type"))
    if value["type"] == "tensor":
        require_str(value["dtype"], at(path, "dtype"))
        require_list(value["shape"], at(path, "shape"), item=require_int)
    elif value["dtype"] is not None or value["shape"] is not None:
        raise malformed(path, "gives a dtype or a shape to an output that is not a tensor")
    return value


def _require_outputs(value: Any, path: str) -> list[dict[str, Any]]:
    require_list(value, path, item=_require_output_spec)
    if not value:
        raise malformed(path, "has no outputs")
    return value


def _output_problem(outputs: list[dict[str, Any]]) -> str | None:
    """Why a signature's outputs are not one species name per penguin, or None when they are.

    Accepted: one column of type string (labels as a Series or a list), or one 1-D tensor of
    text (``pipe.predict(...)``, an array of Python strings: dtype object).
    """
    if len(outputs) != 1:
        return f"has {len(outputs)} output columns"
    spec = outputs[0]
    if spec["type"] == "string":
        return None
    if spec["type"] != "tensor":
        return f"is a column of type {spec['type']!r}"
    dtype, shape = spec["dtype"], spec["shape"]
    if not (dtype in ("object", "str") or re.fullmatch(r"[<>|=]?U\d*", dtype)):
        return f"is a tensor of {dtype}"
    if not (len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)):
        return f"is a tensor of shape {tuple(shape)}"
    return None


def _judge_signature(data: dict[str, Any]) -> None:
    require_dict(data, "data", ("named", "inputs", "outputs"))
    require_bool(data["named"], at("data", "named"))
    require_list(data["inputs"], at("data", "inputs"), item=_require_column_spec)
    require_optional(_require_outputs)(data["outputs"], at("data", "outputs"))
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
    problem = _output_problem(data["outputs"])
    if problem:
        raise Fail(
            f"The signature's output {problem}; the model returns one species name (text) per "
            "penguin. Infer it from the predicted labels, `pipe.predict(X_train)`, not from "
            "probabilities, codes or several columns."
        )


# --------------------------------------------------------------------------------------
# Exercise 2: the registered model and its alias.
# --------------------------------------------------------------------------------------


_CHAMPION = ("name", "alias", "learner", "found")
_CHAMPION_FOUND = (
    *_CHAMPION,
    "inputs",
    "outputs",
    "input_example",
    "predicted",
    "proba",
    "classes",
    "sklearn_pin",
)


def _require_proba_rows(value: Any, path: str) -> list[list[float]]:
    return require_list(
        value,
        path,
        length=_n_test(),
        per="test penguin",
        item=lambda row, where: require_list(row, where, item=require_float),
    )


def _require_champion(data: Any) -> None:
    """What exercise 2 collects: more when the alias was found, predictions when usable."""
    found = type(data) is dict and data.get("found") is True
    require_dict(data, "data", _CHAMPION_FOUND if found else _CHAMPION)
    require_str(data["name"], at("data", "name"))
    require_str(data["alias"], at("data", "alias"))
    require_optional(require_str)(data["learner"], at("data", "learner"))
    require_bool(data["found"], at("data", "found"))
    if not found:
        return
    require_optional(_require_schema)(data["inputs"], at("data", "inputs"))
    require_optional(_require_outputs)(data["outputs"], at("data", "outputs"))
    require_bool(data["input_example"], at("data", "input_example"))
    require_optional(require_str)(data["sklearn_pin"], at("data", "sklearn_pin"))
    usable = data["inputs"] is not None and [n for n, _ in _columns(data["inputs"])] == list(
        FEATURES
    )
    if usable:
        require_list(data["predicted"], at("data", "predicted"), item=require_str)
        require_optional(_require_proba_rows)(data["proba"], at("data", "proba"))
        require_optional(lambda v, p: require_list(v, p, item=require_str))(
            data["classes"], at("data", "classes")
        )
        if (data["proba"] is None) != (data["classes"] is None):
            raise malformed(at("data", "proba"), "and `classes` should be given together")
        return
    for key in ("predicted", "proba", "classes"):
        if data[key] is not None:
            raise malformed(
                at("data", key), "holds results of a model whose signature is not usable"
            )


def _judge_champion(data: dict[str, Any]) -> None:  # noqa: C901 - one rule per branch
    _require_champion(data)
    name, alias = data["name"], data["alias"]
    if alias != "champion":
        raise Fail(
            f"`champion_uri` uses the alias {alias!r}; the task asks for the alias 'champion'."
        )
    learner = data["learner"]
    if learner is not None and not name.endswith(learner_slug(learner)):
        raise Fail(
            f"The registered model is called {name!r}, a name every learner on a shared "
            "tracking server would also use, so that each of you would move the others' "
            "champion. Register it under `MODEL_NAME`, which ends with your learner name."
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
    want = _columns(_reference_signature()["inputs"])
    wrong = [
        f"{n} ({t})"
        for (n, t), (_, w) in zip(_columns(data["inputs"]), want, strict=True)
        if t != w
    ]
    if wrong:
        raise Fail(
            f"The champion's signature gives some inputs other types than `X_train` has: "
            f"{', '.join(wrong)}. Log it with the signature of Exercise 1."
        )
    problem = _output_problem(data["outputs"]) if data["outputs"] is not None else "is missing"
    if problem:
        raise Fail(
            f"The champion's signature: its output {problem}. The model returns one species "
            "name per penguin: log it with the signature of Exercise 1, inferred from "
            "`pipe.predict(X_train)`."
        )
    if not data["input_example"]:
        raise Fail(
            "The champion was logged without an input example. Pass "
            "`input_example=X_train.head(3)` to `log_model`, so that the registry shows what a "
            "request looks like."
        )
    if data["sklearn_pin"] != installed_version("scikit-learn"):
        raise Fail(
            "The champion's requirements.txt does not pin scikit-learn to the version it was "
            "trained with (`scikit-learn==...`). Pass `pip_requirements="
            "mlflow.sklearn.get_default_pip_requirements(include_skops=True)`."
        )
    if data["proba"] is None:
        raise Fail(
            "The champion cannot be loaded with `mlflow.sklearn.load_model`, or has no "
            "`predict_proba`: log the fitted pipeline `pipe` with `mlflow.sklearn.log_model`."
        )
    reference = _pipeline()
    X_test = _data()["X_test"]
    if data["classes"] != [str(c) for c in reference.classes_]:
        raise Fail(
            f"The champion predicts the classes {data['classes']}; it should predict the "
            "penguins' species. Register `pipe`, fitted on `X_train` and `y_train`."
        )
    if data["predicted"] != [str(p) for p in reference.predict(X_test)]:
        raise Fail(
            "The champion's predictions for the held-out test penguins differ from those of "
            "`pipe`. Register `pipe` itself, fitted on `X_train` and `y_train`."
        )
    want_proba = reference.predict_proba(X_test)
    same = all(len(row) == want_proba.shape[1] for row in data["proba"]) and all(
        abs(p - float(w)) <= _PROBA_TOLERANCE  # False for NaN
        for row, want_row in zip(data["proba"], want_proba, strict=True)
        for p, w in zip(row, want_row, strict=True)
    )
    if not same:
        raise Fail(
            "The champion predicts the same species as `pipe` but with other probabilities: it "
            "was fitted on other data or with other settings (the test set, a sample of the "
            "training set, another model). Register `pipe` as the notebook fitted it, on "
            "`X_train` and `y_train` only."
        )


# --------------------------------------------------------------------------------------
# Exercise 3: the request model.
# --------------------------------------------------------------------------------------


def _require_verdict(value: Any, path: str) -> bool | str:
    """Accepted (True), rejected (False), or the error that validation raised (a str)."""
    if type(value) is not bool:
        require_str(value, path)
    return value


def _require_dump(value: Any, path: str) -> dict[str, Any]:
    require_dict(value, path)
    for key, entry in value.items():
        if type(entry) not in _SCALARS:
            raise malformed(at(path, key), f"should be a plain value, but it is {describe(entry)}")
    return value


def _judge_penguin_class(data: dict[str, Any]) -> None:
    Penguin, _ = _reference_classes()
    payloads = _validation_payloads()
    require_dict(data, "data", ("accepted", "dumps", "aliases"))
    require_dict(data["aliases"], at("data", "aliases"))
    for name, spelt in data["aliases"].items():
        require_list(spelt, at(at("data", "aliases"), name), item=require_str)
    require_list(
        data["accepted"],
        at("data", "accepted"),
        length=len(payloads),
        per="payload the check validates",
        item=_require_verdict,
    )
    require_list(
        data["dumps"],
        at("data", "dumps"),
        length=2,
        per="penguin the check dumps",
        item=_require_dump,
    )
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
            tip = ""
            if (
                want is False
                and isinstance(payload.get("bill_length_mm"), str)
                or (want is False and isinstance(payload.get("body_mass_g"), str))
            ):
                tip = (
                    " By default pydantic converts text that looks like a number: ask for "
                    "strict validation (`strict=True`)."
                )
            raise Fail(f"`PenguinIn` {verb} {description}, which {should}.{tip}")
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
    if list(data["aliases"]) != list(FEATURES):
        raise malformed(at("data", "aliases"), "should name the fields of the class, in order")
    for name, spelt in data["aliases"].items():
        other = [a for a in spelt if a != name]
        if other:
            raise Fail(
                f"`PenguinIn` gives the field `{name}` another name ({other[0]}): a client could "
                "send it under a second spelling, or not under its own. Declare the fields with "
                "the names of `FEATURES` and no alias."
            )


# --------------------------------------------------------------------------------------
# Exercise 4: payloads to a DataFrame the model reads as in training.
# --------------------------------------------------------------------------------------


_FRAME_FACTS = ("type", "columns", "rows", "dtypes", "float", "proba")


def _require_floats(value: Any, path: str) -> list[float]:
    return require_list(value, path, item=require_float)


def _require_proba(value: Any, path: str) -> Any:
    """None, the error the model raised (a str), or rows of probabilities."""
    if value is None or type(value) is str:
        return value
    return require_list(value, path, item=_require_floats)


def _require_frame_facts(value: Any, path: str) -> dict[str, Any]:
    """What exercise 4 collects for one call: an error, a wrong type, or a frame's facts."""
    require_dict(value, path)
    if "error" in value:
        require_dict(value, path, ("error",))
        require_str(value["error"], at(path, "error"))
        return value
    if type(value.get("type")) is not str or value["type"] != "DataFrame":
        require_dict(value, path, ("type",))
        require_str(value["type"], at(path, "type"))
        return value
    require_dict(value, path, _FRAME_FACTS)
    require_list(value["columns"], at(path, "columns"), item=require_str)
    require_int(value["rows"], at(path, "rows"))
    for key, check in (("dtypes", require_str), ("float", require_bool)):
        require_dict(value[key], at(path, key))
        for column, entry in value[key].items():
            check(entry, at(at(path, key), column))
    _require_proba(value["proba"], at(path, "proba"))
    return value


def _judge_to_frame(data: dict[str, Any]) -> None:  # noqa: C901 - one rule per branch
    cases = _frame_cases()
    require_dict(data, "data", ("results", "mutated"))
    require_list(
        data["results"],
        at("data", "results"),
        length=len(cases),
        per="call the check makes",
        item=_require_frame_facts,
    )
    require_list(
        data["mutated"],
        at("data", "mutated"),
        length=len(cases),
        per="call the check makes",
        item=require_bool,
    )
    for index, ((description, payloads), got, mutated) in enumerate(
        zip(cases, data["results"], data["mutated"], strict=True)
    ):
        call = f"`to_frame(...)` for {description}"
        path = f"{at('data', 'results')}[{index}]"
        if mutated:
            raise Fail(
                f"{call} changed the dicts it was given. Leave the caller's payloads as they "
                "were: build the DataFrame from them, and fix types on the frame."
            )
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
        require_dict(got["dtypes"], at(path, "dtypes"), FEATURES)
        require_dict(got["float"], at(path, "float"), FEATURES)
        not_float = [c for c in _NUMERIC if got["dtypes"][c] != "float64"]
        if not_float:
            raise Fail(
                f"In {call}, the column(s) {', '.join(not_float)} have dtype "
                f"{got['dtypes'][not_float[0]]}. Convert the measurements to float64, the type "
                "of training and of the signature's `double`: MLflow refuses an integer column "
                "there, and float32 rounds the measurements."
            )
        if not payloads:
            if got["proba"] is not None:
                raise malformed(at(path, "proba"), "holds probabilities for a frame without rows")
            continue
        want = _pipeline().predict_proba(_reference_to_frame(copy.deepcopy(payloads)))
        proba = got["proba"]
        if isinstance(proba, str):
            raise Fail(f"The model could not read the frame of {call}: {proba}.")
        rows = require_list(proba, at(path, "proba"), length=len(payloads), per="penguin")
        for row_index, row in enumerate(rows):
            where = f"{at(path, 'proba')}[{row_index}]"
            require_list(row, where, length=want.shape[1], per="species")
        same = all(
            math.isclose(p, float(w), rel_tol=1e-9, abs_tol=1e-12)
            for row, want_row in zip(proba, want, strict=True)
            for p, w in zip(row, want_row, strict=True)
        )
        if not same:
            unknown_sex = any(p.get("sex") is None for p in payloads)
            raise Fail(
                f"The model gives other probabilities for the frame of {call} than for the "
                "same penguins prepared as in training. "
                + (
                    "A missing sex must reach the model as NaN, which its imputer fills in; a "
                    "None in an object column is not seen as missing. Give island and sex the "
                    "dtype 'str', as in training."
                    if unknown_sex
                    else "Keep every value as it was sent, each in its own column of `FEATURES`, "
                    "with island and sex as 'str' and the measurements as float64."
                )
            )


# --------------------------------------------------------------------------------------
# Exercise 5: the service; the expected answers come from the two probe models.
# --------------------------------------------------------------------------------------


def _predicted_species(model: Any, body: Any) -> Any:
    """What a right service answers with ``model`` for a valid request body."""
    if "penguins" in body:
        frame = _reference_to_frame(copy.deepcopy(body["penguins"]))
        return {"species": [str(s) for s in model.predict(frame)]}
    return {"species": str(model.predict(_reference_to_frame([copy.deepcopy(body)]))[0])}


@lru_cache(maxsize=1)
def _expected_service_responses() -> tuple[tuple[int, Any], ...]:
    """(status, 200 body or None) for every request, both probes in turn, from the reference."""
    Penguin, PenguinBatch = _reference_classes()
    expected = []
    for model, version, requests in (
        (_pipeline(), PROBE_VERSIONS[0], _service_requests()),
        (_rotated_pipeline(), PROBE_VERSIONS[1], _probe_requests()),
    ):
        for _, _, path, body in requests:
            if path == "/health":
                expected.append((200, {"status": "ok", "model_version": version}))
                continue
            schema = PenguinBatch if path.endswith("/batch") else Penguin
            if _accepts(schema, body) is not True:
                expected.append((422, None))
                continue
            expected.append((200, _predicted_species(model, body)))
    return tuple(expected)


def _require_response(value: Any, path: str) -> dict[str, Any]:
    """A status code, and the JSON body of a 200 answer (None for any other status)."""
    require_dict(value, path, ("status", "json"))
    require_int(value["status"], at(path, "status"))
    require_json(value["json"], at(path, "json"))
    if value["status"] != 200 and value["json"] is not None:
        raise malformed(at(path, "json"), "holds a body, but only a 200 answer's body is collected")
    return value


def _judge_service(data: dict[str, Any]) -> None:
    first_run = len(_service_requests())
    requests = _service_requests() + _probe_requests()
    expected = _expected_service_responses()
    require_dict(data, "data", ("responses",))
    require_list(
        data["responses"],
        at("data", "responses"),
        length=len(requests),
        per="request the check sends",
        item=_require_response,
    )
    for index, ((description, _, _, sent), (status, body), got) in enumerate(
        zip(requests, expected, data["responses"], strict=True)
    ):
        second = index >= first_run
        when = (
            " (the check's second start of your service, with MODEL_URI naming another model)"
            if second
            else ""
        )
        if got["status"] != status:
            if status == 422:
                reason = "it should be rejected with 422 before the model sees it"
            elif got["status"] == 500:
                reason = (
                    "an error inside the service; it should answer 200. Does the lifespan load "
                    "the model and its version into `service.state`, do the endpoints predict "
                    "with `service.state.model` (not a model loaded again at each request: once "
                    "the service has started, the check points MODEL_URI elsewhere), and do "
                    "they return plain `str` species?"
                )
            else:
                reason = f"it should answer {status}"
            raise Fail(f"`{description}`{when} answered {got['status']}: {reason}.")
        if body is None or got["json"] == body:
            continue
        if "status" in body:
            raise Fail(
                f"`{description}`{when} answered {str(got['json'])[:120]}. It should answer "
                "exactly `{'status': 'ok', 'model_version': ...}` with the version (a str) of "
                "the model that the lifespan loaded from MODEL_URI, as "
                "`load_model_and_version` returns it: the check starts your service with "
                f"models of its own, registered as {PROBE_NAME!r}."
            )
        if second and type(got["json"]) is dict and set(got["json"]) == {"species"}:
            raise Fail(
                f"`{description}`{when} answered with the species of another model. Load the "
                "model in the lifespan, from `os.environ['MODEL_URI']` as it is when the "
                "service starts, not when the cell runs, and predict with "
                "`service.state.model`."
            )
        if type(got["json"]) is dict and set(got["json"]) == set(body):
            penguins = sent["penguins"] if "penguins" in sent else [sent]
            if any(p.get("sex") is None for p in penguins):
                raise Fail(
                    f"`{description}` answered {str(got['json'])[:120]}, but the model predicts "
                    "another species for the same penguin(s) prepared as in training. A missing "
                    "sex must reach the model as NaN, as in training, not as None, which the "
                    "imputer does not see as missing: build the frame with `to_frame`."
                )
            raise Fail(
                f"`{description}` answered {str(got['json'])[:120]}, but the model predicts other "
                "species for the same penguin(s) prepared as in training: build the frame with "
                "`to_frame`, and return the species in the order of the request."
            )
        keys = list(body)
        raise Fail(
            f"`{description}`{when} answered 200 with {str(got['json'])[:120]}; the JSON should "
            f"have exactly the key(s) {keys}, holding "
            + (
                "the predicted species of every penguin, in order."
                if isinstance(body.get("species"), list)
                else "the predicted species."
            )
        )


# --------------------------------------------------------------------------------------
# Exercise 6: status codes, from the reference service.
# --------------------------------------------------------------------------------------


def _status_scenarios() -> dict[str, tuple[str, str, Any]]:
    from mlcourse.exercises.m20 import _penguin

    first = _penguin(0)
    return {
        "valid penguin": ("POST", "/predict", first),
        "mass in kilograms": ("POST", "/predict", {**first, "body_mass_g": 4.2}),
        "GET /predict": ("GET", "/predict", None),
        "POST /predictions": ("POST", "/predictions", first),
        "batch of 101": ("POST", "/predict/batch", {"penguins": [first] * (_MAX_BATCH + 1)}),
    }


@lru_cache(maxsize=1)
def _status_codes() -> tuple[tuple[str, int], ...]:
    return tuple(
        (name, _reference_response(method, path, json=body)[0])
        for name, (method, path, body) in _status_scenarios().items()
    )


def _expected_status_codes() -> dict[str, int]:
    return dict(_status_codes())


def _status_codes_400() -> dict[str, int]:
    return {k: 400 if v == 422 else v for k, v in _expected_status_codes().items()}


def _status_codes_500() -> dict[str, int]:
    return {k: 500 if v == 422 else v for k, v in _expected_status_codes().items()}


def _status_codes_all_404() -> dict[str, int]:
    return {k: 404 if v in (404, 405) else v for k, v in _expected_status_codes().items()}


# --------------------------------------------------------------------------------------
# Exercise 7: reading a 422 body.
# --------------------------------------------------------------------------------------


def _error_summary(body: dict[str, Any]) -> list[str]:
    lines = []
    for error in body["detail"]:
        parts = [str(part) for part in error["loc"][1:]]
        lines.append(f"{'.'.join(parts) if parts else 'body'}: {error['msg']}")
    return lines


def _summary_keeping_body(body: dict[str, Any]) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in body["detail"]]


def _summary_empty_field(body: dict[str, Any]) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in body["detail"]]


def _summary_first_error_only(body: dict[str, Any]) -> list[str]:
    return _error_summary({"detail": body["detail"][:1]})


def _summary_last_part_only(body: dict[str, Any]) -> list[str]:
    return [f"{e['loc'][-1]}: {e['msg']}" for e in body["detail"]]


# --------------------------------------------------------------------------------------
# Exercise 8: a client that splits a long list into batches.
# --------------------------------------------------------------------------------------


def _predict_in_batches(client: Any, penguins: list[dict[str, Any]], batch_size: int) -> list[str]:
    species: list[str] = []
    for start in range(0, len(penguins), batch_size):
        chunk = penguins[start : start + batch_size]
        response = client.post("/predict/batch", json={"penguins": chunk})
        response.raise_for_status()
        species.extend(response.json()["species"])
    return species


def _batches_skipping_refused(client: Any, penguins: list, batch_size: int) -> list[str]:
    species: list[str] = []
    for start in range(0, len(penguins), batch_size):
        response = client.post(
            "/predict/batch", json={"penguins": penguins[start : start + batch_size]}
        )
        if response.status_code == 200:
            species.extend(response.json()["species"])
    return species


# --------------------------------------------------------------------------------------
# Exercise 9: the Dockerfile, followed instruction by instruction like a build.
# --------------------------------------------------------------------------------------

_PYTHON_IMAGES = ("python", "library/python", "docker.io/library/python")
# Users and groups that Debian-based python images already have.
_SYSTEM_USERS = ("nobody", "www-data", "daemon")
_SYSTEM_GROUPS = ("nogroup", "nobody", "www-data", "daemon", "users")
# useradd/adduser/groupadd options that take a value (the next word is not a name).
_VALUE_OPTIONS = {
    "-u", "--uid", "-g", "--gid", "-G", "--groups", "-d", "--home-dir", "--home", "-s",
    "--shell", "-c", "--comment", "--gecos", "-k", "--skel", "-K", "--key", "-e",
    "--expiredate", "-f", "--inactive", "-p", "--password", "-R", "--root", "-P", "--prefix",
    "-b", "--base-dir", "--ingroup", "--firstuid", "--lastuid", "--firstgid", "--lastgid",
    "--conf", "--extrausers-path", "-l", "--login",
}  # fmt: skip
# pip options that install somewhere else than the image's site-packages.
_PIP_ELSEWHERE = ("--target", "-t", "--prefix", "--root", "--user")
_SHELLS = ("sh", "bash", "dash", "ash")
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "0.0.0.0", "[::1]")
# scheme, host, port (anything up to the path, so that an unexpanded ${PORT} shows), path.
_URL = re.compile(
    r"([A-Za-z][A-Za-z0-9+.-]*)://(\[[^\]]*\]|[^/:'\"\s]+)(?::([^/'\"\s]*))?(/[^\s'\")?#]*)?"
)
_PYTHON = re.compile(r"python(3(\.\d+)?)?")


def _model_python() -> str:
    """The Python version (major.minor) the course's models are saved with."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


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
        parts = line.split(None, 1)  # any whitespace after the instruction word, a tab too
        out.append((parts[0].upper(), parts[1].strip() if len(parts) > 1 else ""))
    return out


def _exec_form(args: str) -> list[str] | None:
    """The JSON-list (exec) form of an instruction's arguments, or None for the shell form."""
    if not args.startswith("["):
        return None
    try:
        value = json.loads(args)
    except (ValueError, RecursionError):  # RecursionError: brackets nested very deeply
        return None
    if type(value) is not list or not all(type(a) is str for a in value):
        return None
    return value


def _words(text: str) -> list[str]:
    """Shell words of ``text`` (quotes removed); a plain split when the quoting is broken."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _expand(text: str, variables: dict[str, str]) -> str:
    """``$NAME`` and ``${NAME}`` replaced by the values of ARG and ENV seen so far."""
    return re.sub(
        r"\$\{(\w+)\}|\$(\w+)",
        lambda m: variables.get(m.group(1) or m.group(2), ""),
        text,
    )


def _env_pairs(args: str) -> list[tuple[str, str]]:
    """The variables an ENV (or ARG) instruction sets: ``K=V K2=V2`` or the old ``K V``."""
    words = _words(args)
    if not words:
        return []
    if "=" not in words[0]:
        return [(words[0], args.split(None, 1)[1].strip() if len(words) > 1 else "")]
    return [tuple(w.split("=", 1)) if "=" in w else (w, "") for w in words]


def _flags(words: list[str]) -> tuple[dict[str, str], list[str]]:
    """Leading ``--name=value`` options of COPY/ADD/FROM, and the remaining words."""
    flags: dict[str, str] = {}
    while words and words[0].startswith("--"):
        key, _, value = words[0][2:].partition("=")
        flags[key] = value
        words = words[1:]
    return flags, words


def _shell_segments(script: str) -> list[tuple[str, list[str]]]:
    """The simple commands of a shell script, each with the operator before it (``""`` for the
    first): ``a && b || c`` is ``[("", [a]), ("&&", [b]), ("||", [c])]``. Quoted text, such as
    the code of ``python -c "...; ..."``, stays one word."""
    lexer = shlex.shlex(script, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:  # broken quoting
        tokens = script.split()
    segments: list[tuple[str, list[str]]] = []
    words: list[str] = []
    operator = ""
    for token in tokens:
        if token and set(token) <= set(";&|"):
            if words:
                segments.append((operator, words))
            words, operator = [], token
        else:
            words.append(token)
    if words:
        segments.append((operator, words))
    return [(op, _without_assignments(words)) for op, words in segments]


def _without_assignments(words: list[str]) -> list[str]:
    """``NAME=value command ...`` without the assignments, which only set its environment."""
    start = 0
    while start < len(words) and re.match(r"\w+=", words[start]):
        start += 1
    return words[start:]


def _script_of(listed: list[str] | None, text: str) -> list[tuple[str, list[str]]]:
    """The commands of a RUN or health check: a shell script, or an exec-form list (which runs
    without a shell, unless the list itself is ``["sh", "-c", script]``)."""
    if listed is None:
        return _shell_segments(text)
    if len(listed) >= 3 and posixpath.basename(listed[0]) in _SHELLS and listed[1] == "-c":
        return _shell_segments(listed[2])
    return [("", listed)] if listed else []


def _names_after(words: list[str]) -> list[str]:
    """The operands of a useradd/adduser/groupadd command (its options and their values dropped)."""
    names, skip = [], False
    for word in words[1:]:
        if skip:
            skip = False
            continue
        if word.startswith("-"):
            skip = word in _VALUE_OPTIONS
            continue
        names.append(word)
    return names


def _uid(words: list[str]) -> int | None:
    """The uid given to useradd/adduser/usermod (``-u N``, ``--uid N``, ``--uid=N``, ``-uN``)."""
    for i, word in enumerate(words):
        value = None
        if word in ("-u", "--uid") and i + 1 < len(words):
            value = words[i + 1]
        elif word.startswith("--uid="):
            value = word.split("=", 1)[1]
        elif re.fullmatch(r"-u\d+", word):
            value = word[2:]
        if value is not None and value.isdigit():
            return int(value)
    return None


def _is_root(user: str, root_names: set[str]) -> bool:
    """Whether ``USER user[:group]`` is root: by name, by uid 0 (``0000`` too), or a user that
    a RUN created with uid 0."""
    name = user.partition(":")[0]
    return name == "root" or (name.isdigit() and int(name) == 0) or name in root_names


class _Image:
    """What a single-stage build has done so far: folders, files, users, variables."""

    def __init__(self) -> None:
        self.cwd = "/"
        self.dirs = {"/"}
        self.files: dict[str, list[tuple[str, int]]] = {"requirements.txt": [], "app.py": []}
        self.model_dirs: list[tuple[str, int]] = []
        # (what, where, step, --chmod, --chown) of every copy of app.py and the model.
        self.modes: list[tuple[str, str, int, str | None, str | None]] = []
        self.users: list[tuple[str, int]] = []
        self.groups: list[tuple[str, int]] = []
        self.root_names: set[str] = set()  # users created (or changed) with uid 0
        self.refused_users: set[str] = set()  # useradd run without root's rights: it fails
        self.user = "root"
        self.installed_tools: set[str] = set()
        self.variables: dict[str, str] = {}
        self.env: dict[str, str] = {}
        self.exposed: set[str] = set()
        # (requirement files, step, run as root, installed somewhere else than site-packages)
        self.pip_installs: list[tuple[list[str], int, bool, bool]] = []

    def path(self, value: str) -> str:
        return posixpath.normpath(posixpath.join(self.cwd, value))

    @property
    def root(self) -> bool:
        return _is_root(self.user, self.root_names)

    def copy(self, args: str, index: int) -> None:
        rest = args.strip()
        flags: dict[str, str] = {}
        while rest.startswith("--"):
            flag, _, rest = rest.partition(" ")
            key, _, value = flag[2:].partition("=")
            flags[key] = value
            rest = rest.strip()
        words = _exec_form(rest)
        if words is None:
            words = _words(rest)
        if "from" in flags or len(words) < 2:
            return
        chmod, chown = flags.get("chmod"), flags.get("chown")
        *sources, dest = words
        target = self.path(dest)
        into_dir = dest.endswith("/") or len(sources) > 1 or target in self.dirs
        for source in sources:
            clean = posixpath.normpath(source).lstrip("/")
            if clean in (".", ""):
                self._arrive("requirements.txt", posixpath.join(target, "requirements.txt"), index)
                self._arrive("app.py", posixpath.join(target, "app.py"), index)
                self.model_dirs.append((posixpath.join(target, "model"), index))
                self.modes.append(("app.py", posixpath.join(target, "app.py"), index, chmod, chown))
                self.modes.append(("model", posixpath.join(target, "model"), index, chmod, chown))
                self.dirs.add(target)
            elif clean == "model" or clean == "model/*":
                self.model_dirs.append((target, index))
                self.modes.append(("model", target, index, chmod, chown))
                self.dirs.add(target)
            else:
                for name in ("requirements.txt", "app.py"):
                    if re.fullmatch(_glob(clean), name):
                        where = posixpath.join(target, name) if into_dir else target
                        self._arrive(name, where, index)
                        if name == "app.py":
                            self.modes.append(
                                (name, posixpath.normpath(where), index, chmod, chown)
                            )

    def _arrive(self, name: str, where: str, index: int) -> None:
        self.files[name].append((posixpath.normpath(where), index))

    def run(self, args: str, index: int) -> None:
        root = self.root
        updated = {"apt": False, "apk": False}  # package index fetched earlier in this RUN
        for operator, words in _script_of(_exec_form(args), args):
            if operator == "||" or not words:
                continue  # runs only when the command before it failed
            program = posixpath.basename(words[0])
            operands = [w for w in words[1:] if not w.startswith("-")]
            action = operands[0] if operands else ""
            if program in ("apt-get", "apt"):
                if action == "update":
                    updated["apt"] = True
                elif action == "install" and root and updated["apt"]:
                    self.installed_tools.update(operands[1:])
            elif program == "apk":
                if action == "update":
                    updated["apk"] = True
                elif action == "add" and root and (updated["apk"] or "--no-cache" in words):
                    self.installed_tools.update(operands[1:])
            elif program in ("useradd", "adduser") and not root:
                self.refused_users.update(_names_after(words))
            elif program in ("useradd", "adduser"):
                for name in _names_after(words):
                    self.users.append((name, index))
                    self.groups.append((name, index))
                    if _uid(words) == 0:
                        self.root_names.add(name)
            elif program in ("groupadd", "addgroup") and root:
                for name in _names_after(words):
                    self.groups.append((name, index))
            elif program == "usermod" and root and _uid(words) == 0:
                self.root_names.update(_names_after(words))
            elif program == "mkdir":
                self.dirs.update(self.path(w) for w in words[1:] if not w.startswith("-"))
            if _is_pip_install(words):
                elsewhere = any(w.split("=")[0] in _PIP_ELSEWHERE for w in words)
                self.pip_installs.append((_requirement_files(words), index, root, elsewhere))


def _glob(pattern: str) -> str:
    """A Dockerfile source pattern as a regular expression (``*`` and ``?`` only)."""
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


def _is_pip_install(words: list[str]) -> bool:
    """Whether a simple command is ``pip install ...`` (or ``python -m pip install ...``): the
    command's own first word, not a word anywhere (``echo pip install`` installs nothing), and
    not a ``--dry-run``."""
    if not words or "--dry-run" in words:
        return False
    program = posixpath.basename(words[0])
    if re.fullmatch(r"pip3?(\.\d+)?", program):
        rest = words[1:]
    elif _PYTHON.fullmatch(program) and words[1:3] == ["-m", "pip"]:
        rest = words[3:]
    else:
        return False
    operands = [w for w in rest if not w.startswith("-")]
    return bool(operands) and operands[0] == "install"


def _requirement_files(words: list[str]) -> list[str]:
    files = []
    for i, word in enumerate(words):
        if word in ("-r", "--requirement") and i + 1 < len(words):
            files.append(words[i + 1])
        elif word.startswith("--requirement="):
            files.append(word.split("=", 1)[1])
        elif word.startswith("-r") and len(word) > 2 and not word.startswith("--"):
            files.append(word[2:].lstrip("="))
    return files


def _option(argv: list[str], name: str) -> str | None:
    """The value of ``--name VALUE`` or ``--name=VALUE`` in ``argv`` (the last one), or None."""
    value = None
    for i, word in enumerate(argv):
        if word == name and i + 1 < len(argv):
            value = argv[i + 1]
        elif word.startswith(name + "="):
            value = word.split("=", 1)[1]
    return value


def _uvicorn_args(argv: list[str]) -> list[str] | None:
    """The arguments after ``uvicorn`` (run directly or as ``python -m uvicorn``), or None."""
    if argv and posixpath.basename(argv[0]) == "uvicorn":
        return argv[1:]
    if (
        len(argv) >= 3
        and _PYTHON.fullmatch(posixpath.basename(argv[0]))
        and argv[1:3] == ["-m", "uvicorn"]
    ):
        return argv[3:]
    return None


def _check_base_image(steps: list[tuple[str, str]], variables: dict[str, str]) -> str:
    """The base image's tag; Fail unless it is an official Python image of the model's Python."""
    froms = [args for word, args in steps if word == "FROM"]
    if not steps or steps[0][0] not in ("FROM", "ARG") or not froms:
        raise Fail("A Dockerfile starts with `FROM image:tag`; `dockerfile` does not.")
    if len(froms) > 1:
        raise Fail(
            "Write a single-stage Dockerfile, with one FROM: this exercise's image installs, "
            "copies and runs everything in the same stage."
        )
    _, words = _flags(_words(_expand(froms[0], variables)))
    image = words[0] if words else ""
    reference, _, digest = image.partition("@")
    name, _, tag = (
        reference.rpartition(":")
        if ":" in reference.split("/")[-1]
        else (
            reference,
            "",
            "",
        )
    )
    python = _model_python()
    if name not in _PYTHON_IMAGES:
        raise Fail(
            f"The base image is {image!r}. Use the official Python image, `python:TAG`, whose "
            "contents are maintained and documented, not an image of unknown origin."
        )
    if not re.fullmatch(re.escape(python) + r"([.-].*)?", tag):
        said = f"the tag {tag!r}" if tag else "no tag, which means `latest` (it changes under you)"
        raise Fail(
            f"The base image {image!r} has {said}. The model was saved with Python {python} "
            f"(its python_env.yaml says so): use an explicit tag of that version, such as "
            f"`python:{python}-slim`."
        )
    return tag


def _check_user(image: _Image, steps: list[tuple[str, str]], cmd: int) -> str:
    """The user the service runs as; Fail unless it is an unprivileged user that exists."""
    users = [
        (i, args.strip()) for i, (word, args) in enumerate(steps) if word == "USER" and i < cmd
    ]
    if not users:
        raise Fail(
            "The service would run as root. Create an unprivileged user (`RUN useradd ...`) "
            "and switch to it with `USER` before the `CMD`."
        )
    index, value = users[-1]
    expanded = _expand(value, image.variables)
    user, _, group = (_words(expanded) or [""])[0].partition(":")
    if _is_root(user, image.root_names):
        raise Fail(
            "The last USER before the CMD is root (uid 0, whatever its name): switch to an "
            "unprivileged user, created with a uid other than 0."
        )
    created = {name for name, at_step in image.users if at_step < index}
    if not user.isdigit() and user not in created and user not in _SYSTEM_USERS:
        later = user in image.refused_users or any(name == user for name, _ in image.users)
        raise Fail(
            f"`USER {value}` names a user that does not exist at that point of the build"
            + (
                ": it is created after the USER line, where RUN already runs without root's "
                "rights to create users."
                if later
                else ". Create it first, e.g. `RUN useradd --create-home --uid 10001 "
                f"{user}`; otherwise the container does not start."
            )
        )
    groups = {name for name, at_step in image.groups if at_step < index}
    if group and not group.isdigit() and group not in groups and group not in _SYSTEM_GROUPS:
        raise Fail(f"`USER {value}` names a group, {group!r}, that no RUN created before.")
    return f"{user}:{group}" if group else user


def _readable(mode: str | None, owner: str | None, user: str, directory: bool) -> bool:
    """Whether ``user`` can read a file (or list and enter a folder) copied with ``--chmod=mode``
    and ``--chown=owner`` (root's by default). Only octal modes are judged."""
    if mode is None or not re.fullmatch(r"[0-7]{3,4}", mode):
        return True
    owner_user, _, owner_group = (owner or "root").partition(":")
    name, _, group = user.partition(":")
    if owner_user == name:
        bits = int(mode[-3])
    elif owner_group and owner_group in (group, name):
        bits = int(mode[-2])
    else:
        bits = int(mode[-1])
    need = 5 if directory else 4
    return bits & need == need


def _check_modes(image: _Image, user: str, served: dict[str, str]) -> None:
    """Fail when ``COPY --chmod`` leaves the service's code or model unreadable for its user."""
    for what, where, _, mode, owner in image.modes:
        if where != served.get(what) or _readable(mode, owner, user, what == "model"):
            continue
        thing = "app.py" if what == "app.py" else "the model's folder"
        raise Fail(
            f"{thing} is copied with `--chmod={mode}`, which leaves it unreadable for the user "
            f"`{user.partition(':')[0]}` that runs the service: it could not "
            + ("import the app." if what == "app.py" else "load the model.")
            + " Give everyone read access (e.g. 644 for files, 755 for folders), or leave "
            "--chmod out."
        )


def _fails_on_error(words: list[str]) -> bool:
    """Whether the command after ``||`` keeps the failure: ``exit N`` (N > 0), ``exit``, ``false``."""
    if words in (["false"], ["exit"]):
        return True
    return len(words) == 2 and words[0] == "exit" and words[1].isdigit() and int(words[1]) > 0


def _check_healthcheck(image: _Image, steps: list[tuple[str, str]], tag: str, port: str) -> None:  # noqa: C901
    checks = [args for word, args in steps if word == "HEALTHCHECK"]
    if not checks or checks[-1].strip().upper() == "NONE":
        raise Fail(
            "Add a `HEALTHCHECK` whose command requests the service's /health endpoint, so "
            "that Docker can tell a running container from a working one."
        )
    words = _words(checks[-1])
    while words and words[0].startswith("--"):
        words = words[1:] if "=" in words[0] or len(words) < 2 else words[2:]
    if not words or words[0].upper() != "CMD":
        raise Fail("Write the health check as `HEALTHCHECK [OPTIONS] CMD command`.")
    rest = checks[-1][checks[-1].upper().index("CMD") + 3 :].strip()
    listed = _exec_form(rest)
    if listed is not None and listed[:1] == ["CMD-SHELL"]:
        listed, rest = None, " ".join(listed[1:])
    # A shell expands the container's variables (ENV) when the check runs; exec form does not.
    if listed is None:
        segments = _shell_segments(_expand(rest, image.env))
    elif len(listed) >= 3 and posixpath.basename(listed[0]) in _SHELLS and listed[1] == "-c":
        segments = _shell_segments(_expand(listed[2], image.env))
    else:
        segments = [("", listed)] if listed else []
    never = "The health check can never fail, so Docker would call a broken service healthy: "
    for operator, command in segments:
        if operator == "||" and not _fails_on_error(command):
            raise Fail(
                never + f"`|| {' '.join(command)}` turns every failure into success. Leave the "
                "command's own status, or end with `|| exit 1`."
            )
        if operator not in ("", "&&", "||", "|", "|&"):
            raise Fail(
                never + f"after `{operator}` the status is that of `{' '.join(command)}`, not "
                "of the request. Run the request as the last command (or end with `|| exit 1`)."
            )
        if operator in ("|", "|&") and posixpath.basename(command[0]) != "grep":
            raise Fail(
                never + "a pipe's status is that of its last command. Let the request's own "
                "status decide."
            )
    probes = [
        (command, match)
        for operator, command in segments
        if operator != "||"
        for match in [_URL.search(" ".join(command))]
        if match
    ]
    if not probes:
        raise Fail(
            "The HEALTHCHECK command should request the service's /health endpoint, e.g. "
            "http://127.0.0.1:8000/health."
        )
    command, url = probes[0]
    scheme, host, url_port, path = url.group(1), url.group(2), url.group(3), url.group(4) or ""
    if scheme.lower() != "http":
        raise Fail(
            f"The health check asks {scheme}://...; uvicorn serves plain HTTP here (it has no "
            "TLS certificate), so the request would fail every time. Use http://."
        )
    if path != "/health":
        raise Fail(
            f"The health check requests {path or '/'}; the service's health endpoint is "
            "/health, exactly: any other path answers 404, and the check would always fail."
        )
    if host not in _LOCAL_HOSTS:
        raise Fail(
            f"The health check asks {host!r}. It runs inside the container: ask the service "
            "there, at 127.0.0.1 (or localhost)."
        )
    url_port = "80" if url_port is None else url_port
    if url_port != port:
        unexpanded = "" if url_port.isdigit() else " (exec form runs without a shell, so "
        unexpanded += "" if url_port.isdigit() else "variables are not expanded)"
        raise Fail(
            f"The health check asks port {url_port}{unexpanded}, but uvicorn listens on port "
            f"{port}: the check would fail although the service works."
        )
    program = posixpath.basename(command[0])
    slim = "slim" in tag or "alpine" in tag
    if program in ("curl", "wget"):
        if (
            slim
            and program not in image.installed_tools
            and not (program == "wget" and "alpine" in tag)
        ):
            raise Fail(
                f"The health check runs `{program}`, which the slim image does not have (an "
                "`apt-get install` counts only after `apt-get update` in the same RUN, as root), "
                "so it would fail every time and the container would be marked unhealthy. Use "
                'Python itself: `python -c "import urllib.request; urllib.request.urlopen('
                "'http://127.0.0.1:8000/health', timeout=3)\"`."
            )
        if program == "curl" and not any(
            w in ("--fail", "--fail-with-body") or re.fullmatch(r"-[a-zA-Z]*f[a-zA-Z]*", w)
            for w in command
        ):
            raise Fail(
                "`curl` succeeds even when the service answers 500; pass `--fail` (`-f`) so "
                "that an error status fails the health check."
            )
        return
    if not _PYTHON.fullmatch(program):
        raise Fail(
            f"The health check requests /health with `{program}`. Use a tool that fails on an "
            'error status and that the image has: `python -c "import urllib.request; '
            "urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)\"`."
        )
    code = command[command.index("-c") + 1] if "-c" in command[:-1] else ""
    if not re.search(r"urlopen\s*\(|\.raise_for_status\s*\(\s*\)", code):
        raise Fail(
            "The Python health check should fail when /health does not answer 200: call "
            "`urllib.request.urlopen(...)`, which raises for an error status (inline, with "
            "`python -c`)."
        )
    if re.search(r"\bexcept\b", code) and not re.search(
        r"except[^:]*:\s*(raise\b|(sys\.)?exit\(\s*[1-9'\"]|os\._exit\(\s*[1-9])", code
    ):
        raise Fail(
            "The Python health check catches the error that `urlopen` raises, so it never "
            "fails. Let the exception end the command (or `sys.exit(1)` in the except)."
        )


def _judge_dockerfile(values: dict[str, Any]) -> None:  # noqa: C901 - one rule per branch
    text = require_dict(values, "values", ("dockerfile",))["dockerfile"]
    if type(text) is not str:
        raise Fail(f"`dockerfile` should be a str (the file's text), but it is {describe(text)}.")
    steps = _instructions(text)
    image = _Image()
    for word, args in steps:  # ARG values before FROM may be used in FROM
        if word == "FROM":
            break
        if word == "ARG":
            image.variables.update(_env_pairs(args))
    tag = _check_base_image(steps, image.variables)
    for index, (word, args) in enumerate(steps):
        expanded = _expand(args, image.variables)
        if word in ("ARG", "ENV"):
            for key, value in _env_pairs(expanded):
                image.variables[key] = value
                if word == "ENV":
                    image.env[key] = value
        elif word == "WORKDIR":
            image.cwd = image.path(_words(expanded)[0] if _words(expanded) else "/")
            image.dirs.add(image.cwd)
        elif word in ("COPY", "ADD"):
            image.copy(expanded, index)
        elif word == "RUN":
            image.run(expanded, index)
        elif word == "USER":
            image.user = (_words(expanded) or [""])[0]
        elif word == "EXPOSE":
            image.exposed.update(p.split("/")[0] for p in _words(expanded))
    cmd = max((i for i, (word, _) in enumerate(steps) if word == "CMD"), default=None)
    if cmd is None:
        raise Fail("The Dockerfile has no `CMD`: the command that starts uvicorn.")

    copied_requirements = image.files["requirements.txt"]
    installs = [entry for entry in image.pip_installs if entry[0]]
    if not copied_requirements or not installs:
        raise Fail(
            "Copy `requirements.txt` into the image and install it with "
            "`RUN pip install --no-cache-dir -r requirements.txt`."
        )
    install_cwd = {}
    cwd = "/"
    for i, (word, args) in enumerate(steps):
        if word == "WORKDIR":
            words = _words(_expand(args, image.variables))
            cwd = posixpath.normpath(posixpath.join(cwd, words[0] if words else "/"))
        install_cwd[i] = cwd
    install = None
    for files, i, as_root, elsewhere in installs:
        for name in files:
            where = posixpath.normpath(posixpath.join(install_cwd[i], name))
            if any(path == where and at_step < i for path, at_step in copied_requirements):
                install = (i, as_root, elsewhere)
                break
        if install is not None:
            break
    if install is None:
        raise Fail(
            "`pip install -r ...` names a requirements file that is not where `COPY` put "
            "requirements.txt at that point (paths are relative to the WORKDIR). Copy it first, "
            "then install it from there."
        )
    install, as_root, elsewhere = install
    if not as_root:
        raise Fail(
            "`pip install` runs after `USER` switched to an unprivileged user, who cannot write "
            "the image's site-packages: pip fails, or falls back to ~/.local, whose programs "
            "(uvicorn) are not on PATH. Install the packages as root, before the USER line."
        )
    if elsewhere:
        raise Fail(
            "`pip install` puts the packages somewhere else than the image's site-packages "
            "(--target, --prefix, --root or --user), where the service's user and PATH may not "
            "find them. Install them normally: `pip install --no-cache-dir -r requirements.txt`."
        )
    copied_code = image.files["app.py"]
    if not copied_code:
        raise Fail("The image needs the service's code: `COPY app.py .`.")
    if min(i for _, i in copied_code) < install:
        raise Fail(
            "Copy requirements.txt and run pip install *before* copying the code. Docker "
            "rebuilds every layer after the first one whose input changed, so with the code "
            "copied first, every edit of app.py would reinstall all the packages."
        )
    if not image.model_dirs:
        raise Fail("Copy the downloaded model folder into the image: `COPY model/ ./model/`.")
    if min(i for _, i in image.model_dirs) < install:
        raise Fail(
            "Copy the model *after* pip install: a new model is more frequent than new "
            "packages, and every layer after a changed one is rebuilt."
        )
    uri = image.env.get("MODEL_URI")
    if not uri:
        raise Fail(
            "Set `ENV MODEL_URI=...` to the folder the model was copied to, so that the "
            "service loads the model baked into the image."
        )
    if uri.startswith(("models:/", "runs:/", "http://", "https://")):
        raise Fail(
            f"MODEL_URI is {uri!r}, which needs a tracking server when the container starts. "
            "This image carries its model: point MODEL_URI at the folder it was copied to."
        )
    served = posixpath.normpath(posixpath.join(image.cwd, uri.removeprefix("file://")))
    if served not in {posixpath.normpath(path) for path, _ in image.model_dirs}:
        raise Fail(
            f"MODEL_URI is {uri!r}, which is {served} in the container (relative paths start "
            "from the last WORKDIR), but the model's files were copied elsewhere. Point it at "
            "the folder that `COPY model/ ...` filled."
        )

    entrypoints = [args for word, args in steps if word == "ENTRYPOINT"]
    entry = _exec_form(entrypoints[-1]) if entrypoints else []
    argv = _exec_form(steps[cmd][1])
    if entry is None or argv is None:
        raise Fail(
            "Write the CMD in exec form, a JSON list such as "
            '`CMD ["uvicorn", "app:app", ...]`. In shell form Docker runs the command through '
            "`/bin/sh -c`, which may not pass `docker stop`'s SIGTERM on to uvicorn."
        )
    args = _uvicorn_args(entry + argv)
    if args is None or "app:app" not in args:
        raise Fail("The CMD should start `uvicorn` with the application `app:app`.")
    app_dir = _option(args, "--app-dir")
    where = posixpath.normpath(posixpath.join(image.cwd, app_dir)) if app_dir else image.cwd
    app_path = posixpath.join(where, "app.py")
    if app_path not in {path for path, _ in copied_code}:
        raise Fail(
            "uvicorn imports `app` from app.py in its working folder, the last WORKDIR, but "
            "app.py was copied elsewhere: copy it into the WORKDIR (`COPY app.py .`)."
        )
    for option in ("--uds", "--fd"):
        if any(w == option or w.startswith(option + "=") for w in args):
            raise Fail(
                f"uvicorn is started with `{option}`, so it listens on a "
                + ("Unix socket" if option == "--uds" else "file descriptor")
                + " instead of a TCP port: `docker run -p 8000:8000` could not reach it. Pass "
                '`"--host", "0.0.0.0", "--port", "8000"` instead.'
            )
    host = _option(args, "--host") or "127.0.0.1"
    if host != "0.0.0.0":
        raise Fail(
            f"uvicorn listens on {host} inside the container, where 127.0.0.1 is the "
            "container's own loopback: nothing outside could reach it. Pass "
            '`"--host", "0.0.0.0"`.'
        )
    port = _option(args, "--port") or "8000"
    if port != "8000":
        raise Fail(f"uvicorn listens on port {port}; the service's port is 8000.")
    if port not in image.exposed:
        raise Fail(f"Document the port the service listens on: `EXPOSE {port}`.")
    user = _check_user(image, steps, cmd)
    _check_modes(image, user, {"app.py": app_path, "model": served})
    _check_healthcheck(image, steps, tag, port)


# --------------------------------------------------------------------------------------
# Knowledge check.
# --------------------------------------------------------------------------------------


def _requests_for_test_set() -> int:
    return math.ceil(_n_test() / _KC_BATCH)


KEY = {
    "20.1": {"judge": _judge_signature},
    "20.2": {"judge": _judge_champion},
    "20.3": {"judge": _judge_penguin_class},
    "20.4": {"judge": _judge_to_frame},
    "20.5": {"judge": _judge_service},
    "20.6": {
        "expected": _expected_status_codes,
        "mistakes": [
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
    },
    "20.7": {
        "reference": _error_summary,
        "mistakes": [
            Mistake(
                _summary_keeping_body,
                "Every line starts with 'body.': leave out the first element of `loc`, which "
                "only says that the error is in the request body.",
            ),
            Mistake(
                _summary_empty_field,
                "When `loc` is only ['body'] (the request had no body at all), nothing is left "
                "after the first element: the field is then 'body', not empty.",
            ),
            Mistake(
                _summary_first_error_only,
                "A 422 body can list several errors: return one line per error, in order.",
            ),
            Mistake(
                _summary_last_part_only,
                "The last part of `loc` alone loses where in a batch the error is: join every "
                "part after the first with '.', e.g. 'penguins.2.body_mass_g'.",
            ),
        ],
    },
    "20.8": {
        "reference": _predict_in_batches,
        "mistakes": [
            Mistake(
                _batches_skipping_refused,
                "A refused batch was skipped, so some penguins silently get no species: call "
                "`response.raise_for_status()` on every response, so that a refused batch "
                "raises.",
            ),
        ],
    },
    "20.9": {"judge": _judge_dockerfile},
    "20.kc1": {
        "answer": "b",
        "explanation": (
            "Nobody waits for a single score and all inputs are known in advance: a "
            "scheduled batch job loads the champion with mlflow.pyfunc, scores the whole table "
            "at once and writes the results, with no HTTP at all."
        ),
        "feedback": {
            "a": "Two million calls pay two million times for HTTP, JSON and a one-row prediction, "
            "and tie up a service built for requests someone waits for. Validation needs no HTTP: "
            "the same checks can run on a table.",
            "c": "The lesson's service refuses it: its middleware turns away any body larger than "
            "64,000 bytes (413), and `max_length` caps a batch at 100. A batch endpoint is for a "
            "few rows that a client waits for, not for a whole table.",
            "d": "Retraining is a separate decision from how the scores are produced and "
            "delivered, and a model retrained every night still needs evaluating before its scores "
            "are used; it says nothing about how to compute 2 million scores that nobody waits "
            "for.",
        },
    },
    "20.kc2": {
        "answer": "ab",
        "explanation": (
            "Stages were deprecated in MLflow 2.9; an alias is a named, movable "
            "pointer to one version. Moving it changes what the service loads at its next "
            "start, with no change to the code or the image. A version can carry several "
            "aliases."
        ),
    },
    "20.kc3": {
        "answer": "c",
        "explanation": (
            "Whoever takes over the process gets its user. An unprivileged user "
            "cannot change the image's files or install software, and many clusters refuse to "
            "run containers as root at all."
        ),
        "feedback": {
            "a": "uvicorn runs as root without complaint: a container runs as root by default, and "
            "uvicorn does not check which user runs it.",
            "b": "Docker makes no extra checks for root's processes, and the user does not change "
            "how fast a container starts: it changes what the process is allowed to do.",
            "d": "It is the other way round: on Linux the ports below 1024 are traditionally "
            "reserved for root, and root may listen on any port, 8000 included.",
        },
    },
    "20.kc4": {
        "answer": "a",
        "explanation": (
            "By default (virtualenv) MLflow creates a new environment and installs "
            "the model's requirements into it, which needs the package index. `local` uses the "
            "packages of the current environment."
        ),
        "feedback": {
            "b": "The address the server listens on is set by `--host` (127.0.0.1 by default, "
            "whatever the environment manager); `--env-manager` has nothing to do with the "
            "network.",
            "c": "Aliases are resolved through the tracking store, over HTTP when it is a server: "
            "any machine that can reach the store can load `models:/<MODEL_NAME>@champion`.",
            "d": "The signature declares `island` and `sex` as string columns, so text is what it "
            "expects there; and `--env-manager` does not switch the signature check off.",
        },
    },
    "20.kc5": {
        "answer": "a",
        "explanation": (
            "FastAPI validates the body against the pydantic model before it calls "
            "the endpoint. A value that is not a number fails validation: the answer is 422 "
            "with the field's location and the reason, and neither the endpoint nor the model "
            "runs."
        ),
        "feedback": {
            "b": "A 500 would mean that the service itself failed. Here the request is wrong, and "
            "`body_mass_g: float` in the schema does not let the text `heavy` through to the "
            "model.",
            "c": "Nothing is wrong with the JSON itself: it parses. It is one field's value that "
            "breaks the schema, and FastAPI does not use 400 for its validation errors.",
            "d": "pydantic does not turn invalid text into NaN: a string that cannot be read as a "
            "number fails validation (the lesson's schema is strict and refuses even a number sent "
            "as text), so no imputer ever sees this penguin.",
        },
    },
    "20.kc6": {
        "answer": "d",
        "explanation": (
            "TestClient runs the lifespan (startup and shutdown) only when it is "
            "used as a context manager, `with TestClient(app) as client:`. Without it, the "
            "model is never loaded."
        ),
        "feedback": {
            "a": "TestClient runs the whole application in-process: an endpoint reached through it "
            "sees the same `app.state` as behind uvicorn. Going without a network is not what "
            "leaves the state empty.",
            "b": "A wrong URI would make loading the model raise MLflow's own error when the "
            "lifespan runs, and the service would not start; it would not leave `app.state` empty "
            "and let requests through.",
            "c": "`app.state` lives as long as the application object: what the lifespan stores "
            "there is shared by every request until the service shuts down.",
        },
    },
    "20.kc7": {
        "expected": _requests_for_test_set,
        "mistakes": [
            Mistake(
                lambda: _requests_for_test_set() - 1,
                "The penguins left over after the full batches need one more request.",
            ),
            Mistake(
                _n_test,
                "That is one request per penguin; a batch request carries up to 25.",
            ),
        ],
    },
    "20.kc8": {
        "answer": "c",
        "explanation": (
            "pip installs the six packages and everything they depend on; six pins fix only "
            "the six. Their dependencies (starlette, pydantic, numpy, scipy, ...) are "
            "resolved afresh at each build, so a new release of any of them changes the "
            "image. A lock lists every package with its version."
        ),
        "feedback": {
            "a": "The pins name six packages, but pip installs dozens more for them, and `==` "
            "binds only the package it names.",
            "b": "PyPI never lets a published file be replaced, even after it is deleted, so a "
            "release cannot simply be rewritten under its number (hashes in the requirements guard "
            "against the rest). And these six are not all that a build installs.",
            "d": "The tag `python:3.11-slim` stays on Python 3.11: it moves to new 3.11 patch "
            "releases and Debian updates, never to 3.12. And the base image is not the only thing "
            "left open.",
        },
    },
    "20.kc9": {
        "answer": "b",
        "explanation": (
            "Validation runs on the parsed body: the server has already received every byte "
            "and parsed the JSON before pydantic counts the list. max_length bounds the work "
            "of the model per request; the size of a request is bounded before parsing, by "
            "the service (a Content-Length check) or the proxy in front of it."
        ),
        "feedback": {
            "a": "`max_length` is a rule about a parsed Python list: FastAPI does not validate "
            "while it reads the body, so there is no 100th penguin to stop at while bytes are "
            "arriving.",
            "c": "uvicorn sets no limit on the size of a request body by default; without a limit "
            "of the service's own, or of a proxy in front of it, a 500 MB body is accepted.",
            "d": "pydantic does not read the body: it validates objects that the JSON parser has "
            "already built, every penguin included, so the ones after the 100th have already cost "
            "memory and time.",
        },
    },
}
