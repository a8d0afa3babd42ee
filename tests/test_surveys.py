"""Google Forms and Typeform exports through a mapping file: fixtures written here in their shapes."""

import json

import pytest

from conftest import run
from prodops.core.errors import InputError
from prodops.inputs.models import load_model
from prodops.inputs.sources import load
from prodops.inputs.sources.survey import Export, read_answers

TIME_MAP = """for: time-survey
respondent: Email Address
period: {value: followup}
date: Timestamp
meeting_coordination: "Q1: Meetings"
reporting: "#4"
tool_research: "Q3: Tools"
process_design: "Q4: Process"
"""


def files(tmp_path, export: bytes, mapping: str = TIME_MAP):
    (tmp_path / "export.csv").write_bytes(export)
    (tmp_path / "map.yaml").write_text(mapping)
    return tmp_path / "export.csv", tmp_path / "map.yaml"


GOOGLE = ('\ufeffTimestamp,Email Address,Q1: Meetings,Q2: Reporting,Q3: Tools,Q4: Process,Comments\r\n'
          '7/15/2026 9:01:02,ana@x.io,3,2.5,1,1,"fine,\nreally"\r\n'
          '7/16/2026 10:00:00,ben@x.io,4,2,0,1,,\r\n').encode()


def test_a_google_forms_export_with_bom_crlf_newlines_and_long_rows(tmp_path):
    batch = load("survey-export", list(files(tmp_path, GOOGLE)[:1]), mapping=tmp_path / "map.yaml")
    rows = batch.rows.sort("respondent").to_dicts()
    assert [(r["respondent"], str(r["date"]), r["reporting"]) for r in rows] == [
        ("ana@x.io", "2026-07-15", 2.5), ("ben@x.io", "2026-07-16", 2.0)]


def test_bad_values_name_the_export_record_and_column(tmp_path):
    export, mapping = files(tmp_path, GOOGLE.replace(b",2.5,", b",two,"))
    with pytest.raises(InputError) as err:
        load("survey-export", [export], mapping=mapping)
    assert "row 2, column reporting: 'two' is not a number" in str(err.value) and "mapped by" in str(err.value)


def test_mapping_problems(tmp_path):
    export, mapping = files(tmp_path, GOOGLE, TIME_MAP.replace('"Q3: Tools"', '"Q3: Tooling"'))
    with pytest.raises(InputError, match=r"no column 'Q3: Tooling' in .* its columns are: #1 'Timestamp'"):
        load("survey-export", [export], mapping=mapping)
    export, mapping = files(tmp_path, GOOGLE, TIME_MAP.replace("reporting: \"#4\"\n", ""))
    with pytest.raises(InputError, match="reporting: required: say which column it comes from"):
        load("survey-export", [export], mapping=mapping)
    export, mapping = files(tmp_path, GOOGLE.replace(b"7/15/2026", b"15.07.2026"))
    with pytest.raises(InputError, match=r"row 2, date: '15\.07\.2026 9:01:02' is not a date .* set date_format"):
        load("survey-export", [export], mapping=mapping)
    with pytest.raises(InputError, match="needs a mapping file"):
        load("survey-export", [export])


TYPEFORM = (b"#,How do you rate: we have a Product Ops role?,Other,Your role,Other,Response Type,"
            b"Start Date (UTC),Submit Date (UTC),Network ID\n"
            b"995106cd710ec2af0e371cbe5e1f68fb,Strongly agree,,PM,,completed,2026-09-28 10:00:00,2026-09-28 10:05:00,5f57f20d14\n"
            b"a95106cd710ec2af0e371cbe5e1f68fb,Agree,,Leadership,x,completed,2026-09-29 10:00:00,2026-09-29 10:05:00,5f57f20d15\n"
            b"b95106cd710ec2af0e371cbe5e1f68fb,,,PM,,partial,2026-09-29 11:00:00,,5f57f20d16\n")
ANSWERS_MAP = """for: answers
organization: {value: Acme}
date: Submit Date (UTC)
respondent: "#"
role: Your role
roles: {PM: pm, Leadership: leadership}
values: {Strongly agree: Fully, Agree: Mostly}
criteria:
  om-2-role: "How do you rate: we have a Product Ops role?"
"""


def test_a_typeform_answers_export_scores(tmp_path):
    export, mapping = files(tmp_path, TYPEFORM, ANSWERS_MAP)
    responses = read_answers(export, mapping, load_model())
    assert [r.role for r in responses.respondents] == ["pm", "leadership"]  # the partial response is left out
    assert [r.answers["om-2-role"] for r in responses.respondents] == [1.0, 0.75]
    assert str(responses.date) == "2026-09-29"
    doc = json.loads(run("assess", str(export), "--mapping", str(mapping), "--no-record", "--json").stdout)
    # two respondents: confidential, their score is left out (it would be 0.875)
    assert doc["criteria"]["om-2-role"]["score"] is None and doc["respondents"] == 2
    assert doc["criteria"]["om-2-role"]["suppressed"] == "fewer than 3 answers"


def test_a_duplicate_header_must_be_picked_by_position(tmp_path):
    export, mapping = files(tmp_path, TYPEFORM, ANSWERS_MAP.replace('role: Your role', 'role: Other'))
    with pytest.raises(InputError, match=r"'Other' names 2 columns .* \(#3, #5\); use #N"):
        read_answers(export, mapping, load_model())


