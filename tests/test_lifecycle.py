"""Campaigns that finish themselves: the lifecycle's rules, the scheduler's tick with the clock moved
past each due time (every e-mail received once by a real SMTP server, every notification by a real
HTTP server), reopening and revising, cloning, and two instances on one PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter

import pytest

from prodops import clock as program_clock, operations
from prodops.core.errors import InputError, Refused
from prodops.core.lifecycle import (DEFAULT_REMINDERS, checked_reminders, checked_template, deadline_words,
                                    due_reminder, filled)
from prodops.inputs.models import load_model
from prodops.store import Workspace
from tests.outbox_servers import smtp_server, webhook_server

MODEL = load_model()
ALL_MOSTLY = {c.id: "Mostly" for c in MODEL.criteria}
PEOPLE = [{"name": "Ana", "email": "ana@acme.example", "role": "pm"},
          {"name": "Bo", "email": "bo@acme.example", "role": "engineering"},
          {"name": "Cy", "role": "design"}]  # no address: never written to


def at(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=dt.UTC)


def issued(invited) -> list:
    """The links an `operations.invite` issued."""
    return invited.issued


def link_in(message) -> str:
    return re.search(r"/r/(\S+)", message.get_body(("plain",)).get_content()).group(1)


def sent(inbox) -> list[tuple[str, str]]:
    """(recipient, the e-mail's kind by its subject) of each e-mail received."""
    def kind(subject: str) -> str:
        return ("reminder" if subject.startswith("Reminder") else "extended" if subject.startswith("More time")
                else "link" if "new link" in subject else "invitation")
    return [(r.rcpt_tos[0], kind(str(r.message["Subject"]).strip())) for r in list(inbox.messages)]


# --- the rules ----------------------------------------------------------------------------------

def test_the_reminder_due_is_the_latest_whose_day_has_come():
    opens, closes = dt.date(2026, 12, 1), dt.date(2026, 12, 18)
    due = {day: due_reminder(DEFAULT_REMINDERS, opens, closes, dt.date(2026, 12, day)) for day in range(1, 20)}
    assert due[1] is due[3] is None
    assert due[4] == due[15] == "open+3"
    assert due[16] == due[17] == "close-2"
    assert due[18] == "close"
    assert due[19] is None  # after the closing day: closed, no reminder
    assert due_reminder(DEFAULT_REMINDERS, opens, None, dt.date(2026, 12, 30)) == "open+3"  # no closing day


def test_a_reminder_schedule_is_checked_and_written_one_way():
    assert checked_reminders("open+03, CLOSE-0 close-2 close") == ("open+3", "close", "close-2")
    assert checked_reminders("") == ()
    with pytest.raises(InputError) as e:
        checked_reminders("open+0, tomorrow, close-400")
    assert len(e.value.problems) == 3


def test_a_template_takes_known_placeholders_only_and_never_runs_format():
    with pytest.raises(InputError) as e:
        checked_template("reminder", "Hi {name}\nthere", "No link, and {link.__class__} {oops}")
    said = " ".join(p.message for p in e.value.problems)
    assert "one line" in said and "{link.__class__}" in said and "{oops}" in said and "must hold {link}" in said
    assert filled("{name} {link.__class__} {{name}}", {"name": "Ana"}) == "Ana {link.__class__} {Ana}"
    assert deadline_words(dt.date(2026, 12, 18)) == "Friday 18 December 2026 (end of day, UTC)"


def test_the_moves_a_state_allows(tmp_path, clock):
    clock.freeze(at(1))
    with Workspace.open(str(tmp_path / "w.db")) as ws:
        later = operations.create_campaign(ws, MODEL, "Acme", "Later", opens=dt.date(2026, 12, 5))
        draft = operations.create_campaign(ws, MODEL, "Acme", "Draft", draft=True)
        now = operations.create_campaign(ws, MODEL, "Acme", "Now")
        assert (later.state, draft.state, now.state) == ("scheduled", "draft", "open")
        with pytest.raises(Refused, match="has not opened yet"):
            operations.close(ws, MODEL, later.id)
        with pytest.raises(Refused, match="only a closed campaign can be reopened"):
            operations.reopen(ws, MODEL, now.id, dt.date(2026, 12, 9), "why")
        assert operations.schedule(ws, draft.id, "lead@acme.example").state == "open"  # its day has come
        assert operations.open_now(ws, later.id).opens == dt.date(2026, 12, 1)
        with pytest.raises(InputError, match="must be later"):
            operations.extend(ws, now.id, dt.date(2026, 12, 10)) and operations.extend(ws, now.id, dt.date(2026, 12, 9))


# --- the scheduler --------------------------------------------------------------------------------

def test_a_scheduled_campaign_opens_reminds_and_closes_by_itself(db_url, clock):
    """Opens on the 3rd (invitations), reminds on open+3 (the 6th), close-2 (the 10th) and the closing
    day (the 12th), only those who have not submitted; closes on the 13th and records; the webhook
    hears each step. Ticks every few hours: each e-mail is received once."""
    clock.freeze(at(1))
    with smtp_server() as inbox, webhook_server() as hook, Workspace.open(db_url) as ws:
        outbox = operations.Outbox(inbox.url, "ops@acme.example", "http://assess.acme.example")
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", opens=dt.date(2026, 12, 3),
                                          closes=dt.date(2026, 12, 12), owner="lead@acme.example", threshold=None,
                                          targets={"pm": 1}, webhook=hook.url)
        links = issued(operations.invite(ws, MODEL, made.id, PEOPLE))
        with pytest.raises(Refused, match="opens on 2026-12-03"):  # a link works once it opens
            operations.form(ws, links[2].token)
        days = []
        for day in range(1, 15):
            for hour in (0, 6, 12, 18):
                clock.freeze(at(day, hour))
                before = len(inbox.messages)
                operations.tick(ws, MODEL, outbox)
                days += [(day, who, kind) for who, kind in sent(inbox)[before:]]
                if (day, hour) == (6, 12):  # Ana answers from her reminder's link, and submits
                    ana = [r.message for r in inbox.messages if r.rcpt_tos == ["ana@acme.example"]][-1]
                    operations.save(ws, MODEL, link_in(ana), ALL_MOSTLY, {}, submit=True)
        assert days == [(3, "ana@acme.example", "invitation"), (3, "bo@acme.example", "invitation"),
                        (6, "ana@acme.example", "reminder"), (6, "bo@acme.example", "reminder"),
                        (10, "bo@acme.example", "reminder"), (12, "bo@acme.example", "reminder")]
        found = operations.campaign(ws, made.id)
        assert found.state == "closed" and found.closed_at == at(13, 0) and found.assessment_id is not None
        assert [e.kind for e in ws.campaigns.events(made.id)] == ["created", "opened", "closed"]
        texts = [body["text"] for _path, _headers, body in hook.received]
        assert texts[0].startswith('Campaign "Q1 (Acme)" is open')
        assert sum("have submitted" in t and "closes tomorrow" not in t for t in texts) == 9  # the 4th to the 12th
        assert any(t.startswith('"Q1 (Acme)" closes tomorrow') for t in texts)
        assert texts[-1].startswith('"Q1 (Acme)" closed: it recorded Level')
        # every e-mail as people open it
        first = inbox.messages[0].message
        assert first["Reply-To"] == "lead@acme.example" and first["Date"] and first["Message-ID"]
        assert first.get_body(("html",)) is not None and "Open your assessment" in first.get_body(("html",)).get_content()
        assert "Friday 11 December" not in first.get_body(("plain",)).get_content()
        assert "Saturday 12 December 2026" in first.get_body(("plain",)).get_content()


