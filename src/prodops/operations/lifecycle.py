"""Campaigns that finish themselves: the moves of a campaign's life (schedule, open now, extend,
close, reopen, clone), the e-mails it sends (invitations, reminders, a later deadline, a new link)
and the notifications to its owner's webhook, and the scheduler's tick that does on time what is
due: opens scheduled campaigns, reminds, closes at the deadline.

Exactly once, whatever the number of workers and instances: each e-mail and notification is claimed
by a unique key before it goes (`Campaigns.claim`), each move is a conditional change of the
campaign's state (`Campaigns.move`), and a tick runs under a lease that one instance holds at a time.
Every e-mail carries a link of its own (only its hash is kept), so a reminder can be answered
without the invitation at hand.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prodops import clock
from prodops.core.errors import Conflict, InputError, Refused
from prodops.core.lifecycle import (DEFAULT_TEMPLATES, KINDS, Letter, checked_reminders, checked_template,
                                    deadline_words, due_day, due_reminder, filled, may_send, refused_move)
from prodops.core.model import MaturityModel
from prodops.operations.access import digest, new_secret
from prodops.operations.audit import record
from prodops.operations.campaigns import Campaign, campaign, close, create_campaign, progress

if TYPE_CHECKING:
    from prodops.operations.invites import Invite
    from prodops.outbox.mail import Send
    from prodops.store import Workspace
    from prodops.store.campaigns import Delivery, Event

SCHEDULER = "scheduler"  # who the scheduler's moves are kept as
LEASE = dt.timedelta(minutes=5)  # how long a tick holds the scheduler (renewed per campaign) before another may take it
RETRY_AFTER = dt.timedelta(minutes=15)  # an e-mail or notification that failed is tried again after this...
ATTEMPTS = 4  # ...up to this many times in all (about an hour)
REASON_LENGTH = 500


@dataclass(frozen=True)
class Outbox:
    """How a campaign's e-mails go out: the SMTP server (None: none go; links are handed out by
    hand), whom they come from, and the address links use when the campaign has none of its own."""

    smtp: str | None = None
    sender: str = "prodops@localhost"
    base_url: str | None = None


# --- the moves --------------------------------------------------------------------------------

def _move(ws: Workspace, found: Campaign, move: str, values: dict[str, Any], by: str | None,
          detail: str | None = None, kind: str | None = None) -> Campaign:
    from prodops.core.lifecycle import MOVES

    if why := refused_move(move, found.state):
        raise Refused("closed", f"campaign #{found.id}: {why}")
    if not ws.campaigns.move(found.id, MOVES[move], values, clock.now(), kind or move, by, detail):
        raise Refused("closed", f"campaign #{found.id} changed meanwhile; look at it again")
    record(ws, f"campaign {kind or move}", f"campaign #{found.id}", detail=detail)
    return campaign(ws, found.id)


def schedule(ws: Workspace, campaign_id: int, by: str | None = None) -> Campaign:
    """A draft becomes scheduled: it opens by itself on its opening day (today: at once) and its
    invitations go by e-mail then."""
    found, today = campaign(ws, campaign_id), clock.today()
    if found.closes is not None and found.closes < today:
        raise Conflict(f"campaign #{found.id} closes on {found.closes}, before today: give it a later closing "
                       "day first")
    if found.opens <= today:  # its day has come (or passed: it opens today, and its reminders count from today)
        return _move(ws, found, "schedule", {"state": "open", "opens": today}, by, "opened on its day", kind="opened")
    return _move(ws, found, "schedule", {"state": "scheduled"}, by, f"opens on {found.opens}", kind="scheduled")


def open_now(ws: Workspace, campaign_id: int, by: str | None = None) -> Campaign:
    """A draft or scheduled campaign opens today, whatever day it was to open."""
    found = campaign(ws, campaign_id)
    today = clock.today()
    if found.closes is not None and found.closes < today:
        raise Conflict(f"campaign #{found.id} closes on {found.closes}, before today: give it a later closing "
                       "day first")
    return _move(ws, found, "open", {"state": "open", "opens": today}, by, "opened by hand", kind="opened")


def extend(ws: Workspace, campaign_id: int, closes: dt.date, by: str | None = None) -> Campaign:
    """A later closing day; those who have not submitted are told (`deliver`)."""
    found = campaign(ws, campaign_id)
    today = clock.today()
    if closes < today:
        raise InputError(f"the new closing day {closes} has passed: choose today or a later day")
    if closes < found.opens:
        raise Conflict(f"the new closing day {closes} comes before the campaign opens ({found.opens}): choose a later one")
    if found.closes is not None and closes <= found.closes:
        raise Conflict(f"campaign #{found.id} closes on {found.closes} already: the new closing day must be later "
                       "(an earlier one would cut people off who were promised more time)")
    # only a later closing day is news to tell ("extended"); a first one is "deadline set"
    return _move(ws, found, "extend", {"closes": closes}, by, closes.isoformat(),
                 kind="extended" if found.closes is not None else "deadline set")


def reopen(ws: Workspace, model: MaturityModel, campaign_id: int, closes: dt.date, reason: str,
           by: str | None = None) -> Campaign:
    """A closed campaign takes answers again until `closes`, with the reason kept; when it closes
    again its recorded assessment is replaced, and the history says it was revised."""
    from prodops.core.safe_text import checked_text
    from prodops.operations.campaigns import _same_model

    found = campaign(ws, campaign_id)
    _same_model(found, model)
    reason = checked_text(reason, "the reason for reopening", REASON_LENGTH, required=True) or ""
    if closes < clock.today():
        raise InputError(f"the new closing day {closes} has passed: choose today or a later day")
    if why := refused_move("reopen", found.state):
        raise Refused("closed", f"campaign #{found.id}: {why}")
    if not ws.campaigns.invites(campaign_id):
        raise Refused("closed", f"campaign #{found.id} holds no one any more (its people were forgotten after its "
                                "retention, or never invited): reopened, it would replace its result with a new "
                                "one of whoever answers now. Clone it instead")
    with ws.campaigns.closing(campaign_id) as closing:
        assert closing is not None
        if closing.campaign.state != "closed":
            raise Refused("closed", f"campaign #{found.id} changed meanwhile; look at it again")
        closing.reopen(closes, by, reason)
    record(ws, "campaign reopened", f"campaign #{found.id}", closes=closes.isoformat(), reason=reason[:200])
    return campaign(ws, campaign_id)


def clone(ws: Workspace, model: MaturityModel, campaign_id: int, name: str, opens: dt.date | None = None,
          closes: dt.date | None = None, by: str | None = None, draft: bool = False) -> Campaign:
    """A new campaign from an earlier one (last quarter's): the same organisation, unit, privacy,
    targets, reminders, wording, webhook and invitees (new links), new name and days. Opening
    today: open; later: scheduled (its invitations go when it opens); or a draft."""
    from prodops.operations.invites import invite, list_invites

    found = campaign(ws, campaign_id)
    people = [{"name": i.name, "email": i.email, "role": i.role, "team": i.team if i.team != found.team else None}
              for i in list_invites(ws, campaign_id) if not i.revoked or i.submitted_at]
    made = create_campaign(ws, model, found.organization, name, found.team, opens, closes, found.targets,
                           threshold=found.threshold, draft=draft, owner=by or found.owner,
                           reminders=found.reminders, webhook=found.webhook, link_base=found.link_base,
                           templates=found.templates or None)
    # its links were never shown to anyone: it e-mails its invitations itself (`deliver`)
    ws.campaigns.add_event(made.id, clock.now(), "cloned", by, f"from campaign #{found.id}")
    record(ws, "campaign cloned", f"campaign #{made.id}", source=f"campaign #{found.id}", invitees=len(people))
    if people:
        invite(ws, model, made.id, people)
    return made


def set_reminders(ws: Workspace, campaign_id: int, reminders: object) -> Campaign:
    """The campaign's reminder schedule (core.lifecycle), checked; None: the default."""
    slots = None if reminders is None else list(checked_reminders(reminders))
    found = campaign(ws, campaign_id)
    if found.state == "closed":
        raise Refused("closed", f"campaign #{found.id} is closed: it sends no more reminders")
    ws.campaigns.change(campaign_id, {"reminders": slots})
    return campaign(ws, campaign_id)


def set_template(ws: Workspace, campaign_id: int, kind: str, subject: str | None, body: str | None) -> Campaign:
    """The campaign's own wording of one kind of e-mail (None: the default again)."""
    if kind not in KINDS:
        raise InputError(f"unknown kind of e-mail {kind!r}; the kinds are {', '.join(KINDS)}")
    found = campaign(ws, campaign_id)
    own = dict(found.templates)
    if subject is None and body is None:
        own.pop(kind, None)
    else:
        subject, body = checked_template(kind, subject or "", body or "")
        own[kind] = {"subject": subject, "body": body}
    ws.campaigns.change(campaign_id, {"templates": own or None})
    return campaign(ws, campaign_id)


def set_webhook(ws: Workspace, campaign_id: int, url: str | None) -> Campaign:
    """The incoming webhook the campaign's owner is notified at (None: none). A secret: never shown again."""
    from prodops.outbox.webhook import refused_address

    url = (url or "").strip() or None
    if url and (why := refused_address(url)):
        raise InputError(f"the webhook: {why}")
    campaign(ws, campaign_id)
    ws.campaigns.change(campaign_id, {"webhook": url})
    return campaign(ws, campaign_id)


# --- the e-mails --------------------------------------------------------------------------------

def letter(found: Campaign, model: MaturityModel, kind: str, name: str | None, role: str, link: str) -> Letter:
    """The words of one e-mail of `kind` to one person: the campaign's own wording, else the default."""
    own = found.templates.get(kind)
    subject, body = (own["subject"], own["body"]) if own else DEFAULT_TEMPLATES[kind]
    values = {
        "name": name or "there", "organization": found.organization, "campaign": found.name,
        "deadline": deadline_words(found.closes), "sender": found.owner or "the Product Operations team",
        "link": link, "confidentiality": "\n\n".join(found.statement()),
        "role": model.role[role].name if role in model.role else role, "statements": str(len(model.criteria)),
    }
    return Letter(filled(subject, values), filled(body, values), link)


def preview(ws: Workspace, model: MaturityModel, campaign_id: int, kind: str, base_url: str | None = None) -> Letter:
    """An e-mail of `kind` as its first invitee would get it (a sample person when none is invited yet)."""
    from prodops.operations.invites import list_invites

    if kind not in KINDS:
        raise InputError(f"unknown kind of e-mail {kind!r}; the kinds are {', '.join(KINDS)}")
    found = campaign(ws, campaign_id)
    first = next(iter(list_invites(ws, campaign_id)), None)
    role = first.role if first else next(iter(model.role))
    return letter(found, model, kind, first.name if first else "Ana Example", role,
                  f"{(found.link_base or base_url or 'https://prodops.example').rstrip('/')}/r/(their-own-link)")


@dataclass
class Sent:
    """What one round of sending did: e-mails sent, failed, and notifications."""

    sent: int = 0
    failed: int = 0
    notified: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Sent) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.notified += other.notified
        self.errors += other.errors

    def words(self) -> str:
        said = f"{self.sent} e-mail{'s' * (self.sent != 1)} sent"
        if self.failed:
            said += f", {self.failed} failed ({self.errors[0]})"
        return said


