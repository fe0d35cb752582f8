"""Experiments of the chapter "Training deep networks": signals, slopes and initialisation.

Everything here but ``deep_training.rescue_runs`` looks at untrained networks: how the spread of the
forward signal and the size of the backward signal change from layer to layer (one product of
slopes governs both), how the weight variance decides between vanishing, preserved and exploding
signals, Xavier's compromise between the forward and the backward condition, SELU's attracting
fixed point, and the forward-variance gain of an activation (whose order and chaos are
:mod:`bendlines.experiments.order_chaos`). :func:`rescue_results` reads
the training runs of :mod:`bendlines.experiments.deep_training` (deep sigmoid nets with plain
SGD, with per-layer standardisation and with residual connections, over a grid of learning rates
and several seeds) from the results store, and :func:`rescue_summary` picks each contender's
learning rate on the validation split.

The chapter's settings are module-level constants; the chapter and ``tests/test_deep.py`` call
the same functions with them.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
from scipy import integrate

from bendlines import activations, data, results
from bendlines import stats as st
from bendlines.experiments import deep_training
from bendlines.mlp import MLP, init_weights

__all__ = [
    "GAIN_ACTIVATIONS",
    "HE_WIDTHS",
    "RESCUE_EXTRA_LRS",
    "RESCUE_LRS",
    "RESCUE_REPORT_SEEDS",
    "RESCUE_SEEDS",
    "RESCUE_VARIANTS",
    "SELU_STARTS",
    "SIGNAL_CASES",
    "SIGNAL_DEPTH",
    "SIGNAL_WIDTH",
    "VARIANCES",
    "family_curves",
    "fan_conditions",
    "gain_propagation",
    "he_backward_ratio",
    "interval",
    "layers_to_reach",
    "majority_share",
    "mean_field_variance",
    "normal_moments",
    "per_layer_factor",
    "relu_depth_signals",
    "rescue_comparisons",
    "rescue_gradients",
    "rescue_ranking_stable",
    "rescue_report",
    "rescue_reported",
    "rescue_results",
    "rescue_summary",
    "rescue_verdicts",
    "results_tasks",
    "selu_attraction",
    "sigmoid_slope_max",
    "signal_profiles",
    "variance_gain",
    "verdicts",
]

# ---- settings of the chapter -----
SIGNAL_CASES = (("sigmoid", "xavier"), ("tanh", "xavier"), ("relu", "he"), ("selu", "lecun"))
SIGNAL_DEPTH = 10  # hidden layers
SIGNAL_WIDTH = 64
SIGNAL_SAMPLES = 500

VARIANCES = (1.0, 2.0, 4.0)  # ReLU weight variance times fan-in: vanishing, He, exploding
DEPTH_LAYERS = 50
DEPTH_WIDTH = 256
DEPTH_SAMPLES = 256

GAIN_ACTIVATIONS = ("relu", "tanh", "selu", "sigmoid")
GAIN_DEPTH = 50

SELU_STARTS = (10.0, 1.0, 0.04)  # input variances
SELU_DEPTH = 32
SELU_WIDTH = 256
SELU_SAMPLES = 512

RESCUE_VARIANTS = deep_training.VARIANTS
RESCUE_LRS = deep_training.LRS
#: Seeds whose validation accuracy chose each variant's learning rate.
RESCUE_SEEDS = deep_training.SEEDS
#: Fresh seeds the rescue is reported on, disjoint from :data:`RESCUE_SEEDS`.
RESCUE_REPORT_SEEDS = tuple(range(5, 15))


_check_names = deep_training._check_names  # one check of names for both modules


def interval(values: Sequence[float], chance: float | None = None) -> dict[str, float]:
    """Mean, standard deviation (ddof = 1) and a 95 % interval of the mean of accuracies over
    seeds that stays inside [0, 1] (:func:`bendlines.stats.summarise`); ``collapsed`` counts
    the seeds at or below the majority-class share ``chance`` (then ``lo`` and ``hi`` are
    ``nan``: the count is reported instead)."""
    s = st.summarise(values, chance)
    return {**s, "std": st.mean_interval(values)["std"]}


# ---- the family and its slopes -----
def family_curves(
    names: Sequence[str] | None = None, lo: float = -4.0, hi: float = 4.0, n: int = 801
):
    """Values and slopes of activations on a grid, read from the registry.

    Parameters
    ----------
    names : sequence of str, optional
        Registry names; default :func:`bendlines.activations.in_common_use`.
    lo, hi : float
        Grid ends (pre-activation units).
    n : int
        Number of grid points.

    Returns
    -------
    dict
        ``"z"``: grid of shape (n,); ``"curves"``: name -> (value, derivative), each (n,);
        ``"cite"``: name -> BibTeX key.
    """
    names = activations.in_common_use() if names is None else names
    names = _check_names(names, activations.names(), "activation")
    z = np.linspace(lo, hi, n)
    acts = {name: activations.get(name) for name in names}
    return {
        "z": z,
        "curves": {name: act.value_and_grad(z) for name, act in acts.items()},
        "cite": {name: act.cite for name, act in acts.items()},
    }


def sigmoid_slope_max(lo: float = -20.0, hi: float = 20.0, n: int = 400_001) -> tuple[float, float]:
    """Largest sigmoid slope on a fine grid and where it occurs (1/4 at 0 in theory)."""
    z = np.linspace(lo, hi, n)
    slope = activations.get("sigmoid").grad(z)
    i = int(np.argmax(slope))
    return float(slope[i]), float(z[i])


# ---- forward and backward signals through one net at initialisation -----
def _mnist_batch(n: int) -> tuple[np.ndarray, np.ndarray]:
    (X, y), _ = data.load("mnist1d", dtype=np.float64)
    return X[:n], y[:n]


def _backward_signals(net: MLP, pre: list[np.ndarray], dout: np.ndarray) -> list[np.ndarray]:
    """``dL/dz`` for every layer, from the output's ``dout`` back through the slopes."""
    act = activations.get(net.activation)
    deltas = [dout]
    for layer in range(len(pre) - 2, -1, -1):
        W = net.params[layer + 1][0]
        deltas.insert(0, (deltas[0] @ W.T) * act.grad(pre[layer]))
    return deltas


