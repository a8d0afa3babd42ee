"""Confidential by default (core.confidentiality), tested as its adversaries: a viewer doing
arithmetic on the groups shown, a viewer reading the pages for names, someone comparing two
results of the same campaign, a hostile note."""

import html
import json
import re

import pytest
import sqlalchemy as sa

from prodops import operations
from prodops.core.confidentiality import NAMED, Privacy, pseudonym, shown_notes, statement, suppressed
from prodops.store import Workspace
from tests.conftest import ok
from tests.test_organizations import _texts
from tests.test_web import CRITERIA, MODEL, client, invite, new_campaign, serving, sign_in

K3 = Privacy(3)


@pytest.fixture
def app(db_url):
    """The web app on a workspace of its own, on SQLite and on a real PostgreSQL server."""
    yield from serving(db_url)


# --- the rule, by hand -----------------------------------------------------------------------------

@pytest.mark.parametrize(("sizes", "hidden"), [
    ({"pm": 1, "engineering": 4}, {"pm", "engineering"}),  # pm alone, and engineering with it: total - eng = pm
    ({"pm": 1, "engineering": 4, "design": 3}, {"pm", "design"}),  # the next-smallest goes with it: 4 together
    ({"pm": 3, "engineering": 4}, set()),
    ({"a": 2, "b": 2, "c": 5}, {"a", "b"}),  # two small ones hold 4 together: c may show
    ({"a": 1, "b": 1, "c": 1}, {"a", "b", "c"}),
    ({}, set()),
])
def test_small_groups_and_enough_of_their_siblings_are_suppressed(sizes, hidden):
    assert suppressed(sizes, K3) == hidden
    shown = {g: n for g, n in sizes.items() if g not in hidden}
    left_out = sum(sizes.values()) - sum(shown.values())
    assert all(n >= 3 for n in shown.values()) and (left_out == 0 or left_out >= 3)  # no one by subtraction
    assert suppressed(sizes, NAMED) == set()


def test_notes_need_k_people_on_a_criterion_and_never_say_who_or_in_what_order():
    notes = [("a", "zoe", "zebra crossing"), ("a", "ann", "apple"), ("a", "bob", "mango"), ("b", "ann", "only me")]
    shown, withheld = shown_notes(notes, K3)
    assert [(n.criterion, n.texts, n.authors) for n in shown] == [("a", ("apple", "mango", "zebra crossing"), ())]
    assert withheld == 1
    named, _ = shown_notes(notes, NAMED)
    assert named[0].authors == ("ann", "bob", "zoe") and named[1].texts == ("only me",)


def test_a_pseudonym_is_keyed_stable_and_case_blind():
    key = b"k" * 32
    assert pseudonym(key, "Acme", "Ana@Example.com") == pseudonym(key, "ACME", " ana@example.com")
    assert pseudonym(key, "Acme", "ana") != pseudonym(b"j" * 32, "Acme", "ana") and "ana" not in pseudonym(key, "Acme", "ana")
    assert pseudonym(key, "Acme", "ana") != pseudonym(key, "Beta", "ana")  # two organisations' Ana: two people
    assert pseudonym(key, "Acme", pseudonym(key, "Acme", "ana")) == pseudonym(key, "Acme", "ana")  # recorded again


# --- a campaign of 1 PM and 4 engineers -----------------------------------------------------------

PM_ANSWER = "Mostly"  # 0.75 on every criterion: a figure anyone could spot
ENGINEERS = ["No", "Partly", "No", "Partly"]  # 0, 0.25, 0, 0.25 on every criterion: their mean 0.125


def derivable(doc: dict, k: int = 3) -> list[str]:
    """What a viewer can work out from a result document's figures alone: for each criterion, the
    groups shown (everyone, each role) and the difference between everyone and the roles shown. Any
    of them resting on fewer than k people is a breach."""
    breaches = []
    for cid, c in doc["criteria"].items():
        if c["score"] is None:
            continue
        roles_n = doc["roles"]
        shown_n = sum(roles_n[r] for r in c["by_role"])
        if c["respondents"] < k:
            breaches.append(f"{cid}: everyone, {c['respondents']}")
        breaches += [f"{cid}: {r}, {roles_n[r]}" for r in c["by_role"] if roles_n[r] < k]
        if 0 < c["respondents"] - shown_n < k:
            breaches.append(f"{cid}: everyone minus {sorted(c['by_role'])} = {c['respondents'] - shown_n}")
    return breaches


