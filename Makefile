# Two commands for a new user: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-fast lint-imports demo e2e load load-server bench perceived-speed gallery mutation clean

$(VENV)/.app-installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.app-installed requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

demo: $(VENV)/.app-installed
	$(PY) -m lib.cli demo

run: demo
	$(PY) -m lib.ui.server --server.port $(PORT)

test: $(VENV)/.dev-installed
	./scripts/ensure_chromium.sh
	./scripts/ensure_nginx.sh
	./scripts/ensure_axe.sh
	./scripts/ensure_oidc.sh
	./scripts/ensure_libreoffice.sh
	$(PY) -m lib.cli demo
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q -W ignore::pytest.PytestRemovedIn10Warning tests

# Unit tier only (pure functions, small or cached data): the quick check before a commit, under a minute.
# pytest-xdist spreads it over the cores (one process per core): 73 s alone, 34-42 s on 2 cores.
test-fast: $(VENV)/.dev-installed
	$(PY) -m pytest -q -m unit -n auto -W ignore::pytest.PytestRemovedIn10Warning tests

# Layout contracts of lib/ (.importlinter): layers, Streamlit only in lib.ui, no import cycle.
lint-imports: $(VENV)/.dev-installed
	$(VENV)/bin/lint-imports

# Mutation testing (not in CI: over two hours on 2 cores): mutmut mutates the modules listed in setup.cfg and runs
# the fast tier against each mutant, fastest tests first; the 12 or so tests over 2 s are left out (the score is
# then a lower bound: tests/conftest.py). The report goes to bench/results/mutation-latest.md.
# A part only: MUTANTS='lib.data.versions.* lib.core.formatting.*' (mutmut's name patterns), and
# CARRY=bench/results/mutation-<label>.json for the other modules' verdicts of an earlier report.
mutation: $(VENV)/.dev-installed
	$(PY) -m pip install -q -r requirements-mutation.txt
	$(PY) -m lib.cli demo
	CET_MUTATION_SLOW_S=2 $(VENV)/bin/mutmut run --max-children 2 $(MUTANTS) || true
	$(PY) -m bench.mutation_report --label latest $(if $(CARRY),--carry $(CARRY))

load: $(VENV)/.dev-installed
	$(PY) -m bench.load_test

load-server: $(VENV)/.dev-installed
	$(PY) -m bench.server_load

bench: $(VENV)/.dev-installed
	$(PY) -m bench.timings

# First load and page switch in Chromium until every chart is drawn, against a bare Streamlit floor.
perceived-speed: $(VENV)/.dev-installed
	$(PY) -m bench.perceived_speed

# Every take-away file of a panel of territories, laid out by LibreOffice, on one contact sheet:
# gallery/index.html. Before a release, after touching a figure or a file's layout.
gallery: $(VENV)/.dev-installed
	./scripts/ensure_chromium.sh
	./scripts/ensure_libreoffice.sh
	$(PY) -m lib.cli demo
	$(PY) scripts/gallery.py

clean:
	rm -rf data/cache data/demo gallery mutants
