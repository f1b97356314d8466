"""A problem kind checked through the learner's logged MLflow runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._outcomes import Outcome, correct
from ._problems import Answer, Problem

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
    **kwargs
        ``points``, ``title``, ``hints``.

    Notes
    -----
    ``collect`` reads the configured tracking store for the current learner's runs (all runs
    when no learner is set) and returns their params and metrics as plain data; ``evaluate``
    judges that data, so the grader can collect from the store itself.
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
        **kwargs: Any,
    ):
        super().__init__(id, **kwargs)
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
            max_results=500,
            order_by=["attributes.start_time DESC"],
        )
        if not runs:
            return Answer(missing=self.experiment)
        plain = [
            {
                "name": r.info.run_name or "",
                "params": dict(r.data.params),
                "metrics": dict(r.data.metrics),
            }
            for r in runs
        ]
        return Answer({"runs": plain})

    def _not_attempted_message(self, name: str) -> str:
        which = f" tagged with exercise {self.id}" if self.tagged else ""
        return f"No MLflow run of yours{which} in the experiment `{name}` yet: run the cell that logs it, then check again."

    def _judge(self, answer: Answer) -> Outcome:
        runs = answer.values["runs"]
        for run in runs:
            if not self._failures(run):
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
            elif not _OPS[op](value, threshold):
                failures.append(
                    f"`{name}` is {value:.4g}, and the task asks for {op} {threshold:g}"
                )
        return failures
