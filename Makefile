# Every target brings the local virtual environment up to date by itself:
# a fresh machine needs only Python 3.11, git and make.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
READY   := $(VENV)/.compiled
QH      := $(BIN)/qianghui

.PHONY: all validate render pdf site list schema test lint bench watch clean

all: $(READY)  ## the main job: validate, derive status, render the demo round, print a summary
	$(QH) run

validate: $(READY)
	$(QH) validate

render: $(READY)
	$(QH) render

pdf: $(READY)  ## a PDF beside every document (installs LibreOffice and CJK fonts when missing)
	command -v soffice >/dev/null || .ci/install-libreoffice
	$(QH) render --pdf

site: $(READY)  ## build/site/: the round as a web page (open build/site/index.html)
	$(QH) site

list: $(READY)
	$(QH) list

schema: $(READY)
	$(QH) schema

test: $(READY)
	$(BIN)/python -m pytest

lint: $(READY)
	$(BIN)/ruff check pipeline schemas tests
	$(BIN)/mypy

bench: $(READY)
	$(BIN)/python -m bench

watch: $(READY)
	$(QH) watch

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The engine byte-compiled, as pip compiles an installed package, again whenever it changes:
# where Python may not write bytecode, each command would compile it from source.
$(READY): $(STAMP) $(wildcard pipeline/*.py pipeline/*/*.py schemas/*.py)
	$(BIN)/python -m compileall -q pipeline schemas
	touch $(READY)

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
