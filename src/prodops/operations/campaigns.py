"""Assessment campaigns: one round of answers collected through personal invite links, scored as it
stands, and recorded in the workspace when it closes, exactly as answers files are.

A campaign fixes its model (id and version) when it opens. Each invitee gets a link whose token is
the whole credential, good until the campaign closes (or its closing date passes) or the link is
revoked. Answers are saved one at a time as they are given; a respondent submits, and may change
answers and submit again until the campaign closes. What closing records (and what the result as it
stands shows) is the answers of those who submitted: a half-filled form is listed, not scored.

A campaign is confidential (the default, with a reporting threshold k) or named, chosen when it is
created (core.confidentiality holds the rules): a confidential one shows its result and notes only
once it closes, never names beside answers or notes, and only admins see who was invited.

This module holds the campaigns themselves (create, watch, score, close); `invites` the links
handed out, `forms` the respondent's side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodops import clock
from prodops.core import participation
from prodops.core.confidentiality import DEFAULT_THRESHOLD, Noted, Privacy, checked_threshold, shown_notes
from prodops.core.responses import Respondent, Responses
from prodops.core.errors import Conflict, Fix, InputError, Problem, Refused
from prodops.core.model import MaturityModel
from prodops.core.numbers import pct
from prodops.core.safe_text import NAME_LENGTH, checked_text
from prodops.operations.audit import record
from prodops.store.campaigns import CampaignRow, Submitted

if TYPE_CHECKING:
    from prodops.core.assessment import AssessmentResult
    from prodops.operations.assessments import Assessed
    from prodops.operations.invites import Invite
    from prodops.store import Workspace

MAX_INVITEES = 5_000  # in one campaign


@dataclass(frozen=True)
class Campaign(CampaignRow):
    @property
    def status(self) -> str:
        """draft, scheduled, open or closed (core.lifecycle)."""
        return self.state

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def reminder_days(self) -> tuple[str, ...]:
        from prodops.core.lifecycle import DEFAULT_REMINDERS

        return DEFAULT_REMINDERS if self.reminders is None else self.reminders

    @property
    def has_webhook(self) -> bool:
        return bool(self.webhook)

    @property
    def privacy(self) -> Privacy:
        return Privacy(self.threshold)

    def statement(self) -> list[str]:
        """Who will see what, as its respondents' first page and their invitation say it."""
        from prodops.core.confidentiality import statement

        return statement(self.privacy, self.organization, self.team)

    def document(self) -> dict[str, Any]:
        return {"id": self.id, "organization": self.organization, "name": self.name, "team": self.team,
                "privacy": self.privacy.document(),
                "model": f"{self.model_id}@{self.model_version}", "opens": self.opens.isoformat(),
                "closes": self.closes and self.closes.isoformat(), "targets": self.targets, "status": self.status,
                "closed_at": self.closed_at and self.closed_at.isoformat(), "assessment_id": self.assessment_id,
                "owner": self.owner, "reminders": list(self.reminder_days), "webhook": self.has_webhook}


@dataclass(frozen=True)
class Count:
    invited: int = 0
    started: int = 0  # saved at least one answer
    submitted: int = 0
    target: int | None = None  # a role's answers wanted; None: no target (a team, the total)

    @property
    def rate(self) -> float | None:
        """Submitted per target when a target is set (a role's), else per invited."""
        return participation.rate(self.submitted, self.invited, self.target)

    @property
    def percent(self) -> str:
        """The rate as shown, with the decimals that decide where it is judged against the line."""
        return participation.percent_against(self.rate)

    def document(self) -> dict[str, Any]:
        return {"invited": self.invited, "started": self.started, "submitted": self.submitted,
                "target": self.target, "rate": self.rate}


