# Two commands after cloning: `make demo` (set up, run the sample workspace) and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := demo

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: setup demo test test-fast sample clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: setup
	$(BIN)/voc init $(DEMO) --sample --force
	$(BIN)/voc validate --config $(DEMO)/voc.yaml
	$(BIN)/voc run --config $(DEMO)/voc.yaml

test: setup
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

sample:
	$(PYTHON) data/sample/generate.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache
