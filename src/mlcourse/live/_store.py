"""Where the classroom service keeps sessions, learners and events: SQLite or PostgreSQL.

SQLAlchemy Core over five tables. Every change to a session bumps its ``version``, which the
pages' update stream watches; the board is computed in Python over the session's rows and
cached per version, so a projector polling a quiet class costs one small query.

A replayed event is stored once: ``(learner, event_id)`` is unique and events are inserted
with ``ON CONFLICT DO NOTHING`` on both databases.

What a learner may store is bounded: events on a problem of the session's module that the
module does not declare are ignored, as are learners' own ``check`` events in a session whose
checks the service judges; points are clamped to the problem's declared points; a learner
keeps at most one open hand; and a learner and a session hold at most
:data:`MAX_EVENTS_PER_LEARNER` and :data:`MAX_EVENTS_PER_SESSION` events.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import re
import secrets
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from . import _auth, _protocol

MAX_LEARNERS = 2000
MAX_EVENTS_PER_LEARNER = 2_000
MAX_EVENTS_PER_SESSION = 200_000
STUCK_FAILURES = 3
STUCK_SECONDS = 600
FAILING = ("incorrect", "checker_error")
TOP_ERRORS = 5
MIN_SHARED_DETAIL = 2
RECENT_RESOLVED_HANDS = 100

metadata = sa.MetaData()

sessions_table = sa.Table(
    "live_sessions",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("module", sa.String(2), nullable=False),
    sa.Column("title", sa.String(120), nullable=False, default=""),
    sa.Column("checkpoint", sa.String(8)),
    sa.Column("checkpoint_at", sa.Float),
    sa.Column("server_checks", sa.Boolean, nullable=False, default=False),
    sa.Column("secret", sa.String(64), nullable=False),
    sa.Column("join_key", sa.String(64)),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("closed", sa.Float),
    sa.Column("version", sa.Integer, nullable=False, default=0),
)

learners_table = sa.Table(
    "live_learners",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session", sa.String(40), sa.ForeignKey("live_sessions.id"), nullable=False),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("pseudonym", sa.String(64), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, index=True),
    sa.Column("joined", sa.Float, nullable=False),
    sa.Column("last_seen", sa.Float, nullable=False),
    sa.UniqueConstraint("session", "name", name="uq_live_learner_name"),
    sa.UniqueConstraint("session", "pseudonym", name="uq_live_learner_pseudonym"),
)

events_table = sa.Table(
    "live_events",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session", sa.String(40), nullable=False, index=True),
    sa.Column("learner", sa.Integer, sa.ForeignKey("live_learners.id"), nullable=False),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("module", sa.String(2)),
    sa.Column("problem", sa.String(8)),
    sa.Column("status", sa.String(16)),
    sa.Column("points", sa.Float),
    sa.Column("error", sa.String(80)),
    sa.Column("detail", sa.String(80)),
    sa.Column("message", sa.String(200)),
    sa.Column("time", sa.Float, nullable=False),
    sa.Column("received", sa.Float, nullable=False),
    sa.UniqueConstraint("learner", "event_id", name="uq_live_event"),
)

hands_table = sa.Table(
    "live_hands",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session", sa.String(40), nullable=False, index=True),
    sa.Column("learner", sa.Integer, sa.ForeignKey("live_learners.id"), nullable=False),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("message", sa.String(200)),
    sa.Column("time", sa.Float, nullable=False),
    sa.Column("claimed_by", sa.String(64)),
    sa.Column("resolved", sa.Float),
    sa.UniqueConstraint("learner", "event_id", name="uq_live_hand"),
)

reveals_table = sa.Table(
    "live_reveals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session", sa.String(40), nullable=False, index=True),
    sa.Column("problem", sa.String(8), nullable=False),
    sa.Column("at", sa.Float),
    sa.Column("share", sa.Float),
    sa.Column("created", sa.Float, nullable=False),
)


class StoreError(Exception):
    """A request the store refuses; ``status`` is the HTTP status the service answers with."""

    status = 400


class NotFound(StoreError):
    """No such session (or it is closed), learner or hand."""

    status = 404


class Forbidden(StoreError):
    """A join with the wrong key."""

    status = 403


class Conflict(StoreError):
    """A name already taken, a session id already used."""

    status = 409


class TooMany(StoreError):
    """A session full of learners, a learner or a session with too many events."""

    status = 422


def database_url(url: str) -> str:
    """A SQLAlchemy URL with the psycopg 3 driver for a bare ``postgresql://`` URL."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def problem_module(problem: str | None) -> str | None:
    """The module number of a problem id (``"03.2"`` -> ``"03"``)."""
    return problem.split(".", 1)[0] if problem else None


