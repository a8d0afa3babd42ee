"""A campaign's life in the web app: close after a confirmation, reopen, clone, a later deadline,
reminders with a preview, the e-mails' wording, the webhook kept secret, the mail server tested
(STARTTLS and a password), and a re-issued link e-mailed; every new form needs its CSRF token and an admin."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from prodops import operations
from prodops.store import Workspace
from prodops.shells.web import Settings, create_app
from tests.conftest import csrf_in
from tests.outbox_servers import smtp_server, trusting, webhook_server
from tests.test_lifecycle import ALL_MOSTLY, PEOPLE, link_in, sent
from tests.test_web import MODEL, PASSWORD, client, sign_in

DAY = dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC)


@pytest.fixture
def mailing(tmp_path, clock):
    """An app whose e-mails go to a real local SMTP server: (app, the server)."""
    clock.freeze(DAY)
    db = str(tmp_path / "w.db")
    with Workspace.open(db) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
        operations.add_user(ws, "viewer@example.com", "viewer", PASSWORD)
    with smtp_server() as inbox:
        app = create_app(Settings(db=db, smtp=inbox.url, mail_from="ops@acme.example",
                                  base_url="http://assess.acme.example", tick_seconds=0))
        yield app, inbox
        app.state.ws.close()


def campaign_with_people(app, **kw) -> tuple[int, list]:
    with Workspace.open(app.state.settings.db) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q4", owner="admin@example.com", **kw)
        return made.id, operations.invite(ws, MODEL, made.id, PEOPLE).issued


def state_of(app, cid: int) -> str:
    with Workspace.open(app.state.settings.db) as ws:
        return operations.campaign(ws, cid).state


def test_close_asks_first_and_says_what_is_missing(mailing):
    app, _inbox = mailing
    cid, links = campaign_with_people(app, targets={"pm": 2, "engineering": 1}, threshold=None)
    with Workspace.open(app.state.settings.db) as ws:
        operations.save(ws, MODEL, links[0].token, ALL_MOSTLY, {}, submit=True)
    admin, csrf = sign_in(app)
    asked = admin.post(f"/campaigns/{cid}/close", data={"csrf": csrf})
    assert asked.status_code == 200 and "Close and record “Q4”?" in asked.text
    assert "under the target" in asked.text  # 1 of 2 product managers, 0 of 1 engineer
    assert state_of(app, cid) == "open"
    done = admin.post(f"/campaigns/{cid}/close", data={"csrf": csrf, "confirm": "yes"})
    assert done.status_code == 303 and state_of(app, cid) == "closed"


def test_a_closed_campaign_is_reopened_with_a_reason_and_cloned(mailing):
    app, _inbox = mailing
    cid, links = campaign_with_people(app, threshold=None)
    with Workspace.open(app.state.settings.db) as ws:
        operations.save(ws, MODEL, links[0].token, ALL_MOSTLY, {}, submit=True)
    admin, csrf = sign_in(app)
    admin.post(f"/campaigns/{cid}/close", data={"csrf": csrf, "confirm": "yes"})
    refused = admin.post(f"/campaigns/{cid}/reopen", data={"csrf": csrf, "closes": "2026-12-20", "reason": ""})
    assert refused.status_code == 422 and "reason" in refused.text and state_of(app, cid) == "closed"
    assert admin.post(f"/campaigns/{cid}/reopen", data={"csrf": csrf, "closes": "2026-12-20",
                                                        "reason": "Bo was away"}).status_code == 303
    page = admin.get(f"/campaigns/{cid}").text
    assert state_of(app, cid) == "open" and "reopened by admin@example.com: Bo was away" in page
    made = admin.post(f"/campaigns/{cid}/clone", data={"csrf": csrf, "name": "Q1", "opens": "2027-01-04",
                                                       "closes": "2027-01-15"})
    new = int(made.headers["location"].rsplit("/", 1)[1])
    assert state_of(app, new) == "scheduled" and "opens by itself on 2027-01-04" in admin.get(f"/campaigns/{new}").text


def test_a_draft_is_scheduled_then_opened_by_hand_and_its_invitations_go(mailing):
    app, inbox = mailing
    admin, csrf = sign_in(app)
    made = admin.post("/campaigns", data={"csrf": csrf, "organization": "Acme", "name": "Q1", "opens": "2026-12-14",
                                          "draft": "1", "reminders": "open+3, close"})
    cid = int(made.headers["location"].rsplit("/", 1)[1])
    assert state_of(app, cid) == "draft"
    admin.post(f"/campaigns/{cid}/invites", data={"csrf": csrf, "name": "Ana", "email": "ana@acme.example",
                                                  "role": "Product Manager", "send": "1"})
    assert inbox.messages == []  # a draft sends nothing
    admin.post(f"/campaigns/{cid}/schedule", data={"csrf": csrf})
    assert state_of(app, cid) == "scheduled" and inbox.messages == []
    admin.post(f"/campaigns/{cid}/open", data={"csrf": csrf})
    assert state_of(app, cid) == "open" and sent(inbox) == [("ana@acme.example", "invitation")]
    message = inbox.messages[0].message
    assert message["Reply-To"] == "admin@example.com" and message["Message-ID"] and message["Date"]
    assert link_in(message) and "http://assess.acme.example/r/" in message.get_body(("plain",)).get_content()


def test_more_time_is_told_and_reminders_are_previewed_then_sent_once(mailing):
    app, inbox = mailing
    cid, _links = campaign_with_people(app, closes=dt.date(2026, 12, 11), threshold=None)
    admin, csrf = sign_in(app)
    preview = admin.get(f"/campaigns/{cid}/remind")
    assert preview.status_code == 200 and "2</strong> people will get a reminder now" in preview.text
    assert "1 without an e-mail address" in preview.text and "Reminder: your answers to" in preview.text
    assert admin.post(f"/campaigns/{cid}/remind", data={"csrf": csrf}).status_code == 200
    assert sent(inbox) == [("ana@acme.example", "reminder"), ("bo@acme.example", "reminder")]
    again = admin.get(f"/campaigns/{cid}/remind").text
    assert "0</strong> people will get a reminder now" in again and "2 were written to" in again
    admin.post(f"/campaigns/{cid}/remind", data={"csrf": csrf})
    assert len(inbox.messages) == 2
    assert admin.post(f"/campaigns/{cid}/extend", data={"csrf": csrf, "closes": "2026-12-18"}).status_code == 303
    assert sent(inbox)[2:] == [("ana@acme.example", "extended"), ("bo@acme.example", "extended")]
    page = admin.get(f"/campaigns/{cid}").text
    assert "closes 2026-12-18" in page and page.count("reminder 12-07 10:00") == 2


def test_a_reissued_link_is_emailed_and_the_old_one_stops(mailing):
    app, inbox = mailing
    cid, links = campaign_with_people(app)
    admin, csrf = sign_in(app)
    page = admin.post(f"/campaigns/{cid}/invites/{links[0].invite.id}/reissue", data={"csrf": csrf})
    assert page.status_code == 200 and "1 e-mail sent" in page.text
    assert sent(inbox) == [("ana@acme.example", "link")]
    browser = client(app)
    assert browser.get(f"/r/{links[0].token}").status_code == 404
    assert browser.get(f"/r/{link_in(inbox.messages[0].message)}").status_code in (200, 303)


def test_the_emails_wording_is_checked_previewed_and_used(mailing):
    app, inbox = mailing
    cid, _links = campaign_with_people(app, threshold=None)
    admin, csrf = sign_in(app)
    bad = admin.post(f"/campaigns/{cid}/emails", data={"csrf": csrf, "kind": "invitation", "subject": "Hi {nmae}",
                                                       "body": "No link here"})
    assert bad.status_code == 422 and "unknown placeholder {nmae}" in bad.text and "must hold {link}" in bad.text
    good = admin.post(f"/campaigns/{cid}/emails", data={
        "csrf": csrf, "kind": "invitation", "subject": "{organization} wants your view, {name}",
        "body": "Hi {name}, by {deadline}: {link}\n\n{confidentiality}"})
    assert good.status_code == 303
    shown = admin.get(f"/campaigns/{cid}/emails?kind=invitation").text
    assert "Acme wants your view, Ana" in shown and "This campaign's own wording" in shown
    with Workspace.open(app.state.settings.db) as ws:
        more = operations.invite(ws, MODEL, cid, [{"name": "Di", "email": "di@acme.example", "role": "pm"}]).issued
        operations.send_invitations(ws, MODEL, app.state.settings.outbox(), cid, [(i.invite, i.token) for i in more])
    assert str(inbox.messages[0].message["Subject"]).strip() == "Acme wants your view, Di"


def test_a_webhook_is_a_secret_never_shown_again(mailing):
    app, _inbox = mailing
    cid, _links = campaign_with_people(app)
    admin, csrf = sign_in(app)
    with webhook_server() as hook:
        secret = hook.url
        assert admin.post(f"/campaigns/{cid}/webhook", data={"csrf": csrf, "webhook": secret}).status_code == 303
        page = admin.get(f"/campaigns/{cid}").text
        assert "one is set; it is kept secret" in page and "T000/B000" not in page
        api = admin.get(f"/api/v1/campaigns/{cid}", headers={"X-CSRF-Token": csrf}).json()
        assert api["webhook"] is True and "T000" not in str(api)
        with Workspace.open(app.state.settings.db) as ws:
            operations.deliver(ws, MODEL, app.state.settings.outbox(), cid)
        assert hook.received and hook.received[0].body["text"].startswith('Campaign "Q4 (Acme)" is open')
    refused = admin.post(f"/campaigns/{cid}/webhook", data={"csrf": csrf, "webhook": "http://10.0.0.5/hook"})
    assert refused.status_code == 422 and "https://" in refused.text


def test_the_mail_server_is_tested_with_starttls_and_a_password(tmp_path, clock):
    clock.freeze(DAY)
    db = str(tmp_path / "w.db")
    with Workspace.open(db) as ws:
        operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
    with smtp_server(starttls=True, auth=("ops", "s3cret word")) as inbox, trusting(inbox.cafile):
        for url, works in ((inbox.url, True), (inbox.url.replace("s3cret", "wrong"), False)):
            app = create_app(Settings(db=db, smtp=url, mail_from="ops@acme.example", tick_seconds=0))
            admin, csrf = sign_in(app)
            said = admin.post("/mail/test", data={"csrf": csrf, "send": "1"})
            assert (said.status_code == 200) is works, said.text
            assert "s3cret" not in said.text and "wrong" not in said.text.replace("went wrong", "")
            app.state.ws.close()
        assert [r.rcpt_tos for r in inbox.messages] == [["admin@example.com"]]
        assert "test e-mail" in str(inbox.messages[0].message["Subject"])


def test_every_new_form_needs_its_token_and_an_admin(mailing):
    app, _inbox = mailing
    cid, _links = campaign_with_people(app)
    forms = [f"/campaigns/{cid}/{action}" for action in
             ("schedule", "open", "extend", "close", "reopen", "clone", "remind", "reminders", "emails", "webhook")]
    forms.append("/mail/test")
    admin, _csrf = sign_in(app)
    for path in forms:
        assert admin.post(path, data={"closes": "2026-12-30"}).status_code == 403, path  # no token
    viewer, vcsrf = sign_in(app, "viewer@example.com")
    for path in forms:
        assert viewer.post(path, data={"csrf": vcsrf, "closes": "2026-12-30"}).status_code == 403, path
    assert viewer.get(f"/campaigns/{cid}/remind").status_code == 403
    assert viewer.get(f"/campaigns/{cid}/emails").status_code == 403
    assert state_of(app, cid) == "open"
    page = viewer.get(f"/campaigns/{cid}").text
    assert "Give more time" not in page and "Reopen" not in page and "E-mails</th>" not in page
    assert not re.search(r"ana@acme\.example", page)  # a confidential campaign's invitees stay the admins'
    assert csrf_in(page)


def test_the_api_runs_a_campaigns_life(mailing):
    app, inbox = mailing
    admin, csrf = sign_in(app)
    api = {"X-CSRF-Token": csrf}
    made = admin.post("/api/v1/campaigns", headers=api, json={
        "organization": "Acme", "name": "Q1", "draft": True, "confidential": False, "reminders": ["close"],
        "closes": "2026-12-20"}).json()
    assert (made["status"], made["reminders"], made["owner"]) == ("draft", ["close"], "admin@example.com")
    cid = made["id"]
    assert admin.post(f"/api/v1/campaigns/{cid}/close", headers=api).status_code == 409  # not open yet
    admin.post(f"/api/v1/campaigns/{cid}/invites", headers=api,
               json={"invitees": [{"name": "Ana", "email": "ana@acme.example", "role": "pm"}]})
    opened = admin.post(f"/api/v1/campaigns/{cid}/schedule", headers=api).json()
    assert opened["status"] == "open" and opened["mail"]["sent"] == 1  # its day has come: open, invitations gone
    assert admin.post(f"/api/v1/campaigns/{cid}/extend", headers=api,
                      json={"closes": "2026-12-19"}).status_code == 409  # earlier than its closing day: refused
    assert admin.post(f"/api/v1/campaigns/{cid}/extend", headers=api, json={"closes": "2026-12-24"}).json()["mail"]["sent"] == 1
    assert admin.post(f"/api/v1/campaigns/{cid}/remind", headers=api).json()["sent"] == 0  # written to just now
    token = link_in(inbox.messages[0].message)
    client(app).put(f"/api/v1/respond/{token}", json={"answers": ALL_MOSTLY, "submit": True})
    assert admin.post(f"/api/v1/campaigns/{cid}/close", headers=api).status_code == 200
    assert admin.post(f"/api/v1/campaigns/{cid}/reopen", headers=api,
                      json={"closes": "2026-12-28", "reason": ""}).status_code == 422
    assert admin.post(f"/api/v1/campaigns/{cid}/reopen", headers=api,
                      json={"closes": "2026-12-28", "reason": "late answers"}).json()["status"] == "open"
    copy = admin.post(f"/api/v1/campaigns/{cid}/clone", headers=api, json={"name": "Q2", "opens": "2027-04-01"})
    assert copy.status_code == 201 and copy.json()["status"] == "scheduled"
    assert sent(inbox) == [("ana@acme.example", "invitation"), ("ana@acme.example", "extended")]
