# Brobygger. `make run` and `make test` do everything on a fresh machine.
SHELL := /bin/bash
PYTHON311 ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.DEFAULT_GOAL := help
.PHONY: help install index run test test-fast eval bench clean-corpus calibrate

help: ## show this help
	@echo "Brobygger: a coach for Danish public-sector leaders, with cited quotes."
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON311) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# the CPU build of torch first, so nothing pulls a CUDA build in
	$(PY) -m pip install --quiet "torch==2.13.0"
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

install: $(STAMP) ## set up the environment (.venv, Python 3.11) and nothing else

index: $(STAMP) ## build or update the search index
	$(VENV)/bin/brobygger index

run: $(STAMP) ## start Brobygger (for now: ask questions in the terminal; builds the index when missing)
	@$(VENV)/bin/brobygger chat

test: $(STAMP) ## run all tests
	$(PY) -m pytest -q

test-fast: $(STAMP) ## unit tests only (no real model)
	$(PY) -m pytest -q -m "not model"

eval: $(STAMP) ## score on the bundled calibration questions
	$(VENV)/bin/brobygger eval knowledge/data/calibration.yaml

calibrate: $(STAMP) ## fit fusion weights and the abstain threshold (writes knowledge/data/weights.json)
	$(VENV)/bin/brobygger calibrate --write

bench: $(STAMP) ## speed and memory figures (printed)
	$(PY) -m bench.run

clean-corpus: $(STAMP) ## regenerate the cleaned copy of the bundled sources
	$(VENV)/bin/brobygger clean
