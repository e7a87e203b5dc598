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

.PHONY: setup demo test test-fast sample train bench clean

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
	$(BIN)/python -m pytest -q --durations=12

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

sample:
	$(PYTHON) data/sample/generate.py

DATA ?= ../shared/data

train: setup   # rebuild models/affect from the public datasets (about 30 min on 2 CPU cores)
	$(BIN)/voc train --data $(DATA) --output models/affect

bench: setup   # throughput, aggregation, adaptation and whole-pipeline figures into bench/results/ (about 40 min)
	$(BIN)/python bench/score.py
	$(BIN)/python bench/aggregation.py --data $(DATA)
	$(BIN)/python bench/adaptation.py --data $(DATA)
	$(BIN)/python bench/pipeline.py e2e --data $(DATA)
	$(BIN)/python bench/pipeline.py scale --data $(DATA)

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache
