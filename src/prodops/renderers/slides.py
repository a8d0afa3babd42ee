"""The report as a slide deck (.pptx, python-pptx) a leadership meeting reads unedited: at most
`MOST_SLIDES` slides in the meeting's order (the answer, where we are, what blocks the next level,
the plan, each value metric with its chart), laid out from the same sections as every other format.

Every slide is on a layout of the default template with its title in the title placeholder (outline
view and screen readers read it); charts are PowerPoint charts whose data (in the embedded sheet) is
the series the report's other charts draw (renderers.charts); tables are real tables; the speaker
notes keep every sentence of the section, the definitions its figures rest on and the sample sizes.
The detail (every criterion, every table, the methodology) is an appendix, only when asked for;
a table too long for a slide is split evenly over as few slides as hold it."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from prodops.core.numbers import count
from prodops.core.report import layout
from prodops.core.safe_text import printable
from prodops.renderers import Drawing

WIDE, HIGH = 13.333, 7.5  # inches: a 16:9 slide
MARGIN = 0.5
TOP = 1.3  # below the title
MOST_SLIDES = 12  # the default deck, title slide included
INK, MUTED, ACCENT_INK = "1B1F24", "4A5563", "0B3C8C"
TITLE_SLIDE, TITLE_AND_CONTENT, TITLE_ONLY = 0, 1, 5  # the default template's layouts
UNSHOWN = ("notes", "methodology")  # sections without a slide of their own: the lead's words on them get one
MORE = "… the rest is in the speaker notes."
# Which definitions of the methodology each section's figures rest on.
DEFINED_BY = {"summary": ("scoring",), "maturity": ("scoring",), "criteria": ("scoring",), "roadmap": ("roadmap",),
              "predictability": ("predictability", "before_after"), "time-value": ("time_value",),
              "launches": ("launches",), "revenue": ("revenue",), "symptoms": ("symptoms",), "units": ("units",)}
# The tables a value section without a chart drawn here shows on its slide (the rest in its notes,
# and, as every table a slide does not show whole, in the appendix).
SHOWN_TABLES = {("symptoms", "symptoms")}


def render_pptx(report: dict, appendix: bool = False) -> bytes:
    """The deck as .pptx bytes, the same for the same report; with `appendix`, the detail after it."""
    from pptx import Presentation
    from pptx.util import Inches

    from prodops.renderers.files import stable_zip

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(WIDE), Inches(HIGH)
    brand = report["brand"]
    accent = brand["accent"][1:].upper() if re.fullmatch(r"#[0-9a-f]{6}", brand["accent"] or "") else INK
    d = Deck(deck, report, accent)
    planned = _plan(d)
    shown = sorted(planned, key=lambda s: s.priority)[:MOST_SLIDES - 1]
    _title_slide(d)
    for slide in planned:
        if slide in shown:
            slide.make(d, "")
    if appendix:
        for slide in planned:
            if slide not in shown:
                slide.make(d, "Appendix: ")
        _appendix(d)
    props = deck.core_properties
    props.title = printable(report.get("title") or "")[:200]
    props.author = props.last_modified_by = "prodops"
    props.created = props.modified = _as_of(report)
    props.revision = 1
    raw = io.BytesIO()
    deck.save(raw)
    return stable_zip(_stable_workbooks(raw.getvalue(), _as_of(report)))


def _as_of(report: dict) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(report["as_of"]), dt.time())


def _stable_workbooks(data: bytes, when: dt.datetime) -> bytes:
    """The deck with each chart's embedded workbook made the same whenever it is written: its
    creation time (XlsxWriter writes the clock's) set to the report's date, its zip's entries fixed."""
    import zipfile

    from prodops.renderers.files import stable_zip

    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.endswith(".xlsx"):
                inner = io.BytesIO()
                with zipfile.ZipFile(io.BytesIO(body)) as book, zipfile.ZipFile(inner, "w") as fixed:
                    for part in book.infolist():
                        text = book.read(part.filename)
                        if part.filename == "docProps/core.xml":
                            text = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", lambda m: m[1] + stamp, text)
                        fixed.writestr(part.filename, text)
                body = stable_zip(inner.getvalue())
            dst.writestr(item, body)
    return out.getvalue()


@dataclass
class Deck:
    deck: Any  # the python-pptx Presentation
    report: dict
    accent: str
    sections: dict[str, layout.Section] = field(default_factory=dict)
    definitions: dict = field(default_factory=dict)
    shown: set = field(default_factory=set)  # (section id, table id) of the tables a slide shows whole

    def __post_init__(self):
        self.sections = {s.id: s for s in layout.sections(self.report)}
        self.definitions = {k: layout.prose(v) for k, v in self.report["methodology"]["definitions"].items()}


@dataclass(eq=False)
class Planned:
    """A slide of the meeting: its priority (the lowest numbers kept when there are too many) and
    what draws it, given the title's prefix ("Appendix: " when it goes there)."""
    priority: int
    make: Callable[[Deck, str], None]


def _plan(d: Deck) -> list[Planned]:
    """The meeting's slides after the title, in its order: the answer, where we are (and the units),
    what blocks the next level, the plan, each value metric, and the lead's words of sections
    without a slide here."""
    s, out = d.sections, []
    out.append(Planned(1, _answer))
    if "maturity" in s:
        out.append(Planned(2, _where))
        if "units" in s:
            out.append(Planned(20, _units))
        if any(t.id == "blockers" for t in s["maturity"].tables):
            out.append(Planned(3, _blocks))
    if "roadmap" in s:
        out.append(Planned(4, _the_plan))
    value = [sid for sid in s if not s[sid].appendix
             and sid not in ("summary", "maturity", "units", "notes", "roadmap", "trajectory")]
    for n, sid in enumerate(value):
        priority = 30 if sid == "symptoms" else 10 + n if sid in VALUE_CHARTS else 40 + n
        out.append(Planned(priority, functools.partial(_value, sid=sid)))
    if any(s[sid].commentary for sid in UNSHOWN if sid in s):
        out.append(Planned(25, _commentary))
    return out


# --- drawing --------------------------------------------------------------------------------------

def _new(d: Deck, title: str, layout_index: int = TITLE_ONLY):
    """A slide on one of the template's layouts, its title in the title placeholder, placed for 16:9."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    slide = d.deck.slides.add_slide(d.deck.slide_layouts[layout_index])
    head = slide.shapes.title
    head.left, head.top, head.width, head.height = Inches(MARGIN), Inches(0.3), Inches(WIDE - 2 * MARGIN), Inches(0.9)
    head.text = printable(title)
    frame = head.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    for run in paragraph.runs:
        run.font.size, run.font.bold = Pt(28 if len(title) <= 60 else 20), True
        run.font.color.rgb = RGBColor.from_string(d.accent)
    return slide


def _write(frame, paragraphs, size, bold=False, color=INK) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    frame.word_wrap = True
    for i, item in enumerate(paragraphs):
        text, tint = (item, color) if isinstance(item, str) else item
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.space_after = Pt(size * 0.5)
        run = paragraph.add_run()
        run.text = printable(text)  # XML holds no control character
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, RGBColor.from_string(tint)


def _box(slide, left, top, width, height, paragraphs, size=18, bold=False, color=INK):
    """A text box of `paragraphs` (each a string, or (string, colour)), wrapped to its width."""
    from pptx.util import Inches

    frame = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height)).text_frame
    _write(frame, paragraphs, size, bold, color)
    return frame


def _lines(text: str, width: float, size: float) -> int:
    """About how many lines `text` takes in a box `width` inches wide at `size` points (a character
    is about half its size wide): enough to lay out slides without measuring fonts."""
    per_line = max(1, int((width - 0.2) * 72 / (size * 0.52)))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _height(paragraphs, width: float, size: float) -> float:
    """Inches the paragraphs take, with the space after each."""
    return sum(_lines(p if isinstance(p, str) else p[0], width, size) * size * 1.2 / 72 + size * 0.5 / 72
               for p in paragraphs) + 0.15


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


def _fit(paragraphs: list, width: float, room: float, sizes=(18, 16, 14, 12)) -> tuple[list, int]:
    """The paragraphs at the largest of `sizes` that fits `room` inches; at the smallest, as many
    as fit and a line saying the rest is in the notes (which hold every word)."""
    for size in sizes:
        if _height(paragraphs, width, size) <= room:
            return paragraphs, size
    size = sizes[-1]
    kept: list = []
    for item in paragraphs:
        text, tint = (item, None) if isinstance(item, str) else item
        shown = ""
        for word in text.split(" "):  # word by word, as far as room is left for the line saying there is more
            longer = f"{shown} {word}".strip()
            if _height([*kept, longer, MORE], width, size) > room:
                return [*kept, *([shown if tint is None else (shown, tint)] if shown else []), (MORE, MUTED)], size
            shown = longer
        kept.append(item)
    return kept, size


def _text(slide, left, top, width, room, paragraphs, sizes=(18, 16, 14, 12), color=INK) -> float:
    """The paragraphs fitted into the box; the inches they take."""
    shown, size = _fit(paragraphs, width, room, sizes)
    height = min(room, _height(shown, width, size))
    if shown:
        _box(slide, left, top, width, height, shown, size=size, color=color)
    return height


def _said(section: layout.Section) -> list:
    """The lead's own words of a section, in the accent ink."""
    return [(f"• {text}" if kind == "li" else text, ACCENT_INK) for kind, text in section.commentary]


def _lead(section: layout.Section) -> list[str]:
    return [*(f"Read with care: {w}" for w in section.warnings), *section.paragraphs]


def _frame(d: Deck, slide, lead: list, said: list, top: float = TOP) -> tuple[float, float]:
    """The section's sentences at the top and the lead's words at the bottom: the room left between."""
    width = WIDE - 2 * MARGIN
    if lead:
        top += _text(slide, MARGIN, top, width, 1.7, lead, (18, 16, 14, 12)) + 0.05
    bottom = HIGH - 0.3
    if said:
        room = min(1.5, _height(said, width, 14))
        _text(slide, MARGIN, bottom - room, width, room, said, (14, 13, 12, 11), ACCENT_INK)
        bottom -= room + 0.1
    return top, bottom


# --- the meeting's slides -------------------------------------------------------------------------

def _title_slide(d: Deck) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    report, m = d.report, d.report["methodology"]
    slide = d.deck.slides.add_slide(d.deck.slide_layouts[TITLE_SLIDE])
    head, sub = slide.shapes.title, slide.placeholders[1]
    for shape, top, height in ((head, 2.2, 1.6), (sub, 4.0, 1.4)):
        shape.left, shape.top, shape.width, shape.height = Inches(0.8), Inches(top), Inches(WIDE - 1.6), Inches(height)
    head.text = printable(report["title"])
    for paragraph in head.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(36), True, RGBColor.from_string(d.accent)
    assessed = f" · assessed {report['assessed']}" if report["assessed"] and report["assessed"] != report["as_of"] else ""
    lines = [f"As of {report['as_of']}{assessed}",
             f"Model {m['model']['id']}@{m['model']['version']} · {count(m['respondents'], 'respondent')}"
             if report["assessed"] else "No assessment covers this period: the value figures alone"]
    sub.text_frame.text = ""
    _write(sub.text_frame, lines, 20, color=MUTED)
    for paragraph in sub.text_frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
    png = _logo_png(report["brand"]["logo"])
    if png:
        _picture(slide, png, WIDE - 3.3, 0.5, 2.5, 1.2)
    _notes(slide, d, d.sections["summary"], [])


def _answer(d: Deck, prefix: str) -> None:
    """The answer in one slide: the summary's sentences (level, trajectory, the plan, the value), and
    beside them what comes next (the plan's first phase) and the lead's words."""
    summary = d.sections["summary"]
    slide = _new(d, prefix + summary.title)
    side = []
    phases = next((t for t in d.sections["roadmap"].tables if t.id == "phases"), None) if "roadmap" in d.sections else None
    if phases and phases.rows:
        number, start, end, investments, _effort, level = phases.rows[0]
        side += [("Next", d.accent), f"Phase {number}, {layout.text(start, 'date')} to {layout.text(end, 'date')}: "
                 f"{investments}; Level {level} projected by its end."]
    said = _said(summary)
    if said:
        side += [("In the lead's words", d.accent), *said]
    width = WIDE - 2 * MARGIN if not side else 7.7
    _text(slide, MARGIN, TOP, width, HIGH - TOP - 0.3, [f"• {p}" for p in _lead(summary)], (18, 16, 14, 13, 12))
    if side:
        _text(slide, MARGIN + width + 0.3, TOP, WIDE - 2 * MARGIN - width - 0.3, HIGH - TOP - 0.3, side,
              (18, 16, 14, 13, 12))
    figures = next(t for t in summary.tables if t.id == "headline")
    _notes(slide, d, summary, [("Key figures", [f"{label}: {layout.text(value)} ({basis})"
                                               for label, value, basis in figures.rows])])


def _where(d: Deck, prefix: str) -> None:
    """Where we are: the level and how far to the next, each dimension's level and the trajectory."""
    section = d.sections["maturity"]
    slide = _new(d, prefix + section.title)
    trajectory = d.sections.get("trajectory")
    said = _said(section) + (_said(trajectory) if trajectory else [])
    top, bottom = _frame(d, slide, _lead(section) + (trajectory.paragraphs if trajectory else []), said)
    both = trajectory is not None and len(d.report["trajectory"]) > 1
    width = (WIDE - 2 * MARGIN - 0.3) / 2 if both else WIDE - 2 * MARGIN
    _native(slide, d.report, "dimension-levels", MARGIN, top, width, bottom - top)
    if both:
        _native(slide, d.report, "trajectory", MARGIN + width + 0.3, top, width, bottom - top)
    _notes(slide, d, section, _other_tables(section, set()) + (_other_tables(trajectory, set()) if trajectory else []),
           also=trajectory)


def _units(d: Deck, prefix: str) -> None:
    """The units' levels by dimension, the table of the report's appendix, under the units' sentences."""
    section, full = d.sections["units"], d.sections["units-in-full"]
    slide = _new(d, prefix + section.title)
    top, bottom = _frame(d, slide, _lead(section), _said(section))
    for table in full.tables:
        top += _fitted_table(d, full.id, slide, table, top, bottom, "more: see the appendix") + 0.2
    _notes(slide, d, section, _other_tables(section, set()))


def _blocks(d: Deck, prefix: str) -> None:
    section = d.sections["maturity"]
    blockers = next(t for t in section.tables if t.id == "blockers")
    criteria = d.sections.get("criteria")
    slide = _new(d, prefix + blockers.title)
    top, bottom = _frame(d, slide, [], _said(criteria) if criteria else [])
    _fitted_table(d, "maturity", slide, blockers, top, bottom, "more criteria block it: every criterion is in the "
                  "appendix and the XLSX report")
    _notes(slide, d, replace(section, paragraphs=section.paragraphs[1:]), _other_tables(section, {"blockers"}))


def _the_plan(d: Deck, prefix: str) -> None:
    """The plan: its phases, and the investments as run with their owners and costs."""
    section = d.sections["roadmap"]
    slide = _new(d, prefix + section.title)
    top, bottom = _frame(d, slide, _lead(section), _said(section))
    tables = [t for t in section.tables if t.id in ("phases", "as-run")]
    tables = [_without(t, "Did it work?") if t.id == "as-run" else t for t in tables]  # that in the notes
    needs = [_table_height(t, t.rows) + 0.35 for t in tables]
    room = bottom - top - 0.2 * len(tables)
    for table, need in zip(tables, needs):  # each table the room it needs, or its share of it
        share = need if sum(needs) <= room else room * need / sum(needs)
        top += _fitted_table(d, "roadmap" if table.id == "phases" else "", slide, table, top, top + share,
                             "more: see the appendix") + 0.2
    _notes(slide, d, section, _other_tables(section, {"phases"}))


def _without(table: layout.Table, title: str) -> layout.Table:
    """The table without its column `title`."""
    keep = [i for i, c in enumerate(table.columns) if c.title != title]
    return replace(table, columns=tuple(table.columns[i] for i in keep), rows=[tuple(r[i] for i in keep) for r in table.rows],
                   note=None)


def _commentary(d: Deck, prefix: str) -> None:
    """The lead's words on sections that have no slide of their own here."""
    slide = _new(d, prefix + "In the lead's words", TITLE_AND_CONTENT)
    said = []
    for sid, section in d.sections.items():
        if section.commentary and sid in UNSHOWN:
            said += [(section.title, d.accent), *_said(section)]
    body = slide.placeholders[1]
    body.left, body.top, body.width, body.height = _inches(MARGIN, TOP, WIDE - 2 * MARGIN, HIGH - TOP - 0.3)
    shown, size = _fit(said, WIDE - 2 * MARGIN, HIGH - TOP - 0.3, (18, 16, 14, 12))
    body.text_frame.text = ""
    _write(body.text_frame, shown, size)
    lines = [f"{t if isinstance(t, str) else t[0]}" for t in said]
    slide.notes_slide.notes_text_frame.text = printable("\n".join(lines))


def _inches(*values: float) -> tuple:
    from pptx.util import Inches

    return tuple(Inches(v) for v in values)


# Each value section's charts drawn natively (the rest of its charts are in its notes' tables).
BELOW_CHART = {("launches", "years")}  # a value section's short table the slide shows under its chart
VALUE_CHARTS = {"predictability": ("predictability-over-time", "predictability-by-team"), "launches": ("launch-success",),
                "time-value": ("time-value",), "revenue": ("revenue-wins",)}


def _value(d: Deck, prefix: str, sid: str) -> None:
    """A value metric: its sentence, its charts (or its one short table) and the lead's words."""
    section = d.sections[sid]
    slide = _new(d, prefix + section.title)
    top, bottom = _frame(d, slide, _lead(section), _said(section))
    charts = [c for c in VALUE_CHARTS.get(sid, ()) if c in section.charts]
    shown: set[str] = set()
    below = next((t for t in section.tables if (sid, t.id) in BELOW_CHART), None)
    if charts and below is not None:  # the figures with what they rest on, under the chart
        height = _table_height(below, below.rows) + (0.35 if below.note else 0)
        if height <= (bottom - top) / 2:
            _fitted_table(d, sid, slide, below, bottom - height, bottom, "more: see the appendix")
            bottom -= height + 0.15
            shown.add(below.id)
    if charts:
        width = (WIDE - 2 * MARGIN - 0.3 * (len(charts) - 1)) / len(charts)
        for n, name in enumerate(charts):
            _native(slide, d.report, name, MARGIN + n * (width + 0.3), top, width, bottom - top)
    else:
        for table in section.tables:
            if (sid, table.id) in SHOWN_TABLES or table.id == "figures":
                top += _fitted_table(d, sid, slide, table, top, bottom, "more: see the appendix") + 0.2
                shown.add(table.id)
    _notes(slide, d, section, _other_tables(section, shown))


# --- the appendix ---------------------------------------------------------------------------------

def _appendix(d: Deck) -> None:
    """Every table the meeting's slides do not show, split evenly over as few slides as hold it, and
    the methodology's definitions, each on slides of its own."""
    for sid, section in d.sections.items():
        for table in section.tables:
            if (sid, table.id) in d.shown or not table.rows:
                continue
            title = f"Appendix: {section.title}: {table.title}" if table.title != section.title else f"Appendix: {section.title}"
            chunks = _even(table)
            for n, rows in enumerate(chunks):
                slide = _new(d, title + (f" ({n + 1} of {len(chunks)})" if len(chunks) > 1 else ""))
                _table(slide, table, rows, TOP)
                if table.note and n == len(chunks) - 1:
                    _box(slide, MARGIN, HIGH - 0.65, WIDE - 2 * MARGIN, 0.5, [table.note], size=10, color=MUTED)
                _notes(slide, d, section, [])
    methodology = d.sections["methodology"]
    width, room = WIDE - 2 * MARGIN, HIGH - TOP - 0.3
    for heading, items in [("Methodology", [("p", p) for p in methodology.paragraphs]), *methodology.blocks]:
        parts = [(kind, part) for kind, text in items for part in _fitting([text], width - 0.5, 14, room)]
        pages = _even_pages(parts, lambda page: _height([t for _, t in page], width - 0.5, 14) <= room)
        for n, page in enumerate(pages):
            slide = _new(d, f"Appendix: {heading}" + (f" ({n + 1} of {len(pages)})" if len(pages) > 1 else ""),
                         TITLE_AND_CONTENT)
            body = slide.placeholders[1]
            body.left, body.top, body.width, body.height = _inches(MARGIN, TOP, width, room)
            body.text_frame.text = ""
            _write(body.text_frame, [t for _, t in page], 14)
            for paragraph, (kind, _) in zip(body.text_frame.paragraphs, page):
                paragraph.level = 1 if kind == "li" else 0  # a list item under its paragraph's bullet
            slide.notes_slide.notes_text_frame.text = printable("\n".join(("- " if k == "li" else "") + t for k, t in items))


def _even_pages(items: list, fits: Callable[[list], bool]) -> list[list]:
    """`items` in as few pages as hold them (each as `fits` says), of sizes as even as they can be:
    never a page of one item after full ones."""
    for n in range(1, len(items) + 1):
        small, extra = divmod(len(items), n)  # n pages of `small` items, the first `extra` one more
        ends = [(i + 1) * small + min(i + 1, extra) for i in range(n)]
        pages = [items[start:end] for start, end in zip([0, *ends], ends)]
        if all(fits(page) for page in pages):
            return pages
    return [[item] for item in items]


def _even(table: layout.Table) -> list[list[tuple]]:
    """The table's rows split evenly over as few slides as hold them."""
    return _even_pages(table.rows, lambda rows: _table_height(table, rows) <= HIGH - TOP - 0.8)


# --- tables ---------------------------------------------------------------------------------------

def _cells(table: layout.Table) -> tuple[list[str], list[str], list[float]]:
    """The slide table's column titles, kinds and widths (inches): each column at least as wide as
    its title's longest word, then as wide as most of its cells are long (long text capped) as far
    as the slide's width goes."""
    heads = [c.title for c in table.columns]
    kinds = [c.kind for c in table.columns]
    char = _size(table) * 0.7 / 72  # a bold character's inches, in a wide font
    least, wanted = [], []
    for i, column in enumerate(table.columns):
        cells = [layout.text(row[i], column.kind) for row in table.rows]
        lengths = sorted(map(len, cells)) or [0]
        word = max(len(w) for w in [*column.title.split(), *(min(12, len(w)) * "x" for c in cells for w in c.split()), ""])
        least.append(max(3, word) * char + 0.15)
        wanted.append(max(least[-1], min(lengths[int(0.8 * (len(lengths) - 1))], 60 if column.wide else 24) * char + 0.15))
    room = WIDE - 2 * MARGIN
    if sum(wanted) <= room:
        widths = [w * room / sum(wanted) for w in wanted]
    elif sum(least) < room:
        spare = (room - sum(least)) / (sum(wanted) - sum(least))
        widths = [a + (w - a) * spare for a, w in zip(least, wanted)]
    else:
        widths = [a * room / sum(least) for a in least]
    return heads, kinds, widths


def _values(table: layout.Table, row) -> list[str]:
    return [layout.text(value, column.kind) for value, column in zip(row, table.columns)]


def _size(table: layout.Table) -> float:
    return 12 if len(table.columns) <= 5 else 10 if len(table.columns) <= 9 else 9 if len(table.columns) <= 11 else 8


def _row_height(values: list[str], widths: list[float], size: float, bold: bool = False) -> float:
    """A row's inches: its tallest cell's lines, its words wrapped as a cell wraps them (a character
    about half its size wide, a bold one wider)."""
    def lines(text: str, width: float) -> int:
        per_line = max(1, int((width - 0.12) * 72 / (size * (0.62 if bold else 0.56))))
        count = 0
        for part in text.split("\n"):
            used = 0
            count += 1
            for word in part.split():
                if used and used + 1 + len(word) > per_line:
                    count += 1
                    used = 0
                count += (len(word) - 1) // per_line  # a word longer than the line breaks within it
                used = (used + 1 if used else 0) + (len(word) - 1) % per_line + 1
        return count

    return max(lines(v, w) for v, w in zip(values, widths)) * size * 1.17 / 72 + 0.06


def _table_height(table: layout.Table, rows: list[tuple]) -> float:
    heads, _kinds, widths = _cells(table)
    size = _size(table)
    return _row_height(heads, widths, size, True) + sum(_row_height(_values(table, r), widths, size) for r in rows)


def _fitted_table(d: Deck, sid: str, slide, table: layout.Table, top: float, bottom: float, more: str) -> float:
    """As many rows as fit between `top` and `bottom` (with the table's note, or a line saying how many
    more there are): the inches it takes. Shown whole, it is not shown again in the appendix (of
    section `sid`; "": it is, a table cut to the slide's columns)."""
    note, rows = table.note, table.rows
    taken = len(rows)
    while taken and _table_height(table, rows[:taken]) + (0.35 if note or taken < len(rows) else 0) > bottom - top:
        taken -= 1
    height = _table(slide, table, rows[:taken], top)
    if taken == len(rows) and sid:
        d.shown.add((sid, table.id))
    said = (f"{len(rows) - taken} {more}" if taken < len(rows) else note)
    if said:
        room = max(0.3, min(0.6, bottom - top - height - 0.05))
        _box(slide, MARGIN, top + height + 0.05, WIDE - 2 * MARGIN, room, [said], size=10 if len(said) < 300 else 9,
             color=MUTED)
        height += room
    return height


def _table(slide, table: layout.Table, rows: list[tuple], top: float) -> float:
    """A real table: editable cells, the header row, numbers right-aligned. The inches it takes."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    heads, kinds, widths = _cells(table)
    size = _size(table)
    lines = [heads, *(_values(table, row) for row in rows)]
    heights = [_row_height(values, widths, size, r == 0) for r, values in enumerate(lines)]
    grid = slide.shapes.add_table(len(lines), len(heads), Inches(MARGIN), Inches(top), Inches(WIDE - 2 * MARGIN),
                                  Inches(sum(heights))).table
    for i, width in enumerate(widths):
        grid.columns[i].width = Inches(width)
    for r, (values, height) in enumerate(zip(lines, heights)):
        grid.rows[r].height = Inches(height)
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.text = printable(value)
            cell.margin_left = cell.margin_right = Inches(0.05)
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT if kinds[c] in layout.NUMERIC and r else PP_ALIGN.LEFT
            for run in paragraph.runs:
                run.font.size, run.font.bold = Pt(size), r == 0
                run.font.color.rgb = RGBColor.from_string(INK if r else "FFFFFF")
    return sum(heights)


def _other_tables(section: layout.Section, shown: set) -> list[tuple[str, list[str]]]:
    """The section's tables a slide does not show, as lines for its notes."""
    return [(t.title, [" | ".join(t.columns[i].title for i in range(len(t.columns))),
                       *(" | ".join(_values(t, row)) for row in t.rows)]) for t in section.tables if t.id not in shown]


# --- charts ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Series:
    """A chart as PowerPoint draws it: its kind, categories and named series, from the rows the
    report's chart (renderers.charts) draws."""
    title: str
    kind: str  # "bar" (horizontal), "column" or "line"
    categories: list[str]
    series: list[tuple[str, list]]
    number_format: str = "General"
    most: float | None = None  # the value axis's end


def chart_series(report: dict, name: str) -> Series:
    """The series of the report's chart `name`: the rows its Vega-Lite spec draws, as categories and series."""
    from prodops.renderers import charts

    spec = charts.CHARTS[name](report)
    rows = spec["data"]["values"]
    title = spec["title"]["text"]
    if name == "dimension-levels":
        return Series(title, "bar", [r["dimension"] for r in rows], [("Level", [r["level"] for r in rows])],
                      "0", report["maturity"]["top_level"])
    if name == "trajectory":
        return Series(title, "line", [r["date"] for r in rows], [
            ("Overall level", [r["level"] for r in rows]), ("Lowest dimension", [r["low"] for r in rows]),
            ("Highest dimension", [r["high"] for r in rows])], "0", report["maturity"]["top_level"])
    if name == "predictability-over-time":
        teams = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
        quarters = sorted({r["quarter"] for r in rows})
        got = {(r["team"], r["quarter"]): r["accuracy"] for r in rows}
        return Series(title, "line", [f"{q[:4]} Q{(int(q[5:7]) - 1) // 3 + 1}" for q in quarters],  # as the axis reads it
                      [(t, [got.get((t, q)) for q in quarters]) for t in teams], "0%")
    if name in ("predictability-by-team", "revenue-wins"):
        order = spec["layer"][0]["encoding"]["y"]["sort"]
        field_, label = ("accuracy", "Planning accuracy") if name == "predictability-by-team" else ("arr", "ARR")
        key = "team" if name == "predictability-by-team" else "account"
        got = {r[key]: r[field_] for r in rows}
        currency = report["value"].get("currency")
        return Series(title, "bar", order, [(label + (f" ({currency})" if currency and field_ == "arr" else ""),
                                            [got[k] for k in order])],
                      "0%" if field_ == "accuracy" else "#,##0", 1.2 if field_ == "accuracy" else None)
    if name == "launch-success":
        years = list(dict.fromkeys(r["year"] for r in rows))
        names = spec["layer"][0]["encoding"]["color"]["sort"]
        got = {(r["measure"], r["year"]): r["rate"] for r in rows}
        return Series(title, "column", years, [(m, [got.get((m, y)) for y in years]) for m in names], "0%", 1)
    if name == "time-value":
        activities = list(dict.fromkeys(r["activity"] for r in rows))
        got = {(r["survey"], r["activity"]): r["hours"] for r in rows}
        return Series(title, "bar", activities, [(s, [got.get((s, a)) for a in activities])
                                                 for s in ("Baseline", "Follow-up")], "0.0")
    raise KeyError(name)


def _native(slide, report: dict, name: str, left: float, top: float, width: float, height: float) -> None:
    """The chart `name` as a PowerPoint chart: its data in the embedded sheet, editable."""
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    from prodops.renderers.charts import LINES, PALETTE

    s = chart_series(report, name)
    data = CategoryChartData(number_format=s.number_format)
    data.categories = [printable(c) for c in s.categories]
    for label, values in s.series:
        data.add_series(printable(label), values)
    kind = {"bar": XL_CHART_TYPE.BAR_CLUSTERED, "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
            "line": XL_CHART_TYPE.LINE_MARKERS}[s.kind]
    chart = slide.shapes.add_chart(kind, Inches(left), Inches(top), Inches(width), Inches(height), data).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = printable(s.title)
    chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
    chart.font.size = Pt(11)
    chart.has_legend = len(s.series) > 1
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    axis = chart.value_axis
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = s.number_format, False
    axis.has_major_gridlines = True
    if s.most is not None:
        axis.maximum_scale = s.most
    if s.kind != "line" or name == "trajectory":
        axis.minimum_scale = 0
    if s.kind == "bar":  # PowerPoint draws a bar chart's first category at the bottom: the report's order reads down
        chart.category_axis.reverse_order = True
    plot = chart.plots[0]
    if s.kind != "line":
        plot.gap_width = 60
        if len(s.series) == 1:
            plot.has_data_labels = True
            plot.data_labels.number_format, plot.data_labels.number_format_is_linked = s.number_format, False
            plot.data_labels.font.size = Pt(10)
    colours = LINES if s.kind == "line" else PALETTE
    for i, series in enumerate(plot.series):
        colour = RGBColor.from_string(("000000" if s.kind == "line" and i == len(s.series) - 1 and
                                       name == "predictability-over-time" else colours[i % len(colours)][1:]).upper())
        if s.kind == "line":
            series.format.line.color.rgb = colour
            series.format.line.width = Pt(3 if colour == RGBColor(0, 0, 0) or (name == "trajectory" and i == 0) else 1.5)
            series.smooth = False
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colour


def _picture(slide, png: bytes, left, top, width, height) -> None:
    """The picture as large as fits the box, its proportions kept, centred across."""
    import struct

    from pptx.util import Inches

    w, h = struct.unpack(">II", png[16:24])  # a PNG's size, from its header
    scale = min(width / w, height / h)
    shown_w, shown_h = w * scale, h * scale
    slide.shapes.add_picture(io.BytesIO(png), Inches(left + (width - shown_w) / 2), Inches(top),
                             Inches(shown_w), Inches(shown_h))


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


# --- speaker notes --------------------------------------------------------------------------------

def _notes(slide, d: Deck, section: layout.Section, extra: list[tuple[str, list[str]]],
           also: layout.Section | None = None) -> None:
    """What the presenter should know: every sentence and warning of the section, the lead's words,
    its tables' notes and the rows of those the slide does not show, the definitions its figures
    rest on, and the sample sizes."""
    m = d.report["methodology"]
    sizes = m["sample_sizes"]
    lines = []
    for s in (section, also):
        if s is None:
            continue
        lines += [*_lead(s), *(("• " if kind == "li" else "") + text for kind, text in s.commentary),
                  *(t.note for t in s.tables if t.note)]
    for title, rows in extra:
        lines += ["", f"{title}:", *rows]
    for key in DEFINED_BY.get(section.id, ()):
        if key in d.definitions:
            lines += ["", f"Definition ({key.replace('_', ' ')}):", *(("- " if kind == "li" else "") + text
                                                                      for kind, text in d.definitions[key])]
    time_survey = sizes.get("time_survey") or {}
    lines += ["", f"Sample sizes: {count(m['respondents'], 'respondent')}; {count(sizes['sprints'] or 0, 'sprint')}; "
                  f"{count(sizes['launches'] or 0, 'launch', 'launches')}; time survey paired: {time_survey.get('paired') or 0}."]
    slide.notes_slide.notes_text_frame.text = printable("\n".join(lines).strip())


def render(report: dict, drawing: Drawing, name: str) -> dict[str, bytes]:
    return {name: render_pptx(report, drawing.appendix)}
