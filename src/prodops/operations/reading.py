"""Reading only: the history, the plan and the value metrics, answered from what is kept
(operations.computed) without opening the workspace: opening it imports SQLAlchemy, computing
the metrics Polars and NumPy, about 0.5 s before anything is shown. So these take the workspace's
address (`db`, as `Workspace.open` does), not an open workspace. The first call after a change
computes, as `history` and `value_metrics` always did, and keeps what it shows; the next ones
read it back (store.quick)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal, overload

from prodops import clock
from prodops.operations.computed import quick
from prodops.store.records import RecordedAssessment

if TYPE_CHECKING:
    from prodops.core.assessment import AssessmentResult
    from prodops.core.model import MaturityModel
    from prodops.core.responses import Responses
    from prodops.store import Workspace


@dataclass(frozen=True)
class History:
    recorded: list[RecordedAssessment]  # operations.history's, oldest first
    names: dict[str, str]  # each dimension's name by its id, in the model it was scored with


@dataclass(frozen=True)
class Figures:
    names: list[str]  # the metrics asked for
    text: str  # their document ({key: result}) as `prodops metrics --json` prints it: kept so, printed as kept

    @cached_property
    def results(self) -> dict[str, dict | None]:
        """Metric name -> value_metrics' result, None where its data was not imported."""
        from prodops.core.metrics import METRICS

        document = json.loads(self.text)
        return {n: document[METRICS[n].key] for n in self.names}


def history(db: str | None, organization: str | None = None, unit: str | None = None,
            model: Path | None = None) -> History:
    """operations.history of the workspace `db` (with the dimensions' names of `model`, the
    bundled one by default)."""
    def made(ws: Workspace) -> bytes:
        from prodops.inputs.models import load_model
        from prodops.operations.assessments import history as recorded

        chosen = load_model(model)
        found = recorded(ws, organization, unit, chosen if model or unit else None)
        return json.dumps({"recorded": [a.kept() for a in found],
                           "names": {d.id: d.name for d in chosen.dimensions}}).encode("utf-8")

    doc = json.loads(_read(db, ["history", organization and organization.strip().casefold(), unit, _model_hash(model)],
                           made))
    return History([RecordedAssessment.from_kept(a) for a in doc["recorded"]], doc["names"])


def history_document(recorded: list) -> dict:
    """The JSON form of the history (`history`'s results, as `prodops history --json` prints them
    and the demo's history.json holds them)."""
    return {"assessments": [
        {"id": a.id, "date": a.date.isoformat(), "organization": a.organization, "unit": a.unit, "model_id": a.model_id,
         "model_version": a.model_version, "respondents": a.respondents, "level": a.level,
         "level_name": a.level_name,
         "progress_to_next": None if a.progress_to_next is None else round(a.progress_to_next, 4),
         "dimensions": a.dimensions, "erased": [f"one response erased on {day.isoformat()}" for day in a.erased],
         "revised": [{"reopened": day.isoformat(), "reason": why} for day, why in getattr(a, "revised", ())]}
        for a in recorded]}


def plan(db: str | None, organization: str | None = None, unit: str | None = None, phase_days: int = 90,
         capacity: int = 2, model: Path | None = None) -> tuple[dict, list[str]]:
    """operations.plan of the latest recorded assessment in the workspace `db`, as its document
    (core.roadmap.roadmap_document), and its notes."""
    def made(ws: Workspace) -> bytes:
        from prodops.core.roadmap import roadmap_document
        from prodops.inputs.models import load_model
        from prodops.operations.assessments import plan as make_plan

        chosen = load_model(model)
        roadmap, notes = make_plan(chosen, ws, None, organization, phase_days, capacity, unit)
        return json.dumps({"document": roadmap_document(roadmap, chosen), "notes": notes}).encode("utf-8")

    key = ["plan", organization and organization.strip().casefold(), unit, phase_days, capacity, _model_hash(model)]
    doc = json.loads(_read(db, key, made))
    return doc["document"], doc["notes"]


def assessed(db: str | None, model: MaturityModel, responses: Responses, use_data: bool = True,
             unit: str | None = None) -> AssessmentResult:
    """operations.assess of `responses` without recording them: scored with what the workspace `db`
    (if there is one) says of where they stand (operations.assessments.Scope), kept per organisation,
    unit and day, so that scoring the same day's answers again opens nothing."""
    from prodops.operations.assessments import Scope, asked, scope, scored

    responses = asked(responses, unit)
    key = ["scope", responses.organization, responses.unit, responses.date.isoformat(), use_data]
    found = _read(db, key, lambda ws: json.dumps(scope(ws, responses, use_data).document()).encode("utf-8"),
                  maybe=True)
    return scored(model, responses, None if found is None else Scope(**json.loads(found)))[1]


def metrics(db: str | None, names: list[str] | None = None, *, as_of: dt.date | None = None,
            since: dt.date | None = None, teams: tuple[str, ...] = (), unit: str | None = None,
            organization: str | None = None, **given) -> Figures:
    """operations.value_metrics of the workspace `db`, with the same arguments."""
    as_of = as_of or clock.today()

    def made(ws: Workspace) -> bytes:
        from prodops.operations.value import value_metrics
        from prodops.renderers.files import dump_json

        return dump_json(value_metrics(ws, names, as_of=as_of, since=since, teams=teams, unit=unit,
                                       organization=organization, **given).document()).encode("utf-8")

    key = ["metrics", names, as_of.isoformat(), since and since.isoformat(), list(teams), unit, organization,
           {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in sorted(given.items())}, _model_hash(None)]
    from prodops.core.metrics import METRICS

    return Figures(names or list(METRICS), _read(db, key, made).decode("utf-8"))


@overload
def _read(db: str | None, key: list, made: Callable[[Workspace], bytes], maybe: Literal[False] = False) -> bytes: ...


@overload
def _read(db: str | None, key: list, made: Callable[[Workspace], bytes], maybe: Literal[True]) -> bytes | None: ...


def _read(db: str | None, key: list, made: Callable[[Workspace], bytes], maybe: bool = False) -> bytes | None:
    """What is kept under `key`, read without opening the workspace when it can be, else
    computed by `made` on the opened workspace (and kept). `maybe`: None when there is no
    workspace to open, rather than saying so."""
    text = json.dumps(["reading", *key])
    found = quick(db, text)
    if found is not None:
        return found
    from prodops.core.errors import InputError
    from prodops.operations.computed import kept
    from prodops.store import Workspace

    try:
        ws = Workspace.open(db, create=False)
    except InputError:
        if maybe:
            return None
        raise
    with ws:
        return kept(ws, text, lambda: made(ws))


def _model_hash(path: Path | None) -> str:
    """The model file's content as a hash (the bundled one's when None): a changed file is another model."""
    from prodops.inputs import DEFAULT_MODEL_PATH

    try:
        return hashlib.sha256(Path(path or DEFAULT_MODEL_PATH).read_bytes()).hexdigest()
    except OSError:  # nothing is kept for it: opening the workspace says what is wrong with the file
        return ""
