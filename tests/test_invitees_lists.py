"""Invitee lists as people keep them (issue 21): roles by id or by the name the form shows, in any
letter case; a list given again invites only its new people, naming who was skipped; any other
problem still refuses the whole list. In the operations, the web app and the API."""

from __future__ import annotations

import pytest

from prodops import operations
from prodops.core.errors import InputError
from prodops.operations.invites import ALREADY, TWICE, Skipped, read_invitees
from prodops.store import Workspace
from tests.test_web import MODEL, app, client, db, new_campaign, sign_in, tokens  # noqa: F401 (fixtures)

FIRST = "name,email,role,team\nAna,ana@example.com,Product Manager,Pay\nBo,bo@example.com,engineering,Pay\n"
AGAIN = "name,email,role,team\nAna,ANA@example.com,pm,Pay\nCy,cy@example.com, PM ,Pay\nBo,bo@example.com,Engineering,Pay\n"


def rows(text: str) -> list[dict]:
    return read_invitees("invitees.csv", text.encode())


def invited(app, cid: int) -> list[tuple]:
    with Workspace.open(app.state.settings.db) as ws:
        return [(i.id, i.respondent, i.email, i.role, i.team, i.revoked) for i in operations.list_invites(ws, cid)]


def upload(browser, csrf: str, cid: int, text: str):
    return browser.post(f"/campaigns/{cid}/invites", data={"csrf": csrf}, files={"file": ("people.csv", text, "text/csv")})


# --- the operation ----------------------------------------------------------------------------------

def test_a_role_is_taken_by_its_id_or_its_name_in_any_case(app):
    cid = new_campaign(app)
    people = ("name,role\nAna,Product Manager\nBo,engineering\nCy, PM \nDi,ENGINEERING\nEd,product manager\n"
              "Fay,Design and Research\n")
    with Workspace.open(app.state.settings.db) as ws:
        done = operations.invite(ws, MODEL, cid, rows(people))
    assert [i.invite.role for i in done.issued] == ["pm", "engineering", "pm", "engineering", "pm", "design"]
    assert done.skipped == []
    assert [r for *_, r, _, _ in invited(app, cid)] == ["pm", "engineering", "pm", "engineering", "pm", "design"]


def test_an_unknown_role_is_refused_naming_the_roles_by_id_and_name(app):
    cid = new_campaign(app)
    with Workspace.open(app.state.settings.db) as ws, pytest.raises(InputError) as e:
        operations.invite(ws, MODEL, cid, [{"name": "Ana", "role": "pm"}, {"name": "Bo", "role": "Wizard"}])
    [problem] = e.value.problems
    assert problem.message.startswith("invitee 2: unknown role 'Wizard'; the model's roles are pm (Product Manager), ")
    assert "engineering (Engineering)" in problem.message and "design (Design and Research)" in problem.message
    assert invited(app, cid) == []


def test_a_list_given_again_invites_only_its_new_people(app):
    cid = new_campaign(app)
    with Workspace.open(app.state.settings.db) as ws:
        first = operations.invite(ws, MODEL, cid, rows(FIRST))
    before = invited(app, cid)
    with Workspace.open(app.state.settings.db) as ws:
        again = operations.invite(ws, MODEL, cid, rows(AGAIN))
    assert [(i.invite.respondent, i.invite.role) for i in again.issued] == [("Cy", "pm")]
    assert again.skipped == [Skipped(1, "ANA@example.com", ALREADY), Skipped(3, "bo@example.com", ALREADY)]
    assert again.skipped[0].document() == {"invitee": 1, "who": "ANA@example.com", "reason": "already invited to this campaign"}
    after = invited(app, cid)
    assert after[:2] == before and [r[1] for r in after] == ["Ana", "Bo", "Cy"]  # the first two untouched
    with Workspace.open(app.state.settings.db) as ws:  # and their links still work
        assert all(operations.form(ws, i.token).invite.respondent for i in first.issued)