def declared_problems(module: str) -> tuple[str, ...]:
    """The problem ids a module declares, in order (empty when it declares none)."""
    return tuple(declared_points(module))


@functools.lru_cache(maxsize=64)
def declared_points(module: str) -> dict[str, float]:
    """Each problem a module declares (in order) with its points (empty when none)."""
    try:
        from ..exercises import get_module

        return {p.id: float(p.points) for p in get_module(module).problems}
    except (LookupError, ImportError):
        return {}


def new_join_key() -> str:
    """A session's random join key (16 bytes, URL-safe)."""
    return secrets.token_urlsafe(16)


def class_url_path(session: dict[str, Any]) -> str:
    """The path of a session's class URL, key included: ``/s/<id>?key=<key>``."""
    return f"/s/{session['id']}?key={session['join_key']}"


class Store:
    """Sessions, learners, events, hands and reveals in one database.

    Parameters
    ----------
    url : str
        A SQLAlchemy URL: ``sqlite:///path/live.db`` (the folder is made) or
        ``postgresql+psycopg://user@host/db``. Tables are created on first use.
    """

    def __init__(self, url: str):
        self.url = database_url(url)
        self.engine = _engine(self.url)
        self._created = False
        self._lock = threading.Lock()
        self._boards: dict[str, tuple[int, dict[str, Any]]] = {}

    # -- plumbing -------------------------------------------------------------------------

    def _begin(self):
        if not self._created:
            with self._lock:
                if not self._created:
                    metadata.create_all(self.engine)
                    _add_missing_columns(self.engine)
                    self._created = True
        return self.engine.begin()

    def dispose(self) -> None:
        """Close the engine's connections."""
        self.engine.dispose()

    def _insert(self, table: sa.Table):
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(table)

    # -- sessions -------------------------------------------------------------------------

    def add_session(
        self,
        module: str,
        title: str = "",
        *,
        session_id: str | None = None,
        server_checks: bool = False,
        now: float | None = None,
    ) -> dict[str, Any]:
        """Open a session on one module; its id is generated unless given.

        Raises
        ------
        Conflict
            When ``session_id`` is already used.
        """
        now = time.time() if now is None else now
        day = dt.datetime.fromtimestamp(now).strftime("%Y%m%d")
        sid = session_id or f"{module}-{day}-{secrets.token_hex(4)}"
        row = {
            "id": sid,
            "module": module,
            "title": title,
            "server_checks": server_checks,
            "secret": secrets.token_hex(32),
            "join_key": new_join_key(),
            "created": now,
            "closed": None,
            "version": 0,
        }
        with self._begin() as conn:
            if conn.execute(
                sa.select(sessions_table.c.id).where(sessions_table.c.id == sid)
            ).first():
                raise Conflict(f"session {sid} already exists")
            conn.execute(sessions_table.insert().values(**row))
        return self.session(sid)

    def session(self, sid: str) -> dict[str, Any] | None:
        """A session's public fields (no secret), or None."""
        with self._begin() as conn:
            row = conn.execute(sa.select(sessions_table).where(sessions_table.c.id == sid)).first()
        return _session_dict(row) if row else None

    def open_session(self, sid: str) -> dict[str, Any]:
        """A session that exists and is open, else :class:`NotFound`."""
        found = self.session(sid)
        if found is None or found["closed"] is not None:
            raise NotFound(f"no open session {sid}")
        return found

    def known_session(self, sid: str) -> dict[str, Any]:
        """A session that exists (open or closed), else :class:`NotFound`."""
        found = self.session(sid)
        if found is None:
            raise NotFound(f"no session {sid}")
        return found

    def sessions(self) -> list[dict[str, Any]]:
        """Every session, newest first, with its number of learners."""
        count = (
            sa.select(sa.func.count())
            .where(learners_table.c.session == sessions_table.c.id)
            .scalar_subquery()
        )
        query = sa.select(sessions_table, count.label("learners")).order_by(
            sessions_table.c.created.desc()
        )
        with self._begin() as conn:
            rows = conn.execute(query).all()
        return [{**_session_dict(r), "learners": r.learners} for r in rows]

    def close_session(self, sid: str, now: float | None = None) -> dict[str, Any]:
        """Close a session: no more joins or events."""
        self.known_session(sid)
        with self._begin() as conn:
            conn.execute(
                sessions_table.update()
                .where(sessions_table.c.id == sid, sessions_table.c.closed.is_(None))
                .values(closed=time.time() if now is None else now)
            )
            _bump(conn, sid)
        return self.known_session(sid)

    def version(self, sid: str) -> int:
        """The session's change counter (-1 when it does not exist)."""
        with self._begin() as conn:
            value = conn.execute(
                sa.select(sessions_table.c.version).where(sessions_table.c.id == sid)
            ).scalar()
        return -1 if value is None else int(value)

    def set_checkpoint(self, sid: str, problem: str, now: float | None = None) -> None:
        """Set the exercise the class is on now (``done`` marks count from here)."""
        self.known_session(sid)
        with self._begin() as conn:
            conn.execute(
                sessions_table.update()
                .where(sessions_table.c.id == sid)
                .values(checkpoint=problem, checkpoint_at=time.time() if now is None else now)
            )
            _bump(conn, sid)

    # -- learners -------------------------------------------------------------------------

    def join(
        self, sid: str, name: str, token: str | None = None, *, trusted: bool = False
    ) -> dict[str, Any]:
        """Join (or re-join) a session under ``name``.

        Parameters
        ----------
        sid, name : str
            The session and the learner's name.
        token : str, optional
            The learner's token from an earlier join: needed to join again under a name
            already taken, unless ``trusted`` (the Hub vouched for the name).

        Returns
        -------
        dict
            ``learner`` (the name), ``token`` (new unless re-joining with one), ``pseudonym``.

        Raises
        ------
        NotFound, Conflict, TooMany
        """
        session = self.open_session(sid)
        now = time.time()
        with self._begin() as conn:
            row = conn.execute(
                sa.select(learners_table).where(
                    learners_table.c.session == sid, learners_table.c.name == name
                )
            ).first()
            if row is not None:
                return self._rejoin(conn, row, token, trusted, now)
            total = conn.execute(
                sa.select(sa.func.count()).where(learners_table.c.session == sid)
            ).scalar()
            if total >= MAX_LEARNERS:
                raise TooMany(f"the session is full ({MAX_LEARNERS} learners)")
            taken = set(
                conn.execute(
                    sa.select(learners_table.c.pseudonym).where(learners_table.c.session == sid)
                ).scalars()
            )
        secret = self._secret(sid)
        alias = next(
            p for p in (_auth.pseudonym(secret, name, i) for i in range(10_000)) if p not in taken
        )
        fresh = _auth.new_token()
        try:
            with self._begin() as conn:
                conn.execute(
                    learners_table.insert().values(
                        session=sid,
                        name=name,
                        pseudonym=alias,
                        token_hash=_auth.token_hash(fresh),
                        joined=now,
                        last_seen=now,
                    )
                )
                _bump(conn, sid)
        except sa.exc.IntegrityError:
            raise Conflict("name taken (or joined twice at once): join again") from None
        return {"learner": name, "token": fresh, "pseudonym": alias, "session": session}

    def _rejoin(self, conn, row, token: str | None, trusted: bool, now: float) -> dict[str, Any]:
        matches = token is not None and _auth.same_token(_auth.token_hash(token), row.token_hash)
        if not (matches or trusted):
            raise Conflict("name taken: join with that learner's token, or choose another name")
        if not matches:
            token = _auth.new_token()
            conn.execute(
                learners_table.update()
                .where(learners_table.c.id == row.id)
                .values(token_hash=_auth.token_hash(token))
            )
        conn.execute(
            learners_table.update().where(learners_table.c.id == row.id).values(last_seen=now)
        )
        session = _session_dict(
            conn.execute(sa.select(sessions_table).where(sessions_table.c.id == row.session)).one()
        )
        return {"learner": row.name, "token": token, "pseudonym": row.pseudonym, "session": session}

    def _secret(self, sid: str) -> str:
        with self._begin() as conn:
            return conn.execute(
                sa.select(sessions_table.c.secret).where(sessions_table.c.id == sid)
            ).scalar_one()

    def check_join_key(self, sid: str, key: str | None) -> dict[str, Any]:
        """The open session ``sid`` when ``key`` is its join key (compared in constant time).

        Raises
        ------
        NotFound
            No such open session.
        Forbidden
            The key is missing or wrong.
        """
        session = self.open_session(sid)
        expected = session.get("join_key") or ""
        given = key if isinstance(key, str) else ""
        if not (expected and hmac.compare_digest(given.encode(), expected.encode())):
            raise Forbidden("this class URL's key is wrong: ask your instructor for the class URL")
        return session

    def learner_by_token(self, sid: str, token: str) -> dict[str, Any] | None:
        """The learner of ``sid`` holding ``token``, or None."""
        digest = _auth.token_hash(token)
        with self._begin() as conn:
            row = conn.execute(
                sa.select(learners_table).where(
                    learners_table.c.token_hash == digest, learners_table.c.session == sid
                )
            ).first()
        return _learner_dict(row) if row else None

    def learner_by_name(self, sid: str, name: str) -> dict[str, Any] | None:
        """The learner of ``sid`` called ``name``, or None."""
        with self._begin() as conn:
            row = conn.execute(
                sa.select(learners_table).where(
                    learners_table.c.session == sid, learners_table.c.name == name
                )
            ).first()
        return _learner_dict(row) if row else None

    # -- events ---------------------------------------------------------------------------

    def add_events(
        self,
        sid: str,
        learner: int,
        events: list[dict[str, Any]],
        now: float | None = None,
        *,
        judged: bool = False,
    ) -> dict[str, int]:
        """Store a learner's events; a replayed event (same id) is counted as a duplicate.

        Events on a problem of the session's module that the module does not declare, and
        (when the service judges the session's checks) ``check`` events not ``judged`` by the
        service, are not stored: they are counted as ``ignored``. Points are clamped to the
        problem's declared points.

        Parameters
        ----------
        sid : str
            The session (open).
        learner : int
            The learner's row id (from the token, never from the events).
        events : list of dict
            ``Event.model_dump()`` dictionaries.
        judged : bool
            The events are the service's own judged checks.

        Returns
        -------
        dict
            ``accepted``, ``duplicates`` and ``ignored``.

        Raises
        ------
        TooMany
            Past :data:`MAX_EVENTS_PER_LEARNER` or :data:`MAX_EVENTS_PER_SESSION`.
        """
        session = self.open_session(sid)
        now = time.time() if now is None else now
        kept = [_admitted(e, session, judged) for e in events]
        ignored = sum(1 for e in kept if e is None)
        unique = list({e["id"]: e for e in kept if e is not None}.values())
        if not unique:
            return {"accepted": 0, "duplicates": 0, "ignored": ignored}
        with self._begin() as conn:
            known = set(
                conn.execute(
                    sa.select(events_table.c.event_id).where(
                        events_table.c.learner == learner,
                        events_table.c.event_id.in_([e["id"] for e in unique]),
                    )
                ).scalars()
            )
            fresh = [e for e in unique if e["id"] not in known]
            if fresh:
                self._check_room(conn, sid, learner, len(fresh))
                rows = [_event_row(sid, learner, e, session["created"], now) for e in fresh]
                conn.execute(self._insert(events_table).on_conflict_do_nothing(), rows)
                self._apply_hands(conn, sid, learner, rows, now)
                _bump(conn, sid)
            conn.execute(
                learners_table.update().where(learners_table.c.id == learner).values(last_seen=now)
            )
        return {
            "accepted": len(fresh),
            "duplicates": len(events) - ignored - len(fresh),
            "ignored": ignored,
        }

    def _check_room(self, conn, sid: str, learner: int, adding: int) -> None:
        stored = conn.execute(
            sa.select(sa.func.count()).where(events_table.c.learner == learner)
        ).scalar()
        if stored + adding > MAX_EVENTS_PER_LEARNER:
            raise TooMany(
                f"this learner has sent too many events ({MAX_EVENTS_PER_LEARNER} per session): "
                "no more are stored"
            )
        in_session = conn.execute(
            sa.select(sa.func.count()).where(events_table.c.session == sid)
        ).scalar()
        if in_session + adding > MAX_EVENTS_PER_SESSION:
            raise TooMany(
                f"this session holds too many events ({MAX_EVENTS_PER_SESSION}): "
                "no more are stored; open a new session"
            )

    def _apply_hands(self, conn, sid: str, learner: int, rows: list[dict], now: float) -> None:
        for row in sorted(rows, key=lambda r: r["time"]):
            if row["kind"] == "hand":
                raised = conn.execute(
                    hands_table.update()
                    .where(hands_table.c.learner == learner, hands_table.c.resolved.is_(None))
                    .values(message=row["message"])
                )
                if raised.rowcount:  # one open hand per learner: the new one's message wins
                    continue
                conn.execute(
                    self._insert(hands_table)
                    .values(
                        session=sid,
                        learner=learner,
                        event_id=row["event_id"],
                        message=row["message"],
                        time=row["time"],
                    )
                    .on_conflict_do_nothing()
                )
            elif row["kind"] == "lower":
                conn.execute(
                    hands_table.update()
                    .where(hands_table.c.learner == learner, hands_table.c.resolved.is_(None))
                    .values(resolved=now)
                )

    def add_check(
        self, sid: str, learner: int, outcome: dict[str, Any], event_id: str, now: float
    ) -> int:
        """Record a check judged by the service; returns the learner's attempts on it."""
        event = {
            "id": event_id,
            "time": now,
            "kind": "check",
            "module": problem_module(outcome["problem"]),
            "problem": outcome["problem"],
            "status": outcome["status"],
            "points": outcome.get("points"),
            "error": _error_class(outcome),
        }
        self.add_events(sid, learner, [event], now=now, judged=True)
        return self.attempts(sid, learner, outcome["problem"])

    def attempts(self, sid: str, learner: int, problem: str) -> int:
        """How many checks a learner made on a problem in a session."""
        with self._begin() as conn:
            return conn.execute(
                sa.select(sa.func.count()).where(
                    events_table.c.session == sid,
                    events_table.c.learner == learner,
                    events_table.c.kind == "check",
                    events_table.c.problem == problem,
                )
            ).scalar()

    def _events(self, conn, sid: str) -> list:
        return conn.execute(
            sa.select(events_table)
            .where(events_table.c.session == sid)
            .order_by(events_table.c.time, events_table.c.received, events_table.c.pk)
        ).all()

    def _learners(self, conn, sid: str) -> list:
        return conn.execute(
            sa.select(learners_table)
            .where(learners_table.c.session == sid)
            .order_by(learners_table.c.pseudonym)
        ).all()

    def _open_hands(self, conn, sid: str) -> set[int]:
        return set(
            conn.execute(
                sa.select(hands_table.c.learner).where(
                    hands_table.c.session == sid, hands_table.c.resolved.is_(None)
                )
            ).scalars()
        )

    # -- views ----------------------------------------------------------------------------

    def board(self, sid: str) -> dict[str, Any]:
        """The projector board (pseudonyms only), cached per session version."""
        version = self.version(sid)
        if version < 0:
            raise NotFound(f"no session {sid}")
        cached = self._boards.get(sid)
        if cached and cached[0] == version:
            return cached[1]
        with self._begin() as conn:
            session = _session_dict(
                conn.execute(sa.select(sessions_table).where(sessions_table.c.id == sid)).one()
            )
            learners = self._learners(conn, sid)
            events = self._events(conn, sid)
            hands = self._open_hands(conn, sid)
        board = _board(session, learners, events, hands)
        self._boards[sid] = (session["version"], board)
        return board

    def instructor_view(
        self, sid: str, now: float | None = None, leaderboard: list[dict] | None = None
    ) -> dict[str, Any]:
        """The instructor's view: names, stuck learners, hands, reveals and a leaderboard.

        Parameters
        ----------
        leaderboard : list of dict, optional
            Rows ``{"rank", "learner", "value"}`` from another source (a tracking metric);
            by default learners are ranked by points.
        """
        now = time.time() if now is None else now
        with self._begin() as conn:
            session = _session_dict(
                conn.execute(sa.select(sessions_table).where(sessions_table.c.id == sid)).one()
            )
            learners = self._learners(conn, sid)
            events = self._events(conn, sid)
            hands = conn.execute(
                sa.select(hands_table)
                .where(hands_table.c.session == sid)
                .order_by(hands_table.c.id)
            ).all()
            reveals = conn.execute(
                sa.select(reveals_table)
                .where(reveals_table.c.session == sid)
                .order_by(reveals_table.c.id)
            ).all()
        names = {row.id: row.name for row in learners}
        open_hands = {h.learner for h in hands if h.resolved is None}
        hands = _hands_shown(hands)
        by_learner: dict[int, list] = defaultdict(list)
        for event in events:
            by_learner[event.learner].append(event)
        done = _done_learners(session, events)
        passed = _passed_by_problem(events)
        return {
            "session": {
                **_public_session(session, full=True),
                "join_key": session["join_key"],
                "class_url_path": session["class_url_path"],
            },
            "problems": _problems(session["module"]),
            "learners": [
                _instructor_learner(row, by_learner[row.id], now, row.id in open_hands, done)
                for row in learners
            ],
            "hands": [_hand_dict(h, names) for h in hands],
            "reveals": [_reveal_dict(r, now, passed, len(learners)) for r in reveals],
            "leaderboard": leaderboard
            if leaderboard is not None
            else _points_leaderboard(session["module"], events, names),
            "leaderboard_metric": "points",
            "version": session["version"],
        }

    def timeline(self, sid: str, name: str) -> list[dict[str, Any]]:
        """A learner's events, in time order."""
        learner = self.learner_by_name(sid, name)
        if learner is None:
            raise NotFound(f"no learner {name} in {sid}")
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(events_table)
                .where(events_table.c.learner == learner["id"])
                .order_by(events_table.c.time, events_table.c.received, events_table.c.pk)
            ).all()
        return [_event_dict(r, name) for r in rows]

    def export(self, sid: str) -> dict[str, Any]:
        """Everything stored about a session, for the report."""
        now = time.time()
        with self._begin() as conn:
            row = conn.execute(sa.select(sessions_table).where(sessions_table.c.id == sid)).first()
            if row is None:
                raise NotFound(f"no session {sid}")
            session = _session_dict(row)
            learners = self._learners(conn, sid)
            events = self._events(conn, sid)
            hands = conn.execute(sa.select(hands_table).where(hands_table.c.session == sid)).all()
            reveals = conn.execute(
                sa.select(reveals_table).where(reveals_table.c.session == sid)
            ).all()
        names = {r.id: r.name for r in learners}
        passed = _passed_by_problem(events)
        return {
            "session": _public_session(session, full=True),
            "problems": _problems(session["module"]),
            "learners": [
                {"name": r.name, "pseudonym": r.pseudonym, "joined": r.joined} for r in learners
            ],
            "events": [_event_dict(e, names.get(e.learner, "")) for e in events],
            "hands": [_hand_dict(h, names) for h in hands],
            "reveals": [_reveal_dict(r, now, passed, len(learners)) for r in reveals],
        }

    # -- pacing and hands -------------------------------------------------------------------

    def add_reveal(
        self,
        sid: str,
        problem: str,
        at: float | None = None,
        share: float | None = None,
        now: float | None = None,
    ) -> dict[str, Any]:
        """Release a problem's solution now (neither ``at`` nor ``share``), at a time, or at a
        share of the class having passed."""
        self.known_session(sid)
        now = time.time() if now is None else now
        with self._begin() as conn:
            conn.execute(
                reveals_table.insert().values(
                    session=sid, problem=problem, at=at, share=share, created=now
                )
            )
            _bump(conn, sid)
        return {"problem": problem, "at": at, "share": share}

    def release(self, sid: str, problem: str, now: float | None = None) -> tuple[bool, str]:
        """Whether a problem's solution is released now, and if not, when it will be."""
        now = time.time() if now is None else now
        with self._begin() as conn:
            reveals = conn.execute(
                sa.select(reveals_table).where(
                    reveals_table.c.session == sid, reveals_table.c.problem == problem
                )
            ).all()
            if not reveals:
                return False, "not released yet: your instructor has not released this solution"
            joined = conn.execute(
                sa.select(sa.func.count()).where(learners_table.c.session == sid)
            ).scalar()
            passed = set(
                conn.execute(
                    sa.select(events_table.c.learner).where(
                        events_table.c.session == sid,
                        events_table.c.problem == problem,
                        events_table.c.kind == "check",
                        events_table.c.status == "correct",
                    )
                ).scalars()
            )
        if any(_is_released(r, now, len(passed), joined) for r in reveals):
            return True, ""
        return False, "not released yet: " + "; ".join(_when(r) for r in reveals)

    def claim_hand(self, sid: str, hand: int, helper: str) -> None:
        """A helper takes a raised hand."""
        self._update_hand(sid, hand, claimed_by=helper)

    def resolve_hand(self, sid: str, hand: int, now: float | None = None) -> None:
        """A raised hand was dealt with."""
        self._update_hand(sid, hand, resolved=time.time() if now is None else now)

    def _update_hand(self, sid: str, hand: int, **values: Any) -> None:
        with self._begin() as conn:
            done = conn.execute(
                hands_table.update()
                .where(hands_table.c.id == hand, hands_table.c.session == sid)
                .values(**values)
            )
            if done.rowcount == 0:
                raise NotFound(f"no hand {hand} in {sid}")
            _bump(conn, sid)


