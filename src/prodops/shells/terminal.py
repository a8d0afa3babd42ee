"""Rich views of the model, a result, a roadmap and the history. Formatting only, no rules."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape as _markup_escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from prodops.core.safe_text import printable
from prodops.core.numbers import beside, half_up, line, pct as _pct, rests_on, signed, too_few

if TYPE_CHECKING:  # imported where used: `prodops history` and `metrics` never load pydantic
    from prodops.core.assessment import AssessmentResult
    from prodops.core.model import MaturityModel
    from prodops.core.report.layout import Table as LayoutTable
    from prodops.core.roadmap import Roadmap

def escape(text: object) -> str:
    """User text as Rich shows it: no markup read into it, no control character left in it."""
    return _markup_escape(printable(text))


def _bar(fraction: float, width: int = 20) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def _score(x: float | None) -> str:
    return "–" if x is None else f"{half_up(x, 2)}"


def _judged(r, model: MaturityModel) -> str:
    """A criterion's score beside the met threshold, with the digits that show which side it is on."""
    return "–" if r.score is None else beside(r.score, ">=", model.met_threshold, r.answers_met, 2)


def _show_layout_table(console: Console, table: LayoutTable) -> None:
    from prodops.core.report.layout import NUMERIC, text

    """A table of the report's layout (report.layout.Table): its columns, rows and words, a status in
    its colour. Where a table would leave long text a few letters wide, a list: each row's short
    cells on one line (the names it leads with in bold), its long ones (the statement, the data) below."""
    shown = table.shown()
    short = [i for i in shown if not table.columns[i].wide]
    names = next((n for n, i in enumerate(short) if table.columns[i].kind != "text"), len(short))

    def cell(row: tuple, i: int) -> str:
        kind = table.columns[i].kind
        value = escape(text(row[i], kind))
        if table.columns[i].title == "Status":
            colour = _STATUS_COLOUR.get(value.split(" ")[0])
            return f"[{colour}]{value}[/]" if colour else value
        return value

    if console.width < NARROW:
        console.print(f"[bold]{escape(table.title)}[/]")
        for row in table.rows:
            console.print(" · ".join([f"[bold]{cell(row, i)}[/]" for i in short[:names]]
                                     + [f"{escape(table.columns[i].title)} {cell(row, i)}" for i in short[names:]
                                        if text(row[i], table.columns[i].kind)]))
            for i in shown:
                if table.columns[i].wide and text(row[i], table.columns[i].kind) not in ("", "–"):
                    console.print(Padding(cell(row, i), (0, 0, 0, 2)))
    else:
        t = Table(title=escape(table.title), caption=escape(table.note) if table.note else None)
        for i in shown:
            column = table.columns[i]
            t.add_column(escape(column.title), justify="right" if column.kind in NUMERIC else "left",
                         ratio=3 if column.wide else None, overflow="fold")
        for row in table.rows:
            t.add_row(*(cell(row, i) for i in shown))
        console.print(t)
    if console.width < NARROW and table.note:
        console.print(f"[dim]{escape(table.note)}[/]")


_STATUS_COLOUR = {"met": "green", "unmet": "red", "unanswered": "yellow", "na": "dim"}  # a status's first word


NARROW = 110  # columns below which criterion tables become lists


def _longest_id(model: MaturityModel) -> int:
    return max(len(c.id) for c in model.criteria)


def _level(model: MaturityModel, n: int) -> str:
    return f"Level {n} {escape(model.level_name(n))}"


