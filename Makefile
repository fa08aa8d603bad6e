# Renderowl — targets a newcomer can guess. Every target sets itself up on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
UV := .tools/bin/uv
RUN := $(VENV)/bin
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export UV_LINK_MODE := copy

.PHONY: help setup test test-unit test-integration test-e2e test-infra lint format typecheck demo dev synth layers cfn-lint bench openapi clean

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

synth: setup  ## synthesize the CDK app into cdk.out (offline: no Docker, no AWS credentials)
	$(RUN)/python -m infra.app

layers: setup  ## build the Lambda layers into layers/build (cached by uv.lock)
	$(RUN)/python -m layers.build

cfn-lint: synth  ## lint the synthesized CloudFormation templates
	$(RUN)/cfn-lint --config-file infra/cfnlintrc.yaml cdk.out/*.template.json

bench: setup  ## run the benchmarks (each prints a ratio against its baseline)
	$(RUN)/python bench/render_vs_baselines.py

openapi: setup  ## rewrite the committed OpenAPI document from the code
	$(RUN)/renderowl openapi > docs/openapi.json

clean:  ## remove the virtualenv, local state and build output
	rm -rf $(VENV) .tools .renderowl cdk.out out layers/build .pytest_cache .ruff_cache .mypy_cache
