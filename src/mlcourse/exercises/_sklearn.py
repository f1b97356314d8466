"""Helpers shared by the scikit-learn exercises (modules 06 to 10).

- :func:`one_thread` and :func:`class_path`, used by the checks that fit or inspect models;
- the "no scikit-learn metrics" rule of the exercises that ask for a metric from scratch
  (06.3 RMSE and MAE, 07.3 precision and recall).

The rule reads the learner's compiled code (a metric named but not reached still counts) and
traces the calls into ``sklearn.metrics`` while the cases run (however the call was reached).
Both run in the learner's kernel: they hold honest work to the rule, they cannot stop a
learner who sets out to hide a call, which is why such exercises are worth few points.
"""

from __future__ import annotations

import types
from typing import Any

from mlcourse.checks import UNRESOLVED, Fail, Function, MethodRule, describe, names_used


def one_thread():
    """A context in which NumPy's, scikit-learn's and OpenMP's thread pools use one thread.

    The course's models are small: on a busy machine, threads that wait for each other make
    them many times slower than one thread.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def class_path(obj: Any) -> str:
    """``module.QualifiedName`` of ``obj``'s class (plain text a judge can compare)."""
    kind = type(obj)
    return f"{kind.__module__}.{kind.__qualname__}"


def fitted(model: Any, name: str, kind: str, fit: str = "") -> Any:
    """``model`` if it is a fitted scikit-learn-style classifier, else ``Fail`` with advice.

    Parameters
    ----------
    model : object
        The learner's object.
    name : str
        Its variable's name, for the message.
    kind : str
        The class the exercise asks for, for the message.
    fit : str
        What to do when it is not fitted (default: call ``name.fit(...)`` on the training data).
    """
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if not hasattr(model, "get_params") or not hasattr(model, "predict_proba"):
        raise Fail(f"`{name}` should be a fitted `{kind}`, but it is {describe(model)}.")
    try:
        check_is_fitted(model)
    except (NotFittedError, TypeError):
        fit = fit or f"call `{name}.fit(...)` on the training data"
        raise Fail(
            f"`{name}` is a `{type(model).__name__}` that has not been fitted yet: {fit}."
        ) from None
    return model


def sklearn_metric(obj: Any) -> str | None:
    """The name of a scikit-learn metric (or of ``sklearn.metrics``) that ``obj`` is, or None."""
    target = getattr(obj, "func", obj)  # functools.partial
    if isinstance(target, types.ModuleType):
        name = target.__name__
        return name if name.startswith("sklearn.metrics") else None
    module = getattr(target, "__module__", None) or ""
    if isinstance(module, str) and module.startswith("sklearn.metrics"):
        return getattr(target, "__name__", "a function of sklearn.metrics")
    return None


def metrics_used(func: Any, names: frozenset[str]) -> list[str]:
    """scikit-learn metrics that ``func`` (or a notebook function it calls) refers to.

    Parameters
    ----------
    func : callable
        The learner's function.
    names : frozenset of str
        Metric names that count when the code names them but they cannot be resolved.

    Returns
    -------
    list of str
        A global name is resolved in the function's own namespace (an alias of a scikit-learn
        metric counts; the learner's own function of the same name does not, but is read in
        turn, a few calls deep, as are closures); an attribute or imported name counts when it
        is one of scikit-learn's metrics (``metrics.precision_score``, ``from sklearn.metrics
        import ...`` inside the function).
    """

    def judge(name: str, value: Any, opname: str) -> str | None:
        if value is UNRESOLVED:
            return name if name in names else None
        return sklearn_metric(value)

    return names_used(func, judge)


def traced_metrics(run: Any) -> tuple[Any, list[str]]:
    """``run()``, and the functions of ``sklearn.metrics`` called while it ran, in call order.

    A live trace (``sys.setprofile``) sees every call into the package's files, however the
    function was reached: an alias, a default argument, a dict, ``functools.partial``,
    ``getattr``, a class attribute, ``eval``, a helper many calls deep. Functions of other
    packages are not reported. A learner's function that switches the trace off is reported
    as such.
    """
    import sklearn.metrics

    return traced_calls(run, sklearn.metrics)


def traced_calls(run: Any, package: types.ModuleType) -> tuple[Any, list[str]]:
    """``run()``, and the functions of ``package`` (its files) called while it ran, in order.

    Parameters
    ----------
    run : callable
        Called with no arguments under the trace.
    package : module
        A package: calls into any file under its folder are reported by function name.

    Returns
    -------
    tuple
        ``run()``'s result and the names called; a trace switched off while ``run`` ran is
        reported as ``"sys.setprofile (it switched the check's trace off)"``.
    """
    import os
    import sys

    root = os.path.dirname(package.__file__) + os.sep
    called: list[str] = []

    def profile(frame: Any, event: str, arg: Any) -> None:
        if event == "call":
            code = frame.f_code
            if code.co_filename.startswith(root) and code.co_name not in called:
                called.append(code.co_name)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        result = run()
    finally:
        switched_off = sys.getprofile() is not profile
        sys.setprofile(previous)
    if switched_off:
        called.append("sys.setprofile (it switched the check's trace off)")
    return result, called


class NoSklearnMetrics(MethodRule):
    """A function problem whose prompt forbids scikit-learn's metrics.

    ``collect`` runs the cases under :func:`traced_metrics` and also reads the compiled code
    with :func:`metrics_used`; it adds ``uses``, the names found, which the rule reports.

    Parameters
    ----------
    id : str
        The problem's id.
    metric_names : frozenset of str
        Metric names that count when named but unresolved (see :func:`metrics_used`).
    advice : str
        What to do instead, shown when the rule is broken.
    **kwargs
        The ``Function`` problem's arguments (name, cases, hidden, title, points, hints...).
    """

    def __init__(self, id: str, *, metric_names: frozenset[str], advice: str, **kwargs: Any):
        self.metric_names = metric_names
        super().__init__(
            id,
            find=lambda func: metrics_used(func, metric_names),
            breaks="calls scikit-learn's metrics",
            advice=advice,
            **kwargs,
        )

    def collect(self, namespace):
        answer, called = traced_metrics(lambda: Function.collect(self, namespace))
        if answer.missing is None and answer.error is None:
            named = metrics_used(namespace[self.name], self.metric_names)
            public = [name for name in called if not name.startswith("_")]
            found = dict.fromkeys([*named, *public, *called])  # ordered, without repeats
            answer.values["uses"] = [f"`{name}`" for name in found][:10]
        return answer
