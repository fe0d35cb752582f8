"""JavaScript against Python: the widgets compute what the package computes.

Python writes the inputs, the widgets' own modules evaluate them in Node, Python compares.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import widget_node
from scipy import integrate, special

from bendlines import activations

REL = 1e-12
#: Below this both sides are deep in the subnormal range, where no relative accuracy exists.
UNDERFLOW = 1e-295
#: tanh' is computed as 1 - tanh(x)**2 on both sides. For 18.5 < |x| < 19.1, tanh(x) is within
#: an ulp of 1 and numpy's tanh and V8's Math.tanh round it differently (V8 correctly), so the
#: difference is all cancellation: at most 2 ulps of 1, in absolute terms, and nowhere else.
CANCELLATION = {("tanh", "grad"): 4.5e-16}


def close(js: np.ndarray, py: np.ndarray, absolute: float = 0.0) -> np.ndarray:
    """Elementwise agreement: equal (infinities of the same sign included), both NaN, within
    ``REL`` relative error (or ``absolute``), or both below ``UNDERFLOW`` in size."""
    with np.errstate(invalid="ignore", over="ignore"):
        same = (js == py) | (np.isnan(js) & np.isnan(py))
        big = np.maximum(np.abs(js), np.abs(py))
        finite = np.isfinite(js) & np.isfinite(py)
        near = finite & (np.abs(js - py) <= np.maximum(REL * big, absolute))
        tiny = finite & (big < UNDERFLOW)
    return same | near | tiny


def _grid(kinks) -> np.ndarray:
    """Inputs: a fine sweep, the kinks and their float neighbours, and extremes."""
    tiny = np.finfo(float).tiny
    parts = [
        np.linspace(-50.0, 50.0, 4001),
        np.linspace(-8.0, 8.0, 1601),
        np.geomspace(1e-300, 1e300, 301),
        -np.geomspace(1e-300, 1e300, 301),
        [0.0, -0.0, 5e-324, -5e-324, tiny, -tiny, 1e4, -1e4, 709.0, 710.0, -745.0, -746.0],
        [27.0, 27.2, 27.4, -37.5, -38.0, -38.5, -39.0, 0.46875, -0.46875, 4.0, -4.0],
        [np.finfo(float).max, -np.finfo(float).max],
    ]
    # Not +-inf or NaN as inputs: the registry does not guarantee values there (see its
    # docstring), and its kernels may change what they give. Infinities and NaN as OUTPUTS
    # (log(0), sqrt'(0), sqrt(-1), x**2 for x = 1e300, ...) are compared like any value.
    for k in [*kinks, 0.0, -3.0, 3.0, 6.0]:
        parts.append([k, np.nextafter(k, -np.inf), np.nextafter(k, np.inf), k - 1e-9, k + 1e-9])
    return np.concatenate([np.asarray(p, dtype=float) for p in parts])


def _param_values(name: str) -> list[dict[str, float]]:
    """Default parameters, and for parametrised entries a spread of allowed values."""
    act = activations.get(name)
    out = [act.params]
    for key, default in act.params.items():
        for value in (0.0, 1.0, 0.05, 0.5, 2.5, -0.3, -1.0, 3.0, default):
            try:
                activations.get(name, **{key: value})
            except ValueError:
                continue
            out.append({**act.params, key: value})
    return out


def _cases():
    cases = []
    for name in activations.names():
        for params in _param_values(name):
            act = activations.get(name, **params)
            cases.append((name, params, _grid(act.properties.kinks + act.properties.singularities)))
    return cases


def test_every_registry_entry_matches_its_javascript_mirror(tmp_path):
    cases = _cases()
    payload = {"cases": [{"name": n, "params": p, "x": widget_node.encode(x)} for n, p, x in cases]}
    answer = widget_node.run("eval_activations.mjs", payload, tmp_path)["cases"]
    missing = sorted({n for (n, _, _), a in zip(cases, answer, strict=True) if "error" in a})
    assert missing == [], f"the JavaScript mirror lacks registry entries: {missing}"
    problems = []
    for (name, params, x), got in zip(cases, answer, strict=True):
        act = activations.get(name, **params)
        with np.errstate(all="ignore"):  # inf * 0 and the like, on purpose at the extremes
            expected = (("value", act(x)), ("grad", act.grad(x)))
        for what, py in expected:
            js = widget_node.decode(got[what])
            bad = ~close(js, py, CANCELLATION.get((name, what), 0.0))
            if bad.any():
                i = int(np.argmax(bad))
                problems.append(f"{name}{params} {what} at x={x[i]!r}: js {js[i]!r} py {py[i]!r}")
    assert problems == [], "\n".join(problems[:20])


def test_the_comparison_can_fail():
    """A relative error of 1e-11, a NaN against a number or an infinity of the other sign
    all count as disagreement."""
    py = np.array([1.0, 1.0, np.inf, 0.0, 1e-300])
    js = np.array([1.0 + 1e-11, np.nan, -np.inf, 1e-20, 1e-300])
    assert close(js, py).tolist() == [False, False, False, False, True]


def test_erf_and_erfc_match_scipy_in_both_tails(tmp_path):
    """JavaScript has no Math.erf: the widgets' own (Cody's rational approximations) agrees
    with scipy to 1e-13 relative, from the centre out to where erfc underflows."""
    x = np.concatenate(
        [
            np.linspace(-6.0, 6.0, 2401),
            np.linspace(0.4, 0.5, 101),  # across the first switch of formula, 0.46875
            np.linspace(3.9, 4.1, 101),  # and the second, 4
            np.linspace(4.0, 27.2, 929),  # the far tail of erfc, down to 1e-323
            [0.0, -0.0, 1e-300, -1e-300, 1e-17, np.inf, -np.inf, np.nan, 1e300],
        ]
    )
    payload = {"cases": [{"special": f, "x": widget_node.encode(x)} for f in ("erf", "erfc")]}
    got = widget_node.run("eval_activations.mjs", payload, tmp_path)["cases"]
    for answer, expected in zip(got, (special.erf(x), special.erfc(x)), strict=True):
        js = widget_node.decode(answer["value"])
        with np.errstate(invalid="ignore"):
            rel = np.abs(js - expected) / np.maximum(np.abs(expected), 1e-300)
        ok = (rel <= 1e-13) | (js == expected) | (np.isnan(js) & np.isnan(expected))
        ok |= (np.abs(expected) < UNDERFLOW) & (np.abs(js) < UNDERFLOW)
        assert ok.all(), (x[~ok][:5], js[~ok][:5], expected[~ok][:5])


def test_an_entry_missing_from_javascript_is_reported(tmp_path):
    """The registry parity test names entries the mirror lacks (here a made-up one)."""
    payload = {"cases": [{"name": "relu7", "params": {}, "x": [1.0]}]}
    (answer,) = widget_node.run("eval_activations.mjs", payload, tmp_path)["cases"]
    assert answer == {"error": 'unknown activation "relu7"'}


def _python_mean(act) -> float:
    """E[f(Z)], Z ~ N(0, 1): the registry's normal_mean when it has one, else scipy's quad
    split at the kinks."""
    if hasattr(activations, "normal_mean"):
        return float(activations.normal_mean(act.name, **act.params))
    cuts = [-12.0, *sorted(k for k in act.properties.kinks if -12 < k < 12), 12.0]
    total = 0.0
    for lo, hi in itertools.pairwise(cuts):
        part, _ = integrate.quad(
            lambda z: float(act(z)) * np.exp(-z * z / 2) / np.sqrt(2 * np.pi),
            lo,
            hi,
            epsabs=1e-13,
            epsrel=1e-12,
            limit=200,
        )
        total += part
    return total


def test_the_explorers_mean_output_and_largest_slope_match_python(tmp_path):
    """What the activation explorer reports: E[phi(Z)] to 1e-7 and max |phi'| on [-8, 8] to
    1e-6 (a sampled maximum: the grid is 1e-3 wide on both sides)."""
    entries = []
    for name in activations.names():
        act = activations.get(name)
        if act.properties.domain != "all reals":  # sqrt, log: the mean is undefined (NaN)
            continue
        entries.append(act)
    payload = {
        "cases": [
            {
                "name": a.name,
                "params": a.params,
                "kinks": widget_node.encode(a.properties.kinks + a.properties.singularities),
            }
            for a in entries
        ]
    }
    got = widget_node.run("eval_activations.mjs", payload, tmp_path)["cases"]
    for act, answer in zip(entries, got, strict=True):
        kinks = np.array(act.properties.kinks + act.properties.singularities, dtype=float)
        z = np.concatenate([np.linspace(-8, 8, 1_600_001), kinks, kinks - 1e-9, kinks + 1e-9])
        (mean,) = widget_node.decode([answer["mean"]])
        (slope,) = widget_node.decode([answer["slope"]])
        assert mean == pytest.approx(_python_mean(act), abs=1e-7), act.name
        with np.errstate(divide="ignore"):
            expected = float(np.max(np.abs(act.grad(z))))
        if np.isinf(expected):
            assert slope == np.inf, act.name
        else:
            assert slope == pytest.approx(expected, rel=1e-6), act.name
