"""Order and chaos in deep tanh nets: what a forward-variance gain does to gradients and inputs.

A gain ``g`` (weights ``N(0, g**2 / n)``) chosen so that the pre-activation variance ``q`` stays
at 1 keeps the *size* of the forward signal, not the signal. Two other quantities are
multiplied, layer after layer, by

    chi = g**2 E[phi'(sqrt(q*) z)**2],   z ~ N(0, 1),

where ``q*`` is the variance the layers settle at: the size of the backward error signal and
the distance between two nearby inputs (Poole et al. 2016; Schoenholz et al. 2017). ``chi < 1``
is the *ordered* phase (gradients shrink, nearby inputs merge), ``chi > 1`` the *chaotic* phase
(gradients grow, nearby inputs drift apart until they are unrelated).

Two routes to the same facts, checked against each other in ``tests/test_order_chaos.py``:

- the wide-net (mean-field) maps for ``q`` and for the correlation ``c`` of two inputs,
  computed by Gauss-Hermite quadrature (:func:`chi`, :func:`correlation_map`,
  :func:`correlation_fixed_point`);
- a finite net of ``WIDTH`` units and ``DEPTH`` layers, measured (:func:`measured_signals`).

The nets have no biases (the book's nets start with zero biases); the maps take a bias
variance for the general case.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import optimize

from bendlines import activations

__all__ = [
    "DEPTH",
    "PAIRS",
    "PYTORCH_TANH_GAIN",
    "SEEDS",
    "START_CORRELATION",
    "WIDTH",
    "chi",
    "correlation_fixed_point",
    "correlation_map",
    "forward_variance_gain",
    "gains",
    "measured_signals",
    "variance_fixed_point",
]

# ---- settings of the chapter -----
DEPTH = 50  # tanh layers
WIDTH = 256  # units per layer
PAIRS = 128  # pairs of nearby inputs per net
START_CORRELATION = 0.95  # correlation of the two inputs of each pair
SEEDS = (0, 1, 2, 3)  # one net per seed; measured curves are averaged over them
PYTORCH_TANH_GAIN = 5.0 / 3.0  # torch.nn.init.calculate_gain("tanh"), as documented
HERMITE_POINTS = 120  # even: no node at 0, where ReLU's slope jumps


def forward_variance_gain(name: str = "tanh") -> float:
    """The gain keeping the pre-activation variance at 1: ``1 / sqrt(E[phi(z)**2])``."""
    _, second = _moments(name, 1.0)
    return 1.0 / math.sqrt(second)


def gains() -> tuple[float, float, float]:
    """The three tanh gains compared: 1, the forward-variance gain, PyTorch's documented 5/3."""
    return (1.0, forward_variance_gain("tanh"), PYTORCH_TANH_GAIN)


