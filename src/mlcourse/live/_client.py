"""The learner's side of a live class: join, send events, buffer them offline, replay them.

Once a notebook has joined a class session, every ``check()``, ``hint()``, a cell that raises,
:func:`raise_hand` and :func:`done` becomes one :class:`~mlcourse.live._protocol.Event`, kept
in the learner's outbox and posted in the background (:mod:`mlcourse.live._outbox`), each
request within one overall deadline and never redirected (:mod:`mlcourse.live._http`). Nothing
here ever blocks or breaks the notebook: an unreachable service costs one warning per outage,
a closed session one warning, and no exception reaches ``check()``, ``hint()`` or
``solution()``. This module joins, hooks into the checks and cells, and renders what the
service says.

Events never carry code: a check's outcome (with the class of the exception a failing case
raised), the problem, and for an exercise cell that raised the class of its exception with
the first line of its message (at most 80 characters, long quoted values and paths removed).

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
import time
import urllib.parse
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ._http import STOPPING, Refused, Unreachable, api_url, request
from ._outbox import Sender, live_dir, locked, outbox_file, warn_quietly, write_private
from ._protocol import (
    EXCEPTION_PATTERN,
    JOIN_KEY_PATTERN,
    MAX_ANSWER_BYTES,
    MAX_ERROR_DETAIL,
    MAX_MESSAGE,
    MODULE_PATTERN,
    NAME_PATTERN,
    PROBLEM_PATTERN,
    SESSION_PATTERN,
    Event,
)

#: Seconds a server-judged check may take, all of it.
CHECK_TIMEOUT = 30.0
#: Quoted values longer than this are not sent in an error's detail (a key such as 'target' is).
_SHORT_LITERAL = 24

_CLASS_URL = re.compile(
    r"^(?P<base>https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*"
    r"|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?(?:/[A-Za-z0-9._~-]{1,64}){0,4})"
    r"/s/(?P<session>[a-z0-9][a-z0-9-]{2,39})/?(?:\?key=(?P<key>[^&#\s]*))?$"
)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


class JoinError(RuntimeError):
    """The class session could not be joined (the message says why and what to do)."""


class ClassURL(NamedTuple):
    """A class URL's parts: the service's address, the session id and its join key."""

    base: str
    session: str
    key: str

    def __str__(self) -> str:
        return f"{self.base}/s/{self.session}?key={self.key}"


@dataclass(frozen=True)
class ClassInfo:
    """The class session this notebook has joined (saved in ``.mlcourse/live/class.json``).

    Attributes
    ----------
    url : str
        The class URL, ``http(s)://host[:port]/s/<session>?key=<key>``.
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
    key : str
        The session's join key (the class URL's ``key``; never shown).
    """

    url: str
    session: str
    learner: str
    token: str
    pseudonym: str
    server_checks: bool = False
    module: str | None = None
    title: str = ""
    key: str = ""

    @property
    def base(self) -> str:
        """The service's address (the class URL without ``/s/<session>``)."""
        return parse_class_url(self.url).base

    def __repr__(self) -> str:
        return (
            f"ClassInfo(session={self.session!r}, pseudonym={self.pseudonym!r}, "
            f"learner={self.learner!r}, server_checks={self.server_checks}, "
            f"url={self.base + '/s/' + self.session!r})"
        )


class _State(Sender):
    """What this process knows about its class: the sender's state, and the hooks'.

    Besides a :class:`~mlcourse.live._outbox.Sender`'s: whether the cell hook and the exit
    flush are registered, the modules whose checks ran, and their cells' problems.
    """

    def __init__(self) -> None:
        super().__init__()
        self.hook_registered = False
        self.exit_flush = False
        self.modules_seen: set[str] = set()
        self.cell_problems: dict[str, dict[str, str]] = {}


_STATE = _State()


# --- the class URL and the files ------------------------------------------------------------


def parse_class_url(url: str) -> ClassURL:
    """Split a class URL into the service's address, the session id and its join key.

    Parameters
    ----------
    url : str
        ``http(s)://host[:port][/prefix]/s/<session>?key=<key>``, as the instructor gives it.

    Returns
    -------
    ClassURL
        ``(base, session, key)``, e.g. ``("http://10.0.0.5:8765", "03-20261203-a1f2", key)``.

    Raises
    ------
    ValueError
        When ``url`` is not a class URL, or has no valid join key (the projector board's
        address has none).
    """
    match = _CLASS_URL.match(url.strip()) if isinstance(url, str) else None
    if match is None:
        raise ValueError(
            f"{url!r} is not a class URL: it should look like "
            "http://HOST:PORT/s/SESSION?key=KEY (ask your instructor for the class URL)"
        )
    port = re.search(r"(?<!:):(\d{1,5})(?:/|$)", match["base"].split("//", 1)[1])
    if port is not None and not 1 <= int(port[1]) <= 65535:
        raise ValueError(f"{url!r} is not a class URL: the port must be between 1 and 65535")
    if match["key"] is None or not re.match(JOIN_KEY_PATTERN, match["key"]):
        raise ValueError(
            f"{match['base']}/s/{match['session']} has no valid join key: copy the full class "
            "URL your instructor gives, ending in ?key=... (the projector board's address "
            "has no key)"
        )
    return ClassURL(match["base"], match["session"], match["key"])


