"""Module 25 — Capstone: the declaration of the stages (the key is in mlcourse.keys.m25).

The learner picks a classification dataset from a fixed menu (``MENU``), loads it with
``mlcourse.datasets``, and carries it through eight stages: a held-out split, a baseline and a
pipeline, an MLflow run, a registered model with the alias ``champion``, a FastAPI service that
serves that alias, a drift report on a shifted batch, and a written summary. Every extract
below rebuilds the learner's training and test rows *from the catalog dataset*, by the index
labels of the learner's split, so the evidence is the learner's fitted objects, runs, registry
and service applied to the course's own data, never the learner's copies of the data or the
numbers the learner typed. Nothing here imports MLflow, FastAPI or scikit-learn until a check
needs it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mlcourse.checks import Choice, Custom, Fail, describe
from mlcourse.exercises import Module

# The datasets a capstone may use: name -> the loader in mlcourse.datasets. All are
# classification tasks with numeric features (the scope of this capstone: see the rubric).
# The learner's choice (the lesson works the same path on breast_cancer).
MENU = {"breast_cancer": "load_breast_cancer", "wine": "load_wine"}
TEST_SHARE = (0.2, 0.3)  # the held-out share the split must have (stated in the prompt)
MODEL_BASE = "capstone"  # the registered model is model_name(MODEL_BASE)
METRIC = "test_accuracy"  # the held-out metric logged in the run of stage 4
ALPHA = 0.01  # stage 7: the family-wise level; a feature drifts when its KS p-value is below
# ALPHA / (number of features) (Bonferroni) ...
PSI_MIN = 0.1  # ... and its PSI above PSI_MIN
DECISIONS = ("investigate", "no action")  # decide(report): any feature drifted, or none
BASELINE_STRATEGIES = ("most_frequent", "prior")
N_JITTER = 20  # training rows, jittered at check time, sent to the service
SHIFT_SEED = 25  # the scaffold's shifted batch: which features move, and by how much
N_SHIFTED = 3
SHIFT_SDS = 1.0  # the shift, in standard deviations of the batch's own column
BATCH = 50  # rows per request the check sends to the service
SUMMARY_WORDS = (80, 400)


# --------------------------------------------------------------------------------------
# Data: the menu's datasets, and the scaffold's shifted batch.
# --------------------------------------------------------------------------------------


def load_dataset(name: str):
    """``(X, y)`` of a dataset of the menu, exactly as ``mlcourse.datasets`` loads it."""
    import mlcourse.datasets as datasets

    if name not in MENU:
        raise ValueError(f"{name!r} is not on the capstone's menu; choose one of {sorted(MENU)}")
    return getattr(datasets, MENU[name])(return_X_y=True)


def shifted_batch(frame, features=None, seed: int = SHIFT_SEED, sds: float = SHIFT_SDS):
    """A copy of ``frame`` in which some features moved: a batch from a changed world.

    Parameters
    ----------
    frame : DataFrame
        The rows to shift (the held-out rows, in the scaffold).
    features : list of str, optional
        The columns to shift; by default ``N_SHIFTED`` columns drawn with ``seed``.
    seed : int
        Seeds the choice of the columns.
    sds : float
        Each shifted column moves up by ``sds`` of its own standard deviation.

    Returns
    -------
    DataFrame
        The shifted copy; ``frame`` is unchanged. ``attrs['shifted']`` names the columns moved.
    """
    import numpy as np

    if features is None:
        rng = np.random.default_rng(seed)
        features = sorted(rng.choice(list(frame.columns), N_SHIFTED, replace=False).tolist())
    out = frame.copy()
    for name in features:
        out[name] = out[name] + sds * float(frame[name].std())
    out.attrs["shifted"] = list(features)
    return out


def digest(frame) -> str:
    """A fingerprint of a DataFrame or Series: its values, dtypes and index labels."""
    import pandas as pd

    hashed = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    kinds = str(frame.dtypes.tolist() if hasattr(frame, "columns") else frame.dtype)
    names = str(list(frame.columns) if hasattr(frame, "columns") else frame.name)
    return hashlib.sha256(hashed.tobytes() + kinds.encode() + names.encode()).hexdigest()


# --------------------------------------------------------------------------------------
# Extract helpers: the learner's split, as index labels of the catalog dataset.
# --------------------------------------------------------------------------------------


def _dataset_name(values: dict[str, Any]) -> str:
    name = values["DATASET"]
    if type(name) is not str:
        raise Fail(f"`DATASET` should be a str, one of {sorted(MENU)}, but it is {describe(name)}.")
    if name not in MENU:
        raise Fail(
            f"`DATASET` is {name!r}, which is not on the capstone's menu: choose one of "
            f"{sorted(MENU)}."
        )
    return name


def _labels(obj: Any, var: str) -> list[int]:
    import pandas as pd

    if type(obj) not in (pd.DataFrame, pd.Series):
        raise Fail(
            f"`{var}` should be a pandas DataFrame or Series (as train_test_split returns them "
            f"from `X, y`), but it is {describe(obj)}."
        )
    labels = obj.index.tolist()
    if not all(type(v) is int for v in labels):
        raise Fail(
            f"`{var}` has index labels that are not ints: keep the index that `X` and `y` came "
            "with (train_test_split keeps it); do not reset it."
        )
    return labels


def _split(values: dict[str, Any]) -> dict[str, Any]:
    """The dataset's name and the learner's training and test rows, as sorted index labels."""
    name = _dataset_name(values)
    train = _labels(values["X_train"], "X_train")
    test = _labels(values["X_test"], "X_test")
    if (
        _labels(values["y_train"], "y_train") != train
        or _labels(values["y_test"], "y_test") != test
    ):
        raise Fail(
            "`y_train` and `y_test` should hold the targets of the rows of `X_train` and "
            "`X_test`, in the same order (the four results of one train_test_split call)."
        )
    return {"dataset": name, "train": sorted(train), "test": sorted(test)}


def _rows(split: dict[str, Any], values: dict[str, Any]):
    """The catalog rows of the learner's split: X_train, y_train (in the learner's order: a
    random forest's bootstrap depends on it), X_test, y_test (sorted by index label)."""
    X, y = load_dataset(split["dataset"])
    train = [i for i in values["X_train"].index.tolist() if i in X.index]
    test = [i for i in split["test"] if i in X.index]
    if (
        len(train) != len(split["train"])
        or len(test) != len(split["test"])
        or not train
        or not test
    ):
        raise Fail(
            "The index of `X_train` or `X_test` holds labels that are not rows of the dataset "
            "(or one of them is empty): split `X, y` as loaded, without resetting the index."
        )
    return X.loc[train], y.loc[train], X.loc[test], y.loc[test]


