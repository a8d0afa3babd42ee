"""The organisation's own look: an accent colour that reads, a logo that cannot run or load anything,
and a display name, in every format."""

from __future__ import annotations

import base64
import json
import struct
import zlib

import pytest
from pptx import Presentation

from conftest import ok, refused
from prodops.core.brand import MAX_LOGO, accent, contrast, logo
from prodops.core.errors import InputError


def png(width: int, height: int) -> bytes:
    """A real one-colour PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x0b\x57\xd0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_contrast_is_wcags_on_known_pairs():
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#ffffff") == pytest.approx(1.0)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)  # the lightest grey that passes AA on white
    assert contrast("#777777") == pytest.approx(4.48, abs=0.01)


def test_an_accent_must_read_on_white():
    assert accent(" #0B57D0 ") == "#0b57d0" and accent("#036") == "#003366"
    with pytest.raises(InputError, match=r"contrast with white is 4\.48:1"):
        accent("#777777")
    with pytest.raises(InputError, match="a colour as #rrggbb"):
        accent("blue")


def test_an_svg_logo_keeps_its_drawing_and_nothing_that_runs_or_loads():
    kind, data = logo(b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"
        onload="alert(1)"><script>alert(2)</script><style>@import url(http://evil/x.css)</style>
        <rect width="10" height="10" fill="#0b57d0" onclick="alert(3)"/><image xlink:href="http://evil/p.png"/>
        <use xlink:href="http://evil/s.svg#a"/><use href="#r"/><circle r="2" fill="url(http://evil/#g)"/>
        <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>""")
    text = data.decode()
    assert kind == "image/svg+xml" and text.startswith("<svg xmlns=\"http://www.w3.org/2000/svg\"")
    for gone in ("alert", "script", "onload", "onclick", "style", "@import", "evil", "image", "foreignObject", "div"):
        assert gone not in text, gone
    assert '<rect width="10" height="10" fill="#0b57d0" />' in text and "use" not in text  # <use>: no bombs


