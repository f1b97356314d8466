"""Answer key of module 25 — Capstone.

Every stage is judged from evidence rebuilt from the catalog dataset: the split from its index
labels, the scores from the predictions of the learner's fitted pipeline (and of a copy the
check refitted on the training rows), the run's metric from the predictions of the model that
the run logged, the registry from the predictions of the version the alias names, the service
from its live answers compared with the champion's, and the drift report from KS p-values and
PSIs recomputed here on the same reference and batches.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    at,
    malformed,
    require_bool,
    require_dict,
    require_float,
    require_int,
    require_list,
    require_optional,
    require_str,
)
from mlcourse.exercises.m25 import (
    ALPHA,
    BASELINE_STRATEGIES,
    DECISIONS,
    MENU,
    METRIC,
    MODEL_BASE,
    N_JITTER,
    PSI_MIN,
    SUMMARY_WORDS,
    TEST_SHARE,
    _bad_requests,
    digest,
    drift_cases,
    load_dataset,
)
from mlcourse.keys.m21 import _cuts, _psi, _psi_from
from mlcourse.tracking import learner_slug

_SCORE_ATOL = 1e-6  # a computed accuracy against the key's (accuracies differ by >= 1/n)
_OUTPUT_ATOL = 1e-9  # predicted probabilities of the same fitted model, or of an exact refit
_P_RTOL = 1e-6  # KS p-values and PSIs against the key's
_EXPERIMENT = "mlcourse/25_capstone"


# --------------------------------------------------------------------------------------
# The split, shared by every stage.
# --------------------------------------------------------------------------------------


@cache
def _dataset(name: str):
    return load_dataset(name)


def _require_labels(value: Any, path: str) -> list[int]:
    require_list(value, path, item=require_int)
    if any(b <= a for a, b in zip(value, value[1:], strict=False)):
        raise malformed(path, "should be sorted, without repeats")
    return value


def _check_split(split: Any, path: str = "data['split']"):
    """The learner's split, validated: the dataset's rows, train and test as frames."""
    require_dict(split, path, ("dataset", "train", "test"))
    name = require_str(split["dataset"], at(path, "dataset"))
    if name not in MENU:
        raise Fail(f"`DATASET` is {name!r}, which is not on the capstone's menu ({sorted(MENU)}).")
    train = _require_labels(split["train"], at(path, "train"))
    test = _require_labels(split["test"], at(path, "test"))
    X, y = _dataset(name)
    if set(train) & set(test):
        raise Fail(
            f"{len(set(train) & set(test))} row(s) are in both `X_train` and `X_test`: a held-out "
            "row must never be trained on."
        )
    if sorted(train + test) != sorted(X.index.tolist()):
        raise Fail(
            "`X_train` and `X_test` together should hold every row of the dataset once, with "
            "the index it was loaded with (split `X, y` as loaded, without resetting the index)."
        )
    share = len(test) / len(X)
    if not math.floor(TEST_SHARE[0] * len(X)) <= len(test) <= math.ceil(TEST_SHARE[1] * len(X)):
        raise Fail(
            f"The test set holds {share:.1%} of the rows; the brief asks for between "
            f"{TEST_SHARE[0]:.0%} and {TEST_SHARE[1]:.0%}."
        )
    y_test = y.loc[test]
    for label, count in y.value_counts().items():
        want = count * len(test) / len(X)
        if abs(int((y_test == label).sum()) - want) > 1.0:
            raise Fail(
                f"Class {label} is not in the test set in the proportion it has in the whole "
                "dataset: split with `stratify=y`, so that the held-out score is not skewed by "
                "a chance mix of classes."
            )
    return X.loc[train], y.loc[train], X.loc[test], y.loc[test]


def _accuracy(pred: list[int], y_true) -> float:
    return float(np.mean(np.asarray(pred) == y_true.to_numpy()))


def _require_pred(value: Any, path: str, n: int) -> list[int]:
    return require_list(value, path, length=n, per="held-out row", item=require_int)


# --------------------------------------------------------------------------------------
# Stages 1-3.
# --------------------------------------------------------------------------------------


def _judge_data(data: Any) -> None:
    require_dict(data, "data", ("dataset", "X", "y"))
    name = require_str(data["dataset"], "data['dataset']")
    require_str(data["X"], "data['X']")
    require_str(data["y"], "data['y']")
    if name not in MENU:
        raise Fail(f"`DATASET` is {name!r}, which is not on the capstone's menu ({sorted(MENU)}).")
    X, y = _dataset(name)
    if data["X"] != digest(X) or data["y"] != digest(y):
        raise Fail(
            f"`X` and `y` are not the {name} data as `load_dataset(DATASET)` returns them "
            "(other rows, columns, values, types or index): keep them as loaded; later stages "
            "transform inside the pipeline."
        )


def _judge_split(data: Any) -> None:
    require_dict(data, "data", ("split", "digests"))
    require_list(data["digests"], "data['digests']", length=4, per="frame", item=require_str)
    X_train, y_train, X_test, y_test = _check_split(data["split"])
    want = [digest(f.sort_index()) for f in (X_train, X_test, y_train, y_test)]
    for var, got, expected in zip(
        ("X_train", "X_test", "y_train", "y_test"), data["digests"], want, strict=True
    ):
        if got != expected:
            raise Fail(
                f"`{var}` does not hold the dataset's values for its rows: the split should "
                "leave every row untouched (no scaling, filling or editing before the split, "
                "and nothing written into the test set)."
            )


def _require_outputs(value: Any, path: str, n: int) -> np.ndarray:
    rows = require_list(value, path, length=n, per="held-out row")
    width = None
    for index, row in enumerate(rows):
        require_list(row, f"{path}[{index}]", item=require_float)
        if width is None:
            width = len(row)
        if not row or len(row) != width:
            raise malformed(f"{path}[{index}]", "should hold one number per class, like every row")
    array = np.asarray(rows, dtype=float)
    if not np.isfinite(array).all():
        raise malformed(path, "should hold finite numbers")
    return array


def _same_outputs(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= _OUTPUT_ATOL))


def _check_estimator(facts: Any, path: str, var: str, n: int) -> list[int]:
    keys = ("pipeline", "sklearn", "final", "strategy", "pred", "scores", "refit")
    require_dict(facts, path, (*keys, "refit_scores", "seeded"))
    require_bool(facts["pipeline"], at(path, "pipeline"))
    require_bool(facts["sklearn"], at(path, "sklearn"))
    require_bool(facts["seeded"], at(path, "seeded"))
    require_str(facts["strategy"], at(path, "strategy"))
    final = require_str(facts["final"], at(path, "final"))
    pred = _require_pred(facts["pred"], at(path, "pred"), n)
    scores = _require_outputs(facts["scores"], at(path, "scores"), n)
    if not facts["sklearn"]:
        raise Fail(
            f"`{var}` holds a step that is not one of scikit-learn's own estimators (or a "
            "function of your own as a parameter): the check refits a copy of it, which only "
            "scikit-learn's own classes make trustworthy."
        )
    refit = _require_pred(facts["refit"], at(path, "refit"), n)
    refit_scores = _require_outputs(facts["refit_scores"], at(path, "refit_scores"), n)
    if not _is_classifier(final):
        raise Fail(f"`{var}` ends with {final.rsplit('.', 1)[-1]}, which is not a classifier.")
    if not facts["seeded"]:
        raise Fail(
            f"Two copies of `{var}` fitted on the same training rows predict differently: set "
            "`random_state` in every step that has one, so that the result can be reproduced."
        )
    if pred != refit or not _same_outputs(scores, refit_scores):
        raise Fail(
            f"`{var}` does not predict what a copy of it fitted on the training rows alone "
            "predicts: fit it on `X_train, y_train` (not on the test rows, all the rows or a "
            "part of the training rows), after the split."
        )
    return pred


@cache
def _is_classifier(path: str) -> bool:
    import importlib

    from sklearn.base import is_classifier

    module, _, name = path.rpartition(".")
    if module.split(".")[0] != "sklearn":
        return False
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError):
        return False
    try:
        return bool(is_classifier(cls()))
    except Exception:  # a class that cannot be inspected
        return False


def _judge_model(data: Any) -> None:
    require_dict(data, "data", ("split", "model", "baseline", "test_score", "baseline_score"))
    require_float(data["test_score"], "data['test_score']")
    require_float(data["baseline_score"], "data['baseline_score']")
    _, _, _, y_test = _check_split(data["split"])
    n = len(y_test)
    baseline = _check_estimator(data["baseline"], "data['baseline']", "baseline", n)
    if data["baseline"]["final"] != "sklearn.dummy.DummyClassifier" or data["baseline"]["pipeline"]:
        raise Fail("`baseline` should be a `DummyClassifier` on its own, the score to beat.")
    if data["baseline"]["strategy"] not in BASELINE_STRATEGIES:
        raise Fail(
            "`baseline` should predict the most frequent class of the training rows "
            "(`strategy='most_frequent'` or 'prior'): another strategy sets the bar lower."
        )
    pred = _check_estimator(data["model"], "data['model']", "model", n)
    if not data["model"]["pipeline"]:
        raise Fail("`model` should be a scikit-learn `Pipeline` (preprocessing, then a model).")
    for var, got, p in (
        ("baseline_score", data["baseline_score"], baseline),
        ("test_score", data["test_score"], pred),
    ):
        if not abs(got - _accuracy(p, y_test)) <= _SCORE_ATOL:
            raise Fail(
                f"`{var}` is {got:.4g}, which is not the accuracy of your fitted estimator on "
                "your held-out rows when the check recomputes it: compute it with "
                "`accuracy_score(y_test, ....predict(X_test))`, unrounded."
            )
    if not _accuracy(pred, y_test) > _accuracy(baseline, y_test):
        raise Fail("`model` does not beat the baseline on the held-out rows.")


# --------------------------------------------------------------------------------------
# Stages 4-5.
# --------------------------------------------------------------------------------------


def _judge_run(data: Any) -> None:
    require_dict(data, "data", ("split", "learner", "run", "logged", "model_scores"))
    learner = require_optional(require_str)(data["learner"], "data['learner']")
    run = require_dict(
        data["run"],
        "data['run']",
        ("id", "experiment", "exercise", "learner_tag", "params", "metrics"),
    )
    for key in ("id", "experiment", "exercise", "learner_tag"):
        require_str(run[key], at("data['run']", key))
    params = require_dict(run["params"], "data['run']['params']")
    metrics = require_dict(run["metrics"], "data['run']['metrics']")
    for key, value in params.items():
        require_str(value, at("data['run']['params']", key))
    for key, value in metrics.items():
        require_float(value, at("data['run']['metrics']", key))
    logged = data["logged"]
    require_dict(logged, "data['logged']")
    run_of_model = require_str(logged.get("run_id"), "data['logged']['run_id']")
    hyper = require_dict(logged.get("hyper"), "data['logged']['hyper']")
    for key, value in hyper.items():
        require_str(value, at("data['logged']['hyper']", key))
    facts = {k: v for k, v in logged.items() if k not in ("run_id", "hyper")}
    _, _, _, y_test = _check_split(data["split"])
    n = len(y_test)
    model_scores = _require_outputs(data["model_scores"], "data['model_scores']", n)
    if run["experiment"] != _EXPERIMENT or run["exercise"] != "25.4":
        raise Fail(
            f"The run is not in this module's experiment ({_EXPERIMENT}) with the tag of stage "
            "4: open it with `mlcourse.tracking.run('25.4', run_name=...)`."
        )
    if learner and run["learner_tag"] != learner:
        raise Fail(
            "The run is not tagged with your learner name: open it with `mlcourse.tracking.run`."
        )
    if not params:
        raise Fail("The run logged no parameters: log the pipeline's hyperparameters.")
    if run_of_model != run["id"]:
        raise Fail("`model_uri` names a model that another run logged, not the run `run_id`.")
    _check_params(params, hyper)
    pred = _check_estimator(facts, "data['logged']", "the logged model", n)
    if not _same_outputs(
        _require_outputs(logged["scores"], "data['logged']['scores']", n), model_scores
    ):
        raise Fail("The logged model is not the pipeline `model` you evaluated in stage 3.")
    if METRIC not in metrics:
        raise Fail(f"The run did not log the metric `{METRIC}`.")
    if not abs(metrics[METRIC] - _accuracy(pred, y_test)) <= _SCORE_ATOL:
        raise Fail(
            f"The run's `{METRIC}` ({metrics[METRIC]:.4g}) is not what the model it logged scores "
            "on your held-out rows: log the accuracy your code computed, unrounded."
        )


def _same_value(logged: str, actual: str) -> bool:
    if logged == actual:
        return True
    try:
        return float(logged) == float(actual)
    except ValueError:
        return False


def _check_params(params: dict[str, str], hyper: dict[str, str]) -> None:
    """At least one logged parameter is a hyperparameter of the logged model (by its name in
    ``get_params()`` or the part after the last '__'), and each such one has its value."""
    matched = 0
    for key, value in params.items():
        actual = [v for k, v in hyper.items() if k == key or k.rsplit("__", 1)[-1] == key]
        if not actual:
            continue
        matched += 1
        if not any(_same_value(value, a) for a in actual):
            raise Fail(
                f"The run logged the parameter {key!r} = {value[:40]!r}, but the model it logged "
                "has another value for it: log the hyperparameters the fitted pipeline has."
            )
    if not matched:
        raise Fail(
            "None of the run's parameters is a hyperparameter of the model it logged: log them "
            "under their names in `model.get_params()` (for example 'C' or 'clf__C')."
        )


def _judge_registry(data: Any) -> None:
    keys = (
        "split",
        "learner",
        "name",
        "alias",
        "run_id",
        "found",
        "version_run_id",
        "version_run",
        "champion",
        "logged",
        "model_scores",
    )
    require_dict(data, "data", keys)
    learner = require_optional(require_str)(data["learner"], "data['learner']")
    for key in ("name", "alias", "run_id"):
        require_str(data[key], at("data", key))
    found = require_bool(data["found"], "data['found']")
    _, _, _, y_test = _check_split(data["split"])
    n = len(y_test)
    if data["alias"] != "champion":
        raise Fail(
            f"`champion_uri` uses the alias {data['alias']!r}; the brief asks for 'champion'."
        )
    if data["name"] != f"{MODEL_BASE}-{learner_slug(learner)}":
        raise Fail(
            "`champion_uri` does not name your own registered model: register under "
            "`MODEL_NAME = mlcourse.tracking.model_name('capstone')`."
        )
    if not found:
        raise Fail("Your registered model has no version with the alias champion: set it.")
    version_run = require_str(data["version_run_id"], "data['version_run_id']")
    champion = _require_outputs(data["champion"], "data['champion']", n)
    logged = _require_outputs(data["logged"], "data['logged']", n)
    model_scores = _require_outputs(data["model_scores"], "data['model_scores']", n)
    if version_run != data["run_id"]:
        raise Fail(
            "The alias champion points at a version that the run `run_id` did not log: register "
            "stage 4's model (`model_uri`) and point the alias at that version."
        )
    facts = data["version_run"]
    if facts is None:
        raise Fail("The run that logged the champion is not in this tracking store.")
    require_dict(facts, "data['version_run']", ("id", "experiment", "exercise"))
    experiment = require_str(facts["experiment"], "data['version_run']['experiment']")
    exercise = require_str(facts["exercise"], "data['version_run']['exercise']")
    run_id = require_str(facts["id"], "data['version_run']['id']")
    if run_id != version_run or experiment != _EXPERIMENT or exercise != "25.4":
        raise Fail(
            "The champion was logged by a run outside this module's stage 4: register the model "
            "your run of stage 4 (`mlcourse.tracking.run('25.4', ...)`) logged."
        )
    if not _same_outputs(champion, logged):
        raise Fail(
            "The champion does not predict what the model of `model_uri` predicts: the alias "
            "should name the version registered from stage 4's logged model."
        )
    if not _same_outputs(champion, model_scores):
        raise Fail("The champion is not the pipeline `model` you evaluated in stage 3.")


# --------------------------------------------------------------------------------------
# Stage 6: the service.
# --------------------------------------------------------------------------------------


def _require_responses(value: Any, path: str, n: int) -> list[dict[str, Any]]:
    require_list(value, path, length=n, per="request")
    for index, entry in enumerate(value):
        require_dict(entry, f"{path}[{index}]", ("status", "json"))
        require_int(entry["status"], f"{path}[{index}]['status']")
    return value


def _predictions(body: Any) -> list[Any] | None:
    if (
        type(body) is not dict
        or list(body) != ["predictions"]
        or type(body["predictions"]) is not list
    ):
        return None
    if not all(type(p) is int for p in body["predictions"]):
        return None
    return body["predictions"]


def _judge_service(data: Any) -> None:
    keys = ("split", "champion", "jitter", "responses", "probe", "probe_class")
    require_dict(data, "data", keys)
    X_train, _, X_test, y_test = _check_split(data["split"])
    n = len(y_test)
    champion = _require_pred(data["champion"], "data['champion']", n)
    jitter = _require_pred(data["jitter"], "data['jitter']", min(N_JITTER, len(X_train)))
    probe_class = require_int(data["probe_class"], "data['probe_class']")
    batches = math.ceil(n / 50) + 1  # the held-out rows, then the jittered training rows
    bad = _bad_requests([0.0] * X_test.shape[1])
    responses = _require_responses(data["responses"], "data['responses']", batches + len(bad))
    probe = _require_responses(data["probe"], "data['probe']", 1)
    if len(set(champion)) < 2:
        raise Fail("Your champion predicts one class for every held-out row: it is no model.")
    if probe_class != int(sorted(set(y_test.tolist()))[-1]):
        raise malformed("data['probe_class']", "is not the class of the check's probe model")
    served: list[Any] = []
    for response in responses[:batches]:
        if response["status"] != 200:
            raise Fail(
                f"POST /predict with held-out rows answered {response['status']}, not 200: "
                "`{'rows': [[...], ...]}` with one list of floats per row should be accepted."
            )
        got = _predictions(response["json"])
        if got is None:
            raise Fail("A 200 answer should be `{'predictions': [...]}`, one plain int per row.")
        served += got
    if served != champion + jitter or any(type(p) is not int for p in served):
        raise Fail(
            "The service's predictions for the held-out rows, or for new rows the check made "
            "up, are not the champion's (plain ints, one per row, in order): load "
            "`models:/NAME@champion` from MODEL_URI and return `model.predict(frame)` for "
            "every row sent."
        )
    for (what, *_), response in zip(bad, responses[batches:], strict=True):
        if response["status"] != 422:
            raise Fail(
                f"POST /predict with {what} answered {response['status']}, not 422: validate the "
                "body with a pydantic model (rows of exactly len(FEATURES) numbers, no text or "
                "true/false, at least one row, no other keys: strict, extra='forbid')."
            )
    got = _predictions(probe[0]["json"]) if probe[0]["status"] == 200 else None
    n_probe = min(10, int((y_test != probe_class).sum()))
    if got is None or got != [probe_class] * n_probe:
        raise Fail(
            "Started with MODEL_URI naming another model, the service still answered with its "
            "own: load the model that `os.environ['MODEL_URI']` names in the lifespan, when "
            "the service starts."
        )


# --------------------------------------------------------------------------------------
# Stage 7: the drift report.
# --------------------------------------------------------------------------------------


def _psi_left(reference, current) -> float:
    """PSI with bins closed on the right (``searchsorted(side='left')``, ``pd.cut``): it
    differs from module 21's only for values equal to a cut point."""
    cuts = _cuts(reference, 10)

    def shares(values):
        values = np.asarray(values, float)
        counts = np.bincount(np.searchsorted(cuts, values, side="left"), minlength=len(cuts) + 1)
        return counts / len(values)

    return _psi_from(shares(reference), shares(current))


