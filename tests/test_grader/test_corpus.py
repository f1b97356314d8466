"""The hostile and broken corpus: every case gets the right grade, and the batch goes on.

All cases are graded in one batch with two workers, as an instructor would, under bubblewrap.
"""

import glob
import http.server
import json
import os
import secrets
import tempfile
import threading
from pathlib import Path

import pytest

from mlcourse.grader import Limits, bubblewrap, grade_batch, learner_from_name

CORPUS = Path(__file__).resolve().parents[1] / "grader_corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())
# submissions from an adversarial review, kept as written (see review/README.md)
EXPECTED.update(
    {
        f"review/{name}": expected
        for name, expected in json.loads((CORPUS / "review" / "expected.json").read_text()).items()
    }
)


def _learner(name: str) -> str:
    return learner_from_name(Path(name).name)


NONCE = secrets.token_hex(8)
LIMITS = Limits(timeout=45, cell_timeout=10, memory_mb=3072)


@pytest.fixture(scope="module")
def leak_server():
    """A loopback server offering the right answers: a sandboxed notebook must not reach it."""

    class Answers(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(
                {"kc1": "b", "kc3": "b", "kc4": "b", "kc5": "ab", "kc7": "ac"}
            ).encode()
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture(scope="module")
def scratch_root(tmp_path_factory):
    """The grader's temporary folder for this batch, so that what it leaves behind is visible."""
    folder = tmp_path_factory.mktemp("grader-tmp")
    saved, tempfile.tempdir = tempfile.tempdir, str(folder)
    yield folder
    tempfile.tempdir = saved


@pytest.fixture(scope="module")
def graded(tmp_path_factory, leak_server, scratch_root):
    assert bubblewrap(), "bubblewrap is required for the corpus (make test installs it)"
    folder = tmp_path_factory.mktemp("submissions")
    for name in EXPECTED:
        text = (CORPUS / f"{name}.ipynb").read_text(encoding="utf-8")
        if EXPECTED[name].get("template"):
            text = text.replace("{PORT}", str(leak_server)).replace("{NONCE}", NONCE)
        (folder / f"{Path(name).name}.ipynb").write_text(text, encoding="utf-8")
    out = tmp_path_factory.mktemp("grades")
    lines = []
    summary = grade_batch(
        [folder],
        "01",
        out,
        workers=2,
        progress=lines.append,
        limits=LIMITS,
        refuse_tampering=False,  # the defences behind the tampering scan are what is tested
    )
    results = {}
    for name in EXPECTED:
        path = out / "results" / "01" / f"{_learner(name)}.json"
        results[name] = json.loads(path.read_text())
    return summary, results, out, lines


def test_every_case_was_graded_in_one_batch(graded):
    summary, results, out, lines = graded
    assert summary.graded == len(EXPECTED) and len(lines) == len(EXPECTED)
    rows = (out / "gradebook_01.csv").read_text().splitlines()
    assert len(rows) == len(EXPECTED) + 1
    assert all((out / "feedback" / "01" / f"{_learner(n)}.html").is_file() for n in EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_gets_the_right_grade(graded, case):
    _, results, _, _ = graded
    result, expected = results[case], EXPECTED[case]
    assert result["status"] in expected["status"], result["reason"]
    if "points" in expected:
        assert result["points"] == expected["points"], [
            (p["problem"], p["status"], p["message"]) for p in result["problems"]
        ]
    if "max_points" in expected:
        assert result["points"] <= expected["max_points"]
    statuses = {p["problem"]: p["status"] for p in result["problems"]}
    if "all" in expected:
        assert set(statuses.values()) == {expected["all"]}
    for problem, status in expected.get("problems", {}).items():
        assert statuses[problem] == status, result["problems"]
    if expected.get("cell_error"):
        assert result["execution"]["cell_errors"]
    if expected.get("truncated"):
        assert result["execution"]["output_truncated"]
    if "none" in expected:
        assert expected["none"] not in statuses.values(), result["problems"]
    if expected.get("no_hidden_text"):
        text = json.dumps(result, ensure_ascii=False)
        assert "\u202e" not in text and "\u200b" not in text
        assert all(e["ename"].isidentifier() for e in result["execution"]["cell_errors"])
    if expected.get("memory_capped") and "sandbox_peak_mb" in result["execution"]:
        assert result["execution"]["sandbox_peak_mb"] <= LIMITS.memory_mb
    assert result["execution"]["sandboxed"] or result["status"] in ("unreadable", "missing")


def test_no_planted_pickle_was_ever_loaded(graded):
    assert not Path(f"/tmp/mlcourse-corpus-pwned-{NONCE}").exists()


def test_forged_files_stay_out_of_the_grades(graded):
    _, results, out, _ = graded
    assert not list(out.rglob("forged_results.json"))
    assert sorted(p.name for p in out.iterdir()) == ["feedback", "gradebook_01.csv", "results"]


def test_hidden_cases_are_only_counted_in_feedback(graded):
    _, results, out, _ = graded
    result = results["correct"]
    page = (out / "feedback" / "01" / "correct.html").read_text()
    functions = [p for p in result["problems"] if p["details"].get("hidden")]
    assert functions, "module 01 has function problems with hidden cases"
    for problem in functions:
        hidden = problem["details"]["hidden"]
        assert f"hidden tests passed: {hidden} of {hidden}" in page
    assert "Answers were evaluated outside your notebook" in page


def test_host_is_intact_after_the_bombs(graded, tmp_path):
    import subprocess
    import sys

    assert subprocess.run([sys.executable, "-c", "print(1)"], capture_output=True).returncode == 0


def test_no_case_needed_the_grader_error_status(graded):
    summary, results, _, _ = graded
    assert summary.grader_errors == [], {
        n: results[n]["reason"] for n in results if results[n]["status"] == "grader_error"
    }


def test_scratch_space_is_always_removed(graded, scratch_root):
    assert list(scratch_root.glob("mlcourse-grade-*")) == []


def test_nothing_a_submission_wrote_reached_the_hosts_disk(graded, scratch_root):
    places = ["/tmp", "/var/tmp", "/dev/shm", str(scratch_root), os.getcwd(), str(CORPUS)]
    leaked = [
        p for place in places for p in glob.glob(f"{place}/**/fill-{NONCE}-*", recursive=True)
    ]
    assert leaked == []


def test_no_learner_process_outlives_its_sandbox(graded):
    """The forged_run_report case leaves a daemon in a session of its own, named by the nonce."""
    survivors = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if f"daemon-{NONCE}".encode() in cmdline:
            survivors.append(int(pid))
    assert survivors == []


def test_the_run_report_cannot_be_forged(graded):
    _, results, _, _ = graded
    for case in ("forged_run_report", "kill_the_runner"):
        result = results[case]
        assert result["status"] == "crashed" and result["points"] == 0
        assert (
            "ended without reporting back" in result["reason"] or "kernel died" in result["reason"]
        ), result["reason"]


#: The corpus cases whose code reaches into the course's internals: by default the grader
#: refuses them unrun (`tampered`); the batch above grades them anyway to test what lies behind.
TAMPERING = {
    "answer_key_hunt",
    "deep_json_forged",
    "fifo_answer_files",
    "forged_function_results",
    "forged_result_files",
    "monkeypatch_numpy_and_mlcourse",
    "npy_headers_hostile",
    "parquet_hostile",
    "pickle_planted",
    "quadratic_containers",
    "read_solutions",
    "tampered_checks_and_ids",
    "review/forged_extract_steps",
    "review/malformed_results",
    "review/scalar_overflow",
    "review/text_injection",
    "review/zero_column_series",
}


def test_the_tampering_scan_refuses_exactly_the_cases_that_reach_the_course(tmp_path):
    from mlcourse.grader._prepare import prepare_file

    flagged = set()
    for name in EXPECTED:
        source = CORPUS / f"{name}.ipynb"
        read = prepare_file(str(source), "01", "/out", str(tmp_path / "prepared.ipynb"))
        if read.get("tampering"):
            flagged.add(name)
    assert flagged == TAMPERING