def show_model(console: Console, model: MaturityModel) -> None:
    console.print(Panel(f"[bold]{escape(model.name)}[/]  {escape(model.ref)}\n{escape(model.description)}", expand=False))
    levels = Table(title="Levels", show_lines=True)
    levels.add_column("#", justify="right")
    levels.add_column("Level")
    levels.add_column("Description")
    for lv in model.levels:
        text = escape(lv.description)
        if lv.symptoms:
            text += "\n[italic]Symptoms:[/]" + "".join(
                f"\n • {escape(sym.text)}" + (f" [dim](data: {sym.criterion})[/]" if sym.criterion else "")
                for sym in lv.symptoms)
        levels.add_row(str(lv.number), escape(lv.name), text)
    console.print(levels)

    by_dim = defaultdict(list)
    for c in model.criteria:
        by_dim[c.dimension].append(c)
    for d in model.dimensions:
        t = Table(title=f"{escape(d.name)} ({d.id})", caption=escape(d.description), show_lines=False, expand=True)
        t.add_column("Level", justify="right", width=5)
        t.add_column("Criterion", width=24, overflow="fold")
        t.add_column("What must be true")
        for c in sorted(by_dim[d.id], key=lambda c: c.level):
            data = f"\n[cyan]data: {escape(str(c.data))}[/]" if c.data else ""
            t.add_row(str(c.level), c.id, escape(c.text) + data)
        console.print(t)

    scale = ", ".join(f"{p.label} ({p.value:g})" for p in model.answer_scale) + f", {model.na_label}"
    roles = ", ".join(f"{r.id} ({escape(r.name)}, weight {r.weight:g})" for r in model.roles)
    console.print(f"[bold]Answer scale:[/] {escape(scale)}   [bold]Met when score ≥[/] {model.met_threshold:g}"
                  f"   [bold]Disagreement when spread ≥[/] {model.disagreement_spread:g}")
    console.print(f"[bold]Roles:[/] {roles}")
    if model.playbook:
        stages = ", ".join(f"{s} → {c}" for s, c in model.playbook.stages.items())
        console.print(f"[bold]Playbook processes[/] (tracked as {stages}): "
                      + ", ".join(escape(p.name) for p in model.playbook.processes))
    inv = Table(title="Investments", expand=True)
    inv.add_column("Investment", ratio=3)
    inv.add_column("Levels", no_wrap=True)
    inv.add_column("Effort", no_wrap=True)
    inv.add_column("Depends on", ratio=2, overflow="fold")
    inv.add_column("Criteria", min_width=_longest_id(model), overflow="fold")
    for i in model.investments:
        inv.add_row(f"[bold]{escape(i.name)}[/]\n[dim]{i.id}\nverified by {escape(i.metric.name)}[/]",
                    f"{i.from_level}→{i.to_level}", i.effort, "\n".join(i.depends_on) or "–", "\n".join(i.criteria))
    console.print(inv)


def show_result(console: Console, result: AssessmentResult, model: MaturityModel) -> None:
    from prodops.core.assessment import shown
    from prodops.core.report.layout import blockers_table
    from prodops.core.report.model import blocking, criteria_document

    result = shown(result)  # no group smaller than its privacy allows (core.confidentiality)
    roles = ", ".join(f"{n} {r}" for r, n in sorted(result.roles.items()))
    head = Text.from_markup(
        f"[bold]{escape(_who(result.organization, result.unit))}[/]  assessed {result.date.isoformat()} on {escape(model.ref)}\n"
        f"{result.respondents} respondent{'s' if result.respondents != 1 else ''} ({escape(roles)})\n\n"
        f"[bold]Overall: {_level(model, result.level)}[/]")
    if result.next_level:
        head.append_text(Text.from_markup(
            f"\nProgress to {_level(model, result.next_level)}: "
            + (f"{_bar(result.progress_to_next)} {_pct(result.progress_to_next)}" if result.progress_to_next is not None
               else f"not shown, {result.privacy.fewer()}")))
    for w in result.warnings:  # what the level rests on, right where it is shown
        head.append_text(Text.from_markup(f"\n[bold yellow]Read with care:[/] {escape(w.message)}"))
    console.print(Panel(head, title="Where are we?", expand=False))

    dims = Table(title="Dimensions")
    dims.add_column("Dimension")
    dims.add_column("Level", justify="right")
    dims.add_column(f"1–{model.top_level}")
    for d in model.dimensions:
        n = result.dimensions[d.id]
        dims.add_row(escape(d.name), f"{n} {escape(model.level_name(n))}", "■" * n + "□" * (model.top_level - n))
    console.print(dims)

    if result.blockers and result.next_level is not None:  # the rows and words of the report's table
        criteria = criteria_document(result, model)
        _show_layout_table(console, blockers_table(blocking(criteria, result), result.next_level, model.met_threshold))

    split = [r for r in result.criteria.values() if r.disagreement]
    if split:
        t = Table(title=f"Respondents disagree (spread ≥ {model.disagreement_spread:g})")
        t.add_column("Criterion", min_width=_longest_id(model))
        t.add_column("Score", justify="right")
        t.add_column("Spread", justify="right")
        t.add_column("Mean by role")
        for r in split:
            t.add_row(r.id, _score(r.score), _score(r.spread), ", ".join(f"{k} {half_up(v, 2)}" for k, v in r.by_role.items()))
        console.print(t)

    unanswered = [r.id for r in result.criteria.values() if r.status == "unanswered"]
    if unanswered:
        console.print(f"[yellow]Unanswered by everyone ({len(unanswered)}), so not met:[/] {', '.join(unanswered)}")
    checked = [(r, r.data) for r in result.criteria.values() if r.data is not None]
    if checked:
        title = "Evidence from data (up to the assessment)"
        rows = []
        for r, data in checked:
            found = data.document()  # what the data measured, against the criterion's line
            said = "–" if r.score is None else f"{_judged(r, model)} ({'met' if r.answers_met else 'unmet'})"
            few = too_few(found)
            verdict = f"[yellow]{escape(few)}[/]" if few else "[green]meets[/]" if data.holds else "[red]misses[/]"
            measured = (_pct(found["value"]) if few
                        else beside(found["value"], found["op"], found["threshold"], found["holds"], percent=True))
            rows.append((r.id, f"{found['metric']} {line(found['op'], found['threshold'], True)}", measured, rests_on(found),
                         verdict + (" [magenta]conflict[/]" if data.conflict else ""), said,
                         "data" if data.decides else "answers"))
        if console.width < NARROW:  # seven columns would leave each a few letters wide: a list instead
            console.print(f"[bold]{title}[/]")
            for cid, bound, measured, basis, verdict, said, decides in rows:
                console.print(f"[bold]{cid}[/] {bound}: {measured} from {basis} · data says {verdict} · "
                              f"answers {said} · {decides} decide{'s' if decides == 'data' else ''}")
        else:
            t = Table(title=title)
            t.add_column("Criterion", min_width=_longest_id(model))
            for col in ("Line", "Measured", "Rests on", "Data says", "Answers", "Decides"):
                t.add_column(col)
            for row in rows:
                t.add_row(*row)
            console.print(t)
        console.print("[dim]The data: the sprints that ended, the time survey's respondents, or the launches with a "
                      "known checklist, from the first to the last day given; below its line's minimum the data "
                      "judges nothing and the answers decide.[/]")


