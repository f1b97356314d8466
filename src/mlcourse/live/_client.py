"""The learner's side of a live class: join, send events, buffer them offline, replay them.

Once a notebook has joined a class session, every ``check()``, ``hint()``, a cell that raises,
:func:`raise_hand` and :func:`done` becomes one :class:`~mlcourse.live._protocol.Event`. Events
are appended to ``<course root>/.mlcourse/live/outbox.jsonl`` (JSON lines, under a file lock)
and a daemon thread posts them in batches; what the service accepted (or already had) is
removed, the rest stays for the next attempt. Nothing here ever blocks or breaks the notebook:
an unreachable service costs one warning per outage, a closed session one warning, and no
exception reaches ``check()``, ``hint()`` or ``solution()``.

Events never carry code: a check's outcome, the problem, and for a cell that raised the class
of its exception with the first line of its message (at most 80 characters).

This module is imported only when a notebook joins a class (or ``MLCOURSE_CLASS`` is set), so
``check()`` outside a class pays nothing for it.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import io
import json
import os
import re
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from http.client import HTTPException
from pathlib import Path
from typing import Any

from ._protocol import (
    EXCEPTION_PATTERN,
    MAX_ANSWER_BYTES,
    MAX_BODY_BYTES,
    MAX_ERROR_DETAIL,
    MAX_EVENTS_PER_POST,
    MAX_MESSAGE,
    MODULE_PATTERN,
    NAME_PATTERN,
    PROBLEM_PATTERN,
    SESSION_PATTERN,
    Event,
)

try:  # POSIX; elsewhere the outbox is guarded within this process only
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Events kept in the outbox at most; beyond it the oldest are dropped (with one warning).
OUTBOX_CAP = 10_000
#: Seconds one request to the service may take.
REQUEST_TIMEOUT = 3.0
#: Longest wait between two attempts while the service cannot be reached.
MAX_BACKOFF = 60.0

_CLASS_URL = re.compile(
    r"^(?P<base>https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*"
    r"|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?(?:/[A-Za-z0-9._~-]{1,64}){0,4})"
    r"/s/(?P<session>[a-z0-9][a-z0-9-]{2,39})/?$"
)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_STOPPING = (401, 403, 404, 410)


class JoinError(RuntimeError):
    """The class session could not be joined (the message says why and what to do)."""


@dataclass(frozen=True)
class ClassInfo:
    """The class session this notebook has joined (saved in ``.mlcourse/live/class.json``).

    Attributes
    ----------
    url : str
        The class URL, ``http(s)://host[:port]/s/<session>``.
    session : str
        The session id.
    learner : str
        The learner's name (the service's pages show only the pseudonym on the projector).
    token : str
        The learner's credential for this session (never shown).
    pseudonym : str
        The name shown on the projector board.
    server_checks : bool
        Whether the service judges the checks (a graded class).
    module : str or None
        The session's module, e.g. ``"03"``.
    title : str
        The session's title.
    """

    url: str
    session: str
    learner: str
    token: str
    pseudonym: str
    server_checks: bool = False
    module: str | None = None
    title: str = ""

    @property
    def base(self) -> str:
        """The service's address (the class URL without ``/s/<session>``)."""
        return parse_class_url(self.url)[0]

    def __repr__(self) -> str:
        return (
            f"ClassInfo(session={self.session!r}, pseudonym={self.pseudonym!r}, "
            f"learner={self.learner!r}, server_checks={self.server_checks}, url={self.url!r})"
        )


class _State:
    """What this process knows about its class: the session, the outage, the sender."""

    def __init__(self) -> None:
        self.info: ClassInfo | None = None
        self.stopped: str | None = None  # why sending stopped (session closed, token revoked)
        self.outage = False
        self.cap_warned = False
        self.hook_registered = False
        self.exit_flush = False
        self.modules_seen: set[str] = set()
        self.cell_problems: dict[str, dict[str, str]] = {}
        self.send_lock = threading.Lock()
        self.wake = threading.Event()
        self.quit = threading.Event()
        self.thread: threading.Thread | None = None


_STATE = _State()


# --- the class URL and the files ------------------------------------------------------------


