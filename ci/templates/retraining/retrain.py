"""Retrain a challenger on recent labelled data and promote it only if it beats the champion.

The champion is the version of a registered MLflow model that carries the alias ``champion``.
The recent rows are split in time order: the older part trains the challenger, the newest part
(``--holdout``) is held out, and both models are scored on it, row by row. The challenger is
promoted (registered, and the alias moved to it) only when its paired gain in accuracy exceeds
``--margin`` by two standard errors; otherwise nothing in the registry changes. Every decision
is logged as an MLflow run. With no champion yet the job stops (exit status 2) unless
``--allow-first-champion`` is given; then the challenger becomes the first champion. Any other
problem with the tracking server (unreachable, refused, no URI set) stops it too: status 2, one
line on stderr, nothing changed in the registry.

Examples
--------
python retrain.py --model-name drift-classifier-ada --rows 8000 9400 --allow-first-champion
python retrain.py --model-name drift-classifier-ada --data recent.parquet --margin 0.02
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

FEATURES = ["x1", "x2", "x3", "x4"]
TARGET = "target"
ALIAS = "champion"
MODELS = ("logreg", "tree")


class InputError(Exception):
    """Bad input or an unusable registry: reported as one line, exit status 2, nothing changed."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; see ``--help``."""
    parser = argparse.ArgumentParser(
        prog="retrain.py",
        description=(
            "Train a challenger on recent labelled rows, compare it with the registered "
            "champion on the newest rows, and move the 'champion' alias only if it wins by "
            "the margin. Logs the decision as an MLflow run."
        ),
    )
    parser.add_argument("--model-name", required=True, help="registered model name")
    parser.add_argument(
        "--tracking-uri",
        default=os.environ.get("MLFLOW_TRACKING_URI"),
        help="MLflow tracking URI (default: $MLFLOW_TRACKING_URI)",
    )
    parser.add_argument(
        "--experiment", default="retraining", help="experiment of the decision runs"
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--data", type=Path, help="recent labelled rows, CSV or Parquet, in time order"
    )
    source.add_argument(
        "--rows",
        type=int,
        nargs=2,
        metavar=("START", "STOP"),
        help="use rows START..STOP-1 of mlcourse.datasets.make_drift_stream instead of --data",
    )
    parser.add_argument("--seed", type=int, default=42, help="the generator's seed (with --rows)")
    parser.add_argument(
        "--n-rows", type=int, default=10_000, help="the generator's length (with --rows)"
    )
    parser.add_argument("--model", default="logreg", help=f"challenger family: {', '.join(MODELS)}")
    parser.add_argument("--holdout", type=float, default=0.3, help="newest share held out (0-1)")
    parser.add_argument("--margin", type=float, default=0.02, help="required gain in accuracy")
    parser.add_argument("--dry-run", action="store_true", help="decide and print; change nothing")
    parser.add_argument(
        "--allow-first-champion",
        action="store_true",
        help="when the model has no champion yet, register the challenger as the first one",
    )
    return parser.parse_args(argv)


def load_rows(args: argparse.Namespace):
    """The recent labelled rows as a DataFrame with the features and the target."""
    import pandas as pd

    if args.data is not None:
        path = args.data
        if not path.is_file():
            raise InputError(f"--data {path}: no such file")
        try:
            df = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
        except Exception as error:  # noqa: BLE001 - any reader error is bad input
            raise InputError(f"--data {path}: cannot read it ({type(error).__name__})") from None
    else:
        from mlcourse.datasets import make_drift_stream

        start, stop = args.rows
        if not 0 <= start < stop <= args.n_rows:
            raise InputError(f"--rows {start} {stop}: need 0 <= START < STOP <= {args.n_rows}")
        df = make_drift_stream(args.n_rows, seed=args.seed).iloc[start:stop]
    missing = [c for c in [*FEATURES, TARGET] if c not in df.columns]
    if missing:
        raise InputError(f"the data has no column(s) {', '.join(missing)}")
    if len(df) < 50:
        raise InputError(f"only {len(df)} rows: at least 50 recent labelled rows are needed")
    return df.reset_index(drop=True)


def make_model(kind: str):
    """A fresh estimator of the requested family."""
    if kind == "logreg":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression()
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier(max_depth=4, random_state=0)


def paired_decision(
    champion_correct, challenger_correct, margin: float
) -> tuple[float, float, bool]:
    """Gain, its standard error, and whether the challenger wins by more than the margin."""
    import numpy as np

    d = np.asarray(challenger_correct, float) - np.asarray(champion_correct, float)
    gain = float(d.mean())
    se = float(d.std(ddof=1) / math.sqrt(len(d)))
    return gain, se, gain > margin + 2 * se


