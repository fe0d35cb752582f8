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

from bendlines import approx, data, regions, results
from bendlines import stats as st
from bendlines.experiments import piecewise_runs as runs
from bendlines.experiments.piecewise_runs import random_relu_net
from bendlines.mlp import MLP

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
    "results_tasks",
    "sum_params",
    "tent_pieces",
    "trained_vs_constructed",
    "verdicts",
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

#: Trained against constructed: units, samples and Adam settings (full batch, mse loss).
#: Training uses ``TRAIN_POINTS`` equally spaced samples; the validation split is the
#: ``TRAIN_POINTS - 1`` midpoints between them; errors are measured on ``EVAL_POINTS``.
TRAIN_TARGET = "nielsen"
TRAIN_UNITS = 20
TRAIN_POINTS = 256
EVAL_POINTS = 20001
#: Seeds of the random starts (each its own initialisation; full batch has no batch order).
TRAIN_SEEDS = (0, 1, 2, 3, 4)
#: Step budgets, and the learning-rate grid tuned per contender and budget on validation.
TRAIN_BUDGETS = (4000, 40000)
TRAIN_LRS = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
#: Bins of the kink histogram over the domain (kinks outside are counted apart).
KINK_BINS = 20

#: The 2-input layer drawn as lines (units, seed) and the box it is drawn in.
PLANE_UNITS, PLANE_SEED, PLANE_BIAS_STD = 5, 101, 1.0
PLANE_BOX = (-2.0, 2.0, -2.0, 2.0)
#: Bias standard deviation of the random nets built by ``piecewise_runs.random_relu_net``.
BIAS_STD = 0.5
#: Random lines in general position for the counting formula (units, seed).
ARRANGEMENT_UNITS, ARRANGEMENT_SEED = 8, 11
#: Many random lines: a box holding every crossing is ~2e4 wide, and one region is a
#: fraction ~3e-20 of it (an area threshold relative to the box would drop it).
MANY_LINES_UNITS, MANY_LINES_SEED = 40, 121
#: Grid resolution at which the small plane net's grid count must be exact.
GRID_OK_RESOLUTION = 200
#: The "misses" example: a random 2-32-32-1 net in ``MISS_BOX`` at several grid resolutions.
MISS_WIDTHS, MISS_SEED = (32, 32), 5
MISS_BOX = (-1.0, 1.0, -1.0, 1.0)
GRID_RESOLUTIONS = (8, 32, 128, 512)

#: The learned-partition experiment on the spiral: two starts, several seeds.
SPIRAL_SIZES = (2, 32, 32, 2)
SPIRAL_N, SPIRAL_SEED = 400, 0
SPIRAL_NET_SEEDS = (0, 1, 2, 3, 4)
SPIRAL_STEPS, SPIRAL_LR, SPIRAL_BATCH = 3000, 1e-2, 100
SPIRAL_BOX = (-1.5, 1.5, -1.5, 1.5)
#: The two starts: the MLP default (He weights, zero biases) and the book's random-net
#: convention of ``piecewise_runs.random_relu_net`` (He weights, biases with std ``BIAS_STD``).
SPIRAL_STARTS = ("zero bias", "random net")
#: A region is "near the data" if its centroid is within this distance of a training point.
NEAR_DATA = 0.1

#: Compositions of the tent map.
TENT_KS = tuple(range(1, 11))

#: Depth against width: total hidden neurons, depths, seeds and box. Every layer has at
#: least ``MIN_WIDTH`` units, so depth is never confounded with very narrow layers.
TOTAL_NEURONS = (16, 32, 64)
DEPTHS = (1, 2, 4)
MIN_WIDTH = 16
DEPTH_SEEDS = (0, 1, 2, 3, 4)
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


def _interval95(values: np.ndarray) -> tuple[float, float, float, float]:
    """Mean, ddof=1 standard deviation and the 95 % t-interval of the mean
    (:func:`bendlines.stats.mean_interval`) as ``(mean, sd, lo, hi)``."""
    s = st.mean_interval(values)
    return s["mean"], s["std"], s["lo"], s["hi"]


def train_settings(steps: int) -> dict:
    """Settings of the stored training run for one step budget."""
    return {
        "target": TRAIN_TARGET, "units": TRAIN_UNITS, "points": TRAIN_POINTS, "steps": steps,
        "lrs": list(TRAIN_LRS), "seeds": list(TRAIN_SEEDS),
    }  # fmt: skip


