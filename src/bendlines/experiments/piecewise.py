"""Experiments of the chapter "ReLU is piecewise linear, and that is enough".

Every setting the chapter uses is a module-level constant, so the chapter, its figure scripts
and ``tests/test_piecewise.py`` run exactly the same computations.

Sections
--------
hinges          one ReLU neuron is a hinge with its kink at ``x = -b / w``; sums of hinges
approximation   hand-built interpolants of sin and Nielsen's function, error against units
training        a trained 1-20-1 ReLU net against the constructed interpolant
plane           hidden units of a 2-input layer as lines; exact and grid region counts
learned         regions of a spiral classifier at initialisation and after training
depth           the tent map (depth beats width) and region counts of random deep nets
"""

from __future__ import annotations

import numpy as np

from bendlines import approx, data, regions
from bendlines.mlp import MLP
from bendlines.training import train, train_many

__all__ = [
    "APPROX_UNITS",
    "BUDGET_EPS",
    "CONVERGENCE_UNITS",
    "DEPTHS",
    "SUM_EXAMPLES",
    "TENT_KS",
    "TOTAL_NEURONS",
    "approximations",
    "arrangement_example",
    "budget",
    "convergence",
    "depth_vs_regions",
    "first_layer_kinks",
    "grid_vs_exact",
    "hinge",
    "hinge_form_gap",
    "hinge_sum",
    "learned_regions",
    "line_geometry",
    "plane_net",
    "random_relu_net",
    "region_image",
    "sum_params",
    "tent_pieces",
    "trained_vs_constructed",
]

# ------------------------------------------------------------------------------ settings

#: The example neuron ``relu(w x + b)`` of the anatomy figure: kink at ``-b / w = 0.5``.
NEURON_W, NEURON_B = -2.0, 1.0
#: Shift ``h`` of the shifted ReLU ``relu(x - h)``.
SHIFT_H = 1.0
#: Sums of hinges ``bias + sum_i a_i relu(x - k_i)``: (weights a_i, kinks k_i, bias).
SUM_EXAMPLES: dict[str, tuple[tuple[float, ...], tuple[float, ...], float]] = {
    "two terms": ((1.0, -1.5), (-1.0, 0.5), 0.0),
    "three terms": ((1.0, -2.0, 1.5), (-1.5, 0.0, 1.0), 0.5),
    "six terms": ((-0.5, 1.5, -1.5, 1.0, -1.5, 1.5), (-2.0, -1.2, -0.3, 0.4, 1.0, 1.6), 1.0),
}
#: The interval on which the hinge sums are drawn and their pieces counted.
SUM_INTERVAL = (-2.5, 2.5)

#: Hidden units of the hand-built interpolants drawn in the chapter.
APPROX_UNITS = (1, 2, 5, 10, 20, 100)
#: Hidden units of the error-against-units study (log-spaced, 4 to 1024).
CONVERGENCE_UNITS = tuple(int(n) for n in np.unique(np.round(np.geomspace(4, 1024, 12))))
#: Only ``n >= FIT_MIN_UNITS`` enter the fitted log-log slope (the asymptotic regime).
FIT_MIN_UNITS = 16
#: Tolerances of the hinge-budget table.
BUDGET_EPS = (1e-1, 1e-2, 1e-3, 1e-4)
#: Random evaluation points used to compare the hinge form with the interpolant.
HINGE_CHECK_POINTS, HINGE_CHECK_SEED = 10_000, 7

#: Trained against constructed: units, samples, seeds and Adam settings (full batch, mse).
TRAIN_TARGET = "nielsen"
TRAIN_UNITS = 20
TRAIN_POINTS = 256
TRAIN_SEEDS = (0, 1, 2, 3)
TRAIN_STEPS = 4000
TRAIN_LR = 1e-2

