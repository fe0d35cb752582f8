"""Experiments of the chapter "Choosing an activation function": analysis and light work.

The heavy training runs live in :mod:`bendlines.experiments.choosing_training` and are read
from the results store (:mod:`bendlines.results`). This module tunes them (:func:`tuned`: each
contender at its best learning rate on the validation split, over a x3 grid extended at its
edges), summarises them over seeds (:func:`interval`: mean, ddof = 1 standard deviation and
95 % t-interval; :func:`verdict`: a winner only when the intervals do not overlap), lists the
store's entries (:func:`results_tasks`), and computes the chapter's light results: dead
narrow nets at birth, softmax, GELU as an expected gate, and normal-input means.

The chapter and ``tests/test_choosing.py`` call the same functions with the same settings.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy import integrate, stats

from bendlines import activations, data, results
from bendlines.experiments import asymmetric_init as ai
from bendlines.experiments import choosing_training as ct
from bendlines.experiments import sign_runs as sr
from bendlines.mlp import MLP

__all__ = [
    "CONFIDENCE",
    "DEAD_DEPTHS",
    "DEAD_WIDTHS",
    "FLAT_BEYOND",
    "H2H_BUDGETS",
    "LARGE_SCALE",
    "SEEDS",
    "at_rate",
    "bad_candidates",
    "binomial_interval",
    "born_dead",
    "dying",
    "gated_comparison",
    "gelu_gate",
    "head_to_head",
    "initialisations",
    "input_scale",
    "interval",
    "layer_spreads",
    "normal_moments",
    "results_spot_checks",
    "results_tasks",
    "sign_task",
    "slope_sentence",
    "softmax",
    "square_by_depth",
    "square_growth",
    "tuned",
    "verdict",
]

CONFIDENCE = 0.95
#: Seeds of every comparison (each seed: its own initial weights and mini-batch order).
SEEDS = ct.SEEDS
#: Training budgets of the head to head in steps, per depth, a short one and a long one.
H2H_BUDGETS = ct.H2H_BUDGETS

DEAD_WIDTHS = (2, 4, 10)
DEAD_DEPTHS = tuple(range(1, 41))
DEAD_NETS = 2000


# ---- normal inputs -----
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


# ---- born dead: narrow deep ReLU nets -----
def born_dead(lookup=None) -> dict[str, dict[int, np.ndarray]]:
    """Probability that a random ReLU net is constant on its inputs, He against RAI.

    Stored runs of :func:`~bendlines.experiments.asymmetric_init.collapsed_at_init`
    (``DEAD_NETS`` nets, 2 inputs, hidden layers of each width in ``DEAD_WIDTHS``).

    Returns
    -------
    dict
        init (``"he"``, ``"rai"``) -> width -> probability at each depth in ``DEAD_DEPTHS``.
    """
    lookup = results.get if lookup is None else lookup
    return {
        init: {w: lookup(ai.collapsed_at_init, **_born_settings(init, w))["collapsed"]
               for w in DEAD_WIDTHS}
        for init in ai.INITS
    }  # fmt: skip


def _born_settings(init: str, width: int) -> dict:
    return {"init": init, "width": width, "max_depth": max(DEAD_DEPTHS), "n_nets": DEAD_NETS}


def binomial_interval(p: float, n: int) -> tuple[float, float]:
    """95 % Wilson interval of a probability estimated as the fraction ``p`` of ``n`` trials."""
    ci = stats.binomtest(round(p * n), n).proportion_ci(CONFIDENCE, method="wilson")
    return float(ci.low), float(ci.high)


# ---- statistics -----
def interval(values) -> dict[str, float]:
    """Mean, standard deviation (ddof = 1) and 95 % t-interval of values over seeds.

    ``nan`` values (diverged runs) make the whole summary ``nan``.
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    if n < 2:
        raise ValueError("an interval needs at least 2 values")
    mean, std = float(x.mean()), float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * std / math.sqrt(n)
    return {"mean": mean, "std": std, "lo": mean - half, "hi": mean + half, "half": half, "n": n}


def verdict(a, b) -> str:
    """``"a"`` or ``"b"`` if that one's 95 % interval lies wholly above the other's, else
    ``"tie"`` (overlapping intervals). ``a`` and ``b`` are values over seeds."""
    ia, ib = interval(a), interval(b)
    if ia["lo"] > ib["hi"]:
        return "a"
    if ib["lo"] > ia["hi"]:
        return "b"
    return "tie"


# ---- learning-rate tuning over the results store -----
def _best(mean: np.ndarray) -> np.ndarray:
    """Per contender (column), the grid index of the best mean validation accuracy.

    When several rates tie for the best, an interior one is preferred, so that a plateau
    reaching the grid's edge does not extend the grid for ever.
    """
    top = mean == mean.max(axis=0)
    interior = top.copy()
    interior[[0, -1]] = False
    return np.where(interior.any(axis=0), np.argmax(interior, axis=0), np.argmax(top, axis=0))


