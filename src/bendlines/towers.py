"""Nielsen's towers, built from ReLU units: steps, bumps, towers and a grid of towers.

Nielsen's visual proof of universal approximation builds a function of two inputs from
"towers": blocks that are 1 on a rectangle and 0 away from it. With ReLU units the pieces are:

* a **step** ``S(t) = (relu(t - e) - relu(t - e - r)) / r``: two units, 0 left of ``e``, 1 right
  of ``e + r``, a straight ramp of width ``r`` in between;
* a **bump** ``B(t) = S_a(t) - S_b(t)``: four units, 1 on ``[a + r, b]``, 0 outside ``[a, b + r]``;
* a **tower** ``T(x, y) = relu(B_x(x) + B_y(y) - 1)``: the eight units of two bumps and one unit
  in a second layer. Inside the rectangle ``B_x + B_y = 2`` and ``T = 1``; where only one bump
  is on, ``B_x + B_y <= 1`` and ``T = 0``.

A grid of ``n x n`` towers, each scaled by the target's value at its cell centre, approximates
a surface. Neighbouring cells share their steps, so the net has ``4 (n + 1)`` units in its first
hidden layer and ``n**2`` in its second: :func:`tower_grid_params` returns it as ``(W, b)``
pairs for :meth:`bendlines.mlp.MLP.from_params`.

Where two ramps cross (a corner shared by four cells) the towers do not add up to 1: at the
middle of that ``r x r`` square they add up to 0. These are the "failure windows" Nielsen
describes; their total area shrinks with ``r``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "bump",
    "ramp_width",
    "step",
    "tower",
    "tower_grid_params",
    "tower_grid_units",
]

Params = list[tuple[np.ndarray, np.ndarray]]


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _check_ramp(ramp: float) -> float:
    if not (np.isfinite(ramp) and ramp > 0):
        raise ValueError(f"ramp must be a positive number, got {ramp!r}")
    return float(ramp)


def step(t: np.ndarray, edge: float, ramp: float) -> np.ndarray:
    """Two ReLU units: 0 for ``t <= edge``, 1 for ``t >= edge + ramp``, linear in between.

    Parameters
    ----------
    t : ndarray
        Inputs.
    edge : float
        Where the ramp starts.
    ramp : float
        Width of the ramp (> 0, input units).

    Returns
    -------
    ndarray, same shape as ``t``
    """
    ramp = _check_ramp(ramp)
    t = np.asarray(t, dtype=float)
    return (_relu(t - edge) - _relu(t - edge - ramp)) / ramp


def bump(t: np.ndarray, a: float, b: float, ramp: float) -> np.ndarray:
    """Four ReLU units: 1 on ``[a + ramp, b]``, 0 outside ``[a, b + ramp]`` (needs ``a < b``)."""
    if not a < b:
        raise ValueError(f"a bump needs a < b, got a={a!r}, b={b!r}")
    return step(t, a, ramp) - step(t, b, ramp)


def tower(
    X: np.ndarray, x_range: tuple[float, float], y_range: tuple[float, float], ramp: float
) -> np.ndarray:
    """Nine ReLU units: ``relu(bump_x(x) + bump_y(y) - 1)``, 1 on the rectangle, 0 away from it.

    Parameters
    ----------
    X : ndarray of shape (n, 2)
        Points of the plane.
    x_range, y_range : (float, float)
        The rectangle's sides ``[a, b]``.
    ramp : float
        Ramp width of the steps.

    Returns
    -------
    ndarray of shape (n,)
    """
    X = np.asarray(X, dtype=float)
    bx = bump(X[:, 0], *x_range, ramp)
    by = bump(X[:, 1], *y_range, ramp)
    return _relu(bx + by - 1.0)


def tower_grid_units(n: int) -> int:
    """Hidden units of the ``n x n`` tower grid: ``4 (n + 1)`` steps' units plus ``n**2`` towers."""
    n = _check_n(n)
    return 4 * (n + 1) + n * n