@pytest.fixture
def five(app):
    """A confidential campaign (the default) of Acme: 1 PM, 4 engineers, all submitted, with notes."""
    cid = new_campaign(app, organization="Acme", name="Q4 confidential")
    people = [{"name": "Pat Pm", "email": "pat@example.com", "role": "pm", "team": "Pay"}] + [
        {"name": f"Eng {i}", "email": f"eng{i}@example.com", "role": "engineering", "team": "Pay"} for i in range(4)]
    tokens = invite(app, cid, *people)
    with Workspace.open(app.state.settings.db) as ws:
        operations.save(ws, MODEL, tokens[0], dict.fromkeys(CRITERIA, PM_ANSWER),
                        {CRITERIA[0]: "<script>alert('pat')</script> only the PM noted this", CRITERIA[1]: "pm: b"},
                        submit=True)
        for token, answer, i in zip(tokens[1:], ENGINEERS, range(4)):
            operations.save(ws, MODEL, token, dict.fromkeys(CRITERIA, answer),
                            {CRITERIA[1]: f"eng {i}: b"} if i < 2 else {}, submit=True)
    return cid


def test_while_open_a_confidential_campaign_shows_counts_and_no_result(app, five):
    viewer, _ = sign_in(app, "viewer@example.com")
    page = viewer.get(f"/campaigns/{five}").text
    assert "5</strong> submitted" in page and "is confidential: its result is shown once it closes" in page
    assert "Level " not in page.split('id="result-h"')[1].split("</section>")[0]
    assert "The notes are shown once the campaign closes" in page and "only the PM noted" not in page
    admin_token = _token(app, "admin@example.com")
    viewer_token = _token(app, "viewer@example.com")
    early = client(app, headers={"Authorization": f"Bearer {viewer_token}"}).get(f"/api/v1/campaigns/{five}/result")
    assert early.status_code == 409  # a result that moved with each submission would show each person's answers
    also = client(app, headers={"Authorization": f"Bearer {admin_token}"}).get(f"/api/v1/campaigns/{five}/result")
    assert also.status_code == 409  # an admin neither


def _token(app, email: str) -> str:
    with Workspace.open(app.state.settings.db) as ws:
        return operations.create_token(ws, email)[1]


def test_the_pms_answers_cannot_be_read_or_derived_anywhere(app, five, tmp_path):
    browser, csrf = sign_in(app)
    assert browser.post(f"/campaigns/{five}/close", data={"csrf": csrf, "confirm": "yes"}).status_code == 303
    viewer_token = _token(app, "viewer@example.com")
    api = client(app, headers={"Authorization": f"Bearer {viewer_token}"})
    doc = api.get(f"/api/v1/campaigns/{five}/result").json()
    assert doc["level"] >= 1 and doc["respondents"] == 5 and doc["roles"] == {"pm": 1, "engineering": 4}
    assert derivable(doc) == []
    assert all(c["by_role"] == {} and c["roles_suppressed"] == ["engineering", "pm"] for c in doc["criteria"].values())
    dashboard = browser.get(f"/campaigns/{five}").text
    assert not re.search(r"\bpm 0\.75\b|engineering 0\.1[23]", dashboard)
    # the notes: the one only the PM wrote is withheld; three wrote on CRITERIA[1]: shown, sorted, no names
    assert "only the PM noted" not in dashboard and "alert(" not in dashboard
    assert re.search(r"eng 0: b.*eng 1: b.*pm: b", dashboard, re.S) and "1 note withheld" in dashboard
    viewer, _ = sign_in(app, "viewer@example.com")
    seen = viewer.get(f"/campaigns/{five}").text
    assert "Eng 0" not in seen and "eng0@example.com" not in seen and "Pat Pm" not in seen  # counts only
    if "postgresql" in app.state.settings.db:
        return  # the formats are drawn from the same document whatever the database: once is enough
    # every report format, as the command line writes it (the web app's downloads are the same files)
    out = tmp_path / "r"
    ok("report", "-f", "html,pdf,md,xlsx,pptx,json", "--appendix", "--organization", "Acme", "--out", f"{out}/",
       "--db", app.state.settings.db)
    texts = _texts(out)
    report = json.loads(texts["json"])
    assert derivable({"criteria": {c["id"]: c for c in report["criteria"]},
                      "roles": report["methodology"]["respondents_by_role"]}) == []
    for fmt, words in texts.items():
        flat = " ".join(words.split())
        # the PM's 0.75 and the engineers' 0.125 as role means: nowhere, in no format
        assert not re.search(r"\bpm 0\.75\b|\bengineering 0\.1[23]\b", flat), fmt
        assert "Pat" not in flat and "pat@example.com" not in flat, fmt
    noted = report["notes"]
    assert noted["withheld"] == 1 and [n["notes"] for n in noted["shown"]] == [["eng 0: b", "eng 1: b", "pm: b"]]
    assert "respondents" not in noted["shown"][0]  # no names beside notes
    assert [fmt for fmt in texts if "eng 1: b" not in texts[fmt]] == [] and "What people noted" in texts["html"]


