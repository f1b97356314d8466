"""Module 20: attempts to pass the checks without doing the task, and right answers written
differently, beyond the self-tests in solutions/20_serving_fastapi_docker.ipynb.
(No ``from __future__ import annotations``: FastAPI reads the test services' type hints.)

Each attempt is named by what it gets wrong; each must be Incorrect, with feedback that points
at the actual problem. Each right variant must be Correct.
"""

import json
import math
from pathlib import Path
from typing import Any, Literal

import pytest

from mlcourse.exercises import get_module

PROBLEMS = {problem.id: problem for problem in get_module("20").problems}
SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions" / "20_serving_fastapi_docker.ipynb"

# --------------------------------------------------------------------------------------
# Exercise 9: Dockerfiles.
# --------------------------------------------------------------------------------------

# The Dockerfile of the solution (and of the lesson).
DOCKERFILE = """\
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1

WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY model/ ./model/
COPY app.py .
ENV MODEL_URI=/app/model

RUN useradd --create-home --uid 10001 appuser
USER appuser

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \\
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)"]

CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
"""
PY_HEALTH = (
    "HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \\\n"
    '    CMD ["python", "-c", "import urllib.request; '
    "urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)\"]"
)
USER_LINES = "RUN useradd --create-home --uid 10001 appuser\nUSER appuser"
CMD_LINE = 'CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]'
PIP_LINE = "RUN pip install --no-cache-dir -r requirements.txt"
URLOPEN = "urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)"
CURL_CHECK = "HEALTHCHECK CMD curl -f http://127.0.0.1:8000/health || exit 1"


def check(problem_id: str, **values: Any):
    return PROBLEMS[problem_id].check(values)


def edit(*pairs: tuple[str, str], text: str = DOCKERFILE) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


def health(command: str, image: str = "python:3.11-slim") -> str:
    """The solution's Dockerfile with another HEALTHCHECK (and base image)."""
    return edit(("python:3.11-slim", image), (PY_HEALTH, "HEALTHCHECK " + command))


def py_health(code: str, program: str = "python") -> str:
    """A health check that runs ``code`` with ``program -c`` (exec form)."""
    return health("CMD " + json.dumps([program, "-c", code]))


# --------------------------------------------------------------------------------------
# Exercise 9: Dockerfiles with every keyword that would not work as asked.
# --------------------------------------------------------------------------------------

