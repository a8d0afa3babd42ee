"""`prodops assess --interactive`: ask one respondent every criterion and write an answers file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from prodops import clock
from prodops.core.responses import Respondent, Responses, answer_value, scale_help
from prodops.inputs.answers import dump_yaml, responses_document
from prodops.core.dates import NotADate, parse_day
from prodops.core.errors import Fix, InputError
from prodops.core.model import MaturityModel


TEMPLATE_HEADER = """\
# Answers for one respondent. Fill in organization and id, then answer each criterion with
# No, Started, Partly, Mostly, Fully or N/A (or leave it blank). `prodops model show` explains
# each criterion; notes take an evidence link or comment per criterion id.
"""


def blank_answers(model: MaturityModel) -> dict[str, Any]:
    """An answers file with every criterion present and unanswered (`prodops template answers`).
    Organisation and id are left empty so that an unedited template is refused, not recorded."""
    return {
        "organization": "",
        "date": clock.local_today().isoformat(),  # the day of whoever fills it in
        "model": model.ref,
        "respondents": [{
            "id": "",
            "role": model.roles[0].id,
            "answers": {c.id: None for c in model.criteria},
            "notes": {},
        }],
    }


def parse_reply(model: MaturityModel, reply: str) -> tuple[bool, float | None]:
    """(answered, value) from what someone typed: a label, its first letter, its number, or N/A."""
    text = reply.strip()
    if not text:
        return False, None
    initials = {p.label[0].casefold(): p.value for p in model.answer_scale}
    if len(text) == 1 and text.casefold() in initials and len(initials) == len(model.answer_scale):
        return True, initials[text.casefold()]
    return True, answer_value(model, text)


def interview(model: MaturityModel, console: Console, out: Path | None, with_notes: bool) -> Path:
    def ask(prompt: str, default: str | None = None) -> str:
        suffix = f" [{default}]" if default else ""
        try:
            reply = console.input(f"{prompt}{escape(suffix)}: ").strip()
        except EOFError:
            raise InputError("input ended before the interview was finished; nothing was written") from None
        return reply or (default or "")

    console.print(f"[bold]{escape(model.name)}[/] ({escape(model.ref)}): {len(model.criteria)} criteria.")
    labels = ", ".join(f"{p.label} ({p.value:g})" for p in model.answer_scale)
    initials = "/".join(p.label[0].lower() for p in model.answer_scale)
    console.print(f"Answer each with {escape(labels)} or {escape(model.na_label)}. The first letter is enough "
                  f"({initials}); type {escape(model.na_label)} in full; Enter skips a criterion.\n")
    organization = ask("Organisation")
    while not organization:
        organization = ask("Organisation (required)")
    date = _ask_date(ask)
    respondent = ask("Your id (name or pseudonym)")
    while not respondent:
        respondent = ask("Your id (required)")
    role = ask("Your role (" + ", ".join(model.role) + ")", model.roles[0].id)
    while role not in model.role:
        role = ask(f"Unknown role {role!r}; one of " + ", ".join(model.role), model.roles[0].id)
    path = out or Path(f"answers-{respondent}.yaml")
    try:  # claim the file now: a folder that is missing or read-only should not cost 52 answers
        path.open("x").close()
    except FileExistsError:
        raise InputError(f"{path} exists; nothing was written", fix=Fix("out")) from None
    except OSError as e:
        raise InputError(f"cannot write {path}: {e.strerror}", fix=Fix("out")) from None
    given = Respondent(respondent, role, {}, {})
    try:
        _ask_criteria(model, console, ask, given, with_notes)
    except (KeyboardInterrupt, InputError):  # stopped half way: keep what was answered
        if not given.answers:
            path.unlink(missing_ok=True)
            raise
        _write(path, model, organization, date, given)
        raise Stopped(path, len(given.answers), len(model.criteria)) from None
    except BaseException:
        path.unlink(missing_ok=True)  # nothing half-written
        raise
    _write(path, model, organization, date, given)
    skipped = len(model.criteria) - len(given.answers)
    console.print(f"\n{len(given.answers)} answered, {skipped} skipped.")
    return path


class Stopped(Exception):
    """The interview was stopped (Ctrl-C, end of input) after some answers, which were saved."""

    def __init__(self, path: Path, answered: int, criteria: int):
        super().__init__(f"stopped after {answered} of {criteria} criteria; the answers so far are saved in {path}")
        self.path, self.answered, self.criteria = path, answered, criteria


def _write(path: Path, model: MaturityModel, organization: str, date: dt.date, person: Respondent) -> None:
    responses = Responses(organization, date, (person,))
    path.write_text(dump_yaml(responses_document(responses, model)), encoding="utf-8")


def _ask_criteria(model, console, ask, person: Respondent, with_notes: bool) -> None:
    """Ask every criterion, putting each answer (and note) into `person` as it is given."""
    dims = {d.id: d.name for d in model.dimensions}
    for i, c in enumerate(interview_order(model), 1):
        console.print(f"\n[dim]{i}/{len(model.criteria)} · Level {c.level} · {escape(dims[c.dimension])} · {c.id}[/]")
        console.print(f"[bold]{escape(c.text)}[/]")
        if c.evidence:
            console.print(f"[dim]Evidence: {escape(c.evidence)}[/]")
        while True:
            try:
                answered, value = parse_reply(model, ask("Answer"))
                break
            except ValueError as e:
                console.print(f"[red]{escape(str(e))}[/]; {escape(scale_help(model))}")
        if answered:
            person.answers[c.id] = value
            if with_notes and (note := ask("Evidence link or note (Enter for none)")):
                person.notes[c.id] = note


def interview_order(model: MaturityModel) -> list:
    """Level by level, dimensions in the model's order: the easy, foundational questions first."""
    rank = {d.id: i for i, d in enumerate(model.dimensions)}
    return sorted(model.criteria, key=lambda c: (c.level, rank[c.dimension]))


def _ask_date(ask) -> dt.date:
    prompt = "Assessment date (YYYY-MM-DD)"
    while True:
        reply = ask(prompt, clock.local_today().isoformat())  # the respondent's own day
        try:
            return parse_day(reply)
        except NotADate as e:
            prompt = f"{reply!r} is not a date ({e.detail}); assessment date (YYYY-MM-DD)"
