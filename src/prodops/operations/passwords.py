"""Passwords over their life: sign-in attempts counted and slowed (never a lock anyone can
trigger), a change by the user, a new one set by an admin, and a reset by an e-mailed link.

Sign-in attempts (ASVS 2.2.1). Each attempt is counted as a failure before the password is
checked, under a lock on its counts, and forgiven once it turns out right: so a hundred guesses
sent at once count as a hundred, and a success counts as nothing. The counts are kept per
(e-mail, client) and per client, each by a SHA-256 of what it counts; the rule of how long the
next attempt waits is the core's (`core.passwords`).

Reset links (ASVS 2.1.6, 2.5). 256 random bits, kept only as their SHA-256, used once, expiring
after RESET_LIFE, on the configured public address only (an address taken from the request's
Host header could point at another site, and the link would hand the token to it). Asking for
one answers the same whether or not the e-mail is a user's: the e-mail goes after the answer.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodops import clock
from prodops.core import passwords
from prodops.core.errors import InputError, Refused
from prodops.core.passwords import PER_ACCOUNT, PER_CLIENT, Budget, Count
from prodops.core.safe_text import EMAIL_LENGTH, is_email
from prodops.operations.access import Session, User, _email, _hasher, _user, check_rate, digest, new_secret
from prodops.operations.audit import record

if TYPE_CHECKING:
    from prodops.operations.lifecycle import Outbox
    from prodops.store import Workspace

RESET_LIFE = dt.timedelta(minutes=30)
RESET_PER_CLIENT = 10  # reset links asked for per client per hour; past it, Refused "too_many"
# Reset e-mails to one address: (at most, per seconds) — one in five minutes, six an hour. Past
# them the answer is the same and no e-mail goes: never a refusal, which would let anyone keep an
# owner from resetting their password by asking for them first. Six an hour: a link lives 30
# minutes, so the newest in the owner's inbox works for all but the hour's last minutes at worst.
RESET_MAILS = ((1, 300), (6, 3600))
RESET_PATH = "/password/reset/"  # the web app's page of a reset link: the link is the public address + this + the token
SPENT = "this link has expired or was used already; ask for a new one"


def _words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"


# --- sign-in attempts ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt allowed and counted as failed (until forgiven): its keys, the counts as
    they were before it, and when it was made."""

    email: str
    account_key: str  # (e-mail, client)
    client_key: str
    before: dict[str, Count | None]
    at: dt.datetime

    @property
    def budgets(self) -> dict[str, Budget]:
        return {self.account_key: PER_ACCOUNT, self.client_key: PER_CLIENT}


def attempt(ws: Workspace, email: str, client: str) -> Attempt:
    """Allow one password attempt for `email` from `client`, counting it as failed until `forgive`
    says otherwise; Refused ("too_many", with the seconds to wait) while a delay runs at either
    count, and then nothing is counted: trying during a delay does not make it longer."""
    account_key, client_key = digest(f"sign-in:{client}\n{email}"), digest(f"sign-in:{client}")
    budgets, now = {account_key: PER_ACCOUNT, client_key: PER_CLIENT}, clock.now()
    seen: dict[str, Count | None] = {}
    refused = 0

    def change(kept: dict[str, Count | None]) -> dict[str, tuple[Count, dt.datetime] | None] | None:
        nonlocal refused
        seen.update(kept)
        refused = max([passwords.waiting(c, budgets[k], now) for k, c in kept.items() if c is not None], default=0)
        if refused:
            return None
        after = {k: passwords.counted(c, budgets[k], now) for k, c in kept.items()}
        return {k: (c, passwords.forgotten_at(c, budgets[k])) for k, c in after.items()}

    ws.access.count_failures([account_key, client_key], now, change)
    if refused:
        raise Refused("too_many", f"too many failed sign-ins from here; wait {_words(refused)} and try again "
                                  "(or reset your password)", retry_after=refused)
    return Attempt(email, account_key, client_key, seen, now)


def failed(ws: Workspace, done: Attempt, subject: str | None = None) -> None:
    """The attempt was wrong (it is counted already): the trail says when the next must wait, of
    `subject` (default: the attempt's e-mail, when it is known to be a user's)."""
    for key, budget in done.budgets.items():
        count = passwords.counted(done.before.get(key), budget, done.at)
        if seconds := passwords.wait(count.failures, budget.free):
            record(ws, "sign-in slowed", subject or done.email, seconds=seconds, failures=count.failures,
                   per="e-mail and client" if key == done.account_key else "client")


def forgive(ws: Workspace, done: Attempt) -> None:
    """The attempt was right: it never counted, and the earlier failures for its e-mail from its
    client are forgotten, at both counts."""
    mine = done.before.get(done.account_key)
    theirs = 0 if mine is None else passwords.standing(mine, PER_ACCOUNT, done.at)

    def change(kept: dict[str, Count | None]) -> dict[str, tuple[Count, dt.datetime] | None]:
        now = kept.get(done.client_key)
        if now is not None and now.last == done.at:  # no attempt counted since: as before it, less this e-mail's
            before = done.before.get(done.client_key)
            left = None if before is None else Count(before.failures - theirs, before.last)
        else:  # others counted since (or it faded): take this one and this e-mail's out of what stands
            left = None if now is None else Count(now.failures - theirs - 1, now.last)
        return {done.account_key: None,
                done.client_key: (left, passwords.forgotten_at(left, PER_CLIENT)) if left and left.failures > 0 else None}

    ws.access.count_failures([done.account_key, done.client_key], clock.now(), change)


# --- changing a password ------------------------------------------------------------------------

def _checked(password: str, email: str) -> str:
    """`password` hashed, if it is acceptable for `email`'s user; else InputError saying why."""
    found = passwords.problems(password or "", email)
    if found:
        raise InputError(found[0])
    return _hasher().hash(password)


