"""The Knowledge Challenge's games in the workspace, on SQLite and PostgreSQL: one daily game a day
however many requests start it at once, no guess lost or applied twice when two arrive together,
statistics from the games kept."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from prodops import operations as op
from prodops.core.challenge import NotAGuess, word_of_the_day
from prodops.core.errors import Refused
from prodops.inputs.models import load_model
from prodops.store import Workspace

MODEL = load_model()
NOW = dt.datetime(2026, 12, 7, 21, 50, tzinfo=dt.UTC)  # an evening: when yesterday is no longer today anywhere
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _evening(clock):
    clock.freeze(NOW)


def test_one_daily_game_however_many_start_it_at_once(db_url):
    with Workspace.open(db_url) as ws, ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(lambda _: op.daily(ws, MODEL, "guest:1", TODAY).id, range(16)))
        assert len(ids) == 1
        assert op.daily(ws, MODEL, "guest:2", TODAY).id not in ids  # each player their own


def test_guesses_arriving_together_are_applied_once_each_or_refused(db_url):
    words = ["chart", "board", "delta", "value", "teams", "north"]
    answer = word_of_the_day(TODAY, MODEL)
    words = [w for w in words if w != answer][:5]
    with Workspace.open(db_url) as ws, ThreadPoolExecutor(5) as pool:
        game_id = op.daily(ws, MODEL, "terminal", TODAY).id

        def send(word):
            try:
                return op.guess(ws, MODEL, "terminal", game_id, word)
            except Refused as e:
                assert e.kind == "closed"  # changed meanwhile: said so, nothing written
                return None

        accepted = [r for r in pool.map(send, words) if r]
        kept = op.game(ws, MODEL, "terminal", game_id).game.guesses
        assert len(accepted) >= 1 and len(kept) == len(accepted) and len(set(kept)) == len(kept)


def test_statistics_come_from_the_finished_games(db_url, clock):
    with Workspace.open(db_url) as ws:
        for back, won in ((3, True), (2, True), (1, False), (0, True)):
            day = TODAY - dt.timedelta(days=back)
            clock.freeze(NOW - dt.timedelta(days=back))  # each day's game played on its day, as a player can
            game = op.daily(ws, MODEL, "terminal", day)
            answer = game.game.answer
            misses = [w for w in ("chart", "board", "delta", "value", "teams", "north", "sales") if w != answer]
            for word in ([answer] if won else misses[:6]):
                op.guess(ws, MODEL, "terminal", game.id, word)
        daily, practice = op.challenge_stats(ws, MODEL, "terminal", TODAY)
        assert (daily.played, daily.wins, daily.win_percent, daily.current_streak, daily.max_streak) == (4, 3, 75, 1, 2)
        assert daily.distribution[1] == 3 and practice.played == 0
        try:
            op.guess(ws, MODEL, "terminal", op.daily(ws, MODEL, "terminal", TODAY).id, "chart")
        except NotAGuess as e:
            assert e.reason == "over"
        else:
            raise AssertionError("a finished game took another guess")
