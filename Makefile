# mlcourse: `make lab` to learn, `make test` to prove the course works.
# Both create .venv on first use with the exact versions in constraints.txt (installed
# with uv, which fetches and unpacks in parallel: about a minute instead of several).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
LAB_ARGS ?=
WORKERS ?= 2
NOTEBOOKS := $(sort $(wildcard curriculum/*.ipynb solutions/*.ipynb))
# Notebooks that use both cores themselves are checked one at a time, each with both cores:
# the budget is per notebook on a 2-core CPU, and two of them at once would each time the
# other's load. These are the TensorFlow notebooks and those whose metadata says
# "run_alone": true (module 21 starts the retraining job as a process, module 22 a Dask cluster).
KERAS_NOTEBOOKS := $(shell grep -l -E 'keras=True|"run_alone": true' $(NOTEBOOKS))

.PHONY: lab test unit notebooks lint bench build install clean help system-deps site dist

# The course website's builder lives in an environment of its own (Jupyter Book 1 needs older
# Markdown libraries than the course's): pinned in site/constraints.txt, installed with the
# course environment's uv.
SITE_VENV  := .venv-site
SITE_STAMP := $(SITE_VENV)/.installed
SITE_OUT   ?= _build/site

help:
	@echo "make lab     create .venv if needed, then start JupyterLab on the course"
	@echo "make test    create .venv if needed, then run the whole test suite"
	@echo "make build   regenerate exercises/ from solutions/"
	@echo "make bench   performance figures"
	@echo "make site    build the course website into _build/site/html"
	@echo "make dist    build the wheel and sdist into dist/ and check them"

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt uv
	$(BIN)/python -m uv pip install --quiet --python $(BIN)/python --compile-bytecode \
		-c constraints.txt -e ".[dev]"
	$(BIN)/python -m mlcourse.kernel install
	@touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/mlcourse lab --port $(PORT) $(LAB_ARGS)

build: $(STAMP)
	$(BIN)/mlcourse build

lint: $(STAMP)
	$(BIN)/ruff check src tests curriculum solutions
	$(BIN)/ruff format --check src tests

# The whole suite: lint, unit tests and the exercise proof, then nbval over the executed
# notebooks (outputs compared, strict checks), each run printing per-notebook times; the
# TensorFlow notebooks in a run of their own. Screenshots of the browser tests are kept in
# test-output/.
system-deps:
	@bash ci/system-deps.sh

test: system-deps $(STAMP) lint
	$(BIN)/mlcourse build --check
	MLCOURSE_TEST_ARTIFACTS=$(CURDIR)/test-output $(BIN)/python -m pytest tests -n $(WORKERS) --dist loadscope --durations=15
	$(BIN)/python -m pytest --nbval $(filter-out $(KERAS_NOTEBOOKS),$(NOTEBOOKS)) \
		-p no:cacheprovider --nbval-sanitize-with ci/nbval_sanitize.cfg -n $(WORKERS) --dist loadscope
	$(if $(KERAS_NOTEBOOKS),$(BIN)/python -m pytest --nbval $(KERAS_NOTEBOOKS) \
		-p no:cacheprovider --nbval-sanitize-with ci/nbval_sanitize.cfg)

$(SITE_STAMP): $(STAMP) site/requirements.txt site/constraints.txt
	@test -x $(SITE_VENV)/bin/python || $(PYTHON) -m venv $(SITE_VENV)
	$(BIN)/python -m uv pip install --quiet --python $(SITE_VENV)/bin/python \
		-c site/constraints.txt -r site/requirements.txt
	@touch $(SITE_STAMP)

site: $(STAMP) $(SITE_STAMP)
	$(BIN)/python ci/build_site.py --jupyter-book $(SITE_VENV)/bin/jupyter-book --out $(SITE_OUT)

dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/python -m twine check --strict dist/*

bench: $(STAMP)
	$(BIN)/python ci/bench.py

clean:
	rm -rf $(VENV) $(SITE_VENV) _build .pytest_cache .ruff_cache
