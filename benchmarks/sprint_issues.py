"""Import one million sprint-issues rows and compute every sprint metric (issue 23 section 5).

The floor, measured in the same run: a plain Polars script that reads the same file and makes the
same aggregation (each sprint's committed, completed, added and removed points; planning accuracy
and say/do pooled and by median, before and after the change date). Targets: prodops within 2.5x
the floor and a peak within 2x the floor's; at ten million rows (one run each: `--large`) a
ratio no worse than at one million, within a tenth for the machine's drift, i.e. the cost grows
no faster than the floor's. DuckDB's bare count of the file is printed beside, for reference. Each
measurement runs in a fresh process, so that its peak memory (max RSS) and its start-up (imports
included) are its own.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROWS = 1_000_000
LARGE_ROWS = 10_000_000
TARGET_TIMES_FLOOR = 2.5
TARGET_TIMES_FLOOR_PEAK = 2.0
DRIFT = 1.1  # a tenth: what two single runs of the same thing differ by here


def generate(path: Path, rows: int = ROWS, seed: int = 11) -> None:
    """Realistic issue rows: 40 teams, two-week sprints over ~4 years, ~40 issues a sprint."""
    rng = np.random.default_rng(seed)
    per_sprint = 40
    sprints = rows // per_sprint
    teams = 40
    sprint_no = np.repeat(np.arange(sprints), per_sprint)[:rows]
    team = sprint_no % teams
    index = sprint_no // teams
    start = np.datetime64("2022-01-03") + (index * 14).astype("timedelta64[D]")
    added = rng.random(rows) < 0.15
    removed = ~added & (rng.random(rows) < 0.05)
    done = ~removed & (rng.random(rows) < np.where(index > index.max() / 2, 0.82, 0.62))
    estimate = rng.choice([1.0, 2.0, 3.0, 5.0, 8.0, 13.0], rows)
    names = np.array([f"team-{t:02d}" for t in range(teams)])
    frame = pl.DataFrame({
        "team": names[team],
        "sprint": pl.Series(index).cast(pl.String),
        "start": start,
        "end": start + np.timedelta64(13, "D"),
        "issue": pl.Series(np.arange(rows)).cast(pl.String),
        "in_sprint_at_start": ~added,
        "added_during_sprint": added,
        "removed_during_sprint": removed,
        "initial_estimate": estimate,
        "done_at_end": done,
    })
    frame.with_columns(issue=pl.lit("PRJ-") + pl.col("issue")).write_csv(path)


PRODOPS = str(Path(sys.executable).parent / "prodops")
CHANGE = dt.date(2024, 1, 1)


def _until(rows: int) -> dt.date:
    """A day by which every generated sprint has ended: 2050 as always for a million rows (they run
    to 2046); ten million run to 2261, and an earlier day would leave most of them out."""
    last_end = dt.date(2022, 1, 3) + dt.timedelta(days=14 * ((rows // 40 - 1) // 40) + 13)
    return max(dt.date(2050, 1, 1), last_end + dt.timedelta(days=1))


def _commands(task: str, csv: Path, db: Path, rows: int = ROWS) -> list[list[str]]:
    """What each measurement runs, each a process of its own: prodops as a lead runs it."""
    if task == "prodops":
        return [[PRODOPS, "import", "sprint-issues", str(csv), "--organization", "Bench", "--db", str(db)],
                [PRODOPS, "metrics", "--json", "--until", _until(rows).isoformat(), "--change-date", CHANGE.isoformat(),
                 "--db", str(db)]]
    return [[sys.executable, __file__, "--child", task, str(csv)]]


def _child(task: str, csv: str) -> None:
    """A floor, in its own process: prints what it found."""
    if task == "polars":
        print(_polars_floor(csv, CHANGE))
    else:
        import duckdb

        print(duckdb.sql(f"SELECT count(*) FROM read_csv('{csv}')").fetchall()[0][0])


def _polars_floor(csv: str, change: dt.date) -> int:
    """The same aggregation as a plain Polars script: per sprint, then the ratios before and after."""
    points = pl.col("initial_estimate")
    start, done = pl.col("in_sprint_at_start"), pl.col("done_at_end")
    sprints = pl.scan_csv(csv, try_parse_dates=True).group_by("team", "sprint", "start", "end").agg(
        committed=points.filter(start).sum(), completed=points.filter(done).sum(),
        completed_committed=points.filter(start & done).sum(),
        added=points.filter(pl.col("added_during_sprint")).sum(),
        removed=points.filter(pl.col("removed_during_sprint")).sum(),
    ).collect()
    ratios = sprints.with_columns(accuracy=pl.col("completed_committed") / pl.col("committed"),
                                  say_do=pl.col("completed") / pl.col("committed"),
                                  after=pl.col("start") >= change)
    ratios.group_by("after").agg(
        pooled_accuracy=pl.col("completed_committed").sum() / pl.col("committed").sum(),
        median_accuracy=pl.col("accuracy").median(), median_say_do=pl.col("say_do").median(),
        sprints=pl.len())
    return sprints.height


def _measure(task: str, csv: Path, db: Path, rows: int = ROWS) -> dict:
    """Seconds from the first process's start to the last one's end, and the largest peak (max RSS) of them."""
    import os

    seconds, peak, out = 0.0, 0.0, ""
    for argv in _commands(task, csv, db, rows):
        with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:  # a pipe could fill and stall it
            start = time.perf_counter()
            child = subprocess.Popen(argv, stdout=stdout, stderr=stderr)
            _, status, usage = os.wait4(child.pid, 0)
            seconds += time.perf_counter() - start
            stdout.seek(0)
            stderr.seek(0)
            out, err = stdout.read().decode(), stderr.read().decode()
        if status:
            raise RuntimeError(err or out)
        peak = max(peak, usage.ru_maxrss / 1024)
    return {"seconds": seconds, "peak_mb": peak, "out": out}


RUNS = 3
TASKS = ("prodops", "polars", "duckdb")


def run(rows: int = ROWS, runs: int = RUNS) -> dict:
    """Each measurement `runs` times, prodops, Polars and DuckDB in turn (so all meet the same
    machine), each in a new process on a new workspace; the medians are reported."""
    import statistics

    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "sprint-issues.csv"
        t = time.perf_counter()
        # in a process of its own: a child's peak (max RSS) starts from its parent's size when it
        # was started, and this one would hold the generated frame (1.4 GB at ten million rows)
        subprocess.run([sys.executable, __file__, "--generate", str(csv), str(rows)], check=True)
        figures = {"rows": rows, "file_mb": csv.stat().st_size / 2**20, "generate_seconds": time.perf_counter() - t,
                   "runs": runs}
        measured: dict[str, list[dict]] = {task: [] for task in TASKS}
        for i in range(runs):
            for task in TASKS:
                try:
                    measured[task].append(_measure(task, csv, Path(tmp) / f"bench-{i}.db", rows))
                except RuntimeError as e:  # DuckDB is only for reference
                    if task != "duckdb":
                        raise
                    measured[task].append({"error": str(e).strip().splitlines()[-1]})
    for task, m in measured.items():
        figures[task] = m[0] if "error" in m[0] else {k: statistics.median(x[k] for x in m) for k in ("seconds", "peak_mb")}
    figures["sprints"] = json.loads(measured["prodops"][0]["out"])["predictability"]["overall"]["sprints"]
    if figures["sprints"] != int(measured["polars"][0]["out"]):
        raise RuntimeError(f"prodops counted {figures['sprints']} sprints, the floor {measured['polars'][0]['out']}")
    figures["ratio"] = figures["prodops"]["seconds"] / figures["polars"]["seconds"]
    figures["peak_ratio"] = figures["prodops"]["peak_mb"] / figures["polars"]["peak_mb"]
    return figures


def report(f: dict, large: dict | None = None) -> bool:
    p, pf, d = f["prodops"], f["polars"], f["duckdb"]
    print(f"sprint-issues: {f['rows']:,} rows ({f['file_mb']:.0f} MB CSV, generated in {f['generate_seconds']:.1f} s); "
          f"medians of {f['runs']} runs each")
    print(f"  polars script, same aggregation (floor)   {pf['seconds']:6.2f} s   peak {pf['peak_mb']:6.0f} MB")
    if "error" in d:
        print(f"  duckdb read_csv count (reference)         not measured: {d['error']}")
    else:
        print(f"  duckdb read_csv count (reference)         {d['seconds']:6.2f} s   peak {d['peak_mb']:6.0f} MB")
    ok = f["ratio"] <= TARGET_TIMES_FLOOR and f["peak_ratio"] <= TARGET_TIMES_FLOOR_PEAK
    print(f"  prodops import + metrics --json ({f['sprints']:,} sprints)  {p['seconds']:6.2f} s   peak {p['peak_mb']:6.0f} MB   "
          f"{f['ratio']:.1f}x the floor (target <= {TARGET_TIMES_FLOOR}x), peak {f['peak_ratio']:.1f}x its "
          f"(target <= {TARGET_TIMES_FLOOR_PEAK:.0f}x)  {'OK' if ok else 'OVER TARGET'}")
    if large is not None:
        grows = large["ratio"] <= f["ratio"] * DRIFT
        ok = ok and grows
        print(f"  at {large['rows']:,} rows (one run each): prodops {large['prodops']['seconds']:.1f} s, floor "
              f"{large['polars']['seconds']:.1f} s = {large['ratio']:.1f}x (at {f['rows']:,}: {f['ratio']:.1f}x; target: "
              f"no worse, within {DRIFT - 1:.0%})  {'OK' if grows else 'OVER TARGET'}")
    return ok


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--child":
    _child(*sys.argv[2:4])
if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--generate":
    generate(Path(sys.argv[2]), int(sys.argv[3]))
