# Every target brings the local virtual environment up to date by itself:
# a fresh machine needs only Python 3.11, git and make.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
QH      := $(BIN)/qianghui

.PHONY: all validate render list schema test lint bench watch clean

all: $(STAMP)  ## the main job: validate, derive status, render the demo round, print a summary
	$(QH) run

validate: $(STAMP)
	$(QH) validate

render: $(STAMP)
	$(QH) render

list: $(STAMP)
	$(QH) list

schema: $(STAMP)
	$(QH) schema

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline schemas tests
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

watch: $(STAMP)
	$(QH) watch

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q pipeline schemas   # as pip does for an installed package
	touch $(STAMP)

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
