"""The learner's outbox: events kept on disk, posted in batches, replayed until taken, once.

Events are appended to an outbox of their own session and learner,
``<course root>/.mlcourse/live/outbox.<session>.<learner>.jsonl`` (JSON lines, under a file
lock), and a daemon thread posts them in batches; what the service accepted (or already had:
it keeps each event id once) is removed, the rest stays for the next attempt. An unreachable
service costs one warning per outage, a closed session one warning, a full outbox one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from . import _http
from ._http import STOPPING, Refused, Unreachable, api_url
from ._protocol import MAX_BODY_BYTES, MAX_EVENTS_PER_POST, Event

if TYPE_CHECKING:
    from ._client import ClassInfo

try:  # POSIX; elsewhere the outbox is guarded within this process only
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Events kept in an outbox at most; beyond it the oldest are dropped (with one warning).
OUTBOX_CAP = 10_000
#: Longest wait between two attempts while the service cannot be reached.
MAX_BACKOFF = 60.0
#: The shortest an outbox line can be: below ``OUTBOX_CAP`` times this, no line is counted.
_MIN_EVENT_BYTES = 64
#: Answers that say a batch can never be taken (it broke a limit): it is dropped.
_UNACCEPTABLE = (400, 413, 422)


# --- the files --------------------------------------------------------------------------------


def live_dir(root: Path | None = None) -> Path:
    """``<course root>/.mlcourse/live``, created (private to the user) on demand."""
    from .._paths import course_root

    path = (root or course_root()) / ".mlcourse" / "live"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def outbox_file(session: str, learner: str) -> Path:
    """The outbox of one learner in one session (names fit a file name: see the patterns)."""
    return live_dir() / f"outbox.{session}.{learner}.jsonl"


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the user only."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def locked(path: Path) -> Iterator[Path]:
    """Hold the file lock of the outbox ``path`` (other kernels wait) and yield ``path``."""
    fd = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        os.close(fd)  # closing releases the lock


def _valid_events(lines: Iterator[str], limit: int | None = None) -> list[dict]:
    """The valid events among ``lines``, at most ``limit`` (corrupt or invalid are skipped)."""
    events: list[dict] = []
    for line in lines:
        if limit is not None and len(events) >= limit:
            break
        try:
            events.append(Event.model_validate_json(line).model_dump(exclude_none=True))
        except ValueError:
            continue
    return events


def read_events(path: Path, limit: int | None = None) -> list[dict]:
    """The valid events in the outbox, oldest first; with ``limit`` only the oldest ones."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return _valid_events(iter(handle), limit)
    except OSError:
        return []


