"""Test configuration shared by every test file."""

# First, before any test module loads numpy: the reference OpenBLAS kernel and numpy code level
# the stored results were made with (bendlines.blas; a kernel set in the environment is kept).
import bendlines  # noqa: F401  isort: skip

import ast
from pathlib import Path

import pytest
from ci_skips import pytest_make_collect_report, pytest_runtest_makereport  # noqa: F401
from hypothesis import settings
from longest_first import order

from bendlines.results import KernelMismatchError

# Property tests draw the same examples on every run (reproducible CI), and keep no example
# database: nothing is written into the working tree.
settings.register_profile("bendlines", derandomize=True, database=None, deadline=None)
settings.load_profile("bendlines")

# Under CI nothing may skip (the two hooks imported above from tests/ci_skips.py).


def binds_site(path: Path) -> bool:
    """Whether a test module binds the name ``SITE`` at its top level (an assignment or an
    import): the mark of a module of site tests, read from its syntax tree."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        elif isinstance(node, ast.ImportFrom):
            names = [alias.asname or alias.name for alias in node.names]
        else:
            continue
        if "SITE" in names:
            return True
    return False


def marks_a_site_test(path: Path) -> bool:
    """Whether a test module marks a test (or itself) ``pytest.mark.site``, read from its
    syntax tree."""
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == "site"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "mark"
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == "pytest"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
    )


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    """Modules none of whose tests the marker expression selects are not imported at all.

    With ``-m "not site"`` (`make unit`, and `make unit-tests` beside the book's build) the
    modules of site tests are left alone: some check at import that the site and its PDF are
    built, which under CI fails rather than skips. With ``-m site`` (`make site-tests`) the
    modules with no site test are: each of its processes would import (and rewrite the
    assertions of) every module only to deselect all of its tests."""
    expression = config.getoption("markexpr", "")
    if expression not in ("site", "not site") or collection_path.suffix != ".py":
        return None
    if not collection_path.name.startswith("test_"):
        return None
    if expression == "not site":
        return True if binds_site(collection_path) else None
    on_the_site = binds_site(collection_path) or marks_a_site_test(collection_path)
    return None if on_the_site else True


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Tests that read the built site carry the ``site`` marker: every test of a module that
    names the built site ``SITE`` (the site, download, PDF and browser tests) and single tests
    marked ``@pytest.mark.site``. `make unit` leaves them out (``-m "not site"``); `make test`
    runs every test once the book, its PDF and the HTML checker are there.

    The longest test files come first (tests/longest_first.py), so the suite's two processes
    finish together."""
    for item in items:
        if hasattr(getattr(item, "module", None), "SITE"):
            item.add_marker(pytest.mark.site)
    order(items)


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    """A spot check that recomputes stored entries where their bits cannot match (other BLAS or
    numpy kernels than the reference) is skipped with the store's one-line explanation, naming
    both kernels and what to set, instead of failing with a wall of differing numbers."""
    try:
        return (yield)
    except KernelMismatchError as error:
        pytest.skip(str(error))


# --- the browser tests' site server, Chromium and page visits (see tests/browser_support.py);
# Playwright is imported only when a browser test asks for them.
@pytest.fixture(scope="module")
def base_url():
    """The built site served on localhost for one test module."""
    from browser_support import SITE
    from site_server import serve

    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium for one test module."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def contexts(browser):
    """The module's phone-sized browser contexts, one per set of options
    (:class:`browser_support.Contexts`)."""
    from browser_support import Contexts

    made = Contexts(browser)
    yield made
    made.close()


@pytest.fixture
def visit(contexts, base_url):
    """``visit(path, wait_until=..., clock=..., **options)``: a :class:`browser_support.Visit`
    in the module's context with those options (Playwright's ``new_context`` options, and
    whether its clock runs the page's timers), closed after the test."""
    from browser_support import Visit

    opened = []

    def make(path, *, wait_until="networkidle", clock=False, **options):
        v = Visit(contexts(clock=clock, **options), base_url + path, wait_until=wait_until)
        opened.append(v)
        return v

    yield make
    for v in opened:
        v.close()
