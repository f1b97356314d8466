"""Build the grader's corpus of honest, broken and hostile submissions for module 01.

Usage: python tests/grader_corpus/make_corpus.py   (rewrites tests/grader_corpus/*.ipynb)

Each case is one notebook, made from the released exercises notebook (what learners receive)
with some answers filled in from solutions/ and some hostile cells added; expected.json says what
the grade must be. Cases whose notebook needs a value known only at test time (a port) hold a
placeholder that the test fills in.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODULE = "01"


def _sources():
    from mlcourse.exercises._solutions import _drop_markers

    solutions = nbformat.read(str(ROOT / "solutions" / "01_python_essentials.ipynb"), as_version=4)
    from mlcourse.build import ANSWER, classify

    answers = {}
    for cell, role in zip(solutions.cells, classify(solutions.cells), strict=True):
        if role.role == ANSWER:
            answers.setdefault(role.attribute, []).append(_drop_markers(cell.source))
    return answers


ANSWERS = _sources()


def exercises() -> nbformat.NotebookNode:
    """The released exercises notebook."""
    return nbformat.read(str(ROOT / "exercises" / "01_python_essentials.ipynb"), as_version=4)


def answered(*attributes: str) -> nbformat.NotebookNode:
    """The exercises notebook with these problems' answer cells taken from solutions/."""
    nb = exercises()
    for cell in nb.cells:
        meta = cell.metadata.get("mlcourse", {})
        if meta.get("role") == "answer":
            attribute = (
                "q" + meta["problem"].split(".")[1]
                if meta["problem"].split(".")[1].isdigit()
                else meta["problem"].split(".")[1]
            )
            if attribute in attributes:
                cell.source = "\n\n".join(ANSWERS[attribute])
    return nb


ALL = [f"q{i}" for i in range(1, 11)] + [f"kc{i}" for i in range(1, 8)]


