"""Tests of the activation registry against independent references.

References used here never call the package's formulas: scalar ``math`` implementations of the
textbook definitions, central finite differences, closed forms (Lambert's W, ln 2, ...), a root
finder for the minima and numerical integration for the SELU fixed point.
"""

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import integrate, optimize, special

from bendlines import activations
from bendlines.activations import SELU_ALPHA, SELU_LAMBDA, Activation, get, names, table

ALL_NAMES = [
    "identity", "relu", "leaky_relu", "prelu", "elu", "selu", "gelu", "gelu_tanh", "silu",
    "swish_beta", "mish", "softplus", "sigmoid", "tanh", "hard_sigmoid", "hard_swish", "relu6",
    "softsign", "step", "square", "sqrt", "log", "signed_sqrt",
]  # fmt: skip
COUNTEREXAMPLES = ["square", "sqrt", "log", "signed_sqrt"]
STABLE = ["sigmoid", "tanh", "softplus", "elu", "selu", "silu", "mish", "gelu", "gelu_tanh"]

# every entry with its defaults, plus non-default parameters
CASES = [(n, {}) for n in ALL_NAMES] + [
    ("leaky_relu", {"negative_slope": 0.2}),
    ("leaky_relu", {"negative_slope": -0.5}),
    ("leaky_relu", {"negative_slope": 1.0}),
    ("elu", {"alpha": 0.5}),
    ("elu", {"alpha": 2.0}),
    ("elu", {"alpha": 0.0}),
    ("softplus", {"beta": 0.5}),
    ("softplus", {"beta": 5.0}),
    ("prelu", {"negative_slope": 0.1}),
    ("swish_beta", {"beta": 0.0}),
    ("swish_beta", {"beta": 0.5}),
    ("swish_beta", {"beta": 4.0}),
]
CASE_IDS = [n + "".join(f"-{k}={v}" for k, v in p.items()) for n, p in CASES]

_C = math.sqrt(2.0 / math.pi)


def _ref(name, x, negative_slope=None, alpha=1.0, beta=1.0):
    """Textbook definitions, one Python float at a time (independent of the package)."""
    if name == "identity":
        return x
    if name == "relu":
        return max(0.0, x)
    if name in ("leaky_relu", "prelu"):
        a = negative_slope if negative_slope is not None else {"leaky_relu": 0.01}.get(name, 0.25)
        return x if x > 0 else a * x
    if name == "swish_beta":
        return x / (1.0 + math.exp(-beta * x)) if beta * x > -700 else 0.0
    if name == "elu":
        return x if x > 0 else alpha * (math.exp(x) - 1.0)
    if name == "selu":
        return 1.0507009873554805 * (x if x > 0 else 1.6732632423543772 * math.expm1(x))
    if name == "gelu":
        return 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0)))
    if name == "gelu_tanh":
        return 0.5 * x * (1.0 + math.tanh(_C * (x + 0.044715 * x**3)))
    if name == "silu":
        return x / (1.0 + math.exp(-x))
    if name == "mish":
        return x * math.tanh(math.log(1.0 + math.exp(x)))
    if name == "softplus":
        return math.log(1.0 + math.exp(beta * x)) / beta
    if name == "sigmoid":
        return 1.0 / (1.0 + math.exp(-x))
    if name == "tanh":
        return math.tanh(x)
    if name == "hard_sigmoid":
        return min(max(x + 3.0, 0.0), 6.0) / 6.0
    if name == "hard_swish":
        return x * min(max(x + 3.0, 0.0), 6.0) / 6.0
    if name == "relu6":
        return min(max(x, 0.0), 6.0)
    if name == "softsign":
        return x / (1.0 + abs(x))
    if name == "step":
        return 1.0 if x > 0 else 0.0
    if name == "square":
        return x * x
    if name == "sqrt":
        return math.sqrt(x)
    if name == "log":
        return math.log(x)
    if name == "signed_sqrt":
        return math.copysign(math.sqrt(abs(x)), x)
    raise AssertionError(name)


def _domain_grid(act, grid):
    domain = act.properties.domain
    if domain == "x >= 0":
        return grid[grid >= 0]
    if domain == "x > 0":
        return grid[grid > 0]
    return grid


def _away_from_special_points(act, x, margin):
    bad = act.properties.kinks + act.properties.singularities
    keep = np.ones(x.shape, dtype=bool)
    for k in bad:
        keep &= np.abs(x - k) > margin
    return x[keep]