def reference_report(reference, current, side: str = "right"):
    """The report the check expects: KS p-value, PSI and the drift flag per feature. ``side``
    is the tie convention of the PSI's bins: 'right' is module 21's, 'left' also accepted."""
    import pandas as pd
    from scipy.stats import ks_2samp

    level = ALPHA / len(reference.columns)  # Bonferroni
    psi_of = _psi if side == "right" else _psi_left
    rows = []
    for name in reference.columns:
        p = float(ks_2samp(reference[name], current[name]).pvalue)
        psi = float(psi_of(reference[name].to_numpy(), current[name].to_numpy()))
        rows.append({"ks_pvalue": p, "psi": psi, "drifted": bool(p < level and psi > PSI_MIN)})
    return pd.DataFrame(rows, index=list(reference.columns))


def reference_decision(report) -> str:
    """'investigate' when a feature drifted, else 'no action'."""
    return DECISIONS[0] if bool(report["drifted"].any()) else DECISIONS[1]


def _close(got: list[float], want: list[float]) -> bool:
    return len(got) == len(want) and all(
        abs(g - w) <= _P_RTOL * max(abs(w), 1e-12) + 1e-12 for g, w in zip(got, want, strict=True)
    )


def _judge_drift(data: Any) -> None:
    require_dict(data, "data", ("split", "results"))
    X_train, _, X_test, _ = _check_split(data["split"])
    cases = drift_cases(X_train, X_test)
    results = require_list(data["results"], "data['results']", length=len(cases), per="batch")
    decisions = set()
    for index, ((label, reference, current), got) in enumerate(zip(cases, results, strict=True)):
        path = f"data['results'][{index}]"
        require_dict(got, path)
        if "error" in got:
            require_dict(got, path, ("error",))
            raise Fail(
                f"On {label}, the report failed: {require_str(got['error'], at(path, 'error'))}."
            )
        require_dict(got, path, ("index", "ks_pvalue", "psi", "drifted", "decision"))
        require_list(got["index"], at(path, "index"), item=require_str)
        require_list(got["ks_pvalue"], at(path, "ks_pvalue"), item=require_float)
        require_list(got["psi"], at(path, "psi"), item=require_float)
        require_list(got["drifted"], at(path, "drifted"), item=require_bool)
        require_str(got["decision"], at(path, "decision"))
        want = reference_report(reference, current)
        decisions.add(reference_decision(want))
        if not _close(got["psi"], want["psi"].tolist()):
            other = reference_report(reference, current, side="left")
            if _close(got["psi"], other["psi"].tolist()):
                want = other
        if got["index"] != list(want.index):
            raise Fail(
                f"On {label}, the report's rows are not the features of the data, one per "
                "column of the reference, in its order: compare every feature, not a selection."
            )
        if not _close(got["ks_pvalue"], want["ks_pvalue"].tolist()):
            raise Fail(
                f"On {label}, `ks_pvalue` is not the two-sample KS test's p-value of each "
                "feature, reference against current (`ks_2samp(reference[f], current[f])`)."
            )
        if not _close(got["psi"], want["psi"].tolist()):
            raise Fail(
                f"On {label}, `psi` is not module 21's PSI of each feature (10 quantile bins of "
                "the reference, a value counted with `np.searchsorted(cuts, x, side='right')`, "
                "proportions floored at 1e-4)."
            )
        if got["drifted"] != want["drifted"].tolist():
            raise Fail(
                f"On {label}, `drifted` does not follow the rule `ks_pvalue < {ALPHA} / "
                f"len(reference.columns)` and `psi > {PSI_MIN}` for every feature."
            )
        if got["decision"] != reference_decision(want):
            raise Fail(
                f"On {label}, `decide` returned {got['decision'][:40]!r}: it should say "
                f"{DECISIONS[0]!r} when a feature drifted and {DECISIONS[1]!r} otherwise."
            )
    if decisions != set(DECISIONS):
        raise RuntimeError("the drift cases should need both decisions")


