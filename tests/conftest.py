"""Shared fixtures: a tiny model to reason about by hand, and a real PostgreSQL server."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prodops.core.responses import Respondent, Responses
from tests.pgserver import bindir, new_database, running_postgres
from prodops.core.model import MaturityModel

REPO = Path(__file__).resolve().parents[1]
PRODOPS = str(Path(sys.executable).parent / "prodops")


def tiny_model(**overrides) -> MaturityModel:
    """Two dimensions, one criterion per dimension and level 2..5: a: a2..a5, b: b2..b5."""
    data = {
        "id": "tiny", "version": "1", "name": "Tiny",
        "answer_scale": [{"label": label, "value": v} for label, v in
                         [("No", 0), ("Started", 0.25), ("Partly", 0.5), ("Mostly", 0.75), ("Fully", 1)]],
        "roles": [{"id": "pm", "name": "PM"}, {"id": "lead", "name": "Leadership"}],
        "levels": [{"number": n, "name": f"L{n}", "description": f"level {n}"} for n in range(1, 6)],
        "dimensions": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "criteria": [{"id": f"{d}{n}", "dimension": d, "level": n, "text": f"{d} at {n}"}
                     for d in "ab" for n in range(2, 6)],
        "investments": [
            {"id": f"inv-{d}{n}", "name": f"{d}{n}", "from_level": n - 1, "to_level": n,
             "criteria": [f"{d}{n}"], "effort": "S", "metric": {"name": "m"},
             "depends_on": [f"inv-{d}{n - 1}"] if n > 2 else []}
            for d in "ab" for n in range(2, 6)],
    }
    data.update(overrides)
    return MaturityModel.model_validate(data)


def responses(*people: tuple[str, dict], date=dt.date(2026, 10, 1)) -> Responses:
    """responses(("pm", {"a2": 1.0}), ("lead", {...})) with ids r0, r1, ..."""
    return Responses("Acme", date, tuple(Respondent(f"r{i}", role, answers) for i, (role, answers) in enumerate(people)))


def everyone(model: MaturityModel, value: float | None, role: str = "pm", n: int = 3) -> Responses:
    return responses(*[(role, {c.id: value for c in model.criteria})] * n)


def run(*args: str, input: str | None = None, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The `prodops` command, run in this process (as `prodops` runs it: `cli.main`, its exit code,
    its standard output and error): a test pays for the command, not for starting Python."""
    from click.testing import CliRunner

    from prodops.shells.cli import main

    runner = CliRunner()
    code = 0
    with runner.isolation(input=input, env={"COLUMNS": "160", **(env or {})}) as streams, contextlib.chdir(cwd or os.getcwd()):
        try:
            main(list(args))
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    out, err = streams[0].getvalue().decode(), streams[1].getvalue().decode()
    return subprocess.CompletedProcess(["prodops", *args], code, out, err)


def ok(*args: str, **kw) -> subprocess.CompletedProcess:
    """`prodops ARGS` that must succeed."""
    p = run(*args, **kw)
    assert p.returncode == 0, p.stderr
    return p


def refused(*args: str, **kw) -> str:
    """`prodops ARGS` that must be refused with exit code 2 and a message, never a traceback: its stderr."""
    p = run(*args, **kw)
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr + p.stdout
    return p.stderr


def csrf_in(page: str) -> str:
    """The CSRF token of a page's first form."""
    import re

    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def run_process(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real `prodops` command in a child process: for what only a new process shows (its
    start-up, its time zone, a crash that takes the process down)."""
    return subprocess.run([PRODOPS, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "COLUMNS": "160", **(env or {})}, timeout=300)


def needs(what: str, present: bool, switch: str, how: str) -> None:
    """Skip a test whose tool or data this machine lacks; with $`switch` set (as CI sets it), fail instead."""
    if not present:
        message = f"{what} is missing: {how}"
        if os.environ.get(switch):
            pytest.fail(f"{switch} is set but {message}")
        pytest.skip(message)


# --- the clock: tests set it, never read it ----------------------------------------------------

# The instant a test's clock stands at unless it sets another: late in the UTC day, when the day is
# already tomorrow in UTC+14 (the hour at which the daily game's test used to fail).
CLOCK_START = dt.datetime(2026, 12, 7, 23, 50, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    """The program's clock (prodops.clock), standing at CLOCK_START for this test: `clock.freeze(instant)`
    moves it; the wall clock again after the test. A test that takes it is marked `clock`, and CI runs
    those again under faketime at other hours and in far time zones (.ci/run)."""
    from prodops import clock as program_clock
    program_clock.freeze(CLOCK_START)
    yield program_clock
    program_clock.unfreeze()


@pytest.fixture
def local_zone():
    """Set this machine's time zone for the test, as TZ does for a process: `local_zone("Etc/GMT-14")`
    (that is UTC+14); prodops.clock.local_today() follows it. The zone before it comes back after."""
    before = os.environ.get("TZ")

    def set_zone(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield set_zone
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def pytest_collection_modifyitems(items) -> None:
    """Marks from what a test uses, so a run can be narrowed (`make test-fast`): `clock` (it sets the
    clock: it depends on the day or the hour), `postgres` (a real PostgreSQL server), `browser`
    (Chromium)."""
    for item in items:
        uses = set(getattr(item, "fixturenames", ()))
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "clock" in uses:
            item.add_marker(pytest.mark.clock)
        if uses & {"postgres_server", "postgres_url"} or params.get("db_url") == "postgresql":
            item.add_marker(pytest.mark.postgres)
        if "browser" in uses:
            item.add_marker(pytest.mark.browser)


# --- PostgreSQL: a throwaway server started by the tests --------------------------------------

@pytest.fixture(scope="session")
def postgres_server():
    if bindir() is None:
        message = "PostgreSQL server binaries not found (Debian: apt-get install postgresql)"
        if os.environ.get("PRODOPS_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    with running_postgres() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server):
    """A new, empty database on the test server."""
    return new_database(postgres_server)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'prodops.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def demo_workspace(demo, tmp_path) -> str:
    """A copy of the demo's workspace, to change."""
    db = tmp_path / "demo-copy.db"
    shutil.copy(demo / "prodops.db", db)
    return str(db)


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Path:
    """`prodops demo`'s folder (workspace, reports), made once for the whole run (the workers of
    `pytest -n` share it): read it, don't change it."""
    import fcntl

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the run's folder, above each worker's
    out = shared / "demo"
    with open(shared / "demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker makes it; the others wait, then read it
        if not (shared / "demo.made").exists():
            p = run("demo", "--out", str(out))
            assert p.returncode == 0, p.stderr
            (shared / "demo.made").touch()
    return out


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def require_browser() -> None:
    """Skip the calling test module without Chromium (fail where PRODOPS_REQUIRE_BROWSER is set)."""
    if not CHROMIUM:
        if os.environ.get("PRODOPS_REQUIRE_BROWSER"):
            raise RuntimeError("PRODOPS_REQUIRE_BROWSER is set but no chromium is on PATH")
        pytest.skip("no Chromium here (Debian: apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield b
        b.close()
