"""Experiments of the chapter *Why neural networks need nonlinearity*.

Four experiments, each a function whose default arguments are the chapter's settings (the
module-level constants below), so the chapter, its figure scripts and its tests run the very
same computation:

* :func:`collapse_demo` and :func:`collapsed_rank`: a stack of linear layers equals one linear
  layer, whose rank is at most the narrowest width.
* :func:`line_curves`: random 1-D nets without an activation draw straight lines; with ReLU or
  tanh they bend.
* :func:`toy_experiment`: linear nets of any depth against ReLU and tanh nets on xor, circles
  and spiral.
* :func:`mnist1d_experiment`: logistic regression, deep linear nets and ReLU MLPs on MNIST-1D,
  each with a learning rate tuned on a validation split and several seeds; the runs
  themselves are in :mod:`~bendlines.experiments.nonlinearity_runs`, stored by
  :mod:`bendlines.results`.

Notation follows the code: samples are rows, so a layer maps ``X`` (n, fan_in) to
``X W + b`` with ``W`` of shape (fan_in, fan_out).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bendlines import data, results
from bendlines import stats as st
from bendlines.experiments.nonlinearity_runs import LOGISTIC, mnist1d_runs
from bendlines.mlp import MLP, cross_entropy_loss
from bendlines.training import train_many

__all__ = [
    "COLLAPSE_SIZES",
    "LINES_ACTIVATIONS",
    "MNIST_ACTIVATIONS",
    "MNIST_BUDGET",
    "MNIST_DEPTHS",
    "MNIST_LRS",
    "MNIST_SEEDS",
    "MNIST_TUNE_SEEDS",
    "MNIST_WIDTH",
    "PAPER_ACCURACY",
    "PAPER_RECIPE",
    "PAPER_RERUN_ACCURACY",
    "RANK_ARCHITECTURES",
    "TOY_ACTIVATIONS",
    "TOY_DATASETS",
    "TOY_DEPTHS",
    "TOY_TRAINING",
    "TOY_WIDTH",
    "XOR_SCALES",
    "CollapseResult",
    "LinesResult",
    "MnistResult",
    "ToyResult",
    "Tuning",
    "XorLinearResult",
    "collapse",
    "collapse_demo",
    "collapsed_rank",
    "contenders",
    "line_curves",
    "mnist1d_experiment",
    "mnist_pairs",
    "mnist_table",
    "mnist_verdicts",
    "random_params",
    "results_tasks",
    "three_of_four_loss",
    "toy_experiment",
    "tune_lr",
    "verdicts",
    "xor_linear_losses",
]

# --------------------------------------------------------------------------------------------
# The chapter's settings
# --------------------------------------------------------------------------------------------

#: Widths of the deep linear net whose collapse the chapter checks (input first).
COLLAPSE_SIZES: tuple[int, ...] = (10, 32, 3, 32, 10)
#: Seed of the collapse demonstration (weights, biases and test inputs).
COLLAPSE_SEED = 0
#: Number of random inputs on which the deep net and its collapse are compared.
COLLAPSE_SAMPLES = 1000
#: Architectures whose collapsed rank the chapter tabulates.
RANK_ARCHITECTURES: tuple[tuple[int, ...], ...] = (
    (10, 3, 10),
    (10, 32, 3, 32, 10),
    (10, 8, 6, 8, 10),
    (10, 64, 64, 64, 10),
)

#: Widths of the random 1-D nets of the "lines stay lines" figure.
LINES_SIZES: tuple[int, ...] = (1, 8, 8, 8, 1)
#: Activations compared in that figure (identity means no activation).
LINES_ACTIVATIONS: tuple[str, ...] = ("identity", "relu", "tanh")
#: Number of random nets drawn per activation, and their seed.
LINES_NETS = 4
LINES_SEED = 3
#: Input interval of the curves (dimensionless).
LINES_RANGE: tuple[float, float] = (-3.0, 3.0)

#: The 2-D data sets no line can separate.
TOY_DATASETS: tuple[str, ...] = ("xor", "circles", "spiral")
#: Numbers of hidden layers tried on them.
TOY_DEPTHS: tuple[int, ...] = (1, 2, 3)
#: Width of every hidden layer of the 2-D nets.
TOY_WIDTH = 16
#: Hidden activations compared on the 2-D data.
TOY_ACTIVATIONS: tuple[str, ...] = ("identity", "relu", "tanh")
#: Training settings for the 2-D data (passed to :func:`bendlines.training.train_many`).
TOY_TRAINING: dict[str, object] = {
    "optimizer": "adam",
    "lr": 1e-2,
    "batch_size": 100,
    "steps": 1000,
    "eval_every": 500,
    "seed": 0,
}
#: Seed of the 2-D nets' initial weights.
TOY_SEED = 0
#: Weight lengths at which the chapter evaluates the best three-of-four line on xor.
XOR_SCALES: tuple[float, ...] = (0.05, 0.08, 0.13, 0.2, 0.3, 0.5, 0.8, 1.3, 2.0, 3.0)

#: Numbers of hidden layers of the MNIST-1D nets.
MNIST_DEPTHS: tuple[int, ...] = (1, 2, 3, 4)
#: Width of every hidden layer of the MNIST-1D nets.
MNIST_WIDTH = 100
#: Seeds of the final runs: each sets a net's initial weights and its mini-batch order.
MNIST_SEEDS: tuple[int, ...] = tuple(range(10))
#: Seeds of the learning-rate tuning runs (on the validation split).
MNIST_TUNE_SEEDS: tuple[int, ...] = (100, 101)
#: Learning rates tried first for every model (Adam); the grid grows at an edge.
MNIST_LRS: tuple[float, ...] = (1e-3, 3e-3, 1e-2, 3e-2)
#: At most this many extensions of the grid on each side.
MNIST_MAX_EXTENSIONS = 3
#: Hidden activations compared on MNIST-1D.
MNIST_ACTIVATIONS: tuple[str, ...] = ("identity", "relu")
#: Training budget of every MNIST-1D run: the MNIST-1D paper's (6000 Adam steps of 100).
MNIST_BUDGET: dict[str, int] = {"steps": 6000, "batch_size": 100, "eval_every": 500}
#: The paper's MLP recipe (Greydanus 2020, repository code): 40-100-100-10 with ReLU (its
#: second layer adds a skip connection, h + relu(W h), which ours does not), Adam, learning
#: rate 0.01, batches of 100, 6000 steps.
PAPER_RECIPE: dict[str, float] = {"lr": 1e-2, "depth": 2, "width": MNIST_WIDTH}
#: Test accuracy of that MLP in the repository's own classification notebook (one run).
PAPER_RERUN_ACCURACY = 0.651
#: Test accuracies reported in the MNIST-1D paper's table (Greydanus and Kobak).
PAPER_ACCURACY: dict[str, float] = {"logistic": 0.32, "mlp": 0.68, "cnn": 0.94}


# --------------------------------------------------------------------------------------------
# 1. Collapse of linear layers
# --------------------------------------------------------------------------------------------


def _check_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    try:
        out = tuple(int(s) for s in sizes)
    except (TypeError, ValueError):
        out = ()
    if len(out) < 2 or any(s < 1 for s in out) or len(out) != len(sizes):
        raise ValueError(
            f"sizes must be at least two positive ints (input, hidden..., output), got {sizes!r}"
        )
    return out


def random_params(
    sizes: Sequence[int], rng: np.random.Generator, bias_scale: float = 0.5
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random weights and biases for a fully connected net.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, input first.
    rng : numpy.random.Generator
        Source of randomness.
    bias_scale : float, default 0.5
        Standard deviation of the biases.

    Returns
    -------
    list of (W, b)
        ``W`` of shape (fan_in, fan_out) drawn from N(0, 2 / fan_in) (He scaling), ``b`` of shape
        (fan_out,) drawn from N(0, bias_scale**2); float64.
    """
    sizes = _check_sizes(sizes)
    return [
        (rng.normal(0.0, np.sqrt(2.0 / a), (a, b)), rng.normal(0.0, bias_scale, b))
        for a, b in itertools.pairwise(sizes)
    ]


