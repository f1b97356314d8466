"""Solution markers become `...` and nothing else changes."""

import pytest

from mlcourse.build import MarkerError, has_markers, strip_solutions


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = 1 + 2  # SOLUTION", "x = ..."),
        ("    total += value  # SOLUTION", "    total += ..."),
        ("name: str = 'Ada'  # SOLUTION", "name: str = ..."),
        ("a, b = 1, 2 # SOLUTION", "a, b = ..."),
        ("flag = x == y  # SOLUTION", "flag = ..."),
        ("    return a + b  # SOLUTION", "    return ..."),
        ("print('hi')  # SOLUTION", "..."),
        ("café = 'é'  # SOLUTION", "café = ..."),
        ("x = 1  #SOLUTION", "x = ..."),
    ],
)
def test_solution_lines(source, expected):
    assert strip_solutions(source) == expected


def test_block_becomes_one_ellipsis_at_its_indentation():
    source = (
        "import math\n"
        "def area(r):\n"
        '    """Area of a circle."""\n'
        "    # BEGIN SOLUTION\n"
        "    squared = r ** 2\n"
        "    return math.pi * squared\n"
        "    # END SOLUTION\n"
        "print(area)"
    )
    assert strip_solutions(source) == (
        'import math\ndef area(r):\n    """Area of a circle."""\n    ...\nprint(area)'
    )


def test_unmarked_source_is_unchanged():
    source = "x = 1\n# a comment about SOLUTIONS in general\ny = x"
    assert strip_solutions(source) == source
    assert not has_markers(source)


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("# BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n# END SOLUTION", "without a BEGIN"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside the block"),
        ("for x in y:  # SOLUTION\n    pass", "complete statement"),
    ],
)
def test_misplaced_markers_are_errors_with_line_numbers(source, fragment):
    with pytest.raises(MarkerError, match=fragment) as info:
        strip_solutions(source)
    assert str(info.value).startswith("line ")
