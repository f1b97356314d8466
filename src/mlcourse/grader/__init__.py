"""The auto-grader: sandboxed execution, answers evaluated outside the learner's process.

The public names are imported from their submodules on first use: the sandboxed runner
(``python -m mlcourse.grader._runner``, once per submission) then starts without the batch
machinery it does not need.
"""

import sys

# jsonschema (under nbformat) imports the optional packages of its format checkers when they are
# installed: rfc3987_syntax alone builds a grammar for most of a second, the others (arrow under
# isoduration...) cost a tenth more. Notebook schemas check no formats, and the sandbox's runner
# starts once per submission, so the grader's processes go without them.
for _optional in (
    "rfc3987_syntax",
    "rfc3986_validator",
    "rfc3339_validator",
    "isoduration",
    "uri_template",
    "webcolors",
    "fqdn",
):
    sys.modules.setdefault(_optional, None)

_PUBLIC = {
    "BatchSummary": "_batch",
    "DaskCluster": "_dask",
    "GradeError": "_batch",
    "grade_batch": "_batch",
    "grade_submission": "_batch",
    "release_notebook": "_batch",
    "DecodeError": "_encode",
    "Unsupported": "_encode",
    "decode_answers": "_encode",
    "encode_answers": "_encode",
    "Limits": "_sandbox",
    "bubblewrap": "_sandbox",
    "Submission": "_submissions",
    "discover": "_submissions",
    "learner_from_name": "_submissions",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    """Import a public name from its submodule on first use."""
    if name in _PUBLIC:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_PUBLIC[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
