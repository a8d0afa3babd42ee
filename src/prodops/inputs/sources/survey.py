"""Google Forms and Typeform CSV exports, through a mapping file, -> time-survey rows or answers.

The mapping (YAML) says where each field comes from: a column's header text, `#N` for the Nth
column (exports repeat headers such as `Other`, so position is the safe key), or `{value: X}` for
a constant. For a time survey:

    for: time-survey
    respondent: Email Address
    period: {value: baseline}
    date: Timestamp
    meeting_coordination: "Q2: Hours per week coordinating meetings"
    reporting: "#4"
    tool_research: "Q4: Hours per week researching tools"
    process_design: "Q5: Hours per week designing processes"
    work_hours: "Q6: Hours worked per week"        # optional

For assessment answers (an export of an assessment form, scored like answers files):

    for: answers
    organization: {value: Acme}
    date: Timestamp                 # the latest response date, or {value: 2026-10-01}
    respondent: "#"                 # Typeform's response token, or Email Address
    role: "What is your role?"
    roles: {Product Manager: pm, Engineering: engineering, Leadership: leadership}   # optional
    values: {Strongly agree: Fully, Agree: Mostly, Neutral: Partly, Disagree: Started, Strongly disagree: "No"}
    criteria:
      om-2-role: "Q1: We have a named Product Ops role"

Export quirks handled: UTF-8 BOM or none; CRLF or LF; newlines inside quoted answers; duplicate
headers; rows longer than the header (the extra cells must be empty); Google's locale timestamps
(`8/21/2019 13:10:31`, month first, or `date_format` in the mapping) and Typeform's ISO UTC dates;
Typeform's `Response Type` column (partial responses are left out, and counted).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Annotated, Any, Literal

import polars as pl

from prodops import clock
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prodops.core.errors import InputError, Problem
from prodops.inputs.files import read_document, read_text

TIME_FIELDS = ("respondent", "period", "date", "meeting_coordination", "reporting", "tool_research",
               "process_design", "work_hours")
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")


class Export:
    """A survey export's header and records, with the quirks of real exports ironed out."""

    def __init__(self, path: Path):
        self.path = path
        text = read_text(path, "a CSV export")
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as e:
            raise InputError(f"{path}: not a readable CSV file ({e})") from None
        if not rows:
            raise InputError(f"{path}: the file is empty")
        self.header = [h.strip() for h in rows[0]]
        self.records: list[tuple[int, list[str]]] = []
        for number, row in enumerate(rows[1:], 2):
            if not any(cell.strip() for cell in row):
                continue
            extra = row[len(self.header):]
            if any(cell.strip() for cell in extra):
                raise InputError(f"{path}: record {number} has {len(row)} fields but the header has "
                                 f"{len(self.header)}, and the extra ones are not empty")
            self.records.append((number, row[:len(self.header)] + [""] * (len(self.header) - len(row))))
        self.partial = 0
        if "Response Type" in self.header:  # newer Typeform exports: keep completed responses only
            i = self.header.index("Response Type")
            kept = [(n, r) for n, r in self.records if r[i].strip().lower() in ("", "completed")]
            self.partial = len(self.records) - len(kept)
            self.records = kept

    def column(self, spec: Any, field: str, mapping: Path) -> list[str]:
        """The values of one mapped field, one per record."""
        if isinstance(spec, dict) and "value" in spec:
            return [str(spec["value"])] * len(self.records)
        if not isinstance(spec, str) or not spec.strip():
            raise InputError(f"{mapping}: {field}: give a column header, #N for the Nth column, or {{value: X}}")
        spec = spec.strip()
        if spec.startswith("#") and spec[1:].isdigit():
            index = int(spec[1:]) - 1
            if not 0 <= index < len(self.header):
                raise InputError(f"{mapping}: {field}: {spec} is beyond the {len(self.header)} columns of {self.path}")
        else:
            matches = [i for i, h in enumerate(self.header) if h == spec]
            if not matches:
                raise InputError(f"{mapping}: {field}: no column {spec!r} in {self.path}; its columns are: "
                                 + "; ".join(f"#{i + 1} {h[:40]!r}" for i, h in enumerate(self.header)))
            if len(matches) > 1:
                raise InputError(f"{mapping}: {field}: {spec!r} names {len(matches)} columns of {self.path} "
                                 f"(#{', #'.join(str(i + 1) for i in matches)}); use #N to pick one")
            index = matches[0]
        return [row[index].strip() for _, row in self.records]

    @property
    def numbers(self) -> list[int]:
        return [n for n, _ in self.records]


def _iso_dates(values: list[str], fmt: str | None, path: Path, numbers: list[int], field: str) -> list[str]:
    out = []
    for number, value in zip(numbers, values):
        if not value:
            out.append("")
            continue
        for f in ([fmt] if fmt else DATE_FORMATS):
            try:
                out.append(dt.datetime.strptime(value, f).date().isoformat())
                break
            except ValueError:
                continue
        else:
            raise InputError(f"{path}: row {number}, {field}: {value!r} is not a date this mapping can read; "
                             "set date_format in the mapping (e.g. \"%d/%m/%Y %H:%M:%S\")")
    return out


class _Constant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str | int | float


Spec = Annotated[str, Field(min_length=1, max_length=500)] | _Constant  # a header, "#N", or {value: X}
Label = Annotated[str, Field(max_length=500)]


class _Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    for_: Literal["time-survey", "answers"] = Field(alias="for")
    date_format: Annotated[str, Field(min_length=2, max_length=100)] | None = None


