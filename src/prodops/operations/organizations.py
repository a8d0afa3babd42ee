"""The organisations a workspace holds. Each has its own data, settings, events, brand, units,
assessments and campaigns: nothing of one is ever read for another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from prodops.core.errors import Fix, InputError
from prodops.core.safe_text import checked_text

if TYPE_CHECKING:
    from prodops.store import Workspace


def organization_for(ws: Workspace, given: str | None, new: bool = False) -> str:
    """The organisation an operation acts for, as the workspace spells it: `given` (any case), else
    the only one the workspace holds; required when it holds none or several. With `new`, a name
    the workspace does not hold yet is taken as given (the first data, setting or unit of it)."""
    held = ws.held()
    name = checked_text(given, "the organisation's name", fix=Fix("organization"))
    if name is not None:
        known = next((o for o in held if o.casefold() == name.casefold()), None)
        if known is not None or new:
            return known or name
        raise InputError(f"no organisation {name!r} in the workspace; it holds: {', '.join(held) or 'none yet'}",
                         fix=Fix("organization"))
    if len(held) == 1:
        return held[0]
    if held:
        raise InputError(f"the workspace holds several organisations ({', '.join(held)}); name the one meant",
                         fix=Fix("organization"))
    raise InputError("the workspace holds no organisation yet; name the one this is for", fix=Fix("organization"))