def parse_class_url(url: str) -> tuple[str, str]:
    """Split a class URL into the service's address and the session id.

    Parameters
    ----------
    url : str
        ``http(s)://host[:port]/s/<session>``, as the instructor shows it.

    Returns
    -------
    tuple of str
        ``(base, session)``, e.g. ``("http://10.0.0.5:8765", "03-20261203-a1f2")``.

    Raises
    ------
    ValueError
        When ``url`` is not a class URL.
    """
    match = _CLASS_URL.match(url.strip()) if isinstance(url, str) else None
    if match is None:
        raise ValueError(
            f"{url!r} is not a class URL: it should look like "
            "http://HOST:PORT/s/SESSION (ask your instructor for the class URL)"
        )
    port = re.search(r"(?<!:):(\d{1,5})(?:/|$)", match["base"].split("//", 1)[1])
    if port is not None and not 1 <= int(port[1]) <= 65535:
        raise ValueError(f"{url!r} is not a class URL: the port must be between 1 and 65535")
    return match["base"], match["session"]


def live_dir(root: Path | None = None) -> Path:
    """``<course root>/.mlcourse/live``, created (private to the user) on demand."""
    from .._paths import course_root

    path = (root or course_root()) / ".mlcourse" / "live"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _class_file() -> Path:
    return live_dir() / "class.json"


def _outbox_file() -> Path:
    return live_dir() / "outbox.jsonl"


def _write_private(path: Path, text: str) -> None:
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


def _save_class(info: ClassInfo) -> None:
    _write_private(_class_file(), json.dumps(asdict(info), indent=2) + "\n")


def _load_class() -> ClassInfo | None:
    """The saved class, or None when absent or not trustworthy (every field is checked)."""
    try:
        raw = _class_file().read_bytes()
        if len(raw) > 16 * 1024:
            return None
        data = json.loads(raw)
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        _, session = parse_class_url(data["url"])
        fields = {
            "url": data["url"].strip(),
            "session": _matching(data["session"], SESSION_PATTERN),
            "learner": _matching(data["learner"], NAME_PATTERN),
            "token": _matching(data["token"], _TOKEN.pattern),
            "pseudonym": _short_text(data.get("pseudonym", ""), 80),
            "server_checks": data.get("server_checks", False) is True,
            "module": _matching(data["module"], MODULE_PATTERN) if data.get("module") else None,
            "title": _short_text(data.get("title", ""), 120),
        }
    except (KeyError, TypeError, ValueError):
        return None
    return ClassInfo(**fields) if fields["session"] == session else None


def _matching(value: Any, pattern: str) -> str:
    if not isinstance(value, str) or not re.match(pattern, value):
        raise ValueError(f"unexpected value {value!r}")
    return value


def _short_text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value[:limit]


# --- the outbox -------------------------------------------------------------------------------


