"""Experiments of the chapter "Choosing an activation function": analysis and light work.

The heavy training runs live in :mod:`bendlines.experiments.choosing_training` and are read
from the results store (:mod:`bendlines.results`). This module tunes them (:func:`tuned`: each
contender at its best learning rate on the validation split, over a x3 grid extended at its
edges) on the tuning seeds, reports every tuned comparison on fresh seeds
(:func:`head_to_head_report` for the head to head, :func:`reported` for the others), turns the runs
into the chapter's verdicts with :mod:`bendlines.stats` (:func:`verdicts`: paired,
Holm-corrected comparisons; leaders only when they replicate in two halves), lists the
store's entries (:func:`results_tasks`), and computes the chapter's light results: dead
narrow nets at birth, softmax, GELU as an expected gate, and normal-input means.

The chapter and ``tests/test_choosing.py`` call the same functions with the same settings.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy import integrate

from bendlines import activations, data, results
from bendlines import stats as st
from bendlines.experiments import asymmetric_init as ai
from bendlines.experiments import choosing_training as ct
from bendlines.experiments import learned_prelu
from bendlines.experiments import sign_runs as sr
from bendlines.mlp import MLP

__all__ = [
    "DEAD_DEPTHS",
    "DEAD_WIDTHS",
    "DYING_FAMILY",
    "FLAT_BEYOND",
    "H2H_BUDGETS",
    "LARGE_SCALE",
    "PRELU_FAMILY",
    "REPORT_SEEDS",
    "SCALE_FAMILY",
    "SEEDS",
    "TUNE_SEEDS",
    "at_rate",
    "bad_candidates",
    "born_dead",
    "dying",
    "gated_comparison",
    "gated_verdicts",
    "gelu_gate",
    "h2h_leaders",
    "h2h_verdicts",
    "head_to_head",
    "head_to_head_report",
    "head_to_head_report_tasks",
    "initialisations",
    "input_scale",
    "input_scale_fixed",
    "layer_spreads",
    "majority_share",
    "normal_moments",
    "prelu_ranking_sentence",
    "reported",
    "results_spot_checks",
    "results_tasks",
    "sign_task",
    "signal_at_init",
    "slope_sentence",
    "softmax",
    "speed_at_rates",
    "square_by_depth",
    "square_growth",
    "tuned",
    "verdicts",
]

#: Seeds of the rate searches (each seed: its own initial weights and mini-batch order).
SEEDS = ct.SEEDS
#: Seeds that choose the learning rates of the head to head (the validation split decides).
TUNE_SEEDS = ct.SEEDS
#: Fresh seeds the head to head is reported on, disjoint from :data:`TUNE_SEEDS`.
REPORT_SEEDS = tuple(range(5, 15))
#: Training budgets of the head to head in steps, per depth, a short one and a long one.
H2H_BUDGETS = ct.H2H_BUDGETS

#: Display names of the activations in the chapter's sentences.
NAMES = {
    "relu": "ReLU", "leaky_relu": "leaky ReLU", "elu": "ELU", "selu": "SELU", "gelu": "GELU",
    "silu": "SiLU", "tanh": "tanh", "sigmoid": "sigmoid", "signed_sqrt": "signed square root",
    "square": "square", "sqrt": "square root", "log": "logarithm", "step": "step",
}  # fmt: skip
#: How many comparisons the dying-ReLU section states (one Bonferroni family).
DYING_FAMILY = 5
#: The learned PReLU against leaky ReLU at two fixed slopes: one Bonferroni family of two.
PRELU_FAMILY = 2
#: The one shared rate of the input-scale comparison without tuning.
FIXED_LR = 1e-3
#: How many verdicts the input-scale section states (one Bonferroni family): tanh at the
#: shared rate and at the tuned rates after two budgets, and ReLU at the shared rate.
SCALE_FAMILY = 4

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
    """:func:`tuned` runs of ``choosing_training.h2h_run`` on the tuning seeds, activations in
    ``H2H_ACTIVATIONS`` order."""
    return tuned(ct.h2h_run, seeds=TUNE_SEEDS, lookup=lookup, depth=depth, steps=steps)


def _report_groups(rates: np.ndarray) -> dict[float, list[str]]:
    """Learning rate -> the activations tuned to it (``H2H_ACTIVATIONS`` order)."""
    groups: dict[float, list[str]] = {}
    for name, lr in zip(ct.H2H_ACTIVATIONS, rates, strict=True):
        groups.setdefault(float(lr), []).append(name)
    return groups


def _report_tasks(depth: int, steps: int, rates: np.ndarray) -> list:
    return [
        (ct.h2h_run, {"depth": depth, "steps": steps, "lr": lr, "seed": seed, "names": names})
        for seed in REPORT_SEEDS
        for lr, names in _report_groups(rates).items()
    ]


def head_to_head_report(depth: int, steps: int, lookup=None,
                        seeds: Sequence[int] = REPORT_SEEDS) -> dict:  # fmt: skip
    """The head to head reported on ``seeds`` (default :data:`REPORT_SEEDS`), fresh seeds
    that chose nothing (a seed of :data:`TUNE_SEEDS` is refused).

    Each activation runs at the rate :func:`head_to_head` chose on :data:`TUNE_SEEDS`; the
    runs sharing a rate are one entry (``names``: those activations).

    Returns
    -------
    dict
        ``"lr"`` (C,), ``"seeds"`` and every array of the runs with shape (C, n_seeds, ...),
        activations in ``H2H_ACTIVATIONS`` order.
    """
    lookup = results.get if lookup is None else lookup
    seeds = _check_report_seeds(seeds)
    rates = head_to_head(depth, steps, lookup=lookup)["lr"]
    rows: dict[str, dict[str, np.ndarray]] = {}
    for lr, names in _report_groups(rates).items():
        runs = [lookup(ct.h2h_run, depth=depth, steps=steps, lr=lr, seed=s, names=names)
                for s in seeds]  # fmt: skip
        for i, name in enumerate(names):
            rows[name] = {key: np.stack([r[key][i] for r in runs]) for key in runs[0]}
    out = {"lr": rates, "seeds": np.array(seeds)}
    for key in rows[ct.H2H_ACTIVATIONS[0]]:
        out[key] = np.stack([rows[name][key] for name in ct.H2H_ACTIVATIONS])
    return out


def head_to_head_report_tasks() -> list:
    """The report runs whose rates are known (their tuning runs are stored), long 8-layer
    table first."""
    out = []
    for depth, steps in sorted(
        ((d, s) for d, budgets in H2H_BUDGETS.items() for s in budgets),
        key=lambda ds: (-ds[0], -ds[1]),
    ):
        try:
            rates = head_to_head(depth, steps, lookup=results.peek)["lr"]
        except (RuntimeError, TypeError):
            continue  # tuning runs missing: listed once they are stored
        out += _report_tasks(depth, steps, rates)
    return out


def dying(setting: str, lookup=None) -> dict[str, np.ndarray]:
    """``choosing_training.dying_run`` over ``DYING_SEEDS``, seeds on axis 1."""
    lookup = results.get if lookup is None else lookup
    runs = [lookup(ct.dying_run, setting=setting, seed=s) for s in ct.DYING_SEEDS]
    return {key: np.stack([r[key] for r in runs], axis=1) for key in runs[0]}


# ---- the smaller comparisons: tuned on TUNE_SEEDS, reported on REPORT_SEEDS -----
def _contenders(fn: Callable, settings: dict) -> list | None:
    """The names a run function takes as ``names`` (its default, or those of ``settings``),
    or None when it always trains all its contenders."""
    parameter = inspect.signature(fn).parameters.get("names")
    if parameter is None:
        return None
    return list(settings.get("names", parameter.default))


def _rate_groups(fn: Callable, settings: dict, rates: np.ndarray) -> list[tuple[float, dict, list]]:
    """One report run per distinct chosen rate: ``(lr, extra settings, contender indices)``.

    A run function with a ``names`` setting trains only the contenders tuned to that rate;
    any other trains all of its contenders, of which those tuned to the rate are read.
    """
    groups: dict[float, list[int]] = {}
    for c, lr in enumerate(rates):
        groups.setdefault(float(lr), []).append(c)
    names = _contenders(fn, settings)
    return [
        (lr, {} if names is None else {"names": [names[c] for c in cs]}, cs)
        for lr, cs in groups.items()
    ]


def _check_report_seeds(seeds: Sequence[int]) -> tuple[int, ...]:
    seeds = tuple(int(s) for s in seeds)
    if set(seeds) & set(TUNE_SEEDS) or len(seeds) < 2:
        raise ValueError(f"report on at least 2 seeds outside the tuning seeds {TUNE_SEEDS}")
    return seeds


def reported(fn: Callable, lookup=None, seeds: Sequence[int] = REPORT_SEEDS,
             **settings) -> dict:  # fmt: skip
    """A comparison tuned on :data:`TUNE_SEEDS` and reported on fresh ``seeds``.

    Each contender's learning rate is chosen by :func:`tuned` on the validation split with
    the tuning seeds; then every contender trains again at its rate on ``seeds`` (default
    :data:`REPORT_SEEDS`; a tuning seed is refused), seed s fixing the initial weights and the
    batch order of every contender (a paired design).

    Returns
    -------
    dict
        From the tuning: ``"lr"`` (C,), ``"grid"``, ``"val_mean"``, ``"diverged_by_rate"``,
        ``"edge"`` and ``"tune_seeds"``; ``"seeds"``, the report seeds; and every array of the
        report runs with shape (C, n_seeds, ...), contenders in the run function's order.
    """
    lookup = results.get if lookup is None else lookup
    seeds = _check_report_seeds(seeds)
    tune = tuned(fn, seeds=TUNE_SEEDS, lookup=lookup, **settings)
    rows: dict[int, dict[str, np.ndarray]] = {}
    for lr, extra, cs in _rate_groups(fn, settings, tune["lr"]):
        runs = [lookup(fn, **{**settings, **extra}, lr=lr, seed=s) for s in seeds]
        for j, c in enumerate(cs):
            row = j if extra else c  # a run of only these contenders, or of all of them
            rows[c] = {key: np.stack([r[key][row] for r in runs]) for key in runs[0]}
    out = {key: tune[key] for key in ("lr", "grid", "val_mean", "diverged_by_rate", "edge")}
    out["tune_seeds"], out["seeds"] = np.array(TUNE_SEEDS), np.array(seeds)
    for key in rows[0]:
        out[key] = np.stack([rows[c][key] for c in range(len(rows))])
    return out


def _reported_tasks(fn: Callable, **settings) -> list:
    """The tuning runs of ``fn`` and, once they are stored, its report runs."""
    out = _grid_tasks(fn, seeds=TUNE_SEEDS, **settings)
    try:
        rates = tuned(fn, seeds=TUNE_SEEDS, lookup=results.peek, **settings)["lr"]
    except (RuntimeError, TypeError):
        return out  # tuning runs missing: the report runs are listed once they are stored
    return out + [
        (fn, {**settings, **extra, "lr": lr, "seed": seed})
        for seed in REPORT_SEEDS
        for lr, extra, _ in _rate_groups(fn, settings, rates)
    ]


def initialisations(steps: int, lookup=None, seeds: Sequence[int] = REPORT_SEEDS) -> dict:
    """:func:`reported` runs of ReLU nets under He, RAI and RAI's symmetric control
    (``asymmetric_init.INIT_CONTENDERS`` order)."""
    return reported(ai.init_run, lookup=lookup, seeds=seeds, steps=steps)


def bad_candidates(lookup=None, seeds: Sequence[int] = REPORT_SEEDS) -> dict:
    """:func:`reported` runs of the candidate activations (``BAD_CANDIDATES``) on the spiral."""
    return reported(ct.bad_run, lookup=lookup, seeds=seeds, depth=ct.BAD_DEPTH,
                    steps=ct.BAD_STEPS)  # fmt: skip


def square_by_depth(lookup=None, seeds: Sequence[int] = REPORT_SEEDS) -> dict[int, dict]:
    """depth -> :func:`reported` runs of square (row 0) and ReLU (row 1) on the spiral."""
    names = ["square", "relu"]
    settings = {"steps": ct.BAD_STEPS, "names": names}
    return {
        d: reported(ct.bad_run, lookup=lookup, seeds=seeds, depth=d, **settings)
        for d in ct.SQUARE_DEPTHS
    }


def sign_task(steps: int, lookup=None, seeds: Sequence[int] = REPORT_SEEDS) -> dict:
    """:func:`reported` runs of square and ReLU nets, with and without biases, on the mirrored
    sign task (``sign_runs.SIGN_CONTENDERS`` order)."""
    return reported(sr.sign_run, lookup=lookup, seeds=seeds, steps=steps)


def input_scale(steps: int, lookup=None, seeds: Sequence[int] = REPORT_SEEDS) -> dict:
    """:func:`reported` runs of tanh and ReLU spiral nets under each initialisation; contenders
    in the order ``(name, init) for name in SCALE_NAMES for init in SCALE_INITS``."""
    return reported(ct.scale_run, lookup=lookup, seeds=seeds, steps=steps)


def input_scale_fixed(lookup=None, seeds: Sequence[int] = REPORT_SEEDS) -> dict:
    """The input-scale nets at the one shared rate :data:`FIXED_LR` for the short budget (no
    tuning), on ``seeds`` (default :data:`REPORT_SEEDS`): arrays of shape (C, n_seeds)."""
    return at_rate(ct.scale_run, FIXED_LR, seeds=seeds, lookup=lookup,
                   steps=ct.SCALE_BUDGETS[0])  # fmt: skip


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


def gated_comparison(lookup=None, seeds: Sequence[int] = REPORT_SEEDS) -> dict:
    """:func:`reported` runs of the plain and gated MNIST-1D nets of ``GATED_MODELS``."""
    return reported(ct.gated_run, lookup=lookup, seeds=seeds, steps=ct.GATED_STEPS)


def signal_at_init(setting: str, names: Sequence[str] = ("relu", "leaky_relu")) -> np.ndarray:
    """The spread of the signal at the start of a dying-ReLU setting: the standard deviation of
    every hidden layer's activations over the whole training set, before any training.

    Returns
    -------
    ndarray of shape (len(names), len(DYING_SEEDS), DYING_DEPTH)
    """
    bias = ct.DYING_SETTINGS[setting][0]
    (X, _), _ = data.load("mnist1d", dtype=np.float32)
    sizes = [X.shape[1], *[ct.DYING_WIDTH] * ct.DYING_DEPTH, 10]
    out = np.empty((len(names), len(ct.DYING_SEEDS), ct.DYING_DEPTH))
    for i, name in enumerate(names):
        for j, seed in enumerate(ct.DYING_SEEDS):
            net = MLP(sizes, name, init="he", seed=seed, dtype=np.float32, bias_init=bias)
            _, post = net.hidden(X)
            out[i, j] = [float(a.std()) for a in post[:-1]]
    return out


# ---- verdicts -----
def majority_share(task: str = "mnist1d") -> float:
    """The test set's largest class share: the accuracy of a net that always answers that
    class, at or below which a seed counts as collapsed (:func:`bendlines.stats.collapsed`)."""
    y = ct.split(task)[2][1]
    return float(np.bincount(y).max() / len(y))


def h2h_table(report: dict) -> dict[str, np.ndarray]:
    """Activation name -> test accuracy over the report seeds (``H2H_ACTIVATIONS`` order)."""
    return {name: report["test_acc"][i] for i, name in enumerate(ct.H2H_ACTIVATIONS)}


def h2h_verdicts(report: dict) -> dict[tuple[str, str], st.Comparison]:
    """Every pair of one head-to-head table, paired over the report seeds, one Holm family."""
    return st.compare(h2h_table(report))


def h2h_leaders(report: dict) -> dict:
    """:func:`bendlines.stats.replicated_top` of one head-to-head table."""
    return st.replicated_top(h2h_table(report))


def speed_at_rates(depth: int, steps: int, target: int = 1, lookup=None) -> dict:
    """Steps to the training-loss target ``H2H_TARGETS[target]`` of every activation at every
    shared rate of the head-to-head grid (the tuning runs: nothing is chosen here).

    Returns
    -------
    dict
        ``"grid"`` (R,) rates; ``"steps"`` (R, C, S): steps per rate, activation and seed
        (``nan``: the target was not reached within the budget).
    """
    lookup = results.get if lookup is None else lookup
    ks, runs, complete = _grid(ct.h2h_run, {"depth": depth, "steps": steps}, TUNE_SEEDS, lookup)
    if not complete:
        raise RuntimeError(f"head-to-head runs for {depth} layers, {steps} steps are missing")
    grid = np.array([ct.learning_rate(k) for k in ks])
    per = np.array([[runs[k][s]["steps_to"][:, target] for s in TUNE_SEEDS] for k in ks])
    return {"grid": grid, "steps": per.transpose(0, 2, 1)}


def _pair(table: dict, a: str, b: str, names: dict, family: int = 1) -> str:
    return st.verdict(table[a], table[b], names=(names[a], names[b]), family=family).words()


def _exact_pair(table: dict, a: str, b: str, names: dict, family: int = 1) -> str:
    """:func:`_pair`, but an interval whose two ends print the same says how narrow it is
    instead: "on each of the 10 seeds" when every seed gave the same difference."""
    c = st.verdict(table[a], table[b], names=(names[a], names[b]), family=family)
    text = c.words()
    if f"{100 * c.lo:.1f}" != f"{100 * c.hi:.1f}":
        return text
    d = np.asarray(table[a], dtype=float) - np.asarray(table[b], dtype=float)
    if np.ptp(d) == 0:
        exact = f"on each of the {d.size} seeds"
    else:
        exact = "interval narrower than 0.1 points"
    head, _, _ = text.rpartition(" (")
    if c.winner is None:
        return f"{head} (difference {100 * c.diff:.1f} points, {exact})"
    return f"{head} ({exact})"


def verdicts(lookup=None) -> dict[str, str]:
    """Every verdict sentence of the chapter (glue name -> text), from :mod:`bendlines.stats`
    on the stored runs. Comparisons stated together are one family: Holm within a table,
    Bonferroni (a little stricter) for the few pairs of a paragraph."""
    lookup = results.get if lookup is None else lookup
    names = dict(NAMES)
    out: dict[str, str] = st.Verdicts()
    # why not any nonlinear function (the spiral)
    bad = bad_candidates(lookup)
    b = {n: bad["test_acc"][i] for i, n in enumerate(ct.BAD_CANDIDATES)}
    # the section states two verdicts on this table: one Bonferroni family of two
    out["bad_ssq_vs_relu"] = _pair(b, "signed_sqrt", "relu", names, 2)
    out["bad_step_vs_relu"] = _pair(b, "step", "relu", names, 2)
    square = square_by_depth(lookup)
    words = []
    for d in ct.SQUARE_DEPTHS:
        t = {"square": square[d]["test_acc"][0], "relu": square[d]["test_acc"][1]}
        words.append(f"{_pair(t, 'square', 'relu', names, len(ct.SQUARE_DEPTHS))} with {d}")
    out["square_verdicts"] = st.join_words(words)
    # the mirrored sign task: against the bias-free square net, long budget, a family of two
    sign = sign_task(sr.SIGN_BUDGETS[-1], lookup)["test_acc"]
    t = {c: sign[k] for k, c in enumerate(sr.SIGN_CONTENDERS)}
    label = {("square", True): "the square net with biases",
             ("square", False): "the square net without biases",
             ("relu", False): "the ReLU net without biases"}  # fmt: skip
    pairs = {"sign_relu_nobias_vs_square": (("relu", False), ("square", False)),
             "sign_square_bias_vs_nobias": (("square", True), ("square", False))}  # fmt: skip
    for key, (x, y) in pairs.items():
        out[key] = _exact_pair(t, x, y, label, len(pairs))
    # tanh and the input scale
    combos = [(n, str(i)) for n in ct.SCALE_NAMES for i in ct.SCALE_INITS]
    label = {("tanh", "1.41"): "standard deviation 1.41", ("tanh", "xavier"): "Xavier",
             ("relu", "1.41"): "standard deviation 1.41", ("relu", "xavier"): "Xavier"}  # fmt: skip
    # the section's four verdicts are one Bonferroni family (SCALE_FAMILY)
    for steps, tag in zip(ct.SCALE_BUDGETS, ("short", "long"), strict=True):
        acc = input_scale(steps, lookup)["test_acc"]
        t = {c: acc[k] for k, c in enumerate(combos)}
        out[f"scale_{tag}_verdict"] = _pair(t, ("tanh", "1.41"), ("tanh", "xavier"), label,
                                            SCALE_FAMILY)  # fmt: skip
    fixed = input_scale_fixed(lookup)
    t = {c: fixed["test_acc"][k] for k, c in enumerate(combos)}
    for n in ("tanh", "relu"):
        out[f"fixed_{n}_verdict"] = _pair(t, (n, "1.41"), (n, "xavier"), label, SCALE_FAMILY)
    # dying ReLU: the four comparisons of the section are one family
    acc = {s: dying(s, lookup)["test_acc"] for s in ct.DYING_SETTINGS}
    D = {n: i for i, n in enumerate(ct.DYING_ACTIVATIONS)}
    adam, large = acc["negative bias, Adam"], acc["large rate"]
    dy = {
        "d_adam_leaky_vs_relu": (adam[D["leaky_relu"]], adam[D["relu"]], "leaky ReLU", "ReLU"),
        "d_adam_elu_vs_relu": (adam[D["elu"]], adam[D["relu"]], "ELU", "ReLU"),
        "d_large_leaky_vs_relu": (large[D["leaky_relu"]], large[D["relu"]], "leaky ReLU", "ReLU"),
        "d_fix_vs_large": (acc["zero bias, Adam"][D["relu"]], large[D["relu"]],
                           "the smaller rate", "the large rate"),
        "d_elu_vs_fix": (adam[D["elu"]], acc["zero bias, Adam"][D["relu"]],
                         "ELU", "ReLU with zero biases"),
    }  # fmt: skip
    assert len(dy) == DYING_FAMILY
    for key, (x, y, nx, ny) in dy.items():
        out[key] = st.verdict(x, y, names=(nx, ny), family=DYING_FAMILY).words()
    out.update(_init_verdicts(lookup))
    out.update(_gated_verdicts(lookup))
    # a learned PReLU against leaky ReLU at two fixed slopes: two pairs, one family
    prelu = learned_prelu.comparison()
    for slope, key in (("0.01", "pr_vs_001"), ("0.25", "pr_vs_025")):
        out[key] = st.verdict(
            prelu[f"leaky_{slope}"]["test"], prelu["prelu"]["test"],
            names=(f"leaky ReLU with slope {slope}", "PReLU"), family=PRELU_FAMILY,
        ).words()  # fmt: skip
        # the same pair after more steps (same rates and seeds), its own family of two
        out[f"{key}_long"] = st.verdict(
            prelu[f"leaky_{slope}"]["test_long"], prelu["prelu"]["test_long"],
            names=(f"leaky ReLU with slope {slope}", "PReLU"), family=PRELU_FAMILY,
        ).words()  # fmt: skip
    out["pr_ranking"] = prelu_ranking_sentence(prelu)
    out.update(_h2h_verdicts(lookup, names))
    return out


#: Names of the initialisations in the chapter's sentences.
INIT_NAMES = {"he": "He", "rai": "the asymmetric initialisation", "rai_symmetric": "the control"}
#: The initialisation pairs the chapter judges, at each budget: one family of six.
INIT_PAIRS = (("rai", "he"), ("rai_symmetric", "he"), ("rai", "rai_symmetric"))


def _init_verdicts(lookup) -> dict[str, str]:
    """He, RAI and its symmetric control: three pairs at two budgets, one Bonferroni family."""
    family = len(INIT_PAIRS) * len(ai.INIT_BUDGETS)
    declared, out = [], st.Verdicts()
    for steps in ai.INIT_BUDGETS:
        r = initialisations(steps, lookup)["test_acc"]
        t = {n: r[i] for i, n in enumerate(ai.INIT_CONTENDERS)}
        for x, y in INIT_PAIRS:
            c = _pair(t, x, y, INIT_NAMES, family)
            if st.verdict(t[x], t[y], family=family).winner is not None:
                declared.append(f"after {steps} steps {c}")
            if (x, y) == ("rai", "he") and steps == ai.INIT_BUDGETS[-1]:
                out["init_rai_vs_he"] = c
    out["init_all_tie"] = (
        "no pair can be told apart at this strictness"
        if not declared
        else st.join_words(declared) + ", and no other pair can be told apart"
    )
    out["init_lesson"] = (
        "On a wide net the asymmetric initialisation buys nothing we can measure; it earns its "
        "keep where nets are deep and narrow."
        if not declared
        else "Even on a wide net the initialisation made a measurable difference."
    )
    return out


#: The gated table's pairs, each written with the gated or smoother net first.
GATED_PAIRS = (("SwiGLU", "ReLU"), ("GLU", "ReLU"), ("GELU", "ReLU"), ("SwiGLU", "GLU"),
               ("SwiGLU", "GELU"), ("GLU", "GELU"))  # fmt: skip


def gated_verdicts(table: dict) -> dict[tuple[str, str], st.Comparison]:
    """The gated table's six pairs, paired over the report seeds, one Holm family."""
    return st.compare(table, pairs=GATED_PAIRS)


