"""The `prodops` command: each command parses its options, makes one call to the application layer
(prodops.operations) and prints the result. Heavy imports stay inside commands."""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Literal, TypedDict

import click
import typer

from prodops import __version__
from prodops.core.errors import FIXES, Fix, InputError, Refused
from prodops.core.safe_text import printable


class _TyperSettings(TypedDict, total=False):
    """The settings every command group shares, each typed as typer.Typer takes it."""
    no_args_is_help: bool
    rich_markup_mode: Literal["markdown", "rich"] | None
    suggest_commands: bool


_PLAIN: _TyperSettings = {"no_args_is_help": True, "rich_markup_mode": None}  # plain click help: Rich help costs 0.15 s
# Click 8.2 and later suggest a near command ("Did you mean 'assess'?") themselves; Typer would add
# the same suggestion again.
if hasattr(click.exceptions, "NoSuchCommand"):
    _PLAIN["suggest_commands"] = False

app = typer.Typer(
    help="Product Operations maturity: assess where you are, plan what to invest in next, show what it is worth.",
    pretty_exceptions_enable=False, add_completion=False, **_PLAIN)
model_app = typer.Typer(help="Show, validate, export the maturity model.", **_PLAIN)
template_app = typer.Typer(help="Write a blank input file to fill in.", **_PLAIN)
sync_app = typer.Typer(help="Read data from a live system into the workspace.", **_PLAIN)
app.add_typer(sync_app, name="sync")
app.add_typer(model_app, name="model")
app.add_typer(template_app, name="template")

ModelOpt = Annotated[Path | None, typer.Option("--model", help="A model YAML/JSON file instead of the bundled default.", show_default=False)]
DbOpt = Annotated[str | None, typer.Option("--db", help="Workspace: a SQLite path or a database URL. Default $PRODOPS_DATABASE_URL, else ./prodops.db.", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")]
PhaseDaysOpt = Annotated[int, typer.Option("--phase-days", min=1, max=3650, help="Length of a roadmap phase in days.")]
CapacityOpt = Annotated[int, typer.Option("--capacity", min=1, max=100, help="Parallel workstreams (about the Product Ops headcount); a phase holds phase-days x capacity effort-days.")]
OrgOpt = Annotated[str | None, typer.Option("--organization", help="The organisation (any case); needed when the workspace holds several.", show_default=False)]
UnitOpt = Annotated[str | None, typer.Option("--unit", help="A team or business unit (`prodops units list`); default: the whole organisation.", show_default=False)]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Write to this file instead of printing.", show_default=False)]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")]

# How the CLI words each fix a core message points to (errors.FIXES lists them all).
CLI_FIXES = {
    "model": "--model FILE",
    "team": "--team NAME",
    "mapping": "--mapping FILE",
    "points_field": "--points-field FIELD",
    "organization": "--organization NAME",
    "db": "--db PATH|URL, or $PRODOPS_DATABASE_URL",
    "out": "--out PATH",
    "force": "--force",
    "url": "--url https://your-site.atlassian.net",
    "token": "set ${arg} to an API token, and $JIRA_EMAIL to your e-mail for Jira Cloud; tokens are never passed on the command line",
    "answers": "prodops plan FILE...",
    "template": "`prodops template {arg}` writes one",
    "model-ids": "`prodops model show` lists them",
    "model-fields": "`prodops model schema` lists them",
    "model-validate": "`prodops model validate FILE`",
    "assess": "`prodops assess FILE`",
    "import": "`prodops import {arg} FILE`",
    "history": "`prodops history` lists them",
    "setting": "`prodops settings {arg} VALUE`",
    "units": "`prodops units list` lists them; `prodops units add NAME` declares one",
    "upgrade": "`prodops upgrade --organization NAME`",
}


def cli_words(fix: Fix) -> str:
    """A fix as the CLI words it: a flag, a command, an environment variable."""
    return CLI_FIXES[fix.what].replace("${arg}", "$" + (fix.arg or "")).replace("{arg}", fix.arg or "")


def cli_fix(fix: Fix | None) -> str:
    return "" if fix is None else f" ({cli_words(fix)})"


def cli_error(e: InputError) -> str:
    """An InputError as the terminal shows it: the message, each problem, each with its fix as a flag;
    no control character from the input reaches the terminal."""
    if not e.problems:
        return printable(e.message + cli_fix(e.fix))
    lines = [e.message, *(f"  {p.message}{cli_fix(p.fix)}" for p in e.problems)]
    if e.more:
        lines.append(f"  ... and {e.more} more")
    if e.fix:  # after the list, what fixes it all
        lines.append(f"To {FIXES[e.fix.what]}: {cli_words(e.fix)}")
    return printable("\n".join(lines))


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

    return Console(highlight=False, emoji=False)  # a team named :warning: stays text


def _print_json(data) -> None:
    from prodops.renderers.files import dump_json

    typer.echo(dump_json(data), nl=False)


def _notes(notes, indent: str = "", err: bool = True) -> None:
    for note in notes:
        typer.echo(f"{indent}note: {printable(note)}", err=err)


def _model(path: Path | None):
    from prodops.inputs.models import load_model

    return load_model(path)


def _workspace(db: str | None, create: bool = True):
    """The workspace; commands that only read it pass create=False, so they never leave a new file."""
    from prodops.store import Workspace

    return Workspace.open(db, create)


def _maybe_workspace(db: str | None):
    """The workspace if there is one (its data checks the answers), else None."""
    try:
        return _workspace(db, create=False)
    except InputError:
        return None


def _date(value: str | None, what: str):
    if value is None:
        return None
    from prodops.operations import parse_date

    return parse_date(value, what)


def _emit(text: str, out: Path | None, force: bool = False) -> None:
    if out is None:
        typer.echo(text, nl=False)
        return
    from prodops.renderers.files import write_files

    write_files({out: text.encode("utf-8")}, force)
    typer.echo(f"wrote {out}", err=True)


# --- model -------------------------------------------------------------------------------------

@model_app.command("show")
def model_show(model: ModelOpt = None, as_json: JsonOpt = False) -> None:
    """Show the levels, dimensions, criteria, roles, Playbook and investments."""
    m = _model(model)
    if as_json:
        from prodops.core.model import export

        typer.echo(export(m, "json"), nl=False)
        return
    from prodops.shells.terminal import show_model

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
def model_schema(out: OutOpt = None, force: ForceOpt = False, as_json: JsonOpt = False) -> None:
    """Print the model's JSON Schema (for editors and CI checks of your own model)."""
    import json

    from prodops.core.model import json_schema

    _emit(json.dumps(json_schema(), indent=2) + "\n", out, force)