def test_someone_listed_twice_in_one_list_is_invited_once(app):
    cid = new_campaign(app)
    twice = "name,email,role\nAna,ana@example.com,pm\nBo,,pm\nAna B,Ana@Example.com,design\nbo,,engineering\n,,pm\n,,pm\n"
    with Workspace.open(app.state.settings.db) as ws:
        done = operations.invite(ws, MODEL, cid, rows(twice))
    assert [i.invite.respondent for i in done.issued] == ["Ana", "Bo", "pm", "pm 2"]  # no name nor e-mail: not the same
    assert done.skipped == [Skipped(3, "Ana@Example.com", TWICE), Skipped(4, "bo", TWICE)]
    assert done.skipped[0].twice and not Skipped(1, "x", ALREADY).twice


def test_a_list_with_someone_to_skip_and_a_problem_is_refused_whole(app):
    cid = new_campaign(app)
    with Workspace.open(app.state.settings.db) as ws:
        operations.invite(ws, MODEL, cid, rows(FIRST))
    before = invited(app, cid)
    bad = "name,email,role\nAna,ana@example.com,pm\nCy,cy@example.com,wizard\nDi,di@example.com,pm\n"
    with Workspace.open(app.state.settings.db) as ws, pytest.raises(InputError) as e:
        operations.invite(ws, MODEL, cid, rows(bad))
    assert "nothing was saved" in e.value.message and ["unknown role 'wizard'" in p.message for p in e.value.problems] == [True]
    assert invited(app, cid) == before  # neither Di nor anyone else


def test_a_list_of_people_all_invited_before_issues_nothing_and_says_so(app):
    cid = new_campaign(app)
    with Workspace.open(app.state.settings.db) as ws:
        operations.invite(ws, MODEL, cid, rows(FIRST))
        done = operations.invite(ws, MODEL, cid, rows(FIRST))
    assert done.issued == [] and [s.who for s in done.skipped] == ["ana@example.com", "bo@example.com"]
    assert len(invited(app, cid)) == 2


# --- the web app ------------------------------------------------------------------------------------

def test_the_web_app_takes_role_names_and_names_who_it_skipped(app):
    cid = new_campaign(app)
    browser, csrf = sign_in(app)
    page = upload(browser, csrf, cid, FIRST)
    assert page.status_code == 200 and page.text.count('value="http://testserver/r/') == 2
    assert "already invited" not in page.text
    before = invited(app, cid)
    page = upload(browser, csrf, cid, AGAIN)
    assert page.status_code == 200 and page.text.count('value="http://testserver/r/') == 1
    assert ('<p role="status">2 already invited, skipped: ANA@example.com (invitee 1), bo@example.com (invitee 3).'
            in page.text)
    assert "Download 1 link (CSV)" in page.text
    assert invited(app, cid)[:2] == before and [r[3] for r in invited(app, cid)] == ["pm", "engineering", "pm"]
    form = browser.post(f"/campaigns/{cid}/invites", data={"csrf": csrf, "name": "Di", "role": "Product Manager"})
    assert form.status_code == 200 and invited(app, cid)[-1][1:4] == ("Di", None, "pm")


def test_the_web_app_skips_someone_listed_twice_and_shows_a_list_of_no_one_new(app):
    cid = new_campaign(app)
    browser, csrf = sign_in(app)
    page = upload(browser, csrf, cid, FIRST + "Ana,ana@example.com,pm,Pay\n")
    assert page.status_code == 200 and "1 already invited, skipped: ana@example.com (invitee 3, listed twice)." in page.text
    page = upload(browser, csrf, cid, FIRST)
    assert page.status_code == 200 and "No new links" in page.text and "/r/" not in page.text
    assert "2 already invited, skipped: ana@example.com (invitee 1), bo@example.com (invitee 2)." in page.text
    assert "Download" not in page.text and len(invited(app, cid)) == 2


def test_the_web_app_refuses_a_list_with_a_problem_whole(app):
    cid = new_campaign(app)
    browser, csrf = sign_in(app)
    upload(browser, csrf, cid, FIRST)
    before = invited(app, cid)
    page = upload(browser, csrf, cid, "name,email,role\nAna,ana@example.com,pm\nCy,cy@example.com,wizard\nDi,,pm\n")
    assert page.status_code == 422 and "Nothing was changed" in page.text
    assert "unknown role &#39;wizard&#39;; the model&#39;s roles are pm (Product Manager)" in page.text
    assert "skipped" not in page.text and invited(app, cid) == before


# --- the API ----------------------------------------------------------------------------------------

