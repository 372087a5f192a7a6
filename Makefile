# Slidegen: `make run` starts the app on SQLite; `make test` runs every test on SQLite and PostgreSQL.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# apt-get as root, through sudo otherwise.
APT := $(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: run test lint bench bench-export db clean system-deps export-deps

run: $(VENV)/.deps-run
	$(PY) -m slidegen db upgrade
	$(PY) -m slidegen db seed
	$(PY) -m streamlit run app.py --server.port $(PORT)

# Two workers (pytest-xdist): each keeps its modules whole; browser tests share one worker.
TEST_WORKERS ?= 2

test: $(VENV)/.deps-dev system-deps
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

lint: $(VENV)/.deps-dev
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .

bench: $(VENV)/.deps-dev system-deps export-deps
	$(PY) -m bench

bench-export: $(VENV)/.deps-dev system-deps export-deps
	$(PY) -m bench.export_fidelity

# The export fidelity benchmark renders PPTX with LibreOffice (not needed by the app or tests).
export-deps:
	@if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
		echo "Installing LibreOffice Impress and poppler-utils for the export benchmark"; \
		$(APT) update -qq && $(APT) install -y -qq --no-install-recommends \
			libreoffice-impress poppler-utils >/dev/null; \
	fi

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

# The tests start their own PostgreSQL (initdb into a temp dir) and drive Debian's Chromium;
# the PDF export needs Pango (the app needs it too: install it wherever the app runs).
system-deps:
	@if [ -z "$$TEST_DATABASE_URL" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "Installing PostgreSQL server binaries (Debian package postgresql)"; \
		$(APT) update -qq && $(APT) install -y -qq postgresql >/dev/null; \
	fi
	@if ! ls /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1; then \
		echo "Installing Pango for the PDF export (Debian packages libpango-1.0-0, libpangoft2-1.0-0)"; \
		$(APT) update -qq && $(APT) install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	fi
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Chromium for the browser tests (Debian package chromium)"; \
		$(APT) update -qq && $(APT) install -y -qq chromium >/dev/null; \
	fi
	@if ! ldconfig -p | grep -q libpangoft2-1.0.so.0; then \
		echo "Installing Pango for WeasyPrint's layout checks (Debian packages libpango-1.0-0, libpangoft2-1.0-0)"; \
		$(APT) update -qq && $(APT) install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
