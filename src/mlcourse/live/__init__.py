"""The live classroom: a service that shows an instructor the room, and the learner's side.

In a notebook, one line joins a class session::

    mlcourse.live.join("http://192.168.1.20:8765/s/03-20261203-4f2a9c1e?key=bjxmVZYFTbKeIW6i0pvBkA")

From then on every ``check()``, ``hint()`` and ``solution()`` is sent to the class service as
an event (the module, the problem, the outcome and the class of a failing answer's exception;
never the code), buffered on disk while the service cannot be reached and replayed later.
:func:`raise_hand` and :func:`done` are the digital sticky notes. The instructor runs the
service with ``mlcourse live serve`` (see ``docs/live.md``).
"""

from __future__ import annotations

_CLIENT = ("join", "leave", "raise_hand", "lower_hand", "done", "status", "flush")

__all__ = list(_CLIENT)


def __getattr__(name: str):
    """The learner's functions, imported on first use (the service's code is never imported)."""
    if name in _CLIENT:
        from . import _client

        return getattr(_client, name)
    raise AttributeError(f"module 'mlcourse.live' has no attribute {name!r}")
