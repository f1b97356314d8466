"""Who is asking: the instructor's token, learners' tokens, pseudonyms and the JupyterHub login.

The instructor holds one token per service, compared in constant time. A learner's token is
random and the store keeps only its SHA-256, so a copy of the database lets nobody post as a
learner. Pseudonyms come from an HMAC of the learner's name under the session's own secret: the
projector board shows them, and nobody can work back from one to the name.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

COOKIE = "mlcourse_live"

ADJECTIVES = (
    "Amber", "Azure", "Bold", "Brave", "Bright", "Calm", "Clever", "Coral", "Crimson", "Curious",
    "Daring", "Eager", "Fancy", "Gentle", "Golden", "Happy", "Indigo", "Jade", "Jolly", "Keen",
    "Kind", "Lively", "Lucky", "Lunar", "Merry", "Mint", "Noble", "Olive", "Patient", "Plum",
    "Proud", "Quick", "Quiet", "Rapid", "Ruby", "Sage", "Scarlet", "Silver", "Sleek", "Smart",
    "Snowy", "Solar", "Steady", "Sunny", "Swift", "Teal", "Tidy", "Violet", "Vivid", "Witty",
)  # fmt: skip
ANIMALS = (
    "Badger", "Beaver", "Bison", "Camel", "Cheetah", "Crane", "Dolphin", "Eagle", "Falcon",
    "Ferret", "Finch", "Fox", "Gecko", "Heron", "Ibis", "Jaguar", "Koala", "Lemur", "Lion",
    "Lynx", "Marten", "Moose", "Narwhal", "Newt", "Ocelot", "Otter", "Owl", "Panda", "Parrot",
    "Pelican", "Penguin", "Puffin", "Quail", "Rabbit", "Raven", "Robin", "Salmon", "Seal",
    "Shark", "Sparrow", "Swan", "Tapir", "Tiger", "Toucan", "Turtle", "Walrus", "Whale", "Wolf",
    "Wombat", "Zebra",
)  # fmt: skip


def new_token() -> str:
    """A fresh random token (32 bytes, URL-safe)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as stored (hex)."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def same_token(given: str | None, expected: str) -> bool:
    """Whether ``given`` is ``expected``, compared in constant time."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def pseudonym(secret: str, name: str, attempt: int = 0) -> str:
    """An adjective, an animal and a number derived from ``HMAC(secret, name)``.

    Parameters
    ----------
    secret : str
        The session's secret.
    name : str
        The learner's name.
    attempt : int
        Raised by the store when the pseudonym is already taken in the session.
    """
    digest = hmac.new(secret.encode(), f"{name}\0{attempt}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big")
    adjective = ADJECTIVES[value % len(ADJECTIVES)]
    animal = ANIMALS[(value // len(ADJECTIVES)) % len(ANIMALS)]
    number = (value // (len(ADJECTIVES) * len(ANIMALS))) % 100
    return f"{adjective} {animal} {number}"


def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@dataclass(frozen=True)
class HubUser:
    """A JupyterHub user as the Hub describes it."""

    name: str
    admin: bool
    groups: tuple[str, ...]


class HubAuth:
    """Resolve a bearer token through the JupyterHub REST API (``GET /user``).

    Parameters
    ----------
    api_url : str
        ``JUPYTERHUB_API_URL``, e.g. ``http://127.0.0.1:8081/hub/api``.
    api_token : str
        The service's own ``JUPYTERHUB_API_TOKEN`` (not sent for the lookup: the learner's
        token is).
    instructors_group : str, optional
        Members of this Hub group are instructors, as are Hub admins.
    timeout : float
        Seconds to wait for the Hub.
    ttl : float
        Seconds a resolved token stays cached.
    failure_ttl : float
        Seconds a token the Hub did not know stays cached as unknown.
    """

    def __init__(
        self,
        api_url: str,
        api_token: str,
        instructors_group: str | None = None,
        *,
        client_id: str | None = None,
        callback_url: str | None = None,
        hub_url: str = "",
        timeout: float = 3.0,
        ttl: float = 60.0,
        failure_ttl: float = 10.0,
    ):
        self.api_url = api_url.rstrip("/")
        self.api_token = api_token
        self.instructors_group = instructors_group
        self.client_id = client_id
        self.callback_url = callback_url
        self.hub_url = hub_url.rstrip("/")
        self.timeout = timeout
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self._cache: dict[str, tuple[float, HubUser | None]] = {}
        self._lock = threading.Lock()

    def cached(self, token: str) -> tuple[bool, HubUser | None]:
        """``(True, user or None)`` when the Hub was asked about ``token`` lately, else
        ``(False, None)``: known users for ``ttl`` seconds, unknown tokens for
        ``failure_ttl``."""
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(token_hash(token))
        if cached is None:
            return False, None
        at, user = cached
        if now - at < (self.ttl if user is not None else self.failure_ttl):
            return True, user
        return False, None

    def user(self, token: str) -> HubUser | None:
        """The Hub user owning ``token``, or None when the Hub does not know it."""
        key = token_hash(token)
        now = time.monotonic()
        known, user = self.cached(token)
        if known:
            return user
        found = self._ask(token)
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[key] = (now, found)
        return found

    def is_instructor(self, user: HubUser) -> bool:
        """Whether a Hub user may use the instructor's pages and commands."""
        return user.admin or bool(self.instructors_group and self.instructors_group in user.groups)

    @classmethod
    def from_environment(cls, environ: dict, instructors_group: str | None = None) -> HubAuth:
        """The Hub as a service started by JupyterHub sees it (its ``JUPYTERHUB_*`` variables).

        ``JUPYTERHUB_CLIENT_ID`` and ``JUPYTERHUB_OAUTH_CALLBACK_URL`` enable the Hub's login
        for the instructor's page; the browser is sent to ``JUPYTERHUB_HOST`` +
        ``JUPYTERHUB_BASE_URL`` (the same host when ``JUPYTERHUB_HOST`` is empty).
        """
        base = environ.get("JUPYTERHUB_BASE_URL", "/")
        return cls(
            environ["JUPYTERHUB_API_URL"],
            environ["JUPYTERHUB_API_TOKEN"],
            instructors_group,
            client_id=environ.get("JUPYTERHUB_CLIENT_ID"),
            callback_url=environ.get("JUPYTERHUB_OAUTH_CALLBACK_URL"),
            hub_url=environ.get("JUPYTERHUB_HOST", "") + base.rstrip("/"),
        )

    @property
    def can_login(self) -> bool:
        """Whether the service may send a browser through the Hub's OAuth login."""
        return bool(self.client_id and self.callback_url)

    def authorize_url(self, state: str) -> str:
        """Where to send a browser to log in with the Hub (OAuth 2 authorization code)."""
        query = urllib.parse.urlencode(
            {
                "client_id": self.client_id,
                "redirect_uri": self.callback_url,
                "response_type": "code",
                "state": state,
            }
        )
        return f"{self.hub_url}/hub/api/oauth2/authorize?{query}"

    def token_for_code(self, code: str) -> str | None:
        """Exchange the code the Hub sent back for the user's access token (None if refused)."""
        body = urllib.parse.urlencode(
            {
                "client_id": self.client_id,
                "client_secret": self.api_token,
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.callback_url,
            }
        ).encode()
        request = urllib.request.Request(
            f"{self.api_url}/oauth2/token",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply = json.loads(response.read(64 * 1024))
        except (urllib.error.URLError, OSError, ValueError):
            return None
        token = reply.get("access_token") if isinstance(reply, dict) else None
        return token if isinstance(token, str) and token else None

    def _ask(self, token: str) -> HubUser | None:
        request = urllib.request.Request(
            f"{self.api_url}/user", headers={"Authorization": f"token {token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = json.loads(response.read(256 * 1024))
        except (urllib.error.URLError, OSError, ValueError):
            return None
        return _hub_user(body)


def _hub_user(body: object) -> HubUser | None:
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        return None
    groups = body.get("groups") or []
    return HubUser(
        name=body["name"],
        admin=bool(body.get("admin")),
        groups=tuple(g for g in groups if isinstance(g, str)),
    )
