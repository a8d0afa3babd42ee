"""Autosaves a second on one worker on SQLite against a floor measured in the same run (issue 23,
section 3): a bare Starlette app, served by the same uvicorn and driven by the same client, doing
the same upsert of one answer with the raw driver. 50 respondents save back to back for 20 s on
each; prodops / floor is printed beside the target (at least 40 %). Bounded: 20 s a side, 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import web
from tests.pgserver import free_port

CLIENTS = 50
SECONDS = 20.0
TARGET = 0.40

FLOOR_APP = textwrap.dedent('''
    import sqlite3, threading
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    DB = {db!r}
    local = threading.local()

    def connection():
        if not hasattr(local, "db"):
            local.db = sqlite3.connect(DB, timeout=60, isolation_level=None)
            local.db.execute("PRAGMA journal_mode=WAL")
        return local.db

    async def page(request):
        return HTMLResponse('<input name="csrf" value="floor">')

    def save(request):
        token, criterion = request.path_params["token"], request.path_params["criterion"]
        db = connection()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO answers VALUES (?, ?, ?) ON CONFLICT (token, criterion) DO UPDATE SET value = excluded.value",
                   (token, criterion, "Mostly"))
        db.execute("COMMIT")
        return HTMLResponse("<p>Saved</p>")

    async def saving(request):
        from starlette.concurrency import run_in_threadpool
        await request.form()
        return await run_in_threadpool(save, request)

    app = Starlette(routes=[Route("/r/{{token}}/1", page), Route("/r/{{token}}/save/{{criterion}}", saving, methods=["POST"])])
''')


async def _saving(base: str, tokens: list[str], criteria: list[str]) -> int:
    """Each respondent saves answers back to back until the time is up: how many were saved."""
    done = 0
    deadline = time.monotonic() + SECONDS

    async def respondent(token: str) -> None:
        nonlocal done
        browser = web._Browser(base)
        status, body = await browser.request("GET", f"/r/{token}/1")
        csrf = re.search(r'name="csrf" value="([^"]+)"', body.decode()).group(1)
        headers = {"X-CSRF-Token": csrf, "HX-Request": "true"}
        n = 0
        while time.monotonic() < deadline:
            cid = criteria[n % len(criteria)]
            status, _ = await browser.request("POST", f"/r/{token}/save/{cid}", form={f"answer-{cid}": "Mostly"},
                                              headers=headers)
            if status == 200:
                done += 1
            n += 1
        browser.close()

    await asyncio.gather(*(respondent(t) for t in tokens))
    return done


def _floor(tmp: Path, criteria: list[str]) -> float:
    db = tmp / "floor.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE answers (token TEXT, criterion TEXT, value TEXT, PRIMARY KEY (token, criterion))")
    (tmp / "floor_app.py").write_text(FLOOR_APP.format(db=str(db)), encoding="utf-8")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "floor_app:app", "--port", str(port), "--host", "127.0.0.1",
                               "--log-level", "warning"], cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                asyncio.run(web._Browser(base).request("GET", "/r/x/1"))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        return asyncio.run(_saving(base, [f"t{n}" for n in range(CLIENTS)], criteria)) / SECONDS
    finally:
        server.terminate()
        server.wait(30)


def run() -> dict:
    from prodops.inputs.models import load_model

    criteria = list(load_model().criterion)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        tokens = web._setup(db)[:CLIENTS]
        with web._serving(db, 1) as base:
            prodops = asyncio.run(_saving(base, tokens, criteria)) / SECONDS
        floor = _floor(Path(tmp), criteria)
    return {"prodops": prodops, "floor": floor}


def report(f: dict) -> bool:
    ratio = f["prodops"] / f["floor"]
    ok = ratio >= TARGET
    print(f"autosave throughput: {CLIENTS} respondents saving back to back for {SECONDS:.0f} s, one worker on SQLite")
    print(f"  floor (bare Starlette, raw sqlite3 upsert)  {f['floor']:7.0f} saves/s")
    print(f"  prodops                                     {f['prodops']:7.0f} saves/s = {ratio:.0%} of the floor   "
          f"target >= {TARGET:.0%}  {'OK' if ok else 'UNDER TARGET'}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if report(run()) else 1)
