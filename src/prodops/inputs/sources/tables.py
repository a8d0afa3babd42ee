"""The canonical input tables: their columns, and a reader that validates a CSV file against one.

One spec per table drives the blank template, the validation of imports, and
the meaning of each column in the docs. Validation is vectorised (Polars): a file of a million
rows is checked column by column, not row by row. Every problem names the file, the row (the
header is row 1), the column and what is wrong.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from prodops.core.errors import Fix, InputError, Problem
from prodops.inputs.files import read_bytes, refuse_binary
from prodops.core.columns import each_distinct
from prodops.core.safe_text import CONTROL, EMAIL_LENGTH, NAME_LENGTH
from prodops.core.metrics.time_value import overhead_hours

TRUE = ("true", "yes", "y", "1", "done", "x")
FALSE = ("false", "no", "n", "0", "")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | number | date | bool | choice
    required: bool = True
    help: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = 0.0  # numbers: the smallest value allowed
    maximum: float = 1e6  # numbers: the largest plausible value (story points, issues, hours, money...)
    length: int = NAME_LENGTH  # text: the most characters (the workspace's column is as wide, on every database)


@dataclass(frozen=True)
class Table:
    kind: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # re-importing rows with the same key updates them; none: rows may repeat
    rules: tuple[tuple[str, pl.Expr, str], ...] = ()  # (columns, rows that break it, reason) on typed values

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def _num(name: str, help: str, required: bool = True, minimum: float | None = 0.0, maximum: float = 1e6) -> Column:
    return Column(name, "number", required, help, minimum=minimum, maximum=maximum)


HOURS = 168  # in a week
MONEY = 1e12


TABLES: dict[str, Table] = {t.kind: t for t in (
    Table("sprint-summary", "One row per sprint: what was committed, completed, added and removed.", (
        Column("team", "text", help="Team or board name"),
        Column("sprint", "text", help="Sprint name or id, unique within the team"),
        Column("start", "date", required=False,
               help="Sprint start, YYYY-MM-DD; blank if unknown (then before/after and cadence leave it out)"),
        Column("end", "date", required=False, help="Sprint end, YYYY-MM-DD; blank if unknown"),
        Column("unit", "choice", help="What the numbers count", choices=("points", "issues")),
        _num("committed", "Work in the sprint when it started (initial estimates)"),
        _num("completed", "All work completed by the end, including work added after the start"),
        _num("completed_committed", "The committed part of what was completed; blank if unknown (a velocity chart "
             "does not give it): then planning accuracy is not available for the sprint", required=False),
        _num("added", "Work added after the start (scope creep); blank if unknown (then scope creep is not available)",
             required=False),
        _num("removed", "Committed work removed during the sprint; blank if unknown", required=False),
    ), key=("team", "sprint"), rules=(
        ("completed_committed,committed", pl.col("completed_committed") > pl.col("committed"),
         "completed_committed is more than committed"),
        ("completed_committed,completed", pl.col("completed_committed") > pl.col("completed"),
         "completed_committed is more than completed (which includes it)"),
        ("start,end", pl.col("end") < pl.col("start"), "the sprint ends before it starts"),
        ("removed,committed", pl.col("removed") > pl.col("committed"),
         "removed is more than committed (removed counts committed work)"),
    )),
    Table("sprint-issues", "One row per issue per sprint, as a sprint report lists them.", (
        Column("team", "text", help="Team or board name"),
        Column("sprint", "text", help="Sprint name or id, unique within the team"),
        Column("start", "date", help="Sprint start, YYYY-MM-DD (the same on every row of the sprint)"),
        Column("end", "date", help="Sprint end, YYYY-MM-DD"),
        Column("issue", "text", help="Issue key, e.g. PAY-123"),
        Column("in_sprint_at_start", "bool", help="In the sprint when it started (committed)"),
        Column("added_during_sprint", "bool", help="Added after the start"),
        Column("removed_during_sprint", "bool", help="Removed before the end (punted)"),
        _num("initial_estimate", "Story points when it entered the sprint; blank if not estimated", required=False),
        Column("done_at_end", "bool", help="Done when the sprint ended"),
    ), key=("team", "sprint", "issue"), rules=(
        ("start,end", pl.col("end") < pl.col("start"), "the sprint ends before it starts"),
        ("in_sprint_at_start,added_during_sprint", pl.col("in_sprint_at_start") & pl.col("added_during_sprint"),
         "an issue is either in the sprint at its start or added during it, not both"),
        ("removed_during_sprint,done_at_end", pl.col("removed_during_sprint") & pl.col("done_at_end"),
         "a removed issue cannot be done at the sprint's end"),
        ("in_sprint_at_start,added_during_sprint", ~pl.col("in_sprint_at_start") & ~pl.col("added_during_sprint"),
         "an issue must be in the sprint at its start or added during it"),
    )),
    Table("time-survey", "PM weekly hours of operational overhead, before Product Ops and about 90 days later.", (
        Column("respondent", "text", help="The PM (a pseudonym is fine); the same in both periods to pair answers"),
        Column("period", "choice", help="baseline or followup", choices=("baseline", "followup")),
        Column("date", "date", help="When the survey was answered"),
        _num("meeting_coordination", "Hours per week", maximum=HOURS),
        _num("reporting", "Hours per week", maximum=HOURS),
        _num("tool_research", "Hours per week", maximum=HOURS),
        _num("process_design", "Hours per week", maximum=HOURS),
        _num("work_hours", "Total working hours per week, for the overhead share", required=False, maximum=HOURS),
        Column("team", "text", required=False, help="The PM's team, for a unit's report; blank: the organisation only"),
    ), key=("respondent", "period"), rules=(
        ("work_hours", pl.col("work_hours") < overhead_hours(),
         "work_hours is less than the overhead hours it should include"),
        ("work_hours", pl.col("work_hours") <= 0, "must be more than 0; leave it empty if unknown"),
    )),
    Table("launches", "One row per product launch.", (
        Column("launch", "text", help="Launch id"),
        Column("name", "text", help="What launched", length=500),
        Column("tier", "text", required=False, help="Launch tier, e.g. 1, 2, 3", length=50),
        Column("original_date", "date", help="The launch date first committed to"),
        Column("actual_date", "date", required=False, help="When it launched; blank if not yet"),
        Column("adoption_metric", "text", required=False, help="What adoption is measured by", length=500),
        _num("adoption_target", "First-quarter adoption target", required=False, maximum=MONEY),
        _num("adoption_q1", "Adoption reached in the first quarter after launch", required=False, maximum=MONEY),
        Column("team", "text", required=False,
               help="The team that launched it, for a unit's report; blank: the organisation only"),
    ), key=("launch",)),
    Table("launch-checklist", "GTM readiness checklist items, one row per item per launch.", (
        Column("launch", "text", help="Launch id, as in the launches table"),
        Column("function", "text", help="Function owning the item: Marketing, Sales, CS, Support, Docs..."),
        Column("item", "text", help="The checklist item", length=500),
        Column("owner", "text", required=False, help="Who is responsible"),
        Column("done", "bool", help="Whether it was done"),
        Column("done_at", "date", required=False, help="When it was done"),
    ), key=("launch", "function", "item")),
    Table("feedback", "Customer feedback items, and the roadmap item each one drove (if any).", (
        Column("feedback", "text", help="Feedback id"),
        Column("account", "text", help="The customer account it came from"),
        Column("received", "date", help="When it was received"),
        Column("summary", "text", required=False, help="What the customer asked for", length=10_000),
        Column("roadmap_item", "text", required=False, help="The roadmap item it drove; blank if none"),
    ), key=("feedback",)),
    Table("roadmap-items", "Roadmap items and when they shipped.", (
        Column("roadmap_item", "text", help="Roadmap item id"),
        Column("name", "text", help="What it is", length=500),
        Column("shipped", "date", required=False, help="When it shipped; blank if not yet"),
    ), key=("roadmap_item",)),
    Table("account-outcomes", "Renewals and expansions (and losses) of customer accounts, with their ARR.", (
        Column("account", "text", help="The customer account"),
        Column("date", "date", help="When the outcome happened"),
        Column("outcome", "choice", help="renewed, expanded, contracted or churned",
               choices=("renewed", "expanded", "contracted", "churned")),
        _num("arr_before", "Annual recurring revenue before", maximum=MONEY),
        _num("arr_after", "Annual recurring revenue after", maximum=MONEY),
    ), key=("account", "date", "outcome"), rules=(
        ("outcome,arr_before,arr_after", (pl.col("outcome") == "expanded") & (pl.col("arr_after") <= pl.col("arr_before")),
         "an expansion must end with more ARR than it started with"),
        ("outcome,arr_before,arr_after", (pl.col("outcome") == "contracted") & (pl.col("arr_after") >= pl.col("arr_before")),
         "a contraction must end with less ARR than it started with"),
        ("outcome,arr_before,arr_after", (pl.col("outcome") == "churned") & (pl.col("arr_after") != 0),
         "a churned account has arr_after 0"),
        ("outcome,arr_before,arr_after", (pl.col("outcome") == "renewed") & (pl.col("arr_after") != pl.col("arr_before")),
         "a renewal keeps the same ARR; use expanded or contracted when it changed"),
    )),
)}


# Tables read with the same checks that are not imported into the workspace's value data.
OTHER_TABLES: dict[str, Table] = {t.kind: t for t in (
    Table("invitees", "The people a campaign invites, one row each: a personal link is made for every row.", (
        Column("name", "text", required=False, help="Their name or a pseudonym; it is their id in the assessment"),
        Column("email", "text", required=False, help="Where the link is sent; blank to hand it out yourself",
               length=EMAIL_LENGTH),
        Column("role", "text", help="Their role, one of the model's roles: its id (pm, engineering...) or its name "
                                    "(Product Manager...), in any letter case", length=100),
        Column("team", "text", required=False, help="Their team, for the response rate by team"),
    ), key=()),  # someone listed twice is skipped when invited (operations.invites), not refused
)}


def table_of(kind: str) -> Table:
    return TABLES.get(kind) or OTHER_TABLES[kind]


def template_csv(kind: str) -> str:
    from prodops.core.spreadsheet import csv_document

    return csv_document(table_of(kind).header, [])


def read_table(kind: str, path: Path | str, data: bytes | None = None) -> pl.DataFrame:
    """Read and validate a canonical CSV: typed columns, or InputError listing every problem."""
    path = Path(path)
    return validate(kind, path, _read_strings(path, data, kind))


def validate(kind: str, path: Path, frame: pl.DataFrame, label: str = "") -> pl.DataFrame:
    """Type and check a frame of strings with the table's columns. A `row` column, when present,
    numbers the rows as the user's file does (converted files); otherwise row 2 is the first."""
    table = table_of(kind)
    _check_header(table, path, frame.columns)
    present = [c for c in table.header if c in frame.columns]
    rows = frame["row"] if "row" in frame.columns else None
    quick = _typed_at_once(table, frame.select(present), rows)
    if quick is not None and not _failing(quick, list(table.rules)) and not _maybe_duplicated(table, quick):
        return quick
    # something is wrong: found again, row by row, and reported
    frame = frame.select(present).with_columns(pl.col(present).cast(pl.String).str.strip_chars())
    typed, problems = _typed(table, frame, rows)
    if not problems:  # rules compare typed values, so only once every value has its type
        problems += _failing(typed, list(table.rules))
    problems += _duplicate_keys(table, typed)
    if problems:
        raise _report(path, kind, problems, label)
    return typed