def _class_file(session: str | None = None) -> Path:
    """``class.json`` (the class joined last), or ``class.<session>.json`` (one session's)."""
    return live_dir() / (f"class.{session}.json" if session else "class.json")


def _save_class(info: ClassInfo) -> None:
    text = json.dumps(asdict(info), indent=2) + "\n"
    write_private(_class_file(info.session), text)
    write_private(_class_file(), text)


def _load_class(session: str | None = None) -> ClassInfo | None:
    """A saved class, or None when absent or not trustworthy (every field is checked).

    Without ``session``: the class joined last (``class.json``); with it: that session's
    (``class.<session>.json``, else ``class.json`` when it is that session's).
    """
    if session is not None and re.match(SESSION_PATTERN, session):
        own = _read_class_file(_class_file(session))
        if own is not None and own.session == session:
            return own
    info = _read_class_file(_class_file())
    return info if info is None or session is None or info.session == session else None


def _read_class_file(path: Path) -> ClassInfo | None:
    try:
        raw = path.read_bytes()
        if len(raw) > 16 * 1024:
            return None
        data = json.loads(raw)
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        url = parse_class_url(data["url"])
        fields = {
            "url": str(url),
            "session": _matching(data["session"], SESSION_PATTERN),
            "learner": _matching(data["learner"], NAME_PATTERN),
            "token": _matching(data["token"], _TOKEN.pattern),
            "pseudonym": _short_text(data.get("pseudonym", ""), 80),
            "server_checks": data.get("server_checks", False) is True,
            "module": _matching(data["module"], MODULE_PATTERN) if data.get("module") else None,
            "title": _short_text(data.get("title", ""), 120),
            "key": _matching(data["key"], JOIN_KEY_PATTERN),
        }
    except (KeyError, TypeError, ValueError):
        return None
    if fields["session"] != url.session or fields["key"] != url.key:
        return None
    return ClassInfo(**fields)


def _matching(value: Any, pattern: str) -> str:
    if not isinstance(value, str) or not re.match(pattern, value):
        raise ValueError(f"unexpected value {value!r}")
    return value


def _short_text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value[:limit]


# --- events ---------------------------------------------------------------------------------


def waiting() -> int:
    """How many events of this class wait in the outbox to be sent."""
    return _STATE.waiting()


def flush(timeout: float = 3.0) -> int:
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
    return _STATE.flush(timeout)


def _poke() -> None:
    """Wake the sender (starting it if needed)."""
    _STATE.poke()


def _new_event(kind: str, **fields: Any) -> dict:
    event = {"id": str(uuid.uuid4()), "time": round(time.time(), 3), "kind": kind}
    event.update({k: v for k, v in fields.items() if v is not None})
    return Event.model_validate(event).model_dump(exclude_none=True)