# a deterministic grid: fine near the origin, logarithmic out to 1e6
_FINE = np.linspace(-10.0, 10.0, 200_001)
_LOG = np.logspace(-8, 6, 1401)
GRID = np.unique(np.concatenate([-_LOG, [0.0, 1e-300], _LOG, _FINE]))


# ---------------------------------------------------------------------------------------------
# registry and API
# ---------------------------------------------------------------------------------------------
def test_names_in_book_order():
    assert names() == ALL_NAMES
    assert names(include_counterexamples=False) == [
        n for n in ALL_NAMES if n not in COUNTEREXAMPLES
    ]
    assert [n for n in ALL_NAMES if get(n).counterexample] == COUNTEREXAMPLES


def test_cite_keys_match_the_bibliography_contract():
    expected = {
        "relu": "nair2010", "leaky_relu": "maas2013", "prelu": "he2015",
        "swish_beta": "ramachandran2017", "elu": "clevert2016",
        "selu": "klambauer2017", "gelu": "hendrycks2016", "gelu_tanh": "hendrycks2016",
        "silu": "elfwing2018", "mish": "misra2019", "softplus": "dugas2001",
        "sigmoid": "rumelhart1986", "tanh": "lecun1998", "hard_sigmoid": "howard2019",
        "hard_swish": "howard2019", "relu6": "krizhevsky2010", "softsign": "turian2009",
        "step": "mcculloch1943", "identity": "dinh2022", "square": "dinh2022",
        "sqrt": "dinh2022", "log": "dinh2022", "signed_sqrt": "dinh2022",
    }  # fmt: skip
    assert {n: get(n).cite for n in ALL_NAMES} == expected
    assert "ramachandran2017" in get("silu").note


@pytest.mark.parametrize("name", ALL_NAMES)
def test_metadata_is_well_formed(name):
    act = get(name)
    for tex in (act.latex, act.latex_grad):
        assert tex.strip()
        assert tex.count("{") == tex.count("}")
        assert tex.count(r"\left") == tex.count(r"\right")
        assert tex.count(r"\begin") == tex.count(r"\end")
        assert "|" not in tex  # it must fit in a Markdown table cell: \lvert z \rvert, not |z|
        # The book calls the pre-activation z: the formulas use z, never x.
        assert not re.search(r"(?<![A-Za-z\\])x(?![A-Za-z])", tex), tex
        assert re.search(r"(?<![A-Za-z\\])z(?![A-Za-z])", tex) or tex in {"0", "1"}, tex
    # one plain-English sentence
    assert act.note.endswith(".") and ". " not in act.note and len(act.note) > 30
    p = act.properties
    assert p.domain in {"all reals", "x >= 0", "x > 0"}
    assert p.range[0] < p.range[1]
    assert all(isinstance(v, float) for v in p.range)


def test_table_rows():
    rows = table()
    assert [r["name"] for r in rows] == ALL_NAMES
    keys = ["name", "latex", "latex_grad", "params", "range", "monotonic", "smooth",
            "mean_output", "bounded", "domain", "common", "cite", "note"]  # fmt: skip
    assert all(list(r) == keys for r in rows)
    elu2, soft = table([get("elu", alpha=2.0), "softplus"])
    assert elu2["params"] == {"alpha": 2.0} and elu2["range"] == (-2.0, math.inf)
    assert soft["params"] == {"beta": 1.0} and soft["bounded"] is False


def test_get_accepts_instances_and_is_hashable():
    act = get("relu")
    assert get(act) is act
    assert get("elu") == get("elu", alpha=1) == Activation("elu", alpha=1.0)
    assert hash(get("elu")) == hash(get("elu", alpha=1))
    assert len({get("elu"), get("elu", alpha=1.0), get("elu", alpha=2.0)}) == 2
    assert get(get("elu"), alpha=2.0).params == {"alpha": 2.0}
    leaky = get("leaky_relu")
    assert repr(leaky) == "Activation('leaky_relu', negative_slope=0.01)"
    assert repr(get("relu")) == "Activation('relu')"
    assert eval(repr(leaky), {"Activation": Activation}) == leaky
    leaky.params["negative_slope"] = 5.0  # a copy: the activation cannot be changed
    assert leaky.params == {"negative_slope": 0.01}
    assert get("softplus", beta=2).params == {"beta": 2.0}


