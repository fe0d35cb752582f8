"""Experiments of the chapter "How a network learns".

Every setting the chapter uses is a module-level constant, so the chapter, its figure scripts
and ``tests/test_primer.py`` run exactly the same computations.

Sections
--------
data        a small table of inputs and labels, a line as the model, its predictions
losses      mean squared error and softmax cross-entropy written out by hand
descent     gradient descent on a 1-D and a 2-D loss at a small, a good and a too-large rate
optimisers  mini-batch SGD against Adam on a spiral, rates tuned on a validation split
overfit     train, validation and test losses of a wide net fitted to a few noisy points
chain       the chain rule through a 1-1-1 tanh net, checked three ways
curvature   the slope of the slope, f'', by finite differences
notation    expectation, variance, the normal distribution function Phi and erf
"""

from __future__ import annotations

import math

import numpy as np

from bendlines import data, results
from bendlines import stats as st
from bendlines.experiments import primer_runs as pr_runs
from bendlines.experiments.primer_runs import (
    OPT_BATCH,
    OPT_BUDGETS,
    OPT_DATA,
    OPT_EVAL_EVERY,
    OPT_GRIDS,
    OPT_N_TRAIN,
    OPT_SEEDS,
    OPT_SIZES,
    opt_splits,
)
from bendlines.mlp import MLP, cross_entropy_loss
from bendlines.training import train_many

__all__ = [
    "CHAIN",
    "DESCENT_STEPS",
    "LINE_SEED",
    "OPT_BATCH",
    "OPT_BUDGETS",
    "OPT_DATA",
    "OPT_EVAL_EVERY",
    "OPT_GRIDS",
    "OPT_N_TRAIN",
    "OPT_REPORT_SEEDS",
    "OPT_SEEDS",
    "OPT_SIZES",
    "OPT_TUNE_SEEDS",
    "OVERFIT_SIZES",
    "SOFTMAX_LOGITS",
    "by_backprop",
    "by_finite_differences",
    "by_hand",
    "chord_gap",
    "descent_1d",
    "descent_2d",
    "fit_line",
    "line_data",
    "line_loss",
    "line_loss_grad",
    "mse_by_hand",
    "normal_facts",
    "opt_splits",
    "optimiser_comparison",
    "overfitting",
    "results_tasks",
    "second_derivative",
    "softmax",
    "softmax_cross_entropy_by_hand",
    "uniform_guess_loss",
    "untrained_mnist1d_loss",
    "verdicts",
]

# ------------------------------------------------------------------------------ data


#: Seed, size, true slope and intercept, and noise of the small data table.
LINE_SEED, LINE_N, LINE_SLOPE, LINE_INTERCEPT, LINE_NOISE = 3, 8, 2.0, 1.0, 0.5
#: The starting guess of the model ``y = w x + b`` before any learning.
LINE_START = (0.0, 0.0)


def line_data() -> tuple[np.ndarray, np.ndarray]:
    """The chapter's data table: inputs ``x`` of shape (8,) in [0, 2] and labels ``y`` (8,).

    The labels are ``2 x + 1`` plus Gaussian noise of standard deviation 0.5 (no units).
    """
    rng = np.random.default_rng(LINE_SEED)
    x = np.round(np.sort(rng.uniform(0.0, 2.0, LINE_N)), 2)
    y = np.round(LINE_SLOPE * x + LINE_INTERCEPT + LINE_NOISE * rng.standard_normal(LINE_N), 2)
    return x, y


def mse_by_hand(predictions, labels) -> float:
    """Mean squared error ``(1/n) sum_i (p_i - y_i)^2``, written out with Python floats."""
    pairs = list(zip(np.ravel(predictions), np.ravel(labels), strict=True))
    return sum((float(p) - float(y)) ** 2 for p, y in pairs) / len(pairs)


