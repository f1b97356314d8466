"""Learner code that reaches into the course's own modules is found in the source and not run."""

from pathlib import Path

import nbformat
import pytest

from mlcourse.build._roles import is_setup_source
from mlcourse.grader import Limits, Submission, grade_submission
from mlcourse.grader._tamper import reaches_into_the_course

ROOT = Path(__file__).resolve().parents[2]

REACHING = [
    # the three lines an adversarial review used to switch off module 02's rules
    "import mlcourse.exercises.m02 as m\nm._loops_used = m._inverse_used = lambda f: []",
    "import mlcourse.checks._problems as p\np._changed = lambda *a: False",
    "mlcourse.checks._problems._changed = lambda *a: False",
    "from mlcourse.checks import _problems",
    "from mlcourse import checks",
    "from mlcourse.exercises import m02",
    "from mlcourse.exercises.m20 import _hidden_cases",
    "from mlcourse.exercises._keras import HeldOut",
    "import mlcourse.exercises.m02\nmlcourse.exercises.m02._loops_used = lambda f: []",
    "m = __import__('mlcourse.checks._problems')",
    "import importlib\nm = importlib.import_module('mlcourse.' + 'checks')",
    "from importlib import import_module",
    "import sys\nsys.modules['mlcourse.checks._problems']._changed = None",
    "ex.q5.problem.extract = None",
    "setattr(ex.q5.problem, 'extract', None)",
    "f = ex.q5.check\nf.__globals__['x'] = 1",
    "import gc\nfound = [o for o in gc.get_objects()]",
    "import ctypes",
    "%time x = 1\nimport mlcourse.grader",
    "def sneaky():\n    import mlcourse.keys.m01 as k\n    return k",
    # an open package's private parts stay closed
    "from mlcourse.models import _digits04",
    "import mlcourse.models._digits04 as recipe",
    "import mlcourse.datasets._shapes",
    "from mlcourse.llm import _standin",
    "import mlcourse.quiz._bank",
    # the course's code in the kernel relies on the libraries behaving as documented
    "import copy\ncopy.deepcopy = lambda x, memo=None: x",
    "import pandas as pd\npd.DataFrame.__deepcopy__ = lambda self, memo=None: self",
    "import numpy as np\nnp.array_equal = lambda a, b: True",
    "import numpy as np\nsetattr(np, 'allclose', lambda *a: True)",
    "class Liar(float):\n    pass\nLiar.__eq__ = lambda s, o: True",
]

HONEST = [
    "from importlib import resources",
    "from mlcourse.exercises.m20 import FakeServiceClient, demo_penguins",
    "from mlcourse.datasets import load_digits as ld",
    "import mlcourse.datasets\nX = mlcourse.datasets.load_digits().data",
    "from mlcourse.models import load_pretrained, architecture",
    "import mlcourse.models\nm = mlcourse.models.load_pretrained('digits04_cnn')",
    "from mlcourse.llm import client",
    "from mlcourse.quiz import load_bank",
    "import numpy as np\nx = np.add.reduce([1, 2])",
    "%timeit sum(range(10))",
    "class A:\n    def __init__(self):\n        super().__init__()\n        self.x = 1",
    "value = getattr(model, 'coef_', None)",
    "ex.q1.hint(1)",
    "import pandas as pd\npd.options.display.max_rows = 20",
    "import matplotlib.pyplot as plt\nplt.rcParams['figure.dpi'] = 100",
    "import pandas as pd\ndf = pd.DataFrame({'a': [1]})\ndf.columns = ['b']\ndf.index.name = 'i'",
    "this is not python (",
]


@pytest.mark.parametrize("source", REACHING)
def test_code_that_reaches_the_course_internals_is_found(source):
    reasons = reaches_into_the_course(["x = 1", source])
    assert reasons and all(r.startswith("cell 2: ") for r in reasons), reasons


@pytest.mark.parametrize("source", HONEST)
def test_honest_code_is_left_alone(source):
    assert reaches_into_the_course([source]) == []


@pytest.mark.parametrize("folder", ["exercises", "solutions"])
def test_no_notebook_of_the_course_is_flagged(folder):
    for path in sorted((ROOT / folder).glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = [
            c.source
            for c in nb.cells
            if c.cell_type == "code"
            and not is_setup_source(c.source)
            and "solution-only" not in c.metadata.get("tags", [])
        ]
        assert reaches_into_the_course(cells) == [], path.name


def test_a_tampering_submission_is_not_run_and_says_why():
    solutions = nbformat.read(ROOT / "solutions" / "01_python_essentials.ipynb", as_version=4)
    solutions.cells.insert(
        3,
        nbformat.v4.new_code_cell(
            "import mlcourse.checks._problems as p\np._changed = lambda *a: False"
        ),
    )
    data = nbformat.writes(solutions).encode()
    result = grade_submission(
        Submission("mallory", "01.ipynb", data), "01", Limits(), sandbox=False
    )
    assert result["status"] == "tampered" and result["points"] == 0
    assert "mlcourse.checks._problems" in result["reason"]
    assert result["execution"]["seconds"] == 0.0  # never run
