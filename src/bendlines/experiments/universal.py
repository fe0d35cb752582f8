"""Experiments of the chapter *Universal approximation, shown in the plane*.

* :func:`tower_errors`: Nielsen's towers built from ReLU units (:mod:`bendlines.towers`)
  approximate a surface; the error falls as the grid, and so the number of units, grows.
* :func:`one_layer_errors`: one hidden layer of ReLU units with random lines, output weights
  solved by least squares: the error falls as the layer widens, as the theorem promises.
* :func:`zaslavsky_count`, :func:`count_lines_exactly`, :func:`count_planes_by_restriction`:
  how many regions ``n`` lines (planes) in general position cut the plane (space) into, by the
  formula and by two independent exact counts.

The chapter's settings are the module-level constants; the chapter, its figure scripts and
``tests/test_universal.py`` call the same functions with them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from bendlines import regions, towers
from bendlines.mlp import MLP

__all__ = [
    "BOUNDS",
    "EVAL_RESOLUTION",
    "FIT_RESOLUTION",
    "ONE_LAYER_SEED",
    "ONE_LAYER_WIDTHS",
    "REGION_COUNTS",
    "REGION_SEED",
    "TOWER_CELLS",
    "ErrorCurve",
    "count_lines_exactly",
    "count_planes_by_restriction",
    "evaluation_grid",
    "fitted_tower_errors",
    "one_layer_errors",
    "one_layer_params",
    "random_lines",
    "random_planes",
    "surface",
    "tower_errors",
    "zaslavsky_count",
]

#: The box on which the surface is approximated: (xmin, xmax, ymin, ymax).
BOUNDS: tuple[float, float, float, float] = (0.0, 1.0, 0.0, 1.0)
#: Grid points per side on which errors are measured.
EVAL_RESOLUTION = 101
#: Grid points per side on which the one-hidden-layer output weights are fitted.
FIT_RESOLUTION = 48
#: Cells per side of the tower grids.
TOWER_CELLS: tuple[int, ...] = (2, 4, 8, 16, 32)
#: Widths of the one-hidden-layer nets (nested: each uses the first units of the widest).
ONE_LAYER_WIDTHS: tuple[int, ...] = (8, 16, 32, 64, 128, 256, 512)
#: Seed of the random first-layer lines.
ONE_LAYER_SEED = 0
#: Numbers of lines (planes) whose regions are counted.
REGION_COUNTS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 8, 10)
#: Seed of the random lines and planes.
REGION_SEED = 0


def surface(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The target: a hill, a hollow and a gentle wave on the unit square (dimensionless)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    hill = np.exp(-((x - 0.3) ** 2 + (y - 0.7) ** 2) / (2 * 0.12**2))
    hollow = 0.8 * np.exp(-((x - 0.7) ** 2 + (y - 0.35) ** 2) / (2 * 0.15**2))
    wave = 0.25 * np.sin(2 * np.pi * (x + y))
    return hill - hollow + wave


def evaluation_grid(
    resolution: int = EVAL_RESOLUTION, bounds: tuple[float, float, float, float] = BOUNDS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A regular grid of the box: ``gx`` (r,), ``gy`` (r,) and the points (r*r, 2), x fastest."""
    gx = np.linspace(bounds[0], bounds[1], resolution)
    gy = np.linspace(bounds[2], bounds[3], resolution)
    xx, yy = np.meshgrid(gx, gy)
    return gx, gy, np.column_stack([xx.ravel(), yy.ravel()])


@dataclass(frozen=True)
class ErrorCurve:
    """Approximation error against the number of hidden units.

    Attributes
    ----------
    units : ndarray of int, shape (k,)
        Hidden units of each net (all hidden layers together).
    rms, max : ndarray of shape (k,)
        Root-mean-square and largest absolute error on the evaluation grid, in the units of
        the surface (its values span about -0.9 to 1.1).
    params : list of list of (W, b)
        Each net's parameters, for :meth:`bendlines.mlp.MLP.from_params` (ReLU).
    """

    units: np.ndarray
    rms: np.ndarray
    max: np.ndarray
    params: list

    def slope(self) -> float:
        """Least-squares slope of log(rms) against log(units): the error's power of the units."""
        return float(np.polyfit(np.log(self.units), np.log(self.rms), 1)[0])


