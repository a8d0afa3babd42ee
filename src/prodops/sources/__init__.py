"""Input formats -> the workspace's canonical tables. Every file is validated before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from prodops.errors import InputError
from prodops.sources.tables import TABLES, read_table

# Which workspace table each import kind fills.
TARGET = {
    "sprint-summary": "sprints",
    "sprint-issues": "sprints",
    "time-survey": "time_survey",
    "launches": "launches",
    "launch-checklist": "launch_checklist",
    "tse2017-sprints": "sprints",
    "jira-sprint-report": "sprints",
    "jira-issues": "sprints",
    "jira-sprint-issues": "sprints",
    "jira-csv": "sprints",
    "survey-export": "time_survey",
    "feedback": "feedback",
    "roadmap-items": "roadmap_items",
    "account-outcomes": "account_outcomes",
}


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
    if kind not in TARGET:
        raise InputError(f"unknown import kind {kind!r}; one of {', '.join(TARGET)}")
    if not paths:
        raise InputError(f"no file given; `prodops template {kind}` writes the header to start from")
    if kind == "tse2017-sprints":
        return _converted(kind, paths)
    if kind == "survey-export":
        return _survey(kind, paths, mapping)
    if kind in ("jira-sprint-issues", "jira-csv"):
        from prodops.sources.jira import read_agile_issues, read_jira_csv

        if kind == "jira-csv":
            frame = pl.concat([read_jira_csv(Path(p), team) for p in paths])
        else:
            frame = read_agile_issues([Path(p) for p in paths], team, points_field)
        batch = Batch(kind, TARGET[kind], frame.with_columns(source=pl.lit(", ".join(map(str, paths)))),
                      [str(p) for p in paths], frame.height,
                      ["these payloads have no history: every issue counts as committed to each sprint it was in "
                       "(scope creep cannot be seen), and the sprints are marked approximate"])
        summarize(batch)
        batch.rows = batch.rows.with_columns(approximate=pl.lit(True))
        return batch
    if kind == "jira-issues":
        from prodops.sources.jira import read_issue_changelogs

        frame, notes = read_issue_changelogs([Path(p) for p in paths], team)
        batch = Batch(kind, TARGET[kind], frame.with_columns(source=pl.lit(", ".join(map(str, paths)))),
                      [str(p) for p in paths], frame.height, notes)
        summarize(batch)
        return batch
    frames = []
    for path in paths:
        if kind == "jira-sprint-report":
            from prodops.sources.jira import read_sprint_report

            frame = read_sprint_report(Path(path), team).with_row_index("row", offset=1)
        else:
            frame = read_table(kind, path)
        frames.append(frame.with_columns(source=pl.lit(str(path))))
    rows = pl.concat(frames, how="vertical_relaxed")
    key = list(TABLES["sprint-issues" if kind == "jira-sprint-report" else kind].key)
    dup = rows.filter(pl.struct(key).is_duplicated())
    if dup.height:
        first = dup.sort(key).head(2).to_dicts()
        where = " and ".join(f"{r['source']} row {r['row']}" for r in first)
        raise InputError(f"the same {'/'.join(key)} ({', '.join(str(first[0][k]) for k in key)}) is in {where}; "
                         "nothing was imported; give each once")
    batch = Batch(kind, TARGET[kind], rows.drop("row"), [str(p) for p in paths], rows.height)
    if kind in ("sprint-issues", "jira-sprint-report"):
        summarize(batch)
    elif kind == "sprint-summary":
        batch.rows = batch.rows.with_columns(pl.col("added", "removed").fill_null(0.0), approximate=pl.lit(False))
    return batch


def _converted(kind: str, paths: list[Path | str]) -> Batch:
    from prodops.sources.tse2017 import read_tse2017

    frames, notes = [], []
    for path in paths:
        frame, file_notes = read_tse2017(Path(path))
        frames.append(frame)
        notes += file_notes
    rows = pl.concat(frames)
    dup = rows.filter(pl.struct("team", "sprint").is_duplicated())
    if dup.height:
        raise InputError(f"sprint {dup['sprint'][0]!r} of {dup['team'][0]} is in more than one file "
                         "(import one t file per project, e.g. the *_iteration_80 files); nothing was imported")
    return Batch(kind, TARGET[kind], rows, [str(p) for p in paths], rows.height, notes)


def _survey(kind: str, paths: list[Path | str], mapping: Path | str | None) -> Batch:
    from prodops.sources.survey import read_time_survey

    if mapping is None:
        raise InputError("a survey export needs --mapping FILE saying which column is which (see docs/inputs.md)")
    frames, notes = [], []
    for path in paths:
        frame, file_notes = read_time_survey(Path(path), Path(mapping))
        frames.append(frame.with_columns(source=pl.lit(str(path))))
        notes += file_notes
    rows = pl.concat(frames)
    dup = rows.filter(pl.struct("respondent", "period").is_duplicated())
    if dup.height:
        raise InputError(f"respondent {dup['respondent'][0]!r} answered the {dup['period'][0]} survey more than once "
                         "in these files; keep one response each; nothing was imported")
    return Batch(kind, TARGET[kind], rows, [str(p) for p in paths], rows.height, notes)


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
