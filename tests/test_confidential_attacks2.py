"""A second pass of attacks on the confidentiality promise (docs/confidentiality.md), after the fixes
of tests/test_confidential_attacks.py: each test acts as one adversary with real inputs and fails
while the breach is open. Each docstring says what a fix must achieve; none prescribes how."""

from __future__ import annotations

import datetime as dt
import json

from prodops import operations
from prodops.store import Workspace
from tests.conftest import ok, run
from tests.test_confidential import _token, five  # noqa: F401 (fixture)
from tests.test_confidential_attacks import _answers_file
from tests.test_web import CRITERIA, MODEL, app, client, db, invite, new_campaign, sign_in  # noqa: F401 (fixtures)

K = 3
VALUE = {p.label: p.value for p in MODEL.answer_scale}
LABELS = list(VALUE)  # No, Started, Partly, Mostly, Fully


def _person(pid: str, team: str | None, answers: dict) -> dict:
    return {"id": pid, "role": "engineering", **({"team": team} if team else {}), "answers": answers}


def _derived(wide: dict, narrow: dict) -> dict[str, float]:
    """Per criterion, what (wide's total - narrow's total) / (the people between them) gives, where
    those people are fewer than k: the answers of that few, from two figures shown."""
    mine = {c["id"]: c for c in narrow["criteria"]}
    out = {}
    for c in wide["criteria"]:
        u = mine.get(c["id"])
        if u is None or c["score"] is None or u["score"] is None:
            continue
        rest = c["respondents"] - u["respondents"]
        if 0 < rest < K:
            out[c["id"]] = (c["score"] * c["respondents"] - u["score"] * u["respondents"]) / rest
    return out


# --- a viewer: a unit's report on two days ---------------------------------------------------------------

def test_a_units_report_on_two_days_gives_away_the_one_person_who_joined_it(tmp_path):
    """Pay (a unit) is assessed on its own on 30 June: three engineers, shown (k = 3). On 30 September
    an organisation-wide assessment of four people is recorded: three outside any unit and Dan, whose
    team is Pay. Both days pass every check: Pay holds 3 and then 4 people, the organisation 3 and
    then 7, and the rest of it beside Pay is 3. But `prodops report --unit Pay --as-of 2026-06-30`
    and `prodops report --unit Pay` differ by Dan alone: 4 x the second's score - 3 x the first's is
    Dan's answer, on every criterion. The organisation moved by a whole assessment of four (the
    documented limit); Pay moved by one of them, which no limit covers.
    A fix must keep two results of the same scope on two days (report --as-of, history, trajectory)
    from differing by fewer than k people who gave a scored answer."""
    db = str(tmp_path / "w.db")
    ok("units", "add", "Pay", "--organization", "Acme", "--db", db)
    pay = [_person(f"e{i}@example.com", "Pay", {c: LABELS[(i + j) % 5] for j, c in enumerate(CRITERIA)})
           for i in range(3)]
    secret = {c: LABELS[(3 * j + 1) % 5] for j, c in enumerate(CRITERIA)}  # Dan's answers
    rest = [_person(f"o{i}@example.com", None, dict.fromkeys(CRITERIA, "Partly")) for i in range(3)]
    ok("assess", _answers_file(tmp_path, "pay.json", pay, "2026-06-30", "Pay"), "--db", db)
    ok("assess", _answers_file(tmp_path, "org.json", [*rest, _person("dan@example.com", "Pay", secret)],
                               "2026-09-30"), "--db", db)
    before = run("report", "--unit", "Pay", "--as-of", "2026-06-30", "--db", db)
    after = run("report", "--unit", "Pay", "--db", db)
    dans = {}
    if before.returncode == 0 and after.returncode == 0:
        derived = _derived(json.loads(after.stdout), json.loads(before.stdout))
        dans = {c: d for c, d in derived.items() if abs(d - VALUE[secret[c]]) < 1e-9}
    assert not dans, f"Dan's answers to {len(dans)} of {len(CRITERIA)} criteria, from Pay's reports on two days"


# --- a viewer: a unit's campaign beside the organisation's report ------------------------------------------

