"""Benchmark: the cost of each activation in common use, value and slope, against a copy.

Run as a script (``python benchmarks/bench_activations.py``) to print a table and store it in
``src/bendlines/experiments/activation_cost.json`` (the gallery's cost table reads it), or call
:func:`run`, which does the same and returns one dict per measurement with keys ``name``,
``value``, ``unit`` and ``budget``. One thread: numpy's elementwise functions use one core.
"""

from __future__ import annotations

import json
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

from bendlines.experiments import gallery  # noqa: E402

# A budget in multiples of the copy: every activation in common use, value and slope, must
# cost at most this many copies of the same float32 array (the exact-erf GELU is the slowest:
# scipy's normal distribution function has no vectorised kernel).
BUDGET_X = 200.0


def run() -> list[dict]:
    """Measure, store the table for the gallery, and report each row against the budget."""
    table = gallery.activation_cost()
    gallery.COST_FILE.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
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
    for row in run():
        budget = "" if row["budget"] is None else f"  (budget {row['budget']:g})"
        print(f"{row['name']:<45} {row['value']:10.2f} {row['unit']}{budget}")
