"""The words: valid guesses (SCOWL, see WORDS-LICENSE.txt), the answers a model gives, each tied to
the passage of the model it comes from, and the word of the day."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from prodops.core.challenge.rules import LENGTH

# Game 1 is played on this day; the game's number counts calendar days from it.
EPOCH = dt.date(2026, 1, 1)

# Words a custom model's text is full of that teach nothing about it.
STOP = frozenset("""
about above after again along among being below could doing every first found given gives going
their there these thing those three under until where which while whose would other shall since
still using makes often never early later least might ought quite maybe shown whole
""".split())


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    return frozenset((files("prodops.core.challenge") / "words.txt").read_text(encoding="utf-8").split())


def is_valid_guess(word: str) -> bool:
    """Whether `word` (any case) is a five-letter word of the dictionary."""
    return isinstance(word, str) and word.lower() in dictionary()


def anchor(kind: str, key: object) -> str:
    """Where the model page shows a passage: `criterion-om-2-role`, `level-3`, `symptom-1-2`."""
    return f"{kind}-{key}"


@dataclass(frozen=True)
class Passage:
    """A place in the model and its sentences: `kind` is model, level, symptom, dimension, criterion,
    process or investment; `key` its id (a level's number); `anchor` where the model page shows it."""

    kind: str
    key: str
    title: str
    sentences: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return anchor(self.kind, self.key)

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


@dataclass(frozen=True)
class Answer:
    word: str
    passage: Passage | None  # None only for a game kept from a model that no longer has the word
    quote: str  # the sentence of the passage the word is in


def _passage(kind: str, key: str, title: str, *texts: str) -> Passage:
    """A passage of `texts`, each cut into sentences (a . ; ! or ? followed by a capital or a bracket
    ends one, so "vs. stories" stays whole)."""
    return Passage(kind, key, title, tuple(s.strip() for t in texts if t
                                           for s in re.split(r"(?<=[.;!?])\s+(?=[A-Z(])", t.strip())))


def passages(model) -> list[Passage]:
    """Every text of the model, in the order the model reads: what it is, the levels and their
    symptoms, the dimensions, the criteria (with the source's statements they make observable), the
    Playbook's processes, the investments."""
    dims = {d.id: d.name for d in model.dimensions}
    found = [_passage("model", model.id, model.name, f"{model.name}.", model.description)]
    for level in model.levels:
        found.append(_passage("level", str(level.number), f"Level {level.number}: {level.name}",
                              f"{level.name}: {level.summary}" if level.summary else "", level.description))
        found += [_passage("symptom", f"{level.number}-{n}", f"A symptom of level {level.number}, {level.name}", s.text)
                  for n, s in enumerate(level.symptoms, 1)]
    found += [_passage("dimension", d.id, d.name, f"{d.name}.", d.description) for d in model.dimensions]
    found += [_passage("criterion", c.id, f"Criterion {c.id} ({dims.get(c.dimension, c.dimension)}, level {c.level})",
                       c.text, *(f"The source: \u201c{s}\u201d." for s in c.source), c.evidence) for c in model.criteria]
    if model.playbook:
        found += [_passage("process", p.id, f"Playbook process: {p.name}", f"{p.name}.", p.outcome_measure)
                  for p in model.playbook.processes]
    found += [_passage("investment", i.id, f"Investment: {i.name}", f"{i.name}.", i.description,
                       f"{i.metric.name}: {i.metric.description}") for i in model.investments]
    return found


def tie(word: str, model) -> Answer | None:
    """Where `word` first appears in the model, as a whole word: the passage and its sentence."""
    pattern = re.compile(rf"\b{re.escape(word)}\b", re.IGNORECASE)
    for passage in passages(model):
        for sentence in passage.sentences:
            if pattern.search(sentence):
                return Answer(word, passage, sentence)
    return None


@lru_cache(maxsize=1)
def _curated() -> tuple[str, tuple[str, ...]]:
    """(the fingerprint of the model the curated answers are for, the answers)."""
    text = (files("prodops.core.challenge") / "answers.txt").read_text(encoding="utf-8")
    model = re.search(r"^# curated for: ([0-9a-f]{64})$", text, re.M)
    assert model is not None, "answers.txt names the model it is curated for"
    return model.group(1), tuple(line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip())


_KNOWN: dict[int, tuple[object, list[Answer]]] = {}  # id(model) -> (model, its answers); the model kept alive


def answers(model) -> list[Answer]:
    """The answers `model` gives, in alphabetical order: for the default model the curated list
    (answers.txt, for the model of its fingerprint); for any other (an edited copy too), every
    dictionary word of its text not in the stop list."""
    from prodops.core.model import fingerprint

    if id(model) in _KNOWN:
        return _KNOWN[id(model)][1]
    if len(_KNOWN) > 16:  # models loaded once each by a long-running server; a bound all the same
        _KNOWN.clear()
    curated_for, curated = _curated()
    if fingerprint(model) == curated_for:
        words = list(curated)
    else:
        text = " ".join(p.text for p in passages(model)).lower()
        words = sorted({w for w in re.findall(rf"\b[a-z]{{{LENGTH}}}\b", text) if w in dictionary() and w not in STOP})
    found = [found for w in words if (found := tie(w, model))]
    _KNOWN[id(model)] = (model, found)
    return found


def playable(model) -> list[Answer]:
    """The model's answers; none is a problem with the model, said as such."""
    from prodops.core.errors import Fix, InputError

    found = answers(model)
    if not found:
        raise InputError(f"the model {model.ref} has no five-letter dictionary word in its text to play",
                         fix=Fix("model"))
    return found


def answer_of(word: str, model) -> Answer | None:
    """`word` with its place in `model`: from the model's answers (computed once), else looked up."""
    return next((a for a in answers(model) if a.word == word), None) or tie(word, model)


def game_number(day: dt.date) -> int:
    return (day - EPOCH).days + 1


def answer_of_the_day(day: dt.date, model) -> Answer:
    """The same answer for everyone on a calendar date: the model's answers in an order fixed by the
    model's id (a hash, not the alphabet), one a day, starting again once all are used."""
    found = playable(model)
    order = sorted(found, key=lambda a: hashlib.sha256(f"{model.id}:{a.word}".encode()).hexdigest())
    return order[(day - EPOCH).days % len(order)]


def word_of_the_day(day: dt.date, model) -> str:
    return answer_of_the_day(day, model).word
