"""Module 02 — NumPy: the declaration of the exercises and the quiz.

The exercises work on the handwritten digits (``mlcourse.datasets.load_digits``): 1,797 images
of 8x8 pixels holding whole numbers 0-16. The split of exercise 6 is by position, as the
prompt states: the first 1,500 images train, the last 297 are held out. The key, in
mlcourse.keys.m02, recomputes every expected value from the same data.
"""

from __future__ import annotations

import dis
import functools
import itertools
import sys
import types
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    UNRESOLVED,
    Case,
    Choice,
    Function,
    MethodRule,
    Value,
    names_used,
)
from mlcourse.exercises import Module

N_TRAIN = 1500  # exercise 6: the first 1,500 images train, the rest are held out (prompt)

# --------------------------------------------------------------------------------------
# Data: the digits, loaded as the notebook loads them (read-only copies, cached).
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    """``(images, target)`` of the digits, as fresh read-only arrays."""
    from mlcourse.datasets import load_digits

    bunch = load_digits()
    images = np.array(bunch.images, dtype=np.float64)
    target = np.array(bunch.target, dtype=np.int64)
    images.flags.writeable = False
    target.flags.writeable = False
    return images, target


def _images() -> np.ndarray:
    """A writable copy of the (1797, 8, 8) float images."""
    return _digits()[0].copy()


def _data() -> np.ndarray:
    """The images flattened to (1797, 64), a writable copy."""
    return _images().reshape(len(_digits()[0]), 64)


def _target() -> np.ndarray:
    """The digit (0-9) of every image, a writable copy."""
    return _digits()[1].copy()


# --------------------------------------------------------------------------------------
# Function cases. Every hidden case has a label naming the kind of input.
# --------------------------------------------------------------------------------------

_SMALL = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 10.0]])


def _energy_cases() -> list[Case]:
    return [Case(_images()[:3].astype(np.uint8), call="energy_of(pixels[:3])")]


def _energy_hidden() -> list[Case]:
    rng = np.random.default_rng(5)
    return [
        Case(_images().astype(np.uint8), label="all the digits' pixels"),
        Case(np.full((2, 8, 8), 255, dtype=np.uint8), label="white images (every pixel 255)"),
        Case(rng.integers(0, 256, size=(6, 8, 8), dtype=np.uint8), label="pixels from 0 to 255"),
        Case(rng.integers(0, 256, size=(3, 5, 7), dtype=np.uint8), label="images of another size"),
        Case(np.zeros((1, 8, 8), dtype=np.uint8), label="a single black image"),
    ]


def _center_cases() -> list[Case]:
    return [
        Case(_SMALL.copy()),
        Case(_data()[:5], call="center(X[:5])"),
    ]


def _center_hidden() -> list[Case]:
    rng = np.random.default_rng(2)
    return [
        Case(np.array([[4.0, -1.0, 7.5]]), label="a single row"),
        Case(np.arange(12).reshape(4, 3), label="an integer array"),
        Case(np.array([[3.0, 1.0], [3.0, 2.0], [3.0, 6.0]]), label="a constant column"),
        Case(rng.normal(size=(5, 5)), label="a square array"),
        Case(rng.normal(100.0, 5.0, size=(7, 2)), label="two columns far from zero"),
        Case(_data(), label="the whole digits array"),
    ]


def _occlude_cases() -> list[Case]:
    return [Case(_images()[:3], call="occlude(images[:3])")]


def _occlude_hidden() -> list[Case]:
    return [
        Case(_images(), label="all the digits"),
        Case(_images()[10:11], label="a batch of one image"),
        Case(_images()[:5].astype(np.uint8), label="uint8 images"),
        Case(np.ones((2, 8, 8), dtype=np.int64), label="integer images of ones"),
        Case(np.arange(4 * 64, dtype=float).reshape(4, 8, 8), label="images whose rows all differ"),
    ]


_A_DEMO = np.array([[0.0, 0.0], [3.0, 4.0]])
_B_DEMO = np.array([[0.0, 0.0], [1.0, 1.0], [6.0, 8.0]])


def _dists_cases() -> list[Case]:
    return [
        Case(_A_DEMO.copy(), _B_DEMO.copy(), call="pairwise_sq_dists(A_demo, B_demo)"),
        Case(_data()[:3], _data()[3:7], call="pairwise_sq_dists(X[:3], X[3:7])"),
    ]


