"""Many writers at once, as the web app's workers will be: on SQLite they wait their turn, on
PostgreSQL they run side by side; none fails, every row is there, none twice."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from prodops.shells.demo import EXAMPLES, demo_answers

pytestmark = pytest.mark.slow  # many processes at once: seconds a test


WRITERS = 6


def _writer(url: str, task: str, i: int, folder: str, start, results) -> None:
    """One writer process: waits for the others, then writes."""
    from prodops import operations
    from prodops.inputs.models import load_model
    from prodops.store import Workspace

    start.wait(60)
    try:
        with Workspace(url) as ws:
            if task == "same-import":
                done = operations.import_files(ws, "sprint-summary", [EXAMPLES / "sprints.csv"], organization="Acme")
                results.put((i, "ok", done.new + done.updated))
            elif task == "own-import":
                rows = (EXAMPLES / "sprints.csv").read_text().splitlines()
                path = Path(folder) / f"writer-{i}.csv"
                path.write_text("\n".join([rows[0], *[r.replace(r.split(",")[0], f"Team {i}", 1) for r in rows[1:]]]) + "\n")
                done = operations.import_files(ws, "sprint-summary", [path], organization="Acme")
                results.put((i, "ok", done.new))
            elif task == "same-assessment":
                model = load_model()
                done = operations.assess(model, operations.read_responses(model, [demo_answers()[i % 3]]), ws, use_data=False)
                results.put((i, "ok", done.result.respondents))
            elif task == "setting":
                operations.change_setting(ws, "hourly_rate", str(80 + i), "Acme")
                results.put((i, "ok", 80 + i))
    except Exception as e:
        results.put((i, "error", f"{type(e).__name__}: {e}"))


def _run_together(url: str, task: str, folder: Path) -> list:
    ctx = multiprocessing.get_context("spawn")  # each writer a fresh process, as separate workers are
    start, results = ctx.Event(), ctx.Queue()
    writers = [ctx.Process(target=_writer, args=(url, task, i, str(folder), start, results)) for i in range(WRITERS)]
    for w in writers:
        w.start()
    start.set()
    out = [results.get(timeout=240) for _ in writers]
    for w in writers:
        w.join(60)
    errors = [r for r in out if r[1] != "ok"]
    assert not errors, errors
    return out


@pytest.mark.parametrize("task", ["same-import", "own-import", "same-assessment", "setting"])
def test_writers_at_once_on_a_new_workspace(db_url, task, tmp_path):
    """All start together on a workspace that does not exist yet: its schema is made once."""
    from prodops.store import Workspace

    out = _run_together(db_url, task, tmp_path)
    with Workspace(db_url) as ws:
        sprints = ws.read("sprints", "Acme")
        recorded = ws.assessments()
        if task == "same-import":
            assert sprints.height == len((EXAMPLES / "sprints.csv").read_text().splitlines()) - 1
        elif task == "own-import":
            per_writer = len((EXAMPLES / "sprints.csv").read_text().splitlines()) - 1
            assert sprints.height == WRITERS * per_writer and sorted(n for _, _, n in out) == [per_writer] * WRITERS
            assert sprints["team"].n_unique() == WRITERS
        elif task == "same-assessment":
            dates = {a.date for a in recorded}
            assert len(recorded) == len(dates) == 3  # one per organisation and date, never two
            for a in recorded:  # and each whole: its answers those of the one writer that won
                responses = ws.responses(a.id)
                assert len(responses.respondents) == a.respondents
        elif task == "setting":
            assert ws.settings("Acme")[""]["hourly_rate"] in {str(float(80 + i)) for i in range(WRITERS)}
