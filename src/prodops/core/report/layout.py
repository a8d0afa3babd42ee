"""What each section of the report shows: its sentences, charts and tables, from the report model.

HTML, PDF, Markdown and XLSX all lay the report out from here, so a table's columns and a figure's
kind (percent, date, level...) are chosen once. Values stay typed (floats, ints, dates) so XLSX
writes real numbers; `text(value, kind)` is the one way they are written for reading.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from prodops.core.metrics import METRICS, measure_name
from prodops.core.numbers import beside, count, evidence, half_up, line, pct, places_beside, rests_on, too_few

# Column kinds: text, int, number (whole, or 1 decimal where a column holds fractions: _table),
# decimal (1 decimal), money (0 decimals), score (0..1, 2 decimals), percent (0..1 share), pp
# (percentage points), hours, date, year, level (1..5), flag (bool shown as yes / blank).
KINDS = ("text", "int", "number", "decimal", "money", "score", "percent", "pp", "hours", "date", "year", "level", "flag")
# the numeric kinds: right-aligned, and numbers in XLSX
NUMERIC = ("int", "number", "decimal", "money", "score", "percent", "pp", "hours", "year", "level")
PLACES = {"score": 2, "percent": 0}  # their usual decimals; a figure beside its line may take more (`Typed.places`)


@dataclass(frozen=True)
class Typed:
    """A cell of another kind than its column's (key figures, bases), or a figure that is only a
    bound ("at most", "approximate"), carries a unit (money's currency), says of how many it is
    ("63% of 8": `of`), or takes the decimals that show which side of its line it is on (`places`)."""
    value: object
    kind: str
    bound: str | None = None
    unit: str | None = None
    places: int | None = None
    of: int | None = None


BOUND_MARKS: dict[str | None, str] = {"at most": "≤ ", "approximate": "≈ "}  # looked up by Typed.bound: None has none


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"
    wide: bool = False  # long text that should get the room on a page


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple]
    note: str | None = None
    group: int | None = None  # a column whose runs of equal values the page shows as sub-headings

    @property
    def keep(self) -> bool:
        """Short enough to keep on one page rather than run on to the next."""
        return len(self.rows) <= 16

    def shown(self) -> list[int]:
        """The columns a page shows under its sub-headings: all but the group column."""
        return [i for i in range(len(self.columns)) if i != self.group]

    def runs(self) -> list[tuple[str | None, list[tuple]]]:
        """The rows in runs of the group column's value (one run, headed None, without one)."""
        if self.group is None:
            return [(None, self.rows)]
        out: list[tuple[str | None, list[tuple]]] = []
        for row in self.rows:
            if not out or out[-1][0] != row[self.group]:
                out.append((row[self.group], []))
            out[-1][1].append(row)
        return out


# Each section's id and title, in the report's order: the commentary's headings name them too. A
# value metric's section is titled as the metric registry titles it.
TITLES = {"summary": "Executive summary", "maturity": "Where we are", "units": "Teams and business units",
          "criteria": "Criteria heat map", "units-in-full": "Every unit by dimension", "notes": "What people noted",
          "roadmap": "Roadmap",
          **{m.name: m.title for m in METRICS.values()},
          "trajectory": "Trajectory", "methodology": "Methodology"}


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # names in report.charts.CHARTS
    tables: list[Table] = field(default_factory=list)
    blocks: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)  # (heading, prose())
    short: str | None = None  # a name where space is short (a worksheet's tab)
    warnings: list[str] = field(default_factory=list)  # what a figure rests on, shown before anything else
    commentary: list[tuple[str, str]] = field(default_factory=list)  # the lead's own words: ("p" | "li", text)
    appendix: str | None = None  # its letter, for the detail after what a reader acts on

    @property
    def heading(self) -> str:
        return f"Appendix {self.appendix}: {self.title}" if self.appendix else self.title


def text(value, kind: str = "text", places: int | None = None) -> str:
    """A typed value as people read it."""
    if isinstance(value, Typed):
        shown = text(value.value, value.kind, value.places)
        if value.value is None or value.value == "":
            return shown
        return (BOUND_MARKS.get(value.bound, "") + shown + (f" {value.unit}" if value.unit else "")
                + (f" of {value.of:,}" if value.of is not None else ""))
    if value is None or value == "":
        return "–" if kind != "flag" else ""
    if kind == "percent":
        return pct(value) if places is None else f"{half_up(value, places, 2)}%"
    if kind == "pp":
        return f"{half_up(value, 1):+} pp"
    if kind == "hours":
        return f"{half_up(value, 1)} h"
    if kind == "score":
        return f"{half_up(value, 2 if places is None else places)}"
    if kind == "number":  # whole numbers (counts, headcounts) without a decimal
        return f"{half_up(value, 0 if float(value).is_integer() else 1):,}"
    if kind == "decimal":
        return f"{half_up(value, 1):,}"
    if kind == "money":
        return f"{half_up(value):,}"
    if kind in ("int", "level", "year"):
        return f"{value:,}" if kind == "int" else str(value)
    if kind == "flag":
        return "yes" if value else ""
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return str(value)


def shown_name(report: dict) -> str:
    """Whom the report is of, as it names them: the brand's name (or the organisation's), and the unit."""
    return (report["brand"]["name"] or report["organization"]) + (f", {report['unit']}" if report.get("unit") else "")


def named_day(day: str, events: list[dict]) -> str:
    """A day as the report names it: with the names of its events, "2026-04-06 (Playbook adopted)"."""
    names = [e["label"] for e in events if e["date"] == day]
    return f"{day} ({'; '.join(names)})" if names else day


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def _table(id: str, title: str, columns: list[tuple[str, str]], rows: list[tuple], note: str | None = None,
           group: int | None = None) -> Table:
    """A table; a column of numbers takes one number of decimals throughout ("6.0" beside "3.0", never "6")."""
    def uniform(i: int, kind: str) -> str:
        plain = [row[i] for row in rows if isinstance(row[i], (int, float)) and not isinstance(row[i], bool)]
        return "decimal" if kind == "number" and any(not float(v).is_integer() for v in plain) else kind

    return Table(id, title, tuple(Column(t, uniform(i, k), wide=t in ("Statement", "Did it work?", "Data", "Note"))
                                  for i, (t, k) in enumerate(columns)), rows, note, group)


