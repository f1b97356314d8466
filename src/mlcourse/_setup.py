"""``setup_notebook``: one call at the top of every notebook."""

from __future__ import annotations

import os
import random
import sys
import warnings
from importlib import metadata

from ._compat import allow_evidently_on_pandas3

# Level 3, not 2: TensorFlow 2.21 logs an E-level line with a timestamp on every Keras fit
# under deterministic ops, which would make notebook outputs change on every run.
QUIET_TF_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
_REPORTED = ("numpy", "pandas", "scikit-learn", "matplotlib")


def setup_notebook(
    seed: int = 42,
    *,
    keras: bool = False,
    module: str | None = None,
    packages: tuple[str, ...] = (),
) -> None:
    """Prepare a notebook: seeds, quiet TensorFlow, MLflow, plot and print defaults.

    Parameters
    ----------
    seed : int
        Seeds Python's ``random``, NumPy's global generator and, with ``keras=True``, Keras
        (which seeds TensorFlow too and makes its operations deterministic).
    keras : bool
        Import and seed Keras/TensorFlow (deep-learning modules only: it takes a few seconds).
    module : str, optional
        For modules that track experiments: configure MLflow now (store, learner, tags) and
        make ``mlcourse/NN_slug`` the active experiment. Imports MLflow (about two seconds).
    packages : tuple of str
        Extra distributions whose versions are printed.

    Notes
    -----
    Prints the versions that matter and ends with ``Setup complete``. MLflow is pointed at the
    embedded store unless ``MLFLOW_TRACKING_URI`` is already set (a class server, or a test).
    """
    for key, value in QUIET_TF_ENV.items():
        os.environ.setdefault(key, value)
    from .tracking import describe_tracking_uri, ensure_tracking_env

    uri = ensure_tracking_env()
    random.seed(seed)
    import numpy as np

    np.random.seed(seed)  # noqa: NPY002 - learners' code may use the legacy global generator
    np.set_printoptions(precision=4, suppress=True)
    _pandas_defaults()
    allow_evidently_on_pandas3()
    # tqdm.auto, imported by libraries MLflow loads, asks for ipywidgets on every kernel start;
    # the course shows no progress widgets, so the request is noise, not advice
    warnings.filterwarnings("ignore", message="IProgress not found")
    _plot_defaults()
    if keras:
        os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
        import keras as _keras

        _keras.utils.set_random_seed(seed)
    names = (*_REPORTED, *(("tensorflow-cpu", "keras") if keras else ()), *packages)
    versions = ", ".join(f"{n} {_version(n)}" for n in names if _version(n))
    print(f"Python {sys.version_info.major}.{sys.version_info.minor}; {versions}")
    if module is not None:
        from .tracking import configure

        info = configure(module)
        if info.message:
            print(info.message)
        uri = info.uri
    print(f"MLflow tracking: {describe_tracking_uri(uri)}")
    if module is not None:
        print(
            f"MLflow experiment: {info.experiment}; learner: {info.learner or 'not set (mlcourse whoami --set NAME)'}"
        )
    _join_class()
    print(f"Setup complete (seed {seed})")


def _join_class() -> None:
    """Join the live class named by ``MLCOURSE_CLASS`` (``mlcourse lab --class URL``), if any."""
    url = os.environ.get("MLCOURSE_CLASS", "").strip()
    if not url:
        return
    from .live import _client

    try:
        info = _client.join(url)
    except Exception as error:  # noqa: BLE001 - a class that cannot be joined never stops setup
        print(f"Live class: not joined ({error})")
        return
    print(f"Live class: joined {info.session} as {info.pseudonym or info.learner}")


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _pandas_defaults() -> None:
    import pandas as pd

    pd.set_option("display.precision", 4)
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.width", 120)


def _plot_defaults() -> None:
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.figsize": (7.0, 4.0),
            "figure.dpi": 90,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
        }
    )
