"""The maturity model's schema: pydantic for shapes, `consistency_problems` for cross-references."""

from __future__ import annotations

import operator
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", description="Stable lower-case id")]
Effort = Literal["S", "M", "L"]

_OPS = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScalePoint(_Strict):
    label: str = Field(min_length=1)
    value: float = Field(ge=0, le=1)


class Role(_Strict):
    id: Id
    name: str
    weight: float = Field(default=1.0, gt=0, description="Weight of this role's answers")


class Symptom(_Strict):
    """A sign of this level, in the source's words. With `criterion`, the data can show it: it is
    present when that criterion's data-bound line does not hold (so the model cannot contradict
    itself: one line serves the criterion and the symptom)."""

    text: str = Field(min_length=1)
    criterion: str | None = Field(default=None, description="A data-bound criterion whose line the symptom crosses")


class Level(_Strict):
    number: int = Field(ge=1)
    name: str
    summary: str = ""
    description: str
    symptoms: list[Symptom] = Field(default=[], description="Signs of this level: a text, or {text, criterion}")

    @field_validator("symptoms", mode="before")
    @classmethod
    def _texts(cls, value: Any) -> Any:
        return [{"text": v} if isinstance(v, str) else v for v in value] if isinstance(value, list) else value


class Dimension(_Strict):
    id: Id
    name: str
    description: str = ""


class DataBinding(_Strict):
    """A measured figure that can confirm or contradict the answers, e.g. pm_overhead_share <= 0.30.
    A figure resting on fewer sprints, launches or respondents than `minimum` (by default the
    metric's own: metrics/symptoms.py MEASURES) judges nothing: the answers decide."""

    metric: str = Field(min_length=1)
    op: Literal["<=", ">=", "<", ">"]
    threshold: float
    minimum: int | None = Field(default=None, ge=1, description=(
        "The fewest sprints, launches or survey respondents the figure must rest on to judge the criterion; "
        "default: the metric's own (5 sprints, 5 launches, 3 respondents)"))

    def holds(self, value: float) -> bool:
        return _OPS[self.op](value, self.threshold)

    def needed(self, measured: Any) -> int:
        """The fewest the figure `measured` (a metrics.Measurement) must rest on: ours, else its metric's."""
        return self.minimum if self.minimum is not None else measured.minimum

    def enough(self, measured: Any) -> bool:
        """Whether `measured` rests on enough to judge by; a figure given without its count is taken as it is."""
        return measured.n is None or measured.n >= self.needed(measured)

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.threshold:g}"


class Criterion(_Strict):
    id: Id
    dimension: str
    level: int = Field(ge=2, description="Criteria start at level 2; level 1 is the floor")
    text: str = Field(min_length=1, description="What must be true, observably")
    evidence: str = ""
    source: list[str] = Field(default=[], description="The source text's statements this criterion makes observable")
    data: DataBinding | None = None


class PlaybookProcess(_Strict):
    id: Id
    name: str
    outcome_measure: str = ""


class Playbook(_Strict):
    stages: dict[str, str] = Field(description="Tracking stage (documented, practiced, measured) -> criterion id")
    processes: list[PlaybookProcess]


class InvestmentMetric(_Strict):
    name: str
    description: str = ""


class Investment(_Strict):
    id: Id
    name: str
    description: str = ""
    from_level: int = Field(ge=1)
    to_level: int = Field(ge=2)
    criteria: list[str] = Field(min_length=1)
    depends_on: list[str] = []
    effort: Effort
    metric: InvestmentMetric


class MaturityModel(_Strict):
    id: Id
    version: str = Field(min_length=1)
    name: str
    description: str = ""
    met_threshold: float = Field(default=0.75, gt=0, le=1)
    disagreement_spread: float = Field(default=0.5, gt=0, le=1)
    data_precedence: Literal["data", "answers"] = "data"
    answer_scale: list[ScalePoint] = Field(min_length=2)
    na_label: str = "N/A"
    roles: list[Role] = Field(min_length=1)
    effort_days: dict[Effort, int] = {"S": 30, "M": 60, "L": 90}
    levels: list[Level] = Field(min_length=2)
    dimensions: list[Dimension] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)
    playbook: Playbook | None = None
    investments: list[Investment] = []

    @cached_property
    def criterion(self) -> dict[str, Criterion]:
        return {c.id: c for c in self.criteria}

    @cached_property
    def role(self) -> dict[str, Role]:
        return {r.id: r for r in self.roles}

    @cached_property
    def investment(self) -> dict[str, Investment]:
        return {i.id: i for i in self.investments}

    @property
    def top_level(self) -> int:
        return self.levels[-1].number

    def level_name(self, number: int) -> str:
        return self.levels[number - 1].name

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


