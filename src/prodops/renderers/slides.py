"""The report as a slide deck (.pptx, python-pptx), laid out from the same sections as every other
format: a title slide, then each section's sentences and charts (PNG from the same Vega-Lite specs),
its tables as real tables (long ones continued on further slides), and speaker notes with what the
slide rests on: every sentence, the definitions quoted from the code, the sample sizes."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace

from prodops.core.numbers import count
from prodops.core.report import layout
from prodops.renderers import Drawing
from prodops.core.safe_text import printable

WIDE, HIGH = 13.333, 7.5  # inches: a 16:9 slide
MARGIN = 0.5
ROWS_PER_SLIDE = 12
LEAD_PARAGRAPHS = 3  # sentences on a section's first slide; all of them are in its notes
INK, MUTED, ACCENT_INK = "1B1F24", "4A5563", "0B3C8C"
# Which definitions of the methodology each section's figures rest on.
# Tables too long for the meeting itself: shown after the methodology, in the appendix.
APPENDIX_TABLES = {("criteria", "criteria")}
DEFINED_BY = {"maturity": ("scoring",), "criteria": ("scoring",), "roadmap": ("roadmap",),
              "predictability": ("predictability", "before_after"), "time-value": ("time_value",),
              "launches": ("launches",), "revenue": ("revenue",), "symptoms": ("symptoms",)}


def render_pptx(report: dict, pngs: dict[str, bytes]) -> bytes:
    """The deck as .pptx bytes, the same for the same report. `pngs`: chart name -> PNG."""
    from pptx import Presentation
    from pptx.util import Inches

    from prodops.renderers.files import stable_zip

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(WIDE), Inches(HIGH)
    brand = report["brand"]
    accent = brand["accent"][1:].upper() if re.fullmatch(r"#[0-9a-f]{6}", brand["accent"] or "") else INK
    _title_slide(deck, report, accent)
    definitions = {k: layout.prose(v) for k, v in report["methodology"]["definitions"].items()}
    appendix = []
    for section in layout.sections(report):
        if section.id == "methodology":
            section = replace(section, title=f"Appendix: {section.title}")
        later = [t for t in section.tables if (section.id, t.id) in APPENDIX_TABLES]
        appendix += [(replace(section, title=f"Appendix: {section.title}", paragraphs=[], charts=[], warnings=[],
                              tables=[t]), section) for t in later]
        _section(deck, replace(section, tables=[t for t in section.tables if t not in later]), pngs,
                 _notes(report, section, definitions), accent)
    for shown, section in appendix:
        _section(deck, shown, pngs, _notes(report, section, definitions), accent)
    props = deck.core_properties
    props.title = printable(report.get("title") or "")[:200]
    props.author = props.last_modified_by = "prodops"
    props.created = props.modified = dt.datetime.combine(dt.date.fromisoformat(report["as_of"]), dt.time())
    props.revision = 1
    raw = io.BytesIO()
    deck.save(raw)
    return stable_zip(raw.getvalue())


def _blank(deck):
    return deck.slides.add_slide(deck.slide_layouts[6])  # the blank layout: every box placed here


def _box(slide, left, top, width, height, paragraphs, size=18, bold=False, color=INK):
    """A text box of `paragraphs` (each a string), wrapped to its width."""
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    frame = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height)).text_frame
    frame.word_wrap = True
    for i, text in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(size * 0.5)
        run = paragraph.add_run()
        run.text = printable(text)  # XML holds no control character
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, RGBColor.from_string(color)
    return frame


def _title_slide(deck, report: dict, accent: str) -> None:
    m = report["methodology"]
    slide = _blank(deck)
    png = _logo_png(report["brand"]["logo"])
    if png:
        _picture(slide, png, WIDE - 3.3, 0.5, 2.5, 1.2)
    _box(slide, 0.8, 2.3, WIDE - 1.6, 1.5, [report["title"]], size=40, bold=True, color=accent)
    assessed = f" · assessed {report['assessed']}" if report["assessed"] and report["assessed"] != report["as_of"] else ""
    _box(slide, 0.8, 3.9, WIDE - 1.6, 1.2, [
        f"As of {report['as_of']}{assessed}",
        f"Model {m['model']['id']}@{m['model']['version']} · {count(m['respondents'], 'respondent')}" if report["assessed"]
        else "No assessment covers this period: the value figures alone"], size=20, color=MUTED)
    slide.notes_slide.notes_text_frame.text = printable("\n".join(report["summary"]))


def _logo_png(data_uri: str | None) -> bytes | None:
    """The logo as a PNG: as given, or the (already cleaned) SVG drawn by vl-convert."""
    import base64

    found = re.fullmatch(r"data:image/(png|svg\+xml);base64,([A-Za-z0-9+/=]+)", data_uri or "")
    if not found:
        return None
    data = base64.b64decode(found[2])
    if found[1] == "png":
        return data
    import vl_convert as vlc

    return vlc.svg_to_png(_with_fallback_font(data.decode("utf-8")), scale=2)


# The SVG renderer draws text only in a font it finds, and a logo names the brand's own (Helvetica,
# a web font): every family list ends with the font the report's charts are drawn in.
FALLBACK_FONT = "DejaVu Sans"


def _with_fallback_font(svg: str) -> str:
    svg = re.sub(r'font-family="([^"]*)"', lambda m: f'font-family="{m[1]}, {FALLBACK_FONT}"', svg)
    root = re.match(r"<svg\b[^>]*>", svg)
    if root and "font-family=" not in root[0]:
        svg = f'<svg font-family="{FALLBACK_FONT}"' + svg[4:]
    return svg


def _heading(slide, title: str, color: str = INK) -> None:
    _box(slide, MARGIN, 0.3, WIDE - 2 * MARGIN, 0.8, [title], size=26 if len(title) <= 60 else 20, bold=True, color=color)


def _lines(text: str, width: float, size: float) -> int:
    """About how many lines `text` takes in a box `width` inches wide at `size` points (a character
    is about half its size wide): enough to lay out slides without measuring fonts."""
    per_line = max(1, int(width * 72 / (size * 0.52)))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _height(paragraphs: list[str], width: float, size: float) -> float:
    """Inches the paragraphs take, with the space after each."""
    return sum(_lines(p, width, size) * size * 1.2 / 72 + size * 0.5 / 72 for p in paragraphs) + 0.1


def _fitting(paragraphs: list[str], width: float, size: float, room: float) -> list[str]:
    """The paragraphs, each too tall for `room` cut at its sentences (or, failing that, its words)
    into parts that fit, so no paragraph runs off a slide."""
    out = []
    for text in paragraphs:
        parts = re.split(r"(?<=[.!?])\s+", text) if _height([text], width, size) > room else [text]
        if any(_height([p], width, size) > room for p in parts):
            parts = text.split()
        piece = ""
        for part in parts:
            joined = f"{piece} {part}".strip()
            if piece and _height([joined], width, size) > room:
                out.append(piece)
                joined = part
            piece = joined
        out.append(piece)
    return out


def _section(deck, section: layout.Section, pngs: dict[str, bytes], notes: str, accent: str = INK) -> None:
    charts = [c for c in section.charts if c in pngs]
    lead = [*(f"Read with care: {w}" for w in section.warnings), *section.paragraphs][:LEAD_PARAGRAPHS]
    tables = list(section.tables)
    slides = []
    room, width = HIGH - 1.7, WIDE - 2 * MARGIN
    said = _fitting([f"• {text}" if kind == "li" else text for kind, text in section.commentary], width, 16, room)
    while said:  # the lead's own words first, on slides of their own, then the figures
        taken = 1
        while taken < len(said) and _height(said[:taken + 1], width, 16) <= room:
            taken += 1
        slide = _blank(deck)
        slides.append(slide)
        _heading(slide, f"{section.title}: commentary" + (" (continued)" if len(slides) > 1 else ""), accent)
        _box(slide, MARGIN, 1.2, width, room, said[:taken], size=16, color=ACCENT_INK)
        said = said[taken:]
    if lead or charts or not tables:
        slide = _blank(deck)
        slides.append(slide)
        _heading(slide, section.title, accent)
        top, width = 1.2, WIDE - 2 * MARGIN
        if lead:
            size = 16 if charts else 18
            height = min(_height(lead, width, size), 2.4 if charts else HIGH - top - MARGIN)
            _box(slide, MARGIN, top, width, height, lead, size=size)
            top += height + 0.1
        if charts:
            _picture(slide, pngs[charts[0]], MARGIN, top, width, HIGH - top - 0.3)
        for name in charts[1:]:
            more = _blank(deck)
            slides.append(more)
            _heading(more, section.title, accent)
            _picture(more, pngs[name], MARGIN, 1.2, WIDE - 2 * MARGIN, HIGH - 1.5)
    for table in tables:
        runs = [(head, row) for head, rows in table.runs() for row in rows]
        for n, chunk in enumerate(_pages(table, runs)):
            slide = _blank(deck)
            slides.append(slide)
            more = " (continued)" if n else ""
            _heading(slide, f"{section.title}: {table.title}{more}" if table.title != section.title else section.title + more,
                     accent)
            _table(slide, table, chunk)
            if table.note and (not runs or chunk[-1] is runs[-1]):
                _box(slide, MARGIN, HIGH - 0.6, WIDE - 2 * MARGIN, 0.4, [table.note], size=11, color=MUTED)
    for slide in slides:
        slide.notes_slide.notes_text_frame.text = printable(notes)


def _picture(slide, png: bytes, left, top, width, height) -> None:
    """The chart as large as fits the box, its proportions kept, centred across."""
    import struct

    from pptx.util import Inches

    w, h = struct.unpack(">II", png[16:24])  # a PNG's size, from its header
    scale = min(width / w, height / h)
    shown_w, shown_h = w * scale, h * scale
    slide.shapes.add_picture(io.BytesIO(png), Inches(left + (width - shown_w) / 2), Inches(top),
                             Inches(shown_w), Inches(shown_h))


def _cells(table: layout.Table) -> tuple[list[str], list[str], list[float]]:
    """The slide table's column titles, kinds and widths (inches): a group column (e.g. the
    dimension) first, long text wide, numbers narrow."""
    grouped = table.group is not None
    shown = [table.columns[i] for i in table.shown()]
    heads = ([table.columns[table.group].title] if table.group is not None else []) + [c.title for c in shown]
    kinds = (["text"] if grouped else []) + [c.kind for c in shown]
    weights = ([1.5] if grouped else []) + [4 if c.wide else 1.2 if c.kind in layout.NUMERIC else 2 for c in shown]
    return heads, kinds, [(WIDE - 2 * MARGIN) * w / sum(weights) for w in weights]


def _values(table: layout.Table, head, row, previous) -> list[str]:
    """A row as the slide shows it; the group's value only where its run begins."""
    group = [head if head != previous else ""] if table.group is not None else []
    return group + [layout.text(row[i], table.columns[i].kind) for i in table.shown()]


