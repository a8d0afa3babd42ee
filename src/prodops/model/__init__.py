"""The maturity model as data: load, validate, export."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from prodops.errors import Fix, InputError, Problem
from prodops.files import Document, read_document
from prodops.model.schema import (
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
    "Criterion", "DataBinding", "Dimension", "Investment", "Level", "MaturityModel", "Role",
    "DEFAULT_MODEL_PATH", "load_model", "json_schema", "export",
]

DEFAULT_MODEL_PATH = Path(str(files("prodops.model") / "default.yaml"))


def load_model(path: Path | str | None = None) -> MaturityModel:
    """The model in `path`, or the bundled default. Raises InputError naming file, line and path."""
    if path is None:
        return _default_model()
    return _validated(read_document(path))


@lru_cache(maxsize=1)
def _default_model() -> MaturityModel:
    return _validated(read_document(DEFAULT_MODEL_PATH))


def _validated(doc: Document) -> MaturityModel:
    if not isinstance(doc.data, dict):
        raise InputError(f"{doc.where()}: a model must be a mapping with id, version, levels, dimensions, criteria...")
    try:
        model = MaturityModel.model_validate(doc.data)
    except ValidationError as e:
        raise _report(doc, [(err["loc"], _message(err)) for err in e.errors()]) from None
    problems = consistency_problems(model)
    if problems:
        raise _report(doc, problems)
    return model


def _message(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field (check its spelling against the model's schema)"
    if err["type"] == "missing":
        return "required field is missing"
    return f"{err['msg']} (found {err.get('input')!r})"


def _report(doc: Document, problems: list[tuple[tuple[Any, ...], str]]) -> InputError:
    head = f"{doc.path}: the model is not valid ({len(problems)} problem{'s' if len(problems) > 1 else ''}); fix the file and check it again:"
    found = [Problem(f"{doc.where(tuple(loc))}: {msg}", file=str(doc.path), **doc.place(tuple(loc))) for loc, msg in problems[:20]]
    return InputError(head, found, fix=Fix("model-validate"), more=max(0, len(problems) - 20))


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
