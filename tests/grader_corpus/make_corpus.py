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


def _all() -> tuple[list[str], int]:
    from mlcourse.exercises import get_module

    module = get_module("01")
    return [p.attribute for p in module.problems], int(module.max_points)


ALL, FULL = _all()  # every problem of module 01, and its full marks


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


def patched_extraction(body: str) -> str:
    """A cell that wraps the grader's extraction: the real answers are written, then ``body``
    (indented code using ``out``, a Path, and ``data``, the parsed answers) changes them."""
    indented = "".join(f"    {line}\n" for line in body.strip("\n").splitlines())
    return (
        "import json, os, pathlib\nimport mlcourse.grader._extract as _x\n_real = _x.extract\n"
        "def _patched(module, namespace, folder):\n"
        "    _real(module, namespace, folder)\n"
        "    out = pathlib.Path(folder)\n"
        "    data = json.loads((out / 'answers.json').read_text())\n"
        "    text = None\n"
        f"{indented}"
        "    (out / 'answers.json').write_text(text or json.dumps(data))\n"
        "_x.extract = _patched\n"
    )


def _as_json(nb) -> str:
    """A notebook as raw JSON text (for cases nbformat would refuse to write as they are)."""
    return json.dumps(nb, indent=1, ensure_ascii=True)