@pytest.mark.parametrize(
    ("name", "params", "must_mention"),
    [
        ("relux", {}, ["relu", "signed_sqrt", "gelu_tanh"]),
        ("", {}, ["identity", "log"]),
        ("elu", {"beta": 1.0}, ["beta", "alpha"]),
        ("relu", {"alpha": 1.0}, ["alpha", "none"]),
        ("softplus", {"beta": 0.0}, ["beta", "> 0"]),
        ("softplus", {"beta": -1.0}, ["beta", "> 0"]),
        ("softplus", {"beta": math.nan}, ["beta", "> 0"]),
        ("elu", {"alpha": -0.1}, ["alpha", ">= 0"]),
        ("elu", {"alpha": "1"}, ["alpha", ">= 0"]),
        ("elu", {"alpha": True}, ["alpha", ">= 0"]),
        ("leaky_relu", {"negative_slope": math.inf}, ["negative_slope", "finite"]),
    ],
)
def test_bad_names_and_params_raise_listing_what_is_allowed(name, params, must_mention):
    with pytest.raises(ValueError) as info:
        get(name, **params)
    for word in must_mention:
        assert word in str(info.value)


def test_non_real_input_raises():
    with pytest.raises(ValueError, match="real numbers"):
        get("relu")(np.array([1 + 2j]))


