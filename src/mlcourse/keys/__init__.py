"""The answer keys: the reference half of each module's problems (``KEY`` in ``mNN``).

Self-paced installs carry them, so ``check()`` answers at once. The grading sandbox hides this
folder, and a graded class's release leaves it out: the evaluator, outside the learner's
process, is the only reader. Each ``mNN.KEY`` maps a problem id to its reference parts:

- ``Value``/``Numeric``: ``expected`` (a value, or a zero-argument function computing it from
  data) and optionally ``mistakes``;
- ``Function``: ``reference`` (the reference implementation);
- ``Custom``: ``judge``;
- ``Choice``: ``answer`` and optionally ``explanation``.

A key may import from its module's declaration (data helpers, case generators); a declaration
never imports from a key.
"""
