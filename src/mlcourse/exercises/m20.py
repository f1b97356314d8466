"""Module 20 — Serving with FastAPI and Docker: the declaration of the exercises (the key is in mlcourse.keys.m20).

The data and the model are those of the exercises notebook: the penguins split 75/25
(stratified, ``random_state=0``) and a pipeline of imputers, one-hot encoding and logistic
regression, rebuilt here. The requests sent to the learner's schema and service are real
held-out penguins, the 422 bodies of Exercise 7 were recorded from a service like the
learner's, and a stand-in HTTP client plays the service in Exercise 8.

Exercise 5 starts the learner's service twice, each time with ``MODEL_URI`` naming a model
folder that the check saves itself (the notebook's pipeline, and one trained on rotated
species names), each with a registered version of its own: a service that ignores
``MODEL_URI``, loads its model before the lifespan runs, or reports a version it did not load
cannot pass. Once the service has started, ``MODEL_URI`` names a folder that does not exist, so
a service that loads its model again at each request fails too. Nothing here imports FastAPI, pydantic, MLflow or scikit-learn until a check
needs it.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from mlcourse.checks import Case, Choice, Custom, Fail, Function, Numeric, Value, describe
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
_CONFIDENT = 0.9  # penguins used in service requests: the notebook's pipeline is at least this sure
_ROTATE = {"Adelie": "Chinstrap", "Chinstrap": "Gentoo", "Gentoo": "Adelie"}
# The registered versions that the two probe models of Exercise 5 claim to be.
PROBE_VERSIONS = ("41", "42")
PROBE_NAME = "penguins-check"
# A penguin of unknown sex near the boundary between two species: both probe models of
# Exercise 5 give it another species when its missing sex reaches them as None instead of NaN.
BOUNDARY_PENGUIN = {
    "island": "Biscoe",
    "bill_length_mm": 44.0,
    "bill_depth_mm": 16.6,
    "flipper_length_mm": 200.9,
    "body_mass_g": 4241.2,
}
_REQUIRED = FEATURES[:5]  # island and the four measurements: required, never null


# --------------------------------------------------------------------------------------
# Data and the model, exactly as in the exercises notebook.
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
def _pipeline():
    """The notebook's pipeline `pipe`, fitted on the training split."""
    d = _data()
    return _make_pipeline().fit(d["X_train"], d["y_train"])


@lru_cache(maxsize=1)
def _rotated_pipeline():
    """The same pipeline trained on rotated species names: a model that answers differently."""
    d = _data()
    return _make_pipeline().fit(d["X_train"], d["y_train"].map(_ROTATE))


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
    """(payload as JSON text, species) of complete test penguins the pipeline is sure about."""
    d = _data()
    X_test, y_test = d["X_test"], d["y_test"]
    proba = _pipeline().predict_proba(X_test)
    pred = _pipeline().predict(X_test)
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


def _one_of_each() -> list[int]:
    """Indices of the first confident penguin of each species, in alphabetical order."""
    first: dict[str, int] = {}
    for k, (_, species) in enumerate(_confident_penguins()):
        first.setdefault(species, k)
    return [first[s] for s in sorted(first)]


def _without(payload: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != key}


# --------------------------------------------------------------------------------------
# FastAPI's test client, which sends the requests to the learner's service.
# --------------------------------------------------------------------------------------


def _test_client_class():
    """FastAPI's TestClient, imported without Starlette's notice about httpx2."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*httpx2.*")
        from fastapi.testclient import TestClient
    return TestClient


# --------------------------------------------------------------------------------------
# Exercise 1: the signature.
# --------------------------------------------------------------------------------------


def _columns(spec: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(str(c.get("name", "")), str(c.get("type", ""))) for c in spec]


def _output_specs(outputs: Any) -> list[dict[str, Any]] | None:
    """A signature's outputs as plain data: per output its type, and a tensor's dtype and shape."""
    if outputs is None:
        return None
    specs = []
    for spec in outputs.to_dict():
        tensor = spec.get("tensor-spec") if spec.get("type") == "tensor" else None
        specs.append(
            {
                "type": str(spec.get("type")),
                "dtype": str(tensor["dtype"]) if tensor else None,
                "shape": [int(n) for n in tensor["shape"]] if tensor else None,
            }
        )
    return specs


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
        "outputs": _output_specs(signature.outputs),
    }


# --------------------------------------------------------------------------------------
# Exercise 2: the registered model and its alias.
# --------------------------------------------------------------------------------------

_MODELS_ALIAS_URI = re.compile(r"models:/([^/@]+)@([A-Za-z0-9_-]+)")
_PIN = re.compile(r"scikit-learn==([^\s;#]+)")


def _sklearn_pin(uri: str) -> str | None:
    """The scikit-learn version pinned in the model's requirements.txt, or None."""
    import mlflow

    path = Path(mlflow.pyfunc.get_model_dependencies(uri, format="pip"))
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line.strip())
        if match:
            return match.group(1)
    return None


