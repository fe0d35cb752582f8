"""Experiments of the chapter "Choosing an activation function": networks at initialisation.

Everything here looks at untrained networks or at the activation functions themselves:
gradient norms and activation statistics through deep nets (vanishing gradients), the mean
squared activation through 50 ReLU layers (initialisation), the variance-preserving gain of an
activation, SELU's self-normalisation, the GELU approximations, the probability that a narrow
deep ReLU net is born dead, and the cost of evaluating each activation. The training
experiments live in :mod:`bendlines.experiments.choosing_training`.

The chapter's settings are module-level constants; the chapter and ``tests/test_choosing.py``
call the same functions with them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
from scipy import integrate

from bendlines import activations, data
from bendlines.mlp import MLP

__all__ = [
    "COST_ACTIVATIONS",
    "DEAD_DEPTHS",
    "DEAD_WIDTHS",
    "FAMILY",
    "GAIN_ACTIVATIONS",
    "GRAD_ACTIVATIONS",
    "GRAD_DEPTH",
    "GRAD_INITS",
    "LEAKY_RELU_DEFAULTS",
    "RECOMMENDED_GAINS",
    "RELU_DEPTH",
    "RELU_VARIANCES",
    "SELU_DEPTH",
    "activation_cost",
    "dead_at_init",
    "family_curves",
    "gain_propagation",
    "gelu_approximations",
    "gradient_profiles",
    "normal_moments",
    "relu_signal",
    "self_normalisation",
    "sigmoid_slope_max",
    "variance_gain",
]

#: The activation family the chapter compares (registry names).
FAMILY = (
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "mish",
    "softplus",
    "sigmoid",
    "tanh",
)

#: Default negative slope of leaky ReLU in three libraries, quoted from their documentation.
LEAKY_RELU_DEFAULTS = {
    "PyTorch `torch.nn.LeakyReLU`": 0.01,
    "Keras `keras.layers.LeakyReLU`": 0.3,
    "TensorFlow `tf.nn.leaky_relu`": 0.2,
}

#: Gains recommended by PyTorch's ``torch.nn.init.calculate_gain`` (weights ~ gain / sqrt(n)).
RECOMMENDED_GAINS = {"relu": math.sqrt(2.0), "tanh": 5.0 / 3.0, "sigmoid": 1.0, "identity": 1.0}

# ---- settings of the chapter -----
GRAD_ACTIVATIONS = ("sigmoid", "tanh", "relu", "selu")
GRAD_INITS = ("xavier", "he", "lecun")
GRAD_DEPTH = 10  # hidden layers
GRAD_WIDTH = 64
GRAD_SAMPLES = 500

RELU_DEPTH = 50
RELU_WIDTH = 256
RELU_SAMPLES = 256
RELU_VARIANCES = (1.0, 2.0)  # weight variance times fan-in

GAIN_ACTIVATIONS = ("relu", "tanh", "selu", "sigmoid")
GAIN_DEPTH = 50

SELU_DEPTH = 32
SELU_WIDTH = 256
SELU_SAMPLES = 256
SELU_COMPARE = ("selu", "relu", "tanh")

DEAD_WIDTHS = (2, 4, 10)
DEAD_DEPTHS = tuple(range(1, 41))
DEAD_NETS = 2000
DEAD_DIRECTIONS = 64

COST_ACTIVATIONS = FAMILY
COST_ELEMENTS = 200_000
COST_REPEATS = 5


def _check_names(names: Sequence[str], allowed: Sequence[str], what: str) -> list[str]:
    names = list(names)
    bad = [n for n in names if n not in allowed]
    if bad or not names:
        raise ValueError(f"unknown {what} {bad or names!r}; choose from {list(allowed)}")
    return names


# ---- the family -----
def family_curves(names: Sequence[str] = FAMILY, lo: float = -4.0, hi: float = 4.0, n: int = 801):
    """Values and derivatives of activations on a grid, read from the registry.

    Parameters
    ----------
    names : sequence of str
        Registry names.
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
    names = _check_names(names, activations.names(), "activation")
    z = np.linspace(lo, hi, n)
    acts = {name: activations.get(name) for name in names}
    return {
        "z": z,
        "curves": {name: act.value_and_grad(z) for name, act in acts.items()},
        "cite": {name: act.cite for name, act in acts.items()},
    }


def sigmoid_slope_max(lo: float = -20.0, hi: float = 20.0, n: int = 400_001) -> tuple[float, float]:
    """Largest sigmoid derivative on a fine grid and where it occurs.

    Returns
    -------
    (float, float)
        ``max sigmoid'(z)`` (dimensionless, 1/4 in theory) and its ``z``.
    """
    z = np.linspace(lo, hi, n)
    slope = activations.get("sigmoid").grad(z)
    i = int(np.argmax(slope))
    return float(slope[i]), float(z[i])


