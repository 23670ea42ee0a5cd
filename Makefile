# Cityverse — the two commands: `make run` (install, build, migrate, load the city, serve)
# and `make test` (install what tests need, lint, type-check, test on SQLite and PostgreSQL).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WEB_STAMP := src/cityverse/static/index.html
CONTRACTS_STAMP := src/cityverse/modules/assets/evm/build/CityverseCollectible.json
CONTRACTS_SOURCES := $(wildcard contracts/*.sol) contracts/build.mjs contracts/package.json \
	contracts/package-lock.json
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/package.json web/package-lock.json \
	web/vite.config.ts web/index.html

.PHONY: run test install web contracts system-deps lint typecheck test-sqlite test-postgres test-browser bench clean

run: install web contracts
	$(BIN)/cityverse migrate
	$(BIN)/cityverse demo
	@echo ""
	@echo "Cityverse (Kunshan demo) → http://127.0.0.1:$${CITYVERSE_PORT:-8000}"
	@echo "Demo accounts:"
	@$(BIN)/cityverse demo-accounts
	@echo ""
	$(BIN)/cityverse serve

test: system-deps install web contracts lint typecheck test-sqlite test-postgres

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

web: $(WEB_STAMP)

$(WEB_STAMP): $(WEB_SOURCES)
	@command -v npm >/dev/null || { echo "npm (Node 20) is needed to build the web UI"; exit 1; }
	@# `npm install --no-save` follows the lock file without rewriting it; `npm ci` refuses
	@# locks that lack other platforms' optional packages (npm/cli#4828).
	cd web && npm install --no-save --no-audit --no-fund --loglevel=error && npm run build
	@test -f $@ && touch $@

# The EVM mirror's contract, compiled offline by solc-js into the Python package (git-ignored).
contracts: $(CONTRACTS_STAMP)

$(CONTRACTS_STAMP): $(CONTRACTS_SOURCES)
	@command -v npm >/dev/null || { echo "npm (Node 20) is needed to compile the contracts"; exit 1; }
	cd contracts && npm install --no-save --no-audit --no-fund --loglevel=error && node build.mjs
	@test -f $@ && touch $@

system-deps:
	bash scripts/system-deps.sh

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

test-sqlite: install web contracts
	bash scripts/pytest.sh tests

# The API suite again, against a real PostgreSQL server the harness starts itself.
test-postgres: install contracts
	CITYVERSE_TEST_DATABASE=postgres bash scripts/pytest.sh tests/core tests/modules tests/cities -m "not browser"

test-browser: install web
	bash scripts/pytest.sh tests/e2e

bench: install
	@for script in bench/*.py; do $(BIN)/python $$script; done

clean:
	rm -rf $(VENV) web/node_modules src/cityverse/static var test-results \
		contracts/node_modules src/cityverse/modules/assets/evm/build
