"""Answer key of module 20 — Serving with FastAPI and Docker.

The reference request schema, ``to_frame`` and service are built around the notebook's pipeline,
which the declaration rebuilds. (No ``from __future__ import annotations`` here: FastAPI reads
the reference endpoints' type hints at run time.)
"""

import copy
import json
import math
from functools import lru_cache
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
    safe_repr,
)
from mlcourse.exercises.m20 import (
    _KC_BATCH,
    _MAX_BATCH,
    _NUMERIC,
    FEATURES,
    _accepts,
    _columns,
    _confident_penguins,
    _data,
    _frame_cases,
    _n_test,
    _one_of_each,
    _penguin,
    _pipeline,
    _service_requests,
    _test_client_class,
    _validation_payloads,
)

_ACCURACY_MARGIN = 0.05  # how far below the pipeline's test accuracy a registered model may be


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


@lru_cache(maxsize=1)
def _reference_app():
    """The reference service: the notebook's pipeline behind /health, /predict, /predict/batch."""
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
    model = _pipeline()

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


def _judge_signature(data: dict[str, Any]) -> None:
    require_dict(data, "data", ("named", "inputs", "outputs"))
    require_bool(data["named"], at("data", "named"))
    require_list(data["inputs"], at("data", "inputs"), item=_require_column_spec)
    require_optional(_require_schema)(data["outputs"], at("data", "outputs"))
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


@lru_cache(maxsize=1)
def _reference_accuracy() -> float:
    d = _data()
    return float((_pipeline().predict(d["X_test"]) == d["y_test"]).mean())


_CHAMPION = ("name", "alias", "found")
_CHAMPION_FOUND = (*_CHAMPION, "inputs", "input_example", "predicted")


def _require_champion(data: Any) -> None:
    """What exercise 2 collects: more when the alias was found, predictions when usable."""
    found = type(data) is dict and data.get("found") is True
    require_dict(data, "data", _CHAMPION_FOUND if found else _CHAMPION)
    require_str(data["name"], at("data", "name"))
    require_str(data["alias"], at("data", "alias"))
    require_bool(data["found"], at("data", "found"))
    if not found:
        return
    require_optional(_require_schema)(data["inputs"], at("data", "inputs"))
    require_bool(data["input_example"], at("data", "input_example"))
    usable = data["inputs"] is not None and [n for n, _ in _columns(data["inputs"])] == list(
        FEATURES
    )
    path = at("data", "predicted")
    if usable:
        require_list(data["predicted"], path, item=require_str)
    elif data["predicted"] is not None:
        raise malformed(path, "holds predictions of a model whose signature is not usable")