class _Mailer:
    """E-mails of one campaign over one connection, opened when the first is due."""

    def __init__(self, ws: Workspace, model: MaturityModel, outbox: Outbox, found: Campaign) -> None:
        self.ws, self.model, self.outbox, self.found = ws, model, outbox, found
        self.done = Sent()
        self._send: Send | None = None
        self._stack: Any = None
        self._last: dict[int, dt.datetime] | None = None

    def __enter__(self) -> _Mailer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stack is not None:
            self._stack.close()

    def last_sent(self, invite_id: int) -> dt.datetime | None:
        """When the invite was last written to (sent or being sent)."""
        if self._last is None:
            self._last = {}
            for d in self.ws.campaigns.deliveries(self.found.id):
                if d.invite_id is not None and d.channel == "email" and d.status != "failed":
                    self._last[d.invite_id] = max(d.at, self._last.get(d.invite_id, d.at))
        return self._last.get(invite_id)

    def mail(self, inv: Invite, kind: str, key: str, token: str | None = None, automatic: bool = True) -> bool:
        """Send one e-mail of `kind` to `inv`, once for `key`: True when this call sent (or tried) it."""
        from contextlib import ExitStack

        from prodops.outbox.mail import Server, message, sending

        if not self.outbox.smtp or not inv.email:
            return False
        now = clock.now()
        claimed = self.ws.campaigns.claim(key, self.found.id, inv.id, "email", kind, now, RETRY_AFTER, ATTEMPTS)
        if claimed is None:
            return False
        if self._last is not None:
            self._last[inv.id] = now
        base = self.found.link_base or self.outbox.base_url
        error = None
        if base is None:
            error = "no address for the links: set the public address (PRODOPS_BASE_URL)"
        else:
            if token is None:  # a link of its own, so that this e-mail alone is enough to answer
                token = new_secret()
                self.ws.campaigns.add_link(inv.id, digest(token), now)
            if self._send is None:
                self._stack = ExitStack()
                self._send = self._stack.enter_context(sending(Server(self.outbox.smtp)))
            said = letter(self.found, self.model, kind, inv.name, inv.role, f"{base.rstrip('/')}/r/{token}")
            error = self._send(message(said, self.outbox.sender, inv.email, self.found.owner, automatic))
        self.ws.campaigns.delivered(claimed, clock.now(), error)
        if error:
            self.done.failed += 1
            self.done.errors.append(error)
        else:
            self.done.sent += 1
        return True