def line_loss(w, b, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean squared error of the line ``w x + b`` on ``(x, y)``; ``w``, ``b`` may be arrays
    of any (broadcastable) shape, the result has their broadcast shape."""
    w, b = np.asarray(w, float)[..., None], np.asarray(b, float)[..., None]
    return np.mean((w * x + b - y) ** 2, axis=-1)


def line_loss_grad(w: float, b: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Gradient ``(dL/dw, dL/db)`` of :func:`line_loss`.

    ``(mean 2 e x, mean 2 e)`` with the errors ``e = w x + b - y``.
    """
    e = w * x + b - y
    return float(np.mean(2 * e * x)), float(np.mean(2 * e))


def fit_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope and intercept (the bottom of the 2-D loss), in closed form."""
    w, b = np.polyfit(x, y, 1)
    return float(w), float(b)


# ------------------------------------------------------------------------------ losses

#: Scores (logits) of the softmax example, three classes; the true class is 0.
SOFTMAX_LOGITS = (2.0, 1.0, -1.0)
SOFTMAX_LABEL = 0


def softmax(z) -> np.ndarray:
    """``exp(z_c) / sum_k exp(z_k)`` along the last axis (shifted by the max, so no overflow)."""
    z = np.asarray(z, float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_cross_entropy_by_hand(logits, label: int) -> float:
    """``-ln(softmax(logits)[label])`` in nats, with Python's math module only."""
    exps = [math.exp(v) for v in logits]
    return -math.log(exps[label] / sum(exps))


def uniform_guess_loss(n_classes: int = 10) -> float:
    """Cross-entropy of a net whose weights are all zero (every class gets 1/n), by
    :func:`bendlines.mlp.cross_entropy_loss`; equals ``ln n_classes`` nats."""
    logits = np.zeros((n_classes, n_classes))
    return float(cross_entropy_loss(logits, np.arange(n_classes))[0])


#: Scale of the output layer's He weights in the "small last layer" start of the primer.
SMALL_LAST_LAYER = 0.01


def untrained_mnist1d_loss(seeds=range(5), last_layer_scale: float = 1.0) -> np.ndarray:
    """Cross-entropy (nats) of freshly initialised 40-100-100-10 ReLU nets (He) on MNIST-1D.

    ``last_layer_scale`` multiplies the output layer's weights: 1 is He everywhere; a small
    value (:data:`SMALL_LAST_LAYER`) makes the starting scores nearly equal, so the loss starts
    near ``ln 10``, the usual sanity check of a classifier's first step.
    """
    if not last_layer_scale >= 0:
        raise ValueError(f"last_layer_scale must be >= 0, got {last_layer_scale!r}")
    (X, y), _ = data.load("mnist1d")
    losses = []
    for s in seeds:
        net = MLP([X.shape[1], 100, 100, 10], seed=s)
        net.params[-1][0][...] *= last_layer_scale
        losses.append(net.loss_value(X, y))
    return np.array(losses)


# ------------------------------------------------------------------------------ descent

#: Steps of gradient descent in the learning-rate figure.
DESCENT_STEPS = 12
#: Starting points: slope ``w`` for the 1-D loss (intercept fixed at 0), ``(w, b)`` for 2-D.
DESCENT_START_1D = -1.0
DESCENT_START_2D = (-1.0, 4.0)
#: Rates as fractions of the largest stable rate ``2 / curvature``.
RATE_FRACTIONS = {"small": 0.1, "good": 0.8, "too large": 1.1}


def curvature_1d(x: np.ndarray) -> float:
    """Second derivative of ``L(w) = mean (w x - y)^2`` with respect to ``w``: ``2 mean x^2``."""
    return float(2 * np.mean(x**2))


def curvature_2d(x: np.ndarray) -> float:
    """Largest curvature of the 2-D loss ``L(w, b)``: the top eigenvalue of its Hessian
    ``2 [[mean x^2, mean x], [mean x, 1]]``."""
    hessian = 2 * np.array([[np.mean(x**2), np.mean(x)], [np.mean(x), 1.0]])
    return float(np.linalg.eigvalsh(hessian)[-1])


def descent_1d(steps: int = DESCENT_STEPS) -> dict:
    """Gradient descent on the 1-D loss ``L(w)`` (the line through the origin ``y = w x``).

    Returns a dict with ``rates`` (name -> rate), ``paths`` (name -> array (steps + 1,) of w),
    ``losses`` (name -> losses along the path), ``curvature`` ``L''`` and ``limit`` ``2 / L''``.
    """
    x, y = line_data()
    c = curvature_1d(x)
    rates = {name: f * 2 / c for name, f in RATE_FRACTIONS.items()}
    paths, losses = {}, {}
    for name, lr in rates.items():
        w = [DESCENT_START_1D]
        for _ in range(steps):
            w.append(w[-1] - lr * line_loss_grad(w[-1], 0.0, x, y)[0])
        paths[name] = np.array(w)
        losses[name] = line_loss(paths[name], 0.0, x, y)
    return {"rates": rates, "paths": paths, "losses": losses, "curvature": c, "limit": 2 / c}


def descent_2d(steps: int = DESCENT_STEPS) -> dict:
    """Gradient descent on the 2-D loss ``L(w, b)`` of the line ``y = w x + b``.

    Each step is one :meth:`bendlines.mlp.MLP.loss_and_grads` of a 1-1 net (a net with no
    hidden layer is this line) followed by ``p <- p - rate * gradient``. Returns ``rates``,
    ``paths`` (name -> array (steps + 1, 2) of (w, b)), ``losses``, ``curvature`` (the largest
    curvature), ``limit`` (``2 / curvature``) and ``best`` (the least-squares (w, b)).
    """
    x, y = line_data()
    c = curvature_2d(x)
    rates = {name: f * 2 / c for name, f in RATE_FRACTIONS.items()}
    paths, losses = {}, {}
    for name, lr in rates.items():
        net = MLP.from_params(
            [(np.array([[DESCENT_START_2D[0]]]), np.array([DESCENT_START_2D[1]]))]
        )
        path, loss = [], []
        for _ in range(steps + 1):
            ((W, b),) = net.params
            path.append((W[0, 0], b[0]))
            value, ((dW, db),) = net.loss_and_grads(x[:, None], y, loss="mse")
            loss.append(value)
            W -= lr * dW
            b -= lr * db
        paths[name], losses[name] = np.array(path), np.array(loss)
    return {
        "rates": rates,
        "paths": paths,
        "losses": losses,
        "curvature": c,
        "limit": 2 / c,
        "best": fit_line(x, y),
    }


# ------------------------------------------------------------------------------ optimisers

# The settings and the training runs live in primer_runs (read from the results store).


#: Seeds that choose each optimiser's learning rate (``OPT_SEEDS``).
OPT_TUNE_SEEDS = OPT_SEEDS
#: Fresh seeds, disjoint from :data:`OPT_TUNE_SEEDS`, that the comparison is reported on.
OPT_REPORT_SEEDS = tuple(range(5, 15))


def optimiser_comparison(lookup=None) -> dict:
    """Mini-batch SGD against Adam, each with its learning rate tuned on validation.

    Reads :func:`~bendlines.experiments.primer_runs.optimiser_run` for every optimiser and
    seed from the results store. At each budget the rate with the best mean validation
    accuracy over :data:`OPT_TUNE_SEEDS` is chosen per optimiser, and the test accuracy at
    that step of the nets of :data:`OPT_REPORT_SEEDS`, fresh seeds that chose nothing, at that
    rate is reported (the runs that watched the test set followed the same path as those that
    watched the validation set: ``same_path``).

    Returns
    -------
    dict
        ``val[budget][opt]``: validation accuracy at that step, array (tuning seeds, rates);
        ``best[budget][opt]``: index of the chosen rate;
        ``test[budget][opt]``: test accuracy of the chosen rate, array (report seeds,);
        ``curves[opt]``: validation accuracy along the report seeds' runs, array (seeds,
        rates, evals);
        ``same_path[opt]``: (all seeds, rates) whether both runs ended with equal weights;
        ``steps``: the evaluation steps of ``curves``.
    """
    lookup = results.get if lookup is None else lookup
    out = {"val": {}, "best": {}, "test": {}, "curves": {}, "same_path": {}, "steps": None}
    tests = {}
    tune_curves = {}
    for opt in OPT_GRIDS:
        tuning = [lookup(pr_runs.optimiser_run, opt=opt, seed=seed) for seed in OPT_TUNE_SEEDS]
        runs = [lookup(pr_runs.optimiser_run, opt=opt, seed=seed) for seed in OPT_REPORT_SEEDS]
        out["steps"] = runs[0]["steps"]
        tune_curves[opt] = np.array([r["val_curves"] for r in tuning])
        out["curves"][opt] = np.array([r["val_curves"] for r in runs])
        out["same_path"][opt] = np.array([r["same_path"] for r in tuning + runs])
        tests[opt] = np.array([r["test_curves"] for r in runs])
    for budget in OPT_BUDGETS:
        k = int(np.flatnonzero(out["steps"] == budget)[0])
        for key in ("val", "best", "test"):
            out[key].setdefault(budget, {})
        for opt in OPT_GRIDS:
            v = tune_curves[opt][:, :, k]
            best = int(np.argmax(v.mean(axis=0)))
            out["val"][budget][opt], out["best"][budget][opt] = v, best
            out["test"][budget][opt] = tests[opt][:, best, k]
    return out


def verdicts(comparison: dict | None = None) -> dict[str, str]:
    """The chapter's glued verdict sentences (glue name -> text): Adam against SGD at the short
    and the long budget, a paired comparison on the report seeds (:mod:`bendlines.stats`)."""
    comparison = optimiser_comparison() if comparison is None else comparison
    out = st.Verdicts()
    for tag, budget in (("short", min(OPT_BUDGETS)), ("long", max(OPT_BUDGETS))):
        test = comparison["test"][budget]
        out[f"verdict_{tag}"] = st.verdict(test["adam"], test["sgd"], names=("Adam", "SGD")).words()
    return out


def results_tasks() -> list:
    """The primer's runs in the results store (`make experiments`)."""
    seeds = OPT_TUNE_SEEDS + OPT_REPORT_SEEDS
    return [(pr_runs.optimiser_run, {"opt": o, "seed": s}) for o in OPT_GRIDS for s in seeds]


# ------------------------------------------------------------------------------ overfitting

#: A wide tanh net fitted to 16 noisy samples of sin(3x); 200 validation and 200 test points.
OVERFIT_SIZES = (1, 64, 64, 1)
OVERFIT_N, OVERFIT_N_HELD, OVERFIT_NOISE = 16, 200, 0.3
OVERFIT_STEPS, OVERFIT_EVAL_EVERY, OVERFIT_LR = 3000, 25, 0.01
#: Seed of the data; the nets start from the initialisation seeds below.
OVERFIT_DATA_SEED = 0
OVERFIT_SEEDS = (0, 1, 2, 3, 4)


def overfit_target(x):
    """The function behind the noisy samples: ``sin(3 x)``."""
    return np.sin(3 * x)


def overfit_data(seed: int = OVERFIT_DATA_SEED):
    """Training, validation and test sets ``(X, y)`` on [-1, 1], each with noise 0.3."""
    rng = np.random.default_rng(seed)

    def sample(n):
        X = rng.uniform(-1.0, 1.0, (n, 1))
        return X, overfit_target(X) + OVERFIT_NOISE * rng.standard_normal((n, 1))

    return sample(OVERFIT_N), sample(OVERFIT_N_HELD), sample(OVERFIT_N_HELD)


def _overfit_nets(seeds) -> list[MLP]:
    return [MLP(OVERFIT_SIZES, activation="tanh", init="xavier", seed=s) for s in seeds]


def overfitting(seeds=OVERFIT_SEEDS) -> dict:
    """Train one net per initialisation seed (full batch, Adam) on the same noisy points.

    The stopping step of each net is the one with the lowest validation loss (early
    stopping). The nets are then trained again from the same start (training is
    deterministic) with the test set watched instead, and each is scored on the test set at
    its own stopping step and at the end.

    Returns
    -------
    dict
        ``steps`` (evals,); ``train``, ``val``, ``test`` mean squared errors (seeds, evals),
        ``test`` only up to the latest stopping step; ``best_step``, ``test_at_best``,
        ``test_at_end`` (seeds,); the data (``train_set``, ``val_set``); and the first seed's
        nets at its stopping step and at the end (``net_best``, ``net_end``).
    """
    train_set, val, test = overfit_data()
    settings = {
        "lr": OVERFIT_LR,
        "batch_size": None,
        "eval_every": OVERFIT_EVAL_EVERY,
        "loss": "mse",
    }
    nets = _overfit_nets(seeds)
    hist = train_many(nets, train_set, test_data=val, steps=OVERFIT_STEPS, **settings)
    steps = hist[0].steps
    best = np.array([int(steps[np.argmin(h.test_loss)]) for h in hist])
    again = train_many(
        _overfit_nets(seeds), train_set, test_data=test, steps=int(best.max()), **settings
    )
    (net_best,) = _overfit_nets(seeds[:1])
    train_many([net_best], train_set, steps=int(best[0]), **settings)
    return {
        "steps": steps,
        "train": np.array([h.train_loss for h in hist]),
        "val": np.array([h.test_loss for h in hist]),
        "test": [h.test_loss for h in again],
        "best_step": best,
        "test_at_best": np.array(
            [h.test_loss[np.flatnonzero(h.steps == b)[0]] for h, b in zip(again, best, strict=True)]
        ),
        "test_at_end": np.array([net.loss_value(*test, loss="mse") for net in nets]),
        "train_set": train_set,
        "val_set": val,
        "net_best": net_best,
        "net_end": nets[0],
    }


# ------------------------------------------------------------------------------ chain rule

#: The 1-1-1 tanh net of the worked example: input, label, and its four parameters.
CHAIN = {"x": 1.5, "y": 0.5, "w1": 0.8, "b1": -0.2, "w2": 1.2, "b2": 0.1}


def by_hand(x, y, w1, b1, w2, b2) -> dict:
    """Forward and backward pass of ``L = (w2 tanh(w1 x + b1) + b2 - y)^2``, one line per rule.

    Plain Python floats and ``math.tanh`` only, so it is independent of the package.
    Returns every intermediate value (``z1 a1 z2 L``) and derivative (``dL_dz2 dL_dw2 dL_db2
    dL_da1 da1_dz1 dL_dz1 dL_dw1 dL_db1``).
    """
    z1 = w1 * x + b1
    a1 = math.tanh(z1)
    z2 = w2 * a1 + b2
    loss = (z2 - y) ** 2
    dL_dz2 = 2 * (z2 - y)  # slope of the square
    dL_dw2 = dL_dz2 * a1  # z2 = w2 a1 + b2
    dL_db2 = dL_dz2
    dL_da1 = dL_dz2 * w2
    da1_dz1 = 1 - a1**2  # slope of tanh
    dL_dz1 = dL_da1 * da1_dz1
    dL_dw1 = dL_dz1 * x
    dL_db1 = dL_dz1
    return {k: v for k, v in locals().items() if k not in {"x", "y", "w1", "b1", "w2", "b2"}}


def _chain_net(w1, b1, w2, b2) -> MLP:
    return MLP.from_params(
        [(np.array([[w1]]), np.array([b1])), (np.array([[w2]]), np.array([b2]))], "tanh"
    )


def by_backprop(x, y, w1, b1, w2, b2) -> tuple[float, dict]:
    """Loss and gradient of the same net by :meth:`bendlines.mlp.MLP.loss_and_grads`."""
    value, ((dW1, db1), (dW2, db2)) = _chain_net(w1, b1, w2, b2).loss_and_grads(
        [[x]], [y], loss="mse"
    )
    return value, {"w1": dW1[0, 0], "b1": db1[0], "w2": dW2[0, 0], "b2": db2[0]}


def by_finite_differences(x, y, w1, b1, w2, b2, h: float = 1e-6) -> dict:
    """Central differences ``(L(p + h) - L(p - h)) / 2h`` of the loss, one parameter at a time."""
    params = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    out = {}
    for name in params:
        up, down = dict(params), dict(params)
        up[name] += h
        down[name] -= h
        losses = [_chain_net(**p).loss_value([[x]], [y], loss="mse") for p in (up, down)]
        out[name] = (losses[0] - losses[1]) / (2 * h)
    return out


# ------------------------------------------------------------------------------ curvature


def second_derivative(f, x: np.ndarray, h: float = 1e-3) -> np.ndarray:
    """``f''(x)`` by the central difference ``(f(x + h) - 2 f(x) + f(x - h)) / h^2``."""
    return (f(x + h) - 2 * f(x) + f(x - h)) / h**2


def chord_gap(f, a: float, h: float, n: int = 2001) -> float:
    """Largest gap between ``f`` and its chord (straight segment) on ``[a, a + h]``."""
    t = np.linspace(a, a + h, n)
    chord = f(a) + (f(a + h) - f(a)) * (t - a) / h
    return float(np.max(np.abs(f(t) - chord)))


# ------------------------------------------------------------------------------ notation

NOTATION_SEED, NOTATION_SAMPLES = 0, 1_000_000


def normal_facts() -> dict:
    """Averages over a million standard normal draws against their exact values.

    Returns ``mean`` (exact 0), ``var`` (exact 1), ``relu_sq`` = E[ReLU(z)^2] (exact 1/2),
    ``frac_below_1`` = share of draws below 1 and ``phi_1`` = Phi(1) = (1 + erf(1/sqrt 2)) / 2.
    """
    z = np.random.default_rng(NOTATION_SEED).standard_normal(NOTATION_SAMPLES)
    return {
        "mean": float(z.mean()),
        "var": float(z.var()),
        "relu_sq": float(np.mean(np.maximum(z, 0) ** 2)),
        "frac_below_1": float(np.mean(z < 1)),
        "phi_1": 0.5 * (1 + math.erf(1 / math.sqrt(2))),
    }
