"""The Knowledge Challenge on a workspace: every game is kept there, guess by guess, so a game goes
on after a reload or a restart, and statistics come from the games themselves. The web app and the
terminal both play through these calls; the rules are prodops.challenge's.

A player is a key: `user:ID` (signed in), `guest:ID` (a browser without an account; its cookie
holds a token only the hash of which is kept) or `terminal` (whoever plays in this workspace's
terminal).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from prodops import clock
from prodops.challenge import Answer, Game, Played, Stats, game_number, is_valid_guess, play, \
    set_hard, share_text, stats
from prodops.challenge.words import answer_of, answer_of_the_day, playable
from prodops.errors import InputError, Refused

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


def _game(row) -> Game:
    return Game(row.answer, tuple(g for g in row.guesses.split(",") if g), row.hard)


def _shown(game_id: int, game: Game, day: dt.date | None, model) -> Round:
    """The round as shown: the answer's place in the model only once the game is over."""
    answer = (answer_of(game.answer, model) or Answer(game.answer, None, "")) if game.over else None
    return Round(game_id, game, day, answer)


def _round(row, model) -> Round:
    return _shown(row.id, _game(row), row.day, model)


def today_somewhere(day: dt.date) -> dt.date:
    """`day` if it is today somewhere on Earth (time zones run from UTC-12 to UTC+14), else InputError:
    the game of a day is played on that day, by the player's own calendar."""
    now = clock.now()
    if not (now - dt.timedelta(hours=12)).date() <= day <= (now + dt.timedelta(hours=14)).date():
        raise InputError(f"{day.isoformat()} is not today anywhere; the game of the day is played on its day")
    return day


def daily(ws, model, player: str, day: dt.date, start: bool = True) -> Round | None:
    """The player's game of `day` (their calendar date): the one started before, else a new one (or
    None with start=False: looking writes nothing)."""
    from prodops.store import dialect_insert
    from prodops.store.tables import challenge_games as games

    today_somewhere(day)
    mine = sa.select(games).where(games.c.player == player, games.c.model_id == model.id, games.c.day == day)
    if not start:
        with ws.transaction(write=False) as conn:
            row = conn.execute(mine).one_or_none()
        return row and _round(row, model)
    word = answer_of_the_day(day, model).word
    with ws.transaction() as conn:
        conn.execute(dialect_insert(conn)(games).values(
            player=player, model_id=model.id, day=day, answer=word, guesses="", hard=False, created_at=clock.now()
        ).on_conflict_do_nothing(index_elements=["player", "model_id", "day"]))
        return _round(conn.execute(mine).one(), model)


def practice(ws, model, player: str, hard: bool = False, client: str | None = None) -> Round:
    """A new practice game with an answer drawn at random from the model's. Practice games left
    unfinished for UNFINISHED_DAYS are deleted meanwhile (anyone may start them, on the web)."""
    from prodops.store.tables import challenge_games as games
    from prodops.operations.access import check_rate

    for key in [f"challenge-practice:{player}", *([f"challenge-practice-client:{client}"] if client else [])]:
        check_rate(ws, key, PRACTICE_PER_HOUR, 3600)
    word = secrets.choice(playable(model)).word
    with ws.transaction() as conn:
        conn.execute(games.delete().where(games.c.day.is_(None), games.c.finished_at.is_(None),
                                          games.c.created_at < clock.now() - dt.timedelta(days=UNFINISHED_DAYS)))
        new_id = conn.execute(games.insert().values(player=player, model_id=model.id, day=None, answer=word,
                                                    guesses="", hard=hard, created_at=clock.now())).inserted_primary_key[0]
        return _round(conn.execute(sa.select(games).where(games.c.id == new_id)).one(), model)


def game(ws, model, player: str, game_id: int) -> Round:
    """One of the player's games; another player's is unknown here."""
    from prodops.store.tables import challenge_games as games

    with ws.transaction(write=False) as conn:
        row = conn.execute(sa.select(games).where(games.c.id == game_id, games.c.player == player,
                                                  games.c.model_id == model.id)).one_or_none()
    if row is None:
        raise Refused("unknown", "there is no such game")
    return _round(row, model)


def _change(ws, model, player: str, game_id: int, change) -> Round:
    """Apply `change` (Game -> Game, or NotAGuess) to the stored game, if no other request changed it meanwhile."""
    from prodops.store.tables import challenge_games as games

    before = game(ws, model, player, game_id)
    after = change(before.game)
    with ws.transaction() as conn:
        done = conn.execute(games.update().where(
            games.c.id == game_id, games.c.guesses == ",".join(before.game.guesses), games.c.hard == before.game.hard
        ).values(guesses=",".join(after.guesses), hard=after.hard, finished_at=clock.now() if after.over else None)).rowcount
    if not done:
        raise Refused("closed", "the game was changed elsewhere; reload it to see where it stands")
    return _shown(game_id, after, before.day, model)


def guess(ws, model, player: str, game_id: int, word: str) -> Round:
    """Play `word`: the game after it, or NotAGuess (no turn used)."""
    return _change(ws, model, player, game_id, lambda g: play(g, word, is_valid_guess))


def hard_mode(ws, model, player: str, game_id: int, on: bool) -> Round:
    return _change(ws, model, player, game_id, lambda g: set_hard(g, on))


def challenge_stats(ws, model, player: str, today: dt.date) -> tuple[Stats, Stats]:
    """The player's statistics of daily games and of practice games, from their finished games."""
    from prodops.store.tables import challenge_games as games

    with ws.transaction(write=False) as conn:
        rows = conn.execute(sa.select(games).where(games.c.player == player, games.c.model_id == model.id,
                                                   games.c.finished_at.is_not(None)).order_by(games.c.id)).all()
    played = [Played(g.won, len(g.guesses), r.day) for r in rows for g in [_game(r)]]
    return stats([p for p in played if p.day], today), stats([p for p in played if not p.day])


def new_guest(ws, client: str) -> tuple[str, Guest]:
    """A player for a browser without an account: the cookie's token, and the player."""
    from prodops.operations.access import check_rate, digest, new_secret
    from prodops.store.tables import challenge_guests

    check_rate(ws, f"challenge-guest:{client}", GUESTS_PER_HOUR, 3600)
    token, csrf = new_secret(), new_secret()
    with ws.transaction() as conn:
        guest_id = conn.execute(challenge_guests.insert().values(token_hash=digest(token), csrf=csrf, created_at=clock.now())
                                ).inserted_primary_key[0]
    return token, Guest(f"guest:{guest_id}", csrf)


def guest(ws, token: str | None) -> Guest | None:
    """The guest player of a cookie's token, or None."""
    from prodops.operations.access import digest
    from prodops.store.tables import challenge_guests

    if not token or len(token) > 100:
        return None
    with ws.transaction(write=False) as conn:
        row = conn.execute(sa.select(challenge_guests).where(challenge_guests.c.token_hash == digest(token))).one_or_none()
    return row and Guest(f"guest:{row.id}", row.csrf)