def check_typed(kind: str, rows: pl.DataFrame, label: str) -> None:
    """The checks of `validate` that apply to values already typed, for rows a converter built (from
    Jira's JSON, its API, the TSE 2017 files): numbers real and in range, texts not too long and
    without control characters, the table's rules. One validation for every source of a table."""
    table = table_of(kind)
    checks = []
    for c in table.columns:
        if c.name not in rows.columns:
            continue
        value = pl.col(c.name)
        if c.kind == "number":
            checks += [(c.name, value.is_nan() | value.is_infinite(), "is not a number"),
                       (c.name, value.is_finite() & (value > c.maximum), f"is above {c.maximum:,.0f}, more than any real figure")]
            if c.minimum is not None:
                checks.append((c.name, value < c.minimum, f"is below {c.minimum:g}"))
        elif c.kind == "text":
            checks += [(c.name, value.str.len_chars() > c.length, f"is longer than {c.length:,} characters"),
                       (c.name, value.str.contains(CONTROL),
                        "holds a control character (such as an escape or a NUL byte); remove it")]
    problems = _failing(rows, checks) or _failing(rows, [r for r in table.rules if set(r[0].split(",")) <= set(rows.columns)])
    if problems:
        raise _report(Path(label), kind, problems, key=table.key)


_SPACE = re.compile(rb"\s*")