def _beside(value: float | None, kind: str, op: str, threshold: float, holds: bool | None) -> Typed:
    """A figure judged against a line, with the decimals that show which side of it it is on (numbers.beside)."""
    if value is None or holds is None:
        return Typed(value, kind)
    shift = 2 if kind == "percent" else 0
    places = places_beside(value, op, threshold, holds, PLACES[kind], shift)
    if places is None:  # no digits show it: say it in words
        return Typed(beside(value, op, threshold, holds, PLACES[kind], kind == "percent"), "text")
    return Typed(value, kind, places=places)


def sections(report: dict, records: bool = False) -> list[Section]:
    """The report's sections: first what a reader acts on, then the appendix (every criterion, every
    unit, the methodology and, with `records`, the records behind the figures), each lettered."""
    value = [VALUE_SECTIONS.get(m.key, lambda r, m=m: generic(r, m))(report) for m in METRICS.values()]
    said = report.get("commentary") or {}
    assessed = report["maturity"] is not None
    body = [summary(report), *([maturity(report), units(report), notes(report), roadmap(report)] if assessed else []),
            *value, trajectory(report) if report["trajectory"] else None]
    detail = [criteria(report) if assessed else None, units_in_full(report) if assessed else None, methodology(report),
              records_appendix(report) if records else None]
    letters = iter("ABCDEFGH")
    return [replace(s, commentary=[tuple(item) for item in said.get(s.id, [])]) for s in body if s] + [
        replace(s, appendix=next(letters), commentary=[tuple(item) for item in said.get(s.id, [])]) for s in detail if s]


def generic(report: dict, metric) -> Section | None:
    """A metric without a layout of its own: its top-level figures as a table."""
    result = report["value"].get(metric.key)
    if not result:
        return None
    rows = [(k.replace("_", " "), Typed(v, "number" if isinstance(v, (int, float)) and not isinstance(v, bool) else "text"))
            for k, v in result.items() if not isinstance(v, (dict, list))]
    figures = _table("figures", "Figures", [("Figure", "text"), ("Value", "text")], rows)
    return Section(metric.key.replace("_", "-"), metric.title, tables=[figures])


def _money(report: dict, value) -> Typed:
    return Typed(value, "money", unit=report["value"].get("currency"))


def _rate(row: dict, name: str, statistic: str | None = None) -> Typed:
    """A group's ratio as a cell: the pooled, the median or the headline figure, with its bound."""
    from prodops.core.metrics.predictability import headline as one

    value = one(row, name) if statistic is None else row.get(f"{name}_{statistic}")
    return Typed(value, "percent", bound=row.get(f"{name}_bound"))


def _maturity_figures(m: dict) -> list[tuple[str, Typed, str]]:
    basis = f"since {m['since']}" + (f"; read with care: {len(m['warnings'])} warning{'s' if len(m['warnings']) > 1 else ''}"
                                     if m["warnings"] else "")
    out = [("Maturity", Typed(f"Level {m['level']} · {m['level_name']}", "text"), basis)]
    if m["next_level"]:
        progress = m["progress_to_next"]
        out.append((f"Progress to Level {m['next_level']}",
                    Typed(m["progress_suppressed"], "text") if progress is None else Typed(progress, "percent"),
                    f"{count(len(m['blockers']), 'criterion', 'criteria')} block it"))
    return out


def headline(report: dict) -> list[tuple[str, Typed, str]]:
    """(label, figure, basis) for the summary's key figures, in the order leadership asks."""
    m, v = report["maturity"], report["value"]
    out = _maturity_figures(m) if m else []
    ba = (v["predictability"] or {}).get("before_after")
    if ba and ba.get("difference_pp") is not None:
        b, a = ba["before"], ba["after"]
        moved = (f"{text(Typed(b['value'], 'percent', b.get('bound')))} → {text(Typed(a['value'], 'percent', a.get('bound')))}")
        ci = (f"; 95% CI {text(ba['ci_low_pp'], 'pp')} to {text(ba['ci_high_pp'], 'pp')}" if ba["ci_low_pp"] is not None else "")
        out.append((f"Planning accuracy ({ba['statistic']}) before and after {named_day(ba['change_date'], v['events'])}",
                    Typed(moved, "text"),
                    f"{text(ba['difference_pp'], 'pp')}{ci}; {b['n']} and {a['n']} sprints"))
    tv = v["time_value"]
    if tv and tv.get("hours_saved_per_pm_week") is not None:
        pairs = f"paired over {count(tv['paired'], 'PM')}" if tv["paired"] else "unpaired: no PM answered both surveys"
        out.append(("PM time saved, per PM per week", Typed(tv["hours_saved_per_pm_week"], "hours"),
                    f"{text(_money(report, tv['monthly_value']))} a month; {pairs}" if tv.get("monthly_value") is not None
                    else pairs))
    years = (v["launches"] or {}).get("years") or []
    if years and years[-1]["rate"] is not None:
        y = years[-1]
        out.append((f"Launch success {y['year']}", Typed(y["rate"], "percent"),
                    f"{y['succeeded']} of {y['known']} known outcomes"))
    rv = v["revenue"]
    if rv and rv["wins"]:
        out.append(("ARR after feedback-driven work", _money(report, rv["attributed_arr"]),
                    f"{count(len(rv['wins']), 'account')}; attribution, not causation"))
    return out


def summary(report: dict) -> Section:
    return Section("summary", TITLES["summary"], paragraphs=report["summary"], warnings=[
        w["message"] for w in (report["maturity"] or {}).get("warnings", [])], tables=[
        _table("headline", "Key figures", [("Figure", "text"), ("Value", "text"), ("Basis", "text")], headline(report))])


def score_beside(c: dict, report: dict) -> Typed:
    """A criterion's score beside the model's met threshold: it never reads as met when it is not."""
    return Typed(c["suppressed"], "text") if c.get("suppressed") else _judged(c, _met_threshold(report))


def _met_threshold(report: dict) -> float:
    return report["methodology"]["model"]["met_threshold"]


def _judged(c: dict, met_threshold: float) -> Typed:
    return _beside(c["score"], "score", ">=", met_threshold, c["answers_met"])


