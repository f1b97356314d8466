"""The ``mlcourse`` command line: argument parsing only; each command lives in its subpackage."""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from collections.abc import Sequence
from pathlib import Path


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


def _module(value: str, *, written: bool = False) -> str:
    """A module number from the command line: in the course map, and written when asked."""
    from ._curriculum import MODULES
    from .exercises import available_modules, normalise_number

    try:
        number = normalise_number(value)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if number not in MODULES:
        raise UsageError(f"no module {number} in the course: modules are 00 to 26")
    if written and number not in available_modules():
        raise UsageError(
            f"module {number} is not written yet; written modules: {' '.join(available_modules())}"
        )
    return number


def _tracking_server() -> str:
    """The configured tracking URI; a class server that does not answer is an error here."""
    from .tracking import ensure_tracking_env
    from .tracking._store import server_is_up

    uri = ensure_tracking_env()
    if uri.startswith(("http://", "https://")) and not server_is_up(uri, timeout=5):
        raise UsageError(
            f"the tracking server {uri} is not answering: start it (`mlcourse tracking serve`) "
            "or unset MLFLOW_TRACKING_URI to read your local store"
        )
    return uri


def _cmd_lab(args: argparse.Namespace) -> int:
    from .lab import LabError, run_lab

    try:
        run_lab(
            port=args.port,
            no_browser=args.no_browser,
            tracking_uri=args.tracking_uri,
            learner=args.learner,
            class_url=args.class_url,
        )
    except LabError as error:
        raise UsageError(str(error)) from None
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from ._paths import course_root
    from .build import BuildError, build_course

    root = Path(args.root).resolve() if args.root else course_root()
    if args.root and not (root / "solutions").is_dir():
        raise UsageError(f"{root}: not a course folder (it has no solutions/)")
    modules = [_module(m) for m in args.modules] if args.modules else None
    for number in modules or ():
        if not any((root / "solutions").glob(f"{number}_*.ipynb")):
            raise UsageError(f"no solutions/{number}_*.ipynb under {root}: nothing to build")
    try:
        report = build_course(root, check=args.check, modules=modules)
    except (BuildError, ValueError) as error:
        raise UsageError(str(error)) from None
    if args.check:
        for path in report.written:
            print(f"out of date: {path.relative_to(root)}")
        for path in report.stale:
            print(f"no source in solutions/: {path.relative_to(root)}")
        if not report.in_sync:
            print("exercises/ is out of date: run `mlcourse build`.", file=sys.stderr)
            return 1
        print(f"exercises/ is in sync with solutions/ ({len(report.unchanged)} notebooks).")
        return 0
    for path in report.written:
        print(f"wrote {path.relative_to(root)}")
    for path in report.stale:
        print(f"removed {path.relative_to(root)} (no source in solutions/)")
    print(
        f"{len(report.written)} written, {len(report.unchanged)} unchanged, {len(report.stale)} removed."
    )
    return 0


def _cmd_update(args: argparse.Namespace) -> int:
    from ._paths import course_root
    from .workspace import update_workspace, workspace_dir

    root = course_root()
    if not (root / "exercises").is_dir():
        raise UsageError(f"no exercises/ under {root}: run this from the course folder")
    modules = [_module(m, written=True) for m in args.modules] if args.modules else None
    results = update_workspace(root, modules)
    print(f"Your workspace: {workspace_dir(root)}")
    for result in results:
        print("  " + result.line())
    return 1 if any(result.status == "failed" for result in results) else 0


_CHECK_DESCRIPTION = """\
Grade a notebook as `mlcourse grade` does (the file is not modified): run every cell in a
fresh kernel, sandboxed when bubblewrap is installed, then judge the values the cells left at
the end. A check that passed while you worked but whose answer a later cell changed shows
here as the grader will see it.

For CI: --json saves the grader's result and --summary a Markdown table of it; then
--from-json FILE --problem ID says whether one problem is correct, without running the
notebook again."""

_CHECK_EXIT = """exit status:
  0  the notebook ran to its end and was judged (whatever the answers earned);
     with --from-json: the problem is correct
  1  the notebook could not be run to its end (tampered, timeout, crashed, grader error);
     with --from-json: the problem is not correct
  2  bad command line, a file that is not a course notebook, or (--from-json) a file that
     is not the grader's result for that module and notebook"""


