"""The leadership report of a workspace: its one model, and writing it in any format."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from prodops.core.model import MaturityModel
from prodops.operations.audit import record

if TYPE_CHECKING:
    from collections.abc import Callable

    from prodops.store import Workspace
    from prodops.operations.settings import Brand, Event
    from prodops.core.units import Units


@dataclass(frozen=True)
class Report:
    document: dict  # the report model (report.model.build_report), as the JSON report shows it
    notes: list[str]
    # of a part of a report (`report(part=...)`): each figure's line and how many records it counted
    # and left out (report.layout.figures_with_records), as the organisation page links them; or one
    # figure's records
    figures: list | None = None
    records: list | None = None


def report(ws: Workspace, model: MaturityModel, organization: str | None = None, as_of: dt.date | None = None,
           phase_days: int = 90, capacity: int = 2, generated_at: str | None = None, unit: str | None = None,
           part: str = "all") -> Report:
    """The report of `organization`, or of its `unit` (its result by the roll-up rule, its units
    side by side, and the value metrics of its teams' data), as of `as_of` (default: the latest
    assessment's date, so the same workspace gives the same report): the latest assessment on or
    before it, the roadmap from it, and every value metric from the data as known on that day. With
    value data but no assessment covering the period, the value sections alone (as of the last day
    with data, unless given).
    Computed once per change of the workspace (and per day, and model), then kept
    (operations.computed); the document is as its JSON says it (dates as ISO strings). `part`:
    "all"; "view", the document as a page of figures reads it, with `figures`; or a figure's name
    (report.layout.record_lists), the same with that figure's `records` (`_part`)."""
    import json

    from prodops.operations.computed import kept
    from prodops.renderers.files import dump_json

    def made() -> bytes:
        found = _report(ws, model, organization, as_of, phase_days, capacity, generated_at, unit)
        return (b'{"notes": ' + json.dumps(found.notes).encode("utf-8") + b', "document": '
                + dump_json(found.document).encode("utf-8") + b"}")

    if generated_at is not None:  # stamped with the time it is made: made each time
        both = json.loads(made())
        return Report(both["document"], both["notes"])
    key = _key(model, organization, unit, as_of, phase_days, capacity)
    if part == "all":
        both = json.loads(kept(ws, json.dumps(key), made))
        return Report(both["document"], both["notes"])
    both = json.loads(kept(ws, json.dumps([*key, part]), lambda: _part(json.loads(kept(ws, json.dumps(key), made)), part)))
    return Report(both["document"], both["notes"], both.get("figures"), both.get("records"))


def _key(model: MaturityModel, organization: str | None, unit: str | None, as_of: dt.date | None = None,
         phase_days: int = 90, capacity: int = 2) -> list:
    """What a kept report is kept under: whose, as of when, planned how, on which model, made which day."""
    from prodops import clock
    from prodops.core.model import fingerprint

    return ["report", organization and organization.casefold(), unit and unit.casefold(), as_of and as_of.isoformat(),
            phase_days, capacity, fingerprint(model), clock.today().isoformat()]


@dataclass(frozen=True)
class Download:
    """A report as one file to download: its bytes, the suffix and media type of its name, and its day."""
    data: bytes
    suffix: str
    media_type: str
    as_of: str


def report_download(ws: Workspace, model: MaturityModel, organization: str, fmt: str, unit: str | None = None,
                    appendix: bool = False, draw: Callable[[dict, str, bool], dict[str, bytes]] | None = None) -> Download:
    """The report (of `organization` or its `unit`) in format `fmt` as one file, as `prodops report`
    writes it (Markdown and its charts zipped): made once per change of the workspace and kept, so
    the second download of an unchanged report is the same bytes at once. `draw(document, format,
    appendix)`: where its files are drawn (the web app: a process of its own); here by default."""
    import json

    from prodops.core.errors import Refused
    from prodops.operations.computed import kept
    from prodops.renderers import RENDERERS, render

    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise Refused("unknown", f"no report as {fmt[:10]!r}; choose one of {', '.join(RENDERERS)}")

    def made() -> bytes:
        document = report(ws, model, organization, unit=unit).document  # its errors before anything is drawn
        files = draw(document, fmt, appendix) if draw else render(document, [fmt], appendix=appendix)
        data = next(iter(files.values())) if not renderer.charts_beside else _zipped(files)
        # its day on a line of its own before the file: a kept download reads nothing else
        return json.dumps(document["as_of"]).encode("utf-8") + b"\n" + data

    day, _, data = kept(ws, json.dumps([*_key(model, organization, unit), "file", fmt, appendix]), made).partition(b"\n")
    suffix, media = ((renderer.suffix, renderer.media_type) if not renderer.charts_beside
                     else (f"{renderer.suffix}.zip", "application/zip"))
    return Download(data, suffix, media, json.loads(day))


DRAWING_LEASE = dt.timedelta(minutes=10)  # the longest a report is drawn before another may start it again


@dataclass(frozen=True)
class Drawing:
    """Where a report's file stands, for a page waiting for it: "ready" (kept: its download is
    immediate), "drawing" (in the background, here or in another worker), or "failed" (`message`)."""

    state: str
    message: str | None = None


def draw_report(ws: Workspace, model: MaturityModel, organization: str, fmt: str, unit: str | None = None,
                appendix: bool = False, draw: Callable[[dict, str, bool], dict[str, bytes]] | None = None, *,
                apart: Callable[[Callable[[], None]], None], waiting: bool = False) -> Drawing:
    """The report's file (as `report_download` makes it) drawn in the background, so that a page can
    show progress instead of a request that lasts seconds: ready when kept; else drawn by
    `apart(job)` (the shell's background) unless another worker or instance draws it already (a
    lease: one drawing of a report at a time, whoever asks). `waiting`: the page asks again while
    it waits, and is told when a drawing failed (asked anew, it is drawn again)."""
    import hashlib
    import json
    import logging
    import secrets

    from prodops import clock
    from prodops.core.errors import InputError, Refused
    from prodops.operations.computed import found, kept
    from prodops.renderers import RENDERERS

    if fmt not in RENDERERS:
        raise Refused("unknown", f"no report as {fmt[:10]!r}; choose one of {', '.join(RENDERERS)}")
    report(ws, model, organization, unit=unit, part="view")  # its errors now, at little cost
    key = json.dumps([*_key(model, organization, unit), "file", fmt, appendix])
    if found(ws, key) is not None:
        return Drawing("ready")
    failed_key = json.dumps(["drawing failed", key])
    lease, holder, now = "report:" + hashlib.sha256(key.encode()).hexdigest()[:40], secrets.token_hex(16), clock.now()
    if not ws.campaigns.lease(lease, holder, now, now + DRAWING_LEASE):
        return Drawing("drawing")
    failed = found(ws, failed_key) if waiting else None
    if failed is not None:
        ws.campaigns.release(lease, holder)
        return Drawing("failed", failed.decode("utf-8"))

    def job() -> None:
        try:
            report_download(ws, model, organization, fmt, unit, appendix, draw)
        except Exception as e:  # said to the page that waits for it (and logged when it is ours)
            if not isinstance(e, InputError):
                logging.getLogger("prodops").exception("drawing the %s report failed", fmt)
            why = str(e) if isinstance(e, InputError) else "an error on the server (its log says which)"
            kept(ws, failed_key, lambda: why.encode("utf-8"))
        finally:
            ws.campaigns.release(lease, holder)

    apart(job)
    return Drawing("drawing")


def _zipped(files: dict[str, bytes]) -> bytes:
    """The files (a report and its charts beside it) as one zip, the same bytes for the same files."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in sorted(files.items()):
            archive.writestr(zipfile.ZipInfo(str(path), (1980, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def _part(both: dict, part: str) -> bytes:
    """A part of a kept report (`report(part=...)`): the document as a page reads it, without the
    value metrics' tables and records, every criterion or the notes (a page of figures does not read
    every sprint and launch); with each figure's line and counts ("view"), or with one figure's
    records (its name)."""
    import json

    from prodops.core.report.layout import figures_with_records, record_lists

    full = both["document"]
    document = {**{k: v for k, v in full.items() if k not in ("value", "criteria", "notes")},
                "value": {"currency": full["value"]["currency"]}}
    if document.get("maturity"):
        document["maturity"] = {**document["maturity"], "data_records": []}
    out = {"document": document, "notes": both["notes"]}
    if part == "view":
        out["figures"] = figures_with_records(full)
    else:
        out["records"] = next((f.records for f in record_lists(full) if f.name == part), [])
    return json.dumps(out).encode("utf-8")


def _report(ws: Workspace, model: MaturityModel, organization: str | None, as_of: dt.date | None, phase_days: int,
            capacity: int, generated_at: str | None, unit: str | None) -> Report:
    from prodops.core.commentary import parse
    from prodops.operations.assessments import history
    from prodops.operations.settings import brand, events
    from prodops.operations.tracking import plan_tracking
    from prodops.operations.units import compared
    from prodops.operations.value import value_metrics
    from prodops.core.report.layout import TITLES
    from prodops.core.report.model import ReportInputs, build_report
    from prodops.core.confidentiality import shown_notes
    from prodops.core.roadmap import plan
    from prodops.core.units import comparison_document

    dated = as_of is not None
    name, as_of, chosen = report_scope(ws, model, organization, as_of, unit)
    unit = chosen and chosen.unit
    value = value_metrics(ws, as_of=as_of, model=model, unit=unit, organization=name)
    below = chosen and compared(model, chosen.pool, unit)
    noted, withheld = shown_notes(((c, p.id, text) for p in chosen.responses.respondents for c, text in p.notes.items()),
                                  chosen.result.privacy) if chosen else ([], 0)
    withheld += sum(p.hidden_notes for p in chosen.responses.respondents) if chosen else 0
    document = build_report(ReportInputs(
        model=model,
        latest=chosen and chosen.result,
        history=[a for a in history(ws, name, unit, model) if a.date <= as_of] if chosen else [],
        # an earlier report (--as-of) shows the plan as it was run then; the latest, as it is run now
        roadmap=chosen and replace(plan(model, chosen.result, phase_days=phase_days, capacity=capacity),
                                   tracking=plan_tracking(ws, model, name, as_of, as_of if dated else None, unit)),
        value=value.results,
        options=value.options,
        as_of=as_of,
        generated_at=generated_at,
        events=tuple(events(ws, name)),
        commentary=parse(kept_commentary(ws, name, as_of, unit), TITLES),
        brand=brand(ws, name).document(),
        organization=name,
        unit=unit,
        units=comparison_document(below, model.level_name) if below is not None else None,
        notes=tuple(noted),
        notes_withheld=withheld,
    ))
    notes = list(chosen.notes) if chosen else []
    if document["commentary"]:  # said of a section this report lacks: kept, and the report says so
        import json

        from prodops.renderers.files import dump_json
        from prodops.core.report.layout import sections

        shown = {s.id for s in sections(json.loads(dump_json(document)))}  # laid out from the JSON, as every format is
        unshown = [TITLES[k] for k in document["commentary"] if k not in shown]
        if unshown:
            notes.append(f"the commentary on {', '.join(unshown)} is kept, but this report has no such section (its "
                         "data is not imported, or no assessment covers the period)")
    return Report(document, notes)


@dataclass(frozen=True)
class OrganizationView:
    """What an organisation's page shows (of the organisation or of one of its units): its report,
    and what people change there: the commentary as written, the units, the look, the named days."""

    report: Report
    organization: str  # as recorded
    unit: str | None  # as declared; None: the whole organisation
    commentary: str  # the report's commentary as written (Markdown)
    units: Units
    brand: Brand
    events: list[Event]


def organization_view(ws: Workspace, model: MaturityModel, organization: str, unit: str | None = None) -> OrganizationView:
    """The page of `organization` (or of its `unit`), as of its latest assessment; without an
    assessment, its value figures alone."""
    from prodops.operations.settings import brand, events
    from prodops.operations.units import unit_tree

    made = report(ws, model, organization, unit=unit, part="view")
    name, unit = made.document["organization"], made.document["unit"]  # as recorded and declared
    said = kept_commentary(ws, name, dt.date.fromisoformat(made.document["as_of"]), unit)
    return OrganizationView(made, name, unit, said, unit_tree(ws, name), brand(ws, name), events(ws, name))


@dataclass(frozen=True)
class FigureRecords:
    """The records a value figure of the report rests on, as the report computed them."""
    organization: str
    unit: str | None
    metric: str  # its name: predictability, time-value..., data-verdicts
    key: str  # its records' columns (report.layout.RECORD_COLUMNS)
    title: str
    as_of: str
    records: list[dict]  # those shown: filtered and sorted
    counted: int  # of all the figure's records
    left_out: int
    show: str
    sort: str | None
    descending: bool
    campaign: int | None = None  # the campaign whose result's records these are; None: the report's
    page: int | None = 1  # which PER_PAGE of those shown; None: all of them (the CSV)
    pages: int = 1
    matching: int = 0  # how many are shown over all the pages


SHOW = ("all", "counted", "excluded")


def figure_records(ws: Workspace, model: MaturityModel, organization: str, metric: str, unit: str | None = None,
                   show: str = "all", sort: str | None = None, descending: bool = False,
                   page: int | None = 1) -> FigureRecords:
    """The records of `metric`'s figures (a value metric's name, or the data verdicts') in the report
    of `organization` (or its `unit`): the same computation as its figures, of that organisation's
    data alone; `show` all, the counted or the excluded ones, sorted by the field `sort` (in the
    figure's order without one; unknown values last); the `page`th `PER_PAGE` of them (None: all, as
    a download takes them: recorded in the audit trail)."""
    from prodops.core.errors import InputError
    from prodops.core.metrics import METRICS
    from prodops.core.report.layout import VERDICTS, VERDICTS_TITLE

    names = [*METRICS, VERDICTS]
    if metric not in names:
        raise InputError(f"unknown metric {metric[:40]!r}; one of {', '.join(names)}")
    key = METRICS[metric].key if metric in METRICS else "data_verdicts"
    _check_listing(key, show, sort)
    made = report(ws, model, organization, unit=unit, part=metric)
    title = METRICS[metric].title if metric in METRICS else VERDICTS_TITLE
    if page is None:
        record(ws, "records exported", made.document["organization"], unit=made.document["unit"], metric=metric,
               show=show)
    return listed(made.records or [], FigureRecords(
        made.document["organization"], made.document["unit"], metric, key, title, made.document["as_of"], [], 0, 0,
        show, sort, descending, page=page))


def _check_listing(key: str, show: str, sort: str | None) -> None:
    from prodops.core.errors import InputError
    from prodops.core.report.layout import RECORD_COLUMNS

    if show not in SHOW:
        raise InputError(f"show {show[:20]!r}? one of {', '.join(SHOW)}")
    fields = [f for f, _, _ in RECORD_COLUMNS[key]]
    if sort is not None and sort not in fields:
        raise InputError(f"no column {sort[:40]!r} to sort by; one of {', '.join(fields)}")


PER_PAGE = 200  # records on a page: what a page shows is what it costs, however many there are


def listed(every: list[dict], where: FigureRecords) -> FigureRecords:
    """`where` with the records of `every` it shows (all, counted or left out, in its sort, its
    page of them) and the counts."""
    shown = [r for r in every if where.show == "all" or r["counted"] == (where.show == "counted")]
    if where.sort is not None:
        sort = where.sort

        def order(r: dict) -> tuple:
            v = r.get(sort)
            return (0, v) if isinstance(v, (int, float)) else (1, str(v).casefold()) if v is not None else (2, "")

        known = sorted((r for r in shown if r.get(sort) is not None), key=order, reverse=where.descending)
        shown = known + [r for r in shown if r.get(sort) is None]
    counted = sum(1 for r in every if r["counted"])
    if where.page is None:
        return replace(where, records=shown, counted=counted, left_out=len(every) - counted, matching=len(shown))
    pages = max(1, -(-len(shown) // PER_PAGE))
    page = min(max(where.page, 1), pages)
    return replace(where, records=shown[(page - 1) * PER_PAGE:page * PER_PAGE], counted=counted,
                   left_out=len(every) - counted, matching=len(shown), page=page, pages=pages)


def verdict_records(ws: Workspace, model: MaturityModel, campaign_id: int, show: str = "all", sort: str | None = None,
                    descending: bool = False, page: int | None = 1) -> FigureRecords:
    """The records the data verdicts of a campaign's result rest on, the result as its dashboard
    shows it (refused where it shows none: a confidential campaign still open); all of them with
    `page` None (a download: recorded in the audit trail)."""
    from prodops.core.assessment import shown
    from prodops.core.report.model import criteria_document, data_records
    from prodops.core.report.layout import VERDICTS, VERDICTS_TITLE
    from prodops.operations.campaigns import campaign, result

    _check_listing("data_verdicts", show, sort)
    found = campaign(ws, campaign_id)
    scored = shown(result(ws, model, campaign_id).result)
    if page is None:
        record(ws, "records exported", f"campaign #{campaign_id}", metric=VERDICTS, show=show)
    return listed(data_records(scored, criteria_document(scored, model)), FigureRecords(
        found.organization, found.team, VERDICTS, "data_verdicts", VERDICTS_TITLE, scored.date.isoformat(), [], 0, 0,
        show, sort, descending, campaign=campaign_id, page=page))


def report_scope(ws: Workspace, model, organization: str | None, as_of: dt.date | None, unit: str | None = None):
    """(organisation, day, latest result) of a report (of `unit`, whose name the result holds as
    declared): the one rule for the report and its commentary.
    Without an assessment covering the period: the organisation (as the workspace spells it), the
    last day with its data, and None."""
    from prodops.operations.organizations import organization_for

    chosen = _assessed(ws, model, organization, as_of, unit)
    if chosen is not None:
        return chosen.recorded.organization, as_of or chosen.day, chosen
    name = organization_for(ws, organization)
    return name, as_of or _last_data_day(ws, name), None


def value_only(ws: Workspace, model) -> list[tuple[str, dt.date]]:
    """(organisation, day) of each organisation with value data but no assessment: its report is
    the value sections alone, as of its last day with data."""
    from prodops.core.errors import InputError

    assessed = {o.casefold() for o in ws.recorded.organizations()}
    out = []
    for name in ws.held():
        if name.casefold() in assessed:
            continue
        try:
            found, day, _ = report_scope(ws, model, name, None)
        except InputError:  # nothing of it to report yet (a campaign still open, a setting)
            continue
        out.append((found, day))
    return out


def _assessed(ws: Workspace, model, organization: str | None, as_of: dt.date | None, unit: str | None = None):
    """The latest assessment the report stands on; None when none covers the period (nothing is
    assessed yet, or not by `as_of`) but the organisation holds value data: the value sections alone."""
    from prodops.operations.assessments import latest
    from prodops.operations.organizations import organization_for

    held = ws.held()
    name = organization_for(ws, organization) if held and (organization or len(held) == 1) else None
    recorded = ws.recorded.of(name) if name else []
    uncovered = not recorded or (as_of is not None and all(a.date > as_of for a in recorded))
    if uncovered and name and not unit and _last_data_day(ws, name) is not None:
        return None
    return latest(ws, model, organization, as_of, unit)  # and its errors: which organisation, which unit, which model


def _last_data_day(ws: Workspace, organization: str) -> dt.date | None:
    """The last day with `organization`'s data (a sprint's end, a survey, a launch): the value-only report's day, or None."""
    days = [day for table, column in (("sprints", "end"), ("time_survey", "date"), ("launches", "actual_date"),
                                      ("launches", "original_date"))
            if isinstance(day := ws.data.read(table, organization)[column].max(), dt.date)]
    return max(days) if days else None


