"""Reading YAML/JSON input files, with errors that name the file, line and path."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

import yaml

from prodops.core.errors import InputError


try:
    from yaml import CSafeLoader as _SafeLoader  # libyaml when the wheel has it
except ImportError:
    from yaml import SafeLoader as _SafeLoader


class _Loader(_SafeLoader):
    """YAML 1.2 booleans: only true/false (YAML 1.1 reads the answer `No` as False). Dates stay
    strings, so that the code reading them can say what is wrong with an impossible one."""


    def construct_mapping(self, node, deep=False):
        # YAML forbids duplicate keys, but PyYAML keeps the last one silently: an answer given
        # twice would be scored as whichever came last.
        seen: dict[str, yaml.Mark] = {}
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                if key.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key.value!r} (first at line {seen[key.value].line + 1}); keep one",
                        key.start_mark)
                seen[key.value] = key.start_mark
        return super().construct_mapping(node, deep)


_DROPPED = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class Document:
    """A parsed YAML or JSON file that can tell on which line a path inside it stands."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self._node = None
        self._json_text: str | None = None
        try:
            if path.suffix.lower() == ".json":
                self.data = json.loads(text, object_pairs_hook=_unique_keys)
                self._json_text = text  # composed into nodes only if a message needs a line number
            else:
                self._node, self.data = _compose(text, construct=True)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
        except RecursionError:
            raise InputError(f"{path}: nested too deeply to be an input file (more than {MAX_DEPTH} levels)") from None
        except _DuplicateKey as e:
            raise InputError(f"{path}: not valid JSON: duplicate key {e.args[0]!r} in one object; keep one") from None
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
            problem = getattr(e, "problem", None) or str(e)
            raise InputError(f"{where}: not valid YAML: {problem}") from None

    def where(self, loc: tuple[Any, ...] = ()) -> str:
        """`file:line:column: path` for an error at `loc` (keys and list indexes)."""
        mark = self._mark(loc)
        prefix = f"{self.path}:{mark.line + 1}:{mark.column + 1}" if mark else str(self.path)
        return f"{prefix}: {format_loc(loc)}" if loc else prefix

    def place(self, loc: tuple[Any, ...] = ()) -> dict:
        """{"line": n} of `loc`, for a problem's where (empty when unknown)."""
        mark = self._mark(loc)
        return {"line": mark.line + 1} if mark else {}

    def _mark(self, loc: tuple[Any, ...]) -> yaml.Mark | None:
        if self._node is None and self._json_text is not None:
            with contextlib.suppress(yaml.YAMLError):  # JSON is YAML too: its nodes give line numbers, where PyYAML can read it
                self._node = _compose(self._json_text)[0]
            self._json_text = None
        node = self._node
        if node is None:
            return None
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                match = [v for k, v in node.value if k.value == str(key)]
                if not match:
                    break
                node = match[0]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
            else:
                break
        return node.start_mark


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


MAX_DEPTH = 100  # levels of nesting an input file may have (answers need 5, a model 6)
MAX_ALIASED = 100_000  # values YAML aliases (*name) may add by repeating others


def _compose(text: str, construct: bool = False) -> tuple[Any, Any]:
    """(root node, data) with our loader; data only when `construct`, and only once the document
    is known to stay small: aliases that would expand it (a "billion laughs"), nesting deeper
    than MAX_DEPTH and aliases to themselves are refused before anything is built."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _bounded(node)
        data = loader.construct_document(node) if construct and node is not None else None
        return node, data
    finally:
        loader.dispose()


def _bounded(root: yaml.Node) -> None:
    """Count the values `root` expands to without expanding it: each node once (an alias is the
    same node again), its size and depth from its children's."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = ([c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if depth[key] > MAX_DEPTH:
                raise yaml.YAMLError(f"nested more than {MAX_DEPTH} levels deep; an input file needs far fewer")
            continue
        if key in size:
            continue
        if key in open_:
            raise yaml.YAMLError("an alias (*name) refers to a value that contains it, so it never ends")
        open_.add(key)
        stack.append((node, True))
        stack += [(c, False) for c in children if id(c) not in size]
    if size[id(root)] - len(size) > MAX_ALIASED:
        raise yaml.YAMLError(f"its aliases (*name) would repeat values {size[id(root)] - len(size):,} times, over "
                             f"{MAX_ALIASED:,}; write the values out instead")


def format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def read_document(path: Path | str) -> Document:
    path = Path(path)
    return Document(path, read_text(path, "a YAML or JSON file"))


def read_bytes(path: Path, size: int = -1) -> bytes:
    """A file's bytes (its first `size` bytes, when given), or an InputError that says the file is
    missing or a folder."""
    try:
        with path.open("rb") as file:
            return file.read(size)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (IsADirectoryError, PermissionError) as e:
        if path.is_dir():
            raise InputError(f"{path}: is a folder, not a file") from None
        raise InputError(f"{path}: cannot be read ({e.strerror})") from None


def read_text(path: Path, expected: str) -> str:
    """A UTF-8 text file (with or without a BOM), or an InputError that says what it is instead."""
    data = read_bytes(path)
    refuse_binary(path, data, expected)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not UTF-8 text (byte {e.start}); save the file as UTF-8") from None


# What a file that is not text is, by its first bytes: (magic, what it is, what to do instead).
_BINARY = (
    (b"PK\x03\x04", "an Excel workbook or another zip archive", "save the sheet as CSV UTF-8 (File > Save As)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Office file", "save the sheet as CSV UTF-8 (File > Save As)"),
    (b"%PDF", "a PDF", "export the data itself"),
    (b"\xff\xfe", "UTF-16 text", "save it as UTF-8"),
    (b"\xfe\xff", "UTF-16 text", "save it as UTF-8"),
)


def refuse_binary(path: Path, data: bytes, expected: str) -> None:
    """Refuse a file that is not text, saying what it is (an Excel workbook given as CSV...)."""
    for magic, what, fix in _BINARY:
        if data.startswith(magic):
            if magic == b"PK\x03\x04" and b"xl/" in data[:65536]:
                what = "an Excel workbook (.xlsx)"
            raise InputError(f"{path}: this is {what}, not {expected}; {fix}")
    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: this is binary data, not {expected}")