def _criterion_row(c: dict, met_threshold: float, data: bool) -> tuple:
    """A criterion as a row; with `data`, the figure that decides it, its n and days (or why it does not).
    A criterion resting on too few people says so where its score would be."""
    status = f"{c['status']} (data)" if c["data"] and c["data"]["decides"] else c["status"]
    score = Typed(c["suppressed"], "text") if c.get("suppressed") else _judged(c, met_threshold)
    return (c["id"], c["level"], c["text"], score, c["spread"], c["respondents"], status,
            c["disagreement"], *([evidence(c["data"]) if c["data"] else ""] if data else []))


def _criterion_columns(data: bool) -> list[tuple[str, str]]:
    return [("Criterion", "text"), ("Level", "level"), ("Statement", "text"), ("Score", "score"), ("Spread", "score"),
            ("n", "int"), ("Status", "text"), ("Disagree", "flag"), *([("Data", "text")] if data else [])]


DATA_NOTE = ("Data: the measured figure beside its line, and the sprints, launches or survey respondents it rests on "
             "with their first and last day; below the model's minimum it judges nothing and the answers decide.")


def maturity(report: dict) -> Section:
    m = report["maturity"]
    paragraphs = [f"Level {m['level']}, {m['level_name']}, since {m['since']}."]
    if m["next_level"]:
        stand = f"{count(len(m['blockers']), 'criterion stands', 'criteria stand')} in the way"
        paragraphs.append(f"{pct(m['progress_to_next'])} of the way to Level {m['next_level']}, {m['next_level_name']}: {stand}."
                          if m["progress_to_next"] is not None else
                          f"Level {m['next_level']}, {m['next_level_name']}, is next ({m['progress_suppressed']} to show "
                          f"how far): {stand}.")
    tables = [_table("dimensions", "Level by dimension", [("Dimension", "text"), ("Level", "level"), ("Level name", "text")],
                     [(d["name"], d["level"], d["level_name"]) for d in m["dimensions"]])]
    if m["blockers"]:
        tables.append(blockers_table(m["blockers"], m["next_level"], _met_threshold(report)))
    if m["disagreements"]:
        tables.append(_table("disagreements", "Where respondents disagree",
                             [("Criterion", "text"), ("Statement", "text"), ("Score", "score"), ("Spread", "score"),
                              ("Lowest role", "text"), ("Highest role", "text")],
                             [(c["id"], c["text"], c["score"], c["spread"],
                               *_role_extremes(c["by_role"], c.get("roles_suppressed")))
                              for c in m["disagreements"]],
                             "Spread is the highest answer minus the lowest; worth a conversation before acting."))
    if m["data_conflicts"]:
        tables.append(_table("data-conflicts", "Where the data and the answers differ",
                             [("Criterion", "text"), ("Statement", "text"), ("Answers' score", "score"),
                              ("Measured", "percent"), ("Line", "text"), ("Rests on", "text"), ("Data says", "text"),
                              ("Decides", "flag")],
                             [(c["id"], c["text"], score_beside(c, report), _measured(c["data"]),
                               f"{measure_name(c['data']['metric'])} {line(c['data']['op'], c['data']['threshold'], True)}",
                               rests_on(c["data"]), "met" if c["data"]["holds"] else "unmet", c["data"]["decides"])
                              for c in m["data_conflicts"]],
                             "Rests on: the sprints, launches or survey respondents measured, and their first and last day."))
    return Section("maturity", TITLES["maturity"], paragraphs, ["dimension-levels"], tables,
                   warnings=[w["message"] for w in m["warnings"]])


def units(report: dict) -> Section | None:
    """The units below side by side: the heat map of units x dimensions, the spread, the weakest unit
    (every unit's levels in a table: `units_in_full`, in the appendix)."""
    u = report["units"]
    if not u:
        return None
    dims = report["maturity"]["dimensions"]
    assessed = [row for row in u["units"] if row["level"] is not None]
    paragraphs = [f"{report['unit'] or report['organization']} is at Level {report['maturity']['level']}, scored from "
                  f"everyone below it; its units are scored the same way, each from its own respondents and data."]
    if assessed:
        paragraphs.append(f"The lowest unit is at Level {u['lowest']['level']}: {', '.join(u['lowest']['units'])}. "
                          + "; ".join(f"{count(n, 'unit')} at Level {level}" for level, n in u["distribution"].items()) + ".")
    unassessed = [row["name"] for row in u["units"] if row["level"] is None and not row.get("suppressed")]
    if unassessed:
        paragraphs.append(f"Not assessed yet: {', '.join(unassessed)}.")
    tables = []
    if assessed:
        tables.append(_table("unit-spread", "Spread between units", [("Dimension", "text"), ("Spread", "int"),
                                                                      ("Weakest", "text")],
                             [(d["name"], u["dimensions"][d["id"]]["spread"],
                               ", ".join(u["dimensions"][d["id"]]["weakest"]) if u["dimensions"][d["id"]]["spread"]
                               else "all alike")
                              for d in dims],
                             "Spread: the highest unit's level minus the lowest's, in levels."))
    return Section("units", TITLES["units"], paragraphs, ["unit-levels"] if assessed else [], tables, short="Units",
                   warnings=[f"{row['name']}: {w}" for row in u["units"] for w in row.get("warnings", [])])


def units_in_full(report: dict) -> Section | None:
    """Every unit's level by dimension, its respondents and the day it was assessed, as a table."""
    u = report["units"]
    if not u:
        return None
    dims = report["maturity"]["dimensions"]
    heat = _table("unit-levels", "Level by unit and dimension",
                  [("Unit", "text"), ("Part of", "text"), ("Level", "level"), *((d["name"], "level") for d in dims),
                   ("n", "int"), ("Assessed", "date")],
                  [(row["name"], row["parent"] or report["organization"],
                    Typed(row["suppressed"], "text") if row.get("suppressed") else row["level"],
                    *(row["dimensions"].get(d["id"]) for d in dims), row["respondents"], _date(row["date"]))
                   for row in u["units"]],
                  "Each unit is scored from its own respondents and those of the units it holds (n: those who gave a "
                  "scored answer), and from its teams' data; – where nobody in it has answered yet.")
    return Section("units-in-full", TITLES["units-in-full"], tables=[heat], short="Units in full")