def current_champion(client, name: str):
    """The version carrying the alias, or None when the model or its alias does not exist yet.

    Only "no such registered model" means "no champion yet"; any other error (a server that
    cannot be reached, refused credentials) is an ``InputError``, so that a broken connection
    can never look like an empty registry and promote a challenger unchecked.
    """
    from mlflow.exceptions import MlflowException

    try:
        model = client.get_registered_model(name)
        version = model.aliases.get(ALIAS)
        return None if version is None else client.get_model_version(name, str(version))
    except MlflowException as error:
        if error.error_code == "RESOURCE_DOES_NOT_EXIST":
            return None
        raise InputError(f"cannot read {name!r} from the registry: {_first_line(error)}") from None
    except Exception as error:  # noqa: BLE001 - e.g. connection errors from the HTTP client
        raise InputError(
            f"cannot reach the tracking server: {type(error).__name__}: {_first_line(error)}"
        ) from None


def _first_line(error: Exception) -> str:
    """The first line of an error's message, shortened."""
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def main(argv: list[str] | None = None) -> int:
    """Run one retraining decision; returns the exit status."""
    args = parse_args(argv)
    try:
        if not args.model_name.strip():
            raise InputError("--model-name: must not be empty")
        if not args.tracking_uri:
            raise InputError(
                "no tracking URI: set --tracking-uri or the MLFLOW_TRACKING_URI secret"
            )
        if args.model not in MODELS:
            raise InputError(
                f"--model {args.model!r}: unknown model (choose from {', '.join(MODELS)})"
            )
        if not 0.05 <= args.holdout <= 0.9:
            raise InputError(f"--holdout {args.holdout}: must be between 0.05 and 0.9")
        if not 0 <= args.margin < 1:
            raise InputError(f"--margin {args.margin}: must be between 0 and 1")
        df = load_rows(args)
        import mlflow

        mlflow.set_tracking_uri(args.tracking_uri)
        champion = current_champion(mlflow.MlflowClient(), args.model_name)
        if champion is None and not args.allow_first_champion:
            raise InputError(
                f"no version of {args.model_name!r} has the alias '{ALIAS}': register one, or "
                "pass --allow-first-champion to make this challenger the first champion"
            )
    except InputError as error:
        print(f"retrain.py: error: {error}", file=sys.stderr)
        return 2
    return decide(args, df, champion)


def decide(args: argparse.Namespace, df, champion) -> int:
    """Train, compare with ``champion`` (a model version or None), print, and (unless dry) log."""
    import mlflow
    import numpy as np
    import sklearn
    from mlflow import MlflowClient

    client = MlflowClient()
    split = int(round(len(df) * (1 - args.holdout)))
    train, held = df.iloc[:split], df.iloc[split:]
    challenger = make_model(args.model).fit(train[FEATURES], train[TARGET])
    y = held[TARGET].to_numpy()
    challenger_correct = (challenger.predict(held[FEATURES]) == y).astype(float)
    metrics = {
        "challenger_accuracy": float(challenger_correct.mean()),
        "n_heldout": float(len(held)),
    }
    if champion is None:
        decision, reason = (
            "first-champion",
            f"no version of {args.model_name} has the alias '{ALIAS}' yet",
        )
    else:
        model = mlflow.sklearn.load_model(f"models:/{args.model_name}/{champion.version}")
        champion_correct = (np.asarray(model.predict(held[FEATURES])).ravel() == y).astype(float)
        gain, se, wins = paired_decision(champion_correct, challenger_correct, args.margin)
        metrics |= {
            "champion_accuracy": float(champion_correct.mean()),
            "gain": gain,
            "gain_se": se,
        }
        decision = "promote" if wins else "keep"
        relation = ">" if wins else "<="
        reason = f"gain {gain:.3f} {relation} margin {args.margin} + 2 x SE {se:.3f}"
    print(
        f"champion accuracy: {metrics.get('champion_accuracy', float('nan')):.3f}  "
        f"challenger accuracy: {metrics['challenger_accuracy']:.3f}  (on the newest {len(held)} rows)"
    )
    print(f"decision: {decision} ({reason})")
    if args.dry_run:
        print("dry run: nothing logged, the registry is unchanged")
        return 0
    mlflow.set_experiment(args.experiment)
    with mlflow.start_run(run_name=f"retrain {decision}") as run:
        mlflow.log_params(
            {
                "model_name": args.model_name,
                "model": args.model,
                "margin": args.margin,
                "holdout": args.holdout,
                "n_train": len(train),
                "decision": decision,
                "champion_version": champion.version if champion is not None else "none",
            }
        )
        mlflow.log_metrics(metrics)
        mlflow.set_tag("retrain.reason", reason)
        if decision in ("promote", "first-champion"):
            info = mlflow.sklearn.log_model(
                challenger,
                name="model",
                registered_model_name=args.model_name,
                input_example=train[FEATURES].head(3),
                pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
            )
            version = str(info.registered_model_version)
            client.set_registered_model_alias(args.model_name, ALIAS, version)
            mlflow.log_param("challenger_version", version)
            print(f"alias '{ALIAS}' moved to the new version")
        else:
            print(f"alias '{ALIAS}' unchanged")
        print(f"decision run: {run.info.run_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
