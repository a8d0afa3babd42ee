"""Who may use the web app: users and their roles, passwords (argon2id), sessions kept in the
workspace (so any worker or instance knows them and logging out ends them everywhere), API tokens,
and rate limits counted in the workspace too.

Every secret handed out (session id, API token) is 256 random bits and is stored only as its
SHA-256: a copy of the database lets no one in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa

from prodops import clock
from prodops.errors import InputError, Refused
from prodops.safe_text import EMAIL_LENGTH, is_email

ROLES = ("admin", "viewer")  # admin: changes things; viewer: reads dashboards and reports
PASSWORD_LENGTH = (12, 1024)  # ASVS 2.1: at least 12 characters; long passphrases welcome
SESSION_IDLE = dt.timedelta(minutes=30)  # ASVS 3.3.2 (level 2): idle sessions end...
SESSION_LIFE = dt.timedelta(hours=12)  # ...and every session ends after 12 hours
# attempts per client, then per e-mail, in LIMIT_SECONDS; the client first, so that one client past
# its limit cannot go on counting (and locking) other people's e-mails
LOGIN_LIMITS = (("login-client", 30), ("login", 10))
LIMIT_SECONDS = 900
MAX_WINDOW = 3600  # no limit counts over a longer time: older counts are deleted
TOKEN_PREFIX = "pdo_"


@dataclass(frozen=True)
class User:
    id: int
    email: str
    role: str
    has_password: bool
    created_at: dt.datetime

    @property
    def admin(self) -> bool:
        return self.role == "admin"

    def document(self) -> dict:
        return {"id": self.id, "email": self.email, "role": self.role, "has_password": self.has_password,
                "created_at": self.created_at.isoformat()}


@dataclass(frozen=True)
class Session:
    token: str  # the cookie's value; only its hash is stored
    csrf: str  # every state-changing request of the session carries it
    user: User


def new_secret() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@lru_cache(maxsize=1)
def _hasher():
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    return PasswordHash((Argon2Hasher(),))  # argon2id with argon2-cffi's RFC 9106 parameters


@lru_cache(maxsize=1)
def _decoy() -> str:
    """A hash to check unknown e-mails against, so a wrong e-mail takes as long as a wrong password."""
    return _hasher().hash(new_secret())


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)  # SQLite gives naive UTC


def _email(email: str) -> str:
    text = (email or "").strip().lower()
    if not is_email(text):
        raise InputError(f"{email[:100]!r} is not an e-mail address")
    return text


def _user(row) -> User:
    return User(row.id, row.email, row.role, row.password_hash is not None, _aware(row.created_at))


def add_user(ws, email: str, role: str, password: str | None) -> User:
    """A new user. Without a password they can only use API tokens."""
    from prodops.store.tables import users

    email = _email(email)
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; the roles are {', '.join(ROLES)}")
    if password is not None:
        low, high = PASSWORD_LENGTH
        if not low <= len(password) <= high:
            raise InputError(f"the password is {len(password)} characters long; it must be {low} to {high:,}")
    hashed = None if password is None else _hasher().hash(password)
    with ws.transaction() as conn:
        if conn.execute(sa.select(users.c.id).where(users.c.email == email)).first():
            raise InputError(f"{email} is already a user; remove them first to change their role or password")
        conn.execute(users.insert().values(email=email, role=role, password_hash=hashed, created_at=clock.now()))
        return _user(conn.execute(sa.select(users).where(users.c.email == email)).one())


def list_users(ws) -> list[User]:
    from prodops.store.tables import users

    with ws.transaction(write=False) as conn:
        return [_user(r) for r in conn.execute(sa.select(users).order_by(users.c.email))]


def remove_user(ws, email: str) -> User:
    """Remove a user with their sessions, tokens and games (foreign keys are not enforced on SQLite)."""
    from prodops.store.tables import api_tokens, challenge_games, sessions, users

    email = _email(email)
    with ws.transaction() as conn:
        row = conn.execute(sa.select(users).where(users.c.email == email)).one_or_none()
        if row is None:
            raise InputError(f"{email} is not a user")
        for table in (sessions, api_tokens):
            conn.execute(table.delete().where(table.c.user_id == row.id))
        conn.execute(challenge_games.delete().where(challenge_games.c.player == f"user:{row.id}"))
        conn.execute(users.delete().where(users.c.id == row.id))
        return _user(row)


def create_token(ws, email: str, name: str | None = None) -> tuple[User, str]:
    """A new API token for `email`'s user: shown once, stored as a hash, acts with their role."""
    from prodops.store.tables import api_tokens, users

    email = _email(email)
    token = TOKEN_PREFIX + new_secret()
    with ws.transaction() as conn:
        row = conn.execute(sa.select(users).where(users.c.email == email)).one_or_none()
        if row is None:
            raise InputError(f"{email} is not a user; add them first")
        conn.execute(api_tokens.insert().values(token_hash=digest(token), user_id=row.id, name=name, created_at=clock.now()))
    return _user(row), token


