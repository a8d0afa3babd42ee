"""Passwords: what makes one acceptable (ASVS 2.1), and how long guessing one waits (ASVS 2.2.1).

Acceptable: 12 to 1,024 characters, and not easy to guess as zxcvbn estimates it (score 3 of 4 or
better), counting the user's own e-mail address and this product's name as the first things an
attacker tries. zxcvbn (https://github.com/dwolfhub/zxcvbn-python, MIT licence, a port of
Dropbox's zxcvbn, MIT) bundles its frequency lists: 30,000 common passwords from Mark Burnett's
10-million-password corpus (passwords from breaches), names and surnames of the US census,
words of English Wikipedia and of US television and films (Wiktionary's frequency list). They
ship inside the zxcvbn package, under its licence; prodops bundles no list of its own.

Waiting: failed sign-ins are counted per (e-mail, client) and per client, never per e-mail alone,
so a stranger's failures from elsewhere never keep the owner out. Each count has a budget of free
failures; past it, the next attempt waits 2, 4, 8... seconds, doubling with each failure, at most
15 minutes. A count fades: one failure is forgotten each `forgiven_after` without another, so a
count left alone comes back to nothing and its row can go.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

LENGTH = (12, 1024)  # ASVS 2.1.1/2.1.2: at least 12 characters; passphrases up to 1,024 welcome
# zxcvbn's matching grows much faster than the length (here: 0.02 s at 72 characters, 0.15 s at 100 in
# the worst case, 7 s at 1,024 and 100 s for 1,000 repeated digits): only the first 100 characters are
# estimated, so a long password cannot tie up a worker. A password whose start is guessable is refused.
ESTIMATED = 100
MIN_SCORE = 3  # zxcvbn's "safely unguessable": moderate protection against an offline slow-hash attack
PRODUCT_WORDS = ("prodops", "maturity", "prodops-maturity", "prodopsmaturity", "product ops", "productops")
LONGEST_WAIT = 900  # seconds: a delay grows to 15 minutes at most


@dataclass(frozen=True)
class Budget:
    """How many failures are free before delays begin, and how fast a count fades."""

    free: int
    forgiven_after: dt.timedelta  # one failure forgotten each time this passes without another


# per (e-mail, client): the owner's typos are free; a guesser gets 5, then waits
PER_ACCOUNT = Budget(5, dt.timedelta(minutes=15))
# per client across every e-mail: one address trying many e-mails (password spraying) is slowed too;
# higher, for an office behind one address
PER_CLIENT = Budget(30, dt.timedelta(minutes=5))


@dataclass(frozen=True)
class Count:
    """Failures counted at one key, and when the latest was."""

    failures: int
    last: dt.datetime


def wait(failures: int, free: int) -> int:
    """Seconds the next attempt waits after `failures` counted failures: none under `free`; then
    2 after the `free`-th failure, 4 after the next, doubling, at most LONGEST_WAIT."""
    if failures < free:
        return 0
    return min(LONGEST_WAIT, 2 ** min(failures - free + 1, 20))


def standing(count: Count, budget: Budget, now: dt.datetime) -> int:
    """The failures that still count at `now`: one forgotten each `forgiven_after` since the latest."""
    faded = int((now - count.last) / budget.forgiven_after) if now > count.last else 0
    return max(0, count.failures - faded)


def waiting(count: Count, budget: Budget, now: dt.datetime) -> int:
    """Whole seconds from `now` until the next attempt is allowed (0: now). Attempts refused while
    it runs change nothing, so waiting is never made longer by trying."""
    left = (count.last - now).total_seconds() + wait(count.failures, budget.free)
    return max(0, math.ceil(left))


def counted(count: Count | None, budget: Budget, now: dt.datetime) -> Count:
    """The count with one more failure at `now` (what still stands, plus one)."""
    return Count((0 if count is None else standing(count, budget, now)) + 1, now)


def forgotten_at(count: Count, budget: Budget) -> dt.datetime:
    """When the count is worth nothing (faded to zero, its wait over): its row may go then."""
    return count.last + max(count.failures * budget.forgiven_after, dt.timedelta(seconds=wait(count.failures, budget.free)))


def user_words(email: str) -> list[str]:
    """What an attacker tries first for this user: the e-mail, its name part and each word of it,
    the domain and its labels, and the product's name."""
    email = (email or "").strip().lower()
    name, _, domain = email.partition("@")
    pieces = [p for p in name.replace("_", ".").replace("-", ".").replace("+", ".").split(".") if len(p) > 2]
    labels = [label for label in domain.split(".") if len(label) > 2]
    return [w for w in dict.fromkeys([email, name, *pieces, domain, *labels, *PRODUCT_WORDS]) if w]


def problems(password: str, email: str) -> list[str]:
    """Why `password` is not acceptable for the user of `email` (nothing: it is), each saying what to do."""
    low, high = LENGTH
    if not low <= len(password) <= high:
        return [f"the password is {len(password):,} characters long; it must be {low} to {high:,}: "
                "a few unrelated words make a long password easy to remember"]
    from zxcvbn import zxcvbn

    mine = user_words(email)
    estimate = zxcvbn(password[:ESTIMATED], user_inputs=mine, max_length=ESTIMATED)
    if estimate["score"] >= MIN_SCORE:
        return []
    why: list[str] = []
    own = [m["matched_word"] for m in estimate["sequence"] if m.get("dictionary_name") == "user_inputs"]
    if any(w in PRODUCT_WORDS for w in own):
        why.append("It contains this product's name, one of the first things an attacker tries.")
    if any(w not in PRODUCT_WORDS for w in own):
        why.append("It contains your e-mail address or part of it, one of the first things an attacker tries.")
    feedback = estimate["feedback"]
    if feedback.get("warning"):
        why.append(_sentence(feedback["warning"]))
    advice = [_sentence(s) for s in feedback.get("suggestions") or []]
    advice.append("A password manager's random password, or four or more unrelated words, will do.")
    return [" ".join(["the password is too easy to guess.", *why, *dict.fromkeys(advice)])]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
