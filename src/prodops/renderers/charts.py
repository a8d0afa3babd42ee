"""The report's charts as Vega-Lite specs, rendered offline to SVG by vl-convert.

One spec per chart serves HTML, PDF and Markdown alike. Dates are ISO days read as UTC midnight, so
time scales are UTC too: in local time a chart would move its marks with the machine's time zone.
Every chart has a title, axis titles and a legend where colour means something; colours step in
lightness and lines also differ in dash and point shape, so the charts still read when printed in
grayscale.
"""

from __future__ import annotations

import re

from prodops.core.metrics.predictability import headline
from prodops.core.numbers import count, natural
from prodops.core.safe_text import printable
from prodops.core.report.layout import Typed, named_day, score_beside, text

WIDTH = 620
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
# Dark-to-light steps of blue, then oranges and greys: neighbours differ in lightness. Lines get
# no pale colours: a thin pale line vanishes on paper.
PALETTE = ["#08306b", "#6baed6", "#d94801", "#fdae6b", "#2171b5", "#c6dbef", "#525252", "#bdbdbd", "#7f2704", "#969696"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3], [10, 2], [3, 5], [6, 2, 2, 2], [12, 4]]
LINES = ["#08306b", "#2171b5", "#6baed6", "#d94801", "#fd8d3c", "#7f2704", "#525252", "#969696", "#54278f", "#238b45"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "circle", "square", "diamond", "cross"]

# More teams than this make a chart a page long or a tangle of lines: charts show the teams with the
# most sprints and say so; the tables list every team.
MOST_TEAMS_BARS, MOST_TEAMS_LINES = 15, 8

CONFIG = {
    "font": FONT,
    "title": {"fontSize": 14, "anchor": "start", "offset": 10},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e6e6e6"},
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "orient": "bottom", "direction": "horizontal", "columns": 4,
               "labelLimit": 260},
    "view": {"stroke": None},
    "background": "white",
}


LABEL = 200  # characters of a name a chart is given: Vega measures text letter by letter, and a name of
# a million letters (none can be imported; a workspace may be older) would take minutes to draw


def _name(text: str) -> str:
    """A name as a chart may show it: cut to LABEL characters, without control characters (which
    the SVG renderer refuses: they are not XML)."""
    text = printable(text)
    return text if len(text) <= LABEL else text[:LABEL - 1] + "…"


def _spec(title: str, subtitle: str | list[str] | None = None, width: int | dict | None = WIDTH, **body) -> dict:
    # width: pixels, or {"step": pixels} for each band of a discrete axis
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "title": {"text": title, **({"subtitle": [x for x in subtitle if x] if isinstance(subtitle, list) else subtitle}
                                        if subtitle else {})},
            **({"width": width} if width else {}), "config": CONFIG, **body}


def _level_axis(report: dict, title: str = "Level") -> dict:
    top = report["maturity"]["top_level"]
    return {"title": title, "scale": {"domain": [0, top]}, "axis": {"values": list(range(1, top + 1)), "format": "d"}}


def dimension_levels(report: dict) -> dict:
    m = report["maturity"]
    rows = [{"dimension": _name(d["name"]), "level": d["level"], "label": _name(f"{d['level']} {d['level_name']}")}
            for d in m["dimensions"]]
    order = [r["dimension"] for r in rows]
    y = {"field": "dimension", "type": "nominal", "sort": order, "title": None, "axis": {"labelLimit": 220}}
    overall = f"Overall: Level {m['level']} {m['level_name']} (the lowest level every dimension has reached)"
    return _spec("Level by dimension", overall,
                 height=24 * len(rows), data={"values": rows}, layer=[
        {"mark": {"type": "bar", "color": PALETTE[4], "height": 16},
         "encoding": {"y": y, "x": {"field": "level", "type": "quantitative", **_level_axis(report)}}},
        # inside the bar's end, clear of the dashed line that runs along the overall level's bars
        {"mark": {"type": "text", "align": "right", "dx": -6, "fontSize": 11, "color": "white", "fontWeight": "bold"},
         "encoding": {"y": y, "x": {"field": "level", "type": "quantitative"}, "text": {"field": "label"}}},
        {"data": {"values": [{"level": m["level"], "what": "Overall level"}]},
         "mark": {"type": "rule", "strokeDash": [6, 3], "strokeWidth": 2},
         "encoding": {"x": {"field": "level", "type": "quantitative"},
                      "color": {"field": "what", "type": "nominal", "title": None, "scale": {"range": ["#000000"]}}}},
    ])


