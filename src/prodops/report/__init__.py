"""Reports from the workspace: gather the inputs, build the one report model, render it."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

from prodops.errors import InputError
from prodops.files import dump_json
from prodops.model import MaturityModel
from prodops.report.model import ReportInputs, build_report

FORMATS = ("html", "pdf", "md", "xlsx", "json")
SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "md", ".xlsx": "xlsx", ".json": "json"}
PAGE_SIZES = ("a4", "letter")


def latest_assessed(ws, model: MaturityModel, organization: str | None):
    """(recorded assessment, its responses, its result scored with the quarter's data) for the
    newest assessment of `organization` (or of the only organisation) on `model`."""
    from prodops.assessment import assess
    from prodops.metrics.symptoms import TABLES, measurements

    latest = ws.latest(organization)
    if latest.model_id != model.id:
        raise InputError(f"the latest assessment (#{latest.id}) was answered on model {latest.model_id}@{latest.model_version}, "
                         f"not {model.ref}; pass that model with --model FILE")
    if latest.model_version != model.version:
        print(f"note: assessment #{latest.id} was answered on {latest.model_id}@{latest.model_version}; "
              f"scoring it with {model.ref}", file=sys.stderr)
    responses = ws.responses(latest.id)
    measured = measurements({t: ws.read(t) for t in TABLES}, responses.date)
    return latest, responses, assess(model, responses, measured)


def report_from_workspace(ws, model: MaturityModel, organization: str | None = None,
                          phase_days: int = 90, capacity: int = 2, generated_at: str | None = None) -> dict:
    from prodops.metrics import NAMES, TABLES_FOR, Options, compute
    from prodops.metrics.predictability import by_quarter
    from prodops.roadmap import plan

    latest, _, result = latest_assessed(ws, model, organization)
    saved = ws.settings()
    options = Options(
        change_date=dt.date.fromisoformat(saved["change_date"]) if saved.get("change_date") else None,
        hourly_rate=float(saved["hourly_rate"]) if saved.get("hourly_rate") else None,
        headcount=float(saved["headcount"]) if saved.get("headcount") else None,
        grace_days=int(saved.get("grace_days", 0)),
    )
    tables = {t: ws.read(t) for n in NAMES for t in TABLES_FOR[n]}
    return build_report(ReportInputs(
        model=model,
        latest=result,
        history=ws.assessments(latest.organization),
        roadmap=plan(model, result, phase_days=phase_days, capacity=capacity),
        value={n: compute(n, tables, options) for n in NAMES},
        predictability_by_quarter=by_quarter(tables["sprints"]),
        predictability_by_team_quarter=by_quarter(tables["sprints"], per_team=True),
        change_date=saved.get("change_date"),
        generated_at=generated_at,
    ))


def check(formats, page_size: str = "a4") -> None:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError(f"--format {unknown[0]!r}: one of {', '.join(FORMATS)}")
    if page_size not in PAGE_SIZES:
        raise InputError(f"--page-size {page_size!r}: one of {', '.join(PAGE_SIZES)}")


def render(report: dict, formats, stem: str = "report", page_size: str = "a4") -> dict[str, bytes]:
    """The report in each of `formats`, as {file name relative to the output folder: bytes}.
    Charts are drawn once for every format that shows them; Markdown's SVGs go in `<stem>-charts/`."""
    check(formats, page_size)
    document = dump_json(report)
    report = json.loads(document)  # every renderer sees exactly the documented JSON: strings for dates
    out: dict[str, bytes] = {}
    svgs = {}
    if {"html", "pdf", "md"} & set(formats):
        from prodops.report.charts import render_svgs
        from prodops.report.layout import sections

        svgs = render_svgs(report, [c for s in sections(report) for c in s.charts])
    if "json" in formats:
        out[f"{stem}.json"] = document.encode("utf-8")
    if "html" in formats or "pdf" in formats:
        from prodops.report.html import render_html

        html = render_html(report, svgs, page_size)
        if "html" in formats:
            out[f"{stem}.html"] = html.encode("utf-8")
        if "pdf" in formats:
            from prodops.report.pdf import render_pdf

            out[f"{stem}.pdf"] = render_pdf(html)
    if "md" in formats:
        from prodops.report.markdown import render_markdown

        folder = f"{stem}-charts"
        out[f"{stem}.md"] = render_markdown(report, {n: f"{folder}/{n}.svg" for n in svgs}).encode("utf-8")
        out.update({f"{folder}/{n}.svg": svg.encode("utf-8") for n, svg in svgs.items()})
    if "xlsx" in formats:
        from prodops.report.xlsx import render_xlsx

        out[f"{stem}.xlsx"] = render_xlsx(report)
    return out


def destination(given: str, formats) -> tuple[Path, str]:
    """(folder, file stem) for `--out`: a folder (existing, or ending in a slash), a file name whose
    suffix names its one format, or a name without a suffix for several formats."""
    out = Path(given)
    if out.is_dir() or given.endswith(("/", os.sep)):
        return out, "report"
    fmt = SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        return out.parent, out.name
    if len(formats) == 1 and fmt != formats[0]:
        raise InputError(f"--out {out}: the name ends in {out.suffix} but --format is {formats[0]}; "
                         f"name it {out.with_suffix('.' + formats[0]).name}")
    return out.parent, out.stem


def write(outputs: dict[str, bytes], folder: Path) -> list[Path]:
    """Write every output beside a temporary name first, then rename them all: an error while writing
    leaves the files of an earlier run as they were, not half a report."""
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in outputs.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.partial")
            tmp.write_bytes(data)
            staged.append((tmp, path))
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return [path for _, path in staged]
