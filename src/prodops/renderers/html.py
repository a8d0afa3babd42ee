"""The report as one self-contained HTML page (inline CSS and SVG, no scripts or fonts to fetch).

The same page is what WeasyPrint turns into the PDF, so its stylesheet holds the print rules too.
Jinja2 escapes every value; the charts' SVG is vl-convert's, whose text is escaped by Vega.
"""

from __future__ import annotations

import functools
import re

from prodops.renderers import Drawing
from prodops.core.report.layout import NUMERIC, sections, shown_name, text

PAGE_SIZES = {"a4": "A4", "letter": "Letter"}


@functools.cache
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("prodops.renderers", "templates"),
                              autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def css_string(s: str) -> str:
    """`s` as the inside of a CSS string: anything but ASCII letters and digits as a 6-digit escape, so
    no quote, backslash or `</style>` in a user's text can leave the string. Spaces too: CSS swallows
    one space after an escape."""
    return "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in s)


def render_html(report: dict, svgs: dict[str, str], page_size: str = "a4", phone: dict[str, str] | None = None) -> str:
    """The page; `phone`: the charts drawn for a phone's width too, shown in their place on a narrow screen."""
    from markupsafe import Markup

    brand = report["brand"]
    # the brand was checked when kept; checked again here, where it meets CSS and a URL
    accent = brand["accent"] if re.fullmatch(r"#[0-9a-f]{6}", brand["accent"] or "") else None
    logo = brand["logo"] if re.fullmatch(r"data:image/(png|svg\+xml);base64,[A-Za-z0-9+/=]+", brand["logo"] or "") else None
    return _environment().get_template("report.html").render(
        r=report, sections=sections(report, records=True), svgs=svgs, phone=phone or {}, text=text, numeric=NUMERIC,
        page_size=PAGE_SIZES[page_size], accent=accent, logo=logo, name=shown_name(report),
        footer_left=Markup(css_string(f"{_cut(shown_name(report), 60)} · as of {report['as_of']}")))


def _cut(s: str, n: int) -> str:
    return s if len(s) <= n else s[:n - 1].rstrip() + "…"


def render(report: dict, drawing: Drawing, name: str) -> dict[str, bytes]:
    return {name: drawing.html.encode("utf-8")}
