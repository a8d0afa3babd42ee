"""The default model's content, the schema, and validation errors that name file, line and path."""

import json
from pathlib import Path

import pytest
import yaml

from prodops.core.errors import InputError
from prodops.inputs import DEFAULT_MODEL_PATH
from prodops.inputs.models import load_model
from prodops.core.model import export, json_schema

MODEL = load_model()

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "product-ops-maturity-model.txt"

# Every characteristic the seed gives a level, and every step of its progression, must be made
# observable by a criterion that quotes it in `source`.
SEED_STATEMENTS = [
    # Level 1 description and symptoms: their absence is what the criteria ask for
    "No dedicated Product Ops function", "PMs handle their own process coordination",
    "metrics are inconsistent across teams", "knowledge is siloed in individuals",
    "frequent planning delays", "inconsistent sprint cadences",
    "no company-wide product analytics standard", "PMs spending > 30% of time on operational overhead",
    # Level 2
    "A Product Ops role or small team exists", "shared sprint template", "some metrics standardization",
    "no systematic analytics", "no formal discovery process", "no cross-team coordination mechanisms",
    # Level 3
    "discovery methodology", "roadmap format", "launch checklist", "retrospective cadence",
    "Core processes are documented and consistently practiced", "defined north star", "driver tree",
    "Product feedback is captured systematically", "proactively identifies process gaps",
    # Level 4
    "Processes are measured and improved based on outcomes", "A/B testing infrastructure is operational",
    "OKR tracking is automated", "Feedback loops are instrumented end-to-end", "coordinated GTM execution",
    # Level 5
    "drives company-wide learning", "retrospective insights inform company strategy", "predictive analytics",
    "measurable impact on revenue outcomes (LTV:CAC improvement, NRR improvement, AHT reduction)",
    # The progression and the value demonstration
    "six to eight recurring product processes", "Product Operations Playbook", "event tracking conventions",
    "BI dashboard setup", "data dictionary",
    "did the sprint planning process produce better predictability? measure it",
    "experimentation framework", "statistical significance standards", "systematic, automated VoC pipeline",
    "survey PMs on pre-Product Ops hours", "After 90 days, re-survey",
    "track sprint predictability (stories planned vs. stories completed) before and after process standardization",
    "launch success rate year-over-year",
    "feedback-driven roadmap item ships and drives measurable retention or expansion impact",
]
QUOTED = {q: c for c in MODEL.criteria for q in c.source}


@pytest.mark.parametrize("statement", SEED_STATEMENTS)
def test_every_seed_statement_is_carried_by_a_criterion(statement):
    assert statement in QUOTED, statement


@pytest.mark.skipif(not SEED.exists(), reason="the seed text lives in ../shared, absent here")
def test_every_quote_is_verbatim_from_the_seed():
    seed = SEED.read_text()
    assert [q for q in QUOTED if q not in seed] == []
    # the level descriptions are the seed's own words, sentence by sentence
    assert [s for lv in MODEL.levels for s in lv.description.split(". ") if s.rstrip(".") not in seed] == []


def test_levels_are_the_seeds_five():
    assert [(lv.number, lv.name) for lv in MODEL.levels] == [
        (1, "Ad-Hoc"), (2, "Emerging"), (3, "Defined"), (4, "Managed"), (5, "Optimizing")]
    assert len(MODEL.levels[0].symptoms) == 4
    assert "30%" in MODEL.levels[0].symptoms[3].text


def test_every_dimension_has_criteria_at_every_level_and_every_criterion_an_investment():
    for d in MODEL.dimensions:
        # no dimension reaches a level vacuously, with nothing checked
        assert {c.level for c in MODEL.criteria if c.dimension == d.id} == {2, 3, 4, 5}, d.id
    covered = {cid for inv in MODEL.investments for cid in inv.criteria}
    assert covered == set(MODEL.criterion)


def test_the_seeds_three_level_3_investments_and_playbook():
    for iid in ("process-standardization", "metrics-alignment", "data-infrastructure"):
        assert (MODEL.investment[iid].from_level, MODEL.investment[iid].to_level) == (2, 3)
    for iid in ("measurement-loops", "experimentation-infrastructure", "voc-pipeline"):
        assert MODEL.investment[iid].to_level == 4
    names = [p.name for p in MODEL.playbook.processes]
    assert names == ["Sprint planning", "Roadmap review", "Discovery sessions", "GTM launch",
                     "Retrospective", "QBR prep", "Metrics review"]
    assert set(MODEL.playbook.stages) == {"documented", "practiced", "measured"}


