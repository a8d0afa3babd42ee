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
    Infinity, which are not JSON: a figure that is not a number is null."""
    return json.dumps(_finite(data), indent=2, ensure_ascii=False, default=str, allow_nan=False) + "\n"


def _finite(data: Any) -> Any:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    return data


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