@model_app.command("export")
def model_export(
    fmt: Annotated[str, typer.Option("--format", help="json or yaml")] = "yaml",
    model: ModelOpt = None,
    out: OutOpt = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Export the model (to copy and edit, or to feed another tool)."""
    from prodops.core.model import export

    fmt = "json" if as_json else fmt.lower()
    if fmt not in ("json", "yaml"):
        raise InputError(f"--format {fmt!r}: use json or yaml")
    _emit(export(_model(model), fmt), out, force)


# --- template ----------------------------------------------------------------------------------

@template_app.command("answers")
def template_answers(model: ModelOpt = None, out: OutOpt = None, force: ForceOpt = False, as_json: JsonOpt = False) -> None:
    """An answers file with every criterion listed, for one respondent to fill in."""
    import json

    from prodops.inputs.answers import dump_yaml
    from prodops.shells.interactive import TEMPLATE_HEADER, blank_answers

    doc = blank_answers(_model(model))
    _emit(json.dumps(doc, indent=2) + "\n" if as_json else TEMPLATE_HEADER + dump_yaml(doc), out, force)


@template_app.command("commentary")
def template_commentary(out: OutOpt = None, force: ForceOpt = False) -> None:
    """A commentary file to fill in: a heading per report section (`prodops commentary set FILE` keeps it)."""
    from prodops.core.commentary import template
    from prodops.core.report.layout import TITLES

    _emit(template(TITLES), out, force)


def _template_command(kind: str):
    def write_template(out: OutOpt = None, force: ForceOpt = False) -> None:
        from prodops.inputs.sources.tables import template_csv

        _emit(template_csv(kind), out, force)

    write_template.__doc__ = f"The CSV header of {'an' if kind[0] in 'aeiou' else 'a'} {kind} file (see docs/inputs.md for each column)."
    return write_template


# Named here, not read from sources.tables, so that `prodops --help` does not import Polars.
TABLE_KINDS = ("sprint-summary", "sprint-issues", "time-survey", "launches", "launch-checklist",
               "feedback", "roadmap-items", "account-outcomes")
for _kind in TABLE_KINDS + ("invitees",):
    template_app.command(_kind)(_template_command(_kind))


# --- import, sync, settings, metrics -----------------------------------------------------------

@app.command("import")
def import_(
    kind: Annotated[str, typer.Argument(help=", ".join(TABLE_KINDS) + ", tse2017-sprints, jira-sprint-report, jira-issues, jira-sprint-issues, jira-csv or survey-export")],
    files: Annotated[list[Path], typer.Argument(help="The files to import; all are checked before anything is written.")],
    team: Annotated[str | None, typer.Option("--team", help="The team of a Jira board (jira-sprint-report, jira-issues).", show_default=False)] = None,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="Which export column is which (survey-export).", show_default=False)] = None,
    points_field: Annotated[str | None, typer.Option("--points-field", help="The story points field of jira-sprint-issues, e.g. customfield_10105.", show_default=False)] = None,
    organization: Annotated[str | None, typer.Option("--organization", help="The organisation the data belongs to; needed unless the workspace holds exactly one.", show_default=False)] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import value-metric data of an organisation into the workspace. Rows already imported for it (same key) are updated.

    KIND: sprint-summary, sprint-issues, time-survey, launches, launch-checklist, feedback,
    roadmap-items, account-outcomes (CSV, `prodops template KIND`); tse2017-sprints;
    jira-sprint-report, jira-issues, jira-sprint-issues (JSON), jira-csv; survey-export (with
    --mapping). Names and ids match whatever their letter case. See docs/inputs.md."""
    from prodops.operations import import_files

    with _workspace(db) as ws:
        done = import_files(ws, kind, files, team, mapping, points_field, organization)
    if as_json:
        _print_json(done.document())
        return
    typer.echo(printable(f"{kind}: read {done.rows_read} rows from {len(done.files)} file{'s' if len(done.files) > 1 else ''}; "
                         f"{done.table} of {done.organization}: {done.new} new, {done.updated} updated"))
    _notes(done.notes, "  ", err=False)


@sync_app.command("jira")
def sync_jira(
    url: Annotated[str, typer.Option("--url", help="The Jira site, e.g. https://acme.atlassian.net")],
    board: Annotated[int, typer.Option("--board", min=1, max=2**31 - 1, help="The board (rapid view) id.")],
    team: Annotated[str | None, typer.Option("--team", help="The team name to record; default: board-ID.", show_default=False)] = None,
    token_env: Annotated[str, typer.Option("--token-env", help="Environment variable holding the API token.")] = "JIRA_TOKEN",
    email_env: Annotated[str, typer.Option("--email-env", help="Environment variable holding the e-mail (Jira Cloud).")] = "JIRA_EMAIL",
    organization: Annotated[str | None, typer.Option("--organization", help="The organisation the board belongs to; needed unless the workspace holds exactly one.", show_default=False)] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read a board's closed sprints and their sprint reports over Jira's REST API into the workspace."""
    from rich.console import Console
    from rich.progress import Progress

    from prodops.operations import sync_jira as sync
    from prodops.inputs.sources.jira_sync import Client

    token = os.environ.get(token_env)
    if not token:
        raise InputError("no Jira API token", fix=Fix("token", token_env))
    with Client(url, token, os.environ.get(email_env)) as client, _workspace(db) as ws, \
            Progress(console=Console(stderr=True), transient=True, disable=as_json) as bar:
        task = bar.add_task("sprint reports", total=None)
        done = sync(ws, client, board, team,
                    lambda n, total, name: bar.update(task, completed=n, total=total, description=name), organization)
    if as_json:
        _print_json(done.document())
        return
    typer.echo(printable(f"jira board {board} ({done.team}): {done.sprints} closed sprints, {done.issues} issue rows; "
                         f"sprints of {done.organization}: {done.new} new, {done.updated} updated"))
    _notes(done.notes, "  ", err=False)


@app.command("settings")
def settings_(
    key: Annotated[str | None, typer.Argument(help="hourly_rate, headcount, currency, change_date or grace_days", show_default=False)] = None,
    value: Annotated[str | None, typer.Argument(help="The new value; without it, show the current one.", show_default=False)] = None,
    unset: Annotated[bool, typer.Option("--unset", help="Remove the setting.")] = False,
    organization: OrgOpt = None,
    unit: Annotated[str | None, typer.Option("--unit", help="A team or business unit's own value, beside its organisation's (`prodops units list`).", show_default=False)] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or set an organisation's settings (or a unit's own), used by `prodops metrics` and the report when no option is given.

    A unit takes its organisation's settings unless it has its own, but not the headcount: a
    unit's money is at its own scale (its own headcount, else the PMs its time survey counts)."""
    from prodops.operations import SETTINGS, change_setting, scope_settings

    if unset and value is not None:
        raise InputError("--unset takes no value: `prodops settings KEY --unset`")
    if key is not None and key not in SETTINGS:
        raise InputError(f"unknown setting {key!r}; settings: " + "; ".join(f"{k} ({s.meaning})" for k, s in SETTINGS.items()))
    changing = key is not None and (value is not None or unset)
    with _workspace(db, create=changing) as ws:
        current = (change_setting(ws, key, value, organization, unit) if key is not None and changing
                   else scope_settings(ws, organization, unit))
    shown = {k: current[k] for k in ([key] if key else SETTINGS)}
    if as_json:
        _print_json(shown)
    else:
        for k, v in shown.items():
            typer.echo(f"{k} = {v if v is not None else '(not set)'}    # {SETTINGS[k].meaning}")


@app.command()
def metrics(
    name: Annotated[str | None, typer.Argument(help="predictability, time-value, launches, revenue or symptoms; all when left out.", show_default=False)] = None,
    team: Annotated[list[str] | None, typer.Option("--team", help="Only this team (repeat for several).", show_default=False)] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this date (YYYY-MM-DD).", show_default=False)] = None,
    until: Annotated[str | None, typer.Option("--until", help="As of this date (YYYY-MM-DD); default today.", show_default=False)] = None,
    change_date: Annotated[str | None, typer.Option("--change-date", help="Compare sprints before and after this date.", show_default=False)] = None,
    ratio: Annotated[str | None, typer.Option("--ratio", help="Ratio compared before/after: planning_accuracy (default), say_do or scope_creep.", show_default=False)] = None,
    hourly_rate: Annotated[float | None, typer.Option("--hourly-rate", min=0, help="PM cost per hour (or `prodops settings hourly_rate`).", show_default=False)] = None,
    headcount: Annotated[float | None, typer.Option("--headcount", min=0, help="Number of PMs (or `prodops settings headcount`).", show_default=False)] = None,
    grace_days: Annotated[int | None, typer.Option("--grace-days", min=0, help="Days a launch may slip and count as on time.", show_default=False)] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only the rows of this unit's teams: sprints, launches, time survey (`prodops units list`).", show_default=False)] = None,
    organization: OrgOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Value metrics from the imported data, as known today (or on --until).

    NAME: predictability (with --change-date, before/after), time-value, launches, revenue or
    symptoms; all when left out. --team applies to predictability. A sprint counts from the day
    it ends: --until leaves out sprints that ended later, and launches due later are pending;
    --since leaves out sprints that started, surveys answered, launches and account outcomes
    before it. Symptoms are measured over the quarter up to the latest data."""
    from prodops.operations.reading import metrics as read_metrics

    value = read_metrics(
        db, [name] if name else None, as_of=_date(until, "--until"), since=_date(since, "--since"),
        teams=tuple(team or ()), change_date=_date(change_date, "--change-date"), ratio=ratio,
        hourly_rate=hourly_rate, headcount=headcount, grace_days=grace_days, unit=unit, organization=organization)
    if as_json:
        if name:
            _print_json(value.results[name])
        else:  # printed as kept: 25,000 sprints' rows take a second to encode again
            typer.echo(value.text, nl=False)
        return
    from prodops.shells.terminal import show_metrics

    show_metrics(_console(), value.results)


# --- assess ------------------------------------------------------------------------------------

@app.command()
def assess(
    files: Annotated[list[Path] | None, typer.Argument(help="Answers files (YAML or JSON); their respondents are merged.", show_default=False)] = None,
    model: ModelOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
    no_record: Annotated[bool, typer.Option("--no-record", help="Score only; do not record in the workspace.")] = False,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Ask one respondent every criterion here and write an answers file.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="With --interactive: the answers file to write.", show_default=False)] = None,
    with_notes: Annotated[bool, typer.Option("--with-notes", help="With --interactive: also ask for an evidence note per answer.")] = False,
    no_data: Annotated[bool, typer.Option("--no-data", help="Ignore imported data: let the answers alone decide.")] = False,
    mapping: Annotated[Path | None, typer.Option("--mapping", help="FILE is a Google Forms or Typeform export; this maps its columns to criteria.", show_default=False)] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="The team or business unit these answers are of (as the file's `unit:` says); default: the whole organisation.", show_default=False)] = None,
) -> None:
    """Score answers files: criterion scores, per-dimension and staged levels, blockers. Records the assessment."""
    if interactive and (files or as_json or no_record):
        raise InputError("--interactive asks the questions and writes a file: give it no answers files, --json or --no-record")
    if not interactive and (out or with_notes):
        raise InputError("--out and --with-notes go with --interactive; to score files, give them without --out")
    m = _model(model)
    if interactive:
        from prodops.shells.interactive import interview

        from prodops.shells.interactive import Stopped

        try:
            path = interview(m, _console(), out, with_notes)
        except Stopped as e:
            typer.echo(f"\n{e}; score it as it is, or answer the rest by editing it: prodops assess {e.path}", err=True)
            raise typer.Exit(130) from None
        typer.echo(f"wrote {path}; score it (with other respondents' files) by: prodops assess {path}", err=True)
        return
    from prodops.operations import Assessed, assess as score, read_responses

    responses = read_responses(m, files or [], mapping)
    if no_record:  # a reading: what it takes from the workspace is kept until the workspace changes
        from prodops.operations.reading import assessed

        done = Assessed(assessed(db, m, responses, use_data=not no_data, unit=unit), None)
    else:
        with _workspace(db) as ws:
            done = score(m, responses, ws, use_data=not no_data, unit=unit)
    if as_json:
        from prodops.core.assessment import result_document

        _print_json({**result_document(done.result, m), "recorded": done.recorded and done.recorded.document()})
        return
    from prodops.shells.terminal import show_result

    console = _console()
    show_result(console, done.result, m)
    if done.recorded:
        result, before = done.result, done.recorded.previous_respondents
        what = (f"recorded as assessment #{done.recorded.id}" if before is None else
                f"replaced assessment #{done.recorded.id} of {result.organization} on {result.date} "
                f"(it had {before} respondent{'s' if before != 1 else ''}, now {result.respondents})")
        console.print(f"[dim]{what}; `prodops plan` ranks what to invest in next[/]")


# --- plan --------------------------------------------------------------------------------------

@app.command()
def plan(
    files: Annotated[list[Path] | None, typer.Argument(help="Answers files; default: the latest recorded assessment.", show_default=False)] = None,
    model: ModelOpt = None,
    db: DbOpt = None,
    organization: OrgOpt = None,
    unit: UnitOpt = None,
    phase_days: PhaseDaysOpt = 90,
    capacity: CapacityOpt = 2,
    as_json: JsonOpt = False,
) -> None:
    """Rank the investments that unlock the next level, in phases, with the projected level after each."""
    if files:  # answers files: scored here (with the workspace's evidence when there is one)
        from prodops.operations import plan as make_plan
        from prodops.core.roadmap import roadmap_document

        m = _model(model)
        ws = _maybe_workspace(db)
        try:
            roadmap, notes = make_plan(m, ws, files, organization, phase_days, capacity, unit)
        finally:
            if ws is not None:
                ws.close()
        document = roadmap_document(roadmap, m)
    else:  # the latest recorded assessment's: a reading, kept until the workspace changes
        from prodops.operations.reading import plan as read_plan

        document, notes = read_plan(db, organization, unit, phase_days, capacity, model)
    _notes(notes)
    if as_json:
        _print_json(document)
        return
    from prodops.shells.terminal import show_plan

    show_plan(_console(), document)


# --- report ------------------------------------------------------------------------------------

@app.command()
def report(
    formats: Annotated[list[str] | None, typer.Option("--format", "-f", help="html, pdf, md, xlsx, pptx (slides) or json (the default); repeat it or separate with commas for several.", show_default=False)] = None,
    out: Annotated[str | None, typer.Option("--out", "-o", help="report.pdf for one format; a name without suffix (board/q3) or a folder (reports/) for several. JSON alone prints without it.", show_default=False)] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The report's date (YYYY-MM-DD): the latest assessment on or before it, data known by then. Default: the latest assessment's date.", show_default=False)] = None,
    page_size: Annotated[str, typer.Option("--page-size", help="PDF (and print) page size: a4 or letter.")] = "a4",
    appendix: Annotated[bool, typer.Option("--appendix", help="Slides (pptx): end the deck with the detail: every criterion, every table and the methodology.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace report files that exist.")] = False,
    timestamp: Annotated[bool, typer.Option("--timestamp", help="Say when the report was made (then two runs differ in that line).")] = False,
    schema: Annotated[bool, typer.Option("--schema", help="Print the JSON Schema of the JSON report and exit.")] = False,
    model: ModelOpt = None,
    db: DbOpt = None,
    organization: OrgOpt = None,
    unit: UnitOpt = None,
    phase_days: PhaseDaysOpt = 90,
    capacity: CapacityOpt = 2,
    as_json: JsonOpt = False,
) -> None:
    """The leadership report from the workspace: summary, maturity, criteria heat map, roadmap, value,
    trajectory and methodology, as HTML, PDF, Markdown, XLSX, slides (PPTX) or JSON. The same workspace gives the same bytes."""
    from prodops import clock
    from prodops.operations import report as make_report, report_json, write_report
    from prodops.renderers import RENDERERS, check, destination

    if schema:
        from importlib.resources import files

        sys.stdout.write((files("prodops.core.report") / "schema.json").read_text(encoding="utf-8"))
        return
    if as_json and formats and [f for f in formats if f.strip().lower() != "json"]:
        raise InputError("--json is the same as --format json; give one or the other")
    chosen = ["json"] if as_json or formats is None else list(dict.fromkeys(
        f.strip().lower() for item in formats for f in item.split(",") if f.strip()))
    if not chosen:
        raise InputError(f"--format is empty: give one or more of {', '.join(RENDERERS)}")
    check(chosen, page_size.lower())
    if out is None and chosen != ["json"]:
        raise InputError(f"--out PATH: where to write the {', '.join(chosen)} report "
                         f"(e.g. --out report.{chosen[0]}, or --out reports/ for a folder)")
    to_stdout = out is None or destination(out, chosen) is None  # checked before any work
    stamp = clock.now().isoformat(timespec="seconds") if timestamp else None
    with _workspace(db, create=False) as ws:
        made = make_report(ws, _model(model), organization, _date(as_of, "--as-of"), phase_days, capacity, stamp, unit)
    _notes(made.notes)
    if to_stdout:
        sys.stdout.buffer.write(report_json(made.document))
        return
    assert out is not None  # to_stdout holds whenever --out is not given
    written = write_report(made.document, chosen, out, page_size.lower(), force, appendix)
    folder = written[0].parent if written else Path(out)
    for path in written:
        if path.parent == folder:
            typer.echo(f"wrote {path}", err=True)
    charts = [p for p in written if p.parent != folder]
    if charts:
        typer.echo(f"wrote {len(charts)} chart SVGs for the Markdown in {charts[0].parent}{os.sep}", err=True)


# --- history -----------------------------------------------------------------------------------

@app.command()
def history(db: DbOpt = None, organization: OrgOpt = None, unit: UnitOpt = None, model: ModelOpt = None,
            as_json: JsonOpt = False) -> None:
    """List the recorded assessments: date, model version, respondents, overall and dimension levels
    (of a unit: its result on each day an assessment counting in it was recorded)."""
    from prodops.operations.reading import history as read_history

    found = read_history(db, organization, unit, model)
    if as_json:
        from prodops.operations.reading import history_document

        _print_json(history_document(found.recorded))
        return
    from prodops.shells.terminal import show_history

    show_history(_console(), found.recorded, found.names)


# --- the Knowledge Challenge ------------------------------------------------------------------

@app.command()
def challenge(
    practice: Annotated[bool, typer.Option("--practice", help="A practice game with a random word, instead of the word of the day.")] = False,
    hard: Annotated[bool, typer.Option("--hard", help="Hard mode: every hint revealed must be used (only before the first guess).")] = False,
    model: ModelOpt = None,
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the game's result as JSON (the board goes to standard error).")] = False,
) -> None:
    """Play the Knowledge Challenge: guess the model's five-letter word in six tries.

    Type a word and Enter. /hard off turns hard mode off; an empty line or Ctrl-D stops (the game is kept).
    The word of the day follows your computer's calendar date."""
    from prodops import clock, operations as op
    from prodops.core.challenge import MAX_GUESSES, NotAGuess
    from prodops.shells.terminal import escape, show_challenge, show_challenge_end

    from rich.console import Console

    chosen = _model(model)
    console = Console(stderr=as_json, highlight=False, emoji=False)
    with _workspace(db) as ws:
        played = (op.practice(ws, chosen, op.TERMINAL, hard) if practice
                  else op.daily(ws, chosen, op.TERMINAL, clock.local_today()))
        if hard and not played.game.hard and not played.game.over:
            try:
                played = op.hard_mode(ws, chosen, op.TERMINAL, played.id, True)
            except NotAGuess as e:
                console.print(f"[yellow]{escape(e.message)}[/]")
        show_challenge(console, played)
        while not played.game.over:
            console.print(f"Guess {len(played.game.guesses) + 1} of {MAX_GUESSES}: ", end="")
            line = sys.stdin.readline()
            if not line.strip():
                console.print("\nstopped; the game is kept: run the same command to go on")
                break
            try:
                if line.strip().lower() == "/hard off":
                    played = op.hard_mode(ws, chosen, op.TERMINAL, played.id, False)
                else:
                    played = op.guess(ws, chosen, op.TERMINAL, played.id, line.strip())
            except NotAGuess as e:
                console.print(f"[yellow]{escape(e.message)}[/]: no turn used")
                continue
            show_challenge(console, played)
        daily_stats, practice_stats = op.challenge_stats(ws, chosen, op.TERMINAL, clock.local_today())
    if as_json:  # a game stopped half-way too: its guesses, no answer
        _print_json({**played.document(), "stats": {"daily": daily_stats.document(), "practice": practice_stats.document()}})
    elif played.game.over:
        show_challenge_end(console, played, daily_stats, practice_stats)


# --- the organisation's own look -----------------------------------------------------------------

@app.command("brand")
def brand_(
    name: Annotated[str | None, typer.Option("--name", help="The organisation's name as the report shows it ('' removes it).", show_default=False)] = None,
    accent: Annotated[str | None, typer.Option("--accent", help="Accent colour #rrggbb, with at least 4.5:1 contrast on white ('' removes it).", show_default=False)] = None,
    logo: Annotated[Path | None, typer.Option("--logo", help="A PNG or SVG logo of at most 256 KB.", show_default=False)] = None,
    no_logo: Annotated[bool, typer.Option("--no-logo", help="Remove the logo.")] = False,
    organization: OrgOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or change an organisation's display name, logo and accent colour in its reports (every format uses them)."""
    from prodops.inputs.files import read_bytes
    from prodops.operations import brand, set_brand

    changes: dict[str, Any] = {  # set_brand's parts: text, bytes or None (removed)
        k: (v.strip() or None) for k, v in (("name", name), ("accent", accent)) if v is not None}
    if logo is not None and no_logo:
        raise InputError("--logo and --no-logo together: give one")
    if logo is not None:
        changes.update(logo=read_bytes(logo), logo_name=str(logo))
    elif no_logo:
        changes["logo"] = None
    with _workspace(db, create=bool(changes)) as ws:
        current = set_brand(ws, organization, **changes)[1] if changes else brand(ws, organization)
    shown = {"name": current.name, "accent": current.accent,
             "logo": current.logo and f"{current.logo_type}, {len(current.logo):,} bytes"}
    if as_json:
        _print_json(shown)
        return
    for key, value in shown.items():
        typer.echo(f"{key} = {printable(value) if value else '(not set)'}")


# --- the lead's commentary -------------------------------------------------------------------------

commentary_app = typer.Typer(help="Your own words beside the report's figures, per section (Markdown).", **_PLAIN)
app.add_typer(commentary_app, name="commentary")
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="The report's date (default: the latest assessment's).", show_default=False)]


@commentary_app.command("set")
def commentary_set(
    file: Annotated[Path, typer.Argument(help="A Markdown file: a heading per section (`prodops template commentary` writes one); an empty file removes the commentary.")],
    organization: OrgOpt = None,
    unit: UnitOpt = None,
    as_of: AsOfOpt = None,
    model: ModelOpt = None,
    db: DbOpt = None,
) -> None:
    """Keep the commentary for the report; every format shows it beside the figures it speaks of."""
    from prodops.inputs.files import read_text
    from prodops.operations import set_commentary

    text = read_text(file, "a Markdown commentary")
    with _workspace(db, create=False) as ws:
        said = set_commentary(ws, _model(model), text, organization, _date(as_of, "--as-of"), file=str(file), unit=unit)
    typer.echo(f"kept the commentary of {len(said)} section{'s' if len(said) != 1 else ''}" if said else "commentary removed",
               err=True)


@commentary_app.command("show")
def commentary_show(organization: OrgOpt = None, unit: UnitOpt = None, as_of: AsOfOpt = None, model: ModelOpt = None,
                    db: DbOpt = None) -> None:
    """Print the commentary as kept (Markdown)."""
    from prodops.operations import commentary_text

    with _workspace(db, create=False) as ws:
        typer.echo(printable(commentary_text(ws, _model(model), organization, _date(as_of, "--as-of"), unit)), nl=False)


# --- teams and business units ----------------------------------------------------------------------

units_app = typer.Typer(help="Teams and business units: declared once, nested; each gets its own result, report and plan.", **_PLAIN)
app.add_typer(units_app, name="units")


@units_app.command("add")
def units_add(
    name: Annotated[str, typer.Argument(help="The unit's name, e.g. Payments or \"Commerce BU\".")],
    parent: Annotated[str | None, typer.Option("--parent", help="The unit it sits in (default: directly under the organisation).", show_default=False)] = None,
    teams: Annotated[list[str] | None, typer.Option("--team", help="A data team (sprints, launches, time survey) that counts as this unit besides its own name; repeat for several.", show_default=False)] = None,
    organization: OrgOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Declare a unit, or change its parent and teams. Respondents whose team names it count in it."""
    from prodops.operations import declare_unit, organization_of, unit_tree

    with _workspace(db) as ws:
        declare_unit(ws, organization, name, parent, tuple(teams or ()))
        _show_units(unit_tree(ws, organization_of(ws, organization)), as_json)


@units_app.command("list")
def units_list(organization: OrgOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """The units, each under the one it sits in, with the data teams that count as it."""
    from prodops.operations import organization_of, unit_tree

    with _workspace(db, create=False) as ws:
        _show_units(unit_tree(ws, organization_of(ws, organization)), as_json)


@units_app.command("remove")
def units_remove(name: Annotated[str, typer.Argument(help="The unit to remove (none below it, no assessment or campaign of it).")],
                 organization: OrgOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Remove a unit nothing depends on."""
    from prodops.operations import organization_of, remove_unit, unit_tree

    with _workspace(db, create=False) as ws:
        remove_unit(ws, organization, name)
        _show_units(unit_tree(ws, organization_of(ws, organization)), as_json)


def _show_units(tree, as_json: bool) -> None:
    if as_json:
        _print_json({"units": [u.document() for u in tree]})
        return
    for u in tree:
        extra = f"  (data teams: {', '.join(u.teams)})" if u.teams else ""
        typer.echo(printable("  " * (tree.depth(u.name) - 1) + u.name + extra))
    if not tree:
        typer.echo("No units yet: `prodops units add \"Commerce\"` declares one, `--parent Commerce` nests another in it.")


# --- named events on the timeline -----------------------------------------------------------------

events_app = typer.Typer(help="Named days on the timeline (\"2026-04-06 Playbook adopted\"): charts and sentences name them.", **_PLAIN)
app.add_typer(events_app, name="events")


@events_app.command("add")
def events_add(
    day: Annotated[str, typer.Argument(help="The day, YYYY-MM-DD.")],
    label: Annotated[str, typer.Argument(help="What happened, e.g. \"Playbook adopted\".")],
    organization: OrgOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Name a day of an organisation; its report's charts over time mark it and the change date's sentences say its name."""
    from prodops.operations import add_event

    with _workspace(db) as ws:
        _show_events(add_event(ws, day, label, organization)[1], as_json)


@events_app.command("list")
def events_list(organization: OrgOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """An organisation's named days, in order."""
    from prodops.operations import events

    with _workspace(db, create=False) as ws:
        _show_events(events(ws, organization), as_json)


@events_app.command("remove")
def events_remove(day: Annotated[str, typer.Argument(help="The day, YYYY-MM-DD: its events are removed.")],
                  organization: OrgOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Remove an organisation's events of a day."""
    from prodops.operations import remove_event

    with _workspace(db, create=False) as ws:
        _show_events(remove_event(ws, day, organization)[1], as_json)


def _show_events(found, as_json: bool) -> None:
    if as_json:
        _print_json({"events": [e.document() for e in found]})
        return
    for e in found:
        typer.echo(f"{e.day.isoformat()}  {printable(e.label)}")
    if not found:
        typer.echo("No named days yet: `prodops events add 2026-04-06 \"Playbook adopted\"` names one.")


# --- the roadmap as a plan people run -----------------------------------------------------------

investments_app = typer.Typer(help="Owners, costs, targets and status of the roadmap's investments.", **_PLAIN)
app.add_typer(investments_app, name="investments")


@investments_app.command("set")
def investments_set(
    investment: Annotated[str, typer.Argument(help="The investment's id (`prodops model show` lists them).")],
    status: Annotated[str | None, typer.Option("--status", help="planned, in-progress, done or dropped.", show_default=False)] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Who owns it ('' clears it).", show_default=False)] = None,
    cost: Annotated[str | None, typer.Option("--cost", help="Estimated cost in the workspace's currency ('' clears it).", show_default=False)] = None,
    weeks: Annotated[str | None, typer.Option("--weeks", help="Estimated effort in person-weeks ('' clears it).", show_default=False)] = None,
    target: Annotated[str | None, typer.Option("--target", help="Target date, YYYY-MM-DD ('' clears it).", show_default=False)] = None,
    done_on: Annotated[str | None, typer.Option("--done-on", help="With --status done: the day it was done (default today).", show_default=False)] = None,
    organization: OrgOpt = None,
    model: ModelOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a change to an investment: only the options given change; every change is kept."""
    from prodops.operations import track

    given: dict[str, Any] = {k: v for k, v in (("status", status), ("owner", owner), ("cost", cost), ("weeks", weeks),
                               ("target", target), ("done_on", done_on)) if v is not None}
    if not given:
        raise InputError("nothing to change: give --status, --owner, --cost, --weeks, --target or --done-on")
    with _workspace(db, create=False) as ws:
        state = track(ws, _model(model), investment, organization, **given)
    if as_json:
        _print_json({"investment": investment, **state.document()})
        return
    from prodops.shells.terminal import escape
    from prodops.core.tracking import describe

    _console().print(f"{escape(investment)}: {escape(describe(state.document()))}")


@investments_app.command("list")
def investments_list(
    history: Annotated[bool, typer.Option("--history", help="Every change, oldest first, not only where each stands.")] = False,
    organization: OrgOpt = None,
    model: ModelOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Where each investment stands (owner, cost, target, status, and whether a done one worked)."""
    from prodops.operations import changes, plan as make_plan

    m = _model(model)
    with _workspace(db, create=False) as ws:
        roadmap, notes = make_plan(m, ws, None, organization)
        past = changes(ws, roadmap.organization) if history else None
    _notes(notes)
    if as_json:
        _print_json({"organization": roadmap.organization, "tracking": roadmap.tracking,
                     **({"history": [{"investment": c.investment, **c.document()} for c in past]} if past is not None else {})})
        return
    from prodops.shells.terminal import show_tracking

    show_tracking(_console(), roadmap, m, past)


# --- demo --------------------------------------------------------------------------------------

@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo's workspace and outputs.")] = Path("prodops-demo"),
    as_json: JsonOpt = False,
) -> None:
    """Run the whole pipeline on bundled example data: three quarterly assessments, the plan, the history."""
    from prodops.shells.demo import run_demo

    done = run_demo(out)
    if as_json:
        _print_json(done.summary())
        return
    from prodops.core.roadmap import roadmap_document
    from prodops.shells.terminal import show_history, show_metrics, show_plan, show_result

    console = _console()
    latest = done.assessed[-1].result
    console.rule(f"[bold]prodops demo[/]: {latest.organization}, {len(done.assessed)} quarterly assessments")
    show_history(console, done.history, {d.id: d.name for d in done.model.dimensions})
    console.rule("Latest assessment")
    show_result(console, latest, done.model)
    console.rule("Roadmap")
    show_plan(console, roadmap_document(done.roadmap, done.model))
    console.rule("What has Product Ops been worth?")
    show_metrics(console, done.value.results)
    console.rule("Outputs")
    for note in done.notes:
        console.print(f"[yellow]note:[/] {note}")
    console.print(f"Workspace: {done.workspace}  (try: prodops history --db {done.workspace})")
    console.print(f"Inputs:    {done.inputs}/  (answers files and the imported CSVs)")
    for path in done.written:
        console.print(f"Wrote      {path}")


# --- the web app and who may use it --------------------------------------------------------------

@app.command()
def upgrade(
    organization: Annotated[str | None, typer.Option("--organization", help="The organisation that data, settings, events and brand kept for the whole workspace belong to, where the workspace holds none or several.", show_default=False)] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Bring the workspace's schema up to date now (every command does so when it opens the workspace).

    Since revision 0011 each organisation has its own value data, settings, events and brand. Those
    kept before go to the workspace's only organisation; where it holds none or several, the
    upgrade is refused with nothing changed until --organization names whose they are."""
    with _workspace(db, create=False) as ws:
        before, now = ws.upgrade(organization)
        where = ws.where
    if as_json:
        _print_json({"workspace": where, "before": before, "now": now})
        return
    typer.echo(printable(f"{where}: " + (f"at revision {now} already" if before == now else f"revision {before} -> {now}")))


people_app = typer.Typer(help="One person's data (GDPR articles 15 and 17): export it, erase it; retention.", **_PLAIN)
app.add_typer(people_app, name="people")


@people_app.command("export")
def people_export(
    email: Annotated[str, typer.Argument(help="The person's e-mail.")],
    confidential: Annotated[bool, typer.Option("--confidential", help="Include the answers and notes they gave in confidential campaigns: for the person alone, whoever runs this reads them.")] = False,
    db: DbOpt = None,
    out: OutOpt = None,
    force: ForceOpt = False,
) -> None:
    """Everything the workspace holds about one person, as JSON: account, sessions, invites, recorded
    answers (of confidential ones only with --confidential), changes they made."""
    from prodops.operations import export_person
    from prodops.renderers.files import dump_json

    with _workspace(db, create=False) as ws:
        held = export_person(ws, email, confidential)
    _emit(dump_json(held), out, force)


@people_app.command("erase")
def people_erase(
    email: Annotated[str, typer.Argument(help="The person's e-mail.")],
    yes: Annotated[bool, typer.Option("--yes", help="Erase without asking (nothing can bring it back).")] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Erase one person: account, invites, answers and notes; in recorded assessments their answers are
    cut loose from them and the figures stand (docs/confidentiality.md)."""
    from prodops.operations import erase_person

    if not yes and not typer.confirm(f"Erase everything held about {email}? Nothing can bring it back", err=True):
        raise typer.Exit(1)
    with _workspace(db, create=False) as ws:
        done = erase_person(ws, email)
    if as_json:
        _print_json(done.document())
        return
    typer.echo(f"erased {done.email}: {done.invites} invite(s) with their answers and notes, "
               f"{'the account, ' if done.account else ''}answers cut loose in {done.recorded} recorded assessment(s)")


@people_app.command("retention")
def people_retention(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Apply each organisation's answers_retention_days to the campaigns closed longer ago."""
    from prodops.operations import apply_retention

    with _workspace(db, create=False) as ws:
        done = apply_retention(ws)
    if as_json:
        _print_json({"campaigns": [{"id": cid, "people": n} for cid, n in done]})
        return
    typer.echo(f"{len(done)} campaign(s) past their retention: " + (", ".join(f"#{cid} ({n} people)" for cid, n in done)
                                                                    or "none"))


campaigns_app = typer.Typer(help="Assessment campaigns (made and run in the web app): list them; run the scheduler's tick.", **_PLAIN)
app.add_typer(campaigns_app, name="campaigns")
SmtpOpt = Annotated[str | None, typer.Option("--smtp", help="smtp://user:password@host:port (smtps:// for TLS; ?starttls) to send invitations and reminders; default $PRODOPS_SMTP_URL.", show_default=False)]


@campaigns_app.command("list")
def campaigns_list(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Every campaign, the newest first: its state, days and who answered."""
    from prodops.operations import list_campaigns

    with _workspace(db, create=False) as ws:
        found = list_campaigns(ws)
    if as_json:
        _print_json({"campaigns": [c.document() for c in found]})
        return
    from prodops.shells.terminal import show_campaigns

    show_campaigns(_console(), found)


@campaigns_app.command("tick")
def campaigns_tick(
    db: DbOpt = None,
    model: ModelOpt = None,
    smtp: SmtpOpt = None,
    mail_from: Annotated[str | None, typer.Option("--mail-from", help="The From address; default $PRODOPS_MAIL_FROM.", show_default=False)] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="The public address links use when a campaign has none; default $PRODOPS_BASE_URL.", show_default=False)] = None,
    check_mail: Annotated[bool, typer.Option("--check-mail", help="Only try the mail server (connect, TLS, sign in) and say how it went.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Do once what is due in the campaigns: open scheduled ones, send invitations and reminders,
    notify webhooks, close those past their closing day. For a cron job or systemd timer where the web
    app is not running; safe beside it and beside other instances (each thing is done once)."""
    from prodops.operations import Outbox, check_mail_server, tick

    outbox = Outbox(smtp or os.environ.get("PRODOPS_SMTP_URL") or None,
                    mail_from or os.environ.get("PRODOPS_MAIL_FROM") or Outbox.sender,
                    base_url or os.environ.get("PRODOPS_BASE_URL") or None)
    if check_mail:
        typer.echo(check_mail_server(outbox))
        return
    with _workspace(db, create=False) as ws:
        done = tick(ws, _model(model), outbox)
    if as_json:
        _print_json({"ran": done.held, "campaigns": done.campaigns, "sent": done.sent.sent, "failed": done.sent.failed,
                     "notified": done.sent.notified, "errors": done.sent.errors[:20]})
        return
    if not done.held:
        typer.echo("another instance is running the scheduler now; nothing done")
        return
    typer.echo(f"{done.campaigns} campaign(s) looked at: {done.sent.words()}, {done.sent.notified} notification(s)")


users_app = typer.Typer(help="Manage who may sign in to the web app (admins change, viewers read).", **_PLAIN)
tokens_app = typer.Typer(help="API tokens for automation (Authorization: Bearer TOKEN).", **_PLAIN)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")


KEEP_ALIVE = 75  # seconds an idle connection of the web app stays open


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on; behind a proxy keep 127.0.0.1.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    db: DbOpt = None,
    model: ModelOpt = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes (several need PostgreSQL to scale; SQLite serves one team).")] = 1,
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help="Mark cookies Secure (behind a TLS-terminating proxy; set automatically on https).")] = False,
    smtp: Annotated[str | None, typer.Option("--smtp", help="smtp://user:password@host:port (smtps:// for TLS; ?starttls) to send invite links; default $PRODOPS_SMTP_URL.", show_default=False)] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="The public address invite links use (e.g. https://assess.acme.example); default $PRODOPS_BASE_URL, else the address a request came to.", show_default=False)] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Serve the demo workspace (prodops-demo/) with a new admin password and an open campaign.")] = False,
    tick: Annotated[float | None, typer.Option("--tick", min=0, max=86_400, help="Seconds between the scheduler's looks at what is due (open, remind, close); 0: never (run `prodops campaigns tick` from cron instead); default $PRODOPS_TICK_SECONDS, else 60.", show_default=False)] = None,
    oidc_discovery_url: Annotated[str | None, typer.Option("--oidc-discovery-url", help="Single sign-on: the OpenID provider's https://…/.well-known/openid-configuration; the client secret comes from $PRODOPS_OIDC_CLIENT_SECRET or $PRODOPS_OIDC_CLIENT_SECRET_FILE (docs/deploy.md); default $PRODOPS_OIDC_DISCOVERY_URL.", show_default=False)] = None,
    oidc_client_id: Annotated[str | None, typer.Option("--oidc-client-id", help="Single sign-on: this app's client id at the provider; default $PRODOPS_OIDC_CLIENT_ID.", show_default=False)] = None,
    oidc_allowed_domains: Annotated[str | None, typer.Option("--oidc-allowed-domains", help="Single sign-on: the e-mail domains that may sign in, comma-separated (or 'any'); default $PRODOPS_OIDC_ALLOWED_DOMAINS.", show_default=False)] = None,
    password_sign_in: Annotated[str | None, typer.Option("--password-sign-in", help="on or off: off leaves single sign-on alone on the sign-in page (`prodops users` still manages users); default $PRODOPS_PASSWORD_SIGN_IN, else on.", show_default=False)] = None,
) -> None:
    """Serve the web app: campaigns with invite links, the respondent's form, dashboards, reports, the JSON API."""
    try:
        import fastapi  # noqa: F401 - the web app's
        import uvicorn
    except ImportError as e:  # an install without the extra
        raise InputError(f"the web app needs {e.name}, which is not installed: pip install 'prodops-maturity[web]' "
                         "(or [all])") from None

    from prodops.store import ENV_URL, Workspace, database_url

    if demo:
        from prodops.shells.demo import prepare_web_demo

        if db:
            raise InputError("--demo serves the demo workspace: give it without --db")
        base = base_url or f"http://{host}:{port}"
        made = prepare_web_demo(Path("prodops-demo"), base)
        db = str(made.workspace)
        typer.echo(f"Demo workspace: {made.workspace}\nSign in at {base}/login as {made.email} "
                   f"with password {made.password}\nTry the respondent's form: {base}/r/{made.link_token}\n"
                   f"Play the Knowledge Challenge: {base}/challenge", err=True)
    # Every worker builds its app from the environment: the same workspace, model and settings.
    os.environ[ENV_URL] = database_url(db)
    if base_url and not base_url.startswith(("http://", "https://")):
        raise InputError(f"--base-url {base_url!r}: give the address with http:// or https://")
    for name, value in (("PRODOPS_MODEL", model and str(model.resolve())), ("PRODOPS_SMTP_URL", smtp),
                        ("PRODOPS_BASE_URL", base_url), ("PRODOPS_TICK_SECONDS", None if tick is None else str(tick)),
                        ("PRODOPS_SECURE_COOKIES", "1" if secure_cookies else None),
                        ("PRODOPS_OIDC_DISCOVERY_URL", oidc_discovery_url), ("PRODOPS_OIDC_CLIENT_ID", oidc_client_id),
                        ("PRODOPS_OIDC_ALLOWED_DOMAINS", oidc_allowed_domains),
                        ("PRODOPS_PASSWORD_SIGN_IN", password_sign_in)):
        if value:
            os.environ[name] = value
    from prodops.shells.web import Settings

    settings = Settings.from_environment()  # a wrong setting fails here, not in every worker
    with Workspace.open(db) as ws:  # the schema is brought up to date once, before the workers start
        ws.engine  # noqa: B018 (read for its side effect)
        where = ws.where
    _model(model)  # a bad model file fails here, not in every worker
    if os.environ.get("PRODOPS_SMTP_URL"):  # a mail server that does not answer is said now, not at the first invitation
        from prodops.operations import Outbox, check_mail_server

        try:
            typer.echo(f"Mail: {check_mail_server(Outbox(os.environ['PRODOPS_SMTP_URL']))}", err=True)
        except InputError as e:
            typer.echo(f"warning: {e.message}; invitations and reminders will fail until it works", err=True)
    if settings.sso is not None:  # a wrong provider is said now, not at the first sign-in
        from prodops.operations import Provider, Unreachable, check_provider

        try:
            typer.echo(f"Single sign-on: {check_provider(Provider(settings.sso))}", err=True)
        except Unreachable as e:
            typer.echo(f"warning: {e.message}; single sign-on will fail until it answers", err=True)
    typer.echo(f"Serving {where} at http://{host}:{port} with {workers} worker{'s' if workers > 1 else ''} "
               "(Ctrl-C stops)", err=True)
    # A respondent reads a statement for seconds before the next autosave: a connection kept open
    # 75 s (as proxies do), not uvicorn's 5 s, is not closed just as their browser sends on it.
    uvicorn.run("prodops.shells.web:app_from_environment", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, server_header=False, log_level="warning", timeout_keep_alive=KEEP_ALIVE)


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="Their e-mail address (how they sign in).")],
    role: Annotated[str, typer.Option("--role", help="admin or viewer.")] = "viewer",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input (one line). Without it the user has only API tokens.")] = False,
    db: DbOpt = None,
) -> None:
    """Add a user who may sign in to the web app."""
    from prodops.operations import add_user

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    with _workspace(db) as ws:
        user = add_user(ws, email, role, password)
    typer.echo(f"added {user.email} ({user.role}){'' if password else '; no password: API tokens only'}", err=True)