WRONG_DOCKERFILES = {
    "USER names a user no RUN created": (
        edit((USER_LINES, "USER appuser")),
        "does not exist",
    ),
    "the user is created after USER": (
        edit((USER_LINES, "USER appuser\nRUN useradd appuser")),
        "created after the USER line",
    ),
    "USER root": (edit((USER_LINES, "USER root")), "root"),
    "USER 0:0": (edit((USER_LINES, "USER 0:0")), "root"),
    "a group no RUN created": (
        edit((USER_LINES, USER_LINES + ":service")),
        "group",
    ),
    "curl in the slim image": (
        edit((PY_HEALTH, "HEALTHCHECK CMD curl -f http://127.0.0.1:8000/health || exit 1")),
        "curl",
    ),
    "wget in the slim image": (
        edit((PY_HEALTH, "HEALTHCHECK CMD wget -qO- http://localhost:8000/health || exit 1")),
        "wget",
    ),
    "curl without --fail in the full image": (
        edit(
            ("python:3.11-slim", "python:3.11-bookworm"),
            (PY_HEALTH, "HEALTHCHECK CMD curl -s http://localhost:8000/health || exit 1"),
        ),
        "--fail",
    ),
    "a Python health check that never looks at the status": (
        edit(
            (
                PY_HEALTH,
                'HEALTHCHECK CMD ["python", "-c", "import socket; '
                "socket.create_connection(('127.0.0.1', 8000)); print('http://127.0.0.1:8000/health')\"]",
            )
        ),
        "urlopen",
    ),
    "the health check asks another port": (
        edit(("127.0.0.1:8000/health", "127.0.0.1:8080/health")),
        "port 8080",
    ),
    "the health check asks another host": (
        edit(("127.0.0.1:8000/health", "penguins.example.org:8000/health")),
        "inside the container",
    ),
    "no health check": (edit((PY_HEALTH, "")), "HEALTHCHECK"),
    "HEALTHCHECK NONE": (edit((PY_HEALTH, "HEALTHCHECK NONE")), "HEALTHCHECK"),
    "Python 3.12 for a 3.11 model": (edit(("python:3.11-slim", "python:3.12-slim")), "3.11"),
    "Python 3.1": (edit(("python:3.11-slim", "python:3.1-slim")), "3.11"),
    "no tag": (edit(("python:3.11-slim", "python")), "latest"),
    "the tag latest": (edit(("python:3.11-slim", "python:latest")), "3.11"),
    "an image that is not the official Python image": (
        edit(("python:3.11-slim", "pythonista/python:3.11-slim")),
        "official Python image",
    ),
    "two stages": (
        "FROM python:3.11 AS build\nRUN true\n" + DOCKERFILE,
        "single-stage",
    ),
    "MODEL_URI where the model is not": (
        edit(("ENV MODEL_URI=/app/model", "ENV MODEL_URI=/models/champion")),
        "copied elsewhere",
    ),
    "a relative MODEL_URI from the wrong folder": (
        edit(("ENV MODEL_URI=/app/model", "ENV MODEL_URI=app/model")),
        "copied elsewhere",
    ),
    "MODEL_URI at the registry": (
        edit(("ENV MODEL_URI=/app/model", "ENV MODEL_URI=models:/penguins@champion")),
        "tracking server",
    ),
    "MODEL_URI set with ARG only": (
        edit(("ENV MODEL_URI=/app/model", "ARG MODEL_URI=/app/model")),
        "ENV MODEL_URI",
    ),
    "the model copied into another folder": (
        edit(("COPY model/ ./model/", "COPY model/ /opt/model/")),
        "copied elsewhere",
    ),
    "the model copied before the install": (
        edit(
            ("COPY model/ ./model/\n", ""),
            ("COPY requirements.txt .\n", "COPY model/ ./model/\nCOPY requirements.txt .\n"),
        ),
        "after* pip install",
    ),
    "app.py outside the WORKDIR": (edit(("COPY app.py .", "COPY app.py /srv/")), "WORKDIR"),
    "WORKDIR changed after the copies": (
        edit(("ENV MODEL_URI=/app/model", "ENV MODEL_URI=/app/model\nWORKDIR /srv")),
        "WORKDIR",
    ),
    "pip install of packages named by hand": (
        edit(("-r requirements.txt", "fastapi uvicorn mlflow")),
        "requirements.txt",
    ),
    "pip install -r of a path where nothing was copied": (
        edit(("-r requirements.txt", "-r /requirements.txt")),
        "not where `COPY` put",
    ),
    "no requirements copied": (edit(("COPY requirements.txt .\n", "")), "requirements.txt"),
    "the code copied before the install": (
        edit(
            ("COPY app.py .\n", ""),
            ("COPY requirements.txt .\n", "COPY . .\nCOPY requirements.txt .\n"),
        ),
        "*before* copying the code",
    ),
    "the shell form of CMD": (
        edit((CMD_LINE, "CMD uvicorn app:app --host 0.0.0.0 --port 8000")),
        "exec form",
    ),
    "a shell-form ENTRYPOINT": (
        edit((CMD_LINE, 'ENTRYPOINT uvicorn app:app\nCMD ["--host", "0.0.0.0"]')),
        "exec form",
    ),
    "uvicorn on loopback": (edit(('"0.0.0.0"', '"127.0.0.1"')), "0.0.0.0"),
    "uvicorn without --host": (edit((', "--host", "0.0.0.0"', "")), "0.0.0.0"),
    "uvicorn on another port than exposed": (
        edit(('"--port", "8000"', '"--port", "9000"')),
        "9000",
    ),
    "gunicorn instead of uvicorn": (
        edit(('["uvicorn", "app:app"', '["gunicorn", "app:app"')),
        "uvicorn",
    ),
    "another application object": (edit(('"app:app"', '"main:app"')), "app:app"),
    "no EXPOSE": (edit(("EXPOSE 8000\n", "")), "EXPOSE 8000"),
    "no CMD": (edit((CMD_LINE, "")), "CMD"),
    "not a Dockerfile": ("print('hello')", "FROM"),
    # Health checks that can never fail.
    "curl ... || exit 0": (
        health("CMD curl -f http://127.0.0.1:8000/health || exit 0", "python:3.11"),
        "never fail",
    ),
    "curl ... || true": (
        health("CMD curl -f http://127.0.0.1:8000/health || true", "python:3.11"),
        "never fail",
    ),
    "python ... || echo down": (
        health(f'CMD python -c "import urllib.request; {URLOPEN}" || echo down'),
        "never fail",
    ),
    "python ...; true": (
        health(f'CMD python -c "import urllib.request; {URLOPEN}"; true'),
        "never fail",
    ),
    "python ...; exit 0": (
        health(f'CMD python -c "import urllib.request; {URLOPEN}"; exit 0'),
        "never fail",
    ),
    "sh -c with || true": (
        health(
            "CMD "
            + json.dumps(["sh", "-c", f'python -c "import urllib.request; {URLOPEN}" || true'])
        ),
        "never fail",
    ),
    "a pipe into cat": (
        health(f'CMD python -c "import urllib.request; {URLOPEN}" | cat'),
        "never fail",
    ),
    "python3 printing the URL": (
        py_health("print('http://127.0.0.1:8000/health')", "python3"),
        "urlopen",
    ),
    "python3.11 printing the URL": (
        py_health("print('http://127.0.0.1:8000/health')", "python3.11"),
        "urlopen",
    ),
    "status_code read, never checked": (
        py_health("import httpx; httpx.get('http://127.0.0.1:8000/health').status_code"),
        "urlopen",
    ),
    "urlopen in try/except pass": (
        py_health(f"import urllib.request\ntry:\n    {URLOPEN}\nexcept Exception:\n    pass"),
        "catches the error",
    ),
    "/healthz": (edit(("8000/health'", "8000/healthz'")), "/health, exactly"),
    "https": (edit(("http://127.0.0.1", "https://127.0.0.1")), "plain HTTP"),
    "another tool that is not there": (
        health("CMD httpie http://127.0.0.1:8000/health"),
        "`httpie`",
    ),
    # Tools installed in a way that leaves them out of the image.
    "apt-get install without apt-get update": (
        edit((PIP_LINE, PIP_LINE + "\nRUN apt-get install -y curl"), (PY_HEALTH, CURL_CHECK)),
        "curl",
    ),
    "apt-get update in another RUN": (
        edit(
            (PIP_LINE, PIP_LINE + "\nRUN apt-get update\nRUN apt-get install -y curl"),
            (PY_HEALTH, CURL_CHECK),
        ),
        "curl",
    ),
    "apt-get after USER (not root)": (
        edit(
            ("USER appuser", "USER appuser\nRUN apt-get update && apt-get install -y curl"),
            (PY_HEALTH, CURL_CHECK),
        ),
        "curl",
    ),
    # pip install that does not install.
    "echo pip install": (edit((PIP_LINE, "RUN echo " + PIP_LINE[4:])), "requirements.txt"),
    "pip install --dry-run": (edit((PIP_LINE, PIP_LINE + " --dry-run")), "requirements.txt"),
    "true || pip install": (edit((PIP_LINE, "RUN true || " + PIP_LINE[4:])), "requirements.txt"),
    "pip install --user as root": (edit((PIP_LINE, PIP_LINE + " --user")), "site-packages"),
    "pip install after USER": (
        edit(
            (USER_LINES, ""),
            (PIP_LINE + "\n", ""),
            ("COPY model/ ./model/", USER_LINES + "\n" + PIP_LINE + "\nCOPY model/ ./model/"),
        ),
        "before the USER line",
    ),
    # root under another name.
    "USER 0000": (edit((USER_LINES, "USER 0000")), "root"),
    "useradd -o -u 0": (edit(("--create-home --uid 10001", "-o -u 0")), "root"),
    "usermod -o -u 0": (
        edit(("appuser\nUSER", "appuser && usermod -o -u 0 appuser\nUSER")),
        "root",
    ),
    # uvicorn on a socket, files nobody else can read.
    "uvicorn --uds": (edit(('"8000"]', '"8000", "--uds", "/tmp/app.sock"]')), "Unix socket"),
    "uvicorn --fd": (edit(('"8000"]', '"8000", "--fd", "3"]')), "file descriptor"),
    "app.py with --chmod=600": (edit(("COPY app.py .", "COPY --chmod=600 app.py .")), "unreadable"),
    "the model with --chmod=700": (
        edit(("COPY model/ ./model/", "COPY --chmod=700 model/ ./model/")),
        "unreadable",
    ),
    "the model with --chmod=644 (folders cannot be entered)": (
        edit(("COPY model/ ./model/", "COPY --chmod=644 model/ ./model/")),
        "unreadable",
    ),
}


