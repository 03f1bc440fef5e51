# The two commands of the README: `make run` (set up, run the Vestfold baseline) and `make test`; `make app` starts
# the meeting app in the browser.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run app test test-slow test-all bench lint install clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dask,pandas,app]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/hjemtilhjem run scenarios/vestfold/baseline.toml

# the FSU meeting app on http://127.0.0.1:8501 (opens the browser; APP_ARGS="--no-browser --port 8600")
app: $(STAMP)
	$(BIN)/hjemtilhjem app $(APP_ARGS)

# headless Chromium (and its WebDriver, for the app's browser test) for the browser tests; never fails the build
# when apt is unavailable
chromium:
	@command -v chromium >/dev/null || (apt-get install -y chromium || (apt-get update -qq && apt-get install -y \
		chromium) || sudo apt-get install -y chromium) >/dev/null 2>&1 \
		|| echo "chromium not installed: the browser rendering test will be skipped"
	@command -v chromedriver >/dev/null || (apt-get install -y chromium-driver || (apt-get update -qq && \
		apt-get install -y chromium-driver) || sudo apt-get install -y chromium-driver) >/dev/null 2>&1 \
		|| echo "chromium-driver not installed: the app's browser test will be skipped"

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
