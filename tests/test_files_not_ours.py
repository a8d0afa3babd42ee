"""Writing never touches a file that is not ours: no write through a planted link, no clean-up of
files prodops did not write, no overwrite without --force (issue: hostile input and faults)."""

import os

import pytest

from conftest import ok, refused


@pytest.mark.slow
def test_a_planted_link_does_not_redirect_the_report(demo, tmp_path):
    db = str(demo / "prodops.db")
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    out.mkdir()
    victim.write_text("mine")
    os.symlink("../victim.txt", out / ".report.html.partial")  # where an older prodops staged its file
    ok("report", "--db", db, "-f", "html", "--out", str(out / "report.html"))
    assert victim.read_text() == "mine" and not (out / "report.html").is_symlink()
    (out / "report.html").unlink()
    os.symlink("../victim.txt", out / "report.html")  # the report's own name, a link to someone's file
    assert "report.html exists; nothing was written (--force)" in refused("report", "--db", db, "-f", "html",
                                                                          "--out", str(out / "report.html"))
    ok("report", "--db", db, "-f", "html", "--out", str(out / "report.html"), "--force")
    assert victim.read_text() == "mine" and not (out / "report.html").is_symlink()  # the link replaced, not followed
    assert not [p for p in out.iterdir() if p.name.endswith(".partial") and not p.is_symlink()]


@pytest.mark.slow
def test_the_markdown_clean_up_removes_only_charts_it_wrote(demo, tmp_path):
    db = str(demo / "prodops.db")
    site = tmp_path / "site"
    (site / "docs-charts").mkdir(parents=True)
    (site / "docs-charts" / "mine.svg").write_text("<svg/>")
    ok("report", "--db", db, "-f", "md", "--out", str(site / "docs.md"))
    ok("report", "--db", db, "-f", "md", "--out", str(site / "docs.md"), "--force")  # again: replaces its own
    assert (site / "docs-charts" / "mine.svg").read_text() == "<svg/>"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "theirs.svg").write_text("<svg/>")
    os.symlink(elsewhere, site / "other-charts")
    assert "other-charts is a link" in refused("report", "--db", db, "-f", "md", "--out", str(site / "other.md"))
    assert (elsewhere / "theirs.svg").exists() and not (site / "other.md").exists()


def test_every_out_refuses_to_overwrite_without_force(tmp_path):
    for args in (("model", "export"), ("model", "schema"), ("template", "answers"), ("template", "launches")):
        path = tmp_path / f"{'-'.join(args)}.txt"
        path.write_text("mine")
        assert "exists; nothing was written (--force)" in refused(*args, "--out", str(path))
        assert path.read_text() == "mine"
        ok(*args, "--out", str(path), "--force")
        assert path.read_text() != "mine"


def test_a_command_that_only_reads_never_writes_a_schema(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for command in (("history",), ("plan",), ("metrics",), ("report",), ("settings",)):
        assert "is not a prodops workspace" in refused(*command, "--db", str(empty))
    assert empty.read_bytes() == b""


def test_user_text_cannot_drive_the_terminal(tmp_path):
    from prodops.inputs.sources.tables import template_csv

    db = str(tmp_path / "w.db")
    names = ["[link=http://evil.example]Payments[/link]", "[/]", "[bold red]Mobile"]
    csv = tmp_path / "s.csv"
    csv.write_text(template_csv("sprint-summary") + "".join(f'"{n}",S1,2026-01-05,2026-01-18,points,10,8,7,1,0\n' for n in names))
    ok("import", "--organization", "Acme", "sprint-summary", str(csv), "--db", db)
    out = ok("metrics", "predictability", "--db", db, "--until", "2026-02-01").stdout
    for name in names:  # shown as typed: no link, no style, no crash on a closing tag
        assert name in out
    escaped = tmp_path / "esc.csv"
    escaped.write_text(template_csv("sprint-summary") + '"Pay\x1b]8;;http://evil\x07ments",S1,,,points,1,1,,,\n')
    err = refused("import", "--organization", "Acme", "sprint-summary", str(escaped), "--db", db)
    assert "holds a control character" in err and "\x1b" not in err and "\x07" not in err


def test_a_name_of_any_length_reaches_a_chart_cut_to_size(demo):
    import json

    from prodops.renderers.charts import CHARTS, LABEL

    report = json.loads((demo / "report.json").read_text())
    first = report["value"]["predictability"]["teams"][0]["team"]
    for row in report["value"]["predictability"]["teams"] + report["value"]["predictability"]["by_team_quarter"]:
        row["team"] = "P" * 1_000_000 if row["team"] == first else row["team"]  # from a workspace older than the checks
    for name, chart in CHARTS.items():
        values = json.dumps(chart(report))
        assert "P" * (LABEL + 1) not in values, name