def test_a_viewer_sees_no_invitee_and_an_admin_no_ones_answers(app, five):
    viewer, _ = sign_in(app, "viewer@example.com")
    page = viewer.get(f"/campaigns/{five}").text
    for who in ("Pat Pm", "pat@example.com", "Eng 1", "eng1@example.com"):
        assert who not in page
    viewer_api = client(app, headers={"Authorization": f"Bearer {_token(app, 'viewer@example.com')}"})
    status = viewer_api.get(f"/api/v1/campaigns/{five}").json()
    assert status["waiting"] == [] and status["responses"]["submitted"] == 5 and "pat@example.com" not in json.dumps(status)
    assert viewer_api.get(f"/api/v1/campaigns/{five}/invites").status_code == 403
    admin, _ = sign_in(app)
    assert "pat@example.com" in admin.get(f"/campaigns/{five}").text  # who to remind: the admin sees who
    admin_api = client(app, headers={"Authorization": f"Bearer {_token(app, 'admin@example.com')}"})
    assert any(i["email"] == "pat@example.com" for i in admin_api.get(f"/api/v1/campaigns/{five}/invites").json())


def test_closing_keeps_no_name_or_e_mail_beside_the_answers(app, five):
    with Workspace.open(app.state.settings.db) as ws:
        done = operations.close(ws, MODEL, five)
        with ws.engine.connect() as conn:
            for table in ("assessments", "respondents", "answers"):
                rows = " ".join(map(str, conn.execute(sa.text(f"SELECT * FROM {table}"))))
                assert "Pat" not in rows and "example.com" not in rows and "Eng " not in rows, table
        replay = ws.responses(done.recorded.id)
    assert replay.privacy == K3 and {r.name for r in replay.respondents} == {None}


def test_an_admin_hides_a_note_and_it_appears_nowhere(app, five):
    browser, csrf = sign_in(app)
    assert browser.post(f"/campaigns/{five}/close", data={"csrf": csrf, "confirm": "yes"}).status_code == 303
    assert "eng 1: b" in browser.get(f"/campaigns/{five}").text
    hid = browser.post(f"/campaigns/{five}/notes", data={"csrf": csrf, "criterion": CRITERIA[1], "text": "eng 1: b"})
    assert hid.status_code == 303
    page = browser.get(f"/campaigns/{five}").text
    # two people left on it: fewer than 3, so the others are withheld too; the page counts them
    assert "eng 1: b" not in page and "eng 0: b" not in page and "(1 hidden by an admin)" in page
    with Workspace.open(app.state.settings.db) as ws:
        kept = [n for r in ws.responses(ws.latest("Acme").id).respondents for n in r.notes.values()]
    assert "eng 1: b" not in kept and "eng 0: b" in kept  # the recorded assessment follows
    report = json.loads(ok("report", "-f", "json", "--organization", "Acme", "--db", app.state.settings.db).stdout)
    # the PM's note alone on its statement, the hidden one, and the two left beside it: withheld, and counted
    assert report["notes"] == {"shown": [], "withheld": 4}
    assert browser.post(f"/campaigns/{five}/notes", data={"criterion": CRITERIA[1], "text": "eng 0: b"}).status_code == 403
    viewer, viewer_csrf = sign_in(app, "viewer@example.com")
    assert viewer.post(f"/campaigns/{five}/notes", data={"csrf": viewer_csrf, "criterion": CRITERIA[1],
                                                         "text": "eng 0: b"}).status_code == 403