HEAD = 1 << 16  # what tells a file that is no CSV (refuse_binary looks this far): a larger one Polars reads itself


def _read_strings(path: Path, data: bytes | None, kind: str) -> pl.DataFrame:
    head = data
    if head is None:
        head = read_bytes(path, HEAD)
        if len(head) < HEAD or head.startswith(codecs.BOM_UTF8) or _SPACE.fullmatch(head):
            head = data = read_bytes(path)  # all of it: small, or to be read without its mark, or blank so far
    refuse_binary(path, head, "a CSV file")
    text = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    space = _SPACE.match(text)  # where the text starts, without a stripped copy of the file
    first = space.end() if space else 0
    if first == len(text):
        raise InputError(f"{path}: the file is empty; it needs a header row", fix=Fix("template", kind))
    if text[first:first + 1] in (b"{", b"["):
        raise InputError(f"{path}: this is JSON, not CSV; Jira JSON imports as jira-sprint-report, jira-issues or "
                         "jira-sprint-issues (see docs/inputs.md)")
    try:  # Polars reads the bytes (or the file) as they are and checks UTF-8 itself: no copy of the file as a str
        frame = pl.read_csv(io.BytesIO(text), infer_schema=False) if data is not None else _read_large(path.absolute())
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError, pl.exceptions.DuplicateError) as e:
        raise InputError(_unreadable(path, read_bytes(path) if data is None else text, e)) from None
    frame = frame.rename({c: c.strip() for c in frame.columns if c != c.strip() and c.strip() not in frame.columns})
    if any("_duplicated_" in c for c in frame.columns):
        raise InputError(f"{path}: the header names a column twice; name each column once")
    if not frame.height:
        raise InputError(f"{path}: a header and no rows; nothing to import")
    return frame


