"""A learned PReLU: its negative slope trained by gradient descent, against leaky ReLU fixed.

PReLU (He et al. 2015) is ``max(z, 0) + a min(z, 0)`` with ``a`` learned. Here each hidden
layer has one shared slope ``a_l`` (He's "channel-shared" variant), started at 0.25 as He et
al. do. The package's :class:`bendlines.mlp.MLP` has fixed activations, so this module carries
its own small two-hidden-layer net: forward, backward (the slope's gradient is the error
signal at the unit's output times ``min(z, 0)``, summed over units and examples) and Adam.
:func:`loss_and_grads` is checked against finite differences in ``tests/test_learned_prelu.py``.

The comparison on MNIST-1D: the learned slope and leaky ReLU with the slope fixed at 0.01 and
at 0.25, each contender's learning rate tuned on the validation split with ``TUNING_SEEDS``,
then reported on ``REPORT_SEEDS`` (disjoint), each seed fixing the start and the batch order
for every contender. The runs live in the results store (``results_tasks``).
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
    "CONTENDERS",
    "LONG_STEPS",
    "LRS",
    "REPORT_SEEDS",
    "STEPS",
    "TUNING_SEEDS",
    "WIDTH",
    "comparison",
    "init_params",
    "loss_and_grads",
    "prelu_runs",
    "results_tasks",
]

WIDTH = 64
STEPS = 2000
#: a second, longer budget for the report runs: does the ranking hold with more steps?
LONG_STEPS = 4000
BATCH = 100
LRS = (3e-3, 1e-2, 3e-2, 1e-1)  # 1e-3 was worst for all three in a first grid
TUNING_SEEDS = (100, 101)
REPORT_SEEDS = tuple(range(10))
START_SLOPE = 0.25
#: contender -> (starting slope, learned?)
CONTENDERS = {
    "prelu": (START_SLOPE, True),
    "leaky_0.01": (0.01, False),
    "leaky_0.25": (0.25, False),
}


def init_params(sizes: Sequence[int], slope: float, seed: int) -> dict[str, list[np.ndarray]]:
    """He-normal weights, zero biases and one slope per hidden layer, from ``seed``."""
    rng = np.random.default_rng(seed)
    W = [rng.standard_normal((a, b)) * math.sqrt(2.0 / a) for a, b in itertools.pairwise(sizes)]
    b = [np.zeros(n) for n in sizes[1:]]
    a = [np.array(float(slope)) for _ in sizes[1:-1]]
    return {"W": W, "b": b, "a": a}


def loss_and_grads(params: dict, X: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """Mean softmax cross-entropy and its gradient with respect to ``W``, ``b`` and ``a``."""
    Ws, bs, slopes = params["W"], params["b"], params["a"]
    acts, pres = [X], []
    for W, b, a in zip(Ws[:-1], bs[:-1], slopes, strict=True):
        z = acts[-1] @ W + b
        pres.append(z)
        acts.append(np.where(z > 0, z, a * z))
    logits = acts[-1] @ Ws[-1] + bs[-1]
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    n = len(X)
    loss = -float(logp[np.arange(n), y].mean())
    delta = np.exp(logp)
    delta[np.arange(n), y] -= 1.0
    delta /= n
    gW, gb, ga = [None] * len(Ws), [None] * len(bs), [None] * len(slopes)
    gW[-1], gb[-1] = acts[-1].T @ delta, delta.sum(axis=0)
    for layer in range(len(slopes) - 1, -1, -1):
        dpost = delta @ Ws[layer + 1].T
        z = pres[layer]
        ga[layer] = np.array(float(np.sum(dpost * np.minimum(z, 0.0))))
        delta = dpost * np.where(z > 0, 1.0, slopes[layer])
        gW[layer], gb[layer] = acts[layer].T @ delta, delta.sum(axis=0)
    return loss, {"W": gW, "b": gb, "a": ga}


def _accuracy(params: dict, X: np.ndarray, y: np.ndarray) -> float:
    a = X
    for W, b, s in zip(params["W"][:-1], params["b"][:-1], params["a"], strict=True):
        z = a @ W + b
        a = np.where(z > 0, z, s * z)
    return float(np.mean(np.argmax(a @ params["W"][-1] + params["b"][-1], axis=1) == y))


def _train(contender: str, lr: float, seed: int, steps: int, split) -> dict:
    slope, learned = CONTENDERS[contender]
    train, val, test = split
    X, y = train[0].astype(np.float64), train[1]
    sizes = [X.shape[1], WIDTH, WIDTH, int(y.max()) + 1]
    params = init_params(sizes, slope, seed)
    keys = ["W", "b"] + (["a"] if learned else [])
    flat = np.concatenate([p.ravel() for k in keys for p in params[k]])
    views, at = {}, 0
    for k in keys:  # make every trained parameter a view into one flat vector, for one Adam
        views[k] = []
        for p in params[k]:
            views[k].append(flat[at : at + p.size].reshape(p.shape))
            at += p.size
    params.update(views)
    opt = Adam(lr)
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        rows = rng.integers(0, len(X), BATCH)
        _, g = loss_and_grads(params, X[rows], y[rows])
        opt.step(flat, np.concatenate([q.ravel() for k in keys for q in g[k]]))
    return {
        "val": _accuracy(params, val[0].astype(np.float64), val[1]),
        "test": _accuracy(params, test[0].astype(np.float64), test[1]),
        "slopes": np.array([float(s) for s in params["a"]]),
    }


def prelu_runs(
    contender: str, lrs: Sequence[float], seeds: Sequence[int], steps: int = STEPS
) -> dict:
    """Train one contender at each rate on each seed: accuracies and final slopes.

    Returns
    -------
    dict with ``"val"``, ``"test"`` of shape ``(len(lrs), len(seeds))`` and ``"slopes"`` of
    shape ``(len(lrs), len(seeds), 2)`` (one slope per hidden layer).
    """
    if contender not in CONTENDERS:
        raise ValueError(f"unknown contender {contender!r}; choose one of {sorted(CONTENDERS)}")
    split = ct.split("mnist1d")
    runs = [[_train(contender, float(lr), int(s), int(steps), split) for s in seeds] for lr in lrs]
    return {k: np.array([[r[k] for r in row] for row in runs]) for k in ("val", "test", "slopes")}


def results_tasks() -> list[tuple]:
    """Tuning runs (every contender at every rate on ``TUNING_SEEDS``) and, once those are
    stored, report runs at each contender's tuned rate on ``REPORT_SEEDS``."""
    tasks = [(prelu_runs, _tuning_settings(c)) for c in CONTENDERS]
    for c in CONTENDERS:
        lr = _tuned_rate(c, lookup=results.peek)
        if lr is not None:
            tasks.append((prelu_runs, _report_settings(c, lr)))
            tasks.append((prelu_runs, {**_report_settings(c, lr), "steps": LONG_STEPS}))
    return tasks


