"""Training experiments of the chapter "Choosing an activation function".

How far each layer of a deep net moves in training (vanishing gradients), dead units under a
negative bias or a large learning rate (dying ReLU), what happens when a poor nonlinear function
is the activation (square, sqrt, log, signed_sqrt, step), and a head-to-head comparison of the
everyday activations on MNIST-1D and a spiral, shallow and deep, over several seeds.

Every experiment trains all its networks with :func:`bendlines.training.train_many` (one call
per architecture). The chapter's settings are module-level constants; the chapter and
``tests/test_choosing.py`` use the same functions with them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bendlines import activations, data
from bendlines.mlp import MLP
from bendlines.training import History, train_many

__all__ = [
    "BAD_ACTIVATIONS",
    "DYING_ACTIVATIONS",
    "DYING_SETTINGS",
    "H2H_ACTIVATIONS",
    "H2H_DEPTHS",
    "H2H_SEEDS",
    "H2H_TASKS",
    "SQUARE_DEPTHS",
    "WEIGHT_CHANGE_ACTIVATIONS",
    "bad_activation_runs",
    "dying_relu_runs",
    "h2h_summary",
    "head_to_head",
    "init_for",
    "relu_faster_than",
    "singular_gradient",
    "smoothed_steps_to",
    "square_depth_runs",
    "weight_change_runs",
]

# ---- settings of the chapter -----
WEIGHT_CHANGE_ACTIVATIONS = ("sigmoid", "tanh", "relu")
WEIGHT_CHANGE_DEPTH = 10
WEIGHT_CHANGE_WIDTH = 64
WEIGHT_CHANGE_STEPS = 300
WEIGHT_CHANGE_LR = 0.1  # plain SGD: Adam would rescale the tiny gradients of the first layers

DYING_ACTIVATIONS = ("relu", "leaky_relu", "elu")
#: name -> (bias_init, optimizer, learning rate); both train on MNIST-1D.
DYING_SETTINGS = {
    "negative bias": (-1.0, "sgd", 0.05),
    "large learning rate": (0.0, "adam", 0.05),
}
#: The chapter states that ReLU ends each dying setting with more dead units than this.
DYING_THRESHOLD = 0.3
DYING_DEPTH = 4
DYING_WIDTH = 64
DYING_STEPS = 300
DYING_EVAL_EVERY = 25

BAD_ACTIVATIONS = ("relu", "square", "sqrt", "log", "signed_sqrt", "step")
BAD_WIDTH = 32
BAD_DEPTH = 2
BAD_STEPS = 400
BAD_LR = 0.05  # plain SGD, so that the size of an update is the size of the gradient
SQUARE_DEPTHS = (1, 2, 3, 4, 5)

H2H_ACTIVATIONS = ("relu", "leaky_relu", "elu", "selu", "gelu", "silu", "sigmoid", "tanh")
H2H_TASKS = ("mnist1d", "spiral")
H2H_DEPTHS = (2, 8)
H2H_SEEDS = (0, 1, 2)
H2H_WIDTH = 32
H2H_STEPS = 300
H2H_BATCH = 50
H2H_LR = {"mnist1d": 3e-3, "spiral": 1e-2}  # Adam
#: Target training loss (nats) for "steps to target", per task.
H2H_TARGET = {"mnist1d": 1.6, "spiral": 0.3}
H2H_WINDOW = 20  # mini-batch losses averaged when testing the target


def _load(task: str) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Training and test data of a task, in float32."""
    if task == "mnist1d":
        return data.load("mnist1d", dtype=np.float32)
    if task == "spiral":
        return data.load("spiral", dtype=np.float32, turns=1.5, noise=0.03)
    if task == "moons":
        return data.load("moons", dtype=np.float32)
    raise ValueError(f"unknown task {task!r}; choose one of ('mnist1d', 'spiral', 'moons')")


def init_for(name: str) -> str:
    """The usual initialisation for an activation: LeCun for SELU, Xavier for sigmoid and tanh,
    He for the rectifier family."""
    if name == "selu":
        return "lecun"
    if name in ("sigmoid", "tanh", "softsign"):
        return "xavier"
    return "he"


def _nets(names, sizes, seeds=(0,), inits=None, bias_init=0.0) -> list[MLP]:
    return [
        MLP(sizes, activation=name, init=(inits or init_for)(name), seed=seed,
            dtype=np.float32, bias_init=bias_init)
        for name in names
        for seed in seeds
    ]  # fmt: skip