def add(nb, source: str, at: int | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell["id"] = f"corpus-added-{len(nb.cells)}"  # stable, so that rebuilding changes nothing
    if at is None:
        nb.cells.append(cell)
    else:
        nb.cells.insert(at, cell)
    return nb


def after_setup(nb) -> int:
    return (
        next(
            i
            for i, c in enumerate(nb.cells)
            if c.metadata.get("mlcourse", {}).get("role") == "setup"
        )
        + 1
    )


def cases() -> dict[str, tuple[object, dict]]:
    """name -> (notebook or raw text, expected)."""
    c: dict[str, tuple[object, dict]] = {}
    c["correct"] = (answered(*ALL), {"status": ["ok"], "points": 24})
    c["untouched"] = (exercises(), {"status": ["ok"], "points": 0, "all": "not_attempted"})
    partial = answered("q1", "q2", "kc1")
    for cell in partial.cells:
        if (
            cell.metadata.get("mlcourse", {}).get("problem") == "01.4"
            and cell.metadata["mlcourse"]["role"] == "answer"
        ):
            cell.source = "strong_wines = [1, 2, 3]"
    c["partial"] = (
        partial,
        {
            "status": ["ok"],
            "points": 4,
            "problems": {
                "01.1": "correct",
                "01.2": "correct",
                "01.4": "incorrect",
                "01.5": "not_attempted",
            },
        },
    )

    nb = add(
        exercises(),
        "header = {'n_samples': 0}\nraise ValueError('hidden by the patched traceback')",
    )
    add(
        nb,
        "from IPython import get_ipython\nip = get_ipython()\nip.showtraceback = lambda *a, **k: None\n"
        "ip._showtraceback = lambda *a, **k: None\nprint('✅ Correct — 01.1 (1/1 pt)')",
        at=after_setup(nb),
    )
    c["showtraceback_patched"] = (
        nb,
        {"status": ["ok"], "points": 0, "problems": {"01.1": "incorrect"}},
    )

    liar = (
        "class Liar(dict):\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
        "    def __float__(self):\n        return 0.0\n\n"
        "header = class_counts = alcohol_means = Liar()\nstrong_wines = type('L', (list,), {'__eq__': lambda s, o: True})()\n"
        "kc2 = kc6 = type('F', (float,), {'__eq__': lambda s, o: True})(1.0)\n"
        "kc1 = kc3 = kc4 = kc5 = kc7 = type('S', (str,), {'__eq__': lambda s, o: True})('z')\n"
        "def mean(values):\n    return Liar()\n"
    )
    c["eq_always_true"] = (add(exercises(), liar), {"status": ["ok"], "points": 0})

    patch = (
        "import numpy as np\nimport mlcourse.checks._compare as cmp\nimport mlcourse.checks as checks\n"
        "np.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)\n"
        "cmp.compare = lambda *a, **k: None\n"
        "checks.Value._judge = lambda self, answer: checks.correct(self.id, self.points)\n"
        "checks.Problem.evaluate = lambda self, answer: checks.correct(self.id, self.points)\n"
        "header = {'n_samples': 1}\nstrong_wines = [0]\nkc1 = 'a'\n"
    )
    nb = add(exercises(), patch, at=after_setup(exercises()))
    c["monkeypatch_numpy_and_mlcourse"] = (
        nb,
        {"status": ["ok"], "points": 0, "problems": {"01.1": "incorrect"}},
    )

    tampered = answered(*ALL)
    for cell in list(tampered.cells):
        meta = cell.metadata.get("mlcourse", {})
        if meta.get("role") == "check" and meta["problem"] == "01.1":
            tampered.cells.remove(cell)  # deleted
        elif meta.get("role") == "check" and meta["problem"] == "01.2":
            cell.source = "ex.q2.check = lambda: print('Correct')\nex.q2.check()"  # edited
        elif meta.get("role") == "check" and meta["problem"] == "01.3":
            tampered.cells.insert(tampered.cells.index(cell), copy.deepcopy(cell))  # duplicated
        elif meta.get("role") == "check" and meta["problem"] == "01.4":
            cell.source = "ex.q4\n"  # split in two
            tampered.cells.insert(
                tampered.cells.index(cell) + 1, nbformat.v4.new_code_cell(".check()")
            )
    for cell in tampered.cells:
        cell["id"] = "same-id"  # duplicate cell ids
    tampered.metadata["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "python"}
    c["tampered_checks_and_ids"] = (tampered, {"status": ["ok"], "points": 24})

    forged = exercises()
    for cell in forged.cells:
        if cell.metadata.get("mlcourse", {}).get("role") == "check":
            cell.source = f"print('✅ Correct — {cell.metadata['mlcourse']['problem']}')"
    c["forged_check_output"] = (forged, {"status": ["ok"], "points": 0, "all": "not_attempted"})

    nb = answered("q1")
    nb.metadata["kernelspec"] = {
        "name": "python2",
        "display_name": "Python 2",
        "language": "python",
    }
    c["changed_kernelspec"] = (nb, {"status": ["ok"], "points": 1})

    c["infinite_loop"] = (
        add(answered("q1"), "while True:\n    pass"),
        {"status": ["ok"], "points": 1, "problems": {"01.1": "correct"}, "cell_error": True},
    )
    c["loop_ignoring_sigint"] = (
        add(
            answered("q1"),
            "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
        ),
        {"status": ["timeout"], "points": 0},
    )
    c["os_exit"] = (
        add(answered("q1"), "import os\nos._exit(0)"),
        {"status": ["crashed"], "points": 0},
    )
    c["killed_kernel"] = (
        add(answered("q1"), "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
        {"status": ["crashed"], "points": 0},
    )
    c["fork_bomb"] = (
        add(
            answered("q1"),
            "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        ),
        {"status": ["ok", "timeout", "crashed"], "max_points": 1},
    )
    c["memory_bomb"] = (
        add(answered("q1"), "hog = []\nwhile True:\n    hog.append(bytearray(256 * 1024 * 1024))"),
        {"status": ["ok", "crashed", "timeout"], "max_points": 1},
    )
    c["output_flood"] = (
        add(answered("q1"), "for i in range(400_000):\n    print('flood ' * 20)"),
        {"status": ["ok"], "points": 1, "truncated": True},
    )
    steal = (
        "import glob, json, os, pathlib\nimport mlcourse\nfound = []\n"
        "root = pathlib.Path(mlcourse.__file__).resolve().parents[2]\n"
        "for pattern in [str(root / 'solutions' / '*.ipynb'), '/work/*/solutions/*.ipynb', '/tmp/*/*/solutions/*.ipynb',\n"
        "                str(root / 'tests' / 'grader_corpus' / '*.json'), '/root/**/solutions/*.ipynb']:\n"
        "    found += glob.glob(pattern, recursive=True)\n"
        "for path in found:\n"
        "    nb = json.load(open(path))\n"
        "    for cell in nb.get('cells', []):\n"
        "        src = ''.join(cell['source'])\n"
        "        if 'SOLUTION' in src and 'solution-only' not in cell.get('metadata', {}).get('tags', []):\n"
        "            try:\n                exec(src.replace('# SOLUTION', ''), globals())\n            except Exception:\n                pass\n"
        "print('files found:', len(found))"
    )
    c["read_solutions"] = (add(exercises(), steal), {"status": ["ok"], "points": 0})
    net = (
        "import socket, urllib.request, json\nstolen = None\n"
        "try:\n    stolen = urllib.request.urlopen('http://127.0.0.1:{PORT}/answers.json', timeout=3).read()\nexcept Exception as error:\n    print('loopback blocked:', type(error).__name__)\n"
        "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=3)\n    print('internet reachable')\nexcept OSError as error:\n    print('internet blocked:', type(error).__name__)\n"
        "if stolen:\n    for name, value in json.loads(stolen).items():\n        globals()[name] = value\n"
    )
    c["network"] = (add(exercises(), net), {"status": ["ok"], "points": 0, "template": True})
    forge = (
        "import json, os, pathlib\nimport mlcourse.grader._extract as extract_module\n"
        "def fake(module, namespace, folder):\n"
        "    out = pathlib.Path(folder)\n"
        "    answers = {'01.%d' % i: {'missing': None, 'error': None, 'values': {'results': {'__t': 'list', 'items': []}}} for i in range(1, 11)}\n"
        "    answers['01.1'] = {'missing': None, 'error': None, 'values': {'header': {'__t': 'ndarray', 'file': '../../etc/passwd'}}}\n"
        "    (out / 'answers.json').write_text(json.dumps({'format': 1, 'answers': answers}))\n"
        "    (out / 'run.json').write_text(json.dumps({'status': 'finished', 'errors': [], 'points': 24}))\n"
        "    (out / 'result.json').write_text(json.dumps({'points': 24, 'status': 'ok'}))\n"
        "extract_module.extract = fake\n"
        "for target in ('grades/results/01/forged_results.json', '../out/gradebook_01.csv'):\n"
        "    try:\n        pathlib.Path(target).parent.mkdir(parents=True, exist_ok=True)\n        pathlib.Path(target).write_text('{\"points\": 24}')\n    except OSError:\n        pass\n"
    )
    c["forged_result_files"] = (add(exercises(), forge), {"status": ["ok"], "points": 0})
    pickle = (
        "import json, pathlib, numpy as np\nimport mlcourse.grader._extract as extract_module\n"
        "class Payload:\n    def __reduce__(self):\n        import os\n        return (os.system, ('touch /tmp/mlcourse-corpus-pwned-{NONCE}',))\n"
        "def fake(module, namespace, folder):\n"
        "    out = pathlib.Path(folder)\n"
        "    np.save(out / 'v1.npy', np.array([Payload()], dtype=object), allow_pickle=True)\n"
        "    answers = {'01.4': {'missing': None, 'error': None, 'values': {'strong_wines': {'__t': 'ndarray', 'file': 'v1.npy'}}}}\n"
        "    (out / 'answers.json').write_text(json.dumps({'format': 1, 'answers': answers}))\n"
        "extract_module.extract = fake\n"
    )
    c["pickle_planted"] = (
        add(exercises(), pickle),
        {"status": ["ok"], "points": 0, "problems": {"01.4": "incorrect"}, "template": True},
    )
    c["invalid_json"] = (
        '{"cells": [ {"cell_type": "code", "source": "x = 1" ',
        {"status": ["unreadable"], "points": 0},
    )
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": ""},
        "worksheets": [
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "language": "python",
                        "input": "import csv\nfrom importlib import resources\n\nWINE_PATH = resources.files('sklearn.datasets') / 'data' / 'wine_data.csv'\n"
                        + "\n\n".join(ANSWERS["q1"]),
                        "outputs": [],
                        "metadata": {},
                    }
                ],
                "metadata": {},
            }
        ],
    }
    c["nbformat3"] = (
        json.dumps(v3),
        {"status": ["ok"], "points": 1, "problems": {"01.1": "correct"}},
    )
    empty = nbformat.v4.new_notebook()
    c["empty_notebook"] = (empty, {"status": ["empty"], "points": 0})
    c["renamed file (final v2)"] = (answered("q1", "q2"), {"status": ["ok"], "points": 3})
    return c


def main() -> None:
    for old in HERE.glob("*.ipynb"):
        old.unlink()
    expected = {}
    for name, (content, result) in cases().items():
        path = HERE / f"{name}.ipynb"
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            nbformat.write(
                content, str(path), version=4
            ) if name != "tampered_checks_and_ids" else path.write_text(
                json.dumps(content, indent=1), encoding="utf-8"
            )
        expected[name] = result
    (HERE / "expected.json").write_text(json.dumps(expected, indent=2, sort_keys=True) + "\n")
    print(f"wrote {len(expected)} cases to {HERE}")


if __name__ == "__main__":
    main()