@pytest.mark.parametrize("name", sorted(WRONG_DOCKERFILES))
def test_a_dockerfile_that_would_not_work_is_rejected(name):
    text, fragment = WRONG_DOCKERFILES[name]
    assert text != DOCKERFILE
    outcome = check("20.9", dockerfile=text)
    assert outcome.status == "incorrect", (name, outcome.message)
    assert fragment in outcome.message, (name, outcome.message)


RIGHT_DOCKERFILES = {
    "the solution": DOCKERFILE,
    "python -m uvicorn with --option=value": edit(
        (CMD_LINE, 'CMD ["python", "-m", "uvicorn", "app:app", "--host=0.0.0.0", "--port=8000"]')
    ),
    "ENTRYPOINT and CMD in exec form": edit(
        (CMD_LINE, 'ENTRYPOINT ["uvicorn"]\nCMD ["app:app", "--host", "0.0.0.0", "--port", "8000"]')
    ),
    "a numeric USER": edit((USER_LINES, "USER 10001:10001")),
    "Debian's nobody": edit((USER_LINES, "USER nobody")),
    "adduser with its options": edit(
        (
            USER_LINES,
            'RUN addgroup --system service && adduser --system --ingroup service --gecos "" '
            "--no-create-home appuser\nUSER appuser:service",
        )
    ),
    "the user's own group": edit((USER_LINES, USER_LINES + ":appuser")),
    "a relative MODEL_URI": edit(("ENV MODEL_URI=/app/model", "ENV MODEL_URI=./model/")),
    "a file:// MODEL_URI": edit(("ENV MODEL_URI=/app/model", "ENV MODEL_URI=file:///app/model")),
    "the old ENV syntax": edit(("ENV MODEL_URI=/app/model", "ENV MODEL_URI /app/model")),
    "variables in paths": edit(
        ("WORKDIR /app", "ENV APP_HOME=/app\nWORKDIR $APP_HOME"),
        ("ENV MODEL_URI=/app/model", "ENV MODEL_URI=${APP_HOME}/model"),
    ),
    "the Python version as an ARG": "ARG PYTHON=3.11\n"
    + edit(("python:3.11-slim", "python:${PYTHON}-slim")),
    "a pinned digest and a patch version": edit(
        ("python:3.11-slim", "python:3.11.9-slim-bookworm@sha256:" + "a" * 64)
    ),
    "the full image's curl with --fail": edit(
        ("python:3.11-slim", "python:3.11"),
        (PY_HEALTH, "HEALTHCHECK CMD curl --fail http://localhost:8000/health || exit 1"),
    ),
    "curl installed first in the slim image": edit(
        (
            "RUN pip install --no-cache-dir -r requirements.txt",
            "RUN apt-get update && apt-get install -y --no-install-recommends curl "
            "&& rm -rf /var/lib/apt/lists/*\nRUN pip install --no-cache-dir -r requirements.txt",
        ),
        (PY_HEALTH, 'HEALTHCHECK CMD ["curl", "-fsS", "http://127.0.0.1:8000/health"]'),
    ),
    "wget in the full image": edit(
        ("python:3.11-slim", "python:3.11-bookworm"),
        (PY_HEALTH, "HEALTHCHECK CMD wget -qO- http://localhost:8000/health || exit 1"),
    ),
    "CMD-SHELL in a health check": edit(
        (
            PY_HEALTH,
            'HEALTHCHECK CMD ["CMD-SHELL", "python -c \\"import urllib.request as u; '
            "u.urlopen('http://localhost:8000/health')\\\"\"]",
        )
    ),
    "JSON-form COPY with --chown": edit(
        ("COPY model/ ./model/", 'COPY --chown=root:root ["model/", "/app/model/"]')
    ),
    "the whole folder copied after the install": edit(
        ("COPY model/ ./model/\nCOPY app.py .\n", "COPY . .\n")
    ),
    "pip run as a module, requirements by absolute path": edit(
        (
            "RUN pip install --no-cache-dir -r requirements.txt",
            "RUN python -m pip install --no-cache-dir --requirement=/app/requirements.txt",
        ),
    ),  # fmt: skip
    "app.py elsewhere, found with --app-dir": edit(
        ("COPY app.py .", "COPY app.py /srv/"),
        ('"app:app",', '"app:app", "--app-dir", "/srv",'),
    ),
    "comments and blank lines everywhere": "# syntax=docker/dockerfile:1\n# the service\n"
    + DOCKERFILE.replace("\n\n", "\n# --\n\n"),
    "ENV PORT and EXPOSE $PORT": edit(("EXPOSE 8000", "ENV PORT=8000\nEXPOSE $PORT")),
    "${PORT} in a shell-form health URL": edit(
        ("EXPOSE 8000", "ENV PORT=8000\nEXPOSE ${PORT}"),
        (
            PY_HEALTH,
            'HEALTHCHECK CMD python -c "import urllib.request; '
            "urllib.request.urlopen('http://127.0.0.1:${PORT}/health', timeout=3)\"",
        ),
    ),
    "tabs after the instruction words": DOCKERFILE.replace("EXPOSE 8000", "EXPOSE\t8000").replace(
        "WORKDIR /app", "WORKDIR\t/app"
    ),
    "lower-case instructions": DOCKERFILE.replace("EXPOSE 8000", "expose 8000"),
    "python3 with try/except and sys.exit(1)": py_health(
        f"import sys, urllib.request\ntry:\n    {URLOPEN}\nexcept Exception:\n    sys.exit(1)",
        "python3",
    ),
    "httpx with raise_for_status": py_health(
        "import httpx; httpx.get('http://127.0.0.1:8000/health').raise_for_status()"
    ),
    "sh -c ... || exit 1": health(
        "CMD " + json.dumps(["sh", "-c", f'python -c "import urllib.request; {URLOPEN}" || exit 1'])
    ),
    "--chmod=644 for app.py, 755 for the model": edit(
        ("COPY app.py .", "COPY --chmod=644 app.py ."),
        ("COPY model/ ./model/", "COPY --chmod=755 model/ ./model/"),
    ),
    "files owned by the service's user with --chmod=600": edit(
        ("COPY app.py .\n", ""),
        (
            USER_LINES,
            USER_LINES.replace("\nUSER", "\nCOPY --chown=appuser --chmod=600 app.py .\nUSER"),
        ),
    ),
    "apk add --no-cache curl in the alpine image": edit(
        ("python:3.11-slim", "python:3.11-alpine"),
        (PIP_LINE, "RUN apk add --no-cache curl\n" + PIP_LINE),
        ("RUN useradd --create-home --uid 10001 appuser", "RUN adduser -D -u 10001 appuser"),
        (PY_HEALTH, CURL_CHECK),
    ),
    "pip install with an environment variable before it": edit(
        (PIP_LINE, "RUN PIP_DISABLE_PIP_VERSION_CHECK=1 " + PIP_LINE[4:])
    ),
}