def test_the_respondent_is_told_who_will_see_what_before_starting(app):
    confidential = new_campaign(app, name="Q4 confidential", threshold=5)
    named = new_campaign(app, name="Q4 named", threshold=None)
    for cid, words in ((confidential, "at least 5 people"), (named, "see your name beside your answers")):
        token = invite(app, cid, {"name": "Ana", "role": "pm"})[0]
        page = client(app).get(f"/r/{token}").text
        assert words in page
        with Workspace.open(app.state.settings.db) as ws:
            said = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
            assert " ".join(operations.campaign(ws, cid).statement()) in said


def test_the_invitation_says_the_same(app):
    from prodops.operations import letter

    cid = new_campaign(app, name="Q4 confidential", threshold=3)
    with Workspace.open(app.state.settings.db) as ws:
        found = operations.campaign(ws, cid)
    words = statement(K3, "Acme")
    for kind in ("invitation", "reminder", "link"):
        text = letter(found, MODEL, kind, "Ana", "pm", "http://x/r/t").text
        assert all(p in text for p in words) and "confidential" in text, kind


def test_a_threshold_below_3_or_a_bad_one_is_refused(app):
    admin, csrf = sign_in(app)
    for bad in ("2", "abc", "51"):
        sent = admin.post("/campaigns", data={"csrf": csrf, "organization": "Acme", "name": "Q", "threshold": bad})
        assert sent.status_code == 422 and "from 3 to 50" in sent.text, bad


def test_a_unit_of_fewer_than_k_has_no_report_of_its_own(tmp_path):
    db = str(tmp_path / "w.db")
    doc = {"organization": "Acme", "date": "2026-09-30", "respondents": [
        {"id": f"p{i}", "role": "pm", "team": "Pay" if i < 2 else "Core", "answers": dict.fromkeys(CRITERIA, "Mostly")}
        for i in range(5)]}
    (tmp_path / "a.json").write_text(json.dumps(doc))
    ok("units", "add", "Pay", "--organization", "Acme", "--db", db)
    ok("assess", str(tmp_path / "a.json"), "--db", db)
    from tests.conftest import refused

    said = refused("report", "--unit", "Pay", "--db", db)
    assert "fewer than 3 answers (2 gave a scored answer)" in said
    units = json.loads(ok("report", "--db", db).stdout)["units"]["units"]
    assert [(u["name"], u["level"], u["suppressed"]) for u in units] == [("Pay", None, "fewer than 3 answers")]


# --- people's data: export, erasure, retention (GDPR articles 15 and 17) ----------------------------