def show_plan(console: Console, roadmap: dict) -> None:
    """`roadmap`: its document (core.roadmap.roadmap_document), as kept (operations.reading.plan)."""
    level = roadmap["current_level"]
    days, capacity = roadmap["phase_days"], roadmap["capacity"]
    console.print(Panel(
        f"[bold]{escape(_who(roadmap['organization'], roadmap['unit']))}[/] is at "
        f"[bold]Level {level} {escape(roadmap['current_level_name'])}[/] "
        f"(assessed {roadmap['assessment_date']}).\nPhases of {days} days with "
        f"{capacity} parallel workstream{'s' if capacity != 1 else ''} "
        f"({days * capacity} effort-days each).", title="What do we invest in next?", expand=False))
    if not roadmap["phases"]:
        console.print("[green]Every investment's criteria are met; nothing left to plan.[/]")
    investments = roadmap["investments"]
    longest = max((len(c) for inv in investments.values() for c in inv["criteria"]), default=0)
    for ph in roadmap["phases"]:
        t = Table(title=f"Phase {ph['number']}: {ph['start']} → {ph['end']}   "
                        f"projected: Level {ph['projected_level']} {escape(ph['projected_level_name'])}",
                  title_justify="left", expand=True)
        t.add_column("Investment", ratio=3, overflow="fold")
        t.add_column("Unblocks", no_wrap=True)
        t.add_column("Effort", no_wrap=True)
        t.add_column("Criteria addressed", min_width=longest, overflow="fold")
        t.add_column("Verified by", ratio=2, overflow="fold")
        for iid in ph["investments"]:
            inv = investments[iid]
            deps = f"\n[dim]after {', '.join(inv['depends_on'])}[/]" if inv["depends_on"] else ""
            run = roadmap["tracking"].get(iid)
            run = (f"\n[cyan]{run['status']}[/]" + (f" · {escape(run['owner'])}" if run["owner"] else "")) if run else ""
            t.add_row(f"[bold]{escape(inv['name'])}[/]\n[dim]{iid}[/]{deps}{run}", f"Level {inv['unblocks_level']}",
                      f"{inv['effort']} ({inv['effort_days']} d)", "\n".join(inv["criteria"]), escape(inv["metric"]["name"]))
        console.print(t)
    if roadmap["uncovered"]:
        console.print(f"[yellow]No investment addresses these unmet criteria:[/] {', '.join(roadmap['uncovered'])}")
    if roadmap["tracking"]:
        console.print("[dim]Owners, costs and whether the done ones worked: `prodops investments list`.[/]")