def criteria_heatmap(report: dict) -> dict:
    slots: dict[tuple, int] = {}
    rows = []
    for c in report["criteria"]:
        key = (c["dimension"], c["level"])
        slots[key] = slots.get(key, 0) + 1
        shown = {"na": "N/A", "unanswered": "?"}.get(c["status"])
        rows.append({"dimension": _name(c["dimension_name"]), "level": f"Level {c['level']}", "slot": slots[key],
                     "score": c["score"], "disagreement": c["disagreement"],
                     "label": (shown or text(score_beside(c, report))) + ("*" if c["data"] and c["data"]["decides"] else ""),
                     "dark": c["score"] is not None and c["score"] >= 0.55})
    order = list(dict.fromkeys(r["dimension"] for r in rows))
    enc = {"y": {"field": "dimension", "type": "nominal", "sort": order, "title": None, "axis": {"labelLimit": 200}},
           "x": {"field": "slot", "type": "ordinal", "title": None, "axis": None}}
    # One column per level, as wide as its criteria: each criterion a cell of the same size.
    return _spec("Criteria heat map", ["Weighted score of the answers per criterion (0 to 1), in the order of the table below;",
                                       "a black frame marks respondents who disagree; * the data decides met or unmet; "
                                       "? unanswered"],
                 data={"values": rows}, width=None,
                 facet={"column": {"field": "level", "type": "ordinal", "title": None,
                                   "header": {"labelFontSize": 12, "labelFontWeight": "bold"}}},
                 resolve={"scale": {"x": "independent"}},
                 spacing=10,
                 spec={"width": {"step": 40}, "height": {"step": 30}, "layer": [
        {"mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
         "encoding": {**enc, "color": {"field": "score", "type": "quantitative", "title": "Score",
                                       "scale": {"domain": [0, 1], "scheme": "blues"},
                                       "legend": {"direction": "horizontal", "gradientLength": 200}}}},
        {"transform": [{"filter": "datum.disagreement"}],
         "mark": {"type": "rect", "fill": None, "stroke": "black", "strokeWidth": 2.5}, "encoding": enc},
        {"mark": {"type": "text", "fontSize": 10},
         "encoding": {**enc, "text": {"field": "label"},
                      "color": {"condition": {"test": "datum.dark", "value": "white"}, "value": "black"}}},
    ]})


def unit_levels(report: dict) -> dict:
    """The units x dimensions heat map: each unit's level per dimension, the lowest in a dimension framed."""
    u, top = report["units"], report["maturity"]["top_level"]
    dims = report["maturity"]["dimensions"]
    whole = {"name": f"{report['unit'] or report['organization']} (everyone)", "depth": 0,
             "dimensions": {d["id"]: d["level"] for d in dims}}  # the parent itself, beside its units
    rows = [{"unit": _name(("· " * (row["depth"] - 1)) + row["name"]), "dimension": _name(d["name"]),
             "level": row["dimensions"][d["id"]], "dark": row["dimensions"][d["id"]] >= (top + 1) / 2,
             "weakest": row["depth"] > 0 and u["dimensions"][d["id"]]["spread"] > 0
             and row["name"] in u["dimensions"][d["id"]]["weakest"]}
            for row in [whole, *(r for r in u["units"] if r["level"] is not None)] for d in dims]
    units = list(dict.fromkeys(r["unit"] for r in rows))
    enc = {"y": {"field": "unit", "type": "nominal", "sort": units, "title": None, "axis": {"labelLimit": 200}},
           "x": {"field": "dimension", "type": "nominal", "sort": [_name(d["name"]) for d in dims], "title": None,
                 "axis": {"labelAngle": -35, "labelLimit": 280, "orient": "top"}}}
    return _spec("Level by unit and dimension", ["Each unit scored from its own respondents and data; a unit within "
                                                 "another is marked ·;", "a black frame marks the weakest unit in a "
                                                 "dimension where the units differ"],
                 data={"values": rows}, width={"step": 56}, height={"step": 30}, layer=[
        {"mark": {"type": "rect", "stroke": "white", "strokeWidth": 2},
         "encoding": {**enc, "color": {"field": "level", "type": "quantitative", "title": "Level",
                                       "scale": {"domain": [1, top], "scheme": "blues"},
                                       "legend": {"direction": "horizontal", "gradientLength": 200,
                                                  "values": list(range(1, top + 1))}}}},
        {"transform": [{"filter": "datum.weakest"}],
         "mark": {"type": "rect", "fill": None, "stroke": "black", "strokeWidth": 2.5}, "encoding": enc},
        {"mark": {"type": "text", "fontSize": 12},
         "encoding": {**enc, "text": {"field": "level"},
                      "color": {"condition": {"test": "datum.dark", "value": "white"}, "value": "black"}}},
    ])


