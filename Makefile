# `make demo` and `make test` set everything up in .venv on first use (Python 3.11+ and make are enough).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo serve test test-fast check bench clean

setup: $(VENV)/.installed

# requirements.lock pins the versions the tests and the byte-identical outputs were checked with
# (pyproject.toml keeps the ranges a user's install may take); after changing a range:
#   pip-compile --all-extras --strip-extras --no-emit-index-url --no-emit-find-links \
#     --unsafe-package prodops-maturity -o requirements.lock pyproject.toml
# (the project names itself in its extras: without --unsafe-package the lock would pin this
# checkout by its path, and a fresh clone elsewhere could not install)
$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit("prodops needs Python 3.11 or newer; set PYTHON=python3.11" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

demo: setup
	$(BIN)/prodops demo --out prodops-demo

serve: setup
	$(BIN)/prodops serve --demo

# Every test, on every core (pytest-xdist); each worker starts its own PostgreSQL and browser.
test: setup
	$(BIN)/python -m pytest -n auto

# The quick loop while editing: no PostgreSQL, no browser, nothing slow (under a minute).
test-fast: setup
	$(BIN)/python -m pytest -n auto -m "not postgres and not browser and not slow"

# Lint and types (ruff, mypy; configured in pyproject.toml): 0 findings is the bar.
check: setup
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/mypy

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) prodops-demo .pytest_cache .hypothesis
