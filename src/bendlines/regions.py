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
general position, and :func:`arrangement_regions` counts the regions of any arrangement of
lines in a box combinatorially, in exact arithmetic, as an independent check.

Exactness: every decision (which side of a line a vertex lies on) is made by a floating
point computation with a rigorous error bound, and settled in exact rational arithmetic
when the bound cannot decide. There is no area or distance threshold, so the count does
not depend on the size of the box.

Networks follow the package convention (see :mod:`bendlines.approx`): anything with
``.params`` or a list of ``(W, b)`` pairs, ``W`` of shape (fan_in, fan_out), ReLU on hidden
layers, linear output layer. A unit counts as active where its pre-activation is ``> 0``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from bendlines.approx import _as_params

__all__ = [
    "Region",
    "arrangement_count",
    "arrangement_regions",
    "count_regions",
    "grid_count",
    "grid_patterns",
    "linear_regions",
    "lines",
]

#: Unit round-off of float64.
_U = float(np.finfo(float).eps) / 2
#: Generous multiple of the unit round-off charged per rounded operation in the error bounds.
_ROUND = 8 * _U


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


# ------------------------------------------------------------------ exact sign decisions
#
# A line is a row ``(a, b, c)``: the affine function ``a x + b y + c``. A polygon is its list
# of edge lines in counter-clockwise order; its vertex ``i`` is where edge lines ``i`` and
# ``i + 1`` meet, kept in homogeneous form ``p = l_i x l_{i+1}`` (cross product), scaled so
# that ``p_z > 0``: then the sign of a line ``L`` at the vertex is the sign of ``p . L``.
# Every sign is computed in floating point together with a rigorous bound on its error;
# when the bound does not settle the sign, the sign is recomputed in exact rational
# arithmetic (fractions.Fraction) from the network's weights. No tolerance decides anything.


class _Exact:
    """Exact (rational) line coefficients of the network, recomputed on demand and cached."""

    def __init__(self, params, box_lines):
        self.params = params
        self.box = [tuple(Fraction(float(v)) for v in row) for row in box_lines]
        self.maps: dict = {}
        self.lines: dict = {}

    def _map(self, layer: int, masks: tuple) -> tuple[list, list]:
        """Exact input map ``(A rows, c)`` of layer ``layer``'s input on a pattern prefix."""
        key = (layer, b"".join(m.tobytes() for m in masks[:layer]))
        if key not in self.maps:
            if layer == 0:
                A = [[Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]]
                c = [Fraction(0), Fraction(0)]
            else:
                A0, c0 = self._map(layer - 1, masks)
                W, b = self.params[layer - 1]
                mask = masks[layer - 1]
                cols = range(W.shape[1])
                Wf = [[Fraction(float(w)) for w in row] for row in W]
                A = [
                    [
                        sum((r[i] * Wf[i][j] for i in range(len(r))), Fraction(0))
                        if mask[j]
                        else Fraction(0)
                        for j in cols
                    ]
                    for r in A0
                ]
                c = [
                    sum((c0[i] * Wf[i][j] for i in range(len(c0))), Fraction(float(b[j])))
                    if mask[j]
                    else Fraction(0)
                    for j in cols
                ]
            self.maps[key] = (A, c)
        return self.maps[key]

    def line(self, key) -> tuple:
        """Exact ``(a, b, c)`` of a line key: ``("box", k)`` or ``(layer, unit, masks)``."""
        if key[0] == "box":
            return self.box[key[1]]
        layer, unit, masks = key
        ckey = (layer, unit, b"".join(m.tobytes() for m in masks[:layer]))
        if ckey not in self.lines:
            A, c = self._map(layer, masks)
            W, b = self.params[layer]
            col = [Fraction(float(w)) for w in W[:, unit]]
            self.lines[ckey] = (
                sum((a * w for a, w in zip(A[0], col, strict=True)), Fraction(0)),
                sum((a * w for a, w in zip(A[1], col, strict=True)), Fraction(0)),
                sum((a * w for a, w in zip(c, col, strict=True)), Fraction(float(b[unit]))),
            )
        return self.lines[ckey]

    def cross(self, k1, k2) -> tuple:
        """Exact cross product of two lines given by their keys."""
        a, b = self.line(k1), self.line(k2)
        return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _sign(x) -> int:
    return (x > 0) - (x < 0)


