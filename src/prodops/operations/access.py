"""Who may use the web app: users and their roles, passwords (argon2id), sessions kept in the
workspace (so any worker or instance knows them and logging out ends them everywhere), API tokens,
and rate limits counted in the workspace too.

Every secret handed out (session id, API token) is 256 random bits and is stored only as its
SHA-256: a copy of the database lets no one in.
"""

from __future__ import annotations

import dataclasses
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
from prodops.core.safe_text import EMAIL_LENGTH, checked_text, is_email
from prodops.operations.audit import current, record
from prodops.store.access import Account, TokenListed

if TYPE_CHECKING:
    from prodops.operations.mfa import Pending
    from prodops.store import Workspace

ROLES = ("admin", "viewer")  # admin: changes things; viewer: reads dashboards and reports
PASSWORD_LENGTH = LENGTH  # ASVS 2.1: at least 12 characters; long passphrases welcome (core.passwords)
SESSION_IDLE = dt.timedelta(minutes=30)  # ASVS 3.3.2 (level 2): idle sessions end...
SESSION_LIFE = dt.timedelta(hours=12)  # ...and every session ends after 12 hours
# failed sign-ins are counted and slowed by operations.passwords (attempt, failed, forgive)
NOT_A_USER = "(not a user)"  # the audit trail's subject for a sign-in with an e-mail no user has
MAX_WINDOW = 3600  # no limit counts over a longer time: older counts are deleted
TOKEN_PREFIX = "pdo_"
TOKEN_SCOPES = ("read", "role")  # read-only, or the user's role
TOKEN_DAYS = 90  # an API token's life unless its maker says otherwise...
MAX_TOKEN_DAYS = 366  # ...and at most a year (a leap one too)
NO_EXPIRY = "no expiry — replace it"  # how a token made before tokens expired is listed
# Tokens are made by a signed-in browser or the command line, never by a token: a token could
# otherwise make one that outlives it (a longer life, another user), revoked or not.
NO_TOKENS_BY_TOKEN = ("an API token cannot make API tokens (one made so could outlive it); make tokens in a "
                      "signed-in browser (your account page) or on the command line")


@dataclass(frozen=True)
class User:
    id: int
    email: str
    role: str
    has_password: bool
    created_at: dt.datetime
    two_step: bool = False  # two-step sign-in on (said by list_users; elsewhere not looked up)

    @property
    def admin(self) -> bool:
        return self.role == "admin"

    def document(self) -> dict:
        return {"id": self.id, "email": self.email, "role": self.role, "has_password": self.has_password,
                "two_step": self.two_step, "created_at": self.created_at.isoformat()}


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
    """Every user, by e-mail, with whether their two-step sign-in is on (IT asks who has it)."""
    on = ws.mfa.second_steps_on()
    return [dataclasses.replace(_user(a), two_step=a.id in on) for a in ws.access.accounts()]


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


@dataclass(frozen=True)
class Token:
    """An API token as listed: never the token itself (only its hash is kept)."""

    id: int
    name: str | None
    owner: str  # the e-mail of the user it acts for
    scope: str  # "read": read-only; "role": with the owner's role
    created_at: dt.datetime
    expires_at: dt.datetime | None  # None: made before tokens expired; it should be replaced
    last_used_at: dt.datetime | None  # to the minute

    def document(self) -> dict:
        return {"id": self.id, "name": self.name, "owner": self.owner, "scope": self.scope,
                "created_at": self.created_at.isoformat(),
                "expires_at": self.expires_at and self.expires_at.isoformat(),
                "last_used_at": self.last_used_at and self.last_used_at.isoformat()}


@dataclass(frozen=True)
class Bearer:
    """Who an API token acts for, and how: `scope` "read" may only read, whatever the user's role."""

    user: User
    scope: str
    token_id: int


def _token(kept: TokenListed) -> Token:
    return Token(kept.id, kept.name, kept.owner, kept.scope, kept.created, kept.expires, kept.last_used)


def _days(days: int | str | None) -> int:
    """A token's lifetime in days, as given or typed (None: the default)."""
    if days is None:
        return TOKEN_DAYS
    text = str(days).strip()
    if isinstance(days, bool) or not (text.isascii() and text.isdigit() and len(text) <= 6):
        raise InputError(f"the token's lifetime {text[:20]!r} is not a whole number of days; give 1 to {MAX_TOKEN_DAYS}")
    if not 1 <= int(text) <= MAX_TOKEN_DAYS:
        raise InputError(f"a token lives 1 to {MAX_TOKEN_DAYS} days, not {int(text):,}; the default is {TOKEN_DAYS}")
    return int(text)