def send_invitations(ws: Workspace, model: MaturityModel, outbox: Outbox, campaign_id: int,
                     issued: list[tuple[Invite, str]]) -> Sent:
    """E-mail the links just issued (invite, token) to those with an address, each once."""
    found = campaign(ws, campaign_id)
    if not found.is_open:  # a draft or scheduled one's invitations go when it opens
        return Sent()
    with _Mailer(ws, model, outbox, found) as mailer:
        for inv, token in issued:
            mailer.mail(inv, "invitation", f"invitation:{inv.id}", token, automatic=False)
    return mailer.done


def send_link(ws: Workspace, model: MaturityModel, outbox: Outbox, campaign_id: int, inv: Invite, token: str) -> Sent:
    """E-mail a re-issued link to its person."""
    found = campaign(ws, campaign_id)
    with _Mailer(ws, model, outbox, found) as mailer:
        mailer.mail(inv, "link", f"link:{inv.id}:{digest(token)[:16]}", token, automatic=False)
    return mailer.done


@dataclass(frozen=True)
class Reminding:
    """A reminder by hand, before it goes: to whom, who is held back (written to lately), the words."""

    waiting: list[Invite]  # will get it
    recent: list[Invite]  # not submitted, written to within the minimum gap: not now
    without_email: int
    letter: Letter | None