def _vertex(l1, l2, k1, k2, exact: _Exact) -> list[list[float]]:
    """Homogeneous vertex where two lines meet, scaled to ``p_z > 0``, with its error bound.

    Plain Python floats: cheaper than numpy for the two vertices each cut creates.

    Parameters
    ----------
    l1, l2 : sequence of 6 floats
        Line rows ``(a, b, c)`` followed by bounds on their coefficients' errors.
    k1, k2 : tuple
        Their exact keys; an uncertain sign of ``p_z`` is settled exactly.

    Returns
    -------
    [p, |p|, |p| + bound] : three lists of 3 floats
    """
    a1, b1, c1, ea1, eb1, ec1 = l1
    a2, b2, c2, ea2, eb2, ec2 = l2
    p = [b1 * c2 - c1 * b2, c1 * a2 - a1 * c2, a1 * b2 - b1 * a2]
    x1, y1, z1 = abs(a1), abs(b1), abs(c1)
    x2, y2, z2 = abs(a2), abs(b2), abs(c2)
    X1, Y1, Z1 = x1 + ea1, y1 + eb1, z1 + ec1
    X2, Y2, Z2 = x2 + ea2, y2 + eb2, z2 + ec2
    lo = (y1 * z2 + z1 * y2, z1 * x2 + x1 * z2, x1 * y2 + y1 * x2)
    hi = (Y1 * Z2 + Z1 * Y2, Z1 * X2 + X1 * Z2, X1 * Y2 + Y1 * X2)
    e = [(h - g) * (1 + _ROUND) + _ROUND * h for h, g in zip(hi, lo, strict=True)]
    if abs(p[2]) > e[2]:
        sz = 1 if p[2] > 0 else -1
    else:
        sz = _sign(exact.cross(k1, k2)[2])
        if sz == 0:
            raise RuntimeError("internal error: adjacent edges of a region are parallel")
    if sz < 0:
        p = [-v for v in p]
    ap = [abs(v) for v in p]
    return [p, ap, [v + w for v, w in zip(ap, e, strict=True)]]


def _signs(P, V, keys, ukeys, units, exact: _Exact):
    """Where lines are strictly positive and strictly negative at a polygon's vertices.

    Parameters
    ----------
    P : ndarray, shape (3, m, 3)
        Homogeneous vertices ``p``, ``|p|`` and ``|p|`` plus their error bounds.
    V : ndarray, shape (3, 3, width)
        The layer's units as columns: lines ``U.T``, ``|U|.T`` and ``(|U| + errors).T``.
    keys : list
        Exact keys of the polygon's edge lines (vertex ``i`` joins edges ``i`` and ``i+1``).
    ukeys : list
        Exact keys of all units.
    units : ndarray of int
        The units to decide.

    Returns
    -------
    pos, neg : ndarray of bool, shape (m, len(units))
        Exact answers: the unit's value at the vertex is ``> 0``, resp. ``< 0``.
    """
    s, lo, hi = P @ V[:, :, units]  # one batched product: values, |.| and |.| + error
    bound = (hi - lo) * (1 + _ROUND) + _ROUND * hi
    pos, neg = s > bound, s < -bound
    unsure = ~(pos | neg)
    unsure &= (s != 0) | (bound != 0)  # an exact zero with no possible error is certain
    if np.count_nonzero(unsure):
        m = len(keys)
        for i, j in zip(*np.nonzero(unsure), strict=True):
            q = exact.cross(keys[i], keys[(i + 1) % m])
            line = exact.line(ukeys[units[j]])
            sign = _sign(sum(a * b for a, b in zip(q, line, strict=True))) * _sign(q[2])
            pos[i, j], neg[i, j] = sign > 0, sign < 0
    return pos, neg


