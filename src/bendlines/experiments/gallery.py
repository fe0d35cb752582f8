"""Reference numbers for the gallery: evaluation cost, library defaults, GELU approximations.

The cost of each activation is measured by :func:`activation_cost` (``make bench`` runs
``benchmarks/bench_activations.py``, which writes this machine's table to
``benchmarks/_build/``, and with ``--update-book`` to
``src/bendlines/experiments/activation_cost.json``); the gallery reads that committed table
with :func:`stored_cost`, because timings depend on the machine and must not change the book
from one build to the next.
"""

from __future__ import annotations

import json
import math
import platform
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bendlines import activations

__all__ = [
    "COST_FILE",
    "LEAKY_RELU_DEFAULTS",
    "SWISH_BETAS",
    "activation_cost",
    "compare_swish",
    "cost_sentence",
    "gelu_approximations",
    "stored_cost",
    "swish_family",
    "swish_names",
    "verdicts",
]

#: Default negative slope of leaky ReLU in three libraries, quoted from their documentation.
LEAKY_RELU_DEFAULTS = {
    "PyTorch `torch.nn.LeakyReLU`": 0.01,
    "Keras `keras.layers.LeakyReLU`": 0.3,
    "TensorFlow `tf.nn.leaky_relu`": 0.2,
}

#: Where ``make bench`` stores the measured cost table (repository top, ``benchmarks/``).
#: The stored cost table: package data, so that a chapter download (which installs the
#: package as a wheel) reads the same table as the book.
COST_FILE = Path(__file__).with_name("activation_cost.json")


def gelu_approximations(lo: float = -10.0, hi: float = 10.0, n: int = 2_000_001) -> dict:
    """Largest errors of two cheap approximations of GELU on ``[lo, hi]``.

    Returns
    -------
    dict
        ``"tanh_max"``, ``"tanh_at"``: largest ``|gelu - gelu_tanh|`` and its ``z``;
        ``"sigmoid_max"``, ``"sigmoid_at"``: the same for ``z * sigmoid(1.702 z)``.
    """
    z = np.linspace(lo, hi, n)
    exact = activations.get("gelu")(z)
    err_tanh = np.abs(exact - activations.get("gelu_tanh")(z))
    err_sig = np.abs(exact - z * activations.get("sigmoid")(1.702 * z))
    i, j = int(np.argmax(err_tanh)), int(np.argmax(err_sig))
    return {
        "tanh_max": float(err_tanh[i]),
        "tanh_at": float(z[i]),
        "sigmoid_max": float(err_sig[j]),
        "sigmoid_at": float(z[j]),
    }


#: The Swish-beta family drawn in the gallery: beta = 0 is z / 2, large beta approaches ReLU.
SWISH_BETAS = (0.0, 0.5, 1.0, 2.0, 10.0)


def swish_family(
    betas: Sequence[float] = SWISH_BETAS, lo: float = -4.0, hi: float = 4.0, n: int = 801
) -> dict:
    """Values of ``z sigmoid(beta z)`` for each beta on ``[lo, hi]``, and how far each is from
    ReLU (largest gap on a fine grid of ``[-50, 50]``) and from the straight line ``z / 2``
    (largest gap on ``[lo, hi]``).

    For ``beta > 0`` the gap to ReLU is ``m / beta``, where ``m`` is the depth of SiLU's dip
    below 0 (about 0.278): Swish-beta is SiLU with its input and output scaled by ``beta``.
    """
    z = np.linspace(lo, hi, n)
    fine = np.linspace(-50.0, 50.0, 2_000_001)
    relu = np.maximum(fine, 0.0)
    out = {"z": z, "values": {}, "gap_relu": {}, "gap_line": {}}
    for beta in betas:
        f = activations.get("swish_beta", beta=float(beta))
        out["values"][beta] = f(z)
        out["gap_relu"][beta] = float(np.max(np.abs(f(fine) - relu)))
        out["gap_line"][beta] = float(np.max(np.abs(f(z) - z / 2)))
    return out


def activation_cost(
    names: Sequence[str] | None = None,
    n_elements: int = 2**20,
    repeats: int = 21,
    dtype=np.float32,
    seed: int = 0,
) -> dict:
    """Time per element of each activation's value and slope, against a plain copy.

    Every function runs on the same ``n_elements`` standard normal numbers of ``dtype``: once
    to warm up, then ``repeats`` times; the median counts. Time is the process's CPU time, so
    that other programs sharing the machine do not inflate long calls more than short ones.
    The *floor* is ``x.copy()`` on the same array, timed the same way: any elementwise function
    must at least read the input and write a new array of the same size, so nothing can be much
    faster than the copy.

    Returns
    -------
    dict
        ``"copy_ns"``: nanoseconds per element of the copy; ``"rows"``: name ->
        ``{"value_ns", "grad_ns", "value_x", "grad_x"}`` (ns per element and multiples of the
        copy); ``"settings"``: dtype, size, repeats, numpy version, machine.
    """
    names = activations.in_common_use() if names is None else list(names)
    for name in names:
        activations.get(name)  # unknown names raise with the list of valid ones
    if n_elements < 1 or repeats < 1:
        raise ValueError("n_elements and repeats must be >= 1")
    x = np.random.default_rng(seed).standard_normal(n_elements).astype(dtype)

    def median_ns(f) -> float:
        f(x)  # warm: caches, page faults, lazy imports
        times = []
        for _ in range(repeats):
            start = time.process_time_ns()
            f(x)
            times.append(time.process_time_ns() - start)
        return float(np.median(times)) / n_elements

    copy = median_ns(np.copy)
    rows = {}
    for name in names:
        act = activations.get(name)
        v, g = median_ns(act), median_ns(act.grad)
        rows[name] = {"value_ns": v, "grad_ns": g, "value_x": v / copy, "grad_x": g / copy}
    return {
        "copy_ns": copy,
        "rows": rows,
        "settings": {
            "dtype": np.dtype(dtype).name,
            "n_elements": n_elements,
            "repeats": repeats,
            "numpy": np.__version__,
            "machine": f"{platform.machine()}, {platform.system()}, Python "
            f"{platform.python_version()}",
        },
    }