def _judge_champion(data: dict[str, Any]) -> None:
    _require_champion(data)
    predicted = data.get("predicted")
    accuracy = None
    if predicted is not None:
        try:
            hits = [p == t for p, t in zip(predicted, _data()["y_test"], strict=True)]
        except ValueError as error:
            raise Fail(
                f"Using `champion_uri` raised ValueError: {safe_repr(str(error), 100)}."
            ) from None
        accuracy = float(sum(hits) / len(predicted))
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
    if not accuracy >= need:
        raise Fail(
            f"The champion classifies {accuracy:.3f} of the {_n_test()} held-out test "
            f"penguins correctly; the pipeline `pipe` of this notebook reaches at least "
            f"{need:.3f}. Register `pipe`, fitted on `X_train`."
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
    require_dict(data, "data", ("accepted", "dumps"))
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


def _judge_to_frame(data: dict[str, Any]) -> None:
    cases = _frame_cases()
    require_dict(data, "data", ("results",))
    require_list(
        data["results"],
        at("data", "results"),
        length=len(cases),
        per="call the check makes",
        item=_require_frame_facts,
    )
    for index, ((description, payloads), got) in enumerate(
        zip(cases, data["results"], strict=True)
    ):
        call = f"`to_frame(...)` for {description}"
        path = f"{at('data', 'results')}[{index}]"
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
        not_float = [c for c in _NUMERIC if not got["float"][c]]
        if not_float:
            raise Fail(
                f"In {call}, the column(s) {', '.join(not_float)} have dtype "
                f"{got['dtypes'][not_float[0]]}. Convert the measurements to float64: MLflow's "
                "schema enforcement refuses an integer column where the signature says double."
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
            raise Fail(
                f"The model gives other probabilities for the frame of {call} than for the "
                "same penguins in training. A missing sex must reach the model as NaN, which "
                "its imputer fills in; a None in an object column is not seen as missing. "
                "Give island and sex the dtype 'str', as in training."
            )


# --------------------------------------------------------------------------------------
# Exercise 5: the service; the expected answers are the species of the data.
# --------------------------------------------------------------------------------------


def _species(k: int) -> str:
    penguins = _confident_penguins()
    return penguins[k % len(penguins)][1]


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


def _require_response(value: Any, path: str) -> dict[str, Any]:
    """A status code, and the JSON body of a 200 answer (None for any other status)."""
    require_dict(value, path, ("status", "json"))
    require_int(value["status"], at(path, "status"))
    require_json(value["json"], at(path, "json"))
    if value["status"] != 200 and value["json"] is not None:
        raise malformed(at(path, "json"), "holds a body, but only a 200 answer's body is collected")
    return value


def _judge_service(data: dict[str, Any]) -> None:
    requests = _service_requests()
    expected = _expected_service_responses()
    require_dict(data, "data", ("responses",))
    require_list(
        data["responses"],
        at("data", "responses"),
        length=len(requests),
        per="request the check sends",
        item=_require_response,
    )
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
# Exercise 7: reading a 422 body.
# --------------------------------------------------------------------------------------


def _error_summary(body: dict[str, Any]) -> list[str]:
    lines = []
    for error in body["detail"]:
        parts = [str(part) for part in error["loc"][1:]]
        lines.append(f"{'.'.join(parts) if parts else 'body'}: {error['msg']}")
    return lines


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
    text = require_dict(values, "values", ("dockerfile",))["dockerfile"]
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
    except (ValueError, RecursionError):  # RecursionError: brackets nested very deeply
        argv = None
    if type(argv) is not list or not all(type(a) is str for a in argv):
        raise Fail(
            "Write the CMD in exec form, a JSON list such as "
            '`CMD ["uvicorn", "app:app", ...]`. In shell form Docker runs the command through '
            "`/bin/sh -c`, which may not pass `docker stop`'s SIGTERM on to uvicorn."
        )
    if not argv or "uvicorn" not in argv[0] or "app:app" not in argv:
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
    "20.7": {"reference": _error_summary},
    "20.8": {"reference": _predict_in_batches},
    "20.9": {"judge": _judge_dockerfile},
    "20.kc1": {
        "answer": "b",
        "explanation": (
            "Nobody waits for a single score and all inputs are known in advance: a "
            "scheduled batch job loads the champion with mlflow.pyfunc, scores the whole table "
            "at once and writes the results, with no HTTP at all."
        ),
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
    },
    "20.kc4": {
        "answer": "a",
        "explanation": (
            "By default (virtualenv) MLflow creates a new environment and installs "
            "the model's requirements into it, which needs the package index. `local` uses the "
            "packages of the current environment."
        ),
    },
    "20.kc5": {
        "answer": "a",
        "explanation": (
            "FastAPI validates the body against the pydantic model before it calls "
            "the endpoint. A value that is not a number fails validation: the answer is 422 "
            "with the field's location and the reason, and neither the endpoint nor the model "
            "runs."
        ),
    },
    "20.kc6": {
        "answer": "d",
        "explanation": (
            "TestClient runs the lifespan (startup and shutdown) only when it is "
            "used as a context manager, `with TestClient(app) as client:`. Without it, the "
            "model is never loaded."
        ),
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
}