def _grid(fn: Callable, settings: dict, seeds: Sequence[int], lookup) -> tuple[list, dict, bool]:
    """The grid of ``fn`` for ``settings``, extended at its edges, and the runs on it.

    Returns ``(ks, runs, complete)``: grid indices, ``runs[k][seed]`` (or a shorter dict when
    ``lookup`` found entries missing) and whether every run of the final grid was found.
    """
    lo, hi = ct.GRID_START
    runs: dict[int, dict[int, dict]] = {}
    while True:
        for k in range(lo, hi + 1):
            if k not in runs:
                runs[k] = {}
                for seed in seeds:
                    found = lookup(fn, **settings, lr=ct.learning_rate(k), seed=seed)
                    if found is not None:
                        runs[k][seed] = found
        ks = list(range(lo, hi + 1))
        if any(len(runs[k]) < len(seeds) for k in ks):
            return ks, runs, False
        val = np.array([[runs[k][s]["val_acc"] for s in seeds] for k in ks])  # (K, S, C)
        mean = np.where(np.isnan(val), -np.inf, val).mean(axis=1)  # diverged = worst
        usable = np.isfinite(mean).any(axis=0)  # contenders that ever trained
        best = _best(mean)[usable]
        grow_lo = lo > ct.GRID_LIMITS[0] and np.any(best == 0)
        grow_hi = hi < ct.GRID_LIMITS[1] and np.any(best == len(ks) - 1)
        if not (grow_lo or grow_hi):
            return ks, runs, True
        lo, hi = lo - grow_lo, hi + grow_hi


def tuned(fn: Callable, seeds: Sequence[int] = SEEDS, lookup=None, **settings) -> dict:
    """Each contender of ``fn`` at its best learning rate on the validation split.

    Parameters
    ----------
    fn : callable
        A run function of this module: ``fn(**settings, lr=..., seed=...)`` returns arrays whose
        first axis is the contender, among them ``"val_acc"``.
    seeds : sequence of int
    lookup : callable, optional
        How a run is obtained; default :func:`bendlines.results.get` (read, or compute and
        store).

    Returns
    -------
    dict
        ``"lr"`` (C,) chosen rate per contender; ``"grid"`` the rates tried; ``"val_mean"``
        (n_rates, C) mean validation accuracy (``-inf`` if a seed diverged);
        ``"diverged_by_rate"`` (n_rates, C) fraction of seeds whose run diverged; ``"edge"``
        (C,) True if a contender's best rate is still at an edge (only at ``GRID_LIMITS``);
        and every array of the runs at each contender's rate with shape (C, n_seeds, ...).
    """
    lookup = results.get if lookup is None else lookup
    ks, runs, complete = _grid(fn, settings, seeds, lookup)
    if not complete:
        raise RuntimeError(f"runs of {fn.__name__} {settings} are missing")
    val = np.array([[runs[k][s]["val_acc"] for s in seeds] for k in ks])
    mean = np.where(np.isnan(val), -np.inf, val).mean(axis=1)
    best = _best(mean)
    out = {
        "lr": np.array([ct.learning_rate(ks[b]) for b in best]),
        "grid": np.array([ct.learning_rate(k) for k in ks]),
        "val_mean": mean,
        "diverged_by_rate": np.isnan(val).mean(axis=1),
        "edge": (best == 0) | (best == len(ks) - 1),
    }
    for key in runs[ks[0]][seeds[0]]:
        out[key] = np.stack(
            [np.stack([runs[ks[b]][s][key][c] for s in seeds]) for c, b in enumerate(best)]
        )
    return out


def _grid_tasks(fn: Callable, seeds: Sequence[int] = SEEDS, **settings) -> list:
    ks, _, _ = _grid(fn, settings, seeds, results.peek)
    return [
        (fn, {**settings, "lr": ct.learning_rate(k), "seed": seed}) for k in ks for seed in seeds
    ]


def at_rate(fn: Callable, lr: float, seeds: Sequence[int] = SEEDS, lookup=None,
            **settings) -> dict[str, np.ndarray]:  # fmt: skip
    """The runs of ``fn`` at one learning rate (no tuning): arrays of shape (C, n_seeds, ...)."""
    lookup = results.get if lookup is None else lookup
    runs = [lookup(fn, **settings, lr=lr, seed=seed) for seed in seeds]
    return {key: np.stack([r[key] for r in runs], axis=1) for key in runs[0]}