def _read_large(path: Path) -> pl.DataFrame:
    """A large CSV file as text columns; those of few distinct values in its first rows as
    categorical (each value held once, with a mapping of its own): a million rows' teams, dates and
    yes/no cells take 100 MB less, and `_typed_at_once` types each of their values once."""
    sample = pl.read_csv(path, infer_schema=False, n_rows=10_000)
    # a mapping of its own (Polars 1.32 on): a server's imports never grow one shared for its life
    coded = pl.Categorical(pl.Categories.random()) if hasattr(pl, "Categories") else pl.Categorical
    few = {c: coded for c in sample.columns
           if sample[c].n_unique() * 2 <= sample.height and "_duplicated_" not in c}
    return pl.read_csv(path, infer_schema=False, schema_overrides=few)


def _unreadable(path: Path, data: bytes, error: Exception) -> str:
    """Say what Polars could not read in the user's terms: which row, and what is wrong with it."""
    import csv

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as u:
        line = data[:u.start].count(b"\n") + 1
        return f"{path}: line {line}: not UTF-8 text (byte {u.start}); save the file as UTF-8"
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, [])
    if len(set(header)) < len(header):
        return f"{path}: the header names a column twice; name each column once"
    for number, row in enumerate(rows, 2):
        if len(row) > len(header):
            return (f"{path}: row {number} has {len(row)} fields but the header has {len(header)}; "
                    "quote values that contain commas")
    if len(header) == 1 and ";" in header[0]:
        return f"{path}: the columns are separated by semicolons; save the file with commas"
    return f"{path}: not a readable CSV file ({str(error).strip().splitlines()[0]}); check the quoting"


