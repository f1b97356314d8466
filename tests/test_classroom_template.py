"""The classroom template: its workflows' own commands, run here in temporary learner repositories.

Each learner repository holds what the assignment's template repository holds: the released
exercises notebook of module 01 (``exercises/``) and the learner's copy in ``work/``: untouched,
answered with the solutions' answer cells (the grader corpus's own helper), or answered with
one answer replaced by hostile text. The ``run:`` scripts are read from the YAML files and run
with bash as GitHub runs them (``bash --noprofile --norc -eo pipefail``), with
``GITHUB_STEP_SUMMARY``, ``GITHUB_OUTPUT`` and ``RUNNER_TEMP`` pointing at temporary files. The
command-grader steps' commands run as that action runs them: through ``/bin/sh``, in the
checkout, with only ``PATH`` and ``HOME`` (and the action's fixed variables) in the environment;
a step scores its ``max-score`` when its command exits 0, else nothing. (For the solved and the
blank notebook the same command lines go through ``mlcourse.cli.main`` in this process, to
save a second of imports each.) The steps that need
GitHub (checkout, setup-python, apt-get and sysctl, pip install, the pull-request comment) are
listed by name and checked for their content, not run.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
import yaml
from markdown_it import MarkdownIt

from mlcourse.cli import main
from mlcourse.exercises import get_module
from mlcourse.grader._summary import check_summary

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "ci" / "templates" / "classroom"
BIN = Path(sys.executable).parent
MODULE = get_module("01")
NOTEBOOK = "01_python_essentials.ipynb"
HOSTILE = "</table><script>alert(1)</script> | x | [link](https://example.org) @octocat `"
GITHUB_ONLY = {  # steps run by GitHub alone, by what identifies them
    "checkout": "actions/checkout@v4",
    "python": "actions/setup-python@v5",
    "sandbox": "apt-get install -y -q bubblewrap",
    "install": 'python -m pip install "$MLCOURSE_PACKAGE"',
}


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_classroom = _load("make_classroom", TEMPLATE / "make_classroom.py")
corpus = _load("make_corpus", ROOT / "tests" / "grader_corpus" / "make_corpus.py")


def _workflow(name: str) -> dict:
    return yaml.safe_load((TEMPLATE / name).read_text(encoding="utf-8"))


def _steps(name: str) -> list[dict]:
    return next(iter(_workflow(name)["jobs"].values()))["steps"]


def _triggers(workflow: dict):
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True


def hostile_notebook() -> nbformat.NotebookNode:
    """Every answer right but 01.1's, whose variable holds markup, pipes and a mention."""
    notebook = corpus.answered(*corpus.ALL)
    return corpus.add(notebook, f"header = {HOSTILE!r}")


def learner_repo(base: Path, notebook: nbformat.NotebookNode | str | None) -> Path:
    """A learner's repository: the released exercises notebook and their copy in work/."""
    repo = base / "repo"
    (repo / "exercises").mkdir(parents=True)
    (repo / "work").mkdir()
    shutil.copy(ROOT / "exercises" / NOTEBOOK, repo / "exercises" / NOTEBOOK)
    if isinstance(notebook, str):
        (repo / "work" / NOTEBOOK).write_text(notebook, encoding="utf-8")
    elif notebook is not None:
        nbformat.write(notebook, str(repo / "work" / NOTEBOOK))
    return repo


