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
from typing import TYPE_CHECKING

from prodops import clock
from prodops.core.errors import InputError, Refused
from prodops.core.passwords import LENGTH, problems
from prodops.core.safe_text import EMAIL_LENGTH, is_email
from prodops.operations.audit import current, record
from prodops.store.access import Account

if TYPE_CHECKING:
    from prodops.store import Workspace

ROLES = ("admin", "viewer")  # admin: changes things; viewer: reads dashboards and reports
PASSWORD_LENGTH = LENGTH  # ASVS 2.1: at least 12 characters; long passphrases welcome (core.passwords)
SESSION_IDLE = dt.timedelta(minutes=30)  # ASVS 3.3.2 (level 2): idle sessions end...
SESSION_LIFE = dt.timedelta(hours=12)  # ...and every session ends after 12 hours
# failed sign-ins are counted and slowed by operations.passwords (attempt, failed, forgive)
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


def _email(email: str) -> str:
    text = (email or "").strip().lower()
    if not is_email(text):
        raise InputError(f"{email[:100]!r} is not an e-mail address")
    return text


def _user(account: Account) -> User:
    return User(account.id, account.email, account.role, account.password_hash is not None, account.created_at)


def add_user(ws: Workspace, email: str, role: str, password: str | None) -> User:
    """A new user. Without a password they can only use API tokens."""
    email = _email(email)
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; the roles are {', '.join(ROLES)}")
    if password is not None and (found := problems(password, email)):
        raise InputError(found[0])
    hashed = None if password is None else _hasher().hash(password)
    added = ws.access.add(email, role, hashed, clock.now())
    if added is None:
        raise InputError(f"{email} is already a user; remove them first to change their role or password")
    record(ws, "user added", email, role=role, password=password is not None)
    return _user(added)


def list_users(ws: Workspace) -> list[User]:
    return [_user(a) for a in ws.access.accounts()]


def remove_user(ws: Workspace, email: str) -> User:
    """Remove a user with their sessions, tokens and games."""
    email = _email(email)
    removed = ws.access.remove(email)
    if removed is None:
        raise InputError(f"{email} is not a user")
    record(ws, "user removed", email, role=removed.role)
    return _user(removed)


def remove_user_by_id(ws: Workspace, user_id: int, by: User) -> User:
    """Remove user #`user_id` on behalf of `by`, who cannot remove themselves."""
    chosen = next((u for u in list_users(ws) if u.id == user_id), None)
    if chosen is None:
        raise Refused("unknown", f"no user #{user_id}")
    if chosen.id == by.id:
        raise InputError("you cannot remove yourself; ask another admin")
    return remove_user(ws, chosen.email)


def create_token(ws: Workspace, email: str, name: str | None = None) -> tuple[User, str]:
    """A new API token for `email`'s user: shown once, stored as a hash, acts with their role."""
    email = _email(email)
    token = TOKEN_PREFIX + new_secret()
    owner = ws.access.add_token(email, digest(token), name, clock.now())
    if owner is None:
        raise InputError(f"{email} is not a user; add them first")
    record(ws, "token created", email, name=name)
    return _user(owner), token


def token_user(ws: Workspace, token: str) -> User | None:
    """The user an API token acts for, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    hashed = digest(token)
    found = ws.access.token(hashed)
    return _user(found.account) if found is not None and hmac.compare_digest(found.token_hash, hashed) else None


def login(ws: Workspace, email: str, password: str, client: str) -> Session:
    """A new session for the user, or Refused ("login" for a wrong e-mail or password alike,
    "too_many" while a delay runs after failures for this e-mail from this client, or from this
    client: operations.passwords). Attempts refused during a delay are not recorded: a flood of
    them would only fill the trail; the failure that began the delay is ("sign-in slowed")."""
    from prodops.operations.passwords import attempt, failed, forgive

    email = (email or "").strip().lower()[:EMAIL_LENGTH]
    tried = attempt(ws, email, client)
    account = ws.access.account(email)
    stored = account.password_hash if account is not None and account.password_hash else None
    ok = _hasher().verify((password or "")[:PASSWORD_LENGTH[1]], stored or _decoy())
    if not ok or stored is None or account is None:
        record(ws, "sign-in failed", email, reason="wrong e-mail or password")
        failed(ws, tried)
        raise Refused("login", "wrong e-mail or password")
    forgive(ws, tried)
    token, csrf, now = new_secret(), new_secret(), clock.now()
    ws.access.start_session(digest(token), account.id, csrf, now, ended_before=now - SESSION_LIFE)  # everyone's ended ones go
    current().actor = account.email
    record(ws, "signed in", account.email, method="password")
    return Session(token, csrf, _user(account))


def session(ws: Workspace, token: str | None) -> Session | None:
    """The live session of a cookie's value, or None (unknown, ended, idle too long, too old)."""
    if not token or len(token) > 100:
        return None
    hashed, now = digest(token), clock.now()
    found = ws.access.session(hashed)
    if found is None or not hmac.compare_digest(found.id_hash, hashed):
        return None
    if now - found.seen > SESSION_IDLE or now - found.started > SESSION_LIFE:
        ws.access.end_session(hashed)  # ended by time, not signed out: nothing to audit
        return None
    if now - found.seen > dt.timedelta(minutes=1):  # a write a minute at most, not one per request
        ws.access.seen(hashed, now)
    return Session(token, found.csrf, _user(found.account))


def logout(ws: Workspace, token: str) -> None:
    """End the session of `token` (signing out)."""
    ws.access.end_session(digest(token))
    record(ws, "signed out", current().actor)


def check_rate(ws: Workspace, key: str, allowed: int, seconds: int) -> None:
    """Count one attempt at `key` in the current window of `seconds`; past `allowed`, Refused
    ("too_many"). Kept in the workspace, so every worker and instance shares the count."""
    now = clock.now().timestamp()
    window = int(now // seconds) * seconds  # when the current window began (epoch seconds)
    hits = ws.access.hit(digest(key), window, forget_before=now - MAX_WINDOW)  # e-mails and addresses are not kept in clear
    if hits > allowed:
        raise Refused("too_many", "too many attempts; wait a few minutes and try again",
                      retry_after=max(1, int(window + seconds - now)))
