"""The Knowledge Challenge: the domain source's five-letter word game, whose answers are words of
the maturity model. Pure rules over plain data; the web app and the terminal are shells over them,
through `prodops.operations` for what is kept in a workspace.

    >>> from prodops.core.challenge import score
    >>> score("level", "lever")
    ['correct', 'correct', 'correct', 'correct', 'absent']
"""

from prodops.core.challenge.rules import (ABSENT, CORRECT, LENGTH, MAX_GUESSES, PRESENT, Game, NotAGuess, hard_mode_miss,
                                     play, score, set_hard, share_text)
from prodops.core.challenge.stats import Played, Stats, stats
from prodops.core.challenge.words import (EPOCH, Answer, Passage, answer_of_the_day, answers, dictionary, game_number,
                                     is_valid_guess, passages, tie, word_of_the_day)

__all__ = ["ABSENT", "CORRECT", "EPOCH", "LENGTH", "MAX_GUESSES", "PRESENT", "Answer", "Game", "NotAGuess", "Passage",
           "Played", "Stats", "answer_of_the_day", "answers", "dictionary", "game_number", "hard_mode_miss",
           "is_valid_guess", "passages", "play", "score", "set_hard", "share_text", "stats", "tie", "word_of_the_day"]
