"""`prodops challenge`, the game in the terminal, through the command (its standard input typed, its
output read): a win, a loss, a refused word, hard mode, stopping and going on, statistics kept in the
workspace, a custom model's own words. In this process, but for the games that need another clock
and time zone: those run the real command in a child process under faketime."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import pytest

from prodops.core.challenge import word_of_the_day
from prodops.inputs.models import load_model
from tests.conftest import PRODOPS, needs, run

ZOO = """\
id: zoo-model
version: "1"
name: Zoo
answer_scale: [{label: "No", value: 0}, {label: "Yes", value: 1}]
roles: [{id: pm, name: PM}]
levels:
  - {number: 1, name: Low, description: Low.}
  - {number: 2, name: Up, description: Up.}
dimensions: [{id: zoo, name: Zoo}]
criteria: [{id: z-2, dimension: zoo, level: 2, text: Has a zebra.}]
"""


def play(db, *words: str, args=(), as_json=True, at: str | None = None, zone: str | None = None) -> subprocess.CompletedProcess:
    """The command with `words` typed, one a line, then the end of input; with `at` ("2026-12-07
    23:50:00 UTC"), a real process under faketime, its clock starting then, in the time zone `zone`
    (a child process does not see the tests' clock)."""
    command = ["challenge", "--db", str(db), *args, *(["--json"] if as_json else [])]
    typed = "".join(f"{w}\n" for w in words)
    if not at:
        return run(*command, input=typed, env={"COLUMNS": "100", "TERM": "dumb"})
    needs("faketime", bool(shutil.which("faketime")), "PRODOPS_REQUIRE_FAKETIME", "apt-get install faketime")
    return subprocess.run(["faketime", at, PRODOPS, *command], input=typed, capture_output=True, text=True, timeout=120,
                          env={"COLUMNS": "100", "PATH": "/usr/bin:/bin", "TERM": "dumb", **({"TZ": zone} if zone else {})})


@pytest.fixture
def zoo(tmp_path):
    path = tmp_path / "zoo.yaml"
    path.write_text(ZOO)
    return str(path)


@pytest.mark.clock
@pytest.mark.parametrize(("at", "zone", "local_day"), [
    ("2026-12-07 23:50:00 UTC", "Etc/GMT-14", dt.date(2026, 12, 8)),  # UTC+14: tomorrow already
    ("2026-12-07 10:30:00 UTC", "Etc/GMT+12", dt.date(2026, 12, 6)),  # UTC-12: yesterday still
], ids=["UTC+14", "UTC-12"])
@pytest.mark.slow
def test_the_word_of_the_day_won_in_two_with_statistics_kept(tmp_path, at, zone, local_day):
    """The word of the player's own calendar day: the computer's (its time zone), not UTC's."""
    answer = word_of_the_day(local_day, load_model())
    miss = "chart" if answer != "chart" else "board"
    p = play(tmp_path / "w.db", miss, answer, at=at, zone=zone)
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    assert result["won"] and result["result"] == "2/6" and result["answer"]["word"] == answer
    assert result["answer"]["quote"] and result["answer"]["place"]["kind"]
    assert result["stats"]["daily"] == {"played": 1, "wins": 1, "win_percent": 100, "current_streak": 1,
                                        "max_streak": 1, "distribution": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0, "6": 0}}
    again = play(tmp_path / "w.db", at=at, zone=zone)  # the day's game is played: shown as it ended, not played twice
    assert json.loads(again.stdout)["guesses"] == result["guesses"]


def test_a_word_not_in_the_list_uses_no_turn_and_the_board_marks_every_tile(tmp_path, zoo):
    p = play(tmp_path / "w.db", "qqqqq", "zesty", "zebra", args=("--model", zoo), as_json=False)
    assert p.returncode == 0, p.stderr
    assert "QQQQQ is not in the word list: no turn used" in p.stdout
    assert "[Z]  [E]  ·s·  ·t·  ·y·" in p.stdout  # a mark on each tile, not only a colour
    assert "Solved ZEBRA  2/6" in p.stdout
    assert "Has a zebra." in p.stdout and "criterion z-2" in p.stdout
    assert "🟩🟩⬛⬛⬛\n🟩🟩🟩🟩🟩" in p.stdout


def test_a_loss_and_the_practice_statistics(tmp_path, zoo):
    p = play(tmp_path / "w.db", "chart", "board", "delta", "value", "teams", "north", args=("--practice", "--model", zoo))
    result = json.loads(p.stdout)
    assert not result["won"] and result["result"] == "X/6" and result["answer"]["word"] == "zebra"
    assert result["share"].startswith("Knowledge Challenge (practice) X/6\n\n")
    assert result["stats"]["practice"]["played"] == 1 and result["stats"]["practice"]["win_percent"] == 0
    assert result["stats"]["daily"]["played"] == 0


def test_hard_mode_holds_the_hints_and_can_be_turned_off(tmp_path, zoo):
    p = play(tmp_path / "w.db", "zesty", "chart", "/hard off", "chart", args=("--hard", "--model", zoo, "--practice"))
    assert "1st letter must be Z: no turn used" in p.stderr
    result = json.loads(p.stdout)
    assert [g["word"] for g in result["guesses"]] == ["zesty", "chart"] and not result["hard"]
    hard = play(tmp_path / "w.db", "zebra", args=("--hard", "--model", zoo, "--practice"))
    assert json.loads(hard.stdout)["result"] == "1/6*"


@pytest.mark.clock
def test_stopping_keeps_the_game_for_the_next_run(tmp_path, zoo):
    at = "2026-12-07 12:00:00 UTC"  # both runs on one day, whatever the hour the tests run at
    first = play(tmp_path / "w.db", "chart", "", args=("--model", zoo), as_json=False, at=at, zone="UTC")
    assert first.returncode == 0 and "the game is kept" in first.stdout
    second = play(tmp_path / "w.db", "zebra", args=("--model", zoo, "--hard"), at=at, zone="UTC")
    assert "hard mode can only be turned on before the first guess" in second.stderr
    assert json.loads(second.stdout)["result"] == "2/6"


def test_a_model_without_a_word_to_play_is_refused_clearly(tmp_path):
    path = tmp_path / "bare.yaml"
    path.write_text(ZOO.replace("Has a zebra.", "Has it."))
    p = play(tmp_path / "w.db", args=("--model", str(path)))
    assert p.returncode == 2 and "has no five-letter dictionary word" in p.stderr and "--model FILE" in p.stderr
    assert "Traceback" not in p.stderr
