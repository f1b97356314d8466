"""A problem kind checked through the learner's logged MLflow runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._keys import FROM_KEY, KeyUnavailable
from ._outcomes import Outcome, correct
from ._problems import Answer, Fail, Problem

MAX_RUNS = 500
_TEXT = 500  # characters kept of a run name, parameter value or tag

_OPS = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}


class LoggedRun(Problem):
    """Passes when one of the learner's runs in the module's experiment meets every condition.

    Parameters
    ----------
    id : str
        Problem id, e.g. ``"07.9"``.
    params : sequence of str
        Parameters the run must have logged.
    metrics : mapping
        ``{"roc_auc": 0.9}`` (at least 0.9) or ``{"rmse": ("<=", 55.0)}``: metrics the run must
        have logged, with the condition they must meet (``>=``, ``<=``, ``>``, ``<``).
    tagged : bool
        Count only runs tagged ``mlcourse.exercise`` = this problem's id (``tracking.run(id)``).
    experiment : str, optional
        Defaults to the module's experiment ``mlcourse/NN_slug``.
    judge : callable, optional
        A reference part (usually in the answer key): ``judge(runs)`` gets every collected run
        (``{"name", "params", "metrics", "tags"}``) after the conditions above hold for one of
        them, and raises :class:`Fail` with a message when the runs do not prove the work:
        it recomputes the metric from the course's data, counts the runs, checks the value
        chosen. A logged number is only a claim until the judge has recomputed it.
    **kwargs
        ``points``, ``title``, ``hints``.

    Notes
    -----
    ``collect`` reads the configured tracking store for the current learner's runs (all runs
    when no learner is set) and returns their params, metrics and tags as plain data;
    ``evaluate`` judges that data. When a notebook is graded, ``collect`` runs in the sandbox
    on the store that notebook's own execution filled, and the data are judged outside.
    """

    kind = "logged_run"

    def __init__(
        self,
        id: str,
        *,
        params: Sequence[str] = (),
        metrics: Mapping[str, Any] | None = None,
        tagged: bool = False,
        experiment: str | None = None,
        judge: Any = FROM_KEY,
        **kwargs: Any,
    ):
        super().__init__(id, **kwargs)
        self._set_reference(judge=judge)
        from .._curriculum import experiment_name

        self.params = tuple(params)
        self.metrics = {
            k: (v if isinstance(v, tuple) else (">=", v)) for k, v in (metrics or {}).items()
        }
        for name, (op, _) in self.metrics.items():
            if op not in _OPS:
                raise ValueError(f"{id}: metric {name!r} uses {op!r}; use one of {sorted(_OPS)}")
        self.tagged = tagged
        self.experiment = experiment or experiment_name(id.split(".")[0])

    reference_parts = {"judge": None}

    @property
    def judge(self) -> Any:
        """The function that verifies the runs beyond their logged numbers, or None (reference).

        A key without an entry for this problem gives none; a key that is not installed raises
        :class:`KeyUnavailable` (the runs are then judged when they are graded).
        """
        try:
            return self.reference_part("judge")
        except KeyUnavailable:
            raise
        except LookupError:
            return None

    @property
    def reads(self) -> tuple[str, ...]:
        return ()

    def collect(self, namespace: Mapping[str, Any], learner: str | None = None) -> Answer:
        from mlflow.tracking import MlflowClient

        from ..tracking import current_learner

        learner = learner or current_learner()
        client = MlflowClient()
        experiment = client.get_experiment_by_name(self.experiment)
        if experiment is None:
            return Answer(missing=self.experiment)
        filters = []
        if learner:
            filters.append(f"tags.`mlcourse.learner` = '{learner}'")
        if self.tagged:
            filters.append(f"tags.`mlcourse.exercise` = '{self.id}'")
        runs = client.search_runs(
            [experiment.experiment_id],
            " and ".join(filters),
            max_results=MAX_RUNS,
            order_by=["attributes.start_time DESC"],
        )
        if not runs:
            return Answer(missing=self.experiment)
        plain = [
            {
                "name": (r.info.run_name or "")[:_TEXT],
                "params": {str(k): str(v)[:_TEXT] for k, v in r.data.params.items()},
                "metrics": {str(k): float(v) for k, v in r.data.metrics.items()},
                "tags": {
                    str(k): str(v)[:_TEXT]
                    for k, v in r.data.tags.items()
                    if not str(k).startswith("mlflow.")
                },
            }
            for r in runs
        ]
        return Answer({"runs": plain})

    def _collected_names(self) -> tuple[str, ...]:
        return ("runs",)

    def _malformed(self, answer: Answer) -> str | None:
        problem = super()._malformed(answer)
        if problem is not None:
            return problem
        runs = answer.values["runs"]
        if type(runs) is not list or not runs or len(runs) > MAX_RUNS:
            return f"it does not hold between 1 and {MAX_RUNS} runs"
        for run in runs:
            if type(run) is not dict or type(run.get("name")) is not str:
                return "a run has an unexpected form"
            for part, kind in (("params", str), ("metrics", float), ("tags", str)):
                values = run.get(part, {} if part == "tags" else None)
                if type(values) is not dict or not all(
                    type(k) is str and type(v) is kind for k, v in values.items()
                ):
                    return f"a run's {part} have an unexpected form"
        return None

    def _not_attempted_message(self, name: str) -> str:
        which = f" tagged with exercise {self.id}" if self.tagged else ""
        return f"No MLflow run of yours{which} in the experiment `{name}` yet: run the cell that logs it, then check again."

    def _judge(self, answer: Answer) -> Outcome:
        runs = answer.values["runs"]
        if any(not self._failures(run) for run in runs):
            judge = self.judge
            if judge is not None:
                try:
                    judge([{"tags": {}, **run} for run in runs])
                except Fail as failure:
                    return self._wrong(str(failure))
            return correct(self.id, self.points)
        closest = min(runs, key=lambda r: len(self._failures(r)))
        problems = "; ".join(self._failures(closest))
        label = f"run '{closest['name']}'" if closest["name"] else "your closest run"
        return self._wrong(
            f"None of your {len(runs)} run(s) in `{self.experiment}` meets the task yet. In {label}: {problems}."
        )

    def _failures(self, run: dict) -> list[str]:
        failures = [
            f"the parameter `{p}` was not logged" for p in self.params if p not in run["params"]
        ]
        for name, (op, threshold) in self.metrics.items():
            value = run["metrics"].get(name)
            if value is None:
                failures.append(f"the metric `{name}` was not logged")
            elif value != value or not _OPS[op](value, threshold):  # NaN meets nothing
                failures.append(
                    f"`{name}` is {value:.4g}, and the task asks for {op} {threshold:g}"
                )
        return failures