def test_an_svg_logo_keeps_its_spelling_words_and_inner_links_and_drops_every_outside_one():
    _, data = logo(b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs>
        <linearGradient id="g" gradientUnits="userSpaceOnUse"><stop offset="0" stop-color="red"/></linearGradient></defs>
        <rect width="5" height="5" fill="url(#g)"/><rect fill="URL(https://evil/x)"/><rect fill="u\\72l(https://evil/y)"/>
        <text x="1" y="9">North<tspan>wind</tspan> Cloud</text></svg>""")
    text = data.decode()
    assert '<linearGradient id="g" gradientUnits="userSpaceOnUse">' in text and 'viewBox="0 0 10 10"' in text
    assert 'fill="url(#g)"' in text and "evil" not in text
    assert "North<tspan>wind</tspan> Cloud</text>" in text


def test_a_logo_too_deep_or_too_big_to_draw_is_refused_within_bounds():
    deep = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 3000 + b"</g>" * 3000 + b"</svg>"
    with pytest.raises(InputError, match="levels deep"):
        logo(deep)
    many = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<rect/>" * 5001 + b"</svg>"
    with pytest.raises(InputError, match="more than 5,000 elements"):
        logo(many)


@pytest.mark.parametrize("data, message", [
    (b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg>&b;</svg>', "DOCTYPE or entities"),
    (b"<svg><g>", "not a readable SVG"),
    (b"<html><svg/></html>", "root is <html>"),
    (b"GIF89a", "neither a PNG nor an SVG"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 8, "a damaged PNG"),
    (png(4, 4)[:-30], "a damaged PNG"),  # the header right, the image cut short
    (b"<svg>" + b" " * MAX_LOGO + b"</svg>", "a logo may be at most 256 KB"),
])
def test_a_logo_that_is_not_fit_is_refused(data, message):
    with pytest.raises(InputError, match=message):
        logo(data)


def test_a_png_logo_is_kept_as_it_is_within_its_size():
    small = png(40, 20)
    assert logo(small) == ("image/png", small)
    with pytest.raises(InputError, match="4001 x 20 pixels"):
        logo(png(4001, 20))


@pytest.fixture
def workspace(demo_workspace) -> str:
    return demo_workspace


@pytest.mark.slow
def test_the_brand_shows_in_every_format(workspace, tmp_path):
    (tmp_path / "logo.png").write_bytes(png(80, 40))
    ok("brand", "--name", "Northwind <Ops>", "--accent", "#7a1f5c", "--logo", str(tmp_path / "logo.png"), "--db", workspace)
    assert json.loads(ok("brand", "--json", "--db", workspace).stdout) == {
        "name": "Northwind <Ops>", "accent": "#7a1f5c", "logo": f"image/png, {len(png(80, 40)):,} bytes"}
    ok("report", "--db", workspace, "-f", "html,md,pptx,json", "--out", str(tmp_path / "r"))
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["brand"]["logo"] == "data:image/png;base64," + base64.b64encode(png(80, 40)).decode()
    assert report["title"] == "Product Operations maturity and value: Northwind <Ops>"
    html = (tmp_path / "r.html").read_text()
    assert ":root { --accent: #7a1f5c; }" in html and '<img class="logo" src="data:image/png;base64,' in html
    assert "<h1>Northwind &lt;Ops&gt;</h1>" in html
    assert (tmp_path / "r.md").read_text().startswith("# Product Operations maturity and value: Northwind &lt;Ops&gt;")
    title = Presentation(str(tmp_path / "r.pptx")).slides[0]
    assert any(shape.shape_type == 13 for shape in title.shapes)  # the logo
    heading = title.shapes.title.text_frame.paragraphs[0].runs[0]  # the layout's title placeholder
    assert heading.text.endswith("Northwind <Ops>") and str(heading.font.color.rgb) == "7A1F5C"
    ok("brand", "--name", "", "--accent", "", "--no-logo", "--db", workspace)
    report = json.loads(ok("report", "--db", workspace).stdout)
    assert report["brand"] == {"name": None, "accent": None, "logo": None} and report["title"].endswith("Northwind Cloud")


def test_a_wrong_brand_changes_nothing(workspace, tmp_path):
    (tmp_path / "evil.svg").write_text('<!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"/>')
    message = refused("brand", "--name", "Good name", "--logo", str(tmp_path / "evil.svg"), "--db", workspace)
    assert "DOCTYPE or entities" in message
    assert json.loads(ok("brand", "--json", "--db", workspace).stdout)["name"] is None  # nothing half-kept
    assert "contrast with white is 1.16:1" in refused("brand", "--accent", "#eeeeee", "--db", workspace)


def test_the_organisation_page_previews_the_reports_title_in_the_brand(demo_workspace):
    from tests.test_web import demo_app, sign_in

    app = demo_app(demo_workspace)
    admin, csrf = sign_in(app)
    before = admin.get("/organization?name=Northwind%20Cloud").text
    assert 'fill="#08306b"' in before  # the report's own accent until the organisation has one
    sent = admin.post("/organization/look?name=Northwind%20Cloud",
                      data={"csrf": csrf, "brand_name": "North<wind> & Co", "accent": "#7A1F5C"})
    assert sent.status_code == 303
    page = admin.get("/organization?name=Northwind%20Cloud").text
    preview = page[page.index('class="brand-preview"'):page.index("</figure>")]
    assert 'fill="#7a1f5c"' in preview and "North&lt;wind&gt; &amp; Co" in preview and "<wind>" not in preview


@pytest.mark.parametrize("family", ['font-family="Helvetica"', 'font-family="Brand Sans, Arial"', ""])
def test_an_svg_logos_words_are_drawn_on_the_title_slide_whatever_font_it_names(family):
    import io

    from PIL import Image

    from prodops.renderers.slides import _logo_png

    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">'
           f'<text x="10" y="44" font-size="36" {family}>Acme</text></svg>')
    kind, cleaned = logo(svg.encode())
    drawn = Image.open(io.BytesIO(_logo_png(f"data:{kind};base64," + base64.b64encode(cleaned).decode()))).convert("LA")
    pixels = drawn.tobytes()  # grey, alpha, grey, alpha...
    inked = sum(1 for grey, alpha in zip(pixels[::2], pixels[1::2]) if alpha > 128 and grey < 128)
    assert inked > 500  # the word, not an empty picture


def test_a_damaged_png_is_refused_even_after_a_pdf_was_made_in_the_same_process():
    import weasyprint.images  # noqa: F401  (it tells Pillow to load truncated images, for the whole process)

    for damaged in (png(4, 4)[:-30], png(40, 40)[:-40]):  # cut inside the image data
        with pytest.raises(InputError, match="a damaged PNG"):
            logo(damaged)