def token_user(ws, token: str) -> User | None:
    """The user an API token acts for, or None."""
    from prodops.store.tables import api_tokens, users

    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    hashed = digest(token)
    with ws.transaction(write=False) as conn:
        row = conn.execute(sa.select(users, api_tokens.c.token_hash).join(api_tokens, api_tokens.c.user_id == users.c.id)
                           .where(api_tokens.c.token_hash == hashed)).one_or_none()
    return _user(row) if row is not None and hmac.compare_digest(row.token_hash, hashed) else None


def login(ws, email: str, password: str, client: str) -> Session:
    """A new session for the user, or Refused ("login" for a wrong e-mail or password alike,
    "too_many" past the limits per e-mail and per client)."""
    from prodops.store.tables import sessions, users

    email = (email or "").strip().lower()[:EMAIL_LENGTH]
    for kind, allowed in LOGIN_LIMITS:
        check_rate(ws, f"{kind}:{email if kind == 'login' else client}", allowed, LIMIT_SECONDS)
    with ws.transaction(write=False) as conn:
        row = conn.execute(sa.select(users).where(users.c.email == email)).one_or_none()
    stored = row.password_hash if row is not None and row.password_hash else None
    ok = _hasher().verify((password or "")[:PASSWORD_LENGTH[1]], stored or _decoy())
    if not ok or stored is None:
        raise Refused("login", "wrong e-mail or password")
    token, csrf, now = new_secret(), new_secret(), clock.now()
    with ws.transaction() as conn:
        conn.execute(sessions.delete().where(sessions.c.created_at < now - SESSION_LIFE))  # everyone's ended ones
        conn.execute(sessions.insert().values(id_hash=digest(token), user_id=row.id, csrf=csrf, created_at=now, seen_at=now))
    return Session(token, csrf, _user(row))


def session(ws, token: str | None) -> Session | None:
    """The live session of a cookie's value, or None (unknown, ended, idle too long, too old)."""
    from prodops.store.tables import sessions, users

    if not token or len(token) > 100:
        return None
    hashed, now = digest(token), clock.now()
    with ws.transaction(write=False) as conn:
        row = conn.execute(sa.select(users, sessions.c.id_hash, sessions.c.csrf, sessions.c.created_at.label("started"),
                                     sessions.c.seen_at).join(sessions, sessions.c.user_id == users.c.id)
                           .where(sessions.c.id_hash == hashed)).one_or_none()
    if row is None or not hmac.compare_digest(row.id_hash, hashed):
        return None
    if now - _aware(row.seen_at) > SESSION_IDLE or now - _aware(row.started) > SESSION_LIFE:
        logout(ws, token)
        return None
    if now - _aware(row.seen_at) > dt.timedelta(minutes=1):  # a write a minute at most, not one per request
        with ws.transaction() as conn:
            conn.execute(sessions.update().where(sessions.c.id_hash == hashed).values(seen_at=now))
    return Session(token, row.csrf, _user(row))


def logout(ws, token: str) -> None:
    from prodops.store.tables import sessions

    with ws.transaction() as conn:
        conn.execute(sessions.delete().where(sessions.c.id_hash == digest(token)))


def check_rate(ws, key: str, allowed: int, seconds: int) -> None:
    """Count one attempt at `key` in the current window of `seconds`; past `allowed`, Refused
    ("too_many"). Kept in the workspace, so every worker and instance shares the count."""
    from prodops.store import dialect_insert
    from prodops.store.tables import rate_limits

    now = clock.now().timestamp()
    window = int(now // seconds) * seconds  # when the current window began (epoch seconds)
    hashed = digest(key)  # e-mails and addresses are not kept in clear
    with ws.transaction() as conn:
        insert = dialect_insert(conn)(rate_limits).values(key=hashed, window=window, hits=1)
        hits = conn.execute(insert.on_conflict_do_update(
            index_elements=["key", "window"], set_={"hits": rate_limits.c.hits + 1}).returning(rate_limits.c.hits)
        ).scalar_one()
        conn.execute(rate_limits.delete().where(rate_limits.c.window < now - MAX_WINDOW))  # every key's old windows
    if hits > allowed:
        raise Refused("too_many", "too many attempts; wait a few minutes and try again",
                      retry_after=max(1, int(window + seconds - now)))
