"""Pages where people wait, whatever the data (issue 23, section 1): a workspace holding 1,000,000
sprint-issues rows and 100,000 launches (with their checklists), an assessment and a campaign, served
by one `prodops serve` worker on SQLite on 127.0.0.1.

Measured once the data is imported: the first view of each page after the import (it computes what
the page needs, once) and then the p95 of 30 views each of the campaign dashboard, the organisation
page and `GET /api/v1/campaigns/{id}/result`; the worker's peak memory; and how long SIGTERM takes
to stop it. Targets: each p95 under 300 ms, peak under 1 GB, stopped within 10 s (uvicorn's
graceful timeout as `prodops serve` sets it). Bounded: every request times out after 5 minutes."""

from __future__ import annotations

import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sprint_issues
import web
from prodops import operations
from prodops.inputs.models import load_model
from prodops.shells.demo import demo_answers
from prodops.store import Workspace, database_url
from tests.pgserver import free_port

ORGANIZATION = "Big Co"
LAUNCHES = 100_000
VIEWS = 30
TARGET_P95 = 0.300
TARGET_MB = 1024
TARGET_STOP = 10.0
PASSWORD = "a long enough bench password"
PRODOPS = str(Path(sys.executable).parent / "prodops")


def _launches(folder: Path, rows: int = LAUNCHES, seed: int = 5) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    due = np.datetime64("2022-01-03") + rng.integers(0, 4 * 365, rows).astype("timedelta64[D]")
    late = rng.integers(-10, 30, rows).astype("timedelta64[D]")
    ids = [f"L{n:06d}" for n in range(rows)]
    pl.DataFrame({"launch": ids, "name": [f"Launch {n}" for n in range(rows)], "tier": rng.integers(1, 4, rows),
                  "original_date": due, "actual_date": due + late, "adoption_metric": "weekly active teams",
                  "adoption_target": 1000, "adoption_q1": rng.integers(400, 1600, rows),
                  "team": [f"team-{n % 40:02d}" for n in range(rows)]}).write_csv(folder / "launches.csv")
    pl.DataFrame({"launch": ids * 2, "function": ["Marketing"] * rows + ["Sales"] * rows,
                  "item": ["Launch blog post"] * rows + ["Sales enablement"] * rows,
                  "owner": "lead", "done": rng.random(2 * rows) < 0.8, "done_at": np.concatenate([due, due])}
                 ).write_csv(folder / "launch-checklist.csv")
    return folder / "launches.csv", folder / "launch-checklist.csv"


def _prepare(folder: Path) -> tuple[str, int]:
    """The workspace: the data imported through the command line, an assessment, a campaign with
    answers, an admin. (its database path, the campaign's id)."""
    db = str(folder / "prodops.db")
    issues = folder / "sprint-issues.csv"
    sprint_issues.generate(issues)
    launches, checklist = _launches(folder)
    for kind, path in (("sprint-issues", issues), ("launches", launches), ("launch-checklist", checklist)):
        subprocess.run([PRODOPS, "import", "--organization", ORGANIZATION, kind, str(path), "--db", db], check=True,
                       capture_output=True)
    answers = folder / "answers.yaml"
    answers.write_text(re.sub(r"(?m)^organization: .*$", f"organization: {ORGANIZATION}",
                              demo_answers()[-1].read_text(encoding="utf-8")), encoding="utf-8")
    subprocess.run([PRODOPS, "assess", str(answers), "--db", db], check=True, capture_output=True)
    model = load_model()
    with Workspace(database_url(db)) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
        campaign = operations.create_campaign(ws, model, ORGANIZATION, "Big round", threshold=None)
        people = [{"name": f"P{n}", "role": model.roles[n % len(model.roles)].id} for n in range(12)]
        for invite in operations.invite(ws, model, campaign.id, people).issued:
            operations.save(ws, model, invite.token, {c.id: "Mostly" for c in model.criteria}, submit=True)
    return db, campaign.id


def _peak_mb(pid: int) -> float:
    """The peak resident memory of a process and its children, from /proc (Linux)."""
    peak = 0.0
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        status = Path(f"/proc/{p}/status").read_text()
        peak = max(peak, int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024)
    return peak


def run() -> dict:
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        db, campaign = _prepare(Path(tmp))
        out["prepare_s"] = time.perf_counter() - start
        port = free_port()
        server = subprocess.Popen([PRODOPS, "serve", "--port", str(port), "--db", db], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            web._until_serving(base, server)
            with httpx.Client(base_url=base, timeout=300) as browser:
                page = browser.get("/login").text
                csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
                signed = browser.post("/login", data={"csrf": csrf, "email": "admin@example.com", "password": PASSWORD})
                assert signed.status_code in (200, 303), signed.status_code
                pages = {"dashboard": f"/campaigns/{campaign}",
                         "organisation page": f"/organization?name={ORGANIZATION.replace(' ', '%20')}",
                         "result API": f"/api/v1/campaigns/{campaign}/result"}
                for name, path in pages.items():
                    first = time.perf_counter()
                    answer = browser.get(path)
                    out[f"{name} first"] = time.perf_counter() - first
                    assert answer.status_code == 200, (path, answer.status_code, answer.text[-500:])
                    times = []
                    for _ in range(VIEWS):
                        begin = time.perf_counter()
                        browser.get(path).raise_for_status()
                        times.append(time.perf_counter() - begin)
                    out[name] = statistics.quantiles(times, n=20)[-1]  # p95
            out["peak_mb"] = _peak_mb(server.pid)
            begin = time.perf_counter()
            server.send_signal(signal.SIGTERM)
            server.wait(60)
            out["stop_s"] = time.perf_counter() - begin
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()
    return out


def report(f: dict) -> bool:
    print(f"a big workspace: 1,000,000 sprint-issues rows and {LAUNCHES:,} launches, one worker on SQLite "
          f"(prepared in {f['prepare_s']:.0f} s)")
    ok = True
    for name in ("dashboard", "organisation page", "result API"):
        hit = f[name] < TARGET_P95
        ok = ok and hit
        print(f"  {name:<18} p95 {f[name] * 1000:7.0f} ms   target < {TARGET_P95 * 1000:.0f} ms  "
              f"{'OK' if hit else 'OVER TARGET'}   (first view after the import {f[name + ' first']:.1f} s)")
    for label, value, target, unit in (("worker peak memory", f["peak_mb"], TARGET_MB, "MB"),
                                       ("SIGTERM to stopped", f["stop_s"], TARGET_STOP, "s")):
        hit = value < target
        ok = ok and hit
        print(f"  {label:<18} {value:8.1f} {unit}   target < {target} {unit}  {'OK' if hit else 'OVER TARGET'}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if report(run()) else 1)
