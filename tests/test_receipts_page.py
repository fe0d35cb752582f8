"""The receipts' build glue (book/_ext/bendlines_receipts.py) without a build: which tests
check a glued value (read from the tests' syntax trees), receipt ids, and the provenance
fields a receipt always has."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from bendlines_receipts import (  # noqa: E402
    PROVENANCE,
    marked_tests,
    provenance,
    receipt_id,
    spoken,
)
from bendlines_receipts import tests_for as matching_tests  # noqa: E402

MARKED = """\
import pytest
from pytest import mark

pytestmark = [pytest.mark.site, pytest.mark.receipts("primer:mod_*")]


@pytest.mark.receipts("choosing:bad_relu", "choosing:verdict_*")
def test_verdicts():
    pass


@pytest.mark.parametrize("x", [1, 2])
@mark.receipts("deep:depth")
def test_depth(x):
    pass


def test_unmarked():
    pass


def helper_not_a_test():
    pass


class TestCost:
    @pytest.mark.receipts("gallery:speed")
    def test_speed(self):
        pass

    def test_cost(self):
        pass


@pytest.mark.parametrize("x", [pytest.param(1, marks=pytest.mark.receipts("deep:not_this"))])
def test_param(x):
    pass
"""

DEEPER = """\
import pytest

pytestmark = pytest.mark.receipts("primer:x")


def test_x():
    pass
"""


def test_marked_tests_reads_the_markers_of_tests_and_modules(tmp_path):
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "test_marked.py").write_text(MARKED)
    (tmp_path / "tests" / "helpers.py").write_text(MARKED)  # not a test file: not read
    (tmp_path / "tests" / "unit" / "test_deeper.py").write_text(DEEPER)
    found = marked_tests(tmp_path / "tests", tmp_path)
    module = ["primer:mod_*"]
    assert found == {
        "tests/test_marked.py::test_verdicts": [*module, "choosing:bad_relu", "choosing:verdict_*"],
        "tests/test_marked.py::test_depth": [*module, "deep:depth"],
        "tests/test_marked.py::test_unmarked": module,
        "tests/test_marked.py::TestCost::test_speed": [*module, "gallery:speed"],
        "tests/test_marked.py::TestCost::test_cost": module,
        "tests/test_marked.py::test_param": module,  # a marker on one parameter: not the test's
        "tests/unit/test_deeper.py::test_x": ["primer:x"],  # in subfolders too
    }
    assert marked_tests(tmp_path / "missing", tmp_path) == {}


def test_a_receipt_gets_the_tests_whose_patterns_match_its_page_and_key():
    marked = {
        "tests/a.py::test_one": ["choosing:verdict_*"],
        "tests/a.py::test_two": ["choosing:bad_relu", "deep:*"],
        "tests/b.py::test_three": ["primer:bad_relu"],
        "tests/b.py::test_four": ["*:bad_relu"],  # DOCNAME is a name, not a pattern
    }

    def entry(page, key):
        return {"page": page, "key": key}

    assert matching_tests(entry("choosing", "verdict_tanh"), marked) == ["tests/a.py::test_one"]
    assert matching_tests(entry("choosing", "bad_relu"), marked) == ["tests/a.py::test_two"]
    # a format spec is how the page shows the value, not part of what a test declares
    assert matching_tests(entry("deep", "gain:.2f"), marked) == ["tests/a.py::test_two"]
    assert matching_tests(entry("choosing", "verdict"), marked) == []  # the pattern wants "_"
    assert matching_tests(entry("gallery", "bad_relu"), marked) == []  # another chapter's key


def test_receipt_ids_name_the_page_the_key_and_a_format_spec():
    assert receipt_id("choosing", "bad_relu") == "choosing:bad_relu"
    assert receipt_id("primer", "ln10", ".3f") == "primer:ln10:.3f"


def test_a_receipt_always_has_the_six_provenance_fields():
    assert provenance({}) == PROVENANCE
    assert provenance({"bendlines_receipt": None}) == PROVENANCE
    given = {"code": ["bendlines.stats.paired"], "seeds": [1, 2], "method": "paired t"}
    filled = provenance({"bendlines_receipt": given, "scrapbook": {"name": "x"}})
    assert filled == {**PROVENANCE, **given}
    filled["code"].append("changed")  # a copy: the notebook's metadata is left alone
    assert given["code"] == ["bendlines.stats.paired"]


def test_a_typeset_value_is_named_in_words_a_screen_reader_reads():
    assert spoken(r"1.1 \times 10^{-14}") == "1.1 times 10 to the power of \N{MINUS SIGN}14"
    assert spoken(r"10^{-4}") == "10 to the power of \N{MINUS SIGN}4"
    assert spoken(r"2 \times 10^{4}") == "2 times 10 to the power of 4"
    assert spoken(r"\frac{1}{4}") == "1 4"  # words stay, commands and braces go


def test_a_test_file_that_does_not_parse_is_a_clear_error(tmp_path):
    from sphinx.errors import ExtensionError

    (tmp_path / "test_broken.py").write_text("def test_(:\n")
    with pytest.raises(ExtensionError, match=r"test_broken\.py"):
        marked_tests(tmp_path, tmp_path)