def test_reminders_stop_on_revoke_and_keep_a_minimum_gap(tmp_path, clock):
    clock.freeze(at(1, 23))
    with smtp_server() as inbox, Workspace.open(str(tmp_path / "w.db")) as ws:
        outbox = operations.Outbox(inbox.url, "ops@acme.example", "http://x.example")
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", closes=dt.date(2026, 12, 20), reminders="open+1",
                                          threshold=None)
        links = issued(operations.invite(ws, MODEL, made.id, PEOPLE))
        operations.send_invitations(ws, MODEL, outbox, made.id, [(i.invite, i.token) for i in links])
        assert sent(inbox) == [("ana@acme.example", "invitation"), ("bo@acme.example", "invitation")]
        operations.revoke(ws, made.id, links[1].invite.id)  # Bo's link: no more e-mails to him
        clock.freeze(at(2, 0, 30))  # open+1 is due, but Ana was written to 90 minutes ago
        operations.tick(ws, MODEL, outbox)
        assert len(inbox.messages) == 2
        clock.freeze(at(2, 19, 5))  # 20 hours after the invitation
        operations.tick(ws, MODEL, outbox)
        operations.tick(ws, MODEL, outbox)
        assert sent(inbox)[2:] == [("ana@acme.example", "reminder")]


def test_a_later_deadline_is_told_once_to_those_who_have_not_submitted(tmp_path, clock):
    clock.freeze(at(1))
    with smtp_server() as inbox, Workspace.open(str(tmp_path / "w.db")) as ws:
        outbox = operations.Outbox(inbox.url, "ops@acme.example", "http://x.example")
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", closes=dt.date(2026, 12, 10), reminders="",
                                          threshold=None)
        links = issued(operations.invite(ws, MODEL, made.id, PEOPLE))
        operations.send_invitations(ws, MODEL, outbox, made.id, [(i.invite, i.token) for i in links[:1]])
        operations.save(ws, MODEL, links[0].token, ALL_MOSTLY, {}, submit=True)
        clock.freeze(at(2))
        operations.remind(ws, MODEL, outbox, made.id)  # Bo: his first e-mail
        clock.freeze(at(3))
        operations.extend(ws, made.id, dt.date(2026, 12, 17), "lead@acme.example")
        for _ in range(2):
            operations.deliver(ws, MODEL, outbox, made.id)
        assert sent(inbox) == [("ana@acme.example", "invitation"), ("bo@acme.example", "reminder"),
                               ("bo@acme.example", "extended")]  # Ana submitted: not told
        text = inbox.messages[-1].message.get_body(("plain",)).get_content()
        assert "Thursday 17 December 2026" in text
        assert operations.form(ws, link_in(inbox.messages[-1].message)).invite.respondent == "Bo"  # its own link works
        with pytest.raises(InputError, match="must be later"):
            operations.extend(ws, made.id, dt.date(2026, 12, 12))


