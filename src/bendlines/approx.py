"""Piecewise-linear approximation in 1-D with sums of ReLU hinges.

A ReLU network with one input and one output computes a continuous piecewise-linear
function. This module builds such networks by hand and counts their pieces exactly:

- :func:`hinge_interpolant` writes the piecewise-linear interpolant of a function on a
  set of knots as a one-hidden-layer ReLU network (universal approximation in 1-D, made
  constructive), and :func:`interpolation_bound` / :func:`hinge_budget` say how many
  hidden units a given accuracy costs (error ``h**2 / 8 * max|f''|``, so ``n ~ eps**-1/2``).
- :func:`tent_network` composes the tent map ``k`` times (Telgarsky 2016): ``2k`` hidden
  units arranged in depth give ``2**k`` pieces, whereas a single hidden layer needs
  :func:`min_units_one_layer` ``(2**k) = 2**k - 1`` units for the same function.
- :func:`pieces` / :func:`count_pieces` find the linear pieces of any ReLU network with a
  1-D input by splitting the interval at the exact kinks, layer by layer.

Networks follow the package convention: anything with a ``.params`` attribute, or a plain
list of ``(W, b)`` pairs with ``W`` of shape ``(fan_in, fan_out)`` and ``b`` of shape
``(fan_out,)``; ReLU on every hidden layer and a linear output layer.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = [
    "HingeNet",
    "count_pieces",
    "hinge_budget",
    "hinge_interpolant",
    "interpolation_bound",
    "linear_pieces",
    "max_error",
    "min_units_one_layer",
    "pieces",
    "right_hinges",
    "tent_network",
    "uniform_knots",
]


# --------------------------------------------------------------------------- networks


def _as_params(net, n_inputs: int | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return the ``(W, b)`` pairs of a ReLU network as validated float arrays.

    Parameters
    ----------
    net : object with ``.params``, or list of (W, b) pairs
        ``W`` of shape (fan_in, fan_out), ``b`` of shape (fan_out,).
    n_inputs : int, optional
        Required input dimension (``fan_in`` of the first layer).

    Returns
    -------
    list of (ndarray, ndarray)
        Float64 copies-or-views of the weights, shapes checked layer by layer.

    Raises
    ------
    ValueError
        If the network is not a non-empty chain of matching (W, b) pairs, is not a ReLU
        network, or has the wrong input dimension.
    """
    activation = getattr(net, "activation", None)
    name = activation if isinstance(activation, str) else getattr(activation, "name", None)
    if isinstance(name, str) and name.lower() != "relu":
        raise ValueError(f"a ReLU network is required; allowed activation: 'relu', got {name!r}")
    raw = net.params if hasattr(net, "params") else net
    try:
        pairs = [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in raw]
    except (TypeError, ValueError) as err:
        raise ValueError(
            "net must have .params or be a list of (W, b) pairs with W (fan_in, fan_out) "
            "and b (fan_out,)"
        ) from err
    if not pairs:
        raise ValueError("net must have at least one (W, b) layer; got none")
    fan_in = pairs[0][0].shape[0] if pairs[0][0].ndim == 2 else None
    for i, (W, b) in enumerate(pairs):
        if W.ndim != 2 or b.shape != (W.shape[1],) or W.shape[0] != fan_in:
            raise ValueError(
                f"layer {i}: expected W of shape ({fan_in}, fan_out) and b of shape (fan_out,), "
                f"got W {W.shape} and b {b.shape}"
            )
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise ValueError(f"layer {i}: weights must be finite")
        fan_in = W.shape[1]
    if n_inputs is not None and pairs[0][0].shape[0] != n_inputs:
        raise ValueError(
            f"the network must take {n_inputs}-D input; allowed first W shape "
            f"({n_inputs}, fan_out), got {pairs[0][0].shape}"
        )
    return pairs


