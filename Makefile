# Brobygger. `make run` and `make test` do everything on a fresh machine.
SHELL := /bin/bash
PYTHON311 ?= python3.11
PYTHON310 ?= $(firstword $(wildcard /root/.pyenv/versions/3.10.*/bin/python3.10) python3.10)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RASA_VENV := .venv-rasa
RASA := PYTHONPATH=$(CURDIR) $(RASA_VENV)/bin/rasa
RASA_STAMP := $(RASA_VENV)/.installed
MODEL := models/brobygger.tar.gz
SOCKETIO_VERSION := 4.8.1
SOCKETIO_JS := web/static/vendor/socket.io.min.js
CHROMIUM := /usr/lib/chromium/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
TRAINING_DATA := bot/nlu bot/dialogue
TRAINING := config.yml domain.yml $(wildcard bot/nlu/*.yml bot/dialogue/*.yml rasa_addons/*.py)
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

.DEFAULT_GOAL := help
.PHONY: help install web-assets chromium system-packages train index run chat test test-fast test-nlu validate eval eval-dialogue bench load clean-corpus calibrate audit

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

$(RASA_STAMP): requirements-rasa.txt
	@test -x $(RASA_VENV)/bin/python || $(PYTHON310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RASA_VENV)/bin/python -m pip install --quiet -r requirements-rasa.txt
	@touch $(RASA_STAMP)

install: $(STAMP) $(RASA_STAMP) $(SOCKETIO_JS) ## set up both environments (.venv: Python 3.11; .venv-rasa: Python 3.10, Rasa) and the widget's socket.io client

# The socket.io client (v4: Engine.IO 4, which Rasa 3.6's python-socketio 5 speaks), from the npm registry.
$(SOCKETIO_JS):
	@mkdir -p $(@D)
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent socket.io-client@$(SOCKETIO_VERSION) >/dev/null \
	  && tar -xzf socket.io-client-$(SOCKETIO_VERSION).tgz package/dist/socket.io.min.js \
	  && cp package/dist/socket.io.min.js $(CURDIR)/$@ && rm -rf $$tmp
	@echo "socket.io-client $(SOCKETIO_VERSION) -> $@"

web-assets: $(SOCKETIO_JS) ## fetch the widget's socket.io client from the npm registry (when missing)

# Debian's packages the tests use: chromium for the browser tests (driven by playwright; never
# `playwright install`), PostgreSQL and Redis for the scale-out tests (the tests start their own servers).
SYSTEM_PACKAGES := $(if $(wildcard $(CHROMIUM)),,chromium) \
	$(if $(wildcard /usr/lib/postgresql/*/bin/postgres),,postgresql) \
	$(if $(wildcard /usr/bin/redis-server),,redis-server)
system-packages: ## install Debian's chromium, PostgreSQL and Redis for the tests (only those missing)
	@if [ -n "$(strip $(SYSTEM_PACKAGES))" ]; then \
	  $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $(SYSTEM_PACKAGES); fi

chromium: system-packages

# Trained when missing or older than the training data, domain, config or Rasa-side code.
$(MODEL): $(RASA_STAMP) $(TRAINING)
	$(RASA) train --fixed-model-name brobygger --out models --config config.yml --domain domain.yml --data $(TRAINING_DATA)
	@touch $(MODEL)

train: $(MODEL) ## train the Rasa model when missing or stale

index: $(STAMP) ## build or update the search index
	$(VENV)/bin/brobygger index

run: $(STAMP) $(MODEL) $(SOCKETIO_JS) ## start Brobygger: the web page (8080), action server (5055) and Rasa (5005: REST and socket.io); Ctrl-C stops
	@$(VENV)/bin/brobygger index
	@$(PY) -m stack run

chat: $(STAMP) $(MODEL) ## start Brobygger and chat with it in the terminal
	@$(VENV)/bin/brobygger index
	@$(PY) -m stack chat

test: $(STAMP) $(MODEL) $(SOCKETIO_JS) system-packages ## run all tests (unit, stories, end-to-end over REST, in a browser, on PostgreSQL and Redis)
	$(PY) -m pytest -q

validate: $(RASA_STAMP) ## check the training data and domain (rasa data validate)
	$(RASA) data validate --config config.yml --domain domain.yml --data $(TRAINING_DATA)

test-nlu: $(RASA_STAMP) ## NLU intent F1 in 5-fold cross-validation (Rasa's default; a few minutes)
	$(RASA) test nlu --config config.yml --nlu bot/nlu --cross-validation --folds 5 --out var/results/nlu
	@$(PY) -m stack.nlu_report var/results/nlu

# pip-audit against PyPI's vulnerability data, both environments; known findings: security/pip-audit-known.txt.
audit: $(STAMP) $(RASA_STAMP) ## audit both environments' packages for known vulnerabilities (pip-audit; fails on unlisted findings)
	@test -x $(VENV)/bin/pip-audit || $(PY) -m pip install --quiet pip-audit
	$(PY) -m stack.audit --known security/pip-audit-known.txt $(VENV)=$(PY) $(RASA_VENV)=$(RASA_VENV)/bin/python

test-fast: $(STAMP) ## unit tests only (no real model)
	$(PY) -m pytest -q -m "not model"

eval-dialogue: $(STAMP) $(MODEL) ## the whole dialogue over REST on the calibration questions (starts the stack)
	$(PY) -m stack.evaluate knowledge/data/calibration.yaml

eval: $(STAMP) ## score on the bundled calibration questions
	$(VENV)/bin/brobygger eval knowledge/data/calibration.yaml

calibrate: $(STAMP) ## fit fusion weights and the abstain threshold (writes knowledge/data/weights.json)
	$(VENV)/bin/brobygger calibrate --write

bench: $(STAMP) $(MODEL) ## speed and memory figures, including turn latency through Rasa (printed)
	$(PY) -m bench.run

load: $(STAMP) $(MODEL) ## concurrent conversations against a local stack (USERS=50 TURNS=10 REPLICAS=1): turns/s, p50/p95, errors
	$(PY) -m bench.load --users $(or $(USERS),50) --turns $(or $(TURNS),10) --replicas $(or $(REPLICAS),1)

clean-corpus: $(STAMP) ## regenerate the cleaned copy of the bundled sources
	$(VENV)/bin/brobygger clean
