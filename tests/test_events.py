"""Named days on the timeline: kept in the workspace, refused when wrong, and named wherever the
report speaks of the change date (sentences, tables, the chart over time) in every format."""

from __future__ import annotations

import json

import pytest

from conftest import ok, refused


@pytest.fixture
def workspace(demo_workspace) -> str:
    """The demo's workspace without its named days."""
    for day in ("2025-11-03", "2026-04-06"):
        ok("events", "remove", day, "--db", demo_workspace)
    return demo_workspace


def test_events_are_added_listed_and_removed(workspace):
    ok("events", "add", "2026-04-06", "Playbook adopted", "--db", workspace)
    ok("events", "add", "2026-04-06", "Playbook adopted", "--db", workspace)  # once
    listed = json.loads(ok("events", "add", "2025-11-03", "Lead hired", "--db", workspace, "--json").stdout)
    assert listed == {"events": [{"date": "2025-11-03", "label": "Lead hired"},
                                 {"date": "2026-04-06", "label": "Playbook adopted"}]}
    assert "2025-11-03  Lead hired\n2026-04-06  Playbook adopted" in ok("events", "list", "--db", workspace).stdout
    ok("events", "remove", "2025-11-03", "--db", workspace)
    assert json.loads(ok("events", "list", "--json", "--db", workspace).stdout)["events"] == [
        {"date": "2026-04-06", "label": "Playbook adopted"}]


@pytest.mark.parametrize("args, message", [
    (["add", "2026-02-30", "x"], "the event's day: '2026-02-30' is not a real day"),
    (["add", "2026-04-06", ""], "the event's name is required"),
    (["add", "2026-04-06", "a\x1bb"], "the event's name holds a control character (\\x1b); remove it"),
    (["remove", "2026-01-01"], "no event of Northwind Cloud on 2026-01-01"),
])
def test_a_wrong_event_is_refused(workspace, args, message):
    assert message in refused("events", *args, "--db", workspace)


def test_the_report_names_the_change_date_everywhere(workspace, tmp_path):
    ok("events", "add", "2026-04-06", "Playbook adopted", "--db", workspace)
    ok("events", "add", "2025-11-03", "Lead <hired>", "--db", workspace)
    ok("events", "add", "2027-01-01", "Later", "--db", workspace)  # after the report's date: not in it
    ok("report", "--db", workspace, "-f", "md,html,json", "--out", str(tmp_path / "r"))
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["value"]["events"] == [{"date": "2025-11-03", "label": "Lead <hired>"},
                                         {"date": "2026-04-06", "label": "Playbook adopted"}]
    assert report["summary"][4].startswith(
        "Since 2026-04-06 (Playbook adopted): Planning accuracy (median of sprint ratios) rose")
    md = (tmp_path / "r.md").read_text()
    assert "| Planning accuracy (median of sprint ratios) before and after 2026-04-06 (Playbook adopted) | 60% → 83% |" in md
    assert "### Before and after 2026-04-06 (Playbook adopted)" in md
    chart = (tmp_path / "r-charts" / "predictability-over-time.svg").read_text()
    assert "2026-04-06 (Playbook adopted)" in chart and "2025-11-03 (Lead &lt;hired&gt;)" in chart and "Later" not in chart
    html = (tmp_path / "r.html").read_text()
    assert "Lead <hired>" not in html and "Lead &lt;hired&gt;" in html