def write_report(document: dict, formats: list[str], out: str, page_size: str = "a4", force: bool = False,
                 appendix: bool = False) -> list[Path]:
    """Render the report in every format of `formats` and write the files `out` names (a file, a
    name without suffix, or a folder): all of them, or none; files that exist only with `force`.
    `appendix`: the slides end with the detail."""
    from prodops.renderers import destination, render, write

    placed = destination(out, formats)
    if placed is None:  # "-": standard output is the caller's to write, with report_json
        raise ValueError("write_report writes files; print report_json(document) for standard output")
    folder, names = placed
    return write(render(document, formats, page_size, names, appendix), folder, force)


def report_json(document: dict) -> bytes:
    """The JSON report, as its file holds it."""
    from prodops.renderers import render

    return render(document, ["json"])["report.json"]


def set_commentary(ws: Workspace, model, text: str, organization: str | None = None, as_of: dt.date | None = None,
                   by: str | None = None, file: str = "the commentary", unit: str | None = None) -> dict:
    """Keep the lead's commentary (Markdown, checked first) for the report of `organization` (or of
    its `unit`) as of `as_of` (the report's own day by default); an empty text removes it. Returns
    it as the report shows it."""
    from prodops.core.commentary import parse
    from prodops.core.report.layout import TITLES

    name, day, chosen = report_scope(ws, model, organization, as_of, unit)
    parsed = parse(text, TITLES, file)
    ws.commentary.keep(name, chosen and chosen.unit, day, text if parsed else None, by)
    record(ws, "commentary set" if parsed else "commentary removed", name, unit=chosen and chosen.unit,
           as_of=day.isoformat(), characters=len(text) if parsed else 0)
    return parsed


def commentary_text(ws: Workspace, model, organization: str | None = None, as_of: dt.date | None = None,
                    unit: str | None = None) -> str:
    """The commentary as written (Markdown) for the report of `organization` (or its `unit`) as of `as_of`, or an empty text."""
    name, day, chosen = report_scope(ws, model, organization, as_of, unit)
    return kept_commentary(ws, name, day, chosen and chosen.unit)


def kept_commentary(ws: Workspace, organization: str, day: dt.date, unit: str | None = None) -> str:
    """The commentary kept for the report of `organization` (as recorded; of its `unit` as declared)
    as of `day`, or an empty text."""
    return ws.commentary.text(organization, unit, day)
