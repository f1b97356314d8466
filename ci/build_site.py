"""Build the course website with Jupyter Book: ``make site``.

The site is assembled in a staging folder from what the repository already holds, so it can
never drift from the course: every lesson notebook of ``curriculum/`` with its committed
outputs (nothing is executed), each module's exercises notebook as a download, the course
map, the dataset cards with the catalog's facts, and the instructor and grading docs. Jupyter
Book (``site/requirements.txt``, installed by ``make site`` into ``.venv-site``) turns it into
static HTML with full-text search; MathJax comes from the sphinx-mathjax-offline package, so
neither the build nor a reader needs the internet.

The build fails on any Sphinx warning (``-W``, ``-n``): a cross-reference or a download that
does not resolve stops it. ``tests/test_site.py`` builds it and checks every internal link,
every lesson's figures and what a browser shows.

Usage::

    python ci/build_site.py --jupyter-book .venv-site/bin/jupyter-book [--out _build/site]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mlcourse._curriculum import MODULES, module_name  # noqa: E402

SITE_SOURCE = ROOT / "site"
# The docs pages of the site, in the order of its "Instructors and maintainers" part: the
# file in the repository and the page's name on the site (each page's title is its heading).
DOCS = (
    ("docs/live.md", "live"),
    ("docs/grading.md", "grading"),
    ("docs/lms.md", "lms"),
    ("docs/similarity.md", "similarity"),
    ("ci/templates/classroom/README.md", "classroom"),
    ("docs/deploy.md", "deploy"),
    ("docs/release.md", "release"),
    ("docs/quiz.md", "quiz"),
    ("docs/capstone-rubric.md", "capstone-rubric"),
    ("docs/authoring.md", "authoring"),
    ("docs/decisions.md", "decisions"),
)


# Library noise on stderr, dropped from the lessons' pages (kept in the notebooks): warnings
# with their file paths, and log lines with timestamps. A lesson's own messages on stderr
# (MLflow registering a model, a script's usage error) stay.
STDERR_NOISE = re.compile(r"Warning:|\bWARNING\b|site-packages")
# What no page may show: a path into someone's installed packages or virtual environment.
LOCAL_PATH = re.compile(r"site-packages|/\.venv/")


class SiteError(Exception):
    """The site cannot be built (missing input, or Jupyter Book failed)."""


def _without_noise(cells: list[dict], name: str) -> list[dict]:
    """The cells with library noise on stderr dropped; an error if a local path would show."""
    for cell in cells:
        outputs = cell.get("outputs", [])
        cell["outputs"] = [
            output
            for output in outputs
            if not (
                output.get("output_type") == "stream"
                and output.get("name") == "stderr"
                and STDERR_NOISE.search("".join(output.get("text", "")))
            )
        ]
        if LOCAL_PATH.search(json.dumps(cell["outputs"])):
            raise SiteError(f"a page of {name} would show a local path: {cell.get('id', '?')}")
    return cells


def _lesson_with_downloads(source: Path, number: str) -> dict:
    """The lesson notebook with a first cell offering the module's notebooks as downloads."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    name = module_name(number)
    links = [f"{{download}}`exercises notebook <../exercises/{name}.ipynb>`"]
    links.append(f"{{download}}`this lesson as a notebook <../downloads/{name}_lesson.ipynb>`")
    cell = {
        "cell_type": "markdown",
        "id": "mlcourse-site-downloads",
        "metadata": {},
        "source": [
            ":::{admonition} Work through it yourself\n",
            ":class: tip\n",
            f"Download the {' and the '.join(links)}, or run the whole course offline with\n",
            "`make lab` (see {doc}`the course's home page <../index>`).\n",
            ":::\n",
        ],
    }
    cells = _without_noise(notebook["cells"], name)
    # after the title cell, so that the page keeps its title
    notebook["cells"] = cells[:1] + [cell] + cells[1:]
    return notebook


def _course_map(lessons: dict[str, str]) -> str:
    rows = ["| # | Module (the lesson) | Practise |", "|---|---|---|"]
    for number, (_slug, title) in MODULES.items():
        name = lessons.get(number)
        if name is None:
            continue
        rows.append(
            f"| {number} | {{doc}}`{title} <lessons/{name}>` "
            f"| {{download}}`exercises notebook <exercises/{name}.ipynb>` |"
        )
    return "\n".join(rows)


def _datasets_index(catalog: dict) -> str:
    lines = [
        "# Datasets",
        "",
        "Every dataset the course uses, with its source, license and the modules that use it.",
        "Everything on the core path is offline: bundled in an installed package or generated",
        "by the course's own seeded code. Each card says what the data is and, for generated",
        "data, what is simulated and what is not.",
        "",
        "| Dataset | Kind | Modules | License |",
        "|---|---|---|---|",
    ]
    for name, entry in sorted(catalog["datasets"].items()):
        modules = ", ".join(entry.get("modules", [])) or "-"
        license_ = str(entry.get("license", "-")).replace("|", "/")
        lines.append(f"| {{doc}}`{name} <{name}>` | {entry['kind']} | {modules} | {license_} |")
    return "\n".join(lines) + "\n"