# -- helpers (pure functions over rows) ----------------------------------------------------


def _engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _bump(conn, sid: str) -> None:
    conn.execute(
        sessions_table.update()
        .where(sessions_table.c.id == sid)
        .values(version=sessions_table.c.version + 1)
    )


def _session_dict(row) -> dict[str, Any]:
    """A session's fields for the service and the instructor (its secret left out; its join
    key and class URL path in: never pass this to the board or a learner as it is)."""
    data = dict(row._mapping)
    data.pop("secret", None)
    data["server_checks"] = bool(data["server_checks"])
    data["class_url_path"] = class_url_path(data) if data.get("join_key") else None
    return data


def _add_missing_columns(engine: sa.Engine) -> None:
    """Bring a store made by an earlier version up to date: sessions get a join key."""
    columns = {c["name"] for c in sa.inspect(engine).get_columns("live_sessions")}
    with engine.begin() as conn:
        if "join_key" not in columns:
            conn.execute(sa.text("ALTER TABLE live_sessions ADD COLUMN join_key VARCHAR(64)"))
        keyless = conn.execute(
            sa.select(sessions_table.c.id).where(sessions_table.c.join_key.is_(None))
        ).scalars()
        for sid in list(keyless):
            conn.execute(
                sessions_table.update()
                .where(sessions_table.c.id == sid)
                .values(join_key=new_join_key())
            )


