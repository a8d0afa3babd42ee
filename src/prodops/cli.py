"""The `prodops` command: a thin shell over the domain modules. Heavy imports stay inside commands."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from prodops import __version__
from prodops.errors import InputError

app = typer.Typer(
    help="Product Operations maturity: assess where you are, plan what to invest in next, show what it is worth.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: Rich help would cost 0.15 s on every --help
)
model_app = typer.Typer(help="Show, validate, export the maturity model.", no_args_is_help=True, rich_markup_mode=None)
template_app = typer.Typer(help="Write a blank input file to fill in.", no_args_is_help=True, rich_markup_mode=None)
sync_app = typer.Typer(help="Read data from a live system into the workspace.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(sync_app, name="sync")
app.add_typer(model_app, name="model")
app.add_typer(template_app, name="template")

ModelOpt = Annotated[Optional[Path], typer.Option("--model", help="A model YAML/JSON file instead of the bundled default.", show_default=False)]
DbOpt = Annotated[Optional[str], typer.Option("--db", help="Workspace: a SQLite path or a database URL. Default $PRODOPS_DATABASE_URL, else ./prodops.db.", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")]
PhaseDaysOpt = Annotated[int, typer.Option("--phase-days", min=1, max=3650, help="Length of a roadmap phase in days.")]
CapacityOpt = Annotated[int, typer.Option("--capacity", min=1, max=100, help="Parallel workstreams (about the Product Ops headcount); a phase holds phase-days x capacity effort-days.")]
OrgOpt = Annotated[Optional[str], typer.Option("--organization", help="Only this organisation's assessments.", show_default=False)]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"prodops {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    pass


def _console():
    from rich.console import Console

    return Console(highlight=False)


def _print_json(data) -> None:
    from prodops.files import dump_json

    typer.echo(dump_json(data), nl=False)


def _model(path: Path | None):
    from prodops.model import load_model

    return load_model(path)


def _workspace(db: str | None, create: bool = True):
    """The workspace; commands that only read it pass create=False, so they never leave a new file."""
    from prodops.store import Workspace

    return Workspace.open(db, create)


# --- model -------------------------------------------------------------------------------------

@model_app.command("show")
def model_show(model: ModelOpt = None, as_json: JsonOpt = False) -> None:
    """Show the levels, dimensions, criteria, roles, Playbook and investments."""
    m = _model(model)
    if as_json:
        from prodops.model import export

        typer.echo(export(m, "json"), nl=False)
        return
    from prodops.terminal import show_model

    show_model(_console(), m)


@model_app.command("validate")
def model_validate(file: Annotated[Path, typer.Argument(help="The model file to check.")], as_json: JsonOpt = False) -> None:
    """Check a model file; exit 2 with every problem (file, line, path) when it is not valid."""
    m = _model(file)
    summary = {"valid": True, "file": str(file), "id": m.id, "version": m.version, "levels": len(m.levels),
               "dimensions": len(m.dimensions), "criteria": len(m.criteria), "investments": len(m.investments)}
    if as_json:
        _print_json(summary)
    else:
        typer.echo(f"{file}: valid model {m.ref}: {len(m.levels)} levels, {len(m.dimensions)} dimensions, "
                   f"{len(m.criteria)} criteria, {len(m.investments)} investments")


@model_app.command("schema")
def model_schema(
    out: Annotated[Optional[Path], typer.Option("--out", help="Write to this file instead of printing.", show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Print the model's JSON Schema (for editors and CI checks of your own model)."""
    from prodops.model import json_schema

    _emit(json.dumps(json_schema(), indent=2) + "\n", out)


