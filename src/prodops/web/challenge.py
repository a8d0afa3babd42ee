"""The Knowledge Challenge in the browser, and the model page its answers link to. No login: a
browser without an account plays as a guest (a cookie holding a token; the workspace keeps its
games and statistics); a signed-in user plays as themselves. The server scores every guess: the
answer reaches the page only when the game is over."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from prodops.challenge import MAX_GUESSES, NotAGuess, game_number
from prodops.errors import InputError, Refused
from prodops.web.app import page
from prodops.web.security import CSRF_HEADER, check_csrf, client, current_session, form_data, set_cookie

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
    """The player's calendar date, as their browser sends it; the server's (UTC) before it does."""
    if not value:
        return dt.datetime.now(dt.timezone.utc).date()
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(f"{value[:20]!r} is not a date (YYYY-MM-DD)") from None


def _state(request: Request, player: str | None, game_id: str | None, day: dt.date):
    """The round to show: a game by its id (the player's own only), else the player's game of the day
    (None before their first guess)."""
    from prodops import operations as op

    ws, model = request.app.state.ws, request.app.state.model
    if game_id and player:
        return op.game(ws, model, player, _game_id(game_id))
    if game_id:
        raise Refused("unknown", "there is no such game here; start one from the Knowledge Challenge page")
    return op.daily(ws, model, player, day) if player else None


def _game_id(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 2**31:
        raise InputError(f"{value[:20]!r} is no game")
    return int(value)


def _show(request: Request, played, day: dt.date, csrf: str | None, player: str | None, message: str = "",
          announce: str = "", status_code: int = 200, fragment: bool = False):
    from prodops import operations as op

    stats = op.challenge_stats(request.app.state.ws, request.app.state.model, player, day) if player else None
    return page(request, "_challenge_game.html" if fragment else "challenge.html", status_code=status_code,
                played=played, day=day, player_csrf=csrf, stats=stats, message=message,
                announce=announce or message, number=game_number(day), said=SAID)


def _wants_fragment(request: Request) -> bool:
    return request.headers.get("x-challenge") == "fragment"


@router.get("/challenge")
def challenge_page(request: Request, game: str | None = None, day: str | None = None):
    player, csrf = _player(request)
    when = _day(day)
    return _show(request, _state(request, player, game, when), when, csrf, player)


def _playing(request: Request, data: dict):
    """The player of a state-changing request: a known one must send their CSRF token; a browser
    not seen before becomes a guest (its cookie is set on the response)."""
    from prodops.operations import new_guest

    player, csrf = _player(request)
    if player:
        check_csrf(request, request.headers.get(CSRF_HEADER) or data.get("csrf"), csrf)
        return player, csrf, None
    token, made = new_guest(request.app.state.ws, client(request))
    return made.player, made.csrf, token


def _respond(request: Request, response, token: str | None):
    if token:
        set_cookie(response, request, PLAYER_COOKIE, token, max_age=PLAYER_DAYS * 86400)
    return response


def _where(played, day: dt.date) -> str:
    return f"/challenge?game={played.id}" if played.day is None else f"/challenge?day={day.isoformat()}"


@router.post("/challenge/guess")
def guess(request: Request, data: dict = Depends(form_data)):
    """A guess: the board again (to the page's script), or the page (without it). A word the game does
    not take uses no turn and says why."""
    from prodops import operations as op

    ws, model = request.app.state.ws, request.app.state.model
    player, csrf, token = _playing(request, data)
    day = _day(data.get("day"))
    played = _state(request, player, data.get("game"), day)
    try:
        played = op.guess(ws, model, player, played.id, data.get("word", "")[:50])
    except NotAGuess as e:
        return _respond(request, _show(request, played, day, csrf, player, message=e.message, status_code=422,
                                       fragment=_wants_fragment(request)), token)
    if _wants_fragment(request):
        return _respond(request, _show(request, played, day, csrf, player, announce=_announce(played),
                                       fragment=True), token)
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
    player, csrf, token = _playing(request, data)
    day = _day(data.get("day"))
    played = _state(request, player, data.get("game"), day)
    try:
        played = op.hard_mode(ws, model, player, played.id, data.get("hard") == "on")
    except NotAGuess as e:
        return _respond(request, _show(request, played, day, csrf, player, message=e.message, status_code=422), token)
    return _respond(request, RedirectResponse(_where(played, day), status_code=303), token)


@router.post("/challenge/practice")
def new_practice(request: Request, data: dict = Depends(form_data)):
    from prodops import operations as op

    player, _csrf, token = _playing(request, data)
    played = op.practice(request.app.state.ws, request.app.state.model, player, data.get("hard") == "on")
    return _respond(request, RedirectResponse(f"/challenge?game={played.id}", status_code=303), token)


@router.get("/model")
def model_page(request: Request):
    """The maturity model to read, every passage with the anchor the game's answers link to."""
    from prodops.challenge.words import anchor

    return page(request, "model.html", anchor=anchor)
