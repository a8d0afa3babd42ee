"""A battery of hostile inputs against the real `prodops` command, counted.

    python tools/attack.py [--python PYTHON] [--pythonpath SRC] [--timeout 30]

Each case runs the command in a new process (at most --timeout seconds, 3 GB of memory) against a
workspace that already holds rows, and is counted as: accepted (exit 0), refused (exit 2 with a
message and no traceback), crashed (a traceback, a signal, another exit code), hung (killed at the
timeout), half-written (refused, yet the workspace's rows changed) or trespassing (a file that is
not prodops' own was changed). `--pythonpath` runs another checkout's code with the same libraries
(to count an older version). The unit tests keep every case that matters; this is the tally.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "src" / "prodops" / "examples" / "demo"
MODEL = ROOT / "src" / "prodops" / "core" / "model" / "default.yaml"
KINDS = ["sprint-summary", "sprint-issues", "time-survey", "launches", "launch-checklist", "feedback", "roadmap-items",
         "account-outcomes", "tse2017-sprints", "jira-sprint-report", "jira-issues", "jira-sprint-issues", "jira-csv",
         "survey-export"]
HEADERS = {k: (EXAMPLES / f).read_text().splitlines()[0] for k, f in (
    ("sprint-summary", "sprints.csv"), ("sprint-issues", "sprint-issues.csv"), ("time-survey", "time-survey.csv"),
    ("launches", "launches.csv"), ("launch-checklist", "launch-checklist.csv"), ("feedback", "feedback.csv"),
    ("roadmap-items", "roadmap-items.csv"), ("account-outcomes", "account-outcomes.csv"))}
ROWS = {k: (EXAMPLES / f).read_text().splitlines()[1] for k, f in (
    ("sprint-summary", "sprints.csv"), ("sprint-issues", "sprint-issues.csv"), ("time-survey", "time-survey.csv"),
    ("launches", "launches.csv"), ("launch-checklist", "launch-checklist.csv"), ("feedback", "feedback.csv"),
    ("roadmap-items", "roadmap-items.csv"), ("account-outcomes", "account-outcomes.csv"))}
ANSWERS = (EXAMPLES / "2026-09-30-q3.yaml").read_text()


def _xlsx() -> bytes:
    import io

    import openpyxl

    book, out = openpyxl.Workbook(), io.BytesIO()
    book.active["A1"] = "team"
    book.save(out)
    return out.getvalue()


def cases() -> list[dict]:
    """Each case: files to write, the command's arguments ({dir} is the case's folder)."""
    out: list[dict] = []
    anything = {
        "binary": bytes(range(256)) * 8, "utf16": "team,sprint\nA,1\n".encode("utf-16"), "empty": b"",
        "xlsx": _xlsx(), "deep-json": b"[" * 100_000 + b"]" * 100_000, "json-list": b"[1, 2, 3]",
        "json-object": b'{"issues": [5, "x", null]}', "nul": b"team,sprint\nA\x00,1\n", "one-column": b"x\n1\n",
        "huge-cell": b"team,sprint\n" + b"P" * 1_000_000 + b",1\n", "semicolons": b"team;sprint\nA;1\n",
        "crlf-garbage": b"\r\n\r\n,,,,\r\n",
    }
    for kind in KINDS:
        for name, data in anything.items():
            suffix = ".json" if kind.startswith("jira-") and kind != "jira-csv" else ".csv"
            file = "x_iteration_80" + suffix if kind == "tse2017-sprints" else "in" + suffix
            extra = (["--team", "T"] if kind.startswith("jira")
                     else ["--mapping", "{dir}/map.yaml"] if kind == "survey-export" else [])
            out.append({"name": f"{kind}/{name}", "files": {file: data, "map.yaml": MAPPING.encode()},
                        "args": ["import", kind, "{dir}/" + file, "--organization", "Hostile", *extra]})
    cells = {"1e308": "1e308", "nan": "nan", "negative": "-1", "not-a-day": "2026-02-30", "escape": "A\x1b[2J",
             "long": "L" * 300, "link": "[link=http://evil]x[/link]", "formula": "=HYPERLINK(\"http://e\")"}
    for kind, header in HEADERS.items():
        columns = header.split(",")
        base = ROWS[kind].split(",")
        for name, value in cells.items():
            for i in range(len(columns)):
                row = list(base)
                row[i] = value
                out.append({"name": f"{kind}/{columns[i]}={name}", "files": {"in.csv": f"{header}\n{','.join(row)}\n".encode()},
                            "args": ["import", kind, "{dir}/in.csv", "--organization", "Hostile"]})
        twice = f"{header}\n{ROWS[kind]}\n{ROWS[kind].upper()}\n"
        out.append({"name": f"{kind}/key-twice-any-case", "files": {"in.csv": twice.encode()},
                    "args": ["import", kind, "{dir}/in.csv", "--organization", "Hostile"]})
    import yaml

    model = yaml.safe_load(MODEL.read_text())
    ids = [c["id"] for c in model["criteria"]][:10]  # under valid criterion ids, where notes are read
    bomb = "".join(f"      {cid}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 9 if i else ['"lol"'] * 9) + "]\n"
                   for i, cid in enumerate(ids))
    head = "organization: A\ndate: 2026-10-01\nrespondents:\n"  # an answers file up to its first respondent
    answers = {
        "alias-bomb": (head + "  - id: a\n    role: pm\n"
                       "    answers: {om-2-role: Fully}\n    notes:\n" + bomb),
        "self-alias": "a: &a [*a]\n", "role-list": head + "- {id: a, role: [pm], answers: {}}\n",
        "role-map": head + "- {id: a, role: {a: b}, answers: {}}\n",
        "team-list": head + "- {id: a, role: pm, team: [P, M], answers: {om-2-role: Fully}}\n",
        "name-map": head + "- {id: a, role: pm, name: {x: 1}, answers: {om-2-role: Fully}}\n",
        "note-list": head + "- {id: a, role: pm, answers: {om-2-role: Fully}, notes: {om-2-role: [1, 2]}}\n",
        "note-huge": head + "- {id: a, role: pm, answers: {om-2-role: Fully}, notes: {om-2-role: " + "n" * 200_000 + "}}\n",
        "id-escape": head + '- {id: "a\\e[2J", role: pm, answers: {om-2-role: Fully}}\n',
        "org-long": "organization: " + "O" * 5000 + "\ndate: 2026-10-01\nrespondents:\n"
                    "- {id: a, role: pm, answers: {om-2-role: Fully}}\n",
        "all-na-one": head + "- {id: a, role: pm, answers: {om-2-role: N/A}}\n",
        "date-impossible": "organization: A\ndate: 2026-02-30\nrespondents:\n- {id: a, role: pm, answers: {}}\n",
        "list": "- 1\n- 2\n", "scalar": "hello\n", "model": MODEL.read_text(),
    }
    for name, text in answers.items():
        out.append({"name": f"answers/{name}", "files": {"a.yaml": text.encode()}, "args": ["assess", "{dir}/a.yaml"]})
    out.append({"name": "answers/deep-json", "files": {"a.json": b"[" * 100_000 + b"]" * 100_000},
                "args": ["assess", "{dir}/a.json"]})
    out.append({"name": "answers/csv-export", "files": {"a.csv": b"Timestamp,Email\n1,2\n"}, "args": ["assess", "{dir}/a.csv"]})
    export = (b"Timestamp,Email Address,Company,Role,Q1\n"
              b"2026-10-01 10:00:00,a@x.io,Acme,pm,Fully\n"
              b"2026-10-01 11:00:00,b@x.io,Globex,pm,Fully\n")
    base_map = "for: answers\norganization: Company\nrespondent: Email Address\nrole: Role\ncriteria: {om-2-role: Q1}\n"
    for name, extra in {"date-format-list": "date_format: [1, 2]", "date-format-int": "date_format: 5",
                        "roles-list": "roles: [a]", "values-list": "values: [a]", "roles-value-list": "roles: {pm: [pm]}",
                        "two-orgs": "",
                        "unknown-key": "colour: blue"}.items():
        out.append({"name": f"mapping/{name}", "files": {"e.csv": export, "m.yaml": (base_map + extra + "\n").encode()},
                    "args": ["assess", "{dir}/e.csv", "--mapping", "{dir}/m.yaml"]})
    for key, value in [("hourly_rate", "1e308"), ("hourly_rate", "nan"), ("headcount", "0"), ("headcount", "1e308"),
                       ("grace_days", "99999999999999999999"), ("change_date", "2026-02-30"), ("currency", "x" * 50),
                       ("hourly_rate", "-1")]:
        out.append({"name": f"settings/{key}={value[:12]}", "files": {}, "args": ["settings", key, value]})
    out.append({"name": "files/planted-link", "files": {}, "link": (".report.html.partial", "victim.txt"),
                "args": ["report", "-f", "html", "--out", "{dir}/report.html"]})
    out.append({"name": "files/link-as-report", "files": {}, "link": ("report.html", "victim.txt"),
                "args": ["report", "-f", "html", "--out", "{dir}/report.html"]})
    out.append({"name": "files/md-charts-of-someone", "files": {"docs-charts/mine.svg": b"<svg/>"},
                "guard": "docs-charts/mine.svg",
                "args": ["report", "-f", "md", "--out", "{dir}/docs.md"]})
    out.append({"name": "files/model-export-over", "files": {"mine.yaml": b"mine"}, "guard": "mine.yaml",
                "args": ["model", "export", "--out", "{dir}/mine.yaml"]})
    out.append({"name": "files/model-schema-over", "files": {"mine.json": b"mine"}, "guard": "mine.json",
                "args": ["model", "schema", "--out", "{dir}/mine.json"]})
    out.append({"name": "files/history-empty-file", "files": {"empty.db": b""}, "guard": "empty.db",
                "args": ["history", "--db", "{dir}/empty.db"]})
    return out


MAPPING = ("for: time-survey\nrespondent: '#1'\nperiod: '#2'\ndate: '#3'\nmeeting_coordination: '#4'\nreporting: '#4'\n"
           "tool_research: '#4'\nprocess_design: '#4'\n")


def _state(db: Path) -> str:
    """The workspace's rows, as one digest (its tables, whatever their version)."""
    if not db.exists():
        return "none"
    digest = hashlib.sha256()
    with sqlite3.connect(db) as conn:
        for (table,) in conn.execute("select name from sqlite_master where type='table' order by name"):
            if table != "alembic_version":
                cols = [c[1] for c in conn.execute(f'pragma table_info("{table}")') if c[1] != "imported_at"]
                rows = conn.execute(f'select {",".join(chr(34) + c + chr(34) for c in cols)} from "{table}"').fetchall()
                digest.update(repr(sorted(map(repr, rows))).encode())
    return digest.hexdigest()


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


