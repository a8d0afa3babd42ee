"""Workspace settings: what each means, which values it takes, and how they combine with what a
command or a form gives (the given value beats the setting, which beats the default)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prodops.core.confidentiality import DEFAULT_THRESHOLD, Privacy
from prodops.core.dates import NotADate, parse_day
from prodops.core.errors import InputError
from prodops.core.metrics import Options
from prodops.operations.audit import record

if TYPE_CHECKING:
    from prodops.store import Workspace


def _number(low: float, high: float, whole: bool = False, above: bool = False) -> Callable[[str], str]:
    kind = "a whole number" if whole else "a number"
    bounds = f"{'more than' if above else 'from'} {low:g} {'up to' if above else 'to'} {high:,.0f}"

    def parse(text: str) -> str:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            raise ValueError(f"not {kind}") from None
        if not math.isfinite(value) or value > high or value < low or (above and value == low):
            raise ValueError(f"{kind} {bounds}")
        return str(value)
    return parse


def _threshold(text: str) -> str:
    from prodops.core.confidentiality import checked_threshold

    if text.strip().casefold() == "named":
        return "named"
    try:
        return str(checked_threshold(text, "the threshold"))
    except ValueError as e:
        raise ValueError(f"{e}, or named") from None


def _date(text: str) -> str:
    return parse_day(text).isoformat()


def _currency(text: str) -> str:
    text = text.strip()
    if not 1 <= len(text) <= 8 or not all(c.isprintable() and not c.isspace() for c in text):
        raise ValueError("1 to 8 letters or a sign, such as EUR, USD or €")
    return text


@dataclass(frozen=True)
class Setting:
    name: str
    meaning: str
    parse: Callable[[str], str]  # the stored text of a valid value; ValueError saying what is allowed


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("hourly_rate", "PM cost per hour, for the monthly time value", _number(0, 100_000)),
    Setting("headcount", "number of PMs, for the monthly time value", _number(0, 1_000_000, above=True)),
    Setting("currency", "the currency of money figures (EUR, USD, €...)", _currency),
    Setting("change_date", "day the Playbook (or another change) was adopted, YYYY-MM-DD", _date),
    Setting("grace_days", "days a launch may slip and still count as on time", _number(0, 3650, whole=True)),
    Setting("answers_retention_days", "days after a campaign closes that its people's answers stay theirs; then "
            "they are cut loose from them, the recorded figures kept (prodops people retention)",
            _number(0, 36_500, whole=True)),
    Setting("reporting_threshold", "the fewest answers a figure of an assessment recorded from answers files may "
            "rest on (3 to 50; default 3), or named: every figure and who answered shown", _threshold),
)}


def file_privacy(ws: Workspace, organization: str) -> Privacy:
    """The privacy of an assessment recorded from answers files: confidential, with the organisation's
    `reporting_threshold` (core.confidentiality)."""
    saved = ws.profiles.settings(organization).get("", {}).get("reporting_threshold")
    if saved == "named":
        return Privacy(None)
    return Privacy(int(saved) if saved else DEFAULT_THRESHOLD)


def parse_date(text: str, what: str) -> dt.date:
    """A YYYY-MM-DD date, or an InputError that says whether the form or the day is wrong."""
    try:
        return parse_day(text)
    except NotADate as e:
        raise InputError(f"{what}: {text!r} is {e}") from None


OWN_SCOPE_ONLY = ("headcount",)  # a unit does not take its organisation's (or parent's) value


def read_settings(ws: Workspace, organization: str, unit: str | None = None) -> dict[str, str | None]:
    """The settings of `organization` (as the workspace spells it), or of its `unit` (as declared):
    a unit's own, else those of the units it lies in, else the organisation's. Not the headcount:
    a unit's PMs are its own, never the whole organisation's (None when it has none set)."""
    saved = ws.profiles.settings(organization)
    chain = [""]
    if unit:
        from prodops.operations.units import unit_tree

        tree = unit_tree(ws, organization)
        chain = [u.name for u in tree.path(unit)] + [""]  # nearest first
    out: dict[str, str | None] = {}
    for key in SETTINGS:
        scopes = chain[:1] if key in OWN_SCOPE_ONLY else chain
        out[key] = next((saved[s][key] for s in scopes if key in saved.get(s, {})), None)
    return out


def change_setting(ws: Workspace, key: str, value: str | None, organization: str | None = None,
                   unit: str | None = None) -> dict[str, str | None]:
    """Set `key` to `value` (None removes it) for `organization` (the only one the workspace holds,
    when not given), or for its `unit`; checked first. Returns every setting of that scope."""
    from prodops.operations.organizations import organization_for
    from prodops.operations.units import unit_named, unit_tree

    setting = _known(key)
    if value is not None:
        try:
            value = setting.parse(value)
        except (ValueError, InputError) as e:
            raise InputError(f"{key}: {value!r} is not valid: {e}; {key} is the {setting.meaning}") from None
    owner = organization_for(ws, organization, new=True)
    named = unit_named(unit_tree(ws, owner), unit, owner)
    ws.profiles.set_setting(owner, key, value, named or "")
    record(ws, "setting changed", owner, key=key, value=value, unit=named)  # no setting is a secret
    return read_settings(ws, owner, named)


def scope_settings(ws: Workspace, organization: str | None = None, unit: str | None = None) -> dict[str, str | None]:
    """The settings of `organization` (the only one the workspace holds, when not given), or of its `unit`."""
    from prodops.operations.organizations import organization_for
    from prodops.operations.units import unit_named, unit_tree

    owner = organization_for(ws, organization)
    return read_settings(ws, owner, unit_named(unit_tree(ws, owner), unit, owner))


def _known(key: str) -> Setting:
    if key not in SETTINGS:
        raise InputError(f"unknown setting {key!r}; settings: " + "; ".join(f"{k} ({s.meaning})" for k, s in SETTINGS.items()))
    return SETTINGS[key]


def value_options(saved: dict[str, str | None], **given) -> Options:
    """The metrics' options: each given value (not None) beats the saved setting, which beats the
    default. The one place this rule lives."""
    stored: dict[str, Callable[[str], Any]] = {  # each parses to its Options field's type
        "hourly_rate": lambda v: float(v), "headcount": lambda v: float(v), "currency": str,
        "change_date": dt.date.fromisoformat, "grace_days": int,
    }
    values = {k: parse(v) for k, parse in stored.items() if (v := saved.get(k)) is not None}
    for key, value in given.items():
        if value is not None and key in SETTINGS and not isinstance(value, dt.date):
            try:  # a value given for one run obeys the same bounds as a saved setting
                SETTINGS[key].parse(str(value))
            except ValueError as e:
                raise InputError(f"{key}: {value!r} is not valid: {e}; {key} is the {SETTINGS[key].meaning}") from None
    values.update({k: v for k, v in given.items() if v is not None})
    return dataclasses.replace(Options(), **values)


@dataclass(frozen=True)
class Event:
    """A named day on the timeline ("2026-04-06 Playbook adopted"): charts over time mark it, and the
    change date's sentences name it."""

    day: dt.date
    label: str

    def document(self) -> dict:
        return {"date": self.day.isoformat(), "label": self.label}


