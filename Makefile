# Writer's two everyday commands (see README):
#   make run    set up a virtual environment and open the app on its shipped defaults
#   make test   set up (with the test and training extras) and run the whole test suite
# the first Python >= 3.11 on PATH (override: make PYTHON=/path/to/python3.12 test)
PYTHON ?= $(firstword $(foreach p,python3.14 python3.13 python3.12 python3.11 python3 python,\
            $(if $(shell command -v $(p) >/dev/null 2>&1 && $(p) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            2>/dev/null && echo ok),$(p))))
# pip options for the [train] extra's torch, e.g. PyTorch's CPU-only wheel index (README, "Contributing")
TORCH_PIP ?=
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint clean-venv

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Writer needs Python 3.11 or newer on PATH (or make PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(if $(TORCH_PIP),$(BIN)/pip install -q $(TORCH_PIP) torch==2.13.0)
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