# ---------------------------------------------------------------------------------------------
# values and derivatives against independent references
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_values_match_textbook_definitions(name, params):
    act = get(name, **params)
    rng = np.random.default_rng(0)
    x = _domain_grid(act, np.concatenate([rng.uniform(-20, 20, 300), np.arange(-8.0, 9.0)]))
    expected = np.array([_ref(name, float(v), **params) for v in x])
    np.testing.assert_allclose(act(x), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_derivative_matches_central_differences(name, params):
    act = get(name, **params)
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(-8, 8, 400), rng.uniform(8, 30, 20), -rng.uniform(8, 30, 20)])
    if act.properties.domain != "all reals":
        x = np.abs(x)
    if act.properties.singularities or act.properties.domain != "all reals":
        x = x[np.abs(x) > 0.05]  # keep clear of the infinite slope at 0
    x = _away_from_special_points(act, x, margin=1e-3)
    h = 1e-5
    fd = (act(x + h) - act(x - h)) / (2 * h)
    np.testing.assert_allclose(act.grad(x), fd, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_value_and_grad_agrees_with_separate_calls(name, params, dtype):
    act = get(name, **params)
    x = _domain_grid(act, np.linspace(-12, 12, 2401)).astype(dtype)
    x = np.concatenate([x, act.properties.kinks]).astype(dtype)
    y, g = act.value_and_grad(x)
    eps = np.finfo(dtype).eps
    scale = 1 + max(abs(v) for v in (*params.values(), SELU_ALPHA * SELU_LAMBDA))
    np.testing.assert_allclose(y, act(x), rtol=4 * eps, atol=4 * eps * scale)
    np.testing.assert_allclose(g, act.grad(x), rtol=4 * eps, atol=4 * eps * scale)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_float32_agrees_with_float64(name, params):
    act = get(name, **params)
    x32 = _domain_grid(act, np.linspace(-20, 20, 4001)).astype(np.float32)
    x32 = _away_from_special_points(act, x32, margin=0.02)
    x64 = x32.astype(np.float64)
    for f in (act, act.grad):
        ref = f(x64)
        np.testing.assert_allclose(f(x32), ref, rtol=2e-6, atol=1e-6)


def test_known_values():
    ln2 = math.log(2.0)
    cases = [
        ("relu", {}, -10.0, 0.0),
        ("relu", {}, 2.5, 2.5),
        ("sigmoid", {}, 0.0, 0.5),
        ("softplus", {}, 0.0, ln2),
        ("softplus", {"beta": 2.0}, 0.0, ln2 / 2),
        ("tanh", {}, 0.0, 0.0),
        ("selu", {}, 1.0, 1.0507009873554805),
        ("selu", {}, -1e3, -1.0507009873554805 * 1.6732632423543772),
        ("gelu", {}, 1.0, 0.8413447460685429),
        ("gelu_tanh", {}, 1.0, 0.5 * (1 + math.tanh(_C * 1.044715))),
        ("silu", {}, 1.0, 1 / (1 + math.exp(-1))),
        ("mish", {}, 0.0, 0.0),
        ("hard_sigmoid", {}, 3.0, 1.0),
        ("hard_sigmoid", {}, -3.0, 0.0),
        ("hard_sigmoid", {}, 0.0, 0.5),
        ("hard_swish", {}, 1.0, 2 / 3),
        ("hard_swish", {}, -1.5, -0.375),
        ("hard_swish", {}, 4.0, 4.0),
        ("relu6", {}, 7.0, 6.0),
        ("softsign", {}, 1.0, 0.5),
        ("elu", {}, -1e3, -1.0),
        ("elu", {"alpha": 2.0}, -1e3, -2.0),
        ("leaky_relu", {}, -2.0, -0.02),
        ("leaky_relu", {"negative_slope": 0.2}, -2.0, -0.4),
        ("step", {}, 0.0, 0.0),
        ("step", {}, 1e-300, 1.0),
        ("square", {}, -3.0, 9.0),
        ("signed_sqrt", {}, -4.0, -2.0),
        ("log", {}, math.e, 1.0),
    ]
    for name, params, x, expected in cases:
        assert get(name, **params)(x) == pytest.approx(expected, rel=1e-15, abs=1e-300), name


def test_derivative_conventions_at_kinks():
    assert get("relu").grad(0.0) == 0.0
    assert get("leaky_relu").grad(0.0) == 0.01
    assert get("leaky_relu", negative_slope=0.3).grad(0.0) == pytest.approx(0.3)
    assert get("elu", alpha=2.0).grad(0.0) == 2.0
    assert list(get("relu6").grad([0.0, 6.0])) == [0.0, 0.0]
    assert list(get("hard_sigmoid").grad([-3.0, 3.0])) == [0.0, 0.0]
    np.testing.assert_allclose(get("hard_swish").grad([-3.0, 3.0]), [-0.5, 1.5])
    x = np.linspace(-5, 5, 101)
    assert np.all(get("step").grad(x) == 0.0)
    assert np.all(get("identity").grad(x) == 1.0)
    np.testing.assert_array_equal(get("square").grad(x), 2 * x)


def test_selu_constants_are_the_self_normalising_fixed_point():
    # For z ~ N(0, 1): E[selu(z)] = 0 and E[selu(z)^2] = 1 (Klambauer et al. 2017, eq. 4-5),
    # for the reference formula and for the registry's selu alike.
    selu = get("selu")
    for f in (lambda z: _ref("selu", z), lambda z: float(selu(z))):

        def moment(k, f=f):
            g = lambda z: f(z) ** k * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
            return integrate.quad(g, -np.inf, 0)[0] + integrate.quad(g, 0, np.inf)[0]

        assert abs(moment(1)) < 1e-9
        assert moment(2) == pytest.approx(1.0, abs=1e-9)


def test_selu_constants_match_their_closed_forms():
    # Klambauer et al. (2017), eq. 14: the fixed point (mean 0, variance 1) in closed form
    e, c1, c2 = math.e, math.erfc(1 / math.sqrt(2)), math.erfc(math.sqrt(2))
    alpha = -math.sqrt(2 / math.pi) / (c1 * math.sqrt(e) - 1)
    scale = (1 - c1 * math.sqrt(e)) * math.sqrt(2 * math.pi)
    scale /= math.sqrt(2 * c2 * e**2 + math.pi * c1**2 * e - 2 * (2 + math.pi) * c1 * math.sqrt(e)
                       + math.pi + 2)  # fmt: skip
    assert SELU_ALPHA == pytest.approx(alpha, rel=1e-15)
    assert SELU_LAMBDA == pytest.approx(scale, rel=1e-15)


def test_sigmoid_slope_peaks_at_one_quarter():
    x = np.linspace(-10, 10, 20_001)
    g = get("sigmoid").grad(x)
    assert g.max() == 0.25
    assert x[g.argmax()] == 0.0
    assert get("tanh").grad(x).max() == 1.0


def test_gelu_tanh_is_within_half_a_thousandth_of_gelu():
    x = np.linspace(-10, 10, 2_000_001)
    gap = np.abs(get("gelu_tanh")(x) - get("gelu")(x)).max()
    assert 4e-4 < gap < 5e-4


def _minimum(name):
    """Global minimum of a smooth non-monotonic entry via a root of the reference derivative."""
    h = 1e-6
    d = lambda x: (_ref(name, x + h) - _ref(name, x - h)) / (2 * h)  # noqa: E731
    x0 = optimize.brentq(d, -2.0, -0.5, xtol=1e-14)
    return _ref(name, x0)


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "mish", "silu"])
def test_declared_minima(name):
    low = get(name).properties.range[0]
    assert low == pytest.approx(_minimum(name), abs=1e-12)
    if name == "silu":
        assert low == pytest.approx(-special.lambertw(math.exp(-1)).real, rel=1e-15)