def _gated_verdicts(lookup) -> dict[str, str]:
    """Plain against gated nets: the table's six pairs (Holm) and its replicated top group."""
    g = gated_comparison(lookup)["test_acc"]
    t = {n: g[i] for i, n in enumerate(ct.GATED_MODELS)}
    v = gated_verdicts(t)
    out = st.Verdicts({f"g_{x.lower()}_{y.lower()}": c.words() for (x, y), c in v.items()})
    lead = st.replicated_top(t)
    n = g.shape[1]

    def group(key: str) -> str:
        return st.join_words([m for m in ct.GATED_MODELS if m in lead[key]])

    if lead["holds"] and lead["all"] == set(ct.GATED_MODELS):
        out["g_top"] = "no net is ahead of another, on all seeds and on each half of them"
    elif lead["holds"]:
        out["g_top"] = f"led by {group('all')}, on all seeds and on each half of them"
    else:
        out["g_top"] = (
            f"without a replicated leader: on all {n} seeds no net is ahead of {group('all')}, "
            f"but the halves of {n // 2} seeds disagree (first half: {group('first')}; "
            f"second half: {group('second')})"
        )
    gates, plain = ("SwiGLU", "GLU"), ("ReLU", "GELU")
    gate_ahead = [x for x in gates if all(v[x, y].winner == x for y in plain)]
    out["g_lesson"] = (
        f"Here {st.join_words(gate_ahead)} came out ahead of both plain nets, even on a task "
        "this small."
        if gate_ahead
        else "On a task this small no gated net came out ahead of both plain ones: the gate's "
        "benefit does not show here, and its reputation comes from large transformers."
    )
    return out


