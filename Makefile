# Writer's two everyday commands (see README):
#   make run    set up a virtual environment and open the app on its shipped defaults
#   make test   set up (with the test and training extras) and run the whole test suite
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[test,train]"
	touch $@ $(VENV)/.app

run: $(VENV)/.app
	$(BIN)/writer

test: $(VENV)/.test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(VENV)/.test
	$(BIN)/ruff check .

clean-venv:
	rm -rf $(VENV)
