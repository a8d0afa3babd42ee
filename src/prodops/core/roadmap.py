"""The roadmap: an assessment result + the model -> ranked investments in phases, projected levels.

The rules:
- An investment is *open* while any criterion it satisfies is not met; the others are done.
- Rank: the investments that unblock the lowest level first (the level of their lowest unmet
  criterion), then those clearing more of that level's blockers, then the smaller effort, then
  the model's order.
- Phases of `phase_days` (default 90); each phase has `capacity` parallel workstreams (default 2),
  so `phase_days x capacity` effort-days, effort S/M/L costing the model's `effort_days`.
- An investment enters a phase only when every investment it depends on is done or planned in an
  earlier phase. Ready investments are taken in rank order while they fit, so the next level's
  work always comes first and spare capacity goes to the level after; one too large for a whole
  phase gets a phase to itself.
- Projected level after a phase = the staged level if every criterion of every investment planned
  so far were met, computed as for an assessment.
- Unmet criteria that no investment addresses are listed as *uncovered*: no plan reaches past them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from prodops.core.assessment import AssessmentResult, staged_levels
from prodops.core.model import Investment, MaturityModel

DEFAULT_PHASE_DAYS = 90
DEFAULT_CAPACITY = 2


@dataclass(frozen=True)
class PlannedInvestment:
    investment: Investment
    addresses: list[str]  # its criteria that are not met yet
    unblocks_level: int
    blockers_cleared: int  # how many of the current blockers it addresses
    effort_days: int


@dataclass(frozen=True)
class Phase:
    number: int
    start: dt.date
    end: dt.date
    investments: list[PlannedInvestment]
    projected_level: int
    projected_dimensions: dict[str, int]


@dataclass(frozen=True)
class Roadmap:
    organization: str
    assessment_date: dt.date
    current_level: int
    phases: list[Phase]
    done: list[str]
    uncovered: list[str]
    phase_days: int
    capacity: int
    tracking: dict = field(default_factory=dict)  # investment id -> its owner, cost, status... (operations.tracking)
    unit: str | None = None  # the team or business unit planned for; None: the whole organisation


def plan(model: MaturityModel, result: AssessmentResult, phase_days: int = DEFAULT_PHASE_DAYS,
         capacity: int = DEFAULT_CAPACITY, start: dt.date | None = None) -> Roadmap:
    if phase_days < 1 or capacity < 1:
        raise ValueError("phase_days and capacity must be at least 1")
    met = {cid: r.met for cid, r in result.criteria.items()}
    blockers = set(result.blockers)
    candidates: dict[str, PlannedInvestment] = {}
    done = []
    for inv in model.investments:
        addresses = [cid for cid in inv.criteria if not met[cid]]
        if not addresses:
            done.append(inv.id)
            continue
        candidates[inv.id] = PlannedInvestment(
            investment=inv,
            addresses=addresses,
            unblocks_level=min(model.criterion[cid].level for cid in addresses),
            blockers_cleared=sum(cid in blockers for cid in addresses),
            effort_days=model.effort_days[inv.effort],
        )
    order = {inv.id: i for i, inv in enumerate(model.investments)}
    remaining = sorted(candidates.values(), key=lambda p: (
        p.unblocks_level, -p.blockers_cleared, p.effort_days, order[p.investment.id]))

    available = set(done)  # done or planned in an earlier phase
    phases: list[Phase] = []
    start = start or result.date
    projected = dict(met)
    while remaining:
        budget = phase_days * capacity
        taken: list[PlannedInvestment] = []
        for p in remaining:
            if not set(p.investment.depends_on) <= available:
                continue
            if p.effort_days <= budget or not taken:
                taken.append(p)
                budget -= p.effort_days
        for p in taken:
            remaining.remove(p)
            available.add(p.investment.id)
            projected.update(dict.fromkeys(p.investment.criteria, True))
        level, dims = staged_levels(model, projected)
        length = max(phase_days, max(p.effort_days for p in taken))  # one investment is one workstream
        begin = phases[-1].end if phases else start
        phases.append(Phase(len(phases) + 1, begin, begin + dt.timedelta(days=length), taken, level, dims))

    covered = {cid for inv in model.investments for cid in inv.criteria}
    uncovered = [c.id for c in model.criteria if not met[c.id] and c.id not in covered]
    return Roadmap(result.organization, result.date, result.level, phases, done, uncovered, phase_days, capacity,
                   unit=result.unit)


def roadmap_document(roadmap: Roadmap, model: MaturityModel) -> dict:
    """The JSON form of a roadmap (`prodops plan --json`)."""
    return {
        "organization": roadmap.organization,
        "unit": roadmap.unit,
        "assessment_date": roadmap.assessment_date.isoformat(),
        "current_level": roadmap.current_level,
        "current_level_name": model.level_name(roadmap.current_level),
        "phase_days": roadmap.phase_days,
        "capacity": roadmap.capacity,
        "phases": [
            {
                "number": ph.number,
                "start": ph.start.isoformat(),
                "end": ph.end.isoformat(),
                "investments": [p.investment.id for p in ph.investments],
                "effort_days": sum(p.effort_days for p in ph.investments),
                "projected_level": ph.projected_level,
                "projected_level_name": model.level_name(ph.projected_level),
                "projected_dimensions": ph.projected_dimensions,
            }
            for ph in roadmap.phases
        ],
        "investments": {
            p.investment.id: {
                "name": p.investment.name,
                "phase": ph.number,
                "from_level": p.investment.from_level,
                "to_level": p.investment.to_level,
                "unblocks_level": p.unblocks_level,
                "blockers_cleared": p.blockers_cleared,
                "criteria": p.addresses,
                "depends_on": p.investment.depends_on,
                "effort": p.investment.effort,
                "effort_days": p.effort_days,
                "metric": p.investment.metric.model_dump(),
            }
            for ph in roadmap.phases for p in ph.investments
        },
        "done": roadmap.done,
        "uncovered": roadmap.uncovered,
        "tracking": roadmap.tracking,
    }
