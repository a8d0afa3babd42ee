"""The DESIGN.md §4 rules, each with its edge cases, on a model small enough to check by hand."""

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import everyone, responses, tiny_model
from prodops.core.assessment import assess, result_document, staged_levels
from prodops.core.confidentiality import NAMED
from prodops.inputs.models import load_model

TINY = tiny_model()
DEFAULT = load_model()


@pytest.mark.parametrize("model", [TINY, DEFAULT], ids=["tiny", "default"])
def test_everything_met_is_level_5(model):
    r = assess(model, everyone(model, 1.0))
    assert r.level == 5 and set(r.dimensions.values()) == {5}
    assert r.next_level is None and r.progress_to_next is None and r.blockers == []


@pytest.mark.parametrize("model", [TINY, DEFAULT], ids=["tiny", "default"])
def test_nothing_met_is_level_1(model):
    r = assess(model, everyone(model, 0.0))
    assert r.level == 1 and set(r.dimensions.values()) == {1}
    assert r.progress_to_next == 0.0
    assert set(r.blockers) == {c.id for c in model.criteria if c.level == 2}


def test_one_unmet_level_2_criterion_holds_everyone_at_1_while_other_dimensions_stay_high():
    answers = {c.id: 1.0 for c in DEFAULT.criteria}
    answers["om-2-overhead"] = 0.5
    r = assess(DEFAULT, responses(("pm", answers), ("leadership", answers)))
    assert r.level == 1
    assert r.dimensions["operating-model"] == 1
    assert all(level == 5 for dim, level in r.dimensions.items() if dim != "operating-model")
    assert r.blockers == ["om-2-overhead"]
    level2 = [c for c in DEFAULT.criteria if c.level == 2]
    assert r.progress_to_next == pytest.approx((len(level2) - 1 + 0.5) / len(level2))


def test_unmet_criterion_caps_its_dimension_above_it():
    answers = {c.id: 1.0 for c in TINY.criteria} | {"a4": 0.0}
    r = assess(TINY, responses(("pm", answers)))
    assert r.dimensions == {"a": 3, "b": 5} and r.level == 3
    assert r.blockers == ["a4"] and r.next_level == 4


def test_higher_levels_do_not_count_when_a_lower_one_is_missing():
    answers = {c.id: 1.0 for c in TINY.criteria} | {"a2": 0.0}
    r = assess(TINY, responses(("pm", answers)))
    assert r.dimensions["a"] == 1  # a3..a5 met, but a2 is not: staged, not cumulative


def test_na_everywhere_in_a_criterion_is_na_and_counts_as_met():
    answers = {c.id: 1.0 for c in TINY.criteria} | {"a3": None}
    r = assess(TINY, responses(("pm", answers), ("lead", answers)))
    c = r.criteria["a3"]
    assert c.status == "na" and c.na and c.met and c.score is None
    assert c.respondents == 0 and c.na_count == 2
    assert r.level == 5


def test_na_answers_leave_the_denominator():
    r = assess(TINY, responses(("pm", {"a2": 1.0}), ("pm", {"a2": None}), ("pm", {"a2": 0.5})))
    c = r.criteria["a2"]
    assert c.score == pytest.approx(0.75) and c.respondents == 2 and c.na_count == 1 and c.met


def test_a_split_room_disagrees_and_is_not_met():
    r = assess(TINY, responses(("pm", {"a2": 1.0}), ("pm", {"a2": 1.0}), ("lead", {"a2": 0.0}), ("lead", {"a2": 0.0})))
    c = r.criteria["a2"]
    assert c.score == pytest.approx(0.5) and c.spread == 1.0 and c.disagreement and not c.met
    assert c.stdev == pytest.approx(0.5)
    assert c.by_role == {"lead": 0.0, "pm": 1.0}


@pytest.mark.parametrize("low,high,disagree", [(0.25, 0.75, True), (0.25, 0.5, False), (0.0, 1.0, True), (0.5, 0.75, False)])
def test_disagreement_starts_at_a_spread_of_exactly_half(low, high, disagree):
    r = assess(TINY, responses(("pm", {"a2": low}), ("pm", {"a2": high})))
    assert r.criteria["a2"].disagreement is disagree


def test_role_weights_shift_the_score():
    model = tiny_model(roles=[{"id": "pm", "name": "PM", "weight": 1}, {"id": "lead", "name": "L", "weight": 3}])
    r = assess(model, responses(("pm", {"a2": 0.0}), ("lead", {"a2": 1.0})))
    assert r.criteria["a2"].score == pytest.approx(0.75) and r.criteria["a2"].met
    same = assess(TINY, responses(("pm", {"a2": 0.0}), ("lead", {"a2": 1.0})))
    assert same.criteria["a2"].score == pytest.approx(0.5) and not same.criteria["a2"].met


