"""``mlcourse similarity``: copied answers rank first, template and independent answers do not,
hostile cells are escaped, unreadable notebooks are listed, the CSV and the HTML agree."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path

import pytest

from mlcourse import cli
from mlcourse.grader import _similarity
from mlcourse.grader._similarity import (
    MAX_ANSWER_CHARS,
    add_similarity_parser,
    run_similarity,
)

MODULE = "01"
ROOT = Path(__file__).resolve().parents[2]
RELEASE = json.loads((ROOT / "exercises" / "01_python_essentials.ipynb").read_text())
SOLUTIONS = json.loads((ROOT / "solutions" / "01_python_essentials.ipynb").read_text())


def _answer_ids() -> dict[str, str]:
    """Exercise id -> the id of its answer cell in the released notebook."""
    return {
        c["metadata"]["mlcourse"]["problem"]: c["id"]
        for c in RELEASE["cells"]
        if c["metadata"].get("mlcourse", {}).get("role") == "answer"
    }


def _worked_answers() -> dict[str, str]:
    """The worked solutions' answers, markers removed: a learner who got everything right."""
    by_id = {c.get("id"): "".join(c["source"]) for c in SOLUTIONS["cells"]}
    answers = {}
    for problem, cell_id in _answer_ids().items():
        lines = by_id[cell_id].splitlines()
        kept = [re.sub(r"\s*# SOLUTION$", "", x) for x in lines if "SOLUTION" not in x.split()[-1:]]
        kept = [x for x in kept if x.strip() not in ("# BEGIN SOLUTION", "# END SOLUTION")]
        answers[problem] = "\n".join(kept)
    return answers


def _renamed(answers: dict[str, str]) -> dict[str, str]:
    """The same answers with other names and other comments: what a copier does."""
    names = {
        "first_row": "top_line",
        "row": "r",
        "label": "lab",
        "values": "xs",
        "value": "x",
        "items": "seq",
        "start": "pos",
        "reader": "rdr",
        "f": "handle",
        "low": "smallest",
        "high": "largest",
    }
    renamed = {}
    for problem, text in answers.items():
        for old, new in names.items():
            text = re.sub(rf"\b{old}\b", new, text)
        text = re.sub(r"#.*", "# my own work, honestly", text)
        renamed[problem] = "# written by me\n" + text
    return renamed


INDEPENDENT = {
    "cy": {
        "01.5": "def mean(values: list[float]) -> float:\n"
        "    total = 0.0\n    count = 0\n    for v in values:\n        total += v\n"
        "        count += 1\n    if count == 0:\n        raise ValueError('empty list')\n"
        "    return total / count",
        "01.7": "def min_max_scale(values: list[float]) -> list[float]:\n"
        "    lo = min(values)\n    span = max(values) - lo\n    out = []\n"
        "    for v in values:\n        out.append((v - lo) / span if span else 0.0)\n"
        "    return out",
        "01.9": "def batches(items: list, size: int) -> list[list]:\n"
        "    result, current = [], []\n    for item in items:\n        current.append(item)\n"
        "        if len(current) == size:\n            result.append(current)\n"
        "            current = []\n    if current:\n        result.append(current)\n"
        "    return result",
    },
    "dee": {
        "01.5": "import statistics\n\ndef mean(values: list[float]) -> float:\n"
        "    try:\n        return statistics.fmean(values)\n"
        "    except statistics.StatisticsError as err:\n"
        "        raise ValueError(str(err)) from err",
        "01.7": "def min_max_scale(values: list[float]) -> list[float]:\n"
        "    smallest, largest = min(values), max(values)\n"
        "    if largest == smallest:\n        return [0.0 for _ in values]\n"
        "    width = largest - smallest\n"
        "    return list(map(lambda v: (v - smallest) / width, values))",
        "01.9": "def batches(items: list, size: int) -> list[list]:\n"
        "    count = (len(items) + size - 1) // size\n"
        "    return [items[size * k : size * (k + 1)] for k in range(count)]",
    },
}


def _notebook(answers: dict[str, str]) -> dict:
    """The released notebook with these answers in their cells."""
    nb = copy.deepcopy(RELEASE)
    for cell in nb["cells"]:
        problem = cell["metadata"].get("mlcourse", {}).get("problem")
        if cell["metadata"].get("mlcourse", {}).get("role") == "answer" and problem in answers:
            cell["source"] = answers[problem]
    return nb


def _write(folder: Path, learner: str, nb: dict | str) -> None:
    text = nb if isinstance(nb, str) else json.dumps(nb)
    (folder / f"{learner}_01_python_essentials.ipynb").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
    """A class of eight: a copier, two independent learners, two untouched, one broken."""
    base = tmp_path_factory.mktemp("similarity")
    subs = base / "subs"
    subs.mkdir()
    ada = _worked_answers()
    _write(subs, "ada", _notebook(ada))
    _write(subs, "bob", _notebook(_renamed(ada)))
    for name, answers in INDEPENDENT.items():
        _write(subs, name, _notebook(answers))
    _write(subs, "eve", RELEASE)
    _write(subs, "fay", RELEASE)
    _write(subs, "mal", '{"cells": [')
    report = run_similarity([subs], MODULE, base / "out", top=10, min_similarity=0.0)
    return report


