"""Check events on a class tracking server, through MLflow's REST API.

When learners log to a class server, every ``check()`` also records its status there as a tag
``check.<problem>`` on one run per learner and module in the experiment ``mlcourse/checks``.
Plain HTTP with a short timeout, in a background thread: a slow or absent server never
delays or breaks a notebook.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request

CHECKS_EXPERIMENT = "mlcourse/checks"
TIMEOUT = 3.0
_lock = threading.Lock()
_runs: dict[tuple[str, str, str], str] = {}


class _Api:
    def __init__(self, uri: str):
        self.base = uri.rstrip("/") + "/api/2.0/mlflow/"

    def get(self, path: str, **params) -> dict:
        url = self.base + path + "?" + urllib.parse.urlencode(params)
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return json.loads(response.read() or b"{}")

    def post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return json.loads(response.read() or b"{}")


def _experiment_id(api: _Api) -> str:
    try:
        return api.get("experiments/get-by-name", experiment_name=CHECKS_EXPERIMENT)["experiment"][
            "experiment_id"
        ]
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise
    try:
        return api.post("experiments/create", {"name": CHECKS_EXPERIMENT})["experiment_id"]
    except urllib.error.HTTPError:  # created by someone else meanwhile
        return api.get("experiments/get-by-name", experiment_name=CHECKS_EXPERIMENT)["experiment"][
            "experiment_id"
        ]


def _run_id(api: _Api, uri: str, learner: str, module: str) -> str:
    key = (uri, learner, module)
    if key in _runs:
        return _runs[key]
    experiment = _experiment_id(api)
    found = api.post(
        "runs/search",
        {
            "experiment_ids": [experiment],
            "filter": f"tags.`mlcourse.learner` = '{learner}' and tags.`mlcourse.module` = '{module}'",
            "max_results": 1,
        },
    ).get("runs", [])
    if found:
        run_id = found[0]["info"]["run_id"]
    else:
        tags = [
            {"key": "mlcourse.learner", "value": learner},
            {"key": "mlcourse.module", "value": module},
        ]
        run_id = api.post(
            "runs/create",
            {"experiment_id": experiment, "run_name": f"checks {learner} {module}", "tags": tags},
        )["run"]["info"]["run_id"]
    _runs[key] = run_id
    return run_id


def post_check(uri: str, learner: str, module: str, problem: str, status: str) -> bool:
    """Record one check on the server; True when it was recorded. Never raises."""
    api = _Api(uri)
    try:
        with _lock:
            run_id = _run_id(api, uri, learner, module)
            api.post("runs/set-tag", {"run_id": run_id, "key": f"check.{problem}", "value": status})
    except (OSError, ValueError, KeyError):
        return False
    return True


def post_check_in_background(
    uri: str, learner: str, module: str, problem: str, status: str
) -> threading.Thread:
    """Record one check on the server from a daemon thread."""
    thread = threading.Thread(
        target=post_check, args=(uri, learner, module, problem, status), daemon=True
    )
    thread.start()
    return thread


def server_checks(uri: str, learner: str | None = None) -> list[dict]:
    """Every recorded check on the server: dicts with learner, module, problem, status."""
    api = _Api(uri)
    try:
        experiment = api.get("experiments/get-by-name", experiment_name=CHECKS_EXPERIMENT)[
            "experiment"
        ]["experiment_id"]
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return []
        raise
    body: dict = {"experiment_ids": [experiment], "max_results": 1000}
    if learner:
        body["filter"] = f"tags.`mlcourse.learner` = '{learner}'"
    events = []
    while True:
        page = api.post("runs/search", body)
        for run in page.get("runs", []):
            tags = {t["key"]: t["value"] for t in run.get("data", {}).get("tags", [])}
            for key, value in tags.items():
                if key.startswith("check."):
                    events.append(
                        {
                            "learner": tags.get("mlcourse.learner"),
                            "module": tags.get("mlcourse.module"),
                            "problem": key.removeprefix("check."),
                            "status": value,
                        }
                    )
        if not page.get("next_page_token"):
            return events
        body["page_token"] = page["next_page_token"]