def test_met_threshold_exactly():
    exactly = assess(TINY, responses(("pm", {"a2": 1.0}), ("pm", {"a2": 0.5})))
    assert exactly.criteria["a2"].score == 0.75 and exactly.criteria["a2"].met
    below = assess(TINY, responses(("pm", {"a2": 1.0}), ("pm", {"a2": 0.5}), ("pm", {"a2": 0.5})))
    assert below.criteria["a2"].score == pytest.approx(2 / 3) and not below.criteria["a2"].met


def test_threshold_holds_through_float_rounding_of_weighted_means():
    model = tiny_model(roles=[{"id": "pm", "name": "PM", "weight": 0.1}, {"id": "lead", "name": "L", "weight": 0.7}])
    r = assess(model, responses(("pm", {"a2": 0.75}), ("lead", {"a2": 0.75}), ("pm", {"a2": 0.75})))
    assert r.criteria["a2"].met  # 0.75 * 0.9 / 0.9 is 0.7499999999999999 in binary


def test_a_custom_threshold_is_used():
    model = tiny_model(met_threshold=0.5)
    assert assess(model, responses(("pm", {"a2": 0.5}))).criteria["a2"].met


def test_unanswered_criterion_blocks_and_is_reported_not_scored_as_zero():
    answers = {c.id: 1.0 for c in TINY.criteria}
    del answers["b2"]
    r = assess(TINY, responses(("pm", answers), ("lead", answers)))
    c = r.criteria["b2"]
    assert c.status == "unanswered" and not c.met and c.score is None and c.blank_count == 2
    assert r.level == 1 and r.blockers == ["b2"]
    assert r.progress_to_next == pytest.approx(0.5)  # a2 = 1, b2 unanswered counts 0


def test_a_respondent_who_skips_is_left_out_of_that_criterion():
    r = assess(TINY, responses(("pm", {"a2": 1.0}), ("pm", {})))
    c = r.criteria["a2"]
    assert c.score == 1.0 and c.respondents == 1 and c.blank_count == 1


def test_progress_is_the_mean_score_of_the_next_level():
    answers = {c.id: 1.0 for c in TINY.criteria if c.level == 2} | {"a3": 0.5, "b3": 0.25}
    r = assess(TINY, responses(("pm", answers)))
    assert r.level == 2 and r.progress_to_next == pytest.approx(0.375)
    assert r.blockers == ["a3", "b3"]


def test_progress_leaves_na_criteria_out():
    answers = {c.id: 1.0 for c in TINY.criteria if c.level == 2} | {"a3": None, "b3": 0.5}
    r = assess(TINY, responses(("pm", answers)))
    assert r.progress_to_next == pytest.approx(0.5) and r.blockers == ["b3"]


class TestDataBoundCriteria:
    MODEL = tiny_model(criteria=[
        {"id": f"{d}{n}", "dimension": d, "level": n, "text": "t",
         **({"data": {"metric": "pm_overhead_share", "op": "<=", "threshold": 0.3}} if (d, n) == ("a", 2) else {})}
        for d in "ab" for n in range(2, 6)])

    def test_data_decides_by_default_and_flags_a_conflict(self):
        r = assess(self.MODEL, responses(("pm", {"a2": 1.0})), {"pm_overhead_share": 0.42})
        c = r.criteria["a2"]
        assert c.status == "unmet" and not c.met
        assert c.data.holds is False and c.data.decides and c.data.conflict and c.score == 1.0

    def test_data_that_agrees_is_no_conflict(self):
        c = assess(self.MODEL, responses(("pm", {"a2": 1.0})), {"pm_overhead_share": 0.2}).criteria["a2"]
        assert c.met and not c.data.conflict

    def test_answers_decide_when_the_model_says_so(self):
        model = self.MODEL.model_copy(update={"data_precedence": "answers"})
        c = assess(model, responses(("pm", {"a2": 1.0})), {"pm_overhead_share": 0.42}).criteria["a2"]
        assert c.met and c.data.conflict and not c.data.decides

    def test_data_fills_in_where_nobody_answered(self):
        model = self.MODEL.model_copy(update={"data_precedence": "answers"})
        c = assess(model, responses(("pm", {})), {"pm_overhead_share": 0.1}).criteria["a2"]
        assert c.met and c.data.decides and not c.data.conflict

    def test_no_measurement_no_verdict(self):
        assert assess(self.MODEL, responses(("pm", {"a2": 1.0}))).criteria["a2"].data is None


def test_result_document_has_the_documented_keys():
    doc = result_document(assess(TINY, responses(("pm", {"a2": 1.0}))), TINY)
    assert {"level", "dimensions", "blockers", "progress_to_next", "criteria"} <= doc.keys()
    assert {"score", "met", "na", "spread", "disagreement", "respondents"} <= doc["criteria"]["a2"].keys()


