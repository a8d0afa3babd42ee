"""Input formats -> the workspace's canonical tables. Every file is validated before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from prodops.errors import InputError
from prodops.sources.tables import TABLES, read_table

Options = dict  # team, mapping, points_field: what some formats need besides their files


@dataclass(frozen=True)
class Format:
    """One import kind: the table it fills, its reader and the key that makes a row unique."""

    table: str
    read: Callable[[list[Path], Options], tuple[pl.DataFrame, list[str]]]
    key: tuple[str, ...]
    issues: bool = False  # rows are issue rows, summed into sprints by metrics.predictability
    approximate: bool = False  # the commitment can only be approximated (no history in the payload)
    hint: str = "give each once"  # what to do about a key found twice


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

        return getattr(import_module(f"prodops.sources.{module}"), name)(*args)
    return call


APPROXIMATE = ("these payloads have no history: every issue counts as committed to each sprint it was in "
               "(scope creep cannot be seen), and the sprints are marked approximate")
ISSUE_KEY = ("team", "sprint", "issue")

FORMATS: dict[str, Format] = {
    **{kind: Format(table, _canonical(kind), TABLES[kind].key, issues=kind == "sprint-issues")
       for kind, table in [("sprint-summary", "sprints"), ("sprint-issues", "sprints"), ("time-survey", "time_survey"),
                           ("launches", "launches"), ("launch-checklist", "launch_checklist"), ("feedback", "feedback"),
                           ("roadmap-items", "roadmap_items"), ("account-outcomes", "account_outcomes")]},
    "tse2017-sprints": Format("sprints", _each(lambda p, o: _lazy("tse2017", "read_tse2017")(p)), ("team", "sprint"),
                              hint="import one t file per project, e.g. the *_iteration_80 files"),
    "jira-sprint-report": Format("sprints", _each(lambda p, o: _lazy("jira", "read_sprint_report")(p, o.get("team"))),
                                 ISSUE_KEY, issues=True),
    "jira-issues": Format("sprints", lambda ps, o: _lazy("jira", "read_issue_changelogs")(ps, o.get("team")),
                          ISSUE_KEY, issues=True),
    "jira-sprint-issues": Format("sprints", lambda ps, o: (_lazy("jira", "read_agile_issues")(
        ps, o.get("team"), o.get("points_field")), []), ISSUE_KEY, issues=True, approximate=True),
    "jira-csv": Format("sprints", _each(lambda p, o: _lazy("jira", "read_jira_csv")(p, o.get("team"))),
                       ISSUE_KEY, issues=True, approximate=True),
    "survey-export": Format("time_survey", _each(lambda p, o: _lazy("survey", "read_time_survey")(p, _mapping(o))),
                            ("respondent", "period"), hint="keep one response per respondent and period"),
}
TARGET = {kind: f.table for kind, f in FORMATS.items()}  # which workspace table each import kind fills


def _mapping(options: Options) -> Path:
    if options.get("mapping") is None:
        raise InputError("a survey export needs --mapping FILE saying which column is which (see docs/inputs.md)")
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


def load(kind: str, paths: list[Path | str], team: str | None = None, mapping: Path | str | None = None,
         points_field: str | None = None) -> Batch:
    """Validated rows of `paths` for `kind`; `team` names the board for Jira payloads that do not,
    `mapping` says which columns of a survey export are which."""
    if kind not in FORMATS:
        raise InputError(f"unknown import kind {kind!r}; one of {', '.join(FORMATS)}")
    if not paths:
        raise InputError(f"no file given; `prodops template {kind}` writes the header to start from")
    fmt = FORMATS[kind]
    rows, notes = fmt.read([Path(p) for p in paths], {"team": team, "mapping": mapping, "points_field": points_field})
    if "source" not in rows.columns:  # read from several files at once (e.g. sprint lists beside issues)
        rows = rows.with_columns(source=pl.lit(", ".join(map(str, paths))))
    _refuse_duplicates(rows, list(fmt.key), fmt.hint)
    batch = Batch(kind, fmt.table, rows.drop("row", strict=False), [str(p) for p in paths], rows.height, notes)
    if fmt.issues:
        summarize(batch)
    if fmt.approximate:
        batch.notes.insert(0, APPROXIMATE)
        batch.rows = batch.rows.with_columns(approximate=pl.lit(True))
    elif kind == "sprint-summary":
        batch.rows = batch.rows.with_columns(pl.col("added", "removed").fill_null(0.0), approximate=pl.lit(False))
    return batch


def _refuse_duplicates(rows: pl.DataFrame, key: list[str], hint: str) -> None:
    dup = rows.filter(pl.struct(key).is_duplicated())
    if not dup.height:
        return
    first = dup.sort(key).head(2).to_dicts()
    where = " and ".join(f"{r['source']}" + (f" row {r['row']}" if "row" in r else "") for r in first)
    raise InputError(f"the same {'/'.join(key)} ({', '.join(str(first[0][k]) for k in key)}) is in {where}; "
                     f"nothing was imported; {hint}")


def summarize(batch: Batch) -> None:
    """Issue rows -> sprint rows, with a note per team on the unit counted."""
    from prodops.metrics.predictability import summarize_issues

    sources = batch.rows.group_by("team", "sprint").agg(pl.col("source").first())
    sprints, units = summarize_issues(batch.rows)
    batch.rows = sprints.join(sources, on=["team", "sprint"]).with_columns(approximate=pl.lit(False))
    for u in units.iter_rows(named=True):
        if u["unit"] == "issues" and u["unestimated"] < u["rows"]:
            batch.notes.append(f"team {u['team']}: {u['unestimated']} of {u['rows']} issues have no estimate, "
                               "so its sprints are counted in issues, not points")
        else:
            batch.notes.append(f"team {u['team']}: counted in {u['unit']}")