#: The 2-input layer drawn as lines (units, seed) and the box it is drawn in.
PLANE_UNITS, PLANE_SEED, PLANE_BIAS_STD = 5, 101, 1.0
PLANE_BOX = (-2.0, 2.0, -2.0, 2.0)
#: Bias standard deviation of the random nets built by :func:`random_relu_net`.
BIAS_STD = 0.5
#: Random lines in general position for the counting formula (units, seed).
ARRANGEMENT_UNITS, ARRANGEMENT_SEED = 8, 11
#: Grid resolution at which the small plane net's grid count must be exact.
GRID_OK_RESOLUTION = 200
#: The "misses" example: a random 2-32-32-1 net in ``MISS_BOX`` at several grid resolutions.
MISS_WIDTHS, MISS_SEED = (32, 32), 5
MISS_BOX = (-1.0, 1.0, -1.0, 1.0)
GRID_RESOLUTIONS = (8, 32, 128, 512)

#: The learned-partition experiment on the spiral.
SPIRAL_SIZES = (2, 32, 32, 2)
SPIRAL_N, SPIRAL_SEED, SPIRAL_NET_SEED = 400, 0, 0
SPIRAL_STEPS, SPIRAL_LR, SPIRAL_BATCH = 3000, 1e-2, 100
SPIRAL_BOX = (-1.5, 1.5, -1.5, 1.5)
#: A region is "near the data" if its centroid is within this distance of a training point.
NEAR_DATA = 0.1

#: Compositions of the tent map.
TENT_KS = tuple(range(1, 11))

#: Depth against width: total hidden neurons, depths, seeds and box.
TOTAL_NEURONS = (16, 32, 64)
DEPTHS = (1, 2, 4, 8)
MIN_WIDTH = 4
DEPTH_SEEDS = (0, 1, 2)
DEPTH_BOX = (-1.0, 1.0, -1.0, 1.0)


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


# -------------------------------------------------------------------------------- hinges


def hinge(x, w: float = 1.0, b: float = 0.0) -> np.ndarray:
    """One ReLU neuron with one input: ``relu(w x + b)``.

    Parameters
    ----------
    x : array_like, any shape
        Inputs (dimensionless).
    w, b : float
        Weight and bias; for ``w != 0`` the kink sits at ``x = -b / w``.

    Returns
    -------
    ndarray, same shape as ``x``
    """
    return _relu(w * np.asarray(x, dtype=float) + b)


