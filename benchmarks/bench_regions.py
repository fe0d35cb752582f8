"""Benchmark: exact linear-region enumeration of a 2-32-32-1 ReLU network.

Run as a script (``python benchmarks/bench_regions.py``) or call :func:`run`, which returns
one dict per measurement with keys ``name``, ``value``, ``unit`` and ``budget`` (None when
the number is reported, not budgeted).
"""

from __future__ import annotations

import itertools
import statistics
import time

import numpy as np

from bendlines.regions import count_regions, linear_regions

SIZES = (2, 32, 32, 1)
BOUNDS = (-2.0, 2.0, -2.0, 2.0)
BUDGET_S = 0.5
REPEATS = 5


def he_network(seed: int, bias_scale: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """He-initialised ReLU MLP: W ~ N(0, 2 / fan_in), b ~ bias_scale * N(0, 1).

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.Generator``.
    bias_scale : float
        Standard deviation of the biases (0 gives the usual zero biases).

    Returns
    -------
    list of (W (fan_in, fan_out), b (fan_out,))
    """
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(0.0, np.sqrt(2.0 / a), (a, b)), bias_scale * rng.normal(size=b))
        for a, b in itertools.pairwise(SIZES)
    ]


def _median_time(net) -> float:
    """Median wall time in seconds of ``REPEATS`` enumerations (after one warm-up)."""
    linear_regions(net, BOUNDS)
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        linear_regions(net, BOUNDS)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run() -> list[dict]:
    """Time the exact enumeration and report the region counts.

    Returns
    -------
    list of dict
        Keys ``name``, ``value``, ``unit``, ``budget``.
    """
    rows = []
    for label, bias_scale in (("zero bias", 0.0), ("bias N(0, 0.1^2)", 0.1)):
        net = he_network(seed=0, bias_scale=bias_scale)
        tag = f"regions 2-32-32-1 he, {label}, box {BOUNDS}"
        rows.append(
            {"name": f"{tag}: time", "value": _median_time(net), "unit": "s", "budget": BUDGET_S}
        )
        rows.append(
            {
                "name": f"{tag}: count",
                "value": count_regions(net, BOUNDS),
                "unit": "regions",
                "budget": None,
            }
        )
    return rows


if __name__ == "__main__":
    for row in run():
        budget = "" if row["budget"] is None else f"  (budget {row['budget']} {row['unit']})"
        value = row["value"]
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        print(f"{row['name']}: {shown} {row['unit']}{budget}")
