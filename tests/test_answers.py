"""Answers files: parsing, merging, and errors that name file, line, respondent and criterion."""

import datetime as dt
import json

import pytest

from prodops.core.responses import answer_value

from prodops.inputs.answers import load_responses
from prodops.core.errors import InputError
from prodops.inputs.models import load_model

MODEL = load_model()


def write(tmp_path, text, name="answers.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
organization: Acme
date: 2026-10-01
respondents:
  - id: ana
    role: pm
    answers:
      om-2-role: Fully
      om-2-coordination: No
      pp-2-cadence: 0.5
      ex-4-ab-platform: N/A
      ma-3-north-star:
    notes:
      om-2-role: https://wiki.example/org
"""


def test_a_good_file(tmp_path):
    r = load_responses(MODEL, [write(tmp_path, GOOD)])
    assert r.organization == "Acme" and r.date == dt.date(2026, 10, 1)
    ana = r.respondents[0]
    # `No` is an answer, not YAML 1.1's boolean false
    assert ana.answers == {"om-2-role": 1.0, "om-2-coordination": 0.0, "pp-2-cadence": 0.5, "ex-4-ab-platform": None}
    assert ana.notes == {"om-2-role": "https://wiki.example/org"}


@pytest.mark.parametrize("raw,value", [
    ("Fully", 1.0), ("fully", 1.0), (" Mostly ", 0.75), ("no", 0.0), (0.25, 0.25), (1, 1.0), ("0.5", 0.5),
    ("N/A", None), ("n/a", None), ("NA", None), ("not applicable", None)])
def test_answer_spellings(raw, value):
    assert answer_value(MODEL, raw) == value


@pytest.mark.parametrize("raw", ["Maybe", 0.6, 2, -1, True, "", [1]])
def test_answers_off_the_scale(raw):
    with pytest.raises(ValueError):
        answer_value(MODEL, raw)


def test_json_and_bom(tmp_path):
    doc = {"organization": "Acme", "date": "2026-10-01",
           "respondents": [{"id": "a", "role": "pm", "answers": {"om-2-role": "Fully"}}]}
    path = tmp_path / "a.json"
    path.write_text("\ufeff" + json.dumps(doc), encoding="utf-8")
    assert load_responses(MODEL, [path]).respondents[0].answers == {"om-2-role": 1.0}


def test_unknown_criterion_names_file_line_respondent_and_suggests(tmp_path):
    path = write(tmp_path, GOOD.replace("pp-2-cadence", "pp-2-cadense"))
    with pytest.raises(InputError) as err:
        load_responses(MODEL, [path])
    msg = str(err.value)
    assert f"{path}:9:" in msg
    assert "respondent 'ana'" in msg and "unknown criterion id 'pp-2-cadense'" in msg
    assert "did you mean 'pp-2-cadence'" in msg


def test_answer_off_the_scale_says_what_is_allowed(tmp_path):
    path = write(tmp_path, GOOD.replace("om-2-role: Fully", "om-2-role: Sometimes"))
    with pytest.raises(InputError) as err:
        load_responses(MODEL, [path])
    msg = str(err.value)
    assert f"{path}:7:" in msg and "respondent 'ana', criterion 'om-2-role'" in msg
    assert "'Sometimes' is not on the answer scale" in msg and "No (0), Started (0.25)" in msg


def test_all_problems_are_listed_at_once(tmp_path):
    text = GOOD.replace("role: pm", "role: ceo").replace("Fully", "Totally").replace("organization: Acme\n", "")
    with pytest.raises(InputError) as err:
        load_responses(MODEL, [write(tmp_path, text)])
    msg = str(err.value)
    assert "organization is required" in msg and "unknown role 'ceo'" in msg and "'Totally'" in msg


@pytest.mark.parametrize("text,expected", [
    ("organization: [unclosed\n", "not valid YAML"),
    ("- just\n- a list\n", "an answers file is a mapping"),
    ("organization: A\ndate: 2026-13-40\nrespondents: []\n", "2026-13-40 is not a real date"),
    ("organization: A\ndate: 2026-02-30\nrespondents: []\n", r"2026-02-30 is not a real date \(day is out of range"),
    ("organization: A\ndate: 1/10/2026\nrespondents: []\n", "date '1/10/2026' is not in the form YYYY-MM-DD"),
    ("organization: A\nrespondents: []\n", "date is required: the day of the assessment"),
    ("organization: A\ndate: 2026-10-01\nmodel: prodops-maturity@2.0.0\nrespondents:\n  - {id: a, role: pm, answers: {}}\n",
     "model in use is prodops-maturity@1.0.0"),
    ("organization: A\ndate: 2026-10-01\nrespondents:\n  - {id: a, role: pm, answers: {}}\n  - {id: A, role: pm, answers: {}}\n",
     "'A' appears twice in this file"),
    ("organization: A\ndate: 2026-10-01\nrespondents:\n  - id: a\n    role: pm\n"
     "    answers:\n      om-2-role: No\n      om-2-role: Fully\n",
     r"answers.yaml:8:7: not valid YAML: duplicate key 'om-2-role' \(first at line 7\); keep one"),
    ("organization: A\ndate: 2026-10-01\nrespondents: []\n", "respondents must be a non-empty list"),
    ("organization: A\ndate: 2026-10-01\nrespondents:\n  - id: a\n    role: pm\n    answer: {}\n", "unknown field"),
    ("organization: A\ndate: 2026-10-01\nmodel: samm@2\nrespondents:\n  - {id: a, role: pm, answers: {}}\n",
     "use that model, or change this line"),
    ("organization: A\ndate: 2026-10-01\nrespondents:\n  - {id: a, role: pm, answers: {}}\n  - {id: a, role: pm, answers: {}}\n",
     "appears twice"),
])
def test_malformed_files(tmp_path, text, expected):
    with pytest.raises(InputError, match=expected):
        load_responses(MODEL, [write(tmp_path, text)])


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("organization: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_responses(MODEL, [path])


def test_files_merge_and_take_the_latest_date(tmp_path):
    a = write(tmp_path, GOOD, "a.yaml")
    b = write(tmp_path, GOOD.replace("id: ana", "id: ben").replace("2026-10-01", "2026-10-03"), "b.yaml")
    r = load_responses(MODEL, [a, b])
    assert [p.id for p in r.respondents] == ["ana", "ben"] and r.date == dt.date(2026, 10, 3)
    assert r.sources == (str(a), str(b))


def test_the_same_respondent_in_two_files_is_refused(tmp_path):
    a = write(tmp_path, GOOD, "a.yaml")
    b = write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(InputError, match="respondent 'ana' also appears in"):
        load_responses(MODEL, [a, b])


def test_two_organisations_are_refused_naming_each_file(tmp_path):
    a = write(tmp_path, GOOD, "a.yaml")
    b = write(tmp_path, GOOD.replace("Acme", "acme").replace("id: ana", "id: ben"), "b.yaml")
    with pytest.raises(InputError) as err:
        load_responses(MODEL, [a, b])
    assert f"{a}: 'Acme'; {b}: 'acme'" in str(err.value) and "spell its name the same way" in str(err.value)


def test_the_same_respondent_in_another_case_is_the_same_person(tmp_path):
    a = write(tmp_path, GOOD, "a.yaml")
    b = write(tmp_path, GOOD.replace("id: ana", "id: Ana"), "b.yaml")
    with pytest.raises(InputError, match="respondent 'Ana' also appears in"):
        load_responses(MODEL, [a, b])


def test_json_errors_carry_line_numbers(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"organization": "Acme", "date": "2026-10-01",\n "respondents": [\n'
                    '  {"id": "a", "role": "pm",\n   "answers": {"om-2-role": true}}]}\n')
    with pytest.raises(InputError) as err:
        load_responses(MODEL, [path])
    assert f"{path}:4:" in str(err.value) and "true is not on the answer scale" in str(err.value)


def test_json_duplicate_keys(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"organization": "Acme", "organization": "Globex", "date": "2026-10-01", "respondents": []}')
    with pytest.raises(InputError, match="duplicate key 'organization'"):
        load_responses(MODEL, [path])


def test_criterion_ids_in_other_case_get_a_suggestion(tmp_path):
    with pytest.raises(InputError, match="did you mean 'om-2-role'"):
        load_responses(MODEL, [write(tmp_path, GOOD.replace("om-2-role: Fully", "OM-2-ROLE: Fully"))])


def test_errors_say_how_many_and_that_nothing_was_recorded(tmp_path):
    with pytest.raises(InputError, match=r"^the answers are not valid \(1 problem\); nothing was recorded:"):
        load_responses(MODEL, [write(tmp_path, GOOD.replace("role: pm", "role: ceo"))])


def test_a_model_given_as_answers_is_recognised():
    from prodops.inputs import DEFAULT_MODEL_PATH

    with pytest.raises(InputError, match="this is a maturity model, not an answers file; give it as the model"):
        load_responses(MODEL, [DEFAULT_MODEL_PATH])


BASE = "organization: A\ndate: 2026-10-01\nrespondents:\n"


@pytest.mark.parametrize("text,expected", [
    (BASE + "  - {id: a, role: [pm], answers: {}}\n", "unknown role [\"pm\"]"),
    (BASE + "  - {id: a, role: {a: b}, answers: {}}\n", "unknown role {\"a\": \"b\"}"),
    (BASE + "  - {id: a, role: pm, team: [Payments, Mobile], answers: {}}\n", "team is one text, not a list"),
    (BASE + "  - {id: a, role: pm, name: {first: A}, answers: {}}\n", "name is one text, not a mapping"),
    (BASE + "  - {id: a, role: pm, answers: {}, notes: {om-2-role: [1, 2]}}\n",
     "a note is one text (a link or a comment), not a list"),
    (BASE + "  - {id: a, role: pm, answers: {}, notes: {om-2-role: " + "n" * 10_001 + "}}\n",
     "is 10,001 characters long; at most 10,000"),
    (BASE + '  - {id: "a\\e[2J", role: pm, answers: {}}\n', "holds a control character (\\x1b)"),
    ("organization: " + "O" * 201 + "\ndate: 2026-10-01\nrespondents:\n  - {id: a, role: pm, answers: {}}\n", "at most 200"),
    ("a: &a [*a]\n", "refers to a value that contains it"),
    ("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n" + "".join(
        f"{n}: &{n} [" + ", ".join([f"*{p}"] * 10) + "]\n" for p, n in zip("abcde", "bcdef")), "would repeat values"),
    ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 150)), "nested"),
])
def test_hostile_answers_are_refused_quickly_and_clearly(tmp_path, text, expected):
    with pytest.raises(InputError) as err:
        load_responses(MODEL, [write(tmp_path, text)])
    assert expected in str(err.value)


def test_deep_json_is_refused(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError, match="nested too deeply"):
        load_responses(MODEL, [path])
