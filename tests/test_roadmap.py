"""The roadmap: ranking, dependencies, phases, projected levels."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import everyone, responses, tiny_model
from prodops.core.assessment import assess
from prodops.inputs.models import load_model
from prodops.core.roadmap import plan, roadmap_document

DEFAULT = load_model()
TINY = tiny_model()


def test_from_nothing_the_plan_reaches_level_5_with_dependencies_respected():
    roadmap = plan(DEFAULT, assess(DEFAULT, everyone(DEFAULT, 0.0)))
    phase_of = {p.investment.id: ph.number for ph in roadmap.phases for p in ph.investments}
    assert set(phase_of) == set(DEFAULT.investment)
    for inv in DEFAULT.investments:
        assert all(phase_of[d] < phase_of[inv.id] for d in inv.depends_on), inv.id
    levels = [ph.projected_level for ph in roadmap.phases]
    assert levels == sorted(levels) and levels[-1] == 5
    assert roadmap.done == [] and roadmap.uncovered == []


def test_next_level_investments_come_first():
    roadmap = plan(DEFAULT, assess(DEFAULT, everyone(DEFAULT, 0.0)))
    first = roadmap.phases[0].investments
    assert first[0].unblocks_level == 2
    ranks = [p.unblocks_level for ph in roadmap.phases for p in ph.investments]
    # a later level never takes a phase's capacity before a ready investment for an earlier level
    for ph in roadmap.phases:
        assert [p.unblocks_level for p in ph.investments] == sorted(p.unblocks_level for p in ph.investments)
    assert ranks[0] == 2


def test_phase_capacity_and_dates():
    result = assess(DEFAULT, everyone(DEFAULT, 0.0))
    roadmap = plan(DEFAULT, result, phase_days=60, capacity=1)
    for ph in roadmap.phases:
        assert sum(p.effort_days for p in ph.investments) <= 60 or len(ph.investments) == 1
        assert (ph.end - ph.start).days >= 60
    big = [ph for ph in roadmap.phases if ph.investments[0].effort_days == 90]
    assert big and all(len(ph.investments) == 1 and (ph.end - ph.start).days == 90 for ph in big)
    assert roadmap.phases[0].start == result.date
    assert all(a.end == b.start for a, b in zip(roadmap.phases, roadmap.phases[1:]))


def test_met_investments_are_done_and_partial_ones_address_only_what_is_open():
    answers = {c.id: 1.0 for c in DEFAULT.criteria if c.level == 2} | {"om-3-proactive": 1.0}
    result = assess(DEFAULT, responses(("pm", answers)))
    roadmap = plan(DEFAULT, result)
    assert {"establish-product-ops", "shared-sprint-template", "time-baseline"} <= set(roadmap.done)
    planned = {p.investment.id: p for ph in roadmap.phases for p in ph.investments}
    assert planned["operating-rhythm"].addresses == ["gtm-3-coordination"]
    assert roadmap.current_level == 2 and roadmap.phases[0].investments[0].unblocks_level == 3


def test_everything_met_plans_nothing():
    roadmap = plan(DEFAULT, assess(DEFAULT, everyone(DEFAULT, 1.0)))
    assert roadmap.phases == [] and len(roadmap.done) == len(DEFAULT.investments)


def test_unmet_criteria_without_an_investment_are_uncovered():
    model = tiny_model(investments=[])
    roadmap = plan(model, assess(model, everyone(model, 0.0)))
    assert roadmap.phases == [] and roadmap.uncovered == [c.id for c in model.criteria]


def test_blockers_cleared_breaks_ties_toward_more_blockers():
    roadmap = plan(DEFAULT, assess(DEFAULT, everyone(DEFAULT, 0.0)))
    first = roadmap.phases[0].investments[0]
    assert first.investment.id == "establish-product-ops" and first.blockers_cleared == 4


def test_document_shape():
    doc = roadmap_document(plan(TINY, assess(TINY, everyone(TINY, 0.0))), TINY)
    assert {"number", "investments", "projected_level"} <= doc["phases"][0].keys()
    assert doc["phases"][0]["investments"] == ["inv-a2", "inv-b2"]
    assert doc["phases"][-1]["projected_level"] == 5


def test_bad_phase_settings():
    with pytest.raises(ValueError):
        plan(TINY, assess(TINY, everyone(TINY, 0.0)), capacity=0)


@settings(max_examples=100, deadline=None)
@given(st.fixed_dictionaries({c.id: st.sampled_from([0.0, 0.5, 1.0, None]) for c in DEFAULT.criteria}),
       st.integers(10, 200), st.integers(1, 4))
def test_any_plan_respects_dependencies_and_never_projects_down(answers, phase_days, capacity):
    result = assess(DEFAULT, responses(("pm", answers), date=dt.date(2026, 1, 1)))
    roadmap = plan(DEFAULT, result, phase_days=phase_days, capacity=capacity)
    seen = set(roadmap.done)
    previous = result.level
    for ph in roadmap.phases:
        assert ph.investments
        for p in ph.investments:
            assert set(p.investment.depends_on) <= seen
        seen |= {p.investment.id for p in ph.investments}
        assert ph.projected_level >= previous
        previous = ph.projected_level
    assert previous == 5  # every criterion of the default model has an investment
