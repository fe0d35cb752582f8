"""Under CI nothing may skip (tests/ci_skips.py): a skipped test, fixture or module fails there,
and still only skips on a contributor's machine; expected failures stay expected."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ci_skips import in_ci

TESTS = Path(__file__).resolve().parent

SAMPLE = """\
import pytest

@pytest.fixture
def site():
    pytest.skip("build the book first: make book")

def test_skips_in_its_body():
    pytest.skip("headless Chromium not found")

@pytest.mark.skipif(True, reason="Java or the Nu checker not found")
def test_skips_by_mark():
    pass

def test_skips_in_a_fixture(site):
    pass

@pytest.mark.xfail(reason="a known bug", strict=True)
def test_expected_failure():
    assert False

def test_passes():
    pass
"""

MODULE_SKIP = """\
import pytest

pytest.skip("no PDF: make pdf", allow_module_level=True)

def test_never_collected():
    pass
"""


def run_sample(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    (tmp_path / "test_module_skip.py").write_text(MODULE_SKIP)
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment["PYTHONPATH"] = str(TESTS)
    if ci is not None:
        environment["CI"] = ci
    command = [sys.executable, "-m", "pytest", "-p", "ci_skips", "-p", "no:cacheprovider"]
    # a module-level failure stops collection; here the other outcomes are wanted too
    command += ["-q", "-rA", "-p", "no:xdist", "--continue-on-collection-errors", str(tmp_path)]
    return subprocess.run(
        command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120
    )


def outcomes(result: subprocess.CompletedProcess) -> dict[str, int]:
    """The counts of pytest's last line ("2 failed, 1 passed, ... in 0.5s"), by outcome."""
    last = result.stdout.strip().splitlines()[-1]
    return {word: int(count) for count, word in re.findall(r"(\d+) (\w+)", last)}


def test_locally_skips_only_skip(tmp_path):
    result = run_sample(tmp_path, ci=None)
    assert result.returncode == 0, result.stdout
    assert outcomes(result) == {"passed": 1, "skipped": 4, "xfailed": 1}, result.stdout


@pytest.mark.parametrize("ci", ["true", "1"])
def test_under_ci_every_skip_fails_and_says_why(tmp_path, ci):
    result = run_sample(tmp_path, ci=ci)
    assert result.returncode == 1, result.stdout
    # the skip in the body fails; the skipif mark's and the fixture's are setup errors, the
    # module's a collection error; the expected failure and the passing test are untouched
    expected = {"failed": 1, "errors": 3, "passed": 1, "xfailed": 1}
    assert outcomes(result) == expected, result.stdout
    for reason in (
        "build the book first",
        "headless Chromium not found",
        "Java or the Nu checker not found",
        "no PDF: make pdf",
    ):
        assert f"CI is set, so nothing may skip; this skipped: {reason}" in result.stdout


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("", False), ("0", False), ("false", False), ("FALSE", False),
     ("no", False), ("true", True), ("1", True), ("yes", True)],
)  # fmt: skip
def test_what_counts_as_ci(value, expected):
    assert in_ci({} if value is None else {"CI": value}) is expected


def collected(*args: str) -> set[str]:
    """The ids pytest collects from this repository's tests with ``args`` (no test runs)."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [*command, "-p", "no:xdist", *args],
        cwd=TESTS.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 5), result.stdout[-2000:]  # 5: nothing selected
    return {line for line in result.stdout.splitlines() if "::" in line}


def test_make_unit_leaves_out_exactly_the_tests_of_the_built_site():
    """`make unit` (-m "not site") leaves out the single tests marked ``site`` and every test
    of a module that names the built site SITE, and keeps the rest of their files."""
    files = ["tests/test_primer.py", "tests/test_glossary.py", "tests/test_site.py"]
    kept = collected("-m", "not site", *files)
    assert not any(name.startswith("tests/test_site.py") for name in kept)
    for name in (
        "tests/test_primer.py::test_page_has_captioned_figures_a_summary_and_hidden_solutions",
        "tests/test_glossary.py::"
        "test_the_published_index_lists_every_glossary_term_and_the_primers_key_results",
    ):
        assert name not in kept
        assert sum(other.startswith(name.split("::")[0]) for other in kept) >= 10