def _role_extremes(by_role: dict, left_out: list | None = None) -> tuple[str, str]:
    """The lowest and the highest role with their mean, every role named where several tie; where
    roles of too few people are left out (confidential), one shown role is not called both."""
    if left_out and len(by_role) < 2:
        few = "the other roles: too few people each to show" if by_role else "every role: too few people to show"
        return (", ".join(f"{role} {half_up(s, 2)}" for role, s in by_role.items()) or few, few if by_role else "")
    if not by_role:
        return ("", "")

    def named(score: float) -> str:
        tied = sorted(role for role, s in by_role.items() if abs(s - score) <= 1e-9)  # means land a hair apart
        return f"{', '.join(tied)} {half_up(score, 2)}"

    return named(min(by_role.values())), named(max(by_role.values()))


def blockers_table(blockers: list[dict], next_level: int, met_threshold: float) -> Table:
    """The criteria that block the next level (report.model.blocking), as the report and the terminal show them."""
    data = any(c["data"] for c in blockers)
    return _table("blockers", f"What blocks Level {next_level}",
                  [("Dimension", "text"), *(col for col in _criterion_columns(data) if col[0] != "Level")],
                  [(c["dimension_name"], *(v for i, v in enumerate(_criterion_row(c, met_threshold, data)) if i != 1))
                   for c in blockers],
                  "A criterion is met when its weighted score reaches the model's threshold; "
                  "unanswered criteria block until someone answers." + (f" {DATA_NOTE}" if data else ""))


def criteria(report: dict) -> Section:
    return criteria_section(report["criteria"], _met_threshold(report))


def notes(report: dict) -> Section | None:
    """What respondents noted on each criterion, as it may be shown (core.confidentiality), and how many were withheld."""
    noted = report.get("notes")
    if not noted or not (noted["shown"] or noted["withheld"]):
        return None
    privacy = report.get("privacy") or {}
    paragraphs = []
    if privacy.get("mode") == "confidential":
        paragraphs.append(f"Without names, sorted by their text, on the statements at least {privacy['threshold']} people "
                          "noted on.")
    if noted["withheld"]:
        paragraphs.append(f"{count(noted['withheld'], 'note')} withheld: on a statement too few people noted on, or "
                          "hidden by an admin.")
    named = any(n.get("respondents") for n in noted["shown"])
    rows = [(f"{n['criterion']}: {n['text']}", note, *([n["respondents"][i]] if named else []))
            for n in noted["shown"] for i, note in enumerate(n["notes"])]
    columns = [("Statement", "text"), ("Note", "text"), *([("Respondent", "text")] if named else [])]
    tables = [_table("notes", "Notes by criterion", columns, rows, group=0)] if rows else []
    return Section("notes", TITLES["notes"], paragraphs, tables=tables, short="Notes")


def criteria_section(criteria: list[dict], met_threshold: float) -> Section:
    """The heat map of every criterion (report.model.criteria_document), by dimension and level: the
    report's, and the campaign dashboard's of its result as it stands."""
    data = any(c["data"] for c in criteria)
    return Section("criteria", TITLES["criteria"], short=TITLES["criteria"], paragraphs=[
        "Every criterion of the model, by dimension and level: its weighted score (0 to 1), the spread of the "
        "answers (highest minus lowest), the respondents who answered (n), and whether they disagree."],
        charts=["criteria-heatmap"],
        tables=[_table("criteria", "All criteria", [("Dimension", "text"), *_criterion_columns(data)],
                       [(c["dimension_name"], *_criterion_row(c, met_threshold, data)) for c in criteria],
                       DATA_NOTE if data else None, group=0)])


def _measured(d: dict) -> Typed:
    """A data verdict's figure (a share) beside its line; as measured when it is too few to judge."""
    return _beside(d["value"], "percent", d["op"], d["threshold"], d["holds"])


def _as_run(report: dict) -> list[Table]:
    """The investments as people run them: owner, cost, effort, dates, status, and whether a done one worked."""
    from prodops.core.tracking import worked

    tracking = report["roadmap"]["tracking"]
    if not tracking:
        return []
    return [_table("as-run", "Investments as run", [
        ("Investment", "text"), ("Status", "text"), ("Owner", "text"), ("Cost", "money"), ("Person-weeks", "number"),
        ("Target", "date"), ("Done on", "date"), ("Did it work?", "text")],
        [(t["name"], t["status"], t["owner"] or "", _money(report, t["cost"]), t["person_weeks"], _date(t["target"]),
          _date(t["done_on"]), worked(t["verification"])) for t in tracking.values()],
        note="Did it work: the criteria it was meant to satisfy at the first assessment on or after its done date, and "
             "the metric the model names for it in the quarter before and after that date.")]


def roadmap(report: dict) -> Section:
    r = report["roadmap"]
    inv = r["investments"]
    if not r["phases"]:
        return Section("roadmap", TITLES["roadmap"], ["Nothing left to invest in: every criterion of the model is met."],
                       tables=_as_run(report))
    phases = _table("phases", "Phases", [("Phase", "int"), ("Start", "date"), ("End", "date"), ("Investments", "text"),
                                         ("Effort (days)", "int"), ("Projected level", "level")],
                    [(p["number"], _date(p["start"]), _date(p["end"]), "; ".join(inv[i]["name"] for i in p["investments"]),
                      p["effort_days"], p["projected_level"]) for p in r["phases"]])
    investments = _table("investments", "Investments", [
        ("Investment", "text"), ("Phase", "int"), ("Effort", "text"), ("Effort (days)", "int"), ("Unblocks level", "level"),
        ("Blockers cleared", "int"), ("Criteria", "text"), ("Depends on", "text"), ("Measure of success", "text")],
        [(i["name"], i["phase"], i["effort"], i["effort_days"], i["unblocks_level"], i["blockers_cleared"],
          ", ".join(i["criteria"]), ", ".join(i["depends_on"]), i["metric"]["description"] if i.get("metric") else "")
         for i in sorted(inv.values(), key=lambda i: (i["phase"], i["name"]))])
    last = r["phases"][-1]
    return Section("roadmap", TITLES["roadmap"], [
        f"{count(len(inv), 'investment')} in {count(len(r['phases']), 'phase')} of {r['phase_days']} days, "
        f"{r['capacity']} at a time, "
        f"ordered by the blockers they clear; Level {last['projected_level']} projected by {last['end']}."],
        ["roadmap-levels"], [phases, investments, *_as_run(report)])