# ---- vanishing gradients in training -----
def weight_change_runs(
    names: Sequence[str] = WEIGHT_CHANGE_ACTIVATIONS,
    depth: int = WEIGHT_CHANGE_DEPTH,
    width: int = WEIGHT_CHANGE_WIDTH,
    steps: int = WEIGHT_CHANGE_STEPS,
    lr: float = WEIGHT_CHANGE_LR,
    seed: int = 0,
) -> dict[str, History]:
    """Train deep nets on MNIST-1D with plain SGD and record how far each layer moved.

    Returns
    -------
    dict
        name -> History; ``history.weight_change[-1]`` has one entry per layer (``depth + 1``),
        ``||W - W0|| / ||W0||`` (dimensionless).
    """
    train, test = _load("mnist1d")
    nets = _nets(names, [40, *[width] * depth, 10], seeds=(seed,))
    hists = train_many(nets, train, test, optimizer="sgd", lr=lr, batch_size=100,
                       steps=steps, seed=seed, eval_every=steps)  # fmt: skip
    return dict(zip(names, hists, strict=True))


# ---- dying ReLU -----
def dying_relu_runs(
    names: Sequence[str] = DYING_ACTIVATIONS,
    settings: dict[str, tuple[float, str, float]] | None = None,
    depth: int = DYING_DEPTH,
    width: int = DYING_WIDTH,
    steps: int = DYING_STEPS,
    eval_every: int = DYING_EVAL_EVERY,
    seed: int = 0,
) -> dict[str, dict[str, History]]:
    """Train ReLU, leaky ReLU and ELU nets on MNIST-1D in settings that kill ReLU units.

    Parameters
    ----------
    settings : dict, optional
        Setting name -> (bias_init, optimizer, learning rate); default :data:`DYING_SETTINGS`.

    Returns
    -------
    dict
        setting -> name -> History. ``dead_fraction`` (n_evals, depth) is the fraction of each
        hidden layer's units whose derivative is zero on a whole mini-batch.
    """
    settings = DYING_SETTINGS if settings is None else settings
    train, test = _load("mnist1d")
    out = {}
    for label, (bias, optimizer, lr) in settings.items():
        nets = _nets(names, [40, *[width] * depth, 10], seeds=(seed,), bias_init=bias)
        hists = train_many(nets, train, test, optimizer=optimizer, lr=lr, batch_size=100,
                           steps=steps, seed=seed, eval_every=eval_every)  # fmt: skip
        out[label] = dict(zip(names, hists, strict=True))
    return out


# ---- poor activations -----
def bad_activation_runs(
    names: Sequence[str] = BAD_ACTIVATIONS,
    width: int = BAD_WIDTH,
    depth: int = BAD_DEPTH,
    steps: int = BAD_STEPS,
    lr: float = BAD_LR,
    seed: int = 0,
) -> dict[str, dict]:
    """Train one net per activation on the two-moons task with plain SGD.

    Returns
    -------
    dict
        name -> ``{"history": History, "net": MLP, "init": list of W}``: the trained net (for a
        net that diverged, its parameters at divergence) and copies of its initial weights.
    """
    train, test = _load("moons")
    nets = _nets(names, [2, *[width] * depth, 2], seeds=(seed,), inits=lambda _: "he")
    init = [[W.copy() for W, _ in net.params] for net in nets]
    hists = train_many(nets, train, test, optimizer="sgd", lr=lr, batch_size=100,
                       steps=steps, seed=seed, eval_every=20)  # fmt: skip
    return {
        name: {"history": h, "net": net, "init": w0}
        for name, h, net, w0 in zip(names, hists, nets, init, strict=True)
    }


def square_depth_runs(
    depths: Sequence[int] = SQUARE_DEPTHS,
    width: int = BAD_WIDTH,
    steps: int = BAD_STEPS,
    lr: float = BAD_LR,
    seed: int = 0,
) -> dict[int, dict[str, History]]:
    """Square against ReLU activations as the number of hidden layers grows (two moons, SGD).

    Returns
    -------
    dict
        depth -> {"square": History, "relu": History}.
    """
    train, test = _load("moons")
    out = {}
    for depth in depths:
        names = ("square", "relu")
        nets = _nets(names, [2, *[width] * depth, 2], seeds=(seed,), inits=lambda _: "he")
        hists = train_many(nets, train, test, optimizer="sgd", lr=lr, batch_size=100,
                           steps=steps, seed=seed, eval_every=20)  # fmt: skip
        out[depth] = dict(zip(names, hists, strict=True))
    return out


