"""Two-step sign-in for password accounts (ASVS V2.8 and V2.5): a TOTP authenticator app enrolled
with a QR code and confirmed with a code, ten single-use recovery codes, a code asked after the
password, and the workspace's rule that admins must have it.

Signing in is one flow, `access.login`: the password is checked (`access.check_password`); a user
with two-step sign-in on gets a sign-in awaiting its code (`hold_sign_in`: a 256-bit token for a
cookie, kept as its SHA-256, five minutes, bound to the user), and only the right code starts the
session (`finish_sign_in`, through `access.start_session`). A code counts once: the time step of
the last code used is kept, and no code of that step or an earlier one counts again.

Recovery codes are 80 random bits each, kept as argon2id hashes (pwdlib, as passwords are): a
SHA-256 of a short code could be searched offline from a copy of the database, and an HMAC would
need a key kept outside it, which a workspace does not have. Checking ten argon2id hashes takes a
second, so each code is kept beside its first group (the selector, 20 of its bits, in clear) and a
code typed is checked against the one hash under its selector (against a decoy when there is none:
as long either way). The other 60 bits behind argon2id are beyond any search.

The TOTP secret is kept in clear: checking a code needs it (ASVS 2.8 allows it; docs/deploy.md
says to protect the database's backups). Every code tried counts in the rate limits (per user and
per client) before it is checked, so no guess past the limit is ever checked."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodops import clock
from prodops.core import mfa as rules
from prodops.core.errors import InputError, Refused
from prodops.operations.access import (PASSWORD_LENGTH, Session, User, _decoy, _hasher, _user, check_rate, digest,
                                       new_secret, start_session)
from prodops.operations.audit import record

if TYPE_CHECKING:
    from prodops.store import Workspace
    from prodops.store.access import Account

PENDING_LIFE = dt.timedelta(minutes=5)  # from the right password to its code
# codes tried per client, then per user, in CODE_SECONDS (the client first: one client past its
# limit does not go on counting against a user)
CODE_LIMITS = (("mfa-client", 20), ("mfa", 5))
CODE_SECONDS = 300
REQUIRED_FOR_ADMINS = "mfa_required_for_admins"  # the workspace setting: "on" or absent


@dataclass(frozen=True)
class Pending:
    """A sign-in whose password was right, awaiting its code."""

    token: str  # the cookie's value; only its hash is kept
    csrf: str  # the code page's form carries it
    user: User
    expires: dt.datetime
    method: str = "password"  # how the first step was made


@dataclass(frozen=True)
class Enrolment:
    """A secret awaiting confirmation: what the authenticator app is given."""

    secret: str
    uri: str  # otpauth://, for the QR code

    @property
    def grouped(self) -> str:
        return rules.grouped(self.secret)


@dataclass(frozen=True)
class SecondStep:
    """A user's two-step sign-in as their account page shows it."""

    on: bool
    since: dt.datetime | None
    enrolling: Enrolment | None  # set up begun, not yet confirmed
    recovery_left: int
    required: bool  # the workspace requires it of them (an admin)
    possible: bool  # they sign in with a password


@dataclass(frozen=True)
class SignedIn:
    session: Session
    recovery_left: int | None  # after a recovery code: how many are left


# --- the account page ------------------------------------------------------------------------------

def second_step(ws: Workspace, user: User) -> SecondStep:
    factor = ws.mfa.factor(user.id)
    on = factor is not None and factor.enabled_at is not None
    enrolling = None if factor is None or on else Enrolment(factor.secret, rules.otpauth_uri(factor.secret, user.email))
    return SecondStep(on, factor.enabled_at if factor else None, enrolling, ws.mfa.recovery_left(user.id) if on else 0,
                      _required_of(ws, user), user.has_password)


def start_enrolment(ws: Workspace, user: User) -> Enrolment:
    """A new secret for `user`, pending until a code from it confirms it (`confirm_enrolment`)."""
    if not user.has_password:
        raise InputError("two-step sign-in is for accounts that sign in with a password; this one has none")
    secret = rules.new_secret()
    if not ws.mfa.start(user.id, secret, clock.now()):
        raise InputError("two-step sign-in is on already; to use another device, turn it off, then set it up again")
    return Enrolment(secret, rules.otpauth_uri(secret, user.email))


