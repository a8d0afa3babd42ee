"""The application layer: every operation on a workspace, for every shell (the CLI, the web app,
the demo) to call.

Operations take plain values (paths, names, dates, options) and an open `store.Workspace`, and
return plain data. None prints, reads the command line or names a flag: problems are raised as
`errors.InputError` with a `Fix` that each shell words for itself, and what the user should know
about a result comes back as notes. Domain rules stay in the core (assessment, roadmap, metrics,
sources); this layer only runs them against a workspace. It writes no SQL and takes no lock: it
calls the workspace's repositories (`ws.campaigns`, `ws.access`...), which do (see `prodops.store`).
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what each name is, for mypy and editors; at run time __getattr__ imports it when first used
    from prodops.operations.access import (
        ROLES, Session, User, add_user, check_password, check_rate, create_token, list_users, login, logout,
        remove_user, remove_user_by_id, session, start_session, token_user
    )
    from prodops.operations.mfa import (
        Enrolment, Pending, SecondStep, SignedIn, confirm_enrolment, enrolment_needed, finish_sign_in,
        pending_sign_in, renew_recovery_codes, require_for_admins, required_for_admins, reset_mfa, second_step,
        start_enrolment, turn_off_mfa
    )
    from prodops.operations.sso import (
        Provider, SsoSettings, Started, Unreachable, check_provider, finish_sso, sso_settings, start_sso
    )
    from prodops.operations.access import Bearer, Token, list_tokens, revoke_token, token_caller
    from prodops.operations.audit import Acting, acting, audit_actions, audit_lines, audit_trail, entry_document, record
    from prodops.operations.assessments import (
        Assessed, Latest, Recorded, assess, evidence, history, latest, plan, read_responses, scoped
    )
    from prodops.operations.reading import history_document
    from prodops.operations.campaigns import (
        Campaign, Dashboard, Notes, Progress, campaign, close, create_campaign, dashboard, hide_note, list_campaigns,
        notes, progress, result
    )
    from prodops.operations.challenge import (
        Guest, Round, TERMINAL, challenge_stats, daily, game, guess, guest, hard_mode, new_guest, practice,
        today_somewhere
    )
    from prodops.operations.forms import Form, Resume, form, form_pages, page_criteria, resume, save
    from prodops.operations.imports import Imported, Synced, import_files, sync_jira
    from prodops.operations.invites import (
        Invite, Invited, Issued, Skipped, invite, list_invites, read_invitees, reissue, revoke
    )
    from prodops.operations.lifecycle import (
        Outbox, Reminding, Sent, Ticked, check_mail_server, clone, deliver, deliveries, extend,
        letter, open_now, preview, remind, reminding, reopen, schedule, send_invitations, send_link,
        set_reminders, set_template, set_webhook, tick
    )
    from prodops.operations.organizations import organization_for
    from prodops.operations.passwords import (
        change_password, request_reset, reset_password, reset_user, resets_by_mail, set_password
    )
    from prodops.operations.people import Erased, apply_retention, erase_person, export_person
    from prodops.operations.reports import (
        Drawing, FigureRecords, OrganizationView, Report, commentary_text, draw_report, figure_records,
        kept_commentary, organization_view, report, report_download, report_json,
        report_scope, set_commentary, value_only, verdict_records, write_report
    )
    from prodops.operations.settings import (
        Brand, Event, SETTINGS, add_event, brand, change_setting, events, parse_date, read_settings,
        remove_event, scope_settings, set_brand, value_options
    )
    from prodops.operations.tracking import changes, plan_tracking, track, tracked
    from prodops.operations.units import (
        Pool, compared, declare_unit, organization_of, pool, remove_unit, scored_unit, unit_named, unit_tree
    )
    from prodops.operations.value import Value, value_metrics

# Each name is imported from its module when first used, so a command pays only for what it runs
# (`prodops history` never imports Polars).
_WHERE = {
    **dict.fromkeys(("Assessed", "Latest", "Recorded", "assess", "evidence", "history", "latest", "plan",
                     "read_responses", "scoped"),
                    "assessments"),
    **dict.fromkeys(("Pool", "compared", "declare_unit", "organization_of", "pool", "remove_unit", "scored_unit",
                     "unit_named", "unit_tree"), "units"),
    **dict.fromkeys(("Imported", "Synced", "import_files", "sync_jira"), "imports"),
    **dict.fromkeys(("Drawing", "FigureRecords", "OrganizationView", "Report", "commentary_text", "draw_report",
                     "figure_records",
                     "kept_commentary", "organization_view", "report", "report_download",
                     "report_json", "report_scope", "set_commentary", "value_only", "verdict_records", "write_report"),
                    "reports"),
    **dict.fromkeys(("SETTINGS", "Brand", "Event", "add_event", "brand", "change_setting", "events", "parse_date",
                     "read_settings", "remove_event", "scope_settings", "set_brand", "value_options"), "settings"),
    **dict.fromkeys(("organization_for",), "organizations"),
    **dict.fromkeys(("change_password", "request_reset", "reset_password", "reset_user", "resets_by_mail",
                     "set_password"), "passwords"),
    **dict.fromkeys(("Acting", "acting", "audit_actions", "audit_lines", "audit_trail", "entry_document", "record"),
                    "audit"),
    **dict.fromkeys(("history_document",), "reading"),
    **dict.fromkeys(("Value", "value_metrics"), "value"),
    **dict.fromkeys(("ROLES", "Session", "User", "add_user", "check_password", "check_rate", "create_token", "list_users",
                     "login", "logout", "remove_user", "remove_user_by_id", "session", "start_session", "token_user"),
                    "access"),
    **dict.fromkeys(("Enrolment", "Pending", "SecondStep", "SignedIn", "confirm_enrolment", "enrolment_needed",
                     "finish_sign_in", "pending_sign_in", "renew_recovery_codes", "require_for_admins",
                     "required_for_admins", "reset_mfa", "second_step", "start_enrolment", "turn_off_mfa"), "mfa"),
    **dict.fromkeys(("Provider", "SsoSettings", "Started", "Unreachable", "check_provider", "finish_sso", "sso_settings",
                     "start_sso"), "sso"),
    **dict.fromkeys(("Bearer", "Token", "list_tokens", "revoke_token", "token_caller"), "access"),
    **dict.fromkeys(("Campaign", "Dashboard", "Notes", "Progress", "campaign", "close", "create_campaign", "dashboard",
                     "hide_note", "list_campaigns", "notes", "progress", "result"), "campaigns"),
    **dict.fromkeys(("Invite", "Invited", "Issued", "Skipped", "invite", "list_invites", "read_invitees", "reissue",
                     "revoke"), "invites"),
    **dict.fromkeys(("Form", "Resume", "form", "form_pages", "page_criteria", "resume", "save"), "forms"),
    **dict.fromkeys(("Guest", "Round", "TERMINAL", "challenge_stats", "daily", "game", "guess", "guest", "hard_mode",
                     "new_guest", "practice", "today_somewhere"), "challenge"),
    **dict.fromkeys(("changes", "plan_tracking", "track", "tracked"), "tracking"),
    **dict.fromkeys(("Outbox", "Reminding", "Sent", "Ticked", "check_mail_server", "clone", "deliver", "deliveries",
                     "extend", "letter", "open_now", "preview", "remind", "reminding", "reopen", "schedule",
                     "send_invitations", "send_link", "set_reminders", "set_template", "set_webhook", "tick"), "lifecycle"),
    **dict.fromkeys(("Erased", "apply_retention", "erase_person", "export_person"), "people"),
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module 'prodops.operations' has no attribute {name!r}")
    return getattr(import_module(f"prodops.operations.{_WHERE[name]}"), name)
