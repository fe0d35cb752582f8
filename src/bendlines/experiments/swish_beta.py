"""Swish-β measured: a few fixed β against each other and ReLU (β → ∞) on MNIST-1D.

Swish-β is ``z σ(β z)`` (Ramachandran et al. 2017). The package's :class:`bendlines.mlp.MLP`
has no β knob, so this module carries its own small two-hidden-layer net (the same shape as
:mod:`bendlines.experiments.learned_prelu`'s: width ``WIDTH``, He-normal start, Adam,
batches of ``BATCH``): forward, backward and the activation's derivative
``σ(βz) + βz σ(βz)(1 − σ(βz))``. :func:`loss_and_grads` is checked against finite
differences in ``tests/test_swish_beta.py``.

The design follows the book's evidence rules: each contender's learning rate is tuned on the
validation split with ``TUNING_SEEDS``; report runs at the tuned rate on ``REPORT_SEEDS``
(disjoint), each seed fixing the start and the batch order for every contender, at two
budgets ``BUDGETS`` so a reader can see whether more steps change the ranking. The runs live
in the results store (``results_tasks``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from bendlines import results
from bendlines.experiments import choosing_training as ct
from bendlines.optim import Adam

__all__ = [
    "BUDGETS",
    "CONTENDERS",
    "LRS",
    "REPORT_SEEDS",
    "TUNING_SEEDS",
    "WIDTH",
    "activation",
    "comparison",
    "loss_and_grads",
    "results_tasks",
    "swish_runs",
]

WIDTH = 64
BATCH = 100
BUDGETS = (2000, 4000)
LRS = (1e-3, 3e-3, 1e-2, 3e-2)
TUNING_SEEDS = (100, 101)
REPORT_SEEDS = tuple(range(10))
#: contender -> β (``None``: ReLU, the β → ∞ limit)
CONTENDERS = {"beta_0.5": 0.5, "beta_1": 1.0, "beta_2": 2.0, "beta_8": 8.0, "relu": None}


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def activation(z: np.ndarray, beta: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Swish-β (ReLU when ``beta`` is ``None``) at ``z`` and its derivative."""
    if beta is None:
        return np.maximum(z, 0.0), (z > 0).astype(z.dtype)
    s = _sigmoid(beta * z)
    return z * s, s + beta * z * s * (1.0 - s)


def init_params(sizes: Sequence[int], seed: int) -> dict[str, list[np.ndarray]]:
    """He-normal weights and zero biases from ``seed``."""
    rng = np.random.default_rng(seed)
    W = [rng.standard_normal((a, b)) * math.sqrt(2.0 / a) for a, b in itertools.pairwise(sizes)]
    return {"W": W, "b": [np.zeros(n) for n in sizes[1:]]}


def _forward(params: dict, X: np.ndarray, beta: float | None):
    acts, slopes = [X], []
    for W, b in zip(params["W"][:-1], params["b"][:-1], strict=True):
        h, d = activation(acts[-1] @ W + b, beta)
        acts.append(h)
        slopes.append(d)
    return acts, slopes, acts[-1] @ params["W"][-1] + params["b"][-1]


def loss_and_grads(params: dict, X: np.ndarray, y: np.ndarray, beta: float | None):
    """Mean softmax cross-entropy and its gradient with respect to ``W`` and ``b``."""
    acts, slopes, logits = _forward(params, X, beta)
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    n = len(X)
    loss = -float(logp[np.arange(n), y].mean())
    delta = np.exp(logp)
    delta[np.arange(n), y] -= 1.0
    delta /= n
    Ws = params["W"]
    gW, gb = [None] * len(Ws), [None] * len(Ws)
    for layer in range(len(Ws) - 1, -1, -1):
        gW[layer], gb[layer] = acts[layer].T @ delta, delta.sum(axis=0)
        if layer:
            delta = (delta @ Ws[layer].T) * slopes[layer - 1]
    return loss, {"W": gW, "b": gb}