def stored_cost(path: Path | str = COST_FILE) -> dict:
    """The cost table stored by ``make bench``; a clear error if it is missing or malformed."""
    path = Path(path)
    try:
        table = json.loads(path.read_text())
        rows = table["rows"]
        ok = all(
            math.isfinite(r[k]) and r[k] > 0
            for r in rows.values()
            for k in ("value_ns", "grad_ns", "value_x", "grad_x")
        )
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} is missing: run `make bench` to measure it") from None
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"{path} is not a valid cost table ({error}); run `make bench`") from None
    if not ok or not (math.isfinite(table["copy_ns"]) and table["copy_ns"] > 0):
        raise ValueError(f"{path} holds non-positive or non-finite timings; run `make bench`")
    return table


#: Families for the cost sentence: built from comparisons and products, or from exponentials.
PIECEWISE = ("relu", "leaky_relu")
EXPONENTIAL = ("elu", "selu", "silu", "mish", "softplus", "sigmoid")


def cost_sentence(table: dict) -> str:
    """Sentences about a cost table that only claim orderings its numbers show.

    Parameters
    ----------
    table : dict
        As returned by :func:`activation_cost` or :func:`stored_cost`.

    Returns
    -------
    str
        The cheapest and the dearest value; whether every piecewise-linear function was
        cheaper than every exponential-based one; where tanh fell.
    """
    rows = table["rows"]
    value = {n: r["value_x"] for n, r in rows.items()}
    cheap, dear = min(value, key=value.get), max(value, key=value.get)
    out = [
        f"On this machine the cheapest value was `{cheap}` ({value[cheap]:.1f} copies) and "
        f"the dearest `{dear}` ({value[dear]:.0f} copies)."
    ]
    pw = [n for n in PIECEWISE if n in value]
    ex = [n for n in EXPONENTIAL if n in value]
    if pw and ex:
        if max(value[n] for n in pw) < min(value[n] for n in ex):
            out.append(
                "Every piecewise-linear function (" + ", ".join(f"`{n}`" for n in pw) + ") was "
                "cheaper than every function built on an exponential ("
                + ", ".join(f"`{n}`" for n in ex)
                + ")."
            )
        else:
            out.append(
                "The piecewise-linear functions were not all cheaper than those built on an "
                "exponential."
            )
        if "tanh" in value:
            if value["tanh"] < min(value[n] for n in ex):
                out.append(
                    "numpy's own `tanh`, a single vectorised operation, was cheaper than all "
                    "of the exponential-based ones."
                )
            else:
                out.append("`tanh` was not cheaper than all of the exponential-based ones.")
    return " ".join(out)


def swish_names() -> dict[str, str]:
    """The Swish-β contenders' names as the page prints them."""
    from bendlines.experiments import swish_beta

    return {c: "ReLU" if b is None else f"β = {b:g}" for c, b in swish_beta.CONTENDERS.items()}


def verdicts() -> dict[str, str]:
    """The page's verdict sentences on the stored Swish-β runs (glue name -> text): at each
    budget every pair of contenders judged together (paired, Holm, :func:`bendlines.stats.compare`),
    and the leaders (``"swish_top"``, both budgets in one sentence, said once when they agree),
    named only when they replicate in both halves of the seeds."""
    from bendlines import stats as st
    from bendlines.experiments import swish_beta

    cmp = swish_beta.comparison()
    names = swish_names()
    out, tops = st.Verdicts(), []
    for steps in swish_beta.BUDGETS:
        table = {c: r["test"][steps] for c, r in cmp.items()}
        v = compare_swish(table)
        out[f"swish_vs_relu_{steps}"] = "; ".join(
            v[(c, "relu")].renamed(names).words() for c in table if c != "relu"
        )
        lead = st.replicated_top(table)
        group = st.join_words([names[c] for c in table if c in lead["all"]])
        n = len(next(iter(table.values())))
        tops.append(
            f"led by {group}, on all {n} seeds and on each half of them"
            if lead["holds"]
            else f"without a replicated leader: on all {n} seeds no contender is ahead of "
            f"{group}, but the two halves of {n // 2} seeds do not agree on that group"
        )
    short, long = swish_beta.BUDGETS
    out["swish_top"] = (
        f"after {short} steps and after {long} steps alike the field is {tops[0]}"
        if tops[0] == tops[1]
        else f"after {short} steps the field is {tops[0]}; after {long} steps it is {tops[1]}"
    )
    return out


def compare_swish(table: dict) -> dict:
    """Every pair of the Swish-β table as one Holm family (:func:`bendlines.stats.compare`)."""
    from bendlines import stats as st

    return st.compare(table)
