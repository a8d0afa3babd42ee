"""The storage: the one home of SQL and of locking. A `Workspace` is one database (a SQLite file,
`./prodops.db` by default, or PostgreSQL by URL) with one repository per aggregate, each owning
its statements, its transactions and its lock rule, on SQLite and PostgreSQL alike:

    recorded     assessments.py   the recorded assessments, their respondents and answers
    data         data.py          the imported value-metric data (an import holds its table)
    profiles     profiles.py      each organisation's settings, named days and brand files
    commentary   commentary.py    the lead's words on a report
    units        units.py         the teams and business units declared
    investments  investments.py   every change to an investment of the plan
    campaigns    campaigns.py     campaigns, invites, answers (saving holds the campaign's row
                                  in share mode, closing holds it alone)
    access       access.py        users, sessions, API tokens, rate limits
    mfa          mfa.py           two-step sign-in: TOTP secrets, recovery codes, sign-ins awaiting
                                  a code; the workspace-wide settings
    challenge    challenge.py     the Knowledge Challenge's games and guest players
    audit        audit.py         the audit trail (added to, never changed)
    sso          sso.py           the single sign-ons under way (each used once)

`workspace.py` holds what they share: the engine, the schema brought up to date (under a lock),
the transactions (a writer holds SQLite's write lock from its start) and the workspace's errors;
`organizations.py` the organisations every row names; `tables.py` the tables, changed only
through `migrations/`. Importable without SQLAlchemy: `address.py` (where the workspace is, the
schema's head revision), `records.py` (records commands also read from what is kept) and
`quick.py`, which reads what is kept with the standard library's sqlite3 for the commands that only
read. The application layer (`prodops.operations`) calls the repositories and
writes no SQL itself.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # at run time __getattr__ imports each when first used: store.quick reads without SQLAlchemy
    from prodops.store.address import DEFAULT_DB, ENV_URL, HEAD_REVISION, database_url
    from prodops.store.records import RecordedAssessment
    from prodops.store.tables import metadata
    from prodops.store.workspace import Workspace, migrations

_WHERE = {"DEFAULT_DB": "address", "ENV_URL": "address", "HEAD_REVISION": "address", "database_url": "address",
          "RecordedAssessment": "records", "metadata": "tables", "Workspace": "workspace", "migrations": "workspace"}

__all__ = ["DEFAULT_DB", "ENV_URL", "HEAD_REVISION", "RecordedAssessment", "Workspace", "database_url", "metadata",
           "migrations"]


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"prodops.store.{_WHERE[name]}"), name)
