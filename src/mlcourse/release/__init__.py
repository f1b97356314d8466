"""Class releases: what an instructor hands out to a graded class, with no answer key in it.

:func:`assemble_class_release` writes the lessons, the exercises, the datasets' catalog and
the declaration-only wheel (the package without ``mlcourse.keys``) into a folder, then
:func:`find_answer_keys` opens every file of it, and every member of every archive in it,
for anything of ``solutions/`` or ``mlcourse.keys``. See docs/release.md.
"""

from ._assemble import ClassRelease, ReleaseRejected, assemble_class_release
from ._verify import ReleaseError, find_answer_keys, load_fingerprints
from ._wheel import CLASS_LABEL, class_version

__all__ = [
    "CLASS_LABEL",
    "ClassRelease",
    "ReleaseError",
    "ReleaseRejected",
    "assemble_class_release",
    "class_version",
    "find_answer_keys",
    "load_fingerprints",
]
