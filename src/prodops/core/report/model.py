"""The one report model: everything a leadership report shows, as plain data.

Renderers (JSON, HTML, PDF, Markdown, XLSX) only format this. Built from plain inputs, so the same
workspace gives the same report, byte for byte: no timestamps, sorted; figures at full precision
(rounding is for what people read, in report.layout).
The methodology appendix quotes the docstrings of the modules that hold each rule, so a definition
is written once, in its module, and shown as is.
"""

from __future__ import annotations

import datetime as dt
import inspect
from dataclasses import dataclass, field

from prodops.core.assessment import AssessmentResult, result_document
from prodops.core.metrics import METRICS, Options
from prodops.core.model import MaturityModel
from prodops.core.numbers import count, half_up, money, pct
from prodops.core.report.layout import named_day, shown_name
from prodops.core.roadmap import Roadmap, roadmap_document

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ReportInputs:
    model: MaturityModel
    latest: AssessmentResult | None  # None: no assessment covers the period; the value sections alone
    history: list  # store.RecordedAssessment, oldest first, of the same organisation
    roadmap: Roadmap | None
    value: dict  # metric name -> result (None when its data was not imported)
    options: Options  # how the value metrics were computed (change date, rates, currency...)
    as_of: dt.date
    generated_at: str | None = None  # only when asked for: otherwise the same workspace, the same bytes
    events: tuple = ()  # operations.Event: named days on the timeline, up to as_of
    commentary: dict = field(default_factory=dict)  # section id -> the lead's words, [("p" | "li", text)]
    brand: dict = field(default_factory=lambda: {"name": None, "accent": None, "logo": None})  # operations.Brand
    organization: str | None = None  # the name shown without an assessment
    unit: str | None = None  # the team or business unit the report is of; None: the whole organisation
    units: dict | None = None  # the units below it side by side (units.comparison_document); None: none declared
    notes: tuple = ()  # confidentiality.Noted: what people noted, as it may be shown
    notes_withheld: int = 0  # notes on criteria too few people noted on


def build_report(inputs: ReportInputs) -> dict:
    latest = inputs.latest
    organization = latest.organization if latest else inputs.organization
    return {
        "schema_version": SCHEMA_VERSION,
        "organization": organization,
        "as_of": inputs.as_of.isoformat(),
        "assessed": latest and latest.date.isoformat(),
        "generated_at": inputs.generated_at,
        "unit": inputs.unit,
        "privacy": latest.privacy.document() if latest else None,
        "title": (f"Product Operations {'maturity and value' if latest else 'value'}: "
                  + shown_name({"brand": inputs.brand, "organization": organization, "unit": inputs.unit})),
        "summary": summary(inputs),
        **(_assessment(inputs, latest) if latest else {"maturity": None, "criteria": [], "roadmap": None, "units": None,
                                               "trajectory": [], "notes": None}),
        "value": {**{METRICS[name].key: _without_answers(METRICS[name].key, r) for name, r in inputs.value.items()},
                  "change_date": inputs.options.change_date and inputs.options.change_date.isoformat(),
                  "events": shown_events(inputs),
                  "currency": inputs.options.currency},
        "methodology": methodology(inputs),
        "commentary": {k: [list(item) for item in v] for k, v in inputs.commentary.items()},
        "brand": inputs.brand,
    }


def criteria_document(latest: AssessmentResult, model: MaturityModel) -> list[dict]:
    """Every criterion of `model` with its result, in the model's order: the report's `criteria`, and
    what the campaign dashboard and the terminal lay out a result's criteria from (report.layout)."""
    result = result_document(latest, model)
    dims = {d.id: d for d in model.dimensions}
    return [
        {"id": c.id, "dimension": c.dimension, "dimension_name": dims[c.dimension].name, "level": c.level,
         "text": c.text, **{k: result["criteria"][c.id][k] for k in (
             "status", "score", "met", "answers_met", "spread", "stdev", "disagreement", "respondents", "na_count",
             "unanswered_count", "by_role", "suppressed", "roles_suppressed", "data")}}
        for c in model.criteria
    ]


def data_records(latest: AssessmentResult, criteria: list[dict]) -> list[dict]:
    """The records of the measurements the criteria's data verdicts rest on, from the computation
    that measured them (metrics.symptoms.measurements), in the order of the criteria that use them;
    a time-survey respondent's without their answer."""
    used = dict.fromkeys(c["data"]["metric"] for c in criteria if c["data"])
    records = [r for metric in used if metric in latest.measurements for r in latest.measurements[metric].records]
    return (_without_answers("symptoms", {"records": records}) or {}).get("records") or []