# ---- the wide-net maps -----
def _hermite() -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights for expectations over a standard normal variable."""
    x, w = np.polynomial.hermite_e.hermegauss(HERMITE_POINTS)
    return x, w / math.sqrt(2.0 * math.pi)


def _moments(name: str, q: float) -> tuple[float, float]:
    """``E[phi'(u)**2]`` and ``E[phi(u)**2]`` for ``u ~ N(0, q)``."""
    act = activations.get(name)
    z, w = _hermite()
    u = math.sqrt(q) * z
    return float(w @ act.grad(u) ** 2), float(w @ act(u) ** 2)


def variance_fixed_point(
    name: str, gain: float, bias_var: float = 0.0, layers: int = 2000
) -> float:
    """The variance ``q*`` the map ``q -> g**2 E[phi(sqrt(q) z)**2] + bias_var`` settles at.

    For an activation through 0 that bends towards 0 (``|phi(u)| <= |phi'(0) u|``, as tanh)
    with no bias and ``g * phi'(0) <= 1``, every layer shrinks the variance and ``q* = 0``
    (reached only slowly, like ``1 / layer``). Otherwise the map is iterated from 1 until it
    stops moving; a map that has not settled after ``layers`` steps is an error.
    """
    act = activations.get(name)
    if bias_var == 0.0 and float(act(0.0)) == 0.0 and gain * abs(float(act.grad(0.0))) <= 1.0:
        return 0.0
    q = 1.0
    for _ in range(layers):
        new = gain**2 * _moments(name, q)[1] + bias_var
        if abs(new - q) < 1e-13:
            return new
        q = new
    raise ValueError(f"the variance map of {name} at gain {gain} did not settle in {layers} layers")


def chi(name: str, gain: float, q: float | None = None, bias_var: float = 0.0) -> float:
    """``g**2 E[phi'(sqrt(q) z)**2]``: the per-layer factor of squared gradients and distances.

    ``q`` defaults to the fixed point of the variance map.
    """
    q = variance_fixed_point(name, gain, bias_var) if q is None else q
    return gain**2 * _moments(name, q)[0]


def correlation_map(name: str, gain: float, q: float, c: float, bias_var: float = 0.0) -> float:
    """Correlation of two inputs' pre-activations one layer on, when it is ``c`` now.

    Both inputs have pre-activation variance ``q`` (a fixed point of the variance map);
    ``c' = (g**2 E[phi(u1) phi(u2)] + bias_var) / q`` with ``(u1, u2)`` jointly normal of
    variance ``q`` and correlation ``c``, by a product Gauss-Hermite rule.
    """
    act = activations.get(name)
    z, w = _hermite()
    z1, z2 = z[:, None], z[None, :]
    u1 = math.sqrt(q) * z1
    u2 = math.sqrt(q) * (c * z1 + math.sqrt(max(1.0 - c * c, 0.0)) * z2)
    pair = float(w @ (act(u1) * act(u2)) @ w)
    return (gain**2 * pair + bias_var) / q


def correlation_fixed_point(name: str, gain: float, bias_var: float = 0.0) -> float:
    """The stable correlation ``c*`` of two inputs deep in a wide net.

    ``c = 1`` is always a fixed point; it attracts when ``chi <= 1`` (order: every pair of
    inputs ends the same) and repels when ``chi > 1`` (chaos); then ``c*`` is the root of
    ``correlation_map(c) - c`` below 1, found by bracketing (for an odd activation with no bias
    that root is 0). If the variance fades to 0 (tanh with ``g <= 1`` and no bias) there is no
    single fixed point: a ``ValueError``.
    """
    q = variance_fixed_point(name, gain, bias_var)
    if q == 0.0:
        raise ValueError(
            f"{name} at gain {gain} shrinks every signal to 0, where its layers are linear "
            "and keep any correlation: there is no single fixed point"
        )
    if chi(name, gain, q, bias_var) <= 1.0:
        return 1.0

    def gap(c: float) -> float:
        return correlation_map(name, gain, q, c, bias_var) - c

    lo = -1e-9 if bias_var == 0.0 else 0.0
    hi = 1.0 - 1e-4
    if gap(lo) * gap(hi) > 0:
        raise ValueError(f"no correlation fixed point below 1 for {name} at gain {gain}")
    return optimize.brentq(gap, lo, hi, xtol=1e-12)


# ---- a finite net, measured -----
def measured_signals(
    gain: float,
    *,
    name: str = "tanh",
    depth: int = DEPTH,
    width: int = WIDTH,
    pairs: int = PAIRS,
    start_correlation: float = START_CORRELATION,
    seeds: Sequence[int] = SEEDS,
) -> dict[str, np.ndarray]:
    """Forward variance, backward size and pair correlation through a deep net at one gain.

    For each seed: ``pairs`` pairs of standard normal pre-activations ``z_0`` of ``width``
    numbers, the two members of a pair with correlation ``start_correlation``, pass through
    ``depth`` layers ``z_l = phi(z_(l-1)) W_l`` with weights ``N(0, gain**2 / width)`` and no
    biases. Backward, an error signal of standard normal numbers at ``z_depth`` is sent back by
    the chain rule to ``z_0``.

    Returns
    -------
    dict of arrays of length ``depth + 1`` (``z_0`` first), averaged over the seeds:
        ``"variance"``: mean square of the pre-activations;
        ``"backward"``: root mean square of the error signal at each ``z_l``, divided by the
        one at ``z_depth``;
        ``"correlation"``: mean over pairs of the correlation ``sum(u v) / sqrt(sum(u u) sum(v v))``
        of the two members' pre-activations, the quantity the correlation map follows.
    """
    if depth < 1 or width < 2 or pairs < 1 or not -1.0 < start_correlation < 1.0:
        raise ValueError("need depth >= 1, width >= 2, pairs >= 1 and |start_correlation| < 1")
    act = activations.get(name)
    out = {k: np.zeros(depth + 1) for k in ("variance", "backward", "correlation")}
    for seed in seeds:
        rng = np.random.default_rng(seed)
        first = rng.standard_normal((pairs, width))
        other = start_correlation * first + math.sqrt(1.0 - start_correlation**2) * (
            rng.standard_normal((pairs, width))
        )
        weights = rng.standard_normal((depth, width, width)) * (gain / math.sqrt(width))
        pre = [np.concatenate([first, other])]  # (2 * pairs, width)
        for w in weights:
            pre.append(act(pre[-1]) @ w)
        delta = rng.standard_normal(pre[-1].shape)
        sizes = np.empty(depth + 1)
        sizes[-1] = np.sqrt(np.mean(delta**2))
        for layer in range(depth, 0, -1):
            delta = (delta @ weights[layer - 1].T) * act.grad(pre[layer - 1])
            sizes[layer - 1] = np.sqrt(np.mean(delta**2))
        for layer, z in enumerate(pre):
            u, v = z[:pairs], z[pairs:]
            out["variance"][layer] += np.mean(z**2)
            cos = np.sum(u * v, axis=1) / np.sqrt(np.sum(u * u, axis=1) * np.sum(v * v, axis=1))
            out["correlation"][layer] += np.mean(cos)
        out["backward"] += sizes / sizes[-1]
    return {k: v / len(seeds) for k, v in out.items()}
