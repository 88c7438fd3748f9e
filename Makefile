# CAN Bot. `make run` runs the bot; `make test` runs every check. Both set themselves up.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup lock run chat test lint typecheck unit quick bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP) ## create the virtual environment and install everything

lock: ## re-resolve requirements.lock to the newest versions pyproject.toml allows
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	head -3 requirements.lock > requirements.lock.new
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -vi '^canbot' >> requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf .venv-lock
	@echo "requirements.lock updated: run make test, then commit it"

run: $(STAMP) ## run the bot (console demo when no Telegram/Twilio settings are present)
	$(PY) -m bot run

chat: $(STAMP) ## talk to the bot in the terminal as the demo admin
	$(PY) -m bot chat

lint: $(STAMP) ## ruff: lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP) ## mypy --strict on bot, storage, scheduler.py and tests
	$(VENV)/bin/mypy

quick: $(STAMP) ## the fast tier: every flow's tables and the unit tests, no database
	$(PY) -m pytest -q tests/quick tests/unit

unit: $(STAMP) ## the test suite only (SQLite and PostgreSQL)
	bash scripts/with-postgres.sh $(PY) -m pytest -q

test: $(STAMP) lint typecheck ## every check: lint, types, tests on SQLite and PostgreSQL
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-libreoffice.sh
	bash scripts/with-postgres.sh $(PY) -m pytest -q

bench: $(STAMP) ## benchmarks, each figure beside its floor
	bash scripts/ensure-wrk.sh
	bash scripts/with-postgres.sh $(PY) -m bench

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) .venv-lock data .pytest_cache .mypy_cache .ruff_cache
