"""A task where the sign of the input is the answer: can a square net tell ``-x`` from ``x``?

The data are points of the square ``[-1, 1]^2`` labelled by the sign of their first
coordinate, and every point comes with its mirror image ``-x``, which has the other label.
A network whose activation is even (``phi(-z) = phi(z)``, as for the square) and whose
hidden layers have no biases computes an even function, ``f(-x) = f(x)``: it predicts the
same class for a point and its mirror, so on such a mirrored set it is right on exactly one
of each pair, 50 %, whatever its weights. Biases break the symmetry: ``(w.x + b)^2`` differs
from ``(-w.x + b)^2`` by ``4 b w.x``.

:func:`sign_run` trains square and ReLU nets, each with and without biases, with Adam on the
same mini-batches; the chapter's analysis tunes the rate per contender
(:func:`bendlines.experiments.choosing.tuned`).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from bendlines.mlp import MLP, layer_views
from bendlines.optim import Adam

__all__ = [
    "SIGN_CONTENDERS",
    "mirrored_signs",
    "sign_run",
    "sign_split",
    "train_bias_free",
]

#: Contenders ``(activation, with biases)``, in the order of every returned array.
SIGN_CONTENDERS = (("square", True), ("square", False), ("relu", True), ("relu", False))
SIGN_WIDTH = 16
SIGN_DEPTH = 1
SIGN_BATCH = 50
#: Mirror pairs in the training set (a quarter of them held out for validation) and test set.
SIGN_TRAIN_PAIRS = 400
SIGN_TEST_PAIRS = 500
SIGN_VAL_FRACTION = 0.25
#: Training budgets in steps, a short and a long one: the ranking must not change between.
SIGN_BUDGETS = (1000, 4000)


def mirrored_signs(n_pairs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n_pairs`` uniform points of ``[-1, 1]^2`` followed by their mirror images.

    Returns ``(X, y)``: ``X`` of shape ``(2 n_pairs, 2)`` with ``X[n_pairs + i] = -X[i]``,
    ``y`` the class 1 where the first coordinate is positive, else 0.
    """
    if n_pairs < 1:
        raise ValueError("n_pairs must be >= 1")
    half = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n_pairs, 2))
    X = np.concatenate([half, -half])
    return X, (X[:, 0] > 0).astype(np.int64)


@cache
def sign_split() -> tuple[tuple, tuple, tuple]:
    """``(train, validation, test)`` pairs ``(X, y)``; each of the three is mirror-closed."""
    n_val = round(SIGN_VAL_FRACTION * SIGN_TRAIN_PAIRS)
    X, y = mirrored_signs(SIGN_TRAIN_PAIRS, seed=0)
    half = SIGN_TRAIN_PAIRS

    def pairs(idx):
        rows = np.concatenate([idx, idx + half])
        return X[rows], y[rows]

    idx = np.arange(half)
    return pairs(idx[:-n_val]), pairs(idx[-n_val:]), mirrored_signs(SIGN_TEST_PAIRS, seed=1)


def train_bias_free(
    net: MLP, train: tuple, *, fit_bias: bool, lr: float, steps: int, batch: int,
    rng: np.random.Generator,
) -> np.ndarray:  # fmt: skip
    """Train ``net`` in place with Adam on softmax cross-entropy; mini-batches drawn by ``rng``.

    With ``fit_bias=False`` the gradient of every bias is set to zero, so biases that start
    at zero stay zero: the net has no biases. Returns the mini-batch losses, ``(steps,)``;
    training stops at the first loss that is not finite (the rest are ``nan``).
    """
    X, y = train
    optimizer = Adam(lr)
    flat = net.flat_params
    grad = np.zeros_like(flat)
    views = layer_views(grad, net.sizes)
    losses = np.full(steps, np.nan)
    order = np.empty(0, dtype=np.int64)
    for t in range(steps):
        if len(order) < batch:
            order = rng.permutation(len(X))
        rows, order = order[:batch], order[batch:]
        loss, grads = net.loss_and_grads(X[rows], y[rows])
        if not math.isfinite(loss):
            break
        losses[t] = loss
        for (gW, gb), (dW, db) in zip(views, grads, strict=True):
            gW[...] = dW
            gb[0] = db if fit_bias else 0.0
        optimizer.step(flat, grad)
    return losses


def sign_run(*, steps: int, lr: float, seed: int) -> dict[str, np.ndarray]:
    """Train one net per :data:`SIGN_CONTENDERS` (He weights, zero biases at the start).

    Seed ``seed`` draws the initial weights and the mini-batch order; all contenders see the
    same mini-batches.

    Returns
    -------
    dict
        Per contender: ``val_acc``, ``test_acc``, ``train_loss`` (last mini-batch loss),
        ``diverged``, and ``mirror_agree``: the fraction of test points whose mirror image
        gets the same class (1 for an even function).
    """
    train, val, test = sign_split()
    sizes = [2, *[SIGN_WIDTH] * SIGN_DEPTH, 2]
    n_pairs = len(test[0]) // 2
    out = {k: [] for k in ("val_acc", "test_acc", "train_loss", "diverged", "mirror_agree")}
    for name, fit_bias in SIGN_CONTENDERS:
        net = MLP(sizes, name, init="he", seed=seed)
        losses = train_bias_free(net, train, fit_bias=fit_bias, lr=lr, steps=steps,
                                 batch=SIGN_BATCH, rng=np.random.default_rng(seed))  # fmt: skip
        diverged = bool(np.isnan(losses[-1]))
        pred = net.predict(test[0])
        out["val_acc"].append(math.nan if diverged else net.accuracy(*val))
        out["test_acc"].append(math.nan if diverged else net.accuracy(*test))
        out["train_loss"].append(losses[-1])
        out["diverged"].append(diverged)
        out["mirror_agree"].append(float(np.mean(pred[:n_pairs] == pred[n_pairs:])))
    return {k: np.array(v) for k, v in out.items()}