def _classes(predicted: Any, var: str) -> list[int]:
    import numpy as np

    array = np.asarray(predicted).ravel()
    if array.dtype.kind not in "iub":
        raise Fail(
            f"`{var}` predicts {array.dtype} values; a classifier of this menu predicts ints."
        )
    return [int(v) for v in array]


def _is_sklearn(obj: Any) -> bool:
    """``obj`` is an instance of scikit-learn's own class of that name (not a subclass that
    claims to live in sklearn)."""
    import importlib

    cls = type(obj)
    module = str(getattr(cls, "__module__", ""))
    if module.split(".")[0] != "sklearn":
        return False
    try:
        found: Any = importlib.import_module(module)
        for part in str(cls.__qualname__).split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError, ValueError):
        return False
    return found is cls


_TRUSTED_MODULES = ("sklearn", "numpy", "scipy", "builtins")


def _trusted(model: Any) -> bool:
    """Every estimator inside ``model`` is scikit-learn's own, and no parameter is a function
    or class defined outside scikit-learn, NumPy or SciPy (a lambda in a FunctionTransformer
    could read the labels)."""
    if not _is_sklearn(model):
        return False
    try:
        params = model.get_params(deep=True)
    except Exception:
        return False
    for value in params.values():
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, tuple) and len(item) >= 2:  # (name, estimator[, columns])
                item = item[1]
            if item is None or isinstance(item, (str, int, float, bool)):
                continue
            if hasattr(item, "get_params") and not isinstance(item, type):
                if not _is_sklearn(item):
                    return False
            elif callable(item):
                module = str(getattr(item, "__module__", "") or "")
                if module.split(".")[0] not in _TRUSTED_MODULES:
                    return False
    return True