def predictability(report: dict) -> Section | None:
    p = report["value"]["predictability"]
    if not p:
        return None

    def counted(rows: list[dict], name: str) -> bool:
        """Whether some group has the figure `name` for fewer sprints than it has: then say how many."""
        return any(r[f"{name}_sprints"] != r["sprints"] for r in rows)

    groups = p["teams"] + [dict(p["overall"], team="All teams")]
    n_cols = [name for name in ("planning_accuracy", "scope_creep") if counted(groups, name)]
    rate_cols = [("Planning accuracy (pooled)", "percent"), ("Planning accuracy (median)", "percent"),
                 ("Say/do (median)", "percent"), ("Scope creep (median)", "percent")]
    n_titles = {"planning_accuracy": "Sprints with planning accuracy", "scope_creep": "Sprints with scope creep"}

    def rates(row: dict) -> tuple:
        return (_rate(row, "planning_accuracy", "pooled"), _rate(row, "planning_accuracy", "median"),
                _rate(row, "say_do", "median"), _rate(row, "scope_creep", "median"), *(row[f"{n}_sprints"] for n in n_cols))

    mixed = p["overall"]["planning_accuracy_pooled"] is None and "+" in p["overall"]["unit"]
    bounded = any(r[f"{n}_bound"] for r in groups for n in ("planning_accuracy", "say_do", "scope_creep"))
    quarters = p.get("by_quarter") or []
    paragraphs, tables = [], [
        _table("teams", "By team", [("Team", "text"), ("Unit", "text"), ("Sprints", "int"), ("Excluded (zero commitment)", "int"),
                                    *rate_cols, *((n_titles[n], "int") for n in n_cols)],
               [(g["team"], g["unit"], g["sprints"], g["excluded_zero_commitment"], *rates(g)) for g in groups],
               "Planning accuracy is committed work completed ÷ committed; pooled is Σ over the sprints ÷ Σ, median is the "
               "median sprint." + (" Teams count in points and in issues, so nothing is pooled across them." if mixed else "")
               + (" Where a sprint does not give a figure, that figure rests on fewer sprints, as counted." if n_cols else "")
               + (" ≤: at most this (the source gives only an upper bound); ≈: approximate (see Methodology)."
                  if bounded else "")),
        _table("quarters", "By quarter, all teams", [("Quarter", "text"), ("Sprints", "int"), ("Planning accuracy", "percent"),
                                                     ("Statistic", "text"), ("Say/do (median)", "percent"),
                                                     ("Scope creep (median)", "percent")],
               [(q["quarter"], q["sprints"], _rate(q, "planning_accuracy"),
                 "median" if q["planning_accuracy_pooled"] is None else "pooled", _rate(q, "say_do", "median"),
                 _rate(q, "scope_creep", "median"))
                for q in quarters],
               "A sprint counts in the quarter it started in. Pooled where the quarter's sprints count in one unit, "
               "else the median sprint.")]
    ba = p.get("before_after")
    if ba:
        change = named_day(ba["change_date"], report["value"]["events"])
        paragraphs.append(f"Since {change}: {ba['conclusion']}")
        tables.append(_table("before-after", f"Before and after {change}",
                             [("Period", "text"), ("Sprints", "int"), ("Planning accuracy", "percent"),
                              ("Excluded (zero commitment)", "int")],
                             [(name, ba[name]["n"], Typed(ba[name].get("value"), "percent", ba[name].get("bound")),
                               ba[name]["excluded_zero_commitment"]) for name in ("before", "after")],
                             f"Planning accuracy here is the {ba['statistic']} of each period; "
                             f"{len(ba['excluded_spanning_change'])} "
                             f"sprints spanning the change date and {ba['excluded_undated']} without dates are left out."))
    over_time = ["predictability-over-time"] if quarters else []  # dated sprints only
    return Section("predictability", TITLES["predictability"], paragraphs, over_time + ["predictability-by-team"], tables)


def launches(report: dict) -> Section | None:
    lv = report["value"]["launches"]
    if not lv:
        return None
    years = _table("years", "By year", [("Year", "year"), ("Launches", "int"), ("Known outcome", "int"), ("Succeeded", "int"),
                                        ("Success rate", "percent"), ("On time", "percent"), ("GTM-ready", "percent"),
                                        ("Adoption target met", "percent")],
                   [(y["year"], y["launches"], y["known"], y["succeeded"], y["rate"],
                     *(Typed(y[f"{part}_rate"], "percent", of=y.get(f"{part}_known")) for part in
                       ("on_time", "gtm_ready", "adoption_met"))) for y in lv["years"]],
                   "A launch succeeds when it is on time, GTM-ready and meets its adoption target; the success rate is "
                   "over the launches with a known outcome, each part's rate over those where that part is known "
                   "(\"63% of 8\"). Launches not yet due "
                   f"on {lv['as_of'] or 'the report date'} are pending and left out; those past their date and not "
                   "launched are late.")
    tables = [years]
    if lv["failures"]:
        tables.append(_table("failures", "Launches that did not succeed", [("Launch", "text"), ("Name", "text"), ("Year", "year"),
                                                                          ("Why", "text")],
                             [(f["launch"], f["name"], f["year"], ", ".join(f["reasons"])) for f in lv["failures"]]))
    if lv["pending"]:
        tables.append(_table("pending", "Pending launches", [("Launch", "text"), ("Name", "text"), ("Due", "date")],
                             [(x["launch"], x["name"], _date(x["original_date"])) for x in lv["pending"]]))
    return Section("launches", TITLES["launches"], [], ["launch-success"], tables)