def singular_gradient(width: int = BAD_WIDTH, seed: int = 0) -> dict[str, bool]:
    """Whether the weight gradients are finite for an input whose pre-activations are exactly 0.

    A net with zero biases maps the input at the origin to pre-activations of exactly 0, where
    the signed square root has an infinite slope; ReLU and tanh are shown for comparison.

    Returns
    -------
    dict
        name -> True if every gradient entry is finite.
    """
    X, y = np.zeros((1, 2)), np.zeros(1, dtype=np.int64)
    out = {}
    for name in ("relu", "tanh", "signed_sqrt"):
        net = MLP([2, width, width, 2], activation=name, init="he", seed=seed)
        with np.errstate(all="ignore"):
            _, grads = net.loss_and_grads(X, y)
        out[name] = bool(all(np.all(np.isfinite(g)) for pair in grads for g in pair))
    return out


# ---- head to head -----
def smoothed_steps_to(history: History, target: float, window: int = H2H_WINDOW) -> float:
    """First step at which the mean of the last ``window`` mini-batch losses is at most
    ``target`` (nats); ``nan`` if it never is."""
    losses = history.batch_loss
    if len(losses) < window:
        return float("nan")
    mean = np.convolve(losses, np.ones(window) / window, mode="valid")
    hits = np.flatnonzero(mean <= target)
    return float(hits[0] + window) if hits.size else float("nan")


def head_to_head(
    names: Sequence[str] = H2H_ACTIVATIONS,
    tasks: Sequence[str] = H2H_TASKS,
    depths: Sequence[int] = H2H_DEPTHS,
    seeds: Sequence[int] = H2H_SEEDS,
    width: int = H2H_WIDTH,
    steps: int = H2H_STEPS,
) -> dict[tuple[str, int], dict[str, np.ndarray]]:
    """Train every activation with every seed, per task and depth, with Adam.

    One :func:`~bendlines.training.train_many` call per (task, depth) trains
    ``len(names) * len(seeds)`` float32 nets of ``depth`` hidden layers of ``width`` units on
    the same mini-batches.

    Returns
    -------
    dict
        (task, depth) -> arrays of shape ``(len(names), len(seeds))``: ``"test_acc"`` final test
        accuracy, ``"train_loss"`` final training loss (nats), ``"steps_to"`` steps until the
        smoothed mini-batch loss reaches :data:`H2H_TARGET` (``nan``: never), ``"dead"`` final
        fraction of dead hidden units (all layers), ``"diverged"`` (bool).
    """
    names = list(names)
    bad = [n for n in names if n not in activations.names()]
    if bad or not names or not seeds:
        raise ValueError(f"unknown activations {bad}; choose from {activations.names()}")
    out = {}
    for task in tasks:
        train, test = _load(task)
        n_out = int(train[1].max()) + 1
        for depth in depths:
            sizes = [train[0].shape[1], *[width] * depth, n_out]
            nets = _nets(names, sizes, seeds=seeds)
            hists = train_many(nets, train, test, optimizer="adam", lr=H2H_LR[task],
                               batch_size=H2H_BATCH, steps=steps, seed=0,
                               eval_every=steps)  # fmt: skip
            shape = (len(names), len(seeds))
            out[task, depth] = {
                "test_acc": np.array([h.test_acc[-1] for h in hists]).reshape(shape),
                "train_loss": np.array([h.train_loss[-1] for h in hists]).reshape(shape),
                "steps_to": np.array(
                    [smoothed_steps_to(h, H2H_TARGET[task]) for h in hists]
                ).reshape(shape),
                "dead": np.array([h.dead_fraction[-1].mean() for h in hists]).reshape(shape),
                "diverged": np.array([h.diverged for h in hists]).reshape(shape),
            }
    return out


def _median_steps(steps: np.ndarray) -> np.ndarray:
    """Median over seeds (last axis), a seed that never reached the target counting as inf."""
    return np.median(np.where(np.isnan(steps), np.inf, steps), axis=-1)


def h2h_summary(result: dict, task: str, depth: int) -> dict[str, dict[str, float]]:
    """Per activation: mean and standard deviation of test accuracy over seeds, median steps to
    the target loss (``inf`` if most seeds never got there), seeds that reached it, and the
    mean final fraction of dead units."""
    r = result[task, depth]
    median = _median_steps(r["steps_to"])
    return {
        name: {
            "acc_mean": float(r["test_acc"][i].mean()),
            "acc_std": float(r["test_acc"][i].std()),
            "steps": float(median[i]),
            "reached": int(np.sum(~np.isnan(r["steps_to"][i]))),
            "dead": float(r["dead"][i].mean()),
        }
        for i, name in enumerate(H2H_ACTIVATIONS)
    }


def relu_faster_than(result: dict, other: str, task: str, depth: int) -> bool:
    """True if ReLU's median steps to the target loss is smaller than ``other``'s."""
    summary = h2h_summary(result, task, depth)
    return summary["relu"]["steps"] < summary[other]["steps"]