@pytest.mark.parametrize("name", sorted(RIGHT_DOCKERFILES))
def test_a_right_dockerfile_written_differently_is_accepted(name):
    outcome = check("20.9", dockerfile=RIGHT_DOCKERFILES[name])
    assert outcome.status == "correct", (name, outcome.message)


# --------------------------------------------------------------------------------------
# Exercise 3: every limit, strictness, and how the class is validated.
# --------------------------------------------------------------------------------------


def penguin_class(**overrides: Any):
    """The reference PenguinIn with some fields (or the config) replaced."""
    from pydantic import ConfigDict, Field, create_model

    config = overrides.pop("config", ConfigDict(extra="forbid", strict=True))
    fields: dict[str, Any] = {
        "island": (Literal["Biscoe", "Dream", "Torgersen"], ...),
        "bill_length_mm": (float, Field(ge=25, le=70)),
        "bill_depth_mm": (float, Field(ge=10, le=25)),
        "flipper_length_mm": (float, Field(ge=150, le=250)),
        "body_mass_g": (float, Field(ge=2000, le=7000)),
        "sex": (Literal["female", "male"] | None, None),
    }
    fields.update(overrides)
    return create_model("PenguinIn", __config__=config, **fields)


LIMITS = {
    "bill_length_mm": (25, 70),
    "bill_depth_mm": (10, 25),
    "flipper_length_mm": (150, 250),
    "body_mass_g": (2000, 7000),
}


