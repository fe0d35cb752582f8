"""Lu et al.'s randomized asymmetric initialisation, measured as a remedy for dying ReLU.

Lu, Shin, Su and Karniadakis (2020) prove that a deep ReLU net whose weights and biases come
from symmetric distributions is, with probability tending to 1 as depth grows, *born dead*:
constant on all its inputs. Their remedy, the randomized asymmetric initialisation (RAI),
treats each hidden unit's incoming weights and bias as one vector ``v`` of length
``fan_in + 1``; one entry, chosen uniformly at random, is drawn from the asymmetric
distribution Beta(2, 1) (always positive, mean 2/3), the others from a normal distribution
with mean 0 and standard deviation ``RAI_SIGMA / sqrt(fan_in)``. The positive entry makes it
likely that a unit is active on part of the input: half of all units now have a positive
bias, or a positive weight on one input.

This module holds the initialisation and the runs the results store keeps; the chapter's
analysis lives in :mod:`bendlines.experiments.choosing`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from bendlines.experiments import choosing_training as ct
from bendlines.mlp import MLP
from bendlines.training import train_many

__all__ = [
    "INITS",
    "INIT_BUDGETS",
    "INIT_CONTENDERS",
    "RAI_SIGMA",
    "collapsed_at_init",
    "init_run",
    "rai_layer",
    "rai_net",
]

#: Standard deviation of the symmetric entries times ``sqrt(fan_in)``: the value Lu et al.
#: derive for Beta(2, 1) so that the second moment of the signal is kept from layer to layer.
RAI_SIGMA = 0.6007
#: Initialisations compared by :func:`collapsed_at_init`.
INITS = ("he", "rai")
#: Initialisations of the ReLU nets of :func:`init_run`, in the order of its arrays: He with
#: zero biases, RAI, and RAI's symmetric control (its scale, no positive entry, zero biases).
INIT_CONTENDERS = ("he", "rai", "rai_symmetric")
#: Training budgets of :func:`init_run` in steps, a short and a long one.
INIT_BUDGETS = (1000, 4000)


def rai_layer(
    fan_in: int, fan_out: int, rng: np.random.Generator, n_nets: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``(fan_in, fan_out)`` and biases ``(fan_out,)`` of one layer drawn by RAI.

    With ``n_nets`` given, draws that many independent layers at once: shapes
    ``(n_nets, fan_in, fan_out)`` and ``(n_nets, fan_out)``.
    """
    if fan_in < 1 or fan_out < 1:
        raise ValueError("fan_in and fan_out must be >= 1")
    lead = () if n_nets is None else (n_nets,)
    # one column per unit: its fan_in weights, then its bias
    V = rng.standard_normal((*lead, fan_in + 1, fan_out)) * (RAI_SIGMA / math.sqrt(fan_in))
    pick = rng.integers(0, fan_in + 1, size=(*lead, 1, fan_out))
    positive = rng.beta(2.0, 1.0, size=(*lead, 1, fan_out))
    np.put_along_axis(V, pick, positive, axis=-2)
    return V[..., :fan_in, :], V[..., fan_in, :]


def rai_net(
    sizes: Sequence[int], activation: str, seed: int, asymmetric: bool = True, dtype=np.float32
) -> MLP:
    """An :class:`~bendlines.mlp.MLP` whose hidden layers are drawn by RAI.

    The output layer keeps the package's default (He weights, zero biases), so that only the
    hidden layers, where units can die, differ from a He-initialised net. With
    ``asymmetric=False`` the control: the same scale, ``N(0, RAI_SIGMA**2 / fan_in)`` for
    every weight, and zero biases (no positive entry).
    """
    rng = np.random.default_rng(seed)
    net = MLP(sizes, activation, init="he", seed=seed, dtype=dtype)
    pairs = itertools.pairwise(sizes[:-1])  # hidden layers only
    if asymmetric:
        params = [rai_layer(a, b, rng) for a, b in pairs]
    else:
        params = [(rng.standard_normal((a, b)) * (RAI_SIGMA / math.sqrt(a)), np.zeros(b))
                  for a, b in pairs]  # fmt: skip
    for (W, b), (W_new, b_new) in zip(net.params[:-1], params, strict=True):
        W[...] = W_new
        b[...] = b_new
    return net


