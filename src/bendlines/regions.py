"""Exact linear regions of ReLU networks with 2-D input.

A ReLU network is affine wherever its activation pattern (which hidden units are active)
is constant. With two inputs the first hidden layer cuts the plane along one line per unit,
``w_i . x + b_i = 0``; every later unit cuts each existing region along the line where its
pre-activation, affine on that region, vanishes. :func:`linear_regions` follows this
recipe exactly: it splits convex polygons layer by layer and returns each linear region as
a polygon with its activation pattern and the network's affine map on it.

:func:`grid_patterns` / :func:`grid_count` are the naive alternative (sample a grid, count
distinct patterns) that misses regions smaller than a grid cell; :func:`arrangement_count`
is the closed form for one hidden layer, ``1 + n + n(n-1)/2`` regions for ``n`` lines in
general position.

Networks follow the package convention (see :mod:`bendlines.approx`): anything with
``.params`` or a list of ``(W, b)`` pairs, ``W`` of shape (fan_in, fan_out), ReLU on hidden
layers, linear output layer. A unit counts as active where its pre-activation is ``> 0``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bendlines.approx import _as_params

__all__ = [
    "Region",
    "arrangement_count",
    "count_regions",
    "grid_count",
    "grid_patterns",
    "linear_regions",
    "lines",
]

#: Polygons with area at most ``AREA_RTOL * box area`` are dropped as round-off slivers.
AREA_RTOL = 1e-18
#: Pre-activations within this many ulps of their magnitude count as exactly zero.
SNAP_ULPS = 64
_SNAP = SNAP_ULPS * float(np.finfo(float).eps)


@dataclass(frozen=True, eq=False)
class Region:
    """One linear region: a convex polygon on which the activation pattern is constant.

    Attributes
    ----------
    vertices : ndarray, shape (m, 2)
        Corners in counter-clockwise order, ``m >= 3``.
    pattern : tuple of ndarray of bool
        One array per hidden layer, shape (layer width,): which units are active
        (pre-activation ``> 0``) inside the polygon.
    affine : (ndarray, ndarray)
        ``(A, c)`` with ``A`` of shape (2, n_out) and ``c`` of shape (n_out,): the network
        output is ``x @ A + c`` for ``x`` in the polygon.
    """

    vertices: np.ndarray
    pattern: tuple[np.ndarray, ...]
    affine: tuple[np.ndarray, np.ndarray]

    @property
    def area(self) -> float:
        """Area of the polygon (shoelace formula), in input units squared."""
        return _area(self.vertices)

    @property
    def centroid(self) -> np.ndarray:
        """Centroid of the polygon, shape (2,)."""
        v0 = self.vertices[0]
        v = self.vertices - v0  # relative to a vertex: no cancellation for small polygons
        nxt = np.roll(v, -1, axis=0)
        cross = v[:, 0] * nxt[:, 1] - nxt[:, 0] * v[:, 1]
        return v0 + ((v + nxt) * cross[:, None]).sum(axis=0) / (3.0 * cross.sum())


def _area(v: np.ndarray) -> float:
    """Signed area of a polygon with vertices ``v`` (m, 2); positive if counter-clockwise."""
    x, y = v[:, 0] - v[0, 0], v[:, 1] - v[0, 1]  # relative to a vertex, against cancellation
    return 0.5 * float(x[:-1] @ y[1:] - x[1:] @ y[:-1] + x[-1] * y[0] - x[0] * y[-1])


def _check_bounds(bounds) -> tuple[float, float, float, float]:
    """Return ``(xmin, xmax, ymin, ymax)`` as floats, finite with ``xmin < xmax, ymin < ymax``."""
    try:
        xmin, xmax, ymin, ymax = (float(v) for v in bounds)
    except (TypeError, ValueError) as err:
        raise ValueError("bounds must be (xmin, xmax, ymin, ymax) of finite numbers") from err
    if not all(map(math.isfinite, (xmin, xmax, ymin, ymax))) or xmin >= xmax or ymin >= ymax:
        raise ValueError(
            f"bounds must be (xmin, xmax, ymin, ymax), finite, with xmin < xmax and "
            f"ymin < ymax; got {bounds}"
        )
    return xmin, xmax, ymin, ymax


def _split(v: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cut a convex polygon along the zero line of an affine function.

    Parameters
    ----------
    v : ndarray, shape (m, 2)
        Vertices, counter-clockwise.
    s : ndarray, shape (m,)
        The affine function at the vertices, with both signs present.

    Returns
    -------
    positive, negative : ndarray, shapes (p, 2) and (q, 2)
        The parts where ``s >= 0`` and ``s <= 0``, both counter-clockwise.
    """
    m = s.size
    v_next = np.concatenate((v[1:], v[:1]))
    s_next = np.concatenate((s[1:], s[:1]))
    cross = s * s_next < 0  # edges whose ends have strictly opposite signs
    t = np.divide(s, s - s_next, out=np.zeros(m), where=cross)
    # Interleave vertex i and the point where edge i crosses the line (NaN: no crossing).
    pts = np.empty((2 * m, 2))
    pts[0::2] = v
    pts[1::2] = v + t[:, None] * (v_next - v)
    val = np.empty(2 * m)
    val[0::2] = s
    val[1::2] = np.where(cross, 0.0, np.nan)
    return pts[val >= 0], pts[val <= 0]


