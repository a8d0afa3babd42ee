"""Assessments in a workspace: read answers, score them with the data's evidence, record them;
the latest one; the roadmap; the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from prodops.answers import Responses
from prodops.assessment import AssessmentResult
from prodops.errors import Fix, InputError
from prodops.model import MaturityModel
from prodops.roadmap import Roadmap


def read_responses(model: MaturityModel, paths: list[Path | str], mapping: Path | str | None = None) -> Responses:
    """Answers files (YAML or JSON), or one Google Forms / Typeform export read through `mapping`."""
    if mapping is not None:
        from prodops.sources.survey import read_answers

        if len(paths) != 1:
            raise InputError(f"a survey export is read through its mapping one at a time; {len(paths)} files were given")
        return read_answers(Path(paths[0]), Path(mapping), model)
    from prodops.answers import load_responses

    return load_responses(model, paths)


def evidence(ws, as_of: dt.date) -> dict[str, float]:
    """What the workspace's data measured in the quarter before `as_of`, as known on that day:
    what data-bound criteria are checked against."""
    from prodops.metrics import known_by
    from prodops.metrics.symptoms import TABLES, measurements

    return measurements(known_by({t: ws.read(t) for t in TABLES}, as_of), as_of)


@dataclass(frozen=True)
class Recorded:
    id: int
    previous_respondents: int | None  # the respondents of the assessment this one replaced; None if new

    def document(self) -> dict:
        return {"id": self.id, "replaced": self.previous_respondents is not None,
                "previous_respondents": self.previous_respondents}


@dataclass(frozen=True)
class Assessed:
    result: AssessmentResult
    recorded: Recorded | None


def assess(model: MaturityModel, responses: Responses, ws=None, record: bool = True, use_data: bool = True) -> Assessed:
    """Score `responses` (with the workspace's evidence unless `use_data` is off) and record the
    result in the workspace (unless `record` is off, or there is no workspace)."""
    from prodops.assessment import assess as score

    result = score(model, responses, evidence(ws, responses.date) if ws is not None and use_data else None)
    recorded = None
    if ws is not None and record:
        recorded = Recorded(*ws.record(responses, result, model))
    return Assessed(result, recorded)


@dataclass(frozen=True)
class Latest:
    """The newest assessment of an organisation, scored again with the model and its evidence."""

    recorded: object  # store.RecordedAssessment
    responses: Responses
    result: AssessmentResult
    notes: list[str]


def latest(ws, model: MaturityModel, organization: str | None = None, as_of: dt.date | None = None) -> Latest:
    """The newest assessment (on or before `as_of`) of `organization`, or of the only one recorded."""
    chosen = ws.latest(organization)
    if as_of is not None:
        earlier = [a for a in ws.assessments(chosen.organization) if a.date <= as_of]
        if not earlier:
            raise InputError(f"no assessment of {chosen.organization} on or before {as_of}; the first is of "
                             f"{ws.assessments(chosen.organization)[0].date}")
        chosen = earlier[-1]
    if chosen.model_id != model.id:
        raise InputError(f"the latest assessment (#{chosen.id}) was answered on model {chosen.model_id}@{chosen.model_version}, "
                         f"not {model.ref}; use that model", fix=Fix("model"))
    return scored(ws, model, chosen)


def scored(ws, model: MaturityModel, chosen) -> Latest:
    """A recorded assessment scored again with `model` and the data as known on its day."""
    from prodops.assessment import assess as score

    notes = []
    if chosen.model_version != model.version:
        notes.append(f"assessment #{chosen.id} was answered on {chosen.model_id}@{chosen.model_version}; "
                     f"scored with {model.ref}")
    responses = ws.responses(chosen.id)
    return Latest(chosen, responses, score(model, responses, evidence(ws, responses.date)), notes)


def plan(model: MaturityModel, ws=None, paths: list[Path | str] | None = None, organization: str | None = None,
         phase_days: int = 90, capacity: int = 2) -> tuple[Roadmap, list[str]]:
    """The roadmap from answers files (scored with the workspace's evidence when there is one), or
    from the latest recorded assessment; and what the user should know about it."""
    from prodops.operations.tracking import plan_tracking
    from prodops.roadmap import plan as make_plan

    if paths:
        result, notes = assess(model, read_responses(model, paths), ws, record=False).result, []
    else:
        if ws is None:
            raise InputError("no answers given and no workspace to read the latest assessment from", fix=Fix("answers"))
        chosen = latest(ws, model, organization)
        result, notes = chosen.result, chosen.notes
    roadmap = make_plan(model, result, phase_days=phase_days, capacity=capacity)
    if ws is not None and result.organization in ws.organizations():  # who runs it, and whether the done ones worked
        roadmap = replace(roadmap, tracking=plan_tracking(ws, model, result.organization, result.date))
    return roadmap, notes


def history(ws, organization: str | None = None) -> list:
    """The recorded assessments (of `organization`, any case), oldest first."""
    recorded = ws.assessments(organization)
    if organization and not recorded:
        raise InputError(f"no assessment of {organization!r} in the workspace; recorded: "
                         f"{', '.join(ws.organizations()) or 'none'}", fix=Fix("organization"))
    return recorded
