# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run serve demo test lint browser bench bench-quality models clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

# The corpus is the seeded demo openings plus the vocabularies: retrain when either changes.
models/text_model.joblib: $(STAMP) matcher/train.py matcher/features/text.py matcher/vocab.py \
		$(wildcard matcher/demo/*.py data/*.csv data/*.json)
	$(PY) -m matcher.train

models: models/text_model.joblib

setup: $(STAMP) models

demo: setup
	$(VENV)/bin/matcher demo

# The HTTP service in demo mode: migrate var/placement.db (or DATABASE_URL), load the demo
# caseload and demo users (random passwords, printed once) if the database is empty, serve on
# 127.0.0.1:8000. A database with other users or data is refused, not given demo logins.
run: setup
	$(PY) -m api.cli demo
	$(PY) -m api.cli serve --demo --host 127.0.0.1 --port 8000

# Serve var/placement.db again without reloading it (the demo database, so in demo mode).
serve: setup
	$(PY) -m api.cli serve --demo --host 127.0.0.1 --port 8000

# The whole suite behind the lint gates: style, formatting, types, import boundaries, docs links.
test: lint browser
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict matcher api
	$(VENV)/bin/lint-imports
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet --site-dir $(VENV)/site-check

# Debian's Chromium for the browser tests (Playwright drives it; its own browser download cannot
# work here). Installed when missing and running as root (CI is); otherwise those tests skip.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "chromium is missing and this is not root: the browser tests will skip"; fi; }

# The documentation site (MkDocs + Material) from docs/ into site/; a broken link fails the build.
.PHONY: docs
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

# Screenshots of the pages for the docs (docs/img/), taken in Debian's Chromium from the demo.
.PHONY: screenshots
screenshots: setup browser
	$(PY) -m tests.browser.screenshots

# Engine latency and batch throughput (issue 2), then the nightly re-match at 10k and 100k (issue 4).
bench: setup
	$(PY) -m bench.run
	$(PY) -m bench.rematch
	$(PY) -m bench.options

# Shortlists, edits and the load test over HTTP against a real uvicorn process, on SQLite and
# PostgreSQL at 10k and 100k openings (issue 9); e.g. BENCH_HTTP_ARGS="--sizes 10000 --budget-seconds 60".
BENCH_HTTP_ARGS ?=
.PHONY: bench-http
bench-http: setup
	$(PY) -m bench.http $(BENCH_HTTP_ARGS)

# The shortlist page through HTTP (login cookie, page rendered) at 10k openings, cache warm (issue 11).
.PHONY: bench-pages
bench-pages: setup
	$(PY) -m bench.pages

# Training and time-split evaluation of the retention model on 100k simulated placements (issue 15).
.PHONY: bench-retention
bench-retention: setup
	$(PY) -m bench.retention
# The outcome report page for a 1,000-client program through HTTP (admin's login cookie), SQLite and
# PostgreSQL, target p95 <= 500 ms; the charts and the fairness page timed beside it (issue 15).
.PHONY: bench-outcomes
bench-outcomes: setup
	$(PY) -m bench.outcome_pages --databases sqlite,postgresql

# Title resolution and ESCO recall on the real data in ../shared/data (issue 5).
bench-quality: setup
	$(PY) -m bench.quality
	$(PY) -m bench.related

# Interests that find their jobs (issue 13): the labelled interest/posting pairs and the demo world.
.PHONY: bench-interests
bench-interests: setup
	$(PY) -m bench.interests
# Career exploration: title resolution and related occupations, warm, in-process and over HTTP (issue 14).
.PHONY: bench-explore
bench-explore: setup
	$(PY) -m bench.explore

# Job-board imports of the real LinkedIn files in ../shared/data (issue 12), then the CSV import
# of 100k generated openings through the HTTP endpoint, SQLite and PostgreSQL (issue 9).
.PHONY: bench-import
bench-import: setup
	$(PY) -m bench.board_imports
	$(PY) -m bench.imports --rows 100000

# GTFS transit (issue 14): precompute time and memory of each sample feed in ../shared/data, and
# shortlist latency with the NYC subway timetable against the straight-line estimate at 10k and 100k.
.PHONY: bench-transit
bench-transit: setup
	$(PY) -m bench.transit

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# A backup of the service's database (DATABASE_URL, else var/placement.db) into var/backups/:
# pg_dump's custom format or SQLite's online backup (docs/deploy.md#backup-and-restore).
.PHONY: backup
backup:
	mkdir -p var/backups
	PYTHON=$(PY) deploy/backup.sh var/backups/placement-$$(date -u +%Y%m%dT%H%M%SZ).backup