def reminding(ws: Workspace, model: MaturityModel, campaign_id: int) -> Reminding:
    """Who a reminder now would go to, and what it says (a preview)."""
    from prodops.operations.invites import list_invites

    found = campaign(ws, campaign_id)
    if not found.is_open:
        raise Refused("closed", f"campaign #{found.id} is {found.state}: reminders go only while it is open")
    outbox = Outbox()
    with _Mailer(ws, model, outbox, found) as mailer:
        pending = [i for i in list_invites(ws, campaign_id) if not i.submitted_at and not i.revoked]
        now = clock.now()
        mailed = [i for i in pending if i.email]
        ready = [i for i in mailed if may_send(mailer.last_sent(i.id), now)]
    return Reminding(ready, [i for i in mailed if i not in ready], len(pending) - len(mailed),
                     preview(ws, model, campaign_id, "reminder") if ready else None)


def remind(ws: Workspace, model: MaturityModel, outbox: Outbox, campaign_id: int, by: str | None = None) -> Sent:
    """Remind now those who have not submitted (and were not written to within the minimum gap)."""
    if not outbox.smtp:
        raise Conflict("no mail server is set: reminders cannot be e-mailed (set the SMTP address)")
    plan = reminding(ws, model, campaign_id)
    found = campaign(ws, campaign_id)
    stamp = clock.now().strftime("%Y%m%dT%H%M")
    with _Mailer(ws, model, outbox, found) as mailer:
        for inv in plan.waiting:
            mailer.mail(inv, "reminder", f"reminder:{inv.id}:by-hand:{stamp}", automatic=False)
    ws.campaigns.add_event(campaign_id, clock.now(), "reminded", by, mailer.done.words())
    return mailer.done


# --- on time: what the scheduler does ---------------------------------------------------------

def _mails_invitations(events: list[Event]) -> bool:
    """Whether the campaign e-mails its invitations itself: it was made to open later (a draft or
    scheduled) or cloned, so its links were not handed out when people were invited."""
    return any((e.kind == "created" and e.detail in ("draft", "scheduled")) or e.kind == "cloned" for e in events)


