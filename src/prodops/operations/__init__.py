"""The application layer: every operation on a workspace, for every shell (the CLI, the web app,
the demo) to call.

Operations take plain values (paths, names, dates, options) and an open `store.Workspace`, and
return plain data. None prints, reads the command line or names a flag: problems are raised as
`errors.InputError` with a `Fix` that each shell words for itself, and what the user should know
about a result comes back as notes. Domain rules stay in the core (assessment, roadmap, metrics,
sources); this layer only runs them against a workspace.
"""

from prodops.operations.assessments import Assessed, Latest, Recorded, assess, evidence, history, latest, plan, read_responses
from prodops.operations.imports import Imported, Synced, import_files, sync_jira
from prodops.operations.reports import Report, report, report_json, write_report
from prodops.operations.settings import SETTINGS, change_setting, parse_date, read_settings, value_options
from prodops.operations.value import Value, value_metrics

__all__ = [
    "Assessed", "Imported", "Latest", "Recorded", "Report", "SETTINGS", "Synced", "Value",
    "assess", "change_setting", "evidence", "history", "import_files", "latest", "parse_date", "plan",
    "read_responses", "read_settings", "report", "report_json", "sync_jira", "value_metrics", "value_options",
    "write_report",
]
