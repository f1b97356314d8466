"""The program that runs a function's source on argument lists in its own process (stdlib only)."""

# It is executed as ``python -I -c <this file's text> FD`` with a JSON payload
# {"source", "function", "cases"} on stdin, and writes one JSON line per event to the file
# descriptor FD: {"fatal": why} when the code cannot be run, then for each case in order
# {"case": i, "value": plain} or {"case": i, "error": "Type: message"}, with "mutated": true
# when the call changed its arguments. Nothing here imports the course.

import decimal
import json
import numbers
import sys

VALUE_LIMIT = 200_000
"""Characters of JSON a returned value may take; a larger one is reported, not compared."""


class Unplain(TypeError):
    """A returned value the quiz cannot compare."""


def to_plain(value, depth=0):
    """A JSON-ready copy of ``value``: tuples and arrays become lists, sets are marked.

    Parameters
    ----------
    value : object
        None, a bool, number (a Fraction or Decimal becomes a float) or string, a list, tuple,
        dict or set of those, or anything with a ``tolist()`` from NumPy or pandas.
    depth : int
        How deep the value is nested so far.

    Returns
    -------
    object
        Built of None, bool, int, float, str, list and dict only.

    Raises
    ------
    Unplain
        For any other type.
    """
    if depth > 40:
        raise Unplain("a value nested more than 40 levels deep")
    if value is None or type(value) in (bool, int, float, str):
        return value
    for kind in (bool, int, float, str):  # subclasses: NumPy's float64, an IntEnum...
        if isinstance(value, kind):
            return kind(value)
    if isinstance(value, (numbers.Real, decimal.Decimal)):  # a Fraction, a Decimal
        return float(value)
    if isinstance(value, (list, tuple)):
        return [to_plain(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {str(to_plain(k, depth + 1)): to_plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        items = [to_plain(item, depth + 1) for item in value]
        return {"<set>": sorted(items, key=lambda item: json.dumps(item, sort_keys=True))}
    module = type(value).__module__ or ""
    if module.split(".")[0] in ("numpy", "pandas") and callable(getattr(value, "tolist", None)):
        return to_plain(value.tolist(), depth + 1)
    raise Unplain(
        f"a value of type {type(value).__name__}, which the quiz cannot compare "
        "(return numbers, strings, booleans, lists, tuples, dicts or NumPy arrays)"
    )


def run_cases(source, function, cases, emit):
    """Define ``source``, call ``function`` on every case, and ``emit`` what happened.

    Parameters
    ----------
    source : str
        Python code defining the function.
    function : str
        Its name.
    cases : list of list
        JSON-plain argument lists.
    emit : callable
        Called with one dict per event (see the module docstring).
    """
    namespace = {"__name__": "__quiz__"}
    try:
        code = compile(source, "<your answer>", "exec")
    except SyntaxError as error:
        emit({"fatal": f"your code has a syntax error on line {error.lineno}: {error.msg}"})
        return
    try:
        exec(code, namespace)
    except BaseException as error:  # noqa: BLE001 - anything the code raises is reported
        emit({"fatal": f"your code raised {_describe(error)} while being defined"})
        return
    func = namespace.get(function)
    if not callable(func):
        emit({"fatal": f"your code does not define a function named {function}"})
        return
    for number, case in enumerate(cases):
        pristine = json.dumps(case, sort_keys=True)
        args = json.loads(pristine)
        event = {"case": number}
        try:
            result = func(*args)
        except BaseException as error:  # noqa: BLE001 - SystemExit included
            event["error"] = _describe(error)
        else:
            try:
                text = json.dumps(to_plain(result))
            except Unplain as error:
                event["error"] = f"returned {error}"
            except (TypeError, ValueError, OverflowError, RecursionError) as error:
                event["error"] = f"returned a value that cannot be read back ({_describe(error)})"
            else:
                if len(text) > VALUE_LIMIT:
                    event["error"] = (
                        f"returned a value too large to compare ({len(text)} characters)"
                    )
                else:
                    event["value"] = json.loads(text)
        try:
            event["mutated"] = json.dumps(args, sort_keys=True) != pristine
        except (TypeError, ValueError):
            event["mutated"] = True
        emit(event)


def _describe(error):
    text = " ".join(str(error).split())
    if len(text) > 200:
        text = text[:200] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def main():
    """Read the payload from stdin and write events to the descriptor named on the command line."""
    payload = json.loads(sys.stdin.read())
    import os

    out = os.fdopen(int(sys.argv[1]), "w", encoding="utf-8")
    sys.setrecursionlimit(3000)

    def emit(event):
        out.write(json.dumps(event) + "\n")
        out.flush()

    run_cases(payload["source"], payload["function"], payload["cases"], emit)
    out.close()


if __name__ == "__main__":
    main()