# ---- vanishing gradients at initialisation -----
def _mnist_batch(n: int) -> tuple[np.ndarray, np.ndarray]:
    (X, y), _ = data.load("mnist1d", dtype=np.float64)
    return X[:n], y[:n]


def gradient_profiles(
    names: Sequence[str] = GRAD_ACTIVATIONS,
    inits: Sequence[str] = GRAD_INITS,
    depth: int = GRAD_DEPTH,
    width: int = GRAD_WIDTH,
    n_samples: int = GRAD_SAMPLES,
    seed: int = 0,
) -> dict[tuple[str, str], dict[str, np.ndarray]]:
    """Per-layer activation spread and weight-gradient norms of deep nets at initialisation.

    Each net has ``depth`` hidden layers of ``width`` units on MNIST-1D (40 inputs, 10 classes)
    and is evaluated on the first ``n_samples`` training signals with the cross-entropy loss.

    Returns
    -------
    dict
        ``(activation, init)`` -> ``{"act_std": (depth,), "grad_norm": (depth + 1,)}``: the
        standard deviation of each hidden layer's outputs, and the Frobenius norm of the loss
        gradient with respect to each weight matrix (the last one is the output layer's).
    """
    names = _check_names(names, activations.names(), "activation")
    X, y = _mnist_batch(n_samples)
    out = {}
    for name in names:
        for init in inits:
            net = MLP([X.shape[1], *[width] * depth, 10], activation=name, init=init, seed=seed)
            _, post = net.hidden(X)
            _, grads = net.loss_and_grads(X, y)
            out[name, init] = {
                "act_std": np.array([a.std() for a in post[:-1]]),
                "grad_norm": np.array([np.linalg.norm(dW) for dW, _ in grads]),
            }
    return out


# ---- initialisation: 50 ReLU layers -----
def relu_signal(
    variances: Sequence[float] = RELU_VARIANCES,
    depth: int = RELU_DEPTH,
    width: int = RELU_WIDTH,
    n_samples: int = RELU_SAMPLES,
    seed: int = 0,
) -> dict[float, np.ndarray]:
    """Mean squared activation through a deep ReLU net with weights ``N(0, c / n)``.

    Parameters
    ----------
    variances : sequence of float
        Values of ``c``, the weight variance times the fan-in ``n`` (1 = LeCun, 2 = He).
    depth, width : int
        Hidden layers and units per layer (inputs have ``width`` features too).
    n_samples : int
        Standard normal input vectors.

    Returns
    -------
    dict
        ``c`` -> mean of ``a**2`` over samples and units, for layers 1..depth, shape (depth,).
    """
    X = np.random.default_rng(seed).standard_normal((n_samples, width))
    out = {}
    for c in variances:
        if not c > 0:
            raise ValueError(f"variances must be positive, got {c!r}")
        net = MLP([width] * (depth + 2), "relu", init=math.sqrt(c / width), seed=seed)
        _, post = net.hidden(X)
        out[c] = np.array([np.mean(a * a) for a in post[:-1]])
    return out


# ---- gains -----
def normal_moments(name: str, **params: float) -> tuple[float, float]:
    """``E[phi(z)]`` and ``E[phi(z)**2]`` for a standard normal ``z``, by numerical integration.

    The integral is split at 0, where most activations have their kink.
    """
    act = activations.get(name, **params)

    def moment(power: int) -> float:
        def f(z):
            return float(act(z)) ** power * math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)

        return sum(integrate.quad(f, a, b, epsabs=1e-13, epsrel=1e-12)[0] for a, b in
                   ((-np.inf, 0.0), (0.0, np.inf)))  # fmt: skip

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


def gain_propagation(name: str, gains: Sequence[float], depth: int = GAIN_DEPTH) -> np.ndarray:
    """Pre-activation variance, layer by layer, of a wide net with weights ``N(0, g**2 / n)``.

    For wide layers the pre-activations are nearly Gaussian, and their variance ``q`` follows
    the map ``q -> g**2 E[phi(sqrt(q) z)**2]`` with ``z ~ N(0, 1)``, started at ``q = 1``; the
    expectation is computed on a fine grid.

    Returns
    -------
    ndarray of shape (len(gains), depth + 1)
        ``q`` at the input (1) and after each of ``depth`` layers (squared pre-activation units).
    """
    act = activations.get(name)
    z, w = _normal_grid()
    g2 = np.asarray(gains, dtype=np.float64)[:, None] ** 2
    q = np.ones((len(g2), depth + 1))
    for layer in range(depth):
        q[:, layer + 1] = (g2 * act(np.sqrt(q[:, layer : layer + 1]) * z) ** 2) @ w
    return q


