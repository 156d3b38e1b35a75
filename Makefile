# The two commands of the README: `make up` runs Newsflow locally with the seeds loaded,
# `make test` runs the test suite. Both set up everything a fresh machine lacks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: up test test-rq-lowest lint bench bench-query load redis-server postgresql chromium desk screenshots clean

up: $(VENV)/.installed postgresql
	$(BIN)/newsflow up

# The style gate runs first: code that is not ruff- and mypy-clean does not land.
test: lint redis-server postgresql chromium
	$(BIN)/pytest

# The lowest RQ that pyproject.toml allows (`rq>=X,<3`), in a venv of its own; `make test` runs
# the highest, as pip resolves it.
RQ_LOWEST := $(shell sed -n 's/.*"rq>=\([0-9.]*\),.*/\1/p' pyproject.toml)
LOWEST_VENV := .venv-rq-lowest

test-rq-lowest: redis-server postgresql chromium
	$(PYTHON) -m venv $(LOWEST_VENV)
	$(LOWEST_VENV)/bin/pip install --quiet --upgrade pip
	$(LOWEST_VENV)/bin/pip install --quiet -e ".[test]" "rq==$(RQ_LOWEST)"
	$(LOWEST_VENV)/bin/python -c "import rq; print('rq', rq.__version__)"
	$(LOWEST_VENV)/bin/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy newsflow ingest_service api_service analysis_worker bench

bench: $(VENV)/.installed redis-server postgresql
	$(BIN)/python -m bench.pipeline

# Loads 100,000 articles into a private PostgreSQL: tens of minutes (see README).
bench-query: $(VENV)/.installed redis-server postgresql
	$(BIN)/python -m bench.query

load: $(VENV)/.installed redis-server postgresql
	$(BIN)/python -m bench.load

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# The tests start their own redis-server; install Debian's when there is none on PATH.
redis-server:
	@command -v redis-server >/dev/null || { \
	  echo "redis-server not found; installing it with apt-get"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q redis-server; \
	}

# The tests and `newsflow up` start their own PostgreSQL cluster; install Debian's server when
# there is no initdb (Debian keeps it off PATH, in /usr/lib/postgresql/VERSION/bin).
postgresql:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "PostgreSQL (initdb) not found; installing Debian's postgresql with apt-get"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q postgresql; \
	}

# The desk's browser tests drive Debian's Chromium with Playwright (never `playwright install`:
# nothing is downloaded); install it when missing.
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  echo "chromium not found; installing Debian's chromium with apt-get"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; \
	}

# Rebuild the desk's script (api_service/desk/desk.js, committed) from desk/src with esbuild,
# and its basemap from world-atlas; both come from the npm registry (desk/package-lock.json).
desk:
	cd desk && npm ci --no-audit --no-fund && npm run basemap && npm run build

# Desktop (1280 px) and phone (375 px) screenshots of the desk, to docs/screenshots/.
screenshots: $(VENV)/.installed redis-server postgresql chromium
	$(BIN)/pytest tests/test_desk_browser.py -k "first_render or evidence or posted or entity or phone" \
	  --screenshots docs/screenshots

clean:
	rm -rf $(VENV) $(LOWEST_VENV) var .pytest_cache .mypy_cache .ruff_cache
