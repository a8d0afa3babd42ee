"""The report as its JSON document: the report model as it is, the form every other format is drawn
from (its JSON Schema: schema.json)."""

from __future__ import annotations

from prodops.renderers import Drawing


def render(report: dict, drawing: Drawing, name: str) -> dict[str, bytes]:
    return {name: drawing.document.encode("utf-8")}