def _write_output(path: Path, text: str) -> None:
    from .grader._report import atomic_write

    try:
        atomic_write(path, text)
    except OSError as error:
        raise UsageError(f"{path}: cannot write ({error.strerror or error})") from None


def _read_result(path: Path, module: str, notebook: Path | None) -> dict:
    from .grader._summary import ResultRefused, read_grader_result

    try:
        return read_grader_result(path, module, notebook)
    except ResultRefused as error:
        raise UsageError(str(error)) from None


def _check_from_json(args: argparse.Namespace) -> int:
    """``mlcourse check [NOTEBOOK] --from-json FILE --problem ID``: one problem's verdict."""
    from .grader._summary import points_text

    if not args.problem:
        raise UsageError("--from-json needs --problem ID, e.g. --problem 01.3")
    if args.json or args.summary:
        raise UsageError("--json and --summary write a new result; --from-json reads one")
    from .exercises import get_module

    problem = args.problem.strip()
    module = _module(problem.split(".", 1)[0], written=True)
    ids = [p.id for p in get_module(module).problems]
    if problem not in ids:
        raise UsageError(f"no problem {problem} in module {module}: {' '.join(ids)}")
    notebook = None
    if args.notebook:
        notebook = Path(args.notebook)
        if not notebook.is_file():
            raise UsageError(f"{notebook}: no such notebook")
    result = _read_result(Path(args.from_json), module, notebook)
    outcome = next(p for p in result["problems"] if p["problem"] == problem)
    score = f"{points_text(outcome['points'])}/{points_text(outcome['max_points'])}"
    print(f"{problem} {str(outcome['status']).replace('_', ' ')} {score}")
    message = str(outcome.get("message") or "").splitlines()
    if message and outcome["status"] != "correct":
        print(message[0][:300])
    if result.get("status") not in ("ok", "empty"):
        print(f"Not graded ({result.get('status')}): {str(result.get('reason', ''))[:300]}")
    return 0 if outcome["status"] == "correct" else 1


def _cmd_check(args: argparse.Namespace) -> int:
    import nbformat

    from .grader import Limits, Submission, bubblewrap, grade_submission
    from .grader._summary import check_summary, unreadable_summary

    if args.from_json:
        return _check_from_json(args)
    if args.problem:
        raise UsageError("--problem reads a saved result: give it with --from-json FILE")
    if not args.notebook:
        raise UsageError("give the notebook to check, e.g. work/01_python_essentials.ipynb")
    path = Path(args.notebook)
    if not path.is_file() or path.suffix != ".ipynb":
        raise UsageError(f"{path}: no such notebook (expected a .ipynb file)")
    if not re.match(r"\d\d_", path.name):
        raise UsageError(
            f"{path.name}: not a course module notebook (its name starts with the module "
            "number, e.g. 01_python_essentials.ipynb)"
        )
    module = _module(path.name[:2], written=True)
    if args.timeout <= 0:
        raise UsageError(f"--timeout must be positive, not {args.timeout}")
    try:
        nbformat.read(str(path), as_version=4)
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds on a bad file
        reason = f"not a readable notebook ({type(error).__name__})"
        if args.summary:
            _write_output(Path(args.summary), unreadable_summary(path, reason))
        raise UsageError(f"{path}: {reason}") from None
    sandbox = bubblewrap() is not None
    print(
        f"Grading {path} as the course's grader does: a fresh kernel"
        f"{', sandboxed' if sandbox else ''}, every cell from the top, then the values your "
        "cells left at the end are judged ...",
        flush=True,
    )
    limits = Limits(cell_timeout=args.timeout, timeout=max(600.0, 3.0 * args.timeout))
    submission = Submission(learner="you", name=path.name, content=path.read_bytes())
    result = grade_submission(submission, module, limits, sandbox=sandbox)
    if args.json:
        import json

        _write_output(Path(args.json), json.dumps(result, indent=2, sort_keys=True) + "\n")
    if args.summary:
        _write_output(Path(args.summary), check_summary(result, path.name))
    for outcome in result["problems"]:
        status = outcome["status"].replace("_", " ")
        score = f"{outcome['points']:g}/{outcome['max_points']:g}"
        print(f"  {outcome['problem']:<8} {status:<16} {score}")
        if outcome["status"] != "correct" and outcome["message"]:
            print(f"           {outcome['message'].splitlines()[0]}")
    seconds = result["execution"]["seconds"]
    print(f"Total {result['points']:g}/{result['max_points']:g} in {seconds:.1f} s")
    if result["execution"]["cell_errors"]:
        print(result["reason"])
    if result["status"] not in ("ok", "empty"):
        print(f"{result['status'].replace('_', ' ').capitalize()}: {result['reason']}")
        return 1
    return 0


