"""Heavy runs of the chapter "ReLU is piecewise linear", for the results store.

Each run is a module-level function of plain settings that returns a dict of arrays, so
:func:`bendlines.results.get` can key it by this module's source and its settings. The
analysis (choosing rates on validation, errors, intervals) lives in
:mod:`bendlines.experiments.piecewise`, which lists these runs in ``results_tasks()``; this
module changes rarely, so stored entries stay valid.

Runs
----
- ``train_1d_run``: 1-n-1 ReLU nets on a 1-D target, trained with Adam from the hand-built
  interpolant and from random starts, for every rate of a grid.
- ``spiral_run``: a 2-32-32-2 spiral classifier trained from one start and seed, with exact
  region counts and the share of regions near the data, before and after.
- ``depth_run``: exact region counts of random ReLU nets of given widths, over seeds.
"""

from __future__ import annotations

import numpy as np

from bendlines import approx, data, regions
from bendlines.mlp import MLP
from bendlines.training import train, train_many

__all__ = [
    "depth_run",
    "near_fraction",
    "random_relu_net",
    "spiral_run",
    "spiral_start",
    "spread_kinks",
    "train_1d_run",
]


def random_relu_net(widths, seed: int, n_in: int = 2, bias_std: float = 0.5, n_out: int = 1):
    """A random ReLU net: He-normal weights and normal biases, one linear output layer.

    Parameters
    ----------
    widths : sequence of int
        Hidden layer widths, each ``>= 1``.
    seed : int
        Seed of the Generator.
    n_in : int
        Input dimension.
    bias_std : float
        Standard deviation of every bias (``>= 0``).
    n_out : int
        Outputs of the linear last layer.

    Returns
    -------
    list of (W, b)
        ``W`` (fan_in, fan_out) ~ N(0, 2 / fan_in), ``b`` (fan_out,) ~ N(0, bias_std**2).
    """
    widths = [int(w) for w in widths]
    if not widths or min(widths) < 1 or bias_std < 0:
        raise ValueError(
            f"widths must be positive integers and bias_std >= 0; got {widths}, {bias_std}"
        )
    rng = np.random.default_rng(seed)
    params, fan_in = [], n_in
    for w in [*widths, int(n_out)]:
        params.append(
            (rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, w)), rng.normal(0.0, bias_std, w))
        )
        fan_in = w
    return params


def spread_kinks(net: MLP, domain, seed: int) -> None:
    """Move a 1-input net's kinks to uniform random places in ``domain`` (weights unchanged)."""
    W, b = net.params[0]
    kinks = np.random.default_rng(seed).uniform(*domain, size=b.size)
    b[...] = -W[0] * kinks


def _stack(nets) -> dict[str, np.ndarray]:
    """Weights of 1-n-1 nets as arrays ``W1``, ``b1``, ``W2`` (K, n) and ``b2`` (K,)."""
    return {
        "W1": np.array([n.params[0][0][0] for n in nets]),
        "b1": np.array([n.params[0][1] for n in nets]),
        "W2": np.array([n.params[1][0][:, 0] for n in nets]),
        "b2": np.array([n.params[1][1][0] for n in nets]),
    }


