"""The workspace's tables. Portable between SQLite and PostgreSQL; changed only through migrations."""

import sqlalchemy as sa

from prodops.core.confidentiality import DEFAULT_THRESHOLD
from prodops.core.safe_text import NAME_LENGTH  # names, ids and teams: as wide as the inputs allow

metadata = sa.MetaData()

assessments = sa.Table(
    "assessments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("organization", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("unit", sa.String(NAME_LENGTH), nullable=False, server_default=""),  # its scope; "": the whole organisation
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("model_id", sa.String(100), nullable=False),
    sa.Column("model_version", sa.String(50), nullable=False),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("progress_to_next", sa.Float, nullable=True),
    sa.Column("respondent_count", sa.Integer, nullable=False),
    sa.Column("sources", sa.JSON, nullable=False),
    sa.Column("result", sa.JSON, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    # its reporting threshold k (core.confidentiality); NULL: a named assessment
    sa.Column("threshold", sa.Integer, nullable=True, server_default=str(DEFAULT_THRESHOLD)),
    # One assessment per organisation, unit, date and model: recording it again replaces it.
    sa.UniqueConstraint("organization", "unit", "date", "model_id", name="uq_assessment"),
)

dimension_levels = sa.Table(
    "dimension_levels", metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("dimension", sa.String(100), primary_key=True),
    sa.Column("level", sa.Integer, nullable=False),
)

respondents = sa.Table(
    "respondents", metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("respondent", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("role", sa.String(100), nullable=False),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=True),
    sa.Column("team", sa.String(NAME_LENGTH), nullable=True),
)

answers = sa.Table(
    "answers", metadata,
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("respondent", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("criterion", sa.String(100), primary_key=True),
    sa.Column("value", sa.Float, nullable=True),  # NULL: N/A, or only a note
    sa.Column("na", sa.Boolean, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("note_hidden", sa.Boolean, nullable=False, server_default=sa.false()),  # an admin withheld it
)


# --- the organisations a workspace holds: every table that names one names one of these ---------
organizations = sa.Table(
    "organizations", metadata,
    sa.Column("name", sa.String(NAME_LENGTH), primary_key=True),  # as first spelled; matched whatever its case
    sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
)

def _organization() -> sa.Column:
    """The organisation a row belongs to: its data, settings, events and brand are its own."""
    return sa.Column("organization", sa.String(NAME_LENGTH), primary_key=True)


# --- imported value-metric data: one table per canonical input (sources/tables.py) ------------
# Each row belongs to one organisation and remembers the file it came from; importing rows with
# the same key (in the same organisation) updates them.

def _imported(name: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(name, metadata, _organization(), *columns,
                    sa.Column("source", sa.String(500), nullable=False),
                    sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False))


sprints = _imported(
    "sprints",
    sa.Column("team", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("sprint", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("start", sa.Date, nullable=True),
    sa.Column("end", sa.Date, nullable=True),
    sa.Column("unit", sa.String(10), nullable=False),
    sa.Column("committed", sa.Float, nullable=False),
    sa.Column("completed", sa.Float, nullable=False),
    sa.Column("completed_committed", sa.Float, nullable=True),  # NULL: the source does not give it
    sa.Column("added", sa.Float, nullable=True),
    sa.Column("removed", sa.Float, nullable=True),
    # what the source can only approximate (metrics.predictability.APPROXIMATIONS); NULL: exact
    sa.Column("approximation", sa.String(40), nullable=True),
)

time_survey = _imported(
    "time_survey",
    sa.Column("respondent", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("period", sa.String(20), primary_key=True),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("meeting_coordination", sa.Float, nullable=False),
    sa.Column("reporting", sa.Float, nullable=False),
    sa.Column("tool_research", sa.Float, nullable=False),
    sa.Column("process_design", sa.Float, nullable=False),
    sa.Column("work_hours", sa.Float, nullable=True),
    sa.Column("team", sa.String(NAME_LENGTH), nullable=True),  # NULL: counts for the organisation only
)

launches = _imported(
    "launches",
    sa.Column("launch", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("tier", sa.String(50), nullable=True),
    sa.Column("original_date", sa.Date, nullable=False),
    sa.Column("actual_date", sa.Date, nullable=True),
    sa.Column("adoption_metric", sa.String(500), nullable=True),
    sa.Column("adoption_target", sa.Float, nullable=True),
    sa.Column("adoption_q1", sa.Float, nullable=True),
    sa.Column("team", sa.String(NAME_LENGTH), nullable=True),  # NULL: counts for the organisation only
)

launch_checklist = _imported(
    "launch_checklist",
    sa.Column("launch", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("function", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("item", sa.String(500), primary_key=True),
    sa.Column("owner", sa.String(NAME_LENGTH), nullable=True),
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("done_at", sa.Date, nullable=True),
)

feedback = _imported(
    "feedback",
    sa.Column("feedback", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("account", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("received", sa.Date, nullable=False),
    sa.Column("summary", sa.Text, nullable=True),
    sa.Column("roadmap_item", sa.String(NAME_LENGTH), nullable=True),
)

roadmap_items = _imported(
    "roadmap_items",
    sa.Column("roadmap_item", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("shipped", sa.Date, nullable=True),
)

account_outcomes = _imported(
    "account_outcomes",
    sa.Column("account", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("outcome", sa.String(20), primary_key=True),
    sa.Column("arr_before", sa.Float, nullable=False),
    sa.Column("arr_after", sa.Float, nullable=False),
)

settings = sa.Table(
    "settings", metadata,  # of an organisation, or of one of its units
    _organization(),
    sa.Column("unit", sa.String(NAME_LENGTH), primary_key=True, server_default=""),  # "": the whole organisation
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.String(500), nullable=False),
)


# --- the web app: people with access, their sessions and tokens, campaigns and their invites ---
# Secrets (session ids, API and invite tokens) are stored only as SHA-256 hashes: a copy of the
# database lets no one in. Text columns are as wide as the answers files allow.

_when = sa.DateTime(timezone=True)

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),  # lower case
    sa.Column("role", sa.String(20), nullable=False),  # admin or viewer
    sa.Column("password_hash", sa.String(NAME_LENGTH), nullable=True),  # argon2id; NULL: API tokens only
    sa.Column("created_at", _when, nullable=False),
)

sessions = sa.Table(
    "sessions", metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", _when, nullable=False),
    sa.Column("seen_at", _when, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=True),
    sa.Column("created_at", _when, nullable=False),
    sa.Column("scope", sa.String(10), nullable=False, server_default="role"),  # "read": read-only; "role": the user's role
    sa.Column("expires_at", _when, nullable=True),  # NULL: made before tokens expired (0017); replace it
    sa.Column("last_used_at", _when, nullable=True),  # written at most once a minute
    sa.Index("ix_api_tokens_user_id", "user_id"),
)

# Single sign-on under way: each attempt's state (only its hash kept), the browser that started it
# (the hash of its cookie), the nonce and PKCE verifier sent with it and where the provider answers.
# Used once (deleted when its answer comes back), within 10 minutes (operations.sso).
sso_states = sa.Table(
    "sso_states", metadata,
    sa.Column("state_hash", sa.String(64), primary_key=True),
    sa.Column("browser_hash", sa.String(64), nullable=False),
    sa.Column("nonce", sa.String(64), nullable=False),
    sa.Column("verifier", sa.String(128), nullable=False),
    sa.Column("redirect_uri", sa.String(1000), nullable=False),
    sa.Column("created_at", _when, nullable=False),
)

campaigns = sa.Table(
    "campaigns", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("organization", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("team", sa.String(NAME_LENGTH), nullable=True),  # the unit it is scoped to; NULL: the organisation
    sa.Column("model_id", sa.String(100), nullable=False),
    sa.Column("model_version", sa.String(50), nullable=False),
    sa.Column("opens", sa.Date, nullable=False),
    sa.Column("closes", sa.Date, nullable=True),
    sa.Column("targets", sa.JSON, nullable=False),  # role -> how many answers it wants
    sa.Column("created_at", _when, nullable=False),
    sa.Column("closed_at", _when, nullable=True),  # NULL: open
    sa.Column("assessment_id", sa.Integer, nullable=True),  # what closing it recorded
    # confidential with this reporting threshold k (core.confidentiality); NULL: named
    sa.Column("threshold", sa.Integer, nullable=True, server_default=str(DEFAULT_THRESHOLD)),
    sa.Column("state", sa.String(20), nullable=False, server_default="open"),  # draft, scheduled, open, closed
    sa.Column("owner", sa.String(320), nullable=True),  # the admin who made it: replies and notifications go to them
    sa.Column("reminders", sa.JSON, nullable=True),  # when reminders go (core.lifecycle); NULL: the default
    sa.Column("templates", sa.JSON, nullable=True),  # the e-mails' own wording; NULL: the default
    sa.Column("webhook", sa.Text, nullable=True),  # a secret: an incoming-webhook URL for the owner
    sa.Column("link_base", sa.String(300), nullable=True),  # the address its links use (where it was made)
)

# What happened to a campaign, by whom (an e-mail, or "scheduler"), with the reason given
campaign_events = sa.Table(
    "campaign_events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("at", _when, nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("by", sa.String(320), nullable=True),
    sa.Column("detail", sa.Text, nullable=True),
)

# Every e-mail and notification sent, or failed: its unique key claims it, so that it goes once
# whatever the number of instances sending
deliveries = sa.Table(
    "deliveries", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("invite_id", sa.Integer, sa.ForeignKey("invites.id", ondelete="CASCADE"), nullable=True),
    sa.Column("channel", sa.String(20), nullable=False),  # email, webhook
    sa.Column("kind", sa.String(30), nullable=False),  # invitation, reminder, link, extended, opened, progress...
    sa.Column("at", _when, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # sending, sent, failed
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),  # a failed one is tried again, a few times
)

# Who runs the scheduled work now, until when: one instance at a time
leases = sa.Table(
    "leases", metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("holder", sa.String(100), nullable=False),
    sa.Column("until", _when, nullable=False),
)

invites = sa.Table(
    "invites", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("csrf", sa.String(64), nullable=False),  # the respondent's form posts carry it
    sa.Column("respondent", sa.String(NAME_LENGTH), nullable=False),  # their id in the recorded assessment
    sa.Column("name", sa.String(NAME_LENGTH), nullable=True),
    sa.Column("email", sa.String(320), nullable=True),
    sa.Column("role", sa.String(100), nullable=False),
    sa.Column("team", sa.String(NAME_LENGTH), nullable=True),
    sa.Column("created_at", _when, nullable=False),
    sa.Column("revoked_at", _when, nullable=True),
    sa.Column("saved_at", _when, nullable=True),
    sa.Column("submitted_at", _when, nullable=True),
    sa.UniqueConstraint("campaign_id", "respondent", name="uq_invite_respondent"),
)

# The further links of an invite: each e-mail sent carries one of its own (only its hash is kept),
# good as long as the invite's first link
invite_links = sa.Table(
    "invite_links", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("invite_id", sa.Integer, sa.ForeignKey("invites.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("created_at", _when, nullable=False),
)

invite_answers = sa.Table(
    "invite_answers", metadata,
    sa.Column("invite_id", sa.Integer, sa.ForeignKey("invites.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("criterion", sa.String(100), primary_key=True),
    sa.Column("value", sa.Float, nullable=True),  # NULL: N/A, or only a note
    sa.Column("na", sa.Boolean, nullable=False),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("saved_at", _when, nullable=False),
    sa.Column("note_hidden", sa.Boolean, nullable=False, server_default=sa.false()),  # an admin withheld it
)

rate_limits = sa.Table(
    "rate_limits", metadata,
    sa.Column("key", sa.String(400), primary_key=True),  # what is limited, e.g. a login's e-mail
    sa.Column("window", sa.BigInteger, primary_key=True),  # when the counting window began, epoch seconds
    sa.Column("hits", sa.Integer, nullable=False),
)

# failed sign-ins (core.passwords): one row per (e-mail, client) and one per client, each keyed by a
# SHA-256 (never an e-mail or an address in clear); a row goes once its count has faded (forget_at)
sign_in_failures = sa.Table(
    "sign_in_failures", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_at", _when, nullable=False),  # the latest failure counted
    sa.Column("forget_at", _when, nullable=False),
)
sa.Index("ix_sign_in_failures_forget_at", sign_in_failures.c.forget_at)

# a password reset link's token (its SHA-256: the link itself is only in the e-mail), used once, expiring
password_resets = sa.Table(
    "password_resets", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("created_at", _when, nullable=False),
    sa.Column("expires_at", _when, nullable=False),
)

# --- the Knowledge Challenge: players without an account, and every game played ---

challenge_guests = sa.Table(
    "challenge_guests", metadata,  # a browser playing without signing in (its cookie holds the token)
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", _when, nullable=False),
)

challenge_games = sa.Table(
    "challenge_games", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("player", sa.String(40), nullable=False),  # user:ID, guest:ID, or terminal
    sa.Column("model_id", sa.String(100), nullable=False),
    sa.Column("day", sa.Date, nullable=True),  # the daily game's date; NULL: a practice game
    sa.Column("answer", sa.String(5), nullable=False),
    sa.Column("guesses", sa.String(40), nullable=False),  # comma-separated, in order
    sa.Column("hard", sa.Boolean, nullable=False),
    sa.Column("created_at", _when, nullable=False),
    sa.Column("finished_at", _when, nullable=True),  # NULL: still being played
    sa.UniqueConstraint("player", "model_id", "day", name="uq_challenge_daily"),  # one daily game a day
)
sa.Index("ix_challenge_games_player", challenge_games.c.player, challenge_games.c.model_id)

# --- the roadmap as a plan people run: every change to an investment's owner, cost, target, status ---
investment_changes = sa.Table(
    "investment_changes", metadata,  # append-only: an investment's state is its latest row
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("organization", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("investment", sa.String(100), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("owner", sa.String(NAME_LENGTH), nullable=True),
    sa.Column("cost", sa.Float, nullable=True),
    sa.Column("weeks", sa.Float, nullable=True),
    sa.Column("target", sa.Date, nullable=True),
    sa.Column("done_on", sa.Date, nullable=True),
    sa.Column("changed_at", _when, nullable=False),
    sa.Column("changed_by", sa.String(320), nullable=True),
)
sa.Index("ix_investment_changes", investment_changes.c.organization, investment_changes.c.investment)

# --- named events on the timeline ("2026-04-06 Playbook adopted"): the charts and sentences name them ---
events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("organization", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("label", sa.String(NAME_LENGTH), nullable=False),
    sa.UniqueConstraint("organization", "day", "label", name="uq_event"),
)

# --- the lead's commentary on a report: per organisation, unit and report date (the Markdown as written) ---
commentary = sa.Table(
    "commentary", metadata,
    sa.Column("organization", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("unit", sa.String(NAME_LENGTH), primary_key=True, server_default=""),  # "": the whole organisation's report
    sa.Column("as_of", sa.Date, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("changed_at", _when, nullable=False),
    sa.Column("changed_by", sa.String(320), nullable=True),
)

# --- files an organisation keeps for its reports (its logo) ---
assets = sa.Table(
    "assets", metadata,
    _organization(),
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# --- teams and business units, declared once per organisation (units.py holds the roll-up rule) ---
units = sa.Table(
    "units", metadata,
    sa.Column("organization", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("name", sa.String(NAME_LENGTH), primary_key=True),
    sa.Column("parent", sa.String(NAME_LENGTH), nullable=True),  # NULL: directly under the organisation
    sa.Column("teams", sa.JSON, nullable=False),  # data teams that count as it besides its own name
)


# --- the workspace's own keys: `pseudonyms` keys the hash that stands for a respondent's id in a
# confidential assessment (core.confidentiality.pseudonym); without it no id can be checked against one
workspace_keys = sa.Table(
    "workspace_keys", metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)


# --- erasures (GDPR article 17): the assessments a respondent was erased from, and when; who is never kept
erasures = sa.Table(
    "erasures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("assessment_id", sa.Integer, sa.ForeignKey("assessments.id", ondelete="CASCADE"), nullable=False),
    sa.Column("on", sa.Date, nullable=False),
    sa.Column("at", _when, nullable=False),
)


# --- what is computed from the workspace, kept until it changes (issue 23): `state_versions` counts
# the write transactions that can change a report (store.workspace: every one but the hot paths
# that cannot); `computed` keeps a result under its key with the version it was made at, shared by
# every worker and instance of the workspace
state_versions = sa.Table(
    "state_versions", metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
)
computed = sa.Table(
    "computed", metadata,
    sa.Column("key", sa.String(64), primary_key=True),  # the SHA-256 of what it is
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("value", sa.LargeBinary, nullable=False),  # store.quick.packed
    sa.Column("made_at", _when, nullable=False),
)


# --- the audit trail (ASVS V7): who changed who can see what, or what leadership reads. Append-only:
# triggers (migration 0015) refuse every UPDATE and DELETE, on SQLite and PostgreSQL alike
audit_trail = sa.Table(
    "audit_trail", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", _when, nullable=False),
    sa.Column("actor", sa.String(320), nullable=False),  # an e-mail, "command line" or "scheduler"
    sa.Column("client", sa.String(100), nullable=True),  # the address a request came from
    sa.Column("action", sa.String(50), nullable=False),  # "sign-in failed", "user added"...
    sa.Column("subject", sa.String(500), nullable=False),  # whom or what it was done to
    sa.Column("detail", sa.JSON, nullable=False),
)
_APPEND_ONLY = "the audit trail is append-only"
for _event in ("UPDATE", "DELETE"):
    sa.event.listen(audit_trail, "after_create", sa.DDL(
        f"CREATE TRIGGER audit_trail_no_{_event.lower()} BEFORE {_event} ON audit_trail "
        f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END").execute_if(dialect="sqlite"))
sa.event.listen(audit_trail, "after_create", sa.DDL(
    "CREATE FUNCTION audit_trail_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$").execute_if(dialect="postgresql"))
sa.event.listen(audit_trail, "after_create", sa.DDL(
    "CREATE TRIGGER audit_trail_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_trail "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_trail_append_only()").execute_if(dialect="postgresql"))


# --- two-step sign-in (ASVS V2.8, issue 24). `mfa_secrets`: a user's TOTP secret, pending until a
# code from it confirms the enrolment, and the time step of the last code used (none counts twice).
# The secret is in clear, as checking a code needs it: a copy of the database holds it (docs/deploy.md:
# protect backups). `recovery_codes`: single-use, each kept as its argon2id hash beside its first group
# (the selector, to find the one hash to check). `pending_sign_ins`: a right password awaiting its code
# (the cookie's hash, five minutes). `workspace_settings`: what holds for the whole workspace
# (`mfa_required_for_admins`).
mfa_secrets = sa.Table(
    "mfa_secrets", metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("secret", sa.String(64), nullable=False),  # base 32
    sa.Column("created_at", _when, nullable=False),
    sa.Column("enabled_at", _when, nullable=True),  # NULL: pending, not yet confirmed with a code
    sa.Column("last_step", sa.BigInteger, nullable=True),  # the TOTP time step of the last code used
)
recovery_codes = sa.Table(
    "recovery_codes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("selector", sa.String(8), nullable=False),
    sa.Column("code_hash", sa.String(200), nullable=False),
    sa.Column("used_at", _when, nullable=True),  # NULL: not used yet
)
pending_sign_ins = sa.Table(
    "pending_sign_ins", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", _when, nullable=False),
    sa.Column("method", sa.String(20), nullable=False, server_default="password"),  # the first step: password, sso
)
workspace_settings = sa.Table(
    "workspace_settings", metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("value", sa.String(500), nullable=False),
)