def test_a_unit_campaigns_result_subtracted_from_the_organisations_gives_away_the_rest(app):
    """On 30 June an organisation-wide confidential assessment: Carol (in no unit) and two engineers
    of Pay. On 30 September a confidential campaign for the unit Pay closes with three answers, those
    two engineers and a third. The organisation's report now rests on four people: Carol and Pay's
    three. Pay's own report is refused, rightly (beside the organisation's it would leave Carol alone
    over). But the campaign's result, the same three people, is shown to a viewer by the API and on
    its dashboard: 4 x the organisation's score - 3 x the campaign's is Carol's answer, every one.
    A fix must hold a unit campaign's result to the rule its unit's report is held to (beside the
    wider results it is part of, no part of fewer than k left over), or keep the two from both
    being shown."""
    with Workspace.open(app.state.settings.db) as ws:
        operations.declare_unit(ws, "Acme", "Pay")
    secret = {c: LABELS[(3 * j) % 5] for j, c in enumerate(CRITERIA)}  # Carol's answers
    pay = [{"name": f"Pay {i}", "email": f"pay{i}@example.com", "role": "engineering", "team": "Pay"} for i in range(3)]
    with Workspace.open(app.state.settings.db) as ws:
        from prodops.core.responses import Respondent, Responses

        first = Responses("Acme", dt.date(2026, 6, 30), (
            Respondent("Carol", "engineering", {c: VALUE[a] for c, a in secret.items()}),
            *[Respondent(f"Pay {i}", "engineering", dict.fromkeys(CRITERIA, VALUE["Partly"]), team="Pay") for i in range(2)]))
        operations.assess(MODEL, first, ws)
    cid = new_campaign(app, organization="Acme", name="Pay Q3", team="Pay")
    tokens = invite(app, cid, *pay)
    with Workspace.open(app.state.settings.db) as ws:
        for n, token in enumerate(tokens):
            operations.save(ws, MODEL, token, {c: LABELS[(n + j) % 5] for j, c in enumerate(CRITERIA)}, submit=True)
        operations.close(ws, MODEL, cid, today=dt.date(2026, 9, 30))
    viewer = client(app, headers={"Authorization": f"Bearer {_token(app, 'viewer@example.com')}"})
    whole = viewer.get("/organization/report.json", params={"name": "Acme"})
    assert whole.status_code == 200 and max(c["respondents"] for c in whole.json()["criteria"]) == 4
    assert viewer.get("/organization/report.json", params={"name": "Acme", "unit": "Pay"}).status_code != 200
    got = viewer.get(f"/api/v1/campaigns/{cid}/result")
    carols = {}
    if got.status_code == 200:
        doc = got.json()
        narrow = {"criteria": [{"id": c, "score": v["score"], "respondents": v["respondents"]}
                               for c, v in doc["criteria"].items()]}
        derived = _derived(whole.json(), narrow)
        carols = {c: d for c, d in derived.items() if abs(d - VALUE[secret[c]]) < 1e-9}
    assert not carols, f"Carol's answers to {len(carols)} of {len(CRITERIA)} criteria, by subtraction"


# --- a person exercising their right of access (or the admin who runs it for them) -------------------------

def test_a_persons_export_holds_another_persons_answers_and_notes_under_the_same_name(app):
    """Two organisations of the workspace each run a confidential campaign, and each invites someone
    named Ana: ana@acme.example and ana@beta.example, two people. A respondent id is unique within an
    organisation only, so both are recorded as "Ana", under one pseudonym (a keyed hash of the id).
    `prodops people export ana@acme.example` (the Users page's export) then hands Acme's Ana the
    answers and the note Beta's Ana gave, beside Beta's assessment; erasing ana@acme.example cuts
    Beta's Ana's answers loose too.
    A fix must make a person's export (and erasure) hold only what that person gave."""
    beta_note = "beta ana: our release process is a mess"
    for org, answer, note in (("Acme", "No", "acme ana"), ("Beta", "Fully", beta_note)):
        cid = new_campaign(app, organization=org, name=f"{org} Q3")
        people = [{"name": "Ana", "email": f"ana@{org.lower()}.example", "role": "pm"}] + [
            {"name": f"{org} eng {i}", "email": f"eng{i}@{org.lower()}.example", "role": "engineering"} for i in range(3)]
        tokens = invite(app, cid, *people)
        with Workspace.open(app.state.settings.db) as ws:
            operations.save(ws, MODEL, tokens[0], dict.fromkeys(CRITERIA, answer), {CRITERIA[0]: note}, submit=True)
            for token in tokens[1:]:
                operations.save(ws, MODEL, token, dict.fromkeys(CRITERIA, "Partly"), submit=True)
            operations.close(ws, MODEL, cid, today=dt.date(2026, 9, 30))
    with Workspace.open(app.state.settings.db) as ws:
        held = operations.export_person(ws, "ana@acme.example")
    others = [r for r in held["recorded_answers"] if r["organization"] != "Acme"]
    assert not others, (f"ana@acme.example's export holds {len(others)} recorded answers of Beta's Ana "
                        f"({len(others[0]['answers'])} answers, note {beta_note in json.dumps(held, default=str)})")


