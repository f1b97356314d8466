"""Imported last by the grader's fork server: make every forked process start warm.

Two costs would otherwise be paid again in each process forked for a submission:

- nbformat compiles a JSON-schema validator per notebook format version on first use (about
  0.2 s); building them here, once, leaves them compiled in every child;
- the server holds millions of objects (pandas, scikit-learn, pyarrow). A child's first full
  garbage collection would walk all of them, writing to every page and so copying it (about
  0.15 s per child). ``gc.freeze`` moves them out of the collector's reach; the child still
  collects whatever it creates itself;
- reading a submission's cells for tampering translates IPython magics (about 0.2 s to import
  and build the translator), so it is made here once.
"""

import gc

import nbformat
from nbformat import validator

from ._tamper import _magics

for _minor in range(nbformat.v4.nbformat_minor + 1):
    validator.get_validator(4, _minor)

_magics()

gc.collect()
gc.freeze()