def _outputs(model: Any, X) -> list[list[float]]:
    """What ``model`` says about the rows ``X``, as precisely as it says it: the class
    probabilities, else the decision function, else the predicted labels."""
    import numpy as np

    for method in ("predict_proba", "decision_function", "predict"):
        try:
            fn = getattr(model, method)
        except AttributeError:
            continue
        array = np.asarray(fn(X), dtype=float)
        return (array.reshape(len(X), -1)).tolist()
    return []


def _final_step(model: Any) -> Any:
    steps = getattr(model, "steps", None)
    return steps[-1][1] if isinstance(steps, list) and steps else model


def _estimator_facts(model: Any, var: str, rows) -> dict[str, Any]:
    """A fitted estimator's class, its predictions on the test rows, and two refits' on the
    training rows (a clone fitted twice: if they differ, the estimator is not seeded)."""
    from sklearn.base import clone

    from mlcourse.exercises._sklearn import one_thread

    X_train, y_train, X_test, _ = rows
    if not (hasattr(model, "fit") and hasattr(model, "predict")):
        raise Fail(
            f"`{var}` should be a fitted scikit-learn estimator, but it is {describe(model)}."
        )
    steps = getattr(model, "steps", None)
    parts = [s[1] for s in steps] if isinstance(steps, list) else [model]
    final = _final_step(model)
    facts: dict[str, Any] = {
        "pipeline": type(model).__name__ == "Pipeline" and _is_sklearn(model),
        "sklearn": all(_trusted(p) for p in parts if p != "passthrough") and _trusted(model),
        "final": f"{type(final).__module__}.{type(final).__qualname__}",
        "strategy": str(getattr(final, "strategy", "")),
    }
    with one_thread():
        try:
            facts["pred"] = _classes(model.predict(X_test), f"{var}.predict")
        except Fail:
            raise
        except Exception as error:
            raise Fail(
                f"`{var}.predict(X_test)` raised {type(error).__name__}: {str(error)[:120]}. Fit "
                "it on the training rows, with the dataset's columns as loaded."
            ) from None
        try:
            facts["scores"] = _outputs(model, X_test)
        except Exception as error:
            raise Fail(
                f"`{var}` could not score the held-out rows: {type(error).__name__}: "
                f"{str(error)[:120]}."
            ) from None
        if not facts["sklearn"]:
            facts["refit"], facts["refit_scores"], facts["seeded"] = [], [], False
            return facts
        try:
            first, again = clone(model).fit(X_train, y_train), clone(model).fit(X_train, y_train)
            refit, refit_scores = first.predict(X_test), _outputs(first, X_test)
            seeded = _outputs(again, X_test) == refit_scores
        except Exception as error:
            raise Fail(
                f"A copy of `{var}` (sklearn.base.clone) could not be fitted on the training rows: "
                f"{type(error).__name__}: {str(error)[:120]}."
            ) from None
    facts["refit"] = _classes(refit, f"{var}.predict")
    facts["refit_scores"] = refit_scores
    facts["seeded"] = bool(seeded)
    return facts


def _hyperparameters(model: Any) -> dict[str, str]:
    """The plain (number, text, bool, None) parameters of a fitted estimator, as MLflow would
    log them: ``str(value)``."""
    try:
        params = model.get_params(deep=True)
    except Exception:
        return {}
    return {
        str(k): str(v)
        for k, v in list(params.items())[:400]
        if v is None or isinstance(v, (str, int, float, bool))
    }


def _score(value: Any, var: str) -> float:
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise Fail(
            f"`{var}` should be a float (a score between 0 and 1), but it is {describe(value)}."
        )
    return float(value)


# --------------------------------------------------------------------------------------
# Stage 1-3: the data, the split and the model.
# --------------------------------------------------------------------------------------


