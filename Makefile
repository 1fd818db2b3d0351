# Masthead: `make demo` to try it, `make test` to prove it. See README.md.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: demo demo-reset serve test test-sqlite test-postgres lint format lock clean

# The environment: runtime dependencies for the demo, development tools for tests and lint.
# The lock files are complete (every dependency pinned with its hashes), so pip installs them
# --no-deps: it never resolves again, and a newer release on the index cannot break the install.
# pip check then proves the pinned set is consistent.
$(BIN)/masthead: requirements/base.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Masthead needs Python >= 3.11") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/base.lock
	$(BIN)/pip check --disable-pip-version-check
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

$(VENV)/.dev: $(BIN)/masthead requirements/dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements/dev.lock
	$(BIN)/pip check --disable-pip-version-check
	@touch $@

demo: $(BIN)/masthead
	PORT=$(PORT) $(BIN)/masthead demo

# Forgets the demo: its SQLite database, uploaded and fetched images and cached pages (in var/,
# or MASTHEAD_VAR). The next `make demo` loads fresh demo content.
demo-reset:
	rm -rf "$${MASTHEAD_VAR:-var}"/masthead.sqlite3* "$${MASTHEAD_VAR:-var}"/media "$${MASTHEAD_VAR:-var}"/cache

serve: $(BIN)/masthead
	PORT=$(PORT) $(BIN)/masthead serve

# The whole suite on SQLite, then on PostgreSQL; browser and HTML-checker tests included.
test: $(VENV)/.dev
	scripts/test

test-sqlite: $(VENV)/.dev
	scripts/test sqlite

test-postgres: $(VENV)/.dev
	scripts/test postgres

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy masthead
	$(BIN)/lint-imports

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin every dependency (needs network access to PyPI).
lock: $(VENV)/.dev
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -o requirements/base.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes -o requirements/dev.lock

clean:
	rm -rf $(VENV) var/test-*.sqlite3 var/test-media artifacts