def deliver(ws: Workspace, model: MaturityModel, outbox: Outbox, campaign_id: int) -> Sent:
    """Everything due for one campaign now: open it on its day, its invitations, the reminder of the
    day, a later deadline told, notifications, and the close after its closing day. Safe to run by
    any number of instances at once: each thing is done once."""
    found = campaign(ws, campaign_id)
    today, done = clock.today(), Sent()
    if found.state == "scheduled" and found.opens <= today and ws.campaigns.move(
            found.id, ("scheduled",), {"state": "open"}, clock.now(), "opened", SCHEDULER, "opened on its day"):
        record(ws, "campaign opened", f"campaign #{found.id}", detail="opened on its day")
        found = campaign(ws, campaign_id)
    if found.state == "open" and found.closes is not None and today > found.closes:
        done.add(_close_on_time(ws, model, outbox, found))
        found = campaign(ws, campaign_id)
    if found.state == "open":
        done.add(_mails_due(ws, model, outbox, found))
    done.add(_notify(ws, model, found))
    return done


def _mails_due(ws: Workspace, model: MaturityModel, outbox: Outbox, found: Campaign) -> Sent:
    from prodops.operations.invites import list_invites

    today, now = clock.today(), clock.now()
    people = [i for i in list_invites(ws, found.id) if not i.revoked and i.email]
    waiting = [i for i in people if not i.submitted_at]
    events = ws.campaigns.events(found.id)
    invitations = _mails_invitations(events)
    slot = due_reminder(found.reminder_days, found.opens, found.closes, today)
    extended = [e for e in events if e.kind == "extended"]
    with _Mailer(ws, model, outbox, found) as mailer:
        for inv in people if invitations else []:
            if not inv.submitted_at:
                mailer.mail(inv, "invitation", f"invitation:{inv.id}")
        if extended and found.closes is not None and extended[-1].detail == found.closes.isoformat():
            for inv in waiting:  # told those written to before it: the others' first e-mail says the new day
                last = mailer.last_sent(inv.id)
                if last is not None and last <= extended[-1].at:
                    mailer.mail(inv, "extended", f"extended:{inv.id}:{found.closes}")
        if slot:
            day = due_day(slot, found.opens, found.closes)  # in the key: a later closing day brings its reminders again
            for inv in waiting:
                if may_send(mailer.last_sent(inv.id), now):
                    mailer.mail(inv, "reminder", f"reminder:{inv.id}:{slot}:{day}")
    return mailer.done


def _close_on_time(ws: Workspace, model: MaturityModel, outbox: Outbox, found: Campaign) -> Sent:
    """Close a campaign whose closing day has passed, recording what was submitted (nothing when
    no one did). A close that cannot be made (another campaign's assessment that day) is kept as
    an event, once a day, for an admin to settle."""
    try:
        close(ws, model, found.id, by=SCHEDULER)
    except Refused as e:
        if e.kind == "confidential":  # a revision would show a few people's answers: the earlier result stands
            _close_unrecorded(ws, found.id, f"the result recorded before stands: {e.message}")
    except InputError as e:
        if not ws.campaigns.submitted(found.id):
            _close_unrecorded(ws, found.id, "no one had submitted: nothing recorded")
        elif ws.campaigns.claim(f"close-failed:{found.id}:{clock.today()}", found.id, None, "event", "close-failed",
                                clock.now(), RETRY_AFTER, 1) is not None:
            ws.campaigns.add_event(found.id, clock.now(), "close-failed", SCHEDULER, e.message)
    return Sent()


def _close_unrecorded(ws: Workspace, campaign_id: int, why: str) -> None:
    with ws.campaigns.closing(campaign_id) as closing:
        if closing is not None and closing.campaign.state == "open":  # not closed meanwhile
            closing.close_unrecorded(SCHEDULER, why)
            closed = True
        else:
            closed = False
    if closed:
        record(ws, "campaign closed", f"campaign #{campaign_id}", assessment=None, why=why[:200])


