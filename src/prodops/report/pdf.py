"""The PDF: WeasyPrint lays out the report's own HTML with its print stylesheet (page size, page
numbers in the margin, headings kept with what follows, charts and short tables never split)."""

from __future__ import annotations


def render_pdf(html: str) -> bytes:
    import logging

    from weasyprint import HTML

    # WeasyPrint warns about CSS it ignores (the screen-only rules); that is not the user's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html).write_pdf()
