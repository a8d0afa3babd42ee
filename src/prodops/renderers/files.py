"""Writing what prodops makes: every file all or nothing and never through a file that is not
ours, JSON in one form, Office files (zips) with the same bytes whenever they are written."""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from pathlib import Path
from typing import Any

from prodops.core.errors import Fix, InputError


def dump_json(data: Any) -> str:
    """The one JSON form of every output: indented, UTF-8 as is, dates as ISO strings. Never NaN or
    Infinity, which are not JSON: a figure that is not a number is null.

    The bytes of `json.dumps(data, indent=2, ensure_ascii=False, default=str)` with every
    non-finite float as null (a test holds the two equal), written here because the standard
    library encodes indented JSON in pure Python: 25,000 sprints' records took 0.7 s. Lists of
    records alike (the same keys, plain values) are encoded a column at a time."""
    out: list[str] = []
    _encode(data, "\n", out)
    out.append("\n")
    return "".join(out)


_PLAIN = {str, int, float, bool, type(None)}  # exactly these types; subclasses take the general path
_encode_str = json.encoder.encode_basestring  # the C one, as json.dumps uses
_encode_plain = json.JSONEncoder(allow_nan=True).encode  # one line, in C
_NOT_FINITE = {"NaN", "Infinity", "-Infinity"}


def _scalar(value: Any) -> str | None:
    """A value that is no container as json.dumps writes it (None when it is a container)."""
    if isinstance(value, str):
        return _encode_str(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value) if math.isfinite(value) else "null"
    if isinstance(value, (list, tuple, dict)):
        return None
    return _encode_str(str(value))  # default=str: a date as its ISO string


def _key(key: Any) -> str:
    if isinstance(key, str):
        return _encode_str(key)
    if isinstance(key, float):  # json.dumps writes a non-finite key as NaN or Infinity even so
        return _encode_str(json.dumps(key, allow_nan=False))  # a non-finite key is refused, as json.dumps refuses it
    if key is True or key is False or key is None:
        return _encode_str(json.dumps(key))
    if isinstance(key, int):
        return _encode_str(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _encode(value: Any, newline: str, out: list[str]) -> None:
    """`value` as indented JSON onto `out`; `newline` is a line break and the indent of `value`'s line."""
    text = _scalar(value)
    if text is not None:
        out.append(text)
        return
    inner = newline + "  "
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{")
        first = True
        for k, v in value.items():
            out.append(inner if first else "," + inner)
            first = False
            out.append(_key(k) + ": ")
            _encode(v, inner, out)
        out.append(newline + "}")
        return
    if not value:
        out.append("[]")
        return
    out.append("[")
    if not _records(value, inner, out):
        first = True
        for v in value:
            out.append(inner if first else "," + inner)
            first = False
            _encode(v, inner, out)
    out.append(newline + "]")


def _records(items: list | tuple, newline: str, out: list[str]) -> bool:
    """A list of dicts with the same string keys in the same order and plain values, encoded a
    column at a time onto `out` (each item on `newline`); False (and nothing written) otherwise."""
    head = items[0]
    if head.__class__ is not dict or not head or len(items) < 2:
        return False
    keys = tuple(head)
    if any(k.__class__ is not str for k in keys):
        return False
    if set(map(type, items)) != {dict} or not all(map(keys.__eq__, map(tuple, items))):
        return False
    columns = []
    for values in zip(*map(dict.values, items)):
        kinds = set(map(type, values))
        if not kinds <= _PLAIN:
            return False
        if str not in kinds:  # numbers, booleans and nulls: their tokens hold no ", " to split on
            text = _encode_plain(values)
            tokens = text[1:-1].split(", ")
            if float in kinds and ("NaN" in text or "Infinity" in text):
                tokens = ["null" if t in _NOT_FINITE else t for t in tokens]
            columns.append(tokens)
        elif kinds == {str}:
            columns.append(list(map(_encode_str, values)))
        else:
            columns.append([_scalar(v) or "" for v in values])  # plain values: never a container
    inner = newline + "  "
    # one record: its keys as written, each value a %s (a % in a key is doubled to stay itself)
    record = "{" + ",".join(inner + _encode_str(k).replace("%", "%%") + ": %s" for k in keys) + newline + "}"
    out.append(newline)
    out.append(("," + newline).join(map(record.__mod__, zip(*columns))))
    return True


def write_files(outputs: dict[Path, bytes], force: bool = False, ours: Collection[Path] = frozenset()) -> None:
    """Write every file, all or none, never through a file that is not ours: one that exists is
    replaced only with `force` (or when it is in `ours`); each is written to a new temporary file
    of its own beside it (created exclusively, never opened through a link) and renamed over it
    only when every file is ready."""
    import os
    import tempfile

    for path in outputs:
        if (path.exists() or path.is_symlink()) and not force and path not in ours:
            raise InputError(f"{path} exists; nothing was written", fix=Fix("force"))
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in outputs.items():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                raise InputError(f"cannot make the folder {path.parent}: a file of that name is in the way") from None
            try:
                handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
                staged.append((Path(tmp_name), path))
                with os.fdopen(handle, "wb") as f:
                    f.write(data)
                os.chmod(tmp_name, 0o644)  # mkstemp makes it private; what prodops writes is for others to read
            except OSError as e:
                raise InputError(f"cannot write {path}: {e.strerror or e}; check that the folder is writable") from None
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def stable_zip(data: bytes) -> bytes:
    """An Office file (a zip) again with fixed entry times, attributes and compression, in the same
    order: the same document gives the same bytes, whenever it is written."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            dst.writestr(info, src.read(item.filename), compresslevel=6)
    return out.getvalue()