def _error_class(outcome: dict[str, Any]) -> str | None:
    """The exception class a failing answer raised, as the check recorded it, if well-formed."""
    details = outcome.get("details")
    error = details.get("error") if isinstance(details, dict) else None
    if outcome.get("status") == "correct" or not isinstance(error, str):
        return None
    return error if re.match(_protocol.EXCEPTION_PATTERN, error) else None


def _public_session(session: dict[str, Any], full: bool = False) -> dict[str, Any]:
    keys = ["id", "title", "module", "checkpoint"]
    if full:
        keys += ["server_checks", "created", "closed", "checkpoint_at"]
    return {k: session[k] for k in keys}


def _learner_dict(row) -> dict[str, Any]:
    data = dict(row._mapping)
    data.pop("token_hash", None)
    return data


def _event_row(sid: str, learner: int, event: dict, created: float, now: float) -> dict:
    return {
        "session": sid,
        "learner": learner,
        "event_id": event["id"],
        "kind": event["kind"],
        "module": event.get("module") or problem_module(event.get("problem")),
        "problem": event.get("problem"),
        "status": event.get("status"),
        "points": event.get("points"),
        "error": event.get("error"),
        "detail": event.get("detail"),
        "message": event.get("message"),
        "time": min(max(float(event["time"]), created), now),
        "received": now,
    }