def consistency_problems(model: MaturityModel) -> list[tuple[tuple[Any, ...], str]]:
    """Cross-reference problems pydantic cannot see, each as (path inside the file, message)."""
    problems: list[tuple[tuple[Any, ...], str]] = []

    def unique(items: list[Any], key: str, section: str, fold=lambda v: v) -> set[Any]:
        seen: set[Any] = set()
        for i, item in enumerate(items):
            value = fold(getattr(item, key))
            if value in seen:
                problems.append(((section, i, key), f"duplicate {key} {getattr(item, key)!r}"))
            seen.add(value)
        return seen

    for i, level in enumerate(model.levels):
        if level.number != i + 1:
            problems.append((("levels", i, "number"),
                             f"levels must be numbered 1, 2, 3... in order; expected {i + 1}, found {level.number}"))
    top = len(model.levels)
    unique(model.answer_scale, "label", "answer_scale", str.casefold)
    unique(model.answer_scale, "value", "answer_scale")
    if model.na_label.casefold() in {p.label.casefold() for p in model.answer_scale}:
        problems.append((("na_label",), f"{model.na_label!r} is also an answer_scale label"))
    unique(model.roles, "id", "roles")
    dimensions = unique(model.dimensions, "id", "dimensions")
    criteria = unique(model.criteria, "id", "criteria")
    investments = unique(model.investments, "id", "investments")

    for i, c in enumerate(model.criteria):
        if c.dimension not in dimensions:
            known = ", ".join(sorted(dimensions))
            problems.append((("criteria", i, "dimension"), f"unknown dimension {c.dimension!r}; known: {known}"))
        if c.level > top:
            problems.append((("criteria", i, "level"), f"level {c.level} is above the top level {top}"))

    for i, inv in enumerate(model.investments):
        for j, cid in enumerate(inv.criteria):
            if cid not in criteria:
                problems.append((("investments", i, "criteria", j), f"unknown criterion {cid!r}"))
        for j, dep in enumerate(inv.depends_on):
            if dep not in investments or dep == inv.id:
                what = "depends on itself" if dep == inv.id else f"unknown investment {dep!r}"
                problems.append((("investments", i, "depends_on", j), what))
        if not inv.from_level < inv.to_level <= top:
            problems.append((("investments", i, "to_level"),
                             f"to_level must be above from_level ({inv.from_level}) and at most {top}"))
    problems += _dependency_cycles(model)

    for i, level in enumerate(model.levels):
        for j, symptom in enumerate(level.symptoms):
            if symptom.criterion is None:
                continue
            if symptom.criterion not in criteria:
                problems.append((("levels", i, "symptoms", j, "criterion"), f"unknown criterion {symptom.criterion!r}"))
            elif model.criterion[symptom.criterion].data is None:
                problems.append((("levels", i, "symptoms", j, "criterion"),
                                 f"criterion {symptom.criterion!r} has no data binding, so the data cannot show this symptom"))

    if model.playbook:
        for stage, cid in model.playbook.stages.items():
            if cid not in criteria:
                problems.append((("playbook", "stages", stage), f"unknown criterion {cid!r}"))
    return problems


def _dependency_cycles(model: MaturityModel) -> list[tuple[tuple[Any, ...], str]]:
    deps = {inv.id: [d for d in inv.depends_on if d in model.investment] for inv in model.investments}
    state: dict[str, str] = {}
    problems = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for dep in deps[node]:
            if state.get(dep) == "open":
                cycle = trail[trail.index(dep):] + [dep] if dep in trail else [node, dep]
                index = next(i for i, inv in enumerate(model.investments) if inv.id == node)
                problems.append((("investments", index, "depends_on"), "dependency cycle: " + " -> ".join(cycle)))
            elif dep not in state:
                visit(dep, trail + [dep])
        state[node] = "done"

    for inv in model.investments:
        if inv.id not in state:
            visit(inv.id, [inv.id])
    return problems