def github_env(base: Path, workflow: str) -> dict[str, str]:
    """The environment of a run step: the workflow's env and GitHub's files, in ``base``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLCOURSE_")}
    env.update(_workflow(workflow).get("env", {}))
    (base / "runner").mkdir(exist_ok=True)
    env.update(
        PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
        RUNNER_TEMP=str(base / "runner"),
        GITHUB_STEP_SUMMARY=str(base / "step_summary.md"),
        GITHUB_OUTPUT=str(base / "output.txt"),
    )
    return env


def run_step(step: dict, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """A ``run:`` step as GitHub runs it on Linux (its own ``env:`` added)."""
    assert "${{" not in step["run"], "expressions go through env:, never into the script"
    script = repo.parent / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    step_env = {**env, **{k: str(v) for k, v in step.get("env", {}).items()}}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=repo,
        env=step_env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def command_grader(step: dict, repo: Path, *, in_process: bool = False) -> int:
    """The points a command-grader step awards: its max-score when the command exits 0.

    ``in_process`` calls the same command line through ``mlcourse.cli.main`` in the checkout
    instead of a new process (each costs about a second of imports; one case runs them all
    as processes).
    """
    command = step["with"]["command"]
    if in_process:
        argv = shlex.split(command)
        assert argv[0] == "mlcourse"
        with contextlib.chdir(repo), contextlib.redirect_stdout(io.StringIO()):
            code = main(argv[1:])
    else:
        env = {  # what classroom-resources/autograding-command-grader passes to the command
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(repo.parent),
            "FORCE_COLOR": "true",
            "DOTNET_CLI_HOME": "/tmp",
            "DOTNET_NOLOGO": "true",
        }
        done = subprocess.run(
            ["/bin/sh", "-c", command],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=60 * step["with"]["timeout"],
        )
        code = done.returncode
        assert code in (0, 1), done.stderr
    assert code in (0, 1), f"{command}: exit {code} is a broken command, not a verdict"
    return step["with"]["max-score"] if code == 0 else 0


def rendered(markdown: str) -> str:
    return MarkdownIt("gfm-like", {"linkify": False}).render(markdown)


def table_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr>")[1:]]


# --- mlcourse check --summary ------------------------------------------------------------


def _result(message: str) -> dict:
    problems = [
        {
            "problem": p.id,
            "status": "incorrect",
            "points": 0.0,
            "max_points": p.points,
            "message": message,
        }
        for p in MODULE.problems
    ]
    return {
        "schema": "mlcourse.grade/1",
        "module": "01",
        "status": "ok",
        "reason": "The notebook ran to its end.",
        "points": 0.0,
        "max_points": MODULE.max_points,
        "problems": problems,
        "execution": {"sandboxed": True},
    }


def test_summary_shows_learner_text_as_text_one_row_per_problem():
    message = HOSTILE + "``` <img src=x onerror=alert(1)>\nsecond line " + "y" * 5000
    summary = check_summary(_result(message), "01_<b>bold</b>|x.ipynb")
    html = rendered(summary)
    assert html.count("<table>") == 1 and "<script" not in html and "<img" not in html
    assert "<a " not in html and "<b>" not in html, "no link, mention or markup from the notebook"
    rows = table_rows(html)
    assert len(rows) == len(MODULE.problems)
    assert all(row.count("<td") == 4 for row in rows), "a pipe split a row"
    assert "&lt;/table&gt;&lt;script&gt;alert(1)&lt;/script&gt; | x |" in rows[0]
    assert "second line" not in summary, "only the first line of feedback"
    assert max(len(line) for line in summary.splitlines()) < 400, "learner text is capped"


# --- the learner workflow ----------------------------------------------------------------


def _check_step() -> dict:
    runs = [s for s in _steps("mlcourse-check.yml") if "mlcourse check" in s.get("run", "")]
    assert len(runs) == 1
    return runs[0]


def _fail_step() -> dict:
    return next(s for s in _steps("mlcourse-check.yml") if "steps.check" in str(s.get("if")))


def test_learner_workflow_runs_on_main_and_leaves_only_github_steps_unrun():
    workflow = _workflow("mlcourse-check.yml")
    triggers = _triggers(workflow)
    assert triggers["push"]["branches"] == ["main"] == triggers["pull_request"]["branches"]
    assert workflow["env"]["MLCOURSE_PACKAGE"] == make_classroom.default_package()
    steps = _steps("mlcourse-check.yml")
    tested = [_check_step(), _fail_step()]
    upload = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert len(upload) == 1 and upload[0]["with"]["path"].endswith("/mlcourse/report.md")
    assert 'out="$RUNNER_TEMP/mlcourse"' in _check_step()["run"]  # where the upload reads
    unrun = [s for s in steps if s not in tested + upload]
    assert [next(k for k, v in GITHUB_ONLY.items() if v in str(s)) for s in unrun] == list(
        GITHUB_ONLY
    )
    sandbox = next(s for s in unrun if GITHUB_ONLY["sandbox"] in str(s))["run"]
    assert "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" in sandbox


def _checkout(steps: list[dict]) -> dict:
    return next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))


def test_learner_workflow_runs_notebooks_read_only_and_comments_from_a_job_without_course_code():
    workflow = _workflow("mlcourse-check.yml")
    assert workflow["permissions"] == {}, "no job gets a permission it does not ask for"
    check, comment = workflow["jobs"]["check"], workflow["jobs"]["comment"]
    assert list(workflow["jobs"]) == ["check", "comment"]
    assert check["permissions"] == {"contents": "read"}
    assert _checkout(check["steps"])["with"]["persist-credentials"] is False
    assert comment["permissions"] == {"pull-requests": "write"}
    assert comment["needs"] == "check"
    condition = " ".join(comment["if"].split())
    assert "github.event_name == 'pull_request'" in condition
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    # the comment job runs no course code: no checkout, no install, no script of its own
    actions = [s.get("uses", "").split("@")[0] for s in comment["steps"]]
    assert actions == ["actions/download-artifact", "actions/github-script"]
    assert not any("run" in s for s in comment["steps"])
    assert "pip" not in str(comment["steps"]) and "mlcourse check" not in str(comment["steps"])
    upload = next(s for s in check["steps"] if "upload-artifact" in s.get("uses", ""))
    download = comment["steps"][0]["with"]
    assert download["name"] == upload["with"]["name"]
    posted = comment["steps"][1]["env"]["REPORT"]
    assert posted == f"{download['path']}/report.md" == upload["with"]["path"]


@pytest.fixture(scope="module")
def learner_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("learner")
    repo = learner_repo(base, hostile_notebook())
    env = github_env(base, "mlcourse-check.yml")
    done = run_step(_check_step(), repo, env)
    return base, done


def test_learner_workflow_tables_progress_and_escapes_learner_text(learner_run):
    base, done = learner_run
    assert done.returncode == 0, done.stdout + done.stderr
    assert (base / "output.txt").read_text() == "broken=0\n"  # the red step does not run
    summary = (base / "step_summary.md").read_text(encoding="utf-8")
    assert summary == (base / "runner" / "mlcourse" / "report.md").read_text(encoding="utf-8")
    assert summary.startswith(f"### ` {NOTEBOOK} `: 30/31 points")
    assert "(sandboxed)" in summary
    html = rendered(summary)
    assert html.count("<table>") == 1 and "<script" not in html and "<a " not in html
    rows = table_rows(html)
    assert len(rows) == len(MODULE.problems) and all(r.count("<td") == 4 for r in rows)
    assert "❌ incorrect" in rows[0] and "0/1" in rows[0] and "&lt;/table&gt;" in rows[0]
    assert all("✅ correct" in row for row in rows[1:])


def test_learner_workflow_goes_red_only_for_a_notebook_it_cannot_read(tmp_path):
    repo = learner_repo(tmp_path, "{ this is not a notebook")
    env = github_env(tmp_path, "mlcourse-check.yml")
    done = run_step(_check_step(), repo, env)
    assert done.returncode == 0, done.stderr  # the comment step still runs
    assert (tmp_path / "output.txt").read_text() == "broken=1\n"
    summary = (tmp_path / "step_summary.md").read_text(encoding="utf-8")
    assert "not checked" in summary and "not a readable notebook" in summary
    failed = run_step(_fail_step(), repo, {**env, "BROKEN": "1"})
    assert failed.returncode == 1 and "could not be read or run" in failed.stdout


def test_learner_workflow_with_no_notebook_yet_says_so(tmp_path):
    repo = learner_repo(tmp_path, None)
    done = run_step(_check_step(), repo, github_env(tmp_path, "mlcourse-check.yml"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "output.txt").read_text() == "broken=0\n"
    assert "No notebook in work/ yet" in (tmp_path / "step_summary.md").read_text()


# --- the Classroom autograding workflow --------------------------------------------------


def test_classroom_yml_is_what_the_generator_makes():
    committed = (TEMPLATE / "classroom.yml").read_text(encoding="utf-8")
    assert committed == make_classroom.render("01", make_classroom.default_package())


def test_classroom_awards_each_problem_its_declared_points_and_reports_them_all():
    workflow = _workflow("classroom.yml")
    assert _triggers(workflow) == ["push", "repository_dispatch"]
    assert workflow["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    steps = _steps("classroom.yml")
    assert _checkout(steps)["with"]["persist-credentials"] is False
    graders = [s for s in steps if s.get("uses") == make_classroom.GRADER]
    assert {s["with"]["test-name"]: s["with"]["max-score"] for s in graders} == {
        p.id: int(p.points) for p in MODULE.problems
    }
    assert sum(s["with"]["max-score"] for s in graders) == MODULE.max_points
    reporter = steps[-1]
    assert reporter["uses"] == make_classroom.REPORTER
    ids = [s["id"] for s in graders]
    assert reporter["with"]["runners"].split(",") == ids and len(set(ids)) == len(ids)
    assert reporter["env"] == {
        f"{i.upper()}_RESULTS": f"${{{{steps.{i}.outputs.result}}}}" for i in ids
    }
    unrun = steps[: steps.index(_grade_step())]
    assert [next(k for k, v in GITHUB_ONLY.items() if v in str(s)) for s in unrun] == list(
        GITHUB_ONLY
    )


def test_make_classroom_refuses_what_it_cannot_generate(capsys):
    assert make_classroom.main(["99"]) == 2
    refused = [
        "work/x.ipynb; curl evil",
        "-work.ipynb",
        "--help.ipynb",
        "work/a b.ipynb",
        "work/$(id).ipynb",
        "work/x.ipynb\n  run: curl evil",
        "work/é.ipynb",
        "work/x.py",
    ]
    for notebook in refused:
        assert make_classroom.main(["01", f"--notebook={notebook}"]) == 2, notebook
    plain = "work/sub-dir/01_python.essentials.ipynb"
    assert make_classroom.check_notebook_path(plain) == plain
    half = type("Problem", (), {"id": "01.1", "points": 1.5})()
    with pytest.raises(make_classroom.UsageError, match="whole points"):
        make_classroom._points(half)
    assert capsys.readouterr().err.count("make_classroom.py: error: ") == 1 + len(refused)


def _grade_step() -> dict:
    runs = [s for s in _steps("classroom.yml") if "mlcourse check" in s.get("run", "")]
    assert len(runs) == 1 and "--json" in runs[0]["run"]
    return runs[0]


NOTEBOOKS = {
    "solved": lambda: corpus.answered(*corpus.ALL),
    "blank": corpus.exercises,
    "one_wrong": hostile_notebook,
}


@pytest.fixture(scope="module")
def classroom_runs(tmp_path_factory) -> dict:
    """The Classroom workflow on each learner repository: its grading step, then every grader."""
    runs = {}
    graders = [s for s in _steps("classroom.yml") if s.get("uses") == make_classroom.GRADER]
    for case, notebook in NOTEBOOKS.items():
        base = tmp_path_factory.mktemp(case)
        repo = learner_repo(base, notebook())
        done = run_step(_grade_step(), repo, github_env(base, "classroom.yml"))
        assert done.returncode == 0, done.stdout + done.stderr
        if case == "one_wrong":  # every command as a process, two at a time (they only read)
            with ThreadPoolExecutor(max_workers=2) as pool:
                points = list(pool.map(command_grader, graders, [repo] * len(graders)))
        else:
            points = [command_grader(step, repo, in_process=True) for step in graders]
        scores = {step["with"]["test-name"]: p for step, p in zip(graders, points, strict=True)}
        result = json.loads((repo / ".mlcourse" / "classroom" / "01.json").read_text())
        runs[case] = scores, result, repo
    return runs


@pytest.mark.parametrize("case", list(NOTEBOOKS))
def test_classroom_scores_are_the_graders_verdicts(classroom_runs, case):
    scores, result, _ = classroom_runs[case]
    assert result["execution"]["sandboxed"] is True
    declared = {p.id: int(p.points) for p in MODULE.problems}
    if case == "solved":
        assert scores == declared and result["points"] == MODULE.max_points
    elif case == "blank":
        assert set(scores.values()) == {0}
        assert {p["status"] for p in result["problems"]} == {"not_attempted"}
    else:
        assert scores == {**declared, "01.1": 0}
        assert sum(scores.values()) == MODULE.max_points - 1 == result["points"]


def test_from_json_refuses_a_result_that_is_not_this_notebooks(classroom_runs, tmp_path, capsys):
    _, result, repo = classroom_runs["solved"]
    notebook = str(repo / "work" / NOTEBOOK)
    saved = tmp_path / "result.json"

    def verdict(data, problem="01.1", *extra) -> int:
        saved.write_text(json.dumps(data) if not isinstance(data, str) else data)
        return main(["check", *extra, "--from-json", str(saved), "--problem", problem])

    assert verdict(result, "01.1", notebook) == 0
    assert verdict(result, "01.99") == 2
    assert verdict(result, "02.1") == 2  # a result of module 01 for a problem of 02
    assert verdict({**result, "schema": "other"}) == 2
    assert verdict({**result, "problems": result["problems"][1:]}) == 2
    assert (
        verdict(
            {
                **result,
                "problems": [{**result["problems"][0], "max_points": 9}] + result["problems"][1:],
            }
        )
        == 2
    )
    assert verdict("[" * 100_000) == 2
    assert verdict({**result, "submission": {"sha256": "0" * 64}}, "01.1", notebook) == 2
    errors = capsys.readouterr().err
    assert errors.count("not the grader's result for module 01") == 5
    assert "another version of 01_python_essentials.ipynb" in errors


def test_summary_says_an_answer_without_a_key_here_is_judged_when_graded():
    """With a class release's package (no answer keys) a row is not shown as a checker bug."""
    result = _result("This answer is not judged in this notebook: no answer key ...")
    result["problems"][0].update(status="checker_error", details={"key_unavailable": True})
    result["problems"][1].update(status="checker_error", details={"key_unavailable": "yes"})
    rows = [line for line in check_summary(result, "x.ipynb").splitlines() if "01." in line]
    assert "⏳ judged when graded" in rows[0]
    assert "checker error" in rows[1]  # only a real marker counts