def hinge_sum(x, weights, kinks, bias: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """A weighted sum of shifted ReLUs and its separate terms.

    Parameters
    ----------
    x : array_like, shape (m,)
        Inputs.
    weights, kinks : array_like, shape (n,)
        ``a_i`` and ``k_i`` of ``bias + sum_i a_i relu(x - k_i)``.
    bias : float
        Constant added to the sum.

    Returns
    -------
    total : ndarray, shape (m,)
        The sum.
    terms : ndarray, shape (n, m)
        ``a_i relu(x - k_i)``, one row per hinge.
    """
    x = np.asarray(x, dtype=float)
    a, k = np.asarray(weights, dtype=float), np.asarray(kinks, dtype=float)
    if a.shape != k.shape or a.ndim != 1:
        raise ValueError(f"weights and kinks must be 1-D of equal length; got {a.shape}, {k.shape}")
    terms = a[:, None] * _relu(x[None, :] - k[:, None])
    return bias + terms.sum(axis=0), terms


def sum_params(weights, kinks, bias: float = 0.0) -> list[tuple[np.ndarray, np.ndarray]]:
    """The hinge sum ``bias + sum_i a_i relu(x - k_i)`` as a 1-n-1 ReLU network.

    Returns
    -------
    list of (W, b)
        ``[(ones (1, n), -kinks (n,)), (weights (n, 1), [bias])]``.
    """
    a, k = np.asarray(weights, dtype=float), np.asarray(kinks, dtype=float)
    return [(np.ones((1, k.size)), -k), (a.reshape(-1, 1), np.array([float(bias)]))]


# ------------------------------------------------------------------------- approximation


def _target(name: str):
    return data.target(name)


def hinge_form_gap(
    name: str = "nielsen",
    n_units: int = 20,
    n_points: int = HINGE_CHECK_POINTS,
    seed: int = HINGE_CHECK_SEED,
) -> dict[str, float]:
    """How far the hinge network is from the plain interpolant at random points.

    Parameters
    ----------
    name : str
        Target name (see :func:`bendlines.data.target`).
    n_units : int
        Hidden units (= pieces).
    n_points : int
        Uniform random evaluation points in the target's domain.
    seed : int
        Seed of the Generator drawing the points.

    Returns
    -------
    dict
        ``"hinge"``: max ``|HingeNet(x) - interp(x)|``; ``"network"``: the same for the
        weights loaded into an :class:`~bendlines.mlp.MLP` (units of f).
    """
    t = _target(name)
    g = approx.hinge_interpolant(t.f, approx.uniform_knots(t.domain, n_units))
    x = np.random.default_rng(seed).uniform(*t.domain, size=n_points)
    reference = np.interp(x, g.knots, g.values)
    net = MLP.from_params(g.params)
    return {
        "hinge": float(np.max(np.abs(g(x) - reference))),
        "network": float(np.max(np.abs(net.forward(x[:, None])[:, 0] - reference))),
    }


def approximations(name: str, units=APPROX_UNITS, n_plot: int = 1001) -> dict:
    """Hand-built hinge interpolants of a target with several numbers of units.

    Parameters
    ----------
    name : str
        Target name.
    units : sequence of int
        Hidden units of each interpolant.
    n_plot : int
        Points of the plotting grid.

    Returns
    -------
    dict
        ``x`` (n_plot,), ``f`` (n_plot,), ``units`` tuple, ``nets`` list of HingeNet,
        ``curves`` (len(units), n_plot), ``errors`` (len(units),) sup-norm errors,
        ``target`` the Target.
    """
    t = _target(name)
    x = np.linspace(*t.domain, n_plot)
    nets = [approx.hinge_interpolant(t.f, approx.uniform_knots(t.domain, n)) for n in units]
    return {
        "target": t,
        "x": x,
        "f": t.f(x),
        "units": tuple(units),
        "nets": nets,
        "curves": np.array([g(x) for g in nets]),
        "errors": np.array([approx.max_error(g, t.f, t.domain) for g in nets]),
    }


def convergence(name: str, units=CONVERGENCE_UNITS, fit_min: int = FIT_MIN_UNITS) -> dict:
    """Sup-norm error of the uniform hinge interpolant against the number of units.

    Returns
    -------
    dict
        ``units`` (m,), ``errors`` (m,), ``bounds`` (m,) = ``h**2 / 8 * max|f''|``,
        ``max_abs_f2`` float, ``slope`` float: least-squares slope of ``log error`` against
        ``log units`` over ``units >= fit_min``.
    """
    t = _target(name)
    n = np.asarray(units)
    m = t.max_abs_f2()
    errors = np.array(
        [
            approx.max_error(
                approx.hinge_interpolant(t.f, approx.uniform_knots(t.domain, int(k))), t.f, t.domain
            )
            for k in n
        ]
    )
    bounds = approx.interpolation_bound(m, (t.domain[1] - t.domain[0]) / n)
    fit = n >= fit_min
    slope = float(np.polyfit(np.log(n[fit]), np.log(errors[fit]), 1)[0])
    return {"units": n, "errors": errors, "bounds": bounds, "max_abs_f2": m, "slope": slope}


def budget(name: str, eps=BUDGET_EPS) -> dict:
    """Hinge budget: units needed for each tolerance, and the error they reach.

    Returns
    -------
    dict
        ``eps`` (m,), ``units`` (m,) int from :func:`bendlines.approx.hinge_budget`,
        ``errors`` (m,) the measured sup-norm error with that many uniform units.
    """
    t = _target(name)
    m = t.max_abs_f2()
    units = np.array([approx.hinge_budget(m, t.domain, e) for e in eps])
    errors = np.array(
        [
            approx.max_error(
                approx.hinge_interpolant(t.f, approx.uniform_knots(t.domain, int(k))), t.f, t.domain
            )
            for k in units
        ]
    )
    return {"eps": np.asarray(eps, dtype=float), "units": units, "errors": errors}


# ------------------------------------------------------------------------------ training


def first_layer_kinks(params) -> np.ndarray:
    """Kink positions ``-b / w`` of the hidden units of a 1-input ReLU net.

    Parameters
    ----------
    params : list of (W, b)
        First ``W`` of shape (1, width).

    Returns
    -------
    ndarray, shape (width,)
        ``-b_j / w_j`` (``nan`` for a unit with ``w_j = 0``, which has no kink).
    """
    W, b = params[0]
    w = np.asarray(W, dtype=float)[0]
    safe = np.where(w == 0, 1.0, w)
    return np.where(w == 0, np.nan, -np.asarray(b, dtype=float) / safe)


def _spread_kinks(net: MLP, domain, seed: int) -> None:
    """Move a fresh net's kinks to uniform random places in ``domain`` (weights unchanged)."""
    W, b = net.params[0]
    kinks = np.random.default_rng(seed).uniform(*domain, size=b.size)
    b[...] = -W[0] * kinks


def trained_vs_constructed(
    name: str = TRAIN_TARGET,
    units: int = TRAIN_UNITS,
    seeds=TRAIN_SEEDS,
    steps: int = TRAIN_STEPS,
    lr: float = TRAIN_LR,
) -> dict:
    """Train 1-``units``-1 ReLU nets on a target and compare them with the interpolant.

    Each net starts from He weights with its kinks spread uniformly over the domain
    (seed ``1000 + s``), and is trained full batch with Adam on the mse loss over
    ``TRAIN_POINTS`` equally spaced samples. The same nets with the default zero biases
    (every kink at ``x = 0``) are trained too, as a baseline.

    Returns
    -------
    dict
        ``x`` (n,), ``f`` (n,), ``constructed`` HingeNet, ``constructed_error`` float,
        ``errors`` (S,) sup-norm errors of the trained nets, ``zero_bias_errors`` (S,),
        ``best`` index of the best trained net, ``curve`` (n,) its output,
        ``kinks_init`` / ``kinks_trained`` (units,) of the best net, ``rms`` (S,),
        ``constructed_rms`` float, ``target``; ``inside_init`` / ``inside_trained`` (S,):
        kinks strictly inside the domain; ``bend_init`` / ``bend_trained`` (S,): mean
        ``|f''|`` at those kinks; ``bend_average``: mean ``|f''|`` over the domain.
    """
    t = _target(name)
    x = np.linspace(*t.domain, TRAIN_POINTS)
    X, Y = x[:, None], t.f(x)[:, None]
    spread, zero = [], []
    for s in seeds:
        net = MLP([1, units, 1], seed=s)
        zero.append(net.copy())
        _spread_kinks(net, t.domain, 1000 + s)
        spread.append(net)
    inits = [[(W.copy(), b.copy()) for W, b in net.params] for net in spread]
    kwargs = {"optimizer": "adam", "lr": lr, "batch_size": None, "steps": steps, "loss": "mse"}
    train_many(spread + zero, (X, Y), eval_every=steps, **kwargs)
    xe = np.linspace(*t.domain, 20001)

    def sup(net):
        return float(np.max(np.abs(net.forward(xe[:, None])[:, 0] - t.f(xe))))

    def rms(fx):
        return float(np.sqrt(np.mean((fx - t.f(xe)) ** 2)))

    errors = np.array([sup(n) for n in spread])
    best = int(np.argmin(errors))
    lo, hi = t.domain
    before = [first_layer_kinks(p) for p in inits]
    after = [first_layer_kinks(n.params) for n in spread]

    def inside(k):
        return k[(k > lo) & (k < hi)]

    def bend(k):
        return float(np.mean(np.abs(t.f2(inside(k))))) if inside(k).size else np.nan

    g = approx.hinge_interpolant(t.f, approx.uniform_knots(t.domain, units))
    return {
        "target": t,
        "x": x,
        "f": t.f(x),
        "constructed": g,
        "constructed_error": approx.max_error(g, t.f, t.domain),
        "constructed_rms": rms(g(xe)),
        "errors": errors,
        "rms": np.array([rms(n.forward(xe[:, None])[:, 0]) for n in spread]),
        "zero_bias_errors": np.array([sup(n) for n in zero]),
        "best": best,
        "curve": spread[best].forward(X)[:, 0],
        "kinks_init": before[best],
        "kinks_trained": after[best],
        "inside_init": np.array([inside(k).size for k in before]),
        "inside_trained": np.array([inside(k).size for k in after]),
        "bend_init": np.array([bend(k) for k in before]),
        "bend_trained": np.array([bend(k) for k in after]),
        "bend_average": float(np.mean(np.abs(t.f2(xe)))),
    }


# --------------------------------------------------------------------------------- plane


def random_relu_net(widths, seed: int, n_in: int = 2, bias_std: float = BIAS_STD):
    """A random ReLU net: He-normal weights and normal biases, one linear output.

    Parameters
    ----------
    widths : sequence of int
        Hidden layer widths, each ``>= 1``.
    seed : int
        Seed of the Generator.
    n_in : int
        Input dimension.
    bias_std : float
        Standard deviation of every bias (``>= 0``).

    Returns
    -------
    list of (W, b)
        ``W`` (fan_in, fan_out) ~ N(0, 2 / fan_in), ``b`` (fan_out,) ~ N(0, bias_std**2).
    """
    widths = [int(w) for w in widths]
    if not widths or min(widths) < 1 or bias_std < 0:
        raise ValueError(
            f"widths must be positive integers and bias_std >= 0; got {widths}, {bias_std}"
        )
    rng = np.random.default_rng(seed)
    params, fan_in = [], n_in
    for w in [*widths, 1]:
        params.append(
            (rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, w)), rng.normal(0.0, bias_std, w))
        )
        fan_in = w
    return params