def test_the_copier_ranks_first_and_independent_answers_low(class_run):
    first = class_run.pairs[0]
    assert {first.a, first.b} == {"ada", "bob"}
    assert min(first.overall_a, first.overall_b) > 0.7
    assert first.matches["01.5"].similarity_a > 0.7
    for pair in class_run.pairs[1:]:
        assert pair.score < 0.5, (pair.a, pair.b, pair.score)
    independent = [p for p in class_run.pairs if {p.a, p.b} == {"cy", "dee"}]
    assert not independent or independent[0].score < 0.3


def test_untouched_notebooks_are_similar_to_no_one(class_run):
    names = {n for p in class_run.pairs for n in (p.a, p.b)}
    assert "eve" not in names and "fay" not in names
    read = {x.name for x in class_run.learners}
    assert {"eve", "fay"} <= read


def test_a_malformed_notebook_is_skipped_with_its_reason(class_run):
    skipped = dict(class_run.skipped)
    assert "JSON" in skipped["mal"]
    page = class_run.html_path.read_text(encoding="utf-8")
    assert "mal:" in page and "could not be read" in page


def test_the_csv_and_the_html_list_the_same_pairs(class_run):
    rows = list(csv.DictReader(io.StringIO(class_run.csv_path.read_text(encoding="utf-8"))))
    assert len(rows) == len(class_run.pairs) > 0
    page = class_run.html_path.read_text(encoding="utf-8")
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    shown = re.findall(
        r"<tr><td><a [^>]*>(\d+)</a></td><td>([^<]*)</td><td>([^<]*)</td><td>(\d+)%</td>"
        r"<td>(\d+)%</td></tr>",
        table,
    )
    assert len(shown) == min(10, len(rows))
    for (rank, a, b, pa, pb), row in zip(shown, rows, strict=False):
        assert (rank, a, b) == (row["rank"], row["learner_a"], row["learner_b"])
        assert int(pa) == round(100 * float(row["overall_a"]))
        assert int(pb) == round(100 * float(row["overall_b"]))
    assert rows[0]["01.5 a"] and float(rows[0]["01.5 a"]) > 0.7
    assert "prompt for a human look, never evidence" in page
    assert "<mark>" in page and "<script" not in page and "http" not in page


HOSTILE = (
    "def mean(values: list[float]) -> float:\n"
    "    # </pre></div><script>alert('x')</script> \"quoted\" & <b>bold</b>\n"
    '    note = "</pre><script>document.cookie</script>"\n'
    "    total = sum(value * 1.0 for value in values if value is not None)\n"
    "    if not values:\n        raise ValueError(note)\n"
    "    return total / len(values)\n"
)