class TimeSurveyMapping(_Mapping):
    respondent: Spec
    period: Spec
    date: Spec
    meeting_coordination: Spec
    reporting: Spec
    tool_research: Spec
    process_design: Spec
    work_hours: Spec | None = None


class AnswersMapping(_Mapping):
    organization: Spec
    date: Spec | None = None
    respondent: Spec
    role: Spec
    roles: dict[Label | int, Label] = {}
    values: dict[Label | int | float, Label | int | float] = {}
    criteria: dict[str, Spec] = Field(min_length=1)


SHAPES: dict[str, type[_Mapping]] = {"time-survey": TimeSurveyMapping, "answers": AnswersMapping}
_FIELD_HINTS = {
    "date_format": 'a date format such as "%d/%m/%Y %H:%M:%S"',
    "roles": "a mapping of the export's role answers to the model's roles, e.g. {Product Manager: pm}",
    "values": "a mapping of the export's answers to the answer scale, e.g. {Strongly agree: Fully}",
    "criteria": "a mapping of criterion ids to the columns that answer them",
}


def _mapping(path: Path, expected: str) -> dict:
    """The mapping file, checked against the shape of its kind: every problem with its line."""
    doc = read_document(path)
    data = doc.data
    if not isinstance(data, dict) or data.get("for") not in SHAPES:
        raise InputError(f"{path}: a survey mapping starts with `for: time-survey` or `for: answers` (see docs/inputs.md)")
    try:
        SHAPES[data["for"]].model_validate(data)
    except ValidationError as e:
        allowed = ", ".join(sorted(SHAPES[data["for"]].model_fields.keys() - {"for_"} | {"for"}))
        problems = []
        for err in e.errors()[:20]:
            loc = tuple(k for k in err["loc"] if k not in ("str", "int", "float", "_Constant", "constrained-str"))
            what = {"extra_forbidden": f"unknown key; a {data['for']} mapping has: {allowed}",
                    "missing": "required: say which column it comes from"}.get(err["type"])
            if what is None and len(loc) == 1 and loc[0] in _FIELD_HINTS:
                what = _FIELD_HINTS[loc[0]]
            elif what is None:
                what = (f"{err['msg'].lower()} (found {err['input']!r})" if len(loc) > 1 and loc[0] != "criteria"
                        else "give a column header, #N for the Nth column, or {value: X}")
            problems.append(Problem(f"{doc.where(loc)}: {what}", file=str(path), **doc.place(loc)))
        raise InputError(f"{path}: not a valid {data['for']} mapping:", problems) from None
    if data["for"] != expected:
        use = "assessment answers" if data["for"] == "answers" else "a time survey (the survey-export import)"
        raise InputError(f"{path}: this mapping is for {data['for']}; use it with {use}")
    return data


def read_time_survey(export_path: Path, mapping_path: Path) -> tuple[pl.DataFrame, list[str]]:
    """Rows of the time-survey table, validated like `prodops import time-survey`."""
    from prodops.inputs.sources.tables import validate

    mapping = _mapping(mapping_path, "time-survey")
    export = Export(export_path)
    columns = {f: export.column(mapping[f], f, mapping_path) for f in TIME_FIELDS if f in mapping}
    columns["date"] = _iso_dates(columns["date"], mapping.get("date_format"), export_path, export.numbers, "date")
    frame = pl.DataFrame({**columns, "row": export.numbers}, schema={**dict.fromkeys(columns, pl.String), "row": pl.Int64})
    typed = validate("time-survey", export_path, frame, f" (mapped by {mapping_path})")
    notes = [f"{export_path.name}: {typed.height} responses mapped by {mapping_path.name}"]
    if export.partial:
        notes.append(f"{export_path.name}: {export.partial} partial responses left out")
    return typed.drop("row"), notes


def read_answers(export_path: Path, mapping_path: Path, model) -> Any:
    """A Responses object from an answers export: the same checks as an answers file."""
    from prodops.inputs.answers import load_responses_data

    mapping = _mapping(mapping_path, "answers")
    export = Export(export_path)
    org = export.column(mapping["organization"], "organization", mapping_path)
    named = sorted({o for o in org if o})
    if len(named) > 1:  # one assessment is of one organisation
        rows = {o: next(n for n, v in zip(export.numbers, org) if v == o) for o in named}
        raise InputError(f"{export_path}: the responses name {len(named)} organisations ("
                         + "; ".join(f"{o!r} first in row {n}" for o, n in list(rows.items())[:5])
                         + "); assess one organisation at a time: split the export, or filter it")
    dates = _iso_dates(export.column(mapping.get("date", {"value": clock.today().isoformat()}), "date", mapping_path),
                       mapping.get("date_format"), export_path, export.numbers, "date")
    who = export.column(mapping["respondent"], "respondent", mapping_path)
    roles = export.column(mapping["role"], "role", mapping_path)
    role_map = {str(k): v for k, v in (mapping.get("roles") or {}).items()}
    value_map = {str(k): v for k, v in (mapping.get("values") or {}).items()}
    answers = {cid: export.column(spec, f"criteria.{cid}", mapping_path) for cid, spec in mapping["criteria"].items()}
    people = []
    for i, number in enumerate(export.numbers):
        people.append({
            "id": who[i] or f"record-{number}",
            "role": role_map.get(roles[i], roles[i]),
            "answers": {cid: value_map.get(col[i], col[i]) or None for cid, col in answers.items()},
        })
    document = {"organization": org[0] if org else "", "date": max((d for d in dates if d), default=""),
                "respondents": people}
    return load_responses_data(model, document, export_path, export.numbers)
