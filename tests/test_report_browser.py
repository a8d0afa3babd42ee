"""The HTML report in a real browser (Debian's Chromium, driven by Playwright): how it lays out on a
laptop and on a phone, and that it prints."""

from __future__ import annotations

from conftest import require_browser

require_browser()


def open_report(browser, demo, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((demo / "report.html").as_uri())
    page.wait_for_load_state("load")
    return page, requests


def test_on_a_laptop_every_chart_fits_and_nothing_is_fetched(browser, demo):
    page, requests = open_report(browser, demo, 1280)
    assert requests == [(demo / "report.html").as_uri()]  # self-contained: no fonts, scripts or images to fetch
    charts = page.evaluate("""[...document.querySelectorAll('figure.chart')].map(f => {
        const shown = [...f.querySelectorAll('svg')].filter(s => s.getBoundingClientRect().width > 0);
        const s = shown[0].getBoundingClientRect();
        return {id: f.id, shown: shown.length, phone: shown[0].closest('.phone') !== null, w: s.width, h: s.height,
                overflow: f.scrollWidth > f.clientWidth + 1}; })""")
    assert len(charts) == 10
    for c in charts:
        assert c["shown"] == 1 and not c["phone"] and c["w"] > 300 and c["h"] > 100 and not c["overflow"], c
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_on_a_phone_the_page_does_not_scroll_sideways_and_charts_fit_with_legible_text(browser, demo):
    page, _ = open_report(browser, demo, 390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    body = page.evaluate("parseFloat(getComputedStyle(document.querySelector('section p, section li')).fontSize)")
    assert body >= 14
    # Each chart shows its drawing for a phone: inside the page, its text hardly shrunk (at most 15%).
    charts = page.evaluate("""[...document.querySelectorAll('figure.chart')].map(f => {
        const shown = [...f.querySelectorAll('svg')].filter(s => s.getBoundingClientRect().width > 0);
        const s = shown[0], box = s.getBoundingClientRect();
        return {id: f.id, shown: shown.length, phone: s.closest('.phone') !== null, right: box.right,
                ratio: box.width / s.viewBox.baseVal.width, overflow: f.scrollWidth > f.clientWidth + 1}; })""")
    assert len(charts) == 10
    for c in charts:
        assert c["shown"] == 1 and c["phone"] and c["right"] <= 390 and c["ratio"] > 0.85 and not c["overflow"], c
    frames = page.evaluate("""[...document.querySelectorAll('.scroll')].map(d => getComputedStyle(d).overflowX)""")
    assert len(frames) > 10 and set(frames) == {"auto"}  # wide tables scroll inside their frame


def test_it_prints_with_the_print_stylesheet(browser, demo, tmp_path):
    page, _ = open_report(browser, demo, 1280)
    page.emulate_media(media="print")
    for where in ("#summary", ".appendix-start", "#methodology"):  # the cover, the summary's page, the appendix
        assert page.evaluate(f"getComputedStyle(document.querySelector('{where}')).breakBefore") == "page"
    assert page.evaluate("getComputedStyle(document.querySelector('figure.chart')).breakInside") == "avoid"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