def test_a_failed_send_is_kept_and_shown(tmp_path, clock):
    clock.freeze(at(1))
    with smtp_server(refuse=True) as inbox, Workspace.open(str(tmp_path / "w.db")) as ws:
        outbox = operations.Outbox(inbox.url, "ops@acme.example", "http://x.example")
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", threshold=None)
        links = issued(operations.invite(ws, MODEL, made.id, PEOPLE[:1]))
        done = operations.send_invitations(ws, MODEL, outbox, made.id, [(i.invite, i.token) for i in links])
        assert (done.sent, done.failed) == (0, 1)
        [kept] = operations.deliveries(ws, made.id)[links[0].invite.id]
        assert kept.status == "failed" and "554" in kept.error


def test_nobody_submitted_closes_with_nothing_recorded(tmp_path, clock):
    clock.freeze(at(1))
    with Workspace.open(str(tmp_path / "w.db")) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", closes=dt.date(2026, 12, 2))
        operations.invite(ws, MODEL, made.id, PEOPLE)
        clock.freeze(at(3))
        operations.tick(ws, MODEL, operations.Outbox())
        found = operations.campaign(ws, made.id)
        assert found.state == "closed" and found.assessment_id is None
        assert ws.recorded.of("Acme") == []


# --- reopen, revise, clone ----------------------------------------------------------------------

