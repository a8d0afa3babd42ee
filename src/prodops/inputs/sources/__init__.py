"""Input formats -> the workspace's canonical tables. Every file is validated before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from prodops.core.errors import Fix, InputError
from prodops.inputs.sources.tables import TABLES, read_table

Options = dict  # team, mapping, points_field: what some formats need besides their files


@dataclass(frozen=True)
class Format:
    """One import kind: the table it fills, its reader and the key that makes a row unique."""

    table: str
    read: Callable[[list[Path], Options], tuple[pl.DataFrame, list[str]]]
    key: tuple[str, ...]
    issues: bool = False  # rows are issue rows, summed into sprints by metrics.predictability
    approximation: str | None = None  # what the source can only approximate (metrics.predictability.APPROXIMATIONS)
    hint: str = "give each once"  # what to do about a key found twice
    checks: str | None = None  # the canonical table whose checks its converted rows must pass (None: read as one)


def _canonical(kind: str):
    def read(paths: list[Path], options: Options) -> tuple[pl.DataFrame, list[str]]:
        return pl.concat([read_table(kind, p).with_columns(source=pl.lit(str(p))) for p in paths], how="vertical_relaxed"), []
    return read


def _each(reader):
    """A reader of one file (returning its frame, or its frame and notes) as a reader of several."""
    def read(paths: list[Path], options: Options) -> tuple[pl.DataFrame, list[str]]:
        frames, notes = [], []
        for path in paths:
            out = reader(path, options)
            frame, file_notes = out if isinstance(out, tuple) else (out, [])
            frames.append(frame.with_columns(source=pl.lit(str(path))) if "source" not in frame.columns else frame)
            notes += file_notes
        return pl.concat(frames), notes
    return read


def _lazy(module: str, name: str):
    """The reader `name` of sources.`module`, imported only when that kind is imported."""
    def call(*args):
        from importlib import import_module

        return getattr(import_module(f"prodops.inputs.sources.{module}"), name)(*args)
    return call


APPROXIMATE = ("these payloads have no history: every issue in a sprint when it closed counts as committed to it "
               "(scope creep cannot be seen), so planning accuracy, say/do and scope creep are marked approximate")
ISSUE_KEY = ("team", "sprint", "issue")

FORMATS: dict[str, Format] = {
    **{kind: Format(table, _canonical(kind), TABLES[kind].key, issues=kind == "sprint-issues")
       for kind, table in [("sprint-summary", "sprints"), ("sprint-issues", "sprints"), ("time-survey", "time_survey"),
                           ("launches", "launches"), ("launch-checklist", "launch_checklist"), ("feedback", "feedback"),
                           ("roadmap-items", "roadmap_items"), ("account-outcomes", "account_outcomes")]},
    "tse2017-sprints": Format("sprints", _each(lambda p, o: _lazy("tse2017", "read_tse2017")(p)), ("team", "sprint"),
                              hint="import one t file per project, e.g. the *_iteration_80 files", checks="sprint-summary"),
    "jira-sprint-report": Format("sprints", _each(lambda p, o: _lazy("jira", "read_sprint_report")(p, o.get("team"))),
                                 ISSUE_KEY, issues=True, checks="sprint-issues"),
    "jira-issues": Format("sprints", lambda ps, o: _lazy("jira", "read_issue_changelogs")(ps, o.get("team")),
                          ISSUE_KEY, issues=True, checks="sprint-issues"),
    "jira-sprint-issues": Format("sprints", lambda ps, o: (_lazy("jira", "read_agile_issues")(
        ps, o.get("team"), o.get("points_field")), []), ISSUE_KEY, issues=True, approximation="no_history",
        checks="sprint-issues"),
    "jira-csv": Format("sprints", _each(lambda p, o: _lazy("jira", "read_jira_csv")(p, o.get("team"))),
                       ISSUE_KEY, issues=True, approximation="no_history", checks="sprint-issues"),
    "survey-export": Format("time_survey", _each(lambda p, o: _lazy("survey", "read_time_survey")(p, _mapping(o))),
                            ("respondent", "period"), hint="keep one response per respondent and period"),
}
TARGET = {kind: f.table for kind, f in FORMATS.items()}  # which workspace table each import kind fills


def _mapping(options: Options) -> Path:
    if options.get("mapping") is None:
        raise InputError("a survey export needs a mapping file saying which column is which (see docs/inputs.md)",
                         fix=Fix("mapping"))
    return Path(options["mapping"])


@dataclass
class Batch:
    """Validated rows ready to write, with what the user should know about them."""

    kind: str
    table: str
    rows: pl.DataFrame  # the target table's columns, `source` included
    files: list[str]
    read: int  # input rows read
    notes: list[str] = field(default_factory=list)


def load(kind: str, paths: Sequence[Path | str], team: str | None = None, mapping: Path | str | None = None,
         points_field: str | None = None) -> Batch:
    """Validated rows of `paths` for `kind`; `team` names the board for Jira payloads that do not,
    `mapping` says which columns of a survey export are which."""
    if kind not in FORMATS:
        raise InputError(f"unknown import kind {kind!r}; one of {', '.join(FORMATS)}")
    if not paths:
        raise InputError(f"no {kind} file given", fix=Fix("template", kind))
    fmt = FORMATS[kind]
    rows, notes = fmt.read([Path(p) for p in paths], {"team": team, "mapping": mapping, "points_field": points_field})
    if "source" not in rows.columns:  # read from several files at once (e.g. sprint lists beside issues)
        rows = rows.with_columns(source=pl.lit(", ".join(map(str, paths))))
    # one file read as a table of its own (tables.validate) holds no key twice as written
    return prepare(kind, fmt, rows, [str(p) for p in paths], notes, keys_checked=fmt.checks is None and len(paths) == 1)


def prepare(kind: str, fmt: Format, rows: pl.DataFrame, files: list[str], notes: list[str],
            keys_checked: bool = False) -> Batch:
    """Read rows -> a batch ready to write: one spelling per name, no key twice, issues summed into
    sprints. Every source of a table goes through here (files and a live sync alike).
    `keys_checked`: no key is in `rows` twice as written (then unless a name is spelled anew, no
    key is twice whatever its letter case either, and it is not looked for again)."""
    if fmt.checks:
        from prodops.inputs.sources.tables import check_typed

        check_typed(fmt.checks, rows, ", ".join(files))
    # issues are summed first: when their sprints need no name spelled anew, neither do the rows
    # (the same names, first seen in the same order), which then are not searched for names again
    summed = _sums(rows) if fmt.issues else None
    spelled = rows if summed is not None and spell_alike(summed[0], fmt.table) is summed[0] else spell_alike(rows, fmt.table)
    anew = spelled is not rows
    if anew or not keys_checked:
        _refuse_duplicates(spelled, list(fmt.key), fmt.hint)
    rows = spelled.with_columns(source=_fitting("source", SOURCE_LENGTH))
    batch = Batch(kind, fmt.table, rows, files, rows.height, notes)
    if fmt.issues:
        summarize(batch, None if anew else summed)
    batch.rows = batch.rows.drop("row", strict=False)
    if fmt.approximation:
        batch.notes.insert(0, APPROXIMATE)
        batch.rows = batch.rows.with_columns(approximation=pl.lit(fmt.approximation))
    elif "approximation" not in batch.rows.columns and batch.table == "sprints":
        batch.rows = batch.rows.with_columns(approximation=pl.lit(None, pl.String))
    return batch


SOURCE_LENGTH = 500  # the workspace's `source` column: a longer file path keeps its end


def _fitting(column: str, length: int) -> pl.Expr:
    """A text column cut to `length` characters from the left ("…" and the end of a long path)."""
    value = pl.col(column)
    return pl.when(value.str.len_chars() > length).then(pl.lit("…") + value.str.slice(-(length - 1))).otherwise(value)


# Names and ids match whatever their letter case, everywhere (as respondent ids in answers files
# do): "Payments" and "payments" are one team. The first spelling seen is kept: the workspace's,
# else the first in the files. Each entry: a table's columns that hold names, and the name
# domain each belongs to (a launch id is the same in launches and in the checklist). A sprint's
# name is a name within its team.
NAMES = {
    "sprints": {"team": "team", "sprint": "sprint"},
    "time_survey": {"respondent": "respondent", "team": "team"},
    "launches": {"launch": "launch", "team": "team"},
    "launch_checklist": {"launch": "launch", "function": "function", "item": "item"},
    "feedback": {"feedback": "feedback", "account": "account", "roadmap_item": "roadmap_item"},
    "roadmap_items": {"roadmap_item": "roadmap_item"},
    "account_outcomes": {"account": "account"},
}
SCOPED = {"sprint": "team"}  # sprint names are unique within a team


def spell_alike(rows: pl.DataFrame, table: str, known: dict[str, list[str]] | None = None) -> pl.DataFrame:
    """`rows` with every name spelled as first seen, ignoring case: as in `known` (domain ->
    spellings already in the workspace; a sprint as "team<TAB>sprint"), else as first in `rows`."""
    for column, domain in NAMES.get(table, {}).items():
        if column not in rows.columns:
            continue
        scope = SCOPED.get(domain)
        value = pl.col(column) if scope is None else pl.concat_str(scope, column, separator="\t")
        # the spellings in the order first seen, joined on the distinct pairs, not on every row
        names = rows.select(column) if scope is None else rows.select(scope, column).unique(maintain_order=True)
        seen = names.select(value.alias("spelling")).drop_nulls().unique(maintain_order=True)
        before = pl.DataFrame({"spelling": (known or {}).get(domain, [])}, schema={"spelling": pl.String})
        first = pl.concat([before, seen]).with_columns(fold=pl.col("spelling").str.to_lowercase()).unique(
            "fold", keep="first", maintain_order=True)
        change = seen.with_columns(fold=pl.col("spelling").str.to_lowercase()).join(
            first.rename({"spelling": "canonical"}), on="fold").filter(pl.col("spelling") != pl.col("canonical"))
        if not change.height:
            continue
        respelled = value.replace(change["spelling"], change["canonical"])
        if scope is not None:
            respelled = respelled.str.splitn("\t", 2).struct.field("field_1")
        rows = rows.with_columns(respelled.alias(column))
    return rows


def _refuse_duplicates(rows: pl.DataFrame, key: list[str], hint: str) -> None:
    """Names are spelled alike by now, so keys that differed only in letter case are equal."""
    if rows.select(pl.struct(key).hash().n_unique()).item() == rows.height:  # no two alike: quicker to rule out
        return
    dup = rows.filter(pl.struct(key).is_duplicated())
    if not dup.height:
        return
    first = dup.sort(key).head(2).to_dicts()
    where = " and ".join(f"{r['source']}" + (f" row {r['row']}" if "row" in r else "") for r in first)
    raise InputError(f"the same {'/'.join(key)} ({', '.join(str(first[0][k]) for k in key)}) is in {where} "
                     f"(names match whatever their letter case); nothing was imported; {hint}")


def _sums(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Issue rows -> (each sprint's sums, with its first source and how many starts and ends its
    rows give; each team's unit), by the one rule of metrics.predictability."""
    from prodops.core.metrics.predictability import summarize_issues

    return summarize_issues(rows, {"source": pl.col("source").first(), "starts": pl.col("start").n_unique(),
                                   "ends": pl.col("end").n_unique()})


