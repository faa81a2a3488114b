# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run demo test lint bench bench-quality models clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

models/text_model.joblib: $(STAMP) matcher/train.py matcher/features.py matcher/vocab.py
	$(PY) -m matcher.train

models: models/text_model.joblib

setup: $(STAMP) models

demo: setup
	$(VENV)/bin/matcher demo

run: demo

test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy matcher

bench: setup
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