def test_data_bound_criteria_name_the_level_1_symptoms():
    bound = {c.data.metric: c for c in MODEL.criteria if c.data}
    assert {"pm_overhead_share", "sprint_cadence_consistency", "planning_delay_share"} <= bound.keys()
    assert bound["pm_overhead_share"].data.holds(0.30) and not bound["pm_overhead_share"].data.holds(0.31)


def test_export_json_has_the_documented_shape():
    data = json.loads(export(MODEL, "json"))
    assert {"number", "name", "description"} <= data["levels"][0].keys()
    assert {"id", "name"} <= data["dimensions"][0].keys()
    assert {"id", "dimension", "level", "text"} <= data["criteria"][0].keys()
    assert {"id", "name", "from_level", "to_level", "criteria", "depends_on"} <= data["investments"][0].keys()


def test_yaml_export_round_trips(tmp_path):
    path = tmp_path / "copy.yaml"
    path.write_text(export(MODEL, "yaml"))
    assert "'No'" in path.read_text() or '"No"' in path.read_text()  # quoted, or YAML 1.1 tools read False
    assert load_model(path) == MODEL


def test_json_schema_describes_the_model():
    schema = json_schema()
    assert {"id", "version", "levels", "dimensions", "criteria", "investments"} <= set(schema["properties"])
    assert "Criterion" in schema["$defs"]


# --- validation errors -------------------------------------------------------------------------

def _broken(tmp_path, edit) -> str:
    data = yaml.safe_load(DEFAULT_MODEL_PATH.read_text())
    edit(data)
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(InputError) as err:
        load_model(path)
    return str(err.value)


def test_unknown_dimension_names_file_line_and_path(tmp_path):
    msg = _broken(tmp_path, lambda d: d["criteria"][2].update(dimension="operations"))
    assert str(tmp_path / "model.yaml") in msg
    assert "criteria[2].dimension" in msg and "unknown dimension 'operations'" in msg
    line = msg.split("model.yaml:")[2].split(":")[0]
    assert line.isdigit()


def test_duplicate_criterion_id(tmp_path):
    msg = _broken(tmp_path, lambda d: d["criteria"][1].update(id=d["criteria"][0]["id"]))
    assert "criteria[1].id" in msg and "duplicate id 'om-2-role'" in msg


def test_dependency_cycle(tmp_path):
    def edit(d):
        inv = {i["id"]: i for i in d["investments"]}
        inv["establish-product-ops"]["depends_on"] = ["process-standardization"]
    assert "dependency cycle" in _broken(tmp_path, edit)


def test_unknown_investment_criterion(tmp_path):
    msg = _broken(tmp_path, lambda d: d["investments"][0]["criteria"].append("nope"))
    assert "investments[0].criteria[4]: unknown criterion 'nope'" in msg


def test_shape_problems_are_all_listed(tmp_path):
    def edit(d):
        d["investments"][0]["cost"] = 3
        d["answer_scale"][4]["value"] = 2
        del d["criteria"][0]["text"]
    msg = _broken(tmp_path, edit)
    assert "(3 problems)" in msg
    assert "investments[0].cost: unknown field" in msg
    assert "answer_scale[4].value: Input should be less than or equal to 1 (found 2)" in msg
    assert "criteria[0].text: required field is missing" in msg


def test_level_numbering(tmp_path):
    msg = _broken(tmp_path, lambda d: d["levels"][1].update(number=3))
    assert "levels[1].number: levels must be numbered 1, 2, 3... in order; expected 2, found 3" in msg


def test_criterion_above_the_top_level(tmp_path):
    assert "level 6 is above the top level 5" in _broken(tmp_path, lambda d: d["criteria"][0].update(level=6))


def test_malformed_yaml_names_line_and_column(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nlevels: [1, 2\n")
    with pytest.raises(InputError, match=r"bad.yaml:\d+:\d+: not valid YAML"):
        load_model(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_model(tmp_path / "absent.yaml")