def test_the_api_takes_role_names_and_lists_who_it_skipped(app):
    cid = new_campaign(app)
    admin = client(app, headers={"Authorization": f"Bearer {tokens(app)[0]}"})
    path = f"/api/v1/campaigns/{cid}/invites"
    first = admin.post(path, json={"invitees": [{"name": "Ana", "email": "ana@example.com", "role": "Product Manager"},
                                                {"name": "Bo", "role": " ENGINEERING "}]})
    assert first.status_code == 201 and [(x["respondent"], x["role"]) for x in first.json()["issued"]] == [
        ("Ana", "pm"), ("Bo", "engineering")]
    assert first.json()["skipped"] == []
    again = admin.post(path, json={"invitees": [{"name": "Cy", "role": "design"}, {"email": "Ana@Example.com", "role": "pm"},
                                                {"name": "bo", "role": "pm"}, {"name": "Cy", "role": "pm"}]})
    assert again.status_code == 201 and [x["respondent"] for x in again.json()["issued"]] == ["Cy"]
    assert again.json()["skipped"] == [
        {"invitee": 2, "who": "Ana@Example.com", "reason": "already invited to this campaign"},
        {"invitee": 3, "who": "bo", "reason": "already invited to this campaign"},
        {"invitee": 4, "who": "Cy", "reason": "listed twice in this list"}]
    none_new = admin.post(path, json={"invitees": [{"name": "Bo", "role": "pm"}]})
    assert none_new.status_code == 201 and none_new.json() == {
        "issued": [], "skipped": [{"invitee": 1, "who": "Bo", "reason": "already invited to this campaign"}]}
    refused = admin.post(path, json={"invitees": [{"name": "Ana", "role": "pm"}, {"name": "Di", "role": "wizard"}]})
    assert refused.status_code == 422 and "pm (Product Manager)" in refused.text
    assert [r[1] for r in invited(app, cid)] == ["Ana", "Bo", "Cy"]


# --- how many, and their ids -------------------------------------------------------------------------

def test_ids_count_on_across_lists_and_letter_cases(app):
    """A person known by their role alone (or a name given twice) is `pm`, `pm 2`...: each id once in
    the campaign, ignoring case, the count going on from where the last list left it."""
    cid = new_campaign(app)
    with Workspace.open(app.state.settings.db) as ws:
        first = operations.invite(ws, MODEL, cid, [{"role": "pm"}, {"role": "pm"}, {"name": "Ann", "role": "pm"}])
        then = operations.invite(ws, MODEL, cid, [{"role": "pm"}, {"name": "ANN", "email": "a2@example.com", "role": "pm"},
                                                  {"name": "ann", "email": "a3@example.com", "role": "pm"}])
    assert [i.invite.respondent for i in first.issued + then.issued] == ["pm", "pm 2", "Ann", "pm 3", "ANN 2", "ann 3"]


@pytest.mark.slow
def test_a_campaign_takes_at_most_5000_people_however_many_lists_bring_them(app):
    """The limit is the campaign's, not one list's: a list that would pass it is refused whole (409
    in the API: the campaign is full), so that a clone, which invites everyone at once, is taken."""
    from prodops.core.errors import Conflict
    from prodops.operations.campaigns import MAX_INVITEES

    cid = new_campaign(app)
    with Workspace.open(app.state.settings.db) as ws:
        operations.invite(ws, MODEL, cid, [{"role": "pm"}] * (MAX_INVITEES - 1))
        with pytest.raises(Conflict, match="has 4,999 invitees; 2 more would pass the 5,000 a campaign takes"):
            operations.invite(ws, MODEL, cid, [{"role": "pm"}] * 2)
        assert len(operations.list_invites(ws, cid)) == MAX_INVITEES - 1  # nothing half-added
        assert operations.invite(ws, MODEL, cid, [{"role": "pm"}]).issued[0].invite.respondent == "pm 5000"
        copy = operations.clone(ws, MODEL, cid, "Q2")
        assert len(operations.list_invites(ws, copy.id)) == MAX_INVITEES
    admin_token, _ = tokens(app)
    full = client(app).post(f"/api/v1/campaigns/{cid}/invites", json={"invitees": [{"role": "pm"}]},
                            headers={"Authorization": f"Bearer {admin_token}"})
    assert full.status_code == 409 and "a campaign takes" in full.json()["error"]
