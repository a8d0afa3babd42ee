"""Teams and business units: an organisation's units, declared once, nested (team -> business unit ->
organisation); which respondents and which data count for a unit; and the roll-up rule, once.

The roll-up rule:
- A respondent counts in the unit their team names (a unit's name, or a data team mapped to it),
  when that unit lies within the scope of their assessment; otherwise in the assessment's scope
  (a unit, or the whole organisation).
- On a day, each scope counts with its latest assessment on or before it; a person answering in
  several counts once (respondent ids name people across the organisation), with their newest
  answers (of two on one day, the later recorded).
- A unit's level is scored from every respondent counted in it or in a unit below it, with the
  evidence of its own data (the rows of its teams), exactly as one assessment is scored. The
  organisation's level is scored from every respondent.
- Beside a parent's level stand its units': every unit below it, each scored the same way, with the
  lowest level and which units hold it, how many units are at each level, and per dimension the
  spread (highest level minus lowest) and the weakest units. A parent's level is never an average
  of its units' levels, so one lagging team stays visible.
- A unit's n counts the respondents who gave a scored answer (one who answered only N/A is no part
  of its level), and a unit resting on one of them says so, as one assessment does.
- Confidential answers (core.confidentiality) show no unit whose n is below the threshold k: beside
  its parent it reads "fewer than k answers", and it counts neither in the lowest level nor in the
  spread. Its people still count in its parent's level. Answers drawn from several assessments are
  shown as strictly as the strictest of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodops.core.confidentiality import strictest, suppressed
from prodops.core.responses import Respondent, Responses
from prodops.core.numbers import natural

if TYPE_CHECKING:
    from prodops.core.assessment import AssessmentResult


@dataclass(frozen=True)
class Unit:
    name: str
    parent: str | None = None  # None: directly under the organisation
    teams: tuple[str, ...] = ()  # data teams that count as this unit besides its own name

    def document(self) -> dict:
        return {"name": self.name, "parent": self.parent, "teams": list(self.teams)}


class Units:
    """One organisation's units, as a tree. Names match whatever their letter case."""

    def __init__(self, units: Iterable[Unit] = ()):
        self._by_key = {u.name.casefold(): u for u in units}
        self._children: dict[str | None, list[Unit]] = {}
        for u in sorted(self._by_key.values(), key=lambda u: natural(u.name)):
            self._children.setdefault(u.parent and u.parent.casefold(), []).append(u)
        self._team = {t.casefold(): u for u in self._by_key.values() for t in (u.name, *u.teams)}

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def __iter__(self):
        return iter(self.below(None))

    def find(self, name: str | None) -> Unit | None:
        return self._by_key.get(name.casefold()) if name else None

    def below(self, name: str | None) -> list[Unit]:
        """Every unit under `name` (None: the organisation), parents before their units, in name order."""
        out = []
        for child in self._children.get(name and name.casefold(), []):
            out += [child, *self.below(child.name)]
        return out

    def path(self, name: str | None) -> list[Unit]:
        """`name` and the units above it, nearest first."""
        out, unit = [], self.find(name)
        while unit is not None and unit not in out:
            out.append(unit)
            unit = self.find(unit.parent)
        return out

    def depth(self, name: str) -> int:
        return len(self.path(name))

    def within(self, name: str | None, scope: str | None) -> bool:
        """Whether unit `name` is `scope` or lies below it (everything lies within the organisation)."""
        return scope is None or any(u.name.casefold() == scope.casefold() for u in self.path(name))

    def of_team(self, team: str | None) -> Unit | None:
        return self._team.get(team.casefold()) if team else None

    def teams(self, name: str | None) -> set[str] | None:
        """The data teams of `name` and every unit below it, in lower case as the data's rows are
        matched (metrics.of_teams); None for the organisation: all data."""
        if name is None:
            return None
        unit = self.find(name)
        assert unit is not None, f"{name} is no declared unit"  # callers name declared units (operations.units.unit_named)
        return {t.lower() for u in (unit, *self.below(name)) for t in (u.name, *u.teams)}


def placed(units: Units, scope: str | None, respondent: Respondent) -> str | None:
    """The unit a respondent counts in (None: the organisation): their team's, within their assessment's scope."""
    unit = units.of_team(respondent.team)
    return unit.name if unit is not None and units.within(unit.name, scope) else scope


