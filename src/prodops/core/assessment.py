"""Scoring: responses -> criterion scores -> dimension and staged levels, blockers.

The rules:
- A criterion's score is the mean of the respondents' answers weighted by their role's weight;
  N/A answers are left out of the numerator and the denominator. Spread = max - min, stdev is the
  weighted population standard deviation; respondents *disagree* when spread >= disagreement_spread.
- Status: `na` when every answer is N/A (counts as met for gating); `unanswered` when nobody
  answered it at all (does NOT count as met: an unknown is a blocker until someone answers);
  otherwise `met` when score >= met_threshold, else `unmet`.
- A criterion bound to data (metric, comparison, threshold) gets the data's verdict when that
  metric was measured. With `data_precedence: data` (the default) the data decides met/unmet;
  with `answers` the answers decide, and the data decides only when nobody answered. A verdict
  that contradicts the answers is flagged as a conflict either way. A figure resting on fewer
  sprints, launches or respondents than the binding's minimum gives no verdict: it is shown
  ("too few launches to judge"), and the answers decide.
- Dimension level = highest L such that every criterion of the dimension at levels 2..L is met
  (1 is the floor). Overall (staged) level = the same over all dimensions = the minimum of the
  dimension levels.
- Blockers = the criteria at levels 2..overall+1 that are not met (unmet or unanswered).
- Progress to next level = mean score of the next level's criteria, N/A criteria left out,
  unanswered ones counted as 0 and criteria decided by data as 1 (meets) or 0 (does not).
- Warnings say what a level rests on when it rests on little: criteria met only because everyone
  answered N/A (and the overall level if they were counted unmet instead, lower or the same),
  dimensions whose criteria are all N/A, a single respondent (or a single one who gave a scored
  answer), respondents who gave no scored answer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from prodops.core.confidentiality import CONFIDENTIAL, Privacy, suppressed
from prodops.core.responses import Responses
from prodops.core.metrics import Measurement
from prodops.core.model import MaturityModel

EPS = 1e-9  # weighted means of scale values land a hair off the threshold in binary floats


@dataclass(frozen=True)
class DataVerdict:
    metric: str
    value: float
    bound: str  # e.g. "pm_overhead_share <= 0.3"
    holds: bool | None  # None: too few to judge (n below `needed`)
    decides: bool  # the data, not the answers, gates this criterion
    conflict: bool  # the answers say the opposite
    op: str  # the line, as the model gives it: op and threshold
    threshold: float
    measured: Measurement  # the figure with its n and days
    needed: int  # the fewest sprints, launches or respondents it judges from

    @property
    def enough(self) -> bool:
        return self.holds is not None

    def document(self) -> dict:
        """Its JSON form: the verdict, and the figure with what it rests on (n, what n counts, its days)."""
        m = self.measured
        return {"metric": self.metric, "value": self.value, "bound": self.bound, "op": self.op,
                "threshold": self.threshold, "holds": self.holds, "decides": self.decides, "conflict": self.conflict,
                "n": m.n, "counts": m.counts or None, "from": m.first and m.first.isoformat(),
                "to": m.last and m.last.isoformat(), "needed": self.needed}


@dataclass(frozen=True)
class Warning:
    code: str  # met_through_na | dimension_all_na | single_respondent | respondent_without_scores
    message: str
    criteria: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    respondents: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriterionResult:
    id: str
    dimension: str
    level: int
    status: str  # met | unmet | na | unanswered
    met: bool
    score: float | None
    spread: float | None
    stdev: float | None
    disagreement: bool
    respondents: int  # respondents who gave a score (not N/A)
    na_count: int
    blank_count: int  # respondents who left it unanswered
    by_role: dict[str, float] = field(default_factory=dict)
    by_role_n: dict[str, int] = field(default_factory=dict)  # how many gave each role's mean
    data: DataVerdict | None = None
    answers_met: bool | None = None  # what the answers alone say, whatever the data decides (None: no score)
    suppressed: bool = False  # shown: its score, spread and roles rest on too few people (core.confidentiality)
    roles_suppressed: tuple[str, ...] = ()  # shown: the roles left out of by_role

    @property
    def na(self) -> bool:
        return self.status == "na"


@dataclass(frozen=True)
class AssessmentResult:
    organization: str
    date: dt.date
    model_id: str
    model_version: str
    level: int
    next_level: int | None
    dimensions: dict[str, int]
    criteria: dict[str, CriterionResult]
    blockers: list[str]
    progress_to_next: float | None
    respondents: int
    roles: dict[str, int]
    scored_by: int = 0  # respondents who gave at least one scored answer (not only N/A or blanks)
    measurements: dict[str, Measurement] = field(default_factory=dict)  # what the data measured, with n and days
    warnings: tuple[Warning, ...] = ()
    unit: str | None = None  # the team or business unit it is the result of; None: the organisation
    privacy: Privacy = CONFIDENTIAL  # what its documents may show of the people behind it (core.confidentiality)
    # criteria it leaves out besides its own small ones, so that no one is found by subtracting it
    # from a wider result (a unit's beside its parent: core.units.beside_wider)
    withheld: frozenset[str] = frozenset()


def staged_levels(model: MaturityModel, met: Mapping[str, bool]) -> tuple[int, dict[str, int]]:
    """(overall level, {dimension: level}) from which criteria are met. The gating rule, once."""
    by_dim_level: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for c in model.criteria:
        by_dim_level[c.dimension][c.level].append(c.id)
    dims = {}
    for d in model.dimensions:
        level = 1
        for n in range(2, model.top_level + 1):
            if not all(met[cid] for cid in by_dim_level[d.id][n]):
                break
            level = n
        dims[d.id] = level
    return min(dims.values()), dims


def assess(model: MaturityModel, responses: Responses,
           measurements: Mapping[str, Measurement | float] | None = None) -> AssessmentResult:
    """Score `responses`, checking data-bound criteria against `measurements` (metrics.symptoms; a
    bare float is a figure given as it is, without its n)."""
    measured = {k: v if isinstance(v, Measurement) else Measurement(float(v)) for k, v in (measurements or {}).items()}
    answers: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    na_counts: dict[str, int] = defaultdict(int)
    for person in responses.respondents:
        weight = model.role[person.role].weight
        for cid, value in person.answers.items():
            if value is None:
                na_counts[cid] += 1
            else:
                answers[cid].append((value, weight, person.role))

    n = len(responses.respondents)
    criteria = {c.id: _criterion(model, c, answers[c.id], na_counts[c.id], n, measured) for c in model.criteria}
    met = {cid: r.met for cid, r in criteria.items()}
    level, dims = staged_levels(model, met)
    next_level = level + 1 if level < model.top_level else None
    blockers = [c.id for c in model.criteria if c.level <= (next_level or 0) and not met[c.id]]
    blockers.sort(key=lambda cid: model.criterion[cid].level)
    roles: dict[str, int] = defaultdict(int)
    for person in responses.respondents:
        roles[person.role] += 1
    return AssessmentResult(
        organization=responses.organization,
        date=responses.date,
        model_id=model.id,
        model_version=model.version,
        level=level,
        next_level=next_level,
        dimensions=dims,
        criteria=criteria,
        blockers=blockers,
        progress_to_next=_progress(model, criteria, next_level),
        respondents=n,
        roles=dict(roles),
        scored_by=sum(1 for p in responses.respondents if _scored(p)),
        measurements=dict(measured),
        warnings=_warnings(model, responses, criteria, level),
        unit=responses.unit,
        privacy=responses.privacy,
    )


def _warnings(
    model: MaturityModel, responses: Responses, criteria: dict[str, CriterionResult], level: int
) -> tuple[Warning, ...]:
    out = []
    na = [cid for cid, r in criteria.items() if r.na]
    if na:
        without, _ = staged_levels(model, {cid: r.met and not r.na for cid, r in criteria.items()})
        # the level they would give if counted unmet, said whether it is lower or the same
        unmet = f"would be {without}, not {level}" if without < level else f"would still be {level}"
        out.append(Warning("met_through_na", f"{len(na)} of {len(criteria)} criteria count as met only because "
                           f"everyone answered N/A; counted as unmet, the level {unmet}", criteria=tuple(na)))
    empty = [d.id for d in model.dimensions
             if all(criteria[c.id].na for c in model.criteria if c.dimension == d.id)]
    if empty:
        names = ("every dimension" if len(empty) == len(model.dimensions) else
                 ", ".join(d.name for d in model.dimensions if d.id in empty))
        out.append(Warning("dimension_all_na", f"every criterion of {names} was answered N/A: "
                           f"{'its level rests' if len(empty) == 1 else 'their levels rest'} on no answer at all",
                           dimensions=tuple(empty)))
    named = not responses.privacy.confidential  # a confidential result says how many, never who

    def who(ids: list[str]) -> tuple[str, ...]:
        return tuple(ids) if named else ()

    scoring = [p.id for p in responses.respondents if _scored(p)]
    if len(responses.respondents) == 1:
        out.append(Warning("single_respondent", "one respondent: the levels are one person's view; "
                           "ask people in other roles too", respondents=who([responses.respondents[0].id])))
    elif len(scoring) == 1:  # the others gave only N/A or blanks: the levels still rest on one person
        out.append(Warning("single_respondent", f"one of {len(responses.respondents)} respondents gave a scored answer "
                           "(the others only N/A or blanks): the levels are one person's view; ask people in other "
                           "roles too", respondents=who(scoring)))
    silent = [p.id for p in responses.respondents if not _scored(p)]
    if silent:
        out.append(Warning("respondent_without_scores", f"{len(silent)} respondent{'s' if len(silent) > 1 else ''} gave "
                           "no scored answer (only N/A or blanks)" + (f": {', '.join(silent)}" if named else ""),
                           respondents=who(silent)))
    return tuple(out)


def _scored(person) -> bool:
    """Whether a respondent gave at least one scored answer (not only N/A or blanks)."""
    return any(v is not None for v in person.answers.values())


def _criterion(model, criterion, scored, na_count, n, measurements) -> CriterionResult:
    score = spread = stdev = None
    by_role: dict[str, float] = {}
    by_role_n: dict[str, int] = {}
    if scored:
        # fsum: exact sums, so a score is the same whatever order the respondents come in (a roll-up
        # orders them by pseudonym, which differs from one workspace to the next)
        total_w = math.fsum(w for _, w, _ in scored)
        score = math.fsum(v * w for v, w, _ in scored) / total_w
        values = [v for v, _, _ in scored]
        spread = max(values) - min(values)
        stdev = math.sqrt(math.fsum(w * (v - score) ** 2 for v, w, _ in scored) / total_w)
        role_values: dict[str, list[float]] = defaultdict(list)
        for v, _, role in scored:
            role_values[role].append(v)
        by_role = {role: math.fsum(vs) / len(vs) for role, vs in sorted(role_values.items())}
        by_role_n = {role: len(vs) for role, vs in sorted(role_values.items())}
        status = "met" if score >= model.met_threshold - EPS else "unmet"
    else:
        status = "na" if na_count else "unanswered"

    verdict = None
    binding = criterion.data
    if binding is not None and binding.metric in measurements:
        measured = measurements[binding.metric]
        holds = binding.holds(measured.value) if binding.enough(measured) else None  # too few: no verdict
        decides = holds is not None and (model.data_precedence == "data" or status == "unanswered")
        conflict = holds is not None and status in ("met", "unmet") and (status == "met") != holds
        verdict = DataVerdict(binding.metric, measured.value, str(binding), holds, decides, conflict, binding.op,
                              binding.threshold, measured, binding.needed(measured))
        if decides:
            status = "met" if holds else "unmet"

    return CriterionResult(
        id=criterion.id,
        dimension=criterion.dimension,
        level=criterion.level,
        status=status,
        met=status in ("met", "na"),
        score=score,
        spread=spread,
        stdev=stdev,
        disagreement=spread is not None and spread >= model.disagreement_spread - EPS,
        respondents=len(scored),
        na_count=na_count,
        blank_count=n - len(scored) - na_count,
        by_role=by_role,
        by_role_n=by_role_n,
        data=verdict,
        answers_met=None if score is None else score >= model.met_threshold - EPS,
    )


def _progress(model: MaturityModel, criteria: dict[str, CriterionResult], next_level: int | None) -> float | None:
    if next_level is None:
        return None
    parts = []
    for c in model.criteria:
        r = criteria[c.id]
        if c.level != next_level or r.na:
            continue
        if r.data is not None and r.data.decides:
            parts.append(1.0 if r.data.holds else 0.0)
        else:
            parts.append(r.score or 0.0)
    return math.fsum(parts) / len(parts) if parts else 1.0


def shown(result: AssessmentResult) -> AssessmentResult:
    """`result` as its privacy lets it be shown (core.confidentiality): a criterion scored by fewer than
    k people without its score, spread, disagreement and roles; roles of fewer than k left out, and
    the next-smallest with them; how far to the next level only from k who gave a scored answer, and
    not when a criterion of the next level is left out (the mean and the others would give it away).
    The level, the dimensions and the blockers stay as everyone's answers make them."""
    privacy = result.privacy
    if not privacy.confidential:
        return result

    def criterion(r: CriterionResult) -> CriterionResult:
        if not privacy.shows(r.respondents) or r.id in result.withheld:
            return replace(r, score=None, spread=None, stdev=None, disagreement=False, by_role={}, by_role_n={},
                           suppressed=r.respondents > 0, roles_suppressed=tuple(r.by_role))
        hidden = suppressed(r.by_role_n, privacy)
        return replace(r, by_role={k: v for k, v in r.by_role.items() if k not in hidden},
                       by_role_n={k: v for k, v in r.by_role_n.items() if k not in hidden},
                       roles_suppressed=tuple(sorted(hidden)))

    criteria = {cid: criterion(r) for cid, r in result.criteria.items()}
    # how far to go is the mean of the next level's scores: with one of them left out, the shown ones
    # and the mean would give it away by subtraction
    hidden_next = any(r.suppressed for r in criteria.values() if r.level == result.next_level)
    return replace(result, criteria=criteria,
                   progress_to_next=result.progress_to_next if privacy.shows(result.scored_by) and not hidden_next
                   else None)