def _dists_hidden() -> list[Case]:
    rng = np.random.default_rng(3)
    pixels = _images().astype(np.uint8).reshape(-1, 64)
    return [
        Case(pixels[:4], pixels[10:15], label="8-bit unsigned integer pixels (uint8)"),
        Case(_data()[:6], _data()[:6], label="the same points on both sides"),
        Case(np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 2.0, 5.0]]), label="one point each"),
        Case(rng.normal(size=(7, 3)), rng.normal(size=(2, 3)), label="more rows in A than in B"),
        Case(rng.normal(size=(1, 5)), rng.normal(size=(9, 5)), label="a single row in A"),
        Case(np.arange(6).reshape(3, 2), np.arange(4).reshape(2, 2), label="int64 arrays"),
    ]


def _lstsq_cases() -> list[Case]:
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    y = np.array([1.0, 3.0, 4.0, 8.0])
    return [Case(X, y, call="fit_least_squares(X_line, y_line)")]


def _lstsq_hidden() -> list[Case]:
    rng = np.random.default_rng(4)
    tall = rng.normal(size=(30, 4))
    noisy = tall @ np.array([1.0, -2.0, 0.5, 3.0]) + rng.normal(0, 0.1, size=30)
    square = np.array([[2.0, 1.0], [1.0, 3.0]])
    dup = rng.normal(size=(12, 2))
    dup = np.column_stack([dup, dup[:, 1]])  # the third column repeats the second
    x = np.linspace(0.0, 1.0, 40)
    poly = np.vander(x, 11, increasing=True)  # 1, x, ..., x**10: nearly dependent columns
    images, target = _digits()
    X_dig = np.column_stack([np.ones(200), images[:200].reshape(200, 64)])
    return [
        Case(square, np.array([3.0, 5.0]), label="a square system with one exact solution"),
        Case(tall, noisy, label="more equations than unknowns, with noise"),
        Case(dup, dup @ np.array([1.0, 2.0, 0.0]), label="a column that repeats another"),
        Case(poly, poly @ np.linspace(1.0, 2.0, 11), label="columns that are nearly dependent"),
        Case(X_dig, target[:200].astype(float), label="digits pixels, some always 0, and a bias"),
    ]


def _bootstrap_cases() -> list[Case]:
    return [
        Case(np.array([1.0, 2.0, 3.0, 4.0]), 5, 42, call="bootstrap_means(x_demo, 5, seed=42)"),
    ]


def _bootstrap_hidden() -> list[Case]:
    ink = _data().sum(axis=1)
    return [
        Case(np.array([1.0, 2.0, 3.0, 4.0]), 5, 7, label="another seed"),
        Case(np.array([1.0, 2.0, 3.0, 4.0]), 5, 0, label="seed 0"),
        Case(np.array([2.5, -1.0, 4.0]), 1, 42, label="a single resample"),
        Case(np.array([5.0]), 3, 1, label="a single value"),
        Case(ink[:50], 200, 2026, label="the ink of 50 digits, 200 resamples"),
    ]


def _confusion_cases() -> list[Case]:
    return [
        Case(
            np.array([0, 0, 1, 2, 2, 2]),
            np.array([0, 1, 1, 2, 0, 2]),
            3,
            call="confusion_counts(true_demo, pred_demo, 3)",
        )
    ]


def _confusion_hidden() -> list[Case]:
    rng = np.random.default_rng(6)
    target = _target()
    return [
        Case(target[:300], np.roll(target[:300], 1), 10, label="the digits' labels, 300 images"),
        Case(np.array([1, 1, 1]), np.array([1, 1, 1]), 4, label="classes never seen or predicted"),
        Case(np.array([3]), np.array([0]), 5, label="a single image"),
        Case(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 2, label="no images"),
        Case(
            rng.integers(0, 6, size=500).astype(np.int32),
            rng.integers(0, 6, size=500).astype(np.int32),
            6,
            label="int32 labels",
        ),
    ]


# --------------------------------------------------------------------------------------
# Exercises 4 and 5's method rule: no Python loops (broadcasting does the work).
# --------------------------------------------------------------------------------------

