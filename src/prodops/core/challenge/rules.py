"""The game's rules, as the original five-letter game plays them: pure functions over plain data.

A game is its answer, the guesses so far and whether hard mode is on. `score` is the one place that
decides a tile's colour; everything else (the keyboard, hard mode, the share text) is built on it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

LENGTH = 5
MAX_GUESSES = 6
CORRECT, PRESENT, ABSENT = "correct", "present", "absent"
_RANK = {ABSENT: 0, PRESENT: 1, CORRECT: 2}
ORDINALS = ("1st", "2nd", "3rd", "4th", "5th")


def score(answer: str, guess: str) -> list[str]:
    """Each letter of `guess` against `answer`: correct (right place), present (in the answer, elsewhere)
    or absent. Greens first; then, left to right, a letter is present only while a copy of it in the
    answer is not yet used by a green or an earlier yellow (so EERIE against THEME gives one yellow E,
    not three)."""
    answer, guess = answer.lower(), guess.lower()
    if len(answer) != len(guess):
        raise ValueError(f"the guess has {len(guess)} letters and the answer {len(answer)}")
    marks = [CORRECT if g == a else ABSENT for g, a in zip(guess, answer)]
    unused = Counter(a for a, m in zip(answer, marks) if m != CORRECT)
    for i, g in enumerate(guess):
        if marks[i] == ABSENT and unused[g] > 0:
            marks[i] = PRESENT
            unused[g] -= 1
    return marks


class NotAGuess(ValueError):
    """A guess the game does not take: it uses no turn. `reason` is one of: over, length, letters, word,
    hard-place (`letter` must be at `position`, 0-based), hard-letter (`letter` must appear `count` times),
    hard-on (hard mode can only be chosen before the first guess)."""

    def __init__(self, reason: str, message: str, letter: str | None = None, position: int | None = None,
                 count: int | None = None):
        super().__init__(message)
        self.reason, self.message, self.letter, self.position, self.count = reason, message, letter, position, count


@dataclass(frozen=True)
class Game:
    answer: str
    guesses: tuple[str, ...] = ()
    hard: bool = False

    def __post_init__(self):
        object.__setattr__(self, "answer", self.answer.lower())  # guesses are lower case too (play)

    @property
    def rows(self) -> list[list[str]]:
        return [score(self.answer, g) for g in self.guesses]

    @property
    def won(self) -> bool:
        return bool(self.guesses) and self.guesses[-1] == self.answer

    @property
    def over(self) -> bool:
        return self.won or len(self.guesses) >= MAX_GUESSES

    @property
    def keys(self) -> dict[str, str]:
        """What is known of each letter guessed so far: the best mark it has had."""
        known: dict[str, str] = {}
        for guess, marks in zip(self.guesses, self.rows):
            for letter, mark in zip(guess, marks):
                if letter not in known or _RANK[mark] > _RANK[known[letter]]:
                    known[letter] = mark
        return known

    @property
    def result(self) -> str:
        """The score as the share text writes it: 3/6, X/6 (lost), -/6 (still being played), with *
        when hard mode was on throughout."""
        played = len(self.guesses) if self.won else "X" if self.over else "-"
        return f"{played}/{MAX_GUESSES}{'*' if self.hard else ''}"


def hard_mode_miss(game: Game, guess: str) -> NotAGuess | None:
    """The first revealed hint `guess` leaves unused, or None: every green stays in its place, and
    every letter revealed (green or yellow) appears at least as many times as one row revealed it."""
    for earlier, marks in zip(game.guesses, game.rows):
        for i, (letter, mark) in enumerate(zip(earlier, marks)):
            if mark == CORRECT and guess[i] != letter:
                return NotAGuess("hard-place", f"{ORDINALS[i]} letter must be {letter.upper()}", letter, i)
    for earlier, marks in zip(game.guesses, game.rows):
        revealed = Counter(letter for letter, mark in zip(earlier, marks) if mark != ABSENT)
        for letter, count in revealed.items():
            if guess.count(letter) < count:
                times = "" if count == 1 else f" {count} times"
                return NotAGuess("hard-letter", f"guess must contain {letter.upper()}{times}", letter, count=count)
    return None


def play(game: Game, guess: str, is_word) -> Game:
    """The game after `guess`, or NotAGuess (no turn used). `is_word(word)` says whether a word is a valid guess."""
    guess = guess.strip().lower()
    if game.over:
        raise NotAGuess("over", "the game is over")
    if len(guess) != LENGTH:
        raise NotAGuess("length", "not enough letters" if len(guess) < LENGTH else "too many letters")
    if not (guess.isascii() and guess.isalpha()):
        raise NotAGuess("letters", "use the letters A to Z only")
    if not is_word(guess):
        raise NotAGuess("word", f"{guess.upper()} is not in the word list")
    if game.hard and (miss := hard_mode_miss(game, guess)):
        raise miss
    return replace(game, guesses=(*game.guesses, guess))


def set_hard(game: Game, hard: bool) -> Game:
    """Hard mode is chosen before the first guess; it can be turned off at any time before the end."""
    if game.over:
        raise NotAGuess("over", "the game is over")
    if hard and not game.hard and game.guesses:
        raise NotAGuess("hard-on", "hard mode can only be turned on before the first guess")
    return replace(game, hard=hard)


SQUARES = {False: {CORRECT: "🟩", PRESENT: "🟨", ABSENT: "⬛"},
           True: {CORRECT: "🟧", PRESENT: "🟦", ABSENT: "⬛"}}  # high contrast: orange and blue


def share_text(game: Game, title: str, high_contrast: bool = False) -> str:
    """What a player pastes to a chat: the title and number (`title`), the score, and the squares,
    which give away no letter."""
    squares = SQUARES[high_contrast]
    return "\n".join([f"{title} {game.result}", "", *("".join(squares[m] for m in row) for row in game.rows)])
