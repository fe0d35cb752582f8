"""Benchmark: the cost of each activation in common use, value and slope, against a copy.

Run as a script (``python benchmarks/bench_activations.py``) to print a table and write it to
``benchmarks/_build/activation_cost.json`` (this machine's measurement), or call :func:`run`,
which does the same and returns one dict per measurement with keys ``name``, ``value``,
``unit`` and ``budget``. One thread: numpy's elementwise functions use one core.

The book's table is the committed ``src/bendlines/experiments/activation_cost.json``: a
benchmark run never changes it, so the site and its downloads always show the same numbers.
To adopt a new measurement, ``--update-book`` writes it there; that edit re-executes the
gallery (the execution cache keys chapters by the package's data files too).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

from bendlines.experiments import gallery  # noqa: E402

# A budget in multiples of the copy: every activation in common use, value and slope, must
# cost at most this many copies of the same float32 array (the exact-erf GELU is the slowest:
# scipy's normal distribution function has no vectorised kernel).
BUDGET_X = 200.0


#: Where a benchmark run writes its measurement (outside the package).
MEASURED = Path(__file__).resolve().parent / "_build" / "activation_cost.json"


def run(update_book: bool = False) -> list[dict]:
    """Measure, write the table (to the book's copy too with ``update_book``), and report
    each row against the budget."""
    table = gallery.activation_cost()
    text = json.dumps(table, indent=1, sort_keys=True) + "\n"
    MEASURED.parent.mkdir(exist_ok=True)
    MEASURED.write_text(text)
    if update_book:
        gallery.COST_FILE.write_text(text)
    rows = [{"name": "activations: copy floor", "value": table["copy_ns"], "unit": "ns/element",
             "budget": None}]  # fmt: skip
    for name, r in table["rows"].items():
        for kind in ("value", "grad"):
            rows.append(
                {
                    "name": f"activations: {name} {kind} (x copy)",
                    "value": r[f"{kind}_x"],
                    "unit": "x",
                    "budget": BUDGET_X,
                }
            )
    return rows


if __name__ == "__main__":
    for row in run(update_book="--update-book" in sys.argv[1:]):
        budget = "" if row["budget"] is None else f"  (budget {row['budget']:g})"
        print(f"{row['name']:<45} {row['value']:10.2f} {row['unit']}{budget}")