_LOOP_OPCODES = frozenset({"FOR_ITER", "JUMP_ABSOLUTE"})  # and every backward jump (below)
#: Names that loop in Python, compute the distances for you, or hide what is called.
_LOOPING_NAMES = frozenset(
    {
        "map",
        "vectorize",
        "apply_along_axis",
        "apply_over_axes",
        "fromiter",
        "frompyfunc",
        "cdist",
        "pdist",
        "distance_matrix",
        "euclidean_distances",
        "nan_euclidean_distances",
        "pairwise_distances",
        "pairwise_distances_chunked",
        "paired_distances",
        "paired_euclidean_distances",
        "confusion_matrix",
        "crosstab",
    }
)
#: Callables that loop in Python, recognised by identity (``np.add.reduce`` is not one).
_LOOPING_CALLABLES = (functools.reduce, itertools.starmap, itertools.accumulate, filter)
#: Names imported from functools/itertools inside a function (``from functools import reduce``).
_LOOPING_IMPORTS = {
    "reduce": functools.reduce,
    "starmap": itertools.starmap,
    "accumulate": itertools.accumulate,
}
#: Built-ins that call a function chosen at run time, which reading the code cannot follow.
_OPAQUE = frozenset({"getattr", "eval", "exec"})


def _has_loop(code: types.CodeType) -> bool:
    """Whether compiled code, or code nested in it (comprehensions, lambdas), loops."""
    blocks = [code]
    while blocks:
        block = blocks.pop()
        blocks += [c for c in block.co_consts if isinstance(c, types.CodeType)]
        if any(
            ins.opname in _LOOP_OPCODES or "BACKWARD" in ins.opname
            for ins in dis.get_instructions(block)
        ):
            return True
    return False


_LIBRARY = "-"  # a label that stops names_used at a function the notebook did not define


def _in_notebook(value: Any, func: Any) -> bool:
    """Whether ``value`` is a Python function defined where ``func`` was (the notebook)."""
    return isinstance(value, types.FunctionType) and value.__globals__ is getattr(
        func, "__globals__", None
    )


def _blocks(code: types.CodeType) -> list[types.CodeType]:
    """``code`` and the code nested in it (comprehensions, lambdas, inner functions)."""
    out, todo = [], [code]
    while todo:
        block = todo.pop()
        out.append(block)
        todo += [c for c in block.co_consts if isinstance(c, types.CodeType)]
    return out


def _references(fn: types.FunctionType) -> list[tuple[str, Any]]:
    """``(name, value)`` of what ``fn`` refers to: globals, built-ins, ``module.attr``,
    closures and default arguments. Unresolved names have the value :data:`UNRESOLVED`."""
    namespace = fn.__globals__
    builtins = namespace.get("__builtins__", {})
    builtins = builtins if isinstance(builtins, dict) else getattr(builtins, "__dict__", {})
    refs: list[tuple[str, Any]] = []
    free_modules = {}  # modules the function holds in its closure (imported by an outer one)
    for var, cell in zip(fn.__code__.co_freevars, fn.__closure__ or (), strict=False):
        try:
            if isinstance(cell.cell_contents, types.ModuleType):
                free_modules[var] = cell.cell_contents
        except ValueError:  # an empty cell
            pass
    for block in _blocks(fn.__code__):
        previous = None  # the module a global or local name just loaded, if any
        imported = None  # the module an ``import`` inside the function just loaded
        local_modules: dict[str, types.ModuleType] = dict(free_modules)
        for ins in dis.get_instructions(block):
            name = ins.argval
            if ins.opname == "IMPORT_NAME" and isinstance(name, str):
                imported = sys.modules.get(name)
                previous = None
                continue
            if ins.opname.startswith("STORE_") and imported is not None and isinstance(name, str):
                local_modules[name] = imported
                imported = None
                continue
            if ins.opname in ("LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE") and name in local_modules:
                previous = local_modules[name]
                continue
            if isinstance(name, str) and name in block.co_names:
                value = UNRESOLVED
                if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
                    value = namespace.get(name, builtins.get(name, UNRESOLVED))
                elif ins.opname in ("LOAD_ATTR", "LOAD_METHOD") and previous is not None:
                    if isinstance(previous, types.ModuleType):
                        value = getattr(previous, name, UNRESOLVED)
                elif ins.opname == "IMPORT_FROM" and name in _LOOPING_IMPORTS:
                    refs.append((name, _LOOPING_IMPORTS[name]))  # a looping callable
                    continue
                refs.append((name, value))
                previous = value if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME") else None
            else:
                previous = None
    for cell in fn.__closure__ or ():
        try:
            refs.append(("", cell.cell_contents))
        except ValueError:  # an empty cell
            pass
    refs += [("", v) for v in fn.__defaults__ or ()]
    refs += [("", v) for v in (fn.__kwdefaults__ or {}).values()]
    return refs