def _notify(ws: Workspace, model: MaturityModel, found: Campaign) -> Sent:
    """The owner's webhook: opened, each day's progress, the day before closing, closed with the level."""
    from prodops.outbox.webhook import post

    done = Sent()
    if not found.webhook:
        return done
    today = clock.today()
    due: list[tuple[str, str, str]] = []  # (key, kind, text)
    where = f"{found.name} ({found.organization}{', ' + found.team if found.team else ''})"
    if found.state in ("open", "closed"):
        due.append((f"webhook:{found.id}:opened", "opened", f"Campaign \"{where}\" is open until "
                    f"{deadline_words(found.closes)}."))
    if found.state == "open":
        count = progress(ws, found.id).total
        rate = f" ({round(100 * count.submitted / count.invited)} %)" if count.invited else ""
        if today > found.opens:
            due.append((f"webhook:{found.id}:progress:{today}", "progress", f"\"{where}\": {count.submitted} of "
                        f"{count.invited} invited have submitted{rate}."))
        if found.closes is not None and found.closes - today == dt.timedelta(days=1):
            due.append((f"webhook:{found.id}:closing:{found.closes}", "closing", f"\"{where}\" closes tomorrow: "
                        f"{count.submitted} of {count.invited} have submitted{rate}."))
    if found.state == "closed" and found.closed_at is not None:
        if found.assessment_id is not None:
            level = ws.recorded.of(found.organization)
            rec = next((a for a in level if a.id == found.assessment_id), None)
            said = (f"it recorded Level {rec.level} {rec.level_name} from {rec.respondents} respondents" if rec
                    else "it recorded its assessment")
        else:
            said = "no one had submitted, so nothing was recorded"
        due.append((f"webhook:{found.id}:closed:{found.closed_at.isoformat()}", "closed", f"\"{where}\" closed: {said}."))
    for key, kind, text in due:
        claimed = ws.campaigns.claim(key, found.id, None, "webhook", kind, clock.now(), RETRY_AFTER, ATTEMPTS)
        if claimed is None:
            continue
        error = post(found.webhook, text)
        ws.campaigns.delivered(claimed, clock.now(), error)
        done.notified += error is None
        if error:
            done.errors.append(error)
    return done


@dataclass(frozen=True)
class Ticked:
    """One tick of the scheduler: whether this instance held it, and what it did."""

    held: bool
    campaigns: int = 0
    sent: Sent = field(default_factory=Sent)
    forgotten: list[tuple[int, int]] = field(default_factory=list)  # retention: (campaign id, people) today


def tick(ws: Workspace, model: MaturityModel, outbox: Outbox, holder: str | None = None) -> Ticked:
    """Do what is due in every campaign not closed (and notify on those just closed), and once a day
    apply the organisations' answers retention, if no other instance is doing it now (a lease,
    released at the end)."""
    from prodops.operations.people import apply_retention

    holder = holder or f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"
    now = clock.now()
    if not ws.campaigns.lease("scheduler", holder, now, now + LEASE):
        return Ticked(False)
    try:
        done, count = Sent(), 0
        for found in ws.campaigns.all():
            if found.state == "draft" or (found.state == "closed" and not (
                    found.webhook and found.closed_at and now - found.closed_at < dt.timedelta(days=2))):
                continue  # a closed campaign only has its webhook told, once, soon after
            if found.model_id != model.id:
                continue  # another app's model serves it
            if not ws.campaigns.lease("scheduler", holder, clock.now(), clock.now() + LEASE):
                break  # held too long (a slow mail server): another instance has taken over
            count += 1
            try:
                done.add(deliver(ws, model, outbox, found.id))
            except (InputError, Refused, ValueError, OSError) as e:  # one campaign's fault stops no other's
                done.errors.append(f"campaign #{found.id}: {type(e).__name__}")
        today = clock.today()  # the day's retention, once: its lease is never given back
        tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
        forgotten = apply_retention(ws, today) if ws.campaigns.lease(f"retention:{today}", holder, now, tomorrow) else []
        return Ticked(True, count, done, forgotten)
    finally:
        ws.campaigns.release("scheduler", holder)


def deliveries(ws: Workspace, campaign_id: int) -> dict[int | None, list[Delivery]]:
    """What was sent, by invite (None: the owner's notifications), oldest first."""
    out: dict[int | None, list[Delivery]] = {}
    for d in ws.campaigns.deliveries(campaign_id):
        if d.channel != "event":
            out.setdefault(d.invite_id, []).append(d)
    return out


def check_mail_server(outbox: Outbox, to: str | None = None) -> str:
    """Try the mail server (connect, TLS, sign in) and, given `to`, send it a test e-mail; what happened,
    in words. InputError when it does not work."""
    from prodops.outbox.mail import Server, check, message, sending

    if not outbox.smtp:
        raise InputError("no mail server is set (the SMTP address)")
    server = Server(outbox.smtp)
    if to is None:
        if error := check(server):
            raise InputError(f"the mail server does not work: {error}")
        return f"{server.where} answered, took TLS as asked and signed in"
    test = Letter("prodops-maturity: a test e-mail", "This e-mail shows that invitations and reminders can reach "
                  "you through this mail server.", "")
    with sending(server) as send:
        error = send(message(test, outbox.sender, to))
    if error:
        raise InputError(f"the test e-mail to {to} was not sent: {error}")
    return f"a test e-mail went to {to} through {server.where}"
