"""The Knowledge Challenge's games, guess by guess, and its guest players (browsers without an
account, known by the hash of their cookie's token)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from prodops.store.dialects import dialect_insert
from prodops.store.tables import challenge_games as games, challenge_guests

if TYPE_CHECKING:
    from prodops.store.workspace import Workspace


@dataclass(frozen=True)
class StoredGame:
    id: int
    player: str  # user:ID, guest:ID, or terminal
    answer: str
    guesses: tuple[str, ...]  # in order
    hard: bool
    day: dt.date | None  # the daily game's date; None: a practice game


@dataclass(frozen=True)
class StoredGuest:
    id: int
    csrf: str


class ChallengeGames:
    """The games and the guest players. A game changes only from the state it was read in (the
    update names its guesses and mode as read): of two guesses at once, one is kept, the other
    told to reload. One daily game per player, model and day: two starts at once give one game."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def daily(self, player: str, model_id: str, day: dt.date) -> StoredGame | None:
        """The player's game of `day` on the model, or None."""
        with self._ws.transaction(write=False) as conn:
            row = conn.execute(_daily(player, model_id, day)).one_or_none()
        return None if row is None else _game(row)

    def start_daily(self, player: str, model_id: str, day: dt.date, answer: str, now: dt.datetime) -> StoredGame:
        """The player's game of `day`: the one started before, else a new one with `answer`."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(dialect_insert(conn)(games).values(
                player=player, model_id=model_id, day=day, answer=answer, guesses="", hard=False, created_at=now
            ).on_conflict_do_nothing(index_elements=["player", "model_id", "day"]))
            return _game(conn.execute(_daily(player, model_id, day)).one())

    def start_practice(self, player: str, model_id: str, answer: str, hard: bool, now: dt.datetime,
                       forget_before: dt.datetime) -> StoredGame:
        """A new practice game; practice games left unfinished since before `forget_before` are deleted meanwhile."""
        with self._ws.transaction(changes=False) as conn:
            conn.execute(games.delete().where(games.c.day.is_(None), games.c.finished_at.is_(None),
                                              games.c.created_at < forget_before))
            made = conn.execute(games.insert().values(player=player, model_id=model_id, day=None, answer=answer,
                                                      guesses="", hard=hard, created_at=now))
            return _game(conn.execute(sa.select(games).where(games.c.id == _new_id(made))).one())

    def game(self, game_id: int, player: str, model_id: str) -> StoredGame | None:
        """One of the player's games on the model; None for another player's or none."""
        with self._ws.transaction(write=False) as conn:
            row = conn.execute(sa.select(games).where(games.c.id == game_id, games.c.player == player,
                                                      games.c.model_id == model_id)).one_or_none()
        return None if row is None else _game(row)

    def update(self, game_id: int, before: StoredGame, guesses: tuple[str, ...], hard: bool,
               finished_at: dt.datetime | None) -> bool:
        """Change the game from `before` (as read) to `guesses` and `hard`; False, and nothing
        changed, when another request changed it meanwhile."""
        with self._ws.transaction(changes=False) as conn:
            done: int = conn.execute(games.update().where(
                games.c.id == game_id, games.c.guesses == ",".join(before.guesses), games.c.hard == before.hard
            ).values(guesses=",".join(guesses), hard=hard, finished_at=finished_at)).rowcount
        return bool(done)

    def finished(self, player: str, model_id: str) -> list[StoredGame]:
        """The player's finished games on the model, in the order they were started."""
        with self._ws.transaction(write=False) as conn:
            rows = conn.execute(sa.select(games).where(games.c.player == player, games.c.model_id == model_id,
                                                       games.c.finished_at.is_not(None)).order_by(games.c.id)).all()
        return [_game(r) for r in rows]

    def add_guest(self, token_hash: str, csrf: str, now: dt.datetime) -> int:
        """A new guest player known by `token_hash`; its id."""
        with self._ws.transaction(changes=False) as conn:
            made = conn.execute(challenge_guests.insert().values(token_hash=token_hash, csrf=csrf, created_at=now))
        return _new_id(made)

    def guest(self, token_hash: str) -> StoredGuest | None:
        """The guest player known by `token_hash`, or None."""
        with self._ws.transaction(write=False) as conn:
            row = conn.execute(sa.select(challenge_guests).where(challenge_guests.c.token_hash == token_hash)).one_or_none()
        return None if row is None else StoredGuest(row.id, row.csrf)


def _daily(player: str, model_id: str, day: dt.date) -> sa.Select[Any]:
    return sa.select(games).where(games.c.player == player, games.c.model_id == model_id, games.c.day == day)


def _new_id(made: sa.CursorResult[Any]) -> int:
    """The id of the row an INSERT made."""
    key = made.inserted_primary_key
    assert key is not None  # an INSERT of one row
    return int(key[0])


def _game(row: Any) -> StoredGame:
    return StoredGame(row.id, row.player, row.answer, tuple(g for g in row.guesses.split(",") if g), row.hard, row.day)
