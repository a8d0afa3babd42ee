"""The Knowledge Challenge on a workspace: every game is kept there, guess by guess, so a game goes
on after a reload or a restart, and statistics come from the games themselves. The web app and the
terminal both play through these calls; the rules are prodops.core.challenge's.

A player is a key: `user:ID` (signed in), `guest:ID` (a browser without an account; its cookie
holds a token only the hash of which is kept) or `terminal` (whoever plays in this workspace's
terminal).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, overload

from prodops import clock
from prodops.core.challenge import Answer, Game, Played, Stats, game_number, is_valid_guess, play, \
    set_hard, share_text, stats
from prodops.core.challenge.words import answer_of, answer_of_the_day, playable
from prodops.core.errors import InputError, Refused
from prodops.store.challenge import StoredGame

if TYPE_CHECKING:
    from prodops.core.model import MaturityModel
    from prodops.store import Workspace

TITLE = "Knowledge Challenge"
TERMINAL = "terminal"
GUESTS_PER_HOUR = 30  # new guest players one address may start
PRACTICE_PER_HOUR = 200  # practice games one player, and one address, may start
UNFINISHED_DAYS = 30  # a practice game left unfinished this long is deleted


@dataclass(frozen=True)
class Round:
    """A game as a shell shows it: its rules' state, which day it is (None: practice), and once it is
    over the answer with its place in the model."""

    id: int
    game: Game
    day: dt.date | None
    answer: Answer | None  # only when the game is over: never sent before

    @property
    def title(self) -> str:
        return f"{TITLE} {game_number(self.day)}" if self.day else f"{TITLE} (practice)"

    def share(self, high_contrast: bool = False) -> str:
        return share_text(self.game, self.title, high_contrast)

    def document(self) -> dict:
        """The game as JSON: while it is played, no answer."""
        found = self.answer
        return {"game": self.id, "title": self.title, "day": self.day and self.day.isoformat(),
                "hard": self.game.hard, "guesses": [{"word": g, "marks": m} for g, m in zip(self.game.guesses, self.game.rows)],
                "over": self.game.over, "won": self.game.won, "result": self.game.result if self.game.over else None,
                "answer": found and {"word": found.word, "quote": found.quote,
                                     "place": found.passage and {"kind": found.passage.kind, "id": found.passage.key,
                                                                 "title": found.passage.title}},
                "share": self.share() if self.game.over else None}


@dataclass(frozen=True)
class Guest:
    player: str
    csrf: str


def _game(stored: StoredGame) -> Game:
    return Game(stored.answer, stored.guesses, stored.hard)


def _shown(game_id: int, game: Game, day: dt.date | None, model: MaturityModel) -> Round:
    """The round as shown: the answer's place in the model only once the game is over."""
    answer = (answer_of(game.answer, model) or Answer(game.answer, None, "")) if game.over else None
    return Round(game_id, game, day, answer)


def _round(stored: StoredGame, model: MaturityModel) -> Round:
    return _shown(stored.id, _game(stored), stored.day, model)


def today_somewhere(day: dt.date) -> dt.date:
    """`day` if it is today somewhere on Earth (time zones run from UTC-12 to UTC+14), else InputError:
    the game of a day is played on that day, by the player's own calendar."""
    now = clock.now()
    if not (now - dt.timedelta(hours=12)).date() <= day <= (now + dt.timedelta(hours=14)).date():
        raise InputError(f"{day.isoformat()} is not today anywhere; the game of the day is played on its day")
    return day


@overload
def daily(ws: Workspace, model: MaturityModel, player: str, day: dt.date, start: Literal[True] = ...) -> Round: ...
@overload
def daily(ws: Workspace, model: MaturityModel, player: str, day: dt.date, start: bool) -> Round | None: ...
def daily(ws: Workspace, model: MaturityModel, player: str, day: dt.date, start: bool = True) -> Round | None:
    """The player's game of `day` (their calendar date): the one started before, else a new one (or
    None with start=False: looking writes nothing)."""
    today_somewhere(day)
    if not start:
        found = ws.challenge.daily(player, model.id, day)
        return None if found is None else _round(found, model)
    word = answer_of_the_day(day, model).word
    return _round(ws.challenge.start_daily(player, model.id, day, word, clock.now()), model)


def practice(ws: Workspace, model: MaturityModel, player: str, hard: bool = False, client: str | None = None) -> Round:
    """A new practice game with an answer drawn at random from the model's. Practice games left
    unfinished for UNFINISHED_DAYS are deleted meanwhile (anyone may start them, on the web)."""
    from prodops.operations.access import check_rate

    for key in [f"challenge-practice:{player}", *([f"challenge-practice-client:{client}"] if client else [])]:
        check_rate(ws, key, PRACTICE_PER_HOUR, 3600)
    word = secrets.choice(playable(model)).word
    forget_before = clock.now() - dt.timedelta(days=UNFINISHED_DAYS)
    return _round(ws.challenge.start_practice(player, model.id, word, hard, clock.now(), forget_before), model)


def _stored(ws: Workspace, model: MaturityModel, player: str, game_id: int) -> StoredGame:
    found = ws.challenge.game(game_id, player, model.id)
    if found is None:
        raise Refused("unknown", "there is no such game")
    return found


def game(ws: Workspace, model: MaturityModel, player: str, game_id: int) -> Round:
    """One of the player's games; another player's is unknown here."""
    return _round(_stored(ws, model, player, game_id), model)


def _change(ws: Workspace, model: MaturityModel, player: str, game_id: int, change: Callable[[Game], Game]) -> Round:
    """Apply `change` (Game -> Game, or NotAGuess) to the stored game, if no other request changed it meanwhile."""
    before = _stored(ws, model, player, game_id)
    after = change(_game(before))
    if not ws.challenge.update(game_id, before, after.guesses, after.hard, clock.now() if after.over else None):
        raise Refused("closed", "the game was changed elsewhere; reload it to see where it stands")
    return _shown(game_id, after, before.day, model)


def guess(ws: Workspace, model: MaturityModel, player: str, game_id: int, word: str) -> Round:
    """Play `word`: the game after it, or NotAGuess (no turn used)."""
    return _change(ws, model, player, game_id, lambda g: play(g, word, is_valid_guess))


def hard_mode(ws: Workspace, model: MaturityModel, player: str, game_id: int, on: bool) -> Round:
    return _change(ws, model, player, game_id, lambda g: set_hard(g, on))


def challenge_stats(ws: Workspace, model: MaturityModel, player: str, today: dt.date) -> tuple[Stats, Stats]:
    """The player's statistics of daily games and of practice games, from their finished games."""
    played = [Played(g.won, len(g.guesses), r.day) for r in ws.challenge.finished(player, model.id) for g in [_game(r)]]
    return stats([p for p in played if p.day], today), stats([p for p in played if not p.day])


def new_guest(ws: Workspace, client: str) -> tuple[str, Guest]:
    """A player for a browser without an account: the cookie's token, and the player."""
    from prodops.operations.access import check_rate, digest, new_secret

    check_rate(ws, f"challenge-guest:{client}", GUESTS_PER_HOUR, 3600)
    token, csrf = new_secret(), new_secret()
    guest_id = ws.challenge.add_guest(digest(token), csrf, clock.now())
    return token, Guest(f"guest:{guest_id}", csrf)


def guest(ws: Workspace, token: str | None) -> Guest | None:
    """The guest player of a cookie's token, or None."""
    from prodops.operations.access import digest

    if not token or len(token) > 100:
        return None
    found = ws.challenge.guest(digest(token))
    return None if found is None else Guest(f"guest:{found.id}", found.csrf)
