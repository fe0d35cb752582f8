"""Which test modules `make site-tests` (``-m site``) and `make unit-tests` (``-m "not site"``)
import: tests/conftest.py decides from each module's syntax tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import binds_site, marks_a_site_test

TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize(
    ("source", "marked"),
    [
        ("import pytest\n\n\n@pytest.mark.site\ndef test_a():\n    pass\n", True),
        ("import pytest\n\npytestmark = [pytest.mark.site, pytest.mark.slow]\n", True),
        ("import pytest\n\n\n@pytest.mark.slow\ndef test_a():\n    pass\n", False),
        ('"""Not a mark: pytest.mark.site in words."""\n', False),
        ("site = 1\nmark = 2\n", False),
    ],
)
def test_a_site_mark_is_read_from_the_syntax_tree(source, marked, tmp_path):
    module = tmp_path / "test_module.py"
    module.write_text(source)
    assert marks_a_site_test(module) is marked


@pytest.mark.parametrize(
    ("source", "binds"),
    [
        ("from glued import ROOT, SITE\n", True),
        ("SITE = ROOT / 'book' / '_build' / 'html'\n", True),
        ("SITE: Path = Path('html')\n", True),
        ("def f():\n    SITE = 1\n", False),  # not at the top level
        ("print('SITE')\n", False),
    ],
)
def test_binding_the_site_is_read_from_the_syntax_tree(source, binds, tmp_path):
    module = tmp_path / "test_module.py"
    module.write_text(source)
    assert binds_site(module) is binds


def test_the_modules_with_single_site_tests_are_kept_for_the_site_run():
    """The modules that hold a few site tests among others (and bind no ``SITE``) are the ones
    the syntax tree finds, such as the glossary's and the primer's (test_receipts_page.py
    only quotes a site mark in a module it writes for a test)."""
    modules = sorted(TESTS.glob("test_*.py"))
    single = {p.name for p in modules if marks_a_site_test(p) and not binds_site(p)}
    assert {"test_glossary.py", "test_primer.py"} <= single
    assert "test_receipts_page.py" not in single