def run(python: str, pythonpath: str | None, timeout: float) -> dict:
    env = {**os.environ, "COLUMNS": "120"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    command = [python, "-c", "import sys; from prodops.shells.cli import main; sys.argv[0] = 'prodops'; main()"]
    counts = dict.fromkeys(("accepted", "refused", "crashed", "hung", "half-written", "trespassing"), 0)
    notable: list[str] = []
    accepted: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "seed.db"  # a workspace with rows in it, copied for each case
        subprocess.run([*command, "demo", "--out", str(Path(tmp) / "demo")], env=env, capture_output=True, timeout=600)
        (Path(tmp) / "demo" / "prodops.db").replace(seed)
        for i, case in enumerate(cases()):
            folder = Path(tmp) / f"case{i}"
            folder.mkdir()
            db = folder / "w.db"
            db.write_bytes(seed.read_bytes())
            for name, data in case["files"].items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(data)
            victim = folder / "victim.txt"
            victim.write_text("not prodops'")
            if "link" in case:
                os.symlink(case["link"][1], folder / case["link"][0])
            guard = folder / case["guard"] if "guard" in case else None
            guarded = guard.read_bytes() if guard else None
            before = _state(db)
            args = [a.replace("{dir}", str(folder)) for a in case["args"]]
            if "--db" not in args:
                args += ["--db", str(db)]
            try:  # the chart renderer's JavaScript engine reserves more address space than a limit allows
                p = subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=timeout,
                                   preexec_fn=None if args[0] == "report" else _limit)
            except subprocess.TimeoutExpired:
                counts["hung"] += 1
                notable.append(f"hung: {case['name']}")
                continue
            trespass = victim.read_text() != "not prodops'" or (
                guard is not None and (not guard.exists() or guard.read_bytes() != guarded))
            crashed = "Traceback" in p.stderr or p.returncode not in (0, 2)
            if trespass:
                counts["trespassing"] += 1
                notable.append(f"trespassing: {case['name']}")
            if crashed:
                counts["crashed"] += 1
                last = (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1]
                notable.append(f"crashed: {case['name']}: {last[:120]}")
            elif p.returncode == 2:
                counts["refused"] += 1
            else:
                counts["accepted"] += 1
                accepted.append(case["name"])
            if p.returncode != 0 and _state(db) != before:
                counts["half-written"] += 1
                notable.append(f"half-written: {case['name']}")
    counts["tried"] = len(cases())
    return {"counts": counts, "notable": notable, "accepted": accepted}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--pythonpath", help="run the prodops package found here instead (another checkout's src)")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--json", action="store_true")
    a = parser.parse_args()
    result = run(a.python, a.pythonpath, a.timeout)
    if a.json:
        print(json.dumps(result, indent=2))
    else:
        print(", ".join(f"{k} {v}" for k, v in result["counts"].items()))
        for line in result["notable"]:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