def hostile_cases() -> dict[str, tuple[object, dict]]:
    """Cases for the causes an independent review found: batch isolation, hostile decoding,
    host disk, a forgeable run report, the answer key in reach (see docs/grading.md)."""
    c: dict[str, tuple[object, dict]] = {}
    honest = {"status": ["ok"], "points": 1, "problems": {"01.1": "correct"}}

    nb = answered("q1")
    for cell in nb.cells:
        role = cell.metadata.get("mlcourse", {}).get("role")
        if role == "setup":
            cell.metadata["mlcourse"] = ["setup", "01"]
        elif role == "check":
            cell.metadata["mlcourse"] = {"role": 5, "problem": ["01.1"]}
        elif role == "answer":
            cell.metadata = {"mlcourse": "answer", "tags": 7}
    nb.cells.append({"cell_type": "code", "metadata": [], "source": ["x = 1\n", 2], "outputs": []})
    c["wrong_type_metadata"] = (_as_json(nb), honest)

    c["deep_value"] = (
        add(answered("q1"), "x = []\nfor _ in range(100_000):\n    x = [x]\nclass_counts = x"),
        {**honest, "problems": {"01.1": "correct", "01.3": "incorrect"}},
    )
    deep = (
        "data['answers']['01.3'] = {'missing': None, 'error': None, 'values': {'class_counts': '__DEEP__'}}\n"
        "text = json.dumps(data).replace('\"__DEEP__\"', '[' * 200_000 + ']' * 200_000)"
    )
    c["deep_json_forged"] = (
        add(answered("q1"), patched_extraction(deep)),
        {"status": ["ok"], "points": 0},
    )
    npy = (
        "head = \"{'descr': '<f8', 'fortran_order': False, 'shape': \" + '(' * 1500 + ')' * 1500 + ', }'\n"
        "head = head.ljust(3000) + '\\n'\n"
        "(out / 'v900.npy').write_bytes(b'\\x93NUMPY\\x01\\x00' + len(head).to_bytes(2, 'little') + head.encode())\n"
        "lie = \"{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }\".ljust(117) + '\\n'\n"
        "(out / 'v901.npy').write_bytes(b'\\x93NUMPY\\x01\\x00' + len(lie).to_bytes(2, 'little') + lie.encode() + bytes(8))\n"
        "data['answers']['01.4'] = {'missing': None, 'error': None, 'values': {'strong_wines': {'__t': 'ndarray', 'file': 'v900.npy'}}}\n"
        "data['answers']['01.6'] = {'missing': None, 'error': None, 'values': {'alcohol_means': {'__t': 'ndarray', 'file': 'v901.npy'}}}"
    )
    c["npy_headers_hostile"] = (
        add(answered("q1"), patched_extraction(npy)),
        {**honest, "problems": {"01.1": "correct", "01.4": "incorrect", "01.6": "incorrect"}},
    )
    parquet = (
        "import numpy as np, pyarrow as pa, pyarrow.parquet as pq\n"
        "(out / 'v902.parquet').write_bytes(b'PAR1' + bytes(64) + (2**31 - 1).to_bytes(4, 'little') + b'PAR1')\n"
        "pq.write_table(pa.table({'a': np.zeros(20_000_000, dtype=np.int8)}), out / 'v903.parquet')\n"
        "data['answers']['01.3'] = {'missing': None, 'error': None, 'values': {'class_counts': {'__t': 'frame', 'file': 'v903.parquet'}}}\n"
        "data['answers']['01.4'] = {'missing': None, 'error': None, 'values': {'strong_wines': {'__t': 'series', 'file': 'v902.parquet'}}}"
    )
    c["parquet_hostile"] = (
        add(answered("q1"), patched_extraction(parquet)),
        {**honest, "problems": {"01.1": "correct", "01.3": "incorrect", "01.4": "incorrect"}},
    )
    collide = (
        "big = [{'__t': 'int', 'v': str(k * (2**61 - 1))} for k in range(1, 9_000)]\n"
        "data['answers']['01.3'] = {'missing': None, 'error': None, 'values': {'class_counts': {'__t': 'set', 'items': big}}}\n"
        "data['answers']['01.6'] = {'missing': None, 'error': None, 'values': {'alcohol_means': {'__t': 'dict', 'items': [[v, v] for v in big]}}}\n"
        "data['answers']['01.4'] = {'missing': None, 'error': None, 'values': {'strong_wines': {'__t': 'frozenset', 'items': big}}}"
    )
    c["quadratic_containers"] = (
        add(answered("q1"), patched_extraction(collide)),
        {**honest, "problems": {"01.1": "correct", "01.3": "incorrect", "01.4": "incorrect"}},
    )
    fifo = (
        "os.mkfifo(out / 'v904.npy')\nos.mkfifo(out / 'run.json')\n"
        "data['answers']['01.4'] = {'missing': None, 'error': None, 'values': {'strong_wines': {'__t': 'ndarray', 'file': 'v904.npy'}}}"
    )
    c["fifo_answer_files"] = (
        add(answered("q1"), patched_extraction(fifo)),
        {**honest, "problems": {"01.1": "correct", "01.4": "incorrect"}},
    )
    nb = answered("q1")
    add(
        nb,
        "strong_wines = ['\\ud800', 'caf\\udce9']\ntry:\n    print('\\ud800')\nexcept Exception as error:\n    print(type(error).__name__)",
    )
    nb.cells[-1].source = nb.cells[-1].source.replace(
        "\\ud800", "\ud800", 1
    )  # a raw lone surrogate in the source itself
    c["unencodable_text"] = (
        _as_json(nb),
        {**honest, "problems": {"01.1": "correct", "01.4": "incorrect"}},
    )
    tree = (
        "import os\n"
        "for base in [os.getcwd(), '/tmp', os.path.expanduser('~')]:\n"
        "    try:\n"
        "        fd = os.open(base, os.O_RDONLY)\n"
        "        for i in range(3000):\n"
        "            os.mkdir('d', dir_fd=fd)\n"
        "            below = os.open('d', os.O_RDONLY, dir_fd=fd)\n"
        "            os.close(fd)\n"
        "            fd = below\n"
        "        os.mkfifo('fifo', dir_fd=fd)\n"
        "        os.symlink('/', 'root', dir_fd=fd)\n"
        "        os.close(fd)\n"
        "    except OSError as error:\n"
        "        print(base, type(error).__name__)\n"
        "os.makedirs('locked/inner', exist_ok=True)\n"
        "open('locked/inner/f', 'w').write('x')\n"
        "os.chmod('locked/inner', 0)\nos.chmod('locked', 0)\n"
        "os.symlink('/etc/passwd', 'passwd_link')\n"
    )
    c["hostile_scratch_tree"] = (add(answered("q1"), tree), honest)
    fill = (
        "import os\nwritten = {}\n"
        "for base in [os.getcwd(), '/tmp', os.path.expanduser('~'), '/dev/shm', '/var/tmp', '/', os.path.dirname(os.getcwd())]:\n"
        "    n = 0\n"
        "    try:\n"
        "        for i in range(40):\n"
        "            with open(os.path.join(base, f'fill-{NONCE}-{i}'), 'wb') as handle:\n"
        "                handle.write(bytes(32 * 1024 * 1024))\n"
        "            n += 1\n"
        "    except OSError as error:\n"
        "        pass\n"
        "    written[base] = n\n"
        "print(written)\n"
    )
    c["disk_filler"] = (add(answered("q1"), fill), {**honest, "template": True})
    loop = (
        "import json, os, time\n"
        "forged = json.dumps({'protocol': 1, 'status': 'finished', 'errors': [],\n"
        "                     'truncated': False, 'answers_problem': None, 'files': []}) + '\\n'\n"
        "end = time.time() + 600\n"
        "while time.time() < end:\n"
        "    for p in os.listdir('/proc'):\n"
        "        if not p.isdigit() or int(p) == os.getpid():\n"
        "            continue\n"
        "        try:\n"
        "            fds = os.listdir(f'/proc/{p}/fd')\n"
        "        except OSError:\n"
        "            continue\n"
        "        for fd in fds:\n"
        "            try:\n"
        "                with open(f'/proc/{p}/fd/{fd}', 'w') as handle:\n"
        "                    handle.write(forged)\n"
        "            except OSError:\n"
        "                pass\n"
        "    time.sleep(0.1)\n"
    )
    daemon = (
        "import os, signal, sys, time\n"
        f"loop = {loop!r}\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:  # a daemon in a session of its own, named by the test's nonce\n"
        "        os.execv(sys.executable, [sys.executable, '-c', loop, 'daemon-{NONCE}'])\n"
        "    os._exit(0)\n"
        "time.sleep(1)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    c["forged_run_report"] = (
        add(answered("q1"), daemon),
        {"status": ["crashed"], "points": 0, "template": True},
    )
    c["kill_the_runner"] = (
        add(
            answered("q1"),
            "import os, signal\nfor p in os.listdir('/proc'):\n"
            "    if p.isdigit() and int(p) not in (os.getpid(), 1):\n"
            "        try:\n            os.kill(int(p), signal.SIGKILL)\n"
            "        except OSError:\n            pass\n",
        ),
        {"status": ["crashed"], "points": 0},
    )
    hunt = (
        "import glob, pathlib, sys\nimport mlcourse\nfound = {}\n"
        "try:\n    import mlcourse.keys.m01 as key\n    found = {k: v.get('answer') for k, v in key.KEY.items()}\n"
        "except Exception as error:\n    print('import blocked:', type(error).__name__)\n"
        "roots = [pathlib.Path(mlcourse.__file__).parent, pathlib.Path(sys.prefix)]\n"
        "for root in roots:\n"
        "    for path in root.rglob('m01.py'):\n"
        "        text = path.read_text(errors='ignore')\n"
        "        if 'KEY' in text:\n            found['file'] = str(path)\n"
        "for letter in 'abcd':\n"
        "    if ex.kc1.evaluate_values(kc1=letter).status == 'correct':\n        kc1 = letter\n"
        "try:\n    kc3 = ex.kc3.problem.answer\nexcept Exception as error:\n    print('key blocked:', type(error).__name__)\n"
        "try:\n    header = ex.q1.problem.expected_value()\nexcept Exception as error:\n    print('key blocked:', type(error).__name__)\n"
        "if found.get('01.kc4'):\n    kc4 = found['01.kc4']\n"
        "print(found)\n"
    )
    c["answer_key_hunt"] = (
        add(exercises(), hunt),
        {"status": ["ok"], "points": 0, "all": "not_attempted"},
    )
    results = (
        "claim = {'__t': 'dict', 'items': [['ok', True], ['value', {'__t': 'float', 'v': '5.0'}]]}\n"
        "data['answers']['01.5'] = {'missing': None, 'error': None, 'values': {'results': {'__t': 'list', 'items': [claim] * 7}}}"
    )
    c["forged_function_results"] = (
        add(answered("q1"), patched_extraction(results)),
        {**honest, "problems": {"01.1": "correct", "01.5": "incorrect"}},
    )
    return c


def cases() -> dict[str, tuple[object, dict]]:
    """name -> (notebook or raw text, expected)."""
    c: dict[str, tuple[object, dict]] = {}
    c["correct"] = (answered(*ALL), {"status": ["ok"], "points": FULL})
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
    c["tampered_checks_and_ids"] = (tampered, {"status": ["ok"], "points": FULL})

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
    c.update(hostile_cases())
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