def _errors(params: list, points: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    err = MLP.from_params(params, activation="relu").forward(points)[:, 0] - target
    return float(np.sqrt(np.mean(err**2))), float(np.max(np.abs(err)))


def _curve(units: Sequence[int], params: list, resolution: int) -> ErrorCurve:
    """The RMS and largest error of each net in ``params`` against the surface, on the
    evaluation grid of ``resolution`` points per side."""
    _, _, points = evaluation_grid(resolution)
    target = surface(points[:, 0], points[:, 1])
    errs = [_errors(p, points, target) for p in params]
    return ErrorCurve(
        units=np.array([int(u) for u in units]),
        rms=np.array([e[0] for e in errs]),
        max=np.array([e[1] for e in errs]),
        params=params,
    )


def tower_errors(
    cells: Sequence[int] = TOWER_CELLS, resolution: int = EVAL_RESOLUTION
) -> ErrorCurve:
    """Error of the ``n x n`` tower grids (:func:`bendlines.towers.tower_grid_params`).

    Parameters
    ----------
    cells : sequence of int
        Cells per side.
    resolution : int
        Evaluation grid points per side.

    Returns
    -------
    ErrorCurve
    """
    params = [towers.tower_grid_params(surface, int(n), BOUNDS) for n in cells]
    return _curve([towers.tower_grid_units(int(n)) for n in cells], params, resolution)


def fitted_tower_errors(
    cells: Sequence[int] = TOWER_CELLS, resolution: int = EVAL_RESOLUTION
) -> ErrorCurve:
    """Error of the tower grids with their heights fitted by least squares, not sampled.

    The same two hidden layers as :func:`tower_errors`, but the output weights (one height per
    tower) and bias minimise the squared error on the ``FIT_RESOLUTION`` grid, as
    :func:`one_layer_params` does for the single layer: the even-handed comparison.
    """
    _, _, fit_points = evaluation_grid(FIT_RESOLUTION)
    fit_target = surface(fit_points[:, 0], fit_points[:, 1])
    params = []
    for n in cells:
        hidden = towers.tower_grid_params(surface, int(n), BOUNDS)[:-1]
        _, post = MLP.from_params([*hidden, *_zero_output(hidden)], activation="relu").hidden(
            fit_points
        )
        design = np.column_stack([np.ones(len(fit_points)), post[-2]])
        coef = np.linalg.lstsq(design, fit_target, rcond=None)[0]
        params.append([*hidden, (coef[1:, None], coef[:1])])
    return _curve([towers.tower_grid_units(int(n)) for n in cells], params, resolution)


def _zero_output(hidden: list) -> list:
    """A zero output layer for the hidden layers ``hidden``, to run them as a net."""
    width = hidden[-1][0].shape[1]
    return [(np.zeros((width, 1)), np.zeros(1))]


def _one_layer_fits(widths: Sequence[int], seed: int, resolution: int) -> list:
    """Least-squares output layers for nested random first layers, from one QR factorisation.

    With the constant column first and the units in order, the design matrix of a narrower
    layer is the first columns of the widest one. If ``D = Q R``, the least-squares solution
    on the first ``k`` columns is ``R[:k, :k]^-1 (Q^T y)[:k]``: one factorisation serves all.
    """
    widths = [int(w) for w in widths]
    if not widths or any(w < 1 for w in widths):
        raise ValueError(f"widths must be integers >= 1, got {widths!r}")
    widest = max(widths)
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, 2 * np.pi, widest)
    through = rng.uniform([BOUNDS[0], BOUNDS[2]], [BOUNDS[1], BOUNDS[3]], (widest, 2))
    W1 = np.vstack([np.cos(angle), np.sin(angle)])
    b1 = -np.einsum("ij,ji->i", through, W1)
    _, _, points = evaluation_grid(resolution)
    design = np.column_stack([np.ones(len(points)), np.maximum(points @ W1 + b1, 0.0)])
    Q, R = np.linalg.qr(design)
    rhs = Q.T @ surface(points[:, 0], points[:, 1])
    fits = []
    for w in widths:
        coef = scipy.linalg.solve_triangular(R[: w + 1, : w + 1], rhs[: w + 1])
        fits.append([(W1[:, :w].copy(), b1[:w].copy()), (coef[1:, None], coef[:1])])
    return fits


def one_layer_params(
    width: int, seed: int = ONE_LAYER_SEED, resolution: int = FIT_RESOLUTION
) -> list[tuple[np.ndarray, np.ndarray]]:
    """One hidden layer of ``width`` ReLU units with random lines, output fitted by least squares.

    Unit ``k`` is ``relu(w_k . x + b_k)`` with a random unit normal ``w_k`` and its line
    through a random point of the box (drawn in order from ``seed``, so a narrower layer has
    the first units of a wider one). The output weights and bias minimise the squared error
    to :func:`surface` on a ``resolution x resolution`` grid: one linear solve, no gradient
    descent.

    Returns
    -------
    list of (W, b)
        Shapes ``(2, width)``, ``(width,)``, ``(width, 1)``, ``(1,)``.
    """
    if isinstance(width, bool) or not isinstance(width, int | np.integer) or width < 1:
        raise ValueError(f"width must be an integer >= 1, got {width!r}")
    return _one_layer_fits([width], seed, resolution)[0]