def loosened(name: str, side: str):
    from pydantic import Field

    low, high = LIMITS[name]
    bounds = {"ge": low - 0.5, "le": high} if side == "low" else {"ge": low, "le": high + 0.5}
    return penguin_class(**{name: (float, Field(**bounds))})


def tightened(name: str, side: str):
    from pydantic import Field

    low, high = LIMITS[name]
    bounds = {"gt": low, "le": high} if side == "low" else {"ge": low, "lt": high}
    return penguin_class(**{name: (float, Field(**bounds))})


@pytest.mark.parametrize("side", ["low", "high"])
@pytest.mark.parametrize("name", sorted(LIMITS))
def test_every_limit_is_tested_just_outside_and_at_the_limit(name, side):
    for cls in (loosened(name, side), tightened(name, side)):
        outcome = check("20.3", PenguinIn=cls)
        assert outcome.status == "incorrect", (name, side, outcome.message)
        assert name in outcome.message


def test_the_reference_class_built_here_is_right():
    assert check("20.3", PenguinIn=penguin_class()).status == "correct"


def test_lax_numbers_are_rejected_with_a_pointer_to_strict_mode():
    from pydantic import ConfigDict

    outcome = check("20.3", PenguinIn=penguin_class(config=ConfigDict(extra="forbid")))
    assert outcome.status == "incorrect"
    assert "strict" in outcome.message


def test_strictness_written_differently_is_accepted():
    from pydantic import ConfigDict, Field, StrictFloat, confloat

    per_field = penguin_class(
        config=ConfigDict(extra="forbid"),
        **{
            name: (float, Field(ge=low, le=high, strict=True))
            for name, (low, high) in LIMITS.items()
        },
    )
    strict_types = penguin_class(
        config=ConfigDict(extra="forbid"),
        **{name: (StrictFloat, Field(ge=low, le=high)) for name, (low, high) in LIMITS.items()},
    )
    constrained = penguin_class(
        **{name: (confloat(ge=low, le=high), ...) for name, (low, high) in LIMITS.items()}
    )
    for cls in (per_field, strict_types, constrained):
        assert check("20.3", PenguinIn=cls).status == "correct", check("20.3", PenguinIn=cls)


def test_a_replaced_model_validate_fools_nothing():
    from pydantic import BaseModel

    reference = penguin_class()

    class Lookup(BaseModel):
        island: str

        @classmethod
        def model_validate(cls, obj, **kwargs):
            return reference.model_validate(obj, **kwargs)

    assert check("20.3", PenguinIn=Lookup).status == "incorrect"


# --------------------------------------------------------------------------------------
# Exercise 4: a right frame built differently, and input left unchanged.
# --------------------------------------------------------------------------------------


def test_a_frame_with_object_columns_holding_nan_is_accepted():
    import numpy as np
    import pandas as pd

    from mlcourse.exercises.m20 import _NUMERIC, FEATURES

    def to_frame(payloads):
        rows = [[p.get(name) for name in FEATURES] for p in payloads]
        frame = pd.DataFrame(rows, columns=list(FEATURES), dtype=object)
        frame = frame.astype(dict.fromkeys(_NUMERIC, "float64"))
        return frame.fillna({"sex": np.nan, "island": np.nan}).replace({None: np.nan})

    assert check("20.4", to_frame=to_frame).status == "correct", check("20.4", to_frame=to_frame)


def test_a_frame_built_by_popping_keys_is_rejected():
    from mlcourse.keys.m20 import _reference_to_frame

    def popping(payloads):
        frame = _reference_to_frame(payloads)
        for payload in payloads:
            payload.pop("island", None)
        return frame

    outcome = check("20.4", to_frame=popping)
    assert outcome.status == "incorrect" and "changed the dicts" in outcome.message


# --------------------------------------------------------------------------------------
# Exercise 5: services that look right on the usual requests.
# --------------------------------------------------------------------------------------


def make_service(*, lax: bool = False, predictor=None, health=None):
    """The reference service, with one defect: lax numbers, another model, or a fixed /health."""
    import os
    from contextlib import asynccontextmanager

    from fastapi import FastAPI
    from pydantic import BaseModel, ConfigDict, Field

    from mlcourse.keys.m20 import _load_model_and_version, _reference_to_frame

    Penguin = penguin_class(config=ConfigDict(extra="forbid")) if lax else penguin_class()

    class Batch(BaseModel):
        penguins: list[Penguin] = Field(min_length=1, max_length=100)

    @asynccontextmanager
    async def lifespan(app):
        app.state.model, app.state.model_version = _load_model_and_version(os.environ["MODEL_URI"])
        yield

    app = FastAPI(lifespan=lifespan)

    def model():
        return predictor or app.state.model

    @app.get("/health")
    def get_health() -> dict[str, str]:
        return health or {"status": "ok", "model_version": app.state.model_version}

    @app.post("/predict")
    def predict(penguin: Penguin) -> dict[str, str]:
        return {"species": str(model().predict(_reference_to_frame([penguin.model_dump()]))[0])}

    @app.post("/predict/batch")
    def predict_batch(batch: Batch) -> dict[str, list[str]]:
        frame = _reference_to_frame([p.model_dump() for p in batch.penguins])
        return {"species": [str(s) for s in model().predict(frame)]}

    return app