# ---- SELU self-normalisation -----
def self_normalisation(
    names: Sequence[str] = SELU_COMPARE,
    depth: int = SELU_DEPTH,
    width: int = SELU_WIDTH,
    n_samples: int = SELU_SAMPLES,
    seed: int = 0,
) -> dict[str, dict[str, np.ndarray]]:
    """Mean and variance of each layer's outputs with LeCun-normal weights, N(0, 1/n).

    Inputs are standard normal (mean 0, variance 1).

    Returns
    -------
    dict
        name -> ``{"mean": (depth,), "var": (depth,)}`` over samples and units of each layer.
    """
    names = _check_names(names, activations.names(), "activation")
    X = np.random.default_rng(seed).standard_normal((n_samples, width))
    out = {}
    for name in names:
        net = MLP([width] * (depth + 2), name, init="lecun", seed=seed)
        _, post = net.hidden(X)
        out[name] = {
            "mean": np.array([a.mean() for a in post[:-1]]),
            "var": np.array([a.var() for a in post[:-1]]),
        }
    return out


# ---- GELU approximations -----
def gelu_approximations(lo: float = -10.0, hi: float = 10.0, n: int = 2_000_001) -> dict:
    """Largest errors of two cheap approximations of GELU on ``[lo, hi]``.

    Returns
    -------
    dict
        ``"tanh_max"``, ``"tanh_at"``: largest ``|gelu - gelu_tanh|`` and its ``x``;
        ``"sigmoid_max"``, ``"sigmoid_at"``: the same for ``x * sigmoid(1.702 x)``.
    """
    x = np.linspace(lo, hi, n)
    exact = activations.get("gelu")(x)
    err_tanh = np.abs(exact - activations.get("gelu_tanh")(x))
    err_sig = np.abs(exact - x * activations.get("sigmoid")(1.702 * x))
    i, j = int(np.argmax(err_tanh)), int(np.argmax(err_sig))
    return {
        "tanh_max": float(err_tanh[i]),
        "tanh_at": float(x[i]),
        "sigmoid_max": float(err_sig[j]),
        "sigmoid_at": float(x[j]),
    }


# ---- born dead: narrow deep ReLU nets -----
def dead_at_init(
    widths: Sequence[int] = DEAD_WIDTHS,
    depths: Sequence[int] = DEAD_DEPTHS,
    n_nets: int = DEAD_NETS,
    n_directions: int = DEAD_DIRECTIONS,
    seed: int = 0,
) -> dict[int, np.ndarray]:
    """Monte Carlo probability that a ReLU net with He-normal weights is dead on every input.

    Nets have 2 inputs, hidden layers of equal width and zero biases. Such a net is positively
    homogeneous (scaling the input scales every activation), so checking ``n_directions``
    points on the unit circle checks every input direction. A net is dead at depth ``L`` when
    layer ``L`` outputs zero for every input; with zero biases it then stays dead.

    Returns
    -------
    dict
        width -> fraction of the ``n_nets`` nets dead at each depth in ``depths``, shape
        ``(len(depths),)``.
    """
    if n_nets < 1 or n_directions < 1 or not depths or min(depths) < 1:
        raise ValueError("n_nets, n_directions and every depth must be >= 1")
    rng = np.random.default_rng(seed)
    angle = np.linspace(0.0, 2.0 * np.pi, n_directions, endpoint=False)
    X = np.column_stack([np.cos(angle), np.sin(angle)])  # (P, 2)
    out = {}
    for width in widths:
        A = np.broadcast_to(X, (n_nets, *X.shape))
        dead = np.zeros((max(depths), n_nets), dtype=bool)
        for layer in range(max(depths)):
            fan_in = A.shape[-1]
            W = rng.standard_normal((n_nets, fan_in, width)) * math.sqrt(2.0 / fan_in)
            A = np.maximum(A @ W, 0.0)
            dead[layer] = ~np.any(A > 0, axis=(1, 2))
        out[width] = dead[np.asarray(depths) - 1].mean(axis=1)
    return out


# ---- cost -----
def activation_cost(
    names: Sequence[str] = COST_ACTIVATIONS,
    n_elements: int = COST_ELEMENTS,
    repeats: int = COST_REPEATS,
    seed: int = 0,
) -> dict[str, tuple[float, float]]:
    """Time per element of each activation's value and derivative, relative to ReLU.

    Each function runs ``repeats`` times on ``n_elements`` float32 standard normal numbers; the
    fastest run counts. The numbers depend on the machine, numpy build and load.

    Returns
    -------
    dict
        name -> (value time / ReLU value time, derivative time / ReLU derivative time),
        ReLU included (1, 1).
    """
    names = _check_names(names, activations.names(), "activation")
    x = np.random.default_rng(seed).standard_normal(n_elements).astype(np.float32)

    def best(f) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            f(x)
            times.append(time.perf_counter() - start)
        return min(times)

    raw = {}
    for name in ["relu", *[n for n in names if n != "relu"]]:
        act = activations.get(name)
        raw[name] = (best(act), best(act.grad))
    base = raw["relu"]
    return {name: (raw[name][0] / base[0], raw[name][1] / base[1]) for name in names}
