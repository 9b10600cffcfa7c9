# Every target creates .venv on first use, so a fresh clone needs nothing but Python 3.11+ (with venv) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A learner's packages (requirements.txt: `make lab`, `make check`), then the maintainers' tools
# (requirements-dev.txt: `make test`, `make bench`, `make lint`).
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# The course repo grades the reference solutions; a student copy (no solutions/) grades its own labs/.
IMPL ?= $(if $(wildcard solutions/__init__.py),solutions,labs)

.PHONY: lab test check grade stub doctor bench lint clean

# setuptools says "Editable installation ... be careful with folders named like your package" on every
# editable install (for information only); PIP_QUIET hides it with the rest of pip's chatter.
PIP_QUIET := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet

$(STAMP): requirements.txt pyproject.toml
	@test -d $(VENV) || $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "The course needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) -V 2>&1). Try: make lab PYTHON=python3.12"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP_QUIET) --upgrade pip
	$(PIP_QUIET) -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PIP_QUIET) -r requirements-dev.txt
	touch $(DEV_STAMP)

# JupyterLab at the repository root, the first lesson open, with the course's Jupyter settings (.jupyter/:
# terminals with .venv active, no news pop-up) and not the learner's. LAB_ARGS passes more options
# (the browser test: a port, a token, --no-browser).
lab: $(STAMP)  ## open the course in JupyterLab (embedded stub, no key needed)
	JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter" $(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# The second run: every lesson also executes top to bottom on a current model of another family (outputs differ
# there, so they are not compared). gpt-6.1-terra: no shutdown announced (llm_stub/data/models.toml), and where
# the default (gpt-6-luna) takes function tools on Chat Completions at effort none, it takes them only through the
# Responses API, so the lessons' other branch runs too. SECOND_MODEL=... tries another.
SECOND_MODEL ?= gpt-6.1-terra

test: $(DEV_STAMP)  ## the whole test suite: stub, labs against solutions, notebooks (nbval), notebooks on a second model
	LLM_BACKEND=stub $(BIN)/python -m pytest -n 2 --dist loadfile --impl=$(IMPL) \
		--nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
	LLM_BACKEND=stub MODEL=$(SECOND_MODEL) $(BIN)/python -m pytest -n 2 --dist loadfile -p no:cacheprovider \
		--nbval-lax --nbval-current-env notebooks

check: $(STAMP)  ## check your own labs/
	$(BIN)/python -m course check $(LAB)

grade: $(STAMP)  ## make grade SUBMISSIONS="a b c" OUT=grades
	$(BIN)/python -m course grade $(SUBMISSIONS) --out $(or $(OUT),grades)

stub: $(STAMP)  ## run the stub server on its own
	$(BIN)/llm-stub --port $(or $(PORT),8000)

doctor: $(STAMP)
	$(BIN)/python -m course doctor

bench: $(DEV_STAMP)
	$(BIN)/python -m bench

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
