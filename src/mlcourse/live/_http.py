"""One request from the learner's client to the class service, all of it within a deadline.

A socket's own timeout bounds each read, not the whole answer: a service that sends one byte a
second would hold the notebook for as long as it likes. :class:`Deadline` shuts the
connection's socket down when the request's time is up. Redirects are never followed (the
learner's token goes to the class service and nowhere else).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import urllib.parse
from typing import TYPE_CHECKING, Any

from ._protocol import MAX_ANSWER_BYTES

if TYPE_CHECKING:
    from ._client import ClassInfo

#: Seconds one request to the service may take, all of it (connecting, sending, the answer).
REQUEST_TIMEOUT = 3.0
#: Answers that end sending for this session (closed, or the token is no longer accepted).
STOPPING = (401, 403, 404, 410)


class Unreachable(Exception):
    """The service did not answer in time (network error, deadline, 5xx, 429, 408, 3xx)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class Refused(Exception):
    """The service answered with a 4xx."""

    def __init__(self, status: int, detail: str):
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class Deadline:
    """A watchdog that shuts a connection's socket down when the request's time is up.

    At the deadline the socket is shut down, which ends whatever read is waiting on it.
    """

    def __init__(self, seconds: float):
        self.sock: socket.socket | None = None
        self.lock = threading.Lock()
        self.expired = threading.Event()
        self.timer = threading.Timer(seconds, self._expire)
        self.timer.daemon = True

    def watch(self, sock: socket.socket | None) -> None:
        """Shut ``sock`` down at the deadline (at once if it has passed)."""
        with self.lock:
            self.sock = sock
        if self.expired.is_set():
            self._shutdown()

    def _expire(self) -> None:
        self.expired.set()
        self._shutdown()

    def _shutdown(self) -> None:
        # the connection hands its socket to the response (and forgets it) when the service
        # closes after answering: the socket watched is the one kept at connect time
        with self.lock:
            sock = self.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> Deadline:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    content_type: str = "application/json",
    token: str | None = None,
    timeout: float | None = None,
) -> Any:
    """One request, all of it within ``timeout`` seconds; the decoded JSON answer.

    Parameters
    ----------
    method : str
        ``"GET"`` or ``"POST"``.
    url : str
        The full URL of the service's API.
    body : bytes, optional
        What to post.
    content_type : str
        The body's type.
    token : str, optional
        Sent as a bearer token.
    timeout : float, optional
        Seconds for all of it; default :data:`REQUEST_TIMEOUT`.

    Returns
    -------
    Any
        The JSON of a 2xx answer.

    Raises
    ------
    Unreachable
        No answer in time, a 3xx (redirects are never followed: the token would go with
        them), 408, 429, 5xx, or an answer that is not JSON.
    Refused
        Any other 4xx.
    """
    timeout = max(0.1, REQUEST_TIMEOUT if timeout is None else timeout)
    parts = urllib.parse.urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "", parts.port, timeout=timeout)
    headers = {"Accept": "application/json", "Connection": "close"}
    if body is not None:
        headers["Content-Type"] = content_type
    if token:
        headers["Authorization"] = f"Bearer {token}"
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        with Deadline(timeout) as deadline:
            try:
                status, raw = _exchange(connection, deadline, method, target, body, headers)
            except (OSError, http.client.HTTPException, ValueError) as error:
                if deadline.expired.is_set():
                    raise Unreachable(f"no complete answer within {timeout:g} s") from None
                raise Unreachable(str(error) or type(error).__name__) from None
    finally:
        connection.close()
    return _decoded(status, raw)


def _exchange(
    connection: http.client.HTTPConnection,
    deadline: Deadline,
    method: str,
    target: str,
    body: bytes | None,
    headers: dict[str, str],
) -> tuple[int, bytes]:
    connection.connect()
    deadline.watch(connection.sock)
    if deadline.expired.is_set():
        raise TimeoutError("connecting took too long")
    connection.request(method, target, body=body, headers=headers)
    response = connection.getresponse()
    answered = response.status < 300
    raw = response.read(MAX_ANSWER_BYTES + 1) if answered else response.read(4096)
    if deadline.expired.is_set():
        raise TimeoutError("the answer took too long")
    if answered and response.length:  # the service closed before the end of its answer
        raise http.client.IncompleteRead(raw, response.length)
    return response.status, raw


def _decoded(status: int, raw: bytes) -> Any:
    """The JSON of a 2xx answer; Unreachable or Refused for the others."""
    if 300 <= status < 400:
        raise Unreachable(f"the class service answered with a redirect ({status}), not followed")
    if status >= 500 or status in (408, 429) or status < 200:
        raise Unreachable(f"the class service answered {status}", status)
    if status >= 400:
        raise Refused(status, _detail(raw, status))
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise Unreachable("the class service gave an answer that is not JSON") from None


def _detail(raw: bytes, status: int) -> str:
    try:
        detail = json.loads(raw).get("detail", "")
    except (ValueError, AttributeError, RecursionError):
        detail = ""
    text = " ".join(str(detail).split())[:200] if detail else ""
    return text or http.client.responses.get(status, "refused")


def api_url(info: ClassInfo, tail: str) -> str:
    """The URL of the session's API ``tail``, e.g. ``api_url(info, "events")``."""
    return f"{info.base}/api/s/{info.session}/{tail}"
