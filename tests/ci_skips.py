"""Under CI nothing may skip: a pytest plugin (loaded by tests/conftest.py).

Locally a test may skip when the book is not built, Chromium, Java or the Nu checker is
missing, and it says how to get them. CI (the environment variable ``CI`` set, as GitHub
Actions does) builds and installs all of them first, so a skip there means a check silently
did not run: this plugin turns every skip, of a test or of a whole module, into a failure that
quotes the reason. Expected failures (``xfail``) are left alone.
"""

from __future__ import annotations

import os

import pytest


def in_ci(environ=os.environ) -> bool:
    """True when the ``CI`` variable is set to anything but empty, ``0`` or ``false``."""
    return environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def skip_reason(report) -> str:
    """The message a skipped report carries (pytest stores ``(file, line, message)``)."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def fail_the_skip(report) -> None:
    """Turn a skipped report into a failed one, under CI."""
    if report.skipped and not hasattr(report, "wasxfail") and in_ci():
        report.outcome = "failed"
        report.longrepr = f"CI is set, so nothing may skip; this skipped: {skip_reason(report)}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test's setup, call or teardown that skipped fails under CI."""
    outcome = yield
    fail_the_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """A module that skipped as a whole (``allow_module_level``) fails under CI."""
    outcome = yield
    fail_the_skip(outcome.get_result())
