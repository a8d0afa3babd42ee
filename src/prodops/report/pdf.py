"""The PDF: WeasyPrint lays out the report's own HTML with its print stylesheet (page size, page
numbers in the margin, headings kept with what follows, charts and short tables never split)."""

from __future__ import annotations

from prodops.errors import InputError


class PdfUnavailable(InputError):
    """WeasyPrint is installed but the system's Pango library it draws text with is not."""


def render_pdf(html: str) -> bytes:
    import logging

    try:
        from weasyprint import HTML
    except OSError as e:  # WeasyPrint loads Pango when imported
        raise PdfUnavailable(f"PDF needs the Pango library ({e}); install it (Debian/Ubuntu: "
                             "apt-get install libpango-1.0-0 libpangoft2-1.0-0; macOS: brew install pango) "
                             "or ask for html, md, xlsx or json") from None
    # WeasyPrint warns about CSS it ignores (the screen-only rules); that is not the user's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html).write_pdf()