def head_to_head(depth: int, steps: int, lookup=None) -> dict:
    """:func:`tuned` runs of ``choosing_training.h2h_run``, activations in
    ``H2H_ACTIVATIONS`` order."""
    return tuned(ct.h2h_run, lookup=lookup, depth=depth, steps=steps)


def dying(setting: str, lookup=None) -> dict[str, np.ndarray]:
    """``choosing_training.dying_run`` over ``DYING_SEEDS``, seeds on axis 1."""
    lookup = results.get if lookup is None else lookup
    runs = [lookup(ct.dying_run, setting=setting, seed=s) for s in ct.DYING_SEEDS]
    return {key: np.stack([r[key] for r in runs], axis=1) for key in runs[0]}


def initialisations(steps: int, lookup=None) -> dict:
    """:func:`tuned` runs of ReLU nets under He, RAI and RAI's symmetric control
    (``asymmetric_init.INIT_CONTENDERS`` order)."""
    return tuned(ai.init_run, lookup=lookup, steps=steps)


def bad_candidates(lookup=None) -> dict:
    """:func:`tuned` runs of the candidate activations (``BAD_CANDIDATES``) on the spiral."""
    return tuned(ct.bad_run, lookup=lookup, depth=ct.BAD_DEPTH, steps=ct.BAD_STEPS)


def square_by_depth(lookup=None) -> dict[int, dict]:
    """depth -> :func:`tuned` runs of square (row 0) and ReLU (row 1) on the spiral."""
    names = ["square", "relu"]
    return {
        d: tuned(ct.bad_run, lookup=lookup, depth=d, steps=ct.BAD_STEPS, names=names)
        for d in ct.SQUARE_DEPTHS
    }


def sign_task(steps: int, lookup=None) -> dict:
    """:func:`tuned` runs of square and ReLU nets, with and without biases, on the mirrored
    sign task (``sign_runs.SIGN_CONTENDERS`` order)."""
    return tuned(sr.sign_run, lookup=lookup, steps=steps)


def input_scale(steps: int, lookup=None) -> dict:
    """:func:`tuned` runs of tanh and ReLU spiral nets under each initialisation; contenders
    in the order ``(name, init) for name in SCALE_NAMES for init in SCALE_INITS``."""
    return tuned(ct.scale_run, lookup=lookup, steps=steps)


#: A truly large starting scale for the spiral's tanh net (weight standard deviation), shown
#: at initialisation next to ``SCALE_INITS`` to see what "sits in its flat parts" means.
LARGE_SCALE = 10.0
#: Beyond this size a tanh slope is below ``1 - tanh(2)**2``, about 0.07: the flat parts.
FLAT_BEYOND = 2.0


def layer_spreads(name: str, init: str | float, seeds: Sequence[int] = SEEDS) -> dict:
    """Every hidden layer's pre-activation spread at initialisation on the spiral's training set.

    The nets of :func:`bendlines.experiments.choosing_training.scale_run` (same sizes, weights
    and seeds), before any training: per hidden layer, the standard deviation of the
    pre-activations over units and examples, and the share of them beyond ``FLAT_BEYOND`` in
    size, averaged over the seeds.

    Returns
    -------
    dict with ``"std"`` and ``"flat_share"``, arrays of length ``SCALE_DEPTH``.
    """
    train, _, _ = ct.split("spiral")
    sizes = ct._sizes("spiral", ct.SCALE_DEPTH, ct.SCALE_WIDTH)
    std = np.zeros(ct.SCALE_DEPTH)
    flat = np.zeros(ct.SCALE_DEPTH)
    for seed in seeds:
        pre, _ = MLP(sizes, name, init=init, seed=seed, dtype=np.float32).hidden(train[0])
        for layer in range(ct.SCALE_DEPTH):
            std[layer] += float(pre[layer].std())
            flat[layer] += float(np.mean(np.abs(pre[layer]) > FLAT_BEYOND))
    return {"std": std / len(seeds), "flat_share": flat / len(seeds)}


def gated_comparison(lookup=None) -> dict:
    """:func:`tuned` runs of the plain and gated MNIST-1D nets of ``GATED_MODELS``."""
    return tuned(ct.gated_run, lookup=lookup, steps=ct.GATED_STEPS)