def counted(units: Units, unit: str | None, assessed: list[tuple[str | None, Responses]]) -> Responses | None:
    """The responses a unit is scored from: every respondent counted in it or below it, from the
    latest assessment of each scope (`assessed`, oldest first); None when nobody counts in it."""
    newest: dict[str, tuple[dt.date, str | None, Respondent, Responses]] = {}
    for scope, responses in assessed:
        for person in responses.respondents:
            key = person.id.casefold()
            if key not in newest or newest[key][0] <= responses.date:  # `assessed` is oldest first: a tie, the later recorded
                newest[key] = (responses.date, placed(units, scope, person), person, responses)
    chosen = [(person, responses) for _, where, person, responses in newest.values() if units.within(where, unit)]
    if not chosen:
        return None
    days = [responses.date for _, responses in chosen]
    sources = dict.fromkeys(s for _, responses in sorted(chosen, key=lambda c: c[1].date) for s in responses.sources)
    return Responses(organization=chosen[0][1].organization, date=max(days),
                     respondents=tuple(sorted((p for p, _ in chosen), key=lambda p: p.id)), sources=tuple(sources),
                     unit=unit, privacy=strictest(responses.privacy for _, responses in chosen))


def beside_wider(units: Units, unit: str, assessed: list[tuple[str | None, Responses]],
                 criteria: Iterable[str]) -> tuple[bool, set[str]]:
    """Whether `unit`'s result may be shown at all, and the criteria it must leave out, so that no one
    is found by subtracting it from a wider result (core.confidentiality): at each unit above it and
    the organisation, its branch among that scope's parts (each unit directly below, and the people
    in none of them) must not be among the parts `confidentiality.suppressed` leaves out, in its
    count of scored respondents and in each criterion's."""
    mine = counted(units, unit, assessed)
    if mine is None or not mine.privacy.confidential:
        return True, set()
    privacy, shown_at_all, left_out = mine.privacy, True, set()
    path = [u.name for u in units.path(unit)]  # it, then the units above it, nearest first
    scopes: list[str | None] = [*path[1:], None]
    branch = path[0]
    for scope in scopes:
        whole = counted(units, scope, assessed)
        if whole is None:
            break
        key = scope.casefold() if scope else None
        parts = {u.name: counted(units, u.name, assessed) for u in units.below(scope)
                 if (u.parent.casefold() if u.parent else None) == key}

        def sizes(criterion: str | None, whole: Responses = whole, parts: dict = parts) -> dict[str, int]:
            """Each part's people who gave a scored answer (to `criterion`; None: to any), the rest as ""."""
            def scored(p: Respondent) -> bool:
                return _scored(p) if criterion is None else p.answers.get(criterion) is not None

            n = {name: sum(1 for p in r.respondents if scored(p)) if r else 0 for name, r in parts.items()}
            n[""] = sum(1 for p in whole.respondents if scored(p)) - sum(n.values())
            return {k: v for k, v in n.items() if v}

        if branch in suppressed(sizes(None), privacy):
            shown_at_all = False
        left_out |= {c for c in criteria if branch in suppressed(sizes(c), privacy)}
        branch = scope or ""
    return shown_at_all, left_out


def beside_pool(units: Units, scope: str | None, assessed: list[tuple[str | None, Responses]], part: Responses,
                criteria: Iterable[str]) -> tuple[bool, set[str]]:
    """Like `beside_wider`, for a result of `part`'s people alone (a closed campaign's): subtracted
    from the result of `scope` or of any scope above it, which others also count in, it must not
    leave fewer than k people (in all, or on a criterion)."""
    if not part.privacy.confidential:
        return True, set()
    k = part.privacy.threshold or 0
    ids = {p.id.casefold() for p in part.respondents}
    shown_at_all, left_out = True, set()
    for wider_scope in [*(u.name for u in units.path(scope)), None]:
        wider = counted(units, wider_scope, assessed)
        if wider is None:
            continue
        others = [p for p in wider.respondents if p.id.casefold() not in ids]
        if 0 < sum(1 for p in others if _scored(p)) < k:
            shown_at_all = False
        left_out |= {c for c in criteria if 0 < sum(1 for p in others if p.answers.get(c) is not None) < k}
    return shown_at_all, left_out


