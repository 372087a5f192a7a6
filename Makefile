# Slidegen: `make run` starts the app on SQLite; `make test` runs every test on SQLite and PostgreSQL.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# apt-get as root, through sudo otherwise.
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: run test lint bench db clean system-deps

run: $(VENV)/.deps-run
	$(PY) -m slidegen db upgrade
	$(PY) -m slidegen db seed
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: $(VENV)/.deps-dev system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.deps-dev
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .

bench: $(VENV)/.deps-dev system-deps
	$(PY) -m bench

db: $(VENV)/.deps-run
	$(PY) -m slidegen db upgrade
	$(PY) -m slidegen db seed

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.deps-run: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.deps-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.deps-run

# The tests start their own PostgreSQL (initdb into a temp dir) and drive Debian's Chromium.
system-deps:
	@if [ -z "$$TEST_DATABASE_URL" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "Installing PostgreSQL server binaries (Debian package postgresql)"; \
		$(APT) update -qq && $(APT) install -y -qq postgresql >/dev/null; \
	fi
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Chromium for the browser tests (Debian package chromium)"; \
		$(APT) update -qq && $(APT) install -y -qq chromium >/dev/null; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