def _rewrite(path: Path, events: list[dict]) -> None:
    write_private(path, "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events))


def _trim(path: Path) -> int:
    """Make room for one more event when the outbox is full (the caller holds the lock).

    The outbox's lines are counted only once it is large enough to hold the cap, and parsed
    only when it holds more: then the oldest are dropped, a tenth of the cap more than needed,
    so that the next appends are plain writes again. Returns how many were dropped.
    """
    try:
        if path.stat().st_size < OUTBOX_CAP * _MIN_EVENT_BYTES:
            return 0
        if path.read_bytes().count(b"\n") < OUTBOX_CAP:
            return 0
    except OSError:
        return 0
    kept = read_events(path)
    if len(kept) < OUTBOX_CAP:  # corrupt lines made it look full
        _rewrite(path, kept)
        return 0
    dropped = len(kept) - OUTBOX_CAP + 1 + OUTBOX_CAP // 10
    _rewrite(path, kept[dropped:])
    return dropped


def _remove_sent(path: Path, ids: set[str]) -> None:
    with locked(path):
        _rewrite(path, [e for e in read_events(path) if e["id"] not in ids])


def _batch(events: list[dict]) -> list[dict]:
    """The oldest events that fit one post (count and body size)."""
    batch, size = [], 20
    for event in events[:MAX_EVENTS_PER_POST]:
        size += len(json.dumps(event)) + 2
        if size > MAX_BODY_BYTES and batch:
            break
        batch.append(event)
    return batch


def warn_quietly(message: str) -> None:
    """Warn, from the caller's caller; a warning that fails is dropped (never raises)."""
    with contextlib.suppress(Exception):
        warnings.warn(message, stacklevel=3)


# --- the sender -------------------------------------------------------------------------------


class Sender:
    """One process's sending to its class: the outbox, the outage, the thread that posts.

    Attributes
    ----------
    info : ClassInfo or None
        The class joined (its session, learner, token and address), or None.
    stopped : str or None
        Why sending stopped (session closed, token revoked), or None.
    outage : bool
        Whether the service could not be reached at the last attempt.
    send_lock : threading.Lock
        Held by whoever is posting (the thread or :meth:`flush`).
    """

    def __init__(self) -> None:
        self.info: ClassInfo | None = None
        self.stopped: str | None = None
        self.outage = False
        self.cap_warned = False
        self.drop_warned = False
        self.send_lock = threading.Lock()
        self.wake = threading.Event()
        self.quit = threading.Event()
        self.thread: threading.Thread | None = None

    def outbox(self) -> Path | None:
        """This class's outbox, or None outside a class."""
        info = self.info
        return outbox_file(info.session, info.learner) if info else None

    def append(self, event: dict, path: Path | None = None) -> None:
        """Append one event to this class's outbox (one write, under the lock).

        Parameters
        ----------
        event : dict
            A valid :class:`~mlcourse.live._protocol.Event`'s fields.
        path : Path, optional
            The outbox; default this class's.
        """
        path = path or self.outbox()
        if path is None:
            raise RuntimeError("not in a class session")
        line = json.dumps(event, separators=(",", ":")) + "\n"
        with locked(path):
            dropped = _trim(path)
            if dropped:
                self._warn_cap(dropped)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)

    def _warn_cap(self, dropped: int) -> None:
        if not self.cap_warned:
            self.cap_warned = True
            warnings.warn(
                f"the class outbox holds {OUTBOX_CAP} unsent events; the oldest {dropped} were "
                "dropped (the class service has not been reachable for a long time)",
                stacklevel=4,
            )

    def waiting(self) -> int:
        """How many events of this class wait in the outbox to be sent."""
        path = self.outbox()
        if path is None:
            return 0
        try:
            with locked(path):
                return len(read_events(path))
        except OSError:
            return 0

    def send_once(self, timeout: float) -> str:
        """Post one batch: ``"empty"``, ``"sent"``, ``"unreachable"`` or ``"stopped"``."""
        info = self.info
        if info is None or self.stopped:
            return "stopped"
        path = outbox_file(info.session, info.learner)
        with locked(path):
            batch = _batch(read_events(path, MAX_EVENTS_PER_POST))
        if not batch:
            return "empty"
        body = json.dumps({"events": batch}).encode("utf-8")
        try:
            _http.request(
                "POST", api_url(info, "events"), body=body, token=info.token, timeout=timeout
            )
        except Unreachable as error:
            self._outage(info, str(error))
            return "unreachable"
        except Refused as error:
            self.outage = False  # it answered
            if error.status in STOPPING:
                self.stop(info, error)
                return "stopped"
            if error.status not in _UNACCEPTABLE:  # nothing says the batch is wrong: keep it
                self._outage(info, f"it refused the events ({error})")
                return "unreachable"
            self._warn_dropped(len(batch), error)
        else:
            self.outage = False
        _remove_sent(path, {e["id"] for e in batch})
        return "sent"

    def _outage(self, info: ClassInfo, reason: str) -> None:
        if not self.outage:
            self.outage = True
            warnings.warn(
                f"the class service {info.base} cannot be reached ({reason}); your events are "
                "kept and will be sent when it answers again",
                stacklevel=2,
            )

    def _warn_dropped(self, count: int, error: Refused) -> None:
        """A batch the service can never take (it broke a limit) is dropped: said once."""
        if not self.drop_warned:
            self.drop_warned = True
            warnings.warn(
                f"the class service refused {count} event(s) as invalid ({error}); they were "
                "dropped (further refusals are dropped without a warning)",
                stacklevel=2,
            )

    def stop(self, info: ClassInfo, error: Refused) -> None:
        """Stop sending to the session (it is closed, or refuses the token): said once."""
        reason = "closed" if error.status in (404, 410) else "no longer accepts your token"
        self.stopped = (
            f"the class session {info.session} is {reason} ({error.detail or error.status})"
        )
        warnings.warn(
            f"{self.stopped}: nothing more is sent to it and checks are judged in your "
            "notebook; join the new class URL your instructor gives",
            stacklevel=2,
        )

    def flush(self, timeout: float = 3.0) -> int:
        """Send the waiting events now, for at most ``timeout`` seconds.

        Parameters
        ----------
        timeout : float
            Seconds to spend at most (waiting for a send under way included).

        Returns
        -------
        int
            How many events are still waiting.
        """
        deadline = time.monotonic() + timeout
        if not self.send_lock.acquire(timeout=max(0.0, timeout)):
            return self.waiting()
        try:
            while (left := deadline - time.monotonic()) > 0:
                if self.send_once(min(_http.REQUEST_TIMEOUT, left)) != "sent":
                    break
        finally:
            self.send_lock.release()
        return self.waiting()

    def _loop(self) -> None:
        """The daemon thread: send when woken; while unreachable retry after 1, 2, 4 ... 60 s."""
        delay: float | None = None
        while not self.quit.is_set():
            self.wake.wait(timeout=delay)
            self.wake.clear()
            if self.quit.is_set():
                return
            result = "sent"
            try:
                with self.send_lock:
                    while result == "sent" and not self.quit.is_set():
                        result = self.send_once(_http.REQUEST_TIMEOUT)
            except Exception as error:  # noqa: BLE001 - the thread must survive anything
                result = "unreachable"
                warn_quietly(f"could not send class events: {error}")
            if result == "unreachable":
                delay = 1.0 if delay is None else min(MAX_BACKOFF, delay * 2)
            else:
                delay = None

    def poke(self) -> None:
        """Wake the sending thread (starting it if needed)."""
        thread = self.thread
        if thread is None or not thread.is_alive():
            self.quit.clear()
            thread = threading.Thread(target=self._loop, name="mlcourse-live-sender", daemon=True)
            self.thread = thread
            thread.start()
        self.wake.set()

    def stop_sending_thread(self) -> None:
        """End the sending thread (a post under way ends at its own deadline)."""
        thread = self.thread
        if thread is not None and thread.is_alive():
            self.quit.set()
            self.wake.set()
            thread.join(timeout=_http.REQUEST_TIMEOUT + 1)
        self.thread = None