def train_1d_run(target: str, units: int, points: int, steps: int, lrs, seeds) -> dict:
    """Adam on a 1-D target from the hand-built interpolant and from random starts.

    For every rate in ``lrs``: one net started from the hand-built interpolant on uniform
    knots (``hinge_interpolant``) and one per seed started from He weights (seed ``s``)
    with its kinks spread uniformly over the domain (seed ``1000 + s``); all trained full
    batch with Adam on the mean squared error over ``points`` equally spaced samples.

    Returns
    -------
    dict
        ``W1``, ``b1``, ``W2`` of shape (len(lrs), 1 + len(seeds), units) and ``b2``
        (len(lrs), 1 + len(seeds)): the trained weights, column 0 the fine-tuned net;
        ``init_W1``, ``init_b1`` (len(seeds), units): the random starts' first layer.
    """
    t = data.target(target)
    x = np.linspace(*t.domain, points)
    X, Y = x[:, None], t.f(x)[:, None]
    g = approx.hinge_interpolant(t.f, approx.uniform_knots(t.domain, units))
    nets, rates = [], []
    for lr in lrs:
        nets.append(MLP.from_params(g.params))
        for s in seeds:
            net = MLP([1, units, 1], seed=s)
            spread_kinks(net, t.domain, 1000 + s)
            nets.append(net)
        rates += [float(lr)] * (1 + len(seeds))
    init = _stack(nets[1 : 1 + len(seeds)])
    train_many(nets, (X, Y), optimizer="adam", lr=rates, batch_size=None, steps=steps,
               eval_every=steps, loss="mse")  # fmt: skip
    shape = (len(lrs), 1 + len(seeds))
    out = {k: v.reshape(*shape, *v.shape[1:]) for k, v in _stack(nets).items()}
    out["init_W1"], out["init_b1"] = init["W1"], init["b1"]
    return out


def spiral_start(start: str, seed: int, sizes, bias_std: float) -> MLP:
    """An untrained classifier: ``"zero bias"`` (He weights, zero biases, the MLP default)
    or ``"random net"`` (:func:`random_relu_net`: He weights, biases with std ``bias_std``)."""
    if start == "zero bias":
        return MLP(list(sizes), seed=seed)
    if start == "random net":
        params = random_relu_net(list(sizes[1:-1]), seed, bias_std=bias_std, n_out=sizes[-1])
        return MLP.from_params(params)
    raise ValueError(f"unknown start {start!r}; allowed: 'zero bias', 'random net'")


def near_fraction(rs, X: np.ndarray, radius: float) -> float:
    """Share of regions whose centroid lies within ``radius`` of a point of ``X`` (n, 2)."""
    c = np.array([r.centroid for r in rs])
    d2 = ((c[:, None, :] - X[None, :, :]) ** 2).sum(axis=-1).min(axis=1)
    return float(np.mean(d2 <= radius**2))


def spiral_run(
    start: str, seed: int, sizes, n: int, data_seed: int, steps: int, lr: float, batch: int,
    box, near: float, bias_std: float,
) -> dict:  # fmt: skip
    """Train one spiral classifier and measure its linear regions before and after.

    The net (:func:`spiral_start`) is trained with Adam on the cross-entropy, mini-batches
    of ``batch`` drawn in an order seeded by ``seed``; regions are enumerated exactly in
    ``box``.

    Returns
    -------
    dict
        ``count`` (2,) regions before and after, ``near`` (2,) share of regions with their
        centroid within ``near`` of a training point, ``accuracy`` () on the test set,
        ``init`` and ``trained`` (n_params,) the flat weights.
    """
    (X, y), (Xt, yt) = data.load("spiral", n_train=n, n_test=n, seed=data_seed)
    net = spiral_start(start, seed, sizes, bias_std)
    init = net.flat_params.copy()
    r0 = regions.linear_regions(net, box)
    train(net, (X, y), optimizer="adam", lr=lr, batch_size=batch, steps=steps, seed=seed,
          eval_every=steps, loss="cross_entropy")  # fmt: skip
    r1 = regions.linear_regions(net, box)
    return {
        "count": np.array([len(r0), len(r1)]),
        "near": np.array([near_fraction(r0, X, near), near_fraction(r1, X, near)]),
        "accuracy": np.array(net.accuracy(Xt, yt)),
        "init": init,
        "trained": net.flat_params.copy(),
    }


def depth_run(widths, seeds, box, bias_std: float) -> dict:
    """Exact region counts in ``box`` of random nets with hidden ``widths``, one per seed.

    Returns
    -------
    dict
        ``counts`` (len(seeds),).
    """
    return {
        "counts": np.array(
            [
                regions.count_regions(random_relu_net(widths, s, bias_std=bias_std), box)
                for s in seeds
            ]
        )
    }