def _who(organization: str, unit: str | None) -> str:
    """An organisation, or one of its units: "Northwind Cloud › Commerce"."""
    return f"{organization} › {unit}" if unit else organization


def show_history(console: Console, recorded: list, names: dict[str, str], last: int = 8) -> None:
    """The recorded assessments, and their levels over time (`names`: each dimension's, by id)."""
    if not recorded:
        console.print("No assessments recorded yet; `prodops assess FILE` records one.")
        return
    t = Table(title="Recorded assessments")
    for col in ("#", "Date", "Organization", "Model", "Respondents", "Level", "Progress to next"):
        t.add_column(col)
    for a in recorded:
        t.add_row(str(a.id), a.date.isoformat(), escape(_who(a.organization, a.unit)),
                  f"{a.model_id}@{a.model_version}",
                  str(a.respondents), f"{a.level} {escape(a.level_name)}", _pct(a.progress_to_next))
    console.print(t)
    for a in recorded:  # erasure keeps what was recorded: said, not shown as a change
        for day in a.erased:
            console.print(f"[dim]#{a.id}: one response erased on {day.isoformat()}; its figures stand as recorded[/]")
        for day, why in getattr(a, "revised", ()):
            console.print(f"[dim]#{a.id}: revised: its campaign was reopened on {day.isoformat()} ({escape(why)}) "
                          "and closed again[/]")

    # Levels over time, one table per organisation (or unit): one column per assessment, the latest `last`.
    for who in dict.fromkeys(_who(a.organization, a.unit) for a in recorded):
        shown = [a for a in recorded if _who(a.organization, a.unit) == who][-last:]
        trend = Table(title=f"Levels over time: {escape(who)}")
        trend.add_column("Dimension")
        for a in shown:
            trend.add_column(f"#{a.id}\n{a.date.isoformat()}", justify="center")
        trend.add_row("[bold]Overall[/]", *[f"[bold]{a.level}[/]" for a in shown])
        for d in dict.fromkeys(d for a in shown for d in a.dimensions):
            trend.add_row(escape(names.get(d, d)), *[str(a.dimensions.get(d, "–")) for a in shown])
        console.print(trend)


def show_metrics(console: Console, results: dict) -> None:
    from prodops.core.metrics import METRICS

    views = {"predictability": _show_predictability, "time-value": _show_time_value, "launches": _show_launches,
             "symptoms": _show_symptoms, "revenue": _show_revenue}
    for name, result in results.items():
        if result is None:
            kinds = METRICS[name].imports
            console.print(f"[bold]{name}[/]: [dim]no data for it yet; import it with `prodops import KIND FILE`, KIND one of "
                          f"{', '.join(kinds)}[/]")
            continue
        views.get(name, _show_any)(console, result)


def _show_any(console: Console, r: dict) -> None:
    """A metric without a view of its own: its figures as JSON."""
    from rich.json import JSON

    from prodops.renderers.files import dump_json

    console.print(JSON(dump_json(r)))


def _rate(row: dict, name: str, statistic: str) -> str:
    from prodops.core.report.layout import BOUND_MARKS

    value = row[f"{name}_{statistic}"]
    return BOUND_MARKS.get(row.get(f"{name}_bound"), "") + _pct(value) if value is not None else "–"


