"""The PDF: WeasyPrint lays out the report's own HTML with its print stylesheet (page size, page
numbers in the margin, headings kept with what follows, charts and short tables never split).

The same report gives the same bytes on any day: WeasyPrint subsets the fonts it embeds, with
HarfBuzz where the system has libharfbuzz-subset and with fontTools otherwise, and fontTools
stamps each subset font with the current time unless SOURCE_DATE_EPOCH (the reproducible-builds
convention) says which time to use. So the PDF is made with SOURCE_DATE_EPOCH set to the report's
own date, unless the caller set it.
"""

from __future__ import annotations

import datetime as dt
import os
import threading

from prodops.core.errors import InputError
from prodops.renderers import Drawing

_CLOCK = threading.Lock()  # SOURCE_DATE_EPOCH is process-wide: one PDF at a time sets it


class PdfUnavailable(InputError):
    """WeasyPrint (the `pdf` extra) is not installed, or the system's Pango library it draws text with is not."""


def render_pdf(html: str, as_of: str = "2000-01-01") -> bytes:
    """The PDF of the report page `html`; `as_of` (YYYY-MM-DD) is the time stamped in its fonts."""
    import logging

    try:
        from weasyprint import HTML
    except ImportError:  # an install without the extra
        raise PdfUnavailable("PDF needs WeasyPrint, which is not installed: pip install 'prodops-maturity[pdf]' "
                             "(or [all]), or ask for html, md, xlsx or json") from None
    except OSError as e:  # WeasyPrint loads Pango when imported
        raise PdfUnavailable(f"PDF needs the Pango library ({e}); install it (Debian/Ubuntu: "
                             "apt-get install libpango-1.0-0 libpangoft2-1.0-0; macOS: brew install pango) "
                             "or ask for html, md, xlsx or json") from None
    # WeasyPrint warns about CSS it ignores (the screen-only rules); that is not the user's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    epoch = str(int(dt.datetime.combine(dt.date.fromisoformat(as_of), dt.time(), dt.UTC).timestamp()))
    with _CLOCK:
        given = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = given or epoch
        try:
            return HTML(string=html).write_pdf()
        finally:
            if given is None:
                del os.environ["SOURCE_DATE_EPOCH"]


def render(report: dict, drawing: Drawing, name: str) -> dict[str, bytes]:
    return {name: render_pdf(drawing.printed, report["as_of"])}