def prelu_ranking_sentence(prelu: dict) -> str:
    """Whether the PReLU comparison's two declared verdicts (against each leaky slope) and the
    order of the three mean accuracies are the same after ``LONG_STEPS`` as after ``STEPS``."""
    winners, orders = [], []
    for key in ("test", "test_long"):
        winners.append([st.verdict(prelu[f"leaky_{s}"][key], prelu["prelu"][key],
                                   names=(f"leaky_{s}", "prelu"), family=PRELU_FAMILY).winner
                        for s in ("0.01", "0.25")])  # fmt: skip
        orders.append(sorted(prelu, key=lambda c, k=key: -prelu[c][k].mean()))
    changed = [s for s, a, b in zip(("0.01", "0.25"), *winners, strict=True) if a != b]
    order = "the same" if orders[0] == orders[1] else "not the same"
    if not changed:
        return f"so both verdicts are unchanged and the order of the three means is {order}"
    slopes = " and ".join(f"slope {s}" for s in changed)
    return (
        f"so the order of the three means is {order}, but the verdict against {slopes} "
        "changes with the budget: on that pair the ranking has not settled"
    )


def _h2h_verdicts(lookup, names: dict) -> dict[str, str]:
    out = st.Verdicts()
    for d, budgets in H2H_BUDGETS.items():
        for s, tag in zip(budgets, ("short", "long"), strict=True):
            report = head_to_head_report(d, s, lookup)
            v = h2h_verdicts(report)
            lead = h2h_leaders(report)
            n = report["test_acc"].shape[1]

            def group(key: str, lead: dict = lead) -> str:
                return st.join_words([names[n] for n in ct.H2H_ACTIVATIONS if n in lead[key]])

            if lead["holds"]:
                out[f"top_{d}_{tag}"] = (
                    f"led by {group('all')}, on all seeds and on each half of them"
                )
            else:
                out[f"top_{d}_{tag}"] = (
                    f"without a replicated leader: on all {n} seeds no activation is ahead of "
                    f"{group('all')}, but the halves of {n // 2} seeds disagree (first half: "
                    f"{group('first')}; second half: {group('second')})"
                )
            if tag == "long":
                out[f"leaders_{d}"] = (
                    f"{group('all')} lead on all seeds and on each half of them"
                    if lead["holds"]
                    else f"no leader replicates (on all seeds nothing was ahead of {group('all')})"
                )
                ahead = sorted({c.winner for c in v.values() if c.loser == "relu"},
                               key=ct.H2H_ACTIVATIONS.index)  # fmt: skip
                out[f"relu_rank_{d}"] = (
                    "no activation was ahead of it"
                    if not ahead
                    else st.join_words([names[n] for n in ahead])
                    + (" were" if len(ahead) > 1 else " was")
                    + " ahead of it"
                )
            for other, key in (("leaky_relu", "leaky"), ("gelu", "gelu")):
                c = v[("relu", other)]
                c = c.renamed(names)
                out[f"{key}_{d}_{tag}"] = c.words()
            if (d, tag) == (8, "long"):
                out.update(_deep_verdicts(report, v, names))
    out.update(speed_verdicts(lookup, names))
    return out