def _show_predictability(console: Console, r: dict) -> None:
    from prodops.core.metrics import METRICS

    t = Table(title=METRICS["predictability"].title, caption="pooled = Σ/Σ over sprints; median = of the per-sprint ratios; "
                                                      "(n) = sprints that give the figure")
    for col in ("Team", "Unit", "Sprints", "Excluded (0 committed)", "Planning accuracy\npooled / median (n)",
                "Say/do\npooled / median (n)", "Scope creep\npooled / median (n)"):
        t.add_column(col, justify="left" if col in ("Team", "Unit") else "right")

    def cell(row, name):
        n = f" ({row[f'{name}_sprints']})" if row[f"{name}_sprints"] != row["sprints"] else ""
        return f"{_rate(row, name, 'pooled')} / {_rate(row, name, 'median')}{n}"

    for row, name in [(row, escape(row["team"])) for row in r["teams"]] + [(r["overall"], "[bold]Overall[/]")]:
        t.add_row(name, row["unit"], str(row["sprints"]), str(row["excluded_zero_commitment"]),
                  cell(row, "planning_accuracy"), cell(row, "say_do"), cell(row, "scope_creep"))
    console.print(t)
    if r["overall"]["planning_accuracy_pooled"] is None and "+" in r["overall"]["unit"]:
        console.print("[dim]Teams count in different units, so the overall pooled figures are left out.[/]")
    for a in r.get("approximations", []):
        console.print(f"[yellow]{a['sprints']} sprint{'s' if a['sprints'] != 1 else ''}: {escape(a['meaning'])} "
                      "(≤ at most, ≈ approximate).[/]")
    ba = r.get("before_after")
    if ba:
        b, a = ba["before"], ba["after"]
        bound = {"at most": "≤ ", "approximate": "≈ "}
        console.print(Panel(
            f"{escape(ba['conclusion'])}\n[dim]{ba['metric'].replace('_', ' ')} ({ba['statistic']}): "
            f"before {bound.get(b.get('bound'), '')}{_pct(b.get('value'))} (n={b['n']}), "
            f"after {bound.get(a.get('bound'), '')}{_pct(a.get('value'))} (n={a['n']}); "
            f"{ba['resamples']} bootstrap resamples, seed {ba['seed']}[/]",
            title=f"Before and after {ba['change_date']}", expand=False))


def _money(x: float, currency: str | None) -> str:
    from prodops.core.numbers import money

    return money(x, currency)


def _show_time_value(console: Console, r: dict) -> None:
    t = Table(title="PM time on operational overhead (hours per week)")
    for col in ("", "Baseline", "Follow-up"):
        t.add_column(col, justify="right" if col else "left")
    for cat, v in r["by_category"].items():
        t.add_row(cat.replace("_", " ").capitalize(), _hours(v["baseline"]), _hours(v["followup"]))
    t.add_row("[bold]Total[/], unpaired: everyone who answered", _hours(r["baseline_hours"]), _hours(r["followup_hours"]))
    if r["paired"]:
        t.add_row(f"[bold]Total[/], paired: the {r['paired']} PMs in both", _hours(r.get("paired_baseline_hours")),
                  _hours(r.get("paired_followup_hours")))
    t.add_row("Share of working time", _pct(r["overhead_share_baseline"]), _pct(r["overhead_share_followup"]))
    t.add_row("Respondents", str(r["respondents_baseline"]), str(r["respondents_followup"]))
    console.print(t)
    saved = r["hours_saved_per_pm_week"]
    how = (f"paired over {r['paired']} PMs who answered both" if r["paired"]
           else "the difference of the period means: nobody answered both")
    line = f"Hours saved per PM per week: [bold]{_hours(saved)}[/] ({how})."
    if r["monthly_value"] is not None:
        line += (f" Monthly time value: [bold]{escape(_money(r['monthly_value'], r.get('currency')))}[/] "
                 f"(× {escape(_money(r['hourly_rate'], r.get('currency')))}/hour × {r['headcount']:g} PMs × 52/12"
                 + ("; the PMs its survey counts, as no headcount is set for it" if r.get("headcount_basis") == "surveyed"
                    else "") + ").")
    else:
        line += " Give the hourly rate and the PM headcount (`prodops settings`) for the monthly value."
    console.print(line)


def _show_launches(console: Console, r: dict) -> None:
    from prodops.core.metrics import METRICS

    caption = (f"as of {r['as_of']}; on time within {r['grace_days']} days of the original "
               "date; the success rate is over launches whose outcome is known, each part's "
               "rate over launches where that part is known; pending launches are left out")
    t = Table(title=METRICS["launches"].title, caption=caption)
    for col in ("Year", "Launches", "Known", "Succeeded", "Success rate", "Change", "On time", "GTM-ready", "Adoption met"):
        t.add_column(col, justify="right")
    for y in r["years"]:
        change = f"{signed(y['change_pp'], 0)} pts" if y.get("change_pp") is not None else "–"
        t.add_row(str(y["year"]), str(y["launches"]), str(y["known"]), str(y["succeeded"]), _pct(y["rate"]), change,
                  *(_pct(y[f"{part}_rate"]) + (f" of {y[f'{part}_known']}" if y[f"{part}_rate"] is not None else "")
                    for part in ("on_time", "gtm_ready", "adoption_met")))
    console.print(t)
    if r["failures"]:
        failed = "; ".join(f"{escape(f['name'])} ({f['year']}: {', '.join(f['reasons'])})" for f in r["failures"][:12])
        console.print("Failed: " + failed + (f"; and {len(r['failures']) - 12} more" if len(r["failures"]) > 12 else ""))
    if r["pending"]:
        pending = "; ".join(f"{escape(p['name'])} (due {p['original_date']})" for p in r["pending"])
        console.print("Pending (not yet due): " + pending)
    if r["checklist_for_unknown_launches"]:
        console.print(f"[yellow]Checklist items name launches that were not imported: "
                      f"{escape(', '.join(r['checklist_for_unknown_launches']))}; import them with `prodops import launches`.[/]")
    if r["unknown"]:
        n = len(r["unknown"])
        console.print(f"[dim]Unknown outcome (missing checklist or adoption figures): {n} launch{'es' if n != 1 else ''}.[/]")