def _net_1d(stored: dict, i: int, j: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The 1-n-1 net at rate index ``i`` and column ``j`` of a stored training run."""
    return [
        (stored["W1"][i, j][None, :], stored["b1"][i, j]),
        (stored["W2"][i, j][:, None], np.array([stored["b2"][i, j]])),
    ]


def _forward_1d(params, x: np.ndarray) -> np.ndarray:
    (W1, b1), (W2, b2) = params
    return (np.maximum(x[:, None] @ W1 + b1, 0.0) @ W2 + b2)[:, 0]


def trained_vs_constructed(budgets=TRAIN_BUDGETS) -> dict:
    """The hand-built interpolant against the same 1-20-1 net trained by Adam.

    Two trained contenders, each with its learning rate chosen from ``TRAIN_LRS`` on the
    validation split, separately for each step budget (full batch, mse loss; the runs are
    :func:`bendlines.experiments.piecewise_runs.train_1d_run`, read from the results
    store):

    - ``"fine-tuned"``: Adam started from the hand-built network itself (deterministic:
      full batch from a fixed start, so one run);
    - ``"random"``: one net per seed of ``TRAIN_SEEDS``, He weights with the kinks spread
      uniformly over the domain; the rate minimises the mean validation error over seeds.

    Errors are measured on ``EVAL_POINTS`` equally spaced points: ``rms`` (root mean
    square) and ``max`` (largest absolute error).

    Returns
    -------
    dict
        ``target``, ``x`` training inputs, ``f``; ``constructed`` HingeNet with
        ``constructed_rms`` / ``constructed_max`` and ``constructed_kinks``; ``runs[B]`` for
        each budget ``B``: ``lr`` and ``lr_index`` {contender: chosen}, ``val``
        {contender: (len(lrs),) validation rms}, ``fine_rms``, ``fine_max``, ``fine_kinks``
        (units,), ``fine_curve`` (points,), ``random_rms`` (S,), ``random_max`` (S,),
        ``random_kinks`` (S, units), ``random_inside`` (S,) kinks strictly inside the domain,
        ``random_curves`` (S, points), ``random_stats`` (mean, sd, lo, hi) of
        ``random_rms``, ``init_inside`` (S,); ``budgets``, ``lrs``, ``seeds``.
    """
    t = _target(TRAIN_TARGET)
    lo, hi = t.domain
    x = np.linspace(lo, hi, TRAIN_POINTS)
    xv = 0.5 * (x[1:] + x[:-1])  # validation: the midpoints between training points
    xe = np.linspace(lo, hi, EVAL_POINTS)
    g = approx.hinge_interpolant(t.f, approx.uniform_knots(t.domain, TRAIN_UNITS))

    def errors(params, xs):
        d = _forward_1d(params, xs) - t.f(xs)
        return float(np.sqrt(np.mean(d**2))), float(np.max(np.abs(d)))

    out = {
        "target": t,
        "x": x,
        "f": t.f(x),
        "constructed": g,
        "constructed_rms": float(np.sqrt(np.mean((g(xe) - t.f(xe)) ** 2))),
        "constructed_max": float(np.max(np.abs(g(xe) - t.f(xe)))),
        "constructed_kinks": g.knots[:-1].copy(),
        "constructed_bend": float(np.mean(np.abs(t.f2(g.knots[:-1])))),
        "bend_average": float(np.mean(np.abs(t.f2(xe)))),
        "kink_edges": np.linspace(lo, hi, KINK_BINS + 1),
        "budgets": tuple(budgets),
        "lrs": TRAIN_LRS,
        "seeds": TRAIN_SEEDS,
        "runs": {},
    }
    S = len(TRAIN_SEEDS)
    for steps in budgets:
        stored = results.get(runs.train_1d_run, **train_settings(steps))
        nets = [[_net_1d(stored, i, j) for j in range(1 + S)] for i in range(len(TRAIN_LRS))]
        val = np.array([[errors(n, xv)[0] for n in row] for row in nets])
        val_fine, val_random = val[:, 0], val[:, 1:].mean(axis=1)
        i_fine, i_random = int(np.argmin(val_fine)), int(np.argmin(val_random))
        fine, rand = nets[i_fine][0], nets[i_random][1:]
        r_err = np.array([errors(n, xe) for n in rand])
        kinks = np.array([first_layer_kinks(n) for n in rand])
        init_kinks = -stored["init_b1"] / stored["init_W1"]
        pooled = kinks.ravel()
        pooled = pooled[(pooled >= lo) & (pooled <= hi)]
        edges = np.linspace(lo, hi, KINK_BINS + 1)
        out["runs"][steps] = {
            "random_hist": np.histogram(pooled, bins=edges)[0],
            "fine_hist": np.histogram(first_layer_kinks(fine), bins=edges)[0],
            "fine_bend": float(np.mean(np.abs(t.f2(first_layer_kinks(fine))))),
            "lr": {"fine-tuned": TRAIN_LRS[i_fine], "random": TRAIN_LRS[i_random]},
            "lr_index": {"fine-tuned": i_fine, "random": i_random},
            "val": {"fine-tuned": val_fine, "random": val_random},
            "fine_rms": errors(fine, xe)[0],
            "fine_max": errors(fine, xe)[1],
            "fine_kinks": first_layer_kinks(fine),
            "fine_curve": _forward_1d(fine, x),
            "random_rms": r_err[:, 0],
            "random_max": r_err[:, 1],
            "random_kinks": kinks,
            "random_inside": ((kinks > lo) & (kinks < hi)).sum(axis=1),
            "init_inside": ((init_kinks > lo) & (init_kinks < hi)).sum(axis=1),
            "random_curves": np.array([_forward_1d(n, x) for n in rand]),
            "random_stats": _interval95(r_err[:, 0]),
        }
    return out


# --------------------------------------------------------------------------------- plane


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


def arrangement_example(units: int = ARRANGEMENT_UNITS, seed: int = ARRANGEMENT_SEED) -> dict:
    """Random lines in general position, in a box that holds every crossing.

    Parameters
    ----------
    units : int
        Lines (hidden units of one layer, ``piecewise_runs.random_relu_net``).
    seed : int
        Seed of the net.

    Returns
    -------
    dict
        ``params``, ``box`` (xmin, xmax, ymin, ymax), ``n`` lines, ``count`` exact region
        count, ``formula`` ``1 + n + n(n-1)/2``, ``crossings`` (pairs, 2), ``width`` the
        box's larger side, ``smallest`` the smallest region's area as a fraction of the box.
    """
    params = random_relu_net([units], seed)
    pts = _crossings(params)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = 0.1 * (hi - lo) + 0.5
    box = tuple(float(v) for v in (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1]))
    rs = regions.linear_regions(params, box)
    area = (box[1] - box[0]) * (box[3] - box[2])
    return {
        "params": params,
        "box": box,
        "n": units,
        "count": len(rs),
        "formula": regions.arrangement_count(units),
        "crossings": pts,
        "width": max(box[1] - box[0], box[3] - box[2]),
        "smallest": min(r.area for r in rs) / area,
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


def spiral_settings(start: str, seed: int) -> dict:
    """Settings of the stored spiral run for one start and seed."""
    return {
        "start": start, "seed": seed, "sizes": list(SPIRAL_SIZES), "n": SPIRAL_N,
        "data_seed": SPIRAL_SEED, "steps": SPIRAL_STEPS, "lr": SPIRAL_LR,
        "batch": SPIRAL_BATCH, "box": list(SPIRAL_BOX), "near": NEAR_DATA,
        "bias_std": BIAS_STD,
    }  # fmt: skip


def _spiral_params(flat: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    net = MLP(list(SPIRAL_SIZES), seed=0)
    net.flat_params[...] = flat
    return [(W.copy(), b.copy()) for W, b in net.params]


def learned_regions(seeds=SPIRAL_NET_SEEDS, polygons: bool = True) -> dict:
    """Linear regions of 2-32-32-2 spiral classifiers before and after training.

    For each start in ``SPIRAL_STARTS`` and each seed (initialisation and batch order), the
    stored :func:`~bendlines.experiments.piecewise_runs.spiral_run`: the net trained with
    Adam on the spiral, its regions counted exactly in ``SPIRAL_BOX`` before and after.

    Returns
    -------
    dict
        ``X``, ``y`` training data, ``box``, ``seeds``; per start a dict ``starts[start]``
        with ``count_init``, ``count_trained``, ``near_init``, ``near_trained`` (share of
        regions with their centroid within ``NEAR_DATA`` of a training point),
        ``accuracy`` (test), all (S,) arrays, ``ratio`` = trained / init counts, and for the
        first seed the ``init`` / ``trained`` params and (if ``polygons``) their regions
        ``regions_init`` / ``regions_trained``.
    """
    (X, y), _ = data.load("spiral", n_train=SPIRAL_N, n_test=SPIRAL_N, seed=SPIRAL_SEED)
    out = {"X": X, "y": y, "box": SPIRAL_BOX, "seeds": tuple(seeds), "starts": {}}
    for start in SPIRAL_STARTS:
        stored = [results.get(runs.spiral_run, **spiral_settings(start, s)) for s in seeds]
        count = np.array([r["count"] for r in stored])
        near = np.array([r["near"] for r in stored])
        res = {
            "count_init": count[:, 0],
            "count_trained": count[:, 1],
            "ratio": count[:, 1] / count[:, 0],
            "near_init": near[:, 0],
            "near_trained": near[:, 1],
            "accuracy": np.array([float(r["accuracy"]) for r in stored]),
            "init": _spiral_params(stored[0]["init"]),
            "trained": _spiral_params(stored[0]["trained"]),
        }
        if polygons:
            res["regions_init"] = regions.linear_regions(res["init"], SPIRAL_BOX)
            res["regions_trained"] = regions.linear_regions(res["trained"], SPIRAL_BOX)
        out["starts"][start] = res
    return out


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


def depth_splits(totals=TOTAL_NEURONS, depths=DEPTHS) -> list[tuple[int, int]]:
    """The (total, depth) pairs studied: equal layers no narrower than ``MIN_WIDTH``."""
    return [(n, d) for n in totals for d in depths if n % d == 0 and n // d >= MIN_WIDTH]


def depth_settings(total: int, depth: int) -> dict:
    """Settings of the stored region counts of ``depth`` layers of ``total // depth`` units."""
    return {
        "widths": [total // depth] * depth, "seeds": list(DEPTH_SEEDS), "box": list(DEPTH_BOX),
        "bias_std": BIAS_STD,
    }  # fmt: skip


def depth_vs_regions(totals=TOTAL_NEURONS, depths=DEPTHS) -> dict:
    """Exact region counts of random ReLU nets with a fixed total of neurons split over depth.

    A net with ``N`` neurons and depth ``d`` has ``d`` hidden layers of ``N // d`` units
    (``piecewise_runs.random_relu_net``, biases with std ``BIAS_STD``), counted in
    ``DEPTH_BOX`` for each seed of ``DEPTH_SEEDS`` (stored runs); splits narrower than
    ``MIN_WIDTH`` are skipped.

    Returns
    -------
    dict
        ``totals`` (a,), ``depths`` (b,), ``counts`` (a, b, seeds) float with ``nan`` for
        skipped splits, ``mean`` (a, b), ``sd`` (a, b) (ddof=1), ``ratio`` (a, b): the mean
        count divided by the one-layer mean of the same total, ``min_width``.
    """
    counts = np.full((len(totals), len(depths), len(DEPTH_SEEDS)), np.nan)
    for n, d in depth_splits(totals, depths):
        stored = results.get(runs.depth_run, **depth_settings(n, d))
        counts[list(totals).index(n), list(depths).index(d)] = stored["counts"]
    done = ~np.isnan(counts[:, :, 0])
    mean = np.where(done, np.nanmean(np.where(done[..., None], counts, 0.0), axis=2), np.nan)
    sd = np.full(mean.shape, np.nan)
    sd[done] = counts[done].std(axis=1, ddof=1)
    return {
        "totals": np.asarray(totals),
        "depths": np.asarray(depths),
        "counts": counts,
        "mean": mean,
        "sd": sd,
        "ratio": mean / mean[:, :1],
        "min_width": MIN_WIDTH,
    }


def results_tasks() -> list[tuple]:
    """The stored runs this chapter reads (see :mod:`bendlines.results`)."""
    tasks = [(runs.train_1d_run, train_settings(b)) for b in TRAIN_BUDGETS]
    tasks += [
        (runs.spiral_run, spiral_settings(start, s))
        for start in SPIRAL_STARTS
        for s in SPIRAL_NET_SEEDS
    ]
    tasks += [(runs.depth_run, depth_settings(n, d)) for n, d in depth_splits()]
    return tasks


def verdicts(tvc: dict | None = None) -> dict[str, str]:
    """The chapter's glued verdict sentences (glue name -> text): the random starts' mean RMS
    error after the longest budget against the construction's, a one-sample t-test (the
    construction is one fixed number): "cannot be told apart" when the 95 % interval of the
    mean contains it."""
    tvc = trained_vs_constructed() if tvc is None else tvc
    out = st.Verdicts()
    run = tvc["runs"][max(tvc["budgets"])]
    s = st.mean_interval(run["random_rms"])
    c = tvc["constructed_rms"]
    if s["lo"] <= c <= s["hi"]:
        text = (
            f"That interval contains the construction's {c:.4f}, so on average the random "
            "starts and the construction cannot be told apart at this strictness."
        )
    else:
        side = "above" if s["lo"] > c else "below"
        text = (
            f"That interval lies wholly {side} the construction's {c:.4f}: on average the "
            f"random starts do {'worse' if side == 'above' else 'better'}."
        )
    out["random_vs_constructed"] = text
    return out
