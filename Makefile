# kit: `make lab` to explore, `make test` to check everything. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# extra JupyterLab options: make lab LAB_ARGS="--port 8899 --no-browser"
LAB_ARGS ?=
# JupyterLab's defaults in this venv (a user's own settings still win): no "notified about official Jupyter
# news?" toast over every notebook's right edge, no update check
LAB_DEFAULTS := $(VENV)/share/jupyter/lab/settings
NO_NEWS := '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}'

# pytest on every core (pytest-xdist); a test file runs whole in one worker, so its module's fixtures and the
# notebooks' one shared run (tests/executions.py) are made once. PARALLEL= runs it in one process.
PARALLEL ?= -n auto --dist loadfile

# the real implementations the conformance tests run (LoopBack 3, oidc-provider, jose), pinned by a lock file
CONFORMANCE := tests/conformance
NODE_STAMP  := $(CONFORMANCE)/node_modules/.installed-stamp

.PHONY: lab test quick floors notebooks bench sandbox install clean conformance-servers

# uv installs from PyPI like pip, in parallel: a fresh clone serves JupyterLab in seconds, not a minute
# (bench/lab_bench.py measures both); each step says what it does, so the wait is never silent
$(STAMP): pyproject.toml
	@echo "kit [1/3] the virtual environment $(VENV) ..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "kit [2/3] uv, the installer (from PyPI) ..."
	@$(BIN)/python -m pip install --quiet uv
	@echo "kit [3/3] kit and its dependencies, with the tools make test uses ..."
	@$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	@mkdir -p $(LAB_DEFAULTS) && printf '%s\n' $(NO_NEWS) > $(LAB_DEFAULTS)/overrides.json
	@touch $(STAMP)
	@echo "kit: installed"

install: $(STAMP)

# Node 20+ with npm: install them (npm ci, from the lock file); without Node the conformance tests say why they skip
$(NODE_STAMP): $(CONFORMANCE)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  echo "installing the conformance servers (npm ci in $(CONFORMANCE)) ..."; \
	  npm ci --prefix $(CONFORMANCE) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the conformance tests against LoopBack 3 and oidc-provider will be skipped"; fi

conformance-servers: $(NODE_STAMP)

lab: $(STAMP)
	@echo "kit: starting JupyterLab on the notebooks (Ctrl-C stops it) ..."
	$(BIN)/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

test: $(STAMP) conformance-servers
	$(BIN)/ruff check kit tests bench
	$(BIN)/mypy kit tests bench
	$(BIN)/python -m pytest $(PARALLEL)

# the fast tier, while working: lint, types, and every test that needs no browser, no Node, no kernel and no
# load of several processes (the marks are given in tests/conftest.py); `make test` runs them all
QUICK := not browser and not notebook and not conformance and not slow
quick: $(STAMP)
	$(BIN)/ruff check kit tests bench
	$(BIN)/mypy kit tests bench
	$(BIN)/python -m pytest tests -m "$(QUICK)" $(PARALLEL)

# the declared floors: the runtime dependencies at the lowest versions pyproject.toml allows (>= read as ==),
# in a venv of their own, running the fast tier; .ci/run runs it after make test
FLOORS := .venv-floors
floors: $(STAMP)
	@echo "kit: the lowest versions its runtime dependencies allow, in $(FLOORS) ..."
	@test -x $(FLOORS)/bin/python || $(BIN)/uv venv --quiet --python $(BIN)/python $(FLOORS)
	@$(BIN)/python .ci/floors.py pyproject.toml > $(FLOORS)/floors.txt
	@cat $(FLOORS)/floors.txt
	@$(BIN)/uv pip install --quiet --python $(FLOORS)/bin/python -e '.[dev]' --override $(FLOORS)/floors.txt
	$(FLOORS)/bin/python -m pytest tests -m "$(QUICK)" $(PARALLEL)

notebooks: $(STAMP)
	$(BIN)/python -m kit.notebooks notebooks/[0-9]*.ipynb

sandbox: $(STAMP)
	$(BIN)/kit sandbox serve all --port 8701

bench: $(STAMP)
	@$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev,bench]'
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info $(CONFORMANCE)/node_modules