def _cmd_data(args: argparse.Namespace) -> int:
    from .datasets import CatalogError, DatasetUnavailable
    from .datasets import _commands as data

    actions = {
        "list": lambda: data.list_datasets(),
        "info": lambda: data.info(args.name),
        "verify": lambda: data.verify(args.names),
        "fetch": lambda: data.fetch(args.names),
        "export": lambda: data.export(Path(args.directory)),
        "seed": lambda: data.seed(Path(args.source)),
    }
    if not args.action:
        raise UsageError(
            "say what to do: list, info NAME, verify, fetch, export DIR or seed --from DIR"
        )
    try:
        return actions[args.action]()
    except (CatalogError, DatasetUnavailable, FileNotFoundError) as error:
        raise UsageError(str(error)) from None
    except OSError as error:  # a folder that is a file, no permission, a full disk
        where = f"{error.filename}: " if error.filename else ""
        raise UsageError(f"{where}{error.strerror or error}") from None
    except KeyError as error:
        raise UsageError(error.args[0]) from None


def _cmd_models(args: argparse.Namespace) -> int:
    from .models import PretrainedError
    from .models import _commands as models

    actions = {
        "list": lambda: models.list_models(),
        "info": lambda: models.info(args.name),
        "verify": lambda: models.verify(),
        "build": lambda: models.build(args.name, Path(args.output)),
    }
    if not args.action:
        raise UsageError("say what to do: list, info NAME, verify or build NAME")
    try:
        return actions[args.action]()
    except PretrainedError as error:
        raise UsageError(str(error)) from None
    except OSError as error:  # an output folder that is a file, no permission, a full disk
        where = f"{error.filename}: " if error.filename else ""
        raise UsageError(f"{where}{error.strerror or error}") from None


def _cmd_grade(args: argparse.Namespace) -> int:
    from .grader import DaskCluster, GradeError, Limits, bubblewrap, grade_batch

    module = _module(args.module, written=True)
    for name in ("workers", "timeout", "memory", "scratch"):
        if getattr(args, name) is not None and getattr(args, name) <= 0:
            raise UsageError(f"--{name} must be positive, not {getattr(args, name)}")
    cluster = None
    if args.scheduler or args.dask_local is not None:
        if args.workers is not None:
            raise UsageError(
                "--workers sets this machine's pool; on a Dask cluster each worker thread "
                "grades one submission: drop --workers (start workers with --nthreads 1)"
            )
        if args.dask_local is not None and args.dask_local <= 0:
            raise UsageError(f"--dask-local must be positive, not {args.dask_local}")
        cluster = DaskCluster(scheduler=args.scheduler, local_workers=args.dask_local or 0)
    if args.no_sandbox:
        print(
            "WARNING: --no-sandbox: submissions run as "
            f"{'root' if os.geteuid() == 0 else 'this user'}, with this machine's network, "
            "files and the course's solutions in reach. Use it only for work you trust.",
            file=sys.stderr,
        )
    elif not bubblewrap() and not args.scheduler:
        raise UsageError(
            "bubblewrap is not installed, so submissions cannot be sandboxed: install it "
            "(apt-get install bubblewrap), or pass --no-sandbox for a batch you trust"
        )
    limits = Limits(
        timeout=args.timeout,
        # an interrupted cell must leave time for the rest of the notebook and its answers
        cell_timeout=max(5, int(min(args.timeout / 3, 120))),
        memory_mb=args.memory,
        scratch_mb=args.scratch,
    )
    out = Path(args.out)
    # a TERM (a scheduler, a closed session) stops the batch as Ctrl+C does: the submissions
    # being graded finish, the gradebook is written and scratch folders are removed
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        summary = grade_batch(
            [Path(p) for p in args.paths],
            module,
            out,
            workers=args.workers or 1,
            limits=limits,
            resume=args.resume,
            mlflow=args.mlflow,
            sandbox=not args.no_sandbox,
            progress=lambda line: print(line, flush=True),
            cluster=cluster,
            bar=sys.stderr.isatty(),
        )
    except (GradeError, FileNotFoundError) as error:
        raise UsageError(str(error)) from None
    except KeyboardInterrupt:
        print(
            f"interrupted: the gradebook holds what was graded ({out / f'gradebook_{module}.csv'}); "
            "run the same command with --resume to grade the rest",
            file=sys.stderr,
        )
        return 130
    print(
        f"graded {summary.graded}, kept {summary.skipped} in {summary.seconds:.1f} s; "
        f"gradebook: {summary.gradebook}; feedback pages: {out / 'feedback' / module}"
    )
    if summary.grader_errors:
        print(
            f"{len(summary.grader_errors)} submission(s) could not be judged by the grader "
            f"(status grader_error; see their result files): {', '.join(summary.grader_errors)}"
        )
    return 0


