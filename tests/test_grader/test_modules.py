"""Every module's worked solutions get full marks from the sandboxed grader.

The sandbox hides the answer keys, so this proves that every problem's declaration collects
its answer without the key (an extract that needed the key would fail here), and that the
evaluator outside judges what was collected as the notebook's own ``check()`` does. Problems
checked through logged MLflow runs are graded from the runs the notebook logged inside the
sandbox, so they earn their marks here too.
"""

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from mlcourse.exercises import available_modules
from mlcourse.grader import Limits, bubblewrap, grade_batch

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def graded(tmp_path_factory, request):
    assert bubblewrap(), "bubblewrap is required (make test installs it)"

    def grade(number):
        folder = tmp_path_factory.mktemp(f"solutions{number}")
        source = next((ROOT / "solutions").glob(f"{number}_*.ipynb"))
        solved = nbformat.read(source, as_version=4)
        # what a learner hands in: the self-test cells are the course's own, never theirs
        solved.cells = [
            c for c in solved.cells if "solution-only" not in c.metadata.get("tags", [])
        ]
        nbformat.write(solved, folder / f"solved_{source.name}")
        out = tmp_path_factory.mktemp(f"grades{number}")
        grade_batch(
            [folder],
            number,
            out,
            progress=lambda line: None,
            limits=Limits(timeout=240, cell_timeout=120),
        )
        (path,) = (out / "results" / number).glob("*.json")
        return json.loads(path.read_text())

    # only the modules of the tests selected in this run (`-k 14` grades module 14 alone)
    selected = sorted(
        {
            item.callspec.params["number"]
            for item in request.session.items
            if getattr(item, "originalname", None) == TEST_NAME
        }
    )
    tmp_path_factory.getbasetemp()  # made once here: pytest's making of it is not thread-safe
    with ThreadPoolExecutor(max_workers=2) as pool:  # two batches at once, as two graders
        return dict(zip(selected, pool.map(grade, selected), strict=True))


TEST_NAME = "test_solutions_get_full_marks_with_the_key_hidden"


@pytest.mark.parametrize("number", available_modules())
def test_solutions_get_full_marks_with_the_key_hidden(graded, number):
    result = graded[number]
    assert result["status"] == "ok", result["reason"]
    wrong = [
        (p["problem"], p["status"], p["message"][:300])
        for p in result["problems"]
        if p["status"] != "correct"
    ]
    assert wrong == []
