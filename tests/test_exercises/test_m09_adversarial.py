"""Module 09: attempts to pass a check without doing the task, and right work written otherwise.

The solutions notebook's self-tests hold the attempts that ``assert_rejects`` can express and
that are cheap enough for the notebook's time budget. These are the others: the code that the
from-scratch exercises' checks read (09.1, 09.3, 09.6, scipy.spatial included), answers
searched for one element at a time (09.2, 09.4, 09.5, 09.7), the unshuffled grid search
(09.7), the final SVM fitted on other rows (some of them test digits), behind other steps,
disguised or with a forged accuracy (09.8), forged extracts, and the knowledge check's options.
Right work solved otherwise is accepted: the lasso by other solvers (09.4), the margins and the
final SVM fitted on the training rows in another order (09.5, 09.8). Right answers are
computed here independently of the key.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC
from sklearn.utils import shuffle

from mlcourse.datasets import load_digits
from mlcourse.exercises import get_module
from tests.helpers import option_length_scores

GRID = {"C": [1.0, 10.0], "gamma": [0.0003, 0.001, 0.003]}


def problem(attribute: str):
    return get_module("09").problem(attribute)


@pytest.fixture(scope="module")
def digits():
    bunch = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        bunch.data, bunch.target, test_size=0.25, stratify=bunch.target, random_state=42
    )
    cv3 = StratifiedKFold(n_splits=3, shuffle=True, random_state=42)
    search = GridSearchCV(SVC(), GRID, cv=cv3).fit(X_train, y_train)
    return {
        "X_train": X_train,
        "X_test": X_test,
        "y_train": y_train,
        "y_test": y_test,
        "best": search.best_params_,
        "scores": search.cv_results_["mean_test_score"],
        "model": search.best_estimator_,
    }


# --------------------------------------------------------------------------------------
# From-scratch rules: what the checks read in the learner's code.
# --------------------------------------------------------------------------------------


def _knn(X_train, y_train, X_query, k):
    sq = ((X_query[:, None, :] - X_train[None, :, :]) ** 2).sum(axis=2)
    nearest = np.argsort(sq, axis=1, kind="stable")[:, :k]
    return np.array([np.bincount(v).argmax() for v in y_train[nearest]])


def test_09_1_rule_reads_aliases_and_helpers():
    import sklearn.neighbors as nb
    from sklearn.neighbors import KNeighborsClassifier as Knn

    def via_alias(X_train, y_train, X_query, k):
        return Knn(n_neighbors=k).fit(X_train, y_train).predict(X_query)

    def helper(X_train, y_train, X_query, k):
        return nb.KNeighborsClassifier(n_neighbors=k).fit(X_train, y_train).predict(X_query)

    def via_helper(X_train, y_train, X_query, k):
        return helper(X_train, y_train, X_query, k)

    q1 = problem("q1")
    assert q1.check({"knn_predict": _knn}).correct
    for wrong in (via_alias, via_helper):
        outcome = q1.check({"knn_predict": wrong, "helper": helper})
        assert outcome.status == "incorrect" and "scikit-learn" in outcome.message, outcome


def test_09_1_rule_covers_scipy_spatial_however_reached():
    import scipy
    import scipy.spatial.distance as ssd

    def via_module_alias(X_train, y_train, X_query, k):
        nearest = np.argsort(ssd.cdist(X_query, X_train), axis=1, kind="stable")[:, :k]
        return np.array([np.bincount(v).argmax() for v in y_train[nearest]])

    def via_package(X_train, y_train, X_query, k):
        dist = scipy.spatial.distance_matrix(X_query, X_train)
        nearest = np.argsort(dist, axis=1, kind="stable")[:, :k]
        return np.array([np.bincount(v).argmax() for v in y_train[nearest]])

    def imported_inside(X_train, y_train, X_query, k):
        from scipy.spatial import cKDTree

        nearest = cKDTree(X_train).query(X_query, k=[*range(1, k + 1)])[1]
        return np.array([np.bincount(v).argmax() for v in y_train[nearest]])

    q1 = problem("q1")
    for wrong in (via_module_alias, via_package, imported_inside):
        outcome = q1.check({"knn_predict": wrong, "ssd": ssd, "scipy": scipy})
        assert outcome.status == "incorrect", wrong.__name__
        assert "rules out" in outcome.message and "np.linalg.solve" not in outcome.message


def test_09_1_rejects_a_function_that_ignores_k():
    def always_one_neighbour(X_train, y_train, X_query, k):
        return _knn(X_train, y_train, X_query, 1)

    assert problem("q1").check({"knn_predict": always_one_neighbour}).status == "incorrect"


def test_09_3_rule_and_right_variants():
    def ridge_augmented(X, y, alpha):
        """Right: an unpenalised intercept column, solved with np.linalg.solve."""
        A = np.column_stack([np.ones(len(X)), X])
        penalty = alpha * np.eye(A.shape[1])
        penalty[0, 0] = 0.0
        w = np.linalg.solve(A.T @ A + penalty, A.T @ y)
        return float(w[0]), w[1:]

    def ridge_lstsq(X, y, alpha):
        xm, ym = X.mean(axis=0), y.mean()
        A = np.vstack([X - xm, np.sqrt(alpha) * np.eye(X.shape[1])])
        w = np.linalg.lstsq(A, np.concatenate([y - ym, np.zeros(X.shape[1])]), rcond=None)[0]
        return float(ym - xm @ w), w

    def ridge_as_list(X, y, alpha):
        b, w = ridge_augmented(X, y, alpha)
        return [b, list(w)]

    def ridge_off_by_one(X, y, alpha):
        b, w = ridge_augmented(X, y, alpha)
        return b + 1.0, w

    q3 = problem("q3")
    assert q3.check({"ridge_fit": ridge_augmented}).correct
    assert "lstsq" in q3.check({"ridge_fit": ridge_lstsq}).message
    # a visible case is named as the notebook names its demo data
    assert "ridge_fit(X_demo_r, y_demo_r" in q3.check({"ridge_fit": ridge_off_by_one}).message
    assert q3.check({"ridge_fit": ridge_as_list}).status in {"correct", "incorrect"}


def test_09_3_rule_covers_every_inverse_and_least_squares_helper():
    """W1-W3 of the second review."""
    import scipy.optimize
    import scipy.sparse.linalg as spl

    def centred(X, y):
        xm, ym = X.mean(axis=0), y.mean()
        return xm, ym, X - xm, y - ym

    def via_identity(X, y, alpha):
        xm, ym, Xc, yc = centred(X, y)
        w = np.linalg.solve(b=np.identity(X.shape[1]), a=Xc.T @ Xc + alpha * np.eye(X.shape[1]))
        return float(ym - xm @ (w @ Xc.T @ yc)), w @ Xc.T @ yc

    def via_tensorinv(X, y, alpha):
        xm, ym, Xc, yc = centred(X, y)
        w = np.linalg.tensorinv(Xc.T @ Xc + alpha * np.eye(X.shape[1]), ind=1) @ Xc.T @ yc
        return float(ym - xm @ w), w

    def via_lsmr(X, y, alpha):
        xm, ym, Xc, yc = centred(X, y)
        w = spl.lsmr(Xc, yc, damp=np.sqrt(alpha), atol=1e-14, btol=1e-14)[0]
        return float(ym - xm @ w), w

    def via_lsq_linear(X, y, alpha):
        xm, ym, Xc, yc = centred(X, y)
        A = np.vstack([Xc, np.sqrt(alpha) * np.eye(X.shape[1])])
        b = np.concatenate([yc, np.zeros(X.shape[1])])
        w = scipy.optimize.lsq_linear(A, b, tol=1e-14).x
        return float(ym - xm @ w), w

    def identity_named(X, y, alpha):  # right: the identity only inside the penalty
        xm, ym, Xc, yc = centred(X, y)
        eye = np.eye(X.shape[1])
        w = np.linalg.solve(Xc.T @ Xc + alpha * eye, Xc.T @ yc)
        return float(ym - xm @ w), w

    q3 = problem("q3")
    namespace = {"spl": spl, "scipy": scipy, "centred": centred}
    for wrong in (via_identity, via_tensorinv, via_lsmr, via_lsq_linear):
        outcome = q3.check({**namespace, "ridge_fit": wrong})
        assert outcome.status == "incorrect" and "rules out" in outcome.message, wrong.__name__
    assert q3.check({**namespace, "ridge_fit": identity_named}).correct


def test_09_4_and_5_accept_right_work_solved_otherwise():
    """W4 and W5 of the second review: other solvers and another row order."""
    from sklearn.linear_model import Lasso, LassoLars

    from mlcourse.datasets import load_diabetes, load_iris

    X, y = load_diabetes(return_X_y=True)
    Xd_train, _, yd_train, _ = train_test_split(X, y, test_size=0.25, random_state=42)
    alphas = [0.1, 1.0, 3.0, 10.0, 30.0]
    solvers = [
        lambda a: Lasso(alpha=a, tol=1e-10, max_iter=100000),
        LassoLars,
        lambda a: Lasso(alpha=a, max_iter=10000, selection="random", random_state=1),
    ]
    for solver in solvers:
        coefs = np.array(
            [
                make_pipeline(StandardScaler(), solver(a)).fit(Xd_train, yd_train)[-1].coef_
                for a in alphas
            ]
        )
        assert problem("q4").check({"lasso_coefs": coefs}).correct

    X, y = load_iris(return_X_y=True)
    keep = (y != "setosa").to_numpy()
    Xi, yi = X.loc[keep, ["petal_length_cm", "petal_width_cm"]], y[keep].astype(str)
    Xi_train, _, yi_train, _ = train_test_split(
        Xi, yi, test_size=0.25, stratify=yi, random_state=42
    )
    for seed in (0, 2, 3, 5):
        X_s, y_s = shuffle(Xi_train, yi_train, random_state=seed)
        models = [
            make_pipeline(StandardScaler(), SVC(kernel="linear", C=C)).fit(X_s, y_s)
            for C in (0.003, 0.03, 0.3, 3.0, 30.0)
        ]
        answer = {
            "width": [float(2 / np.linalg.norm(m[-1].coef_)) for m in models],
            "n_support": [int(m[-1].n_support_.sum()) for m in models],
        }
        assert problem("q5").check({"svm_margins": answer}).correct, seed
        halved = {**answer, "width": [w / 2 for w in answer["width"]]}
        assert "2 / ||w||" in problem("q5").check({"svm_margins": halved}).message


def test_09_6_rejects_a_constant_and_mutation():
    def constant(X, q):
        return 2.0

    def mutating(X, q):
        X -= q
        dist = np.sqrt((X**2).sum(axis=1))
        if dist.min() == 0:
            raise ValueError("undefined")
        return float((dist.max() - dist.min()) / dist.min())

    def wrong_on_the_demo(X, q):
        dist = np.sqrt(((X - q) ** 2).sum(axis=1))
        if dist.min() == 0:
            raise ValueError("undefined")
        return float((dist.max() - dist.min()) / dist.min()) + 0.5 * (len(X) == 3)

    def ratio(X, q):
        dist = np.linalg.norm(X - q, axis=1)
        if dist.min() == 0:
            raise ValueError("undefined")
        return float(dist.max() / dist.min())

    q6 = problem("q6")
    assert q6.check({"distance_contrast": constant}).status == "incorrect"
    assert q6.check({"distance_contrast": mutating}).status == "incorrect"
    visible = q6.check({"distance_contrast": wrong_on_the_demo}).message
    assert "X_demo" not in visible and "distance_contrast(np.array(" in visible
    outcome = q6.check({"distance_contrast": ratio})  # F1: max / min is named as such
    assert outcome.status == "incorrect" and "ratio max / min" in outcome.message


# --------------------------------------------------------------------------------------
# 09.7 and 09.8: the grid search and the final SVM.
# --------------------------------------------------------------------------------------


def _right_grid(digits):
    return {
        "C": float(digits["best"]["C"]),
        "gamma": float(digits["best"]["gamma"]),
        "mean_scores": digits["scores"],
    }


def test_09_7_rejects_the_unshuffled_folds(digits):
    unshuffled = GridSearchCV(SVC(), GRID, cv=3).fit(digits["X_train"], digits["y_train"])
    answer = {
        "C": float(unshuffled.best_params_["C"]),
        "gamma": float(unshuffled.best_params_["gamma"]),
        "mean_scores": unshuffled.cv_results_["mean_test_score"],
    }
    outcome = problem("q7").check({"best_svm": answer})
    assert outcome.status == "incorrect" and "shuffling" in outcome.message
    right = _right_grid(digits)
    assert problem("q7").check({"best_svm": right}).correct
    as_given = {**right, "C": digits["best"]["C"], "gamma": digits["best"]["gamma"]}
    assert problem("q7").check({"best_svm": as_given}).correct  # ints/floats as GridSearchCV gives


def test_09_7_never_locates_a_wrong_score(digits):
    """Row 5 of the review: the scores were found one at a time from element-wise messages."""
    right = _right_grid(digits)
    messages = set()
    for index in range(6):
        scores = right["mean_scores"].copy()
        scores[index] += 1 / 1347  # one more digit right in one pair
        outcome = problem("q7").check({"best_svm": {**right, "mean_scores": scores}})
        assert outcome.status == "incorrect"
        messages.add(outcome.message)
    assert len(messages) == 1 and "index" not in next(iter(messages))
    rounded = {**right, "mean_scores": right["mean_scores"].round(3)}
    assert problem("q7").check({"best_svm": rounded}).message in messages
    for pair in ({"C": 1.0, "gamma": 0.001}, {"C": 10.0, "gamma": 0.003}):
        wrong_pair = problem("q7").check({"best_svm": {**right, **pair}})
        assert wrong_pair.message in messages  # neither which key nor which element


def test_09_2_4_5_never_locate_a_wrong_element():
    """Rows 6-8: small integers and fold fractions guessed one element at a time."""
    q2, q4, q5 = problem("q2"), problem("q4"), problem("q5")
    guess = {"unscaled": np.full(5, 0.7), "scaled": np.full(5, 0.96)}
    outcome = q2.check({"wine_knn": guess})
    assert outcome.status == "incorrect" and "index" not in outcome.message
    for old_form in ([9, 9, 6, 4, 2], np.array([9, 9, 6, 4, 2])):
        assert q4.check({"lasso_coefs": old_form}).status == "incorrect"
    outcome = q4.check({"lasso_coefs": np.zeros((5, 10))})
    assert outcome.status == "incorrect" and "index" not in outcome.message
    outcome = q5.check({"svm_margins": {"width": [1.0] * 5, "n_support": [60, 26, 12, 7, 7]}})
    assert outcome.status == "incorrect" and "[" not in outcome.message


def test_09_8_judges_what_the_model_was_fitted_on(digits):
    X, y, X_test, y_test = digits["X_train"], digits["y_train"], digits["X_test"], digits["y_test"]
    C, gamma = digits["best"]["C"], digits["best"]["gamma"]

    def check(model, accuracy=None):
        if accuracy is None:
            accuracy = float(model.score(X_test, y_test))
        return problem("q8").check({"svm_clf": model, "test_accuracy": accuracy})

    assert check(SVC(C=C, gamma=gamma).fit(X, y)).correct
    assert check(digits["model"]).correct  # GridSearchCV's refitted best estimator
    assert check(make_pipeline(SVC(C=C, gamma=gamma)).fit(X, y)).correct
    both = SVC(C=C, gamma=gamma).fit(np.vstack([X, X_test]), np.concatenate([y, y_test]))
    assert check(both).status == "incorrect"
    assert check(SVC(C=C, gamma=gamma).fit(X[:-30], y[:-30])).status == "incorrect"
    for first in (MinMaxScaler(), StandardScaler(), PCA(20)):  # rows 2: other steps
        piped = make_pipeline(first, SVC(C=C, gamma=gamma)).fit(X, y)
        assert check(piped).status == "incorrect", type(first).__name__
    model = SVC(C=C, gamma=gamma).fit(X, y)
    for forged in (1.0, "0.99", 0.987, 1):  # 0.987: off by more than one rounding
        assert check(model, forged).status == "incorrect", forged
    assert check(model, round(float(model.score(X_test, y_test)), 3)).correct  # W7
    assert check("SVC", 0.99).status == "incorrect"
    assert check(SVC(C=C, gamma=gamma), 0.99).status == "incorrect"  # not fitted


def test_09_8_rejects_disguised_and_unconverged_models(digits):
    """Rows 1, 3 and 4 of the review."""
    X, y, X_test, y_test = digits["X_train"], digits["y_train"], digits["X_test"], digits["y_test"]
    C, gamma = digits["best"]["C"], digits["best"]["gamma"]

    class Peeking(SVC):  # an SVC subclass under SVC's name whose predict reads the answers
        def predict(self, X_new):
            return y_test.copy() if len(X_new) == len(y_test) else super().predict(X_new)

    Peeking.__module__, Peeking.__qualname__, Peeking.__name__ = (
        "sklearn.svm._classes",
        "SVC",
        "SVC",
    )
    peeking = Peeking(C=C, gamma=gamma).fit(X, y)

    def check(model):
        accuracy = float(np.mean(model.predict(X_test) == y_test))
        return problem("q8").check({"svm_clf": model, "test_accuracy": accuracy})

    assert check(peeking).status == "incorrect"
    patched = SVC(C=C, gamma=gamma).fit(X, y)
    patched.predict = lambda X_new: y_test.copy()  # an instance whose predict reads the answers
    assert check(patched).status == "incorrect"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        early = SVC(C=C, gamma=gamma, max_iter=50).fit(X, y)
    assert check(early).status == "incorrect"
    early.fit_status_ = 0  # claims convergence: its predictions still differ
    assert check(early).status == "incorrect"
    X_shuffled, y_shuffled = shuffle(X, y, random_state=0)  # right work, another row order
    assert check(SVC(C=C, gamma=gamma).fit(X_shuffled, y_shuffled)).correct


def test_09_8_rejects_a_fit_partly_on_the_test_digits(digits):
    """W6 of the second review: the right number of rows, 10 of them test digits."""
    from mlcourse.exercises.m09 import _row_digest

    X, y, X_test, y_test = digits["X_train"], digits["y_train"], digits["X_test"], digits["y_test"]
    C, gamma = digits["best"]["C"], digits["best"]["gamma"]
    train = {_row_digest(row) for row in X}
    assert not train & {_row_digest(row) for row in X_test}  # no test row repeats a training row
    mixed = SVC(C=C, gamma=gamma).fit(
        np.vstack([X[:1337], X_test[:10]]), np.concatenate([y[:1337], y_test[:10]])
    )
    accuracy = float(mixed.score(X_test, y_test))
    outcome = problem("q8").check({"svm_clf": mixed, "test_accuracy": accuracy})
    assert outcome.status == "incorrect" and "support vectors" in outcome.message
    for seed in (0, 1, 3):  # right work in other row orders: every support vector is a training row
        X_s, y_s = shuffle(X, y, random_state=seed)
        model = SVC(C=C, gamma=gamma).fit(X_s, y_s)
        assert {_row_digest(row) for row in model.support_vectors_} <= train
        accuracy = float(model.score(X_test, y_test))
        assert problem("q8").check({"svm_clf": model, "test_accuracy": accuracy}).correct


def test_09_8_judge_rejects_forged_extracts(digits):
    from mlcourse.checks import Fail
    from mlcourse.exercises.m09 import _row_digest
    from mlcourse.keys.m09 import KEY

    judge = KEY["09.8"]["judge"]
    reference = [int(v) for v in digits["model"].predict(digits["X_test"])]
    vectors = sorted(_row_digest(row) for row in digits["model"].support_vectors_)
    test_rows = sorted(_row_digest(row) for row in digits["X_test"][:5])
    good = {
        "estimator": "SVC",
        "is_svc": True,
        "steps": [],
        "kernel": "rbf",
        "C": float(digits["best"]["C"]),
        "gamma": float(digits["best"]["gamma"]),
        "fit_status": 0,
        "predicted": reference,
        "n_fit": 1347,
        "n_support": len(vectors),
        "support_vectors": vectors,
        "test_accuracy": float(np.mean(np.array(reference) == digits["y_test"])),
    }
    judge(good)
    for key, value in [
        ("is_svc", 1),
        ("steps", ["StandardScaler"]),
        ("kernel", "linear"),
        ("C", "10"),
        ("fit_status", 1),
        ("predicted", [int(v) for v in digits["y_test"]]),  # perfect, unlike the reference
        ("predicted", [0] * 450),
        ("predicted", [True] * 450),
        ("test_accuracy", float("nan")),
        ("test_accuracy", 1.0),
        ("n_fit", 450),
        ("n_support", len(vectors) - 1),
        ("n_support", None),
        ("support_vectors", None),
        ("support_vectors", vectors[::-1]),  # not sorted
        ("support_vectors", [vectors[0]] * len(vectors)),  # one training row repeated
        ("support_vectors", sorted(vectors[5:] + test_rows)),  # five test rows among them
    ]:
        with pytest.raises(Fail):
            judge({**good, key: value})
    with pytest.raises(Exception):  # noqa: B017 - malformed data raise the framework's error
        judge({**good, "extra": 1})


# --------------------------------------------------------------------------------------
# Knowledge check.
# --------------------------------------------------------------------------------------


def test_knowledge_check_cannot_be_passed_by_option_length():
    """Picking the longest (or the shortest) option of every choice question earns at most 2."""
    from mlcourse.keys.m09 import KEY

    questions, earned = option_length_scores("09_svm_knn_regularization.ipynb", KEY)
    assert questions == 4
    assert earned["longest"] <= 2 and earned["shortest"] <= 2, earned
    assert sorted(KEY[f"09.kc{i}"]["answer"] for i in range(1, 5)) == ["a", "b", "c", "d"]