def _cmd_whoami(args: argparse.Namespace) -> int:
    from .tracking import current_learner, set_learner

    if args.set is not None:
        try:
            name = set_learner(args.set)
        except ValueError as error:
            raise UsageError(str(error)) from None
        print(f"You are {name}: your runs and checks carry this name.")
        return 0
    name = current_learner()
    print(name or "not set: run `mlcourse whoami --set YOUR_NAME`")
    return 0


def _cmd_tracking(args: argparse.Namespace) -> int:
    from .tracking._serve import serve

    if args.action != "serve":
        raise UsageError("say what to do: serve")
    if not 1 <= args.port <= 65535:
        raise UsageError(f"port must be between 1 and 65535, not {args.port}")
    try:
        serve(args.backend_store_uri, args.host, args.port, args.artifacts_destination)
    except RuntimeError as error:
        raise UsageError(str(error)) from None
    return 0


def _cmd_leaderboard(args: argparse.Namespace) -> int:
    import time

    from .tracking import configure, leaderboard, lower_is_better
    from .tracking._leaderboard import LeaderboardUnavailable, format_leaderboard

    module = _module(args.module)
    if not args.metric.strip():
        raise UsageError("--metric needs a metric name, such as roc_auc")
    if args.top is not None and args.top < 1:
        raise UsageError(f"--top must be at least 1, not {args.top}")
    if args.interval <= 0:
        raise UsageError(f"--interval must be positive, not {args.interval:g}")
    _tracking_server()
    configure()
    lower = lower_is_better(args.metric) if args.lower is None else args.lower
    while True:
        try:
            frame = leaderboard(module, args.metric, top=args.top, lower=lower)
        except LeaderboardUnavailable as error:
            if not args.watch:
                raise UsageError(str(error)) from None
            print(f"{time.strftime('%H:%M:%S')} {error}", file=sys.stderr, flush=True)
            time.sleep(args.interval)
            continue
        if args.watch:
            print("\033[2J\033[H", end="")
            print(
                time.strftime("%H:%M:%S"),
                f"module {module}, refreshed every {args.interval:g} s (Ctrl+C stops)",
            )
        print(format_leaderboard(frame, args.metric, lower), flush=True)
        if not args.watch:
            return 0
        time.sleep(args.interval)


def _cmd_progress(args: argparse.Namespace) -> int:
    from .tracking import progress
    from .tracking._identity import validate_learner

    if args.learner is not None:
        try:
            validate_learner(args.learner)
        except ValueError as error:
            raise UsageError(str(error)) from None
    _tracking_server()
    print(progress(args.learner))
    return 0


def _cmd_quiz(args: argparse.Namespace) -> int:
    from .quiz import BankError, QuizError, quiz

    modules = [_module(m) for m in args.modules or ()]
    try:
        return quiz(
            n=args.n,
            modules=modules,
            difficulty=args.difficulty,
            seed=args.seed,
            list_questions=args.list,
            due=args.due,
            reset=args.reset,
            yes=args.yes,
            bank=args.bank,
        )
    except (QuizError, BankError, FileNotFoundError) as error:
        raise UsageError(str(error)) from None


def _cmd_doctor(args: argparse.Namespace) -> int:
    from .doctor import run_doctor

    return run_doctor()