def blocking(criteria: list[dict], latest: AssessmentResult) -> list[dict]:
    """The criteria (of criteria_document) that block the next level, in the model's order."""
    return [c for c in criteria if c["id"] in set(latest.blockers)]


def _assessment(inputs: ReportInputs, latest: AssessmentResult) -> dict:
    """What the report says of the latest assessment: the level, the criteria, the plan, the trajectory."""
    model = inputs.model
    result = result_document(latest, model)
    criteria = criteria_document(latest, model)
    return {
        "maturity": {
            "top_level": model.top_level,
            "level": latest.level,
            "level_name": model.level_name(latest.level),
            "since": since(latest, inputs.history),
            "next_level": latest.next_level,
            "next_level_name": model.level_name(latest.next_level) if latest.next_level else None,
            "progress_to_next": result["progress_to_next"],
            # why how far to go is not shown: it would rest on fewer people than the threshold
            "progress_suppressed": (latest.privacy.fewer() if latest.next_level and result["progress_to_next"] is None
                                    else None),
            "warnings": result["warnings"],
            "dimensions": [{"id": d.id, "name": d.name, "level": latest.dimensions[d.id],
                            "level_name": model.level_name(latest.dimensions[d.id])} for d in model.dimensions],
            "blockers": blocking(criteria, latest),
            "disagreements": [c for c in criteria if c["disagreement"]],
            "data_conflicts": [c for c in criteria if c["data"] and c["data"]["conflict"]],
            "data_records": data_records(latest, criteria),
        },
        "criteria": criteria,
        "notes": {"shown": [{**n.document(), "text": model.criterion[n.criterion].text if n.criterion in model.criterion
                             else n.criterion} for n in inputs.notes],
                  "withheld": inputs.notes_withheld},
        "roadmap": roadmap_document(inputs.roadmap, model) if inputs.roadmap is not None else None,
        "units": inputs.units,
        "trajectory": [
            {"id": a.id, "date": a.date.isoformat(), "level": a.level, "level_name": a.level_name,
             "respondents": a.respondents, "progress_to_next": a.progress_to_next,
             "dimensions": a.dimensions}
            for a in inputs.history
        ],
    }


def shown_events(inputs: ReportInputs) -> list[dict]:
    """The named days the report shows: those up to its date."""
    return [e.document() for e in inputs.events if e.day <= inputs.as_of]


def since(latest: AssessmentResult, history: list) -> str:
    """The date of the first assessment in the latest unbroken run at the current level."""
    first = latest.date.isoformat()
    for a in reversed(history):
        if a.level != latest.level:
            break
        first = a.date.isoformat()
    return first


def summary(inputs: ReportInputs) -> list[str]:
    """A few sentences for the executive summary, each with its figure's uncertainty or basis."""
    model, latest, value = inputs.model, inputs.latest, inputs.value
    if latest is None:
        out = [f"No assessment covers the period up to {inputs.as_of.isoformat()}: these are the value figures alone, "
               "from the data; the maturity level, its criteria and the roadmap come with the first assessment."]
    else:
        who = f"{inputs.unit} ({latest.organization})" if inputs.unit else latest.organization
        out = [f"{who} is at Level {latest.level}, {model.level_name(latest.level)}, "
               f"since {since(latest, inputs.history)} ({count(latest.respondents, 'respondent')}, {model.ref})."]
        if inputs.units and inputs.units["lowest"]["level"] is not None:
            lowest, assessed = inputs.units["lowest"], [u for u in inputs.units["units"] if u["level"] is not None]
            out.append(f"Of its {count(len(assessed), 'unit')} assessed, the lowest is at Level {lowest['level']} "
                       f"({', '.join(lowest['units'])}); " + ", ".join(
                           f"{n} at Level {level}" for level, n in inputs.units["distribution"].items()) + ".")
        if len(inputs.history) > 1:  # a history is of assessments: there is none without the latest
            path = " → ".join(str(a.level) for a in inputs.history)
            higher = sum(1 for n in latest.dimensions.values() if n > latest.level)
            out.append(f"Across {len(inputs.history)} assessments since {inputs.history[0].date.isoformat()} the level went "
                       f"{path}; {higher} of {len(latest.dimensions)} dimensions are already above it.")
    roadmap = inputs.roadmap  # planned from the latest result: none without it
    if latest and latest.next_level and roadmap is not None:
        out.append(f"{count(len(latest.blockers), 'criterion', 'criteria')} block Level {latest.next_level}; the plan reaches "
                   f"Level {roadmap.phases[-1].projected_level if roadmap.phases else latest.level} "
                   f"in {count(len(roadmap.phases), 'phase')} of {roadmap.phase_days} days.")
    ba = (value.get("predictability") or {}).get("before_after")
    if ba and ba.get("conclusion"):
        out.append(f"Since {named_day(ba['change_date'], shown_events(inputs))}: {ba['conclusion']}")
    currency = inputs.options.currency
    tv = value.get("time-value")
    if tv and tv.get("hours_saved_per_pm_week") is not None:
        line = f"PMs spend {half_up(tv['hours_saved_per_pm_week'], 1)} fewer hours a week on operational overhead"
        if tv.get("monthly_value") is not None:
            line += f", worth {money(tv['monthly_value'], currency)} a month"
        out.append(line + f" ({'paired over ' + count(tv['paired'], 'PM') if tv['paired'] else 'unpaired'}).")
    launches = value.get("launches")
    if launches and len(launches["years"]) >= 2:
        a, b = launches["years"][-2], launches["years"][-1]

        def rests(y: dict) -> str:  # each year's rate with what it rests on
            return (f"{y['succeeded']} of {y['known']} with a known outcome"
                    + (f", of {count(y['launches'], 'launch', 'launches')}" if y["known"] != y["launches"] else ""))

        if a["rate"] is not None and b["rate"] is not None:
            out.append(f"Launch success went from {pct(a['rate'])} in {a['year']} ({rests(a)}) to {pct(b['rate'])} in "
                       f"{b['year']} ({rests(b)}"
                       + (f"; {len(launches['pending'])} more pending" if launches["pending"] else "") + ").")
    revenue = value.get("revenue")
    if revenue and revenue["wins"]:
        out.append(f"{money(revenue['attributed_arr'], currency)} ARR followed feedback-driven work in "
                   f"{count(len(revenue['wins']), 'account')} (attribution, not causation).")
    return out


