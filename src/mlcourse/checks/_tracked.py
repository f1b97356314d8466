"""A problem kind checked through the learner's logged MLflow runs."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from typing import Any

from ._keys import FROM_KEY, KeyUnavailable
from ._outcomes import Outcome, correct
from ._problems import Answer, Fail, Problem

MAX_RUNS = 500
_TEXT = 500  # characters kept of a run name, parameter value or tag
MAX_ARTIFACTS = 50  # top-level artifact names kept per run
MAX_HISTORY = 1000  # steps kept per metric history
MAX_JSON_BYTES = 20_000  # the largest JSON artifact read into the collected data
PARENT_TAG = "mlflow.parentRunId"

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
    history : sequence of str
        Metrics whose whole history (``[[step, value], ...]``, by step) is collected per run
        under ``"history"``, for tasks that log a metric per step.
    json_artifacts : bool
        Also collect the run's top-level ``.json`` artifacts (at most 20 kB each), parsed,
        under ``"json"`` (``{file name: content}``).
    file_heads : sequence of str
        Name endings (such as ``".png"``): the run's top-level artifacts that end so are
        described under ``"files"``, ``{file name: {"size": bytes, "head": first 8 bytes as
        hex}}``, so that a judge can tell a real image from a renamed text file.
    judge : callable, optional
        A reference part (usually in the answer key): ``judge(runs)`` gets every collected run
        (``{"name", "params", "metrics", "tags", "id", "parent", "models", "inputs"}``, plus
        ``"history"``, ``"artifacts"``, ``"json"`` and ``"files"`` when asked for) after the
        conditions above hold for one of them, and raises :class:`Fail` with a message when the runs do not prove the work:
        it recomputes the metric from the course's data, counts the runs, checks the value
        chosen. A logged number is only a claim until the judge has recomputed it.
    **kwargs
        ``points``, ``title``, ``hints``.

    Notes
    -----
    ``collect`` reads the configured tracking store for the current learner's runs (all runs
    when no learner is set) and returns their params, metrics and tags (without MLflow's own
    ``mlflow.*`` tags) as plain data, with each run's id, its parent run's id (``parent``,
    from ``mlflow.parentRunId``, or None), how many models it logged (``models``) and its
    dataset inputs (``inputs``: name, digest and context of each); with ``json_artifacts`` or
    ``file_heads``, also its top-level artifact names (``artifacts``): listing them costs a
    call to the artifact store per run, so problems that do not read artifacts skip it;
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
        history: Sequence[str] = (),
        json_artifacts: bool = False,
        file_heads: Sequence[str] = (),
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
        self.history = tuple(history)
        self.json_artifacts = bool(json_artifacts)
        self.file_heads = tuple(file_heads)
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
        plain = [self._plain_run(client, r) for r in runs]
        return Answer({"runs": plain})

    def _plain_run(self, client: Any, run: Any) -> dict[str, Any]:
        """One run as plain data: what it logged, and where it sits among the runs."""
        tags = {str(k): str(v)[:_TEXT] for k, v in run.data.tags.items()}
        plain: dict[str, Any] = {
            "name": (run.info.run_name or "")[:_TEXT],
            "params": {str(k): str(v)[:_TEXT] for k, v in run.data.params.items()},
            "metrics": {str(k): float(v) for k, v in run.data.metrics.items()},
            "tags": {k: v for k, v in tags.items() if not k.startswith("mlflow.")},
            "id": str(run.info.run_id),
            "parent": tags.get(PARENT_TAG),
            "models": _count_models(client, run),
            "inputs": _dataset_inputs(run),
        }
        if self.history:
            plain["history"] = {
                name: _metric_history(client, run.info.run_id, name)
                for name in self.history
                if name in plain["metrics"]
            }
        if self.json_artifacts or self.file_heads:
            entries = _top_level_artifacts(client, run.info.run_id)
            plain["artifacts"] = sorted(_name(e) for e in entries)[:MAX_ARTIFACTS]
            if self.json_artifacts:
                plain["json"] = _json_artifacts(client, run.info.run_id, plain["artifacts"])
            if self.file_heads:
                plain["files"] = _file_heads(client, run.info.run_id, entries, self.file_heads)
        return plain

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
            problem = _malformed_extras(run)
            if problem is not None:
                return problem
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


def _malformed_extras(run: dict) -> str | None:
    """What is wrong with the optional parts of a collected run, or None."""
    for part, kind in (("id", str), ("models", int)):
        if part in run and type(run[part]) is not kind:
            return f"a run's {part} has an unexpected form"
    if "parent" in run and run["parent"] is not None and type(run["parent"]) is not str:
        return "a run's parent has an unexpected form"
    if "artifacts" in run and (
        type(run["artifacts"]) is not list or not all(type(a) is str for a in run["artifacts"])
    ):
        return "a run's artifacts have an unexpected form"
    if "inputs" in run and (
        type(run["inputs"]) is not list
        or not all(
            type(i) is dict
            and set(i) == {"name", "digest", "context"}
            and all(type(v) is str for v in i.values())
            for i in run["inputs"]
        )
    ):
        return "a run's inputs have an unexpected form"
    if "history" in run:
        history = run["history"]
        if type(history) is not dict or not all(
            type(k) is str
            and type(steps) is list
            and all(
                type(p) is list and len(p) == 2 and type(p[0]) is int and type(p[1]) is float
                for p in steps
            )
            for k, steps in history.items()
        ):
            return "a run's metric history has an unexpected form"
    if "json" in run and (
        type(run["json"]) is not dict or not all(type(k) is str for k in run["json"])
    ):
        return "a run's JSON artifacts have an unexpected form"
    if "files" in run and (
        type(run["files"]) is not dict
        or not all(
            type(k) is str
            and type(v) is dict
            and set(v) == {"size", "head"}
            and type(v["size"]) is int
            and type(v["head"]) is str
            for k, v in run["files"].items()
        )
    ):
        return "a run's file descriptions have an unexpected form"
    return None


def _file_heads(
    client: Any, run_id: str, entries: list[Any], endings: Sequence[str]
) -> dict[str, Any]:
    """Size and first 8 bytes (hex) of the run's top-level artifacts with these endings."""
    import tempfile
    from pathlib import Path

    out: dict[str, Any] = {}
    wanted = [e for e in entries if not e.is_dir and str(e.path).endswith(tuple(endings))]
    with _no_progress_bar():
        for entry in wanted[:MAX_ARTIFACTS]:
            name = _name(entry)
            with tempfile.TemporaryDirectory() as folder:
                try:
                    path = Path(client.download_artifacts(run_id, str(entry.path), folder))
                    with path.open("rb") as handle:
                        head = handle.read(8).hex()
                    out[name] = {"size": int(path.stat().st_size), "head": head}
                except Exception:  # unreadable: the judge sees it missing
                    continue
    return out


