"""Answers files (YAML or JSON) -> Responses: one organisation's respondents and their answers.

    organization: Acme
    date: 2026-10-01
    respondents:
      - id: ana
        role: pm
        answers: {om-2-role: Fully, pp-2-cadence: 0.5, ex-4-ab-platform: N/A}
        notes: {om-2-role: "https://wiki/org-chart"}

An answer is a label of the model's answer scale (any case), that label's number, or the N/A
label. A criterion a respondent leaves out (or answers with an empty value) is unanswered by them.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import yaml

from prodops.core.dates import NotADate, parse_day
from prodops.core.errors import Fix, InputError, Problem
from prodops.core.model import MaturityModel
from prodops.core.responses import Respondent, Responses, answer_value, scale_help, shown_as_typed
from prodops.core.safe_text import NAME_LENGTH, NOTE_LENGTH, text_problem
from prodops.inputs.files import read_document

_RESPONDENT_FIELDS = {"id", "role", "name", "team", "answers", "notes"}
_TOP_FIELDS = {"organization", "unit", "date", "model", "respondents"}


def load_responses(model: MaturityModel, paths: Sequence[Path | str]) -> Responses:
    """Read and merge answers files. All problems are collected and raised as one InputError."""
    if not paths:
        raise InputError("no answers file given: give one or more YAML or JSON answers files", fix=Fix("template", "answers"))
    parsed = [_parse(model, read_document(p)) for p in paths]
    problems = [problem for _, found in parsed for problem in found]
    files = [r for r, _ in parsed if r is not None]
    orgs = sorted({r.organization for r in files})
    if len(orgs) > 1:
        which = "; ".join(f"{r.sources[0]}: {r.organization!r}" for r in files)
        problems.append(Problem(f"the files are for different organizations ({which}); assess one organization at a "
                                "time, and spell its name the same way in every file"))
    if len({(r.unit or "").casefold() for r in files}) > 1:
        which = "; ".join(f"{r.sources[0]}: {r.unit or 'the whole organization'}" for r in files)
        problems.append(Problem(f"the files are for different units ({which}); assess one unit at a time"))
    seen: dict[str, str] = {}
    for r in files:
        for person in r.respondents:
            key = person.id.casefold()
            if key in seen:
                problems.append(Problem(f"{r.sources[0]}: respondent {person.id!r} also appears in {seen[key]}; "
                                        "give each person one id (ids ignore case) and one set of answers",
                                        file=r.sources[0], respondent=person.id))
            seen.setdefault(key, r.sources[0])
    _raise(problems)
    return Responses(
        organization=orgs[0],
        date=max(r.date for r in files),
        respondents=tuple(p for r in files for p in r.respondents),
        sources=tuple(str(p) for p in paths),
        unit=files[0].unit,
    )


class _Answers(Protocol):
    """What answers are read from: an answers file (Document) or a survey export (_Records), each
    able to say where a path of keys stands."""

    path: Path
    data: Any

    def where(self, loc: tuple[Any, ...] = ...) -> str: ...

    def place(self, loc: tuple[Any, ...] = ...) -> dict: ...


class _Records:
    """Where-to-look for answers that came from a survey export: record numbers, not YAML lines."""

    def __init__(self, path: Path, data: dict, numbers: list[int]):
        self.path, self.data, self.numbers = path, data, numbers

    def where(self, loc: tuple[Any, ...] = ()) -> str:
        if len(loc) >= 2 and loc[0] == "respondents" and isinstance(loc[1], int):
            rest = ".".join(str(k) for k in loc[2:])
            return f"{self.path}: record {self.numbers[loc[1]]}" + (f": {rest}" if rest else "")
        return f"{self.path}: " + ".".join(str(k) for k in loc) if loc else str(self.path)

    def place(self, loc: tuple[Any, ...] = ()) -> dict:
        if len(loc) >= 2 and loc[0] == "respondents" and isinstance(loc[1], int):
            return {"row": self.numbers[loc[1]]}
        return {}


def load_responses_data(model: MaturityModel, document: dict, path: Path, numbers: list[int]) -> Responses:
    """Responses from an answers document built in memory (a survey export), with the same checks."""
    responses, problems = _parse(model, _Records(path, document, numbers))
    _raise(problems)
    assert responses is not None  # _parse gives None only with the problems _raise raised
    return responses


def _raise(problems: list[Problem]) -> None:
    if problems:
        head = f"the answers are not valid ({len(problems)} problem{'s' if len(problems) > 1 else ''}); nothing was recorded:"
        raise InputError(head, problems[:20], more=max(0, len(problems) - 20))


def _parse(model: MaturityModel, doc: _Answers) -> tuple[Responses | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(loc: tuple[Any, ...], msg: str, respondent: str | None = None, criterion: str | None = None,
                fix: Fix | None = None) -> None:
        problems.append(Problem(f"{doc.where(loc)}: {msg}", file=str(doc.path), respondent=respondent,
                                criterion=criterion, fix=fix, **doc.place(loc)))

    data = doc.data
    if not isinstance(data, dict) and doc.path.suffix.lower() in (".csv", ".tsv", ".txt"):
        problem((), "this looks like a survey export (Google Forms, Typeform), not an answers file; read it through a "
                    "mapping file that says which column is which criterion (docs/inputs.md)", fix=Fix("mapping"))
        return None, problems
    if not isinstance(data, dict):
        problem((), "an answers file is a mapping with organization, date and respondents", fix=Fix("template", "answers"))
        return None, problems
    if {"criteria", "levels"} <= data.keys():
        problem((), "this is a maturity model, not an answers file; give it as the model", fix=Fix("model"))
        return None, problems
    for key in sorted(data.keys() - _TOP_FIELDS, key=str):
        problem((key,), f"unknown field; allowed: {', '.join(sorted(_TOP_FIELDS))}")
    org = data.get("organization")
    if not isinstance(org, str) or not org.strip():
        problem(("organization",), "organization is required (the organisation's name)")
    else:
        _text_field(org, ("organization",), "organization", NAME_LENGTH, problem)
    unit = data.get("unit")
    if unit is not None and (not isinstance(unit, str) or not unit.strip()):
        problem(("unit",), "unit names the team or business unit assessed; leave it out for the whole organization")
    elif unit is not None:
        _text_field(unit, ("unit",), "unit", NAME_LENGTH, problem)
    date, why = _date(data.get("date"))
    if date is None:
        problem(("date",), why)
    ref = data.get("model")
    if ref is not None:
        ref_id, _, ref_version = str(ref).partition("@")
        if ref_id != model.id or (ref_version and ref_version != model.version):
            problem(("model",), f"these answers are for model {ref!r}, but the model in use is {model.ref}; "
                                "use that model, or change this line", fix=Fix("model"))
    people = data.get("respondents")
    if not isinstance(people, list) or not people:
        problem(("respondents",), "respondents must be a non-empty list")
        people = []
    respondents = [r for i, raw in enumerate(people) if (r := _respondent(model, raw, ("respondents", i), problem))]
    ids = [r.id.casefold() for r in respondents]
    for i, rid in enumerate(ids):
        if rid in ids[:i]:
            problem(("respondents", i, "id"), f"respondent {respondents[i].id!r} appears twice in this file (ids ignore case)")
    if problems:
        return None, problems
    assert isinstance(org, str) and date is not None  # each checked above, a problem otherwise
    return Responses(org.strip(), date, tuple(respondents), (str(doc.path),), unit and unit.strip()), []


def _respondent(model: MaturityModel, raw: Any, loc: tuple[Any, ...], problem) -> Respondent | None:
    if not isinstance(raw, dict):
        problem(loc, "each respondent is a mapping with id, role and answers")
        return None
    rid = raw.get("id")
    who = f"respondent {_cut(rid)!r}" if isinstance(rid, (str, int)) else f"respondent #{loc[-1] + 1}"
    count = _Counter(problem, _cut(rid) if isinstance(rid, (str, int)) else None)
    for key in sorted(raw.keys() - _RESPONDENT_FIELDS, key=str):
        count(loc + (key,), f"{who}: unknown field; allowed: {', '.join(sorted(_RESPONDENT_FIELDS))}")
    if not isinstance(rid, (str, int)) or isinstance(rid, bool) or not str(rid).strip():
        count(loc + ("id",), f"{who}: id is required (a name or pseudonym, unique in the assessment)")
    else:
        _text_field(str(rid), loc + ("id",), f"{who}: id", NAME_LENGTH, count)
    role = raw.get("role")
    if not isinstance(role, str) or role not in model.role:
        count(loc + ("role",), f"{who}: unknown role {shown_as_typed(role)}; the model's roles are {', '.join(model.role)}")
    for key in ("name", "team"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            count(loc + (key,), f"{who}: {key} is one text, not {_kind(value)}")
        elif value is not None:
            _text_field(value, loc + (key,), f"{who}: {key}", NAME_LENGTH, count)
    answers: dict[str, float | None] = {}
    given = raw.get("answers")
    if not isinstance(given, dict):
        count(loc + ("answers",), f"{who}: answers must be a mapping of criterion id to answer")
        given = {}
    for cid, value in given.items():
        where = loc + ("answers", cid)
        if not _known_criterion(model, cid, where, who, count):
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue  # left blank: unanswered by this respondent
        try:
            answers[cid] = answer_value(model, value)
        except ValueError as e:
            count(where, f"{who}, criterion {cid!r}: {e}; {scale_help(model)}", criterion=str(cid))
    notes = raw.get("notes") or {}
    if not isinstance(notes, dict):
        count(loc + ("notes",), f"{who}: notes must be a mapping of criterion id to text")
        notes = {}
    for cid, note in notes.items():
        if not _known_criterion(model, cid, loc + ("notes", cid), who, count):
            continue
        if (note is not None and not isinstance(note, (str, int, float))) or isinstance(note, bool):
            count(loc + ("notes", cid), f"{who}, note on {cid!r}: a note is one text (a link or a comment), "
                                        f"not {_kind(note)}", criterion=str(cid))
        elif note is not None:
            _text_field(str(note), loc + ("notes", cid), f"{who}, note on {cid!r}", NOTE_LENGTH, count, criterion=str(cid))
    if count.n:
        return None
    assert isinstance(role, str)  # checked above, a problem otherwise
    return Respondent(
        id=str(rid).strip(), role=role, answers=answers,
        notes={str(k): str(v) for k, v in notes.items() if v is not None},
        name=raw.get("name"), team=raw.get("team"),
    )


def _text_field(value: str, loc, what: str, length: int, problem, **where) -> None:
    """A text an answers file gives, as it is kept (its spaces too): not too long, and without control characters."""
    if (wrong := text_problem(value, what, length)) is not None:
        problem(loc, wrong, **where)


def _kind(value: Any) -> str:
    return {list: "a list", dict: "a mapping", bool: "true or false"}.get(type(value), type(value).__name__)


def _cut(value: Any, n: int = 60) -> str:
    text = str(value)
    return text if len(text) <= n else text[:n - 1] + "…"


class _Counter:
    """Forwards problems and counts them, so a respondent with any problem is left out."""

    def __init__(self, sink, respondent: str | None):
        self.sink, self.respondent, self.n = sink, respondent, 0

    def __call__(self, loc, msg, **where):
        self.n += 1
        self.sink(loc, msg, respondent=self.respondent, **where)


def _known_criterion(model: MaturityModel, cid: Any, loc, who: str, problem) -> bool:
    if cid in model.criterion:
        return True
    close = difflib.get_close_matches(str(cid).strip().lower(), list(model.criterion), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    problem(loc, f"{who}: unknown criterion id {cid!r}; {hint}the model {model.ref} lists its ids", criterion=str(cid),
            fix=Fix("model-ids"))
    return False


def _date(value: Any) -> tuple[dt.date | None, str]:
    """(date, "") or (None, what is wrong with it)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "date is required: the day of the assessment as YYYY-MM-DD"
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    text = str(value).strip()
    try:
        return parse_day(text), ""
    except NotADate as e:
        if e.well_formed:
            return None, f"{text} is not a real date ({e.detail}); give the day of the assessment as YYYY-MM-DD"
        return None, f"date {shown_as_typed(value)} is not in the form YYYY-MM-DD"


def responses_document(responses: Responses, model: MaturityModel) -> dict[str, Any]:
    """The answers-file form of `responses`, answers written as scale labels."""
    label = {p.value: p.label for p in model.answer_scale}
    people = []
    for r in responses.respondents:
        person: dict[str, Any] = {"id": r.id, "role": r.role}
        person |= {k: v for k, v in (("name", r.name), ("team", r.team)) if v}
        person["answers"] = {c: model.na_label if v is None else label[v] for c, v in r.answers.items()}
        if r.notes:
            person["notes"] = dict(r.notes)
        people.append(person)
    return {"organization": responses.organization, **({"unit": responses.unit} if responses.unit else {}),
            "date": responses.date.isoformat(), "model": model.ref, "respondents": people}


def dump_yaml(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