# --- a viewer: the history of an assessment one respondent of which answered only N/A ----------------------

def test_the_history_shows_the_level_of_a_day_two_people_gave_a_scored_answer(tmp_path):
    """An answers file of three (k = 3): Carol and Bob, and a third who answered N/A to everything.
    Two gave a scored answer, so `prodops report` is refused, rightly ("fewer than 3 answers (2 gave
    a scored answer)"). But `prodops history` (and, once a later assessment of three is recorded,
    the trajectory of every report) shows that day's level and the level of each dimension: Carol's
    and Bob's statuses, because the history counts the three respondents, not the two who scored.
    A fix must show nothing that rests on answers for a day of fewer than k people who gave a scored
    answer, in `prodops history` and in every report's trajectory, as that day's own report shows it."""
    db = str(tmp_path / "w.db")
    carol = _person("carol@example.com", None, {c.id: "Fully" if c.level == 2 else "Started" for c in MODEL.criteria})
    bob = _person("bob@example.com", None, {c.id: "Fully" if c.level == 2 else "Partly" for c in MODEL.criteria})
    blank = _person("blank@example.com", None, dict.fromkeys(CRITERIA, "N/A"))
    ok("assess", _answers_file(tmp_path, "june.json", [carol, bob, blank], "2026-06-30"), "--db", db)
    then = run("report", "--db", db)
    assert then.returncode == 2 and "fewer than 3 answers (2 gave a scored answer)" in then.stderr
    later = [_person(f"e{i}@example.com", None, dict.fromkeys(CRITERIA, "Partly")) for i in range(3)]
    ok("assess", _answers_file(tmp_path, "sept.json", later, "2026-09-30"), "--db", db)
    history = json.loads(ok("history", "--json", "--db", db).stdout)["assessments"]
    trajectory = json.loads(ok("report", "--db", db).stdout)["trajectory"]
    for where, rows in (("history", history), ("trajectory", trajectory)):
        june = [(a["level"], a["dimensions"]) for a in rows if a["date"] == "2026-06-30"
                and (a["level"] is not None or a["dimensions"] or a["progress_to_next"] is not None)]
        assert not june, f"{where}: the level and dimensions of a day two people scored: {june}"


# --- an admin: the Users page's export of a respondent -------------------------------------------------------

def test_an_admin_reads_a_respondents_answers_and_notes_through_the_people_export(app, five):
    """The confidential campaign of five closes. The admin, on the Users page, exports
    pat@example.com (POST /people/export, with the session's CSRF token): the download puts Pat's
    e-mail beside Pat's 52 recorded answers (0.75, Mostly, found under Pat's pseudonym with the
    workspace's key) and the note only Pat wrote, which every page withholds. The respondents were
    told "no one, the people who run it included, can see your answers", and the doc promises that
    no export or download puts a person beside their answers or notes; the "New link" route to the
    same answers was closed in the first review, this one is open to every admin, at any time.
    A fix must keep a confidential respondent's answers and notes out of anything the admin
    receives (the right of access served to the person themselves, not to whoever runs the app)."""
    admin, csrf = sign_in(app)
    assert admin.post(f"/campaigns/{five}/close", data={"csrf": csrf, "confirm": "yes"}).status_code == 303
    got = admin.post("/people/export", data={"email": "pat@example.com", "csrf": csrf})
    text = got.text if got.status_code == 200 else ""
    held = json.loads(text) if text.startswith("{") else {}
    given = [r["answers"] for r in held.get("recorded_answers", [])] + [i["answers"] for i in held.get("invites", [])]
    answers = [a["value"] for rows in given if isinstance(rows, list) for a in rows]  # a string says they are kept
    notes = "only the PM noted this" in text
    assert answers.count(VALUE["Mostly"]) < len(CRITERIA), \
        f"Pat's {answers.count(0.75)} answers (and the note: {notes}), to the admin"
    assert "only the PM noted this" not in text, "Pat's withheld note, to the admin"
