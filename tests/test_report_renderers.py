"""The report's formats are one registry (report.RENDERERS): a format is its module and its entry, and
the command line, the web app and the demo read it from there. This module is such a format: plain text."""

import io
import json
import re

import pytest

from conftest import ok, refused
from prodops.renderers import FORMATS, RENDERERS, Drawing, Renderer
from prodops.core.report.layout import sections

TEXT = Renderer("txt", "Text", "txt", "text/plain; charset=utf-8", __name__, also=("text",))


def render(report: dict, drawing: Drawing, name: str) -> dict[str, bytes]:
    """The headings, one a line: a format made of what every renderer is given."""
    return {name: "".join(f"{s.title}\n" for s in sections(report)).encode("utf-8")}


@pytest.fixture
def text_format(monkeypatch):
    monkeypatch.setitem(RENDERERS, "txt", TEXT)


def test_a_format_is_its_module_and_its_entry(text_format, demo, tmp_path):
    db = str(demo / "prodops.db")
    ok("report", "--db", db, "-f", "txt,json", "--out", str(tmp_path / "board"))
    assert (tmp_path / "board.txt").read_text().startswith("Executive summary\nWhere we are\n")
    assert json.loads((tmp_path / "board.json").read_text())["organization"] == "Northwind Cloud"
    ok("report", "--db", db, "-f", "txt", "--out", str(tmp_path / "one.text"))  # its other suffix names it too
    assert "Methodology" in (tmp_path / "one.text").read_text()
    assert "the name ends in .txt but the format is html" in refused("report", "--db", db, "-f", "html", "--out",
                                                                     str(tmp_path / "r.txt"))


def test_the_web_app_offers_and_serves_every_registered_format(text_format, demo_workspace):
    from tests.test_web import PASSWORD, sign_in
    from prodops import operations
    from prodops.store import Workspace
    from prodops.shells.web import Settings, create_app

    with Workspace.open(demo_workspace) as ws:
        operations.add_user(ws, "viewer@example.com", "viewer", PASSWORD)
    app = create_app(Settings(db=demo_workspace))
    browser, _ = sign_in(app, "viewer@example.com")
    page = browser.get("/organization", params={"name": "Northwind Cloud"}).text
    offered = [line.split('">')[0] for line in page.split('href="/organization/report.')[1:]]
    # a new format last, then the long deck
    assert [o.split("?")[0] for o in offered] == ["pdf", "html", "xlsx", "pptx", "md", "json", "txt", "pptx"]
    assert offered[-1].split('"')[0].endswith("&amp;appendix=true") and ">PPTX with the appendix</a>" in page
    assert ">Markdown (zip)</a>" in page and ">Text</a>" in page
    got = browser.get("/organization/report.txt", params={"name": "Northwind Cloud"})
    assert got.headers["content-type"] == "text/plain; charset=utf-8"
    assert got.headers["content-disposition"] == 'attachment; filename="prodops-report-2026-09-30.txt"'
    assert got.text.startswith("Executive summary\n")
    assert browser.get("/organization/report.docx", params={"name": "Northwind Cloud"}).status_code == 404
    from pptx import Presentation

    short, full = (Presentation(io.BytesIO(browser.get("/organization/report.pptx", params={
        "name": "Northwind Cloud", **extra}).content)).slides for extra in ({}, {"appendix": "true"}))
    assert len(short) <= 12 < len(full)
    assert [s.shapes.title.text for s in full][:len(short)] == [s.shapes.title.text for s in short]
    assert all(s.shapes.title.text.startswith("Appendix: ") for s in list(full)[len(short):])
    app.state.ws.close()


def test_one_drawing_serves_every_format_and_draws_only_what_they_ask(demo):
    """The HTML page, the PDF's source and Markdown's charts come from one drawing of the report's JSON
    document, each made once; slides' PNGs only when slides are asked for."""
    drawing = Drawing(json.loads((demo / "report.json").read_text()))
    assert drawing.document == (demo / "report.json").read_text()  # every renderer sees exactly the documented JSON
    html = RENDERERS["html"].render(drawing.report, drawing, "r.html")
    md = RENDERERS["md"].render(drawing.report, drawing, "r.md")
    assert html == {"r.html": (demo / "report.html").read_bytes()}
    assert md["r.md"] == (demo / "report.md").read_bytes().replace(b"report-charts/", b"r-charts/")
    assert sorted(md) == sorted(["r.md", *(f"r-charts/{p.name}" for p in (demo / "report-charts").glob("*.svg"))])
    assert {"svgs", "html"} <= vars(drawing).keys() and "pngs" not in vars(drawing)


def test_the_page_carries_each_chart_drawn_for_a_phone_and_the_printed_page_does_not(demo):
    drawing = Drawing(json.loads((demo / "report.json").read_text()))
    assert sorted(drawing.phone_svgs) == sorted(drawing.svgs) and len(drawing.svgs) == 10
    for name, svg in drawing.phone_svgs.items():
        width = float(re.search(r'<svg[^>]* width="([0-9.]+)"', svg)[1])
        assert width <= 420, name  # the page shrinks it to 368 px at most: its text stays at 85% or more
        assert f'id="{name}-phone-1"' in svg or 'id="' not in svg  # its ids its own, beside the laptop's drawing
        assert f'<div class="phone">{svg}</div>' in drawing.html
    assert 'class="phone"' not in drawing.printed and drawing.printed.count("<svg") == len(drawing.svgs)


def test_the_formats_are_named_in_the_registry_s_order():
    assert FORMATS == tuple(RENDERERS) == ("html", "pdf", "md", "xlsx", "pptx", "json")
    assert "unknown report format 'docx'; one of html, pdf, md, xlsx, pptx, json" in refused("report", "-f", "docx",
                                                                                             "--out", "x")