def test_a_reopened_confidential_campaign_gives_people_their_answers_back_and_is_revised(db_url, clock):
    clock.freeze(at(1))
    with Workspace.open(db_url) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", threshold=3)
        people = [{"name": f"P{i}", "email": f"p{i}@acme.example", "role": "pm"} for i in range(6)]
        links = issued(operations.invite(ws, MODEL, made.id, people))
        for link in links[:3]:
            operations.save(ws, MODEL, link.token, ALL_MOSTLY, {}, submit=True)
        clock.freeze(at(4))
        first = operations.close(ws, MODEL, made.id, by="lead@acme.example").recorded.id
        with pytest.raises(InputError, match="the reason"):
            operations.reopen(ws, MODEL, made.id, dt.date(2026, 12, 10), " ")
        operations.reopen(ws, MODEL, made.id, dt.date(2026, 12, 10), "P3 was on leave", "lead@acme.example")
        assert operations.campaign(ws, made.id).state == "open"
        with pytest.raises(Refused, match="confidential"):  # open again: no result shown
            operations.result(ws, MODEL, made.id)
        assert operations.form(ws, links[0].token).invite.answered == len(MODEL.criteria)  # their answers are back
        for link in links[3:]:  # three more: the revision shows no one's answers by difference
            operations.save(ws, MODEL, link.token, dict.fromkeys(ALL_MOSTLY, "Fully"), {}, submit=True)
        clock.freeze(at(6))
        second = operations.close(ws, MODEL, made.id, by="lead@acme.example").recorded.id
        kept = ws.recorded.of("Acme")
        assert [a.id for a in kept] == [second] and second != first and kept[0].respondents == 6
        assert kept[0].revised == ((dt.date(2026, 12, 4), "P3 was on leave"),)
        said = operations.history_document(operations.history(ws, "Acme"))["assessments"][0]["revised"]
        assert said == [{"reopened": "2026-12-04", "reason": "P3 was on leave"}]
        assert [e.kind for e in ws.campaigns.events(made.id)] == ["created", "closed", "reopened", "revised"]


def test_a_clone_has_the_same_people_and_settings_and_new_links(tmp_path, clock):
    clock.freeze(at(1))
    with Workspace.open(str(tmp_path / "w.db")) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q4", targets={"pm": 2}, threshold=5,
                                          reminders="close", owner="lead@acme.example")
        old = issued(operations.invite(ws, MODEL, made.id, PEOPLE))
        copy = operations.clone(ws, MODEL, made.id, "Q1", opens=dt.date(2027, 1, 4), closes=dt.date(2027, 1, 15),
                                by="lead@acme.example")
        assert (copy.state, copy.targets, copy.threshold, copy.reminder_days, copy.opens) == (
            "scheduled", {"pm": 2}, 5, ("close",), dt.date(2027, 1, 4))
        theirs = operations.list_invites(ws, copy.id)
        assert [(i.name, i.email, i.role) for i in theirs] == [(p["name"], p.get("email"), p["role"]) for p in PEOPLE]
        assert operations.form(ws, old[0].token).campaign.id == made.id  # last quarter's link stays last quarter's


# --- many instances -----------------------------------------------------------------------------

