"""The ``mlcourse`` command line: argument parsing only; each command lives in its subpackage."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


def _cmd_lab(args: argparse.Namespace) -> int:
    from .lab import LabError, run_lab

    try:
        run_lab(
            port=args.port,
            no_browser=args.no_browser,
            tracking_uri=args.tracking_uri,
            learner=args.learner,
        )
    except LabError as error:
        raise UsageError(str(error)) from None
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from ._paths import course_root
    from .build import BuildError, build_course
    from .exercises import normalise_number

    root = Path(args.root).resolve() if args.root else course_root()
    try:
        modules = [normalise_number(m) for m in args.modules] if args.modules else None
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


def _cmd_check(args: argparse.Namespace) -> int:
    from .exercises._run import run_notebook

    path = Path(args.notebook)
    if not path.is_file() or path.suffix != ".ipynb":
        raise UsageError(f"{path}: no such notebook (expected a .ipynb file)")
    print(f"Running {path} ...", flush=True)
    run = run_notebook(path.resolve(), timeout=args.timeout)
    if run.module is None:
        raise UsageError(f"{path.name}: not a course module notebook (name should start with NN_)")
    total = 0.0
    for problem in run.module.problems:
        status = run.statuses.get(problem.id, "not checked")
        points = run.points.get(problem.id, 0.0)
        total += points
        print(f"  {problem.id:<8} {status.replace('_', ' '):<16} {points:g}/{problem.points:g}")
    print(f"Total {total:g}/{run.module.max_points:g} in {run.seconds:.1f} s")
    if run.error:
        print(f"The notebook stopped with an error: {run.error}")
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
    except KeyError as error:
        raise UsageError(error.args[0]) from None


def _cmd_doctor(args: argparse.Namespace) -> int:
    from .doctor import run_doctor

    return run_doctor()


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

    check = sub.add_parser(
        "check",
        help="run a notebook and report every exercise's outcome",
        description="Execute an exercises notebook in a fresh kernel (the file is not modified) and report the outcome of every problem.",
    )
    check.add_argument("notebook", help="path to NN_slug.ipynb")
    check.add_argument(
        "--timeout", type=int, default=120, help="seconds allowed per cell (default 120)"
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