def result_document(result: AssessmentResult, model: MaturityModel) -> dict:
    """The JSON form of a result (`prodops assess --json`), at full precision, as it may be shown:
    a criterion resting on fewer people than its privacy allows says so in `suppressed` ("fewer
    than 3 answers"; its score, spread and roles null or left out), roles left out are listed in
    `roles_suppressed` (`shown`)."""
    result = shown(result)

    def num(x: float | None) -> float | None:
        return x

    def criterion(r: CriterionResult) -> dict:
        return {
            "dimension": r.dimension,
            "level": r.level,
            "status": r.status,
            "score": num(r.score),
            "met": r.met,
            "answers_met": r.answers_met,
            "na": r.na,
            "spread": num(r.spread),
            "stdev": num(r.stdev),
            "disagreement": r.disagreement,
            "respondents": r.respondents,
            "na_count": r.na_count,
            "unanswered_count": r.blank_count,
            "by_role": {k: num(v) for k, v in r.by_role.items()},
            "suppressed": result.privacy.fewer() if r.suppressed else None,  # why its figures are left out
            "roles_suppressed": list(r.roles_suppressed),
            "data": None if r.data is None else r.data.document(),
        }

    return {
        "organization": result.organization,
        "unit": result.unit,
        "date": result.date.isoformat(),
        "model": {"id": result.model_id, "version": result.model_version},
        "level": result.level,
        "level_name": model.level_name(result.level),
        "next_level": result.next_level,
        "privacy": result.privacy.document(),
        "progress_to_next": num(result.progress_to_next),
        "dimensions": result.dimensions,
        "blockers": result.blockers,
        "respondents": result.respondents,
        "scored_by": result.scored_by,
        "roles": result.roles,
        "measurements": {k: m.value for k, m in result.measurements.items()},
        "samples": {k: {key: v for key, v in m.document().items() if key != "value"} for k, m in result.measurements.items()},
        "warnings": [warning_document(w) for w in result.warnings],
        "criteria": {cid: criterion(r) for cid, r in result.criteria.items()},
    }


def warning_document(w: Warning) -> dict:
    doc: dict = {"code": w.code, "message": w.message}
    for key in ("criteria", "dimensions", "respondents"):
        if getattr(w, key):
            doc[key] = list(getattr(w, key))
    return doc
