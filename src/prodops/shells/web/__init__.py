"""The web app: campaigns with invite links, the respondent's form, the admin's dashboard, a JSON
API. A shell over `prodops.operations` like the CLI: routes parse, make one call and present.

No state lives in a process: sessions, rate limits and campaigns are in the workspace, so any number
of workers and instances serve the same users (DESIGN.md §7, docs/deploy.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Mapping
from typing import TYPE_CHECKING

from prodops.core.errors import FIXES

if TYPE_CHECKING:
    from prodops.operations.sso import SsoSettings

# How the web app words each fix a core message may point to (the CLI names a flag instead).
WEB_FIXES = {
    "model": "serve the app with the model the campaign or answers were given on",
    "team": "name the team (board) the data belongs to",
    "mapping": "import the export through the command line with its mapping file",
    "points_field": "import the Jira payload through the command line, naming the story points field",
    "organization": "name the organisation",
    "db": "check the workspace the app serves",
    "out": "choose another output path",
    "force": "allow overwriting the file",
    "url": "give the Jira site's address",
    "token": "give a Jira API token",
    "answers": "give answers",
    "template": "start from the blank template of this input (docs/inputs.md)",
    "model-ids": "look up the model's criterion ids (prodops model show)",
    "model-fields": "look up the model's fields (docs/model.md)",
    "model-validate": "check the model file again",
    "assess": "record an assessment: close a campaign, or import answers",
    "import": "import the data on the Imports page",
    "history": "look up the recorded assessments",
    "setting": "set a workspace setting",
    "units": "declare the unit on the organisation's page, or choose a declared one",
    "upgrade": "upgrade the workspace with `prodops upgrade --organization NAME`, then start the app again",
}
assert WEB_FIXES.keys() == FIXES.keys()


@dataclass(frozen=True)
class Settings:
    db: str | None = None  # a workspace path or database URL; None: $PRODOPS_DATABASE_URL, else ./prodops.db
    model: Path | None = None  # a custom model file; None: the default model
    secure_cookies: bool = False  # always mark cookies Secure (set it behind a TLS-terminating proxy)
    smtp: str | None = None  # smtp://user:password@host:port (smtps:// for TLS) to send invite links
    mail_from: str = "prodops@localhost"
    base_url: str | None = None  # the public address invite links use (else the Host a request names)
    tick_seconds: float = 60  # how often the scheduler looks for what is due (0: never; `prodops campaigns tick`)
    draw_apart: bool = False  # draw reports in a process of the worker's own, off the request's (as `prodops serve` does)
    sso: SsoSettings | None = None  # single sign-on with an OpenID provider (PRODOPS_OIDC_*); None: none
    password_sign_in: bool = True  # False: only single sign-on signs in (the command line still manages users)

    def __post_init__(self) -> None:
        if self.sso is not None and not self.base_url:  # never the Host header a request names, which its sender chooses
            from prodops.core.errors import InputError

            raise InputError("single sign-on needs the public address this app is reached at: set PRODOPS_BASE_URL "
                             "(--base-url), e.g. https://assess.acme.example; the redirect URI sent to the provider is "
                             "built on it and must be the one registered there")

    @classmethod
    def from_environment(cls, **given) -> Settings:
        """Settings from PRODOPS_* variables, overridden by what is given (workers read the same)."""
        env = os.environ
        values = {
            "model": Path(env["PRODOPS_MODEL"]) if env.get("PRODOPS_MODEL") else None,
            "secure_cookies": env.get("PRODOPS_SECURE_COOKIES", "") in ("1", "true", "yes"),
            "smtp": env.get("PRODOPS_SMTP_URL") or None,
            "mail_from": env.get("PRODOPS_MAIL_FROM") or cls.mail_from,
            "base_url": env.get("PRODOPS_BASE_URL") or None,
            "tick_seconds": _seconds(env.get("PRODOPS_TICK_SECONDS"), cls.tick_seconds),
            "draw_apart": env.get("PRODOPS_DRAW_APART", "1") not in ("0", "false", "no"),
            "sso": _sso(env),
            "password_sign_in": _switch(env.get("PRODOPS_PASSWORD_SIGN_IN"), "PRODOPS_PASSWORD_SIGN_IN"),
        }
        made = cls(**{**values, **{k: v for k, v in given.items() if v is not None}})
        if not made.password_sign_in and made.sso is None:
            from prodops.core.errors import InputError

            raise InputError("PRODOPS_PASSWORD_SIGN_IN is off but single sign-on is not set up: nobody could sign in; "
                             "set PRODOPS_OIDC_DISCOVERY_URL and the rest (docs/deploy.md, Single sign-on)")
        return made

    def outbox(self, address: str | None = None):
        """How the campaigns' e-mails go out (operations.Outbox); links on the public address, else on
        `address` (the one a request came to), for a campaign made before its links kept one."""
        from prodops.operations import Outbox

        return Outbox(self.smtp, self.mail_from, self.base_url or address)


def _seconds(text: str | None, default: float) -> float:
    """PRODOPS_TICK_SECONDS as a number of seconds, or a clear error."""
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 86_400:
        from prodops.core.errors import InputError

        raise InputError(f"PRODOPS_TICK_SECONDS is {text[:20]!r}: give the seconds between the scheduler's ticks, "
                         "0 to 86400 (0: never)")
    return value


# Each single sign-on setting and where it is given (the environment; some are options of `prodops serve` too)
SSO_ENV = {
    "discovery_url": "PRODOPS_OIDC_DISCOVERY_URL (--oidc-discovery-url)",
    "client_id": "PRODOPS_OIDC_CLIENT_ID (--oidc-client-id)",
    "client_secret": "PRODOPS_OIDC_CLIENT_SECRET (or PRODOPS_OIDC_CLIENT_SECRET_FILE)",
    "allowed_domains": "PRODOPS_OIDC_ALLOWED_DOMAINS (--oidc-allowed-domains)",
    "role_claim": "PRODOPS_OIDC_ROLE_CLAIM with PRODOPS_OIDC_ADMIN_VALUES and PRODOPS_OIDC_VIEWER_VALUES",
    "button": "PRODOPS_OIDC_BUTTON",
    "scopes": "PRODOPS_OIDC_SCOPES",
    "endpoint_hosts": "PRODOPS_OIDC_ENDPOINT_HOSTS",
}


def _sso(env: Mapping[str, str]) -> SsoSettings | None:
    """Single sign-on's settings from PRODOPS_OIDC_*, checked; None when none is set."""
    from prodops.core.errors import InputError, Problem
    from prodops.operations.sso import sso_settings

    if not any(k.startswith("PRODOPS_OIDC_") and v for k, v in env.items()):
        return None
    secret, secret_file = env.get("PRODOPS_OIDC_CLIENT_SECRET"), env.get("PRODOPS_OIDC_CLIENT_SECRET_FILE")
    if secret and secret_file:
        raise InputError("set PRODOPS_OIDC_CLIENT_SECRET or PRODOPS_OIDC_CLIENT_SECRET_FILE, not both")
    if secret_file:
        try:
            secret = Path(secret_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"PRODOPS_OIDC_CLIENT_SECRET_FILE: {secret_file!r} cannot be read "
                             f"({getattr(e, 'strerror', None) or e})") from None
    try:
        return sso_settings(env.get("PRODOPS_OIDC_DISCOVERY_URL"), env.get("PRODOPS_OIDC_CLIENT_ID"), secret,
                            env.get("PRODOPS_OIDC_ALLOWED_DOMAINS"), env.get("PRODOPS_OIDC_ROLE_CLAIM"),
                            env.get("PRODOPS_OIDC_ADMIN_VALUES"), env.get("PRODOPS_OIDC_VIEWER_VALUES"),
                            env.get("PRODOPS_OIDC_BUTTON"), env.get("PRODOPS_OIDC_SCOPES"),
                            env.get("PRODOPS_OIDC_ENDPOINT_HOSTS"))
    except InputError as e:
        problems = [Problem(f"{SSO_ENV[p.column or '']}: {p.message}") for p in e.problems]
        if len(problems) == 1:
            raise InputError(f"{e.message}: {problems[0].message}") from None
        raise InputError(e.message, problems) from None


def _switch(text: str | None, name: str) -> bool:
    """An on/off setting, on unless it says off."""
    value = (text or "on").strip().lower()
    if value in ("on", "1", "true", "yes"):
        return True
    if value in ("off", "0", "false", "no"):
        return False
    from prodops.core.errors import InputError

    raise InputError(f"{name} is {value[:20]!r}: give on or off")


def create_app(settings: Settings | None = None):
    """The FastAPI app serving one workspace."""
    from prodops.shells.web.app import build

    return build(settings or Settings.from_environment())


def app_from_environment():
    """For `uvicorn --factory prodops.shells.web:app_from_environment` (several workers read the environment)."""
    return create_app(Settings.from_environment())