def _everything(db: str) -> str:
    """Every row of every table but the audit trail, as text: where a name, an e-mail or a note could
    hide. The audit trail is append-only (ASVS V7, issue 24): it keeps who did what to whom, an
    erased person's e-mail in the entries that name them included (their erasure is proven by its
    own entry), and never their name, answers or notes (`_trail`)."""
    with Workspace.open(db) as ws, ws.engine.connect() as conn:
        names = [t for t in sa.inspect(conn).get_table_names() if t != "audit_trail"]
        return "\n".join(str(row) for table in names for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')))


def _trail(db: str) -> str:
    with Workspace.open(db) as ws:
        return "".join(operations.audit_lines(ws))


def test_export_then_erase_a_person_from_a_closed_and_an_open_campaign(app, five, tmp_path):
    db = app.state.settings.db
    with Workspace.open(db) as ws:
        operations.add_user(ws, "pat@example.com", "viewer", "correct horse battery staple")
        before = operations.close(ws, MODEL, five)
        later = operations.create_campaign(ws, MODEL, "Acme", "Q1 open")
        [link] = operations.invite(ws, MODEL, later.id, [{"name": "Pat Pm", "email": "pat@example.com", "role": "pm"}]).issued
        operations.save(ws, MODEL, link.token, {CRITERIA[0]: "Fully"}, {CRITERIA[0]: "pat's open note"})
    report_before = ok("report", "-f", "json", "--organization", "Acme", "--db", db).stdout
    plain = json.loads(ok("people", "export", "pat@example.com", "--db", db).stdout)
    # whoever runs the export does not read her confidential answers and notes: they say so
    assert plain["recorded_answers"][0]["answers"].startswith("kept confidential")
    assert plain["invites"][1]["answers"].startswith("kept confidential") and "pat's open note" not in json.dumps(plain)
    held = json.loads(ok("people", "export", "PAT@example.com", "--confidential", "--db", db).stdout)  # for her alone
    assert held["email"] == "pat@example.com" and held["account"][0]["role"] == "viewer"
    assert "argon2" not in json.dumps(held) and held["account"][0]["has_password"]  # whether one is set, never its hash
    assert [i["campaign"] for i in held["invites"]] == ["Q4 confidential", "Q1 open"]
    # the closed confidential campaign keeps her answers in its recorded assessment only, under her pseudonym
    assert held["invites"][0]["answers"] == [] and held["invites"][1]["answers"][0]["note"] == "pat's open note"
    assert len(held["recorded_answers"]) == 1 and held["recorded_answers"][0]["assessment_id"] == before.recorded.id
    assert len(held["recorded_answers"][0]["answers"]) == len(CRITERIA)
    erased = json.loads(ok("people", "erase", "pat@example.com", "--yes", "--json", "--db", db).stdout)
    assert erased == {"email": "pat@example.com", "invites": 2, "recorded": 1, "account": True}
    everything = _everything(db)
    assert "pat@example.com" not in everything and "Pat Pm" not in everything and "pat's open note" not in everything
    trail = _trail(db)
    assert '"action": "person erased"' in trail and "Pat Pm" not in trail and "pat's open note" not in trail
    assert "only the PM noted" not in everything
    after = json.loads(ok("people", "export", "pat@example.com", "--db", db).stdout)
    assert all(after[k] == [] for k in ("account", "invites", "recorded_answers", "sessions"))
    # the recorded figures stand: the report is the same but for the notes, which went with her
    report_after = json.loads(ok("report", "-f", "json", "--organization", "Acme", "--db", db).stdout)
    assert {**report_after, "notes": None} == {**json.loads(report_before), "notes": None}
    assert "pm: b" in report_before and "pm: b" not in json.dumps(report_after)
    history = json.loads(ok("history", "--db", db, "--json").stdout)["assessments"]
    assert history[0]["erased"] == [f"one response erased on {history[0]['date']}"] or history[0]["erased"][0].startswith(
        "one response erased on ")
    assert "one response erased on" in ok("history", "--db", db).stdout
    browser, _ = sign_in(app)
    page = browser.get(f"/campaigns/{five}").text
    assert "pat@example.com" not in page and "Pat Pm" not in page


def test_erasing_needs_an_e_mail_and_a_yes(app):
    db = app.state.settings.db
    from tests.conftest import refused

    assert "not one e-mail address" in refused("people", "erase", "pat", "--yes", "--db", db)
    assert "not one e-mail address" in refused("people", "export", "", "--db", db)


def test_retention_cuts_answers_loose_after_n_days_and_keeps_the_figures(app, five, clock):
    import datetime as dt

    db = app.state.settings.db
    with Workspace.open(db) as ws:
        operations.close(ws, MODEL, five)
        operations.change_setting(ws, "answers_retention_days", "30", "Acme")
    report = ok("report", "-f", "json", "--organization", "Acme", "--db", db).stdout
    with Workspace.open(db) as ws:
        assert operations.apply_retention(ws, clock.today() + dt.timedelta(days=30)) == []  # not yet
        assert operations.apply_retention(ws, clock.today() + dt.timedelta(days=31)) == [(five, 5)]
        assert operations.apply_retention(ws, clock.today() + dt.timedelta(days=99)) == []  # once
    everything = _everything(db)
    assert not re.search(r"(pat|eng\d)@example\.com", everything) and "Eng 1" not in everything
    assert "eng 0: b" not in everything
    after = json.loads(ok("report", "-f", "json", "--organization", "Acme", "--db", db).stdout)
    assert {**after, "notes": None} == {**json.loads(report), "notes": None}  # the figures stand; the notes went
    assert after["notes"] == {"shown": [], "withheld": 0}


def test_an_admin_exports_and_erases_a_person_on_the_web(app, five):
    admin, csrf = sign_in(app)
    got = admin.post("/people/export", data={"csrf": csrf, "email": "pat@example.com"})
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    assert got.json()["invites"][0]["email"] == "pat@example.com"
    assert admin.post("/people/erase", data={"csrf": csrf, "email": "pat@example.com"}).status_code == 422  # not ticked
    assert admin.post("/people/erase", data={"email": "pat@example.com", "confirm": "1"}).status_code == 403  # no CSRF
    assert admin.post("/people/erase", data={"csrf": csrf, "email": "admin@example.com", "confirm": "1"}).status_code == 422
    done = admin.post("/people/erase", data={"csrf": csrf, "email": "pat@example.com", "confirm": "1"})
    assert done.status_code == 200 and "Erased pat@example.com: 1 invite(s)" in done.text
    assert "pat@example.com" not in _everything(app.state.settings.db)
    viewer, viewer_csrf = sign_in(app, "viewer@example.com")
    assert viewer.post("/people/export", data={"csrf": viewer_csrf, "email": "eng0@example.com"}).status_code == 403


def test_notes_erasure_and_retention_hold_on_sqlite_and_postgresql(db_url, clock):
    """The same rules through the operations, on both databases: a hidden note leaves the recorded
    assessment, an erased person leaves every table, retention leaves no one's answers theirs."""
    import datetime as dt

    with Workspace.open(db_url) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q4")
        people = [{"name": f"P{i}", "email": f"p{i}@example.com", "role": "pm"} for i in range(4)]
        links = operations.invite(ws, MODEL, made.id, people).issued
        for i, link in enumerate(links):
            operations.save(ws, MODEL, link.token, dict.fromkeys(CRITERIA, "Partly"), {CRITERIA[0]: f"note {i}"},
                            submit=True)
        done = operations.close(ws, MODEL, made.id)
        assert operations.hide_note(ws, made.id, CRITERIA[0], "note 2") == 1
        kept = [n for r in ws.responses(done.recorded.id).respondents for n in r.notes.values()]
        assert sorted(kept) == ["note 0", "note 1", "note 3"]
        shown = operations.notes(ws, made.id)
        assert shown.shown[0].texts == ("note 0", "note 1", "note 3") and (shown.withheld, shown.hidden) == (1, 1)
        before = operations.latest(ws, MODEL, "Acme").result
        assert operations.erase_person(ws, "P1@example.com").recorded == 1
        assert operations.latest(ws, MODEL, "Acme").result == before  # the figures stand
        assert "p1@example.com" not in json.dumps(operations.export_person(ws, "p0@example.com"))
        operations.change_setting(ws, "answers_retention_days", "0", "Acme")
        assert operations.apply_retention(ws, clock.today() + dt.timedelta(days=1)) == [(made.id, 3)]
        assert operations.latest(ws, MODEL, "Acme").result == before
        after = ws.responses(done.recorded.id)
        assert all(r.id.startswith("erased-") and r.name is None and not r.notes for r in after.respondents)
        assert operations.export_person(ws, "p0@example.com")["recorded_answers"] == []
