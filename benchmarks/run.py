"""Print every timing budget of the project: `make bench`.

Budgets live here, not in timed tests: timings depend on the machine and its load.
Each row shows the measured value, its budget and whether it holds. The last rows are the
split of the last `make test` (benchmarks/suite_split.py records it; the suite is not run here).
"""

from __future__ import annotations

import importlib.util
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# One thread, set before the benchmarks import numpy: the budgets are for one core.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
BENCHES = ("bench_mlp", "bench_regions", "bench_activations", "bench_widgets", "bench_store")
SITE_BENCH = "bench_site"
SUITE_SPLIT = "suite_split"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NO_CHANGE_RUNS = 5  # no-change rebuilds timed; the median is reported
SPHINX_RUNS = 3  # sphinx-build runs with no change (the no-change check bypassed)


def _timed(command: list[str], **environ: str) -> tuple[float, float, str]:
    """Run ``command`` in the repository: wall-clock seconds, CPU seconds (user + system, of
    every process it started: contention on a shared machine inflates it less) and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **environ}
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        raise RuntimeError(f"book build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, cpu, result.stdout + result.stderr


def book_rows() -> list[dict]:
    """Cold build, the no-change ``make book`` (median of NO_CHANGE_RUNS, wall and CPU time),
    sphinx-build's own no-change run, and each chapter's execution time. The book is built
    into a temporary folder with the same command ``make book`` runs (the real build is left
    alone)."""
    jobs = os.environ.get("JOBS", "2")
    folder = Path(tempfile.mkdtemp(prefix="bendlines-bench-"))
    make = [os.environ.get("MAKE", "make"), "--no-print-directory", "book"]
    make += [f"HTML={folder / 'html'}", f"JOBS={jobs}"]
    try:
        cold, _, _ = _timed(make, BENDLINES_ALWAYS_BUILD="0")
        runs = [_timed(make, BENDLINES_ALWAYS_BUILD="0") for _ in range(NO_CHANGE_RUNS)]
        logs = "".join(log for _, _, log in runs)
        # sphinx-build itself, with no change (what the no-change check saves, and what an
        # edit costs on top of re-reading the edited pages); the first after the cold build
        # also checks the execution cache the chapters just filled
        forced = [_timed(make, BENDLINES_ALWAYS_BUILD="1") for _ in range(SPHINX_RUNS)]
        sphinx = statistics.median(wall for wall, _, _ in forced)
        sphinx_cpu = statistics.median(cpu for _, cpu, _ in forced)
        sphinx_log = "".join(log for _, _, log in forced)
        median = f"median of {NO_CHANGE_RUNS}"
        rows = [
            {"name": f"book: cold build (-j {jobs})", "value": cold, "unit": "s", "budget": 60.0},
            {
                "name": f"book: make book with no change ({median})",
                "value": statistics.median(wall for wall, _, _ in runs),
                "unit": "s",
                "budget": 2.0,
            },
            {
                "name": f"book: make book with no change, CPU user+sys ({median})",
                "value": statistics.median(cpu for _, cpu, _ in runs),
                "unit": "s",
                "budget": 2.0,
            },
            {
                "name": f"book: sphinx-build with no change (median of {SPHINX_RUNS})",
                "value": sphinx,
                "unit": "s",
                "budget": None,
            },
            {
                "name": f"book: sphinx-build with no change, CPU (median of {SPHINX_RUNS})",
                "value": sphinx_cpu,
                "unit": "s",
                "budget": None,
            },
            {
                "name": "book: notebooks executed on the no-change rebuilds",
                "value": float((logs + sphinx_log).count("Executing notebook")),
                "unit": "",
                "budget": 0.0,
            },
            {
                "name": "book: no-change rebuilds that ran sphinx-build",
                "value": float(logs.count("Running Sphinx")),
                "unit": "",
                "budget": 0.0,
            },
        ]
        from jupyter_cache import get_cache

        budgets = {
            "primer": 15.0,
            "nonlinearity": 25.0,
            "piecewise": 25.0,
            "universal": 25.0,
            "choosing": 45.0,
            "deep": 45.0,
        }
        for record in get_cache(folder / ".jupyter_cache").list_cache_records():
            chapter = Path(record.uri).stem
            seconds = record.data.get("execution_seconds")
            if seconds is not None:
                rows.append(
                    {
                        "name": f"chapter {chapter}: execution",
                        "value": float(seconds),
                        "unit": "s",
                        "budget": budgets.get(chapter),
                    }
                )
        return rows
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    rows: list[dict] = []
    for name in BENCHES:
        rows += _load(name).run()
    if "--no-book" not in sys.argv:
        rows += book_rows()
    if "--no-site" not in sys.argv:
        rows += _load(SITE_BENCH).run()
    rows += _load(SUITE_SPLIT).rows()  # the split of the last `make test` (it runs too long here)
    width = max(len(row["name"]) for row in rows)
    print(f"{'measurement':<{width}}  {'value':>12}  {'budget':>10}  verdict")
    for row in rows:
        budget = row.get("budget")
        value = f"{row['value']:.4g} {row['unit']}".strip()
        higher = row.get("better") == "higher"
        limit = "-" if budget is None else f"{'>=' if higher else '<='} {budget:g}"
        held = budget is not None and (row["value"] >= budget if higher else row["value"] <= budget)
        verdict = "" if budget is None else ("ok" if held else "MISSED")
        print(f"{row['name']:<{width}}  {value:>12}  {limit:>10}  {verdict}")
    print(re.sub(r"\s+", " ", f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
