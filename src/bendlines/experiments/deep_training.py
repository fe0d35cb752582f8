"""Training runs of the chapter "Training deep networks": rescuing a deep sigmoid net.

A module of its own because its results are stored (``results/``, :mod:`bendlines.results`),
keyed by this module's source: analysis code lives in :mod:`bendlines.experiments.deep`, so
editing it does not invalidate the stored runs. ``make experiments`` computes every entry
listed by :func:`results_tasks`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from bendlines import activations, data
from bendlines.mlp import init_weights

__all__ = ["LRS", "SEEDS", "VARIANTS", "rescue_runs", "results_tasks"]

VARIANTS = ("plain", "standardised", "residual")
ACTIVATION = "sigmoid"
DEPTH = 10  # hidden layers
WIDTH = 64
LRS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # plain SGD, spaced by about x3
SEEDS = (0, 1, 2, 3, 4)
STEPS = 2000
BATCH = 100
VALIDATION = 800  # training examples held out to choose the learning rate
_EPS = 1e-5  # added to the batch variance by the standardisation


def _check_names(names: Sequence[str], allowed: Sequence[str], what: str) -> list[str]:
    names = list(names)
    bad = [n for n in names if n not in allowed]
    if bad or not names:
        raise ValueError(f"unknown {what} {bad or names!r}; choose from {list(allowed)}")
    return names


def _split() -> tuple[tuple, tuple, tuple]:
    (X, y), (Xt, yt) = data.load("mnist1d")
    n = len(X) - VALIDATION
    return (X[:n], y[:n]), (X[n:], y[n:]), (Xt, yt)


def _init_stack(seeds: Sequence[int], sizes: Sequence[int], dtype) -> list[list[np.ndarray]]:
    """Xavier-uniform weights and zero biases, one net per seed, stacked on axis 0."""
    layers = []
    per_seed = [np.random.default_rng(s) for s in seeds]
    for fan_in, fan_out in itertools.pairwise(sizes):
        W = np.stack([init_weights(fan_in, fan_out, "xavier", r) for r in per_seed]).astype(dtype)
        layers.append([W, np.zeros((len(seeds), 1, fan_out), dtype=dtype)])
    return layers


def _forward(layers, X, variant: str, act, stats=None):
    """Forward pass of a stack of nets; returns logits, a cache for backprop, batch stats."""
    a = X
    cache, batch_stats = [], []
    for i, (W, b) in enumerate(layers[:-1]):
        z = a @ W
        z += b
        if variant == "standardised":
            if stats is None:
                mu = z.mean(axis=-2, keepdims=True)
                var = z.var(axis=-2, keepdims=True)
            else:
                mu, var = stats[i]
            batch_stats.append((mu, var))
            inv = 1.0 / np.sqrt(var + _EPS)
            u = (z - mu) * inv
        else:
            u, inv = z, None
        h, slope = act.value_and_grad(u)
        cache.append((a, u, inv, slope))
        a = a + h if variant == "residual" and i > 0 else h
    W, b = layers[-1]
    cache.append((a, None, None, None))
    return a @ W + b, cache, batch_stats


def _cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean cross-entropy of each net of a stack and its gradient; ``y`` of shape (K, n)."""
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    total = e.sum(axis=-1, keepdims=True)
    k, n = y.shape
    rows, cols = np.arange(k)[:, None], np.arange(n)[None, :]
    loss = (np.log(total[..., 0]) - z[rows, cols, y]).mean(axis=-1)
    e /= total
    e[rows, cols, y] -= 1.0
    e /= n
    return loss, e


def _backward(layers, cache, dlogits, variant: str):
    grads = []
    a_last = cache[-1][0]
    W_out = layers[-1][0]
    grads.append((a_last.mT @ dlogits, dlogits.sum(axis=-2, keepdims=True)))
    dA = dlogits @ W_out.mT
    for i in range(len(layers) - 2, -1, -1):
        a_prev, u, inv, slope = cache[i]
        du = dA * slope
        if variant == "standardised":  # through u = (z - mean) / sqrt(var + eps)
            dz = du - du.mean(axis=-2, keepdims=True)
            dz -= u * (du * u).mean(axis=-2, keepdims=True)
            dz *= inv
        else:
            dz = du
        W = layers[i][0]
        grads.append((a_prev.mT @ dz, dz.sum(axis=-2, keepdims=True)))
        if i > 0:
            back = dz @ W.mT
            dA = back + dA if variant == "residual" and i > 0 else back
    return grads[::-1]