@pytest.mark.postgres
def test_two_instances_on_one_postgresql_send_every_email_once(postgres_url, clock):
    """Two workspaces (as two instances have) tick at the same moments, the clock moved past every due
    time; and, without the lease, two deliver at once: the claims alone keep each e-mail to one."""
    clock.freeze(at(1))
    with smtp_server() as inbox, webhook_server() as hook, Workspace.open(postgres_url) as one, \
            Workspace.open(postgres_url) as two:
        outbox = operations.Outbox(inbox.url, "ops@acme.example", "http://x.example")
        made = operations.create_campaign(one, MODEL, "Acme", "Q1", opens=dt.date(2026, 12, 2),
                                          closes=dt.date(2026, 12, 9), threshold=None, webhook=hook.url)
        people = [{"name": f"P{i}", "email": f"p{i}@acme.example", "role": "pm"} for i in range(6)]
        operations.invite(one, MODEL, made.id, people)

        def both(work) -> None:
            start = threading.Barrier(2)

            def run(ws) -> None:
                start.wait()
                work(ws)
            threads = [threading.Thread(target=run, args=(ws,)) for ws in (one, two)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        for day in range(1, 11):
            clock.freeze(at(day, 0, 5))
            both(lambda ws: operations.tick(ws, MODEL, outbox))
            clock.freeze(at(day, 20))
            both(lambda ws: operations.deliver(ws, MODEL, outbox, made.id))  # no lease: the claims hold alone
        counts = Counter((r.rcpt_tos[0], str(r.message["Subject"]), r.message["Date"]) for r in inbox.messages)
        assert set(counts.values()) == {1}
        assert Counter(kind for _who, kind in sent(inbox)) == {"invitation": 6, "reminder": 18}  # open+3, close-2, close
        assert operations.campaign(one, made.id).state == "closed"
        def kind(text: str) -> str:
            return ("opened" if " is open " in text else "closing" if "closes tomorrow" in text
                    else "closed" if "closed" in text else "progress")
        assert Counter(kind(body["text"]) for _p, _h, body in hook.received) == {
            "opened": 1, "progress": 7, "closing": 1, "closed": 1}  # progress: the 3rd to the 9th


# --- the demo ---------------------------------------------------------------------------------------

def test_the_demos_scheduled_campaign_opens_reminds_and_closes_by_itself(demo, tmp_path, clock):
    """`prodops serve --demo` holds next quarter's campaign, scheduled a week ahead: ticked as the
    clock moves, it opens, e-mails its five invitees with an address, reminds those who have not
    submitted, and closes, each e-mail received once."""
    import shutil

    from prodops.shells.demo import DEMO_NEXT_CAMPAIGN, prepare_web_demo

    start = dt.datetime(2026, 12, 8, 10, tzinfo=dt.UTC)
    clock.freeze(start)
    shutil.copy(demo / "prodops.db", tmp_path / "prodops.db")
    made = prepare_web_demo(tmp_path)
    with smtp_server() as inbox, Workspace.open(str(made.workspace)) as ws:
        outbox = operations.Outbox(inbox.url, "ops@example.com", "http://127.0.0.1:8000")
        [nxt] = [c for c in operations.list_campaigns(ws) if c.name == DEMO_NEXT_CAMPAIGN]
        assert (nxt.state, nxt.opens, nxt.closes) == ("scheduled", dt.date(2026, 12, 15), dt.date(2026, 12, 29))
        theirs = []  # (day, recipient, kind) of the e-mails whose link opens the scheduled campaign
        for days in range(0, 24):
            for hour in (0, 12):
                clock.freeze(start.replace(hour=hour) + dt.timedelta(days=days))
                before = len(inbox.messages)
                operations.tick(ws, MODEL, outbox)
                for r, (who, kind) in zip(inbox.messages[before:], sent(inbox)[before:]):
                    if operations.form(ws, link_in(r.message)).campaign.id == nxt.id:
                        theirs.append((clock.today().day, who, kind))
                if clock.today() == dt.date(2026, 12, 20) and hour == 12:  # Priya answers from her reminder
                    priya = [r.message for r in inbox.messages if r.rcpt_tos == ["priya@example.com"]][-1]
                    operations.save(ws, MODEL, link_in(priya), ALL_MOSTLY, {}, submit=True)
        found = operations.campaign(ws, nxt.id)
    addresses = {"priya@example.com", "marek@example.com", "lena@example.com", "tom@example.com", "ada@example.com"}
    assert {(d, w) for d, w, k in theirs if k == "invitation"} == {(15, a) for a in addresses}
    assert {(d, w) for d, w, k in theirs if k == "reminder"} == (
        {(18, a) for a in addresses} | {(d, a) for d in (27, 29) for a in addresses - {"priya@example.com"}})
    assert len(theirs) == len(set(theirs)) == 5 + 5 + 4 + 4
    assert found.state == "closed" and found.closed_at.date() == dt.date(2026, 12, 30)
    assert found.assessment_id is not None


def test_erasing_a_person_takes_their_e_mailed_links_and_what_was_sent_them(tmp_path, clock):
    """No link an e-mail carried outlives its invite (SQLite reuses a deleted row's id: an orphan link
    could open someone else's form), and the export says what was e-mailed when."""
    clock.freeze(at(1))
    with smtp_server() as inbox, Workspace.open(str(tmp_path / "w.db")) as ws:
        outbox = operations.Outbox(inbox.url, "ops@acme.example", "http://x.example")
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", threshold=None)
        operations.invite(ws, MODEL, made.id, PEOPLE[:1])
        operations.remind(ws, MODEL, outbox, made.id)
        emailed = link_in(inbox.messages[0].message)
        held = operations.export_person(ws, "ana@acme.example")
        assert [e["kind"] for e in held["invites"][0]["emails"]] == ["reminder"]
        operations.erase_person(ws, "ana@acme.example")
        newcomer = operations.invite(ws, MODEL, made.id, [{"name": "Ed", "role": "pm"}]).issued[0]
        with pytest.raises(Refused):
            operations.form(ws, emailed)
        assert operations.form(ws, newcomer.token).invite.respondent == "Ed"
        assert operations.deliveries(ws, made.id) == {}


def test_the_tick_applies_retention_once_a_day(tmp_path, clock):
    clock.freeze(at(1))
    with Workspace.open(str(tmp_path / "w.db")) as ws:
        operations.change_setting(ws, "answers_retention_days", "2", "Acme")
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", threshold=None)
        links = operations.invite(ws, MODEL, made.id, PEOPLE).issued
        operations.save(ws, MODEL, links[0].token, ALL_MOSTLY, {}, submit=True)
        operations.close(ws, MODEL, made.id)
        clock.freeze(at(3))
        assert operations.tick(ws, MODEL, operations.Outbox()).forgotten == []  # 2 days: kept
        clock.freeze(at(4, 0, 1))
        assert operations.tick(ws, MODEL, operations.Outbox()).forgotten == [(made.id, 3)]
        assert operations.list_invites(ws, made.id) == []
        clock.freeze(at(4, 12))
        assert operations.tick(ws, MODEL, operations.Outbox()).forgotten == []  # once that day


def test_prodops_campaigns_tick_does_what_is_due_from_cron(tmp_path, clock):
    from tests.conftest import ok, refused

    clock.freeze(at(1))
    db = str(tmp_path / "w.db")
    with Workspace.open(db) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", opens=dt.date(2026, 12, 2), threshold=None)
        operations.invite(ws, MODEL, made.id, PEOPLE)
    with smtp_server() as inbox:
        clock.freeze(at(2))
        said = ok("campaigns", "tick", "--db", db, "--smtp", inbox.url, "--base-url", "https://assess.acme.example")
        assert "2 e-mails sent" in said.stdout and sent(inbox) == [("ana@acme.example", "invitation"),
                                                                   ("bo@acme.example", "invitation")]
        assert "https://assess.acme.example/r/" in inbox.messages[0].message.get_body(("plain",)).get_content()
        again = ok("campaigns", "tick", "--db", db, "--smtp", inbox.url, "--json")
        assert '"sent": 0' in again.stdout and len(inbox.messages) == 2
        assert "answered" in ok("campaigns", "tick", "--check-mail", "--smtp", inbox.url).stdout
        listed = ok("campaigns", "list", "--db", db).stdout
        assert "Q1" in listed and "open" in listed
    assert "does not work" in refused("campaigns", "tick", "--check-mail", "--smtp", inbox.url)  # stopped now
    assert "not valid" in refused("campaigns", "tick", "--check-mail", "--smtp", "http://mail.example")


# --- what a review found: each with the scenario that broke -------------------------------------

def test_a_failed_e_mail_is_tried_again_later_a_few_times(tmp_path, clock):
    clock.freeze(at(1))
    db = str(tmp_path / "w.db")
    with Workspace.open(db) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", opens=dt.date(2026, 12, 2), reminders="",
                                          threshold=None)
        operations.invite(ws, MODEL, made.id, PEOPLE[:1])
        with smtp_server(refuse=True) as down:
            clock.freeze(at(2, 0, 1))  # it opens while the mail server refuses
            assert operations.tick(ws, MODEL, operations.Outbox(down.url, base_url="http://x")).sent.failed == 1
        with smtp_server() as inbox:
            fine = operations.Outbox(inbox.url, base_url="http://x")
            clock.freeze(at(2, 0, 10))
            operations.tick(ws, MODEL, fine)
            assert inbox.messages == []  # not before 15 minutes
            clock.freeze(at(2, 0, 20))
            operations.tick(ws, MODEL, fine)
            clock.freeze(at(2, 1))
            operations.tick(ws, MODEL, fine)
            assert sent(inbox) == [("ana@acme.example", "invitation")]
        [kept] = operations.deliveries(ws, made.id)[1]
        assert (kept.status, kept.error) == ("sent", None)


