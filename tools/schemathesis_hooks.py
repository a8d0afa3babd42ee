"""What the API's schema cannot say, told to Schemathesis (tools/schemathesis_check.py loads it):
rules that tie a field to another, to today or to what the workspace holds. A generated body
that breaks one is dropped rather than sent, so that a refusal of a body the schema allows stays
a finding. Each rule is the operation's own, named beside it; the schema's descriptions say them
in words.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import schemathesis

from prodops import clock

# prepared by tools/schemathesis_check.py: the only unit the run's workspace declares
ORGANIZATION, UNIT = "Acme", "Payments"

DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(value: Any) -> dt.date | None:
    """A day the schema allows (YYYY-MM-DD), or None."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and DAY.fullmatch(value) else None
    except ValueError:
        return None


def breaks_a_rule(path: str, body: dict, today: dt.date) -> str | None:
    """The rule a body for `path` breaks, or None."""
    closes, opens = _day(body.get("closes")), _day(body.get("opens"))
    team = body.get("team")
    if path in ("/api/v1/campaigns", "/api/v1/campaigns/{campaign_id}/clone") and closes and closes < (opens or today):
        return "operations.campaigns._checked_campaign: it closes on or after the day it opens (absent: today)"
    if path.endswith(("/extend", "/reopen")) and closes and closes < today:
        return "operations.lifecycle.extend and reopen: the new closing day has not passed"
    if (path == "/api/v1/campaigns" and isinstance(team, str) and team.strip()
            and (team.strip(), body.get("organization")) != (UNIT, ORGANIZATION)):
        return "operations.units.unit_named: a campaign's unit is declared in its organisation"
    return None


@schemathesis.hook
def filter_case(context: Any, case: Any) -> bool:
    """Whether to send `case` (a case, not only its body, so that every phase asks: coverage too)."""
    return not isinstance(case.body, dict) or breaks_a_rule(case.operation.path, case.body, clock.today()) is None
