"""Reading only: the history and the value metrics, answered from what is kept
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
from typing import TYPE_CHECKING

from prodops import clock
from prodops.operations.computed import quick
from prodops.store.records import RecordedAssessment

if TYPE_CHECKING:
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


def _read(db: str | None, key: list, made: Callable[[Workspace], bytes]) -> bytes:
    """What is kept under `key`, read without opening the workspace when it can be, else
    computed by `made` on the opened workspace (and kept)."""
    text = json.dumps(["reading", *key])
    found = quick(db, text)
    if found is not None:
        return found
    from prodops.operations.computed import kept
    from prodops.store import Workspace

    with Workspace.open(db, create=False) as ws:
        return kept(ws, text, lambda: made(ws))


def _model_hash(path: Path | None) -> str:
    """The model file's content as a hash (the bundled one's when None): a changed file is another model."""
    from prodops.inputs import DEFAULT_MODEL_PATH

    try:
        return hashlib.sha256(Path(path or DEFAULT_MODEL_PATH).read_bytes()).hexdigest()
    except OSError:  # nothing is kept for it: opening the workspace says what is wrong with the file
        return ""