def _cmd_release(args: argparse.Namespace) -> int:
    from ._paths import course_root
    from .release import ReleaseError, ReleaseRejected, assemble_class_release

    try:
        release = assemble_class_release(course_root(), Path(args.class_dir), force=args.force)
    except ReleaseRejected as error:
        for finding in error.findings:
            print(f"answer key: {finding}", file=sys.stderr)
        print(f"mlcourse release: {error}", file=sys.stderr)
        return 1
    except ReleaseError as error:
        raise UsageError(str(error)) from None
    for note in release.notes:
        print(f"note: {note}")
    wheel = release.wheel.relative_to(release.folder)
    print(f"wrote {release.folder} ({release.files} files, learners install {wheel})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="mlcourse",
        description="A hands-on machine-learning course: notebooks, self-checking exercises, tracking.",
    )
    parser.add_argument("--version", action="version", version=f"mlcourse {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    lab = sub.add_parser(
        "lab",
        help="start JupyterLab on the course",
        description="Start JupyterLab on the course folder, opening curriculum/00_start_here.ipynb.",
    )
    lab.add_argument("--port", type=int, default=8888, help="port on 127.0.0.1 (default 8888)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    lab.add_argument(
        "--tracking-uri", help="log MLflow runs to this class server instead of the embedded store"
    )
    lab.add_argument("--learner", help="your name as recorded on runs and checks")
    lab.add_argument(
        "--class",
        dest="class_url",
        metavar="URL",
        help="join this live class session (the address your instructor shows) in every notebook",
    )
    lab.set_defaults(func=_cmd_lab)

    build = sub.add_parser(
        "build",
        help="generate exercises/ from solutions/",
        description="Generate exercises/ from solutions/: answers become `...`, self-tests are dropped, outputs are cleared.",
    )
    build.add_argument("modules", nargs="*", metavar="NN", help="only these modules (default: all)")
    build.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when exercises/ is out of date"
    )
    build.add_argument("--root", help="course folder (default: found from the working directory)")
    build.set_defaults(func=_cmd_build)

    update = sub.add_parser(
        "update",
        help="bring course updates into your workspace, keeping your answers",
        description="Merge new versions of the exercises into your copies in work/: course cells "
        "are updated, your answers and your own cells are kept, a backup of each changed "
        "notebook goes to work/.backup/, and answers whose starting code also changed are listed.",
    )
    update.add_argument(
        "modules", nargs="*", metavar="NN", help="only these modules (default: all)"
    )
    update.set_defaults(func=_cmd_update)

    check = sub.add_parser(
        "check",
        help="grade a notebook as the grader does and report every exercise's outcome",
        description=_CHECK_DESCRIPTION,
        epilog=_CHECK_EXIT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "notebook",
        nargs="?",
        help="path to NN_slug.ipynb (with --from-json: optional, to refuse a result made "
        "from another version of it)",
    )
    check.add_argument(
        "--timeout", type=int, default=120, help="seconds allowed per cell (default 120)"
    )
    check.add_argument(
        "--json",
        metavar="FILE",
        help="also write the grader's result (the JSON `mlcourse grade` writes) to FILE",
    )
    check.add_argument(
        "--summary",
        metavar="FILE",
        help="also write a Markdown table of exercises, outcomes, points and feedback to FILE "
        "(for $GITHUB_STEP_SUMMARY or a pull-request comment)",
    )
    check.add_argument(
        "--from-json",
        metavar="FILE",
        help="do not run anything: read a result saved with --json and judge --problem from it",
    )
    check.add_argument(
        "--problem",
        metavar="ID",
        help="with --from-json: the problem (e.g. 01.3); exit 0 if it is correct, 1 if not",
    )
    check.set_defaults(func=_cmd_check)

    data = sub.add_parser(
        "data",
        help="list, verify, fetch and seed the course's datasets",
        description="The course's datasets: offline loaders, seeded generators and optional downloads.",
    )
    data.set_defaults(func=_cmd_data, action=None)
    actions = data.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("list", help="every dataset with its kind, modules and license")
    info = actions.add_parser("info", help="a dataset's card")
    info.add_argument("name")
    verify = actions.add_parser("verify", help="check cards, functions and content checksums")
    verify.add_argument("names", nargs="*", metavar="NAME")
    fetch = actions.add_parser("fetch", help="download optional datasets into the cache")
    fetch.add_argument("names", nargs="*", metavar="NAME")
    export = actions.add_parser("export", help="copy cached downloads to a folder for offline use")
    export.add_argument("directory")
    seed = actions.add_parser(
        "seed", help="fill the cache from an exported folder (checksums verified)"
    )
    seed.add_argument("--from", dest="source", required=True, metavar="DIR")

    models = sub.add_parser(
        "models",
        help="list, verify and rebuild the course's pretrained models",
        description="Pretrained models shipped with the course (weights checksummed, "
        "provenance in a card), for transfer learning offline.",
    )
    models.set_defaults(func=_cmd_models, action=None)
    model_actions = models.add_subparsers(dest="action", metavar="ACTION")
    model_actions.add_parser("list", help="every shipped model")
    model_info = model_actions.add_parser("info", help="a model's provenance card")
    model_info.add_argument("name")
    model_actions.add_parser("verify", help="check every model's weights against its checksum")
    model_build = model_actions.add_parser(
        "build", help="retrain a model by its recipe and compare it with the shipped one"
    )
    model_build.add_argument("name")
    model_build.add_argument(
        "--output",
        default="pretrained",
        metavar="DIR",
        help="folder for the rebuilt weights and card (default ./pretrained; never the shipped files)",
    )

    grade = sub.add_parser(
        "grade",
        help="grade submissions in a sandbox",
        description="Grade submissions (notebooks, a folder per learner, or an LMS zip): each runs in a "
        "sandbox, its answers are evaluated outside it, and results, a gradebook CSV and feedback "
        "pages are written to --out.",
    )
    grade.add_argument(
        "paths", nargs="+", metavar="PATH", help="notebook files, folders or .zip files"
    )
    grade.add_argument("--module", required=True, metavar="NN", help="the module being graded")
    grade.add_argument("--out", default="grades", help="output folder (default ./grades)")
    grade.add_argument(
        "--workers",
        type=int,
        default=None,
        help="submissions graded in parallel on this machine (default 1)",
    )
    where = grade.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        metavar="tcp://HOST:8786",
        help="grade on a running Dask cluster: each submission is a task on a worker that has "
        "bubblewrap and the course (see docs/grading.md); never open its port to learners",
    )
    where.add_argument(
        "--dask-local",
        type=int,
        metavar="N",
        help="grade on a Dask LocalCluster of N worker processes started for this batch",
    )
    grade.add_argument(
        "--timeout", type=float, default=300, help="seconds per submission (default 300)"
    )
    grade.add_argument(
        "--memory",
        type=int,
        default=6144,
        help="address-space limit per process in the sandbox, in MB (default 6144)",
    )
    grade.add_argument(
        "--scratch",
        type=int,
        default=512,
        help="all the space a submission can write (its working folder, /tmp and its answers), "
        "in MB, held in memory, never on disk (default 512; /dev/shm has 64 more; no file "
        "over 64 MB)",
    )
    grade.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run submissions WITHOUT the bubblewrap sandbox, as this user, with the network, "
        "this machine's files and the course's solutions in reach: only for a batch you trust",
    )
    grade.add_argument(
        "--mlflow", action="store_true", help="also log one MLflow run per submission"
    )
    grade.add_argument(
        "--resume", action="store_true", help="skip submissions already graded unchanged"
    )
    grade.set_defaults(func=_cmd_grade)

    from .grader._lms import add_gradebook_parser

    add_gradebook_parser(sub)

    from .grader._similarity import add_similarity_parser

    add_similarity_parser(sub)

    whoami = sub.add_parser(
        "whoami",
        help="show or set your learner name",
        description="Show your learner name, or save it with --set (MLCOURSE_LEARNER overrides it).",
    )
    whoami.add_argument("--set", metavar="NAME", help="save NAME as your learner name")
    whoami.set_defaults(func=_cmd_whoami)

    tracking = sub.add_parser(
        "tracking",
        help="run a class tracking server",
        description="Run an MLflow tracking server for a class.",
    )
    tracking.set_defaults(func=_cmd_tracking, action=None)
    tracking_actions = tracking.add_subparsers(dest="action", metavar="ACTION")
    serve = tracking_actions.add_parser(
        "serve",
        help="start an MLflow server (SQLite or PostgreSQL) with job execution disabled",
        description="Create or upgrade the database, print the URI to hand out, then serve.",
    )
    serve.add_argument(
        "--backend-store-uri",
        help="database URI (default: MLCOURSE_TRACKING_DB, else MLFLOW_BACKEND_STORE_URI, "
        "else SQLite in .mlcourse/server/); prefer the environment for a password",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    serve.add_argument(
        "--artifacts-destination",
        help="where artifacts are stored (default .mlcourse/server/artifacts)",
    )

    board = sub.add_parser(
        "leaderboard",
        help="the best run per learner in a module",
        description="Rank learners by their best run in the module's experiment mlcourse/NN_slug.",
    )
    board.add_argument("module", metavar="NN")
    board.add_argument("--metric", required=True, help="the metric to rank by")
    board.add_argument("--top", type=int, help="show only the first K ranks")
    direction = board.add_mutually_exclusive_group()
    direction.add_argument(
        "--lower-is-better", dest="lower", action="store_const", const=True, default=None
    )
    direction.add_argument("--higher-is-better", dest="lower", action="store_const", const=False)
    board.add_argument("--watch", action="store_true", help="refresh until Ctrl+C")
    board.add_argument(
        "--interval", type=float, default=5.0, help="seconds between refreshes (default 5)"
    )
    board.set_defaults(func=_cmd_leaderboard)

    progress = sub.add_parser(
        "progress",
        help="which exercises are solved, per module",
        description="Per module, which exercises are Correct: from your local checks and the class server.",
    )
    progress.add_argument("--learner", help="only this learner")
    progress.set_defaults(func=_cmd_progress)

    from .live._command import add_live_parser

    add_live_parser(sub)

    quiz = sub.add_parser(
        "quiz",
        help="drill your weakest modules with spaced repetition",
        description="Drill interview-style questions on the whole course, offline: questions "
        "that are due come first, weighted towards the modules your checks and past answers "
        "show you are weakest on; right answers come back after 1, 3, 7, 21 then 60 days, "
        "wrong ones the same day. Answer 'q' or press Ctrl+D to stop; answers are saved as "
        "you go.",
    )
    quiz.add_argument("--n", type=int, default=10, help="questions in the drill (default 10)")
    quiz.add_argument(
        "--module",
        dest="modules",
        action="append",
        metavar="NN",
        help="only this module (repeat for several)",
    )
    quiz.add_argument("--difficulty", choices=("easy", "medium", "hard"), help="only this level")
    quiz.add_argument("--seed", type=int, help="make the choice of questions reproducible")
    quiz_mode = quiz.add_mutually_exclusive_group()
    quiz_mode.add_argument(
        "--list",
        action="store_true",
        help="count the questions per module, kind and difficulty, and show your weakest modules",
    )
    quiz_mode.add_argument("--due", action="store_true", help="say how many questions are due")
    quiz_mode.add_argument(
        "--reset", action="store_true", help="forget your quiz history (needs --yes)"
    )
    quiz.add_argument("--yes", action="store_true", help="confirm --reset")
    quiz.add_argument(
        "--bank", metavar="DIR", help="use the mNN.toml files in DIR (to try new questions)"
    )
    quiz.set_defaults(func=_cmd_quiz)

    release = sub.add_parser(
        "release",
        help="assemble what a graded class is handed out: no solutions, no answer keys",
        description="Assemble what an instructor hands out to a graded class in DIR: the lessons, "
        "the exercises notebooks, the dataset cards and the course package without its answer "
        "keys (a wheel, version +class). Everything is checked for answer keys before it is "
        "put in place; if any is found, nothing is written.",
    )
    release.add_argument(
        "--class", dest="class_dir", required=True, metavar="DIR", help="the folder to write"
    )
    release.add_argument(
        "--force",
        action="store_true",
        help="replace DIR when it is an earlier class release (every file in its MANIFEST)",
    )
    release.set_defaults(func=_cmd_release)

    doctor = sub.add_parser(
        "doctor",
        help="say what is installed and what is missing",
        description="Report the installation: packages, the kernel spec, the course folder, tracking and optional tools.",
    )
    doctor.set_defaults(func=_cmd_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mlcourse`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except UsageError as error:
        print(f"mlcourse {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - one line, never a traceback, for a learner
        if os.environ.get("MLCOURSE_DEBUG"):
            raise
        text = " ".join(str(error).split())[:300]
        print(
            f"mlcourse {args.command}: error: {type(error).__name__}: {text} "
            "(MLCOURSE_DEBUG=1 shows where)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