def events(ws: Workspace, organization: str | None = None) -> list[Event]:
    """The events of `organization` (the only one the workspace holds, when not given), in order of day."""
    from prodops.operations.organizations import organization_for

    return [Event(day, label) for day, label in ws.profiles.events(organization_for(ws, organization))]


def add_event(ws: Workspace, day: str | dt.date, label: str, organization: str | None = None) -> tuple[str, list[Event]]:
    """Name a day of `organization` (the only one the workspace holds, when not given); the same
    name on the same day once. Returns the organisation and its events."""
    from prodops.operations.organizations import organization_for
    from prodops.core.safe_text import checked_text

    day = day if isinstance(day, dt.date) else parse_date(day, "the event's day")
    label = checked_text(label, "the event's name", required=True)
    owner = ws.profiles.add_event(organization_for(ws, organization, new=True), day, label)
    record(ws, "event added", owner, day=day.isoformat(), label=label[:100])
    return owner, events(ws, owner)


def remove_event(ws: Workspace, day: str | dt.date, organization: str | None = None) -> tuple[str, list[Event]]:
    """Remove the events of a day of `organization` (the only one, when not given)."""
    from prodops.operations.organizations import organization_for

    day = day if isinstance(day, dt.date) else parse_date(day, "the event's day")
    owner = organization_for(ws, organization)
    if not ws.profiles.remove_events(owner, day):
        raise InputError(f"no event of {owner} on {day.isoformat()}")
    record(ws, "events removed", owner, day=day.isoformat())
    return owner, events(ws, owner)


@dataclass(frozen=True)
class Brand:
    """The organisation's own look in its report (prodops.core.brand holds the rules)."""

    name: str | None = None
    accent: str | None = None
    logo_type: str | None = None
    logo: bytes | None = None

    def document(self) -> dict:
        import base64

        data = self.logo and f"data:{self.logo_type};base64,{base64.b64encode(self.logo).decode()}"
        return {"name": self.name, "accent": self.accent, "logo": data}


_KEEP = object()


def brand(ws: Workspace, organization: str | None = None) -> Brand:
    """The look of `organization`'s reports (the only one's the workspace holds, when not given)."""
    from prodops.operations.organizations import organization_for

    owner = organization_for(ws, organization)
    saved = ws.profiles.settings(owner).get("", {})
    logo = ws.profiles.asset(owner, "logo")
    return Brand(saved.get("brand_name"), saved.get("brand_accent"), logo.media_type if logo else None,
                 logo.data if logo else None)


def set_brand(ws: Workspace, organization: str | None = None, name=_KEEP, accent=_KEEP, logo=_KEEP,
              logo_name: str = "the logo") -> tuple[str, Brand]:
    """Change the given parts of `organization`'s brand (the only one's, when not given; None
    removes a part): each checked before anything is kept. Returns the organisation and its brand."""
    from prodops.core import brand as rules
    from prodops.operations.organizations import organization_for
    from prodops.store.profiles import Asset

    name = name if name in (_KEEP, None) else rules.display_name(name)
    accent = accent if accent in (_KEEP, None) else rules.accent(accent)
    logo = logo if logo is _KEEP or logo is None else rules.logo(logo, logo_name)
    owner = organization_for(ws, organization, new=True)
    for key, value in (("brand_name", name), ("brand_accent", accent)):
        if value is not _KEEP:
            ws.profiles.set_setting(owner, key, value)
    if logo is not _KEEP:
        owner = ws.profiles.set_asset(owner, "logo", None if logo is None else Asset(logo[0], logo[1]))
    changed = {k: v for k, v in (("name", name), ("accent", accent)) if v is not _KEEP}
    if logo is not _KEEP:
        changed["logo"] = "removed" if logo is None else "new"  # not the image itself
    record(ws, "brand changed", owner, **changed)
    return owner, brand(ws, owner)
