"""Print every timing budget of the project: `make bench`.

Budgets live here, not in timed tests: timings depend on the machine and its load.
Each row shows the measured value, its budget and whether it holds. The last rows are the
split of the last `make test` (benchmarks/suite_split.py records it; the suite is not run here).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
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


def _sphinx(outdir: Path, jobs: str) -> tuple[float, str]:
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n"]
    command += ["-j", jobs, str(ROOT / "book"), str(outdir)]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"book build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, result.stdout + result.stderr


def book_rows() -> list[dict]:
    """Cold build, no-change rebuild, and each chapter's execution time."""
    jobs = os.environ.get("JOBS", "2")
    folder = Path(tempfile.mkdtemp(prefix="bendlines-bench-"))
    try:
        cold, _ = _sphinx(folder / "html", jobs)
        warm, log = _sphinx(folder / "html", jobs)
        rows = [
            {"name": f"book: cold build (-j {jobs})", "value": cold, "unit": "s", "budget": 60.0},
            {"name": "book: rebuild, no change", "value": warm, "unit": "s", "budget": 2.0},
            {
                "name": "book: notebooks executed on the no-change rebuild",
                "value": float(log.count("Executing notebook")),
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