def test_tails_keep_relative_precision():
    x = np.array([-700.0, -300.0, -80.0, -40.0])
    sig = np.array([math.exp(v) / (1 + math.exp(v)) for v in x])
    np.testing.assert_allclose(get("sigmoid")(x), sig, rtol=1e-14)
    np.testing.assert_allclose(get("softplus")(x), [math.log1p(math.exp(v)) for v in x], rtol=1e-14)
    np.testing.assert_allclose(get("silu")(x), x * sig, rtol=1e-14)
    x32 = np.array([-80.0, -40.0, -17.0], dtype=np.float32)
    np.testing.assert_allclose(get("sigmoid")(x32), get("sigmoid")(x32.astype(float)), rtol=1e-6)


# ---------------------------------------------------------------------------------------------
# numerical stability
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", STABLE)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_for_large_inputs(name, dtype):
    act = get(name)
    x = np.concatenate([-_LOG[_LOG <= 1e4], [0.0], _LOG[_LOG <= 1e4], np.linspace(-1e4, 1e4, 2001)])
    x = x.astype(dtype)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        y, g = act(x), act.grad(x)
        y2, g2 = act.value_and_grad(x)
    for arr in (y, g, y2, g2):
        assert arr.dtype == dtype
        assert np.all(np.isfinite(arr))
    lo, hi = act.properties.range
    assert np.all((lo <= y) & (y <= hi))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_input_values_are_exact(dtype):
    big, small = dtype(1e4), dtype(-1e4)
    with np.errstate(all="raise"):
        assert get("softplus")(big) == 1e4
        assert get("softplus")(small) == 0.0
        assert get("sigmoid")(small) == 0.0 and get("sigmoid")(big) == 1.0
        assert get("gelu")(small) == 0.0 and get("gelu")(big) == 1e4
        assert get("gelu_tanh")(small) == 0.0 and get("gelu_tanh")(big) == 1e4
        assert get("silu")(small) == 0.0 and get("mish")(small) == 0.0
        assert get("mish")(big) == 1e4
        assert get("elu")(small) == -1.0
        assert get("selu")(small) == pytest.approx(-SELU_LAMBDA * SELU_ALPHA, rel=1e-6)
        assert get("silu").grad(big) == 1.0 and get("gelu").grad(big) == 1.0


def test_counterexamples_outside_their_domain_are_nan_without_warnings():
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        for name in ("sqrt", "log"):
            act = get(name)
            assert np.isnan(act(-1.0)) and np.isnan(act.grad(-1.0))
            assert np.all(np.isnan(act(np.array([-4.0, -1e-300]))))
        assert get("sqrt")(0.0) == 0.0
        assert get("sqrt").grad(0.0) == math.inf and get("sqrt").grad(-0.0) == math.inf
        assert get("log")(0.0) == -math.inf and get("log").grad(0.0) == math.inf
        assert get("signed_sqrt").grad(0.0) == math.inf
        assert get("signed_sqrt")(-0.0) == 0.0


