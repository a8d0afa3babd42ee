"""A campaign's life: its states and the moves between them, when its reminders are due, and the
words of the e-mails it sends. Plain rules on plain data; the operations apply them
(`operations.lifecycle`), the scheduler runs them on time.

The states: a **draft** is being prepared (invitees can be added; nothing is sent, no link works);
a **scheduled** one opens by itself on its opening day, and its invitations go then; an **open** one
takes answers until it is closed by hand or its closing day has passed, when the scheduler closes it
and records its assessment; a **closed** one can be reopened by an admin, with a reason kept, and is
recorded again (revised) when it closes again.

Reminders go to those who have not submitted (and whose link is live), on the days of the
campaign's schedule: "open+3" is three days after it opened, "close-2" two days before its closing
day, "close" that day itself. Never twice to one person within `MIN_GAP` (the invitation counts),
and a day's reminder that the gap holds back goes once the gap has passed, unless a later one is
due by then.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from prodops.core import dates
from prodops.core.errors import InputError, Problem

STATES = ("draft", "scheduled", "open", "closed")

# Which move is allowed from which state (the move's name: the states it starts from)
MOVES = {
    "schedule": ("draft",),  # to scheduled (or open, when its opening day has come)
    "open": ("draft", "scheduled"),  # now, whatever its opening day said
    "extend": ("draft", "scheduled", "open"),  # a later closing day
    "close": ("open",),
    "reopen": ("closed",),
}

DEFAULT_REMINDERS = ("open+3", "close-2", "close")
MIN_GAP = dt.timedelta(hours=20)  # a day, give or take the scheduler's tick
MAX_REMINDERS = 10
_SLOT = re.compile(r"^(open)\+(\d{1,3})$|^(close)(?:-(\d{1,3}))?$")


def refused_move(move: str, state: str) -> str | None:
    """Why `move` cannot be made from `state`, or None when it can."""
    if state in MOVES[move]:
        return None
    allowed = " or ".join(MOVES[move])
    return f"the campaign is {state}: only a {allowed} campaign can be {_DONE[move]}"


_DONE = {"schedule": "scheduled", "open": "opened now", "extend": "given a later closing day", "close": "closed",
         "reopen": "reopened"}


def checked_reminders(given: object) -> tuple[str, ...]:
    """A reminder schedule as given (a list of slots, or text separated by commas or spaces), checked;
    InputError listing every problem. An empty one: no reminders."""
    if isinstance(given, str):
        given = [s for s in re.split(r"[,\s]+", given.strip()) if s]
    if not isinstance(given, (list, tuple)):
        raise InputError("the reminders: give a list such as open+3, close-2, close")
    problems = []
    slots: list[str] = []
    for raw in given:
        slot = str(raw).strip().casefold().replace(" ", "")
        found = _SLOT.match(slot)
        if not found or int(found.group(2) or found.group(4) or 0) > 365 or slot == "open+0":
            problems.append(Problem(f"the reminder {str(raw)[:40]!r} is not one of open+N (N days after opening, "
                                    "1 to 365), close-N (N days before the closing day) or close (on the closing day)"))
        else:
            n = int(found.group(2) or found.group(4) or 0)
            slot = f"open+{n}" if found.group(1) else f"close-{n}" if n else "close"
            if slot not in slots:
                slots.append(slot)
    if len(slots) > MAX_REMINDERS:
        problems.append(Problem(f"{len(slots)} reminders; at most {MAX_REMINDERS}"))
    if problems:
        raise InputError(f"the reminders are not valid ({len(problems)} problem{'s' * (len(problems) > 1)})", problems)
    return tuple(slots)


def due_day(slot: str, opens: dt.date, closes: dt.date | None) -> dt.date | None:
    """The day `slot` is due, or None (a closing-day reminder of a campaign without one)."""
    found = _SLOT.match(slot)
    assert found, slot
    if found.group(1):
        return opens + dt.timedelta(days=int(found.group(2)))
    return None if closes is None else closes - dt.timedelta(days=int(found.group(4) or 0))


def due_reminder(slots: tuple[str, ...], opens: dt.date, closes: dt.date | None, today: dt.date) -> str | None:
    """The reminder due today: the latest of the schedule whose day has come (within the campaign's
    days), or None. An earlier one not sent by now is not sent any more: the later one replaces it."""
    if closes is not None and today > closes:  # it closes (or has closed): no one is reminded of it
        return None
    days = [(day, slot) for slot in slots if (day := due_day(slot, opens, closes)) is not None
            and opens < day <= today and (closes is None or day <= closes)]
    return max(days)[1] if days else None


def may_send(last_sent: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether one more e-mail may go to a person last written to at `last_sent`."""
    return last_sent is None or now - last_sent >= MIN_GAP


