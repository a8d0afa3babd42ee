"""The flows the web's routes hand to the application layer, called as operations: where a personal
link opens, removing a user, the model an API client names, what an organisation's page shows."""

from __future__ import annotations

import pytest

from prodops import operations
from prodops.shells.demo import DEMO_EVENTS, DEMO_ORGANIZATION, DEMO_UNIT_REPORT
from prodops.core.errors import InputError, Refused
from prodops.inputs.models import load_model
from prodops.store import Workspace

MODEL = load_model()
PASSWORD = "correct horse battery staple"


def test_a_link_opens_on_a_welcome_then_the_first_page_not_finished_then_the_review(db_url):
    pages = operations.form_pages(MODEL)
    with Workspace(db_url) as ws:
        campaign = operations.create_campaign(ws, MODEL, "Acme", "Q4")
        token = operations.invite(ws, MODEL, campaign.id, [{"name": "Ana", "role": "pm"}]).issued[0].token
        first = operations.resume(ws, MODEL, token)
        assert first.welcome and first.page == 1  # nothing given yet
        operations.save(ws, MODEL, token, {c.id: "Fully" for c in operations.page_criteria(MODEL, pages[0])})
        second = operations.resume(ws, MODEL, token)
        assert not second.welcome and second.page == 2
        operations.save(ws, MODEL, token, dict.fromkeys(MODEL.criterion, "Partly"))
        assert operations.resume(ws, MODEL, token).page is None  # every criterion answered: the review
        with pytest.raises(Refused) as wrong:
            operations.resume(ws, MODEL, "x" * 43)
        assert wrong.value.kind == "unknown"


def test_the_form_has_one_page_per_dimension_with_criteria_by_level():
    pages = operations.form_pages(MODEL)
    assert [d.id for d in pages] == [d.id for d in MODEL.dimensions if any(c.dimension == d.id for c in MODEL.criteria)]
    shown = [c.id for d in pages for c in operations.page_criteria(MODEL, d)]
    assert sorted(shown) == sorted(MODEL.criterion)
    levels = [[c.level for c in operations.page_criteria(MODEL, d)] for d in pages]
    assert all(page == sorted(page) for page in levels)


def test_an_admin_removes_another_user_never_themselves(db_url):
    with Workspace(db_url) as ws:
        admin = operations.add_user(ws, "admin@example.com", "admin", PASSWORD)
        viewer = operations.add_user(ws, "viewer@example.com", "viewer", PASSWORD)
        with pytest.raises(InputError, match="cannot remove yourself"):
            operations.remove_user_by_id(ws, admin.id, admin)
        with pytest.raises(Refused) as unknown:
            operations.remove_user_by_id(ws, viewer.id + 100, admin)
        assert unknown.value.kind == "unknown"
        assert operations.remove_user_by_id(ws, viewer.id, admin).email == "viewer@example.com"
        assert [u.email for u in operations.list_users(ws)] == ["admin@example.com"]


def test_a_campaign_is_made_only_on_the_model_the_caller_names(db_url):
    with Workspace(db_url) as ws:
        for named in (None, MODEL.id, MODEL.ref):
            assert operations.create_campaign(ws, MODEL, "Acme", f"Q4 {named}", model_ref=named).model_id == MODEL.id
        with pytest.raises(InputError, match=f"serves model {MODEL.ref}, not other@1") as wrong:
            operations.create_campaign(ws, MODEL, "Acme", "Q1", model_ref="other@1")
        assert wrong.value.fix.what == "model"
        assert len(operations.list_campaigns(ws)) == 3  # nothing made for the wrong model


def test_an_organisations_page_shows_its_report_commentary_units_look_and_days(demo_workspace):
    with Workspace.open(demo_workspace) as ws:
        shown = operations.organization_view(ws, MODEL, DEMO_ORGANIZATION.upper())
        assert shown.organization == DEMO_ORGANIZATION and shown.unit is None  # as recorded
        assert shown.report.document["organization"] == DEMO_ORGANIZATION
        assert shown.commentary and shown.commentary == operations.commentary_text(ws, MODEL, DEMO_ORGANIZATION)
        assert DEMO_UNIT_REPORT in [u.name for u in shown.units]
        assert [(e.day.isoformat(), e.label) for e in shown.events] == DEMO_EVENTS
        assert shown.brand == operations.brand(ws, DEMO_ORGANIZATION)
        unit = operations.organization_view(ws, MODEL, DEMO_ORGANIZATION, DEMO_UNIT_REPORT.lower())
        assert unit.unit == DEMO_UNIT_REPORT and unit.report.document["unit"] == DEMO_UNIT_REPORT  # as declared
