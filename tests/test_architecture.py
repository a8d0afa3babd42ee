"""The shape of the code: a pure core, one application layer, thin shells (DESIGN.md §7)."""

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "prodops"
CORE = ["errors.py", "numbers.py", "files.py", "safe_text.py", "dates.py", "answers.py", "assessment.py", "roadmap.py", "model", "metrics", "sources",
        "report/model.py", "report/layout.py"]
LAYER = ["operations"]
SHELLS = ("prodops.cli", "prodops.terminal", "prodops.store", "prodops.demo", "prodops.interactive", "prodops.web",
          "prodops.operations", "prodops.report.html", "prodops.report.pdf", "prodops.report.markdown",
          "prodops.report.xlsx", "prodops.report.charts")


def modules(places):
    for place in places:
        path = SRC / place
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def imported(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    return imports_of(path.read_text(), ".".join(("prodops", *path.relative_to(SRC).parent.parts)))


def imports_of(source: str, package: str) -> set[str]:
    """Every module `source` (a module of `package`) imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found |= {base} | {f"{base}.{a.name}" for a in node.names}
    return found


@pytest.mark.parametrize("path", list(modules(CORE)), ids=lambda p: str(p.relative_to(SRC)))
def test_the_core_imports_no_shell(path):
    shells = {m for m in imported(path) if m.startswith(SHELLS)}
    assert not shells, f"{path.relative_to(SRC)} imports {sorted(shells)}"


@pytest.mark.parametrize("path", list(modules(LAYER)), ids=lambda p: str(p.relative_to(SRC)))
def test_the_application_layer_imports_no_presentation(path):
    shells = {m for m in imported(path) if m.startswith(("prodops.cli", "prodops.terminal", "prodops.web", "rich", "typer"))}
    assert not shells, f"{path.relative_to(SRC)} imports {sorted(shells)}"


OUTSIDE_THE_STORE = [p.relative_to(SRC) for p in sorted(SRC.rglob("*.py")) if p.relative_to(SRC).parts[0] != "store"]


@pytest.mark.parametrize("path", OUTSIDE_THE_STORE, ids=str)
def test_only_the_store_writes_sql(path):
    """`store/` is the one home of SQL and of locking: the application layer (and every shell)
    calls its repositories, and imports neither SQLAlchemy nor the tables."""
    sql = {m for m in imported(SRC / path) if m.split(".")[0] == "sqlalchemy" or m.startswith("prodops.store.tables")}
    assert not sql, f"{path} imports {sorted(sql)}"


def test_the_sql_check_itself_sees_sqlalchemy_and_the_tables():
    source = "def f():\n    import sqlalchemy as sa\n    from prodops.store.tables import campaigns\n"
    found = imports_of(source, "prodops.operations")
    assert "sqlalchemy" in found and "prodops.store.tables.campaigns" in found


FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+|`prodops [a-z]")


@pytest.mark.parametrize("path", list(modules(CORE + LAYER)), ids=lambda p: str(p.relative_to(SRC)))
def test_no_core_message_names_a_command_line_flag(path):
    """A web page must not tell anyone to `pass --model FILE`: fixes are `errors.Fix`, worded by each shell."""
    tree = ast.parse(path.read_text())
    # Function and class docstrings are notes for developers; a module's docstring may be quoted
    # to readers (the report's methodology), so it is held to the rule.
    notes = {id(node.body[0].value) for node in ast.walk(tree)
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and ast.get_docstring(node)}
    texts = [node.value for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in notes]
    named = sorted({m for t in texts for m in FLAG.findall(t)})
    assert not named, f"{path.relative_to(SRC)} names {named}"


def test_every_fix_is_worded_by_the_cli():
    from prodops.cli import CLI_FIXES
    from prodops.errors import FIXES

    assert CLI_FIXES.keys() == FIXES.keys()


def test_the_check_itself_sees_an_import_inside_a_function():
    source = "def f():\n    from prodops.terminal import show_result\n    from ..report import layout\n"
    assert {"prodops.terminal.show_result", "prodops.report.layout"} <= imports_of(source, "prodops.metrics")


# --- one clock (prodops.clock) ---------------------------------------------------------------------

# Calls that read the wall clock themselves. time.monotonic() and time.perf_counter() measure
# durations and are left alone.
WALL_CLOCK = {"date.today", "datetime.today", "datetime.now", "datetime.utcnow", "time.time", "time.time_ns"}


def wall_clock_reads(source: str) -> list[str]:
    """Where `source` reads the wall clock other than through prodops.clock: 'line N: name()'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if f"{owner_name}.{node.func.attr}" in WALL_CLOCK:
                found.append((node.lineno, f"{owner_name}.{node.func.attr}()"))
        elif isinstance(node, ast.ImportFrom) and node.module == "time":  # `from time import time`, then time()
            found += [(node.lineno, f"from time import {a.name}") for a in node.names if f"time.{a.name}" in WALL_CLOCK]
    return [f"line {line}: {what}" for line, what in sorted(found)]


def test_only_the_clock_reads_the_wall_clock():
    """Every "now" and "today" goes through prodops.clock, so that a test can set it; and no test
    reads the wall clock either: a test that depends on the day sets the clock (the `clock` fixture)."""
    tests = Path(__file__).parent
    places = [p for p in sorted(SRC.rglob("*.py")) if p != SRC / "clock.py"] + sorted(tests.glob("*.py"))
    found = [f"{p.relative_to(SRC.parents[1])} {read}" for p in places for read in wall_clock_reads(p.read_text())]
    assert not found, "read the time through prodops.clock:\n" + "\n".join(found)


@pytest.mark.parametrize("source", [
    "import datetime as dt\ndt.date.today()", "import datetime\ndatetime.datetime.now(datetime.timezone.utc)",
    "from datetime import datetime\ndatetime.utcnow()", "from datetime import date\ndate.today()",
    "import time\ntime.time()", "from time import time\n", "import datetime as dt\ndt.datetime.today()",
])
def test_the_clock_check_itself_sees_each_way_of_reading_the_wall_clock(source):
    assert wall_clock_reads(source)
    assert not wall_clock_reads("import time\ntime.monotonic()\nfrom prodops import clock\nclock.today()")
