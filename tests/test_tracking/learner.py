"""A learner process for the concurrency test: configure, then log N runs.

Usage: python learner.py NAME N_RUNS
Run j logs score = (learner number * 7 + j * 3) % 50 / 50, so every learner's best is known.
"""

import sys

import mlflow

from mlcourse.tracking import configure


def main() -> None:
    name, n_runs = sys.argv[1], int(sys.argv[2])
    number = int(name.removeprefix("learner"))
    info = configure("07", learner=name)
    print(info.uri, info.message, flush=True)
    for j in range(n_runs):
        with mlflow.start_run(run_name=f"{name}-{j}"):
            mlflow.log_param("j", j)
            mlflow.log_metric("score", (number * 7 + j * 3) % 50 / 50)


if __name__ == "__main__":
    main()
