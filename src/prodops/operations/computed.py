"""What pages and reports compute from a workspace, computed once per change of it: kept in the
workspace (store.computed) under its state version, shared by every worker and instance, and used
while no write that can change it has happened since."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from prodops.core.errors import InputError

if TYPE_CHECKING:
    from prodops.store import Workspace


FORMAT = 3  # of what is kept: one more when a kept result's form changes, so an upgrade computes it anew


def kept(ws: Workspace, key: str, make: Callable[[], bytes]) -> bytes:
    """What `make` computes from the workspace, as kept under `key` at the workspace's state
    version now, or made and kept. The version is read before anything is computed, so a result
    is never kept under a version newer than its inputs. The key holds prodops' version and the
    kept form's (`FORMAT`): another release never reads what this one kept."""
    key = _versioned(key)
    version = ws.computed.version()
    found = ws.computed.get(key, version)
    if found is not None:
        return found
    value = make()
    with contextlib.suppress(InputError):  # a workspace that cannot be written (read-only): computed all the same
        ws.computed.put(key, version, value)
    return value


def found(ws: Workspace, key: str) -> bytes | None:
    """What `kept` keeps under `key` at the workspace's state version now, computing nothing."""
    return ws.computed.get(_versioned(key), ws.computed.version())


def quick(db: str | None, key: str) -> bytes | None:
    """What `kept` keeps under `key`, read without opening the workspace (store.quick): None unless
    the workspace `db` is a SQLite file that holds it at its state version now."""
    from prodops.store.quick import kept as kept_now

    return kept_now(db, _versioned(key))


def _versioned(key: str) -> str:
    from prodops import __version__

    return f"{__version__}|{FORMAT}|{key}"
