"""`prodops demo`: the whole pipeline on the bundled example data (a fictional company, three quarters)."""

from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path

from rich.console import Console

from prodops.answers import load_responses
from prodops.assessment import assess, result_document
from prodops.model import load_model
from prodops.roadmap import plan, roadmap_document
from prodops.store import Workspace, database_url, history_document
from prodops.terminal import show_history, show_plan, show_result

EXAMPLES = Path(str(files("prodops.examples") / "demo"))


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
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)

    results = []
    for source in demo_answers():
        copy = answers_dir / source.name
        shutil.copyfile(source, copy)  # the inputs sit beside the outputs, to read and edit
        responses = load_responses(model, [copy])
        result = assess(model, responses)
        ws.record(responses, result, model)
        results.append(result)
        write(f"assessment-{result.date.isoformat()}.json", result_document(result, model))
    latest = results[-1]
    roadmap = plan(model, latest)
    write("plan.json", roadmap_document(roadmap, model))
    recorded = ws.assessments()
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
    console.rule("Outputs")
    console.print(f"Workspace: {out / 'prodops.db'}  (try: prodops history --db {out / 'prodops.db'})")
    console.print(f"Answers:   {answers_dir}/")
    for path in written:
        console.print(f"Wrote      {path}")
    return summary