def confirm_enrolment(ws: Workspace, user: User, password: str, code: str, client: str) -> list[str]:
    """Turn `user`'s pending secret on with their current password and a current code from it:
    their new recovery codes, to be shown once (only their hashes are kept). The password, so that
    a session alone (a browser left open, a stolen cookie) cannot bind someone else's phone."""
    _count(ws, user, client)
    factor = ws.mfa.factor(user.id)
    if factor is None or factor.enabled_at is not None:
        raise InputError("there is no set-up to confirm; start setting up two-step sign-in again")
    if not _password_right(ws, user, password):
        record(ws, "MFA failed", user.email, stage="set-up", reason="wrong password")
        raise InputError("your password is not right; type the password you sign in with, then the code again")
    step = rules.totp_step(factor.secret, code, clock.now().timestamp(), None)
    if step is None:
        record(ws, "MFA failed", user.email, stage="set-up")
        raise InputError("that code is not the one the app shows now: scan the QR code (or type the key) in the app, "
                         "then type the six digits it shows")
    codes = rules.new_recovery_codes()
    if not ws.mfa.enable(user.id, factor.secret, step, _hashed(codes), clock.now()):
        raise InputError("the set-up was started again meanwhile; use the QR code on the page now")
    record(ws, "MFA enabled", user.email)
    return codes


def renew_recovery_codes(ws: Workspace, user: User, code: str, client: str) -> list[str]:
    """New recovery codes in place of `user`'s old ones, given a current code from their app."""
    _count(ws, user, client)
    if _used_code(ws, user.id, code, recovery=False) is None:
        record(ws, "MFA failed", user.email, stage="new recovery codes")
        raise InputError("that code is not the one your app shows now; type the six digits it shows")
    codes = rules.new_recovery_codes()
    ws.mfa.replace_codes(user.id, _hashed(codes))
    record(ws, "recovery codes renewed", user.email)
    return codes


def turn_off_mfa(ws: Workspace, user: User, password: str, code: str, client: str) -> None:
    """Turn `user`'s two-step sign-in off, given their password and a code (or a recovery code)."""
    if _required_of(ws, user):
        raise Refused("forbidden", "this workspace requires two-step sign-in of admins: it cannot be turned off. To move "
                      "it to another device, ask whoever runs the server to reset it; you set it up again at your next sign-in")
    _count(ws, user, client)
    if not _password_right(ws, user, password) or _used_code(ws, user.id, code, recovery=True) is None:
        record(ws, "MFA failed", user.email, stage="turning off")
        raise InputError("the password or the code is not right")
    ws.mfa.turn_off(user.id)
    record(ws, "MFA disabled", user.email)


# --- signing in -------------------------------------------------------------------------------------

def hold_sign_in(ws: Workspace, account: Account, method: str) -> Pending | None:
    """After the first step (`method`: the right password, or single sign-on): for a user with
    two-step sign-in on, a sign-in awaiting its code; None for a user without (their session starts now)."""
    factor = ws.mfa.factor(account.id)
    if factor is None or factor.enabled_at is None:
        return None
    token, csrf, now = new_secret(), new_secret(), clock.now()
    ws.mfa.hold(digest(token), account.id, csrf, method, now, expired_before=now - PENDING_LIFE)  # everyone's expired ones go
    return Pending(token, csrf, _user(account), now + PENDING_LIFE, method)


def pending_sign_in(ws: Workspace, token: str | None) -> Pending | None:
    """The sign-in awaiting its code of a cookie's value, or None (unknown, expired, finished)."""
    if not token or len(token) > 100:
        return None
    hashed = digest(token)
    found = ws.mfa.held(hashed)
    if found is None or not hmac.compare_digest(found.token_hash, hashed):
        return None
    if clock.now() - found.created_at > PENDING_LIFE:
        ws.mfa.release(hashed)
        return None
    return Pending(token, found.csrf, _user(found.account), found.created_at + PENDING_LIFE, found.method)