# ---------------------------------------------------------------------------------------------
# declared properties against the values
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_range_is_respected_and_tight(name, params):
    act = get(name, **params)
    x = _domain_grid(act, GRID)
    y = act(x)
    lo, hi = act.properties.range
    tol = 4 * np.finfo(float).eps * np.maximum(1.0, np.abs(y))
    assert np.all(y >= lo - tol) and np.all(y <= hi + tol)
    # tight: the grid gets within 1e-5 of a finite end, and beyond +-10 towards an infinite one
    # (every finite end in the registry is within +-6)
    assert (y.min() < -10) if lo == -math.inf else (y.min() <= lo + 1e-5)
    assert (y.max() > 10) if hi == math.inf else (y.max() >= hi - 1e-5)
    assert act.properties.bounded == (math.isfinite(lo) and math.isfinite(hi))


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_monotonic_flag_on_a_grid(name, params):
    act = get(name, **params)
    y = act(_domain_grid(act, GRID))
    steps = np.diff(y)
    if act.properties.monotonic:
        assert np.all(steps >= -4 * np.finfo(float).eps * np.maximum(1.0, np.abs(y[1:])))
    else:  # a counterexample pair x1 < x2 with f(x1) > f(x2), by a clear margin
        assert steps.min() < -1e-6


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_zero_centred_flag(name, params):
    act = get(name, **params)
    y = act(_domain_grid(act, GRID))
    through_origin = act.properties.domain != "x > 0" and act(0.0) == 0.0
    both_signs = bool(np.any(y > 0) and np.any(y < 0))
    assert act.properties.zero_centred == (through_origin and both_signs)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_kinks_and_smoothness(name, params):
    act = get(name, **params)
    props = act.properties
    assert props.smooth == (not props.kinks and not props.singularities)
    h = 1e-6
    for k in props.kinks:  # the slope (or the value) really jumps there
        left = (act(k) - act(k - h)) / h
        right = (act(k + h) - act(k)) / h
        assert abs(right - left) > 1e-3 or abs(act(k + h) - act(k - h)) > 0.5
    for s in props.singularities:
        assert act.grad(s) == math.inf
    if props.smooth:  # the derivative has no jump on a fine grid
        x = np.linspace(0.5 if props.domain == "x > 0" else -10.0, 10.0, 200_001)
        assert np.abs(np.diff(act.grad(x))).max() < 1e-2


# ---------------------------------------------------------------------------------------------
# property-based tests
# ---------------------------------------------------------------------------------------------
@st.composite
def _case_and_points(draw, monotonic_only=False):
    cases = [c for c in CASES if not monotonic_only or get(c[0], **c[1]).properties.monotonic]
    name, params = draw(st.sampled_from(cases))
    act = get(name, **params)
    low = {"all reals": -1e4, "x >= 0": 0.0, "x > 0": 1e-300}[act.properties.domain]
    a, b = (draw(st.floats(low, 1e4)) for _ in range(2))
    return act, min(a, b), max(a, b)


@settings(max_examples=300, deadline=None)
@given(_case_and_points(monotonic_only=True))
def test_monotonic_entries_never_decrease(case):
    act, a, b = case
    fa, fb = act(a), act(b)
    assert fa <= fb + 4 * np.finfo(float).eps * max(1.0, abs(fb))


@settings(max_examples=300, deadline=None)
@given(_case_and_points())
def test_values_inside_declared_range(case):
    act, a, b = case
    lo, hi = act.properties.range
    for y in (act(a), act(b)):
        tol = 4 * np.finfo(float).eps * max(1.0, abs(y))
        assert lo - tol <= y <= hi + tol


_DTYPES = st.sampled_from([np.float32, np.float64, np.int64, np.bool_])


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(ALL_NAMES),
    _DTYPES.flatmap(
        lambda dt: hnp.arrays(
            dt,
            hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
            elements=st.integers(-50, 50) if dt is np.int64 else None,
        )
    ),
)
def test_dtype_and_shape_preserved_and_input_untouched(name, x):
    if x.dtype.kind == "f":
        x = np.nan_to_num(x, nan=1.0, posinf=50.0, neginf=-50.0)
        x = np.clip(x, -50, 50).astype(x.dtype)
    act = get(name)
    before = x.copy()
    expected = x.dtype if x.dtype in (np.float32, np.float64) else np.dtype(np.float64)
    y, g = act.value_and_grad(x)
    for out in (act(x), act.grad(x), y, g):
        assert np.shape(out) == x.shape
        assert out.dtype == expected
        if x.ndim:
            assert not np.shares_memory(out, x)
    np.testing.assert_array_equal(x, before)


def test_python_scalars_give_float64_scalars():
    y = get("relu")(3)
    assert isinstance(y, np.float64) and y == 3.0
    assert get("sigmoid").grad(np.float32(0.0)).dtype == np.float32
    assert np.shape(get("tanh")(np.array(0.5, dtype=np.float32))) == ()


def test_module_constants_are_exported():
    assert activations.__all__ and all(hasattr(activations, n) for n in activations.__all__)