def _admitted(event: dict[str, Any], session: dict[str, Any], judged: bool) -> dict | None:
    """The event as it may be stored (module from its problem, points clamped), or None when
    it is ignored: a problem its module does not declare, or a learner's own check where the
    service judges checks."""
    problem = event.get("problem")
    module = problem_module(problem) if problem else event.get("module")
    if event["kind"] == "check" and session["server_checks"] and not judged:
        return None
    declared = declared_points(module) if module else {}
    if problem and module == session["module"] and problem not in declared:
        return None
    points = event.get("points")
    if points is not None:
        points = min(float(points), declared[problem]) if problem in declared else None
    return {**event, "module": module, "points": points}


def _event_dict(row, name: str) -> dict[str, Any]:
    data = dict(row._mapping)
    data.pop("pk", None)
    data.pop("session", None)
    data["id"] = data.pop("event_id")
    data["learner"] = name
    return data


def _hands_shown(hands: list) -> list:
    """Every open hand and the :data:`RECENT_RESOLVED_HANDS` latest resolved ones, by id."""
    resolved = [h for h in hands if h.resolved is not None]
    recent = {h.id for h in resolved[-RECENT_RESOLVED_HANDS:]}
    return [h for h in hands if h.resolved is None or h.id in recent]


def _hand_dict(row, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "learner": names.get(row.learner, ""),
        "message": row.message,
        "time": row.time,
        "claimed_by": row.claimed_by,
        "resolved": row.resolved,
    }