def _count_models(client: Any, run: Any) -> int:
    """How many models the run logged (MLflow 3 records them as the run's model outputs)."""
    outputs = getattr(run, "outputs", None)
    found = getattr(outputs, "model_outputs", None) if outputs is not None else None
    if found is None:  # a search result without outputs: read the run itself
        outputs = getattr(client.get_run(run.info.run_id), "outputs", None)
        found = getattr(outputs, "model_outputs", None) or []
    return len(found)


def _top_level_artifacts(client: Any, run_id: str) -> list[Any]:
    """The run's top-level artifact entries (none when the store cannot be listed)."""
    try:
        return list(client.list_artifacts(run_id))
    except Exception:  # an artifact store that cannot be listed: nothing to show
        return []


def _name(entry: Any) -> str:
    """An artifact entry's file name, bounded."""
    return str(entry.path).rsplit("/", 1)[-1][:_TEXT]


def _dataset_inputs(run: Any) -> list[dict[str, str]]:
    """The run's dataset inputs: name, digest and context (``mlflow.data.context``) of each."""
    inputs = getattr(getattr(run, "inputs", None), "dataset_inputs", None) or []
    plain = []
    for entry in inputs:
        context = next((t.value for t in entry.tags if t.key == "mlflow.data.context"), "")
        plain.append(
            {
                "name": str(entry.dataset.name)[:_TEXT],
                "digest": str(entry.dataset.digest)[:_TEXT],
                "context": str(context)[:_TEXT],
            }
        )
    return plain


def _metric_history(client: Any, run_id: str, name: str) -> list[list]:
    """``[[step, value], ...]`` of one metric, by step (the latest value of a repeated step)."""
    by_step: dict[int, tuple[int, float]] = {}
    for m in client.get_metric_history(run_id, name)[: MAX_HISTORY * 2]:
        step = int(m.step)
        if step not in by_step or m.timestamp >= by_step[step][0]:
            by_step[step] = (int(m.timestamp), float(m.value))
    return [[step, by_step[step][1]] for step in sorted(by_step)][:MAX_HISTORY]


def _json_artifacts(client: Any, run_id: str, names: list[str]) -> dict[str, Any]:
    """The run's small top-level JSON artifacts, parsed (an unreadable one is left out)."""
    out: dict[str, Any] = {}
    wanted = [name for name in names if name.endswith(".json")]
    if not wanted:
        return out
    with _no_progress_bar():
        for name in wanted:
            _read_json_artifact(client, run_id, name, out)
    return out


def _read_json_artifact(client: Any, run_id: str, name: str, out: dict[str, Any]) -> None:
    """Download one artifact and parse it into ``out[name]`` (skipped when not small JSON)."""
    import json
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        try:
            path = Path(client.download_artifacts(run_id, name, folder))
            if path.stat().st_size > MAX_JSON_BYTES:
                return
            out[name] = json.loads(path.read_text(encoding="utf-8"))
        except Exception:  # not JSON, or not readable: the judge sees it missing
            return


@contextlib.contextmanager
def _no_progress_bar():
    """MLflow's download progress bar off while the check reads artifacts."""
    key = "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"
    before = os.environ.get(key)
    os.environ[key] = "false"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = before
