# Every target creates .venv on first use, so a fresh clone needs nothing but Python 3.10+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The course repo grades the reference solutions; a student copy (no solutions/) grades its own labs/.
IMPL ?= $(if $(wildcard solutions/__init__.py),solutions,labs)

.PHONY: lab test check grade stub doctor bench lint clean

$(STAMP): requirements.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

lab: $(STAMP)  ## open the course in JupyterLab (embedded stub, no key needed)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/00_setup.ipynb

# The second run: every lesson also executes top to bottom on a current model of another family (outputs differ
# there, so they are not compared). gpt-6.1-terra: no shutdown announced (llm_stub/data/models.toml), and where
# the default (gpt-6-luna) takes function tools on Chat Completions at effort none, it takes them only through the
# Responses API, so the lessons' other branch runs too. SECOND_MODEL=... tries another.
SECOND_MODEL ?= gpt-6.1-terra

test: $(STAMP)  ## the whole test suite: stub, labs against solutions, notebooks (nbval), notebooks on a second model
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

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