def time_value(report: dict) -> Section | None:
    tv = report["value"]["time_value"]
    if not tv:
        return None
    paragraphs = []
    if tv.get("hours_saved_per_pm_week") is not None:
        line = f"PMs spend {half_up(tv['hours_saved_per_pm_week'], 1)} fewer hours a week on operational overhead"
        if tv.get("monthly_value") is not None:
            line += (f": at {text(_money(report, tv['hourly_rate']))} an hour for {text(tv['headcount'], 'number')} PMs"
                     + (" (those its time survey counts: no headcount is set for it)"
                        if tv.get("headcount_basis") == "surveyed" else "")
                     + f", {text(_money(report, tv['monthly_value']))} a month")
        paragraphs.append(line + ".")
    paired = ([(f"Total, paired: the {count(tv['paired'], 'PM')} who answered both", tv.get("paired_baseline_hours"),
                tv.get("paired_followup_hours"), -tv["hours_saved_per_pm_week"])] if tv["paired"] else [])
    cats = _table("categories", "Hours per PM per week", [("Activity", "text"), ("Baseline", "decimal"),
                                                        ("Follow-up", "decimal"), ("Change", "decimal")],
                  [(name.replace("_", " "), c["baseline"], c["followup"], _change(c["baseline"], c["followup"]))
                   for name, c in tv["by_category"].items()]
                  + [("Total, unpaired: everyone who answered each survey", tv["baseline_hours"], tv["followup_hours"],
                      _change(tv["baseline_hours"], tv["followup_hours"]))] + paired,
                  "Each activity and the unpaired total are means of everyone who answered each survey, so a change in "
                  "who answered moves them too."
                  + (" The hours saved per PM are the mean change of the " + (
                      f"{tv['paired']} PMs who answered both (the paired total)" if tv["paired"]
                      else "period means (no PM answered both)")
                     + f": {text(tv['hours_saved_per_pm_week'], 'hours')}." if tv["hours_saved_per_pm_week"] is not None else ""))
    basis = _table("basis", "Basis", [("Figure", "text"), ("Value", "number")], [
        ("Respondents, baseline", Typed(tv["respondents_baseline"], "int")),
        ("Respondents, follow-up", Typed(tv["respondents_followup"], "int")), ("Paired respondents", Typed(tv["paired"], "int")),
        ("Overhead share of working time, baseline", Typed(tv["overhead_share_baseline"], "percent")),
        ("Overhead share of working time, follow-up", Typed(tv["overhead_share_followup"], "percent")),
        ("Hourly rate", _money(report, tv["hourly_rate"])),
        ("PM headcount" + (", surveyed (none set)" if tv.get("headcount_basis") == "surveyed" else ""), tv["headcount"]),
        ("Monthly value", _money(report, tv["monthly_value"]))])
    return Section("time-value", TITLES["time-value"], paragraphs, ["time-value"], [cats, basis])


