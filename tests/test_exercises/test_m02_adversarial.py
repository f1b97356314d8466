"""Module 02: attempts to pass the checks without doing the task, and right answers written
differently, beyond the self-tests in solutions/02_numpy.ipynb.

Each test names the attempt it encodes. The lesson is checked too: what the quiz asks must be
taught there.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import nbformat
import numpy as np
import pytest
import scipy.linalg

from mlcourse.checks import Function
from mlcourse.exercises import get_module
from mlcourse.exercises.m02 import _data, _target
from mlcourse.keys import m02 as key
from tests.helpers import problem_helpers

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "curriculum" / "02_numpy.ipynb"
MODULE = get_module("02")
FUNCTIONS = [p for p in MODULE.problems if isinstance(p, Function)]


problem, outcome = problem_helpers("02")


# --------------------------------------------------------------------------------------
# Every function problem: mutation, hidden-case labels, the reference itself.
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda p: p.id)
def test_the_reference_passes_and_every_hidden_case_has_a_label(fn):
    assert fn.check({fn.name: fn.reference}).correct
    assert all(case.label for hidden, case in fn.cases() if hidden)


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda p: p.id)
def test_a_function_that_returns_the_visible_answers_whatever_the_input_is_rejected(fn):
    visible = [c for hidden, c in fn.cases() if not hidden]
    answers = [fn.reference(*copy.deepcopy(c.args)) for c in visible]

    def memorised(*args):
        return answers[0]

    assert fn.check({fn.name: memorised}).status == "incorrect"


# --------------------------------------------------------------------------------------
# 02.2: dtype.
# --------------------------------------------------------------------------------------


def test_energy_as_int32_is_rejected_for_its_dtype():
    def int32_energy(pixels):
        return (pixels.astype(np.int32) ** 2).sum(axis=(1, 2)).astype(np.int32)

    result = outcome("02.2", energy_of=int32_energy)
    assert result.status == "incorrect"
    assert "dtype" in result.message


def test_energy_without_meeting_the_overflow_is_rejected():
    """Review row 6: float images squared then cast passed the old Value check; the function
    now gets uint8 pixels up to 255, where uint8 and int16 squares overflow."""
    for wrong in (
        lambda p: (p**2).sum(axis=(1, 2)).astype(np.int64),
        lambda p: (p.astype(np.int16) ** 2).sum(axis=(1, 2)).astype(np.int64),
        lambda p: (p.astype(np.uint16) ** 2).sum(axis=(1, 2), dtype=np.uint16).astype(np.int64),
    ):
        assert outcome("02.2", energy_of=wrong).status == "incorrect"
    assert outcome(
        "02.2", energy_of=lambda p: np.einsum("nij,nij->n", *[p.astype(np.int64)] * 2)
    ).correct


# --------------------------------------------------------------------------------------
# 02.3: views and copies.
# --------------------------------------------------------------------------------------


def test_occlude_that_returns_a_view_of_a_copy_of_one_image_is_rejected():
    def first_image_only(images):
        out = images[:1].copy()
        out[:, 4:, :] = 0
        return out

    assert outcome("02.3", occlude=first_image_only).status == "incorrect"


def test_occlude_with_a_mask_multiplication_keeping_the_dtype_is_accepted():
    mask = np.ones((8, 8), dtype=np.int64)
    mask[4:] = 0

    def multiplied(images):
        return (images * mask).astype(images.dtype)

    assert outcome("02.3", occlude=multiplied).correct


# --------------------------------------------------------------------------------------
# 02.5: the no-loop rule, and right answers written differently.
# --------------------------------------------------------------------------------------


def _as_float(A, B):
    return np.asarray(A, dtype=float), np.asarray(B, dtype=float)


def test_a_while_loop_is_rejected():
    def sq_dists(A, B):
        A, B = _as_float(A, B)
        out = np.empty((len(A), len(B)))
        i = 0
        while i < len(A):
            out[i] = ((A[i] - B) ** 2).sum(axis=1)
            i += 1
        return out

    result = outcome("02.5", pairwise_sq_dists=sq_dists)
    assert result.status == "incorrect" and "loops" in result.message


def test_np_vectorize_and_sklearn_distances_are_rejected():
    from sklearn.metrics.pairwise import euclidean_distances

    def with_sklearn(A, B):
        A, B = _as_float(A, B)
        return euclidean_distances(A, B, squared=True)

    def with_vectorize(A, B):
        A, B = _as_float(A, B)
        f = np.vectorize(lambda i, j: ((A[i] - B[j]) ** 2).sum())
        return f(np.arange(len(A))[:, None], np.arange(len(B))[None, :])

    for fn in (with_sklearn, with_vectorize):
        assert outcome("02.5", pairwise_sq_dists=fn).status == "incorrect"


def test_a_loop_hidden_two_helpers_deep_is_rejected():
    def row(a, B):
        return [float(((a - b) ** 2).sum()) for b in B]

    def rows(A, B):
        return np.array(list(np.array(row(a, B)) for a in A))

    def sq_dists(A, B):
        A, B = _as_float(A, B)
        return rows(A, B)

    assert outcome("02.5", pairwise_sq_dists=sq_dists).status == "incorrect"


class _Squared:
    """A callable class whose method loops (review row 4)."""

    def distances(self, A, B):
        A, B = _as_float(A, B)
        return np.array([((a - B) ** 2).sum(axis=1) for a in A])

    def __call__(self, A, B):
        return self.distances(A, B)


def _loopy(A, B):
    A, B = _as_float(A, B)
    return np.array([((a - B) ** 2).sum(axis=1) for a in A])


_HELPERS = [_loopy]


def test_loops_hidden_behind_objects_are_rejected():
    """Review row 4: a callable instance, a bound method, a list of helpers, a default
    argument, a keyword-only default, a partial (of a partial)."""
    instance = _Squared()

    def via_list(A, B):
        return _HELPERS[0](A, B)

    def via_default(A, B, helper=_loopy):
        return helper(A, B)

    def via_kwdefault(A, B, *, helper=_loopy):
        return helper(A, B)

    twice = functools.partial(functools.partial(_loopy))
    for fn in (instance, instance.distances, via_list, via_default, via_kwdefault, twice):
        result = outcome("02.5", pairwise_sq_dists=fn)
        assert result.status == "incorrect" and "loops" in result.message, fn


def test_looping_builtins_and_recursion_are_rejected_but_ufunc_methods_are_not():
    """Review row 3: reduce/starmap/accumulate/filter by identity, mutual recursion."""
    import itertools
    from functools import reduce as fold

    def with_fold(A, B):
        A, B = _as_float(A, B)
        return np.array(fold(lambda acc, a: acc + [((a - B) ** 2).sum(1)], A, []))

    def with_accumulate(A, B):
        A, B = _as_float(A, B)
        start = np.empty((0, len(B)))
        rows = itertools.accumulate(
            A, lambda acc, a: np.vstack([acc, ((a - B) ** 2).sum(1)]), initial=start
        )
        *_, last = rows
        return last

    def ping(A, B):
        return pong(A, B) if len(A) > 1 else ((A - B) ** 2).sum(axis=1)[None]

    def pong(A, B):
        return np.vstack([ping(A[:1], B), ping(A[1:], B)])

    def sq_dists(A, B):
        A, B = _as_float(A, B)
        return ping(A, B)

    def with_filter(A, B):
        A, B = _as_float(A, B)
        keep = list(filter(lambda i: True, range(len(A))))
        return ((A[keep][:, None] - B[None]) ** 2).sum(2)

    for fn in (with_fold, with_accumulate, sq_dists, with_filter):
        result = outcome("02.5", pairwise_sq_dists=fn)
        assert result.status == "incorrect" and "loops" in result.message, fn.__name__
    assert "recursion" in outcome("02.5", pairwise_sq_dists=sq_dists).message

    def with_ufunc_accumulate(A, B):
        A, B = _as_float(A, B)
        return np.add.accumulate((A[:, None, :] - B[None, :, :]) ** 2, axis=2)[..., -1]

    assert outcome("02.5", pairwise_sq_dists=with_ufunc_accumulate).correct


def test_other_library_distances_are_rejected():
    """Review row 5."""
    from sklearn.metrics.pairwise import paired_distances

    def with_paired(A, B):
        A, B = _as_float(A, B)
        n, m = len(A), len(B)
        return paired_distances(np.repeat(A, m, 0), np.tile(B, (n, 1))).reshape(n, m) ** 2

    assert outcome("02.5", pairwise_sq_dists=with_paired).status == "incorrect"


def test_center_loops_are_rejected():
    """Review row 2: 02.4 is now a no-loop problem with its own advice."""

    def with_while(X):
        out, j = X.astype(float), 0
        while j < out.shape[1]:
            out[:, j] -= out[:, j].mean()
            j += 1
        return out

    result = outcome("02.4", center=with_while)
    assert result.status == "incorrect" and "column means" in result.message
    assert "A[:, None, :]" not in result.message  # no recipe of another exercise


def test_einsum_and_add_reduce_are_accepted():
    def with_einsum(A, B):
        A, B = _as_float(A, B)
        diff = A[:, None, :] - B[None, :, :]
        return np.einsum("ijk,ijk->ij", diff, diff)

    def with_reduce(A, B):
        A, B = _as_float(A, B)
        return np.add.reduce((A[:, None, :] - B[None, :, :]) ** 2, axis=2)

    for fn in (with_einsum, with_reduce):
        assert outcome("02.5", pairwise_sq_dists=fn).correct


def test_library_functions_imported_by_name_are_not_read_for_loops():
    from numpy import einsum

    def with_einsum(A, B):
        A, B = _as_float(A, B)
        diff = A[:, None, :] - B[None, :, :]
        return einsum("ijk,ijk->ij", diff, diff)

    assert outcome("02.5", pairwise_sq_dists=with_einsum).correct


def test_scipy_lstsq_imported_by_name_is_accepted():
    from scipy.linalg import lstsq

    assert outcome("02.7", fit_least_squares=lambda X, y: lstsq(X, y)[0]).correct


def test_float32_conversion_is_accepted():
    def sq_dists(A, B):
        A, B = np.asarray(A, np.float32), np.asarray(B, np.float32)
        return ((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=2)

    assert outcome("02.5", pairwise_sq_dists=sq_dists).correct


# --------------------------------------------------------------------------------------
# 02.6: predictions.
# --------------------------------------------------------------------------------------


def test_predictions_of_another_model_are_rejected():
    from sklearn.neighbors import KNeighborsClassifier

    X, y = _data(), _target()
    three = KNeighborsClassifier(n_neighbors=3).fit(X[:1500], y[:1500]).predict(X[1500:])
    one = KNeighborsClassifier(n_neighbors=1).fit(X[:1500], y[:1500]).predict(X[1500:])
    assert outcome("02.6", test_pred=three).status == "incorrect"
    assert outcome("02.6", test_pred=one).correct  # the same model, written differently
    assert outcome("02.6", test_pred=one.tolist()).status == "incorrect"  # a list, not an array
    assert outcome("02.6", test_pred=one.astype(float)).status == "incorrect"  # not integers


def test_a_fit_on_too_few_training_images_is_rejected():
    X, y = _data(), _target()
    d = key._nearest(X[-297:], X[:300])
    assert outcome("02.6", test_pred=y[:300][d]).status == "incorrect"


# --------------------------------------------------------------------------------------
# 02.7: the no-inverse rule, and right answers written differently.
# --------------------------------------------------------------------------------------


def test_scipy_inverse_and_matrix_I_are_rejected():
    def with_scipy(X, y):
        return scipy.linalg.inv(X.T @ X) @ X.T @ y

    def with_matrix(X, y):
        M = np.asmatrix(X)
        return np.asarray((M.T @ M).I @ M.T @ y).ravel()

    for fn in (with_scipy, with_matrix):
        result = outcome("02.7", fit_least_squares=fn)
        assert result.status == "incorrect" and "inverts" in result.message


def test_scipy_lstsq_is_accepted():
    assert outcome("02.7", fit_least_squares=lambda X, y: scipy.linalg.lstsq(X, y)[0]).correct


def test_qr_fails_only_on_dependent_columns():
    def with_qr(X, y):
        Q, R = np.linalg.qr(X)
        return scipy.linalg.solve_triangular(R, Q.T @ y)

    result = outcome("02.7", fit_least_squares=with_qr)
    assert result.status == "incorrect"
    assert "repeats another" in result.message


# --------------------------------------------------------------------------------------
# 02.8: generators.
# --------------------------------------------------------------------------------------


def test_rng_choice_is_accepted_and_a_partial_seed_is_rejected():
    def with_choice(x, n_boot, seed):
        rng = np.random.default_rng(seed)
        return rng.choice(x, size=(n_boot, len(x))).mean(axis=1)

    def seeded_once(x, n_boot, seed, _cache={}):  # noqa: B006 - the attempt being tested
        rng = _cache.setdefault(seed, np.random.default_rng(seed))
        return x[rng.integers(0, len(x), size=(n_boot, len(x)))].mean(axis=1)

    assert outcome("02.8", bootstrap_means=with_choice).correct
    assert outcome("02.8", bootstrap_means=seeded_once).status == "incorrect"


def test_a_median_instead_of_a_mean_is_rejected():
    def medians(x, n_boot, seed):
        rng = np.random.default_rng(seed)
        return np.median(x[rng.integers(0, len(x), size=(n_boot, len(x)))], axis=1)

    assert outcome("02.8", bootstrap_means=medians).status == "incorrect"


# --------------------------------------------------------------------------------------
# Feedback never gives the expected value away.
# --------------------------------------------------------------------------------------


def test_wrong_ink_feedback_does_not_print_the_expected_values():
    expected = key._ink_per_digit()
    result = outcome("02.1", ink_per_digit=expected + 1)
    assert result.status == "incorrect"
    assert f"{expected[0]:.1f}" not in result.message


# --------------------------------------------------------------------------------------
# The lesson teaches what the quiz asks.
# --------------------------------------------------------------------------------------


@functools.cache
def _lesson_text() -> str:
    notebook = nbformat.read(LESSON, as_version=4)
    return "\n".join(cell.source for cell in notebook.cells)


@pytest.mark.parametrize(
    "phrase",
    ["wrap around", "shares_memory", "keepdims", "np.linalg.solve", "lstsq", "default_rng"],
)
def test_the_lesson_teaches_what_the_quiz_asks(phrase):
    assert phrase in _lesson_text()
