"""The auto-grader: sandboxed execution, answers evaluated outside the learner's process."""

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