# ---------------------------------------------------------------------------------------------
# the entries added for the chapter on deep networks, and the shared definitions
# ---------------------------------------------------------------------------------------------
def test_activations_in_common_use_are_one_definition():
    common = activations.in_common_use()
    assert common == [
        "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "mish", "softplus", "sigmoid", "tanh",
    ]  # fmt: skip
    assert common == [n for n in names() if get(n).common]
    assert not any(get(n).counterexample for n in common)
    assert {"identity", "step", "prelu", "swish_beta", "gelu_tanh"}.isdisjoint(common)
    assert [r["name"] for r in table() if r["common"]] == common


def test_prelu_is_leaky_relu_with_a_learned_slope_started_at_a_quarter():
    prelu = get("prelu")
    assert prelu.params == {"negative_slope": 0.25}
    z = np.linspace(-5, 5, 1001)
    for a in (0.25, 0.0, 0.7, -0.3):
        assert np.array_equal(
            get("prelu", negative_slope=a)(z), get("leaky_relu", negative_slope=a)(z)
        )
    # the slope a is a parameter the network learns: d prelu / d a = min(0, z)
    h = 1e-6
    fd = (get("prelu", negative_slope=0.25 + h)(z) - get("prelu", negative_slope=0.25 - h)(z)) / (
        2 * h
    )
    np.testing.assert_allclose(fd, np.minimum(z, 0.0), atol=1e-8)


def test_swish_beta_limits_linear_at_zero_and_relu_at_infinity():
    z = np.linspace(-10, 10, 20_001)
    assert np.array_equal(get("swish_beta", beta=0.0)(z), z / 2)
    assert np.all(get("swish_beta", beta=0.0).grad(z) == 0.5)
    np.testing.assert_allclose(get("swish_beta", beta=1.0)(z), get("silu")(z), rtol=1e-15)
    # the largest gap from ReLU is the depth of the dip, W(1/e) / beta, at z = -(1 + W(1/e)) / beta
    w = float(special.lambertw(1 / math.e).real)
    betas = (1.0, 10.0, 100.0, 1e4)
    gaps = []
    for b in betas:
        zb = np.concatenate([z, z / b, [-(1 + w) / b]])
        gaps.append(np.max(np.abs(get("swish_beta", beta=b)(zb) - get("relu")(zb))))
    assert np.all(np.diff(gaps) < 0)
    for b, gap in zip(betas, gaps, strict=True):
        assert gap == pytest.approx(w / b, rel=1e-9)
    assert gaps[-1] < 1e-4
    assert get("swish_beta", beta=10.0).properties.range[0] == pytest.approx(-w / 10, rel=1e-12)


_PDF0 = 1 / math.sqrt(2 * math.pi)
_MEAN_CLOSED_FORMS = {
    ("identity", ()): 0.0,
    ("relu", ()): _PDF0,
    ("leaky_relu", ()): 0.99 * _PDF0,  # E[max(z,0)] + a E[min(z,0)] = (1 - a) / sqrt(2 pi)
    ("prelu", ()): 0.75 * _PDF0,
    ("elu", ()): _PDF0 + (math.exp(0.5) * special.ndtr(-1.0) - 0.5),
    ("selu", ()): 0.0,  # the fixed point
    ("gelu", ()): 1 / (2 * math.sqrt(math.pi)),  # E[z Phi(z)] = E[phi(z)] (Stein's lemma)
    ("swish_beta", (("beta", 0.0),)): 0.0,
    ("sigmoid", ()): 0.5,  # sigmoid(z) - 1/2 is odd
    ("tanh", ()): 0.0,
    ("softsign", ()): 0.0,
    ("hard_sigmoid", ()): 0.5,
    ("relu6", ()): _PDF0 * (1 - math.exp(-18.0)) + 6 * special.ndtr(-6.0),
    ("step", ()): 0.5,
    ("square", ()): 1.0,
    ("signed_sqrt", ()): 0.0,
}


@pytest.mark.parametrize(("key", "expected"), list(_MEAN_CLOSED_FORMS.items()))
def test_mean_output_matches_closed_forms(key, expected):
    name, params = key
    assert activations.normal_mean(name, **dict(params)) == pytest.approx(expected, abs=1e-9)


