"""The respondent's form: opened from a personal link (the token is the whole credential), one page
per dimension, answers and notes saved as they are given, submitted and changed until the
campaign closes."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prodops import clock
from prodops.core.responses import answer_value, scale_help
from prodops.core.safe_text import NOTE_LENGTH
from prodops.core.errors import InputError, Problem, Refused
from prodops.core.model import MaturityModel
from prodops.operations.access import check_rate, digest
from prodops.operations.campaigns import Campaign, _campaign, _raise, _same_model, _text
from prodops.operations.invites import Invite, _invite
from prodops.store.campaigns import CampaignRow, Given, Link

if TYPE_CHECKING:
    from prodops.core.model.schema import Criterion, Dimension
    from prodops.store import Workspace

# Wrong links a client may try per LOOKUP_SECONDS; past it, its wrong links answer "too many". A
# right link always opens (a 256-bit token cannot be guessed; people behind one address must not
# lock each other out with old links).
INVITE_LOOKUPS = 30
LOOKUP_SECONDS = 600


@dataclass(frozen=True)
class Form:
    """What one respondent sees: their campaign, their invite, what they have given so far."""

    campaign: Campaign
    invite: Invite
    csrf: str  # the form's posts carry it
    given: dict[str, Given] = field(default_factory=dict)

    def unanswered(self, model: MaturityModel) -> list[str]:
        return [cid for cid in model.criterion if not (cid in self.given and self.given[cid].answered)]


def _form(link: Link) -> Form:
    return Form(_campaign(link.campaign), _invite(link.invite), link.csrf, link.given)


def form_pages(model: MaturityModel) -> list[Dimension]:
    """The form's pages: the dimensions that have criteria, in the model's order, one page each."""
    return [d for d in model.dimensions if any(c.dimension == d.id for c in model.criteria)]


def page_criteria(model: MaturityModel, dimension: Dimension) -> list[Criterion]:
    """The criteria on a dimension's page, by level."""
    return sorted((c for c in model.criteria if c.dimension == dimension.id), key=lambda c: c.level)


def _token_hash(token: Any) -> str:
    """The hash a link's token is kept as; Refused("unknown") for what cannot be a token."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise _unknown()
    return digest(token)


def _unknown() -> Refused:
    """A wrong, revoked or reissued link alike: a link says nothing about other respondents."""
    return Refused("unknown", "this link is not valid; ask for a new one")


def _wrong_link(ws: Workspace, client: str | None) -> None:
    """Count a wrong link against the client; past the limit, Refused("too_many")."""
    if client is not None:
        check_rate(ws, f"invite:{client}", INVITE_LOOKUPS, LOOKUP_SECONDS)


def _taking(found: CampaignRow, today: dt.date) -> None:
    if found.state in ("draft", "scheduled"):
        raise Refused("closed", f"this assessment opens on {found.opens}; come back then" if found.state == "scheduled"
                      else "this assessment has not opened yet; you will get its link again when it does")
    if found.closed_at is not None:
        raise Refused("closed", f"this assessment closed on {found.closed_at.date()}; answers are no longer taken")
    if found.closes is not None and today > found.closes:
        raise Refused("closed", f"this assessment closed on {found.closes}; answers are no longer taken")
    if today < found.opens:
        raise Refused("closed", f"this assessment opens on {found.opens}; come back then")


def form(ws: Workspace, token: str, client: str | None = None, today: dt.date | None = None) -> Form:
    """The respondent's form as they left it, while the campaign takes answers. Wrong links count
    towards the client's limit of them."""
    try:
        found = ws.campaigns.link(_token_hash(token))
        if found is None:
            raise _unknown()
        _taking(found.campaign, today or clock.today())
        return _form(found)
    except Refused as refused:
        if refused.kind == "unknown":
            _wrong_link(ws, client)
        raise


@dataclass(frozen=True)
class Resume:
    """Where a personal link opens: a welcome the first time, afterwards the first page not
    finished, or the review when every criterion is answered."""

    form: Form
    page: int | None  # the first page (from 1) with a criterion unanswered; None: none is

    @property
    def welcome(self) -> bool:
        return not self.form.given


def resume(ws: Workspace, model: MaturityModel, token: str, client: str | None = None) -> Resume:
    """The respondent's form (as `form`) and where they go on in it."""
    found = form(ws, token, client)
    missing = set(found.unanswered(model))
    page = next((n for n, dim in enumerate(form_pages(model), 1)
                 if any(c.id in missing for c in page_criteria(model, dim))), None)
    return Resume(found, page)


def _checked_answers(model: MaturityModel, answers: Any, notes: Any
                     ) -> tuple[dict[str, tuple[float | None, bool]], dict[str, str | None]]:
    """Answers (criterion -> a label or number of the scale, N/A, or empty to clear) and notes
    (criterion -> text, empty to clear; None leaves it), checked: (criterion -> (value, N/A),
    criterion -> note or None to clear), or InputError with every problem at once."""
    answers, notes = answers or {}, notes or {}
    if not isinstance(answers, dict) or not isinstance(notes, dict):
        raise InputError("answers and notes are each a mapping of criterion id to a value")
    problems: list[Problem] = []
    values: dict[str, tuple[float | None, bool]] = {}
    for cid, raw in answers.items():
        if cid not in model.criterion:
            problems.append(Problem(f"unknown criterion id {str(cid)[:60]!r}", criterion=str(cid)[:100]))
        elif raw is None or (isinstance(raw, str) and not raw.strip()):
            values[cid] = (None, False)
        else:
            try:
                value = answer_value(model, raw)
                values[cid] = (value, value is None)
            except ValueError as e:
                problems.append(Problem(f"criterion {cid}: {e}; {scale_help(model)}", criterion=cid))
    texts: dict[str, str | None] = {}
    for cid, raw in notes.items():
        if cid not in model.criterion:
            problems.append(Problem(f"unknown criterion id {str(cid)[:60]!r}", criterion=str(cid)[:100]))
        elif raw is not None:
            texts[cid] = _text(raw, f"the note on {cid}", NOTE_LENGTH, problems, criterion=cid)
    _raise("the answers are not valid", problems)
    return values, texts


def save(ws: Workspace, model: MaturityModel, token: str, answers: dict[str, Any] | None = None,
         notes: dict[str, Any] | None = None, submit: bool = False, client: str | None = None,
         today: dt.date | None = None, form_token: str | None = None) -> Form:
    """Save some answers and notes of one respondent (all or none), and submit when asked. An empty
    answer clears it; a note of None leaves it as it is, an empty note clears it. Refused when
    the link is wrong, the campaign no longer takes answers, or (for a browser's post) the
    `form_token` is not the one of the respondent's form."""
    values, texts = _checked_answers(model, answers, notes)
    today, now = today or clock.today(), clock.now()
    try:
        with ws.campaigns.answering(_token_hash(token)) as answering:
            if answering is None:
                raise _unknown()
            if form_token is not None and not hmac.compare_digest(form_token.encode(), answering.csrf.encode()):
                raise Refused("forbidden", "the form has expired or did not come from this site; reload the page")
            _taking(answering.campaign, today)
            _same_model(answering.campaign, model)
            return _form(answering.save(values, texts, submit, now))  # what was saved, as the transaction sees it
    except Refused as refused:
        if refused.kind == "unknown":
            _wrong_link(ws, client)
        raise
