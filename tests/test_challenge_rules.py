"""The Knowledge Challenge's pure rules: tile colours, turns, hard mode, the share text, statistics
and the words. Expected tiles are worked out by hand and written as "g" (correct), "y" (present),
"." (absent)."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import prodops.core.challenge
from prodops.core.challenge import (ABSENT, CORRECT, EPOCH, MAX_GUESSES, PRESENT, Game, NotAGuess, Played, answers,
                               dictionary, hard_mode_miss, is_valid_guess, play, score, set_hard, share_text, stats,
                               word_of_the_day)
from prodops.core.challenge.words import STOP
from prodops.inputs.models import load_model

MODEL = load_model()
PACKAGE = Path(prodops.core.challenge.__file__).parent
MARK = {"g": CORRECT, "y": PRESENT, ".": ABSENT}


def marks(compact: str) -> list[str]:
    return [MARK[c] for c in compact]


def compact(row: list[str]) -> str:
    return "".join({v: k for k, v in MARK.items()}[m] for m in row)


# --- score ---------------------------------------------------------------------------------------

SCORES = [
    # (answer, guess, expected): each worked out by hand, greens first, then yellows left to right
    ("crane", "crane", "ggggg"),
    ("crane", "lousy", "....."),
    ("crane", "trace", ".ggyg"),
    # a green copy later in the guess uses up the answer's only spare copy
    ("abbey", "kebab", ".ygyy"),
    ("abbey", "babes", "yygg."),
    ("abbey", "ebbed", ".ggg."),
    ("theme", "eerie", "y...g"),
    ("theme", "geese", "..g.g"),
    ("crane", "eerie", "..y.g"),
    ("there", "eerie", "y.y.g"),
    ("level", "eerie", "yg..."),
    ("geese", "eerie", "yg..g"),
    # guess has more copies than the answer: the extra copies are absent
    ("speed", "eerie", "yy..."),
    ("speed", "geese", ".ygy."),
    ("speed", "erase", "y..yy"),
    ("eerie", "geese", ".gy.g"),
    ("erase", "geese", ".y.gg"),
    ("hello", "lolly", ".ygg."),
    ("mummy", "mamma", "g.gg."),
    ("mamma", "mmmmm", "g.gg."),
    ("esses", "sssss", ".gg.g"),
    ("robot", "bobby", ".gg.."),
    ("puffy", "fluff", "y.yg."),
    ("upper", "puppy", "yyg.."),
    # answer has more copies than the guess
    ("geese", "speed", "y.gy."),
    ("erase", "speed", "y.yy."),
    ("lolly", "hello", "..ggy"),
    ("mamma", "mummy", "g.gg."),
    ("bobby", "robot", ".gg.."),
    ("bobby", "abbey", ".yg.g"),
    ("fluff", "puffy", ".yyg."),
    ("puppy", "upper", "yyg.."),
    ("level", "hello", ".gyy."),
    ("hello", "level", "yg..y"),
    # triples on either side
    ("eerie", "emcee", "g..yg"),
    ("emcee", "eerie", "gy..g"),
    ("emcee", "geese", ".yy.g"),
    ("geese", "emcee", "y..yg"),
    ("eerie", "retie", "yg.gg"),
    ("eerie", "eager", "g..yy"),
    ("eerie", "eerie", "ggggg"),
    ("mamma", "ammam", "yygyy"),
    ("sassy", "sissy", "g.ggg"),
    ("sissy", "sassy", "g.ggg"),
    ("sassy", "asses", "yyg.y"),
    ("asses", "sassy", "yygy."),
    ("esses", "sissy", "y.gy."),
    ("sissy", "esses", ".yg.y"),
    ("sissy", "sushi", "g.g.y"),
    ("level", "lever", "gggg."),
    ("lever", "level", "gggg."),
    ("jazzy", "pizza", "..ggy"),
    ("pizza", "jazzy", ".ygg."),
]


@pytest.mark.parametrize(("answer", "guess", "expected"), SCORES)
def test_score_by_hand(answer, guess, expected):
    assert compact(score(answer, guess)) == expected


@pytest.mark.parametrize(("answer", "guess", "expected"), [
    ("THEME", "eerie", "y...g"), ("theme", "EERIE", "y...g"), ("AbBeY", "KeBaB", ".ygyy"), ("Speed", "gEESe", ".ygy.")])
def test_score_ignores_case(answer, guess, expected):
    assert compact(score(answer, guess)) == expected


def test_score_rejects_a_guess_of_another_length():
    with pytest.raises(ValueError):
        score("crane", "cranes")


def reference_score(answer: str, guess: str) -> str:
    """Another way to say the rule, letter by letter: of a letter's guess copies that are not green,
    the first (answer copies - green copies) from the left are yellow, the rest grey."""
    answer, guess = answer.lower(), guess.lower()
    out = ["g" if a == g else "." for a, g in zip(answer, guess)]
    for letter in set(guess):
        greens = sum(1 for a, g in zip(answer, guess) if a == g == letter)
        spare = answer.count(letter) - greens
        others = [i for i, g in enumerate(guess) if g == letter and out[i] != "g"]
        for i in others[:max(spare, 0)]:
            out[i] = "y"
    return "".join(out)


# A three-letter alphabet so that doubled and tripled letters are the rule, not the exception.
FIVE = st.text(alphabet="abe", min_size=5, max_size=5)


@settings(max_examples=1000, deadline=None)
@given(FIVE, FIVE)
def test_score_matches_a_reference(answer, guess):
    assert compact(score(answer, guess)) == reference_score(answer, guess)


@given(FIVE)
def test_a_word_against_itself_is_all_correct(word):
    assert score(word, word) == [CORRECT] * 5
    assert score(word.upper(), word) == [CORRECT] * 5


@settings(max_examples=500)
@given(FIVE, FIVE)
def test_coloured_copies_never_exceed_the_answers(answer, guess):
    row = score(answer, guess)
    for letter in set(guess):
        coloured = sum(1 for g, m in zip(guess, row) if g == letter and m != ABSENT)
        assert coloured <= answer.count(letter)
        assert coloured == min(answer.count(letter), guess.count(letter))  # every spare copy is shown
    assert [m == CORRECT for m in row] == [a == g for a, g in zip(answer, guess)]


# --- play and Game -------------------------------------------------------------------------------

WORDS = frozenset("""crane trace cater react eerie lousy grace grade brine hasty patch ghost tacky
bathe match speed bread crepe geese erase theme three prize fence reeve levee emcee nasty pilot
dumpy fight shout""".split())
MISSES = ["lousy", "pilot", "dumpy", "fight", "shout", "bathe"]  # the first five share no letter with CRANE


def is_word(word: str) -> bool:
    return word in WORDS


def played(answer: str, *guesses: str, hard: bool = False) -> Game:
    game = Game(answer, hard=hard)
    for guess in guesses:
        game = play(game, guess, is_word)
    return game


@pytest.mark.parametrize(("guess", "reason"), [
    ("", "length"), ("cran", "length"), ("cranes", "length"), ("abcdefghij", "length"),
    ("ab1de", "letters"), ("héllo", "letters"), ("ab de", "letters"), ("ab-de", "letters"), ("ＣＲＡＮＥ", "letters"),
    ("abcde", "word"), ("zzzzz", "word"),
])
def test_an_invalid_guess_is_refused_with_its_reason(guess, reason):
    game = played("crane", "trace")
    with pytest.raises(NotAGuess) as refused:
        play(game, guess, is_word)
    assert refused.value.reason == reason
    assert game.guesses == ("trace",)


def test_length_messages_say_which_way():
    with pytest.raises(NotAGuess, match="not enough"):
        play(Game("crane"), "cran", is_word)
    with pytest.raises(NotAGuess, match="too many"):
        play(Game("crane"), "cranes", is_word)


def test_invalid_guesses_use_no_turn():
    game = played("crane", *MISSES[:5])
    for bad in ["cran", "ab1de", "abcde", "cranes", "zzzzz", "héllo"]:
        with pytest.raises(NotAGuess):
            play(game, bad, is_word)
    last = play(game, "crane", is_word)  # the sixth turn is still there
    assert last.won and last.result == "6/6"


def test_a_guess_is_taken_in_any_case():
    game = play(Game("crane"), "CrAnE", is_word)
    assert game.guesses == ("crane",) and game.won


@pytest.mark.parametrize("n", range(1, MAX_GUESSES + 1))
def test_win_on_guess_n(n):
    game = played("crane", *MISSES[:n - 1])
    assert not game.over
    game = play(game, "crane", is_word)
    assert game.won and game.over and game.result == f"{n}/6"


def test_loss_after_six_misses():
    game = Game("crane")
    for i, guess in enumerate(MISSES):
        assert not game.over, i
        game = play(game, guess, is_word)
    assert game.over and not game.won and game.result == "X/6"
    assert len(game.rows) == 6


@pytest.mark.parametrize("game", [played("crane", "crane"), played("crane", *MISSES)], ids=["won", "lost"])
def test_no_guess_after_the_game_is_over(game):
    with pytest.raises(NotAGuess) as refused:
        play(game, "trace", is_word)
    assert refused.value.reason == "over"


def test_hard_result_has_a_star():
    assert played("crane", "trace", "grace", "crane", hard=True).result == "3/6*"
    assert played("crane", *MISSES, hard=True).result == "X/6*"


def test_keys_keep_the_best_mark_of_each_letter():
    game = played("crane", "cater")  # g y . y y
    assert game.keys == {"c": CORRECT, "a": PRESENT, "t": ABSENT, "e": PRESENT, "r": PRESENT}
    game = play(game, "react", is_word)  # y y g y .: A goes up, C stays correct although yellow here
    assert game.keys == {"c": CORRECT, "a": CORRECT, "t": ABSENT, "e": PRESENT, "r": PRESENT}
    game = play(game, "eerie", is_word)  # . . y . g: two grey E's and a green E in one row
    assert game.keys == {"c": CORRECT, "a": CORRECT, "t": ABSENT, "e": CORRECT, "r": PRESENT, "i": ABSENT}


# --- hard mode -----------------------------------------------------------------------------------

def test_hard_mode_keeps_greens_in_place():
    game = played("hasty", "patch", hard=True)  # . g y . y
    miss = hard_mode_miss(game, "ghost")
    assert (miss.reason, miss.letter, miss.position, miss.message) == ("hard-place", "a", 1, "2nd letter must be A")
    with pytest.raises(NotAGuess) as refused:
        play(game, "ghost", is_word)
    assert refused.value.reason == "hard-place" and refused.value.position == 1
    assert game.guesses == ("patch",)


def test_hard_mode_needs_revealed_letters():
    game = played("hasty", "patch", hard=True)  # reveals A, T, H
    miss = hard_mode_miss(game, "tacky")
    assert (miss.reason, miss.letter, miss.count) == ("hard-letter", "h", 1)
    assert "H" in miss.message
    assert hard_mode_miss(game, "bathe") is None
    assert hard_mode_miss(game, "match") is None  # P and C were grey: using C again is allowed


@pytest.mark.parametrize(("answer", "first", "guess", "count"), [
    ("speed", "eerie", "bread", 2),  # two yellow E's: a guess needs two
    ("theme", "eerie", "prize", 2),  # a yellow and a green E count together
    ("geese", "eerie", "fence", 3),  # a yellow and two green E's: three
])
def test_hard_mode_counts_repeated_letters(answer, first, guess, count):
    game = played(answer, first, hard=True)
    miss = hard_mode_miss(game, guess)
    assert (miss.reason, miss.letter, miss.count) == ("hard-letter", "e", count)


@pytest.mark.parametrize(("answer", "first", "guess"), [
    ("speed", "eerie", "crepe"), ("speed", "eerie", "erase"), ("theme", "eerie", "three"),
    ("geese", "eerie", "reeve"), ("geese", "eerie", "levee"),
    ("crane", "eerie", "grade"),  # only one of EERIE's three E's was revealed
    ("crane", "trace", "trace"),  # grey T and yellow C in the same places again: allowed
])
def test_hard_mode_accepts_guesses_using_every_hint(answer, first, guess):
    game = played(answer, first, hard=True)
    assert hard_mode_miss(game, guess) is None
    assert play(game, guess, is_word).guesses == (first, guess)


def test_hard_mode_green_e_out_of_place():
    game = played("geese", "eerie", hard=True)  # y g . . g
    miss = hard_mode_miss(game, "emcee")
    assert (miss.reason, miss.letter, miss.position, miss.message) == ("hard-place", "e", 1, "2nd letter must be E")


def test_hard_mode_hints_from_every_earlier_row_count():
    # built directly: the last row (LOUSY) reveals nothing, the first (TRACE) still binds
    game = Game("crane", ("trace", "lousy"), hard=True)
    place = hard_mode_miss(game, "brine")
    assert (place.reason, place.letter, place.position) == ("hard-place", "a", 2)
    letter = hard_mode_miss(game, "grade")
    assert (letter.reason, letter.letter) == ("hard-letter", "c")
    assert hard_mode_miss(game, "crane") is None


def test_hard_mode_only_before_the_first_guess():
    game = set_hard(Game("crane"), True)
    assert game.hard
    game = play(game, "trace", is_word)
    after = play(Game("crane"), "trace", is_word)
    with pytest.raises(NotAGuess) as refused:
        set_hard(after, True)
    assert refused.value.reason == "hard-on"
    assert not after.hard


def test_hard_mode_can_be_turned_off_mid_game():
    game = played("crane", "trace", hard=True)
    with pytest.raises(NotAGuess):
        play(game, "lousy", is_word)
    game = set_hard(game, False)
    game = play(game, "lousy", is_word)  # no hint kept: accepted now
    game = play(game, "crane", is_word)
    assert game.result == "3/6"


def test_easy_mode_takes_guesses_that_ignore_hints():
    assert played("crane", "trace", "lousy").guesses == ("trace", "lousy")


# --- share text ----------------------------------------------------------------------------------

SQUARES = {"🟩", "🟨", "⬛", "🟧", "🟦"}


def test_share_text():
    game = played("crane", "trace", "crane")
    assert share_text(game, "Knowledge Challenge 7") == "Knowledge Challenge 7 2/6\n\n⬛🟩🟩🟨🟩\n🟩🟩🟩🟩🟩"


def test_share_text_high_contrast():
    game = played("theme", "eerie", "theme")
    assert share_text(game, "KC 3", high_contrast=True) == "KC 3 2/6\n\n🟦⬛⬛⬛🟧\n🟧🟧🟧🟧🟧"


def test_share_text_of_a_hard_loss():
    game = played("crane", *MISSES, hard=True)
    lines = share_text(game, "KC 9").split("\n")
    assert lines[:2] == ["KC 9 X/6*", ""]
    assert lines[2:] == ["⬛⬛⬛⬛⬛"] * 5 + ["⬛🟨⬛⬛🟩"]  # BATHE against CRANE: . y . . g


@pytest.mark.parametrize("high_contrast", [False, True])
def test_share_grid_gives_away_no_letter(high_contrast):
    game = played("speed", "eerie", "geese", "erase", "speed")
    grid = share_text(game, "KC 1", high_contrast).split("\n")[2:]
    assert len(grid) == 4
    for line in grid:
        assert len(line) == 5 and set(line) <= SQUARES


# --- statistics ----------------------------------------------------------------------------------

MAR = [None] + [dt.date(2026, 3, d) for d in range(1, 32)]  # MAR[d] is March d


def won(day, n):
    return Played(True, n, day=day)


def lost(day):
    return Played(False, 6, day=day)


SEQ_A = [won(MAR[1], 3), won(MAR[2], 4), won(MAR[3], 2), lost(MAR[4]), won(MAR[5], 1), won(MAR[6], 6)]


def test_stats_of_a_daily_run():
    s = stats(SEQ_A, today=MAR[6])
    assert (s.played, s.wins, s.win_percent, s.current_streak, s.max_streak) == (6, 5, 83, 2, 3)
    assert s.distribution == {1: 1, 2: 1, 3: 1, 4: 1, 5: 0, 6: 1}  # the loss is not a 6


@pytest.mark.parametrize(("today", "current"), [(MAR[6], 2), (MAR[7], 2), (MAR[8], 0), (MAR[30], 0)])
def test_current_streak_lives_until_yesterday(today, current):
    s = stats(SEQ_A, today=today)
    assert (s.current_streak, s.max_streak) == (current, 3)


def test_daily_order_does_not_matter():
    expected = stats(SEQ_A, today=MAR[6])
    rng = random.Random(7)
    for _ in range(20):
        shuffled = SEQ_A[:]
        rng.shuffle(shuffled)
        assert stats(shuffled, today=MAR[6]) == expected


@pytest.mark.parametrize(("games", "today", "current", "longest"), [
    ([won(MAR[1], 2), won(MAR[2], 2), won(MAR[4], 3), won(MAR[5], 3), won(MAR[6], 3)], MAR[6], 3, 3),  # day 3 missed
    ([won(MAR[d], 4) for d in range(1, 5)] + [lost(MAR[5])], MAR[5], 0, 4),
    ([won(MAR[1], 1), won(MAR[3], 1)], MAR[3], 1, 1),
    ([won(MAR[1], 5)], MAR[3], 0, 1),
    ([lost(MAR[1]), won(MAR[2], 5)], MAR[2], 1, 1),
    ([won(dt.date(2026, 2, 28), 3), won(MAR[1], 3)], MAR[1], 2, 2),  # calendar days, across a month
    ([won(dt.date(2025, 12, 31), 3), won(dt.date(2026, 1, 1), 3)], dt.date(2026, 1, 2), 2, 2),
])
def test_daily_streaks(games, today, current, longest):
    s = stats(games, today=today)
    assert (s.current_streak, s.max_streak) == (current, longest)
    assert stats(games[::-1], today=today) == s


@pytest.mark.parametrize(("results", "current", "longest"), [
    ("WWLW", 1, 2), ("LWWW", 3, 3), ("WWWL", 0, 3), ("L", 0, 0), ("WLWLW", 1, 1)])
def test_practice_streaks_follow_the_order_played(results, current, longest):
    games = [Played(r == "W", 4) for r in results]
    s = stats(games, today=MAR[30])  # practice games have no day: today does not end their streak
    assert (s.played, s.wins) == (len(results), results.count("W"))
    assert (s.current_streak, s.max_streak) == (current, longest)
    assert s.distribution[4] == results.count("W")


def test_stats_of_nothing():
    s = stats([], today=MAR[1])
    assert (s.played, s.wins, s.win_percent, s.current_streak, s.max_streak) == (0, 0, 0, 0, 0)
    assert s.distribution == dict.fromkeys(range(1, 7), 0)


@pytest.mark.parametrize(("wins", "games_played", "percent"), [
    (1, 1, 100), (0, 2, 0), (1, 3, 33), (2, 3, 67), (3, 8, 38), (5, 6, 83),
    # exact halves: the original (JavaScript's Math.round) rounds them up
    (1, 8, 13), (5, 8, 63), (1, 200, 1),
])
def test_win_percent_is_rounded(wins, games_played, percent):
    games = [Played(True, 3)] * wins + [Played(False, 6)] * (games_played - wins)
    assert stats(games).win_percent == percent


# --- words ---------------------------------------------------------------------------------------

def test_words_file_is_sorted_unique_lowercase_five_letters():
    lines = (PACKAGE / "words.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) > 1000
    assert len(lines) == len(set(lines))
    assert lines == sorted(lines)
    assert [w for w in lines if not re.fullmatch(r"[a-z]{5}", w)] == []
    assert dictionary() == frozenset(lines)


def curated_words() -> list[str]:
    text = (PACKAGE / "answers.txt").read_text(encoding="utf-8")
    return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]


def test_answers_file_has_no_duplicates():
    words = curated_words()
    assert len(words) == len(set(words))
    assert [w for w in words if not re.fullmatch(r"[a-z]{5}", w)] == []


def check_answers(found):
    """What every list of answers must hold: valid guesses, each quoted whole from its passage."""
    words = [a.word for a in found]
    assert words == sorted(set(words))
    assert [w for w in words if not is_valid_guess(w)] == []
    for a in found:
        assert re.search(rf"\b{a.word}\b", a.quote, re.IGNORECASE), (a.word, a.quote)
        assert a.quote in a.passage.text, (a.word, a.passage.anchor)


def test_default_answers_are_the_curated_list():
    found = answers(MODEL)
    assert [a.word for a in found] == curated_words()  # none dropped for want of a quote
    check_answers(found)


def test_an_unedited_copy_of_the_default_gives_the_curated_list():
    model = load_model(PACKAGE.parent / "model" / "default.yaml")
    assert [a.word for a in answers(model)] == curated_words()


def test_word_of_the_day_cycles_through_every_answer():
    words = sorted(a.word for a in answers(MODEL))
    start = EPOCH - dt.timedelta(days=10)  # a cycle across the epoch
    days = [word_of_the_day(start + dt.timedelta(days=k), MODEL) for k in range(len(words) + 1)]
    assert sorted(days[:-1]) == words  # each once, none repeated
    assert days[-1] == days[0]


def test_word_of_the_day_is_deterministic():
    day = dt.date(2026, 7, 14)
    assert word_of_the_day(day, MODEL) == word_of_the_day(day, MODEL)
    assert word_of_the_day(day, MODEL) in {a.word for a in answers(MODEL)}
    assert word_of_the_day(day, MODEL) == word_of_the_day(day + dt.timedelta(days=len(answers(MODEL))), MODEL)


@pytest.mark.parametrize(("word", "valid"), [
    ("crane", True), ("CRANE", True), ("CrAnE", True),
    ("cran", False), ("cranes", False), ("", False), ("abcde", False),
    (None, False), (12345, False), (b"crane", False), (["crane"], False),
])
def test_is_valid_guess(word, valid):
    assert is_valid_guess(word) is valid


CRITERION = "om-2-role"


def with_zebra_copy():
    default = load_model(None)
    criteria = [c.model_copy(update={"text": f"{c.text} It stands out like a zebra."}) if c.id == CRITERION else c
                for c in default.criteria]
    return default.model_copy(update={"criteria": criteria})


def with_zebra_yaml(tmp_path):
    text = (PACKAGE.parent / "model" / "default.yaml").read_text(encoding="utf-8")
    line = "job is Product Operations.\n"
    assert text.count(line) == 1
    path = tmp_path / "zebra.yaml"
    path.write_text(text.replace(line, "job is Product Operations. It stands out like a zebra.\n"), encoding="utf-8")
    return load_model(path)


@pytest.mark.parametrize("make", [lambda tmp_path: with_zebra_copy(), with_zebra_yaml], ids=["copy", "yaml"])
def test_answers_of_an_edited_model(make, tmp_path):
    model = make(tmp_path)
    found = answers(model)
    check_answers(found)
    zebra = {a.word: a for a in found}["zebra"]
    assert (zebra.passage.kind, zebra.passage.key) == ("criterion", CRITERION)
    assert "zebra" in zebra.quote
    # the text is full of stop words (so the next check means something), and none is an answer
    text = " ".join(p.text for p in prodops.core.challenge.passages(model)).lower()
    assert STOP & set(re.findall(r"[a-z]+", text))
    assert [a.word for a in found if a.word in STOP] == []
    assert word_of_the_day(EPOCH, model) in {a.word for a in found}