@dataclass(frozen=True)
class Progress:
    campaign: Campaign
    total: Count  # everyone: submitted per invited
    by_role: dict[str, Count]
    by_team: dict[str, Count]
    waiting: list[Invite]  # invited, not submitted (for a reminder)
    invites: list[Invite]  # everyone invited, revoked links included
    toward_targets: participation.Toward | None = None  # each role up to its target; None: no targets
    burn_up: participation.BurnUp | None = None  # submissions by day, counts alone

    @property
    def low_line(self) -> str:
        """The line a group is flagged under, as written: "60%"."""
        return pct(participation.LOW_PARTICIPATION)

    @property
    def flagged_roles(self) -> set[str]:
        """The roles under 60 % of their target (core.participation.LOW_PARTICIPATION)."""
        return {r for r, n in self.by_role.items() if participation.role_flagged(n)}

    @property
    def flagged_teams(self) -> set[str]:
        """The teams under 60 % of those invited."""
        return {t for t, n in self.by_team.items() if participation.team_flagged(n)}

    def close_warnings(self, model: MaturityModel | None = None) -> list[str]:
        """What to say before a close: each role under its target, each team under 60 % of those
        invited, the whole under its targets (core.participation.close_warnings); roles by their
        names in `model`."""
        names = {r.id: r.name for r in model.roles} if model else {}
        return participation.close_warnings(self.by_role, self.by_team, self.toward_targets, names)

    def document(self) -> dict[str, Any]:
        return {**self.campaign.document(), "responses": self.total.document(),
                "toward_targets": self.toward_targets and self.toward_targets.document(),
                "by_day": self.burn_up and self.burn_up.document(),
                "by_role": {k: v.document() for k, v in self.by_role.items()},
                "by_team": {k: v.document() for k, v in self.by_team.items()},
                "waiting": [i.document() for i in self.waiting]}


# --- checks shared by the campaign, its invites and its form -------------------------------------

def _text(value: Any, what: str, length: int, problems: list[Problem], required: bool = False,
          **where: Any) -> str | None:
    """`checked_text`, its problem added to `problems`; the text goes on being checked, so that every problem is listed."""
    try:
        return checked_text(value, what, length, required)
    except InputError as e:
        problems.append(Problem(e.message, **where))
        return value.strip() if isinstance(value, str) else None


def _raise(what: str, problems: list[Problem]) -> None:
    if problems:
        raise InputError(f"{what} ({len(problems)} problem{'s' if len(problems) > 1 else ''}); nothing was saved:",
                         problems[:20], more=max(0, len(problems) - 20))


def _same_model(found: CampaignRow, model: MaturityModel) -> None:
    if (found.model_id, found.model_version) != (model.id, model.version):
        raise Conflict(f"campaign #{found.id} is on model {found.model_id}@{found.model_version}, not {model.ref}; "
                       "use that model", fix=Fix("model"))


def _assessment_date(found: CampaignRow, today: dt.date) -> dt.date:
    """The day the recorded assessment describes: the closing day, or the closing date set
    beforehand if that came first (answers stopped then)."""
    return min(today, found.closes) if found.closes else today


# --- campaigns ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _NewCampaign:
    organization: str
    name: str
    team: str | None
    opens: dt.date
    closes: dt.date | None
    targets: dict[str, int]
    threshold: int | None


def _checked_campaign(ws: Workspace, model: MaturityModel, organization: str, name: str, team: str | None,
                      opens: dt.date | None, closes: dt.date | None, targets: dict[str, int] | None,
                      threshold: object) -> _NewCampaign:
    """The new campaign as given, checked: every problem at once, or InputError."""
    problems: list[Problem] = []
    owner = _text(organization, "the organisation", NAME_LENGTH, problems, required=True)
    called = _text(name, "the campaign's name", NAME_LENGTH, problems, required=True)
    team = _text(team, "the team or business unit", NAME_LENGTH, problems)
    if team and owner:  # the unit it is scoped to: declared, and named as declared
        from prodops.operations.units import unit_named, unit_tree

        try:
            team = unit_named(unit_tree(ws, owner), team, owner)
        except InputError as e:
            problems.append(Problem(e.message, fix=e.fix))
    opens = opens or clock.today()
    if closes is not None and closes < opens:
        problems.append(Problem(f"it closes on {closes} before it opens on {opens}"))
    targets = dict(targets or {})
    for role, count in targets.items():
        if role not in model.role:
            problems.append(Problem(f"unknown role {role!r}; the model's roles are {', '.join(model.role)}"))
        elif not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_INVITEES:
            problems.append(Problem(f"the target for {role} must be a whole number from 0 to {MAX_INVITEES:,}"))
    if threshold is not None:  # None: a named campaign
        try:
            threshold = checked_threshold(threshold)
        except ValueError as e:
            problems.append(Problem(str(e)))
    _raise("the campaign is not valid", problems)
    assert owner is not None and called is not None  # required: a problem otherwise
    return _NewCampaign(owner, called, team, opens, closes, {r: n for r, n in targets.items() if n},
                        threshold if isinstance(threshold, int) else None)