def _accuracy(layers, X, y, variant, act, train_X) -> np.ndarray:
    """Accuracy of every net of the stack (standardisation: training-set statistics)."""
    k = len(layers[0][0])

    def stacked(A):  # a contiguous copy per net: broadcast operands make matmul ~30x slower
        return np.ascontiguousarray(np.broadcast_to(A, (k, *A.shape)))

    stats = None
    if variant == "standardised":  # population statistics of the training set, layer by layer
        _, _, stats = _forward(layers, stacked(train_X), variant, act)
    logits, _, _ = _forward(layers, stacked(X), variant, act, stats)
    return (np.argmax(logits, axis=-1) == y[None]).mean(axis=-1)


def rescue_runs(
    variant: str = "plain",
    lrs: Sequence[float] = LRS,
    seeds: Sequence[int] = SEEDS,
    steps: int = STEPS,
    depth: int = DEPTH,
    width: int = WIDTH,
    activation: str = ACTIVATION,
) -> dict[str, np.ndarray]:
    """Train deep nets of one variant with plain SGD at every learning rate and seed.

    ``"plain"``: ``a_l = phi(z_l)``. ``"standardised"``: each pre-activation is standardised
    over the mini-batch before the activation, ``phi((z - mean) / sqrt(var + 1e-5))`` (batch
    normalisation without its learned scale and shift; evaluation uses the training set's
    statistics). ``"residual"``: every hidden layer after the first adds its input back,
    ``a_l = a_{l-1} + phi(z_l)``. Every variant starts from the same Xavier-uniform weights per
    seed (zero biases), and each seed has its own mini-batch order, shared by every variant and
    rate. MNIST-1D's training set loses its last ``VALIDATION`` examples to a validation split,
    which alone chooses the learning rate; the test set is only reported. float32, batch 100,
    cross-entropy loss.

    Returns
    -------
    dict
        ``"val_half"``, ``"val"``, ``"test"``: arrays of shape ``(len(lrs), len(seeds))`` with
        the validation accuracy after ``steps // 2`` and ``steps`` steps and the test accuracy
        after ``steps`` (fractions); a net whose loss stopped being finite scores ``nan``.
    """
    _check_names([variant], VARIANTS, "variant")
    if steps < 2 or not lrs or not seeds:
        raise ValueError("need steps >= 2 and at least one learning rate and one seed")
    act = activations.get(activation)
    (X, y), (Xv, yv), (Xt, yt) = _split()
    dtype = X.dtype
    sizes = [X.shape[1], *[width] * depth, 10]
    n_lr, n_seed = len(lrs), len(seeds)
    lr = np.repeat(np.asarray(lrs, dtype=dtype), n_seed)[:, None, None]
    batches_per_epoch = len(X) // BATCH
    layers = _init_stack(list(seeds) * n_lr, sizes, dtype)
    rngs = [np.random.default_rng(10_000 + s) for s in seeds]
    perms: list[np.ndarray] = []
    alive = np.ones(n_lr * n_seed, dtype=bool)
    val_half = np.full(n_lr * n_seed, np.nan)
    for step in range(steps):
        j = step % batches_per_epoch
        if j == 0:
            perms = [r.permutation(len(X)) for r in rngs]
        idx = np.stack([p[j * BATCH : (j + 1) * BATCH] for p in perms] * n_lr)
        with np.errstate(all="ignore"):
            logits, cache, _ = _forward(layers, X[idx], variant, act)
            loss, dlogits = _cross_entropy(logits, y[idx])
        alive &= np.isfinite(loss)
        dlogits[~alive] = 0.0
        with np.errstate(all="ignore"):
            grads = _backward(layers, cache, dlogits, variant)
        for (W, b), (dW, db) in zip(layers, grads, strict=True):
            W -= lr * dW
            b -= lr * db
        if step + 1 == steps // 2:
            val_half = _accuracy(layers, Xv, yv, variant, act, X)
    shape = (n_lr, n_seed)
    dead = ~alive.reshape(shape)
    val = _accuracy(layers, Xv, yv, variant, act, X)
    test = _accuracy(layers, Xt, yt, variant, act, X)
    return {
        k: np.where(dead, np.nan, v.reshape(shape))
        for k, v in (("val_half", val_half), ("val", val), ("test", test))
    }


def results_tasks() -> list[tuple]:
    """The stored entries: one rescue run per variant at the chapter's settings."""
    return [(rescue_runs, {"variant": v}) for v in VARIANTS]