def _split_cell(poly, U, EU, ukeys, exact: _Exact):
    """Split one convex cell by every unit of one layer whose sign changes on it.

    Depth-first: decide the sign of all still-undecided units at all vertices of a piece
    at once, record the activity of those that do not cross it, cut it along the first unit
    that does (its vertices strictly on both sides), and hand each half the remaining
    crossing units. A line through a vertex or along an edge does not cut.

    Parameters
    ----------
    poly : tuple
        ``(E (m, 6), keys, P (3, m, 3))``: edge lines with their coefficient error bounds,
        their exact keys, and the homogeneous vertices (``p``, ``|p|``, ``|p|`` + bound).
    U, EU : ndarray, shape (width, 3)
        The layer's units as lines on this cell, and bounds on their coefficient errors.
    ukeys : list
        Exact keys of the units.

    Returns
    -------
    list of (poly, ndarray (width,) of bool)
        The sub-polygons and each one's activation mask for this layer.
    """
    AU = np.abs(U)
    V = np.stack((U.T, AU.T, (AU + EU).T))
    UE = np.hstack((U, EU))
    out = []
    stack = [(poly, np.zeros(len(ukeys), dtype=bool), np.arange(len(ukeys)))]
    while stack:
        piece, mask, units = stack.pop()
        E, keys, P = piece
        pos, neg = _signs(P, V, keys, ukeys, units, exact)
        seen = np.bitwise_or.reduce(pos.view(np.uint8) | (neg.view(np.uint8) << 1), axis=0)
        mask[units] = seen & 1  # a unit that does not cross is active iff positive somewhere
        crossing = seen == 3
        if not np.count_nonzero(crossing):
            out.append((piece, mask))
            continue
        m = len(keys)
        first = int(np.argmax(crossing))
        j, rest = units[first], units[first + 1 :][crossing[first + 1 :]]
        line = UE[j]
        for here, active in ((pos[:, first], True), (neg[:, first], False)):
            # edge k joins vertices k - 1 and k; it keeps a part on this side iff an end does
            before = np.concatenate((here[-1:], here[:-1]))
            start = int(np.flatnonzero(here & ~before)[0])  # the run starts where the side does
            run = (start + np.arange(int((here | before).sum()))) % m
            first_edge, last_edge = int(run[0]), int(run[-1])
            # vertices between consecutive run edges are kept; two new ones lie on the unit
            p_out = _vertex(E[last_edge], line, keys[last_edge], ukeys[j], exact)
            p_in = _vertex(line, E[first_edge], ukeys[j], keys[first_edge], exact)
            new = np.array((p_out, p_in)).transpose(1, 0, 2)  # (3, 2, 3)
            part = (
                np.concatenate((E[run], UE[j : j + 1])),
                [keys[k] for k in run] + [ukeys[j]],
                np.concatenate((P[:, run[:-1]], new), axis=1),
            )
            part_mask = mask.copy()
            part_mask[j] = active
            stack.append((part, part_mask, rest))
    return out


def linear_regions(net, bounds) -> list[Region]:
    """Enumerate the linear regions of a ReLU network inside a box, exactly.

    Start from the box with the identity map. For each hidden layer and each current
    polygon, compose the layer with the polygon's affine map; each unit is then a line on
    the polygon. Decide the sign of every unit at every vertex, and cut the polygon along
    the line of each unit whose sign changes strictly on it (units of constant sign are
    skipped). Inactive units are then zeroed in the polygon's affine map. Because the set of
    points sharing one activation pattern is convex, each polygon is a maximal connected set
    of constant pattern.

    Every decision is exact: the signs are computed in floating point with a rigorous error
    bound and, where the bound leaves the sign open (a line through a vertex, as with zero
    biases, or a region far below round-off), recomputed in rational arithmetic from the
    weights. No area or distance threshold is used, so regions of any size are found and
    no round-off sliver is invented, whatever the size of the box.

    Parameters
    ----------
    net : object with ``.params``, or list of (W, b) pairs
        ReLU network whose first ``W`` has shape (2, fan_out).
    bounds : (float, float, float, float)
        The box ``(xmin, xmax, ymin, ymax)``.

    Returns
    -------
    list of Region
        Polygons tiling the box (their float areas sum to the box area up to round-off).
    """
    params = _as_params(net, n_inputs=2)
    xmin, xmax, ymin, ymax = _check_bounds(bounds)
    # Edges bottom, right, top, left: vertex i = edge i meets edge i + 1, counter-clockwise.
    box = np.array([[0.0, 1.0, -ymin], [-1.0, 0.0, xmax], [0.0, -1.0, ymax], [1.0, 0.0, -xmin]])
    exact = _Exact(params, box)
    keys = [("box", k) for k in range(4)]
    E = np.hstack((box, np.zeros((4, 3))))
    corners = [_vertex(E[i], E[(i + 1) % 4], keys[i], keys[(i + 1) % 4], exact) for i in range(4)]
    P = np.array(corners).transpose(1, 0, 2)
    # Each cell: (polygon, M, EM, masks) with M (3, width) = [A; c]: the features on the
    # cell are x @ A + c, i.e. (x, y, 1) @ M; EM bounds the rounding error of M.
    cells = [((E, keys, P), np.eye(3)[:, :2], np.zeros((3, 2)), ())]
    for layer, (W, b) in enumerate(params[:-1]):
        new_cells = []
        aW, ab = np.abs(W), np.abs(b)
        gamma = (W.shape[0] + 2) * _ROUND
        for poly, M, EM, masks in cells:
            M1 = M @ W
            M1[2] += b
            if layer == 0:  # the input map is the identity: the lines are the weights
                EM1 = np.zeros_like(M1)
            else:
                EM1 = EM @ aW + gamma * (np.abs(M) @ aW)
                EM1[2] += gamma * ab
            ukeys = [(layer, u, masks) for u in range(W.shape[1])]
            for part, mask in _split_cell(poly, M1.T, EM1.T, ukeys, exact):
                new_cells.append((part, M1 * mask, EM1 * mask, (*masks, mask)))
        cells = new_cells
    W, b = params[-1]
    regions = []
    for (_, _, P), M, _, masks in cells:
        out = M @ W
        regions.append(Region(P[0, :, :2] / P[0, :, 2:], masks, (out[:2], out[2] + b)))
    return regions