def collapse(params: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The single layer equal to a stack of linear layers.

    With rows as samples a layer is ``x -> x W + b``, so two layers give
    ``(x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2)``; this repeats for every further layer.

    Parameters
    ----------
    params : sequence of (W, b)
        ``W`` of shape (fan_in, fan_out), ``b`` of shape (fan_out,), layers chained.

    Returns
    -------
    W : ndarray of shape (sizes[0], sizes[-1])
        The product ``W1 W2 ... WL``.
    b : ndarray of shape (sizes[-1],)
        ``(...((b1 W2 + b2) W3 + b3)...) WL + bL``.
    """
    if len(params) == 0:
        raise ValueError("params must hold at least one (W, b) pair")
    W, b = (np.array(a, dtype=np.float64) for a in params[0])
    for W_next, b_next in params[1:]:
        W = W @ W_next
        b = b @ W_next + b_next
    return W, b


@dataclass(frozen=True)
class CollapseResult:
    """A deep linear net compared with its collapsed single layer.

    Attributes
    ----------
    sizes : tuple of int
        Layer widths of the deep net.
    max_abs_diff : float
        Largest absolute difference between the two outputs over all inputs and outputs.
    output_scale : float
        Largest absolute output of the deep net (same units as the outputs).
    rank : int
        Rank of the collapsed weight matrix.
    narrowest : int
        Smallest layer width (input and output included).
    W, b : ndarray
        The collapsed layer, shapes (sizes[0], sizes[-1]) and (sizes[-1],).
    """

    sizes: tuple[int, ...]
    max_abs_diff: float
    output_scale: float
    rank: int
    narrowest: int
    W: np.ndarray
    b: np.ndarray


def collapse_demo(
    sizes: Sequence[int] = COLLAPSE_SIZES,
    seed: int = COLLAPSE_SEED,
    n_samples: int = COLLAPSE_SAMPLES,
) -> CollapseResult:
    """Run a random deep linear net and its collapsed layer on random inputs and compare.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, input first.
    seed : int
        Seed of the weights, biases and inputs.
    n_samples : int
        Number of random inputs, drawn from N(0, 1) per coordinate.

    Returns
    -------
    CollapseResult
    """
    sizes = _check_sizes(sizes)
    rng = np.random.default_rng(seed)
    params = random_params(sizes, rng)
    net = MLP.from_params(params, activation="identity")
    X = rng.standard_normal((n_samples, sizes[0]))
    deep = net.forward(X)
    W, b = collapse(params)
    single = X @ W + b
    return CollapseResult(
        sizes=sizes,
        max_abs_diff=float(np.max(np.abs(deep - single))),
        output_scale=float(np.max(np.abs(deep))),
        rank=int(np.linalg.matrix_rank(W)),
        narrowest=min(sizes),
        W=W,
        b=b,
    )


def collapsed_rank(sizes: Sequence[int], seed: int = COLLAPSE_SEED) -> int:
    """Rank of the collapsed weight matrix of a random linear net of widths ``sizes``."""
    params = random_params(sizes, np.random.default_rng(seed))
    return int(np.linalg.matrix_rank(collapse(params)[0]))


# --------------------------------------------------------------------------------------------
# 2. Lines stay lines
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinesResult:
    """Input-to-output curves of random 1-D nets.

    Attributes
    ----------
    x : ndarray of shape (n_points,)
        Inputs (dimensionless).
    curves : dict of str to ndarray of shape (n_nets, n_points)
        Outputs of each net, per activation; the nets of every activation share their weights.
    bend : dict of str to ndarray of shape (n_nets,)
        Largest distance between a curve and its best straight line (least squares), divided
        by the curve's output range (dimensionless; 0 for a straight line).
    """

    x: np.ndarray
    curves: dict[str, np.ndarray]
    bend: dict[str, np.ndarray]


def _bend(x: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Largest distance of each row of ``Y`` (n_nets, n) from its least-squares line, relative."""
    basis = np.column_stack([x, np.ones_like(x)])
    coef, *_ = np.linalg.lstsq(basis, Y.T, rcond=None)
    residual = np.max(np.abs(Y.T - basis @ coef), axis=0)
    spread = np.ptp(Y, axis=1)
    return residual / np.where(spread > 0, spread, 1.0)


def line_curves(
    sizes: Sequence[int] = LINES_SIZES,
    activations: Sequence[str] = LINES_ACTIVATIONS,
    n_nets: int = LINES_NETS,
    seed: int = LINES_SEED,
    x_range: tuple[float, float] = LINES_RANGE,
    n_points: int = 601,
) -> LinesResult:
    """Curves ``x -> f(x)`` of random nets with one input and one output.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths; must start and end with 1.
    activations : sequence of str
        Hidden activations to compare (names from :mod:`bendlines.activations`).
    n_nets : int
        Number of random nets; net ``i`` has the same weights under every activation.
    seed : int
        Seed of the weights and biases.
    x_range : (float, float)
        Input interval.
    n_points : int
        Number of inputs on the interval.

    Returns
    -------
    LinesResult
    """
    sizes = _check_sizes(sizes)
    if sizes[0] != 1 or sizes[-1] != 1:
        raise ValueError(f"sizes must start and end with 1 (one input, one output), got {sizes}")
    rng = np.random.default_rng(seed)
    nets_params = [random_params(sizes, rng) for _ in range(n_nets)]
    x = np.linspace(x_range[0], x_range[1], n_points)
    curves, bend = {}, {}
    for name in activations:
        Y = np.stack(
            [MLP.from_params(p, activation=name).forward(x[:, None])[:, 0] for p in nets_params]
        )
        curves[name], bend[name] = Y, _bend(x, Y)
    return LinesResult(x=x, curves=curves, bend=bend)


# --------------------------------------------------------------------------------------------
# 3. Data a line cannot separate
# --------------------------------------------------------------------------------------------


@dataclass
class ToyResult:
    """Nets trained on 2-D data sets that no line separates.

    Attributes
    ----------
    data : dict of str to ((X_train, y_train), (X_test, y_test))
        The data sets.
    nets : dict of (dataset, activation, depth) to MLP
        Trained nets; logistic regression is ``(dataset, "logistic", 0)``.
    test_acc, train_acc : dict of (dataset, activation, depth) to float
        Final accuracies in [0, 1].
    """

    data: dict[str, tuple]
    nets: dict[tuple[str, str, int], MLP]
    test_acc: dict[tuple[str, str, int], float]
    train_acc: dict[tuple[str, str, int], float]

    def linear_keys(self, dataset: str) -> list[tuple[str, str, int]]:
        """Keys of every net without a hidden activation on ``dataset`` (logistic included)."""
        return [k for k in self.nets if k[0] == dataset and k[1] in (LOGISTIC, "identity")]


def _classes(y: np.ndarray) -> int:
    return int(np.max(y)) + 1


def toy_experiment(
    datasets: Sequence[str] = TOY_DATASETS,
    depths: Sequence[int] = TOY_DEPTHS,
    width: int = TOY_WIDTH,
    activations: Sequence[str] = TOY_ACTIVATIONS,
    seed: int = TOY_SEED,
    training: dict[str, object] | None = None,
) -> ToyResult:
    """Train logistic regression and nets of every depth and activation on 2-D data.

    For each data set, one :func:`~bendlines.training.train_many` call per depth trains one
    net per activation (all from the same initial weights), and one more call trains logistic
    regression.

    Parameters
    ----------
    datasets : sequence of str
        Names for :func:`bendlines.data.load` (default settings of each data set).
    depths : sequence of int
        Numbers of hidden layers (each >= 1).
    width : int
        Width of every hidden layer.
    activations : sequence of str
        Hidden activations; ``"identity"`` is the deep linear net.
    seed : int
        Seed of the initial weights.
    training : dict, optional
        Keyword arguments of ``train_many`` (default :data:`TOY_TRAINING`).

    Returns
    -------
    ToyResult
    """
    training = dict(TOY_TRAINING if training is None else training)
    if any(int(d) < 1 for d in depths):
        raise ValueError(f"depths must be ints >= 1 (logistic regression is added), got {depths}")
    loaded, nets, test_acc, train_acc = {}, {}, {}, {}
    for name in datasets:
        (X, y), (Xt, yt) = loaded[name] = data.load(name)
        n_in, n_out = X.shape[1], _classes(y)
        groups = [((LOGISTIC,), [n_in, n_out], 0)]
        groups += [(tuple(activations), [n_in] + [width] * d + [n_out], d) for d in depths]
        for acts, sizes, depth in groups:
            stack = [
                MLP(sizes, activation="identity" if a == LOGISTIC else a, init="xavier", seed=seed)
                for a in acts
            ]
            histories = train_many(stack, (X, y), (Xt, yt), **training)
            for act, net, history in zip(acts, stack, histories, strict=True):
                key = (name, act, depth)
                nets[key] = net
                test_acc[key] = float(history.test_acc[-1])
                train_acc[key] = float(history.train_acc[-1])
    return ToyResult(data=loaded, nets=nets, test_acc=test_acc, train_acc=train_acc)


def three_of_four_loss(
    X: np.ndarray, y: np.ndarray, scale: float, n_offsets: int = 400, min_accuracy: float = 0.7
) -> tuple[float, float]:
    """Smallest cross-entropy of a linear model whose line gets three of the four xor blobs right.

    The blobs sit at ``(±1, ±1)``, class 1 where both coordinates have the same sign. A line
    ``s1 x0 + s2 x1 = c`` (signs ``s1, s2`` in ``{-1, 1}``, offset ``0 < c < 2``) puts exactly
    three blob centres on their correct side, predicting class 1 where ``s1 x0 + s2 x1 > c``
    when ``s1 s2 = 1`` and class 0 there otherwise. Of these, only lines that also classify at
    least ``min_accuracy`` of the points correctly count (a line that grazes a blob's centre
    gets only half of that blob right). The model's class-1 logit is ``scale`` times the
    signed distance to the line, so ``scale`` is the length of its weight vector. The loss is
    :func:`bendlines.mlp.cross_entropy_loss`, the one training minimises.

    Parameters
    ----------
    X : ndarray of shape (n, 2)
        xor points.
    y : ndarray of shape (n,)
        Labels in {0, 1}.
    scale : float
        Length of the weight vector (> 0, per unit of input).
    n_offsets : int
        Offsets ``c`` tried, evenly spaced strictly inside (0, 2).
    min_accuracy : float
        Smallest accuracy on ``(X, y)`` a line needs to count as getting three blobs right.

    Returns
    -------
    loss : float
        Smallest mean loss over the four orientations and the offsets, in nats.
    accuracy : float
        Accuracy on ``(X, y)`` of the line that reaches it, in [0, 1].
    """
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    offsets = np.linspace(0.0, 2.0, n_offsets + 2)[1:-1]
    signs = np.array([(1, 1), (1, -1), (-1, 1), (-1, -1)], dtype=float)
    proj = X @ signs.T / np.sqrt(2.0)  # (n, 4): signed distance along each normal
    dist = proj.T[:, None, :] - offsets[None, :, None] / np.sqrt(2.0)  # (4, n_offsets, n)
    # same-sign normals point to class 1, mixed-sign normals to class 0
    sign_class1 = (signs[:, 0] * signs[:, 1])[:, None, None]
    logit1 = scale * sign_class1 * dist
    logits = np.stack([np.zeros_like(logit1), logit1], axis=-1)  # (4, n_offsets, n, 2)
    losses, _ = cross_entropy_loss(logits, np.asarray(y))
    accuracy = np.mean((logit1 > 0) == (np.asarray(y) == 1), axis=-1)
    allowed = accuracy >= min_accuracy
    if not allowed.any():
        raise ValueError(f"no three-of-four line reaches accuracy {min_accuracy} on these points")
    i, j = np.unravel_index(np.argmin(np.where(allowed, losses, np.inf)), losses.shape)
    return float(losses[i, j]), float(accuracy[i, j])


@dataclass(frozen=True)
class XorLinearResult:
    """How close the trained linear nets on xor come to the constant 50/50 prediction.

    Attributes
    ----------
    train_loss : dict of (dataset, activation, depth) to float
        Final training loss of every linear net (logistic regression included), in nats.
    weight_length : dict of (dataset, activation, depth) to float
        Length of the collapsed weight vector of the class-1 logit minus the class-0 logit
        (per unit of input).
    scales : tuple of float
        Weight lengths tried for the three-of-four line.
    line_loss, line_acc : ndarray of shape (n_scales,)
        Loss (nats) and training accuracy of the best three-of-four line at each scale.
    """

    train_loss: dict[tuple[str, str, int], float]
    weight_length: dict[tuple[str, str, int], float]
    scales: tuple[float, ...]
    line_loss: np.ndarray
    line_acc: np.ndarray


def xor_linear_losses(toy: ToyResult, scales: Sequence[float] = XOR_SCALES) -> XorLinearResult:
    """Training losses of the linear nets on xor, and of the best three-of-four lines.

    Parameters
    ----------
    toy : ToyResult
        The result of :func:`toy_experiment` (must include ``"xor"``).
    scales : sequence of float
        Weight lengths for :func:`three_of_four_loss`.

    Returns
    -------
    XorLinearResult
    """
    if "xor" not in toy.data:
        raise ValueError("toy must hold the xor data set")
    (X, y), _ = toy.data["xor"]
    train_loss, weight_length = {}, {}
    for key in toy.linear_keys("xor"):
        net = toy.nets[key]
        W, _ = collapse(net.params)
        train_loss[key] = net.loss_value(X, y)
        weight_length[key] = float(np.linalg.norm(W[:, 1] - W[:, 0]))
    lines = [three_of_four_loss(X, y, float(s)) for s in scales]
    return XorLinearResult(
        train_loss=train_loss,
        weight_length=weight_length,
        scales=tuple(float(s) for s in scales),
        line_loss=np.array([loss for loss, _ in lines]),
        line_acc=np.array([acc for _, acc in lines]),
    )


def decision_grid(
    net: MLP, bounds: tuple[float, float, float, float], resolution: int = 200
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predicted class of ``net`` on a regular grid of the plane.

    Parameters
    ----------
    net : MLP
        A net with two inputs.
    bounds : (x_min, x_max, y_min, y_max)
        The rectangle to cover (input units).
    resolution : int
        Grid points per side.

    Returns
    -------
    gx, gy : ndarray of shape (resolution,)
        Grid coordinates.
    labels : ndarray of shape (resolution, resolution)
        Predicted class, ``labels[i, j]`` at ``(gx[j], gy[i])``.
    """
    gx = np.linspace(bounds[0], bounds[1], resolution)
    gy = np.linspace(bounds[2], bounds[3], resolution)
    xx, yy = np.meshgrid(gx, gy)
    labels = net.predict(np.column_stack([xx.ravel(), yy.ravel()]))
    return gx, gy, labels.reshape(resolution, resolution)


# --------------------------------------------------------------------------------------------
# 4. MNIST-1D
# --------------------------------------------------------------------------------------------


def contenders(depths: Sequence[int] = MNIST_DEPTHS) -> list[tuple[str, int]]:
    """``(activation, depth)`` of every model compared: logistic regression, linear, ReLU."""
    if any(int(d) < 1 for d in depths):
        raise ValueError(f"depths must be ints >= 1 (logistic regression is added), got {depths}")
    return [(LOGISTIC, 0)] + [(a, int(d)) for a in MNIST_ACTIVATIONS for d in depths]


def _run(activation: str, depth: int, seed: int, lrs: Sequence[float], split: str, lookup):
    """One stored entry of :func:`~bendlines.experiments.nonlinearity_runs.mnist1d_runs`."""
    return lookup(
        mnist1d_runs, activation=activation, depth=int(depth), width=MNIST_WIDTH,
        seed=int(seed), lrs=[float(lr) for lr in lrs], split=split, **MNIST_BUDGET,
    )  # fmt: skip


def _final_score(run: dict) -> np.ndarray:
    """Final evaluation accuracy per learning rate; a diverged net scores -inf."""
    last = run["eval_acc"][:, -1]
    return np.where(np.isfinite(last) & ~run["diverged"], last, -np.inf)


@dataclass(frozen=True)
class Tuning:
    """Learning rates tried for one model on the validation split, and the one chosen.

    Attributes
    ----------
    lrs : ndarray of shape (n,)
        Learning rates tried, increasing.
    val_acc : ndarray of shape (n,)
        Mean final validation accuracy over :data:`MNIST_TUNE_SEEDS` (-inf: diverged).
    best : float
        The chosen rate (``nan`` while runs are missing).
    complete : bool
        Whether every run needed was available (with ``lookup=results.peek``).
    """

    lrs: np.ndarray
    val_acc: np.ndarray
    best: float
    complete: bool


def tune_lr(activation: str, depth: int, lookup=None) -> Tuning:
    """Choose a learning rate for one model on the validation split.

    Start from :data:`MNIST_LRS`; while the best rate sits at an edge of the grid, extend the
    grid one step (the edge's ratio to its neighbour) beyond it, at most
    :data:`MNIST_MAX_EXTENSIONS` times per side.

    Parameters
    ----------
    activation, depth : str, int
        The model (see :func:`contenders`).
    lookup : callable, default :func:`bendlines.results.get`
        ``lookup(fn, **settings)``; :func:`bendlines.results.peek` returns ``None`` for a
        missing entry, and the tuning stops there with ``complete=False``.
    """
    lookup = results.get if lookup is None else lookup
    scores: dict[float, list[np.ndarray]] = {}
    batches = [list(MNIST_LRS)]
    extended = {"low": 0, "high": 0}
    while batches:
        lrs = batches.pop()
        found = [
            _run(activation, depth, seed, lrs, "validation", lookup) for seed in MNIST_TUNE_SEEDS
        ]
        if any(run is None for run in found):
            grid = np.array(sorted(scores))
            return Tuning(grid, np.full(grid.shape, np.nan), float("nan"), False)
        for run in found:
            for lr, score in zip(lrs, _final_score(run), strict=True):
                scores.setdefault(float(lr), []).append(score)
        grid = np.array(sorted(scores))
        mean = np.array([np.mean(scores[lr]) for lr in grid])
        best = int(np.argmax(mean))
        for side, edge, inner in (("low", 0, 1), ("high", -1, -2)):
            at_edge = best == (0 if side == "low" else len(grid) - 1)
            if at_edge and extended[side] < MNIST_MAX_EXTENSIONS:
                extended[side] += 1
                batches.append([float(grid[edge] * grid[edge] / grid[inner])])
    return Tuning(grid, mean, float(grid[best]), True)


@dataclass
class MnistResult:
    """The fair comparison on MNIST-1D: tuned rates, then :data:`MNIST_SEEDS` on the test set.

    Attributes
    ----------
    depths : tuple of int
        Numbers of hidden layers, matching the rows of ``test_acc[activation]``.
    width : int
        Width of every hidden layer.
    seeds : tuple of int
        Seeds (initial weights and batch order), matching the columns.
    tuning : dict of (activation, depth) to Tuning
        Learning-rate choice per model (logistic regression under ``("logistic", 0)``).
    logistic, logistic_train : ndarray of shape (n_seeds,)
        Final test and training accuracy of logistic regression, in [0, 1].
    test_acc, train_acc : dict of str to ndarray of shape (n_depths, n_seeds)
        Final test and training accuracies per hidden activation (``"identity"``: deep
        linear nets), in [0, 1].
    steps : ndarray of shape (n_evals,)
        Steps at which the test accuracy was recorded.
    curves : dict of (activation, depth) to ndarray of shape (n_seeds, n_evals)
        Test accuracy during training.
    paper_test, paper_train : ndarray of shape (n_seeds,)
        The paper's recipe (ReLU, two hidden layers of 100, Adam at 0.01, same budget).
    """

    depths: tuple[int, ...]
    width: int
    seeds: tuple[int, ...]
    tuning: dict[tuple[str, int], Tuning]
    logistic: np.ndarray
    logistic_train: np.ndarray
    test_acc: dict[str, np.ndarray]
    train_acc: dict[str, np.ndarray]
    steps: np.ndarray
    curves: dict[tuple[str, int], np.ndarray]
    paper_test: np.ndarray
    paper_train: np.ndarray

    def final(self, activation: str, depth: int) -> np.ndarray:
        """Final test accuracies of one model over the seeds."""
        if activation == LOGISTIC:
            return self.logistic
        return self.test_acc[activation][self.depths.index(depth)]


def _final_runs(activation: str, depth: int, lr: float, lookup) -> list | None:
    runs = [_run(activation, depth, s, [lr], "test", lookup) for s in MNIST_SEEDS]
    return None if any(r is None for r in runs) else runs


def mnist1d_experiment(lookup=None) -> MnistResult:
    """Logistic regression, deep linear nets and ReLU MLPs on MNIST-1D, compared fairly.

    Each model's learning rate is tuned on a validation split (:func:`tune_lr`); then each is
    trained on the whole training set from every seed of :data:`MNIST_SEEDS` (own initial
    weights and batch order) for the budget :data:`MNIST_BUDGET` and scored on the test set.
    Runs come from the results store (computed on a miss).
    """
    lookup = results.get if lookup is None else lookup
    tuning, runs = {}, {}
    for act, depth in contenders():
        tuning[(act, depth)] = tune_lr(act, depth, lookup)
        runs[(act, depth)] = _final_runs(act, depth, tuning[(act, depth)].best, lookup)
    paper = _final_runs("relu", PAPER_RECIPE["depth"], PAPER_RECIPE["lr"], lookup)

    def last(key, field):
        return np.array([r[field][0, -1] for r in runs[key]])

    def by_depth(act, field):
        return np.stack([last((act, d), field) for d in MNIST_DEPTHS])

    return MnistResult(
        depths=tuple(MNIST_DEPTHS),
        width=MNIST_WIDTH,
        seeds=tuple(MNIST_SEEDS),
        tuning=tuning,
        logistic=last((LOGISTIC, 0), "eval_acc"),
        logistic_train=last((LOGISTIC, 0), "train_acc"),
        test_acc={a: by_depth(a, "eval_acc") for a in MNIST_ACTIVATIONS},
        train_acc={a: by_depth(a, "train_acc") for a in MNIST_ACTIVATIONS},
        steps=runs[(LOGISTIC, 0)][0]["steps"],
        curves={k: np.stack([r["eval_acc"][0] for r in v]) for k, v in runs.items()},
        paper_test=np.array([r["eval_acc"][0, -1] for r in paper]),
        paper_train=np.array([r["train_acc"][0, -1] for r in paper]),
    )  # fmt: skip


def results_tasks() -> list[tuple]:
    """Runs for the results store: tuning runs, then (once tuned) the final runs."""
    tasks = []

    def record(fn, **settings):
        tasks.append((fn, settings))
        return results.peek(fn, **settings)

    for act, depth in contenders():
        tuning = tune_lr(act, depth, record)
        if tuning.complete:
            _final_runs(act, depth, tuning.best, record)
    _final_runs("relu", PAPER_RECIPE["depth"], PAPER_RECIPE["lr"], record)
    unique = {}
    for fn, settings in tasks:
        unique[results.entry_key(fn, settings)] = (fn, settings)
    return list(unique.values())


# ---- verdicts -----
def mnist_table(result: MnistResult) -> dict[str, np.ndarray]:
    """Every MNIST-1D model's test accuracies over the same seeds, by its name in the text."""
    table = {"logistic regression": result.logistic}
    for act, label in (("identity", "linear"), ("relu", "ReLU")):
        for i, d in enumerate(result.depths):
            table[f"{label}, {d} hidden"] = result.test_acc[act][i]
    return table


def mnist_pairs(result: MnistResult) -> list[tuple[str, str]]:
    """The family of comparisons the chapter states: every linear net and every ReLU MLP
    against logistic regression, and every pair of ReLU depths (one Holm family)."""
    relu = [f"ReLU, {d} hidden" for d in result.depths]
    against = [(f"{label}, {d} hidden", "logistic regression")
               for label in ("linear", "ReLU") for d in result.depths]  # fmt: skip
    return against + list(itertools.combinations(relu, 2))


def mnist_verdicts(result: MnistResult) -> dict[tuple[str, str], st.Comparison]:
    """Paired, Holm-corrected verdicts on :func:`mnist_pairs`."""
    return st.compare(mnist_table(result), mnist_pairs(result))


def verdicts(result: MnistResult | None = None) -> dict[str, str]:
    """The chapter's glued verdict sentences (glue name -> text), from :mod:`bendlines.stats`.

    ``mnist_linear_verdict``: the linear nets against logistic regression;
    ``mnist_relu_verdict``: the ReLU MLPs against it; ``mnist_relu_ties``: which depths lead,
    a leader named only when the top group is the same on all seeds and on both halves.
    """
    result = mnist1d_experiment() if result is None else result
    out = st.Verdicts()
    v = mnist_verdicts(result)
    family = len(v)
    linear = [v[f"linear, {d} hidden", "logistic regression"] for d in result.depths]
    relu = [v[f"ReLU, {d} hidden", "logistic regression"] for d in result.depths]
    ahead = [c for c in linear if c.winner is not None]
    lo = min(100 * c.diff for c in linear)
    hi = max(100 * c.diff for c in linear)
    if not ahead:
        linear_text = (
            f"none of them can be told apart from it at this strictness: their mean "
            f"differences from it run from {lo:.1f} to {hi:.1f} points, and every paired "
            f"interval contains 0"
        )
    else:
        linear_text = (
            "; ".join(c.words() for c in ahead)
            + f"; the other linear nets cannot be told apart from it (differences from "
            f"{lo:.1f} to {hi:.1f} points)"
        )
    if all(c.winner == c.first for c in relu):
        low = min(100 * c.lo for c in relu)
        relu_text = (
            f"every ReLU MLP is ahead of logistic regression, each paired interval lying above "
            f"{low:.1f} points"
        )
    else:
        relu_text = "; ".join(c.words() for c in relu)
    depths = {f"ReLU, {d} hidden": d for d in result.depths}
    top = st.replicated_top({k: mnist_table(result)[k] for k in depths})
    n = len(result.seeds)

    def group(key: str) -> str:
        return st.join_words([str(d) for d in sorted(depths[k] for k in top[key])])

    if top["holds"] and len(top["all"]) == 1:
        ties_text = f"{group('all')} hidden layers lead, on all seeds and on each half of them."
    elif top["holds"]:
        ties_text = (
            f"No depth is ahead of {group('all')} hidden layers, on all seeds and on each half "
            "of them; the data cannot separate those."
        )
    else:
        ties_text = (
            f"On all {n} seeds no depth is ahead of {group('all')} hidden layers, but halves "
            f"of {n // 2} seeds give other top groups (first half: {group('first')}; second "
            f"half: {group('second')}), so the data name no best depth."
        )
    out.update(
        mnist_linear_verdict=linear_text,
        mnist_relu_verdict=relu_text,
        mnist_relu_ties=ties_text,
        mnist_family=str(family),
    )
    return out