def change_password(ws: Workspace, session: Session, current: str, new: str, client: str) -> int:
    """The signed-in user of `session` changes their password, giving the current one: every other
    session of theirs ends (the one changing it goes on). The sessions ended. A wrong current
    password counts as a failed sign-in (Refused "login"), so a stolen session cannot guess it."""
    account = ws.access.account(session.user.email)
    if account is None or account.password_hash is None:
        raise InputError("you sign in without a password here: there is none to change")
    if new == current:
        raise InputError("the new password is the one you have; choose another")
    hashed = _checked(new, account.email)
    tried = attempt(ws, account.email, client)
    if not _hasher().verify((current or "")[:passwords.LENGTH[1]], account.password_hash):
        record(ws, "password change refused", account.email, reason="wrong current password")
        failed(ws, tried)
        raise Refused("login", "the current password is not right")
    forgive(ws, tried)
    ended = ws.access.set_password(account.id, hashed, keep_session=digest(session.token))
    record(ws, "password changed", account.email, by="themselves", sessions_ended=ended)
    return ended


def set_password(ws: Workspace, email: str, password: str) -> tuple[User, int]:
    """An admin sets `email`'s password (`prodops users password`): every session of theirs ends.
    The user, and the sessions ended."""
    email = _email(email)
    account = ws.access.account(email)
    if account is None:
        raise InputError(f"{email} is not a user; add them first")
    ended = ws.access.set_password(account.id, _checked(password, email), keep_session=None)
    record(ws, "password changed", email, by="an admin", sessions_ended=ended)
    return _user(account), ended


# --- resetting a forgotten password -------------------------------------------------------------

def resets_by_mail(outbox: Outbox) -> bool:
    """Whether reset links can be e-mailed: a mail server, and the public address the links use."""
    return bool(outbox.smtp and outbox.base_url)


def request_reset(ws: Workspace, outbox: Outbox, email: str, client: str,
                  later: Callable[[Callable[[], None]], None] = lambda job: job()) -> None:
    """Someone asks for a reset link for `email`. The same work and the same answer whether or
    not it is a user's (no account is revealed); the link is made and e-mailed by `later` (the web
    app: after the answer has gone). Refused ("too_many") past the limit per client; past the pace
    of e-mails to one address (RESET_MAILS), the same answer and no e-mail."""
    if not resets_by_mail(outbox):
        raise InputError("passwords are not reset by e-mail here (no mail server or public address is set); "
                         "ask an admin to set a new password for you")
    typed = (email or "").strip()[:EMAIL_LENGTH]
    if not is_email(typed.lower()):
        raise InputError(f"{typed[:100]!r} is not an e-mail address; give the one you sign in with")
    check_rate(ws, f"reset-client:{client}", RESET_PER_CLIENT, 3600)
    due = _mail_due(ws, typed.lower())
    record(ws, "password reset requested", typed, **({} if due else {"paced": True}))
    if not due:
        return

    def job() -> None:
        send_reset(ws, outbox, typed.lower())
    later(job)


def _mail_due(ws: Workspace, email: str) -> bool:
    """Whether a reset e-mail may go to `email` now (RESET_MAILS), counting it if so: the hour's
    count only counts what the five minutes' let through, so it counts e-mails, not requests."""
    for allowed, seconds in RESET_MAILS:
        try:
            check_rate(ws, f"reset-mail:{seconds}:{email}", allowed, seconds)
        except Refused:
            return False
    return True


def send_reset(ws: Workspace, outbox: Outbox, email: str) -> bool:
    """E-mail a new reset link to `email` if it is a user with a password; whether one went."""
    from prodops.core.lifecycle import Letter
    from prodops.outbox.mail import Server, message, sending

    account = ws.access.account(email)
    if account is None or account.password_hash is None or not resets_by_mail(outbox):
        return False  # nothing to reset: the answer was the same
    token, now = new_secret(), clock.now()
    ws.access.add_reset(digest(token), account.id, now, now + RESET_LIFE)
    link = f"{(outbox.base_url or '').rstrip('/')}{RESET_PATH}{token}"
    minutes = int(RESET_LIFE.total_seconds() // 60)
    letter = Letter("Reset your prodops-maturity password",
                    f"Someone (we hope you) asked to reset the password of {account.email} for prodops-maturity.\n\n"
                    f"To choose a new password, open this link within {minutes} minutes. It works once.\n\n{link}\n\n"
                    "If you did not ask, ignore this e-mail: your password stays as it is.",
                    link, button="Choose a new password")
    with sending(Server(outbox.smtp or "")) as send:
        error = send(message(letter, outbox.sender, account.email, automatic=True))
    if error:
        logging.getLogger("prodops.passwords").warning("the password reset e-mail was not sent: %s", error)
        record(ws, "password reset e-mail failed", account.email, error=error)
        return False
    return True


def reset_user(ws: Workspace, token: str) -> User:
    """The user a reset link is for, while it works; Refused ("unknown") once it is spent or expired."""
    account = ws.access.reset(digest(token), clock.now()) if token and len(token) <= 100 else None
    if account is None:
        raise Refused("unknown", SPENT)
    return _user(account)


def reset_password(ws: Workspace, token: str, password: str) -> User:
    """Use a reset link: the new password (checked like any other), the link spent, every session
    of the user ended (they sign in again)."""
    user = reset_user(ws, token)
    hashed = _checked(password, user.email)
    ended = ws.access.spend_reset(digest(token), user.id, hashed, clock.now())
    if ended is None:  # spent by another request meanwhile
        raise Refused("unknown", SPENT)
    record(ws, "password reset", user.email, sessions_ended=ended)
    return user