def _check_header(table: Table, path: Path, columns: list[str]) -> None:
    missing = [c.name for c in table.columns if c.name not in columns and c.required]
    for sign, name in ((";", "semicolons"), ("\t", "tabs")):
        if missing and len(columns) == 1 and sign in columns[0]:
            raise InputError(f"{path}: the columns are separated by {name}; save the file with commas")
    if missing:
        read = ",".join(c if len(c) <= 40 else c[:39] + "…" for c in columns[:20]) + (",…" if len(columns) > 20 else "")
        raise InputError(f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} for "
                         f"{table.kind}; the header read is: {read}; it should be: {','.join(table.header)}",
                         fix=Fix("template", table.kind))


def _typed(
    table: Table, frame: pl.DataFrame, numbers: pl.Series | None = None
) -> tuple[pl.DataFrame, list[tuple[str, pl.DataFrame, str]]]:
    """Cast every column; collect (column, offending rows, reason) for the values that do not fit."""
    for c in table.columns:  # optional columns may be absent from the file
        if c.name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(c.name))
    frame = frame.select(table.header)
    rows = frame.with_row_index("row", offset=2) if numbers is None else frame.with_columns(row=numbers)
    casts, checks = [], []
    for c in table.columns:
        cast, column_checks = _column(c, frame[c.name])
        casts.append(cast)
        checks += column_checks
    both = rows.with_columns(casts)
    problems = _failing(both, checks)
    typed = both.select("row", *[pl.col(f"{c.name}{_TYPED}").alias(c.name) for c in table.columns])
    return typed.select(table.header + ["row"]), [(column, bad.select(["row", *table.header]), reason)
                                                 for column, bad, reason in problems]


def _column(c: Column, texts: pl.Series) -> tuple[pl.Expr, list[tuple[str, pl.Expr, str]]]:
    """Column `c`'s typed twin (named `c.name + _TYPED`) and its checks, as expressions on its
    (stripped) text and that twin; `texts` are its texts, for what is converted per distinct value."""
    raw, typed = pl.col(c.name), pl.col(f"{c.name}{_TYPED}")  # typed: computed once, beside the text
    blank = raw.is_null() | (raw == "")
    checks = []
    if c.kind == "number":
        value = raw.cast(pl.Float64, strict=False)
        bad = ~blank & (typed.is_null() | typed.is_nan() | typed.is_infinite())
        reason = "is not a number"
        if c.minimum is not None:
            checks.append((c.name, typed < c.minimum, f"is below {c.minimum:g}"))
        checks.append((c.name, typed > c.maximum, f"is above {c.maximum:,.0f}, more than any real figure"))
    elif c.kind == "date":
        value = raw.str.to_date("%Y-%m-%d", strict=False)
        looks = raw.str.contains(r"^\d{4}-\d{2}-\d{2}$")
        checks.append((c.name, ~blank & looks & typed.is_null(), "is not a real day"))
        bad = ~blank & ~looks & typed.is_null()
        reason = "is not a date as YYYY-MM-DD"
    elif c.kind == "bool":
        value = pl.when(raw.is_null()).then(False).otherwise(each_distinct(texts, _truth, pl.Boolean))
        bad = ~blank & typed.is_null()
        reason = "is not true or false (true/false, yes/no, 1/0)"
    elif c.kind == "choice":
        value = each_distinct(texts, str.lower, pl.String)
        bad = ~blank & ~typed.is_in(c.choices)
        reason = f"is not one of {', '.join(c.choices)}"
    else:
        value, bad, reason = raw, None, ""
        checks += [(c.name, raw.str.len_chars() > c.length, f"is longer than {c.length:,} characters"),
                   (c.name, raw.str.contains(CONTROL),
                    "holds a control character (such as an escape or a NUL byte); remove it")]
    if bad is not None:
        checks.append((c.name, bad, reason))
    if c.required and c.kind != "bool":
        checks.append((c.name, blank, "is empty; this column is required"))
    return (pl.when(blank).then(None).otherwise(value) if c.kind != "bool" else value).alias(f"{c.name}{_TYPED}"), checks