def _emit(kind: str, **fields: Any) -> bool:
    """Queue one event and wake the sender; False (and no exception) when it could not be."""
    if _STATE.info is None or _STATE.stopped:
        return False
    try:
        _STATE.append(_new_event(kind, **fields))
    except Exception as error:  # noqa: BLE001 - never break the notebook
        warn_quietly(f"could not keep a class event: {error}")
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
        The class URL, ``http(s)://host[:port]/s/<session>?key=<key>``.
    name : str, optional
        Your name; default the course's learner (``mlcourse whoami --set NAME``).

    Returns
    -------
    ClassInfo
        The session, your pseudonym on the board, whether the service judges checks.

    Raises
    ------
    ValueError
        When the URL is not a class URL (or has no join key) or no valid name is known.
    JoinError
        When the service cannot be reached or refuses (closed session, wrong key, name taken).
    """
    parsed = parse_class_url(url)
    name = _learner_name(name)
    saved = _load_class(parsed.session)
    token = saved.token if saved and saved.learner == name else None
    answer = _post_join(parsed, name, token)
    info = _class_info(parsed, name, answer)
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


def _join_request(target: str, body: bytes, token: str | None) -> Any:
    """Post a join, waiting and asking again while the service says it is busy (429).

    A whole class joins within a minute behind one address (a NAT or the Hub's proxy), so
    joins are rate-limited per address; a refused join waits 0.5, 1, 2, 4 s (about 8 s in
    all) before it gives up.
    """
    pauses = [0.5, 1.0, 2.0, 4.0]
    while True:
        try:
            return request("POST", target, body=body, token=token)
        except Unreachable as error:
            if error.status != 429 or not pauses:
                raise
            time.sleep(pauses.pop(0))


def _post_join(url: ClassURL, name: str, token: str | None) -> dict:
    base, session = url.base, url.session
    body = json.dumps({"name": name, "key": url.key}).encode("utf-8")
    target = f"{base}/api/s/{session}/join"
    try:
        answer = _join_request(target, body, token or _hub_token(base))
    except Unreachable as error:
        raise JoinError(f"the class service {base} cannot be reached ({error})") from None
    except Refused as error:
        if error.status == 404:
            raise JoinError(f"there is no open class session {session} at {base}") from None
        if error.status == 409:
            raise JoinError(
                f"the name {name!r} is already taken in session {session} (by another "
                "notebook or machine); join with another name: join(url, name='...')"
            ) from None
        if error.status == 403:
            raise JoinError(
                f"the class service refused to join ({error.detail}): copy the full class URL "
                "your instructor gives, with its key"
            ) from None
        raise JoinError(f"the class service refused to join ({error})") from None
    if not isinstance(answer, dict):
        raise JoinError("the class service gave an answer that could not be read")
    return answer


def _origin(url: str) -> tuple[str, str, int] | None:
    """A URL's origin (scheme, host, port), or None when it has none."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or port is None:
        return None
    return parts.scheme, parts.hostname.lower(), port


def _hub_token(base: str) -> str | None:
    """Behind JupyterHub, the Hub token identifies the learner, but only to the Hub itself.

    The token lets whoever holds it act as the learner on their server, so it goes only to an
    origin (scheme, host and port) the Hub's own settings name: its API's, its public URL's,
    and the class URL the Hub handed this server (``MLCOURSE_CLASS`` set by the spawner).
    """
    token = os.environ.get("JUPYTERHUB_API_TOKEN")
    if not token:
        return None
    trusted = {
        _origin(os.environ.get(name, ""))
        for name in ("JUPYTERHUB_API_URL", "JUPYTERHUB_PUBLIC_HUB_URL", "MLCOURSE_CLASS")
    } - {None}
    return token if _origin(base) in trusted else None


def _class_info(url: ClassURL, name: str, answer: dict) -> ClassInfo:
    about = answer.get("session") if isinstance(answer.get("session"), dict) else {}
    try:
        learner = answer.get("learner")
        return ClassInfo(
            url=str(url),
            session=url.session,
            learner=_matching(learner, NAME_PATTERN) if learner else name,
            token=_matching(answer.get("token"), _TOKEN.pattern),
            pseudonym=_short_text(answer.get("pseudonym", ""), 80),
            server_checks=about.get("server_checks") is True,
            module=_matching(about["module"], MODULE_PATTERN) if about.get("module") else None,
            title=_short_text(about.get("title") or "", 120),
            key=url.key,
        )
    except (TypeError, ValueError):
        raise JoinError("the class service gave an answer that could not be read") from None


def leave() -> None:
    """Leave the class: send what is waiting (3 s at most), then forget the session."""
    info = _STATE.info
    if info is not None:
        left = flush(3.0)
        if left:
            warnings.warn(f"{left} class event(s) could not be sent and were dropped", stacklevel=2)
    _STATE.info = None
    _STATE.stopped = None
    _STATE.stop_sending_thread()
    if info is None:
        return
    outbox = outbox_file(info.session, info.learner)
    with contextlib.suppress(OSError), locked(outbox):
        outbox.unlink(missing_ok=True)
    last = _load_class()
    for path in (_class_file(info.session), *([_class_file()] if last == info else [])):
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
    """Tell the instructor you finished the session's exercises (sent in the background)."""
    if _emit("done", module=_session_module()):
        print("Marked as done: the instructor sees it as soon as it is sent.")
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
    """Send one check's outcome (called by ``exercises._events.record``); never raises.

    A failed check carries the class of the exception its first failing case raised (the
    checker puts it in ``outcome.details["error"]``), never a message.
    """
    try:
        _STATE.modules_seen.add(module)
        _emit(
            "check",
            module=module,
            problem=outcome.problem,
            status=outcome.status,
            points=float(outcome.points),
            error=_check_error(outcome),
        )
    except Exception as error:  # noqa: BLE001
        warn_quietly(f"could not send the check to the class: {error}")


def _check_error(outcome: Any) -> str | None:
    if outcome.status != "incorrect":
        return None
    details = getattr(outcome, "details", None)
    error = details.get("error") if isinstance(details, dict) else None
    return error if isinstance(error, str) and re.match(EXCEPTION_PATTERN, error) else None


def on_hint(module: str, problem: str) -> None:
    """Send one hint asked for; never raises."""
    try:
        _STATE.modules_seen.add(module)
        _emit("hint", module=module, problem=problem)
    except Exception as error:  # noqa: BLE001
        warn_quietly(f"could not send the hint to the class: {error}")


def solution_from_service(problem: str) -> tuple[bool, str] | None:
    """Ask the service for a solution: ``(released, text or reason)``; None outside a class."""
    info = _STATE.info
    if info is None or not re.match(PROBLEM_PATTERN, problem):
        return None
    try:
        answer = request("GET", api_url(info, f"solution/{problem}"), token=info.token)
    except Unreachable:
        return False, (
            f"The class service cannot be reached, so the solution to {problem} cannot be "
            "shown now; try again in a moment."
        )
    except Refused as error:
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
    A closed session (or a token it no longer accepts) stops server checks: this check and
    the next are judged in the notebook.
    """
    info = _STATE.info
    if info is None or not info.server_checks or _STATE.stopped:
        return None
    from ..checks import Outcome

    def checker_error(message: str) -> Any:
        return Outcome("checker_error", problem.id, message, 0.0, problem.points)

    _STATE.modules_seen.add(module)
    try:
        body = _answer_tar(problem, namespace)
    except Exception as error:  # noqa: BLE001 - a learner's value may fail to encode
        return checker_error(f"Your answer could not be sent: {error}")
    if len(body) > MAX_ANSWER_BYTES:
        return checker_error(
            f"Your answer is too large to send to the class service ({len(body) // 1024} KiB; "
            f"the limit is {MAX_ANSWER_BYTES // 1024} KiB)."
        )
    try:
        answer = request(
            "POST",
            api_url(info, f"check/{problem.id}"),
            body=body,
            content_type="application/x-tar",
            token=info.token,
            timeout=CHECK_TIMEOUT,
        )
        outcome = _outcome_from(answer, problem)
    except Refused as error:
        if error.status in STOPPING:
            _STATE.stop(info, error)
            return None
        return checker_error(
            f"The class service refused to judge this check ({error}); nothing was recorded."
        )
    except (Unreachable, ValueError, TypeError) as error:
        return checker_error(
            f"The class service could not be reached to judge this check ({error}); "
            "nothing was recorded: check again in a moment."
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


_SERVICE_OUTCOME: type | None = None


def _service_outcome_class() -> type:
    """An Outcome whose message, the service's text, is shown as text (never Markdown)."""
    global _SERVICE_OUTCOME
    if _SERVICE_OUTCOME is None:
        from ..checks import Outcome
        from ..exercises._bound import markdown_text

        class ServiceOutcome(Outcome):
            """A check's outcome as the class service judged it."""

            def _repr_markdown_(self) -> str:
                plain = Outcome(self.status, self.problem, "", self.points, self.max_points)
                head = plain._repr_markdown_()
                if not self.message:
                    return head
                return head + "\n\n" + markdown_text(self.message).replace("\n", "  \n")

        _SERVICE_OUTCOME = ServiceOutcome
    return _SERVICE_OUTCOME


def _outcome_from(answer: Any, problem: Any) -> Any:
    if not isinstance(answer, dict) or answer.get("problem") != problem.id:
        raise ValueError("the service's answer could not be read")
    details = answer.get("details") if isinstance(answer.get("details"), dict) else {}
    if isinstance(answer.get("attempt"), int):
        details = {**details, "attempt": answer["attempt"]}
    return _service_outcome_class()(
        status=str(answer.get("status")),
        problem=problem.id,
        message=str(answer.get("message") or "")[:4000],
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
    """Send an ``error`` event for a cell that raised; never raises itself.

    The exception's class is sent for every cell; its message (cleaned by
    :func:`error_detail`) only for the cells of an exercise, whose messages are about the
    exercise rather than the learner's own files and data.
    """
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
            detail=error_detail(error) if problem else None,
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


_QUOTED = re.compile(r"""(['"])(.*?)\1""")
_PATHLIKE = re.compile(r"""[^\s'"]*[/\\][\w.~-][^\s'"]*""")


def error_detail(error: BaseException) -> str | None:
    """The first line of the error's message, cleaned, at most 80 characters (None if empty).

    Quoted values longer than a short key (``'target'`` stays) become ``'…'`` and anything
    that looks like a path becomes ``<path>``: a message must not carry the learner's files,
    home folder or data to the projector.
    """
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - a learner's exception may fail to print
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    line = _QUOTED.sub(_short_quote, lines[0])
    line = _PATHLIKE.sub("<path>", line)
    return line[:MAX_ERROR_DETAIL] or None


def _short_quote(match: re.Match) -> str:
    quote, inside = match[1], match[2]
    if len(inside) > _SHORT_LITERAL or _PATHLIKE.fullmatch(inside):
        return f"{quote}…{quote}"
    return match[0]


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
    global _STATE
    _STATE.stop_sending_thread()
    _STATE = _State()