def create_campaign(ws: Workspace, model: MaturityModel, organization: str, name: str, team: str | None = None,
                    opens: dt.date | None = None, closes: dt.date | None = None,
                    targets: dict[str, int] | None = None, model_ref: str | None = None,
                    threshold: object = DEFAULT_THRESHOLD, draft: bool = False, owner: str | None = None,
                    reminders: object = None, webhook: str | None = None, link_base: str | None = None,
                    templates: dict[str, dict[str, str]] | None = None) -> Campaign:
    """A new campaign on `model` (its id and version are fixed from now on): open when it opens
    today, scheduled when it opens later (it opens by itself then, and e-mails its invitations), a
    draft when asked. `model_ref`: the model the caller names (its id, or id@version), refused unless
    it is `model`. `threshold`: a confidential campaign's reporting threshold k (a number, or text
    typed; None: a named campaign). `owner`: who runs it (replies go to them); `reminders`: its
    schedule (core.lifecycle; None: the default); `webhook`: an incoming webhook for its owner;
    `link_base`: the address its links use."""
    from prodops.core.lifecycle import checked_reminders
    from prodops.outbox.webhook import refused_address

    if model_ref and model_ref not in (model.id, model.ref):
        raise InputError(f"the app serves model {model.ref}, not {model_ref}", fix=Fix("model"))
    new = _checked_campaign(ws, model, organization, name, team, opens, closes, targets, threshold)
    slots = None if reminders is None else checked_reminders(reminders)
    if webhook and (why := refused_address(webhook)):
        raise InputError(f"the webhook: {why}")
    state = "draft" if draft else "scheduled" if new.opens > clock.today() else "open"
    cid = ws.campaigns.create(new.organization, new.name, new.team, model.id, model.version, new.opens, new.closes,
                              new.targets, clock.now(), new.threshold, state, owner, slots, templates,
                              webhook or None, link_base)
    record(ws, "campaign created", f"campaign #{cid}", name=new.name, organization=new.organization, team=new.team,
           state=state, confidential=new.threshold is not None)
    return campaign(ws, cid)


def list_campaigns(ws: Workspace) -> list[Campaign]:
    return [_campaign(c) for c in ws.campaigns.all()]


def campaign(ws: Workspace, campaign_id: int) -> Campaign:
    found = ws.campaigns.get(campaign_id)
    if found is None:
        raise Refused("unknown", f"no campaign #{campaign_id}")
    return _campaign(found)


def _campaign(row: CampaignRow) -> Campaign:
    return Campaign(**vars(row))


# --- progress, result, close --------------------------------------------------------------------

def progress(ws: Workspace, campaign_id: int, sees_people: bool = True, today: dt.date | None = None) -> Progress:
    """Who was invited, who started, who submitted: in all, by role (with the targets), by team,
    toward the targets, and by day from the opening day to `today` (the clock's by default), its
    closing day or the day it closed, whichever is first. Without `sees_people` (a viewer), a
    confidential campaign's progress holds counts alone."""
    from prodops.operations.invites import list_invites

    found = campaign(ws, campaign_id)
    everyone = list_invites(ws, campaign_id)
    live = [i for i in everyone if not i.revoked or i.submitted_at]

    def count(group: list[Invite], target: int | None = None) -> Count:
        return Count(len(group), sum(1 for i in group if i.answered or i.submitted_at),
                     sum(1 for i in group if i.submitted_at), target)

    roles = sorted({i.role for i in live} | set(found.targets), key=lambda r: (r not in found.targets, r))
    teams = sorted({i.team for i in live if i.team})
    named = sees_people or not found.privacy.confidential
    by_role = {r: count([i for i in live if i.role == r], found.targets.get(r)) for r in roles}
    total = count(live)
    toward = participation.toward_targets({r: n.submitted for r, n in by_role.items()}, found.targets)
    ends = [today or clock.today(), found.closes, found.closed_at.astimezone(dt.UTC).date() if found.closed_at else None]
    last = min(d for d in ends if d is not None)
    submissions = [(i.submitted_at.astimezone(dt.UTC).date(), i.role) for i in live if i.submitted_at]
    days = participation.burn_up([day for day, _ in submissions], found.opens, last)
    toward_days = participation.toward_by_day(submissions, found.targets, found.opens, last) if toward else None
    return Progress(
        found, total, by_role,
        {t: count([i for i in live if i.team == t]) for t in teams},
        [i for i in live if not i.submitted_at and not i.revoked] if named else [],
        everyone if named else [],
        toward,
        participation.BurnUp(days, toward.target if toward else total.invited, toward_days),
    )