def test_the_service_built_here_is_right():
    outcome = check("20.5", service=make_service())
    assert outcome.status == "correct", outcome.message


def test_a_service_that_predicts_with_another_model_than_model_uri_is_rejected():
    from mlcourse.exercises.m20 import _pipeline

    outcome = check("20.5", service=make_service(predictor=_pipeline()))
    assert outcome.status == "incorrect"
    assert "another model" in outcome.message and "MODEL_URI" in outcome.message


def test_a_health_without_the_version_is_rejected():
    outcome = check("20.5", service=make_service(health={"status": "ok"}))
    assert outcome.status == "incorrect" and "model_version" in outcome.message


def test_a_service_that_accepts_numbers_as_text_is_rejected():
    outcome = check("20.5", service=make_service(lax=True))
    assert outcome.status == "incorrect" and "'46.5'" in outcome.message


def test_the_check_leaves_model_uri_as_it_was(monkeypatch):
    import os

    monkeypatch.setenv("MODEL_URI", "models:/mine@champion")
    check("20.5", service=make_service())
    assert os.environ["MODEL_URI"] == "models:/mine@champion"
    monkeypatch.delenv("MODEL_URI")
    check("20.5", service=make_service())
    assert "MODEL_URI" not in os.environ


def test_deleted_probe_folders_are_saved_again(monkeypatch, tmp_path):
    """In a folder of this test's own: the shared one may be in use by another process."""
    import shutil

    import mlcourse.exercises.m20 as declaration

    monkeypatch.setattr(declaration, "_probe_cache", lambda: tmp_path / "probes")
    first = declaration.probe_folders()
    shutil.rmtree(first[1])  # one model gone: the folder is replaced as a whole
    again = declaration.probe_folders()
    shutil.rmtree(tmp_path / "probes")  # everything gone
    third = declaration.probe_folders()
    assert first == again == third
    assert all((Path(f) / "MLmodel").is_file() for f in third)


# --------------------------------------------------------------------------------------
# Exercises 7 and 8: targeted feedback for known mistakes; the stand-in service.
# --------------------------------------------------------------------------------------


def test_error_summary_mistakes_get_their_message():
    from mlcourse.keys import m20 as key

    for wrong, fragment in (
        (key._summary_keeping_body, "leave out the first element"),
        (key._summary_empty_field, "the field is then 'body'"),
        (key._summary_first_error_only, "several errors"),
        (key._summary_last_part_only, "penguins.2.body_mass_g"),
    ):
        outcome = check("20.7", error_summary=wrong)
        assert outcome.status == "incorrect" and fragment in outcome.message, outcome.message


def test_a_client_that_skips_refused_batches_is_told_to_raise():
    from mlcourse.keys.m20 import _batches_skipping_refused

    outcome = check("20.8", predict_in_batches=_batches_skipping_refused)
    assert outcome.status == "incorrect" and "raise_for_status" in outcome.message


def test_a_client_that_raises_its_own_error_is_rejected():
    def own_error(client, penguins, batch_size):
        species = []
        for start in range(0, len(penguins), batch_size):
            response = client.post(
                "/predict/batch", json={"penguins": penguins[start : start + batch_size]}
            )
            if response.status_code != 200:
                raise ValueError("refused")
            species += response.json()["species"]
        return species

    outcome = check("20.8", predict_in_batches=own_error)
    assert outcome.status == "incorrect" and "a batch the service refuses" in outcome.message


def test_a_client_that_pops_the_callers_list_is_rejected():
    def popping(client, penguins, batch_size):
        species = []
        while penguins:
            batch = [penguins.pop(0) for _ in range(min(batch_size, len(penguins)))]
            response = client.post("/predict/batch", json={"penguins": batch})
            response.raise_for_status()
            species += response.json()["species"]
        return species

    outcome = check("20.8", predict_in_batches=popping)
    assert outcome.status == "incorrect" and "changed" in outcome.message


def test_a_client_with_a_generator_of_batches_is_accepted():
    def batched(items, size):
        batch = []
        for item in items:
            batch.append(item)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch

    def with_itertools(client, penguins, batch_size):
        species = []
        for batch in batched(penguins, batch_size):
            response = client.post("/predict/batch", json={"penguins": list(batch)})
            response.raise_for_status()
            species.extend(response.json()["species"])
        return species

    outcome = check("20.8", predict_in_batches=with_itertools)
    assert outcome.status == "correct", outcome.message


# --------------------------------------------------------------------------------------
# Exercise 2: champions registered with a defect (each registration takes a few seconds).
# --------------------------------------------------------------------------------------


def register(name: str, model, **kwargs: Any) -> str:
    import mlflow
    from mlflow import MlflowClient

    from mlcourse.exercises.m20 import _data

    options = {
        "signature": _signature(),
        "input_example": _data()["X_train"].head(3),
        "pip_requirements": mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        "skops_trusted_types": ["numpy.dtype"],
        **kwargs,
    }
    options = {k: v for k, v in options.items() if v is not None}
    with mlflow.start_run(run_name=name):
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name=name, **options)
    MlflowClient().set_registered_model_alias(name, "champion", info.registered_model_version)
    return f"models:/{name}@champion"