def _snapped(v: np.ndarray, A: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Evaluate ``v @ A + c`` and set values within round-off of zero to exactly zero.

    A value counts as zero if ``|v @ A + c| <= SNAP_ULPS * eps * (|v| @ |A| + |c|)``, a
    bound on the rounding error of the evaluation and of the vertex coordinates (themselves
    computed intersections). A line through a vertex then does not cut off a sliver there.
    """
    z = v @ A + c
    tol = _SNAP * (np.abs(v) @ np.abs(A) + np.abs(c))
    z[np.abs(z) <= tol] = 0.0
    return z


def _split_cell(v, A1, c1, min_area):
    """Split one convex cell by every unit of one layer whose sign changes on it.

    Depth-first: evaluate all still-undecided units at all vertices of a piece at once,
    record the sign of those that do not cross it, cut it along the first unit that does,
    and hand each half the remaining crossing units.

    Parameters
    ----------
    v : ndarray, shape (m, 2)
        The cell's vertices.
    A1, c1 : ndarray, shapes (2, width) and (width,)
        The layer's pre-activations on this cell, ``x @ A1 + c1``.
    min_area : float
        Pieces with area at most this are dropped.

    Returns
    -------
    list of (ndarray (p, 2), ndarray (width,) of bool)
        The sub-polygons and each one's activation mask for this layer.
    """
    out = []
    stack = [(v, np.zeros(c1.size, dtype=bool), np.arange(c1.size))]
    while stack:
        p, mask, units = stack.pop()
        z = _snapped(p, A1[:, units], c1[units])  # (m, len(units))
        zmax, zmin = z.max(axis=0), z.min(axis=0)
        crossing = (zmax > 0) & (zmin < 0)
        # A unit that does not cross is active iff positive somewhere (then >= 0 all over).
        mask[units] = zmax > 0
        if not crossing.any():
            out.append((p, mask))
            continue
        first = int(np.argmax(crossing))
        j, rest = units[first], units[first + 1 :][crossing[first + 1 :]]
        for part, active in zip(_split(p, z[:, first]), (True, False), strict=True):
            if _area(part) > min_area:
                part_mask = mask.copy()
                part_mask[j] = active
                stack.append((part, part_mask, rest))
    return out


def linear_regions(net, bounds, area_rtol: float = AREA_RTOL) -> list[Region]:
    """Enumerate the linear regions of a ReLU network inside a box, exactly.

    Start from the box with the identity map. For each hidden layer and each current
    polygon, compose the layer with the polygon's affine map, evaluate every unit at every
    vertex at once, and cut the polygon along the zero line of each unit whose sign changes
    on it (units of constant sign are skipped). Inactive units are then zeroed in the
    polygon's affine map. Because the set of points sharing one activation pattern is
    convex, each polygon is a maximal connected set of constant pattern.

    Degenerate cases (a later unit's line running through a vertex or along an edge, many
    lines through one point, as with zero biases) would leave round-off slivers. Two guards
    remove them: pre-activations within ``SNAP_ULPS`` ulps of their own rounding scale are
    treated as exactly zero, so a line through a vertex does not cut there; and any polygon
    of area at most ``area_rtol * box area`` is dropped. Genuine regions that small (a
    ``1e-18`` fraction of the box by default) are therefore not reported. Coordinates are
    taken relative to the box centre while splitting, which keeps the rounding scale small
    for boxes far from the origin.

    Parameters
    ----------
    net : object with ``.params``, or list of (W, b) pairs
        ReLU network whose first ``W`` has shape (2, fan_out).
    bounds : (float, float, float, float)
        The box ``(xmin, xmax, ymin, ymax)``.
    area_rtol : float, default 1e-18
        Sliver threshold relative to the box area.

    Returns
    -------
    list of Region
        Polygons tiling the box (areas sum to the box area up to dropped slivers).
    """
    params = _as_params(net, n_inputs=2)
    xmin, xmax, ymin, ymax = _check_bounds(bounds)
    if not (math.isfinite(area_rtol) and 0 <= area_rtol < 1):
        raise ValueError(f"area_rtol must be in [0, 1); got {area_rtol!r}")
    # Work in u = x - x0 with x0 the box centre; the input map is x = u @ I + x0.
    x0 = np.array([0.5 * (xmin + xmax), 0.5 * (ymin + ymax)])
    hx, hy = 0.5 * (xmax - xmin), 0.5 * (ymax - ymin)
    box = np.array([[-hx, -hy], [hx, -hy], [hx, hy], [-hx, hy]])
    min_area = area_rtol * _area(box)
    # Each cell: (vertices in u, A (2, width), c (width,), patterns so far), features u @ A + c.
    cells = [(box, np.eye(2), x0, ())]
    for W, b in params[:-1]:
        new_cells = []
        for v, A, c, pattern in cells:
            A1, c1 = A @ W, c @ W + b
            for part, mask in _split_cell(v, A1, c1, min_area):
                new_cells.append((part, A1 * mask, c1 * mask, (*pattern, mask)))
        cells = new_cells
    W, b = params[-1]
    regions = []
    for v, A, c, pattern in cells:
        A_out = A @ W
        regions.append(Region(v + x0, pattern, (A_out, c @ W + b - x0 @ A_out)))
    return regions


def count_regions(net, bounds, area_rtol: float = AREA_RTOL) -> int:
    """Number of linear regions of a ReLU network inside a box (see :func:`linear_regions`).

    Parameters
    ----------
    net : object with ``.params``, or list of (W, b) pairs
        ReLU network with 2-D input.
    bounds : (float, float, float, float)
        ``(xmin, xmax, ymin, ymax)``.
    area_rtol : float, default 1e-18
        Sliver threshold relative to the box area.

    Returns
    -------
    int
    """
    return len(linear_regions(net, bounds, area_rtol=area_rtol))


def _grid(bounds, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """Cell-centre coordinates ``xs`` (resolution,) and ``ys`` (resolution,) of a box."""
    xmin, xmax, ymin, ymax = _check_bounds(bounds)
    if isinstance(resolution, bool) or not isinstance(resolution, int | np.integer):
        raise ValueError(f"resolution must be an integer >= 1; got {resolution!r}")
    if resolution < 1:
        raise ValueError(f"resolution must be an integer >= 1; got {resolution!r}")
    centres = (np.arange(resolution) + 0.5) / resolution
    return xmin + (xmax - xmin) * centres, ymin + (ymax - ymin) * centres


def grid_patterns(net, bounds, resolution: int, chunk: int = 65536) -> np.ndarray:
    """Activation-pattern label of every cell centre of a grid (the naive method).

    Parameters
    ----------
    net : object with ``.params``, or list of (W, b) pairs
        ReLU network with 2-D input.
    bounds : (float, float, float, float)
        ``(xmin, xmax, ymin, ymax)``.
    resolution : int
        Cells per side; the points are the ``resolution**2`` cell centres.
    chunk : int, default 65536
        Points per forward pass, to bound memory.

    Returns
    -------
    ndarray of int, shape (resolution, resolution)
        ``labels[i, j]`` is the pattern id at ``(xs[j], ys[i])`` (rows go up in y, as in
        ``imshow(origin="lower", extent=bounds)``); equal ids mean equal patterns over all
        hidden layers, ids run from 0 to the number of distinct patterns minus 1.
    """
    params = _as_params(net, n_inputs=2)
    xs, ys = _grid(bounds, resolution)
    if isinstance(chunk, bool) or not isinstance(chunk, int | np.integer) or chunk < 1:
        raise ValueError(f"chunk must be an integer >= 1; got {chunk!r}")
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack((gx.ravel(), gy.ravel()))
    packed = []
    for start in range(0, points.shape[0], chunk):
        h = points[start : start + chunk]
        bits = []
        for W, b in params[:-1]:
            z = h @ W + b
            bits.append(z > 0)
            h = np.maximum(z, 0.0)
        packed.append(np.packbits(np.concatenate(bits, axis=1), axis=1))
    return _row_labels(np.concatenate(packed)).reshape(resolution, resolution)


def _row_labels(rows: np.ndarray) -> np.ndarray:
    """Integer id of each distinct row of a (N, nbytes) uint8 array, ids ``0 .. K-1``."""
    pad = -rows.shape[1] % 8
    words = np.ascontiguousarray(np.pad(rows, ((0, 0), (0, pad)))).view(np.uint64)
    # One 64-bit key per row if it fits (fast integer sort), else one opaque byte string.
    keys = (
        words[:, 0]
        if words.shape[1] == 1
        else words.view(np.dtype((np.void, 8 * words.shape[1])))[:, 0]
    )
    _, labels = np.unique(keys, return_inverse=True)
    return labels.reshape(-1)


def grid_count(net, bounds, resolution: int) -> int:
    """Number of distinct activation patterns seen at the cell centres of a grid.

    A lower bound on :func:`count_regions` for the same box: regions that contain no cell
    centre are missed.

    Parameters
    ----------
    net : object with ``.params``, or list of (W, b) pairs
        ReLU network with 2-D input.
    bounds : (float, float, float, float)
        ``(xmin, xmax, ymin, ymax)``.
    resolution : int
        Cells per side.

    Returns
    -------
    int
    """
    return int(grid_patterns(net, bounds, resolution).max()) + 1


def arrangement_count(n: int) -> int:
    """Regions of the plane cut by ``n`` lines in general position: ``1 + n + n(n-1)/2``.

    Adding the ``k``-th line, it crosses the ``k - 1`` earlier lines at distinct points and
    so passes through ``k`` regions, splitting each in two: ``1 + sum_{k=1}^n k``.

    Parameters
    ----------
    n : int
        Number of lines (hidden units of a single layer with 2-D input), ``>= 0``.

    Returns
    -------
    int
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ValueError(f"n must be an integer >= 0; got {n!r}")
    n = int(n)
    return 1 + n + n * (n - 1) // 2


def lines(net) -> tuple[np.ndarray, np.ndarray]:
    """The first hidden layer's lines, one per unit: ``normals[i] . x + offsets[i] = 0``.

    Unit ``i`` is active on the side the normal points to; these are the lines that cut
    the plane in the "each hidden unit is a line" picture.

    Parameters
    ----------
    net : object with ``.params``, or list of (W, b) pairs
        ReLU network with 2-D input.

    Returns
    -------
    normals : ndarray, shape (n_units, 2)
        ``W1.T``; each normal points into the unit's active side.
    offsets : ndarray, shape (n_units,)
        ``b1``.
    """
    W, b = _as_params(net, n_inputs=2)[0]
    return W.T.copy(), b.copy()
