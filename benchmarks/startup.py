"""How long the commands that open a workspace take, start to finish, on the demo's workspace
(targets: history, plan and assess of one file under 0.3 s; metrics under 0.6 s; the median of
5 runs, each a new process). Beside them, the floor: a process that only imports the libraries
every such command needs (Typer, SQLAlchemy, pydantic, PyYAML, Rich), doing nothing else."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5
PRODOPS = str(Path(sys.executable).parent / "prodops")
TARGETS = {"history": 0.3, "plan": 0.3, "assess": 0.3, "metrics": 0.6}


def _median(argv: list[str]) -> float:
    times = []
    for _ in range(RUNS + 1):  # the first run warms the disk cache and is not counted
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        subprocess.run([PRODOPS, "demo", "--out", str(demo)], check=True, capture_output=True)
        db = str(demo / "prodops.db")
        answers = str(demo / "answers" / "2026-09-30-q3.yaml")
        commands = {"history": ["history"], "plan": ["plan"], "assess": ["assess", answers, "--no-record"],
                    "metrics": ["metrics"]}
        out = {name: _median([PRODOPS, *args, "--db", db]) for name, args in commands.items()}
    out["floor"] = _median([sys.executable, "-c", "import typer, sqlalchemy, pydantic, yaml, rich.console"])
    return out


def report(f: dict) -> bool:
    print(f"start-up: each command on the demo workspace, a new process, median of {RUNS}")
    print(f"  floor: importing Typer, SQLAlchemy, pydantic, PyYAML and Rich  {f['floor']:6.2f} s")
    ok = True
    for name, target in TARGETS.items():
        hit = f[name] < target
        ok = ok and hit
        print(f"  prodops {name:<8} {f[name]:6.2f} s   target < {target:.1f} s  {'OK' if hit else 'OVER TARGET'}")
    return ok