@model_app.command("export")
def model_export(
    fmt: Annotated[str, typer.Option("--format", help="json or yaml")] = "yaml",
    model: ModelOpt = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write to this file instead of printing.", show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Export the model (to copy and edit, or to feed another tool)."""
    from prodops.model import export

    fmt = "json" if as_json else fmt.lower()
    if fmt not in ("json", "yaml"):
        raise InputError(f"--format {fmt!r}: use json or yaml")
    _emit(export(_model(model), fmt), out)


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


# --- template ----------------------------------------------------------------------------------

@template_app.command("answers")
def template_answers(
    model: ModelOpt = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write to this file instead of printing.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """An answers file with every criterion listed, for one respondent to fill in."""
    from prodops.answers import dump_yaml
    from prodops.interactive import TEMPLATE_HEADER, blank_answers

    if out is not None and out.exists() and not force:
        raise InputError(f"{out} exists (perhaps already filled in); pass --force to overwrite it, or another --out")
    doc = blank_answers(_model(model))
    _emit(json.dumps(doc, indent=2) + "\n" if as_json else TEMPLATE_HEADER + dump_yaml(doc), out)


def _template_command(kind: str):
    def write_template(
        out: Annotated[Optional[Path], typer.Option("--out", help="Write to this file instead of printing.", show_default=False)] = None,
        force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    ) -> None:
        from prodops.sources.tables import template_csv

        if out is not None and out.exists() and not force:
            raise InputError(f"{out} exists; pass --force to overwrite it, or another --out")
        _emit(template_csv(kind), out)

    write_template.__doc__ = f"The CSV header of {'an' if kind[0] in 'aeiou' else 'a'} {kind} file (see docs/inputs.md for each column)."
    return write_template


# Named here, not read from sources.tables, so that `prodops --help` does not import Polars.
TABLE_KINDS = ("sprint-summary", "sprint-issues", "time-survey", "launches", "launch-checklist",
               "feedback", "roadmap-items", "account-outcomes")
for _kind in TABLE_KINDS:
    template_app.command(_kind)(_template_command(_kind))


# --- import, settings, metrics -----------------------------------------------------------------

@app.command("import")
def import_(
    kind: Annotated[str, typer.Argument(help=", ".join(TABLE_KINDS) + ", tse2017-sprints, jira-sprint-report, jira-issues, jira-sprint-issues, jira-csv or survey-export")],
    files: Annotated[list[Path], typer.Argument(help="The files to import; all are checked before anything is written.")],
    team: Annotated[Optional[str], typer.Option("--team", help="The team of a Jira board (jira-sprint-report, jira-issues).", show_default=False)] = None,
    mapping: Annotated[Optional[Path], typer.Option("--mapping", help="Which export column is which (survey-export).", show_default=False)] = None,
    points_field: Annotated[Optional[str], typer.Option("--points-field", help="The story points field of jira-sprint-issues, e.g. customfield_10105.", show_default=False)] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import value-metric data into the workspace. Rows already imported (same key) are updated.

    KIND: sprint-summary, sprint-issues, time-survey, launches, launch-checklist, feedback,
    roadmap-items, account-outcomes (CSV, `prodops template KIND`); tse2017-sprints;
    jira-sprint-report, jira-issues, jira-sprint-issues (JSON), jira-csv; survey-export (with
    --mapping). See docs/inputs.md."""
    from prodops.sources import load

    batch = load(kind, files, team, mapping, points_field)
    ws = _workspace(db)
    new, updated = ws.write(batch.table, batch.rows)
    ws.close()
    doc = {"kind": kind, "files": batch.files, "rows_read": batch.read, "table": batch.table,
           "new": new, "updated": updated, "notes": batch.notes}
    if as_json:
        _print_json(doc)
        return
    typer.echo(f"{kind}: read {batch.read} rows from {len(batch.files)} file{'s' if len(batch.files) > 1 else ''}; "
               f"{batch.table}: {new} new, {updated} updated")
    for note in batch.notes:
        typer.echo(f"  note: {note}")


@sync_app.command("jira")
def sync_jira(
    url: Annotated[str, typer.Option("--url", help="The Jira site, e.g. https://acme.atlassian.net")],
    board: Annotated[int, typer.Option("--board", help="The board (rapid view) id.")],
    team: Annotated[Optional[str], typer.Option("--team", help="The team name to record; default: board-ID.", show_default=False)] = None,
    token_env: Annotated[str, typer.Option("--token-env", help="Environment variable holding the API token.")] = "JIRA_TOKEN",
    email_env: Annotated[str, typer.Option("--email-env", help="Environment variable holding the e-mail (Jira Cloud).")] = "JIRA_EMAIL",
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read a board's closed sprints and their sprint reports over Jira's REST API into the workspace."""
    from rich.console import Console
    from rich.progress import Progress

    from prodops.sources import Batch, summarize
    from prodops.sources.jira_sync import Client, sync_board

    client = Client(url, token_env, email_env)
    team = team or f"board-{board}"
    with Progress(console=Console(stderr=True), transient=True, disable=as_json) as bar:
        task = bar.add_task("sprint reports", total=None)
        rows, sprints = sync_board(client, board, team,
                                   lambda done, total, name: bar.update(task, completed=done, total=total, description=name))
    client.close()
    import polars as pl

    batch = Batch("jira-sync", "sprints", rows.with_columns(source=pl.lit(f"{client.base} board {board}")),
                  [client.base], rows.height)
    summarize(batch)
    ws = _workspace(db)
    new, updated = ws.write(batch.table, batch.rows)
    ws.close()
    doc = {"url": client.base, "board": board, "team": team, "sprints": sprints, "issues": rows.height,
           "new": new, "updated": updated, "notes": batch.notes}
    if as_json:
        _print_json(doc)
        return
    typer.echo(f"jira board {board} ({team}): {sprints} closed sprints, {rows.height} issue rows; sprints: {new} new, {updated} updated")
    for note in batch.notes:
        typer.echo(f"  note: {note}")


def _non_negative(kind):
    def parse(value: str):
        number = kind(value)
        if not math.isfinite(number) or number < 0:
            raise ValueError(value)
        return number
    return parse


SETTINGS = {  # name -> (meaning, parser)
    "hourly_rate": ("PM cost per hour (0 or more), for the monthly time value", _non_negative(float)),
    "headcount": ("number of PMs (0 or more), for the monthly time value", _non_negative(float)),
    "change_date": ("when the Playbook (or another change) was adopted, YYYY-MM-DD", lambda v: str(_date_option(v, "change_date"))),
    "grace_days": ("days (0 or more) a launch may slip and still count as on time", _non_negative(int)),
}


@app.command("settings")
def settings_(
    key: Annotated[Optional[str], typer.Argument(help=", ".join(SETTINGS), show_default=False)] = None,
    value: Annotated[Optional[str], typer.Argument(help="The new value; without it, show the current one.", show_default=False)] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Remove the setting.")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or set workspace settings used by `prodops metrics` when no option is given."""
    if unset and value is not None:
        raise InputError("--unset takes no value: `prodops settings KEY --unset`")
    if key is not None and key not in SETTINGS:
        raise InputError(f"unknown setting {key!r}; settings: " + "; ".join(f"{k} ({m})" for k, (m, _) in SETTINGS.items()))
    ws = _workspace(db, create=key is not None and (value is not None or unset))
    if key is not None and (value is not None or unset):
        if value is not None:
            try:
                value = str(SETTINGS[key][1](value))
            except ValueError:
                raise InputError(f"{key}: {value!r} is not valid; {key} is the {SETTINGS[key][0]}") from None
        ws.set_setting(key, None if unset else value)
    current = ws.settings()
    ws.close()
    shown = {k: current.get(k) for k in ([key] if key else SETTINGS)}
    if as_json:
        _print_json(shown)
    else:
        for k, v in shown.items():
            typer.echo(f"{k} = {v if v is not None else '(not set)'}    # {SETTINGS[k][0]}")


def _date_option(value: str | None, name: str):
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{name}: {value!r} is not a date as YYYY-MM-DD") from None


@app.command()
def metrics(
    name: Annotated[Optional[str], typer.Argument(help="predictability, time-value, launches, revenue or symptoms; all when left out.", show_default=False)] = None,
    team: Annotated[Optional[list[str]], typer.Option("--team", help="Only this team (repeat for several).", show_default=False)] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="From this date (YYYY-MM-DD).", show_default=False)] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Up to this date (YYYY-MM-DD).", show_default=False)] = None,
    change_date: Annotated[Optional[str], typer.Option("--change-date", help="Compare sprints before and after this date.", show_default=False)] = None,
    ratio: Annotated[str, typer.Option("--ratio", help="Ratio compared before/after: planning_accuracy, say_do or scope_creep.")] = "planning_accuracy",
    hourly_rate: Annotated[Optional[float], typer.Option("--hourly-rate", min=0, help="PM cost per hour (or `prodops settings hourly_rate`).", show_default=False)] = None,
    headcount: Annotated[Optional[float], typer.Option("--headcount", min=0, help="Number of PMs (or `prodops settings headcount`).", show_default=False)] = None,
    grace_days: Annotated[Optional[int], typer.Option("--grace-days", min=0, help="Days a launch may slip and count as on time.", show_default=False)] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Value metrics from the imported data.

    NAME: predictability (with --change-date, before/after), time-value, launches, revenue or
    symptoms; all when left out. --team applies to predictability; --since and --until to sprints
    that started, surveys answered, launches and account outcomes in those dates; symptoms are
    measured over the quarter up to --until (or the latest data)."""
    from prodops.metrics import NAMES, TABLES_FOR, Options, compute
    from prodops.metrics.predictability import RATES

    if name is not None and name not in NAMES:
        raise InputError(f"unknown metric {name!r}; one of {', '.join(NAMES)}")
    if ratio not in RATES:
        raise InputError(f"--ratio {ratio!r}: one of {', '.join(RATES)}")
    ws = _workspace(db, create=False)
    saved = ws.settings()
    options = Options(
        teams=tuple(team or ()), since=_date_option(since, "--since"), until=_date_option(until, "--until"),
        change_date=_date_option(change_date or saved.get("change_date"), "--change-date"), ratio=ratio,
        hourly_rate=hourly_rate if hourly_rate is not None else _float(saved.get("hourly_rate")),
        headcount=headcount if headcount is not None else _float(saved.get("headcount")),
        grace_days=grace_days if grace_days is not None else int(saved.get("grace_days", 0)),
    )
    if options.since and options.until and options.since > options.until:
        raise InputError(f"--since {options.since} is after --until {options.until}")
    names = [name] if name else list(NAMES)
    tables = {t: ws.read(t) for n in names for t in TABLES_FOR[n]}
    ws.close()
    if options.teams and "sprints" in tables:
        known = {t.casefold(): t for t in tables["sprints"]["team"].unique().to_list()}
        unknown = [t for t in options.teams if t.casefold() not in known]
        if unknown:
            raise InputError(f"no team {', '.join(map(repr, unknown))} in the imported sprints; teams: "
                             + (", ".join(sorted(known.values())) or "none imported yet"))
        options = dataclasses.replace(options, teams=tuple(known[t.casefold()] for t in options.teams))
    results = {n: compute(n, tables, options) for n in names}
    if as_json:
        _print_json(results[name] if name else {n.replace("-", "_"): r for n, r in results.items()})
        return
    from prodops.terminal import show_metrics

    show_metrics(_console(), results, options)


def _float(value: str | None) -> float | None:
    return None if value is None else float(value)


# --- assess ------------------------------------------------------------------------------------

@app.command()
def assess(
    files: Annotated[Optional[list[Path]], typer.Argument(help="Answers files (YAML or JSON); their respondents are merged.", show_default=False)] = None,
    model: ModelOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
    no_record: Annotated[bool, typer.Option("--no-record", help="Score only; do not record in the workspace.")] = False,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Ask one respondent every criterion here and write an answers file.")] = False,
    out: Annotated[Optional[Path], typer.Option("--out", help="With --interactive: the answers file to write.", show_default=False)] = None,
    with_notes: Annotated[bool, typer.Option("--with-notes", help="With --interactive: also ask for an evidence note per answer.")] = False,
    no_data: Annotated[bool, typer.Option("--no-data", help="Ignore imported data: let the answers alone decide.")] = False,
    mapping: Annotated[Optional[Path], typer.Option("--mapping", help="FILE is a Google Forms or Typeform export; this maps its columns to criteria.", show_default=False)] = None,
) -> None:
    """Score answers files: criterion scores, per-dimension and staged levels, blockers. Records the assessment."""
    if interactive and (files or as_json or no_record):
        raise InputError("--interactive asks the questions and writes a file: give it no answers files, --json or --no-record")
    if not interactive and (out or with_notes):
        raise InputError("--out and --with-notes go with --interactive; to score files, give them without --out")
    m = _model(model)
    if interactive:
        from prodops.interactive import interview

        path = interview(m, _console(), out, with_notes)
        typer.echo(f"wrote {path}; score it (with other respondents' files) by: prodops assess {path}", err=True)
        return
    from prodops.answers import load_responses
    from prodops.assessment import assess as score, result_document

    if mapping is not None:
        from prodops.sources.survey import read_answers

        if len(files or []) != 1:
            raise InputError("with --mapping, give one survey export")
        responses = read_answers(files[0], mapping, m)
    else:
        responses = load_responses(m, files or [])
    recorded = None
    if no_record:
        try:
            ws = _workspace(db, create=False)
        except InputError:  # no workspace: no data to check the answers against
            ws = None
    else:
        ws = _workspace(db)
    result = score(m, responses, _measured(ws, responses.date) if ws and not no_data else None)
    if ws is not None:
        if not no_record:
            recorded = ws.record(responses, result, m)
        ws.close()
    if as_json:
        doc = result_document(result, m)
        doc["recorded"] = None if recorded is None else {
            "id": recorded[0], "replaced": recorded[1] is not None, "previous_respondents": recorded[1]}
        _print_json(doc)
        return
    from prodops.terminal import show_result

    console = _console()
    show_result(console, result, m)
    if recorded:
        aid, before = recorded
        what = (f"recorded as assessment #{aid}" if before is None else
                f"replaced assessment #{aid} of {result.organization} on {result.date} "
                f"(it had {before} respondent{'s' if before != 1 else ''}, now {result.respondents})")
        console.print(f"[dim]{what}; `prodops plan` ranks what to invest in next[/]")


# --- plan --------------------------------------------------------------------------------------

@app.command()
def plan(
    files: Annotated[Optional[list[Path]], typer.Argument(help="Answers files; default: the latest recorded assessment.", show_default=False)] = None,
    model: ModelOpt = None,
    db: DbOpt = None,
    organization: OrgOpt = None,
    phase_days: PhaseDaysOpt = 90,
    capacity: CapacityOpt = 2,
    as_json: JsonOpt = False,
) -> None:
    """Rank the investments that unlock the next level, in phases, with the projected level after each."""
    from prodops.assessment import assess as score
    from prodops.roadmap import plan as make_plan, roadmap_document

    m = _model(model)
    if files:
        from prodops.answers import load_responses

        responses = load_responses(m, files)
        try:
            ws = _workspace(db, create=False)
        except InputError:
            ws = None
        result = score(m, responses, _measured(ws, responses.date) if ws else None)
    else:
        from prodops.report import latest_assessed

        ws = _workspace(db, create=False)
        _, responses, result = latest_assessed(ws, m, organization)
        ws.close()
    roadmap = make_plan(m, result, phase_days=phase_days, capacity=capacity)
    if as_json:
        _print_json(roadmap_document(roadmap, m))
        return
    from prodops.terminal import show_plan

    show_plan(_console(), roadmap, m)


def _measured(ws, as_of) -> dict:
    """What the workspace's imported data measures for the quarter before `as_of`."""
    from prodops.metrics.symptoms import TABLES, measurements

    return measurements({t: ws.read(t) for t in TABLES}, as_of)


# --- report ------------------------------------------------------------------------------------

@app.command()
def report(
    formats: Annotated[Optional[list[str]], typer.Option("--format", "-f", help="html, pdf, md, xlsx or json (the default); repeat it or separate with commas for several.", show_default=False)] = None,
    out: Annotated[Optional[str], typer.Option("--out", "-o", help="report.pdf for one format; a name without suffix (board/q3) or a folder (reports/) for several. JSON alone prints without it.", show_default=False)] = None,
    page_size: Annotated[str, typer.Option("--page-size", help="PDF (and print) page size: a4 or letter.")] = "a4",
    timestamp: Annotated[bool, typer.Option("--timestamp", help="Say when the report was made (then two runs differ in that line).")] = False,
    schema: Annotated[bool, typer.Option("--schema", help="Print the JSON Schema of the JSON report and exit.")] = False,
    model: ModelOpt = None,
    db: DbOpt = None,
    organization: OrgOpt = None,
    phase_days: PhaseDaysOpt = 90,
    capacity: CapacityOpt = 2,
    as_json: JsonOpt = False,
) -> None:
    """The leadership report from the workspace: summary, maturity, criteria heat map, roadmap, value,
    trajectory and methodology, as HTML, PDF, Markdown, XLSX or JSON. The same workspace gives the same bytes."""
    import datetime as dt

    from prodops.report import FORMATS, check, destination, render, report_from_workspace, write

    if schema:
        from importlib.resources import files

        sys.stdout.write((files("prodops.report") / "schema.json").read_text(encoding="utf-8"))
        return
    if as_json and formats and [f for f in formats if f.strip().lower() != "json"]:
        raise InputError("--json is the same as --format json; give one or the other")
    chosen = ["json"] if as_json or formats is None else list(dict.fromkeys(
        f.strip().lower() for item in formats for f in item.split(",") if f.strip()))
    if not chosen:
        raise InputError(f"--format is empty: give one or more of {', '.join(FORMATS)}")
    page_size = page_size.lower()
    check(chosen, page_size)
    if out is None and chosen != ["json"]:
        raise InputError(f"--out PATH: where to write the {', '.join(chosen)} report "
                         f"(e.g. --out report.{chosen[0]}, or --out reports/ for a folder)")
    where = destination(out, chosen) if out is not None else None
    ws = _workspace(db, create=False)
    stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds") if timestamp else None
    report = report_from_workspace(ws, _model(model), organization, phase_days, capacity, stamp)
    ws.close()
    if where is None:
        sys.stdout.buffer.write(render(report, chosen, page_size)["report.json"])
        return
    folder, names = where
    written = write(render(report, chosen, page_size, names), folder)
    for path in written:
        if path.parent == folder:
            typer.echo(f"wrote {path}", err=True)
    charts = [p for p in written if p.parent != folder]
    if charts:
        typer.echo(f"wrote {len(charts)} chart SVGs for the Markdown in {charts[0].parent}{os.sep}", err=True)


# --- history -----------------------------------------------------------------------------------

@app.command()
def history(db: DbOpt = None, organization: OrgOpt = None, as_json: JsonOpt = False) -> None:
    """List the recorded assessments: date, model version, respondents, overall and dimension levels."""
    ws = _workspace(db, create=False)
    recorded = ws.assessments(organization)
    if organization and not recorded:
        raise InputError(f"no assessment of {organization!r} in the workspace; recorded: {', '.join(ws.organizations()) or 'none'}")
    ws.close()
    if as_json:
        from prodops.store import history_document

        _print_json(history_document(recorded))
        return
    from prodops.terminal import show_history

    show_history(_console(), recorded, _model(None))


# --- demo --------------------------------------------------------------------------------------

@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo's workspace and outputs.")] = Path("prodops-demo"),
    as_json: JsonOpt = False,
) -> None:
    """Run the whole pipeline on bundled example data: three quarterly assessments, the plan, the history."""
    from prodops.demo import run_demo

    run_demo(out, _console(), as_json)


def main() -> None:
    try:
        app()
    except InputError as e:
        typer.echo(f"error: {e}", err=True)
        sys.exit(2)
    except OSError as e:  # unreadable or unwritable paths the user gave
        typer.echo(f"error: cannot write or read {e.filename or 'a file'}: {e.strerror or e}; "
                   "check that the folder exists and is writable", err=True)
        sys.exit(2)
