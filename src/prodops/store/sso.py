"""Single sign-on under way: the state of each attempt, kept until its answer comes back (then
deleted, so that it is used once) or until it is too old. The state itself is kept only as its hash."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodops.store.dialects import aware
from prodops.store.tables import sso_states

if TYPE_CHECKING:
    from prodops.store.workspace import Workspace


@dataclass(frozen=True)
class KeptSignIn:
    """A sign-in under way, as kept."""

    browser_hash: str  # the hash of the cookie of the browser that started it
    nonce: str
    verifier: str  # PKCE's code verifier
    redirect_uri: str
    created_at: dt.datetime


class SignIns:
    """Each call is one transaction; taking a state is one DELETE ... RETURNING, so that two answers
    at once (or a replayed one) never both find it."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def keep(self, state_hash: str, kept: KeptSignIn, forget_before: dt.datetime) -> None:
        """Keep a new sign-in; everyone's started before `forget_before` are deleted meanwhile."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(sso_states.delete().where(sso_states.c.created_at < forget_before))
            conn.execute(sso_states.insert().values(
                state_hash=state_hash, browser_hash=kept.browser_hash, nonce=kept.nonce, verifier=kept.verifier,
                redirect_uri=kept.redirect_uri, created_at=kept.created_at))

    def take(self, state_hash: str) -> KeptSignIn | None:
        """The sign-in kept as `state_hash`, deleted as it is read; None when there is none (never
        started, already taken, or forgotten)."""
        with self._ws.transaction(changes=False) as conn:
            row = conn.execute(sso_states.delete().where(sso_states.c.state_hash == state_hash).returning(
                sso_states.c.browser_hash, sso_states.c.nonce, sso_states.c.verifier, sso_states.c.redirect_uri,
                sso_states.c.created_at)).one_or_none()
        if row is None:
            return None
        return KeptSignIn(row.browser_hash, row.nonce, row.verifier, row.redirect_uri, aware(row.created_at))
