"""The Knowledge Challenge in a real browser (Debian's Chromium through Playwright) against a real
server on 127.0.0.1: typing and tapping, a win and a loss, a reload, hard mode, the keyboard alone,
JavaScript off, the player's own calendar date, no answer before the end in anything the browser
received, and an accessibility scan in light, dark and high contrast."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from conftest import require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

from prodops.core.challenge import answers, is_valid_guess  # noqa: E402
from prodops.inputs.models import load_model  # noqa: E402
from prodops.store import Workspace  # noqa: E402
from tests.browsing import Server, serious, tab_to  # noqa: E402

MODEL = load_model()
PHONE, LAPTOP = 390, 1280
ANSWER = "churn"  # a practice game's answer, set by the test: a word the page's own text never says
MISSES = ["board", "delta", "value", "teams", "north", "sales"]  # six valid words, none of them CHURN
SHOTS = os.environ.get("PRODOPS_SHOTS")  # a folder: the screenshots to look at


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(str(tmp_path_factory.mktemp("challenge") / "web.db"))
    yield running
    running.stop()


def context(browser, width=PHONE, **kw):
    return browser.new_context(viewport={"width": width, "height": 900}, timezone_id=kw.pop("timezone_id", "UTC"), **kw)


def practice(page, server, answer=ANSWER) -> str:
    """A new practice game from the page's button, its answer set to `answer`: the game's URL."""
    page.get_by_role("button", name="New practice game").click()
    page.wait_for_url(re.compile(r".*/challenge\?game=\d+&day=[0-9-]+$"))
    game_id = int(re.search(r"game=(\d+)", page.url).group(1))
    with Workspace.open(server.app.state.settings.db) as ws, ws.transaction() as conn:
        conn.exec_driver_sql("UPDATE challenge_games SET answer = ? WHERE id = ?", (answer, game_id))
    page.reload()
    return page.url


def guess_typed(page, word):
    page.keyboard.type(word)
    page.keyboard.press("Enter")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_typing_and_tapping_to_a_win_and_the_answer_never_sent_before(browser, server, width):
    ctx = context(browser, width)
    page = ctx.new_page()
    received: list[str] = []
    page.on("response", lambda r: received.append(r.text()) if "127.0.0.1" in r.url and r.status < 300 else None)
    page.goto(server.url + "/challenge")
    url = practice(page, server)
    assert ANSWER not in page.content().lower()
    guess_typed(page, "board")  # the physical keyboard
    expect(page.locator("#announce")).to_have_text(
        "BOARD: B not in the word, O not in the word, A not in the word, R right place, D not in the word. 5 guesses left.")
    expect(page.locator(".key[data-key='r']")).to_have_attribute("aria-label", "R, right place")
    expect(page.locator(".key[data-key='b']")).to_have_attribute("aria-label", "B, not in the word")
    expect(page.locator(".key[data-key='c']")).to_have_attribute("aria-label", "C")
    for letter in ANSWER:  # the on-screen keyboard
        page.locator(f".key[data-key='{letter}']").click()
    expect(page.locator(".guess-row.current .tile").nth(4)).to_have_text("N")
    assert page.locator("#word").input_value() == ANSWER
    before_end = "\n".join(received).lower()
    page.locator(".key[data-key='Enter']").click()
    expect(page.get_by_role("heading", name="Solved in 2: CHURN")).to_be_focused()
    assert ANSWER not in before_end  # no page, script or response before the end held it
    expect(page.locator("#announce")).to_contain_text("Solved in 2! The word is CHURN.")
    expect(page.get_by_role("img", name="1st letter C, right place")).to_be_visible()
    churn = next(a for a in answers(MODEL) if a.word == ANSWER)
    expect(page.locator(".passage blockquote")).to_have_text(churn.quote)
    expect(page.get_by_role("link", name="where it sits in the model")).to_have_attribute(
        "href", f"/model#{churn.passage.anchor}")
    expect(page.get_by_label("Share text", exact=True)).to_have_value(
        "Knowledge Challenge (practice) 2/6\n\n⬛⬛⬛🟩⬛\n🟩🟩🟩🟩🟩")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    shot(page, f"win-{width}")
    page.get_by_role("link", name="where it sits in the model").click()
    expect(page.locator(f"#{churn.passage.anchor}")).to_be_in_viewport()
    page.goto(url)  # a reload keeps the finished game
    expect(page.get_by_role("heading", name="Solved in 2: CHURN")).to_be_visible()
    ctx.close()


def test_a_loss_survives_a_reload_and_counts_in_the_statistics(browser, server):
    ctx = context(browser)
    page = ctx.new_page()
    page.goto(server.url + "/challenge")
    url = practice(page, server)
    for n, word in enumerate(MISSES[:3], 1):
        guess_typed(page, word)
        expect(page.locator(".guess-row.done")).to_have_count(n)
    page.goto(url)  # reload mid-game: the guesses are still there, the next one goes on
    expect(page.locator(".guess-row.done")).to_have_count(3)
    expect(page.get_by_text("Guess 4 of 6")).to_be_visible()
    for word in MISSES[3:]:  # typed straight on, without waiting for each row
        guess_typed(page, word)
    expect(page.get_by_role("heading", name="The word was CHURN")).to_be_visible()
    expect(page.locator("#announce")).to_contain_text("No guesses left. The word was CHURN.")
    expect(page.get_by_label("Share text", exact=True)).to_have_value(re.compile(r"^Knowledge Challenge \(practice\) X/6\n"))
    stats = page.locator(".stats")
    expect(stats.get_by_role("heading", name="Practice games")).to_be_visible()
    expect(stats.locator(".figures").nth(1)).to_contain_text("Played1")
    shot(page, "loss-390")
    ctx.close()


def test_hard_mode_holds_the_hints_and_says_which(browser, server):
    ctx = context(browser)
    page = ctx.new_page()
    page.goto(server.url + "/challenge")
    practice(page, server)
    page.get_by_role("button", name="Play in hard mode").click()
    expect(page.locator(".game .meta")).to_contain_text("hard mode")
    guess_typed(page, "chart")  # C, H, R right place
    expect(page.locator(".guess-row.done")).to_have_count(1)
    guess_typed(page, "board")
    expect(page.locator(".refusal")).to_have_text("1st letter must be C: no turn used.")  # shown...
    expect(page.locator("#announce")).to_have_text("1st letter must be C")  # ...and said once, in the status region
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator(".guess-row.done")).to_have_count(1)
    expect(page.locator("#word")).to_have_value("board")  # kept, to be corrected
    shot(page, "hard-refused-390")
    page.get_by_role("button", name="Turn hard mode off").click()
    expect(page.locator(".game .meta")).not_to_contain_text("hard mode")
    guess_typed(page, "board")
    expect(page.locator(".guess-row.done")).to_have_count(2)
    ctx.close()


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
def test_the_whole_game_with_the_keyboard_alone(browser, server, width):
    ctx = context(browser, width)
    page = ctx.new_page()
    page.goto(server.url + "/challenge")
    practice(page, server)
    tab_to(page, "el.id === 'word'")  # the guess field is reached with Tab...
    page.keyboard.type("board")
    page.keyboard.press("Enter")
    expect(page.locator(".guess-row.done")).to_have_count(1)
    expect(page.locator("#word")).to_be_focused()  # ...and keeps the focus after each guess
    page.keyboard.type("churn")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Solved in 2: CHURN")).to_be_focused()
    tab_to(page, "el.classList.contains('copy')")
    tab_to(page, "el.textContent.trim() === 'New practice game'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/challenge\?game=\d+&day=[0-9-]+$"))
    ctx.close()


def test_the_game_plays_with_javascript_off(browser, server):
    ctx = context(browser, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(server.url + "/challenge")
    practice(page, server)
    expect(page.locator(".keyboard")).to_be_hidden()  # the on-screen keys and the contrast switch need the script
    expect(page.get_by_role("button", name="High contrast colours")).to_be_hidden()
    for word in ("board", "churn"):
        page.locator("#word").fill(word)
        page.get_by_role("button", name="Guess", exact=True).click()
    expect(page.get_by_role("heading", name="Solved in 2: CHURN")).to_be_visible()
    ctx.close()


@pytest.mark.parametrize(("zone", "local"), [("Pacific/Kiritimati", dt.date(2026, 12, 8)),  # UTC+14: 00:30
                                             ("Pacific/Pago_Pago", dt.date(2026, 12, 6))],  # UTC-11: 23:30
                         ids=["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_word_of_the_day_follows_the_players_calendar(browser, server, clock, zone, local):
    now = dt.datetime(2026, 12, 7, 10, 30, tzinfo=dt.UTC)
    clock.freeze(now)  # the server's clock...
    ctx = context(browser, timezone_id=zone)
    ctx.clock.set_fixed_time(now)  # ...and the browser's
    page = ctx.new_page()
    page.goto(server.url + "/challenge")
    expect(page.locator("body")).to_have_attribute("data-day", local.isoformat())
    expect(page.locator(".game .meta")).to_contain_text(f"Game {(local - dt.date(2026, 1, 1)).days + 1} ·")
    ctx.close()


@pytest.mark.parametrize("width", [PHONE, LAPTOP])
@pytest.mark.parametrize("look", ["light", "dark", "contrast"])
def test_no_serious_accessibility_violation(browser, server, width, look):
    ctx = context(browser, width, color_scheme="dark" if look == "dark" else "light")
    page = ctx.new_page()
    page.goto(server.url + "/challenge")
    practice(page, server)
    if look == "contrast":
        page.get_by_role("button", name="High contrast colours").click()
        expect(page.get_by_role("button", name="High contrast colours")).to_have_attribute("aria-pressed", "true")
        page.locator("#word").focus()  # Enter on the toggle would press it again
    guess_typed(page, "chart")
    expect(page.locator(".guess-row.done")).to_have_count(1)
    page.wait_for_timeout(600)  # the tiles' flip is over
    shot(page, f"playing-{look}-{width}")
    assert serious(page) == []
    guess_typed(page, "churn")
    expect(page.get_by_role("heading", name="Solved in 2: CHURN")).to_be_visible()
    page.wait_for_timeout(600)  # the tiles' flip is over
    shown = page.get_by_role("textbox", name=re.compile("^Share text"))  # the one of the colours on screen
    expect(shown).to_have_count(1)
    expect(shown).to_have_value(re.compile("🟧" if look == "contrast" else "🟩"))
    shot(page, f"won-{look}-{width}")
    assert serious(page) == []
    if look == "light":
        page.goto(server.url + "/model")
        shot(page, f"model-{width}")
        assert serious(page) == []
    ctx.close()


def test_the_misses_are_words_and_miss():
    assert all(is_valid_guess(w) and w != ANSWER for w in MISSES)


def test_the_on_screen_keys_and_the_physical_keyboard_work_together(browser, server):
    ctx = context(browser)
    page = ctx.new_page()
    page.goto(server.url + "/challenge")
    practice(page, server)
    for letter in "board":  # tapped...
        page.locator(f".key[data-key='{letter}']").click()
    page.keyboard.press("Enter")  # ...then Enter on the keyboard sends the row, not the last key again
    expect(page.locator(".guess-row.done")).to_have_count(1)
    page.keyboard.type("delta")
    tab_to(page, "el.dataset && el.dataset.key === 'Enter'")  # the on-screen Enter, from the keyboard
    page.keyboard.press("Enter")
    expect(page.locator(".guess-row.done")).to_have_count(2)
    expect(page.locator(".key[data-key='Enter']")).to_be_focused()  # the focus stays where it was
    ctx.close()