def _responses(found: CampaignRow, submitted: list[Submitted], date: dt.date) -> Responses:
    """The submitted answers of a campaign, as an answers file would give them."""
    if not submitted:
        raise Conflict(f"no one has submitted answers to campaign #{found.id} yet; there is nothing to score")
    respondents = tuple(Respondent(
        id=s.invite.respondent, role=s.invite.role, name=s.invite.name, team=s.invite.team,
        answers={c: g.value for c, g in s.given.items() if g.answered},
        notes={c: g.note for c, g in s.given.items() if g.note},
    ) for s in submitted)
    return Responses(found.organization, date, respondents, (f"campaign #{found.id}: {found.name}",), found.team,
                     Privacy(found.threshold))


def result(ws: Workspace, model: MaturityModel, campaign_id: int, today: dt.date | None = None) -> Assessed:
    """The campaign's result as it stands (scored with the workspace's evidence, not recorded):
    an `operations.Assessed`, the same as assessing an answers file."""
    from prodops.operations.assessments import Assessed, Recorded, assess, visible

    found = campaign(ws, campaign_id)
    _same_model(found, model)
    if found.state != "closed" and found.privacy.confidential:
        raise Refused("confidential", f"campaign #{found.id} is confidential: its result is shown once it closes "
                                      f"(each new answer would show in the difference)")
    if found.state == "closed" and found.assessment_id is not None:  # closed: the assessment it recorded
        given = ws.recorded.responses(found.assessment_id)
        done = assess(model, given, ws, record=False, privacy=found.privacy)
        visible(done.result)
        return Assessed(_beside_the_reports(ws, model, found, given, done.result), Recorded(found.assessment_id, None))
    responses = _responses(found, ws.campaigns.submitted(campaign_id), _assessment_date(found, today or clock.today()))
    return assess(model, responses, ws, record=False, privacy=found.privacy)


def _beside_the_reports(ws: Workspace, model: MaturityModel, found: Campaign, given: Responses,
                        result: AssessmentResult) -> AssessmentResult:
    """A closed campaign's result as it may stand beside the reports its people count in: refused, or
    with criteria left out, where the report minus it would show fewer than k others (core.units.beside_pool)."""
    from dataclasses import replace

    from prodops.core.units import beside_pool
    from prodops.operations.units import pool

    if not found.privacy.confidential:
        return result
    around = pool(ws, model, found.organization, with_data=False)
    shown_at_all, left_out = beside_pool(around.units, found.team, around.assessed, given, result.criteria)
    if not shown_at_all:
        raise Refused("confidential", f"campaign #{found.id}'s result beside {found.organization}'s report would show, "
                                      f"by subtraction, the answers of fewer than {found.privacy.threshold} other people")
    return replace(result, withheld=result.withheld | frozenset(left_out))


def close(ws: Workspace, model: MaturityModel, campaign_id: int, today: dt.date | None = None,
          by: str | None = None) -> Assessed:
    """Stop taking answers and record the assessment of what was submitted, in one transaction:
    an answer saved before the close is in it, one arriving after is refused. A campaign reopened
    replaces what it recorded before. Returns the `operations.Assessed` with its `recorded` id.
    `by`: who closes it (an e-mail, or "scheduler"), kept in its events."""
    from prodops.core.assessment import assess as score
    from prodops.operations.assessments import Assessed, Recorded, evidence, scoped

    today = today or clock.today()
    reopened = [e.at for e in ws.campaigns.events(campaign_id) if e.kind == "reopened"]
    with ws.campaigns.closing(campaign_id) as closing:
        if closing is None:
            raise Refused("unknown", f"no campaign #{campaign_id}")
        found = closing.campaign
        _same_model(found, model)
        if found.closed_at is not None:
            raise Refused("closed", f"campaign #{found.id} was closed on {found.closed_at.date()}; "
                                    f"it recorded assessment #{found.assessment_id}")
        if found.state != "open":
            raise Refused("closed", f"campaign #{found.id} is {found.state}: it has not opened yet, so there is "
                                    "nothing to close")
        day = _assessment_date(found, today)
        there = closing.recorded_on(day)
        if there is not None and there[1] not in (None, found.id):  # another campaign's: its answers would be lost
            raise Conflict(f"an assessment of {found.team or found.organization} on {day} is recorded already "
                           f"(#{there[0]}, from campaign #{there[1]}); closing this campaign today would replace it "
                           "and lose its answers: close it another day")
        submitted = closing.submitted()
        if found.assessment_id is not None and found.threshold is not None and reopened:
            # a revision beside the result it replaces shows, by difference, the answers of who submitted since
            since = sum(1 for s in submitted if s.invite.submitted_at and s.invite.submitted_at >= reopened[-1])
            if 0 < since < found.threshold:
                raise Refused("confidential", f"only {since} {'person has' if since == 1 else 'people have'} "
                                              f"submitted since campaign #{found.id} was reopened: a revised result "
                                              "beside the one it replaces would show their answers by difference. "
                                              f"Wait for at least {found.threshold}, or give more time")
        campaign_responses = _responses(found, submitted, day)
        responses, teams = scoped(ws, campaign_responses)  # a unit's: its own data
        scored = score(model, responses, evidence(ws, responses.organization, responses.date, teams))
        recorded = Recorded(*closing.close(responses, scored, model, by))
    record(ws, "campaign closed", f"campaign #{found.id}", assessment=recorded.id, submitted=len(submitted),
           revised=recorded.previous_respondents is not None)
    return Assessed(scored, recorded)


