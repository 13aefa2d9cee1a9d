# kit: `make lab` to explore, `make test` to check everything. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# extra JupyterLab options: make lab LAB_ARGS="--port 8899 --no-browser"
LAB_ARGS ?=

.PHONY: lab test notebooks bench sandbox install clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/ruff check kit tests bench
	$(BIN)/mypy kit
	$(BIN)/python -m pytest

notebooks: $(STAMP)
	$(BIN)/python -m kit.notebooks notebooks/[0-9]*.ipynb

sandbox: $(STAMP)
	$(BIN)/python -m kit.sandbox serve all --port 8701

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