def _problems(module: str) -> list[str]:
    """The board's columns: the problems the module declares, nothing a learner sent."""
    return list(declared_problems(module))


def _cells(events) -> dict[int, dict[str, str]]:
    """Each learner's latest check status per problem; once correct, correct stays."""
    cells: dict[int, dict[str, str]] = defaultdict(dict)
    for event in events:
        if event.kind != "check" or not event.problem or not event.status:
            continue
        mine = cells[event.learner]
        if mine.get(event.problem) != "correct":
            mine[event.problem] = event.status
    return cells


def _done_learners(session: dict[str, Any], events) -> set[int]:
    since = session.get("checkpoint_at") or 0.0
    return {e.learner for e in events if e.kind == "done" and e.received >= since}


def _passed_by_problem(events) -> dict[str, set[int]]:
    passed: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.kind == "check" and event.status == "correct" and event.problem:
            passed[event.problem].add(event.learner)
    return passed


def _is_failure(event) -> bool:
    """A cell that raised, or a check that did not pass, naming an exception."""
    if not event.error:
        return False
    return event.kind == "error" or (event.kind == "check" and event.status != "correct")


def _top_errors(events, module: str, checkpoint: str | None) -> list[dict[str, Any]]:
    """The most common failures, counted in distinct learners.

    A failure's ``detail`` (a learner's own text) is shown only when at least
    :data:`MIN_SHARED_DETAIL` learners sent exactly that text; otherwise it counts towards its
    ``(problem, error)`` group with no detail, so no single learner's words reach the board.
    """
    exact: dict[tuple, set[int]] = defaultdict(set)
    for event in events:
        if not _is_failure(event) or problem_module(event.problem) != module:
            continue
        if checkpoint and event.problem != checkpoint:
            continue
        exact[(event.problem, event.error, event.detail)].add(event.learner)
    who: dict[tuple, set[int]] = defaultdict(set)
    for (problem, error, detail), ids in exact.items():
        shared = detail is not None and len(ids) >= MIN_SHARED_DETAIL
        who[(problem, error, detail if shared else None)] |= ids
    ranked = sorted(
        who.items(),
        key=lambda item: (-len(item[1]), item[0][0] or "", item[0][1], item[0][2] or ""),
    )
    return [
        {"problem": p, "error": e, "detail": d, "learners": len(ids)}
        for (p, e, d), ids in ranked[:TOP_ERRORS]
    ]