def _change(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def revenue(report: dict) -> Section | None:
    rv = report["value"]["revenue"]
    if not rv:
        return None
    currency = report["value"].get("currency")
    columns = [("Account", "text"), ("Date", "date"), ("Outcome", "text"), (f"ARR ({currency})" if currency else "ARR", "money"),
               ("Roadmap items", "text"), ("First shipped", "date"), ("Feedback", "text")]

    def rows(items: list[dict]) -> list[tuple]:
        return [(w["account"], _date(w["date"]), w["outcome"], w["arr"], ", ".join(w["item_names"]),
                 _date(w["first_shipped"]), ", ".join(w["feedback"])) for w in items]

    tables = [_table("wins", "Wins", columns, rows(rv["wins"]), rv["label"])]
    if rv.get("losses"):
        tables.append(_table("losses", "Losses despite feedback-driven work", columns, rows(rv["losses"])))
    return Section("revenue", TITLES["revenue"], short="Revenue wins", paragraphs=[
        f"{text(_money(report, rv['attributed_arr']))} ARR in {count(len(rv['wins']), 'account')} "
        f"({text(_money(report, rv['renewed_arr']))} renewed, {text(_money(report, rv['expansion_arr']))} expansion) "
        f"within {rv['window_days']} days of a shipped item their feedback drove. {rv['label']}"],
        charts=["revenue-wins"], tables=tables)


def symptoms(report: dict) -> Section | None:
    sv = report["value"]["symptoms"]
    if not sv:
        return None
    window, survey = sv["window"], sv.get("pm_overhead_survey")
    return Section("symptoms", TITLES["symptoms"], [
        f"Measured over the sprints that ended from {window['from']} to {window['to']}, both days included"
        + (f", and the time survey of {survey}" if survey else "")
        + "; a symptom is present when its measure crosses the line of the criterion it is the absence of." if window else
        "The data has no dates, so no window to look for symptoms in."], [], [
        _table("symptoms", "Symptoms", [("Symptom", "text"), ("Measure", "text"), ("Value", "percent"), ("Line", "text"),
                                        ("Rests on", "text"), ("Present", "text")],
               [(s["symptom"], measure_name(s["measure"]),
                 _beside(s["value"], "percent", s["op"], s["threshold"],
                         None if s["present"] is None else not s["present"]),
                 line(s["op"], s["threshold"], True), rests_on(s),
                 too_few(s) or ("yes" if s["present"] else "no")) for s in sv["symptoms"]],
               "Rests on: the sprints, launches or survey respondents measured, and their first and last day; "
               "below the line's minimum a measure judges nothing.")])


def trajectory(report: dict) -> Section:
    t = report["trajectory"]
    dims = [(d["id"], d["name"]) for d in report["maturity"]["dimensions"]]
    return Section("trajectory", TITLES["trajectory"], [
        (f"{len(t)} recorded assessments from {t[0]['date']} to {t[-1]['date']}." if len(t) > 1
         else f"One recorded assessment, on {t[0]['date']}: the trajectory starts here.")] if t else [],
        ["trajectory"],
        [_table("assessments", "Assessments", [("Date", "date"), ("Level", "level"), ("Respondents", "int"),
                                               ("Progress to next", "percent"), *((name, "level") for _, name in dims)],
                [(_date(a["date"]), a["level"], a["respondents"], a["progress_to_next"],
                  *(a["dimensions"].get(i) for i, _ in dims)) for a in t])])


def methodology(report: dict) -> Section:
    m = report["methodology"]
    model = m["model"]
    sizes, excl = m["sample_sizes"], m["exclusions"]
    ts = sizes["time_survey"] or {}
    tables = [
        _table("model", "Model and thresholds", [("Setting", "text"), ("Value", "text")], [
            ("Model", f"{model['id']}@{model['version']}"), ("Data as of", m["as_of"]),
            ("Criterion met at score", Typed(model["met_threshold"], "score")),
            ("Disagreement at spread", Typed(model["disagreement_spread"], "score")),
            ("When data and answers differ, decides", model["data_precedence"])]),
        _table("respondents", "Respondents by role", [("Role", "text"), ("Respondents", "int")],
               [*m["respondents_by_role"].items(), ("All", m["respondents"])]),
        _table("samples", "Sample sizes and exclusions", [("What", "text"), ("Count", "int")], [
            ("Sprints", sizes["sprints"]), ("Time survey, baseline", ts.get("respondents_baseline")),
            ("Time survey, follow-up", ts.get("respondents_followup")), ("Time survey, paired", ts.get("paired")),
            ("Launches", sizes["launches"]), ("Sprints excluded: zero commitment", excl["zero_commitment_sprints"]),
            ("Launches excluded: outcome unknown", excl["launches_unknown"]),
            ("Launches excluded: pending", excl["launches_pending"])]),
    ]
    if m["approximations"]:
        tables.append(_table("approximations", "Approximations", [("Approximation", "text")],
                             [(a,) for a in m["approximations"]]))
    titles = {"scoring": "Scoring", "roadmap": "Roadmap", "before_after": "Before and after",
              **{m.key: m.method_title for m in METRICS.values()}}
    ba = ((report["value"].get("predictability") or {}).get("before_after") or {})
    exact = ([f"The before-and-after comparison's exact two-sided Mann-Whitney p: {ba['p_value']:.3g} (the report "
              "writes a p below 0.001 as p < 0.001)."] if ba.get("p_value") is not None else [])
    return Section("methodology", TITLES["methodology"], short=TITLES["methodology"], paragraphs=[
        f"How each figure is computed, quoted from the code that computes it. Data dated after {m['as_of']} is left "
        "out: a sprint counts once it has ended, a launch not yet due is pending.", *exact], tables=tables,
        blocks=[(titles.get(k, k), prose(v)) for k, v in m["definitions"].items()])


def prose(doc: str) -> list[tuple[str, str]]:
    """A docstring as ("p" | "li", text) items: its hard-wrapped lines joined, "- " lines as list
    items, code marks (`x`, *x*) dropped, so a definition reads as text in every format."""
    items: list[list[str]] = []
    for block in doc.split("\n\n"):
        current = None
        for doc_line in block.splitlines():
            if doc_line.startswith("- "):
                current = ["li", doc_line[2:].strip()]
                items.append(current)
            elif current is not None and (doc_line.startswith(" ") or current[0] == "p"):
                current[1] += " " + doc_line.strip()
            else:
                current = ["p", doc_line.strip()]
                items.append(current)
    return [(kind, re.sub(r"`([^`]*)`|\*([^*\s][^*]*)\*", lambda m: m[1] or m[2], text)) for kind, text in items]


VALUE_SECTIONS = {"predictability": predictability, "launches": launches, "time_value": time_value, "revenue": revenue,
                  "symptoms": symptoms}


# Every figure one click from its records: each metric's `records` as a table, the columns chosen
# once here for the workbook, the web app's records page and its CSV. (field, title, kind); "yes/no"
# is a true/false/unknown field written as words, "measured" a symptom record's value (a share, a
# ratio or true/false), shown as its measure reads it.
COUNTED = [("counted", "Counted", "yes/no"), ("reason", "Left out because", "text")]
RECORD_COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "predictability": [
        ("team", "Team", "text"), ("sprint", "Sprint", "text"), *COUNTED, ("period", "Period", "text"),
        ("comparison_reason", "Not compared because", "text"), ("start", "Start", "date"), ("end", "End", "date"),
        ("unit", "Unit", "text"), ("committed", "Committed", "number"),
        ("completed_committed", "Completed committed", "number"), ("completed", "Completed", "number"),
        ("added", "Added", "number"), ("planning_accuracy", "Planning accuracy", "percent"),
        ("say_do", "Say/do", "percent"), ("scope_creep", "Scope creep", "percent")],
    "time_value": [
        ("id", "Respondent", "text"), ("team", "Team", "text"), *COUNTED, ("baseline_date", "Baseline", "date"),
        ("followup_date", "Follow-up", "date")],  # never their hours: each person's answers are their own
    "launches": [
        ("id", "Launch", "text"), ("name", "Name", "text"), ("team", "Team", "text"), ("year", "Year", "year"),
        ("outcome", "Outcome", "text"), ("failed_because", "Failed because", "text"), *COUNTED,
        ("original_date", "Due", "date"), ("actual_date", "Launched", "date"), ("on_time", "On time", "yes/no"),
        ("gtm_ready", "GTM-ready", "yes/no"), ("adoption_met", "Adoption met", "yes/no")],
    "revenue": [
        ("account", "Account", "text"), ("date", "Date", "date"), ("outcome", "Outcome", "text"), *COUNTED,
        ("arr_before", "ARR before", "money"), ("arr_after", "ARR after", "money"),
        ("attributed_arr", "Attributed ARR", "money"), ("roadmap_items", "Roadmap items", "text"),
        ("feedback", "Feedback", "text")],
    "symptoms": [
        ("measure", "Measure", "text"), ("id", "Record", "text"), *COUNTED, ("date", "Date", "date"),
        ("value", "Value", "measured"), ("length_days", "Length (days)", "int"), ("start_weekday", "Start weekday", "text")],
}
RECORD_COLUMNS["data_verdicts"] = RECORD_COLUMNS["symptoms"]  # the same measurements, over the assessment's quarter
RECORD_TITLES = {"predictability": "The sprints", "time_value": "The survey respondents", "launches": "The launches",
                 "revenue": "The account outcomes", "symptoms": "What each measurement rests on",
                 "data_verdicts": "What each data verdict rests on"}
VERDICTS = "data-verdicts"  # the name of the data verdicts' records beside the metrics' (as the web app's links say it)
VERDICTS_TITLE = "Criteria checked against the data"


@dataclass(frozen=True)
class RecordList:
    """A figure's records as the report holds them: a value metric's, or the data verdicts' of the assessment."""
    name: str  # as a link names it: predictability, time-value..., data-verdicts
    key: str  # of RECORD_COLUMNS
    title: str
    records: list[dict]

    @property
    def counted(self) -> int:
        return sum(1 for r in self.records if r["counted"])


