"""Import one million sprint-issues rows and compute every sprint metric.

Targets: within 5x of DuckDB's bare scan of the same file, measured in the same run (the floor
any importer is measured against), and a peak under 1 GB. Each measurement runs in a fresh
process, so that its peak memory (max RSS) and its start-up (imports included) are its own.
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
TARGET_TIMES_FLOOR = 5.0
TARGET_MB = 1024


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


def _child(task: str, csv: str, db: str) -> None:
    """Runs in its own process: prints seconds and peak MB as JSON."""
    import resource

    start = time.perf_counter()
    out: dict = {}
    if task == "prodops":
        from prodops import operations
        from prodops.store import Workspace

        with Workspace(f"sqlite:///{db}") as ws:
            operations.import_files(ws, "sprint-issues", [csv], organization="Bench")
            out["import_seconds"] = time.perf_counter() - start
            value = operations.value_metrics(ws, ["predictability", "symptoms"],
                                             as_of=dt.date(2050, 1, 1),  # the generated sprints run to 2046
                                             change_date=dt.date(2024, 1, 1))
        out["sprints"] = value.results["predictability"]["overall"]["sprints"]
    else:
        import duckdb

        out["rows"] = duckdb.sql(f"SELECT count(*) FROM read_csv('{csv}')").fetchall()[0][0]
    out["seconds"] = time.perf_counter() - start
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def _measure(task: str, csv: Path, db: Path) -> dict:
    p = subprocess.run([sys.executable, __file__, "--child", task, str(csv), str(db)], capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(p.stderr)
    return json.loads(p.stdout)


RUNS = 3


def run(rows: int = ROWS) -> dict:
    """Each measurement RUNS times, prodops and DuckDB in turn (so both meet the same machine), each
    in a new process on a new workspace; the medians are reported."""
    import statistics

    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "sprint-issues.csv"
        t = time.perf_counter()
        generate(csv, rows)
        figures = {"rows": rows, "file_mb": csv.stat().st_size / 2**20, "generate_seconds": time.perf_counter() - t}
        runs: dict[str, list[dict]] = {"prodops": [], "duckdb": []}
        for i in range(RUNS):
            runs["prodops"].append(_measure("prodops", csv, Path(tmp) / f"bench-{i}.db"))
            try:
                runs["duckdb"].append(_measure("duckdb", csv, Path(tmp) / "unused.db"))
            except RuntimeError as e:
                runs["duckdb"] = [{"error": str(e).strip().splitlines()[-1]}]
                break
    for name, measured in runs.items():
        if "error" in measured[0]:
            figures[name] = measured[0]
        else:
            figures[name] = {k: statistics.median(m[k] for m in measured) for k in measured[0]}
    figures["prodops"]["sprints"] = int(figures["prodops"]["sprints"])
    return figures


def report(f: dict) -> bool:
    p, d = f["prodops"], f["duckdb"]
    print(f"sprint-issues: {f['rows']:,} rows ({f['file_mb']:.0f} MB CSV, generated in {f['generate_seconds']:.1f} s); "
          f"medians of {RUNS} runs each")
    if "error" in d:
        print(f"  duckdb read_csv (floor)                   not measured: {d['error']}")
        floor = None
    else:
        floor = d["seconds"]
        print(f"  duckdb read_csv count (floor)             {floor:6.2f} s   peak {d['peak_mb']:6.0f} MB")
    print(f"  prodops import (read, validate, aggregate, write {p['sprints']:,} sprints)  {p['import_seconds']:6.2f} s")
    ratio = p["seconds"] / floor if floor else float("nan")
    ok = floor is not None and ratio <= TARGET_TIMES_FLOOR and p["peak_mb"] < TARGET_MB
    print(f"  prodops import + all sprint metrics       {p['seconds']:6.2f} s   peak {p['peak_mb']:6.0f} MB   "
          f"{ratio:.1f}x the floor; target <= {TARGET_TIMES_FLOOR:.0f}x, < {TARGET_MB} MB  {'OK' if ok else 'OVER TARGET'}")
    return ok


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--child":
    _child(*sys.argv[2:5])