def summarize(batch: Batch, sums: tuple[pl.DataFrame, pl.DataFrame] | None = None) -> None:
    """Issue rows -> sprint rows, with a note per team on the unit counted. The rows of one sprint
    must agree on its start and end: two answers for one sprint are refused, never merged. `sums`:
    `_sums` of the rows, when already made (their sources not yet cut to fit)."""
    summed, units = sums or _sums(batch.rows)
    summed = summed.with_columns(source=_fitting("source", SOURCE_LENGTH))
    split = summed.filter((pl.col("starts") > 1) | (pl.col("ends") > 1))
    if split.height:
        name = split.sort("team", "sprint").row(0, named=True)
        split = batch.rows.filter((pl.col("team") == name["team"]) & (pl.col("sprint") == name["sprint"]))
        first = split.head(1).row(0, named=True)
        other = split.filter((pl.col("start") != first["start"]) | (pl.col("end") != first["end"])).row(0, named=True)

        def at(r: dict) -> str:
            return f"{r['source']}" + (f" row {r['row']}" if r.get("row") is not None else f" (issue {r['issue']})")

        raise InputError(f"sprint {first['sprint']!r} of team {first['team']!r} has two sets of dates: {first['start']} to "
                         f"{first['end']} in {at(first)}, {other['start']} to {other['end']} in {at(other)}; give each "
                         "sprint one start and one end; nothing was imported")

    batch.rows = summed.drop("starts", "ends")
    for u in units.iter_rows(named=True):
        if u["unit"] == "issues" and u["unestimated"] < u["rows"]:
            batch.notes.append(f"team {u['team']}: {u['unestimated']} of {u['rows']} issues have no estimate, "
                               "so its sprints are counted in issues, not points")
        else:
            batch.notes.append(f"team {u['team']}: counted in {u['unit']}")
