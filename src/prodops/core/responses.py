"""One organisation's answers as the core takes them: each respondent's answers (a score in [0, 1]
per criterion, None for N/A) and notes; and the model's answer scale as the rule that turns what a
person answered into a score. Reading answers files is the inputs' (prodops.inputs.answers)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from prodops.core.confidentiality import CONFIDENTIAL, Privacy
from prodops.core.model import MaturityModel

NA_SPELLINGS = {"n/a", "na", "not applicable"}


@dataclass(frozen=True)
class Respondent:
    id: str
    role: str
    answers: dict[str, float | None]  # criterion id -> score in [0, 1]; None is N/A
    notes: dict[str, str] = field(default_factory=dict)
    name: str | None = None
    team: str | None = None
    hidden_notes: int = 0  # notes an admin withheld: counted, never shown


@dataclass(frozen=True)
class Responses:
    organization: str
    date: dt.date
    respondents: tuple[Respondent, ...]
    sources: tuple[str, ...] = ()
    unit: str | None = None  # the team or business unit it is scoped to; None: the whole organisation
    privacy: Privacy = CONFIDENTIAL  # what its results may show of the people behind them (core.confidentiality)


def answer_value(model: MaturityModel, raw: Any) -> float | None:
    """The score of one answer; None for N/A. Raises ValueError with what is allowed."""
    if isinstance(raw, str):
        text = raw.strip()
        if text.casefold() == model.na_label.casefold() or text.casefold() in NA_SPELLINGS:
            return None
        for point in model.answer_scale:
            if point.label.casefold() == text.casefold():
                return point.value
        try:
            raw = float(text)
        except ValueError:
            raise ValueError(f"{shown_as_typed(raw)} is not on the answer scale") from None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and abs(raw) <= 1:  # 10**400 is no float
        for point in model.answer_scale:
            if abs(point.value - raw) < 1e-9:
                return point.value
    raise ValueError(f"{shown_as_typed(raw)} is not on the answer scale")


def shown_as_typed(raw: Any) -> str:
    """A value as the user typed it: 'Maybe', 0.6, true."""
    return repr(raw) if isinstance(raw, str) else json.dumps(raw, default=str)


def scale_help(model: MaturityModel) -> str:
    points = ", ".join(f"{p.label} ({p.value:g})" for p in model.answer_scale)
    return f"use one of {points}, or {model.na_label}"
