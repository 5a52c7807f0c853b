# Tollgate: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
CATALOGUE := app/translations/zh_Hans/LC_MESSAGES/messages
PYBABEL_EXTRACT := -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output

.PHONY: run test bench translations compile-translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

$(CATALOGUE).mo: $(CATALOGUE).po | $(VENV)/.runtime
	$(BIN)/pybabel compile --statistics -d app/translations

compile-translations: $(CATALOGUE).mo

run: $(VENV)/.runtime $(CATALOGUE).mo
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo
	@echo "Tollgate is at http://$(HOST):$(PORT)/  (sign in with a demo login above; Ctrl+C stops it)"
	@echo
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev $(CATALOGUE).mo
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(VENV)/.dev $(CATALOGUE).mo
	$(BIN)/python -m bench

# After adding or changing UI text: refresh the catalogue, then translate every empty msgstr.
translations: $(VENV)/.dev
	$(BIN)/pybabel extract $(PYBABEL_EXTRACT) -o app/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --width 100 \
		-i app/translations/messages.pot -d app/translations
	$(BIN)/pybabel compile --statistics -d app/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
