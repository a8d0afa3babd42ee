"""Assessments in a workspace: read answers, score them with the data's evidence, record them;
the latest one; the roadmap; the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from collections.abc import Sequence
from typing import TYPE_CHECKING

from prodops.core.responses import Responses
from prodops.core.assessment import AssessmentResult
from prodops.core.confidentiality import Privacy
from prodops.core.errors import Fix, InputError, Refused
from prodops.core.model import MaturityModel

if TYPE_CHECKING:
    from prodops.core.roadmap import Roadmap
    from prodops.store import Workspace
    from prodops.operations.units import Pool
    from prodops.store import RecordedAssessment


def read_responses(model: MaturityModel, paths: Sequence[Path | str], mapping: Path | str | None = None) -> Responses:
    """Answers files (YAML or JSON), or one Google Forms / Typeform export read through `mapping`."""
    if mapping is not None:
        from prodops.inputs.sources.survey import read_answers

        if len(paths) != 1:
            raise InputError(f"a survey export is read through its mapping one at a time; {len(paths)} files were given")
        return read_answers(Path(paths[0]), Path(mapping), model)
    from prodops.inputs.answers import load_responses

    return load_responses(model, paths)


def evidence(ws: Workspace, organization: str, as_of: dt.date, teams: set[str] | None = None) -> dict:
    """What `organization`'s data (of `teams`, in lower case; None: all of it) measured in the
    quarter before `as_of`, as known on that day: what data-bound criteria are checked against
    ({metric: metrics.Measurement}, each with its n and days)."""
    return measurements(evidence_kept(ws, organization, as_of, teams))


def evidence_kept(ws: Workspace, organization: str, as_of: dt.date, teams: set[str] | None = None) -> dict:
    """`evidence` as it is kept: {metric: its Measurement's document and records}."""
    import json

    from prodops.operations.computed import kept

    def made() -> bytes:
        from prodops.core.metrics import known_by, of_teams
        from prodops.core.metrics.symptoms import measurements
        from prodops.operations.units import data_tables

        measured = measurements(known_by(of_teams(data_tables(ws, organization), teams), as_of), as_of)
        return json.dumps({k: {**m.document(), "records": list(m.records)} for k, m in measured.items()}).encode("utf-8")

    # computed once per change of the workspace: a campaign's dashboard asks on every view
    key = json.dumps(["evidence", organization.casefold(), sorted(teams) if teams is not None else None, as_of.isoformat()])
    found: dict = json.loads(kept(ws, key, made))
    return found


def measurements(kept_evidence: dict) -> dict:
    """The Measurements of `evidence_kept`'s document."""
    return {k: _measurement(d) for k, d in kept_evidence.items()}


def _measurement(d: dict):
    """A Measurement from its document and records (`evidence`'s JSON)."""
    from prodops.core.metrics import Measurement

    return Measurement(d["value"], d["n"], d["counts"] or "", d["from"] and dt.date.fromisoformat(d["from"]),
                       d["to"] and dt.date.fromisoformat(d["to"]), d["minimum"], tuple(d["records"]))


def scoped(ws: Workspace, responses: Responses) -> tuple[Responses, set[str] | None]:
    """`responses` with their organisation as the workspace spells it and their unit as declared,
    and the data teams their evidence comes from (None: the whole organisation's data). An
    undeclared unit is refused."""
    from prodops.operations.organizations import organization_for
    from prodops.operations.units import unit_named, unit_tree

    responses = replace(responses, organization=organization_for(ws, responses.organization, new=True))
    if not responses.unit:
        return responses, None
    tree = unit_tree(ws, responses.organization)
    unit = unit_named(tree, responses.unit, responses.organization)
    return replace(responses, unit=unit), tree.teams(unit)


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


@dataclass(frozen=True)
class Scope:
    """What scoring answers files takes from the workspace, in the form it is kept in
    (operations.reading.assessed keeps it)."""

    organization: str  # as the workspace spells it
    unit: str | None  # as declared
    threshold: int | None  # the result's privacy (core.confidentiality): the organisation's reporting threshold
    evidence: dict | None  # evidence_kept's; None: the answers alone decide

    def document(self) -> dict:
        return {"organization": self.organization, "unit": self.unit, "threshold": self.threshold,
                "evidence": self.evidence}


def asked(responses: Responses, unit: str | None) -> Responses:
    """`responses` as of `unit` when one is asked for (a file's own `unit:` must agree)."""
    if unit and responses.unit and unit.strip().casefold() != responses.unit.casefold():
        raise InputError(f"the answers are of unit {responses.unit!r}, but {unit.strip()!r} was asked for; give one")
    if unit and unit.strip():
        responses = replace(responses, unit=unit.strip())
    return responses


def scope(ws: Workspace, responses: Responses, use_data: bool = True, privacy: Privacy | None = None) -> Scope:
    """Where `responses` stand in the workspace (an undeclared unit is refused); `privacy`: what
    their result may show (a campaign's), by default an answers file's."""
    from prodops.operations.settings import file_privacy

    privacy = privacy or file_privacy(ws, responses.organization)
    responses, teams = scoped(ws, responses)
    return Scope(responses.organization, responses.unit, privacy.threshold,
                 evidence_kept(ws, responses.organization, responses.date, teams) if use_data else None)


def scored(model: MaturityModel, responses: Responses, where: Scope | None) -> tuple[Responses, AssessmentResult]:
    """`responses`, as the workspace names them (`where`: None without a workspace), and their result."""
    from prodops.core.assessment import assess as score

    if where is None:
        if responses.unit:
            raise InputError(f"the answers are of unit {responses.unit!r}: units are declared in a workspace; give one",
                             fix=Fix("db"))
        return responses, score(model, responses, None)
    responses = replace(responses, organization=where.organization, unit=where.unit, privacy=Privacy(where.threshold))
    return responses, score(model, responses, measurements(where.evidence) if where.evidence is not None else None)


def assess(model: MaturityModel, responses: Responses, ws: Workspace | None = None, record: bool = True,
           use_data: bool = True, unit: str | None = None, privacy: Privacy | None = None) -> Assessed:
    """Score `responses` (of `unit`, when given: a team or business unit declared in the workspace;
    with its evidence unless `use_data` is off) and record the result in the workspace (unless
    `record` is off, or there is no workspace). `privacy`: what its results may show (a campaign's);
    by default, answers files': the organisation's `reporting_threshold`."""
    responses = asked(responses, unit)
    if ws is None and privacy is not None:
        responses = replace(responses, privacy=privacy)
    responses, result = scored(model, responses, scope(ws, responses, use_data, privacy) if ws is not None else None)
    recorded = None
    if ws is not None and record:
        recorded = Recorded(*ws.recorded.record(responses, result, model))
    return Assessed(result, recorded)


@dataclass(frozen=True)
class Latest:
    """The newest assessment of an organisation (or of one of its units, by the roll-up rule),
    scored again with the model and its evidence."""

    recorded: RecordedAssessment  # the newest one it draws on
    responses: Responses
    result: AssessmentResult
    notes: list[str]
    unit: str | None = None  # the unit it is the result of; None: the organisation
    pool: Pool | None = None  # what the units below are scored from

    @property
    def day(self) -> dt.date:
        """The day it is the result on: the newest assessment's then (its own answers may be older)."""
        return self.recorded.date  # the pool's newest: the day the pool is of


def latest(ws: Workspace, model: MaturityModel, organization: str | None = None, as_of: dt.date | None = None,
           unit: str | None = None) -> Latest:
    """The result on `as_of` (default: the newest assessment's day) of `unit` of `organization`
    (None: the whole organisation; or the only one recorded): each scope's latest assessment on or
    before it, rolled up (prodops.core.units)."""
    from prodops.operations.units import pool, scored_unit, unit_named

    found = pool(ws, model, organization, as_of)
    unit = unit_named(found.units, unit, found.organization)
    scored = scored_unit(model, found, unit)
    if scored is None:
        raise InputError(f"nobody has answered for {unit} of {found.organization}"
                         + (f" on or before {as_of}" if as_of else "")
                         + f"; assess it (an answers file with 'unit: {unit}', or a campaign for it)", fix=Fix("assess"))
    responses, result = scored
    visible(result)
    _since_the_day_before(ws, model, found, unit, responses)
    if unit is not None:  # beside the wider results it is part of: no one found by subtraction
        from prodops.core.units import beside_wider

        shown_at_all, left_out = beside_wider(found.units, unit, found.assessed, result.criteria)
        if not shown_at_all:
            raise Refused("confidential", f"{unit} ({found.organization}): its result beside "
                                          f"{found.organization}'s would show, by subtraction, the answers of fewer "
                                          f"than {result.privacy.threshold} people; they count in "
                                          f"{found.organization}'s report")
        result = replace(result, withheld=frozenset(left_out))
    return Latest(found.newest, responses, result, found.notes(model), unit, found)


def _since_the_day_before(ws: Workspace, model: MaturityModel, found: Pool, unit: str | None,
                          responses: Responses) -> None:
    """Refuse a confidential result that differs from its scope's result on the day before (the
    previous assessment day) by fewer than k people: the two side by side would give theirs away."""
    from prodops.core.units import changed_people, counted
    from prodops.operations.units import pool

    privacy = responses.privacy
    earlier = [a.date for a in ws.recorded.of(found.organization) if a.date < found.day and a.model_id == model.id]
    if not privacy.confidential or not earlier:
        return
    before = pool(ws, model, found.organization, max(earlier), with_data=False)
    was = counted(before.units, unit, before.assessed)
    changed = changed_people(was, responses)
    if was is not None and 0 < changed < (privacy.threshold or 0):
        raise Refused("confidential", f"{unit or found.organization} on {found.day}: beside its result on {max(earlier)}, "
                                      f"which differs from it by {changed} {'person' if changed == 1 else 'people'} "
                                      f"({privacy.fewer()}), it would give their answers away")


def visible(result: AssessmentResult) -> None:
    """Refuse a confidential result resting on fewer than k people who gave a scored answer: its level,
    its dimensions and its statuses would be those few people's answers (core.confidentiality)."""
    privacy = result.privacy
    if not privacy.shows(result.scored_by):
        who = f"{result.unit} ({result.organization})" if result.unit else result.organization
        where = f"; they count in {result.organization}'s report" if result.unit else ""
        raise Refused("confidential", f"{who}: {privacy.fewer()} ({result.scored_by} gave a scored answer), so its "
                                      f"result would show those few people's answers{where}")


def plan(model: MaturityModel, ws: Workspace | None = None, paths: Sequence[Path | str] | None = None,
         organization: str | None = None,
         phase_days: int = 90, capacity: int = 2, unit: str | None = None) -> tuple[Roadmap, list[str]]:
    """The roadmap from answers files (scored with the workspace's evidence when there is one), or
    from the latest recorded assessment; and what the user should know about it."""
    from prodops.operations.tracking import plan_tracking
    from prodops.core.roadmap import plan as make_plan

    if paths:
        result, notes = assess(model, read_responses(model, paths), ws, record=False, unit=unit).result, []
    else:
        if ws is None:
            raise InputError("no answers given and no workspace to read the latest assessment from", fix=Fix("answers"))
        chosen = latest(ws, model, organization, unit=unit)
        result, notes = chosen.result, chosen.notes
    roadmap = make_plan(model, result, phase_days=phase_days, capacity=capacity)
    if ws is not None and result.organization in ws.recorded.organizations():  # who runs it, and whether the done ones worked
        roadmap = replace(roadmap, tracking=plan_tracking(ws, model, result.organization, result.date))
    return roadmap, notes


def history(ws: Workspace, organization: str | None = None, unit: str | None = None, model: MaturityModel | None = None) -> list:
    """The results of `organization` (any case; every one recorded without it), or of one of its
    units, oldest first: the recorded assessments as they are while every one is of the whole
    organisation; otherwise the roll-up on each day an assessment changed who or what counts in
    it, scored with `model` (the default model)."""
    from prodops.core.assessment import shown
    from prodops.core.units import beside_wider
    from prodops.operations.units import data_tables, pool, scored_unit, unit_named, unit_tree
    from prodops.store import RecordedAssessment

    recorded = ws.recorded.of(organization)
    if organization and not recorded:
        raise InputError(f"no assessment of {organization!r} in the workspace; recorded: "
                         f"{', '.join(ws.recorded.organizations()) or 'none'}", fix=Fix("organization"))
    if unit is None and all(a.unit is None for a in recorded):
        # a confidential assessment of fewer than k people shows no level: it would be theirs
        return [a for a in recorded if _shown(a)]
    if model is None:
        from prodops.inputs.models import load_model

        model = load_model()
    out = []
    for org in dict.fromkeys(a.organization for a in recorded):
        mine = [a for a in recorded if a.organization == org]
        if unit is None and all(a.unit is None for a in mine):
            out += [a for a in mine if _shown(a)]
            continue
        tables = data_tables(ws, org)  # read once, for every day
        named = unit_named(unit_tree(ws, org), unit, org)
        if not any(a.model_id == model.id for a in mine):
            raise InputError(f"the assessments of {org} were answered on model {mine[-1].model_id}, not {model.ref}; "
                             "use that model", fix=Fix("model"))
        counted_before = None
        for day in sorted({a.date for a in mine}):
            found = pool(ws, model, org, day, tables)
            scored = scored_unit(model, found, named)
            if scored is None:  # nobody counts in it yet
                continue
            responses, r = scored
            if not r.privacy.shows(r.scored_by):  # a confidential unit's level on a day it held fewer than k
                continue
            shown_at_all, left_out = (beside_wider(found.units, named, found.assessed, r.criteria) if named
                                      else (True, set()))
            if not shown_at_all:  # beside the organisation's, it would show a few people's by subtraction
                continue
            r = shown(replace(r, withheld=frozenset(left_out)))
            counted = (responses.date, frozenset(p.id.casefold() for p in responses.respondents))
            if counted == counted_before:  # nobody new, nobody gone, no newer answers: nothing new for it that day
                continue
            counted_before = counted
            out.append(RecordedAssessment(
                next(a.id for a in reversed(found.picked) if a.date == day), org, day, r.model_id, r.model_version,
                r.level, model.level_name(r.level), r.progress_to_next, r.respondents, dict(r.dimensions), named))
    return out


def _shown(a: RecordedAssessment) -> bool:
    """Whether a recorded assessment's level may be shown: named, or k people gave a scored answer."""
    return a.threshold is None or (a.scored_by if a.scored_by is not None else a.respondents) >= a.threshold