def _extract_champion(values: dict[str, Any]) -> dict[str, Any]:
    import mlflow
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    from mlcourse.tracking import current_learner

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
    data: dict[str, Any] = {
        "name": name,
        "alias": alias,
        "learner": current_learner(),
        "found": False,
    }
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
    data["outputs"] = _output_specs(signature.outputs) if signature is not None else None
    data["input_example"] = info.saved_input_example_info is not None
    data["predicted"] = None
    data["proba"] = None
    data["classes"] = None
    data["sklearn_pin"] = _sklearn_pin(uri.strip())
    if data["inputs"] is not None and [n for n, _ in _columns(data["inputs"])] == list(FEATURES):
        X_test = _data()["X_test"]
        model = mlflow.pyfunc.load_model(uri.strip())
        data["predicted"] = [str(p) for p in model.predict(X_test)]
        try:
            estimator = mlflow.sklearn.load_model(uri.strip())
            proba = estimator.predict_proba(X_test)
            classes = list(estimator.classes_)
        except Exception:  # not a scikit-learn model, or one without probabilities
            return data
        data["proba"] = [[float(p) for p in row] for row in proba]
        data["classes"] = [str(c) for c in classes]
    return data


# --------------------------------------------------------------------------------------
# Exercise 3: the request model. Which payloads must it accept?
# --------------------------------------------------------------------------------------


