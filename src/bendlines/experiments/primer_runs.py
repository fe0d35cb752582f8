"""The primer's training runs, kept in the results store: SGD against Adam on a spiral.

:func:`optimiser_run` trains one net per learning rate of an optimiser's grid from one seed;
the analysis (:func:`bendlines.experiments.primer.optimiser_comparison`) picks each
optimiser's rate on the validation split and reports its test accuracy.
"""

from __future__ import annotations

import numpy as np

from bendlines import data
from bendlines.mlp import MLP
from bendlines.training import train_many

__all__ = ["opt_splits", "optimiser_run"]

#: The task: a 3-arm spiral with 1.5 turns; 600 training, 300 validation, 600 test points.
OPT_DATA = {"n_train": 900, "n_test": 600, "classes": 3, "turns": 1.5, "noise": 0.04, "seed": 0}
OPT_N_TRAIN = 600
OPT_SIZES = (2, 32, 32, 3)
OPT_BATCH = 32
#: Seeds: each gives one initialisation and one mini-batch order per contender.
OPT_SEEDS = (0, 1, 2, 3, 4)
#: Training budgets in steps: a short one and a long one after which the ranking stays put.
OPT_BUDGETS = (500, 4000)
OPT_EVAL_EVERY = 250
#: Learning-rate grids (the middle value won in a wider search; the test checks it still does).
OPT_GRIDS = {"sgd": (0.1, 0.3, 1.0), "adam": (0.003, 0.01, 0.03)}


def opt_splits():
    """``(train, validation, test)`` splits of the spiral, each ``(X, y)``."""
    (X, y), test = data.spiral(**OPT_DATA)
    n = OPT_N_TRAIN
    return (X[:n], y[:n]), (X[n:], y[n:]), test


def optimiser_run(*, opt: str, seed: int) -> dict[str, np.ndarray]:
    """Train one net per rate of ``OPT_GRIDS[opt]`` for the longest budget.

    Seed ``seed`` draws the initial weights (the same for every rate) and the mini-batch
    order. The nets are trained twice from the same start: once evaluated on the
    validation split, once on the test set; training is deterministic, so both runs follow
    the same path (``same_path``).

    Returns
    -------
    dict
        ``steps`` (evals,); ``val_curves`` and ``test_curves`` (rates, evals): accuracy
        along the runs; ``same_path`` (rates,): whether both runs ended with equal weights.
    """
    if opt not in OPT_GRIDS:
        raise ValueError(f"unknown optimiser {opt!r}; choose one of {tuple(OPT_GRIDS)}")
    grid = OPT_GRIDS[opt]
    train_set, val, test = opt_splits()
    runs = []
    for watched in (val, test):
        nets = [MLP(OPT_SIZES, activation="relu", seed=1000 + seed) for _ in grid]
        hist = train_many(nets, train_set, test_data=watched, optimizer=opt, lr=list(grid),
                          batch_size=OPT_BATCH, steps=max(OPT_BUDGETS), seed=seed,
                          eval_every=OPT_EVAL_EVERY)  # fmt: skip
        runs.append((nets, hist))
    (nets_v, hist_v), (nets_t, hist_t) = runs
    pairs = zip(nets_v, nets_t, strict=True)
    return {
        "steps": np.asarray(hist_v[0].steps),
        "val_curves": np.array([h.test_acc for h in hist_v]),
        "test_curves": np.array([h.test_acc for h in hist_t]),
        "same_path": np.array([np.array_equal(a.flat_params, b.flat_params) for a, b in pairs]),
    }