def roadmap_levels(report: dict) -> dict:
    r = report["roadmap"]
    points = [{"date": r["assessment_date"], "level": r["current_level"], "label": "Now"}] + [
        {"date": p["end"], "level": p["projected_level"], "label": f"Phase {p['number']}"} for p in r["phases"]]
    x = {"field": "date", "type": "temporal", "title": "End of phase", "scale": {"type": "utc"},
         "axis": {"format": "%b %Y", "labelAngle": 0, "labelFlush": False}}
    return _spec("Projected level by phase", f"{r['capacity']} investments at a time, {r['phase_days']}-day phases",
                 height=200, data={"values": points}, layer=[
        {"mark": {"type": "line", "interpolate": "step-after", "color": PALETTE[0], "strokeWidth": 2, "point": {"size": 50}},
         "encoding": {"x": x, "y": {"field": "level", "type": "quantitative", **_level_axis(report, "Projected level")}}},
        {"mark": {"type": "text", "dy": -12, "fontSize": 10},
         "encoding": {"x": x, "y": {"field": "level", "type": "quantitative"}, "text": {"field": "label"}}},
    ])


def trajectory(report: dict) -> dict:
    rows = []
    for a in report["trajectory"]:
        dims = list(a["dimensions"].values()) or [a["level"]]
        rows.append({"date": a["date"], "level": a["level"], "low": min(dims), "high": max(dims)})
    # Assessments are snapshots: one tick each, evenly spaced, labelled with its date.
    x = {"field": "date", "type": "ordinal", "title": "Assessment",
         "axis": {"labelAngle": 0 if len(rows) <= 6 else -45, "labelOverlap": "parity"}}
    return _spec("Maturity over time", "Overall level and the range of the dimensions' levels at each assessment",
                 height=200, data={"values": rows}, layer=[
        {"mark": {"type": "area", "opacity": 0.45},
         "encoding": {"x": x, "y": {"field": "low", "type": "quantitative", **_level_axis(report)}, "y2": {"field": "high"},
                      "color": {"datum": "Range of dimension levels", "type": "nominal",
                                "scale": {"domain": ["Overall level", "Range of dimension levels"],
                                          "range": ["#000000", PALETTE[1]]},
                                "title": None, "legend": {"symbolOpacity": 1}}}},
        {"mark": {"type": "line", "strokeWidth": 3, "point": {"size": 70, "filled": True}},
         "encoding": {"x": x, "y": {"field": "level", "type": "quantitative"},
                      "color": {"datum": "Overall level", "type": "nominal"}}},
    ])


