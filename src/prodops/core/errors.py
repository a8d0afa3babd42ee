"""Errors are data: what is wrong, where, and what would fix it, for every shell to word its own way.

A core message says what and where in plain words and never names a command-line flag or a web
form field. What fixes it is a `Fix`: the input to give (`Fix("team")`) or the thing to look at
(`Fix("template", "sprint-summary")`). The CLI words a fix as a flag or a command and exits 2; the
web app as a form field or a link, with HTTP 422 and the same problems.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fix:
    """The input or the help that fixes a problem. `what` is one of FIXES; `arg` says which one
    (an import kind, a setting...)."""

    what: str
    arg: str | None = None


# Every fix a core message may point to, and what it means. Each shell words every one of them
# (a test holds the CLI's wording to this list).
FIXES = {
    "model": "use the model the answers were given on",
    "team": "name the team (board) the data belongs to",
    "mapping": "give the mapping file that says which export column is which",
    "points_field": "name the Jira field that holds story points",
    "organization": "choose one organisation",
    "db": "choose another workspace",
    "out": "choose another output path",
    "force": "allow overwriting the file",
    "url": "give the Jira site's address",
    "token": "give a Jira API token",
    "answers": "give answers files",
    "template": "start from the blank template of this input",
    "model-ids": "look up the model's criterion ids",
    "model-fields": "look up the model's fields",
    "model-validate": "check the model file again",
    "assess": "record an assessment",
    "import": "import the data",
    "history": "look up the recorded assessments",
    "setting": "set a workspace setting",
    "units": "declare the unit, or choose a declared one",
    "upgrade": "upgrade the workspace, naming the organisation its data belongs to",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: the message names the place too, so it reads on its own."""

    message: str
    file: str | None = None
    line: int | None = None  # in a YAML or JSON file
    row: int | None = None  # in a CSV file, the header being row 1
    column: str | None = None
    respondent: str | None = None
    criterion: str | None = None
    fix: Fix | None = None

    def where(self) -> dict:
        return {k: v for k, v in (("file", self.file), ("line", self.line), ("row", self.row), ("column", self.column),
                                  ("respondent", self.respondent), ("criterion", self.criterion)) if v is not None}


class InputError(Exception):
    """Input a user can fix. `message` is the headline (file and place included where there is one);
    `problems` lists each finding when there are several; `fix` names what fixes it."""

    def __init__(self, message: str, problems: list[Problem] | tuple[Problem, ...] = (), fix: Fix | None = None,
                 more: int = 0):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)
        self.fix = fix
        self.more = more  # problems found beyond those listed

    def __str__(self) -> str:
        lines = [self.message, *(f"  {p.message}" for p in self.problems)]
        if self.more:
            lines.append(f"  ... and {self.more} more")
        return "\n".join(lines)

    def document(self) -> dict:
        """The error as data (the web app's 422 body, `--json` errors)."""
        return {"error": self.message,
                "problems": [{"message": p.message, **p.where(), "fix": _fix(p.fix)} for p in self.problems],
                "more": self.more,
                "fix": _fix(self.fix)}


class Conflict(InputError):
    """Input that is right in itself but does not fit the workspace as it is now: nothing submitted
    to score yet, a campaign on another model or already full, a closing day before the campaign
    opens or not later than the one it has, no mail server to remind with. The command line says it as any InputError; the web app
    answers 409 (the request may succeed once the state changes), keeping 422 for what is wrong
    in the request itself."""


def _fix(fix: Fix | None) -> dict | None:
    return None if fix is None else {"what": fix.what, "arg": fix.arg, "meaning": FIXES[fix.what]}


class Refused(Exception):
    """A request the workspace turns down: not input to correct but access or state. `kind` says
    which, for each shell to answer in its own way (the web app: 401, 403, 404, 409, 429):

    - "unknown": no such thing, or not for this caller (a revoked invite looks exactly like a wrong one);
    - "login": the e-mail or password is wrong (which of the two is never said);
    - "forbidden": the caller's role may not do this;
    - "closed": the campaign no longer takes answers;
    - "confidential": what is asked would show too little of too few people (core.confidentiality);
    - "too_many": too many attempts; `retry_after` seconds until the next is allowed.
    """

    KINDS = ("unknown", "login", "forbidden", "closed", "confidential", "too_many")

    def __init__(self, kind: str, message: str, retry_after: int | None = None):
        assert kind in self.KINDS, kind
        super().__init__(message)
        self.kind, self.message, self.retry_after = kind, message, retry_after

    def document(self) -> dict:
        return {"error": self.message, "refused": self.kind, "problems": []}