def test_everything_na_says_loudly_what_the_level_rests_on():
    r = assess(DEFAULT, everyone(DEFAULT, None, n=1))  # one respondent, N/A to all 52 criteria
    assert r.level == 5  # the §4 rule stands: an all-N/A criterion counts as met ...
    codes = {w.code: w for w in r.warnings}  # ... but the result says what that rests on
    assert set(codes) == {"met_through_na", "dimension_all_na", "single_respondent", "respondent_without_scores"}
    assert codes["met_through_na"].message == ("52 of 52 criteria count as met only because everyone answered N/A; "
                                               "counted as unmet, the level would be 1, not 5")
    assert len(codes["met_through_na"].criteria) == 52
    assert len(codes["dimension_all_na"].dimensions) == len(DEFAULT.dimensions)
    # confidential (the default): how many, never who; a named assessment names them
    assert codes["respondent_without_scores"].respondents == () and "r0" not in codes["respondent_without_scores"].message
    named = assess(DEFAULT, replace(everyone(DEFAULT, None, n=1), privacy=NAMED))
    assert {w.code: w for w in named.warnings}["respondent_without_scores"].respondents == ("r0",)
    doc = result_document(r, DEFAULT)
    assert [w["code"] for w in doc["warnings"]] == ["met_through_na", "dimension_all_na", "single_respondent",
                                                    "respondent_without_scores"]
    assert doc["warnings"][0]["criteria"][0] == DEFAULT.criteria[0].id


def test_a_sound_assessment_has_no_warnings():
    assert assess(TINY, everyone(TINY, 1.0, n=3)).warnings == ()
    one_na = assess(TINY, responses(
        ("pm", {**{c.id: 1.0 for c in TINY.criteria}, "a5": None}), ("lead", {**{c.id: 1.0 for c in TINY.criteria}, "a5": None})))
    assert [w.code for w in one_na.warnings] == ["met_through_na"]
    assert one_na.warnings[0].message == "1 of 8 criteria count as met only because everyone answered N/A; " \
        "counted as unmet, the level would be 4, not 5"


@pytest.mark.parametrize("a, level, said", [
    # a3 N/A lifts dimension a (a4 unmet) from 2 to 3, so the level from 2 to 3
    ({"a2": 1.0, "a3": None, "a4": 0.0, "a5": 0.0}, 3, "counted as unmet, the level would be 2, not 3"),
    # a4 N/A sits above an unmet a3: counted unmet, the level is the same, and the message says so
    ({"a2": 1.0, "a3": 0.0, "a4": None, "a5": 1.0}, 2, "counted as unmet, the level would still be 2"),
])
def test_the_na_warning_gives_the_level_the_criteria_would_give_if_counted_unmet(a, level, said):
    """docs/scoring.md: the message gives the level they would give if counted unmet, whether
    lower or the same (b is met throughout, so dimension a alone sets the level)."""
    people = [("pm", {**a, **{f"b{n}": 1.0 for n in range(2, 6)}})] * 2
    r = assess(TINY, responses(*people))
    assert r.level == level
    assert [w.message for w in r.warnings] == [f"1 of 8 criteria count as met only because everyone answered N/A; {said}"]


# --- properties --------------------------------------------------------------------------------

SCALE = [0.0, 0.25, 0.5, 0.75, 1.0]
answer = st.one_of(st.sampled_from(SCALE), st.none(), st.just("skip"))
room = st.lists(
    st.tuples(st.sampled_from(["pm", "lead"]), st.fixed_dictionaries({c.id: answer for c in TINY.criteria})),
    min_size=1, max_size=6)


def _clean(people):
    return [(role, {k: v for k, v in a.items() if v != "skip"}) for role, a in people]


@settings(max_examples=300, deadline=None)
@given(room, st.data())
def test_raising_any_answer_never_lowers_a_level(people, data):
    people = _clean(people)
    before = assess(TINY, responses(*people))
    who = data.draw(st.integers(0, len(people) - 1))
    scored = [c for c, v in people[who][1].items() if v is not None]
    if not scored:
        return
    cid = data.draw(st.sampled_from(sorted(scored)))
    old = people[who][1][cid]
    new = data.draw(st.sampled_from([v for v in SCALE if v >= old]))
    raised = [(role, dict(a)) for role, a in people]
    raised[who][1][cid] = new
    after = assess(TINY, responses(*raised))
    assert after.level >= before.level
    assert all(after.dimensions[d] >= before.dimensions[d] for d in before.dimensions)


@settings(max_examples=300, deadline=None)
@given(room)
def test_overall_is_the_minimum_of_the_dimension_levels(people):
    r = assess(TINY, responses(*_clean(people)))
    assert r.level == min(r.dimensions.values())
    assert r.progress_to_next is None or 0.0 <= r.progress_to_next <= 1.0
    for c in r.criteria.values():
        if c.score is not None:
            assert 0.0 <= c.score <= 1.0 and c.spread >= 0 and not math.isnan(c.stdev)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({c.id: st.booleans() for c in DEFAULT.criteria}))
def test_staged_level_is_the_highest_fully_met_prefix(met):
    level, dims = staged_levels(DEFAULT, met)
    assert level == min(dims.values())
    assert all(met[c.id] for c in DEFAULT.criteria if c.level <= level)
    if level < DEFAULT.top_level:
        assert not all(met[c.id] for c in DEFAULT.criteria if c.level == level + 1)
