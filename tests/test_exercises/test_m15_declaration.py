"""Module 15's declaration computes none of its exercises' answers.

A graded class's package carries the declarations but not the keys, so a declaration that
built later cases' inputs with the learner's answers (softmax, cross-entropy, the forward pass)
would hand those answers out. Probabilities and the loss of logits come from SciPy; the
forward caches of the backward cases are numbers the key computed, shipped in
``m15_backward_caches.npz``.
"""

import ast
import inspect

import numpy as np

from mlcourse.exercises import m15
from mlcourse.keys import m15 as key


def test_the_shipped_forward_caches_are_the_keys_for_every_backward_case():
    expected = key.backward_caches()
    with np.load(m15._BACKWARD_CACHES, allow_pickle=False) as shipped:
        assert sorted(shipped.files) == sorted(expected), (
            "regenerate with: python -c 'from mlcourse.keys.m15 import write_backward_caches; "
            "write_backward_caches()'"
        )
        for name, value in expected.items():
            np.testing.assert_allclose(shipped[name], value, rtol=1e-12, atol=1e-12)
    names = set(m15._backward_inputs())
    assert {case.label for case in m15._backward_hidden()} == {
        label for name, (*_, label) in m15._backward_inputs().items() if name != "demo"
    }
    assert names == {name.split(".")[0] for name in expected}


def test_the_declaration_defines_no_softmax_cross_entropy_or_forward_pass():
    tree = ast.parse(inspect.getsource(m15))
    defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    assert not defined & {"_softmax", "_cross_entropy", "_forward", "softmax", "forward"}
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "np"
    }
    # a softmax or a ReLU layer written out (the hints may name them: strings, not calls)
    assert not calls & {"exp", "maximum", "log"}


def test_the_inputs_built_with_scipy_are_what_the_keys_functions_give():
    z = np.random.default_rng(0).normal(0.0, 30.0, size=(8, 5))
    np.testing.assert_allclose(m15._probs(8, 5, 3).sum(axis=1), 1.0)
    y = np.array([0, 1, 2, 3, 4, 0, 1, 2])
    loss = m15._LogitsLoss(list(y))
    assert np.isclose(loss(z), key._cross_entropy(key._softmax(z), y), rtol=1e-12, atol=1e-12)
