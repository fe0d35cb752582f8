"""The order the suite's processes take the test files in: the longest first (tests/conftest.py
sorts the collected tests with :func:`order`).

`make test` runs pytest on two processes (pytest-xdist, ``--dist loadfile``), each taking one
whole file at a time, in the order of collection (``--no-loadscope-reorder``; by default
pytest-xdist would hand out files with many tests first, however quick they are). Handing out
the longest files first lets both processes finish together, instead of one idling while the
other works through a long file handed out last. Every other file follows in its usual order.
"""

from __future__ import annotations

#: The slowest test files, longest first (summed test time on two cores, as
#: `make bench` shows it from the last `make test`).
LONGEST_FIRST = (
    "test_browser.py",
    "test_figures.py",
    "test_browser_widgets_contract.py",
    "test_browser_widgets.py",
    "test_browser_widgets_networks.py",
    "test_build.py",
    "test_downloads.py",
    "test_build_inputs.py",
    "test_pdf.py",
    "test_receipts_book.py",
    "test_results.py",
    "test_order_chaos.py",
    "test_regions.py",
    "test_widgets_trainer.py",
    "test_ci_skips.py",
    "test_stats.py",
    "test_deep.py",
    "test_browser_widgets_numbers.py",
)


def rank(file_name: str) -> int:
    """Where a test file comes in the order: its place in ``LONGEST_FIRST``, else after all."""
    try:
        return LONGEST_FIRST.index(file_name)
    except ValueError:
        return len(LONGEST_FIRST)


def order(items: list) -> None:
    """Sort collected tests in place: the longest files' tests first; within a file, and
    among the other files, the order stays."""
    items.sort(key=lambda item: rank(item.path.name))
