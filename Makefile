# statgen: the front door. `make` lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STATGEN := $(BIN)/statgen
PUB ?=
PERIOD ?=
EXTRACTS ?=

NPM := $(shell command -v npm)
# node_modules/ holds the front-end bundles shipped beside pages and the Nu HTML Checker. The
# bundles are copied into the package (src/statgen/templates/vendor/, shipped in the wheel), so
# statgen never looks for node_modules/ at run time. Without npm, releases fall back to plotly's
# full bundle (with a warning) and browser tests skip.
VENDOR := src/statgen/templates/vendor
VENDORED := node_modules/plotly.js-basic-dist-min/plotly-basic.min.js
NODE_MODULES := $(if $(NPM),$(VENDOR)/.copied)

RELEASE_ARGS := $(if $(PUB),--pub $(PUB)) $(if $(PERIOD),--period $(PERIOD)) $(if $(EXTRACTS),--extracts $(EXTRACTS))

A ?=
B ?=
DIR ?=

.PHONY: vendor help release publish diff verify test lint format docs clean distclean install dev bench

help: ## Show this list of targets
	@echo "statgen: reproducible statistics publications"
	@echo
	@echo "Usage: make TARGET [PUB=slug] [PERIOD=2025Q3] [EXTRACTS=dir]"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.copied: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp $(VENDORED) $(VENDOR)/
	touch $@

vendor: $(VENDOR)/.copied ## Copy the npm front-end bundles into the package (done by release and test)

install: $(VENV)/.installed ## Create .venv and install statgen with its dependencies

dev: $(VENV)/.dev-installed ## Install the development dependencies (tests, linters)

release: $(VENV)/.installed $(NODE_MODULES) ## Build drafts into build/ (all publications, or PUB=slug; PERIOD=2025Q3; EXTRACTS=dir)
	$(STATGEN) release $(RELEASE_ARGS)

publish: $(VENV)/.installed ## Publish the latest signed-off draft to releases/ (PUB=slug PERIOD=2026Q3)
	@test -n "$(PUB)" -a -n "$(PERIOD)" || { echo "give PUB=slug PERIOD=2026Q3"; exit 1; }
	$(STATGEN) publish $(PUB) $(PERIOD)

diff: $(VENV)/.installed ## Compare builds for reviewers (PUB=slug [PERIOD=], or A=folder B=folder)
	$(STATGEN) diff $(if $(A),$(A) $(B),--pub $(PUB) $(if $(PERIOD),--period $(PERIOD)))

verify: $(VENV)/.installed ## Check a draft or release against its manifest (DIR=folder)
	$(STATGEN) verify $(DIR)

test: $(VENV)/.dev-installed $(NODE_MODULES) ## Run the whole test suite
	$(BIN)/pytest -q -n 2 --dist loadfile

bench: $(VENV)/.bench-installed ## Benchmark at 1M and 10M rows against the floor and a pandas baseline (BENCH_LARGE=1: 100M)
	@test -x /usr/bin/time || apt-get install -y -qq time || echo "No GNU time: peak memory is not measured"
	$(BIN)/python -m benchmarks.run

lint: $(VENV)/.dev-installed ## Check style (ruff) and types (mypy)
	$(BIN)/ruff check src tests publications benchmarks
	$(BIN)/ruff format --check src tests publications benchmarks
	$(BIN)/mypy src
	$(BIN)/lint-imports

format: $(VENV)/.dev-installed ## Format the code with ruff
	$(BIN)/ruff format src tests publications benchmarks
	$(BIN)/ruff check --fix src tests publications benchmarks

docs: $(VENV)/.installed ## Regenerate docs/config.md from the config models
	$(BIN)/python -c "from statgen.config.reference import markdown; open('docs/config.md', 'w').write(markdown())"

clean: ## Remove build outputs (build/, releases/)
	rm -rf build releases

distclean: clean ## Also remove .venv, node_modules and generated sample extracts
	rm -rf $(VENV) node_modules $(VENDOR) data/extracts