def create_token(ws: Workspace, email: str, name: str | None = None, scope: str = "role", days: int | str | None = None,
                 by: User | None = None, by_token: int | None = None) -> tuple[Token, str]:
    """A new API token for `email`'s user, acting read-only (`scope` "read") or with their role
    ("role"), for `days` (default TOKEN_DAYS, at most MAX_TOKEN_DAYS): shown once, stored as a hash.
    On behalf of `by` (None: the command line), who must be an admin or the user themselves, and a
    viewer makes read tokens only. `by_token`: the id of the API token `by` asks with, which is
    Refused ("forbidden"): tokens come from sessions and the command line only."""
    email = _email(email)
    if by_token is not None:
        record(ws, "token refused", email, reason="asked with an API token", by_token=by_token)
        raise Refused("forbidden", NO_TOKENS_BY_TOKEN)
    if scope not in TOKEN_SCOPES:
        raise InputError(f"unknown scope {str(scope)[:20]!r}; the scopes are read (read-only) and role (the user's role)")
    name = checked_text(name, "the token's name")
    lifetime = _days(days)
    if by is not None and not by.admin:
        if email != by.email:  # the same words whether or not the e-mail is a user's: nothing to enumerate
            raise Refused("forbidden", "a viewer may create API tokens for themselves only")
        if scope != "read":
            raise InputError("a viewer's API tokens are read-only: choose the scope read")
    now = clock.now()
    token = TOKEN_PREFIX + new_secret()
    expires = now + dt.timedelta(days=lifetime)
    kept = ws.access.add_token(email, digest(token), name, now, scope=scope, expires=expires)
    if kept is None:
        raise Refused("unknown", f"{email} is not a user; add them first")
    record(ws, "token created", email, id=kept.id, name=name, scope=scope, expires=expires.isoformat(timespec="seconds"))
    return _token(kept), token


def list_tokens(ws: Workspace, email: str | None = None, by: User | None = None) -> list[Token]:
    """The API tokens of `email`'s user (None: everyone's for an admin or the command line, `by`'s
    own for a viewer). A viewer asking for another user's gets Refused "unknown", as for no user."""
    if by is not None and not by.admin:
        if email is not None and _email(email) != by.email:
            raise Refused("unknown", f"no tokens of {email[:100]} for you to see")
        return [_token(t) for t in ws.access.tokens(by.id)]
    if email is None:
        return [_token(t) for t in ws.access.tokens()]
    account = ws.access.account(_email(email))
    if account is None:
        raise Refused("unknown", f"{email} is not a user")
    return [_token(t) for t in ws.access.tokens(account.id)]


def revoke_token(ws: Workspace, token_id: int, by: User | None = None) -> Token:
    """Revoke (delete) API token #`token_id`, on behalf of `by` (None: the command line): an admin
    any, a viewer their own; another's is "unknown", exactly like a token that does not exist."""
    removed = ws.access.remove_token(token_id, None if by is None or by.admin else by.id)
    if removed is None:
        raise Refused("unknown", f"no API token #{token_id}")
    record(ws, "token revoked", removed.owner, id=removed.id, name=removed.name, scope=removed.scope)
    return _token(removed)


def token_caller(ws: Workspace, token: str) -> Bearer | None:
    """Who an API token acts for and with what scope, or None (unknown, revoked or expired: an
    expired token is deleted, with everyone's others that expired)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    hashed, now = digest(token), clock.now()
    found = ws.access.token(hashed)
    if found is None or not hmac.compare_digest(found.token_hash, hashed):
        return None
    if found.expires is not None and now >= found.expires:
        ws.access.forget_expired_tokens(now)  # ended by time, not revoked: nothing to audit
        return None
    if found.last_used is None or now - found.last_used > dt.timedelta(minutes=1):  # a write a minute at most
        ws.access.token_used(found.id, now)
    return Bearer(_user(found.account), found.scope, found.id)


def token_user(ws: Workspace, token: str) -> User | None:
    """The user an API token acts for, or None."""
    found = token_caller(ws, token)
    return None if found is None else found.user


def login(ws: Workspace, email: str, password: str, client: str) -> Session | Pending:
    """Signing in with a password: a new session for the user; for a user with two-step sign-in
    on, a sign-in awaiting its code instead (operations.mfa.finish_sign_in starts the session). Or
    Refused as `check_password` says."""
    from prodops.operations.mfa import hold_sign_in

    account = check_password(ws, email, password, client)
    return hold_sign_in(ws, account, "password") or start_session(ws, account, "password")


def check_password(ws: Workspace, email: str, password: str, client: str) -> Account:
    """The first step of signing in: the account whose password this is, or Refused ("login" for a
    wrong e-mail or password alike, "too_many" while a delay runs after failures for this e-mail
    from this client, or from this client: operations.passwords). Attempts refused during a delay
    are not recorded: a flood of them would only fill the trail; the failure that began the delay
    is ("sign-in slowed")."""
    from prodops.operations.passwords import attempt, failed, forgive

    email = (email or "").strip().lower()[:EMAIL_LENGTH]
    tried = attempt(ws, email, client)
    account = ws.access.account(email)
    stored = account.password_hash if account is not None and account.password_hash else None
    ok = _hasher().verify((password or "")[:PASSWORD_LENGTH[1]], stored or _decoy())
    if not ok or stored is None or account is None:
        # what was typed is recorded only when it is a user's e-mail: else it may be anything, the
        # password itself typed in the wrong field, and the trail keeps it for good
        shown = email if account is not None else NOT_A_USER
        record(ws, "sign-in failed", shown, reason="wrong e-mail or password")
        failed(ws, tried, shown)
        raise Refused("login", "wrong e-mail or password")
    forgive(ws, tried)
    return account


def start_session(ws: Workspace, account: Account, method: str) -> Session:
    """A new session for `account`, who has just proved who they are by `method` (a password and
    perhaps a second step, single sign-on): every way of signing in ends here."""
    token, csrf, now = new_secret(), new_secret(), clock.now()
    ws.access.start_session(digest(token), account.id, csrf, now, ended_before=now - SESSION_LIFE)  # everyone's ended ones go
    current().actor = account.email
    record(ws, "signed in", account.email, method=method)
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