def _signature():
    from mlflow.models import infer_signature

    from mlcourse.exercises.m20 import _data, _pipeline

    return infer_signature(_data()["X_train"], _pipeline().predict(_data()["X_train"]))


def test_champions_with_a_defect_are_rejected():
    from sklearn.base import clone

    from mlcourse.exercises.m20 import _data, _pipeline

    d = _data()
    cases = {
        "fitted on 60 training rows": (
            register("m20-sixty", clone(_pipeline()).fit(d["X_train"][:60], d["y_train"][:60])),
            "fitted on other data",
        ),
        "logged without a signature": (
            register("m20-unsigned", _pipeline(), signature=None, input_example=None),
            "without a signature",
        ),
        "requirements that do not pin scikit-learn": (
            register("m20-unpinned", _pipeline(), pip_requirements=["scikit-learn", "skops"]),
            "pin scikit-learn",
        ),
    }
    for name, (uri, fragment) in cases.items():
        outcome = check("20.2", champion_uri=uri)
        assert outcome.status == "incorrect", (name, outcome.message)
        assert fragment in outcome.message, (name, outcome.message)


def test_on_a_shared_server_the_name_must_carry_the_learner(monkeypatch):
    from mlcourse.exercises.m20 import _pipeline

    shared = register("penguins-exercises", _pipeline())
    own = register("penguins-exercises-ada_dl_ax", _pipeline())
    monkeypatch.setenv("MLCOURSE_LEARNER", "ada.l@x")
    outcome = check("20.2", champion_uri=shared)
    assert outcome.status == "incorrect" and "MODEL_NAME" in outcome.message
    assert check("20.2", champion_uri=own).status == "correct"
    monkeypatch.delenv("MLCOURSE_LEARNER")
    assert check("20.2", champion_uri=shared).status == "correct"


def test_probabilities_that_are_nan_are_rejected():
    from mlcourse.exercises.m20 import _pipeline

    problem = PROBLEMS["20.2"]
    data = problem.collect({"champion_uri": register("m20-nan", _pipeline())}).values["data"]
    data["proba"][0] = [math.nan] * len(data["proba"][0])
    from mlcourse.checks import Answer

    assert problem.evaluate(Answer({"data": data})).status == "incorrect"


# --------------------------------------------------------------------------------------
# Findings of the second review: each wrong outcome is now an Incorrect (or a Correct).
# --------------------------------------------------------------------------------------


def test_signatures_whose_output_is_not_one_species_per_penguin_are_rejected():
    import pandas as pd
    from mlflow.models import infer_signature

    from mlcourse.exercises.m20 import _data, _pipeline

    X, pipe = _data()["X_train"], _pipeline()
    codes = pd.Series(pipe.predict(X)).astype("category").cat.codes.to_numpy()
    for name, outputs in {
        "probabilities": pipe.predict_proba(X),
        "integer codes": codes,
        "two text columns": X[["island", "sex"]],
    }.items():
        outcome = check("20.1", signature=infer_signature(X, outputs))
        assert outcome.status == "incorrect", name
        assert "output" in outcome.message, (name, outcome.message)
    labels = check("20.1", signature=infer_signature(X, _data()["y_train"]))
    assert labels.status == "correct", labels.message


def test_a_champion_whose_signature_outputs_probabilities_is_rejected():
    from mlflow.models import infer_signature

    from mlcourse.exercises.m20 import _data, _pipeline

    X = _data()["X_train"]
    uri = register(
        "m20-proba-output",
        _pipeline(),
        signature=infer_signature(X, _pipeline().predict_proba(X)),
    )
    outcome = check("20.2", champion_uri=uri)
    assert outcome.status == "incorrect" and "output" in outcome.message, outcome.message


@pytest.mark.parametrize("name", ["island", *LIMITS])
def test_a_required_field_made_optional_is_rejected(name):
    from pydantic import Field

    if name == "island":
        field = (Literal["Biscoe", "Dream", "Torgersen"] | None, None)
    else:
        low, high = LIMITS[name]
        field = (float | None, Field(default=None, ge=low, le=high))
    outcome = check("20.3", PenguinIn=penguin_class(**{name: field}))
    assert outcome.status == "incorrect", (name, outcome.message)
    assert f"without '{name}'" in outcome.message or f"{name} is null" in outcome.message


def test_a_field_with_a_second_spelling_is_rejected():
    from pydantic import AliasChoices, Field

    spelt = Field(ge=25, le=70, validation_alias=AliasChoices("bill_length_mm", "bill_length"))
    outcome = check("20.3", PenguinIn=penguin_class(bill_length_mm=(float, spelt)))
    assert outcome.status == "incorrect" and "second spelling" in outcome.message


def test_a_float32_frame_is_told_float64_not_about_sex():
    from mlcourse.exercises.m20 import _NUMERIC
    from mlcourse.keys.m20 import _reference_to_frame

    def float32(payloads):
        return _reference_to_frame(payloads).astype(dict.fromkeys(_NUMERIC, "float32"))

    outcome = check("20.4", to_frame=float32)
    assert outcome.status == "incorrect"
    assert "float64" in outcome.message and "sex" not in outcome.message


