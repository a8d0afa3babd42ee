"""How long the commands that open a workspace take, start to finish, on the demo's workspace, each
against a floor measured in the same run: a process that imports only what the command needs in
principle (issue 23): Typer and Rich for `--help` and `history`; plus pydantic and PyYAML (the
model) for `plan` and `assess FILE --no-record`; plus Polars for `metrics`. Targets: `--help` and
`history` within 1.5x their floor, the others within 2x. The median of 5 runs, each a new process,
the runs of a command and of its floor interleaved, so that the machine's drift falls on both."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
PRODOPS = str(Path(sys.executable).parent / "prodops")
# pydantic's top level imports its parts when first used: a process that only says `import pydantic`
# has loaded almost none of it, so the floors import what any use of it loads (BaseModel)
FLOORS = {"typer + rich": "import typer, rich.console",
          "+ pydantic, PyYAML": "import typer, rich.console, yaml; from pydantic import BaseModel",
          "+ Polars": "import typer, rich.console, yaml, polars; from pydantic import BaseModel"}
# command -> (its floor, the most times the floor it may take)
TARGETS = {"--help": ("typer + rich", 1.5), "history": ("typer + rich", 1.5), "plan": ("+ pydantic, PyYAML", 2.0),
           "assess": ("+ pydantic, PyYAML", 2.0), "metrics": ("+ Polars", 2.0)}


# as installed: compiled once (a checkout run with PYTHONDONTWRITEBYTECODE would compile every module every time)
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=_ENV)
    return time.perf_counter() - start


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        subprocess.run([PRODOPS, "demo", "--out", str(demo)], check=True, capture_output=True)
        db = str(demo / "prodops.db")
        answers = str(demo / "answers" / "2026-09-30-q3.yaml")
        commands = {"--help": ["--help"], "history": ["history", "--db", db], "plan": ["plan", "--db", db],
                    "assess": ["assess", answers, "--no-record", "--db", db], "metrics": ["metrics", "--db", db]}
        argv = {**{name: [PRODOPS, *args] for name, args in commands.items()},
                **{name: [sys.executable, "-c", code] for name, code in FLOORS.items()}}
        times: dict[str, list[float]] = {name: [] for name in argv}
        for name in argv:  # a first run of each warms the disk cache (and keeps what history and metrics show): not counted
            _seconds(argv[name])
        for _ in range(RUNS):
            for name in argv:
                times[name].append(_seconds(argv[name]))
    return {name: statistics.median(t) for name, t in times.items()}


def report(f: dict) -> bool:
    print(f"start-up: each command on the demo workspace against its floor, a new process each, median of {RUNS}")
    for name in FLOORS:
        print(f"  floor: {name:<20} {f[name]:6.2f} s")
    ok = True
    for name, (floor, most) in TARGETS.items():
        ratio = f[name] / f[floor]
        hit = ratio <= most
        ok = ok and hit
        print(f"  prodops {name:<8} {f[name]:6.2f} s = {ratio:4.1f}x its floor ({floor})   target <= {most}x  "
              f"{'OK' if hit else 'OVER TARGET'}")
    return ok