def test_hostile_cells_are_escaped_and_huge_ones_cut(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    _write(subs, "h1", _notebook({"01.5": HOSTILE}))
    _write(subs, "h2", _notebook({"01.5": HOSTILE + "\u202e# reversed"}))
    huge = "x = [\n" + "    1,\n" * (MAX_ANSWER_CHARS // 4) + "]\n"
    _write(subs, "big", _notebook({"01.7": huge, "01.5": HOSTILE}))
    report = run_similarity([subs], MODULE, tmp_path / "out", min_similarity=0.0)
    page = report.html_path.read_text(encoding="utf-8")
    assert "<script" not in page and "<b>bold</b>" not in page and "\u202e" not in page
    assert page.count("<pre>") == page.count("</pre>") > 0
    assert "&lt;/pre&gt;&lt;script&gt;document.cookie" in page
    assert "&quot;quoted&quot;" in page
    assert {p.a for p in report.pairs} | {p.b for p in report.pairs} == {"h1", "h2", "big"}
    big = next(x for x in report.learners if x.name == "big")
    assert big.cut == ["01.7"] and len(big.answers["01.7"]) == MAX_ANSWER_CHARS


@pytest.fixture
def similarity_cli(monkeypatch):
    """``mlcourse.cli.main`` with the similarity command, registered or not yet."""
    build = cli.build_parser

    def with_similarity():
        parser = build()
        sub = parser._subparsers._group_actions[0]
        if "similarity" not in sub.choices:
            add_similarity_parser(sub)
        return parser

    monkeypatch.setattr(cli, "build_parser", with_similarity)
    return cli.main


def test_the_command_has_help(similarity_cli, capsys):
    with pytest.raises(SystemExit) as info:
        similarity_cli(["similarity", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: mlcourse similarity" in out and "--min-similarity" in out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--module", "99"], "no module 99"),
        (["--module", "01", "--top", "0"], "--top must be at least 1"),
        (["--module", "01", "--min-similarity", "2"], "between 0 and 1"),
    ],
)
def test_bad_options_are_one_line_errors(similarity_cli, capsys, tmp_path, options, message):
    notebook = tmp_path / "ada_01_python_essentials.ipynb"
    notebook.write_text(json.dumps(RELEASE), encoding="utf-8")
    assert similarity_cli(["similarity", str(notebook), *options, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_the_command_writes_the_report(similarity_cli, capsys, tmp_path):
    _write(tmp_path, "ada", _notebook(_worked_answers()))
    _write(tmp_path, "bob", _notebook(_renamed(_worked_answers())))
    out = tmp_path / "out"
    assert similarity_cli(["similarity", str(tmp_path), "--module", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "compared 2 learners" in printed and "1 pairs" in printed
    assert (out / "similarity_01.html").is_file() and (out / "similarity_01.csv").is_file()


def test_no_submission_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(_similarity.SimilarityError, match="no submissions"):
        run_similarity([tmp_path / "empty"], MODULE, tmp_path / "out")


@pytest.fixture(scope="module")
def extended_copy(tmp_path_factory):
    """bob copied ada's 01.9 and added a line of his own; ada's 01.5 is one short line."""
    base = tmp_path_factory.mktemp("extended")
    subs = base / "subs"
    subs.mkdir()
    shared = INDEPENDENT["cy"]["01.9"]
    own = "    assert all(isinstance(chunk, list) for chunk in result), {'why': 'only lists'}\n"
    extended = shared.replace("    return result", own + "    return result")
    short = "def mean(values):\n    return sum(values) / len(values)"
    _write(subs, "ada", _notebook({"01.9": shared, "01.5": short}))
    _write(subs, "bob", _notebook({"01.9": extended}))
    report = run_similarity([subs], MODULE, base / "out", min_similarity=0.0)
    return report, shared.split("\n"), extended.split("\n")


def test_only_the_shared_lines_are_marked(extended_copy):
    report, shared, extended = extended_copy
    (pair,) = report.pairs
    match = pair.matches["01.9"]
    own = next(i for i, line in enumerate(extended) if "assert all" in line)
    assert own not in match.lines_b  # bob's own line is not in ada's answer
    assert match.lines_b == set(range(own)) and match.lines_a == set(range(own))
    assert len(shared) - 1 not in match.lines_a  # ada's last line: too short a run to match
    page = report.html_path.read_text(encoding="utf-8")
    assert "isinstance(chunk, list)" in page
    assert not re.search(r"<mark>[^\n]*isinstance\(chunk, list\)", page)
    assert re.search(r"<mark>[^\n]*result, current = \[\], \[\]", page)


def test_a_short_answer_is_listed_as_too_short_and_not_compared(extended_copy):
    report, *_ = extended_copy
    assert report.too_short == {"ada": ["01.5"]}
    assert set(report.pairs[0].matches) == {"01.9"}
    page = report.html_path.read_text(encoding="utf-8")
    assert "Answers too short to compare" in page and "<li>ada: 01.5</li>" in page


def test_a_learners_answers_are_capped_in_total():
    parts = {f"01.{k}": ["x" * MAX_ANSWER_CHARS] for k in range(1, 26)}
    capped = _similarity._capped(parts)
    lengths = [len(text) for text in capped["answers"].values()]
    assert sum(lengths) == _similarity.MAX_LEARNER_CHARS
    full = _similarity.MAX_LEARNER_CHARS // MAX_ANSWER_CHARS
    assert lengths[:full] == [MAX_ANSWER_CHARS] * full and set(lengths[full:]) == {0}
    assert capped["cut"] == [f"01.{k}" for k in range(full + 1, 26)]


def test_learners_are_read_from_a_zip_and_a_corrupt_member_is_skipped(tmp_path):
    import zipfile

    archive = tmp_path / "lms.zip"
    ada = _worked_answers()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
        zipped.writestr("ada/01_python_essentials.ipynb", json.dumps(_notebook(ada)))
        zipped.writestr("bob/01_python_essentials.ipynb", json.dumps(_notebook(_renamed(ada))))
        zipped.writestr("eve/01_python_essentials.ipynb", json.dumps(_notebook(ada)))
    raw = bytearray(archive.read_bytes())
    flipped = raw.find(b'"cells"', raw.find(b"eve/01_python_essentials.ipynb"))
    raw[flipped + 3] ^= 0x20  # one flipped byte in eve's member: its CRC-32 no longer matches
    archive.write_bytes(bytes(raw))
    report = run_similarity([archive], MODULE, tmp_path / "out", min_similarity=0.0)
    assert [x.name for x in report.learners] == ["ada", "bob"]
    assert report.skipped == [("eve", "could not be read (BadZipFile)")]
    assert {report.pairs[0].a, report.pairs[0].b} == {"ada", "bob"}
    page = report.html_path.read_text(encoding="utf-8")
    assert "<li>eve: could not be read (BadZipFile)</li>" in page
