# Renderowl — targets a newcomer can guess. Every target sets itself up on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
UV := .tools/bin/uv
RUN := $(VENV)/bin
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export UV_LINK_MODE := copy

.PHONY: help setup test test-unit test-integration test-e2e test-infra lint format typecheck demo dev synth bench openapi clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==0.13.9"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --all-extras --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced  ## create .venv with the locked dependencies

test: setup  ## run every test suite (unit, integration, infra, e2e)
	$(RUN)/pytest -n 2 --dist loadgroup

test-unit: setup  ## the fast, pure tests
	$(RUN)/pytest tests/unit

test-integration: setup  ## handlers against moto, a real Postgres and a real FFmpeg
	$(RUN)/pytest tests/integration

test-e2e: setup  ## the local cloud over HTTP
	$(RUN)/pytest tests/e2e

test-infra: setup  ## CDK template assertions
	$(RUN)/pytest tests/infra

lint: setup  ## ruff lint + format check
	$(RUN)/ruff check .
	$(RUN)/ruff format --check .

format: setup  ## apply ruff fixes and formatting
	$(RUN)/ruff check --fix .
	$(RUN)/ruff format .

typecheck: setup  ## mypy on the core package
	$(RUN)/mypy

demo: setup  ## start the local cloud, run a real job through the HTTP API, stop
	$(RUN)/renderowl demo

dev: setup  ## start the local cloud and leave it running (Ctrl-C stops it)
	$(RUN)/renderowl dev

openapi: setup  ## rewrite the committed OpenAPI document from the code
	$(RUN)/renderowl openapi > docs/openapi.json

clean:  ## remove the virtualenv, local state and build output
	rm -rf $(VENV) .tools .renderowl cdk.out out .pytest_cache .ruff_cache .mypy_cache