@contextlib.contextmanager
def _outbox_lock() -> Iterator[Path]:
    """Hold the outbox's file lock (other kernels of this learner wait) and yield its path."""
    folder = live_dir()
    fd = os.open(folder / "outbox.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield folder / "outbox.jsonl"
    finally:
        os.close(fd)  # closing releases the lock


def _read_outbox(path: Path) -> list[dict]:
    """The valid events in the outbox, oldest first (corrupt or invalid lines are skipped)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    events = []
    for line in text.splitlines():
        try:
            events.append(Event.model_validate_json(line).model_dump(exclude_none=True))
        except ValueError:
            continue
    return events


def _rewrite_outbox(path: Path, events: list[dict]) -> None:
    _write_private(path, "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events))


def _append(event: dict) -> None:
    """Append one event (one write, under the lock); beyond the cap drop the oldest."""
    line = json.dumps(event, separators=(",", ":")) + "\n"
    with _outbox_lock() as path:
        size = path.stat().st_size if path.exists() else 0
        if size > OUTBOX_CAP * 60:  # cheap test first: events are longer than 60 bytes
            kept = _read_outbox(path)
            if len(kept) >= OUTBOX_CAP:
                dropped = len(kept) - OUTBOX_CAP + 1
                _rewrite_outbox(path, kept[dropped:])
                _warn_cap(dropped)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)


def _warn_cap(dropped: int) -> None:
    if not _STATE.cap_warned:
        _STATE.cap_warned = True
        warnings.warn(
            f"the class outbox holds {OUTBOX_CAP} unsent events; the oldest {dropped} were "
            "dropped (the class service has not been reachable for a long time)",
            stacklevel=4,
        )


def _remove_sent(ids: set[str]) -> None:
    with _outbox_lock() as path:
        events = _read_outbox(path)
        _rewrite_outbox(path, [e for e in events if e["id"] not in ids])


def waiting() -> int:
    """How many events wait in the outbox to be sent."""
    try:
        with _outbox_lock() as path:
            return len(_read_outbox(path))
    except OSError:
        return 0


def _batch(events: list[dict]) -> list[dict]:
    """The oldest events that fit one post (count and body size)."""
    batch, size = [], 20
    for event in events[:MAX_EVENTS_PER_POST]:
        size += len(json.dumps(event)) + 2
        if size > MAX_BODY_BYTES and batch:
            break
        batch.append(event)
    return batch


# --- HTTP -------------------------------------------------------------------------------------

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _Unreachable(Exception):
    """The service did not answer (network error, timeout, 5xx, 429)."""


class _Refused(Exception):
    """The service answered with a 4xx."""

    def __init__(self, status: int, detail: str):
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


def _request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    content_type: str = "application/json",
    token: str | None = None,
    timeout: float = REQUEST_TIMEOUT,
) -> Any:
    """One request; the decoded JSON answer, or _Unreachable / _Refused."""
    headers = {"Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = content_type
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with _OPENER.open(request, timeout=max(0.1, timeout)) as response:
            raw = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code == 429:
            raise _Unreachable(f"the class service answered {error.code}") from None
        raise _Refused(error.code, _detail(error)) from None
    except (OSError, HTTPException, ValueError) as error:
        raise _Unreachable(str(error) or type(error).__name__) from None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise _Unreachable("the class service gave an answer that is not JSON") from None


def _detail(error: urllib.error.HTTPError) -> str:
    try:
        detail = json.loads(error.read(4096)).get("detail", "")
    except (OSError, ValueError, AttributeError, RecursionError, HTTPException):
        detail = ""
    return str(detail).splitlines()[0][:200] if detail else (error.reason or "")


def _api(info: ClassInfo, tail: str) -> str:
    return f"{info.base}/api/s/{info.session}/{tail}"


# --- sending ----------------------------------------------------------------------------------


def _send_once(timeout: float) -> str:
    """Post one batch: ``"empty"``, ``"sent"``, ``"unreachable"`` or ``"stopped"``."""
    info = _STATE.info
    if info is None or _STATE.stopped:
        return "stopped"
    with _outbox_lock() as path:
        batch = _batch(_read_outbox(path))
    if not batch:
        return "empty"
    body = json.dumps({"events": batch}).encode("utf-8")
    try:
        _request("POST", _api(info, "events"), body=body, token=info.token, timeout=timeout)
    except _Unreachable as error:
        _outage(info, str(error))
        return "unreachable"
    except _Refused as error:
        if error.status in _STOPPING:
            _stop(info, error)
            return "stopped"
        # a batch the service can never take (it broke a limit): drop it, say so once
        _outage(info, f"it refused {len(batch)} event(s) ({error}); they were dropped")
    else:
        if _STATE.outage:
            _STATE.outage = False
    _remove_sent({e["id"] for e in batch})
    return "sent"


def _outage(info: ClassInfo, reason: str) -> None:
    if not _STATE.outage:
        _STATE.outage = True
        warnings.warn(
            f"the class service {info.base} cannot be reached ({reason}); your events are kept "
            "and will be sent when it answers again",
            stacklevel=2,
        )


def _stop(info: ClassInfo, error: _Refused) -> None:
    reason = "closed" if error.status in (404, 410) else "no longer accepts your token"
    _STATE.stopped = (
        f"the class session {info.session} is {reason} ({error.detail or error.status})"
    )
    warnings.warn(
        f"{_STATE.stopped}: events are no longer sent; join the new class URL your instructor "
        "gives",
        stacklevel=2,
    )


def flush(timeout: float = 3.0) -> int:
    """Send the waiting events now, for at most ``timeout`` seconds.

    Parameters
    ----------
    timeout : float
        Seconds to spend at most.

    Returns
    -------
    int
        How many events are still waiting.
    """
    deadline = time.monotonic() + timeout
    with _STATE.send_lock:
        while (left := deadline - time.monotonic()) > 0:
            if _send_once(min(REQUEST_TIMEOUT, left)) != "sent":
                break
    return waiting()


def _sender_loop() -> None:
    """The daemon thread: send when woken; while unreachable retry after 1, 2, 4 ... 60 s."""
    delay: float | None = None
    while not _STATE.quit.is_set():
        _STATE.wake.wait(timeout=delay)
        _STATE.wake.clear()
        if _STATE.quit.is_set():
            return
        result = "sent"
        try:
            with _STATE.send_lock:
                while result == "sent" and not _STATE.quit.is_set():
                    result = _send_once(REQUEST_TIMEOUT)
        except Exception as error:  # noqa: BLE001 - the thread must survive anything
            result = "unreachable"
            _warn_quietly(f"could not send class events: {error}")
        if result == "unreachable":
            delay = 1.0 if delay is None else min(MAX_BACKOFF, delay * 2)
        else:
            delay = None


def _poke() -> None:
    """Wake the sender (starting it if needed)."""
    thread = _STATE.thread
    if thread is None or not thread.is_alive():
        _STATE.quit.clear()
        thread = threading.Thread(target=_sender_loop, name="mlcourse-live-sender", daemon=True)
        _STATE.thread = thread
        thread.start()
    _STATE.wake.set()


def _stop_sender() -> None:
    thread = _STATE.thread
    if thread is not None and thread.is_alive():
        _STATE.quit.set()
        _STATE.wake.set()
        thread.join(timeout=REQUEST_TIMEOUT + 1)
    _STATE.thread = None


def _warn_quietly(message: str) -> None:
    with contextlib.suppress(Exception):
        warnings.warn(message, stacklevel=3)


def _new_event(kind: str, **fields: Any) -> dict:
    event = {"id": str(uuid.uuid4()), "time": round(time.time(), 3), "kind": kind}
    event.update({k: v for k, v in fields.items() if v is not None})
    return Event.model_validate(event).model_dump(exclude_none=True)


def _emit(kind: str, **fields: Any) -> bool:
    """Queue one event and wake the sender; False (and no exception) when it could not be."""
    if _STATE.info is None or _STATE.stopped:
        return False
    try:
        _append(_new_event(kind, **fields))
    except Exception as error:  # noqa: BLE001 - never break the notebook
        _warn_quietly(f"could not keep a class event: {error}")
        return False
    with contextlib.suppress(Exception):
        _poke()
    return True


# --- what the notebook calls ------------------------------------------------------------------


def joined() -> ClassInfo | None:
    """The class this process has joined, or None."""
    return _STATE.info


def join(url: str, name: str | None = None) -> ClassInfo:
    """Join a class session: from now on checks, hints and errors are sent to it.

    Parameters
    ----------
    url : str
        The class URL, ``http(s)://host[:port]/s/<session>``.
    name : str, optional
        Your name; default the course's learner (``mlcourse whoami --set NAME``).

    Returns
    -------
    ClassInfo
        The session, your pseudonym on the board, whether the service judges checks.

    Raises
    ------
    ValueError
        When the URL is not a class URL or no valid name is known.
    JoinError
        When the service cannot be reached or refuses (closed session, name taken).
    """
    base, session = parse_class_url(url)
    url = f"{base}/s/{session}"
    name = _learner_name(name)
    saved = _load_class()
    token = saved.token if saved and saved.session == session and saved.learner == name else None
    answer = _post_join(base, session, name, token)
    info = _class_info(url, session, name, answer)
    if saved is None or saved.session != session:
        with contextlib.suppress(OSError), _outbox_lock() as path:
            path.unlink(missing_ok=True)  # another session's events do not belong here
    _save_class(info)
    _STATE.info, _STATE.stopped, _STATE.outage = info, None, False
    if info.module:
        _STATE.modules_seen.add(info.module)
    _register_hook()
    if not _STATE.exit_flush:
        _STATE.exit_flush = True
        atexit.register(_flush_at_exit)
    _poke()
    return info


def _flush_at_exit() -> None:
    """A closing kernel sends what is still waiting (2 s at most; the rest stays on disk)."""
    with contextlib.suppress(Exception):
        if _STATE.info is not None and not _STATE.stopped:
            flush(2.0)


def _learner_name(name: str | None) -> str:
    from ..tracking._identity import current_learner, validate_learner

    name = name or current_learner() or os.environ.get("JUPYTERHUB_USER")
    if not name:
        raise ValueError(
            "no learner name: set yours with `mlcourse whoami --set NAME`, or join with "
            "join(url, name='your.name')"
        )
    return validate_learner(name)


def _post_join(base: str, session: str, name: str, token: str | None) -> dict:
    body = json.dumps({"name": name}).encode("utf-8")
    target = f"{base}/api/s/{session}/join"
    try:
        answer = _request("POST", target, body=body, token=token or _hub_token(base))
    except _Unreachable as error:
        raise JoinError(f"the class service {base} cannot be reached ({error})") from None
    except _Refused as error:
        if error.status == 404:
            raise JoinError(f"there is no open class session {session} at {base}") from None
        if error.status == 409:
            raise JoinError(
                f"the name {name!r} is already taken in session {session} (by another "
                "notebook or machine); join with another name: join(url, name='...')"
            ) from None
        raise JoinError(f"the class service refused to join ({error})") from None
    if not isinstance(answer, dict):
        raise JoinError("the class service gave an answer that could not be read")
    return answer


def _hub_token(base: str) -> str | None:
    """Behind JupyterHub, the Hub token identifies the learner, but only to the Hub's host."""
    token = os.environ.get("JUPYTERHUB_API_TOKEN")
    api = os.environ.get("JUPYTERHUB_API_URL", "")
    hub_host = urllib.parse.urlsplit(api).hostname if api else None
    if token and hub_host and hub_host == urllib.parse.urlsplit(base).hostname:
        return token
    return None


def _class_info(url: str, session: str, name: str, answer: dict) -> ClassInfo:
    about = answer.get("session") if isinstance(answer.get("session"), dict) else {}
    try:
        learner = answer.get("learner")
        return ClassInfo(
            url=url,
            session=session,
            learner=_matching(learner, NAME_PATTERN) if learner else name,
            token=_matching(answer.get("token"), _TOKEN.pattern),
            pseudonym=_short_text(answer.get("pseudonym", ""), 80),
            server_checks=about.get("server_checks") is True,
            module=_matching(about["module"], MODULE_PATTERN) if about.get("module") else None,
            title=_short_text(about.get("title") or "", 120),
        )
    except (TypeError, ValueError):
        raise JoinError("the class service gave an answer that could not be read") from None


def leave() -> None:
    """Leave the class: send what is waiting (3 s at most), then forget the session."""
    if _STATE.info is not None:
        left = flush(3.0)
        if left:
            warnings.warn(f"{left} class event(s) could not be sent and were dropped", stacklevel=2)
    _STATE.info = None
    _STATE.stopped = None
    _stop_sender()
    for path in (_class_file(), _outbox_file()):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def raise_hand(message: str = "") -> None:
    """Raise your hand: the instructor sees it (with ``message``, if any) on their page.

    Parameters
    ----------
    message : str
        What you need, in a few words (at most 200 characters are sent).
    """
    text = " ".join(str(message).split())[:MAX_MESSAGE] or None
    if _emit("hand", module=_session_module(), message=text):
        print("Your hand is raised: the instructor can see it.")
    else:
        print(_not_in_class())


def lower_hand() -> None:
    """Lower your raised hand (you found the answer)."""
    if _emit("lower", module=_session_module()):
        print("Your hand is lowered.")
    else:
        print(_not_in_class())


def done() -> None:
    """Tell the instructor you finished the session's exercises."""
    if _emit("done", module=_session_module()):
        flush(3.0)
        print("Marked as done: the instructor can see it.")
    else:
        print(_not_in_class())


def status() -> str:
    """One line on the class: joined or not, and how many events wait to be sent."""
    info = _STATE.info
    if info is None:
        return "Not in a class session (join one with mlcourse.live.join(URL))."
    count = waiting()
    line = f"In class {info.session} at {info.base} as {info.pseudonym or info.learner}"
    if _STATE.stopped:
        return f"{line}; {_STATE.stopped}: {count} event(s) not sent."
    state = "the service cannot be reached now; " if _STATE.outage else ""
    return f"{line}; {state}{count} event(s) waiting to be sent."


def _session_module() -> str | None:
    return _STATE.info.module if _STATE.info else None


def _not_in_class() -> str:
    if _STATE.stopped:
        return f"Not sent: {_STATE.stopped}."
    return "Not in a class session: join one first with mlcourse.live.join(URL)."


# --- hooks used by check(), hint(), solution() --------------------------------------------------


def on_check(outcome: Any, module: str) -> None:
    """Send one check's outcome (called by ``exercises._events.record``); never raises."""
    try:
        _STATE.modules_seen.add(module)
        _emit(
            "check",
            module=module,
            problem=outcome.problem,
            status=outcome.status,
            points=float(outcome.points),
        )
    except Exception as error:  # noqa: BLE001
        _warn_quietly(f"could not send the check to the class: {error}")


def on_hint(module: str, problem: str) -> None:
    """Send one hint asked for; never raises."""
    try:
        _STATE.modules_seen.add(module)
        _emit("hint", module=module, problem=problem)
    except Exception as error:  # noqa: BLE001
        _warn_quietly(f"could not send the hint to the class: {error}")


def solution_from_service(problem: str) -> tuple[bool, str] | None:
    """Ask the service for a solution: ``(released, text or reason)``; None outside a class."""
    info = _STATE.info
    if info is None or not re.match(PROBLEM_PATTERN, problem):
        return None
    try:
        answer = _request("GET", _api(info, f"solution/{problem}"), token=info.token)
    except _Unreachable:
        return False, (
            f"The class service cannot be reached, so the solution to {problem} cannot be "
            "shown now; try again in a moment."
        )
    except _Refused as error:
        return False, f"The class service did not give the solution to {problem}: {error.detail}."
    if isinstance(answer, dict) and answer.get("released") is True:
        text = answer.get("text")
        if isinstance(text, str):
            return True, text
    reason = answer.get("reason") if isinstance(answer, dict) else None
    reason = " ".join(str(reason).split())[:200] if reason else "not released yet"
    return False, f"The solution to {problem} is not released yet: {reason}."


def check_on_service(problem: Any, namespace: Mapping[str, Any], module: str) -> Any:
    """Have the service judge a check (a graded class); None when checks are local.

    The answer is collected here, encoded as the grader's safe files, sent as a tar, and
    the service's outcome returned. It is recorded in the local log (the service records
    its own event). Unreachable: a Checker error saying to check again, recorded nowhere.
    """
    info = _STATE.info
    if info is None or not info.server_checks or _STATE.stopped:
        return None
    from ..checks import Outcome

    def checker_error(pid: str, points: float, message: str) -> Any:
        return Outcome("checker_error", pid, message, 0.0, points)

    _STATE.modules_seen.add(module)
    try:
        body = _answer_tar(problem, namespace)
    except Exception as error:  # noqa: BLE001 - a learner's value may fail to encode
        return checker_error(problem.id, problem.points, f"Your answer could not be sent: {error}")
    if len(body) > MAX_ANSWER_BYTES:
        return checker_error(
            problem.id,
            problem.points,
            f"Your answer is too large to send to the class service ({len(body) // 1024} KiB; "
            f"the limit is {MAX_ANSWER_BYTES // 1024} KiB).",
        )
    try:
        answer = _request(
            "POST",
            _api(info, f"check/{problem.id}"),
            body=body,
            content_type="application/x-tar",
            token=info.token,
            timeout=30.0,
        )
        outcome = _outcome_from(answer, problem, Outcome)
    except (_Unreachable, _Refused, ValueError, TypeError) as error:
        return checker_error(
            problem.id,
            problem.points,
            f"The class service could not be reached to judge this check ({error}); "
            "nothing was recorded: check again in a moment.",
        )
    from ..exercises import _events

    _events.record(outcome, module, live=False)
    return outcome


def _answer_tar(problem: Any, namespace: Mapping[str, Any]) -> bytes:
    from ..grader._encode import encode_answers

    answer = problem.collect(namespace)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="mlcourse-answer-") as tmp:
        encode_answers({problem.id: answer}, Path(tmp))
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            for path in sorted(Path(tmp).iterdir()):
                tar.add(path, arcname=path.name, recursive=False)
    return buffer.getvalue()


