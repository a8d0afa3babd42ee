"""Who may use the web app: users, their sessions and API tokens, and the rate limits' counts.
Secrets (session ids, API tokens) are kept only as their hashes: the callers hash them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from prodops.core.passwords import Count
from prodops.store.dialects import aware, dialect_insert
from prodops.store.tables import (api_tokens, challenge_games, mfa_secrets, password_resets, pending_sign_ins,
                                  rate_limits, recovery_codes, sessions, sign_in_failures, users)

if TYPE_CHECKING:
    from prodops.store.workspace import Workspace


@dataclass(frozen=True)
class Account:
    """A user as kept: with the hash of their password (None: API tokens only)."""

    id: int
    email: str
    role: str
    password_hash: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class KeptToken:
    """An API token as kept, and the user it acts for."""

    account: Account
    token_hash: str
    id: int = 0
    scope: str = "role"
    expires: dt.datetime | None = None  # None: made before tokens expired
    last_used: dt.datetime | None = None


@dataclass(frozen=True)
class TokenListed:
    """An API token as listed: everything but its hash."""

    id: int
    name: str | None
    owner: str  # the user's e-mail
    owner_id: int
    scope: str
    created: dt.datetime
    expires: dt.datetime | None
    last_used: dt.datetime | None


@dataclass(frozen=True)
class KeptSession:
    """A session as kept, and the user it is of."""

    account: Account
    id_hash: str
    csrf: str
    started: dt.datetime
    seen: dt.datetime


class Access:
    """Users, sessions, API tokens and rate limits. Each call is one transaction with no lock of its
    own beyond the workspace's writer lock; a rate limit's count is one upsert that adds one and
    returns the sum, so two requests at once never count as one."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def add(self, email: str, role: str, password_hash: str | None, now: dt.datetime) -> Account | None:
        """A new user (`email` in lower case); None, and nothing added, when the e-mail is a user's already."""
        with self._ws.transaction(changes=False) as conn:
            if conn.execute(sa.select(users.c.id).where(users.c.email == email)).first():
                return None
            conn.execute(users.insert().values(email=email, role=role, password_hash=password_hash, created_at=now))
            return _account(conn.execute(sa.select(users).where(users.c.email == email)).one())

    def accounts(self) -> list[Account]:
        """Every user, by e-mail."""
        with self._ws.transaction(write=False) as conn:
            return [_account(r) for r in conn.execute(sa.select(users).order_by(users.c.email))]

    def account(self, email: str) -> Account | None:
        """The user of `email` (in lower case), or None."""
        with self._ws.transaction(write=False) as conn:
            row = conn.execute(sa.select(users).where(users.c.email == email)).one_or_none()
        return None if row is None else _account(row)

    def remove(self, email: str) -> Account | None:
        """Remove the user of `email` with their sessions, tokens and games, in one transaction
        (foreign keys are not enforced on SQLite); None when there is no such user."""
        with self._ws.transaction(changes=False) as conn:
            row = conn.execute(sa.select(users).where(users.c.email == email)).one_or_none()
            if row is None:
                return None
            for table in (sessions, api_tokens, mfa_secrets, recovery_codes, pending_sign_ins, password_resets):
                conn.execute(table.delete().where(table.c.user_id == row.id))
            conn.execute(challenge_games.delete().where(challenge_games.c.player == f"user:{row.id}"))
            conn.execute(users.delete().where(users.c.id == row.id))
            return _account(row)

    def set_role(self, email: str, role: str) -> Account | None:
        """The user of `email` (in lower case) now has `role`; None, and nothing changed, when there is no such user."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(users.update().where(users.c.email == email).values(role=role))
            row = conn.execute(sa.select(users).where(users.c.email == email)).one_or_none()
        return None if row is None else _account(row)

    def add_token(self, email: str, token_hash: str, name: str | None, now: dt.datetime, scope: str = "role",
                  expires: dt.datetime | None = None) -> TokenListed | None:
        """Keep a new API token (its hash) for the user of `email`; None, and nothing kept, when there
        is no such user. Everyone's tokens expired by `now` are deleted meanwhile."""
        with self._ws.transaction(changes=False) as conn:
            row = conn.execute(sa.select(users).where(users.c.email == email)).one_or_none()
            if row is None:
                return None
            conn.execute(api_tokens.delete().where(api_tokens.c.expires_at <= now))
            made = conn.execute(api_tokens.insert().values(token_hash=token_hash, user_id=row.id, name=name, created_at=now,
                                                           scope=scope, expires_at=expires).returning(api_tokens.c.id)
                                ).scalar_one()
        return TokenListed(made, name, row.email, row.id, scope, now, expires, None)

    def token(self, token_hash: str) -> KeptToken | None:
        """The API token kept as `token_hash` and its user, or None."""
        with self._ws.transaction(write=False) as conn:
            row = conn.execute(sa.select(users, api_tokens.c.token_hash, api_tokens.c.id.label("token_id"),
                                         api_tokens.c.scope, api_tokens.c.expires_at, api_tokens.c.last_used_at)
                               .join(api_tokens, api_tokens.c.user_id == users.c.id)
                               .where(api_tokens.c.token_hash == token_hash)).one_or_none()
        return None if row is None else KeptToken(_account(row), row.token_hash, row.token_id, row.scope,
                                                  aware(row.expires_at), aware(row.last_used_at))

    def tokens(self, user_id: int | None = None) -> list[TokenListed]:
        """The API tokens of user #`user_id` (None: everyone's), by owner then the newest first; never a hash."""
        query = _listed().order_by(users.c.email, api_tokens.c.id.desc())
        if user_id is not None:
            query = query.where(api_tokens.c.user_id == user_id)
        with self._ws.transaction(write=False) as conn:
            return [_token_listed(r) for r in conn.execute(query)]

    def remove_token(self, token_id: int, user_id: int | None = None) -> TokenListed | None:
        """Delete API token #`token_id` (only if it is user #`user_id`'s, when given); what it was, or None."""
        query = _listed().where(api_tokens.c.id == token_id)
        if user_id is not None:
            query = query.where(api_tokens.c.user_id == user_id)
        with self._ws.transaction(changes=False) as conn:
            row = conn.execute(query).one_or_none()
            if row is None:
                return None
            conn.execute(api_tokens.delete().where(api_tokens.c.id == token_id))
        return _token_listed(row)

    def token_used(self, token_id: int, now: dt.datetime) -> None:
        """API token #`token_id` was used at `now`."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(api_tokens.update().where(api_tokens.c.id == token_id).values(last_used_at=now))

    def forget_expired_tokens(self, now: dt.datetime) -> int:
        """Delete everyone's API tokens expired by `now`; how many."""
        with self._ws.transaction(changes=False) as conn:
            return conn.execute(api_tokens.delete().where(api_tokens.c.expires_at <= now)).rowcount

    def start_session(self, id_hash: str, user_id: int, csrf: str, now: dt.datetime, ended_before: dt.datetime) -> None:
        """Keep a new session; everyone's sessions started before `ended_before` are deleted meanwhile."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(sessions.delete().where(sessions.c.created_at < ended_before))
            conn.execute(sessions.insert().values(id_hash=id_hash, user_id=user_id, csrf=csrf, created_at=now, seen_at=now))

    def session(self, id_hash: str) -> KeptSession | None:
        """The session kept as `id_hash` and its user, or None."""
        with self._ws.transaction(write=False) as conn:
            row = conn.execute(sa.select(users, sessions.c.id_hash, sessions.c.csrf, sessions.c.created_at.label("started"),
                                         sessions.c.seen_at).join(sessions, sessions.c.user_id == users.c.id)
                               .where(sessions.c.id_hash == id_hash)).one_or_none()
        return None if row is None else KeptSession(_account(row), row.id_hash, row.csrf, aware(row.started), aware(row.seen_at))

    def seen(self, id_hash: str, now: dt.datetime) -> None:
        """The session was used at `now`."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(sessions.update().where(sessions.c.id_hash == id_hash).values(seen_at=now))

    def end_session(self, id_hash: str) -> None:
        """The session kept as `id_hash` ends (signing out, or found idle or too old)."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(sessions.delete().where(sessions.c.id_hash == id_hash))

    def hit(self, key_hash: str, window: int, forget_before: float) -> int:
        """Count one attempt at `key_hash` in the window that began at `window` (epoch seconds) and
        return the window's count; every key's windows that began before `forget_before` are deleted."""
        with self._ws.transaction(changes=False) as conn:
            insert = dialect_insert(conn)(rate_limits).values(key=key_hash, window=window, hits=1)
            hits: int = conn.execute(insert.on_conflict_do_update(
                index_elements=["key", "window"], set_={"hits": rate_limits.c.hits + 1}).returning(rate_limits.c.hits)
            ).scalar_one()
            conn.execute(rate_limits.delete().where(rate_limits.c.window < forget_before))
        return hits

    # --- passwords: failed sign-ins, changes, reset links ------------------------------------

    def count_failures(self, keys: Sequence[str], now: dt.datetime,
                       change: Callable[[dict[str, Count | None]], dict[str, tuple[Count, dt.datetime] | None] | None]
                       ) -> None:
        """Under a lock on the failure counts of `keys` (one transaction): `change` is given each
        key's count (None: none kept) and returns what each becomes, with when it may be forgotten
        (None: deleted), or None to leave them all. Every key's counts forgotten by `now` go first.
        The lock makes two attempts at once count as two: each waits for the other's decision
        (PostgreSQL: the rows, made first if missing, locked in key order; SQLite: its write lock)."""
        keys = sorted(set(keys))
        with self._ws.transaction(changes=False) as conn:
            conn.execute(sign_in_failures.delete().where(sign_in_failures.c.forget_at <= now))
            for key in keys:  # a row to lock: failures 0 until `change` says otherwise
                conn.execute(dialect_insert(conn)(sign_in_failures).values(key=key, failures=0, last_at=now, forget_at=now)
                             .on_conflict_do_nothing(index_elements=["key"]))
            rows = conn.execute(sa.select(sign_in_failures).where(sign_in_failures.c.key.in_(keys))
                                .order_by(sign_in_failures.c.key).with_for_update()).all()
            kept = {r.key: Count(r.failures, aware(r.last_at)) if r.failures else None for r in rows}
            changed = change(kept)
            if changed is None:
                changed = {k: None for k, v in kept.items() if v is None}  # the rows made to lock go
            for key, value in changed.items():
                where = sign_in_failures.c.key == key
                if value is None:
                    conn.execute(sign_in_failures.delete().where(where))
                else:
                    count, forget_at = value
                    conn.execute(sign_in_failures.update().where(where).values(
                        failures=count.failures, last_at=count.last, forget_at=forget_at))

    def set_password(self, user_id: int, password_hash: str, keep_session: str | None) -> int:
        """The user's new password: every session of theirs ends but `keep_session` (an id's hash),
        and every reset link and sign-in awaiting its code (made with the old password) of theirs
        with it. The sessions ended."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(users.update().where(users.c.id == user_id).values(password_hash=password_hash))
            for table in (password_resets, pending_sign_ins):
                conn.execute(table.delete().where(table.c.user_id == user_id))
            ended = conn.execute(sessions.delete().where(sessions.c.user_id == user_id,
                                                         sessions.c.id_hash != (keep_session or ""))).rowcount
        return ended

    def add_reset(self, token_hash: str, user_id: int, now: dt.datetime, expires: dt.datetime) -> None:
        """Keep a reset link's token (its hash); everyone's expired ones are deleted meanwhile."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(password_resets.delete().where(password_resets.c.expires_at <= now))
            conn.execute(password_resets.insert().values(token_hash=token_hash, user_id=user_id, created_at=now,
                                                         expires_at=expires))

    def reset(self, token_hash: str, now: dt.datetime) -> Account | None:
        """The user of the reset link kept as `token_hash` if it has not expired by `now`, or None."""
        with self._ws.transaction(write=False) as conn:
            row = conn.execute(sa.select(users).join(password_resets, password_resets.c.user_id == users.c.id)
                               .where(password_resets.c.token_hash == token_hash,
                                      password_resets.c.expires_at > now)).one_or_none()
        return None if row is None else _account(row)

    def spend_reset(self, token_hash: str, user_id: int, password_hash: str, now: dt.datetime) -> int | None:
        """Use the reset link kept as `token_hash` (of user #`user_id`, unexpired) once: in one
        transaction it goes, the user's password is `password_hash`, every session, reset link and
        sign-in awaiting its code of theirs ends. The sessions ended, or None (and nothing changed) when
        the link was spent or expired meanwhile."""
        with self._ws.transaction(changes=False) as conn:
            spent = conn.execute(password_resets.delete().where(
                password_resets.c.token_hash == token_hash, password_resets.c.user_id == user_id,
                password_resets.c.expires_at > now)).rowcount
            if spent != 1:
                return None
            conn.execute(users.update().where(users.c.id == user_id).values(password_hash=password_hash))
            for table in (password_resets, pending_sign_ins):
                conn.execute(table.delete().where(table.c.user_id == user_id))
            ended: int = conn.execute(sessions.delete().where(sessions.c.user_id == user_id)).rowcount
        return ended


def _listed() -> sa.Select:
    return sa.select(api_tokens.c.id, api_tokens.c.name, users.c.email, api_tokens.c.user_id, api_tokens.c.scope,
                     api_tokens.c.created_at, api_tokens.c.expires_at, api_tokens.c.last_used_at
                     ).join(users, api_tokens.c.user_id == users.c.id)


def _token_listed(row: Any) -> TokenListed:
    return TokenListed(row.id, row.name, row.email, row.user_id, row.scope, aware(row.created_at),
                       aware(row.expires_at), aware(row.last_used_at))


def _account(row: Any) -> Account:
    return Account(row.id, row.email, row.role, row.password_hash, aware(row.created_at))