def signal_profiles(
    cases: Sequence[tuple[str, str]] = SIGNAL_CASES,
    depth: int = SIGNAL_DEPTH,
    width: int = SIGNAL_WIDTH,
    n_samples: int = SIGNAL_SAMPLES,
    seed: int = 0,
) -> dict[tuple[str, str], dict[str, np.ndarray]]:
    """Forward and backward signals, layer by layer, of deep nets at initialisation.

    Each net has ``depth`` hidden layers of ``width`` units on MNIST-1D (40 inputs, 10 classes)
    and sees the first ``n_samples`` training signals with the cross-entropy loss.

    Returns
    -------
    dict
        ``(activation, init)`` -> arrays, one entry per hidden layer unless stated:

        ``spread``
            forward signal: each unit's standard deviation across the inputs, averaged over
            the layer's units (how different the layer's outputs are for different inputs);
        ``backward``
            backward signal: root mean square of ``dL/dz`` over samples and units;
        ``slope``
            root mean square of the activation's slope ``phi'(z)`` over samples and units;
        ``factor``
            predicted per-layer factor ``sqrt(n_in Var(w)) * slope`` (from layer 2 on; the
            first entry uses the input layer's weights);
        ``grad_norm``, ``grad_norm_centred`` (depth + 1 entries, the output layer last)
            Frobenius norm of the loss gradient for each weight matrix, ``A^T dL/dZ``, and the
            same with the layer's inputs ``A`` centred (their mean over the samples removed).
    """
    X, y = _mnist_batch(n_samples)
    out = {}
    for name, init in cases:
        _check_names([name], activations.names(), "activation")
        net = MLP([X.shape[1], *[width] * depth, 10], activation=name, init=init, seed=seed)
        pre, post = net.hidden(X)
        p = pre[-1] - pre[-1].max(axis=1, keepdims=True)
        soft = np.exp(p)
        soft /= soft.sum(axis=1, keepdims=True)
        soft[np.arange(len(y)), y] -= 1.0
        deltas = _backward_signals(net, pre, soft / len(y))
        inputs = [X, *post[:-1]]
        act = activations.get(name)
        slope = np.array([math.sqrt(np.mean(act.grad(z) ** 2)) for z in pre[:-1]])
        weight_scale = np.array(
            [math.sqrt(W.shape[0] * np.mean(W * W)) for W, _ in net.params[:-1]]
        )
        out[name, init] = {
            "spread": np.array([a.std(axis=0).mean() for a in post[:-1]]),
            "backward": np.array([math.sqrt(np.mean(d * d)) for d in deltas[:-1]]),
            "slope": slope,
            "factor": weight_scale * slope,
            "grad_norm": np.array(
                [np.linalg.norm(a.T @ d) for a, d in zip(inputs, deltas, strict=True)]
            ),
            "grad_norm_centred": np.array(
                [
                    np.linalg.norm((a - a.mean(axis=0)).T @ d)
                    for a, d in zip(inputs, deltas, strict=True)
                ]
            ),
        }
    return out