def stage(out: Path) -> Path:
    """Copy what the site shows into ``out/src`` in Jupyter Book's layout; return that folder."""
    src = out / "src"
    if src.exists():
        shutil.rmtree(src)
    for folder in ("lessons", "exercises", "downloads", "datasets", "docs"):
        (src / folder).mkdir(parents=True)
    shutil.copy2(SITE_SOURCE / "_config.yml", src / "_config.yml")
    shutil.copytree(SITE_SOURCE / "_static", src / "_static")

    lessons: dict[str, str] = {}
    for number in MODULES:
        name = module_name(number)
        lesson = ROOT / "curriculum" / f"{name}.ipynb"
        exercises = ROOT / "exercises" / f"{name}.ipynb"
        if not lesson.is_file():
            continue
        if not exercises.is_file():
            raise SiteError(f"{exercises.relative_to(ROOT)} is missing: run mlcourse build")
        notebook = _lesson_with_downloads(lesson, number)
        (src / "lessons" / f"{name}.ipynb").write_text(json.dumps(notebook, indent=1))
        shutil.copy2(exercises, src / "exercises" / exercises.name)
        shutil.copy2(lesson, src / "downloads" / f"{name}_lesson.ipynb")
        lessons[number] = name

    catalog = tomllib.loads((ROOT / "datasets" / "catalog.toml").read_text(encoding="utf-8"))
    (src / "datasets" / "index.md").write_text(_datasets_index(catalog))
    for name in catalog["datasets"]:
        card = ROOT / "datasets" / "cards" / f"{name}.md"
        if not card.is_file():
            raise SiteError(f"datasets/cards/{name}.md is missing (every dataset has a card)")
        shutil.copy2(card, src / "datasets" / card.name)

    for path, page in DOCS:
        if not (ROOT / path).is_file():
            raise SiteError(f"{path} is missing")
        shutil.copy2(ROOT / path, src / "docs" / f"{page}.md")
    shutil.copytree(ROOT / "docs" / "images", src / "docs" / "images")

    intro = (SITE_SOURCE / "intro.md").read_text(encoding="utf-8")
    (src / "index.md").write_text(intro.replace("{{ course_map }}", _course_map(lessons)))
    (src / "_toc.yml").write_text(_toc(lessons))
    return src


def _toc(lessons: dict[str, str]) -> str:
    lines = ["format: jb-book", "root: index", "parts:", "  - caption: Lessons", "    chapters:"]
    lines += [f"      - file: lessons/{name}" for name in lessons.values()]
    lines += [
        "  - caption: Data",
        "    chapters:",
        "      - file: datasets/index",
        "        sections:",
    ]
    lines += [
        f"          - file: datasets/{path.stem}"
        for path in sorted((ROOT / "datasets" / "cards").glob("*.md"))
    ]
    lines += ["  - caption: Instructors and maintainers", "    chapters:"]
    lines += [f"      - file: docs/{page}" for _path, page in DOCS]
    return "\n".join(lines) + "\n"


def build_html(jupyter_book: str, src: Path, html: Path) -> None:
    """Run Jupyter Book on a staged folder, warnings as errors, and put its HTML at ``html``.

    Raises
    ------
    SiteError
        When Jupyter Book fails or warns (a reference, a download or an anchor that does not
        resolve); the message lists its warnings. ``html`` is left as it was.
    """
    with tempfile.TemporaryDirectory(prefix="mlcourse-site-") as scratch:
        completed = subprocess.run(
            [jupyter_book, "build", str(src), "--path-output", scratch, "-W", "-n", "--keep-going"],
            capture_output=True,
            text=True,
        )
        if completed.returncode != 0:
            output = completed.stdout + completed.stderr
            problems = [line for line in output.splitlines() if "WARNING" in line or "rror" in line]
            detail = "\n".join(problems[:40]) or output[-3000:]
            raise SiteError(f"Jupyter Book failed:\n{detail}")
        built = Path(scratch) / "_build" / "html"
        # the themes copy their Jinja macro files into _static/: templates, not pages
        for macros in built.joinpath("_static").glob("*macros.html"):
            macros.unlink()
        if html.exists():
            shutil.rmtree(html)
        shutil.move(str(built), html)


def build(jupyter_book: str, out: Path) -> Path:
    """Stage the site and build its HTML into ``out/html``; return that folder."""
    started = time.monotonic()
    print(f"staging the site in {out / 'src'} ...", flush=True)
    src = stage(out)
    html = out / "html"
    print(
        "building HTML with Jupyter Book (outputs as committed, nothing executed) ...", flush=True
    )
    build_html(jupyter_book, src, html)
    pages = sum(1 for _ in html.rglob("*.html"))
    print(f"site built: {pages} pages in {html} ({time.monotonic() - started:.0f} s)")
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--jupyter-book",
        default=str(ROOT / ".venv-site" / "bin" / "jupyter-book"),
        help="the jupyter-book program (default: .venv-site's, installed by make site)",
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "_build" / "site", help="output folder (html/ inside)"
    )
    args = parser.parse_args(argv)
    if shutil.which(args.jupyter_book) is None:
        print(f"error: {args.jupyter_book} not found: run make site", file=sys.stderr)
        return 2
    try:
        build(args.jupyter_book, args.out.resolve())
    except SiteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