def predictability_over_time(report: dict) -> dict:
    v = report["value"]
    shown, note = _shown_teams(v["predictability"]["teams"], MOST_TEAMS_LINES)
    rows = [{"quarter": q["start"], "team": _name(q["team"]), "accuracy": q["planning_accuracy"], "overall": False}
            for q in v["predictability"]["by_team_quarter"] if q["planning_accuracy"] is not None and q["team"] in shown]
    teams = sorted({r["team"] for r in rows})
    overall = "All teams" if "All teams" not in teams else "All teams (overall)"  # a team may be called that
    rows += [{"quarter": q["start"], "team": overall, "accuracy": q["planning_accuracy"], "overall": True}
             for q in v["predictability"]["by_quarter"] if q["planning_accuracy"] is not None]
    teams.append(overall)
    x = {"field": "quarter", "type": "temporal", "title": "Quarter (sprint start)", "scale": {"type": "utc"},
         "axis": {"format": "%Y Q%q", "labelAngle": 0, "labelFlush": False, "tickCount": {"interval": "month", "step": 3}}}
    layers = [{
        "mark": {"type": "line", "point": {"size": 30}},
        "encoding": {
            "x": x, "y": {"field": "accuracy", "type": "quantitative", "title": "Planning accuracy (completed ÷ committed)",
                          "axis": {"format": "%"}, "scale": {"zero": False}},
            "color": {"field": "team", "type": "nominal", "title": "Team", "sort": teams,
                      "scale": {"domain": teams, "range": [LINES[i % len(LINES)] for i in range(len(teams) - 1)] + ["#000000"]}},
            "strokeDash": {"field": "team", "type": "nominal", "sort": teams,
                           "scale": {"domain": teams,
                                     "range": [DASHES[i % len(DASHES)] for i in range(len(teams) - 1)] + [[1, 0]]}},
            "shape": {"field": "team", "type": "nominal", "sort": teams,
                      "scale": {"domain": teams, "range": [SHAPES[i % len(SHAPES)] for i in range(len(teams) - 1)] + ["circle"]}},
            "strokeWidth": {"condition": {"test": "datum.overall", "value": 3.5}, "value": 1.3},
        }}]
    change = v.get("change_date")
    named = {e["date"]: named_day(e["date"], v["events"]) for e in v["events"]}
    marks = [{"date": d, "label": label, "change": d == change} for d, label in named.items()]
    if change and change not in named:
        marks.append({"date": change, "label": f"Change {change}", "change": True})
    if marks:  # the change date dashed, other named days dotted; each labelled with its date and name
        marks.sort(key=lambda m: m["date"])
        on_x = {"field": "date", "type": "temporal", "scale": {"type": "utc"}}
        layers.append({"data": {"values": marks}, "mark": {"type": "rule", "color": "#000000"},
                       "encoding": {"x": on_x, "strokeDash": {"condition": {"test": "datum.change", "value": [4, 4]},
                                                              "value": [1, 3]}}})
        middle = sorted(r["quarter"] for r in rows)[len(rows) // 2] if rows else ""
        for i, m in enumerate(marks):  # labels on three heights, so that close days do not overwrite each other
            right = m["date"] > middle  # in the right half the label runs leftwards, inside the chart
            layers.append({"data": {"values": [m]}, "mark": {
                "type": "text", "align": "right" if right else "left", "dx": -4 if right else 4, "baseline": "top",
                "fontSize": 10}, "encoding": {"x": on_x, "y": {"value": 4 + 14 * (i % 3)}, "text": {"field": "label"}}})
    return _spec("Planning accuracy by quarter",
                 ["Each team pooled over its sprints" + (f" ({note})" if note else "")
                  + "; all teams pooled, or the median sprint where teams count in different units",
                  ("The dashed line marks the change date" if change else "")
                  + ("; dotted lines mark named days" if any(not m["change"] for m in marks) else "")],
                 height=260, data={"values": rows}, layer=layers)


def _shown_teams(teams: list[dict], n: int) -> tuple[set[str], str | None]:
    """The teams a chart shows and, when that is not all of them, a note that says which."""
    if len(teams) <= n:
        return {t["team"] for t in teams}, None
    busiest = sorted(teams, key=lambda t: (-t["sprints"], natural(t["team"])))[:n]
    return {t["team"] for t in busiest}, f"the {n} teams with the most sprints of {len(teams)}; the table lists all"


def predictability_by_team(report: dict) -> dict:
    p = report["value"]["predictability"]
    shown, note = _shown_teams(p["teams"], MOST_TEAMS_BARS)
    rows: list[dict] = []
    for t in p["teams"]:
        acc = headline(t, "planning_accuracy")
        if acc is not None and t["team"] in shown:
            rows.append({"team": _name(t["team"]), "accuracy": acc,
                         "label": f"{text(Typed(acc, 'percent', t['planning_accuracy_bound']))} "
                                  f"({count(t['planning_accuracy_sprints'], 'sprint')})"})
    order = [r["team"] for r in sorted(rows, key=lambda r: (-r["accuracy"], r["team"]))]
    y = {"field": "team", "type": "nominal", "title": None, "sort": order, "axis": {"labelLimit": 200}}
    x = {"field": "accuracy", "type": "quantitative", "title": "Planning accuracy, all sprints (pooled)",
         "axis": {"format": "%", "values": [0, 0.2, 0.4, 0.6, 0.8, 1]}, "scale": {"domain": [0, 1.2], "nice": False}}
    return _spec("Planning accuracy by team", note and note[0].upper() + note[1:], height=24 * max(len(rows), 1),
                 data={"values": rows}, layer=[
        {"mark": {"type": "bar", "color": PALETTE[4], "height": 16}, "encoding": {"y": y, "x": x}},
        {"mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 10},
         "encoding": {"y": y, "x": {"field": "accuracy", "type": "quantitative"}, "text": {"field": "label"}}},
    ])


def launch_success(report: dict) -> dict:
    measures = [("rate", "Succeeded"), ("on_time_rate", "On time"), ("gtm_ready_rate", "GTM-ready"),
                ("adoption_met_rate", "Adoption target met")]
    rows = [{"year": str(y["year"]), "measure": name, "order": i, "rate": y[key], "label": text(y[key], "percent")}
            for y in report["value"]["launches"]["years"] for i, (key, name) in enumerate(measures) if y[key] is not None]
    names = [n for _, n in measures]
    enc = {"x": {"field": "year", "type": "ordinal", "title": "Launch year", "axis": {"labelAngle": 0}},
           "xOffset": {"field": "measure", "type": "nominal", "sort": names},
           "y": {"field": "rate", "type": "quantitative", "title": "Share of launches", "axis": {"format": "%"},
                 "scale": {"domain": [0, 1.08]}}}
    return _spec("Launch success by year", "A launch succeeds when it is on time, GTM-ready and meets its adoption target",
                 height=220, data={"values": rows}, layer=[
        {"mark": {"type": "bar", "stroke": "#000000", "strokeWidth": 0.5},
         "encoding": {**enc, "color": {"field": "measure", "type": "nominal", "title": None, "sort": names,
                                       "scale": {"domain": names,  # greys 38, 159, 107, 216
                                                 "range": [PALETTE[0], PALETTE[1], PALETTE[2], "#fdd0a2"]}}}},
        {"mark": {"type": "text", "dy": -6, "fontSize": 10},
         "encoding": {**enc, "text": {"field": "label"}}},  # rounded as the tables round
    ])


def time_value(report: dict) -> dict:
    tv = report["value"]["time_value"]
    rows = [{"activity": name.replace("_", " "), "survey": label, "hours": c[key], "label": text(c[key], "number")}
            for name, c in tv["by_category"].items() for key, label in (("baseline", "Baseline"), ("followup", "Follow-up"))
            if c[key] is not None]
    enc = {"y": {"field": "activity", "type": "nominal", "title": None, "axis": {"labelLimit": 200}},
           "yOffset": {"field": "survey", "type": "nominal", "sort": ["Baseline", "Follow-up"]},
           "x": {"field": "hours", "type": "quantitative", "title": "Hours per PM per week (mean)"}}
    return _spec("Where PM hours go", "Operational overhead per PM, baseline and follow-up surveys",
                 height=44 * max(len(tv["by_category"]), 1), data={"values": rows}, layer=[
        {"mark": {"type": "bar", "stroke": "#000000", "strokeWidth": 0.5},
         "encoding": {**enc, "color": {"field": "survey", "type": "nominal", "title": None,
                                       "scale": {"domain": ["Baseline", "Follow-up"], "range": [PALETTE[0], PALETTE[5]]}}}},
        {"mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10},
         "encoding": {**enc, "text": {"field": "label"}}},
    ])


def revenue_wins(report: dict) -> dict:
    rv = report["value"]["revenue"]
    rows = [{"account": _name(w["account"]), "arr": w["arr"], "outcome": w["outcome"], "items": _name(", ".join(w["item_names"]))}
            for w in rv["wins"]]
    order = [r["account"] for r in sorted(rows, key=lambda r: (-r["arr"], r["account"]))]
    y = {"field": "account", "type": "nominal", "title": None, "sort": order}
    currency = report["value"].get("currency")
    x = {"field": "arr", "type": "quantitative", "title": "ARR renewed or expanded" + (f" ({currency})" if currency else ""),
         "axis": {"format": ",.0f"}}
    return _spec("Revenue wins after feedback-driven work", "Attribution, not causation", height=24 * max(len(rows), 1),
                 data={"values": rows}, layer=[
        {"mark": {"type": "bar", "stroke": "#000000", "strokeWidth": 0.5, "height": 16},
         "encoding": {"y": y, "x": x, "color": {"field": "outcome", "type": "nominal", "title": "Outcome",
                                                "scale": {"domain": ["renewed", "expanded"],
                                                          "range": [PALETTE[0], PALETTE[3]]}}}},
        {"mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 10},
         "encoding": {"y": y, "x": {"field": "arr", "type": "quantitative"}, "text": {"field": "items"}}},
    ])


CHARTS = {
    "dimension-levels": dimension_levels,
    "criteria-heatmap": criteria_heatmap,
    "unit-levels": unit_levels,
    "roadmap-levels": roadmap_levels,
    "trajectory": trajectory,
    "predictability-over-time": predictability_over_time,
    "predictability-by-team": predictability_by_team,
    "launch-success": launch_success,
    "time-value": time_value,
    "revenue-wins": revenue_wins,
}


def specs(report: dict, names) -> dict[str, dict]:
    return {name: CHARTS[name](report) for name in names}


def render_svgs(report: dict, names, phone: bool = False) -> dict[str, str]:
    """name -> standalone SVG; with `phone`, drawn for a phone's width (`for_phone`). Element ids are
    prefixed with the chart's name so several charts inline in one page do not clip each other (Vega
    numbers its clip paths from 1 in every chart)."""
    import vl_convert as vlc

    return {name: _scope_ids(vlc.vegalite_to_svg(for_phone(spec) if phone else spec), name + ("-phone" if phone else ""))
            for name, spec in specs(report, names).items()}


PHONE = {"width": 210, "label": 125, "legend": 170, "text": 120, "subtitle": 44, "step": 30}  # pixels, and characters a line


def for_phone(spec: dict) -> dict:
    """The chart for a page 390 px wide, its text at the size it has on a laptop: the plot
    narrower, names cut shorter, legends in two columns, subtitles wrapped, a heat map's cells
    smaller, and facets of columns stacked as rows."""
    import textwrap

    def fit(node, key: str | None = None):
        if isinstance(node, list):
            return [fit(x) for x in node]
        if not isinstance(node, dict):
            return node
        out = {k: fit(v, k) for k, v in node.items()}
        if out.get("width") == WIDTH:
            out["width"] = PHONE["width"]
        if isinstance(out.get("width"), dict) and "step" in out["width"]:
            out["width"] = {"step": min(out["width"]["step"], PHONE["step"])}
        if "labelLimit" in out:
            out["labelLimit"] = min(out["labelLimit"], PHONE["label"])
        if "labelAngle" in out and out.get("orient") == "top":  # a heat map's column names, over narrow cells
            out["labelAngle"] = -60
        if out.get("type") == "text" and key == "mark":
            out["limit"] = PHONE["text"]
        if key == "title" and isinstance(out.get("subtitle"), (str, list)):
            lines = [out["subtitle"]] if isinstance(out["subtitle"], str) else out["subtitle"]
            out["subtitle"] = [part for line in lines for part in textwrap.wrap(line, PHONE["subtitle"])]
        return out

    phone = fit(spec)
    phone["config"] = {**phone["config"], "legend": {**phone["config"]["legend"], "columns": 2,
                                                     "labelLimit": PHONE["legend"]}}
    if "facet" in phone and "column" in phone["facet"]:  # side by side is too wide: one above the other
        phone["facet"] = {"row": {**phone["facet"]["column"], "header": {
            **phone["facet"]["column"].get("header", {}), "labelAngle": 0, "labelOrient": "top", "labelAnchor": "start"}}}
    return phone


def render_pngs(report: dict, names) -> dict[str, bytes]:
    """name -> PNG at twice the spec's size (sharp on a projector), for the slides."""
    import vl_convert as vlc

    return {name: vlc.vegalite_to_png(spec, scale=2) for name, spec in specs(report, names).items()}


def _scope_ids(svg: str, prefix: str) -> str:
    # Renumbered in order of appearance too: Vega's gradient counter runs on across calls.
    ids = {old: f"{prefix}-{i}" for i, old in enumerate(dict.fromkeys(re.findall(r'\bid="([^"]+)"', svg)), 1)}
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{ids[m.group(1)]}"', svg)
    return re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{ids.get(m.group(1), m.group(1))})", svg)