def _outcome_from(answer: Any, problem: Any, outcome_class: type) -> Any:
    if not isinstance(answer, dict) or answer.get("problem") != problem.id:
        raise ValueError("the service's answer could not be read")
    details = answer.get("details") if isinstance(answer.get("details"), dict) else {}
    if isinstance(answer.get("attempt"), int):
        details = {**details, "attempt": answer["attempt"]}
    return outcome_class(
        status=str(answer.get("status")),
        problem=problem.id,
        message=str(answer.get("message") or ""),
        points=float(answer.get("points") or 0.0),
        max_points=float(answer.get("max_points") or problem.points),
        details=details,
    )


# --- cells that raise --------------------------------------------------------------------------


def _register_hook() -> None:
    """Register the IPython ``post_run_cell`` hook once (only where IPython runs)."""
    if _STATE.hook_registered or "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    shell.events.register("post_run_cell", _on_post_run_cell)
    _STATE.hook_registered = True


def _on_post_run_cell(result: Any) -> None:
    """Send an ``error`` event for a cell that raised; never raises itself."""
    try:
        error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
        if error is None or isinstance(error, KeyboardInterrupt) or _is_check_failed(error):
            return
        cell_id = getattr(getattr(result, "info", None), "cell_id", None)
        problem = _problem_of_cell(cell_id) if isinstance(cell_id, str) else None
        _emit(
            "error",
            module=problem[:2] if problem else _session_module(),
            problem=problem,
            error=exception_name(error),
            detail=error_detail(error),
        )
    except Exception:  # noqa: BLE001, S110 - a hook must never disturb the notebook
        pass


