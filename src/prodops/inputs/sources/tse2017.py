"""The TSE 2017 sprint dataset (Choetkiertikul et al., IEEE TSE 2017) -> sprint-summary rows.

Files `<project>_iteration_<t>.csv`, one row per closed sprint, state at t % of the planned
length. The conversion, column by column:
- team = "<project> board <boardid>"; sprint = "<sprintid> <name>" (names repeat within a board).
- start, end: unknown (the dataset has no calendar dates): before/after and cadence leave these
  sprints out, and say so.
- unit = points. committed = vel_starttime.
- added = vel_added: scope added between the start and t, so use the t = 80 files, the nearest
  to the end (a note says so for other t). removed: not known (vel_removed counts any work
  removed, added work too, not only committed work), so left blank.
- completed = vel_diff + vel_starttime + vel_added - vel_removed: all points delivered by the end,
  added work included (the paper's definition; the same from every t file).
- completed_committed is not in the data; an upper bound of it takes its place, and every row is
  marked so (say/do and scope creep are exact, planning accuracy is at most what is shown). The
  bound: min(completed, committed - max(vel_removed - vel_added, 0)), and 0 where that is below
  0. Committed work done by the end is at most all work done, and at most the commitment less
  the committed work removed; of the points removed, at most vel_added were added work, so at
  least vel_removed - vel_added were committed work. (committed - vel_removed would not be a
  bound: where added work was removed, it takes too much off.) The clamp at 0 only matters
  where more points were removed than were committed and added, which an estimate changed
  during the sprint can do.
Quirks handled: sprint names with unquoted commas (rows with too many fields: the extra fields
belong to the name), names that are not valid UTF-8 or hold control characters (replaced by �,
counted), and sprints with
zero points committed (kept; the metrics exclude and count them).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from prodops.core.errors import InputError, Problem
from prodops.inputs.files import read_bytes, refuse_binary
from prodops.core.safe_text import CONTROL

NUMERIC = ["vel_diff", "planday", "no_issue_starttime", "vel_starttime", "no_issue_added", "vel_added",
           "no_issue_removed", "vel_removed", "no_issuetodo", "vel_todo", "no_issueinprogress", "vel_inprogress",
           "no_issuedone", "vel_done", "no_admin", "no_teammember"]
HEADER = ["boardid", "sprintid", "name", *NUMERIC]
_CONTROL = re.compile(CONTROL)


def read_tse2017(path: Path) -> tuple[pl.DataFrame, list[str]]:
    """(sprint-summary rows with their approximation named, notes for the user)."""
    raw = read_bytes(path)
    refuse_binary(path, raw, "a TSE 2017 sprint file")
    lines = raw.replace(b"\r\n", b"\n").split(b"\n")
    header = lines[0].decode("utf-8", "replace").strip().split(",")
    if header != HEADER:
        raise InputError(f"{path}: not a TSE 2017 sprint file; its header should be {','.join(HEADER)}")
    match = re.match(r"([a-z]+)_iteration_(\d+)", path.stem)
    project, t = (match.group(1), int(match.group(2))) if match else (path.stem, None)
    records, repaired, replaced, problems = [], 0, 0, []
    for number, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        text = line.decode("utf-8", "replace")
        fixed = _CONTROL.sub("\ufffd", text)
        replaced += "\ufffd" in fixed
        text = fixed
        fields = text.split(",")
        if len(fields) < len(HEADER):
            problems.append(f"{path}: row {number}: {len(fields)} fields, expected {len(HEADER)}")
            continue
        if len(fields) > len(HEADER):  # unquoted commas in the sprint name
            repaired += 1
            fields = fields[:2] + [",".join(fields[2:len(fields) - len(NUMERIC)])] + fields[len(fields) - len(NUMERIC):]
        records.append([number, *fields])
    if not records and not problems:
        raise InputError(f"{path}: a header and no rows; nothing to import")
    frame = pl.DataFrame(records, schema={"row": pl.Int64, **dict.fromkeys(HEADER, pl.String)}, orient="row")
    typed = frame.with_columns(pl.col(["boardid", "sprintid", *NUMERIC]).str.strip_chars().cast(pl.Float64, strict=False))
    for column in ["boardid", "sprintid", *NUMERIC]:
        bad = typed.filter(pl.col(column).is_null())
        for row in bad.head(3).iter_rows(named=True):
            original = frame.filter(pl.col("row") == row["row"])[column][0]
            problems.append(f"{path}: row {row['row']}, column {column}: {original!r} is not a number")
    if problems:
        raise InputError(f"{path}: not a valid TSE 2017 sprint file; nothing was imported:",
                         [Problem(p, file=str(path)) for p in problems[:20]], more=max(0, len(problems) - 20))

    completed = pl.max_horizontal(pl.col("vel_diff") + pl.col("vel_starttime") + pl.col("vel_added") - pl.col("vel_removed"), 0.0)
    sprints = typed.select(
        team=pl.lit(f"{project} board ") + pl.col("boardid").cast(pl.Int64).cast(pl.String),
        sprint=pl.col("sprintid").cast(pl.Int64).cast(pl.String) + pl.lit(" ") + pl.col("name").str.strip_chars(),
        start=pl.lit(None, pl.Date),
        end=pl.lit(None, pl.Date),
        unit=pl.lit("points"),
        committed=pl.col("vel_starttime"),
        completed=completed,
        # an upper bound (see above): at least vel_removed - vel_added of the removed points were committed
        completed_committed=pl.min_horizontal(completed, pl.max_horizontal(
            pl.col("vel_starttime") - pl.max_horizontal(pl.col("vel_removed") - pl.col("vel_added"), 0.0), 0.0)),
        added=pl.col("vel_added"),
        removed=pl.lit(None, pl.Float64),
        approximation=pl.lit("completed_committed_upper_bound"),
        source=pl.lit(str(path)),
    )
    notes = [f"{path.name}: {sprints.height} sprints; completed_committed is an upper bound, so planning accuracy is "
             "at most what is shown; the dataset has no dates, so before/after and cadence leave these sprints out"]
    if repaired:
        notes.append(f"{path.name}: {repaired} sprint names held unquoted commas; "
                     "their extra fields were joined back into the name")
    if replaced:
        notes.append(f"{path.name}: {replaced} sprint names were not valid UTF-8 or held control characters; "
                     "those were replaced by �")
    shared = typed.filter(pl.col("sprintid").is_duplicated())["sprintid"].n_unique()
    if shared:  # a sprint shown on several boards is the same work counted once per board
        notes.append(f"{path.name}: {shared} sprint ids appear on more than one board (boards sharing sprints); "
                     "each board's copy is kept, so totals across boards count them more than once")
    zero = sprints.filter(pl.col("committed") <= 0).height
    if zero:
        notes.append(f"{path.name}: {zero} sprints had zero points committed; the metrics exclude and count them")
    if t is not None and t != 80:
        notes.append(f"{path.name}: t = {t}; the *_iteration_80 files carry scope changes nearest the sprint's end")
    return sprints, notes