def changed_people(before: Responses | None, after: Responses) -> int:
    """How many people the two results of one scope differ by: who joined, who left, who changed an
    answer (among those who gave a scored answer). Two results that differ by fewer than k people
    give theirs away by the difference (core.confidentiality)."""
    was = {p.id.casefold(): p.answers for p in (before.respondents if before else ()) if _scored(p)}
    now = {p.id.casefold(): p.answers for p in after.respondents if _scored(p)}
    return sum(1 for who in was.keys() | now.keys() if was.get(who) != now.get(who))


def _scored(person: Respondent) -> bool:
    return any(v is not None for v in person.answers.values())


def latest_by_scope(recorded: Iterable, as_of: dt.date | None) -> list:
    """Of recorded assessments (with .unit and .date, oldest first), the latest of each scope on or before `as_of`."""
    chosen = {}
    for a in recorded:
        if as_of is None or a.date <= as_of:
            chosen[(a.unit or "").casefold()] = a
    return sorted(chosen.values(), key=lambda a: (a.date, a.id))


@dataclass(frozen=True)
class UnitLevel:
    """One unit's result beside its parent's: None figures when nobody counted in it."""
    name: str
    parent: str | None
    depth: int  # 1 directly under the compared parent
    date: dt.date | None
    respondents: int  # those who gave a scored answer: one who answered only N/A is no part of its level
    level: int | None
    dimensions: dict[str, int]
    warnings: tuple[str, ...] = ()  # what its level rests on (assessment.Warning messages), e.g. one person
    suppressed: str | None = None  # why its figures are left out ("fewer than 3 answers"; core.confidentiality)


@dataclass(frozen=True)
class Comparison:
    """A parent's units side by side: the heat map of units x dimensions and what stands out."""
    unit: str | None
    units: list[UnitLevel]
    lowest: int | None  # the lowest level among the units assessed
    lowest_units: list[str]
    distribution: dict[int, int]  # level -> how many units are at it
    spread: dict[str, int]  # dimension -> highest level minus lowest among the units
    weakest: dict[str, list[str]]  # dimension -> the units at its lowest level


def compare(units: Units, unit: str | None, results: dict[str, AssessmentResult]) -> Comparison:
    """Every unit below `unit` with its result (AssessmentResult or None) from `results` (by name)."""
    top = len(units.path(unit))
    rows = []
    for u in units.below(unit):
        r = results.get(u.name)
        if r is not None and not r.privacy.shows(r.scored_by):  # a unit of fewer than k: no level of its own shown
            rows.append(UnitLevel(u.name, u.parent, units.depth(u.name) - top, r.date, r.scored_by, None, {},
                                  suppressed=r.privacy.fewer()))
            continue
        rows.append(UnitLevel(u.name, u.parent, units.depth(u.name) - top, r.date if r else None, r.scored_by if r else 0,
                              r.level if r else None, dict(r.dimensions) if r else {},
                              tuple(w.message for w in r.warnings) if r else ()))
    assessed = [r for r in rows if r.level is not None]
    assessed_levels = [r.level for r in rows if r.level is not None]  # assessed's, in its order
    lowest = min(assessed_levels, default=None)
    dims = list(assessed[0].dimensions) if assessed else []
    spread, weakest = {}, {}
    for d in dims:
        levels = [r.dimensions[d] for r in assessed]
        spread[d] = max(levels) - min(levels)
        weakest[d] = [r.name for r in assessed if r.dimensions[d] == min(levels)]
    distribution: dict[int, int] = {}
    for level in assessed_levels:
        distribution[level] = distribution.get(level, 0) + 1
    return Comparison(unit, rows, lowest, [r.name for r in assessed if r.level == lowest],
                      dict(sorted(distribution.items())), spread, weakest)


def comparison_document(c: Comparison, level_name) -> dict:
    """The JSON form (report, `--json`, API): `level_name(n)` names a level."""
    return {
        "unit": c.unit,
        "units": [{"name": r.name, "parent": r.parent, "depth": r.depth, "date": r.date and r.date.isoformat(),
                   "respondents": r.respondents, "level": r.level, "level_name": r.level and level_name(r.level),
                   "dimensions": r.dimensions, "warnings": list(r.warnings), "suppressed": r.suppressed}
                  for r in c.units],
        "lowest": {"level": c.lowest, "units": c.lowest_units},
        "distribution": {str(k): v for k, v in c.distribution.items()},
        "dimensions": {d: {"spread": c.spread[d], "weakest": c.weakest[d]} for d in c.spread},
    }
