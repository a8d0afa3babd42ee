"""A name or a note a person gives is checked by one rule (safe_text.checked_text), worded the same
wherever it is given: an answers file, a campaign, a unit, an event, an owner, a display name."""

import datetime as dt

import pytest

from prodops import operations
from prodops.core.brand import display_name
from prodops.core.errors import Fix, InputError
from prodops.inputs.models import load_model
from prodops.core.safe_text import NAME_LENGTH, checked_text, text_problem
from prodops.store import Workspace
from prodops.core.tracking import Tracked, change

LONG = "x" * (NAME_LENGTH + 1)


def test_a_text_is_kept_without_its_surrounding_spaces():
    assert checked_text("  Payments \n", "the team") == "Payments"
    assert checked_text("tab\tand\nnewline", "a note") == "tab\tand\nnewline"  # not control characters here
    assert checked_text("x" * NAME_LENGTH, "the team") == "x" * NAME_LENGTH


@pytest.mark.parametrize("value, required, message", [
    (None, False, None), ("  ", False, None),
    (None, True, "the team is required"), (" ", True, "the team is required"),
    (3, False, "the team is one text, not int"),
    (LONG, False, f"the team is {NAME_LENGTH + 1} characters long; at most {NAME_LENGTH}"),
    ("Pay\x1bments", False, "the team holds a control character (\\x1b); remove it"),
    ("Pa\x85y", False, "the team holds a control character (\\x85); remove it"),
])
def test_what_is_refused_and_how_it_is_said(value, required, message):
    if message is None:
        assert checked_text(value, "the team", required=required) is None
        return
    with pytest.raises(InputError) as e:
        checked_text(value, "the team", required=required, fix=Fix("team"))
    assert e.value.message == message and e.value.fix == Fix("team")


def test_the_length_is_the_one_given_and_counted_in_thousands():
    assert text_problem("n" * 10_001, "the note", 10_000) == "the note is 10,001 characters long; at most 10,000"
    assert text_problem("n" * 10_000, "the note", 10_000) is None
    assert text_problem(" x ", "the team", 2) == "the team is 3 characters long; at most 2"  # as given: spaces count


def test_every_name_a_person_gives_is_refused_in_the_same_words(tmp_path):
    """Seven places took a name; each said its own. Now each says what is wrong the same way."""
    model = load_model()
    said = f"characters long; at most {NAME_LENGTH}"
    with Workspace.open(str(tmp_path / "w.db")) as ws:
        attempts = {
            "organisation": lambda: operations.organization_for(ws, LONG, new=True),
            "unit": lambda: operations.declare_unit(ws, "Acme", LONG),
            "event": lambda: operations.add_event(ws, "2026-04-06", LONG, "Acme"),
            "campaign": lambda: operations.create_campaign(ws, model, "Acme", LONG),
        }
        for where, attempt in attempts.items():
            with pytest.raises(InputError) as e:
                attempt()
            assert said in str(e.value), where
    with pytest.raises(InputError) as e:
        change(Tracked("inv"), dt.date(2026, 1, 1), dt.datetime(2026, 1, 1, tzinfo=dt.UTC), owner=LONG)
    assert e.value.problems[0].message == f"owner is {NAME_LENGTH + 1} {said}" and e.value.problems[0].column == "owner"
    with pytest.raises(InputError, match="the display name holds a control character"):
        display_name("Acme\x1b[2J")