def _deep_verdicts(report: dict, v: dict, names: dict) -> dict[str, str]:
    """The long 8-layer table's sentences: the best mean against ReLU, GELU's claim, sigmoid."""
    order = list(ct.H2H_ACTIVATIONS)
    best = order[int(np.argmax(report["test_acc"].mean(axis=1)))]

    def pair(a: str, b: str) -> st.Comparison:
        return v[(a, b)] if (a, b) in v else v[(b, a)]

    gelu = pair("gelu", "relu")
    ahead_of_sigmoid = [n for n in order if n != "sigmoid" and pair(n, "sigmoid").winner == n]
    behind = [n for n in order if n not in ahead_of_sigmoid and n != "sigmoid"]
    return {
        "best_8": names[best],
        "relu_vs_best_8": pair(best, "relu").renamed(names).words(),
        "gelu_claim": "Here GELU did come out ahead of ReLU."
        if gelu.winner == "gelu"
        else "The claim that GELU is the best deep activation does not survive here.",
        "sigmoid_8_long": "every other activation is ahead of it"
        if not behind
        else "ahead of it are " + st.join_words([names[n] for n in ahead_of_sigmoid])
        + "; " + st.join_words([names[n] for n in behind]) + " cannot be told apart from it",
    }  # fmt: skip