def test_a_bad_webhook_stops_no_other_campaign_and_its_address_is_never_said(tmp_path, clock):
    from prodops.outbox.webhook import post, refused_address

    assert refused_address("https://hooks.example/T0/B0/sec ret") and refused_address("https://h:abc/x")
    assert "sec" not in post("https://hooks.example:0/T0/B0/secret", "x")
    clock.freeze(at(1))
    with Workspace.open(str(tmp_path / "w.db")) as ws:
        first = operations.create_campaign(ws, MODEL, "Acme", "Q1", closes=dt.date(2026, 12, 2))
        ws.campaigns.change(first.id, {"webhook": "https://hooks.example/T0/B0/sec ret"})  # as an old row might hold
        second = operations.create_campaign(ws, MODEL, "Acme", "Q2", closes=dt.date(2026, 12, 2))
        clock.freeze(at(3))
        done = operations.tick(ws, MODEL, operations.Outbox())
        assert operations.campaign(ws, second.id).state == "closed" == operations.campaign(ws, first.id).state
        assert not any("sec" in e for e in done.sent.errors)


def test_a_campaign_closed_again_on_another_day_leaves_nothing_of_its_old_assessment(tmp_path, clock):
    import sqlalchemy as sa

    clock.freeze(at(1))
    with Workspace.open(str(tmp_path / "w.db")) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", threshold=None)
        links = issued(operations.invite(ws, MODEL, made.id, PEOPLE))
        operations.save(ws, MODEL, links[0].token, ALL_MOSTLY, {}, submit=True)
        old = operations.close(ws, MODEL, made.id).recorded.id
        operations.reopen(ws, MODEL, made.id, dt.date(2026, 12, 9), "Bo was away")
        operations.save(ws, MODEL, links[1].token, ALL_MOSTLY, {}, submit=True)
        clock.freeze(at(5))
        operations.close(ws, MODEL, made.id)
        with ws.engine.connect() as conn:
            for table in ("answers", "respondents", "dimension_levels"):
                assert conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE assessment_id = :a"), {"a": old}).scalar() == 0


