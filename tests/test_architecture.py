"""The shape of the code: its layers and the arrows between them (docs/architecture.md), one home
for SQL, one clock, errors as data (DESIGN.md §7)."""

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "prodops"

# Each layer (a folder of src/prodops) and what it may import of prodops; `prodops` itself (its
# version) any may. The arrows of docs/architecture.md, held here.
MAY_IMPORT = {
    "core": {"core"},
    "inputs": {"core", "inputs", "clock"},
    "store": {"core", "store", "clock"},
    "renderers": {"core", "renderers"},
    "outbox": {"core", "outbox", "clock"},
    "operations": {"core", "inputs", "store", "renderers", "outbox", "operations", "clock"},
    "shells": {"core", "inputs", "store", "renderers", "outbox", "operations", "shells", "clock", "examples"},
    "clock": set(),
}


def documented_arrows() -> dict[str, set[str]]:
    """The table of arrows in docs/architecture.md, the one after its `arrows` marker."""
    text = (SRC.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = text.split("<!-- arrows:", 1)[1].split("\n\n", 1)[0].splitlines()[3:]
    cells = [[c.strip() for c in row.strip("|").split("|")] for row in rows]
    return {name: {a.strip() for a in allowed.split(",")} if "(" not in allowed else set() for name, allowed in cells}


def test_the_documented_arrows_are_the_tested_ones():
    assert documented_arrows() == MAY_IMPORT


def layer(path: Path) -> str:
    """The layer of a module: its folder under src/prodops, or its own name at the top (clock)."""
    part = path.relative_to(SRC).parts[0]
    return part.removesuffix(".py")


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


LAYERED = [p for p in sorted(SRC.rglob("*.py")) if layer(p) in MAY_IMPORT and "migrations" not in p.parts]


@pytest.mark.parametrize("path", LAYERED, ids=lambda p: str(p.relative_to(SRC)))
def test_each_layer_imports_only_the_layers_below_it(path):
    allowed = MAY_IMPORT[layer(path)]
    crossing = sorted(m for m in imported(path) if m.startswith("prodops.") and m.split(".")[1] not in allowed
                      and m.split(".")[1] != "__version__")
    assert not crossing, f"{path.relative_to(SRC)} ({layer(path)}) imports {crossing}"


def test_every_module_is_in_a_layer():
    """A new module goes in a layer's folder (docs/architecture.md says which)."""
    loose = [str(p.relative_to(SRC)) for p in sorted(SRC.rglob("*.py"))
             if layer(p) not in MAY_IMPORT and p.name not in ("__init__.py", "__main__.py") and layer(p) != "examples"]
    assert loose == []


def file_reads(source: str) -> list[str]:
    """Where `source` reads a file given to it: the builtin open(), pathlib, or a path's read_*."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
            found.append(f"line {node.lineno}: open()")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"line {node.lineno}: import {n}" for n in names if n.split(".")[0] in ("pathlib", "os", "shutil")]
    return found


@pytest.mark.parametrize("path", list(modules(["core"])), ids=lambda p: str(p.relative_to(SRC)))
def test_the_core_reads_no_file(path):
    """The core takes parsed data: reading what people give is the inputs'. Its own data, shipped
    inside it (the word lists), it loads through importlib.resources."""
    assert file_reads(path.read_text()) == [], path.relative_to(SRC)


def test_the_file_check_itself_sees_open_and_pathlib():
    assert len(file_reads("from pathlib import Path\nimport os\ndef f(p):\n    return open(p).read()\n")) == 3
    assert file_reads("from importlib.resources import files\nfiles('prodops').joinpath('x').read_text()\n") == []


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


@pytest.mark.parametrize("path", list(modules(["core", "inputs", "operations"])), ids=lambda p: str(p.relative_to(SRC)))
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
    from prodops.shells.cli import CLI_FIXES
    from prodops.core.errors import FIXES

    assert CLI_FIXES.keys() == FIXES.keys()


def test_the_check_itself_sees_an_import_inside_a_function():
    source = "def f():\n    from prodops.shells.terminal import show_result\n    from ..report import layout\n"
    assert {"prodops.shells.terminal.show_result", "prodops.core.report.layout"} <= imports_of(source, "prodops.core.metrics")


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


def test_each_operation_is_typed_where_it_is_found():
    """operations/__init__ imports each name when first used (its `_WHERE`); its TYPE_CHECKING
    imports tell mypy the same names from the same modules, so that no shell's call is `Any`."""
    from prodops.operations import _WHERE

    tree = ast.parse((SRC / "operations" / "__init__.py").read_text())
    typed = {a.name: node.module.removeprefix("prodops.operations.")
             for block in tree.body if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING"
             for node in block.body if isinstance(node, ast.ImportFrom) and node.module
             for a in node.names}
    assert typed == _WHERE