def _unwrap(value: Any, module: str, depth: int = 0) -> list[Any]:
    """The values to read behind ``value``: a partial's function and arguments, a bound
    method's function, the items of a dict/list/tuple/set, the methods of a class (or of an
    instance of a class) defined in the notebook."""
    if depth > 3:
        return [value]
    out: list[Any] = [value]
    more: list[Any] = []
    if isinstance(value, functools.partial):
        more = [value.func, *value.args, *value.keywords.values()]
    elif isinstance(value, types.MethodType):
        more = [value.__func__]
    elif isinstance(value, dict):
        more = list(value.values())[:100]
    elif isinstance(value, (list, tuple, set, frozenset)):
        more = list(value)[:100]
    else:
        cls = value if isinstance(value, type) else type(value)
        if getattr(cls, "__module__", None) == module and not isinstance(value, types.FunctionType):
            for klass in cls.__mro__:
                if getattr(klass, "__module__", None) == module:
                    for member in vars(klass).values():
                        member = getattr(member, "__func__", member)  # static/class methods
                        if isinstance(member, types.FunctionType):
                            more.append(member)
    for item in more:
        out += _unwrap(item, module, depth + 1)
    return out


def _loops_used(func: Any, max_functions: int = 50) -> list[str]:
    """What in ``func`` (or a notebook function it reaches) loops in Python.

    Notebook functions are followed through calls, closures, default arguments, partials,
    containers and the methods of notebook classes; library functions (NumPy's own Python
    code, say) are not read: a loop inside them is not the learner's. A notebook function
    that reaches itself is reported as recursion.
    """
    found: set[str] = set()
    start = getattr(func, "__func__", func)
    if not isinstance(start, types.FunctionType):  # a callable instance, a partial...
        start_values = _unwrap(func, getattr(type(func), "__module__", ""))
        roots = [v for v in start_values if isinstance(v, types.FunctionType)]
    else:
        roots = [start]
    if not roots:
        return []
    module = roots[0].__module__
    namespace = roots[0].__globals__
    edges: dict[types.CodeType, set[types.CodeType]] = {}
    todo = list(roots)
    while todo and len(edges) < max_functions:
        fn = todo.pop()
        if fn.__code__ in edges:
            continue
        edges[fn.__code__] = set()
        name = fn.__name__
        if _has_loop(fn.__code__):
            found.add(
                "a `for` or `while` loop, or a comprehension"
                if fn is roots[0]
                else f"a loop inside `{name}`"
            )
        for ref_name, ref in _references(fn):
            if ref_name in _LOOPING_NAMES:
                found.add(f"`{ref_name}`")
            if ref_name in _OPAQUE and ref is not UNRESOLVED:
                found.add(f"`{ref_name}` (a function chosen at run time cannot be checked)")
            if ref is UNRESOLVED:
                continue
            for value in _unwrap(ref, module):
                if any(value is c for c in _LOOPING_CALLABLES):
                    found.add(f"`{getattr(value, '__name__', ref_name)}`")
                    continue
                target = getattr(value, "__name__", None)
                if isinstance(target, str) and target in _LOOPING_NAMES:
                    found.add(f"`{target}`")
                if isinstance(value, types.FunctionType) and value.__globals__ is namespace:
                    edges[fn.__code__].add(value.__code__)
                    todo.append(value)
    # recursion: a cycle among the notebook functions reached
    state: dict[types.CodeType, int] = {}

    def visit(code: types.CodeType) -> bool:
        state[code] = 1
        for nxt in edges.get(code, ()):
            if state.get(nxt) == 1 or (nxt not in state and visit(nxt)):
                return True
        state[code] = 2
        return False

    if any(code not in state and visit(code) for code in list(edges)):
        found.add("recursion")
    return sorted(found)


def _no_loops(id: str, *, advice: str, **kwargs: Any) -> MethodRule:
    """A function problem whose prompt forbids Python loops."""
    return MethodRule(id, find=_loops_used, breaks="loops in Python", advice=advice, **kwargs)


