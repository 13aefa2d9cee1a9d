# kit: `make lab` to explore, `make test` to check everything. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# extra JupyterLab options: make lab LAB_ARGS="--port 8899 --no-browser"
LAB_ARGS ?=

# the real implementations the conformance tests run (LoopBack 3, oidc-provider, jose), pinned by a lock file
CONFORMANCE := tests/conformance
NODE_STAMP  := $(CONFORMANCE)/node_modules/.installed-stamp

.PHONY: lab test notebooks bench sandbox install clean conformance-servers

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Node 20+ with npm: install them (npm ci, from the lock file); without Node the conformance tests say why they skip
$(NODE_STAMP): $(CONFORMANCE)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  echo "installing the conformance servers (npm ci in $(CONFORMANCE)) ..."; \
	  npm ci --prefix $(CONFORMANCE) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the conformance tests against LoopBack 3 and oidc-provider will be skipped"; fi

conformance-servers: $(NODE_STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

test: $(STAMP) conformance-servers
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
	rm -rf $(VENV) build *.egg-info $(CONFORMANCE)/node_modules