def _show_symptoms(console: Console, r: dict) -> None:
    if not r["symptoms"]:
        where = f"between {r['window']['from']} and {r['window']['to']}" if r["window"] else "with dates"
        console.print(f"[bold]symptoms[/]: [dim]no sprints or time survey {where} to look for Level 1 symptoms in[/]")
        return
    survey = r.get("pm_overhead_survey")
    t = Table(title=f"Level 1 symptoms in the data ({r['window']['from']} to {r['window']['to']})")
    for col in ("Symptom", "Measure", "Value", "Line", "Rests on", "Present"):
        t.add_column(col)
    for s in r["symptoms"]:
        few = too_few(s)
        value = _pct(s["value"]) if few else beside(s["value"], s["op"], s["threshold"], not s["present"], percent=True)
        t.add_row(escape(s["symptom"]), s["measure"], value, line(s["op"], s["threshold"], True), rests_on(s),
                  f"[yellow]{escape(few)}[/]" if few else "[red]yes[/]" if s["present"] else "[green]no[/]")
    console.print(t)
    console.print(f"[dim]Measured from the sprints that ended from {r['window']['from']} to {r['window']['to']}, "
                  "both days included" + (f", and the time survey of {survey}" if survey else "") + ".[/]")
    if "gtm_ready_rate" in r["measurements"]:
        sample = r["samples"]["gtm_ready_rate"]
        console.print(f"[dim]GTM-ready rate of the launches in the 365 days up to {r['window']['to']}, both days included: "
                      f"{_pct(r['measurements']['gtm_ready_rate'])} of {rests_on(sample)} "
                      "(the launch table counts calendar years).[/]")


def _show_revenue(console: Console, r: dict) -> None:
    from prodops.core.metrics import METRICS

    currency = r.get("currency")
    t = Table(title=f"{METRICS['revenue'].title}: {escape(_money(r['attributed_arr'], currency))} ARR attributed",
              caption=r["label"])
    for col in ("Account", "Outcome", "Date", "ARR", "Roadmap items (shipped from its feedback)"):
        t.add_column(col, justify="right" if col == "ARR" else "left")
    for w in r["wins"]:
        t.add_row(escape(w["account"]), w["outcome"], str(w["date"]), escape(_money(w["arr"], currency)),
                  escape(", ".join(w["item_names"])))
    console.print(t)
    console.print(f"Expansion {escape(_money(r['expansion_arr'], currency))}, "
                  f"renewals {escape(_money(r['renewed_arr'], currency))}, "
                  f"within {r['window_days']} days of the ship date. {r['feedback_driving_items']} of {r['feedback_items']} "
                  f"feedback items are linked to {r['items_driven_by_feedback']} roadmap items; "
                  f"{r['items_shipped_from_feedback']} of those have shipped.")
    if r["unknown_roadmap_items"]:
        unknown = escape(", ".join(r["unknown_roadmap_items"]))
        console.print(f"[yellow]Feedback names roadmap items that were not imported: {unknown}; "
                      "import them with `prodops import roadmap-items`.[/]")
    if r["losses"]:
        console.print(f"[yellow]Also after feedback-driven work: {len(r['losses'])} contraction or churn "
                      f"({escape(_money(sum(x['arr'] for x in r['losses']), currency))} ARR); not netted into the wins.[/]")


def _hours(x: float | None) -> str:
    return "–" if x is None else f"{half_up(x, 1)}"


