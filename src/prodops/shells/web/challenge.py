"""The Knowledge Challenge in the browser, and the model page its answers link to. No login: a
browser without an account plays as a guest (a cookie holding a token; the workspace keeps its
games and statistics); a signed-in user plays as themselves. The server scores every guess: the
answer reaches the page only when the game is over."""

from __future__ import annotations

import datetime as dt
import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from prodops import clock
from prodops.core.challenge import LENGTH, MAX_GUESSES, NotAGuess, game_number
from prodops.core.challenge.rules import ORDINALS
from prodops.core.errors import InputError, Refused
from prodops.shells.web.app import page
from prodops.shells.web.security import CSRF_HEADER, check_csrf, client, current_session, form_data, set_cookie

router = APIRouter(include_in_schema=False)  # pages, not the API
PLAYER_COOKIE = "prodops_player"
PLAYER_DAYS = 400  # as long as browsers keep a cookie
# A mark in words, the same on the tiles, the keys and in what a screen reader hears after a guess.
SAID = {"correct": "right place", "present": "elsewhere in the word", "absent": "not in the word"}


def _player(request: Request):
    """(player key, CSRF token) of whoever is playing, or (None, None) for a browser not seen before."""
    from prodops.operations import guest

    found = current_session(request)
    if found:
        return f"user:{found.user.id}", found.csrf
    known = guest(request.app.state.ws, request.cookies.get(PLAYER_COOKIE))
    return (known.player, known.csrf) if known else (None, None)


def _day(value: str | None) -> dt.date:
    """The player's calendar date, as their browser's script sends it; the server's (UTC) without it."""
    from prodops.core.dates import NotADate, parse_day
    from prodops.operations import today_somewhere

    if not value:
        return clock.today()
    try:
        day = parse_day(value)
    except NotADate as e:
        raise InputError(f"{value!r} is not a real day" if e.well_formed
                         else f"{value[:20]!r} is not a date (YYYY-MM-DD)") from None
    return today_somewhere(day)


def _game_id(value: str | None) -> int | None:
    """A practice game's id from the page, or None (the game of the day)."""
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise Refused("unknown", "there is no such game here; start one from the Knowledge Challenge page")
    return int(value)


def _state(request: Request, player: str | None, game_id: int | None, day: dt.date, start: bool):
    """The round to show: a game by its id (the player's own only), else the player's game of the day
    (None before it is started: looking at the page starts nothing)."""
    from prodops import operations as op
    ws, model = request.app.state.ws, request.app.state.model
    if game_id is not None:
        return op.game(ws, model, player or "", game_id)  # no player: no game of theirs
    return op.daily(ws, model, player, day, start) if player else None


def _show(request: Request, played, day: dt.date, csrf: str | None, player: str | None, message: str = "",
          announce: str = "", status_code: int = 200, fragment: bool = False, flip: bool = False):
    from prodops import operations as op
    stats = op.challenge_stats(request.app.state.ws, request.app.state.model, player, day) if player else None
    return page(request, "_challenge_game.html" if fragment else "challenge.html", status_code=status_code,
                played=played, day=day, player_csrf=csrf, stats=stats, message=message, fragment=fragment, flip=flip,
                announce=announce or message, number=game_number(day), said=SAID, ordinals=ORDINALS,
                length=LENGTH, tries=MAX_GUESSES)


def _wants_fragment(request: Request) -> bool:
    return request.headers.get("x-challenge") == "fragment"


@router.get("/challenge")
def challenge_page(request: Request, game: str | None = None, day: str | None = None):
    player, csrf = _player(request)
    when = _day(day)
    return _show(request, _state(request, player, _game_id(game), when, start=False), when, csrf, player)


def _playing(request: Request, data: dict):
    """The player, game and day of a state-changing request. A known player must send their CSRF
    token; a browser not seen before becomes a guest (its cookie set on the response), but only for
    a request that is otherwise in order: a stranger's request makes no guest."""
    from prodops.operations import new_guest

    day, game_id = _day(data.get("day")), _game_id(data.get("game"))
    player, csrf = _player(request)
    if player:
        check_csrf(request, request.headers.get(CSRF_HEADER) or data.get("csrf"), csrf)
        return player, csrf, None, game_id, day
    if game_id is not None:
        raise Refused("unknown", "there is no such game here; start one from the Knowledge Challenge page")
    token, made = new_guest(request.app.state.ws, client(request))
    return made.player, made.csrf, token, game_id, day


def _respond(request: Request, response, token: str | None):
    if token:
        set_cookie(response, request, PLAYER_COOKIE, token, max_age=PLAYER_DAYS * 86400)
    return response


def _where(played, day: dt.date) -> str:
    game = f"game={played.id}&" if played.day is None else ""
    return f"/challenge?{game}day={day.isoformat()}"


@router.post("/challenge/guess")
def guess(request: Request, data: dict = Depends(form_data)):
    """A guess: the board again (to the page's script), or the page (without it). A word the game does
    not take uses no turn and says why."""
    from prodops import operations as op
    ws, model = request.app.state.ws, request.app.state.model
    player, csrf, token, game_id, day = _playing(request, data)
    played = _state(request, player, game_id, day, start=True)
    try:
        played = op.guess(ws, model, player, played.id, data.get("word", "")[:50])
    except NotAGuess as e:
        return _respond(request, _show(request, played, day, csrf, player, message=e.message, status_code=422,
                                       fragment=_wants_fragment(request)), token)
    if _wants_fragment(request):
        return _respond(request, _show(request, played, day, csrf, player, announce=_announce(played),
                                       fragment=True, flip=True), token)
    return _respond(request, RedirectResponse(_where(played, day), status_code=303), token)


def _announce(played) -> str:
    """What a screen reader hears after a guess: the word, each letter's mark, what is left."""
    game = played.game
    word, marks = game.guesses[-1], game.rows[-1]
    said = f"{word.upper()}: " + ", ".join(f"{letter.upper()} {SAID[mark]}" for letter, mark in zip(word, marks)) + "."
    if game.won:
        return f"{said} Solved in {len(game.guesses)}! The word is {game.answer.upper()}."
    if game.over:
        return f"{said} No guesses left. The word was {game.answer.upper()}."
    left = MAX_GUESSES - len(game.guesses)
    return f"{said} {left} guess{'es' if left > 1 else ''} left."


@router.post("/challenge/hard")
def hard(request: Request, data: dict = Depends(form_data)):
    """Hard mode on (before the first guess) or off (at any time)."""
    from prodops import operations as op
    ws, model = request.app.state.ws, request.app.state.model
    player, csrf, token, game_id, day = _playing(request, data)
    played = _state(request, player, game_id, day, start=True)
    try:
        played = op.hard_mode(ws, model, player, played.id, data.get("hard") == "on")
    except NotAGuess as e:
        return _respond(request, _show(request, played, day, csrf, player, message=e.message, status_code=422), token)
    return _respond(request, RedirectResponse(_where(played, day), status_code=303), token)


@router.post("/challenge/practice")
def new_practice(request: Request, data: dict = Depends(form_data)):
    from prodops import operations as op
    player, _csrf, token, _game, day = _playing(request, data)
    played = op.practice(request.app.state.ws, request.app.state.model, player, client=client(request))
    return _respond(request, RedirectResponse(_where(played, day), status_code=303), token)


@router.get("/model")
def model_page(request: Request):
    """The maturity model to read, every passage with the anchor the game's answers link to."""
    from prodops.core.challenge.words import anchor

    return page(request, "model.html", anchor=anchor)