def count_regions(net, bounds) -> int:
    """Number of linear regions of a ReLU network inside a box (see :func:`linear_regions`).

    Parameters
    ----------
    net : object with ``.params``, or list of (W, b) pairs
        ReLU network with 2-D input.
    bounds : (float, float, float, float)
        ``(xmin, xmax, ymin, ymax)``.

    Returns
    -------
    int
    """
    return len(linear_regions(net, bounds))


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


def arrangement_regions(normals, offsets, bounds) -> int:
    """Regions that lines cut a box into, counted combinatorially in exact arithmetic.

    An independent check of :func:`count_regions` for one hidden layer, with no polygons:
    add the lines one at a time. A line that enters the open box splits one region more than
    the number of distinct earlier crossing points it passes inside the box. Summed over
    the lines this gives ``1 + L + sum over crossing points p of (lines through p - 1)``,
    with ``L`` the distinct lines meeting the open box. Every test is done with
    :class:`fractions.Fraction` on the exact values of the floats, so parallel lines,
    repeated lines and several lines through one point are all counted correctly.

    Parameters
    ----------
    normals : array_like, shape (n, 2)
        ``w_i`` of the lines ``w_i . x + b_i = 0`` (rows with ``w_i = 0`` are not lines).
    offsets : array_like, shape (n,)
        ``b_i``.
    bounds : (float, float, float, float)
        The box ``(xmin, xmax, ymin, ymax)``.

    Returns
    -------
    int
    """
    xmin, xmax, ymin, ymax = (Fraction(v) for v in _check_bounds(bounds))
    normals, offsets = np.asarray(normals, dtype=float), np.asarray(offsets, dtype=float)
    if normals.ndim != 2 or normals.shape[1] != 2 or offsets.shape != (normals.shape[0],):
        raise ValueError(
            f"normals must have shape (n, 2) and offsets (n,); got {normals.shape}, {offsets.shape}"
        )
    corners = [(xmin, ymin), (xmax, ymin), (xmax, ymax), (xmin, ymax)]
    unique = set()
    for (a, b), c in zip(normals, offsets, strict=True):
        a, b, c = Fraction(float(a)), Fraction(float(b)), Fraction(float(c))
        if a == 0 and b == 0:
            continue
        values = [a * x + b * y + c for x, y in corners]
        if max(values) > 0 > min(values):  # the line enters the open box
            scale = a if a != 0 else b  # one representative per line, whatever its scaling
            unique.add((a / scale, b / scale, c / scale))
    kept = sorted(unique)
    through: dict[tuple, set] = {}
    for i, (a1, b1, c1) in enumerate(kept):
        for j, (a2, b2, c2) in enumerate(kept[i + 1 :], start=i + 1):
            det = a1 * b2 - a2 * b1
            if det == 0:
                continue  # parallel (distinct lines): no crossing
            x, y = (b1 * c2 - b2 * c1) / det, (a2 * c1 - a1 * c2) / det
            if xmin < x < xmax and ymin < y < ymax:
                through.setdefault((x, y), set()).update((i, j))
    return 1 + len(kept) + sum(len(ids) - 1 for ids in through.values())


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
