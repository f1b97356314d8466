"""``mlcourse live ...``: help, bad input, and the commands against a running service."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from mlcourse.cli import main
from mlcourse.live import _command

from .conftest import mlflow_tracking_state


@pytest.fixture(autouse=True)
def course(tmp_path, monkeypatch):
    """A course root of its own, and no instructor credentials from the environment."""
    root = tmp_path / "course"
    root.mkdir()
    monkeypatch.setenv("MLCOURSE_ROOT", str(root))
    for name in ("MLCOURSE_LIVE_TOKEN", "MLCOURSE_LIVE_URL", "JUPYTERHUB_API_URL"):
        monkeypatch.delenv(name, raising=False)
    return root


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(capsys, *argv):
    """Run ``mlcourse live ARGV``: (exit status, stdout, stderr)."""
    status = main(["live", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(status, err, *words):
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("mlcourse live: error: ")
    for word in words:
        assert word in lines[0]


# -- help and bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words",
    [
        [],
        ["serve"],
        ["session"],
        ["session", "new"],
        ["sessions"],
        ["close"],
        ["checkpoint"],
        ["reveal"],
        ["report"],
    ],
)
def test_help(capsys, words):
    with pytest.raises(SystemExit) as leaving:
        main(["live", *words, "--help"])
    assert leaving.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: mlcourse live {' '.join(words)}".rstrip())


def test_no_action_says_what_to_do(capsys):
    status, _, err = run(capsys)
    assert_one_line_error(status, err, "serve", "report")


@pytest.mark.parametrize(
    "argv, words",
    [
        (["checkpoint", "3.2"], ["not an exercise id"]),
        (["reveal", "03.x"], ["not an exercise id"]),
        (["reveal", "03.2", "--when-passed", "150%"], ["--when-passed", "150%"]),
        (["reveal", "03.2", "--when-passed", "0"], ["--when-passed"]),
        (["reveal", "03.2", "--when-passed", "half"], ["--when-passed"]),
        (["reveal", "03.2", "--when-passed", "nan"], ["--when-passed"]),
        (["reveal", "03.2", "--at", "25:00"], ["--at", "14:30"]),
        (["reveal", "03.2", "--in", "-5"], ["--in"]),
        (["close", "Bad Id!"], ["not a session id"]),
        (["report", "../etc"], ["not a session id"]),
        (["session", "new", "--module", "99"], ["no module 99"]),
        (["serve", "--port", "70000"], ["--port"]),
        (["serve", "--title", "x"], ["--module"]),
        (["serve", "--instructors-group", "staff"], ["JupyterHub"]),
    ],
)
def test_bad_input_is_one_line_and_non_zero(capsys, argv, words):
    status, _, err = run(capsys, *argv)
    assert_one_line_error(status, err, *words)


def test_at_and_in_together_are_refused(capsys):
    with pytest.raises(SystemExit) as leaving:
        main(["live", "reveal", "03.2", "--at", "23:59", "--in", "5"])
    assert leaving.value.code == 2


def test_no_token_anywhere(capsys):
    status, _, err = run(capsys, "sessions")
    assert_one_line_error(status, err, "no instructor token", "MLCOURSE_LIVE_TOKEN")


def test_unreachable_service(capsys):
    url = f"http://127.0.0.1:{_free_port()}"
    status, _, err = run(capsys, "checkpoint", "00.1", "--url", url, "--token", "t")
    assert_one_line_error(status, err, "no classroom service answers", url, "live serve")


def test_unreachable_service_report_points_at_db(capsys):
    url = f"http://127.0.0.1:{_free_port()}"
    status, _, err = run(capsys, "report", "00-x-1234", "--url", url, "--token", "t")
    assert_one_line_error(status, err, "no classroom service answers", "--db sqlite:///")


def test_parsers():
    assert _command.parse_share("0.25") == 0.25
    assert _command.parse_share("40%") == 0.4
    assert _command.parse_share("1") == 1.0
    now = dt.datetime(2026, 12, 3, 10, 0)
    assert _command.parse_at("14:30", now) == dt.datetime(2026, 12, 3, 14, 30).timestamp()
    with pytest.raises(_command.UsageError, match="already passed"):
        _command.parse_at("09:59", now)
    assert _command.parse_in(10, now=1000.0) == 1600.0
    assert _command.describe_reveal({"share": 0.5}) == "released when 50% of the class has passed"
    assert _command.describe_reveal({}) == "released now"


def test_instructor_file_is_private(course):
    path = _command.write_instructor_file("http://127.0.0.1:1", "secret", course)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"url": "http://127.0.0.1:1", "token": "secret"}
    assert _command.credentials(None, None) == ("http://127.0.0.1:1", "secret")


# -- against a running service -------------------------------------------------------------------


def _post_events(url, sid, name, events, key):
    with httpx.Client(base_url=url, trust_env=False, timeout=10) as client:
        joined = client.post(f"/api/s/{sid}/join", json={"name": name, "key": key})
        assert joined.status_code == 200, joined.text
        token = joined.json()["token"]
        batch = [{"id": uuid.uuid4().hex, **event} for event in events]
        answer = client.post(
            f"/api/s/{sid}/events",
            json={"events": batch},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text


def _class(live_server):
    """A session opened 1000 s ago (event times are clamped to its lifetime): two learners on
    00.1, ada fails then passes 20 s after her first attempt (the clock of time to pass),
    bob fails twice. Returns its id."""
    made = live_server.store.add_session("00", "Earlier", now=time.time() - 1000)
    sid, key = made["id"], made["join_key"]
    start = time.time() - 100
    _post_events(
        live_server.url,
        sid,
        "ada",
        [
            {"time": start, "kind": "hint", "problem": "00.1"},
            {
                "time": start + 10,
                "kind": "check",
                "problem": "00.1",
                "status": "incorrect",
                "error": "KeyError",
                "detail": "<script>x</script>",
            },
            {"time": start + 30, "kind": "check", "problem": "00.1", "status": "correct"},
        ],
        key,
    )
    _post_events(
        live_server.url,
        sid,
        "bob",
        [
            {"time": start + 5, "kind": "check", "problem": "00.1", "status": "incorrect"},
            {"time": start + 6, "kind": "check", "problem": "00.1", "status": "incorrect"},
        ],
        key,
    )
    return sid


def _credentials(live_server):
    return ("--url", live_server.url, "--token", live_server.token)


def test_checkpoint_and_reveal_against_the_service(capsys, live_server):
    status, out, _ = run(capsys, "checkpoint", "00.2", *_credentials(live_server))
    assert status == 0 and "00.2" in out
    assert live_server.store.session(live_server.session)["checkpoint"] == "00.2"

    status, out, _ = run(
        capsys, "reveal", "00.1", "--when-passed", "50%", "--in", "10", *_credentials(live_server)
    )
    assert status == 0
    assert "when 50% of the class has passed" in out and "whichever comes first" in out
    reveals = live_server.store.export(live_server.session)["reveals"]
    assert reveals[0]["problem"] == "00.1" and reveals[0]["share"] == 0.5
    assert 590 < reveals[0]["at"] - time.time() <= 600

    status, _, err = run(capsys, "reveal", "03.2", *_credentials(live_server))
    assert_one_line_error(status, err, "not an exercise of module 00")


def test_wrong_token_is_refused(capsys, live_server):
    status, _, err = run(capsys, "checkpoint", "00.1", "--url", live_server.url, "--token", "wrong")
    assert_one_line_error(status, err, "refused the instructor token")
    assert live_server.store.session(live_server.session)["checkpoint"] is None


def test_sessions_new_and_close(capsys, live_server):
    status, out, _ = run(
        capsys, "session", "new", "--module", "00", "--title", "Second", *_credentials(live_server)
    )
    assert status == 0
    new_id = out.split()[1]
    key = live_server.store.session(new_id)["join_key"]
    assert re.fullmatch(r"00-\d{8}-[0-9a-f]{8}", new_id)
    assert f'mlcourse.live.join("{live_server.url}/s/{new_id}?key={key}")' in out
    assert f"mlcourse lab --class {live_server.url}/s/{new_id}?key={key}" in out
    assert f"Projector (board):   {live_server.url}/s/{new_id}\n" in out  # no key on the board
    assert f"{live_server.url}/s/{new_id}/instructor" in out
    status, out, _ = run(capsys, "sessions", *_credentials(live_server))
    assert status == 0 and new_id in out and live_server.session in out
    # the newest open session is the default for pacing
    status, out, _ = run(capsys, "checkpoint", "00.3", *_credentials(live_server))
    assert new_id in out
    assert live_server.store.session(new_id)["checkpoint"] == "00.3"
    status, out, _ = run(capsys, "close", new_id, *_credentials(live_server))
    assert status == 0
    assert live_server.store.session(new_id)["closed"] is not None
    status, out, _ = run(capsys, "checkpoint", "00.1", *_credentials(live_server))
    assert live_server.session in out  # the closed session is no longer the default


def test_report_over_http(capsys, live_server, tmp_path):
    sid = _class(live_server)
    out_dir = tmp_path / "reports"
    status, out, _ = run(
        capsys,
        "report",
        sid,
        "--out",
        str(out_dir),
        "--no-mlflow",
        *_credentials(live_server),
    )
    assert status == 0
    page = out_dir / f"{sid}-report.html"
    table = out_dir / f"{sid}-report.csv"
    assert str(page) in out and str(table) in out
    rows = {r["problem"]: r for r in csv.DictReader(table.open())}
    assert rows["00.1"]["passed"] == "1"
    assert rows["00.1"]["attempted"] == "2"
    assert rows["00.1"]["pass_rate"] == "0.5"
    assert rows["00.1"]["median_seconds_to_pass"] == "20.0"  # from her first attempt
    assert rows["00.1"]["attempts_mean"] == "2.0"  # ada 2, bob 2
    text = page.read_text()
    assert "&lt;script&gt;x&lt;/script&gt;" in text and "<script>" not in text


def test_report_from_the_store_with_mlflow(capsys, live_server, tmp_path, monkeypatch):
    import mlflow

    uri = f"sqlite:///{tmp_path}/mlflow.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("_MLFLOW_SERVER_ARTIFACT_ROOT", str(tmp_path / "artifacts"))
    sid = _class(live_server)
    before = mlflow_tracking_state()
    status, out, _ = run(capsys, "report", sid, "--db", live_server.store.url)
    assert status == 0, out
    assert mlflow_tracking_state() == before  # the report leaves MLflow as it found it
    default_dir = _command.live_dir().parents[1] / "reports" / "live"
    assert (default_dir / f"{sid}-report.csv").is_file()
    client = mlflow.MlflowClient(uri)
    runs = client.search_runs([client.get_experiment_by_name("mlcourse/live").experiment_id])
    assert [r.info.run_name for r in runs] == [sid]
    assert runs[0].data.metrics["pass_rate.00_1"] == 0.5
    assert runs[0].data.tags["mlcourse.module"] == "00"
    artifacts = {a.path for a in client.list_artifacts(runs[0].info.run_id)}
    assert artifacts == {
        f"{sid}-report.html",
        f"{sid}-report.csv",
    }


def test_report_with_db_of_an_unknown_session(capsys, live_server):
    status, _, err = run(capsys, "report", "no-such-session", "--db", live_server.store.url)
    assert_one_line_error(status, err, "no session no-such-session")


# -- serve, as an instructor runs it -------------------------------------------------------------


def _wait_for(predicate, deadline=60.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_serve_opens_a_session_and_the_commands_find_it(course, tmp_path):
    port = _free_port()
    env = {**os.environ, "MLCOURSE_ROOT": str(course), "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "serve.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "mlcourse.cli", "live", "serve", "--port", str(port)]
            + ["--module", "00", "--title", "Warm-up"],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        url = f"http://127.0.0.1:{port}"

        def answering():
            try:
                return httpx.get(url + "/", trust_env=False, timeout=2).status_code == 200
            except httpx.HTTPError:
                return process.poll() is not None

        assert _wait_for(answering), log.read_text()
        assert process.poll() is None, log.read_text()
        out = log.read_text()
        sid = next(line.split()[1] for line in out.splitlines() if line.startswith("Session "))
        assert f"Projector (board):   {url}/s/{sid}\n" in out
        assert f"Instructor page:     {url}/s/{sid}/instructor" in out
        key = re.search(rf'mlcourse\.live\.join\("{re.escape(url)}/s/{sid}\?key=([\w-]+)"\)', out)
        assert key and len(key[1]) >= 16, out
        assert f"mlcourse lab --class {url}/s/{sid}?key={key[1]}" in out
        saved = course / ".mlcourse" / "live" / "instructor.json"
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        assert stat.S_IMODE(saved.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE((saved.parent / "live.db").stat().st_mode) == 0o600
        assert json.loads(saved.read_text())["url"] == url
        assert httpx.get(f"{url}/api/s/{sid}/board", trust_env=False).status_code == 200
        # the commands on this machine find the service and its token by themselves
        done = subprocess.run(
            [sys.executable, "-m", "mlcourse.cli", "live", "checkpoint", "00.2"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        board = httpx.get(f"{url}/api/s/{sid}/board", trust_env=False).json()
        assert board["checkpoint"]["problem"] == "00.2"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def test_serve_refuses_a_port_in_use(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        status, _, err = run(capsys, "serve", "--port", str(busy.getsockname()[1]))
    assert_one_line_error(status, err, "cannot listen on 127.0.0.1")


def test_serve_takes_its_store_from_the_environment_when_db_is_absent(capsys, monkeypatch):
    """``MLCOURSE_LIVE_DB`` keeps a database password off the command line (``ps`` shows it)."""
    nothing_listens = _free_port()
    url = f"postgresql+psycopg://live:s3cret-pw@127.0.0.1:{nothing_listens}/live"
    monkeypatch.setenv("MLCOURSE_LIVE_DB", url)
    served = AssertionError("the service started on another store than MLCOURSE_LIVE_DB")
    monkeypatch.setattr(_command, "_run_service", lambda *a: (_ for _ in ()).throw(served))
    status, _, err = run(capsys, "serve", "--port", str(_free_port()))
    assert_one_line_error(
        status,
        err,
        "cannot open the store",
        f"postgresql+psycopg://127.0.0.1:{nothing_listens}/live",
    )
    assert "s3cret-pw" not in err


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://live:s3cret@db:5432/live", "postgresql://db:5432/live"),
        ("postgresql://live:s3@cret@db/live", "postgresql://..."),  # a raw @: which is the host?
        ("postgresql://live@db/live?password=s3cret", "postgresql://db/live"),
        ("postgresql:///live?host=db&user=live&password=s3cret", "postgresql:///live"),
        ("postgresql+psycopg://db/live?sslpassword=s3cret", "postgresql+psycopg://db/live"),
        ("s3cret", "(a database URL that cannot be parsed)"),
    ],
)
def test_a_store_url_is_shown_without_credentials(url, shown):
    assert _command._safe_url(url) == shown
    assert "s3" not in _command._safe_url(url) and "live:" not in _command._safe_url(url)
