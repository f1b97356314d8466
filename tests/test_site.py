"""The course website: ``make site`` builds it, and what it built holds together.

The site is built once for this module with the README's command (``make site``, into a
temporary folder), then read as a reader's browser would: every internal link, image,
stylesheet and script resolves (anchors included), nothing loads from another host, every
lesson shows each figure its notebook holds, each module offers its exercises notebook for
download, the full-text search finds a lesson, and headless Chromium shows the home page and
a lesson (figures loaded, mathematics typeset offline). Screenshots are kept in
``$MLCOURSE_TEST_ARTIFACTS/site`` (``make test`` keeps them in ``test-output/``).
"""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from mlcourse._curriculum import MODULES, module_name
from tests.helpers import CHROMIUM, needs_chromium, screenshot_folder

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "ci"))

import build_site  # noqa: E402

LESSONS = sorted(p.stem for p in (ROOT / "curriculum").glob("[0-9][0-9]_*.ipynb"))
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")


class _Page(HTMLParser):
    """The references and element ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("id", "name"):
            if attributes.get(name):
                self.ids.add(attributes[name])
        for name in ("href", "src"):
            value = attributes.get(name)
            if value and not (tag == "link" and attributes.get("rel") == "canonical"):
                self.references.append((tag, value))
        if tag == "img" and attributes.get("src"):
            self.images.append(attributes["src"])


@functools.cache
def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built by ``make site`` into a temporary folder; its ``html/`` folder."""
    out = tmp_path_factory.mktemp("site")
    completed = subprocess.run(
        ["make", "--no-print-directory", "site", f"SITE_OUT={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "site built:" in completed.stdout
    return out / "html"


def _broken_references(html: Path) -> list[str]:
    broken = []
    for page_path in sorted(html.rglob("*.html")):
        page = _parse(page_path)
        for tag, reference in page.references:
            parts = urlsplit(reference)
            if parts.scheme or reference.startswith("//"):
                continue  # another host, or mailto: and the like (checked elsewhere)
            target = (page_path.parent / unquote(parts.path)).resolve() if parts.path else page_path
            if target.is_dir():
                target = target / "index.html"
            where = f"{page_path.relative_to(html)}: <{tag}> {reference}"
            if not target.is_file():
                broken.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in _parse(target).ids:
                    broken.append(f"{where} (no such anchor)")
    return broken


def test_every_internal_link_image_and_asset_resolves(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > len(LESSONS)
    assert _broken_references(site) == []


def test_the_link_check_finds_a_broken_link_and_anchor(site, tmp_path):
    """The checker above can fail: a copy of a page with a dead link and a dead anchor."""
    copy = tmp_path / "html"
    (copy / "lessons").mkdir(parents=True)
    lesson = site / "lessons" / f"{LESSONS[1]}.html"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("</body>", '<a href="nowhere.html">x</a><a href="#no-such-id">y</a></body>')
    (copy / "lessons" / lesson.name).write_text(text, encoding="utf-8")
    _parse.cache_clear()
    broken = _broken_references(copy)
    assert any("nowhere.html (no such file)" in line for line in broken)
    assert any("#no-such-id (no such anchor)" in line for line in broken)


def test_nothing_is_loaded_from_another_host(site):
    """Scripts, styles, images and fonts come with the site: it reads offline, on a LAN."""
    loaded = []
    for page_path in site.rglob("*.html"):
        for tag, reference in _parse(page_path).references:
            external = urlsplit(reference).scheme in ("http", "https") or reference.startswith("//")
            if external and tag != "a":
                loaded.append(f"{page_path.relative_to(site)}: <{tag}> {reference}")
    assert loaded == []
    for stylesheet in site.joinpath("_static").rglob("*.css"):
        text = stylesheet.read_text(encoding="utf-8", errors="replace")
        assert "@import url(http" not in text and "url(https://" not in text, stylesheet


@pytest.mark.parametrize("name", LESSONS)
def test_each_lesson_page_shows_its_figures(site, name):
    notebook = json.loads((ROOT / "curriculum" / f"{name}.ipynb").read_text(encoding="utf-8"))
    figures = sum(
        1
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if any(kind in output.get("data", {}) for kind in IMAGE_TYPES)
    )
    page_path = site / "lessons" / f"{name}.html"
    assert page_path.is_file()
    shown = [
        src
        for src in _parse(page_path).images
        if "_images/" in src and (page_path.parent / unquote(src)).stat().st_size > 200
    ]
    assert len(shown) >= figures, f"{name}: {figures} figures in the notebook, {len(shown)} shown"
    title = notebook["cells"][0]["source"][0].lstrip("# ").strip()
    assert title.split(" — ")[0] in page_path.read_text(encoding="utf-8")


def test_each_module_offers_its_exercises_notebook_for_download(site):
    home = _parse(site / "index.html")
    for name in LESSONS:
        page = site / "lessons" / f"{name}.html"
        downloads = [
            (page.parent / unquote(reference)).resolve()
            for _tag, reference in _parse(page).references
            if "_downloads/" in reference and reference.endswith(f"/{name}.ipynb")
        ]
        exercises = (ROOT / "exercises" / f"{name}.ipynb").read_bytes()
        assert any(path.read_bytes() == exercises for path in downloads), name
        assert any(
            reference.endswith(f"/{name}.ipynb") and "_downloads/" in reference
            for _tag, reference in home.references
        ), f"the course map has no download of {name}"
    assert {module_name(number) for number in MODULES} >= set(LESSONS)


def test_no_page_shows_library_noise_or_a_local_path(site):
    """Library warnings on stderr are dropped from the pages; a lesson's own messages stay."""
    for page_path in (site / "lessons").glob("*.html"):
        text = page_path.read_text(encoding="utf-8")
        assert "site-packages" not in text and "/.venv/" not in text, page_path.name
        assert "TqdmWarning" not in text and "distributed.nanny - WARNING" not in text
    lesson_21 = (site / "lessons" / "21_monitoring_retraining.html").read_text(encoding="utf-8")
    assert "retrain.py: error" in lesson_21
    noise = build_site.STDERR_NOISE
    assert noise.search("x.py:21: TqdmWarning: IProgress not found")
    assert not noise.search("Successfully registered model 'wine-classifier-local'.")


def test_the_course_map_dataset_cards_and_docs_are_pages(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    for number, (_slug, title) in MODULES.items():
        if module_name(number) in LESSONS:
            assert f"lessons/{module_name(number)}.html" in home
            assert title.replace("&", "&amp;") in home
    for card in (ROOT / "datasets" / "cards").glob("*.md"):
        assert (site / "datasets" / f"{card.stem}.html").is_file(), card.name
    for path, page in build_site.DOCS:
        assert (site / "docs" / f"{page}.html").is_file(), path


def test_full_text_search_indexes_the_lessons(site):
    """Sphinx's search index maps words of a lesson's prose and headings to that lesson."""
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    docnames = index["docnames"]

    def pages(term: str) -> set[str]:
        found = set()
        for table in ("terms", "titleterms"):  # a word in a page's heading is in titleterms
            hits = index[table].get(term, [])
            found |= {docnames[i] for i in (hits if isinstance(hits, list) else [hits])}
        return found

    # stemmed: "Anscombe" (a heading of module 04), "humps" (its prose), "leakage" (prose)
    assert "lessons/04_visualization_eda" in pages("anscomb")
    assert "lessons/04_visualization_eda" in pages("hump")
    assert "lessons/06_ml_workflow_regression" in pages("leakag")
    assert pages("zzyzxnotaword") == set()


def test_a_broken_reference_stops_the_build(tmp_path):
    """Warnings are errors: a page that links to a page that does not exist fails the build."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "_config.yml").write_text(
        (ROOT / "site" / "_config.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (src / "_static").mkdir()
    (src / "_static" / "mlcourse.css").write_text("")
    (src / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (src / "index.md").write_text("# Home\n\nSee {doc}`a page that is not there <missing>`.\n")
    jupyter_book = str(ROOT / ".venv-site" / "bin" / "jupyter-book")
    with pytest.raises(build_site.SiteError, match="missing"):
        build_site.build_html(jupyter_book, src, tmp_path / "html")
    assert not (tmp_path / "html").exists()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401 - the test's output stays readable
        pass


@pytest.fixture(scope="module")
def served(site):
    """The site on a loopback HTTP server, as a reader's browser gets it."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@needs_chromium()
def test_a_reader_sees_the_home_page_a_lesson_and_search_results(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    shots = screenshot_folder("site", tmp_path)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            outside = []
            page.on(
                "request",
                lambda request: (
                    outside.append(request.url)
                    if not request.url.startswith((served, "data:", "blob:"))
                    else None
                ),
            )
            page.goto(f"{served}/index.html")
            expect(page.locator("h1").first).to_have_text("mlcourse")
            expect(page.locator("table a[href*='lessons/07_']").first).to_be_visible()
            page.screenshot(path=str(shots / "home.png"))

            page.goto(f"{served}/lessons/05_math_statistics.html")
            expect(page.locator("h1").first).to_contain_text("Module 05")
            # mathematics typeset by the MathJax the site carries
            expect(page.locator("mjx-container").first).to_be_attached(timeout=15_000)
            figure = page.locator(".cell_output img").first
            figure.scroll_into_view_if_needed()
            assert figure.evaluate("img => img.complete && img.naturalWidth > 100")
            page.screenshot(path=str(shots / "lesson-05.png"))

            page.goto(f"{served}/search.html?q=Anscombe")
            results = page.locator("#search-results a[href*='04_visualization_eda']")
            expect(results.first).to_be_visible(timeout=15_000)
            page.screenshot(path=str(shots / "search.png"))
            assert outside == []
        finally:
            browser.close()
    for name in ("home.png", "lesson-05.png", "search.png"):
        assert (shots / name).stat().st_size > 10_000
