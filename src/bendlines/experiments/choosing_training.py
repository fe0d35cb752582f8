"""Training runs of the chapter "Choosing an activation function": the heavy part.

Each *run* function trains the contenders of one experiment at one learning rate and one
seed (seed s draws every net's initial weights and orders the mini-batches) and returns
arrays whose first axis is the contender. The runs are entries of the results store
(:mod:`bendlines.results`), keyed by this module's code and the bendlines modules it uses;
the tuning over learning rates and seeds, the statistics and the list of entries live in
:mod:`bendlines.experiments.choosing`, so editing them does not invalidate stored runs.

The protocol: learning rates tuned per contender on a validation split carved from the
training set (:func:`split`), never on the test set; every seed its own initialisation and
batch order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import numpy as np

from bendlines import data, gated
from bendlines.mlp import MLP
from bendlines.training import History, train_many

__all__ = [
    "BAD_CANDIDATES",
    "DYING_ACTIVATIONS",
    "DYING_SETTINGS",
    "GATED_MODELS",
    "H2H_ACTIVATIONS",
    "H2H_BUDGETS",
    "H2H_DEPTHS",
    "SCALE_INITS",
    "SEEDS",
    "bad_run",
    "dead_units",
    "dying_run",
    "gated_run",
    "h2h_run",
    "init_for",
    "learning_rate",
    "scale_run",
    "singular_gradient",
    "smoothed_steps_to",
    "split",
]

# ---- the protocol -----
#: Seeds: seed s initialises every net of a run and orders its mini-batches.
SEEDS = (0, 1, 2, 3, 4)
#: Learning rates are 1, 3, 10, 30, ... x 1e-4: grid index k gives ``learning_rate(k)``.
GRID_START = (-7, -4)  # 3e-4 .. 1e-2
GRID_LIMITS = (-11, -1)  # 3e-6 .. 3e-1: never extended beyond
#: Fraction of the training set held out for choosing the learning rate.
VAL_FRACTION = 0.25

# ---- head to head (MNIST-1D) -----
H2H_ACTIVATIONS = ("relu", "leaky_relu", "elu", "selu", "gelu", "silu", "tanh", "sigmoid")
#: Training budgets in steps for each number of hidden layers, a short one and a long one.
H2H_BUDGETS = {2: (2000, 8000), 8: (1000, 4000)}
H2H_DEPTHS = tuple(H2H_BUDGETS)
H2H_WIDTH = 32
H2H_BATCH = 50
#: Training losses (nats) for "steps to reach"; the chapter uses one of them.
H2H_TARGETS = (1.5, 1.2, 1.0, 0.8)
H2H_WINDOW = 50  # mini-batch losses averaged when testing a target

# ---- dying ReLU (MNIST-1D, no tuning: a mechanism, not a ranking) -----
DYING_ACTIVATIONS = ("relu", "leaky_relu", "elu")
DYING_DEPTH = 4
DYING_WIDTH = 64
DYING_BATCH = 100
DYING_STEPS = 2000
DYING_SEEDS = (0, 1, 2, 3, 4)
#: setting -> (bias_init, optimizer, learning rate), weights He-normal.
DYING_SETTINGS = {
    "negative bias, SGD": (-1.0, "sgd", 0.05),
    "negative bias, Adam": (-1.0, "adam", 1e-3),
    "large rate": (0.0, "adam", 0.05),
    "zero bias, Adam": (0.0, "adam", 1e-3),
}

# ---- tanh and the input scale (the spiral of the first chapter) -----
SCALE_NAMES = ("tanh", "relu")
SCALE_INITS = ("xavier", "he", 1.41)
SCALE_DEPTH = 2
SCALE_WIDTH = 32
SCALE_BATCH = 50
SCALE_BUDGETS = (300, 3000)

# ---- why not any nonlinear function (the same spiral) -----
BAD_CANDIDATES = ("relu", "tanh", "signed_sqrt", "square", "sqrt", "log", "step")
BAD_DEPTH = 2
BAD_WIDTH = 32
BAD_BATCH = 50
BAD_STEPS = 4000
SQUARE_DEPTHS = (1, 2, 3, 4)

# ---- gated units (MNIST-1D) -----
#: contender -> (kind, activation or gate); gated layers are narrower to match parameters.
GATED_MODELS = {
    "ReLU": ("mlp", "relu"),
    "GELU": ("mlp", "gelu"),
    "GLU": ("gated", "sigmoid"),
    "SwiGLU": ("gated", "silu"),
}
GATED_DEPTH = 2
GATED_WIDTH = 32
GATED_BATCH = 50
GATED_STEPS = 4000


def learning_rate(k: int) -> float:
    """Grid value ``k``: ``10**(k/2)`` rounded to 1 or 3 times a power of ten (k=-6: 1e-3)."""
    return float(f"{1 if k % 2 == 0 else 3}e{k // 2}")


def init_for(name: str) -> str:
    """The usual initialisation: LeCun for SELU, Xavier for sigmoid and tanh, He otherwise."""
    if name == "selu":
        return "lecun"
    if name in ("sigmoid", "tanh", "softsign"):
        return "xavier"
    return "he"


# ---- data -----
@cache
def split(task: str) -> tuple[tuple, tuple, tuple]:
    """``(train, validation, test)`` pairs ``(X, y)`` in float32.

    The validation set is the last :data:`VAL_FRACTION` of a fixed permutation (seed 0) of the
    data set's training split; the test split is untouched. ``"spiral"`` is the first
    chapter's spiral (one turn, the loader's defaults).
    """
    if task not in ("mnist1d", "spiral"):
        raise ValueError(f"unknown task {task!r}; choose 'mnist1d' or 'spiral'")
    (X, y), test = data.load(task, dtype=np.float32)
    order = np.random.default_rng(0).permutation(len(X))
    n_val = round(VAL_FRACTION * len(X))
    fit, val = order[:-n_val], order[-n_val:]
    return (X[fit], y[fit]), (X[val], y[val]), test


def _sizes(task: str, depth: int, width: int) -> list[int]:
    train, _, _ = split(task)
    return [train[0].shape[1], *[width] * depth, int(train[1].max()) + 1]


def _final(hists: list[History], nets: list[MLP], test) -> dict[str, np.ndarray]:
    """Validation and test accuracy (``nan`` for a net whose training diverged)."""
    ok = np.array([not h.diverged for h in hists])

    def last(h: History, key: str) -> float:
        return float(getattr(h, key)[-1]) if not h.diverged else math.nan

    with np.errstate(all="ignore"):
        test_acc = [net.accuracy(*test) if not h.diverged else math.nan
                    for net, h in zip(nets, hists, strict=True)]  # fmt: skip
    return {
        "val_acc": np.array([last(h, "test_acc") for h in hists]),
        "val_loss": np.array([last(h, "test_loss") for h in hists]),
        "train_loss": np.array([last(h, "train_loss") for h in hists]),
        "test_acc": np.array(test_acc),
        "diverged": ~ok,
    }


# ---- head to head -----
def smoothed_steps_to(batch_loss: np.ndarray, target: float, window: int = H2H_WINDOW) -> float:
    """First step at which the mean of the last ``window`` mini-batch losses is at most
    ``target`` (nats); ``nan`` if it never is."""
    losses = np.asarray(batch_loss, dtype=np.float64)
    if len(losses) < window:
        return float("nan")
    mean = np.convolve(losses, np.ones(window) / window, mode="valid")
    hits = np.flatnonzero(mean <= target)
    return float(hits[0] + window) if hits.size else float("nan")


def h2h_run(*, depth: int, steps: int, lr: float, seed: int,
            names: Sequence[str] = H2H_ACTIVATIONS) -> dict[str, np.ndarray]:  # fmt: skip
    """Train one MNIST-1D net per activation with Adam at rate ``lr``; seed ``seed`` draws the
    initial weights (each activation's usual scheme) and orders the mini-batches.

    Returns
    -------
    dict
        Per activation: ``val_acc``, ``val_loss``, ``train_loss``, ``test_acc``, ``diverged``,
        and ``steps_to`` (C, len(H2H_TARGETS)), steps until the smoothed mini-batch loss
        reached each target.
    """
    train, val, test = split("mnist1d")
    sizes = _sizes("mnist1d", depth, H2H_WIDTH)
    nets = [MLP(sizes, name, init=init_for(name), seed=seed, dtype=np.float32) for name in names]
    hists = train_many(nets, train, val, optimizer="adam", lr=lr, batch_size=H2H_BATCH,
                       steps=steps, seed=seed, eval_every=steps)  # fmt: skip
    out = _final(hists, nets, test)
    out["steps_to"] = np.array(
        [[smoothed_steps_to(h.batch_loss, t) for t in H2H_TARGETS] for h in hists]
    )
    return out


# ---- dying ReLU -----
def dead_units(net: MLP, X: np.ndarray) -> list[np.ndarray]:
    """Per hidden layer, which units are dead on ``X``: slope exactly 0 on every sample."""
    pre, _ = net.hidden(X)
    act = net.activation
    return [np.all(act.grad(z) == 0, axis=0) for z in pre[:-1]]


def dying_run(*, setting: str, seed: int) -> dict[str, np.ndarray]:
    """Train ReLU, leaky ReLU and ELU nets on MNIST-1D in one :data:`DYING_SETTINGS` setting.

    Dead units are counted on the whole training set, before and after training.

    Returns
    -------
    dict
        Per activation (first axis) and hidden layer (second axis): ``dead_start``,
        ``dead_end`` (fractions), ``born_dead_stayed``, ``revived`` (dead at the start, alive
        at the end), ``died`` (alive at the start, dead at the end), ``batch_dead_start`` (the
        same count on the first mini-batch of 100, as the training loop records it); per
        activation ``test_acc``.
    """
    bias, optimizer, lr = DYING_SETTINGS[setting]
    (X, y), test = data.load("mnist1d", dtype=np.float32)
    sizes = [X.shape[1], *[DYING_WIDTH] * DYING_DEPTH, 10]
    nets = [MLP(sizes, name, init="he", seed=seed, dtype=np.float32, bias_init=bias)
            for name in DYING_ACTIVATIONS]  # fmt: skip
    start = [np.array(dead_units(net, X)) for net in nets]
    hists = train_many(nets, (X, y), test, optimizer=optimizer, lr=lr, batch_size=DYING_BATCH,
                       steps=DYING_STEPS, seed=seed, eval_every=DYING_STEPS)  # fmt: skip
    end = [np.array(dead_units(net, X)) for net in nets]
    s, e = np.array(start), np.array(end)  # (C, layers, width)
    return {
        "dead_start": s.mean(axis=-1),
        "dead_end": e.mean(axis=-1),
        "born_dead_stayed": (s & e).mean(axis=-1),
        "revived": (s & ~e).mean(axis=-1),
        "died": (~s & e).mean(axis=-1),
        "batch_dead_start": np.array([h.dead_fraction[0] for h in hists]),
        "test_acc": np.array([h.test_acc[-1] for h in hists]),
    }


# ---- tanh and the input scale -----
def scale_run(*, steps: int, lr: float, seed: int) -> dict[str, np.ndarray]:
    """Tanh and ReLU spiral nets with each initialisation of ``SCALE_INITS``.

    Contenders are ``(name, init)`` in the order of ``itertools.product(SCALE_NAMES,
    SCALE_INITS)``. Also returns ``pre_std``: the standard deviation of the first layer's
    pre-activations at initialisation on the training inputs.
    """
    train, val, test = split("spiral")
    sizes = _sizes("spiral", SCALE_DEPTH, SCALE_WIDTH)
    nets = [MLP(sizes, name, init=init, seed=seed, dtype=np.float32)
            for name in SCALE_NAMES for init in SCALE_INITS]  # fmt: skip
    pre_std = [float(net.hidden(train[0])[0][0].std()) for net in nets]
    hists = train_many(nets, train, val, optimizer="adam", lr=lr, batch_size=SCALE_BATCH,
                       steps=steps, seed=seed, eval_every=steps)  # fmt: skip
    return {**_final(hists, nets, test), "pre_std": np.array(pre_std)}


# ---- why not any nonlinear function -----
def bad_run(*, depth: int, steps: int, lr: float, seed: int,
            names: Sequence[str] = BAD_CANDIDATES) -> dict[str, np.ndarray]:  # fmt: skip
    """One spiral net per candidate activation (He weights, Adam at ``lr``).

    Returns ``_final``'s arrays plus ``diverged_at`` (step, or -1) and ``hidden_change``:
    the largest change of any hidden-layer weight during training.
    """
    train, val, test = split("spiral")
    sizes = _sizes("spiral", depth, BAD_WIDTH)
    nets = [MLP(sizes, name, init="he", seed=seed, dtype=np.float32) for name in names]
    init = [[W.copy() for W, _ in net.params[:-1]] for net in nets]
    hists = train_many(nets, train, val, optimizer="adam", lr=lr, batch_size=BAD_BATCH,
                       steps=steps, seed=seed, eval_every=steps)  # fmt: skip
    change = [
        max(float(np.max(np.abs(W - W0))) for (W, _), W0 in zip(net.params[:-1], w0, strict=True))
        for net, w0 in zip(nets, init, strict=True)
    ]
    return {
        **_final(hists, nets, test),
        "diverged_at": np.array([-1 if h.diverged_at is None else h.diverged_at for h in hists]),
        "hidden_change": np.array(change),
    }


def singular_gradient(width: int = BAD_WIDTH, seed: int = 0) -> dict[str, bool]:
    """Whether the weight gradients are finite for an input whose pre-activations are exactly 0.

    With zero biases the input at the origin gives pre-activations of exactly 0, where the
    signed square root has an infinite slope; ReLU and tanh are shown for comparison.
    """
    X, y = np.zeros((1, 2)), np.zeros(1, dtype=np.int64)
    out = {}
    for name in ("relu", "tanh", "signed_sqrt"):
        net = MLP([2, width, width, 2], activation=name, init="he", seed=seed)
        with np.errstate(all="ignore"):
            _, grads = net.loss_and_grads(X, y)
        out[name] = bool(all(np.all(np.isfinite(g)) for pair in grads for g in pair))
    return out


# ---- gated units -----
def gated_run(*, steps: int, lr: float, seed: int) -> dict[str, np.ndarray]:
    """Plain and gated MNIST-1D nets of :data:`GATED_MODELS`, same seed and mini-batches.

    Gated layers use ``gated.matched_width`` units so that every net has about as many
    parameters as the plain one of width ``GATED_WIDTH``. Returns ``_final``'s
    arrays plus ``n_params``.
    """
    train, val, test = split("mnist1d")
    rows, n_params = [], []
    for kind, name in GATED_MODELS.values():
        if kind == "mlp":
            net = MLP(_sizes("mnist1d", GATED_DEPTH, GATED_WIDTH), name, init=init_for(name),
                      seed=seed, dtype=np.float32)  # fmt: skip
            (hist,) = train_many([net], train, val, optimizer="adam", lr=lr,
                                 batch_size=GATED_BATCH, steps=steps, seed=seed,
                                 eval_every=steps)  # fmt: skip
            rows.append(_final([hist], [net], test))
            n_params.append(net.n_params)
        else:
            plain = MLP(_sizes("mnist1d", GATED_DEPTH, GATED_WIDTH), "relu", dtype=np.float32)
            width = gated.matched_width(40, GATED_WIDTH, GATED_DEPTH, 10)
            net = gated.GatedMLP([40, *[width] * GATED_DEPTH, 10], gate=name, seed=seed)
            fit = gated.train(net, train, val, lr=lr, batch_size=GATED_BATCH, steps=steps,
                              seed=seed)  # fmt: skip
            ok = math.isfinite(fit["val_loss"])
            rows.append({
                "val_acc": np.array([fit["val_acc"] if ok else np.nan]),
                "val_loss": np.array([fit["val_loss"]]),
                "train_loss": np.array([fit["train_loss"]]),
                "test_acc": np.array([net.accuracy(*test) if ok else np.nan]),
                "diverged": np.array([not ok]),
            })  # fmt: skip
            n_params.append(net.n_params)
            assert abs(net.n_params - plain.n_params) < 0.05 * plain.n_params
    out = {key: np.concatenate([r[key] for r in rows]) for key in rows[0]}
    out["n_params"] = np.array(n_params)
    return out