def line_geometry(params) -> dict:
    """Where the first layer's lines lie: each line's nearest point to the origin.

    The line ``w . x + b = 0`` is perpendicular to its weight vector ``w`` (the arrow), and
    its point nearest the origin is ``-b w / ||w||^2``, at distance ``|b| / ||w||``.

    Parameters
    ----------
    params : list of (W, b)
        ReLU network with 2 inputs.

    Returns
    -------
    dict
        ``normals`` (n, 2) the arrows ``w``, ``offsets`` (n,) ``b``, ``feet`` (n, 2) the
        nearest points, ``distances`` (n,) ``|b| / ||w||``, ``lengths`` (n,) ``||w||``.
    """
    normals, offsets = regions.lines(params)
    lengths = np.linalg.norm(normals, axis=1)
    return {
        "normals": normals,
        "offsets": offsets,
        "feet": -offsets[:, None] * normals / lengths[:, None] ** 2,
        "distances": np.abs(offsets) / lengths,
        "lengths": lengths,
    }


def plane_net():
    """The chapter's 2-``PLANE_UNITS``-1 net whose units are drawn as lines."""
    return random_relu_net([PLANE_UNITS], PLANE_SEED, bias_std=PLANE_BIAS_STD)


def _crossings(params) -> np.ndarray:
    """All pairwise intersection points of the first layer's lines, shape (n(n-1)/2, 2)."""
    normals, offsets = regions.lines(params)
    i, j = np.triu_indices(offsets.size, k=1)
    A = np.stack([normals[i], normals[j]], axis=1)  # (pairs, 2, 2)
    return np.linalg.solve(A, -np.stack([offsets[i], offsets[j]], axis=1)[..., None])[..., 0]


