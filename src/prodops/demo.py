"""`prodops demo`: the whole pipeline on the bundled example data (a fictional company, three quarters)."""

from __future__ import annotations

import datetime as dt
import shutil
from importlib.resources import files
from pathlib import Path

from rich.console import Console

from prodops.answers import load_responses
from prodops.assessment import assess, result_document
from prodops.files import dump_json
from prodops.model import load_model
from prodops.roadmap import plan, roadmap_document
from prodops.store import Workspace, database_url, history_document
from prodops.metrics import NAMES, TABLES_FOR, Options, compute
from prodops.metrics.symptoms import measurements
from prodops.sources import load
from prodops.terminal import show_history, show_metrics, show_plan, show_result

EXAMPLES = Path(str(files("prodops.examples") / "demo"))


# The demo's value data: import kind -> file, and the settings its story needs.
DEMO_IMPORTS = {"sprint-summary": "sprints.csv", "sprint-issues": "sprint-issues.csv", "time-survey": "time-survey.csv",
                "launches": "launches.csv", "launch-checklist": "launch-checklist.csv",
                "feedback": "feedback.csv", "roadmap-items": "roadmap-items.csv", "account-outcomes": "account-outcomes.csv"}
DEMO_SETTINGS = {"change_date": "2026-04-06", "hourly_rate": "85", "headcount": "14"}


def demo_answers() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


def run_demo(out: Path, console: Console, as_json: bool = False) -> dict:
    """Assess each quarter, record it, plan from the latest, write every output under `out`."""
    model = load_model()
    out.mkdir(parents=True, exist_ok=True)
    answers_dir = out / "answers"
    answers_dir.mkdir(exist_ok=True)
    ws = Workspace(database_url(str(out / "prodops.db")))
    written: list[Path] = []

    def write(name: str, data: dict) -> None:
        path = out / name
        path.write_text(dump_json(data), encoding="utf-8")
        written.append(path)

    for kind, name in DEMO_IMPORTS.items():
        copy = answers_dir / name
        shutil.copyfile(EXAMPLES / name, copy)
        batch = load(kind, [copy])
        ws.write(batch.table, batch.rows)
    for key, value in DEMO_SETTINGS.items():
        ws.set_setting(key, value)
    options = Options(change_date=dt.date.fromisoformat(DEMO_SETTINGS["change_date"]),
                      hourly_rate=float(DEMO_SETTINGS["hourly_rate"]), headcount=float(DEMO_SETTINGS["headcount"]))
    tables = {t: ws.read(t) for n in NAMES for t in TABLES_FOR[n]}
    value = {n: compute(n, tables, options) for n in NAMES}
    results = []
    for source in demo_answers():
        copy = answers_dir / source.name
        shutil.copyfile(source, copy)  # the inputs sit beside the outputs, to read and edit
        responses = load_responses(model, [copy])
        result = assess(model, responses, measurements(tables, responses.date))
        ws.record(responses, result, model)
        results.append(result)
        write(f"assessment-{result.date.isoformat()}.json", result_document(result, model))
    write("metrics.json", {n.replace("-", "_"): r for n, r in value.items()})
    latest = results[-1]
    roadmap = plan(model, latest)
    write("plan.json", roadmap_document(roadmap, model))
    recorded = ws.assessments()
    from prodops.report import FORMATS, render, report_from_workspace, write as write_report
    from prodops.report.pdf import PdfUnavailable

    report = report_from_workspace(ws, model)
    try:
        outputs = render(report, FORMATS)
    except PdfUnavailable as e:  # the rest of the demo is worth having without the PDF
        console.print(f"[yellow]note:[/] no PDF: {e}")
        outputs = render(report, [f for f in FORMATS if f != "pdf"])
    written += [p for p in write_report(outputs, out) if p.parent == out]
    ws.close()
    write("history.json", history_document(recorded))

    summary = {"out": str(out), "workspace": str(out / "prodops.db"),
               "levels": {r.date.isoformat(): r.level for r in results},
               "files": [str(p) for p in written]}
    if as_json:
        console.print_json(data=summary)
        return summary
    console.rule(f"[bold]prodops demo[/]: {latest.organization}, {len(results)} quarterly assessments")
    show_history(console, recorded, model)
    console.rule("Latest assessment")
    show_result(console, latest, model)
    console.rule("Roadmap")
    show_plan(console, roadmap, model)
    console.rule("What has Product Ops been worth?")
    show_metrics(console, value, options)
    console.rule("Outputs")
    console.print(f"Workspace: {out / 'prodops.db'}  (try: prodops history --db {out / 'prodops.db'})")
    console.print(f"Inputs:    {answers_dir}/  (answers files and the imported CSVs)")
    for path in written:
        console.print(f"Wrote      {path}")
    return summary
