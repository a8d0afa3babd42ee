"""Inputs: what people give, read and checked into the core's data. Answers files, model files,
value data in every source format (CSV tables, Jira payloads, survey exports, the TSE 2017 dataset);
every problem named by file, row or line, column and what to do."""

from pathlib import Path

# The bundled maturity model (here, not in inputs.models: naming it must not load pydantic)
DEFAULT_MODEL_PATH = Path(__file__).parent.parent / "core" / "model" / "default.yaml"
