"""The organisation's own look in its report: a display name, a logo and an accent colour.

- The accent colour must read as text on white and carry white text (contrast at least 4.5:1,
  WCAG AA), so headings and rules in it stay legible on screen and in grayscale print.
- The logo is a PNG or an SVG of at most 256 KB. An SVG is rebuilt from its drawing elements
  only: no script, no event handler, no link to anything outside it, no style that loads
  anything; a DOCTYPE or an entity is refused before it is parsed (no entity can expand).
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET

from prodops.core.errors import InputError

MAX_LOGO = 256 * 1024
MAX_SIDE = 4000  # pixels of a PNG logo, either side
MIN_CONTRAST = 4.5
DEFAULT_ACCENT = "#08306b"  # the report's own, without one of the organisation's (report.css: --accent)
SVG = "http://www.w3.org/2000/svg"
# Drawing elements kept, by their lower-case name (SVG's own spelling is mixed case). No <use>: a
# few of them nested draw millions of shapes ("use bombs").
_ELEMENTS = {name.lower(): name for name in (
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "defs", "linearGradient",
    "radialGradient", "stop", "title", "desc", "text", "tspan", "clipPath")}
MAX_ELEMENTS, MAX_DEPTH = 5_000, 50  # a logo's drawing is a few hundred at most
_ATTRIBUTES = {"viewbox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "d", "points",
               "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
               "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "opacity", "transform", "offset",
               "stop-color", "stop-opacity", "gradientunits", "gradienttransform", "id", "clip-path", "clip-rule",
               "font-family", "font-size", "font-weight", "text-anchor", "preserveaspectratio", "version"}
_ATTRIBUTE_NAMES = {name.lower(): name for name in (
    "viewBox", "gradientUnits", "gradientTransform", "preserveAspectRatio")}
# A value may point inside the drawing (url(#id)) and nowhere else: no other url(, no escapes.
_OUTSIDE = re.compile(r"url\s*\((?!\s*['\"]?#)|\\|@import|expression\s*\(|javascript:|data:", re.I)


def contrast(hex_colour: str, other: str = "#ffffff") -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    def luminance(c: str) -> float:
        channels = [int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(hex_colour), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def accent(text: str) -> str:
    """A #rrggbb accent colour that reads on white, lower case; InputError saying why not."""
    value = text.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    if not re.fullmatch(r"#[0-9a-f]{6}", value):
        raise InputError(f"accent {text[:20]!r}: a colour as #rrggbb, such as #0b57d0")
    ratio = contrast(value)
    if ratio < MIN_CONTRAST:
        raise InputError(f"accent {value}: its contrast with white is {ratio:.2f}:1; headings in it need at least "
                         f"{MIN_CONTRAST}:1 to read on screen and in grayscale print: choose a darker shade")
    return value


DISPLAY_NAME_LENGTH = 100  # the name every report is titled with


def display_name(text: str) -> str:
    from prodops.core.safe_text import checked_text

    return checked_text(text, "the display name", DISPLAY_NAME_LENGTH, required=True)


def logo(data: bytes, name: str = "the logo") -> tuple[str, bytes]:
    """(media type, bytes) of a logo fit to embed: a PNG as given, an SVG rebuilt safe."""
    if len(data) > MAX_LOGO:
        raise InputError(f"{name}: {len(data) // 1024:,} KB; a logo may be at most {MAX_LOGO // 1024} KB")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise InputError(f"{name}: a damaged PNG (no image header)")
        width, height = struct.unpack(">II", data[16:24])
        if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
            raise InputError(f"{name}: {width} x {height} pixels; a logo may be at most {MAX_SIDE} pixels a side")
        _whole_png(data, name)
        return "image/png", data
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    if "<svg" not in text[:2000].lower():
        raise InputError(f"{name}: neither a PNG nor an SVG; export the logo as one of them")
    return "image/svg+xml", _safe_svg(text, name)


def _whole_png(data: bytes, name: str) -> None:
    """The PNG decodes to its last pixel (Pillow, which WeasyPrint brings): a damaged one is refused now,
    not found broken in a report later."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # every chunk whole, its checksum right: whatever WeasyPrint's import told Pillow
        with Image.open(io.BytesIO(data)) as image:  # (it lets truncated images load) in this process
            image.load()
    except Exception as e:  # Pillow says a damaged file many ways (OSError, SyntaxError, ValueError...)
        raise InputError(f"{name}: a damaged PNG ({str(e)[:80] or type(e).__name__}); export it again") from None


def _safe_svg(text: str, name: str) -> bytes:
    if re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.I):
        raise InputError(f"{name}: an SVG with a DOCTYPE or entities is refused; export it again without them")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise InputError(f"{name}: not a readable SVG ({e})") from None
    if _local(root.tag) != "svg":
        raise InputError(f"{name}: the file's root is <{_local(root.tag)}>, not <svg>")
    count, deepest = 0, 0
    stack = [(root, 1)]
    while stack:  # measured without recursion: a deep file must not exhaust the stack
        element, depth = stack.pop()
        count, deepest = count + 1, max(deepest, depth)
        if count > MAX_ELEMENTS or deepest > MAX_DEPTH:
            raise InputError(f"{name}: more than {MAX_ELEMENTS:,} elements or {MAX_DEPTH} levels deep; "
                             "simplify the drawing (a logo needs a few hundred)")
        stack.extend((child, depth + 1) for child in element)
    ET.register_namespace("", SVG)  # <svg xmlns=...>, not <ns0:svg>
    return ET.tostring(_clean(root), encoding="utf-8")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _clean(element: ET.Element) -> ET.Element:
    """The element again with only drawing elements and plain attributes: nothing that runs or loads."""
    kind = _local(element.tag)
    out = ET.Element(f"{{{SVG}}}{_ELEMENTS[kind]}")
    for key, value in element.attrib.items():
        local = _local(key)
        if "}" not in key and local in _ATTRIBUTES and not _OUTSIDE.search(value):
            out.set(_ATTRIBUTE_NAMES.get(local, local), value)
    texts = kind in ("text", "tspan", "title", "desc")
    out.text = element.text if texts else None
    for child in element:
        if _local(child.tag) in _ELEMENTS:
            cleaned = _clean(child)
            cleaned.tail = child.tail if texts else None  # words after a <tspan> stay
            out.append(cleaned)
    return out