def _bound_payloads(base: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every limit of every measurement: at the limit (valid) and the next float outside it."""
    out = []
    for name, (low, high) in _RANGES.items():
        below, above = math.nextafter(low, -math.inf), math.nextafter(high, math.inf)
        out += [
            (f"a penguin with {name} exactly {low:g} (its lower limit)", {**base, name: low}),
            (f"a penguin with {name} exactly {high:g} (its upper limit)", {**base, name: high}),
            (f"a penguin with {name} just below {low:g} ({below!r})", {**base, name: below}),
            (f"a penguin with {name} just above {high:g} ({above!r})", {**base, name: above}),
        ]
    return out


def _missing_payloads(base: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every required field left out, and sent as null: both must be refused."""
    out = []
    for name in _REQUIRED:
        out += [
            (f"a penguin without '{name}'", _without(base, name)),
            (f"a penguin whose {name} is null", {**base, name: None}),
        ]
    return out


def _validation_payloads() -> list[tuple[str, dict[str, Any]]]:
    """(description, payload) pairs covering every rule of the prompt."""
    base = _penguin(0)
    other = _penguin(1)
    high_bill = _RANGES["bill_length_mm"][1]
    return [
        ("a complete, valid penguin", base),
        ("another valid penguin", other),
        ("a valid penguin without the key 'sex'", _without(base, "sex")),
        ("a valid penguin with 'sex': None", {**base, "sex": None}),
        ("a penguin whose body_mass_g is an integer (4000)", {**base, "body_mass_g": 4000}),
        ("a penguin whose body_mass_g is the integer 7000", {**base, "body_mass_g": 7000}),
        *_bound_payloads(base),
        *_missing_payloads(base),
        ("a penguin whose body_mass_g is 4.2 (kilograms, not grams)", {**base, "body_mass_g": 4.2}),
        (
            f"a penguin whose bill_length_mm is {high_bill + 0.5:g}",
            {**base, "bill_length_mm": high_bill + 0.5},
        ),
        ("a penguin whose bill_depth_mm is -15.0", {**base, "bill_depth_mm": -15.0}),
        ("a penguin whose flipper_length_mm is 'long'", {**base, "flipper_length_mm": "long"}),
        (
            "a penguin whose bill_length_mm is the text '46.5' (a number in quotes)",
            {**base, "bill_length_mm": "46.5"},
        ),
        (
            "a penguin whose body_mass_g is the text '4550'",
            {**base, "body_mass_g": "4550"},
        ),
        ("a penguin from the island 'Anvers'", {**base, "island": "Anvers"}),
        ("a penguin from the island 'biscoe' (lower case)", {**base, "island": "biscoe"}),
        ("a penguin whose sex is 'M'", {**base, "sex": "M"}),
        ("a penguin with an extra field 'year': 2008", {**base, "year": 2008}),
    ]


def _accepts(cls: Any, payload: dict[str, Any]) -> bool | str:
    """True/False for accepted/rejected; the exception's name when validation itself broke.

    Validation goes through pydantic's TypeAdapter, as FastAPI validates a request body: a
    class that overrides ``model_validate`` changes nothing here, as it changes nothing there.
    """
    from pydantic import TypeAdapter, ValidationError

    try:
        TypeAdapter(cls).validate_python(copy.deepcopy(payload))
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
    from pydantic import BaseModel, TypeAdapter

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
            dumped = TypeAdapter(cls).validate_python(copy.deepcopy(payload)).model_dump()
        except Exception as error:
            dumps.append({"error": type(error).__name__})
            continue
        dumps.append({str(k): _plain_value(v) for k, v in dumped.items()})
    aliases = {}
    for name, field in getattr(cls, "model_fields", {}).items():
        spelt = [a for a in (field.alias, field.validation_alias) if a is not None]
        aliases[str(name)] = [a if type(a) is str else repr(a)[:80] for a in spelt]
    return {"accepted": accepted, "dumps": dumps, "aliases": aliases}


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
    """Plain facts about a frame, and the pipeline's probabilities for its rows."""
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
            proba = _pipeline().predict_proba(frame)
            facts["proba"] = [[float(p) for p in row] for row in proba]
        except Exception as error:
            facts["proba"] = f"{type(error).__name__}: {str(error)[:80]}"
    return facts


def _extract_to_frame(values: dict[str, Any]) -> dict[str, Any]:
    func = values["to_frame"]
    if not callable(func):
        raise Fail(f"`to_frame` should be a function, but it is {describe(func)}.")
    results, mutated = [], []
    for _, payloads in _frame_cases():
        given = copy.deepcopy(payloads)
        try:
            frame = func(given)
        except Exception as error:
            results.append({"error": f"{type(error).__name__}: {str(error)[:80]}"})
            mutated.append(given != payloads)
            continue
        results.append(_frame_facts(frame))
        mutated.append(given != payloads)
    return {"results": results, "mutated": mutated}


# --------------------------------------------------------------------------------------
# Exercise 5: the service, exercised with TestClient in the learner's process.
# --------------------------------------------------------------------------------------


def _service_requests() -> list[tuple[str, str, str, Any]]:
    """(description, method, path, JSON body) sent while MODEL_URI names the first probe."""
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
        *_unknown_sex_requests(),
        *[
            (f"POST /predict with a penguin {what[len('a penguin ') :]}", "POST", "/predict", body)
            for what, body in _missing_payloads(first)
        ],
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
        (
            "POST /predict with bill_length_mm as the text '46.5'",
            "POST",
            "/predict",
            {**first, "bill_length_mm": "46.5"},
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


def _unknown_sex_requests() -> list[tuple[str, str, str, Any]]:
    """A penguin of unknown sex near a class boundary: its sex must reach the model as NaN."""
    return [
        (
            "POST /predict with a penguin of unknown sex (no 'sex' key) near a species boundary",
            "POST",
            "/predict",
            dict(BOUNDARY_PENGUIN),
        ),
        (
            "POST /predict with a penguin whose sex is null, near a species boundary",
            "POST",
            "/predict",
            {**BOUNDARY_PENGUIN, "sex": None},
        ),
        (
            "POST /predict/batch with two penguins of unknown sex near a species boundary",
            "POST",
            "/predict/batch",
            {"penguins": [dict(BOUNDARY_PENGUIN), {**BOUNDARY_PENGUIN, "sex": None}]},
        ),
    ]


def _probe_requests() -> list[tuple[str, str, str, Any]]:
    """(description, method, path, JSON body) sent while MODEL_URI names the second probe."""
    first, second, third = (_penguin(k) for k in _one_of_each())
    return [
        ("GET /health", "GET", "/health", None),
        ("POST /predict with a valid penguin", "POST", "/predict", second),
        (
            "POST /predict/batch with three valid penguins",
            "POST",
            "/predict/batch",
            {"penguins": [third, first, second]},
        ),
        *_unknown_sex_requests(),
    ]


def _write_probe(model: Any, path: Path, version: str) -> None:
    """Save ``model`` as an MLflow model folder that says it is registered version ``version``."""
    import mlflow
    from mlflow.models import infer_signature

    d = _data()
    mlflow.sklearn.save_model(
        model,
        str(path),
        signature=infer_signature(d["X_train"], model.predict(d["X_train"])),
        pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        skops_trusted_types=["numpy.dtype"],
    )
    # What mlflow.artifacts.download_artifacts writes beside a registered model's files.
    (path / "registered_model_meta").write_text(
        f"model_name: {PROBE_NAME}\nmodel_version: '{version}'\n", encoding="utf-8"
    )


def _probe_cache() -> Path:
    """Where the probe models are kept: one folder in the temporary folder per user and per
    version of this file and of the libraries that save them, shared by every process (a
    per-process folder would be left behind by every kernel that is killed)."""
    import hashlib
    import sys
    import tempfile
    from importlib.metadata import version

    key = hashlib.sha256(Path(__file__).read_bytes())
    for name in ("scikit-learn", "mlflow", "numpy", "pandas", "skops"):
        key.update(f"{name}=={version(name)};".encode())
    key.update(sys.version.encode())
    uid = getattr(os, "getuid", lambda: 0)()
    return Path(tempfile.gettempdir()) / f"mlcourse-m20-probes-{uid}-{key.hexdigest()[:16]}"


def _probes_ready(root: Path) -> bool:
    """Whether ``root`` holds both probe models, and only this user can have written them."""
    try:
        info = root.stat()
    except OSError:
        return False
    own = info.st_uid == getattr(os, "getuid", lambda: info.st_uid)() and not info.st_mode & 0o022
    return own and all((root / f"model-{v}" / "MLmodel").is_file() for v in PROBE_VERSIONS)


def probe_folders() -> tuple[str, str]:
    """The two model folders the check of Exercise 5 serves: saved once, then reused.

    They are written into a private new folder that is then renamed into place in one step, so
    that processes checking at the same time never see a half-written model.
    """
    import shutil
    import tempfile

    root = _probe_cache()
    folders = tuple(str(root / f"model-{v}") for v in PROBE_VERSIONS)
    if _probes_ready(root):
        return folders
    staging = Path(tempfile.mkdtemp(prefix=root.name + "-new-", dir=root.parent))  # mode 700
    try:
        for model, version in zip((_pipeline(), _rotated_pipeline()), PROBE_VERSIONS, strict=True):
            _write_probe(model, staging / f"model-{version}", version)
        if root.exists() and not _probes_ready(root):
            shutil.rmtree(root, ignore_errors=True)  # incomplete (partly deleted): replace it
        try:
            staging.rename(root)
        except OSError:  # another process renamed its copy into place first
            pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not _probes_ready(root):
        raise RuntimeError(f"the probe models of Exercise 5 could not be saved in {root}")
    return folders


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


_GONE_MODEL_URI = "/nonexistent/mlcourse-m20/model-removed-after-start"


def _serve(app: Any, requests: list[tuple[str, str, str, Any]]) -> list[dict[str, Any]]:
    """Start ``app`` (its lifespan runs), send ``requests``, stop it; status and 200 bodies."""
    TestClient = _test_client_class()
    responses = []
    with TestClient(app, raise_server_exceptions=False) as client:
        # The lifespan has run: a service that reads MODEL_URI again at each request (and loads
        # the model there) now finds a folder that does not exist.
        os.environ["MODEL_URI"] = _GONE_MODEL_URI
        for _, method, path, body in requests:
            response = client.request(method, path, json=copy.deepcopy(body))
            try:
                content = response.json() if response.status_code == 200 else None
            except ValueError:
                content = "<not JSON>"
            responses.append({"status": response.status_code, "json": _plain_json(content)})
    return responses


def _extract_service(values: dict[str, Any]) -> dict[str, Any]:
    from fastapi import FastAPI

    app = values["service"]
    if not isinstance(app, FastAPI):
        raise Fail(f"`service` should be a FastAPI application, but it is {describe(app)}.")
    folders = probe_folders()
    previous = os.environ.get("MODEL_URI")
    responses = []
    try:
        for folder, requests in zip(folders, (_service_requests(), _probe_requests()), strict=True):
            os.environ["MODEL_URI"] = folder
            responses += _serve(app, requests)
    except Exception as error:
        raise Fail(
            f"`service` did not start: {type(error).__name__}: {str(error)[:160]}. Its lifespan "
            "should load the model named by the environment variable MODEL_URI when it runs, "
            "with `load_model_and_version(os.environ['MODEL_URI'])`; the check starts it with "
            "MODEL_URI naming model folders of its own."
        ) from None
    finally:
        if previous is None:
            os.environ.pop("MODEL_URI", None)
        else:
            os.environ["MODEL_URI"] = previous
    return {"responses": responses}


# --------------------------------------------------------------------------------------
# Exercise 7: reading a 422 body.
# --------------------------------------------------------------------------------------

# Real 422 bodies of a service like the learner's (the reference service of the answer key),
# answering bad requests built from the payloads above: the visible case first, then hidden
# cases with the kind of body each one is.
_ERROR_BODIES = (
    (
        "one error on a field of the body",
        {
            "detail": [
                {
                    "type": "greater_than_equal",
                    "loc": ["body", "body_mass_g"],
                    "msg": "Input should be greater than or equal to 2000",
                    "input": 4.2,
                    "ctx": {"ge": 2000.0},
                }
            ]
        },
    ),
    (
        "two errors in one body",
        {
            "detail": [
                {
                    "type": "literal_error",
                    "loc": ["body", "island"],
                    "msg": "Input should be 'Biscoe', 'Dream' or 'Torgersen'",
                    "input": "Anvers",
                    "ctx": {"expected": "'Biscoe', 'Dream' or 'Torgersen'"},
                },
                {
                    "type": "float_type",
                    "loc": ["body", "bill_depth_mm"],
                    "msg": "Input should be a valid number",
                    "input": "deep",
                },
            ]
        },
    ),
    (
        "a missing field",
        {
            "detail": [
                {
                    "type": "missing",
                    "loc": ["body", "flipper_length_mm"],
                    "msg": "Field required",
                    "input": {
                        "island": "Biscoe",
                        "bill_length_mm": 46.5,
                        "bill_depth_mm": 13.5,
                        "body_mass_g": 4550.0,
                        "sex": "female",
                    },
                }
            ]
        },
    ),
    (
        "an error inside a batch, at a list position",
        {
            "detail": [
                {
                    "type": "greater_than_equal",
                    "loc": ["body", "penguins", 2, "body_mass_g"],
                    "msg": "Input should be greater than or equal to 2000",
                    "input": 1.0,
                    "ctx": {"ge": 2000.0},
                }
            ]
        },
    ),
    (
        "an empty batch",
        {
            "detail": [
                {
                    "type": "too_short",
                    "loc": ["body", "penguins"],
                    "msg": "List should have at least 1 item after validation, not 0",
                    "input": [],
                    "ctx": {"field_type": "List", "min_length": 1, "actual_length": 0},
                }
            ]
        },
    ),
    (
        "a request without any body (loc is only ['body'])",
        {"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]},
    ),
    (
        "a body that is not valid JSON (loc holds a character position)",
        {
            "detail": [
                {
                    "type": "json_invalid",
                    "loc": ["body", 20],
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": "Expecting property name enclosed in double quotes"},
                }
            ]
        },
    ),
)


def demo_error_body() -> dict[str, Any]:
    """The 422 body of the visible case (a mass sent in kilograms): `kg_body` in the notebook."""
    return copy.deepcopy(_ERROR_BODIES[0][1])


def _summary_cases() -> list[Case]:
    return [Case(demo_error_body(), call="error_summary(kg_body)")]


def _summary_hidden() -> list[Case]:
    return [Case(copy.deepcopy(body), label=label) for label, body in _ERROR_BODIES[1:]]


# --------------------------------------------------------------------------------------
# Exercise 8: a client that splits a long list into batches. A stand-in service answers.
# --------------------------------------------------------------------------------------


class HTTPStatusError(Exception):
    """What the stand-in response raises for a 4xx answer, like httpx.HTTPStatusError."""


class _FakeResponse:
    def __init__(self, status_code: int, body: Any):
        self.status_code = status_code
        self._body = body

    def json(self) -> Any:
        return copy.deepcopy(self._body)

    def raise_for_status(self) -> _FakeResponse:
        if self.status_code >= 400:
            detail = self._body.get("detail") if type(self._body) is dict else None
            why = f": {detail}" if type(detail) is str else ""
            raise HTTPStatusError(f"{self.status_code} from the stand-in service{why}")
        return self

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}]>"


def _fake_species(penguin: dict[str, Any]) -> str:
    """A fixed rule of thumb, so that every penguin has a known answer."""
    if penguin["flipper_length_mm"] >= 206:
        return "Gentoo"
    return "Chinstrap" if penguin["bill_length_mm"] >= 44 else "Adelie"


class FakeServiceClient:
    """Answers POST /predict/batch like the service: at most ``max_batch`` valid penguins per
    request, and at most as many requests as full batches need (a rate limit: 429 beyond).

    ``accepts`` (default ``max_batch``) is how many penguins it really takes per request: a
    hidden case gives a stand-in whose ``max_batch`` says more than the caller was told to send,
    so that only a client that uses its ``batch_size`` argument passes.

    The client is handed the caller's own list (``penguins``), and refuses to answer (409) once
    that list has changed: the caller's data must stay as it was.
    """

    def __init__(self, max_batch: int, penguins: list[dict[str, Any]], accepts: int | None = None):
        self.max_batch = max_batch
        self._accepts = accepts or max_batch
        self.max_requests = math.ceil(len(penguins) / self._accepts)
        self.requests = 0
        self._callers_list = penguins
        self._as_given = json.dumps(penguins, sort_keys=True)

    def post(self, url: str, json: Any = None, **kwargs: Any) -> _FakeResponse:
        import json as _json

        self.requests += 1
        if url.rstrip("/").endswith("/predict/batch") is False:
            return _FakeResponse(404, {"detail": "Not Found"})
        if self.requests > self.max_requests:
            return _FakeResponse(429, {"detail": "Too Many Requests: send full batches"})
        if _json.dumps(self._callers_list, sort_keys=True) != self._as_given:
            return _FakeResponse(409, {"detail": "the caller's list of penguins was changed"})
        penguins = json.get("penguins") if type(json) is dict else None
        if type(penguins) is not list or not 1 <= len(penguins) <= self._accepts:
            return _FakeResponse(422, {"detail": [{"msg": "batch of the wrong size"}]})
        if any(type(p) is not dict or p.get("body_mass_g", 0) < 2000 for p in penguins):
            return _FakeResponse(422, {"detail": [{"msg": "a penguin is not valid"}]})
        return _FakeResponse(200, {"species": [_fake_species(p) for p in penguins]})

    def __repr__(self) -> str:
        return f"client(max_batch={self.max_batch})"


def _some_penguins(n: int, offset: int = 0) -> list[dict[str, Any]]:
    X_test = _data()["X_test"]
    complete = X_test.dropna(subset=list(_NUMERIC))
    return [_payload(complete.iloc[(offset + i) % len(complete)]) for i in range(n)]


def _batch_case(
    max_batch: int, penguins: list[dict[str, Any]], batch_size: int | None = None, **kwargs: Any
) -> Case:
    """A call on a stand-in client that shares the caller's list, as a real caller's would;
    ``batch_size`` (default ``max_batch``) is the size the caller asks for, and what the
    stand-in accepts."""
    size = batch_size or max_batch
    return Case(FakeServiceClient(max_batch, penguins, accepts=size), penguins, size, **kwargs)


def demo_penguins() -> list[dict[str, Any]]:
    """The seven penguins of the visible case: `penguins_7` in the notebook."""
    return _some_penguins(7)


def _batching_cases() -> list[Case]:
    return [_batch_case(3, demo_penguins(), call="predict_in_batches(client, penguins_7, 3)")]


def _batching_hidden() -> list[Case]:
    refused = _some_penguins(5, 40)
    refused[3] = {**refused[3], "body_mass_g": 4.2}  # the service refuses the second batch
    return [
        _batch_case(3, [], label="an empty list (no request at all)"),
        _batch_case(
            2, _some_penguins(6, 10), label="a length that is a multiple of the batch size"
        ),
        _batch_case(_MAX_BATCH, _some_penguins(1, 20), label="a single penguin"),
        _batch_case(1, _some_penguins(3, 30), label="batches of one penguin"),
        _batch_case(25, _some_penguins(_n_test() - 1), label="the whole test set in batches of 25"),
        _batch_case(3, refused, raises=HTTPStatusError, label="a batch the service refuses"),
        _batch_case(
            10,
            _some_penguins(9, 50),
            4,
            label="a batch_size smaller than the client's max_batch (batches of batch_size)",
        ),
    ]


MODULE = Module(
    "20",
    "serving_fastapi_docker",
    "Serving with FastAPI and Docker",
    problems=(
        Custom(
            "20.1",
            reads=("signature",),
            extract=_extract_signature,
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
            title="Register the model with the alias champion",
            points=2,
            hints=[
                "Three steps: log `pipe` in a run, register it under `MODEL_NAME`, point the "
                "alias `champion` at the new version.",
                "`mlflow.sklearn.log_model(pipe, name='model', signature=signature, "
                "input_example=X_train.head(3), registered_model_name=MODEL_NAME, "
                "pip_requirements=..., skops_trusted_types=['numpy.dtype'])` returns a ModelInfo "
                "whose `registered_model_version` is the new version.",
                "`MlflowClient().set_registered_model_alias(MODEL_NAME, 'champion', "
                "info.registered_model_version)`, then "
                "`champion_uri = f'models:/{MODEL_NAME}@champion'`.",
            ],
        ),
        Custom(
            "20.3",
            reads=("PenguinIn",),
            extract=_extract_penguin_class,
            title="Validate a penguin with pydantic",
            points=2,
            hints=[
                "One class attribute per field, with a type hint: `island: Literal[...]`, "
                "`bill_length_mm: float = Field(...)`, and so on.",
                "`Field(ge=low, le=high)` gives an inclusive range; `Literal['female', 'male'] | "
                "None = None` makes sex optional. By default pydantic turns the text '46.5' into "
                "the number 46.5: strict mode refuses it.",
                "`model_config = ConfigDict(extra='forbid', strict=True)`: unknown fields are "
                "errors, and a number must arrive as a number (an int is still accepted for a "
                "float).",
            ],
        ),
        Custom(
            "20.4",
            reads=("to_frame",),
            extract=_extract_to_frame,
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
            title="The prediction service",
            points=3,
            hints=[
                "Follow the lesson's app.py: a lifespan that loads the model and its version "
                "into `service.state`, then three endpoints.",
                "In the lifespan: `app.state.model, app.state.model_version = "
                "load_model_and_version(os.environ['MODEL_URI'])`. Read MODEL_URI there, not "
                "when the cell runs: the check starts the service with other models. The batch "
                "request is a pydantic model with one field, `penguins: list[PenguinIn] = "
                "Field(min_length=1, max_length=MAX_BATCH)`.",
                "/health returns `{'status': 'ok', 'model_version': service.state.model_version}`; "
                "each prediction endpoint converts the validated penguins with "
                "`to_frame([p.model_dump() for p in ...])`, calls "
                "`service.state.model.predict(...)`, and returns `{'species': ...}` with plain "
                "`str` values.",
            ],
        ),
        Value(
            "20.6",
            var="status_codes",
            check_dtype=True,  # status codes are ints: 422.0 is not one
            title="Which status code?",
            points=1,
            hints=[
                "Try the requests on your `service` with a TestClient, or think about who "
                "answers each one: the router, the validation, or the endpoint.",
                "Validation errors are 422. A path that exists but not for this method, and a "
                "path that does not exist at all, get two different 4xx codes.",
                "405 Method Not Allowed, 404 Not Found.",
            ],
        ),
        Function(
            "20.7",
            name="error_summary",
            cases=_summary_cases,
            hidden=_summary_hidden,
            title="Read a 422 body",
            points=2,
            hints=[
                "The body is `{'detail': [error, ...]}`; every error has a `loc` (a list) and a "
                "`msg`.",
                "`loc[0]` says where the error is ('body'); the field is the rest of `loc`, "
                "joined with '.'. Some parts are ints (a list position): convert them with str.",
                "When `loc` is only `['body']` (no body at all), the field is 'body'. Build new "
                "lists: `error['loc'][1:]` is a copy, `error['loc'].pop(0)` changes the body.",
            ],
        ),
        Function(
            "20.8",
            name="predict_in_batches",
            cases=_batching_cases,
            hidden=_batching_hidden,
            # The caller's list must come back as it was (a client that empties it after the
            # last request fails); the stand-in client, which counts its requests, is not
            # compared, and it refuses to answer once the caller's list has been changed.
            may_mutate=False,
            title="A client that sends batches",
            points=2,
            hints=[
                "Loop over the start positions `range(0, len(penguins), batch_size)` and send "
                "`penguins[start:start + batch_size]` each time: a slice is a new list, so the "
                "caller's list stays as it was.",
                "Each request is `client.post('/predict/batch', json={'penguins': chunk})`; call "
                "`response.raise_for_status()` before you read `response.json()['species']`, so "
                "that a refused batch raises instead of being skipped or misread.",
                "Collect the species of every batch, in order, into one list. An empty list "
                "needs no request at all.",
            ],
        ),
        Custom(
            "20.9",
            reads=("dockerfile",),
            title="Write the Dockerfile",
            points=2,
            hints=[
                "Follow the order of the lesson's Dockerfile: FROM, WORKDIR, requirements and "
                "pip install, the model and the code, ENV, the user, EXPOSE, HEALTHCHECK, CMD.",
                "The check follows every path: where requirements.txt, model/ and app.py land "
                "(relative to WORKDIR), that MODEL_URI names the model's folder, that the USER "
                "was created by a RUN before, that the health check's tool exists in the image "
                "and asks the port uvicorn listens on.",
                "Inside a container, uvicorn must listen on 0.0.0.0; write CMD as a JSON list: "
                '`CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]`. The slim '
                "image has no curl: check /health with Python's urllib, as the lesson does.",
            ],
        ),
        Choice(
            "20.kc1",
            var="kc1",
            choices="abcd",
            title="Batch or real-time",
            hints=["When are the predictions needed, and does anyone wait for one of them?"],
        ),
        Choice(
            "20.kc2",
            var="kc2",
            choices="abcd",
            title="Aliases, not stages",
            hints=["Two statements are right. What does an alias point to, and can it move?"],
        ),
        Choice(
            "20.kc3",
            var="kc3",
            choices="abcd",
            title="Why a non-root user",
            hints=["Think about what an attacker gets after finding a hole in the service."],
        ),
        Choice(
            "20.kc4",
            var="kc4",
            choices="abcd",
            title="--env-manager local",
            hints=["What does `mlflow models serve` do by default before it starts the server?"],
        ),
        Choice(
            "20.kc5",
            var="kc5",
            choices="abcd",
            title="A bad request",
            hints=["Where does FastAPI validate the body: before or inside your function?"],
        ),
        Choice(
            "20.kc6",
            var="kc6",
            choices="abcd",
            title="TestClient and the lifespan",
            hints=["When does TestClient run the application's startup code?"],
        ),
        Numeric(
            "20.kc7",
            var="kc7",
            title="How many batch requests?",
            hints=["Every request carries at most 25 penguins; the last one may carry fewer."],
        ),
        Choice(
            "20.kc8",
            var="kc8",
            choices="abcd",
            title="What a pin list fixes",
            hints=[
                "pip installs the listed packages and everything they depend on. Which of "
                "those does a list of six pins fix?"
            ],
        ),
        Choice(
            "20.kc9",
            var="kc9",
            choices="abcd",
            title="What max_length protects",
            hints=["When does pydantic see the list: before or after the body has arrived?"],
        ),
    ),
)