@users_app.command("list")
def users_list(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """List the users and their roles."""
    from prodops.operations import list_users

    with _workspace(db, create=False) as ws:
        found = list_users(ws)
    if as_json:
        _print_json([u.document() for u in found])
        return
    for u in found:
        way = ("password and code" if u.two_step else "password") if u.has_password else "single sign-on or API tokens"
        typer.echo(f"{u.email}\t{u.role}\t{way}")


@users_app.command("password")
def users_password(
    email: Annotated[str, typer.Argument(help="The user's e-mail address.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the new password from standard input (one line); required, so that it never shows in the command line or the shell's history.")] = False,
    db: DbOpt = None,
) -> None:
    """Set a user's password (when they forgot it and no mail server sends reset links); every session of theirs ends."""
    from prodops.operations import set_password

    if not password_stdin:
        raise InputError("give the new password on standard input with --password-stdin "
                         "(e.g. `prodops users password ann@example.com --password-stdin < file`)")
    password = sys.stdin.readline().rstrip("\r\n")
    with _workspace(db, create=False) as ws:
        user, ended = set_password(ws, email, password)
    typer.echo(f"set the password of {user.email}; {ended} session(s) of theirs ended", err=True)


@users_app.command("remove")
def users_remove(email: Annotated[str, typer.Argument(help="The user's e-mail address.")], db: DbOpt = None) -> None:
    """Remove a user, their sessions and their API tokens."""
    from prodops.operations import remove_user

    with _workspace(db, create=False) as ws:
        user = remove_user(ws, email)
    typer.echo(f"removed {user.email}", err=True)


@users_app.command("mfa-required")
def users_mfa_required(
    state: Annotated[str, typer.Argument(help="on: admins who sign in with a password must use two-step sign-in "
                                               "(one without it can only set it up); off: they may choose.")],
    db: DbOpt = None,
) -> None:
    """Require two-step sign-in (an authenticator app's codes) of admins, or not."""
    from prodops.operations import require_for_admins

    if state not in ("on", "off"):
        raise InputError(f"{state[:20]!r}? say on or off: `prodops users mfa-required on`")
    with _workspace(db) as ws:
        require_for_admins(ws, state == "on")
    typer.echo("admins must use two-step sign-in; those without it set it up at their next sign-in" if state == "on"
               else "two-step sign-in is each admin's choice", err=True)


@users_app.command("reset-mfa")
def users_reset_mfa(email: Annotated[str, typer.Argument(help="The user's e-mail address.")], db: DbOpt = None) -> None:
    """Turn a user's two-step sign-in off (their phone is lost) and end their sessions; they set it up again."""
    from prodops.operations import reset_mfa

    with _workspace(db, create=False) as ws:
        user, was_on = reset_mfa(ws, email)
    typer.echo(f"{user.email}: two-step sign-in {'reset' if was_on else 'was not on'}; their sessions ended", err=True)


@tokens_app.command("create")
def tokens_create(
    email: Annotated[str, typer.Argument(help="The user the token acts for.")],
    name: Annotated[str | None, typer.Option("--name", help="What the token is for.", show_default=False)] = None,
    scope: Annotated[str, typer.Option("--scope", help="read: read-only, whatever the user's role; role: with the user's role.")] = "role",
    days: Annotated[int, typer.Option("--expires-in-days", min=1, max=366, help="Days until it stops working (at most 366).")] = 90,
    db: DbOpt = None,
) -> None:
    """Create an API token and print it once (only its hash is kept)."""
    from prodops.operations import create_token

    with _workspace(db, create=False) as ws:
        made, token = create_token(ws, email, name, scope=scope, days=days)
    typer.echo(f"token #{made.id} for {made.owner} ({made.scope}), expires {made.expires_at:%Y-%m-%d %H:%M} UTC; "
               "shown only now:", err=True)
    typer.echo(token)


@tokens_app.command("list")
def tokens_list(
    email: Annotated[str | None, typer.Argument(help="Only this user's tokens.", show_default=False)] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List API tokens: id, name, owner, scope, when made, when they expire, when last used (never the token)."""
    from prodops.operations import list_tokens
    from prodops.operations.access import NO_EXPIRY

    with _workspace(db, create=False) as ws:
        found = list_tokens(ws, email)
    if as_json:
        _print_json({"tokens": [t.document() for t in found]})
        return
    when = lambda at, none: f"{at:%Y-%m-%d %H:%M}" if at else none  # noqa: E731
    for t in found:
        typer.echo("\t".join(_cell(v) for v in (str(t.id), t.name or "-", t.owner, t.scope, when(t.created_at, ""),
                                                 when(t.expires_at, NO_EXPIRY), when(t.last_used_at, "never used"))))
    if not found:
        typer.echo("no API tokens", err=True)


def _cell(text: str) -> str:
    """`text` as one cell of a tab-separated line: no control character, tab or line break of its own."""
    return " ".join(printable(text).split())


@tokens_app.command("revoke")
def tokens_revoke(token_id: Annotated[int, typer.Argument(min=1, help="The token's id (prodops tokens list).")],
                  db: DbOpt = None) -> None:
    """Revoke an API token: it stops working at once."""
    from prodops.operations import revoke_token

    with _workspace(db, create=False) as ws:
        gone = revoke_token(ws, token_id)
    typer.echo(f"revoked token #{gone.id} of {gone.owner}", err=True)


@app.command("audit")
def audit(
    db: DbOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="The newest N entries (ignored with --json-lines).")] = 50,
    json_lines: Annotated[bool, typer.Option("--json-lines", help="The whole trail as JSON lines, oldest first.")] = False,
) -> None:
    """The audit trail: who signed in, changed users, tokens, campaigns, settings; exports and erasures."""
    from prodops.operations import audit_lines, audit_trail

    with _workspace(db, create=False) as ws:
        if json_lines:
            for line in audit_lines(ws):
                typer.echo(line, nl=False)
            return
        found = audit_trail(ws, limit)
    for e in found:
        typer.echo("\t".join(_cell(v) for v in (f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.client or "-", e.action, e.subject)))
    if not found:
        typer.echo("the audit trail is empty", err=True)


def main(argv: list[str] | None = None) -> None:
    try:
        _only_asked(sys.argv[1:] if argv is None else argv)(args=argv)
    except InputError as e:
        typer.echo(f"error: {cli_error(e)}", err=True)
        sys.exit(2)
    except Refused as e:
        typer.echo(f"error: {e.message}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:  # Ctrl-C: every write is one transaction or one rename, so nothing is half-done
        typer.echo("\ninterrupted; nothing was written", err=True)
        sys.exit(130)
    except OSError as e:  # unreadable or unwritable paths the user gave
        typer.echo(f"error: cannot write or read {e.filename or 'a file'}: {e.strerror or e}; "
                   "check that the folder exists and is writable", err=True)
        sys.exit(2)
    except Exception as e:
        typer.echo(f"error: prodops met an unexpected problem ({type(e).__name__}); {crash_report(e, argv)}", err=True)
        sys.exit(1)


def _only_asked(argv: list[str]) -> typer.Typer:
    """The app with only the command `argv` names, when it names one: Typer builds every command's
    options before running one, 30 ms of a command that should take 100. Help, a misspelt command
    and options before the command get the whole app."""
    first = next((a for a in argv if not a.startswith("-")), None)
    commands = [c for c in app.registered_commands
                if (c.name or typer.main.get_command_name(getattr(c.callback, "__name__", ""))) == first]
    groups = [g for g in app.registered_groups if g.name == first]
    if first is None or not (commands or groups) or any(a.startswith("-") for a in argv[:argv.index(first)]):
        return app
    one = copy.copy(app)
    one.registered_commands, one.registered_groups = commands, groups
    return one


def crash_report(error: BaseException, argv: list[str] | None) -> str:
    """Write what a maintainer needs about an unexpected error (version, command, traceback) to a
    file of its own; say where. The command's option values stay out: they may hold secrets."""
    import platform
    import tempfile
    import traceback

    from prodops import clock
    words = sys.argv[1:] if argv is None else argv
    command = " ".join(w for w in words[:3] if not w.startswith("-") and "/" not in w and "://" not in w)
    text = (f"prodops {__version__}, Python {platform.python_version()} on {platform.platform()}\n"
            f"command: prodops {command}\nat: {clock.now().isoformat(timespec='seconds')}\n\n"
            + "".join(traceback.format_exception(error)))
    try:
        with tempfile.NamedTemporaryFile("w", prefix="prodops-crash-", suffix=".txt", delete=False,
                                         encoding="utf-8") as report:
            report.write(text)
    except OSError as e:
        return f"no report could be written ({e.strerror or e})"
    return f"the details are in {report.name}; please attach that file when you report it"