def arrangement_example() -> dict:
    """Random lines in general position, in a box that holds every crossing.

    Returns
    -------
    dict
        ``params``, ``box`` (xmin, xmax, ymin, ymax), ``n`` lines, ``count`` exact region
        count, ``formula`` ``1 + n + n(n-1)/2``, ``crossings`` (pairs, 2).
    """
    params = random_relu_net([ARRANGEMENT_UNITS], ARRANGEMENT_SEED)
    pts = _crossings(params)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = 0.1 * (hi - lo) + 0.5
    box = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
    return {
        "params": params,
        "box": tuple(float(v) for v in box),
        "n": ARRANGEMENT_UNITS,
        "count": regions.count_regions(params, box),
        "formula": regions.arrangement_count(ARRANGEMENT_UNITS),
        "crossings": pts,
    }


def grid_vs_exact(resolutions=GRID_RESOLUTIONS) -> dict:
    """Exact region counts against grid sampling, on a small net and on a 2-32-32-1 net.

    Returns
    -------
    dict
        ``small_exact``, ``small_grid`` (at ``GRID_OK_RESOLUTION``), ``small_min_cells``:
        the smallest region's area in grid cells; ``miss_params``, ``miss_regions`` list of
        Region, ``miss_exact``, ``resolutions`` (r,), ``miss_grid`` (r,) counts,
        ``miss_areas`` (exact,) region areas as fractions of the box.
    """
    small = plane_net()
    small_regions = regions.linear_regions(small, PLANE_BOX)
    box_area = (PLANE_BOX[1] - PLANE_BOX[0]) * (PLANE_BOX[3] - PLANE_BOX[2])
    cell = box_area / GRID_OK_RESOLUTION**2
    miss = random_relu_net(MISS_WIDTHS, MISS_SEED)
    miss_regions = regions.linear_regions(miss, MISS_BOX)
    miss_area = (MISS_BOX[1] - MISS_BOX[0]) * (MISS_BOX[3] - MISS_BOX[2])
    return {
        "small_regions": small_regions,
        "small_exact": len(small_regions),
        "small_grid": regions.grid_count(small, PLANE_BOX, GRID_OK_RESOLUTION),
        "small_min_cells": min(r.area for r in small_regions) / cell,
        "miss_params": miss,
        "miss_regions": miss_regions,
        "miss_exact": len(miss_regions),
        "resolutions": np.asarray(resolutions),
        "miss_grid": np.array([regions.grid_count(miss, MISS_BOX, r) for r in resolutions]),
        "miss_areas": np.array([r.area for r in miss_regions]) / miss_area,
    }


