# The two commands of the README: `make run` (set up, run the Vestfold baseline) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-slow test-all bench lint install clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dask,pandas]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/hjemtilhjem run scenarios/vestfold/baseline.toml

# headless Chromium for the report rendering test; never fails the build when apt is unavailable
chromium:
	@command -v chromium >/dev/null || (apt-get install -y chromium || (apt-get update -qq && apt-get install -y \
		chromium) || sudo apt-get install -y chromium) >/dev/null 2>&1 \
		|| echo "chromium not installed: the browser rendering test will be skipped"

# the default suite: everything but the long statistical tests (marked slow), a few minutes on 2 cores
test: $(STAMP) chromium
	$(BIN)/python -m pytest -m "not slow"

# the long statistical tests (CI runs them after `make test`)
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

test-all: test test-slow

lint: $(STAMP)
	$(BIN)/ruff check hjemtilhjem tests benchmarks tools
	$(BIN)/mypy hjemtilhjem

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
