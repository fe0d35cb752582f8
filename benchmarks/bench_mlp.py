"""Benchmark: training the MNIST-1D MLP 40-100-100-10 (ReLU, He init, Adam 1e-2, batch 100,
6000 steps, float32), alone and ten at once with ``train_many``.

Run as a script (``python benchmarks/bench_mlp.py``) to print a table, or call :func:`run`, which
returns one dict per measurement with keys ``name``, ``value``, ``unit`` and ``budget`` (None when
the number is reported, not budgeted). One BLAS thread: the budgets are for one core.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import time  # noqa: E402

import numpy as np  # noqa: E402

from bendlines.data import load  # noqa: E402
from bendlines.mlp import MLP  # noqa: E402
from bendlines.training import train, train_many  # noqa: E402

SIZES = (40, 100, 100, 10)
STEPS = 6000
SETTINGS = {"optimizer": "adam", "lr": 1e-2, "batch_size": 100, "steps": STEPS, "eval_every": 500}
BUDGET_S = 1.5  # PyTorch on this CPU: 2.7 s; a bare float32 numpy loop: 1.3 s
REPEATS = 3
N_NETS = 10


def _net(seed: int) -> MLP:
    return MLP(SIZES, activation="relu", init="he", seed=seed, dtype=np.float32)


def run() -> list[dict]:
    """Time one net (best of ``REPEATS``) and ``N_NETS`` nets trained together.

    Returns
    -------
    list of dict
        Keys ``name``, ``value``, ``unit``, ``budget``.
    """
    train_data, test_data = load("mnist1d")
    times = []
    for _ in range(REPEATS):
        net = _net(0)
        start = time.perf_counter()
        history = train(net, train_data, test_data, **SETTINGS)
        times.append(time.perf_counter() - start)
    one = min(times)

    nets = [_net(seed) for seed in range(N_NETS)]
    start = time.perf_counter()
    histories = train_many(nets, train_data, test_data, **SETTINGS)
    many = time.perf_counter() - start
    accs = [h.test_acc[-1] for h in histories]
    return [
        {"name": "mlp: one net, 6000 Adam steps (best of 3)", "value": one, "unit": "s",
         "budget": BUDGET_S},
        {"name": "mlp: one net, steps per second", "value": STEPS / one, "unit": "1/s",
         "budget": None},
        {"name": "mlp: one net, final test accuracy", "value": float(history.test_acc[-1]),
         "unit": "", "budget": None},
        {"name": f"mlp: {N_NETS} nets with train_many", "value": many, "unit": "s",
         "budget": N_NETS * BUDGET_S},
        {"name": f"mlp: train_many time / ({N_NETS} x one net)", "value": many / (N_NETS * one),
         "unit": "", "budget": 1.0},
        {"name": f"mlp: {N_NETS} nets, mean final test accuracy", "value": float(np.mean(accs)),
         "unit": "", "budget": None},
    ]  # fmt: skip


def main() -> None:
    rows = run()
    width = max(len(row["name"]) for row in rows)
    print(f"{'measurement':<{width}}  {'value':>10}  {'budget':>8}  ok")
    for row in rows:
        budget = row["budget"]
        ok = "" if budget is None else ("yes" if row["value"] <= budget else "NO")
        shown = "-" if budget is None else f"{budget:g}"
        print(f"{row['name']:<{width}}  {row['value']:>10.4g}  {shown:>8}  {ok}  {row['unit']}")


if __name__ == "__main__":
    main()
