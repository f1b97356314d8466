"""The auto-grader: sandboxed execution, answers evaluated outside the learner's process."""

import sys

# jsonschema (under nbformat) imports the optional rfc3987_syntax, which builds a grammar for
# most of a second at import. Notebook schemas never check IRI formats, and the sandbox's runner
# starts once per submission, so the grader's processes go without it.
sys.modules.setdefault("rfc3987_syntax", None)

# ruff: noqa: E402

from ._batch import BatchSummary, GradeError, grade_batch, grade_submission, release_notebook
from ._encode import DecodeError, Unsupported, decode_answers, encode_answers
from ._sandbox import Limits, bubblewrap
from ._submissions import Submission, discover, learner_from_name

__all__ = [
    "BatchSummary",
    "DecodeError",
    "GradeError",
    "Limits",
    "Submission",
    "Unsupported",
    "bubblewrap",
    "decode_answers",
    "discover",
    "encode_answers",
    "grade_batch",
    "grade_submission",
    "learner_from_name",
    "release_notebook",
]
