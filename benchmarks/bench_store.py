"""Benchmark: refilling the results store on 1 and on 2 worker processes, in one run.

A small list of real training entries (:func:`bendlines.experiments.sign_runs.sign_run`, short
budget) is computed into an empty store by :meth:`bendlines.results.Store.fill`, once with one
worker process and once with two; the speed-up is the ratio of the two wall-clock times (the
driver writes every entry in both). On 2 idle cores it should come close to 2.

Run as a script (``python benchmarks/bench_store.py``) to print a table, or call :func:`run`,
which returns one dict per measurement (``name``, ``value``, ``unit``, ``budget``, ``better``).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import bendlines  # noqa: E402, F401  (first: the reference kernels, before numpy loads)
from bendlines.experiments.sign_runs import sign_run  # noqa: E402
from bendlines.results import Store  # noqa: E402

TASKS = [(sign_run, {"steps": 2000, "lr": 0.01, "seed": seed}) for seed in range(8)]
SPEEDUP_BUDGET = 1.5  # two processes on two cores, with the driver writing every entry


def _refill(workers: int) -> float:
    with tempfile.TemporaryDirectory(prefix="bendlines-bench-store-") as folder:
        store = Store(Path(folder) / "results")
        start = time.perf_counter()
        computed = store.fill(lambda: TASKS, workers=workers)
        elapsed = time.perf_counter() - start
    if computed != len(TASKS):
        raise RuntimeError(f"the refill computed {computed} of {len(TASKS)} entries")
    return elapsed


def run() -> list[dict]:
    """Time the refill of ``TASKS`` with 1 and with 2 workers, and their ratio."""
    _refill(2)  # warm the data sets' caches and the imports
    one, two = _refill(1), _refill(2)
    n = len(TASKS)
    return [
        {"name": f"store: refill {n} entries, 1 worker", "value": one, "unit": "s"},
        {"name": f"store: refill {n} entries, 2 workers", "value": two, "unit": "s"},
        {
            "name": "store: refill speed-up, 2 workers over 1",
            "value": one / two,
            "unit": "x",
            "budget": SPEEDUP_BUDGET,
            "better": "higher",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:<45} {row['value']:8.3g} {row['unit']}")