# --- the Knowledge Challenge -----------------------------------------------------------------------

# Every tile carries a mark as well as a colour, for colour-blind players and plain terminals:
# [A] right place, (A) elsewhere in the word, ·a· not in it.
_TILE = {"correct": ("[{}]", "bold white on green4"), "present": ("({})", "bold black on yellow3"),
         "absent": ("·{}·", "white on grey30"), None: (" {} ", "")}
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _tile(letter: str, mark: str | None, upper: bool = True) -> Text:
    shape, style = _TILE[mark]
    return Text(shape.format(letter.upper() if upper and mark != "absent" else letter.lower()), style=style)


def show_challenge(console: Console, played) -> None:
    """The board of a game (operations.Round): one row per guess, then the keyboard."""
    from prodops.core.challenge import LENGTH, MAX_GUESSES

    game = played.game
    console.print(f"[bold]{escape(played.title)}[/]" + ("  [dim]hard mode[/]" if game.hard else ""))
    for guess, marks in zip(game.guesses, game.rows):
        console.print(Text("  ").join(_tile(g, m) for g, m in zip(guess, marks)))
    for _ in range(MAX_GUESSES - len(game.guesses)):
        console.print(Text("  ").join(_tile("_", None) for _ in range(LENGTH)), style="dim")
    known = game.keys
    for row in _KEY_ROWS:
        console.print(Text(" ").join(_tile(k, known.get(k)) for k in row))
    console.print("[dim][A] right place   (A) elsewhere in the word   ·a· not in the word[/]")


def show_challenge_end(console: Console, played, daily_stats, practice_stats) -> None:
    """The answer, where it sits in the model, the share text and the player's statistics."""
    game, answer = played.game, played.answer
    console.print(f"\n[bold]{'Solved' if game.won else 'The word was'} {escape(answer.word.upper())}[/]  {game.result}")
    if answer.passage:
        console.print(Panel(f"“{escape(answer.quote)}”", title=escape(answer.passage.title), title_align="left",
                            expand=False))
        console.print(f"[dim]Where it sits: `prodops model show` ({escape(answer.passage.kind)} "
                      f"{escape(answer.passage.key)})[/]")
    console.print("\n" + played.share())
    for name, st in (("Daily games", daily_stats), ("Practice games", practice_stats)):
        if not st.played:
            continue
        console.print(f"\n[bold]{name}[/]: played {st.played}, won {st.win_percent}%, "
                      f"current streak {st.current_streak}, longest {st.max_streak}")
        top = max(st.distribution.values()) or 1
        for n, count in st.distribution.items():
            console.print(f"  {n} {'█' * round(20 * count / top)} {count}")


def show_tracking(console: Console, roadmap: Roadmap, model: MaturityModel, history=None) -> None:
    """Where each investment stands as people run it, whether the done ones worked, and (given) every change."""
    from prodops.core.tracking import describe, worked

    tracking = roadmap.tracking
    if not tracking:
        console.print("Nothing recorded yet: `prodops investments set ID --owner NAME --status in-progress` starts.")
    else:
        console.print(f"[bold]Investments of {escape(roadmap.organization)}, as run[/]")
        for inv in model.investments:
            state = tracking.get(inv.id)
            if state is not None:
                console.print(f"\n[bold]{escape(inv.name)}[/] [dim]{inv.id}[/]\n  {escape(describe(state))}")
                if state["verification"]:
                    console.print(f"  Did it work? {escape(worked(state['verification']))}")
    if history:
        console.print("\n[bold]Every change[/]")
        for c in history:
            console.print(f"  {c.at.strftime('%Y-%m-%d %H:%M')} UTC  {c.investment}: {escape(describe(c.document()))}"
                          + (f"  [dim]by {escape(c.by)}[/]" if c.by else ""))


def show_campaigns(console: Console, campaigns: list) -> None:
    if not campaigns:
        console.print("No campaigns yet; the web app makes them (`prodops serve`).")
        return
    t = Table(title="Campaigns")
    for col in ("#", "Name", "Organization", "State", "Opens", "Closes", "Privacy"):
        t.add_column(col)
    for c in campaigns:
        t.add_row(str(c.id), escape(c.name), escape(_who(c.organization, c.team)), c.state, c.opens.isoformat(),
                  c.closes.isoformat() if c.closes else "–",
                  f"confidential (k={c.threshold})" if c.privacy.confidential else "named")
    console.print(t)