def finish_sign_in(ws: Workspace, token: str | None, code: str, client: str) -> SignedIn:
    """The second step of signing in: with the right code (or an unspent recovery code) for the
    user the sign-in is of, their session starts. Refused "login" for a wrong code or a sign-in
    expired, "too_many" past the limits."""
    held = pending_sign_in(ws, token)
    if held is None:
        raise Refused("login", "the sign-in has expired (five minutes); sign in again")
    _count(ws, held.user, client)  # still anonymous in the audit trail: the session starts the user's acts
    used = _used_code(ws, held.user.id, code, recovery=True)
    if used is None:
        record(ws, "MFA failed", held.user.email, stage="sign-in")
        raise Refused("login", "that code is not right; type the six digits your app shows now, or a recovery code")
    if not ws.mfa.release(digest(held.token)):  # finished by another request meanwhile
        raise Refused("login", "the sign-in has expired (five minutes); sign in again")
    account = ws.access.account(held.user.email)
    if account is None:  # removed meanwhile
        raise Refused("login", "wrong e-mail or password")
    left = None
    if used == "recovery code":
        left = ws.mfa.recovery_left(account.id)
        record(ws, "recovery code used", account.email, left=left)
    return SignedIn(start_session(ws, account, f"{held.method} and {used}"), left)


# --- the workspace's rule, and the admin's way out ---------------------------------------------------

def required_for_admins(ws: Workspace) -> bool:
    return ws.mfa.setting(REQUIRED_FOR_ADMINS) == "on"


def require_for_admins(ws: Workspace, on: bool) -> None:
    """Whether admins who sign in with a password must use two-step sign-in: once on, an admin
    without it can do nothing but set it up."""
    ws.mfa.set_setting(REQUIRED_FOR_ADMINS, "on" if on else None)
    record(ws, "MFA setting changed", REQUIRED_FOR_ADMINS, value="on" if on else "off")


def enrolment_needed(ws: Workspace, user: User) -> bool:
    """Whether `user` must set up two-step sign-in before anything else (read on every request
    of an admin's session)."""
    if not (user.admin and user.has_password):
        return False
    on, setting = ws.mfa.enrolment_state(user.id, REQUIRED_FOR_ADMINS)
    return setting == "on" and not on


def reset_mfa(ws: Workspace, email: str) -> tuple[User, bool]:
    """Turn the two-step sign-in of `email`'s user off and end their sessions (their phone is lost);
    they set it up again at their next sign-in. (The user, whether it was on.)"""
    account = ws.access.account((email or "").strip().lower())
    if account is None:
        raise InputError(f"{email[:100]!r} is not a user")
    was_on = ws.mfa.turn_off(account.id, end_sessions=True)
    record(ws, "MFA reset", account.email, was_on=was_on, sessions="ended")
    return _user(account), was_on


# --- codes ------------------------------------------------------------------------------------------

def _required_of(ws: Workspace, user: User) -> bool:
    return user.admin and user.has_password and required_for_admins(ws)


def _password_right(ws: Workspace, user: User, password: str) -> bool:
    """Whether `password` is `user`'s (as long to check when they have none)."""
    account = ws.access.account(user.email)
    stored = account.password_hash if account is not None else None
    return _hasher().verify((password or "")[:PASSWORD_LENGTH[1]], stored or _decoy()) and stored is not None


def _count(ws: Workspace, user: User, client: str) -> None:
    """Count a code tried by `user` from `client`, before it is checked; past a limit, Refused "too_many"."""
    try:
        for kind, allowed in CODE_LIMITS:
            check_rate(ws, f"{kind}:{user.id if kind == 'mfa' else client}", allowed, CODE_SECONDS)
    except Refused:
        record(ws, "MFA failed", user.email, reason="too many attempts")
        raise


def _used_code(ws: Workspace, user_id: int, code: str, recovery: bool) -> str | None:
    """Use `code` if it is a current TOTP code of the user's (not used before) or, with `recovery`,
    one of their unspent recovery codes (then spent): "code" or "recovery code"; None if neither."""
    typed = (code or "")[:100]
    factor = ws.mfa.factor(user_id)
    if factor is None or factor.enabled_at is None:
        return None
    if rules.is_totp_code("".join(typed.split())):
        step = rules.totp_step(factor.secret, typed, clock.now().timestamp(), factor.last_step)
        return "code" if step is not None and ws.mfa.use_step(user_id, step) else None
    given = rules.recovery_code(typed) if recovery else None
    if given is None:
        return None
    kept = ws.mfa.recovery_hashes(user_id, rules.recovery_selector(given))
    for code_id, hashed in kept or [(0, _decoy())]:  # as long with no code under the selector
        if _hasher().verify(given, hashed) and code_id and ws.mfa.spend(user_id, code_id, clock.now()):
            return "recovery code"
    return None


def _hashed(codes: list[str]) -> list[tuple[str, str]]:
    return [(rules.recovery_selector(c), _hasher().hash(c)) for c in codes]
