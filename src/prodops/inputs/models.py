"""Model files: the bundled default or a person's own (YAML or JSON), read and checked into the
core's `MaturityModel`; every problem named by file, line and path."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from prodops.core.errors import Fix, InputError, Problem
from prodops.core.model import MaturityModel, consistency_problems
from prodops.inputs import DEFAULT_MODEL_PATH
from prodops.inputs.files import Document, read_document


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


def _message(err: ErrorDetails) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field (check its spelling against the model's schema)"
    if err["type"] == "missing":
        return "required field is missing"
    return f"{err['msg']} (found {err.get('input')!r})"


def _report(doc: Document, problems: list[tuple[tuple[Any, ...], str]]) -> InputError:
    head = (f"{doc.path}: the model is not valid ({len(problems)} problem{'s' if len(problems) > 1 else ''}); "
            "fix the file and check it again:")
    found = [Problem(f"{doc.where(tuple(loc))}: {msg}", file=str(doc.path), **doc.place(tuple(loc)))
             for loc, msg in problems[:20]]
    return InputError(head, found, fix=Fix("model-validate"), more=max(0, len(problems) - 20))
