"""The leadership report of a workspace: its one model, and writing it in any format."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from prodops.model import MaturityModel


@dataclass(frozen=True)
class Report:
    document: dict  # the report model (report.model.build_report), as the JSON report shows it
    notes: list[str]


def report(ws, model: MaturityModel, organization: str | None = None, as_of: dt.date | None = None,
           phase_days: int = 90, capacity: int = 2, generated_at: str | None = None) -> Report:
    """The report as of `as_of` (default: the latest assessment's date, so the same workspace gives
    the same report): the latest assessment on or before it, the roadmap from it, and every value
    metric from the data as known on that day."""
    from dataclasses import replace

    from prodops.operations.assessments import history, latest
    from prodops.operations.settings import events
    from prodops.operations.tracking import plan_tracking
    from prodops.operations.value import value_metrics
    from prodops.report.model import ReportInputs, build_report
    from prodops.roadmap import plan

    chosen = latest(ws, model, organization, as_of)
    as_of = as_of or chosen.result.date
    value = value_metrics(ws, as_of=as_of, model=model)
    return Report(build_report(ReportInputs(
        model=model,
        latest=chosen.result,
        history=[a for a in history(ws, chosen.recorded.organization) if a.date <= as_of],
        roadmap=replace(plan(model, chosen.result, phase_days=phase_days, capacity=capacity),
                        tracking=plan_tracking(ws, model, chosen.recorded.organization, as_of)),
        value=value.results,
        options=value.options,
        as_of=as_of,
        generated_at=generated_at,
        events=tuple(events(ws)),
    )), chosen.notes)


def write_report(document: dict, formats: list[str], out: str, page_size: str = "a4", force: bool = False) -> list[Path]:
    """Render the report in every format of `formats` and write the files `out` names (a file, a
    name without suffix, or a folder): all of them, or none; files that exist only with `force`."""
    from prodops.report import destination, render, write

    folder, names = destination(out, formats)
    return write(render(document, formats, page_size, names), folder, force)


def report_json(document: dict) -> bytes:
    """The JSON report, as its file holds it."""
    from prodops.report import render

    return render(document, ["json"])["report.json"]