def test_a_clone_opening_today_e_mails_its_invitations(tmp_path, clock):
    clock.freeze(at(1))
    with smtp_server() as inbox, Workspace.open(str(tmp_path / "w.db")) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q4", threshold=None)
        operations.invite(ws, MODEL, made.id, PEOPLE)
        copy = operations.clone(ws, MODEL, made.id, "Q1")
        assert copy.state == "open"
        operations.deliver(ws, MODEL, operations.Outbox(inbox.url, base_url="http://x"), copy.id)
        assert sent(inbox) == [("ana@acme.example", "invitation"), ("bo@acme.example", "invitation")]
        assert operations.form(ws, link_in(inbox.messages[0].message)).campaign.id == copy.id


def test_a_later_closing_day_brings_its_reminders_again(tmp_path, clock):
    clock.freeze(at(1))
    with smtp_server() as inbox, Workspace.open(str(tmp_path / "w.db")) as ws:
        outbox = operations.Outbox(inbox.url, base_url="http://x")
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", closes=dt.date(2026, 12, 5), reminders="close",
                                          threshold=None)
        operations.invite(ws, MODEL, made.id, PEOPLE[:1])
        clock.freeze(at(5))
        operations.tick(ws, MODEL, outbox)
        operations.extend(ws, made.id, dt.date(2026, 12, 12))
        operations.tick(ws, MODEL, outbox)  # more time: told
        clock.freeze(at(12))
        operations.tick(ws, MODEL, outbox)
        assert sent(inbox) == [("ana@acme.example", "reminder"), ("ana@acme.example", "extended"),
                               ("ana@acme.example", "reminder")]


def test_a_confidential_revision_that_would_show_a_few_peoples_answers_keeps_the_earlier_result(tmp_path, clock):
    clock.freeze(at(1))
    with Workspace.open(str(tmp_path / "w.db")) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", threshold=3)
        people = [{"name": f"P{i}", "email": f"p{i}@acme.example", "role": "pm"} for i in range(5)]
        links = issued(operations.invite(ws, MODEL, made.id, people))
        for link in links[:3]:
            operations.save(ws, MODEL, link.token, ALL_MOSTLY, {}, submit=True)
        first = operations.close(ws, MODEL, made.id).recorded.id
        clock.freeze(at(2))
        operations.reopen(ws, MODEL, made.id, dt.date(2026, 12, 4), "P3 and P4 were away")
        operations.save(ws, MODEL, links[3].token, dict.fromkeys(ALL_MOSTLY, "Fully"), {}, submit=True)  # one alone
        with pytest.raises(Refused, match="only 1 person has submitted since"):
            operations.close(ws, MODEL, made.id)
        clock.freeze(at(5))
        operations.tick(ws, MODEL, operations.Outbox())  # past its closing day: closed, the earlier result stands
        found = operations.campaign(ws, made.id)
        assert found.state == "closed" and found.assessment_id == first
        assert [a.respondents for a in ws.recorded.of("Acme")] == [3]


