"""Two-step sign-in as kept: each user's TOTP secret (pending until confirmed) with the time step of
the last code used, their recovery codes (hashed by the callers), sign-ins awaiting their code (the
cookie's hash), and the workspace-wide settings (whether admins must use it).

Using a code is one conditional UPDATE (the step must be later than the last one used; a recovery
code must not be spent yet), so two requests racing with the same code never both succeed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from prodops.store.access import Account, _account
from prodops.store.dialects import aware, dialect_insert
from prodops.store.tables import mfa_secrets, pending_sign_ins, recovery_codes, sessions, users, workspace_settings

if TYPE_CHECKING:
    from prodops.store.workspace import Workspace


@dataclass(frozen=True)
class KeptFactor:
    """A user's TOTP secret as kept."""

    secret: str
    created_at: dt.datetime
    enabled_at: dt.datetime | None  # None: pending, not confirmed yet
    last_step: int | None


@dataclass(frozen=True)
class KeptPending:
    """A sign-in awaiting its code, and the user it is of."""

    account: Account
    token_hash: str
    csrf: str
    created_at: dt.datetime
    method: str  # how the first step was made: "password", "sso"


class SecondFactors:
    """Each call is one transaction, with no lock beyond the workspace's writer lock: what must not
    happen twice (a code used, a recovery code spent, an enrolment confirmed) is a conditional
    UPDATE whose row count says whether this call did it."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    # --- the secret ---------------------------------------------------------------------------

    def factor(self, user_id: int) -> KeptFactor | None:
        with self._ws.transaction(write=False) as conn:
            row = conn.execute(sa.select(mfa_secrets).where(mfa_secrets.c.user_id == user_id)).one_or_none()
        return None if row is None else KeptFactor(row.secret, aware(row.created_at), aware(row.enabled_at), row.last_step)

    def start(self, user_id: int, secret: str, now: dt.datetime) -> bool:
        """Keep `secret` as the user's pending one (replacing a pending one); False, and nothing
        changed, when their two-step sign-in is on already."""
        with self._ws.transaction(changes=False) as conn:
            mine = mfa_secrets.c.user_id == user_id
            if conn.execute(sa.select(mfa_secrets.c.enabled_at).where(mine)).scalar() is not None:
                return False
            conn.execute(mfa_secrets.delete().where(mine))
            conn.execute(mfa_secrets.insert().values(user_id=user_id, secret=secret, created_at=now))
            return True

    def enable(self, user_id: int, secret: str, step: int, codes: list[tuple[str, str]], now: dt.datetime) -> bool:
        """Turn the pending `secret` on, `step` used, with the recovery codes `codes` ((selector,
        hash) each) in place of any before; False, and nothing changed, when `secret` is not the
        user's pending secret (any more)."""
        with self._ws.transaction(changes=False) as conn:
            done = conn.execute(mfa_secrets.update().where(
                (mfa_secrets.c.user_id == user_id) & (mfa_secrets.c.secret == secret) & mfa_secrets.c.enabled_at.is_(None)
            ).values(enabled_at=now, last_step=step)).rowcount
            if done != 1:
                return False
            _replace_codes(conn, user_id, codes)
            return True

    def use_step(self, user_id: int, step: int) -> bool:
        """Mark TOTP time step `step` used: False when the user's two-step sign-in is not on, or a
        code of this step or a later one was used already (a replay)."""
        with self._ws.transaction(changes=False) as conn:
            return conn.execute(mfa_secrets.update().where(
                (mfa_secrets.c.user_id == user_id) & mfa_secrets.c.enabled_at.is_not(None)
                & (mfa_secrets.c.last_step.is_(None) | (mfa_secrets.c.last_step < step))
            ).values(last_step=step)).rowcount == 1

    def turn_off(self, user_id: int, end_sessions: bool = False) -> bool:
        """Delete the user's secret, recovery codes and sign-ins awaiting a code (and with
        `end_sessions`, their sessions), in one transaction; whether their two-step sign-in was on."""
        with self._ws.transaction(changes=False) as conn:
            was_on = conn.execute(sa.select(mfa_secrets.c.enabled_at).where(mfa_secrets.c.user_id == user_id)).scalar()
            for table in (mfa_secrets, recovery_codes, pending_sign_ins, *((sessions,) if end_sessions else ())):
                conn.execute(table.delete().where(table.c.user_id == user_id))
            return was_on is not None

    # --- recovery codes -----------------------------------------------------------------------

    def recovery_hashes(self, user_id: int, selector: str) -> list[tuple[int, str]]:
        """(id, hash) of the user's unspent recovery codes kept under `selector`."""
        with self._ws.transaction(write=False) as conn:
            rows = conn.execute(sa.select(recovery_codes.c.id, recovery_codes.c.code_hash).where(
                (recovery_codes.c.user_id == user_id) & (recovery_codes.c.selector == selector)
                & recovery_codes.c.used_at.is_(None)).order_by(recovery_codes.c.id)).all()
        return [(r.id, r.code_hash) for r in rows]

    def spend(self, user_id: int, code_id: int, now: dt.datetime) -> bool:
        """Spend recovery code #`code_id`: False when it was spent already (by a request just before)."""
        with self._ws.transaction(changes=False) as conn:
            return conn.execute(recovery_codes.update().where(
                (recovery_codes.c.id == code_id) & (recovery_codes.c.user_id == user_id) & recovery_codes.c.used_at.is_(None)
            ).values(used_at=now)).rowcount == 1

    def second_steps_on(self) -> set[int]:
        """The users whose two-step sign-in is on (confirmed)."""
        with self._ws.transaction(write=False) as conn:
            return set(conn.execute(sa.select(mfa_secrets.c.user_id).where(mfa_secrets.c.enabled_at.is_not(None))).scalars())

    def recovery_left(self, user_id: int) -> int:
        with self._ws.transaction(write=False) as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(recovery_codes).where(
                (recovery_codes.c.user_id == user_id) & recovery_codes.c.used_at.is_(None))).scalar_one()

    def replace_codes(self, user_id: int, codes: list[tuple[str, str]]) -> None:
        """The user's recovery codes are `codes` ((selector, hash) each) from now on; the old ones go."""
        with self._ws.transaction(changes=False) as conn:
            _replace_codes(conn, user_id, codes)

    # --- sign-ins awaiting their code -----------------------------------------------------------

    def hold(self, token_hash: str, user_id: int, csrf: str, method: str, now: dt.datetime,
             expired_before: dt.datetime) -> None:
        """Keep a sign-in awaiting its code; everyone's begun before `expired_before` are deleted meanwhile."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(pending_sign_ins.delete().where(pending_sign_ins.c.created_at < expired_before))
            conn.execute(pending_sign_ins.insert().values(token_hash=token_hash, user_id=user_id, csrf=csrf, created_at=now,
                                                          method=method))

    def held(self, token_hash: str) -> KeptPending | None:
        with self._ws.transaction(write=False) as conn:
            row = conn.execute(sa.select(users, pending_sign_ins.c.token_hash, pending_sign_ins.c.csrf,
                                         pending_sign_ins.c.created_at.label("begun"), pending_sign_ins.c.method)
                               .join(pending_sign_ins, pending_sign_ins.c.user_id == users.c.id)
                               .where(pending_sign_ins.c.token_hash == token_hash)).one_or_none()
        return None if row is None else KeptPending(_account(row), row.token_hash, row.csrf, aware(row.begun), row.method)

    def release(self, token_hash: str) -> bool:
        """The sign-in awaiting its code ends (its code was right, or it expired); whether it was there."""
        with self._ws.transaction(changes=False) as conn:
            return conn.execute(pending_sign_ins.delete().where(pending_sign_ins.c.token_hash == token_hash)).rowcount == 1

    # --- workspace-wide settings ----------------------------------------------------------------

    def setting(self, name: str) -> str | None:
        with self._ws.transaction(write=False) as conn:
            return conn.execute(sa.select(workspace_settings.c.value).where(workspace_settings.c.name == name)).scalar()

    def set_setting(self, name: str, value: str | None) -> None:
        """Set (None: remove) a workspace-wide setting."""
        with self._ws.transaction(changes=False) as conn:
            if value is None:
                conn.execute(workspace_settings.delete().where(workspace_settings.c.name == name))
                return
            insert = dialect_insert(conn)(workspace_settings).values(name=name, value=value)
            conn.execute(insert.on_conflict_do_update(index_elements=["name"], set_={"value": value}))

    def enrolment_state(self, user_id: int, setting: str) -> tuple[bool, str | None]:
        """(whether the user's two-step sign-in is on, the workspace setting `setting`): read on
        each request of an admin's session, in one read."""
        with self._ws.transaction(write=False) as conn:
            on = conn.execute(sa.select(mfa_secrets.c.enabled_at).where(mfa_secrets.c.user_id == user_id)).scalar()
            value = conn.execute(sa.select(workspace_settings.c.value).where(workspace_settings.c.name == setting)).scalar()
        return on is not None, value


def _replace_codes(conn: sa.Connection, user_id: int, codes: list[tuple[str, str]]) -> None:
    conn.execute(recovery_codes.delete().where(recovery_codes.c.user_id == user_id))
    if codes:
        conn.execute(recovery_codes.insert(), [{"user_id": user_id, "selector": s, "code_hash": h} for s, h in codes])