def region_image(params, box, resolution: int = 400) -> dict:
    """Rasters of a 2-input ReLU net for drawing: region labels, output and boundaries.

    Parameters
    ----------
    params : list of (W, b)
        ReLU network with 2 inputs.
    box : (float, float, float, float)
        ``(xmin, xmax, ymin, ymax)``.
    resolution : int
        Pixels per side.

    Returns
    -------
    dict
        ``labels`` (r, r) int activation-pattern ids (rows go up in y), ``values`` (r, r, n_out)
        network output at the pixel centres, ``edges`` (r, r) bool: pixels with a
        horizontal or vertical neighbour of another pattern (2-pixel lines), ``extent``.
    """
    labels = regions.grid_patterns(params, box, resolution)
    xmin, xmax, ymin, ymax = box
    centres = (np.arange(resolution) + 0.5) / resolution
    gx, gy = np.meshgrid(xmin + (xmax - xmin) * centres, ymin + (ymax - ymin) * centres)
    h = np.column_stack((gx.ravel(), gy.ravel()))
    for W, b in params[:-1]:
        h = _relu(h @ W + b)
    W, b = params[-1]
    values = (h @ W + b).reshape(resolution, resolution, -1)
    across = labels[:, :-1] != labels[:, 1:]
    up = labels[:-1, :] != labels[1:, :]
    edges = np.zeros(labels.shape, dtype=bool)
    edges[:, :-1] |= across
    edges[:, 1:] |= across
    edges[:-1, :] |= up
    edges[1:, :] |= up
    return {"labels": labels, "values": values, "edges": edges, "extent": tuple(box)}


# ------------------------------------------------------------------------------- learned


def _near_fraction(rs, X, radius: float) -> float:
    """Share of regions whose centroid lies within ``radius`` of a point of ``X`` (n, 2)."""
    c = np.array([r.centroid for r in rs])
    d2 = ((c[:, None, :] - X[None, :, :]) ** 2).sum(axis=-1).min(axis=1)
    return float(np.mean(d2 <= radius**2))