def ramp_width(n: int, bounds: tuple[float, float, float, float], fraction: float = 0.1) -> float:
    """Ramp width for an ``n x n`` grid: ``fraction * h**2 / L`` (cell side ``h``, box side ``L``).

    Shrinking the ramp faster than the cells keeps the failure windows' total area
    (about ``(n r)**2``) falling as ``n`` grows: it is ``fraction**2 * h**2`` of the box.
    """
    n = _check_n(n)
    width = min(bounds[1] - bounds[0], bounds[3] - bounds[2])
    h = width / n
    return fraction * h * h / width


def _check_n(n) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    return int(n)


def _edges(lo: float, hi: float, n: int, ramp: float) -> np.ndarray:
    """Where the ``n + 1`` steps of one axis start, so that the ``n`` bumps tile ``[lo, hi]``.

    The first step is complete at ``lo`` and the last starts at ``hi``; the inner ramps end
    on the cell borders ``lo + k h``.
    """
    edges = np.linspace(lo, hi, n + 1) - ramp
    edges[-1] = hi
    return edges


def tower_grid_params(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    n: int,
    bounds: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 1.0),
    ramp: float | None = None,
) -> Params:
    """A ReLU net with two hidden layers that builds ``n x n`` towers of heights ``f(centres)``.

    Parameters
    ----------
    f : callable ``f(x, y) -> z``
        The target, vectorised over arrays.
    n : int
        Cells per side.
    bounds : (xmin, xmax, ymin, ymax)
        The box the towers tile.
    ramp : float, optional
        Ramp width of every step (default :func:`ramp_width`).

    Returns
    -------
    list of (W, b)
        Shapes ``(2, 4 (n + 1))``, ``(4 (n + 1), n**2)``, ``(n**2, 1)``, for
        :meth:`bendlines.mlp.MLP.from_params` with ``activation="relu"``. Tower ``(i, j)``
        (column ``i``, row ``j``) is hidden unit ``i * n + j`` of the second layer.
    """
    n = _check_n(n)
    xmin, xmax, ymin, ymax = (float(v) for v in bounds)
    if not (xmin < xmax and ymin < ymax):
        raise ValueError(f"bounds must be (xmin, xmax, ymin, ymax) with min < max, got {bounds!r}")
    ramp = _check_ramp(ramp_width(n, bounds) if ramp is None else ramp)
    m = n + 1  # steps per axis
    # Layer 1: for axis a and step k, units relu(x_a - e_k) and relu(x_a - e_k - ramp).
    W1 = np.zeros((2, 4 * m))
    b1 = np.zeros(4 * m)
    # S[a][k] = (unit 2 (a m + k)) - (unit 2 (a m + k) + 1)) / ramp: a (4 m,) coefficient row
    S = np.zeros((2, m, 4 * m))
    for a, (lo, hi) in enumerate(((xmin, xmax), (ymin, ymax))):
        for k, e in enumerate(_edges(lo, hi, n, ramp)):
            u = 2 * (a * m + k)
            W1[a, u] = W1[a, u + 1] = 1.0
            b1[u], b1[u + 1] = -e, -e - ramp
            S[a, k, u], S[a, k, u + 1] = 1.0 / ramp, -1.0 / ramp
    B = S[:, :-1] - S[:, 1:]  # (2, n, 4 m): bump i of axis a = S_i - S_{i+1}
    # Layer 2: tower (i, j) = relu(B_x,i + B_y,j - 1).
    W2 = (B[0][:, None, :] + B[1][None, :, :]).reshape(n * n, 4 * m).T
    b2 = -np.ones(n * n)
    # Output: height of tower (i, j) is f at the cell centre.
    cx = xmin + (np.arange(n) + 0.5) * (xmax - xmin) / n
    cy = ymin + (np.arange(n) + 0.5) * (ymax - ymin) / n
    heights = np.asarray(f(*np.meshgrid(cx, cy, indexing="ij")), dtype=float)
    W3 = heights.reshape(n * n, 1)
    b3 = np.zeros(1)
    return [(W1, b1), (W2, b2), (W3, b3)]
