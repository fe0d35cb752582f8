"""Why weights must start random: identical hidden units stay identical under a constant start.

If every weight of a layer starts at the same value, every unit of that layer computes the same
function of the same inputs, receives the same error signal, and so takes the same step; after
any number of steps the units are still copies of each other, and the layer is as good as one
unit. A random start breaks that symmetry. The primer trains the same small spiral net from a
constant start and from He's random start and measures how far apart its hidden units end up.
"""

from __future__ import annotations

import numpy as np

from bendlines import data
from bendlines.mlp import MLP
from bendlines.training import train

__all__ = [
    "CONSTANT",
    "LR",
    "SEED",
    "STEPS",
    "WIDTH",
    "distinct_units",
    "symmetry_runs",
    "unit_spread",
]

WIDTH = 16  # units in each of the two hidden layers
CONSTANT = 0.3  # every weight of the constant start
STEPS = 1500  # Adam steps, mini-batches of 50
LR = 0.01
SEED = 0


def unit_spread(net: MLP) -> np.ndarray:
    """For each hidden layer, the largest difference between two units' incoming weights and
    biases (0 when all units of the layer are copies of each other)."""
    spreads = []
    for W, b in net.params[:-1]:
        columns = np.vstack([W, b[None, :]])  # one column per unit
        spreads.append(float(np.max(np.abs(columns - columns[:, :1]))))
    return np.array(spreads)


def distinct_units(net: MLP, tol: float = 1e-9) -> np.ndarray:
    """For each hidden layer, the number of units that are not copies of an earlier unit."""
    counts = []
    for W, b in net.params[:-1]:
        columns = np.vstack([W, b[None, :]]).T
        kept: list[np.ndarray] = []
        for col in columns:
            if not any(np.max(np.abs(col - k)) <= tol for k in kept):
                kept.append(col)
        counts.append(len(kept))
    return np.array(counts)


def _constant_net(sizes: list[int], value: float) -> MLP:
    net = MLP(sizes, "tanh", seed=SEED)
    for W, b in net.params:
        W[...] = value
        b[...] = 0.0
    return net


def symmetry_runs(
    width: int = WIDTH, constant: float = CONSTANT, steps: int = STEPS, lr: float = LR
) -> dict[str, dict]:
    """Train a tanh spiral net with two hidden layers of ``width`` units from two starts.

    ``"constant"``: every weight ``constant``, every bias 0. ``"random"``: He's random start
    (seed ``SEED``). Both use Adam at ``lr`` for ``steps`` steps on the same mini-batches.

    Returns
    -------
    dict: start -> {"spread": per-layer :func:`unit_spread` after training,
    "distinct": per-layer :func:`distinct_units`, "test_acc": test accuracy}
    """
    if width < 2 or steps < 1 or not constant:
        raise ValueError("need width >= 2, steps >= 1 and a nonzero constant")
    (X, y), test = data.load("spiral")
    sizes = [X.shape[1], width, width, int(y.max()) + 1]
    starts = {"constant": _constant_net(sizes, constant), "random": MLP(sizes, "tanh", seed=SEED)}
    out = {}
    for name, net in starts.items():
        train(net, (X, y), optimizer="adam", lr=lr, batch_size=50, steps=steps, seed=SEED,
              eval_every=steps)  # fmt: skip
        out[name] = {
            "spread": unit_spread(net),
            "distinct": distinct_units(net),
            "test_acc": net.accuracy(*test),
        }
    return out
