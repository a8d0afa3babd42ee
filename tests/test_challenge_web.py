"""The Knowledge Challenge in the web app through FastAPI's TestClient (real HTTP handling, a real
workspace): guests and signed-in players, the server keeping the answer until the game ends, and each
protection with a test that fails when it is taken away."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from prodops import operations
from prodops.core.challenge import answers, word_of_the_day
from prodops.inputs.models import load_model
from prodops.store import Workspace
from prodops.shells.web import Settings, create_app
from tests.conftest import csrf_in

MODEL = load_model()
PASSWORD = "correct horse battery staple"
NOW = dt.datetime(2026, 12, 7, 23, 50, tzinfo=dt.UTC)  # already tomorrow in UTC+14
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _late(clock):
    """Every test here depends on the day (the game of the day) or the hour (the limits per hour)."""
    clock.freeze(NOW)


@pytest.fixture
def app(tmp_path):
    db = str(tmp_path / "web.db")
    with Workspace.open(db) as ws:
        operations.add_user(ws, "viewer@example.com", "viewer", PASSWORD)
    made = create_app(Settings(db=db))
    yield made
    made.state.ws.close()


def client(app) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def wrong_words(answer: str, n: int = 6) -> list[str]:
    """Valid guesses that are not `answer`."""
    return [w for w in ("chart", "board", "delta", "value", "teams", "north", "sales", "voice") if w != answer][:n]


def play(browser: TestClient, word: str, day: dt.date = TODAY, game: str = "", fragment: bool = True):
    page = browser.get("/challenge", params={"day": day.isoformat(), **({"game": game} if game else {})})
    csrf = re.search(r'name="csrf" value="([^"]*)"', page.text).group(1)
    return browser.post("/challenge/guess", data={"csrf": csrf, "game": game, "day": day.isoformat(), "word": word},
                        headers={"X-Challenge": "fragment"} if fragment else {})


def games(app) -> list:
    with Workspace.open(app.state.settings.db) as ws, ws.engine.connect() as conn:
        return conn.execute(sa.text("SELECT * FROM challenge_games ORDER BY id")).all()


def test_a_visitor_sees_the_board_and_becomes_a_guest_with_the_first_guess(app):
    browser = client(app)
    page = browser.get("/challenge")
    assert page.status_code == 200 and "Guess 1 of 6" in page.text and games(app) == []  # a look writes nothing
    answer = play(browser, "chart")
    assert answer.status_code == 200 and 'aria-label="Guess 1: CHART"' in answer.text
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("prodops_player="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    with Workspace.open(app.state.settings.db) as ws, ws.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT token_hash FROM challenge_guests")).scalars().all()
    assert len(stored) == 1 and cookie.split(";")[0].split("=", 1)[1] not in stored[0]  # only the hash kept
    again = browser.get("/challenge", params={"day": TODAY.isoformat()})  # a reload: the guess is still there
    assert 'aria-label="Guess 1: CHART"' in again.text and "Guess 2 of 6" in again.text


def test_the_answer_reaches_the_page_only_when_the_game_is_over(app):
    # a day whose answer the page's own text never says, so that finding it means it leaked
    somewhere = sorted({(NOW + dt.timedelta(hours=h)).date() for h in (-12, 0, 14)})  # the days it is today somewhere
    day = next(d for d in somewhere if word_of_the_day(d, MODEL) not in client(app).get("/challenge").text.lower())
    answer = word_of_the_day(day, MODEL)
    browser = client(app)
    for word in wrong_words(answer, 5):
        shown = play(browser, word, day)
        assert shown.status_code == 200 and answer not in shown.text.lower()
        assert answer not in browser.get("/challenge", params={"day": day.isoformat()}).text.lower()
    last = play(browser, wrong_words(answer)[5], day)
    assert f"The word was {answer.upper()}" in last.text and "No guesses left" in html.unescape(last.text)
    place = next(a for a in answers(MODEL) if a.word == answer).passage
    assert f'href="/model#{place.anchor}"' in last.text
    assert f'id="{place.anchor}"' in client(app).get("/model").text


def test_a_word_not_in_the_list_uses_no_turn_and_says_so(app):
    browser = client(app)
    play(browser, "chart")
    refused = play(browser, "qqqqq")
    assert refused.status_code == 422 and "QQQQQ is not in the word list" in refused.text
    assert "Guess 2 of 6" in refused.text
    assert games(app)[0].guesses == "chart"


def test_a_win_shows_the_passage_the_share_text_and_the_statistics(app):
    browser = client(app)
    word = word_of_the_day(TODAY, MODEL)
    play(browser, wrong_words(word)[0])
    won = play(browser, word)
    text = html.unescape(won.text)
    assert f"Solved in 2: {word.upper()}" in text and f"Knowledge Challenge {(TODAY - dt.date(2026, 1, 1)).days + 1} 2/6" in text
    found = next(a for a in answers(MODEL) if a.word == word)
    assert found.quote in text
    assert re.search(r"<dt>Played</dt><dd>1</dd>.*<dt>Win %</dt><dd>100</dd>.*<dt>Current streak</dt><dd>1</dd>",
                     won.text, re.S)
    after = play(browser, "chart")  # after the end: no turn, the board as it was
    assert after.status_code == 422 and "the game is over" in after.text and games(app)[0].guesses.count(",") == 1


def test_hard_mode_is_chosen_before_the_first_guess_and_holds_the_hints(app):
    browser = client(app)
    word = word_of_the_day(TODAY, MODEL)
    on = browser.post("/challenge/hard", data={"csrf": "", "day": TODAY.isoformat(), "hard": "on"})  # a new visitor
    assert on.status_code == 303 and games(app)[0].hard
    first = next(w for w in wrong_words(word) if set(w) & set(word))  # reveals something
    play(browser, first)
    page = browser.get("/challenge", params={"day": TODAY.isoformat()}).text
    assert "Turn hard mode off" in page and "Play in hard mode" not in page
    unused = next(w for w in ("fuzzy", "jiffy", "gypsy", "nymph") if not set(w) & set(first))
    refused = play(browser, unused)
    assert refused.status_code == 422 and "must" in refused.text  # "2nd letter must be A" or "guess must contain E"
    off = browser.post("/challenge/hard", data={"csrf": csrf_in(refused.text), "day": TODAY.isoformat(), "hard": ""})
    assert off.status_code == 303 and not games(app)[0].hard
    assert play(browser, unused).status_code == 200
    too_late = browser.post("/challenge/hard", data={"csrf": csrf_in(refused.text), "day": TODAY.isoformat(), "hard": "on"})
    assert too_late.status_code == 422 and "before the first guess" in too_late.text


def test_a_practice_game_is_its_players_own(app):
    alice, bob = client(app), client(app)
    play(alice, "chart")  # alice becomes a guest
    made = alice.post("/challenge/practice", data={"csrf": csrf_in(alice.get("/challenge").text)})
    assert made.status_code == 303
    game_id = made.headers["location"].split("game=")[1]
    assert "Practice game" in alice.get(made.headers["location"]).text
    play(bob, "board")
    assert bob.get(made.headers["location"]).status_code == 404  # no IDOR: another guest's game is no game here
    bob_csrf = csrf_in(bob.get("/challenge").text)
    stolen = bob.post("/challenge/guess", data={"csrf": bob_csrf, "game": game_id, "day": TODAY.isoformat(), "word": "chart"})
    assert stolen.status_code == 404
    assert client(app).get(made.headers["location"]).status_code == 404  # a stranger has no games


def test_a_known_player_must_send_their_csrf_token(app):
    browser = client(app)
    play(browser, "chart")
    forged = browser.post("/challenge/guess", data={"csrf": "x" * 43, "day": TODAY.isoformat(), "word": "board"})
    assert forged.status_code == 403 and games(app)[0].guesses == "chart"
    missing = browser.post("/challenge/practice", data={})
    assert missing.status_code == 403


def test_a_request_from_another_site_is_refused(app):
    browser = client(app)
    sent = browser.post("/challenge/guess", data={"day": TODAY.isoformat(), "word": "chart"},
                        headers={"Sec-Fetch-Site": "cross-site"})
    assert sent.status_code == 403 and games(app) == []


@pytest.mark.parametrize("hour", [0, 11, 12, 23])
def test_the_day_must_be_today_somewhere(app, clock, hour):
    now = clock.now().replace(hour=hour, minute=30)
    clock.freeze(now)
    west, east = (now - dt.timedelta(hours=12)).date(), (now + dt.timedelta(hours=14)).date()  # Baker Island, Kiribati
    browser = client(app)
    for day in {west, east}:
        assert play(browser, "chart", day).status_code == 200
    for day in (west - dt.timedelta(days=1), east + dt.timedelta(days=1)):
        ahead = browser.post("/challenge/guess", data={"csrf": csrf_in(browser.get("/challenge").text),
                                                       "day": day.isoformat(), "word": "chart"})
        assert ahead.status_code == 422 and "is not today anywhere" in ahead.text
    assert browser.get("/challenge", params={"day": "tomorrow"}).status_code == 422


def test_new_guests_from_one_address_are_limited(app):
    limit = operations.challenge.GUESTS_PER_HOUR
    codes = [client(app).post("/challenge/practice", data={}).status_code for _ in range(limit + 1)]
    assert codes[:-1] == [303] * limit and codes[-1] == 429


def test_a_signed_in_player_keeps_games_and_statistics_with_the_account(app):
    def signed_in():
        browser = client(app)
        token = csrf_in(browser.get("/login").text)
        signed = browser.post("/login", data={"csrf": token, "email": "viewer@example.com", "password": PASSWORD})
        assert signed.status_code == 303
        return browser

    laptop, phone = signed_in(), signed_in()
    play(laptop, "chart")
    assert 'aria-label="Guess 1: CHART"' in phone.get("/challenge", params={"day": TODAY.isoformat()}).text
    assert "kept with your account" in phone.get("/challenge").text
    assert [g.player for g in games(app)] == ["user:1"]
    with Workspace.open(app.state.settings.db) as ws:
        operations.remove_user(ws, "viewer@example.com")
    assert games(app) == []  # a user removed takes their games along


def test_without_javascript_a_guess_is_posted_and_the_page_comes_back(app):
    browser = client(app)
    sent = play(browser, "chart", fragment=False)
    assert sent.status_code == 303 and sent.headers["location"] == f"/challenge?day={TODAY.isoformat()}"
    assert 'aria-label="Guess 1: CHART"' in browser.get(sent.headers["location"]).text


def test_the_model_page_has_every_passage_and_escapes_the_model(app):
    from prodops.core.challenge import passages

    page = client(app).get("/model").text
    for passage in passages(MODEL):  # wherever an answer comes from, its link lands
        assert f'id="{passage.anchor}"' in page
    assert "<script>" not in page.split("</head>")[1].replace('<script src="/static/challenge.js"', "")


def test_a_strangers_request_for_a_game_makes_nothing(app):
    stranger = client(app)
    for game in ("5", "²", "9" * 30, "-1"):
        sent = stranger.post("/challenge/guess", data={"game": game, "day": TODAY.isoformat(), "word": "chart"})
        assert sent.status_code == 404, (game, sent.status_code)
        assert stranger.get("/challenge", params={"game": game}).status_code == 404
    with Workspace.open(app.state.settings.db) as ws, ws.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM challenge_guests")).scalar() == 0


def test_looking_at_the_page_writes_nothing(app):
    browser = client(app)
    play(browser, "chart", TODAY)
    before = games(app)
    for day in {TODAY, (NOW + dt.timedelta(hours=14)).date()}:
        browser.get("/challenge", params={"day": day.isoformat()})
    assert games(app) == before


def test_a_finished_game_stays_as_it_ended(app):
    browser = client(app)
    word = word_of_the_day(TODAY, MODEL)
    on = browser.post("/challenge/hard", data={"csrf": "", "day": TODAY.isoformat(), "hard": "on"})
    assert on.status_code == 303
    play(browser, word)
    csrf = csrf_in(browser.get("/challenge").text)
    off = browser.post("/challenge/hard", data={"csrf": csrf, "day": TODAY.isoformat(), "hard": ""})
    assert off.status_code == 422 and "the game is over" in off.text
    assert games(app)[0].hard  # its 1/6* stands


def test_practice_games_are_limited_per_address_too(app, monkeypatch):
    from prodops.operations import challenge as game_operations

    monkeypatch.setattr(game_operations, "PRACTICE_PER_HOUR", 3)
    codes = []
    for _ in range(2):  # two guests from one address
        browser = client(app)
        codes.append(browser.post("/challenge/practice", data={}).status_code)
        codes.append(browser.post("/challenge/practice", data={"csrf": csrf_in(browser.get("/challenge").text)}).status_code)
    assert codes == [303, 303, 303, 429]