def collapsed_at_init(
    *, init: str, width: int, max_depth: int, n_nets: int, grid: int = 21, seed: int = 0
) -> dict[str, np.ndarray]:
    """Monte Carlo probability that a random 2-input ReLU net is constant on the square.

    Nets have hidden layers of ``width`` units. ``init="he"``: He-normal weights and zero
    biases; ``"rai"``: :func:`rai_layer`. A net is *collapsed* at depth ``L`` when every unit
    of hidden layer ``L`` takes one value on all ``grid x grid`` points of ``[-1, 1]^2``;
    every later layer, and the output, are then constant too. With He weights and zero
    biases a collapsed layer is a dead one: it outputs 0 everywhere.

    Returns
    -------
    dict
        ``"collapsed"``: fraction of the ``n_nets`` nets collapsed at depth 1 ..
        ``max_depth``, shape ``(max_depth,)``.
    """
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; choose one of {INITS}")
    if min(n_nets, width, max_depth) < 1 or grid < 2:
        raise ValueError("n_nets, width and max_depth must be >= 1, grid >= 2")
    rng = np.random.default_rng(seed)
    axis = np.linspace(-1.0, 1.0, grid)
    X = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)  # (P, 2)
    A = np.broadcast_to(X, (n_nets, *X.shape))
    collapsed = np.zeros((max_depth, n_nets), dtype=bool)
    for layer in range(max_depth):
        fan_in = A.shape[-1]
        if init == "he":
            W = rng.standard_normal((n_nets, fan_in, width)) * math.sqrt(2.0 / fan_in)
            A = np.maximum(A @ W, 0.0)
        else:
            W, b = rai_layer(fan_in, width, rng, n_nets)
            A = np.maximum(A @ W + b[:, None, :], 0.0)
        collapsed[layer] = np.all(A.max(axis=1) == A.min(axis=1), axis=-1)
    return {"collapsed": collapsed.mean(axis=1)}


def init_run(*, steps: int, lr: float, seed: int) -> dict[str, np.ndarray]:
    """ReLU nets of the dying-ReLU shape on MNIST-1D, one per :data:`INIT_CONTENDERS`.

    Adam at ``lr`` on the training part of ``choosing_training.split("mnist1d")``, evaluated
    on its validation part (for tuning) and on the test set; seed ``seed`` draws the weights
    and the mini-batch order.

    Returns
    -------
    dict
        Per contender: ``val_acc``, ``val_loss``, ``train_loss``, ``test_acc``, ``diverged``
        and ``dead_start``, ``dead_end``: the fraction of hidden units dead on the whole
        training part before and after training.
    """
    train, val, test = ct.split("mnist1d")
    sizes = [train[0].shape[1], *[ct.DYING_WIDTH] * ct.DYING_DEPTH, 10]
    nets = [
        MLP(sizes, "relu", init="he", seed=seed, dtype=np.float32)
        if init == "he"
        else rai_net(sizes, "relu", seed, asymmetric=init == "rai")
        for init in INIT_CONTENDERS
    ]
    start = [np.concatenate(ct.dead_units(net, train[0])).mean() for net in nets]
    hists = train_many(nets, train, val, optimizer="adam", lr=lr, batch_size=ct.DYING_BATCH,
                       steps=steps, seed=seed, eval_every=steps)  # fmt: skip
    end = [np.concatenate(ct.dead_units(net, train[0])).mean() for net in nets]
    return {**ct._final(hists, nets, test), "dead_start": np.array(start),
            "dead_end": np.array(end)}  # fmt: skip