# ---- weight variance: vanishing, preserved, exploding (ReLU) -----
def relu_depth_signals(
    variances: Sequence[float] = VARIANCES,
    depth: int = DEPTH_LAYERS,
    width: int = DEPTH_WIDTH,
    n_samples: int = DEPTH_SAMPLES,
    seed: int = 0,
) -> dict[float, dict[str, np.ndarray]]:
    """Forward and backward mean squares through a deep ReLU net with weights ``N(0, c / n)``.

    The input is standard normal; the backward pass starts from a standard normal ``dL/dz`` at
    the top and runs back through the same layers (the chain rule's transposed weights and
    slopes), so both directions see one product of slopes and weights.

    Parameters
    ----------
    variances : sequence of float
        Values of ``c``, the weight variance times the fan-in ``n`` (1 = LeCun, 2 = He).

    Returns
    -------
    dict
        ``c`` -> ``{"forward": (depth,), "backward": (depth,)}``: the mean of ``z**2`` of each
        layer's pre-activations, and the mean of ``(dL/dz)**2`` of each layer (layer 1 first).
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, width))
    top = rng.standard_normal((n_samples, width))
    out = {}
    for c in variances:
        if not (isinstance(c, int | float) and math.isfinite(c) and c > 0):
            raise ValueError(f"variances must be positive numbers, got {c!r}")
        wrng = np.random.default_rng(seed + 1)
        Ws = [wrng.standard_normal((width, width)) * math.sqrt(c / width) for _ in range(depth)]
        a, pre = X, []
        for W in Ws:
            z = a @ W
            pre.append(z)
            a = np.maximum(z, 0.0)
        d, back = top, [top]
        for W, z in zip(Ws[:0:-1], pre[-2::-1], strict=True):
            d = (d @ W.T) * (z > 0)
            back.insert(0, d)
        out[c] = {
            "forward": np.array([np.mean(z * z) for z in pre]),
            "backward": np.array([np.mean(d * d) for d in back]),
        }
    return out


def per_layer_factor(series: np.ndarray) -> float:
    """Geometric mean of the ratio between successive entries of a positive series."""
    series = np.asarray(series, dtype=np.float64)
    return float((series[-1] / series[0]) ** (1.0 / (len(series) - 1)))


# ---- Xavier: the forward and the backward condition -----
def fan_conditions(
    fan_in: int, fan_out: int, n_samples: int = 2000, seed: int = 0
) -> dict[str, dict[str, float]]:
    """Forward and backward variance factors of one linear layer under three initialisations.

    A layer ``z = a W`` with ``W`` of shape ``(fan_in, fan_out)`` multiplies the variance of its
    inputs by ``fan_in Var(w)`` on the way forward and the variance of ``dL/dz`` by
    ``fan_out Var(w)`` on the way back. ``1 / fan_in`` makes the first factor 1, ``1 / fan_out``
    the second, and Xavier's ``2 / (fan_in + fan_out)`` sits between them.

    Returns
    -------
    dict
        init -> ``{"var": Var(w), "forward": predicted, "backward": predicted,
        "forward_measured": ..., "backward_measured": ...}`` for ``"fan_in"``, ``"fan_out"``,
        ``"xavier"``; measured on ``n_samples`` standard normal inputs and backward signals.
    """
    if fan_in < 1 or fan_out < 1:
        raise ValueError("fan_in and fan_out must be >= 1")
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n_samples, fan_in))
    d = rng.standard_normal((n_samples, fan_out))
    out = {}
    for init, var in (
        ("fan_in", 1.0 / fan_in),
        ("fan_out", 1.0 / fan_out),
        ("xavier", 2.0 / (fan_in + fan_out)),
    ):
        W = rng.standard_normal((fan_in, fan_out)) * math.sqrt(var)
        out[init] = {
            "var": var,
            "forward": fan_in * var,
            "backward": fan_out * var,
            "forward_measured": float(np.var(a @ W) / np.var(a)),
            "backward_measured": float(np.var(d @ W.T) / np.var(d)),
        }
    return out


#: Layer widths (input first) of the net that checks He's backward half.
HE_WIDTHS = (256, 1024, 512, 2048, 256, 128)


def he_backward_ratio(
    widths: Sequence[int] = HE_WIDTHS, n_samples: int = 512, seed: int = 0
) -> dict[str, float]:
    """Backward variance from the last to the first layer of a ReLU net with He (2/fan_in) weights.

    Each ReLU layer multiplies the variance of ``dL/dz`` on its way back by
    ``fan_out Var(w) / 2 = fan_out / fan_in``; over the net the ratios telescope to the last
    layer's width over the first hidden layer's. The backward pass starts from a standard
    normal ``dL/dz`` at the last layer.

    Returns
    -------
    dict
        ``"measured"``: mean of ``(dL/dz)**2`` at the first hidden layer over that at the last;
        ``"predicted"``: ``widths[-1] / widths[1]``; ``"per_layer"``: the product of the layers'
        individual factors ``fan_out / fan_in`` (the same number, before cancelling).
    """
    widths = [int(w) for w in widths]
    if len(widths) < 3 or min(widths) < 1:
        raise ValueError("need an input width and at least two layers, every width >= 1")
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n_samples, widths[0]))
    Ws, pre = [], []
    for fan_in, fan_out in itertools.pairwise(widths):
        W = init_weights(fan_in, fan_out, "he", rng)
        z = a @ W
        Ws.append(W)
        pre.append(z)
        a = np.maximum(z, 0.0)
    top = rng.standard_normal((n_samples, widths[-1]))
    d = top
    for W, z in zip(Ws[:0:-1], pre[-2::-1], strict=True):
        d = (d @ W.T) * (z > 0)
    return {
        "measured": float(np.mean(d * d) / np.mean(top * top)),
        "predicted": widths[-1] / widths[1],
        "per_layer": math.prod(b / a for a, b in itertools.pairwise(widths[1:])),
    }


# ---- gains -----
def normal_moments(name: str, **params: float) -> tuple[float, float]:
    """``E[phi(z)]`` and ``E[phi(z)**2]`` for a standard normal ``z``, by numerical integration."""
    act = activations.get(name, **params)

    def moment(power: int) -> float:
        def f(z):
            return float(act(z)) ** power * math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)

        pieces = ((-np.inf, 0.0), (0.0, np.inf))
        return sum(integrate.quad(f, a, b, epsabs=1e-13, epsrel=1e-12)[0] for a, b in pieces)

    return moment(1), moment(2)


def variance_gain(name: str) -> float:
    """Gain ``g`` keeping the pre-activation variance at 1 from layer to layer.

    With weights ``N(0, g**2 / n)`` the next pre-activation has variance ``g**2 E[phi(z)**2]``;
    it stays 1 when ``g = 1 / sqrt(E[phi(z)**2])`` for ``z ~ N(0, 1)``.
    """
    return 1.0 / math.sqrt(normal_moments(name)[1])


def _normal_grid(half_width: float = 12.0, n: int = 24_001) -> tuple[np.ndarray, np.ndarray]:
    """Points and trapezoid weights for expectations over a standard normal variable."""
    z = np.linspace(-half_width, half_width, n)
    w = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi) * (z[1] - z[0])
    w[[0, -1]] *= 0.5
    return z, w


def mean_field_variance(name: str, gain: float, starts: Sequence[float], depth: int) -> np.ndarray:
    """Pre-activation variance, layer by layer, of an infinitely wide net.

    For wide layers with weights ``N(0, gain**2 / n)`` the pre-activations are nearly Gaussian
    and their variance follows ``q -> gain**2 E[phi(sqrt(q) z)**2]``, ``z ~ N(0, 1)``; the
    expectation is computed on a fine grid. (The mean of the inputs, which this map ignores,
    is what SELU's second constant takes care of.)

    Returns
    -------
    ndarray of shape (len(starts), depth + 1)
        ``q`` at the start and after each of ``depth`` layers.
    """
    act = activations.get(name)
    z, w = _normal_grid()
    q = np.empty((len(starts), depth + 1))
    q[:, 0] = starts
    for layer in range(depth):
        q[:, layer + 1] = (gain**2 * act(np.sqrt(q[:, layer : layer + 1]) * z) ** 2) @ w
    return q


def gain_propagation(name: str, gains: Sequence[float], depth: int = GAIN_DEPTH) -> np.ndarray:
    """Pre-activation variance through ``depth`` wide layers for each gain, starting at 1.

    Returns
    -------
    ndarray of shape (len(gains), depth + 1)
    """
    return np.vstack([mean_field_variance(name, g, [1.0], depth)[0] for g in gains])


# ---- SELU: an attracting fixed point -----
def selu_attraction(
    starts: Sequence[float] = SELU_STARTS,
    depth: int = SELU_DEPTH,
    width: int = SELU_WIDTH,
    n_samples: int = SELU_SAMPLES,
    seed: int = 0,
) -> dict[str, dict[float, dict[str, np.ndarray]]]:
    """Pre-activation statistics through SELU (LeCun, 1/n) and ReLU (He, 2/n) nets.

    Inputs are normal with mean 0 and the variance given in ``starts``. The nets have zero
    biases and ``depth`` hidden layers of ``width`` units; both directions share one draw of
    the weights per seed.

    Returns
    -------
    dict
        ``"selu"`` and ``"relu"`` -> start variance -> ``{"var": (depth + 1,),
        "mean": (depth + 1,), "mean_field": (depth + 1,)}``: the variance and mean of each
        layer's pre-activations over samples and units (entry 0 is the input), and the wide-net
        prediction of the variance.
    """
    if any(not (math.isfinite(s) and s > 0) for s in starts):
        raise ValueError(f"start variances must be positive, got {starts!r}")
    setups = {"selu": ("lecun", 1.0), "relu": ("he", math.sqrt(2.0))}
    out: dict[str, dict[float, dict[str, np.ndarray]]] = {}
    for name, (init, gain) in setups.items():
        act = activations.get(name)
        wrng = np.random.default_rng(seed)
        Ws = [init_weights(width, width, init, wrng) for _ in range(depth)]
        field = mean_field_variance(name, gain, starts, depth)
        out[name] = {}
        for k, start in enumerate(starts):
            z = np.random.default_rng(seed + 1).standard_normal((n_samples, width))
            z *= math.sqrt(start)
            var, mean = [float(z.var())], [float(z.mean())]
            for W in Ws:
                z = act(z) @ W
                var.append(float(z.var()))
                mean.append(float(z.mean()))
            out[name][start] = {
                "var": np.array(var),
                "mean": np.array(mean),
                "mean_field": field[k],
            }
    return out


def layers_to_reach(var: np.ndarray, target: float = 1.0, tol: float = 0.1) -> int | None:
    """First layer from which the variance stays within ``tol`` of ``target`` (None: never)."""
    inside = np.abs(np.asarray(var) - target) <= tol
    for layer in range(len(inside)):
        if inside[layer:].all():
            return layer
    return None


# ---- rescuing a deep sigmoid net (trained in deep_training, stored in results/) -----
#: Learning rates added beyond ``deep_training.LRS`` where a contender's best rate sat at the
#: grid's edge (or every rate scored alike): stored as separate entries, so the main grid's
#: entries stay valid.
RESCUE_EXTRA_LRS = {"plain": (30.0, 100.0)}


def _report_settings(variant: str, lr: float) -> dict:
    """Settings of the stored run of ``variant`` at ``lr`` on :data:`RESCUE_REPORT_SEEDS`."""
    return {"variant": variant, "lrs": [float(lr)], "seeds": list(RESCUE_REPORT_SEEDS)}


def results_tasks() -> list[tuple]:
    """The stored grid extensions (``make experiments`` computes them with the main grid)
    and, once every tuning run is stored, each variant's run at its chosen rate on the report
    seeds."""
    tasks = [
        (deep_training.rescue_runs, {"variant": v, "lrs": list(lrs)})
        for v, lrs in RESCUE_EXTRA_LRS.items()
    ]
    runs = rescue_results(lookup=results.peek)
    if runs is not None:
        for v, s in rescue_summary(runs).items():
            tasks.append((deep_training.rescue_runs, _report_settings(v, s["lr"])))
    return tasks


def rescue_results(
    variants: Sequence[str] = RESCUE_VARIANTS, lookup=None
) -> dict[str, dict[str, np.ndarray]] | None:
    """The chapter's tuning runs (on :data:`RESCUE_SEEDS`), grid extensions appended.

    Read from ``results/`` when stored (``make experiments`` fills it); computed and stored on
    a miss. See :func:`bendlines.experiments.deep_training.rescue_runs`.

    Parameters
    ----------
    variants : sequence of str
        Variants to read.
    lookup : callable, default :func:`bendlines.results.get`
        ``lookup(fn, **settings)``; with :func:`bendlines.results.peek` a missing entry makes
        the result ``None``.

    Returns
    -------
    dict or None
        variant -> ``{"lrs": (n,), "val_half", "val", "test": (n, seeds)}``, rates ascending.
    """
    lookup = results.get if lookup is None else lookup
    out = {}
    for v in _check_names(variants, RESCUE_VARIANTS, "variant"):
        parts = [(list(RESCUE_LRS), lookup(deep_training.rescue_runs, variant=v))]
        if v in RESCUE_EXTRA_LRS:
            extra = list(RESCUE_EXTRA_LRS[v])
            parts.append((extra, lookup(deep_training.rescue_runs, variant=v, lrs=extra)))
        if any(p[1] is None for p in parts):
            return None
        lrs = np.concatenate([np.asarray(p[0], dtype=np.float64) for p in parts])
        order = np.argsort(lrs)
        out[v] = {"lrs": lrs[order]}
        for key in ("val_half", "val", "test"):
            out[v][key] = np.concatenate([p[1][key] for p in parts])[order]
    return out


def rescue_gradients(
    variants: Sequence[str] = RESCUE_VARIANTS, n_samples: int = SIGNAL_SAMPLES, seed: int = 0
) -> dict[str, np.ndarray]:
    """Weight-gradient norm of every layer of the rescue nets at initialisation.

    The nets of :func:`bendlines.experiments.deep_training.rescue_runs` (same sizes, Xavier
    weights of ``seed``), on the first ``n_samples`` training signals.

    Returns
    -------
    dict
        variant -> Frobenius norms of ``dL/dW``, one per layer (input side first, output last).
    """
    variants = _check_names(variants, RESCUE_VARIANTS, "variant")
    X, y = _mnist_batch(n_samples)
    act = activations.get(deep_training.ACTIVATION)
    sizes = [X.shape[1], *[deep_training.WIDTH] * deep_training.DEPTH, 10]
    out = {}
    for variant in variants:
        layers = deep_training._init_stack([seed], sizes, np.float64)
        logits, cache, _ = deep_training._forward(layers, X[None], variant, act)
        _, dlogits = deep_training._cross_entropy(logits, y[None])
        grads = deep_training._backward(layers, cache, dlogits, variant)
        out[variant] = np.array([np.linalg.norm(dW) for dW, _ in grads])
    return out


def rescue_report(runs: dict, lookup=None) -> dict[str, np.ndarray]:
    """Test accuracy of each variant on :data:`RESCUE_REPORT_SEEDS`, at the rate its
    validation accuracy on :data:`RESCUE_SEEDS` chose (``runs`` from :func:`rescue_results`).

    Returns
    -------
    dict
        variant -> test accuracies (fractions), one per report seed.
    """
    lookup = results.get if lookup is None else lookup
    chosen = rescue_summary(runs)
    return {
        v: np.asarray(
            lookup(deep_training.rescue_runs, **_report_settings(v, s["lr"]))["test"][0],
            dtype=np.float64,
        )
        for v, s in chosen.items()
    }


def rescue_reported() -> dict[str, dict]:
    """:func:`rescue_summary` of the stored runs: rates chosen on :data:`RESCUE_SEEDS`, test
    accuracy on :data:`RESCUE_REPORT_SEEDS` (what the chapter reports)."""
    runs = rescue_results()
    return rescue_summary(runs, rescue_report(runs))


def rescue_summary(runs: dict, report: dict | None = None) -> dict[str, dict]:
    """Per variant: the learning rate with the best mean validation accuracy, and intervals.

    Parameters
    ----------
    runs : dict
        As returned by :func:`rescue_results` (the tuning seeds).
    report : dict, optional
        As returned by :func:`rescue_report`: the test accuracies on fresh seeds, which then
        replace those of the tuning seeds in ``"test"`` and ``"test_values"``.

    Returns
    -------
    dict
        variant -> ``{"lr", "lr_index", "at_edge", "flat", "val_range", "test", "val",
        "val_half", "best_half_lr"}``: accuracies (fractions) at the chosen rate as
        :func:`interval` records; ``flat`` is True when every rate's mean validation accuracy
        lies within 0.03 of chance (0.1), so no rate is better than another; ``val_range`` is
        the lowest and highest mean validation accuracy over the grid.
    """
    out = {}
    for variant, r in runs.items():
        lrs = r["lrs"]
        means = np.nanmean(r["val"], axis=1)
        score = np.where(np.isnan(r["val"]).any(axis=1), -np.inf, means)
        i = int(np.argmax(score))
        half = np.where(
            np.isnan(r["val_half"]).any(axis=1), -np.inf, np.nanmean(r["val_half"], axis=1)
        )
        finite = means[np.isfinite(means)]
        test = np.asarray(r["test"][i] if report is None else report[variant], dtype=np.float64)
        out[variant] = {
            "lr": float(lrs[i]),
            "lr_index": i,
            "lrs": lrs,
            "at_edge": i in (0, len(lrs) - 1),
            "flat": bool(np.all(np.abs(finite - 0.1) <= 0.03)),
            "val_range": (float(finite.min()), float(finite.max())),
            "test": interval(test, majority_share()),
            "test_values": test,
            "val": interval(r["val"][i]),
            "val_half": interval(r["val_half"][i]),
            "best_half_lr": float(lrs[int(np.argmax(half))]),
        }
    return out


def majority_share() -> float:
    """The MNIST-1D test set's largest class share: the score of a net that always answers
    one class (a *collapsed* net)."""
    y = data.load("mnist1d")[1][1]
    return float(np.bincount(y).max() / len(y))


#: The rescue comparisons the chapter states: one Holm family.
RESCUE_PAIRS = (("standardised", "plain"), ("residual", "plain"), ("standardised", "residual"))


def rescue_comparisons(summary: dict) -> dict[tuple[str, str], st.Comparison]:
    """Paired (shared seeds), Holm-corrected verdicts on :data:`RESCUE_PAIRS`."""
    return st.compare({v: summary[v]["test_values"] for v in summary}, RESCUE_PAIRS)


def rescue_verdicts(summary: dict) -> str:
    """Sentences comparing the rescues with the plain net and with each other, from
    :func:`rescue_comparisons` (the plain net's collapsed seeds counted)."""
    v = rescue_comparisons(summary)
    n = summary["plain"]["test"]["n"]
    sentences = [
        f"The plain net collapsed to the majority-class share on "
        f"{summary['plain']['test']['collapsed']} of {n} seeds."
    ]
    names = {"standardised": "the standardised net", "residual": "the residual net",
             "plain": "the plain one"}  # fmt: skip
    for pair in RESCUE_PAIRS:
        c = v[pair]
        c = c.renamed(names)
        text = c.words(sentence=True)
        sentences.append(text[0].upper() + text[1:] + ".")
    return " ".join(sentences) + (
        f" (Paired over the {n} seeds, the {len(RESCUE_PAIRS)} comparisons one Holm family.)"
    )


def verdicts(summary: dict | None = None) -> dict[str, str]:
    """The chapter's glued verdict sentences (glue name -> text)."""
    summary = rescue_reported() if summary is None else summary
    out = st.Verdicts()
    out["rs_verdicts"] = rescue_verdicts(summary)
    return out


def rescue_ranking_stable(summary: dict) -> bool:
    """Whether the variants rank the same by mean validation accuracy at half and full budget."""
    names = list(summary)
    half = sorted(names, key=lambda v: summary[v]["val_half"]["mean"])
    full = sorted(names, key=lambda v: summary[v]["val"]["mean"])
    return half == full