#: Activations whose training speed the chapter compares at shared rates.
SPEED_NAMES = ("relu", "tanh", "silu", "gelu")


def speed_verdicts(lookup=None, names: dict = NAMES) -> dict[str, str]:
    """Steps to the loss target at shared rates: ReLU against tanh at every rate where both
    reached it on every seed (one Bonferroni family per depth; differences are tanh's steps minus
    ReLU's), and each activation's fastest rate."""
    out = st.Verdicts()
    for d, budgets in H2H_BUDGETS.items():
        sp = speed_at_rates(d, budgets[1], lookup=lookup)
        H = {n: i for i, n in enumerate(ct.H2H_ACTIVATIONS)}
        ok = [r for r in range(len(sp["grid"]))
              if not np.isnan(sp["steps"][r, [H["relu"], H["tanh"]]]).any()]  # fmt: skip
        words = []
        for r in ok:
            relu, tanh = sp["steps"][r, H["relu"]], sp["steps"][r, H["tanh"]]
            # fewer steps is better: the difference is tanh's steps minus ReLU's
            c = st.verdict(tanh, relu, names=("ReLU", "tanh"), family=len(ok))
            text = c.words(unit="steps", scale=1, digits=0, ahead="faster than")
            words.append(f"at rate {sp['grid'][r]:g}, {text}")
        out[f"speed_shared_{d}"] = "; ".join(words)
        fastest = []
        for n in SPEED_NAMES:
            mean = np.where(np.isnan(sp["steps"][:, H[n]]).any(axis=1), np.inf,
                            sp["steps"][:, H[n]].mean(axis=1))  # fmt: skip
            r = int(np.argmin(mean))
            fastest.append(f"{names[n]} {mean[r]:.0f} (at {sp['grid'][r]:g})")
        out[f"speed_fastest_{d}"] = st.join_words(fastest)
    return out