def _board(session: dict[str, Any], learners, events, hands: set[int]) -> dict[str, Any]:
    module = session["module"]
    mine = [e for e in events if problem_module(e.problem) == module or e.kind == "done"]
    problems = _problems(module)
    cells = _cells(e for e in mine if e.kind == "check")
    done = _done_learners(session, events)
    checkpoint = session["checkpoint"]
    return {
        "session": _public_session(session),
        "problems": problems,
        "learners": [
            {
                "pseudonym": row.pseudonym,
                "cells": {p: cells[row.id].get(p) for p in problems},
                "hand": row.id in hands,
                "done": row.id in done,
            }
            for row in learners
        ],
        "checkpoint": {
            "problem": checkpoint,
            "passed": sum(1 for row in learners if cells[row.id].get(checkpoint) == "correct"),
            "total": len(learners),
        }
        if checkpoint
        else None,
        "top_errors": _top_errors(events, module, checkpoint),
        "version": session["version"],
    }


def _stuck(checks, joined: float, now: float) -> tuple[int, str | None]:
    """Failures in a row on the last problem checked, and why the learner is stuck (or None)."""
    in_a_row = 0
    if checks:
        last = checks[-1].problem
        for event in reversed(checks):
            if event.problem != last or event.status not in FAILING:
                break
            in_a_row += 1
        if in_a_row >= STUCK_FAILURES:
            return in_a_row, f"{in_a_row} failed checks on {last}"
    passes = [e.time for e in checks if e.status == "correct"]
    since = passes[-1] if passes else joined
    failed_since = any(e.status in FAILING and e.time >= since for e in checks)
    if failed_since and now - since >= STUCK_SECONDS:
        return in_a_row, f"no pass for {int((now - since) // 60)} min"
    return in_a_row, None