def _judge_summary(data: Any) -> None:
    require_dict(data, "data", ("text",))
    text = require_str(data["text"], "data['text']")
    words = text.split()
    low, high = SUMMARY_WORDS
    if not low <= len(words) <= high:
        raise Fail(f"`summary` has {len(words)} words; write between {low} and {high}.")
    if len({w.lower().strip(".,;:!?") for w in words}) < len(words) // 3:
        raise Fail("`summary` repeats the same few words: write it in sentences of your own.")


KEY = {
    "25.1": {"judge": _judge_data},
    "25.2": {"judge": _judge_split},
    "25.3": {"judge": _judge_model},
    "25.4": {"judge": _judge_run},
    "25.5": {"judge": _judge_registry},
    "25.6": {"judge": _judge_service},
    "25.7": {"judge": _judge_drift},
    "25.8": {"judge": _judge_summary},
    "25.kc1": {
        "answer": "c",
        "explanation": (
            "The service names a role, not a version: promoting a new model moves the alias in "
            "the registry, and the service picks it up when it restarts, without a new release "
            "of its code."
        ),
        "feedback": {
            "a": "An alias does not make loading faster: MLflow resolves it to a version and "
            "downloads the same files.",
            "b": "An alias points at one version at a time; it does not average or combine "
            "versions.",
            "d": "Versions are never deleted by moving an alias: the old version stays, which "
            "is what makes a rollback one command.",
        },
    },
    "25.kc2": {
        "answer": "b",
        "explanation": (
            "Drift tests compare inputs only. A drifted feature says the new rows look unlike the "
            "training rows, so the held-out score may no longer describe them; whether accuracy "
            "fell needs labels, which often arrive later."
        ),
        "feedback": {
            "a": "The report never looks at labels or predictions: it cannot show that accuracy "
            "fell, only that the inputs changed.",
            "c": "A KS p-value below the level is evidence that the distributions differ, not a "
            "fault in the test; testing many features at once is why the level is divided by "
            "their number (Bonferroni), which keeps false alarms rare.",
            "d": "Retraining on the drifted batch needs its labels, and its rows are not a "
            "held-out set for the old model any more once they are used to train.",
        },
    },
}