def _extract_data(values: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd

    name = _dataset_name(values)
    X, y = values["X"], values["y"]
    if type(X) is not pd.DataFrame or type(y) is not pd.Series:
        raise Fail(
            "`X` should be a DataFrame and `y` a Series, what `load_...(return_X_y=True)` "
            f"returns, but they are {describe(X)} and {describe(y)}."
        )
    return {"dataset": name, "X": digest(X), "y": digest(y)}


def _extract_split(values: dict[str, Any]) -> dict[str, Any]:
    split = _split(values)
    return {
        "split": split,
        "digests": [
            digest(values[v].sort_index()) for v in ("X_train", "X_test", "y_train", "y_test")
        ],
    }


def _extract_model(values: dict[str, Any]) -> dict[str, Any]:
    split = _split(values)
    rows = _rows(split, values)
    return {
        "split": split,
        "model": _estimator_facts(values["model"], "model", rows),
        "baseline": _estimator_facts(values["baseline"], "baseline", rows),
        "test_score": _score(values["test_score"], "test_score"),
        "baseline_score": _score(values["baseline_score"], "baseline_score"),
    }


# --------------------------------------------------------------------------------------
# Stage 4-5: the run and the registry.
# --------------------------------------------------------------------------------------


def _run_facts(run_id: Any) -> dict[str, Any]:
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    from mlcourse.tracking._tags import EXERCISE_TAG

    if type(run_id) is not str or not run_id.strip():
        raise Fail(f"`run_id` should be a str (`run.info.run_id`), but it is {describe(run_id)}.")
    client = MlflowClient()
    try:
        run = client.get_run(run_id.strip())
    except MlflowException:
        raise Fail(f"No run with the id {run_id!r} is in this tracking store.") from None
    experiment = client.get_experiment(run.info.experiment_id)
    return {
        "id": str(run.info.run_id),
        "experiment": str(experiment.name) if experiment is not None else "",
        "exercise": str(run.data.tags.get(EXERCISE_TAG, "")),
        "learner_tag": str(run.data.tags.get("mlcourse.learner", "")),
        "params": {str(k): str(v) for k, v in list(run.data.params.items())[:50]},
        "metrics": {str(k): float(v) for k, v in list(run.data.metrics.items())[:50]},
    }


def _logged_model(uri: Any, var: str, rows) -> dict[str, Any]:
    import mlflow

    if type(uri) is not str or not uri.strip():
        raise Fail(f"`{var}` should be a str (a model URI), but it is {describe(uri)}.")
    try:
        info = mlflow.models.get_model_info(uri.strip())
        model = mlflow.sklearn.load_model(uri.strip())
    except Exception as error:
        raise Fail(
            f"MLflow cannot load a scikit-learn model from `{var}` = {uri!r} "
            f"({type(error).__name__}): log the fitted pipeline with `mlflow.sklearn.log_model`."
        ) from None
    facts = _estimator_facts(model, var, rows)
    facts["run_id"] = str(info.run_id or "")
    facts["hyper"] = _hyperparameters(model)
    return facts


def _extract_run(values: dict[str, Any]) -> dict[str, Any]:
    from mlcourse.tracking import current_learner

    split = _split(values)
    rows = _rows(split, values)
    return {
        "split": split,
        "learner": current_learner(),
        "run": _run_facts(values["run_id"]),
        "logged": _logged_model(values["model_uri"], "model_uri", rows),
        "model_scores": _model_scores(values["model"], rows),
    }


def _model_scores(model: Any, rows) -> list[list[float]]:
    from mlcourse.exercises._sklearn import one_thread

    if not hasattr(model, "predict"):
        raise Fail(f"`model` should be your fitted pipeline, but it is {describe(model)}.")
    try:
        with one_thread():
            return _outputs(model, rows[2])
    except Exception as error:
        raise Fail(
            f"`model` could not score the held-out rows: {type(error).__name__}: "
            f"{str(error)[:120]}."
        ) from None


def _extract_registry(values: dict[str, Any]) -> dict[str, Any]:
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    from mlcourse.exercises.m19 import _parse_alias_uri, _version_run_id
    from mlcourse.tracking import current_learner

    split = _split(values)
    rows = _rows(split, values)
    name, alias = _parse_alias_uri(values["champion_uri"], "champion_uri")
    run = values["run_id"]
    if type(run) is not str:
        raise Fail(f"`run_id` should be a str (`run.info.run_id`), but it is {describe(run)}.")
    data: dict[str, Any] = {
        "split": split,
        "learner": current_learner(),
        "name": name,
        "alias": alias,
        "run_id": run.strip(),
        "found": False,
        "version_run_id": None,
        "version_run": None,
        "champion": None,
        "logged": None,
        "model_scores": _model_scores(values["model"], rows),
    }
    client = MlflowClient()
    try:
        version = client.get_model_version_by_alias(name, alias)
    except MlflowException:
        return data
    data["found"] = True
    data["version_run_id"] = str(_version_run_id(name, version) or "")
    try:
        facts = _run_facts(data["version_run_id"])
        data["version_run"] = {k: facts[k] for k in ("id", "experiment", "exercise")}
    except Fail:
        data["version_run"] = None
    data["champion"] = _logged_model(f"models:/{name}@{alias}", "champion_uri", rows)["scores"]
    data["logged"] = _logged_model(values["model_uri"], "model_uri", rows)["scores"]
    return data


# --------------------------------------------------------------------------------------
# Stage 6: the service, started twice with TestClient (module 20's helpers).
# --------------------------------------------------------------------------------------


def _probe_class(y) -> int:
    return int(sorted(set(y.tolist()))[-1])


def _save_probe(folder: Path, constant: int, X_train, y_train) -> str:
    """An MLflow model that always answers ``constant``: a service that ignores MODEL_URI
    answers something else."""
    import mlflow
    from sklearn.dummy import DummyClassifier

    probe = DummyClassifier(strategy="constant", constant=constant).fit(X_train, y_train)
    path = folder / "probe-model"
    mlflow.sklearn.save_model(probe, str(path), serialization_format="pickle")
    return str(path)


def _bad_requests(row: list[float]) -> list[tuple[str, str, str, Any]]:
    return [
        ("a body with an extra key", "POST", "/predict", {"rows": [row], "debug": 1}),
        ("a row of numbers in quotes", "POST", "/predict", {"rows": [[str(v) for v in row]]}),
        ("a row holding true", "POST", "/predict", {"rows": [[True, *row[1:]]]}),
        ("a row with one value missing", "POST", "/predict", {"rows": [row[:-1]]}),
        ("a row with one value too many", "POST", "/predict", {"rows": [[*row, 1.0]]}),
        ("a row with a text value", "POST", "/predict", {"rows": [[*row[:-1], "high"]]}),
        ("a body without 'rows'", "POST", "/predict", {"data": [row]}),
        ("an empty list of rows", "POST", "/predict", {"rows": []}),
        ("a row that is not a list", "POST", "/predict", {"rows": [5.0]}),
    ]


def jittered_rows(X_train, seed: int | None = None):
    """``N_JITTER`` training rows moved by a little noise (5% of each column's spread): rows a
    service cannot have looked up in advance. Without ``seed``, drawn from the system's entropy
    each time the check runs."""
    import numpy as np

    rng = np.random.default_rng(seed if seed is not None else int.from_bytes(os.urandom(8)))
    picked = X_train.iloc[rng.choice(len(X_train), min(N_JITTER, len(X_train)), replace=False)]
    noise = rng.normal(0.0, 0.05, picked.shape) * X_train.std().to_numpy()
    return (picked.astype(float) + noise).reset_index(drop=True)


def service_requests(X_test, jitter=None) -> list[tuple[str, str, str, Any]]:
    """The valid batches (the held-out rows, ``BATCH`` per request, then the jittered rows),
    then the bad requests."""
    values = X_test.astype(float).to_numpy().tolist()
    valid = [
        (
            f"POST /predict with held-out rows {s}-{s + len(values[s : s + BATCH]) - 1}",
            "POST",
            "/predict",
            {"rows": values[s : s + BATCH]},
        )
        for s in range(0, len(values), BATCH)
    ]
    if jitter is not None:
        valid.append(
            (
                "POST /predict with jittered training rows",
                "POST",
                "/predict",
                {"rows": jitter.to_numpy().tolist()},
            )
        )
    return valid + _bad_requests(values[0])


def _extract_service(values: dict[str, Any]) -> dict[str, Any]:
    import mlflow
    from fastapi import FastAPI

    from mlcourse.exercises.m20 import _serve
    from mlcourse.tracking import model_name

    split = _split(values)
    X_train, y_train, X_test, y_test = _rows(split, values)
    app = values["service"]
    if not isinstance(app, FastAPI):
        raise Fail(f"`service` should be a FastAPI application, but it is {describe(app)}.")
    champion_uri = f"models:/{model_name(MODEL_BASE)}@champion"
    try:
        champion = mlflow.pyfunc.load_model(champion_uri)
        expected_input = X_test.astype(float)
        champion_pred = _classes(champion.predict(expected_input), "the champion")
        jitter = jittered_rows(X_train)
        jitter_pred = _classes(champion.predict(jitter), "the champion")
    except Fail:
        raise
    except Exception as error:
        raise Fail(
            f"The check cannot load {champion_uri} ({type(error).__name__}): stage 5 registers "
            "the model and sets the alias."
        ) from None
    constant = _probe_class(y_test)
    probe_rows = X_test[(y_test != constant).to_numpy()].head(10)
    probe_request = [
        (
            "POST /predict with ten rows, served from another model",
            "POST",
            "/predict",
            {"rows": probe_rows.astype(float).to_numpy().tolist()},
        )
    ]
    folder = Path(tempfile.mkdtemp(prefix="mlcourse-m25-"))
    previous = os.environ.get("MODEL_URI")
    try:
        probe_uri = _save_probe(folder, constant, X_train, y_train)
        responses = []
        for uri, requests in (
            (champion_uri, service_requests(X_test, jitter)),
            (probe_uri, probe_request),
        ):
            os.environ["MODEL_URI"] = uri
            responses.append(_serve(app, requests))
    except Exception as error:
        raise Fail(
            f"`service` did not start: {type(error).__name__}: {str(error)[:160]}. Its lifespan "
            "should load the model named by the environment variable MODEL_URI when it starts."
        ) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if previous is None:
            os.environ.pop("MODEL_URI", None)
        else:
            os.environ["MODEL_URI"] = previous
    return {
        "split": split,
        "champion": champion_pred,
        "jitter": jitter_pred,
        "responses": responses[0],
        "probe": responses[1],
        "probe_class": constant,
    }


# --------------------------------------------------------------------------------------
# Stage 7: the drift report, run by the check on batches it chooses.
# --------------------------------------------------------------------------------------


def drift_cases(X_train, X_test) -> list[tuple[str, Any, Any]]:
    """(label, reference, current): the scaffold's batch first, then batches the check adds."""
    first = sorted(X_train.columns)[0]
    return [
        ("the scaffold's shifted batch", X_train, shifted_batch(X_test)),
        ("the held-out rows, unshifted", X_train, X_test),
        ("half of the training rows themselves", X_train, X_train.iloc[::2]),
        ("a batch with one feature shifted", X_train, shifted_batch(X_test, [first], sds=1.5)),
        ("a batch with one feature shifted a little", X_train, _borderline(X_train, X_test)),
    ]


def _borderline(X_train, X_test):
    """The held-out rows with one feature shifted just enough that its KS p-value lies between
    the Bonferroni level and ALPHA: significant for one test, not for the whole report."""
    import numpy as np
    from scipy.stats import ks_2samp

    level = ALPHA / X_train.shape[1]
    for name in sorted(X_train.columns):
        for sds in np.linspace(0.1, 1.5, 29):
            batch = shifted_batch(X_test, [name], sds=float(sds))
            if level < ks_2samp(X_train[name], batch[name]).pvalue < ALPHA:
                return batch
    return shifted_batch(X_test, [sorted(X_train.columns)[-1]], sds=0.5)


def _report_facts(report: Any, decision: Any, columns: list[str]) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    if type(report) is not pd.DataFrame:
        return {"error": f"drift_report returned {describe(report)}, not a DataFrame"}
    missing = [c for c in ("ks_pvalue", "psi", "drifted") if c not in report.columns]
    if missing:
        return {"error": f"the report has no column {missing[0]!r}"}
    facts: dict[str, Any] = {"index": [str(i) for i in report.index.tolist()[:200]]}
    try:
        facts["ks_pvalue"] = [float(v) for v in np.asarray(report["ks_pvalue"], dtype=float)[:200]]
        facts["psi"] = [float(v) for v in np.asarray(report["psi"], dtype=float)[:200]]
    except (TypeError, ValueError):
        return {"error": "the columns ks_pvalue and psi should hold numbers"}
    flags = report["drifted"].tolist()[:200]
    if not all(isinstance(f, (bool, np.bool_)) for f in flags):
        return {"error": "the column drifted should hold bools"}
    facts["drifted"] = [bool(f) for f in flags]
    facts["decision"] = str(decision) if isinstance(decision, str) else describe(decision)
    return facts


def _extract_drift(values: dict[str, Any]) -> dict[str, Any]:
    split = _split(values)
    X_train, _, X_test, _ = _rows(split, values)
    X_train = X_train.sort_index()  # the judge rebuilds the same batches from sorted labels
    report_fn, decide_fn = values["drift_report"], values["decide"]
    for var, fn in (("drift_report", report_fn), ("decide", decide_fn)):
        if not callable(fn):
            raise Fail(f"`{var}` should be a function, but it is {describe(fn)}.")
    results = []
    for _, reference, current in drift_cases(X_train, X_test):
        try:
            report = report_fn(reference.copy(), current.copy())
            decision = decide_fn(report.copy() if hasattr(report, "copy") else report)
        except Exception as error:
            results.append({"error": f"{type(error).__name__}: {str(error)[:80]}"})
            continue
        results.append(_report_facts(report, decision, list(X_train.columns)))
    return {"split": split, "results": results}


def _extract_summary(values: dict[str, Any]) -> dict[str, Any]:
    text = values["summary"]
    if type(text) is not str:
        raise Fail(f"`summary` should be a str (a few paragraphs), but it is {describe(text)}.")
    return {"text": text[:20_000]}


# --------------------------------------------------------------------------------------
# The problems.
# --------------------------------------------------------------------------------------

_SPLIT = ("DATASET", "X_train", "X_test", "y_train", "y_test")

MODULE = Module(
    "25",
    "capstone",
    "Capstone",
    problems=(
        Custom(
            "25.1",
            reads=("DATASET", "X", "y"),
            extract=_extract_data,
            title="Stage 1: choose and load a dataset",
            points=2,
            hints=[
                f"`DATASET` is one of {sorted(MENU)}; load it with its loader from "
                "`mlcourse.datasets`.",
                "`X, y = load_dataset(DATASET)` gives the features and the target as loaded; "
                "change neither.",
            ],
        ),
        Custom(
            "25.2",
            reads=_SPLIT,
            extract=_extract_split,
            title="Stage 2: a held-out split",
            points=4,
            hints=[
                "Keep between 20% and 30% of the rows for the test, with the classes in the "
                "same proportions as in the whole dataset, and never look at them again until "
                "the model is chosen.",
                "`train_test_split(X, y, test_size=0.25, stratify=y, random_state=25)` keeps "
                "the index of `X`, which the later checks use to find your rows.",
            ],
        ),
        Custom(
            "25.3",
            reads=(*_SPLIT, "baseline", "model", "baseline_score", "test_score"),
            extract=_extract_model,
            title="Stage 3: a baseline and a pipeline, scored on the held-out rows",
            points=5,
            hints=[
                "A baseline (`DummyClassifier(strategy='most_frequent')`, or 'prior') and a "
                "`Pipeline` of scikit-learn's own steps (no functions of your own inside), both "
                "fitted on the training rows only.",
                "Set `random_state` wherever an estimator has one: the check refits a copy of "
                "your pipeline on your training rows and compares its predicted probabilities "
                "with yours.",
                "`test_score = accuracy_score(y_test, model.predict(X_test))`, computed, not "
                "typed; the same for `baseline_score`.",
            ],
        ),
        Custom(
            "25.4",
            reads=(*_SPLIT, "model", "run_id", "model_uri"),
            extract=_extract_run,
            title="Stage 4: an MLflow run",
            points=5,
            hints=[
                "Open the run with `mlcourse.tracking.run('25.4', run_name=...)`: it lands in "
                "this module's experiment, tagged with you and the stage.",
                "Log your pipeline's hyperparameters with `mlflow.log_params`, under their "
                "names in `model.get_params()` (for example 'C' or 'clf__C', with the value "
                "the fitted pipeline has), the metric "
                f"`{METRIC}` measured on the held-out rows, and the fitted pipeline with "
                "`mlflow.sklearn.log_model`.",
                "Keep `run_id = run.info.run_id` and `model_uri = info.model_uri` (what "
                "`log_model` returned).",
            ],
        ),
        Custom(
            "25.5",
            reads=(*_SPLIT, "model", "run_id", "model_uri", "champion_uri"),
            extract=_extract_registry,
            title="Stage 5: register the model, alias champion",
            points=4,
            hints=[
                "`MODEL_NAME = mlcourse.tracking.model_name('capstone')` is your own name on a "
                "shared server.",
                "`version = mlflow.register_model(model_uri, MODEL_NAME)`, then "
                "`MlflowClient().set_registered_model_alias(MODEL_NAME, 'champion', "
                "version.version)`.",
                "`champion_uri = f'models:/{MODEL_NAME}@champion'`.",
            ],
        ),
        Custom(
            "25.6",
            reads=(*_SPLIT, "service"),
            extract=_extract_service,
            title="Stage 6: a FastAPI service that serves the champion",
            points=5,
            hints=[
                "A lifespan loads `mlflow.pyfunc.load_model(os.environ['MODEL_URI'])` into "
                "`service.state.model` when the service starts; `POST /predict` takes "
                "`{'rows': [[...], ...]}` and returns `{'predictions': [...]}`.",
                "Validate with pydantic: one row is a list of exactly `len(FEATURES)` floats, "
                "at least one row, numbers only (`ConfigDict(strict=True)`: '1.2' in quotes and "
                "true are refused), no other keys (`extra='forbid'`). Turn the rows into "
                "`pd.DataFrame(body.rows, columns=FEATURES)` and return plain ints: "
                "`[int(p) for p in model.predict(frame)]`.",
                "`Row = Annotated[list[float], Field(min_length=len(FEATURES), "
                "max_length=len(FEATURES))]`, then `class Rows(BaseModel)` with "
                "`model_config = ConfigDict(extra='forbid', strict=True)` and "
                "`rows: list[Row] = Field(min_length=1)`.",
            ],
        ),
        Custom(
            "25.7",
            reads=(*_SPLIT, "drift_report", "decide"),
            extract=_extract_drift,
            title="Stage 7: a drift report and a decision",
            points=5,
            hints=[
                "One row per feature, in the order of the reference's columns: the KS test's "
                "p-value (`scipy.stats.ks_2samp(...).pvalue`) and the PSI of module 21 (10 "
                "quantile bins of the reference, `np.searchsorted(cuts, x, side='right')`, "
                "proportions floored at 1e-4).",
                f"`drifted` is `ks_pvalue < {ALPHA} / len(reference.columns)` (Bonferroni: "
                f"one false alarm in about {round(1 / ALPHA)} drift-free batches, however many "
                f"features) and `psi > {PSI_MIN}`. The check calls your functions on batches "
                "of its own, some without drift.",
                f"`decide(report)` returns {DECISIONS[0]!r} when any feature drifted, else "
                f"{DECISIONS[1]!r}: drift in the inputs is a reason to look, not proof that the "
                "model got worse.",
            ],
        ),
        Custom(
            "25.8",
            reads=("summary",),
            extract=_extract_summary,
            title="Stage 8: the written summary",
            points=2,
            hints=[
                f"Between {SUMMARY_WORDS[0]} and {SUMMARY_WORDS[1]} words of your own: the "
                "data, the model and its held-out score against the baseline, what the service "
                "does, what the drift report found and what you would do next.",
            ],
        ),
        Choice(
            "25.kc1",
            var="kc1",
            choices="abcd",
            title="Why serve an alias",
            hints=["What changes when a new model is promoted, and what must not?"],
        ),
        Choice(
            "25.kc2",
            var="kc2",
            choices="abcd",
            title="A drift alarm",
            hints=["What does a drift report say about the labels of the new batch?"],
        ),
    ),
)
