"""names_used: the names a learner's function refers to, however they are reached."""

import math

from mlcourse.checks import UNRESOLVED, names_used


def _flag_sqrt(name, value, opname):
    if value is math.sqrt or (value is UNRESOLVED and name == "sqrt"):
        return "sqrt"
    return None


def direct(x):
    return math.sqrt(x)


def helper(x):
    return math.sqrt(x)


def through_a_helper(x):
    return helper(x)


root = math.sqrt


def through_an_alias(x):
    return root(x)


def make_closure():
    f = math.sqrt

    def inner(x):
        return f(x)

    return inner


def nested(x):
    def inside(y):
        return math.sqrt(y)

    return inside(x)


def clean(x):
    return x**0.5


def test_a_name_is_found_however_it_is_reached():
    for func in (direct, through_a_helper, through_an_alias, make_closure(), nested):
        assert names_used(func, _flag_sqrt) == ["sqrt"], func.__name__


def test_a_function_that_does_not_use_it_is_clean():
    assert names_used(clean, _flag_sqrt) == []
    assert names_used(len, _flag_sqrt) == []  # no Python code to read


def test_calls_are_followed_only_so_deep():
    def level(n):
        namespace = {"math": math}
        source = "def f0(x):\n    return math.sqrt(x)\n"
        for i in range(1, n + 1):
            source += f"def f{i}(x):\n    return f{i - 1}(x)\n"
        exec(source, namespace)  # noqa: S102 - builds a chain of test functions
        return namespace[f"f{n}"]

    assert names_used(level(3), _flag_sqrt, max_depth=4) == ["sqrt"]
    assert names_used(level(6), _flag_sqrt, max_depth=4) == []
