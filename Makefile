# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
EMPLOYEES ?= 2000
SEED ?= 7
DB_FILE := var/trellis.db
# The demo's own database. Point DEMO_DB elsewhere (e.g. a PostgreSQL URL) to build there instead;
# only the default file is ever rebuilt with --replace.
DEMO_DB ?= sqlite:///$(DB_FILE)
DEMO_MARK = var/.demo-$(EMPLOYEES)-$(SEED)

.PHONY: demo test venv lint clean

$(BIN)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q "torch==2.13.0"
	$(BIN)/pip install -q -e ".[ml,web,scale,dev,peer]"
	touch $@

venv: $(BIN)/.installed

## make demo: install, build the demo organisation into var/trellis.db, start the portal
demo: venv
	@if [ ! -f $(DB_FILE) ]; then rm -f var/.demo-*; fi
	$(BIN)/trellis db upgrade --db $(DEMO_DB)
	@if [ ! -f $(DEMO_MARK) ]; then \
		rm -f var/.demo-*; \
		$(BIN)/trellis demo --employees $(EMPLOYEES) --seed $(SEED) --db $(DEMO_DB) \
			$(if $(filter sqlite:///$(DB_FILE),$(DEMO_DB)),--replace,) && mkdir -p var && touch $(DEMO_MARK); \
	fi
	$(BIN)/trellis users demo-accounts --db $(DEMO_DB)
	$(BIN)/trellis serve --demo --db $(DEMO_DB)

## make test: install, lint, type-check, run the whole suite (SQLite, then PostgreSQL)
test: venv
	scripts/test

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