def one_layer_errors(
    widths: Sequence[int] = ONE_LAYER_WIDTHS,
    seed: int = ONE_LAYER_SEED,
    resolution: int = EVAL_RESOLUTION,
) -> ErrorCurve:
    """Error of :func:`one_layer_params` nets of each width, on the evaluation grid."""
    return _curve(widths, _one_layer_fits(widths, seed, FIT_RESOLUTION), resolution)


# --------------------------------------------------------------------------------------------
# Counting regions: Zaslavsky's formula and two exact counts
# --------------------------------------------------------------------------------------------


def zaslavsky_count(n: int, d: int) -> int:
    """Regions cut by ``n`` hyperplanes in general position in ``d`` dimensions.

    Zaslavsky's theorem gives ``sum_{j=0}^{d} C(n, j)``: 1 + n + n(n-1)/2 for lines in the plane.
    """
    for name, v in (("n", n), ("d", d)):
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
            raise ValueError(f"{name} must be an integer >= 0, got {v!r}")
    return sum(math.comb(int(n), j) for j in range(int(d) + 1))


def random_lines(n: int, seed: int = REGION_SEED) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random lines ``normals[i] . x + offsets[i] = 0`` (general position with probability 1).

    Normals are random unit vectors; each line passes through a random point of the unit disc.
    """
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    normals = np.column_stack([np.cos(angle), np.sin(angle)])
    radius, phi = np.sqrt(rng.uniform(0, 1, n)), rng.uniform(0, 2 * np.pi, n)
    through = np.column_stack([radius * np.cos(phi), radius * np.sin(phi)])
    return normals, -np.einsum("ij,ij->i", normals, through)


def _crossing_box(normals: np.ndarray, offsets: np.ndarray) -> tuple[float, float, float, float]:
    """A square box holding every crossing of the lines, with room to spare."""
    reach = 1.0
    for i in range(len(normals)):
        for j in range(i + 1, len(normals)):
            pair = np.vstack([normals[i], normals[j]])
            if abs(np.linalg.det(pair)) < 1e-12:  # parallel: no crossing, but keep both lines
                reach = max(reach, float(np.max(np.abs(offsets[[i, j]]))))
                continue
            point = np.linalg.solve(pair, -offsets[[i, j]])
            reach = max(reach, float(np.max(np.abs(point))))
    reach *= 2.0
    return (-reach, reach, -reach, reach)


def count_lines_exactly(normals: np.ndarray, offsets: np.ndarray) -> int:
    """Regions of the plane cut by the lines, counted by :func:`bendlines.regions.count_regions`.

    The lines become the units of one hidden ReLU layer; the regions are counted exactly in a
    box that holds every crossing, so every region of the whole plane meets the box.
    """
    normals, offsets = np.asarray(normals, float), np.asarray(offsets, float)
    n = len(normals)
    if n == 0:
        return 1
    params = [(normals.T.copy(), offsets.copy()), (np.ones((n, 1)), np.zeros(1))]
    return regions.count_regions(params, _crossing_box(normals, offsets))


def random_planes(n: int, seed: int = REGION_SEED) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random planes ``normals[i] . x + offsets[i] = 0`` in space (general position)."""
    rng = np.random.default_rng(seed)
    normals = rng.standard_normal((n, 3))
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    return normals, rng.uniform(-1.0, 1.0, n)


def count_planes_by_restriction(normals: np.ndarray, offsets: np.ndarray) -> int:
    """Regions of space cut by planes, by deletion and restriction, with exact 2-D counts.

    Add the planes one at a time. Plane ``k`` meets the ``k`` planes before it in ``k`` lines
    lying on it; those lines cut plane ``k`` into some number of pieces, and each piece splits
    one region of space in two. So the count grows by the number of regions of that 2-D
    arrangement, which :func:`count_lines_exactly` counts on the actual lines. Nothing here
    uses Zaslavsky's formula.
    """
    normals, offsets = np.asarray(normals, float), np.asarray(offsets, float)
    total = 1
    for k in range(len(normals)):
        a, c = normals[k], offsets[k]
        origin = -c * a / (a @ a)  # a point of plane k
        # an orthonormal basis (u, v) of plane k: the last two rows of V in a = U S V^T
        u, v = np.linalg.svd(a[None, :])[2][1:]
        # plane j on plane k: a_j . (origin + s u + t v) + c_j = 0, a line in (s, t)
        line_normals = np.column_stack([normals[:k] @ u, normals[:k] @ v])
        line_offsets = normals[:k] @ origin + offsets[:k]
        total += count_lines_exactly(line_normals, line_offsets)
    return total