def _tuning_settings(contender: str) -> dict:
    return {"contender": contender, "lrs": list(LRS), "seeds": list(TUNING_SEEDS)}


def _report_settings(contender: str, lr: float) -> dict:
    return {"contender": contender, "lrs": [lr], "seeds": list(REPORT_SEEDS)}


def _tuned_rate(contender: str, lookup=results.get) -> float | None:
    """The rate of ``LRS`` with the best mean validation accuracy on ``TUNING_SEEDS``."""
    r = lookup(prelu_runs, **_tuning_settings(contender))
    if r is None:
        return None
    return LRS[int(np.argmax(np.asarray(r["val"]).mean(axis=1)))]


def comparison() -> dict[str, dict]:
    """Per contender: tuned rate, report-seed test accuracies and final slopes (from the store),
    ``"test_long"``: the same at ``LONG_STEPS`` steps (same rate and seeds), and ``"at_edge"``:
    whether the tuned rate is at an end of ``LRS``."""
    out = {}
    for c in CONTENDERS:
        lr = _tuned_rate(c)
        r = results.get(prelu_runs, **_report_settings(c, lr))
        long = results.get(prelu_runs, **_report_settings(c, lr), steps=LONG_STEPS)
        out[c] = {"lr": lr, "test": np.asarray(r["test"])[0], "slopes": np.asarray(r["slopes"])[0],
                  "test_long": np.asarray(long["test"])[0],
                  "at_edge": lr in (LRS[0], LRS[-1])}  # fmt: skip
    return out
