"""Confidentiality: what a result may show of the people behind it.

The rules:
- An assessment is confidential (the default) or named. A confidential one has a reporting
  threshold k, at least 3: no group of fewer than k people is shown, anywhere. A campaign takes its
  mode and k when it is created; an assessment recorded from answers files takes the organisation's
  `reporting_threshold` setting.
- A group is the respondents behind a figure: a criterion's score, spread and disagreement (those
  who gave it a scored answer), a role's mean on a criterion, a team or business unit. A group of
  fewer than k is suppressed: the figure is left out and the place says "fewer than k answers".
- No one is found by subtraction. When a criterion's roles are suppressed and together hold fewer
  than k people, the next-smallest roles are suppressed too until the suppressed ones together hold
  k or more (or all are): a shown total minus the shown roles then reveals at best the mean of k
  people, never one person's answers.
- The same holds between a unit and every wider result it is part of (core.units.beside_wider): a
  unit whose result, subtracted from its parent's, would leave a part of fewer than k shows none
  (or, criterion by criterion, leaves that figure out).
- The level, the dimensions' levels and the blockers are computed from everyone, as in a named
  assessment, and shown once k people gave a scored answer (below that, nothing of the result is
  shown: its statuses would be those few people's answers); how far it is to the next level (the
  mean of the next level's scores) only when none of those scores is left out.
- Notes are shown without names, sorted by their text (not in the order people wrote them), and only
  on a criterion that k or more people wrote notes on; the others are counted as withheld.
- A confidential campaign shows no result while it is open, only how many have answered: a result
  that changes with each submission would give away each new person's answers by the difference.
  It shows its result once, when it closes, and then only where the reports its people count in,
  minus it, leave k or more others. Likewise a result that differs by fewer than k people from its
  scope's result on the previous assessment day is not shown. Warnings say how many, never who.
- A named assessment shows everything, to the team that chose it, and says so to its respondents.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MIN_THRESHOLD = 3  # smaller groups make subtraction too easy whatever else is done
MAX_THRESHOLD = 50
DEFAULT_THRESHOLD = 3


@dataclass(frozen=True)
class Privacy:
    """How much of the people behind a result may be shown: confidential with threshold k, or named (k None)."""

    threshold: int | None = DEFAULT_THRESHOLD

    @property
    def confidential(self) -> bool:
        return self.threshold is not None

    @property
    def mode(self) -> str:
        return "confidential" if self.confidential else "named"

    def shows(self, n: int) -> bool:
        """Whether a group of `n` people may be shown."""
        return self.threshold is None or n >= self.threshold

    def fewer(self) -> str:
        """How a suppressed place reads."""
        return f"fewer than {self.threshold} answers"

    def document(self) -> dict:
        return {"mode": self.mode, "threshold": self.threshold}


NAMED = Privacy(None)
CONFIDENTIAL = Privacy()  # the default: confidential with the default threshold


def strictest(privacies: Iterable[Privacy]) -> Privacy:
    """The privacy of results drawn from several assessments: confidential if any is, with the highest k."""
    thresholds = [p.threshold for p in privacies]
    kept = [k for k in thresholds if k is not None]
    return Privacy(max(kept)) if kept else (NAMED if thresholds else Privacy())


def checked_threshold(value: object, what: str = "the reporting threshold") -> int:
    """A threshold as given (a number, or text a person typed), or ValueError saying what is allowed."""
    text = str(value).strip() if not isinstance(value, bool) else ""
    if not text.isdigit() or not MIN_THRESHOLD <= int(text) <= MAX_THRESHOLD:
        raise ValueError(f"{what} is {str(value)[:20]!r}; give a whole number from {MIN_THRESHOLD} to {MAX_THRESHOLD}")
    return int(text)


def suppressed(sizes: Mapping[str, int], privacy: Privacy) -> set[str]:
    """The groups (name -> people) to leave out: those smaller than k, and enough of the next-smallest
    that the left-out ones hold k or more people together (or all are left out)."""
    k = privacy.threshold
    if k is None:
        return set()
    hidden = {g for g, n in sizes.items() if n < k}
    shown = sorted((g for g in sizes if g not in hidden), key=lambda g: (sizes[g], g))
    while hidden and shown and sum(sizes[g] for g in hidden) < k:
        hidden.add(shown.pop(0))
    return hidden


def statement(privacy: Privacy, organization: str, team: str | None = None) -> list[str]:
    """Who will see what, in plain words: the respondent's first page and the invitation say it."""
    scope = f"{team} ({organization})" if team else organization
    if not privacy.confidential:
        return [f"This is a named assessment of {scope}: the people who run it and those they share it with see "
                "your name beside your answers and notes."]
    k = privacy.threshold
    return [f"This assessment of {scope} is confidential. Your answers are combined with others'; no one, the "
            "people who run it included, can see your answers or tell them apart.",
            f"A figure is shown only when at least {k} people stand behind it: a role, a team or a statement with "
            f"fewer than {k} answers is left out, and so are enough others that no one can work it out by "
            "subtraction. Nothing is shown until the campaign closes.",
            f"Notes are shown without names, and only on a statement at least {k} people wrote notes on.",
            "The people who run it see who has not answered yet, to remind them, but never what anyone answered."]


def pseudonym(key: bytes, organization: str, respondent: str) -> str:
    """The id a confidential assessment keeps for a respondent: a keyed hash of their id (any case)
    within their organisation (ids are an organisation's own: two organisations' "Ana" are two
    people), the same in every assessment of it (so a person counts once in a roll-up) and no way
    back to the id without the workspace's key. A pseudonym stays as it is (an assessment recorded again)."""
    if is_pseudonym(respondent):
        return respondent
    given = f"{organization.strip().casefold()}\x00{respondent.strip().casefold()}"
    return "p-" + hmac.new(key, given.encode(), hashlib.sha256).hexdigest()[:16]


def is_pseudonym(respondent: str) -> bool:
    return len(respondent) == 18 and respondent.startswith("p-") and all(c in "0123456789abcdef" for c in respondent[2:])


@dataclass(frozen=True)
class Noted:
    """What people noted on one criterion, as it may be shown."""

    criterion: str
    texts: tuple[str, ...]  # sorted by their text: the order says nothing of who wrote first
    authors: tuple[str, ...] = ()  # a named assessment's respondents, in the order of `texts`; () when confidential

    def document(self) -> dict:
        return {"criterion": self.criterion, "notes": list(self.texts),
                **({"respondents": list(self.authors)} if self.authors else {})}


def shown_notes(notes: Iterable[tuple[str, str, str]], privacy: Privacy) -> tuple[list[Noted], int]:
    """Notes given as (criterion, respondent, text), as they may be shown, by criterion, and how many
    were withheld: on a criterion fewer than k people wrote notes on, a confidential assessment shows
    none of them (and never who wrote one)."""
    by_criterion: dict[str, list[tuple[str, str]]] = {}
    for criterion, respondent, note in notes:
        if note and note.strip():
            by_criterion.setdefault(criterion, []).append((note.strip(), respondent))
    shown, withheld = [], 0
    for criterion in sorted(by_criterion):
        given = sorted(by_criterion[criterion])
        if not privacy.shows(len({who.casefold() for _, who in given})):
            withheld += len(given)
            continue
        shown.append(Noted(criterion, tuple(t for t, _ in given),
                           () if privacy.confidential else tuple(w for _, w in given)))
    return shown, withheld