def methodology(inputs: ReportInputs) -> dict:
    from importlib import import_module

    from prodops.core import assessment, confidentiality, roadmap, units
    from prodops.core.metrics import stats

    model, latest, value = inputs.model, inputs.latest, inputs.value
    pred = value.get("predictability") or {}
    approximations = [f"{count(a['sprints'], 'sprint')}: {a['meaning']}." for a in pred.get("approximations", [])]
    if pred.get("overall") and pred["overall"]["planning_accuracy_pooled"] is None and "+" in pred["overall"]["unit"]:
        approximations.append("Teams count in different units: overall figures are medians of sprint ratios.")
    definitions = {"scoring": assessment, "confidentiality": confidentiality,
                   **({"units": units} if inputs.units or inputs.unit else {}), "roadmap": roadmap}
    for name, metric in METRICS.items():
        definitions[metric.key] = import_module(f"prodops.core.metrics.{metric.module}")
        if name == "predictability":
            definitions["before_after"] = stats
    launches = value.get("launches")
    return {
        "model": {"id": model.id, "version": model.version, "met_threshold": model.met_threshold,
                  "disagreement_spread": model.disagreement_spread, "data_precedence": model.data_precedence},
        "as_of": inputs.as_of.isoformat(),
        "respondents": latest.respondents if latest else 0,
        "respondents_by_role": dict(sorted(latest.roles.items())) if latest else {},
        "sample_sizes": {
            "sprints": (pred.get("overall") or {}).get("sprints"),
            "time_survey": None if not value.get("time-value") else {
                k: value["time-value"][k] for k in ("respondents_baseline", "respondents_followup", "paired")},
            "launches": None if not launches else sum(y["launches"] for y in launches["years"]),
        },
        "exclusions": {
            "zero_commitment_sprints": (pred.get("overall") or {}).get("excluded_zero_commitment"),
            "launches_unknown": None if not launches else len(launches["unknown"]),
            "launches_pending": None if not launches else len(launches["pending"]),
        },
        "approximations": approximations,
        "definitions": {name: inspect.cleandoc(mod.__doc__ or "") for name, mod in definitions.items()},
    }


# A time survey's answers are each person's own week: the report lists who counted and why, never
# their hours (as a campaign never shows one person's answers); `prodops metrics --json` keeps them.
_ANSWERS = ("baseline_hours", "followup_hours", "hours_saved", "baseline_share", "followup_share")


def _without_answers(key: str, result: dict | None) -> dict | None:
    if not result or not result.get("records"):
        return result
    if key == "time_value":
        return {**result, "records": [{k: v for k, v in r.items() if k not in _ANSWERS} for r in result["records"]]}
    if key == "symptoms":
        return {**result, "records": [{k: v for k, v in r.items() if k != "value"} if r.get("measure") == "pm_overhead_share"
                                      else r for r in result["records"]]}
    return result