def _truth(text: str) -> bool | None:
    return True if text.lower() in TRUE else False if text.lower() in FALSE else None


def _typed_at_once(table: Table, frame: pl.DataFrame, numbers: pl.Series | None) -> pl.DataFrame | None:
    """What `_typed` gives when no value is wrong, found at once: None as soon as a check could
    fail, and then `_typed` finds and reports it. A column of few distinct values (a million rows
    hold a few hundred teams, dates and yes/no spellings) is checked on those values alone; read as
    categorical (`_read_strings`), each value is typed once and looked up by its code, else the
    column is typed side by side with the others (Polars runs them in parallel), stripped only when
    a value needs it, a yes/no column in one comparison. A column of many values (an issue key) is
    checked row by row."""
    present = [c for c in table.columns if c.name in frame.columns]
    coded = [c for c in present if isinstance(frame.schema[c.name], pl.Categorical)]
    sample = frame.head(10_000)
    few = [c for c in present if c in coded or sample[c.name].n_unique() * 2 <= sample.height]
    lists = frame.select([pl.col(c.name).unique().implode() for c in few])
    strip, casts, row_checks, looked_up = [], [], [], {}
    for i, c in enumerate(few):
        values = lists.to_series(i)[0].alias(c.name)
        stripped = values.cast(pl.String).str.strip_chars()
        cast, checks = _column(c, stripped)
        seen = stripped.to_frame().with_columns(cast)
        if checks and _any(seen, checks):
            return None
        if c in coded:
            known = values.is_not_null()
            codes = values.to_physical().filter(known)
            lookup = pl.repeat(None, (codes.max() or 0) + 1, dtype=_DTYPES[c.kind], eager=True).scatter(
                codes, seen[f"{c.name}{_TYPED}"].filter(known))
            column = lookup.gather(frame[c.name].to_physical())
            looked_up[c.name] = column.fill_null(False) if c.kind == "bool" else column  # an empty yes/no cell: no
            continue
        if not stripped.equals(values, null_equal=True):
            strip.append(c.name)
        if c.kind == "bool":  # the spellings of true among its values, in one comparison
            trues = pl.Series([v for v in stripped.drop_nulls().to_list() if _truth(v)], dtype=pl.String)
            cast = pl.col(c.name).is_in(trues.implode()).fill_null(False).alias(cast.meta.output_name())
        casts.append(cast)
    for c in present:
        if c not in few:
            strip.append(c.name)
            cast, checks = _column(c, frame[c.name].str.strip_chars() if c.kind in ("bool", "choice") else frame[c.name])
            casts.append(cast)
            row_checks += checks
    rest = [c.name for c in present if c.name not in looked_up]
    both = frame.lazy().select(rest).with_columns(pl.col(strip).str.strip_chars()).with_columns(casts).collect()
    if row_checks and _any(both, row_checks):
        return None
    typed = both.select([pl.lit(looked_up[c.name]).alias(c.name) if c.name in looked_up else
                         pl.col(f"{c.name}{_TYPED}").alias(c.name) if c in present else
                         pl.repeat(False if c.kind == "bool" else None, frame.height, dtype=_DTYPES[c.kind]).alias(c.name)
                         for c in table.columns])
    return typed.with_columns(row=numbers) if numbers is not None else typed.with_row_index("row", offset=2).select(
        table.header + ["row"])