def _check_interval(interval, what: str = "interval") -> tuple[float, float]:
    """Return ``(lo, hi)`` as floats, requiring both finite and ``lo < hi``."""
    try:
        lo, hi = (float(v) for v in interval)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{what} must be a pair (lo, hi) of finite numbers with lo < hi") from err
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(
            f"{what} must be a pair (lo, hi) of finite numbers with lo < hi; got {interval}"
        )
    return lo, hi


# ------------------------------------------------------------------ hinge interpolant


class HingeNet:
    """The piecewise-linear interpolant on knots, written as a 1-n-1 ReLU network.

    ``g(x) = bias + sum_i hinge_weights[i] * relu(x - knots[i])`` for ``i = 0 .. n-1``,
    with ``bias = f(k_0)``, ``hinge_weights = (s_0, s_1 - s_0, ..., s_{n-1} - s_{n-2})``
    and ``s_i`` the slope on ``[k_i, k_{i+1}]``. On ``[k_0, k_n]`` the first hinge
    ``s_0 relu(x - k_0)`` is the linear term ``s_0 (x - k_0)``, so ``n`` pieces cost ``n``
    hidden units. Outside the knots the network is what it is: constant ``f(k_0)`` to the
    left, the last slope continued to the right.

    Build it with :func:`hinge_interpolant`.

    Attributes
    ----------
    knots : ndarray, shape (n + 1,)
        Strictly increasing knots ``k_0 < ... < k_n``.
    values : ndarray, shape (n + 1,)
        ``f`` at the knots.
    slopes : ndarray, shape (n,)
        Slope of each piece, ``(values[i+1] - values[i]) / (knots[i+1] - knots[i])``.
    hinge_weights : ndarray, shape (n,)
        Output weight of each hinge: ``s_0`` then the slope changes ``s_i - s_{i-1}``.
    bias : float
        Output bias, ``f(k_0)``.
    n_units : int
        Number of hidden units, ``n`` (one per piece).
    """

    def __init__(self, knots: np.ndarray, values: np.ndarray) -> None:
        self.knots = knots
        self.values = values
        self.slopes = np.diff(values) / np.diff(knots)
        self.hinge_weights = np.diff(self.slopes, prepend=0.0)
        self.bias = float(values[0])
        self.n_units = int(knots.size - 1)

    def __repr__(self) -> str:
        return f"HingeNet(n_units={self.n_units}, domain=({self.knots[0]:g}, {self.knots[-1]:g}))"

    def __call__(self, x) -> np.ndarray:
        """Evaluate the network.

        Parameters
        ----------
        x : array_like, any shape
            Inputs.

        Returns
        -------
        ndarray, same shape as ``x``
            ``bias + sum_i hinge_weights[i] * relu(x - knots[i])``.
        """
        x = np.asarray(x, dtype=float)
        out = np.full(x.shape, self.bias)
        hinge = np.empty_like(out)
        # One pass per hidden unit (not per sample): O(x.size) extra memory, not n * x.size.
        for k, w in zip(self.knots[:-1], self.hinge_weights, strict=True):
            np.subtract(x, k, out=hinge)
            np.maximum(hinge, 0.0, out=hinge)
            hinge *= w
            out += hinge
        return out

    def terms(self, x) -> np.ndarray:
        """Each weighted hinge separately, to draw the pieces adding up.

        Parameters
        ----------
        x : array_like, any shape
            Inputs.

        Returns
        -------
        ndarray, shape (n_units, *x.shape)
            ``terms[i] = hinge_weights[i] * relu(x - knots[i])``; ``bias + terms.sum(0)``
            is the network output.
        """
        x = np.asarray(x, dtype=float)
        k = self.knots[:-1].reshape((-1,) + (1,) * x.ndim)
        w = self.hinge_weights.reshape(k.shape)
        return w * np.maximum(x - k, 0.0)

    @property
    def params(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The weights in the network convention: ``[(W1 (1, n), b1 (n,)), (W2 (n, 1), b2 (1,))]``.

        Hidden unit ``i`` computes ``relu(1 * x - k_i)``; the output is
        ``hidden @ W2 + b2`` with ``W2[:, 0] = hinge_weights`` and ``b2 = [bias]``.
        """
        n = self.n_units
        return [
            (np.ones((1, n)), -self.knots[:-1].copy()),
            (self.hinge_weights.reshape(n, 1).copy(), np.array([self.bias])),
        ]


def hinge_interpolant(f: Callable[[np.ndarray], np.ndarray] | np.ndarray, knots) -> HingeNet:
    """Write the piecewise-linear interpolant of ``f`` as a one-hidden-layer ReLU network.

    ``g(x) = f(k_0) + s_0 (x - k_0) + sum_{i=1}^{n-1} (s_i - s_{i-1}) relu(x - k_i)``,
    with ``s_i`` the slope on ``[k_i, k_{i+1}]``: each hidden unit adds one kink, and the
    kink's weight is the change in slope there.

    Parameters
    ----------
    f : callable or array_like
        Either a vectorised function (array in, array of the same shape out), or the
        values at the knots, shape (n + 1,).
    knots : array_like, shape (n + 1,)
        Strictly increasing, finite, at least 2 knots.

    Returns
    -------
    HingeNet
        Callable on arrays of any shape, with ``knots``, ``values``, ``slopes``,
        ``hinge_weights``, ``bias``, ``n_units``, ``terms(x)`` and ``params``.

    Raises
    ------
    ValueError
        If the knots are not a 1-D, finite, strictly increasing array of at least 2
        entries, or the values do not have one finite entry per knot.

    Examples
    --------
    >>> g = hinge_interpolant(np.abs, [-1.0, 0.0, 1.0])
    >>> g.hinge_weights
    array([-1.,  2.])
    >>> g(np.array([-0.5, 0.25]))
    array([0.5 , 0.25])
    """
    knots = np.array(knots, dtype=float)
    if knots.ndim != 1 or knots.size < 2:
        raise ValueError(f"knots must be a 1-D array of at least 2 values; got shape {knots.shape}")
    if not np.all(np.isfinite(knots)):
        raise ValueError("knots must be finite")
    if not np.all(np.diff(knots) > 0):
        raise ValueError("knots must be strictly increasing")
    values = f(knots.copy()) if callable(f) else f
    values = np.array(values, dtype=float)
    if values.shape != knots.shape:
        raise ValueError(
            f"f must be a vectorised callable or an array with one value per knot, shape "
            f"{knots.shape}; got shape {values.shape}"
        )
    if not np.all(np.isfinite(values)):
        raise ValueError("f must be finite at every knot")
    return HingeNet(knots, values)


def right_hinges(net) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Rewrite a one-hidden-layer ReLU net with one input as a line plus right-facing hinges.

    Each unit ``a relu(w x + b)`` with ``w != 0`` is ``a |w| relu(+-(x - k))`` with its kink at
    ``k = -b / w``: the sign of ``w`` picks the direction the hinge faces. A left-facing hinge
    is a right-facing one plus a line, ``relu(-(x - k)) = relu(x - k) - (x - k)``, so

    ``net(x) = intercept + slope * x + sum_i weights[i] * relu(x - kinks[i])``.

    Units with ``w = 0`` are constants and go into the intercept.

    Parameters
    ----------
    net : object with ``.params``, or list of two (W, b) pairs
        A 1-n-1 ReLU network: ``W1`` (1, n), ``b1`` (n,), ``W2`` (n, 1), ``b2`` (1,).

    Returns
    -------
    intercept, slope : float
        The linear term.
    weights : ndarray, shape (m,)
        ``a_i |w_i|`` of each unit with ``w_i != 0``.
    kinks : ndarray, shape (m,)
        ``-b_i / w_i`` of those units.
    """
    params = _as_params(net, n_inputs=1)
    if len(params) != 2 or params[1][0].shape[1] != 1:
        raise ValueError(
            f"a 1-n-1 network (one hidden layer, one output) is required; got "
            f"{len(params) - 1} hidden layers and {params[-1][0].shape[1]} outputs"
        )
    (W1, b1), (W2, b2) = params
    w, b, a = W1[0], b1, W2[:, 0]
    live = w != 0
    k = -b[live] / w[live]
    weights = a[live] * np.abs(w[live])
    left = w[live] < 0  # a|w| relu(-(x - k)) = a|w| relu(x - k) - a|w| (x - k)
    slope = -float(weights[left].sum())
    intercept = float(b2[0] + (a[~live] * np.maximum(b[~live], 0.0)).sum())
    intercept += float((weights[left] * k[left]).sum())
    return intercept, slope, weights, k


def uniform_knots(domain, n_units: int) -> np.ndarray:
    """Equally spaced knots for ``n_units`` pieces.

    Parameters
    ----------
    domain : (float, float)
        Interval ``(lo, hi)``, ``lo < hi``.
    n_units : int
        Number of pieces (= hidden units of :func:`hinge_interpolant`), at least 1.

    Returns
    -------
    ndarray, shape (n_units + 1,)
        ``lo, lo + h, ..., hi`` with ``h = (hi - lo) / n_units``.
    """
    lo, hi = _check_interval(domain, "domain")
    n = _check_count(n_units, "n_units", minimum=1)
    return np.linspace(lo, hi, n + 1)


def _check_count(n, what: str, minimum: int) -> int:
    """Return ``n`` as an int, requiring an integer ``>= minimum``."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < minimum:
        raise ValueError(f"{what} must be an integer >= {minimum}; got {n!r}")
    return int(n)


def interpolation_bound(max_abs_f2, h):
    """Worst-case error of piecewise-linear interpolation with spacing ``h``.

    On a piece of length ``h`` the interpolation error is
    ``e(x) = -f''(xi)/2 (x - k_i)(k_{i+1} - x)`` and ``(x - k_i)(k_{i+1} - x) <= h**2 / 4``,
    so ``|e| <= h**2 / 8 * max|f''|``.

    Parameters
    ----------
    max_abs_f2 : float or array_like
        ``max |f''|`` on the domain (units of f per x squared), ``>= 0``.
    h : float or array_like
        Knot spacing (units of x), ``>= 0``.

    Returns
    -------
    float or ndarray
        ``h**2 / 8 * max_abs_f2`` (units of f), broadcast over the inputs.
    """
    m = np.asarray(max_abs_f2, dtype=float)
    h = np.asarray(h, dtype=float)
    if np.any(~np.isfinite(m)) or np.any(m < 0) or np.any(~np.isfinite(h)) or np.any(h < 0):
        raise ValueError("max_abs_f2 and h must be finite and >= 0")
    out = h**2 / 8.0 * m
    return float(out) if out.ndim == 0 else out


def max_error(g: Callable, f: Callable, domain, n_eval: int = 20001) -> float:
    """Largest ``|g(x) - f(x)|`` on a uniform grid of the domain.

    Parameters
    ----------
    g, f : callable
        Vectorised functions (array in, array of the same shape out).
    domain : (float, float)
        Interval ``(lo, hi)``.
    n_eval : int, default 20001
        Number of equally spaced evaluation points, endpoints included, at least 2.

    Returns
    -------
    float
        The sampled sup-norm error, a lower bound on the true one (units of f).
    """
    lo, hi = _check_interval(domain, "domain")
    n = _check_count(n_eval, "n_eval", minimum=2)
    x = np.linspace(lo, hi, n)
    return float(np.max(np.abs(np.asarray(g(x), dtype=float) - np.asarray(f(x), dtype=float))))


def hinge_budget(max_abs_f2: float, domain, eps: float) -> int:
    """Fewest uniform hinge units whose interpolation bound is at most ``eps``.

    Solving ``((hi - lo) / n)**2 / 8 * M <= eps`` gives
    ``n = ceil((hi - lo) * sqrt(M / (8 eps)))``; the result is then nudged by at most a
    unit so that it is exactly the smallest ``n`` meeting :func:`interpolation_bound`
    despite rounding in the square root.

    Parameters
    ----------
    max_abs_f2 : float
        ``max |f''|`` on the domain, ``>= 0``.
    domain : (float, float)
        Interval ``(lo, hi)``.
    eps : float
        Target sup-norm error, ``> 0``.

    Returns
    -------
    int
        Number of hidden units (= pieces), at least 1.
    """
    lo, hi = _check_interval(domain, "domain")
    m = float(max_abs_f2)
    if not (math.isfinite(m) and m >= 0):
        raise ValueError(f"max_abs_f2 must be finite and >= 0; got {max_abs_f2!r}")
    eps = float(eps)
    if not (math.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be finite and > 0; got {eps!r}")
    length = hi - lo
    n = max(1, math.ceil(length * math.sqrt(m / (8.0 * eps))))
    while interpolation_bound(m, length / n) > eps:
        n += 1
    while n > 1 and interpolation_bound(m, length / (n - 1)) <= eps:
        n -= 1
    return n


# ----------------------------------------------------------------- depth against width


def tent_network(k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The tent map composed ``k`` times, as a deep ReLU network with 2 units per layer.

    ``t(x) = 2 relu(x) - 4 relu(x - 1/2)`` maps ``[0, 1]`` onto itself (up to ``1/2``, then
    back down), and ``t^k`` zig-zags ``2**(k-1)`` times: ``2**k`` linear pieces from ``2k``
    hidden units (Telgarsky 2016, "Benefits of depth in neural networks"). Between layers
    the output weights ``(2, -4)`` of one tent are multiplied into the input weights
    ``(1, 1)`` of the next.

    Parameters
    ----------
    k : int
        Number of compositions (hidden layers), at least 1.

    Returns
    -------
    list of (W, b)
        Layer sizes ``[1, 2, ..., 2, 1]`` (``k`` hidden layers of 2 units), ReLU on hidden
        layers, linear output. All weights are dyadic, so dyadic inputs are computed exactly.
    """
    k = _check_count(k, "k", minimum=1)
    w_in = np.array([[1.0, 1.0]])  # (1, 2): both units see x
    b_in = np.array([0.0, -0.5])  # kinks at 0 and 1/2
    w_out = np.array([[2.0], [-4.0]])  # (2, 1): t = 2 relu(x) - 4 relu(x - 1/2)
    params = [(w_in, b_in.copy())]
    params += [(w_out @ w_in, b_in.copy()) for _ in range(k - 1)]
    params.append((w_out.copy(), np.zeros(1)))
    return params


def pieces(net, interval, rtol: float = 1e-9) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The linear pieces of a ReLU network with 1-D input on an interval, found exactly.

    The interval starts as one piece on which the input map is ``x -> x``. For each hidden
    layer, each unit's pre-activation is affine on each piece, ``s x + c``, so it changes
    sign only at ``x = -c / s``: every piece is split at those of its units' roots that lie
    strictly inside it, the sign of each unit on each sub-piece is read at its midpoint, and
    inactive units are zeroed. No sampling is involved. Finally, neighbouring pieces whose
    output slopes and intercepts agree (to ``rtol`` relative to the largest slope and
    intercept) are merged, so kinks that cancel downstream are not counted.

    Parameters
    ----------
    net : object with ``.params``, or list of (W, b) pairs
        ReLU network with ``W`` of the first layer of shape (1, fan_out).
    interval : (float, float)
        ``(lo, hi)``, ``lo < hi``.
    rtol : float, default 1e-9
        Relative tolerance used only to merge neighbouring pieces.

    Returns
    -------
    breakpoints : ndarray, shape (P + 1,)
        ``lo = x_0 < x_1 < ... < x_P = hi``; piece ``p`` is ``[x_p, x_{p+1}]``.
    slopes : ndarray, shape (P, n_out)
        ``d net / dx`` on each piece.
    intercepts : ndarray, shape (P, n_out)
        So that ``net(x) = slopes[p] * x + intercepts[p]`` on piece ``p``.
    """
    params = _as_params(net, n_inputs=1)
    lo, hi = _check_interval(interval)
    if not (math.isfinite(rtol) and rtol >= 0):
        raise ValueError(f"rtol must be finite and >= 0; got {rtol!r}")
    bps = np.array([lo, hi])
    s = np.ones((1, 1))  # (P, width): slope of each current feature on each piece
    c = np.zeros((1, 1))  # (P, width): intercept
    for W, b in params[:-1]:
        s, c = s @ W, c @ W + b  # pre-activations, affine on each piece
        with np.errstate(divide="ignore", invalid="ignore"):
            roots = -c / s
        inside = (s != 0) & (roots > bps[:-1, None]) & (roots < bps[1:, None])
        old_bps, bps = bps, np.union1d(bps, roots[inside])
        mid = 0.5 * (bps[:-1] + bps[1:])
        # the old piece each new piece lies in (side="right" and the clip keep the index
        # valid even if a sub-piece is so short that its midpoint rounds onto a breakpoint)
        parent = np.clip(np.searchsorted(old_bps, mid, side="right") - 1, 0, old_bps.size - 2)
        s, c = s[parent], c[parent]
        active = s * mid[:, None] + c > 0
        s, c = s * active, c * active
    W, b = params[-1]
    s, c = s @ W, c @ W + b
    return _merge(bps, s, c, rtol)


def _merge(bps: np.ndarray, s: np.ndarray, c: np.ndarray, rtol: float):
    """Merge neighbouring pieces with equal (to ``rtol``) slopes and intercepts."""
    s_tol = rtol * max(float(np.max(np.abs(s))), np.finfo(float).tiny)
    c_tol = rtol * max(float(np.max(np.abs(c))), np.finfo(float).tiny)
    same = np.all(np.abs(np.diff(s, axis=0)) <= s_tol, axis=1) & np.all(
        np.abs(np.diff(c, axis=0)) <= c_tol, axis=1
    )
    keep = np.concatenate(([True], ~same))  # first piece of each run of equal pieces
    starts = np.flatnonzero(keep)
    return np.append(bps[starts], bps[-1]), s[starts], c[starts]


def linear_pieces(net, interval, rtol: float = 1e-9):
    """Alias of :func:`pieces`: ``(breakpoints, slopes, intercepts)``."""
    return pieces(net, interval, rtol=rtol)


def count_pieces(net, interval, rtol: float = 1e-9) -> int:
    """Number of linear pieces of a 1-D-input ReLU network on an interval (see :func:`pieces`).

    Parameters
    ----------
    net : object with ``.params``, or list of (W, b) pairs
        ReLU network with 1-D input.
    interval : (float, float)
        ``(lo, hi)``, ``lo < hi``.
    rtol : float, default 1e-9
        Relative tolerance for merging pieces with equal slope and intercept.

    Returns
    -------
    int
        Number of maximal intervals on which the network is affine.
    """
    return int(pieces(net, interval, rtol=rtol)[1].shape[0])


def min_units_one_layer(n_pieces: int) -> int:
    """Fewest hidden units a one-hidden-layer ReLU network needs for ``n_pieces`` pieces.

    With one input, ``g(x) = c + sum_j v_j relu(w_j x + b_j)``. A unit with ``w_j = 0`` is
    constant; a unit with ``w_j != 0`` is affine on each side of the single point
    ``x = -b_j / w_j``. So ``g`` is affine between consecutive such points: ``m`` units
    give at most ``m`` kinks, hence at most ``m + 1`` pieces, and ``n_pieces`` pieces need
    at least ``n_pieces - 1`` units. The bound is attained (e.g. ``relu(x) - 2 relu(x - 1)``
    has 3 pieces on the line from 2 units). For the tent map composed ``k`` times this is
    ``2**k - 1`` units in one layer against ``2k`` in :func:`tent_network`.

    Parameters
    ----------
    n_pieces : int
        Number of linear pieces, at least 1.

    Returns
    -------
    int
        ``n_pieces - 1``.
    """
    return _check_count(n_pieces, "n_pieces", minimum=1) - 1