@dataclass(frozen=True)
class Notes:
    """The notes and evidence links respondents gave, as they may be shown (core.confidentiality)."""

    shown: list[Noted]
    withheld: int  # on a criterion too few people noted on, or hidden by an admin
    hidden: int  # of them, hidden by an admin
    until_closed: bool = False  # a confidential campaign shows its notes once it closes

    def document(self) -> dict[str, Any]:
        return {"notes": [n.document() for n in self.shown], "withheld": self.withheld, "hidden": self.hidden}


def notes(ws: Workspace, campaign_id: int) -> Notes:
    """The notes respondents gave, by criterion: a named campaign's with who wrote them, submitted or
    not; a confidential one's once it closes, from those who submitted, without names, sorted by their
    text, on the criteria k people noted on. Notes an admin hid are withheld."""
    found = campaign(ws, campaign_id)
    if found.privacy.confidential:
        if found.state != "closed":
            return Notes([], 0, 0, until_closed=True)
        if found.assessment_id is None:  # closed with no one submitted: nothing was kept
            return Notes([], 0, 0)
        # closed: the notes live on in the recorded assessment only, under pseudonyms
        people = ws.recorded.responses(found.assessment_id).respondents
        shown, withheld = shown_notes(((c, p.id, text) for p in people for c, text in p.notes.items()), found.privacy)
        hidden_count = sum(p.hidden_notes for p in people)
        return Notes(shown, withheld + hidden_count, hidden_count)
    given = ws.campaigns.notes(campaign_id)
    hidden = [n for n in given if n.hidden]
    shown, withheld = shown_notes(((n.criterion, n.respondent, n.text) for n in given if not n.hidden), found.privacy)
    return Notes(shown, withheld + len(hidden), len(hidden))


def hide_note(ws: Workspace, campaign_id: int, criterion: str, text: str, hidden: bool = True) -> int:
    """Withhold from the result every note with this text on this criterion (or show it again), as an
    admin redacts; returns how many. The note is named by what it says, never by who wrote it, and
    only a note the admin can see may be hidden: a withheld one would answer a guess at its words."""
    found = campaign(ws, campaign_id)
    seen = {text for n in notes(ws, campaign_id).shown if n.criterion == criterion for text in n.texts}
    if found.privacy.confidential and found.state == "closed" and found.assessment_id is not None and text.strip() in seen:
        return ws.campaigns.hide_recorded_note(found.assessment_id, criterion, text.strip(), hidden)
    matching = [n for n in ws.campaigns.notes(campaign_id)
                if n.criterion == criterion and n.text.strip() == text.strip() and n.text.strip() in seen]
    if not matching:
        raise Refused("unknown", f"no such note shown on {criterion} in campaign #{found.id}")
    for n in matching:
        ws.campaigns.hide_note(campaign_id, n.invite, criterion, hidden)
    return len(matching)


@dataclass(frozen=True)
class Dashboard:
    """A campaign's page: its progress, its result as it may be shown (or why there is none yet) and its notes."""

    progress: Progress
    result: AssessmentResult | None  # as shown (core.assessment.shown)
    empty: str | None  # why there is no result
    notes: Notes

    @property
    def campaign(self) -> Campaign:
        return self.progress.campaign


def dashboard(ws: Workspace, model: MaturityModel, campaign_id: int, sees_people: bool = True) -> Dashboard:
    """Everything a campaign's page shows, as the caller may see it (`sees_people`: an admin)."""
    from prodops.core.assessment import shown

    watched = progress(ws, campaign_id, sees_people)
    try:
        scored, empty = shown(result(ws, model, campaign_id).result), None
    except (InputError, Refused) as e:
        scored, empty = None, e.message
    return Dashboard(watched, scored, empty, notes(ws, campaign_id))