def test_the_boundary_penguin_changes_species_when_its_sex_is_none():
    """Without this, a service that lets None reach the model could pass."""
    import pandas as pd

    from mlcourse.exercises.m20 import (
        BOUNDARY_PENGUIN,
        FEATURES,
        _pipeline,
        _rotated_pipeline,
    )
    from mlcourse.keys.m20 import _reference_to_frame

    naive = pd.DataFrame([{**BOUNDARY_PENGUIN, "sex": None}], columns=list(FEATURES))
    for model in (_pipeline(), _rotated_pipeline()):
        assert model.predict(naive)[0] != model.predict(_reference_to_frame([BOUNDARY_PENGUIN]))[0]


def service_with(*, to_frame=None, penguin=None, per_request=False):
    """A right service with one change: its frame, its schema, or a model loaded per request."""
    import os
    from contextlib import asynccontextmanager

    from fastapi import FastAPI
    from pydantic import BaseModel, Field

    from mlcourse.keys.m20 import _load_model_and_version, _reference_to_frame

    frame = to_frame or _reference_to_frame
    Penguin = penguin or penguin_class()

    class Batch(BaseModel):
        penguins: list[Penguin] = Field(min_length=1, max_length=100)

    @asynccontextmanager
    async def lifespan(app):
        app.state.model, app.state.model_version = _load_model_and_version(os.environ["MODEL_URI"])
        yield

    app = FastAPI(lifespan=lifespan)

    def model():
        if per_request:
            return _load_model_and_version(os.environ["MODEL_URI"])[0]
        return app.state.model

    @app.get("/health")
    def get_health() -> dict[str, str]:
        return {"status": "ok", "model_version": app.state.model_version}

    @app.post("/predict")
    def predict(penguin: Penguin) -> dict[str, str]:
        return {"species": str(model().predict(frame([penguin.model_dump()]))[0])}

    @app.post("/predict/batch")
    def predict_batch(batch: Batch) -> dict[str, list[str]]:
        species = model().predict(frame([p.model_dump() for p in batch.penguins]))
        return {"species": [str(s) for s in species]}

    return app


def test_a_service_that_lets_none_reach_the_model_is_rejected():
    import pandas as pd

    from mlcourse.exercises.m20 import _NUMERIC, FEATURES

    def naive(payloads):
        frame = pd.DataFrame(payloads, columns=list(FEATURES))
        return frame.astype(dict.fromkeys(_NUMERIC, "float64"))

    outcome = check("20.5", service=service_with(to_frame=naive))
    assert outcome.status == "incorrect" and "NaN" in outcome.message, outcome.message


def test_a_service_that_loads_the_model_at_each_request_is_rejected():
    outcome = check("20.5", service=service_with(per_request=True))
    assert outcome.status == "incorrect" and "each request" in outcome.message, outcome.message


def test_a_service_with_optional_measurements_is_rejected():
    from pydantic import Field

    loose = penguin_class(bill_depth_mm=(float | None, Field(default=None, ge=10, le=25)))
    outcome = check("20.5", service=service_with(penguin=loose))
    assert outcome.status == "incorrect" and "bill_depth_mm" in outcome.message


def test_status_codes_as_floats_are_rejected_and_numpy_ints_accepted():
    import numpy as np

    from mlcourse.keys.m20 import _expected_status_codes

    right = _expected_status_codes()
    as_floats = check("20.6", status_codes={k: float(v) for k, v in right.items()})
    assert as_floats.status == "incorrect" and "int" in as_floats.message
    as_numpy = check("20.6", status_codes={k: np.int64(v) for k, v in right.items()})
    assert as_numpy.status == "correct", as_numpy.message


def test_status_codes_written_with_httpstatus_are_accepted():
    from http import HTTPStatus

    from mlcourse.keys.m20 import _expected_status_codes

    codes = {k: HTTPStatus(v) for k, v in _expected_status_codes().items()}
    outcome = check("20.6", status_codes=codes)
    assert outcome.status == "correct", outcome.message


def test_a_client_that_uses_the_clients_max_batch_is_rejected():
    from mlcourse.keys.m20 import _predict_in_batches

    def own_size(client, penguins, batch_size):
        return _predict_in_batches(client, penguins, client.max_batch)

    outcome = check("20.8", predict_in_batches=own_size)
    assert outcome.status == "incorrect" and "batch_size smaller" in outcome.message


def test_a_client_that_empties_the_callers_list_after_the_last_request_is_rejected():
    from mlcourse.keys.m20 import _predict_in_batches

    def clearing(client, penguins, batch_size):
        species = _predict_in_batches(client, penguins, batch_size)
        penguins.clear()
        return species

    outcome = check("20.8", predict_in_batches=clearing)
    assert outcome.status == "incorrect" and "changed its input" in outcome.message


def test_processes_share_one_probe_folder_and_leave_nothing_else():
    import subprocess
    import sys

    from mlcourse.exercises.m20 import _probe_cache, probe_folders

    probe_folders()
    root = _probe_cache()
    before = sorted(root.parent.glob(root.name + "*"))
    script = "from mlcourse.exercises.m20 import probe_folders; print(probe_folders()[0])"
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
        )
        assert Path(done.stdout.strip().splitlines()[-1]).parent == root
    assert sorted(root.parent.glob(root.name + "*")) == before == [root]