def test_a_draft_opened_late_counts_from_today_and_one_past_its_closing_day_is_refused(tmp_path, clock):
    clock.freeze(at(1))
    with Workspace.open(str(tmp_path / "w.db")) as ws:
        late = operations.create_campaign(ws, MODEL, "Acme", "Late", draft=True, closes=dt.date(2026, 12, 20))
        gone = operations.create_campaign(ws, MODEL, "Acme", "Gone", draft=True, closes=dt.date(2026, 12, 3))
        clock.freeze(at(5))
        assert operations.schedule(ws, late.id).opens == dt.date(2026, 12, 5)
        with pytest.raises(InputError, match="before today"):
            operations.schedule(ws, gone.id)


def test_a_campaign_whose_people_retention_forgot_is_not_reopened(tmp_path, clock):
    clock.freeze(at(1))
    with Workspace.open(str(tmp_path / "w.db")) as ws:
        operations.change_setting(ws, "answers_retention_days", "0", "Acme")
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", threshold=None)
        links = issued(operations.invite(ws, MODEL, made.id, PEOPLE))
        operations.save(ws, MODEL, links[0].token, ALL_MOSTLY, {}, submit=True)
        operations.close(ws, MODEL, made.id)
        clock.freeze(at(3))
        operations.apply_retention(ws)
        with pytest.raises(Refused, match="Clone it instead"):
            operations.reopen(ws, MODEL, made.id, dt.date(2026, 12, 9), "again")


@pytest.mark.postgres
@pytest.mark.slow
def test_two_served_apps_on_one_postgresql_tick_and_send_each_e_mail_once(postgres_url):
    """Two `prodops serve` apps (each its scheduler thread ticking every 0.1 s) on one PostgreSQL, the
    clock moved past each due time: the campaign opens, reminds and closes once, each e-mail once.
    (The program's clock is frozen here, not through the `clock` fixture: servers in threads do not
    run under faketime, which the clock tests are run again under.)"""
    try:
        _two_served_apps(postgres_url)
    finally:
        program_clock.unfreeze()


def _two_served_apps(postgres_url: str) -> None:
    import time

    import uvicorn

    from prodops.shells.web import Settings, create_app
    from tests.pgserver import free_port

    clock = program_clock
    clock.freeze(at(1))
    with Workspace.open(postgres_url) as ws:
        made = operations.create_campaign(ws, MODEL, "Acme", "Q1", opens=dt.date(2026, 12, 2),
                                          closes=dt.date(2026, 12, 4), reminders="open+1", threshold=None,
                                          link_base="http://assess.acme.example")
        operations.invite(ws, MODEL, made.id, PEOPLE)
    with smtp_server() as inbox:
        servers = []
        for _ in range(2):
            app = create_app(Settings(db=postgres_url, smtp=inbox.url, tick_seconds=0.1))
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
            threading.Thread(target=server.run, daemon=True).start()
            servers.append((server, app))
        try:
            deadline = time.monotonic() + 20
            while not all(s.started for s, _a in servers) and time.monotonic() < deadline:
                time.sleep(0.05)
            for when, wanted in ((at(2, 0, 5), 2), (at(3, 0, 5), 4)):
                clock.freeze(when)
                inbox.wait(wanted, timeout=20)
                time.sleep(1)  # ten more ticks of each: nothing more goes
                assert len(inbox.messages) == wanted
            clock.freeze(at(5, 0, 5))
            deadline = time.monotonic() + 20
            with Workspace.open(postgres_url) as ws:
                while operations.campaign(ws, made.id).state != "closed" and time.monotonic() < deadline:
                    time.sleep(0.1)
                assert [e.kind for e in ws.campaigns.events(made.id)] == ["created", "opened", "closed"]
        finally:
            for server, _app in servers:
                server.should_exit = True
            time.sleep(0.5)
            for _server, app in servers:
                app.state.ws.close()
    assert sorted(sent(inbox)) == [("ana@acme.example", "invitation"), ("ana@acme.example", "reminder"),
                                   ("bo@acme.example", "invitation"), ("bo@acme.example", "reminder")]