def _any(frame: pl.DataFrame, checks: list[tuple[str, pl.Expr, str]]) -> bool:
    """Whether some row of `frame` fails some check."""
    return any(frame.select([bad.any().alias(str(i)) for i, (_, bad, _) in enumerate(checks)]).row(0))


_DTYPES = {"number": pl.Float64, "date": pl.Date, "bool": pl.Boolean, "choice": pl.String, "text": pl.String}


_TYPED = "\u0000typed"  # the typed twin of a column, beside its text while checking


def _failing(frame: pl.DataFrame, checks: list[tuple[str, pl.Expr, str]]) -> list[tuple[str, pl.DataFrame, str]]:
    """(column, offending rows, reason) of each check that some row fails. One pass over the file
    finds which checks fail; only those are then filtered for the rows to show."""
    if not checks:
        return []
    failed = frame.select([bad.any().alias(str(i)) for i, (_, bad, _) in enumerate(checks)]).row(0)
    return [(column, frame.filter(bad), reason) for (column, bad, reason), hit in zip(checks, failed) if hit]


def _maybe_duplicated(table: Table, typed: pl.DataFrame) -> bool:
    """Whether two rows may share a key: False only when none do (their hashes all differ), far
    quicker than finding which rows do (`_duplicate_keys`)."""
    if not table.key:
        return False
    return typed.select(pl.struct(list(table.key)).hash().n_unique()).item() < typed.height


def _duplicate_keys(table: Table, typed: pl.DataFrame) -> list[tuple[str, pl.DataFrame, str]]:
    """Keys given twice as written (keys that differ only in letter case are found once names are
    spelled alike: sources.prepare)."""
    if not table.key:
        return []
    return _failing(typed, [(",".join(table.key), pl.struct(list(table.key)).is_duplicated(),
                             f"repeats a {'/'.join(table.key)} given on another row; give each once")])


def _report(path: Path, kind: str, problems: list[tuple[str, pl.DataFrame, str]], label: str = "",
            key: tuple[str, ...] = ()) -> InputError:
    """Every problem, the first three rows of each: by row number in a file people wrote, by the
    row's key (team, sprint, issue) in rows converted from another format."""
    total = sum(rows.height for _, rows, _ in problems)
    head = f"{path}: not a valid {kind}{label} file ({total} problem{'s' if total > 1 else ''}); nothing was imported:"
    found: list[Problem] = []
    for column, rows, reason in problems[:20]:
        for r in rows.head(3).iter_rows(named=True):
            where = f"row {r['row']}" if "row" in r else ", ".join(f"{k} {_shown(r[k])}" for k in key if k in r)
            source = r.get("source") or str(path)
            if "," in column:
                value = ", ".join(f"{k}={_shown(r[k])}" for k in column.split(","))
                found.append(Problem(f"{source}: {where}, columns {column}: {value}: {reason}",
                                     file=source, row=r.get("row"), column=column))
            else:
                found.append(Problem(f"{source}: {where}, column {column}: {_shown(r[column])} {reason}",
                                     file=source, row=r.get("row"), column=column))
        if rows.height > 3:
            found.append(Problem(f"... and {rows.height - 3} more rows where {column} {reason}", file=str(path), column=column))
    more = sum(rows.height for _, rows, _ in problems[20:])
    # a mapped export is fixed in the export or the mapping; a canonical file against its template
    return InputError(head, found, fix=None if label or key else Fix("template", kind), more=more)


def _shown(value) -> str:
    """A cell as the user wrote it: '' for empty, true/false, numbers without a trailing .0."""
    if value is None:
        return "''"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)
