"""Learner code that reaches into the course's own modules, found in the source before it runs.

The answers are collected in the learner's kernel, and some verdicts depend on what the course's
code sees there (a method rule such as "no loop", the "arguments left unchanged" rule). Code
that patches that machinery (``mlcourse.checks._problems._changed = ...``) could switch those
rules off. No learner needs the course's internals to answer an exercise, so the grader reads
the learner's cells (never running them) and refuses a submission that imports or reaches them.

This is a deny-list over the syntax tree: it catches the direct routes and the common indirect
ones (``__import__``, ``importlib.import_module``, ``sys.modules``, ``gc``, ``ctypes``,
introspection attributes such as ``__globals__``, ``setattr`` on the course's objects), not
every conceivable one; docs/grading.md says so.
"""

from __future__ import annotations

import ast
import functools

#: The course's packages a learner may import from: data loaders, tracking helpers, the
#: pretrained models, the LLM client and its offline stand-in, the question bank, the live
#: classroom's learner side (join, raise_hand, done), and the public
#: (non-underscore) names of a module's declaration (demo data, stand-in clients). Their private
#: submodules stay closed.
_OPEN = frozenset(
    {"datasets", "tracking", "models", "llm", "quiz", "live", "setup_notebook", "__version__"}
)
_DECLARATIONS = "mlcourse.exercises.m"
_CLOSED_MODULES = frozenset({"gc", "ctypes"})
_CLOSED_CALLS = frozenset({"__import__", "import_module", "reload"})
_CLOSED_ATTRIBUTES = frozenset(
    {
        "__globals__",
        "__code__",
        "__closure__",
        "__defaults__",
        "__kwdefaults__",
        "__builtins__",
        "__subclasses__",
        "__func__",
        "__dict__",
        "__loader__",
        "__spec__",
    }
)
_SETTERS = frozenset({"setattr", "delattr", "getattr", "vars"})
MAX_REASONS = 5


def reaches_into_the_course(sources: list[str]) -> list[str]:
    """What in the learner's cells reaches the course's internals, one line each.

    Parameters
    ----------
    sources : list of str
        The learner's code cells, in order (IPython magics allowed).

    Returns
    -------
    list of str
        At most a few reasons, each naming the cell (1-based among the learner's cells) and
        the construct; empty when nothing was found.
    """
    reasons: list[str] = []
    course_names = {"mlcourse", "ex"}  # bound by the released setup cell
    imported: set[str] = set()  # names bound by an import: modules, their classes, functions
    for number, source in enumerate(sources, start=1):
        tree = _parse(source)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                imported.update(
                    (a.asname or a.name.split(".")[0]) for a in node.names if a.name != "*"
                )
        for node in ast.walk(tree):
            why = _why(node, course_names) or _monkeypatch(node, imported)
            if why and f"cell {number}: {why}" not in reasons:
                reasons.append(f"cell {number}: {why}")
                if len(reasons) >= MAX_REASONS:
                    return reasons
    return reasons


@functools.cache
def _magics():
    """IPython's translator of magics into Python, made once per process."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def _parse(source: str) -> ast.Module | None:
    """The cell's syntax tree, magics translated as IPython does; None when it cannot parse."""
    try:
        source = _magics().transform_cell(source)
    except Exception:  # noqa: BLE001 - a cell IPython cannot read is parsed as it is
        pass
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # it fails the same way when it runs


def _why(node: ast.AST, course_names: set[str]) -> str | None:  # noqa: C901 - one rule per kind
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] in _CLOSED_MODULES:
                return f"imports {alias.name}"
            if _closed_module(alias.name) or (alias.asname and _declaration(alias.name)):
                return f"imports the course's module {alias.name}"
            if alias.name.split(".")[0] == "mlcourse":
                course_names.add(alias.asname or "mlcourse")
    elif isinstance(node, ast.ImportFrom):
        module = node.module or ""
        if module.split(".")[0] in _CLOSED_MODULES:
            return f"imports from {module}"
        if module == "importlib" and any(a.name in _CLOSED_CALLS for a in node.names):
            return "imports importlib's import_module or reload"
        if module.split(".")[0] == "mlcourse":
            for alias in node.names:
                closed = _closed_module(module) or alias.name.startswith("_")
                if module == "mlcourse":
                    closed = alias.name not in _OPEN
                if closed:
                    return f"imports {module}.{alias.name} from the course's internals"
                course_names.add(alias.asname or alias.name)
    elif isinstance(node, ast.Attribute):
        if node.attr in _CLOSED_ATTRIBUTES:
            return f"uses the introspection attribute {node.attr}"
        chain = _chain(node)
        if chain[:2] == ["sys", "modules"]:
            return "uses sys.modules"
        if chain and chain[0] == "importlib" and node.attr in _CLOSED_CALLS:
            return f"uses importlib.{node.attr}"
        if chain and chain[0] == "mlcourse" and _closed_module(".".join(chain[:2])):
            return f"reaches {'.'.join(chain[:3])}, one of the course's internals"
        if chain and chain[0] in course_names and isinstance(node.ctx, ast.Store | ast.Del):
            return f"changes {'.'.join(chain)}, which belongs to the course"
    elif isinstance(node, ast.Name) and node.id in _CLOSED_CALLS:
        return f"uses {node.id}"
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in _SETTERS and node.args:
            root = _chain(node.args[0])
            if root and root[0] in course_names:
                return f"calls {node.func.id} on {'.'.join(root)}, which belongs to the course"
    return None


#: Settings objects a learner may set attributes on (``pd.options.display.max_rows = 20``).
_SETTINGS = frozenset({"options", "rcParams", "config", "defaults"})


def _monkeypatch(node: ast.AST, imported: set[str]) -> str | None:
    """Replacing what a library defines (``copy.deepcopy = ...``, ``X.__eq__ = ...``).

    The course's code in the kernel relies on the standard library and on NumPy and pandas
    behaving as documented; no exercise needs to redefine them.
    """
    if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store | ast.Del):
        if node.attr.startswith("__") and node.attr.endswith("__"):
            return f"redefines the special method {node.attr}"
        chain = _chain(node)
        if chain and chain[0] in imported and not _SETTINGS & set(chain):
            return f"replaces {'.'.join(chain)}, which an imported library defines"
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in ("setattr", "delattr") and node.args:
            root = _chain(node.args[0])
            if root and root[0] in imported:
                return (
                    f"calls {node.func.id} on {'.'.join(root)}, which an imported library defines"
                )
    return None


def _declaration(name: str) -> bool:
    """``mlcourse.exercises.mNN``: a module's declaration."""
    return name.startswith(_DECLARATIONS) and name.count(".") == 2


def _closed_module(name: str) -> bool:
    """A course module or object a learner has no business importing or reaching."""
    parts = name.split(".")
    if parts[0] != "mlcourse" or len(parts) == 1 or _declaration(name):
        return False
    return parts[1] not in _OPEN or any(part.startswith("_") for part in parts[2:])


def _chain(node: ast.AST) -> list[str]:
    """``a.b[0].c(x).d`` as ["a", "b", "c", "d"]; [] when it does not start at a name."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            break
    return [node.id, *reversed(parts)] if isinstance(node, ast.Name) else []