# --------------------------------------------------------------------------------------
# Exercise 7's method rule: no matrix inverse.
# --------------------------------------------------------------------------------------

_INVERSES = frozenset({"inv", "matrix_power"})


def _inverse_used(func: Any) -> list[str]:
    """The matrix inverses ``func`` (or a notebook function it calls) refers to."""

    def judge(name: str, value: Any, opname: str) -> str | None:
        if opname in ("LOAD_ATTR", "LOAD_METHOD") and name == "I":
            return "`.I`"
        if value is UNRESOLVED:
            return f"`{name}`" if name in _INVERSES else None
        target = getattr(value, "__name__", None)
        module = getattr(value, "__module__", None) or ""
        if target in _INVERSES and isinstance(module, str) and "linalg" in module:
            return f"`{name}` ({module}.{target})"
        if isinstance(value, types.FunctionType) and not _in_notebook(value, func):
            return _LIBRARY
        return None

    return [label for label in names_used(func, judge) if label != _LIBRARY]


MODULE = Module(
    "02",
    "numpy",
    "NumPy",
    problems=(
        Value(
            "02.1",
            var="ink_per_digit",
            title="Mean ink per digit",
            points=1,
            hints=[
                "First the ink of every image: sum its 64 pixels. `X.sum(axis=...)`: which "
                "axis runs over the pixels of one image?",
                "`ink = X.sum(axis=1)` has one number per image. A boolean mask `y == d` "
                "selects the images of digit `d`.",
                "`np.array([ink[y == d].mean() for d in range(10)])`",
            ],
        ),
        Function(
            "02.2",
            name="energy_of",
            cases=_energy_cases,
            hidden=_energy_hidden,
            title="Squared pixels without overflow",
            points=1,
            check_dtype=True,
            hints=[
                "What is `np.uint8(16) ** 2`? A uint8 holds 0-255 only, and NumPy does not "
                "warn when an array operation wraps around. The hidden cases hold pixels up "
                "to 255.",
                "Convert before you square, to a type that holds 255 ** 2 times the number of "
                "pixels: `pixels.astype(np.int64)`.",
                "`return (pixels.astype(np.int64) ** 2).sum(axis=(1, 2))`",
            ],
        ),
        Function(
            "02.3",
            name="occlude",
            cases=_occlude_cases,
            hidden=_occlude_hidden,
            title="Occlude the bottom half, on a copy",
            points=2,
            check_dtype=True,
            hints=[
                "Slicing returns a view: writing into `images[:, 4:, :]` writes into the "
                "caller's array (and, for the digits, into `X`, which shares its memory).",
                "Make a copy first with `.copy()`, then assign 0 to the bottom four rows of "
                "every image of the copy, and return the copy.",
                "`out = images.copy()`, then `out[:, 4:, :] = 0`, then `return out`.",
            ],
        ),
        _no_loops(
            "02.4",
            name="center",
            advice=(
                "The task is to let broadcasting do the work: subtract the row of column "
                "means from the whole array in one operation."
            ),
            cases=_center_cases,
            hidden=_center_hidden,
            title="Centre the columns by broadcasting",
            points=2,
            hints=[
                "`X.mean(axis=0)` has one mean per column, shape `(n_columns,)`.",
                "Broadcasting lines shapes up from the right: `(n, d) - (d,)` subtracts the "
                "same row of means from every row.",
                "`return X - X.mean(axis=0)`. Not `X -= ...`: that changes the caller's array, "
                "and fails on an integer array.",
            ],
        ),
        _no_loops(
            "02.5",
            name="pairwise_sq_dists",
            advice=(
                "The task is to let broadcasting do the work: arrange the two arrays so that "
                "one subtraction gives every difference at once (`ex.q5.hint()` shows how)."
            ),
            cases=_dists_cases,
            hidden=_dists_hidden,
            title="All squared distances by broadcasting",
            points=2,
            atol=1e-6,
            hints=[
                "Give `A` a new axis in the middle and `B` a new axis in front: shapes "
                "`(n, 1, d)` and `(1, m, d)` broadcast to `(n, m, d)`.",
                "Convert both to float first (`np.asarray(A, dtype=float)`): uint8 pixels "
                "wrap around when subtracted.",
                "`diff = A[:, None, :] - B[None, :, :]` then `return (diff ** 2).sum(axis=2)`.",
            ],
        ),
        Value(
            "02.6",
            var="test_pred",
            title="Nearest-neighbour predictions on held-out digits",
            points=2,
            check_dtype=True,
            hints=[
                "For each test image, the prediction is the label of the training image at "
                "the smallest squared distance: `np.argmin(..., axis=1)`.",
                "Work in chunks of 50 test images: "
                "`d = pairwise_sq_dists(X_test[i:i + 50], X_train)` has shape `(50, 1500)`.",
                "`y_train[d.argmin(axis=1)]` for each chunk, then `np.concatenate` the chunks.",
            ],
        ),
        MethodRule(
            "02.7",
            find=_inverse_used,
            breaks="inverts a matrix",
            advice=(
                "The task is to solve the least-squares problem with NumPy's least-squares "
                "solver, without forming an inverse (`ex.q7.hint()` names it)."
            ),
            name="fit_least_squares",
            cases=_lstsq_cases,
            hidden=_lstsq_hidden,
            title="Least squares without inverting",
            points=2,
            rtol=1e-6,
            atol=1e-6,
            hints=[
                "`np.linalg.lstsq(X, y, rcond=None)` returns four things; the first is `w`.",
                "`np.linalg.solve(X.T @ X, X.T @ y)` is the textbook formula, but it squares "
                "the condition number and fails when columns are dependent.",
                "`w, *_ = np.linalg.lstsq(X, y, rcond=None)` then `return w`.",
            ],
        ),
        Function(
            "02.8",
            name="bootstrap_means",
            cases=_bootstrap_cases,
            hidden=_bootstrap_hidden,
            title="Reproducible bootstrap with a Generator",
            points=2,
            hints=[
                "Create the generator inside the function from its `seed`: "
                "`rng = np.random.default_rng(seed)`.",
                "One call draws every index at once: "
                "`rng.integers(0, len(x), size=(n_boot, len(x)))`, a `(n_boot, n)` array.",
                "`idx = rng.integers(0, len(x), size=(n_boot, len(x)))` then "
                "`return x[idx].mean(axis=1)`.",
            ],
        ),
        _no_loops(
            "02.9",
            name="confusion_counts",
            advice=(
                "The task is to count every (true, predicted) pair in one NumPy operation, "
                "without visiting the images one by one."
            ),
            cases=_confusion_cases,
            hidden=_confusion_hidden,
            title="A confusion matrix without loops",
            points=2,
            check_dtype=True,
            hints=[
                "Each (true, predicted) pair is one cell of an `n_classes` x `n_classes` "
                "table. Can you turn the pair into a single whole number, different for every "
                "cell?",
                "`y_true * n_classes + y_pred` numbers the cells 0 to `n_classes ** 2 - 1`, "
                "row by row. `np.bincount(..., minlength=...)` counts how often each number "
                "occurs, including the ones that never do.",
                "`counts = np.bincount(y_true * n_classes + y_pred, minlength=n_classes**2)` "
                "then `return counts.reshape(n_classes, n_classes)` (convert the labels with "
                "`np.asarray(..., dtype=np.int64)` first).",
            ],
        ),
        Choice(
            "02.kc1",
            var="kc1",
            choices="abcd",
            title="uint8 arithmetic",
            hints=["A uint8 holds 0 to 255. What happens past 255 in an array operation?"],
        ),
        Choice(
            "02.kc2",
            var="kc2",
            choices="abcd",
            title="Slices are views",
            hints=["Does basic slicing copy the data, or look at the same memory?"],
        ),
        Choice(
            "02.kc3",
            var="kc3",
            choices="abcd",
            title="Broadcasting shapes",
            hints=["Line the shapes up from the right; a 1 stretches to match the other side."],
        ),
        Choice(
            "02.kc4",
            var="kc4",
            choices="abcd",
            title="Solving instead of inverting",
            hints=["Which one does less work and loses less precision?"],
        ),
        Choice(
            "02.kc5",
            var="kc5",
            choices="abcd",
            title="Reducing along an axis",
            hints=["The axis you reduce along is the one that disappears from the shape."],
        ),
        Choice(
            "02.kc6",
            var="kc6",
            choices="abcd",
            title="Seeded generators",
            hints=["Two generators built from the same seed: do they share their state?"],
        ),
    ),
)