def _instructor_learner(row, events, now: float, hand: bool, done: set[int]) -> dict[str, Any]:
    checks = [e for e in events if e.kind == "check" and e.problem and e.status]
    in_a_row, reason = _stuck(checks, row.joined, now)
    passed = sorted({e.problem for e in checks if e.status == "correct"})
    return {
        "name": row.name,
        "pseudonym": row.pseudonym,
        "joined": row.joined,
        "last_seen": row.last_seen,
        "passed": passed,
        "attempts": len(checks),
        "failures_in_a_row": in_a_row,
        "stuck": reason is not None,
        "stuck_reason": reason,
        "hand": hand,
        "done": row.id in done,
    }


def _points_leaderboard(module: str, events, names: dict[int, str]) -> list[dict[str, Any]]:
    best: dict[int, dict[str, float]] = defaultdict(dict)
    for event in events:
        if event.kind == "check" and event.points is not None and event.problem:
            if problem_module(event.problem) != module:
                continue
            mine = best[event.learner]
            mine[event.problem] = max(mine.get(event.problem, 0.0), event.points)
    totals = Counter({learner: sum(points.values()) for learner, points in best.items()})
    rows, rank, previous = [], 0, None
    for index, (learner, value) in enumerate(
        sorted(totals.items(), key=lambda kv: (-kv[1], names.get(kv[0], ""))), start=1
    ):
        if value != previous:
            rank, previous = index, value
        rows.append({"rank": rank, "learner": names.get(learner, ""), "value": value})
    return rows


def _is_released(reveal, now: float, passed: int, joined: int) -> bool:
    if reveal.at is None and reveal.share is None:
        return True
    if reveal.at is not None and reveal.at <= now:
        return True
    return reveal.share is not None and joined > 0 and passed / joined >= reveal.share


def _when(reveal) -> str:
    parts = []
    if reveal.at is not None:
        parts.append(f"released at {dt.datetime.fromtimestamp(reveal.at).strftime('%H:%M')}")
    if reveal.share is not None:
        parts.append(f"released when {round(reveal.share * 100)}% of the class has passed")
    return " or ".join(parts) + (", whichever comes first" if len(parts) == 2 else "")


def _reveal_dict(row, now: float, passed: dict[str, set[int]], joined: int) -> dict[str, Any]:
    return {
        "problem": row.problem,
        "at": row.at,
        "share": row.share,
        "released": _is_released(row, now, len(passed.get(row.problem, ())), joined),
    }
