"""The maturity model as data: its schema (ids, levels, dimensions, criteria, investments, the answer
scale), its JSON Schema and its export as YAML or JSON. Loading a model file, the bundled default
included, is the inputs' (prodops.inputs.models)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from prodops.core.model.schema import (
    Criterion,
    DataBinding,
    Dimension,
    Investment,
    Level,
    MaturityModel,
    Role,
    consistency_problems,
)

__all__ = [
    "Criterion",
    "DataBinding",
    "Dimension",
    "Investment",
    "Level",
    "MaturityModel",
    "Role",
    "consistency_problems",
    "export",
    "fingerprint",
    "json_schema",
]


def fingerprint(model: MaturityModel) -> str:
    """The model's content as one hash: two models with the same fingerprint say the same thing
    (the Knowledge Challenge's curated answers are for one fingerprint)."""
    import hashlib

    known = _FINGERPRINTS.get(id(model))
    if known is not None and known[0] is model:  # a model is not changed once read: every kept report asks
        return known[1]
    found = hashlib.sha256(json.dumps(model.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()
    if len(_FINGERPRINTS) >= 16:
        _FINGERPRINTS.pop(next(iter(_FINGERPRINTS)))
    _FINGERPRINTS[id(model)] = (model, found)  # the model held, so that its id is not another's
    return found


_FINGERPRINTS: dict[int, tuple[MaturityModel, str]] = {}


def json_schema() -> dict[str, Any]:
    schema = MaturityModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "prodops maturity model"
    return schema


def export(model: MaturityModel, fmt: str) -> str:
    data = model.model_dump(mode="json", exclude_none=True)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