def test_mean_output_without_closed_form_matches_monte_carlo_and_stein():
    # SiLU: E[z sigmoid(z)] = E[sigmoid'(z)] (Stein's lemma), integrated on an independent grid
    z = np.linspace(-12, 12, 240_001)
    pdf = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    s = 1 / (1 + np.exp(-z))
    assert activations.normal_mean("silu") == pytest.approx(
        np.trapezoid(s * (1 - s) * pdf, z), abs=1e-6
    )
    x = np.random.default_rng(0).standard_normal(2_000_000)
    for name in ("mish", "softplus", "gelu_tanh", "hard_swish"):
        mc = get(name)(x)
        assert abs(activations.normal_mean(name) - mc.mean()) < 5 * mc.std() / math.sqrt(x.size)
    assert math.isnan(activations.normal_mean("sqrt")) and math.isnan(
        activations.normal_mean("log")
    )


def test_leaky_relu_is_not_centred_despite_taking_both_signs():
    # the gallery's lesson: phi(0) = 0 and both signs do not make the mean output zero
    assert get("leaky_relu").properties.zero_centred
    assert activations.normal_mean("leaky_relu") > 0.95 * activations.normal_mean("relu")
    assert abs(activations.normal_mean("tanh")) < 1e-12


# ---------------------------------------------------------------------------------------------
# the gallery's reference numbers: cost, defaults, GELU approximations
# ---------------------------------------------------------------------------------------------
def test_cost_measurement_has_a_copy_floor_and_every_common_activation():
    from bendlines.experiments import gallery

    table = gallery.activation_cost(n_elements=4096, repeats=3)
    assert set(table["rows"]) == set(activations.in_common_use())
    assert table["copy_ns"] > 0
    for r in table["rows"].values():
        assert r["value_ns"] > 0 and r["grad_ns"] > 0
        assert r["value_x"] == pytest.approx(r["value_ns"] / table["copy_ns"])
    assert table["settings"]["dtype"] == "float32" and table["settings"]["n_elements"] == 4096
    with pytest.raises(ValueError, match="valid names"):
        gallery.activation_cost(["relu", "relu7"])


def _cost(values):
    return {"copy_ns": 0.1, "rows": {n: {"value_x": v, "grad_x": v} for n, v in values.items()}}


def test_cost_sentence_claims_only_what_the_numbers_show():
    from bendlines.experiments import gallery

    base = {"relu": 1.2, "leaky_relu": 4.0, "elu": 9.0, "selu": 9.5, "silu": 18.0, "mish": 20.0,
            "softplus": 14.0, "sigmoid": 18.0, "tanh": 2.5, "gelu": 160.0}  # fmt: skip
    text = gallery.cost_sentence(_cost(base))
    assert "cheapest value was `relu` (1.2 copies)" in text and "dearest `gelu`" in text
    assert "Every piecewise-linear function" in text and "`tanh`, a single" in text
    slow_leaky = gallery.cost_sentence(_cost({**base, "leaky_relu": 10.0}))
    assert "were not all cheaper" in slow_leaky and "Every piecewise" not in slow_leaky
    slow_tanh = gallery.cost_sentence(_cost({**base, "tanh": 12.0}))
    assert "`tanh` was not cheaper" in slow_tanh


def test_stored_cost_table_is_valid_and_errors_are_clear(tmp_path):
    from bendlines.experiments import gallery

    table = gallery.stored_cost()
    assert set(table["rows"]) == set(activations.in_common_use())
    with pytest.raises(FileNotFoundError, match="make bench"):
        gallery.stored_cost(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="make bench"):
        gallery.stored_cost(bad)
    bad.write_text('{"copy_ns": 0.1, "rows": {"relu": {"value_ns": -1, "grad_ns": 1, '
                   '"value_x": 1, "grad_x": 1}}}')  # fmt: skip
    with pytest.raises(ValueError, match="non-positive"):
        gallery.stored_cost(bad)


def test_gelu_approximation_errors_and_library_defaults():
    from bendlines.experiments import gallery

    gelu = gallery.gelu_approximations()
    assert 4e-4 < gelu["tanh_max"] < 5e-4
    assert 2.5 < abs(gelu["tanh_at"]) < 3.0
    assert gelu["sigmoid_max"] > 10 * gelu["tanh_max"]
    slope = get("leaky_relu").params["negative_slope"]
    # the book's table says the registry's default is PyTorch's (the quoted defaults
    # themselves come from the libraries' documentation, cited in the chapter)
    assert slope == gallery.LEAKY_RELU_DEFAULTS["PyTorch `torch.nn.LeakyReLU`"]