def record_lists(report: dict) -> list[RecordList]:
    """Every figure's records the report holds: each value metric's, then the data verdicts'."""
    out = [RecordList(m.name, m.key, m.title, result["records"]) for m in METRICS.values()
           if (result := report["value"].get(m.key)) and result.get("records") is not None and m.key in RECORD_COLUMNS]
    if report["maturity"] and report["maturity"].get("data_records"):
        out.append(RecordList(VERDICTS, "data_verdicts", VERDICTS_TITLE, report["maturity"]["data_records"]))
    return out
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def record_cell(record: dict, field: str, kind: str):
    """A record's field as a typed cell."""
    value = record.get(field)
    if kind == "yes/no":
        return None if value is None else "yes" if value else "no"
    if kind == "date":
        return _date(value)
    if field == "start_weekday" and isinstance(value, int):
        return WEEKDAYS[value - 1]
    if kind == "measured":
        if isinstance(value, bool):
            return "yes" if value else "no"
        return Typed(value, "percent")
    if field == "measure" and isinstance(value, str):  # in words, as the symptoms table names it
        return measure_name(value)
    return value


def records_table(key: str, records: list[dict]) -> Table:
    """A metric's records as a table: counted first, each in the order its metric lists them."""
    columns = [(title, "text" if kind in ("yes/no", "measured") else kind) for _, title, kind in RECORD_COLUMNS[key]]
    rows = [tuple(record_cell(r, f, kind) for f, _, kind in RECORD_COLUMNS[key]) for r in records]
    counted = sum(1 for r in records if r["counted"])
    return _table(f"{key}-records", RECORD_TITLES[key], columns, rows,
                  note=f"{counted:,} counted, {len(records) - counted:,} left out, each with the reason.")


def records_csv(key: str, records: list[dict]) -> str:
    """A figure's records as CSV (the web app's download): the stored values, `id` first. The
    columns of figures (NUMERIC, and the measured values) keep their numbers; every other column,
    text from the data people imported, is written as text a spreadsheet never runs."""
    from prodops.core.spreadsheet import csv_document

    fields = ["id", *(f for f, _, _ in RECORD_COLUMNS[key] if f != "id")]
    numeric = {f for f, _, kind in RECORD_COLUMNS[key] if kind in NUMERIC or kind == "measured"}
    return csv_document(fields, ([r.get(f) for f in fields] for r in records), numeric)


def record_sections(report: dict) -> list[Section]:
    """One section per figure listing its records, counted and left out with the reasons."""
    return [Section(f"{f.name}-records", f"{f.title}: the records", tables=[records_table(f.key, f.records)],
                    short=f"Records {f.name}") for f in record_lists(report)]


def figures_with_records(report: dict) -> list[tuple[str, str, str, int, int]]:
    """(name, title, its figure as read, records counted, records left out) of each figure the
    report holds records of: what the organisation page links to its records."""
    v, out = report["value"], []
    for f in record_lists(report):
        result = v.get(f.key) or {}
        figure = ""
        if f.key == "predictability":
            ba = result.get("before_after")
            if ba and ba["before"]["value"] is not None and ba["after"]["value"] is not None:
                figure = (f"planning accuracy {text(Typed(ba['before']['value'], 'percent', ba['before'].get('bound')))} → "
                          f"{text(Typed(ba['after']['value'], 'percent', ba['after'].get('bound')))} "
                          f"({ba['before']['n']} and {ba['after']['n']} sprints)")
            elif result.get("overall"):
                from prodops.core.metrics.predictability import headline as one

                figure = "planning accuracy " + text(Typed(one(result["overall"], "planning_accuracy"), "percent",
                                                           result["overall"].get("planning_accuracy_bound")))
        elif f.key == "time_value" and result.get("hours_saved_per_pm_week") is not None:
            figure = f"{text(result['hours_saved_per_pm_week'], 'hours')} saved per PM per week"
        elif f.key == "launches" and result["years"] and result["years"][-1]["rate"] is not None:
            y = result["years"][-1]
            figure = f"{text(y['rate'], 'percent')} in {y['year']} ({y['succeeded']} of {y['known']})"
        elif f.key == "revenue":
            figure = f"{text(_money(report, result['attributed_arr']))} ARR in {count(len(result['wins']), 'win')}"
        elif f.key == "symptoms":
            figure = count(len(result["measurements"]), "measurement")
        elif f.key == "data_verdicts":
            checked = [c for c in report["criteria"] if c["data"]]
            figure = (f"{count(len(checked), 'criterion', 'criteria')} checked against the data, "
                      f"{sum(1 for c in checked if c['data']['decides'])} decided by it")
        out.append((f.name, f.title, figure, f.counted, len(f.records) - f.counted))
    return out


APPENDIX_ROWS = 30  # of each figure's left-out records in the HTML and PDF appendix; the rest in the XLSX and JSON


def records_appendix(report: dict) -> Section | None:
    """The compact appendix of the HTML and PDF reports: per figure, how many records it counted
    and the ones it left out, with the reason (the first `APPENDIX_ROWS`)."""
    tables, paragraphs = [], []
    for f in record_lists(report):
        if not f.records:
            continue
        left = [r for r in f.records if not r["counted"]]
        paragraphs.append(f"{f.title}: {count(f.counted, 'record')} counted, {len(left):,} left out.")
        if not left:
            continue
        what = ((lambda r: f"{record_cell(r, 'measure', 'text')}: {r['id']}") if f.key in ("symptoms", "data_verdicts")
                else (lambda r: r["id"]))
        rows = [(what(r), r["reason"]) for r in left[:APPENDIX_ROWS]]
        more = len(left) - len(rows)
        tables.append(_table(f"{f.key}-left-out", f"{f.title}: left out", [("Record", "text"), ("Why", "text")],
                             rows, note=f"And {more:,} more: every record is in the XLSX and JSON reports." if more else None))
    if not paragraphs:
        return None
    return Section("records", "The records behind the figures", short="Records",
                   paragraphs=["Each figure rests on records (sprints, survey respondents, launches, account "
                               "outcomes); every one, counted or not, is listed in the XLSX report's Records sheets and "
                               "the JSON report. Those left out, with the reason:", *paragraphs], tables=tables)