# --- the e-mails ------------------------------------------------------------------------------------

KINDS = ("invitation", "reminder", "extended", "link")
PLACEHOLDERS = {
    "name": "the respondent's name (or \"there\")",
    "organization": "the organisation",
    "campaign": "the campaign's name",
    "deadline": "the closing day in words, or \"the time it closes\"",
    "sender": "who runs the campaign (its owner's e-mail)",
    "link": "the respondent's personal link",
    "confidentiality": "who will see what, as the respondent's first page says it",
    "role": "the role they answer as",
    "statements": "how many statements there are to answer",
}

DEFAULT_TEMPLATES = {
    "invitation": (
        "{organization}: your Product Operations maturity assessment",
        "Hello {name},\n\n{sender} asks you to take part in \"{campaign}\", {organization}'s assessment of how "
        "Product Operations works today. You answer as {role}: {statements} statements, each saved as you answer; "
        "about ten minutes. Please answer by {deadline}.\n\n{confidentiality}\n\n"
        "Your personal link (please do not forward it):\n{link}\n\nThank you!"),
    "reminder": (
        "Reminder: your answers to \"{campaign}\", by {deadline}",
        "Hello {name},\n\nA reminder: \"{campaign}\", {organization}'s Product Operations maturity assessment, "
        "is waiting for your answers, by {deadline}. What you saved so far is kept: the link opens where you "
        "left off.\n\n{confidentiality}\n\nYour personal link (please do not forward it):\n{link}\n\n"
        "If you would rather not take part, reply to this e-mail to tell {sender}."),
    "extended": (
        "More time: \"{campaign}\" now runs until {deadline}",
        "Hello {name},\n\n\"{campaign}\", {organization}'s Product Operations maturity assessment, stays open "
        "longer: you can answer until {deadline}. Your link and what you saved are unchanged.\n\n"
        "Your personal link (please do not forward it):\n{link}\n\nThank you!"),
    "link": (
        "Your new link for \"{campaign}\"",
        "Hello {name},\n\nHere is a new personal link for \"{campaign}\", {organization}'s Product Operations "
        "maturity assessment; the one you had before no longer works. Please answer by {deadline}.\n\n"
        "{confidentiality}\n\nYour personal link (please do not forward it):\n{link}\n\nThank you!"),
}
SUBJECT_LENGTH = 200
BODY_LENGTH = 5_000
_FIELD = re.compile(r"\{([^{}]*)\}")


def checked_template(kind: str, subject: str, body: str) -> tuple[str, str]:
    """A campaign's own wording of one kind of e-mail, checked: known placeholders only, the link in
    the body (an e-mail that cannot be answered is no use), bounded lengths."""
    problems = []
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject or len(subject) > SUBJECT_LENGTH or "\n" in subject or "\r" in subject:
        problems.append(Problem(f"the {kind}'s subject: one line of 1 to {SUBJECT_LENGTH} characters"))
    if not body or len(body) > BODY_LENGTH:
        problems.append(Problem(f"the {kind}'s text: 1 to {BODY_LENGTH:,} characters"))
    for where, text in (("subject", subject), ("text", body)):
        for field in _FIELD.findall(text):
            if field not in PLACEHOLDERS:
                problems.append(Problem(f"the {kind}'s {where}: unknown placeholder {{{field[:30]}}}; the "
                                        "placeholders are " + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)))
    if "{link}" in subject:
        problems.append(Problem(f"the {kind}'s subject: the link belongs in the text, not the subject"))
    if kind != "extended" and "{link}" not in body:
        problems.append(Problem(f"the {kind}'s text must hold {{link}}: without it no one can answer"))
    if problems:
        raise InputError(f"the {kind} e-mail is not valid ({len(problems)} problem{'s' * (len(problems) > 1)})",
                         problems)
    return subject, body


def filled(text: str, values: dict[str, str]) -> str:
    """`text` with each {placeholder} replaced by its value: a plain replacement, never Python's
    format (a template cannot reach an attribute or run anything)."""
    return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), text)


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def day_words(day: dt.date) -> str:
    """A day as an e-mail writes it, the same in every locale: "Friday 18 December 2026"."""
    return f"{_WEEKDAYS[day.weekday()]} {dates.day_words(day)}"


def deadline_words(closes: dt.date | None) -> str:
    """The closing day as an e-mail says it: answers are taken until the end of that day (UTC)."""
    return "the time it closes" if closes is None else f"{day_words(closes)} (end of day, UTC)"


@dataclass(frozen=True)
class Letter:
    """One e-mail's words: its subject, its text, and the link its HTML part makes a button of."""

    subject: str
    text: str
    link: str
    button: str = "Open your assessment"  # the words of that button