# ---- what `make experiments` computes -----
def results_tasks() -> list:
    """Every run the chapter reads from the results store (cheap experiments first)."""
    out = [(ct.dying_run, {"setting": s, "seed": seed})
           for s in ct.DYING_SETTINGS for seed in ct.DYING_SEEDS]  # fmt: skip
    for steps in ai.INIT_BUDGETS:
        out += _grid_tasks(ai.init_run, steps=steps)
    out += [(ai.collapsed_at_init, _born_settings(i, w)) for i in ai.INITS for w in DEAD_WIDTHS]
    for steps in ct.SCALE_BUDGETS:
        out += _grid_tasks(ct.scale_run, steps=steps)
    out += _grid_tasks(ct.gated_run, steps=ct.GATED_STEPS)
    out += _grid_tasks(ct.bad_run, depth=ct.BAD_DEPTH, steps=ct.BAD_STEPS)
    for steps in sr.SIGN_BUDGETS:
        out += _grid_tasks(sr.sign_run, steps=steps)
    for depth in ct.SQUARE_DEPTHS:
        out += _grid_tasks(ct.bad_run, depth=depth, steps=ct.BAD_STEPS, names=["square", "relu"])
    for depth, budgets in H2H_BUDGETS.items():
        for steps in budgets:
            out += _grid_tasks(ct.h2h_run, depth=depth, steps=steps)
    return out


def results_spot_checks() -> list:
    """A few cheap entries that ``make test`` recomputes and compares with the store."""
    return [
        (ct.dying_run, {"setting": "negative bias, SGD", "seed": 0}),
        (
            ct.scale_run,
            {"steps": ct.SCALE_BUDGETS[0], "lr": ct.learning_rate(ct.GRID_START[1]), "seed": 1},
        ),
        (ct.h2h_run, {"depth": 2, "steps": H2H_BUDGETS[2][0], "lr": 1e-3, "seed": 0}),
        (sr.sign_run, {"steps": sr.SIGN_BUDGETS[0], "lr": 1e-2, "seed": 2}),
        (ai.collapsed_at_init, _born_settings("rai", DEAD_WIDTHS[0])),
        (ai.init_run, {"steps": ai.INIT_BUDGETS[0], "lr": 1e-2, "seed": 3}),
    ]


# ---- square nets are polynomials -----
def square_growth(depths: Sequence[int] = ct.SQUARE_DEPTHS, width: int = ct.BAD_WIDTH,
                  seed: int = 0) -> dict[str, np.ndarray]:  # fmt: skip
    """How the output of square nets (He weights, zero biases) grows with depth at the start.

    Such a net is homogeneous of degree ``2**L``: doubling every input multiplies every
    output by ``2**(2**L)``.

    Returns
    -------
    dict
        ``"depth"``; ``"ratio"``: median of ``|f(2x)| / |f(x)|`` over the spiral's training
        inputs; ``"largest"``: the largest ``|f(x)|`` on them (float64 throughout).
    """
    (X, _), _ = data.load("spiral")
    ratio, largest = [], []
    for depth in depths:
        net = MLP([2, *[width] * depth, 2], "square", init="he", seed=seed)
        out, out2 = np.abs(net.forward(X)), np.abs(net.forward(2 * X))
        ratio.append(float(np.median(out2 / out)))
        largest.append(float(out.max()))
    return {"depth": np.asarray(depths), "ratio": np.array(ratio), "largest": np.array(largest)}


# ---- output layers -----
def softmax(logits) -> np.ndarray:
    """Softmax of each row: ``exp(z_k) / sum_j exp(z_j)``, computed with the max subtracted
    (which leaves the result unchanged) so that large logits cannot overflow."""
    z = np.asarray(logits, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# ---- GELU as an expected gate -----
def gelu_gate(z, n_draws: int = 200_000, seed: int = 0) -> dict[str, np.ndarray]:
    """GELU as the average of a random 0/1 gate: ``z * m`` with ``m = 1`` with probability
    ``Phi(z)`` (the standard normal distribution function), else 0.

    Returns
    -------
    dict
        ``"z"``; ``"mean"``: the average of ``z * m`` over ``n_draws`` random gates per ``z``;
        ``"se"``: its standard error; ``"gelu"``: the registry's GELU.
    """
    z = np.asarray(z, dtype=np.float64)
    rng = np.random.default_rng(seed)
    p = 0.5 * (1.0 + np.vectorize(math.erf)(z / math.sqrt(2.0)))
    opened = rng.binomial(n_draws, p)  # how many of the draws opened the gate
    mean = z * opened / n_draws
    se = np.abs(z) * np.sqrt(p * (1 - p) / n_draws)
    return {"z": z, "mean": mean, "se": se, "gelu": activations.get("gelu")(z)}


def slope_sentence(slopes: np.ndarray) -> str:
    """What learned PReLU slopes ``(seeds, layers)`` did, in words, for the chapter."""
    slopes = np.asarray(slopes)
    n = len(slopes)
    parts = [
        f"layer {k + 1}'s slope ended negative on {int(np.sum(slopes[:, k] < 0))} of {n} seeds"
        for k in range(slopes.shape[1])
    ]
    sentence = "Below 0 a slope makes the unit rise again for negative inputs, like an absolute "
    sentence += "value, which no leaky ReLU with a positive slope can do: " + " and ".join(parts)
    return sentence + "."