def _accuracy(params: dict, X: np.ndarray, y: np.ndarray, beta: float | None) -> float:
    return float(np.mean(np.argmax(_forward(params, X, beta)[2], axis=1) == y))


def _train(beta: float | None, lr: float, seed: int, steps: int, split) -> dict:
    train, val, test = split
    X, y = train[0].astype(np.float64), train[1]
    params = init_params([X.shape[1], WIDTH, WIDTH, int(y.max()) + 1], seed)
    flat = np.concatenate([p.ravel() for k in ("W", "b") for p in params[k]])
    at = 0
    for k in ("W", "b"):  # every parameter a view into one flat vector, for one Adam
        views = []
        for p in params[k]:
            views.append(flat[at : at + p.size].reshape(p.shape))
            at += p.size
        params[k] = views
    opt = Adam(lr)
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        rows = rng.integers(0, len(X), BATCH)
        _, g = loss_and_grads(params, X[rows], y[rows], beta)
        opt.step(flat, np.concatenate([q.ravel() for k in ("W", "b") for q in g[k]]))
    return {
        "val": _accuracy(params, val[0].astype(np.float64), val[1], beta),
        "test": _accuracy(params, test[0].astype(np.float64), test[1], beta),
    }


def swish_runs(contender: str, lrs: Sequence[float], seeds: Sequence[int], steps: int) -> dict:
    """Train one contender at each rate on each seed for ``steps`` Adam steps.

    Returns
    -------
    dict with ``"val"`` and ``"test"`` accuracies of shape ``(len(lrs), len(seeds))``.
    """
    if contender not in CONTENDERS:
        raise ValueError(f"unknown contender {contender!r}; choose one of {sorted(CONTENDERS)}")
    split = ct.split("mnist1d")
    beta = CONTENDERS[contender]
    runs = [[_train(beta, float(lr), int(s), int(steps), split) for s in seeds] for lr in lrs]
    return {k: np.array([[r[k] for r in row] for row in runs]) for k in ("val", "test")}


def _tuning_settings(contender: str) -> dict:
    return {"contender": contender, "lrs": list(LRS), "seeds": list(TUNING_SEEDS),
            "steps": BUDGETS[0]}  # fmt: skip


def _report_settings(contender: str, lr: float, steps: int) -> dict:
    return {"contender": contender, "lrs": [lr], "seeds": list(REPORT_SEEDS), "steps": steps}


def _tuned_rate(contender: str, lookup=results.get) -> float | None:
    """The rate of ``LRS`` with the best mean validation accuracy on ``TUNING_SEEDS``."""
    r = lookup(swish_runs, **_tuning_settings(contender))
    if r is None:
        return None
    return LRS[int(np.argmax(np.asarray(r["val"]).mean(axis=1)))]


def results_tasks() -> list[tuple]:
    """Tuning runs (every contender at every rate on ``TUNING_SEEDS``) and, once those are
    stored, report runs at each contender's tuned rate on ``REPORT_SEEDS`` at each budget."""
    tasks = [(swish_runs, _tuning_settings(c)) for c in CONTENDERS]
    for c in CONTENDERS:
        lr = _tuned_rate(c, lookup=results.peek)
        if lr is not None:
            tasks += [(swish_runs, _report_settings(c, lr, s)) for s in BUDGETS]
    return tasks


def comparison() -> dict:
    """From the store: per contender its tuned rate and ``"at_edge"`` (the rate at an end of
    ``LRS``), and per budget the report-seed test accuracies (``"test"``: budget -> array)."""
    out = {}
    for c in CONTENDERS:
        lr = _tuned_rate(c)
        tests = {s: np.asarray(results.get(swish_runs, **_report_settings(c, lr, s))["test"])[0]
                 for s in BUDGETS}  # fmt: skip
        out[c] = {"lr": lr, "at_edge": lr in (LRS[0], LRS[-1]), "test": tests}
    return out