def _row_height(values: list[str], widths: list[float], size: float) -> float:
    return max(_lines(v, w - 0.2, size) for v, w in zip(values, widths)) * size * 1.2 / 72 + 0.12


def _size(table: layout.Table) -> float:
    return 12 if len(_cells(table)[0]) <= 5 else 10


def _pages(table: layout.Table, runs: list[tuple]) -> list[list[tuple]]:
    """The rows in slide-sized chunks: as many as fit under the heading, above the note."""
    heads, _kinds, widths = _cells(table)
    size = _size(table)
    room = HIGH - 1.2 - 0.8 - _row_height(heads, widths, size)
    pages: list[list[tuple]] = [[]]
    used, previous = 0.0, object()
    for head, row in runs:
        height = _row_height(_values(table, head, row, previous), widths, size)
        if pages[-1] and used + height > room:
            pages.append([])
            used, previous = 0.0, object()
            height = _row_height(_values(table, head, row, previous), widths, size)
        pages[-1].append((head, row))
        used += height
        previous = head
    return pages


def _table(slide, table: layout.Table, rows: list[tuple]) -> None:
    """A real table: editable cells, the header row, numbers right-aligned."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    heads, kinds, widths = _cells(table)
    size = _size(table)
    lines: list[list[str]] = [heads]
    previous = object()
    for head, row in rows:
        lines.append(_values(table, head, row, previous))
        previous = head
    heights = [_row_height(values, widths, size) for values in lines]
    grid = slide.shapes.add_table(len(lines), len(heads), Inches(MARGIN), Inches(1.2), Inches(WIDE - 2 * MARGIN),
                                  Inches(sum(heights))).table
    for i, width in enumerate(widths):
        grid.columns[i].width = Inches(width)
    for r, (values, height) in enumerate(zip(lines, heights)):
        grid.rows[r].height = Inches(height)
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.text = printable(value)
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT if kinds[c] in layout.NUMERIC and r else PP_ALIGN.LEFT
            for run in paragraph.runs:
                run.font.size, run.font.bold = Pt(size), r == 0
                run.font.color.rgb = RGBColor.from_string(INK if r else "FFFFFF")


def _notes(report: dict, section: layout.Section, definitions: dict) -> str:
    """What the presenter should know: every sentence and warning of the section, its tables' notes,
    the definitions its figures rest on, and the sample sizes."""
    m = report["methodology"]
    sizes = m["sample_sizes"]
    lines = [*(f"Read with care: {w}" for w in section.warnings), *section.paragraphs,
             *(t.note for t in section.tables if t.note)]
    for key in DEFINED_BY.get(section.id, ()):
        if key in definitions:
            lines += ["", f"Definition ({key.replace('_', ' ')}):", *(("- " if kind == "li" else "") + text
                                                                      for kind, text in definitions[key])]
    if section.id == "methodology":
        for key, items in definitions.items():
            lines += ["", f"{key.replace('_', ' ').capitalize()}:", *(("- " if k == "li" else "") + t for k, t in items)]
    time_survey = sizes.get("time_survey") or {}
    lines += ["", f"Sample sizes: {count(m['respondents'], 'respondent')}; {count(sizes['sprints'] or 0, 'sprint')}; "
                  f"{count(sizes['launches'] or 0, 'launch', 'launches')}; time survey paired: {time_survey.get('paired') or 0}."]
    return "\n".join(lines).strip()


def render(report: dict, drawing: Drawing, name: str) -> dict[str, bytes]:
    return {name: render_pptx(report, drawing.pngs)}