def test_answers_off_the_scale_name_the_record(tmp_path):
    export, mapping = files(tmp_path, TYPEFORM, ANSWERS_MAP.replace("Agree: Mostly", "Agree: Sort of"))
    p = run("assess", str(export), "--mapping", str(mapping), "--no-record")
    assert p.returncode == 2 and "record 3: answers.om-2-role" in p.stderr and "'Sort of' is not on the answer scale" in p.stderr


def test_a_mapping_for_the_other_use_is_redirected(tmp_path):
    export, mapping = files(tmp_path, TYPEFORM, ANSWERS_MAP)
    with pytest.raises(InputError, match="this mapping is for answers; use it with assessment answers"):
        load("survey-export", [export], mapping=mapping)


def test_export_quirks_directly(tmp_path):
    export = Export(files(tmp_path, TYPEFORM)[0])
    assert export.partial == 1 and len(export.records) == 2 and export.header.count("Other") == 2


def test_an_empty_email_column_is_a_missing_respondent(tmp_path):
    export, mapping = files(tmp_path, GOOGLE.replace(b"ben@x.io", b""))
    with pytest.raises(InputError, match=r"row 3, column respondent: .* is empty; this column is required"):
        load("survey-export", [export], mapping=mapping)


def test_checkbox_answers_and_newer_typeform_columns(tmp_path):
    # Google joins a checkbox question's choices with ", ": not one answer on the scale, so refused
    google = (b"Timestamp,Email Address,Your role,We have a Product Ops role\r\n"
              b'9/28/2026 10:00:00,ana@x.io,pm,"Fully, Mostly"\r\n')
    mapping = ("for: answers\norganization: {value: Acme}\ndate: Timestamp\nrespondent: Email Address\n"
               "role: Your role\ncriteria:\n  om-2-role: We have a Product Ops role\n")
    export, mapping_path = files(tmp_path, google, mapping)
    with pytest.raises(InputError, match=r"record 2: answers\.om-2-role: .*'Fully, Mostly' is not on the answer scale"):
        read_answers(export, mapping_path, load_model())
    # Typeform: one column per option (the label or empty), plus Stage Date, Tags and hidden fields
    typeform = (b"#,Fully,Partly,Your role,Response Type,Start Date (UTC),Stage Date (UTC),Submit Date (UTC),"
                b"Network ID,Tags,utm_source\n"
                b"a1,Fully,,pm,completed,2026-09-28 10:00:00,,2026-09-28 10:05:00,5f,,newsletter\n"
                b"b2,,Partly,pm,completed,2026-09-28 11:00:00,,2026-09-28 11:05:00,6f,vip,\n")
    mapping = ("for: answers\norganization: {value: Acme}\ndate: Submit Date (UTC)\nrespondent: '#1'\n"
               "role: Your role\ncriteria:\n  om-2-role: '#2'\n  om-2-knowledge: '#3'\n")
    export, mapping_path = files(tmp_path, typeform, mapping)
    people = read_answers(export, mapping_path, load_model()).respondents
    assert [p.answers for p in people] == [{"om-2-role": 1.0}, {"om-2-knowledge": 0.5}]  # empty option = unanswered


def test_an_unknown_mapping_key_is_refused(tmp_path):
    export, mapping = files(tmp_path, GOOGLE, TIME_MAP + "work_hour: Q5\n")
    with pytest.raises(InputError, match=r"work_hour: unknown key; a time-survey mapping has: .*work_hours"):
        load("survey-export", [export], mapping=mapping)


TWO_ORGS_EXPORT = (b"Timestamp,Email Address,Company,Role,Q1\n"
                  b"2026-10-01 10:00:00,a@x.io,Acme,Product Manager,Agree\n"
                  b"2026-10-01 11:00:00,b@x.io,Globex,Product Manager,Agree\n")
TWO_ORGS_MAP = "for: answers\norganization: Company\nrespondent: Email Address\nrole: Role\ncriteria: {om-2-role: Q1}\n"


def test_an_export_naming_two_organisations_is_refused(tmp_path):
    export, mapping = files(tmp_path, TWO_ORGS_EXPORT, TWO_ORGS_MAP + "roles: {Product Manager: pm}\nvalues: {Agree: Mostly}\n")
    with pytest.raises(InputError,
                       match=r"the responses name 2 organisations \('Acme' first in row 2; 'Globex' first in row 3\)"):
        read_answers(export, mapping, load_model())


@pytest.mark.parametrize("extra,expected", [
    ("date_format: [1, 2]", r"6:14: date_format: a date format such as"),
    ("date_format: 5", r"date_format: a date format such as"),
    ("roles: [a, b]", r"roles: a mapping of the export's role answers"),
    ("values: [a]", r"values: a mapping of the export's answers to the answer scale"),
    ("roles: {Product Manager: [pm]}", r"roles.Product Manager: input should be a valid string"),
])
def test_a_mapping_of_the_wrong_shape_names_the_key(tmp_path, extra, expected):
    export, mapping = files(tmp_path, TWO_ORGS_EXPORT, TWO_ORGS_MAP + extra + "\n")
    with pytest.raises(InputError, match=expected):
        read_answers(export, mapping, load_model())