# ---- what `make experiments` computes -----
def results_tasks() -> list:
    """Every run the chapter reads from the results store (cheap experiments first)."""
    out = [(ct.dying_run, {"setting": s, "seed": seed})
           for s in ct.DYING_SETTINGS for seed in ct.DYING_SEEDS]  # fmt: skip
    for steps in ai.INIT_BUDGETS:
        out += _reported_tasks(ai.init_run, steps=steps)
    out += [(ai.collapsed_at_init, _born_settings(i, w)) for i in ai.INITS for w in DEAD_WIDTHS]
    for steps in ct.SCALE_BUDGETS:
        out += _reported_tasks(ct.scale_run, steps=steps)
    out += [(ct.scale_run, {"steps": ct.SCALE_BUDGETS[0], "lr": FIXED_LR, "seed": seed})
            for seed in REPORT_SEEDS]  # fmt: skip
    out += _reported_tasks(ct.gated_run, steps=ct.GATED_STEPS)
    out += _reported_tasks(ct.bad_run, depth=ct.BAD_DEPTH, steps=ct.BAD_STEPS)
    for steps in sr.SIGN_BUDGETS:
        out += _reported_tasks(sr.sign_run, steps=steps)
    for depth in ct.SQUARE_DEPTHS:
        out += _reported_tasks(ct.bad_run, depth=depth, steps=ct.BAD_STEPS,
                               names=["square", "relu"])  # fmt: skip
    for depth, budgets in H2H_BUDGETS.items():
        for steps in budgets:
            out += _grid_tasks(ct.h2h_run, seeds=TUNE_SEEDS, depth=depth, steps=steps)
    return out + head_to_head_report_tasks()


def results_spot_checks() -> list:
    """A few cheap entries that ``make test`` recomputes and compares with the store."""
    return [
        (ct.dying_run, {"setting": "negative bias, SGD", "seed": 0}),
        (
            ct.scale_run,
            {"steps": ct.SCALE_BUDGETS[0], "lr": ct.learning_rate(ct.GRID_START[1]), "seed": 1},
        ),
        (ct.h2h_run, {"depth": 2, "steps": H2H_BUDGETS[2][0], "lr": 1e-3, "seed": 0}),
        # one run of the head to head's report seeds (its rates come from the tuning runs)
        _report_tasks(
            2, H2H_BUDGETS[2][0], head_to_head(2, H2H_BUDGETS[2][0], lookup=results.peek)["lr"]
        )[-1],
        (sr.sign_run, {"steps": sr.SIGN_BUDGETS[0], "lr": 1e-2, "seed": 2}),
        # one report run of a smaller comparison (its rate comes from the tuning runs)
        _reported_tasks(sr.sign_run, steps=sr.SIGN_BUDGETS[0])[-1],
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
