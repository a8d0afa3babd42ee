"""`prodops demo`: the whole pipeline on the bundled example data (a fictional company, three
quarters), through the same operations as every other command."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from prodops import clock, operations
from prodops.renderers.files import dump_json, write_files
from prodops.core.model import MaturityModel
from prodops.inputs.models import load_model
from prodops.core.roadmap import Roadmap, roadmap_document
from prodops.store import Workspace, database_url

EXAMPLES = Path(str(files("prodops.examples") / "demo"))

# The demo's value data: import kind -> file, and the settings its story needs.
DEMO_IMPORTS = {"sprint-summary": "sprints.csv", "sprint-issues": "sprint-issues.csv", "time-survey": "time-survey.csv",
                "launches": "launches.csv", "launch-checklist": "launch-checklist.csv",
                "feedback": "feedback.csv", "roadmap-items": "roadmap-items.csv", "account-outcomes": "account-outcomes.csv"}
DEMO_ORGANIZATION = "Northwind Cloud"  # the fictional company whose data and answers the demo holds
DEMO_SETTINGS = {"change_date": "2026-04-06", "hourly_rate": "85", "headcount": "14", "currency": "USD"}
# Three teams in two business units; Core also counts the Analytics team's data and people as its own.
DEMO_UNITS = [("Commerce", None, ()), ("Payments", "Commerce", ()), ("Onboarding", "Commerce", ()),
              ("Core", None, ("Analytics",)), ("Platform", "Core", ())]
DEMO_UNIT_REPORT = "Commerce"  # a unit's own report, beside the organisation's
DEMO_EVENTS = [("2025-11-03", "Product Ops lead hired"), ("2026-04-06", "Playbook adopted")]
# How the lead runs the plan: (when the change was recorded, investment, what changed)
DEMO_PLAN = [
    ("2025-11-10", "establish-product-ops", {"owner": "Dana Ruiz", "status": "in-progress", "weeks": "12"}),
    ("2026-04-15", "establish-product-ops", {"status": "done"}),
    ("2026-01-12", "shared-sprint-template", {"owner": "Dana Ruiz", "status": "in-progress", "weeks": "4"}),
    ("2026-04-06", "shared-sprint-template", {"status": "done"}),
    ("2026-09-30", "metrics-alignment", {"owner": "Lee Chen", "status": "in-progress", "cost": "40000",
                                         "target": "2027-01-31"}),
    ("2026-09-30", "data-infrastructure", {"owner": "Sam Okafor", "cost": "180000", "weeks": "26",
                                           "target": "2027-06-30"}),
]


def demo_answers() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


@dataclass(frozen=True)
class DemoRun:
    model: MaturityModel
    workspace: Path
    inputs: Path
    assessed: list[operations.Assessed]
    roadmap: Roadmap
    value: operations.Value
    history: list
    written: list[Path]
    notes: list[str]

    def summary(self) -> dict:
        return {"out": str(self.workspace.parent), "workspace": str(self.workspace),
                "levels": {a.result.date.isoformat(): a.result.level for a in self.assessed},
                "files": [str(p) for p in self.written]}


def run_demo(out: Path) -> DemoRun:
    """Import the example data, assess each quarter, plan from the latest, write every output under
    `out` (the inputs too, beside them, to read and edit)."""
    from prodops.renderers import RENDERERS
    from prodops.renderers.pdf import PdfUnavailable

    model = load_model()
    inputs = out / "answers"
    inputs.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    notes: list[str] = []

    def write(name: str, data: dict) -> None:
        write_files({out / name: dump_json(data).encode("utf-8")}, force=True)  # the demo's folder is its own
        written.append(out / name)

    with Workspace(database_url(str(out / "prodops.db"))) as ws:
        for kind, name in DEMO_IMPORTS.items():
            write_files({inputs / name: (EXAMPLES / name).read_bytes()}, force=True)
            operations.import_files(ws, kind, [inputs / name], organization=DEMO_ORGANIZATION)
        for key, value in DEMO_SETTINGS.items():
            operations.change_setting(ws, key, value)
        for day, label in DEMO_EVENTS:
            operations.add_event(ws, day, label)
        for unit, parent, teams in DEMO_UNITS:
            operations.declare_unit(ws, DEMO_ORGANIZATION, unit, parent, teams)
        assessed = []
        for source in demo_answers():
            write_files({inputs / source.name: source.read_bytes()}, force=True)
            done = operations.assess(model, operations.read_responses(model, [inputs / source.name]), ws)
            assessed.append(done)
            from prodops.core.assessment import result_document

            write(f"assessment-{done.result.date.isoformat()}.json", result_document(done.result, model))
        latest = assessed[-1].result
        for day, investment, fields in DEMO_PLAN:  # dated as recorded, so the demo's report is the same every run
            operations.track(ws, model, investment, by="dana@example.com",
                             at=dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9), dt.UTC), **fields)
        write_files({inputs / "commentary.md": (EXAMPLES / "commentary.md").read_bytes()}, force=True)
        operations.set_commentary(ws, model, (inputs / "commentary.md").read_text(encoding="utf-8"), file="commentary.md")
        measured = operations.value_metrics(ws, as_of=latest.date, model=model)
        write("metrics.json", measured.document())
        roadmap, _ = operations.plan(model, ws)
        write("plan.json", roadmap_document(roadmap, model))
        history = operations.history(ws)
        report = operations.report(ws, model)
        unit_report = operations.report(ws, model, unit=DEMO_UNIT_REPORT)
    try:
        written += [p for p in operations.write_report(report.document, list(RENDERERS), str(out) + "/", force=True)
                    if p.parent == out]
    except PdfUnavailable as e:  # the rest of the demo is worth having without the PDF
        notes.append(f"no PDF: {e}")
        written += [p for p in operations.write_report(report.document, [f for f in RENDERERS if f != "pdf"],
                                                       str(out) + "/", force=True) if p.parent == out]
    name = f"report-{DEMO_UNIT_REPORT.lower()}.html"
    written += operations.write_report(unit_report.document, ["html"], str(out / name), force=True)
    write("history.json", operations.history_document(history))
    return DemoRun(model, out / "prodops.db", inputs, assessed, roadmap, measured, history, written, notes)


# --- the web app on the demo workspace (`prodops serve --demo`) ----------------------------------

DEMO_ADMIN = "admin@example.com"
DEMO_CAMPAIGN = "Q4 2026 maturity check"
DEMO_NEXT_CAMPAIGN = "Q1 2027 maturity check"  # cloned from it, scheduled
# The fictional people of the demo's open campaign; the first three have answered already.
DEMO_INVITEES: list[dict[str, Any]] = [
    {"name": "Priya (PM)", "email": "priya@example.com", "role": "pm", "team": "Payments"},
    {"name": "Marek (Eng)", "email": "marek@example.com", "role": "engineering", "team": "Payments"},
    {"name": "Lena (Design)", "email": "lena@example.com", "role": "design", "team": "Growth"},
    {"name": "Tom (PM)", "email": "tom@example.com", "role": "pm", "team": "Growth"},
    {"name": "Ada (Lead)", "email": "ada@example.com", "role": "leadership", "team": None},
    {"name": "You", "email": None, "role": "product-ops", "team": None},
]


@dataclass(frozen=True)
class WebDemo:
    workspace: Path
    email: str
    password: str
    campaign_id: int
    link_token: str  # the personal link of the invitee "You", to try the form


def prepare_web_demo(out: Path, link_base: str | None = None) -> WebDemo:
    """The demo workspace (made by `run_demo` when it is not there yet) with an admin whose new
    password is returned, an open campaign where three of six invitees have answered, and next
    quarter's campaign, scheduled to open in a week. `link_base`: the address the app serves at,
    which the campaigns' e-mailed links use."""
    import datetime as dt
    import secrets

    from prodops.core.errors import InputError

    model = load_model()
    if not (out / "prodops.db").exists():
        run_demo(out)
    with Workspace(database_url(str(out / "prodops.db"))) as ws:
        password = secrets.token_urlsafe(12)
        with contextlib.suppress(InputError):  # not there yet
            operations.remove_user(ws, DEMO_ADMIN)
        operations.add_user(ws, DEMO_ADMIN, "admin", password)
        found = next((c for c in operations.list_campaigns(ws) if c.name == DEMO_CAMPAIGN and c.closed_at is None), None)
        if found is None:
            found = operations.create_campaign(ws, model, DEMO_ORGANIZATION, DEMO_CAMPAIGN,
                                               closes=clock.today() + dt.timedelta(days=30),
                                               targets={"pm": 4, "engineering": 3, "design": 2, "leadership": 1},
                                               owner=DEMO_ADMIN, link_base=link_base)
            issued = operations.invite(ws, model, found.id, DEMO_INVITEES).issued
            earlier = operations.read_responses(model, [demo_answers()[-1]])
            for link, person in zip(issued[:3], earlier.respondents):
                operations.save(ws, model, link.token, person.answers, person.notes, submit=True)
        if not any(c.name == DEMO_NEXT_CAMPAIGN for c in operations.list_campaigns(ws)):
            # next quarter's, scheduled: it opens, reminds and closes by itself (docs/deploy.md, the scheduler)
            operations.clone(ws, model, found.id, DEMO_NEXT_CAMPAIGN, opens=clock.today() + dt.timedelta(days=7),
                             closes=clock.today() + dt.timedelta(days=21), by=DEMO_ADMIN)
        you = next(i for i in operations.list_invites(ws, found.id) if i.respondent == "You")
        token = operations.reissue(ws, found.id, you.id).token
    return WebDemo(out / "prodops.db", DEMO_ADMIN, password, found.id, token)