def learned_regions() -> dict:
    """Linear regions of a 2-32-32-2 spiral classifier before and after training.

    Returns
    -------
    dict
        ``X``, ``y`` training data, ``init`` and ``trained`` params, ``regions_init`` and
        ``regions_trained`` lists of Region, ``count_init``, ``count_trained``,
        ``near_init``, ``near_trained``: share of regions near the data, ``accuracy`` on the
        test set, ``box``.
    """
    (X, y), (Xt, yt) = data.load("spiral", n_train=SPIRAL_N, n_test=SPIRAL_N, seed=SPIRAL_SEED)
    net = MLP(list(SPIRAL_SIZES), seed=SPIRAL_NET_SEED)
    init = [(W.copy(), b.copy()) for W, b in net.params]
    train(
        net, (X, y), optimizer="adam", lr=SPIRAL_LR, batch_size=SPIRAL_BATCH,
        steps=SPIRAL_STEPS, seed=SPIRAL_SEED, eval_every=SPIRAL_STEPS, loss="cross_entropy",
    )  # fmt: skip
    trained = [(W.copy(), b.copy()) for W, b in net.params]
    r0 = regions.linear_regions(init, SPIRAL_BOX)
    r1 = regions.linear_regions(trained, SPIRAL_BOX)
    return {
        "X": X,
        "y": y,
        "box": SPIRAL_BOX,
        "init": init,
        "trained": trained,
        "regions_init": r0,
        "regions_trained": r1,
        "count_init": len(r0),
        "count_trained": len(r1),
        "near_init": _near_fraction(r0, X, NEAR_DATA),
        "near_trained": _near_fraction(r1, X, NEAR_DATA),
        "accuracy": net.accuracy(Xt, yt),
    }


# --------------------------------------------------------------------------------- depth


def tent_pieces(ks=TENT_KS) -> dict:
    """Pieces of the k-fold tent map, and the units deep and shallow nets need for them.

    Returns
    -------
    dict
        ``k`` (m,), ``pieces`` (m,) counted exactly on [0, 1], ``deep_units`` (m,) = 2k,
        ``shallow_units`` (m,): fewest units one hidden layer needs for that many pieces.
    """
    ks = np.asarray(ks)
    pieces = np.array([approx.count_pieces(approx.tent_network(int(k)), (0.0, 1.0)) for k in ks])
    return {
        "k": ks,
        "pieces": pieces,
        "deep_units": 2 * ks,
        "shallow_units": np.array([approx.min_units_one_layer(int(p)) for p in pieces]),
    }


def depth_vs_regions(totals=TOTAL_NEURONS, depths=DEPTHS, seeds=DEPTH_SEEDS, box=DEPTH_BOX) -> dict:
    """Exact region counts of random ReLU nets with a fixed total of neurons split over depth.

    A net with ``N`` neurons and depth ``d`` has ``d`` hidden layers of ``N // d`` units
    (:func:`random_relu_net`); splits narrower than ``MIN_WIDTH`` are skipped (``nan``).

    Returns
    -------
    dict
        ``totals`` (a,), ``depths`` (b,), ``counts`` (a, b, seeds) float with ``nan`` for
        skipped splits, ``mean`` (a, b), ``ratio`` (a,): the largest mean count over depths
        divided by the one-layer mean.
    """
    counts = np.full((len(totals), len(depths), len(seeds)), np.nan)
    for i, n in enumerate(totals):
        for j, d in enumerate(depths):
            if n % d or n // d < MIN_WIDTH:
                continue
            for s, seed in enumerate(seeds):
                counts[i, j, s] = regions.count_regions(random_relu_net([n // d] * d, seed), box)
    done = ~np.isnan(counts[:, :, 0])
    mean = np.where(done, np.nansum(counts, axis=2) / len(seeds), np.nan)
    ratio = np.array([np.nanmax(row) / row[0] for row in mean])
    return {
        "totals": np.asarray(totals),
        "depths": np.asarray(depths),
        "counts": counts,
        "mean": mean,
        "ratio": ratio,
    }