def _is_check_failed(error: BaseException) -> bool:
    from ..exercises._bound import CheckFailed

    return isinstance(error, CheckFailed)  # the check event already says it


def exception_name(error: BaseException) -> str:
    """The class of ``error``: its name for builtins, else qualified by its module."""
    kind = type(error)
    name = kind.__qualname__
    if getattr(builtins, kind.__name__, None) is not kind:
        name = f"{kind.__module__}.{name}"
    if re.match(EXCEPTION_PATTERN, name):
        return name
    return kind.__name__ if re.match(EXCEPTION_PATTERN, kind.__name__) else "Exception"


def error_detail(error: BaseException) -> str | None:
    """The first line of the error's message, at most 80 characters (None when empty)."""
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - a learner's exception may fail to print
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:MAX_ERROR_DETAIL] if lines else None


def _problem_of_cell(cell_id: str) -> str | None:
    """The problem a cell belongs to, from the released exercises notebooks' cell metadata.

    Learners work in copies (the workspace) whose cells keep the released notebook's ids.
    """
    for module in sorted(_STATE.modules_seen):
        problem = _cell_problems(module).get(cell_id)
        if problem:
            return problem
    return None


def _cell_problems(module: str) -> dict[str, str]:
    if module not in _STATE.cell_problems:
        _STATE.cell_problems[module] = _read_cell_problems(module)
    return _STATE.cell_problems[module]


def _read_cell_problems(module: str) -> dict[str, str]:
    from .._paths import module_notebook

    path = module_notebook("exercises", module)
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"] if path else []
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return {}
    found = {}
    for cell in cells if isinstance(cells, list) else []:
        with contextlib.suppress(AttributeError, KeyError, TypeError):
            problem = cell["metadata"]["mlcourse"]["problem"]
            if isinstance(cell.get("id"), str) and re.match(PROBLEM_PATTERN, str(problem)):
                found[cell["id"]] = problem
    return found


def _reset() -> None:
    """Forget the class in this process (tests; a fresh kernel starts this way)."""
    _stop_sender()
    global _STATE
    _STATE = _State()
