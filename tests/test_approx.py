"""Tests for bendlines.approx: hinge interpolants, error bounds, tent maps, exact pieces."""

import itertools
import math

import numpy as np
import pytest

from bendlines.approx import (
    count_pieces,
    hinge_budget,
    hinge_interpolant,
    interpolation_bound,
    linear_pieces,
    max_error,
    min_units_one_layer,
    pieces,
    right_hinges,
    tent_network,
    uniform_knots,
)
from bendlines.mlp import MLP


def forward(params, x):
    """Plain numpy forward pass of a ReLU net on 1-D inputs x (N,) -> (N, n_out)."""
    h = np.asarray(x, dtype=float).reshape(-1, 1)
    for W, b in params[:-1]:
        h = np.maximum(h @ W + b, 0.0)
    W, b = params[-1]
    return h @ W + b


def random_net(rng, sizes, bias_scale=1.0):
    return [
        (rng.normal(0.0, np.sqrt(2.0 / a), (a, b)), bias_scale * rng.normal(size=b))
        for a, b in itertools.pairwise(sizes)
    ]


# ------------------------------------------------------------------ hinge interpolant


def test_hinge_form_equals_np_interp_at_random_points():
    rng = np.random.default_rng(0)
    for n in (1, 2, 7, 50):
        knots = np.sort(rng.uniform(-3.0, 5.0, n + 1))
        values = rng.normal(size=n + 1)
        g = hinge_interpolant(values, knots)
        x = rng.uniform(knots[0], knots[-1], (40, 25))
        np.testing.assert_allclose(g(x), np.interp(x, knots, values), rtol=0, atol=1e-12)
        assert g(x).shape == x.shape
        assert g.n_units == n
        assert g.bias == values[0]


def test_hinge_weights_by_hand_for_abs():
    # |x| on knots -1, 0, 1: slopes -1 then +1, so the hinges weigh -1 and +2, bias |-1| = 1.
    g = hinge_interpolant(np.abs, [-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(g.values, [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(g.slopes, [-1.0, 1.0])
    np.testing.assert_array_equal(g.hinge_weights, [-1.0, 2.0])
    np.testing.assert_array_equal(g(np.array([-0.75, 0.0, 0.5, 1.0])), [0.75, 0.0, 0.5, 1.0])


def test_params_evaluated_as_a_network_equal_the_callable():
    rng = np.random.default_rng(1)
    knots = np.sort(rng.uniform(0.0, 1.0, 12))
    g = hinge_interpolant(lambda x: np.cos(7 * x) + x**2, knots)
    (W1, b1), (W2, b2) = g.params
    assert W1.shape == (1, 11) and b1.shape == (11,) and W2.shape == (11, 1) and b2.shape == (1,)
    x = rng.uniform(-0.5, 1.5, 500)  # also outside the knots: the network is the network
    np.testing.assert_allclose(forward(g.params, x)[:, 0], g(x), rtol=1e-13, atol=1e-13)


def test_terms_add_up_to_the_network():
    rng = np.random.default_rng(2)
    g = hinge_interpolant(np.sin, uniform_knots((0.0, 2 * np.pi), 9))
    x = rng.uniform(-1.0, 7.0, (3, 4))
    t = g.terms(x)
    assert t.shape == (9, 3, 4)
    np.testing.assert_allclose(g.bias + t.sum(axis=0), g(x), rtol=1e-13, atol=1e-13)
    # each term is one hinge: zero left of its knot, slope hinge_weights[i] to the right
    k, w = g.knots[3], g.hinge_weights[3]
    np.testing.assert_allclose(g.terms(np.array([k - 0.1, k + 0.2]))[3], [0.0, 0.2 * w])


def test_interpolation_error_never_exceeds_bound():
    cases = [
        (np.sin, (0.0, 2 * np.pi), 1.0),  # |sin''| <= 1
        (lambda x: x**3 - 2 * x, (-1.0, 2.0), 12.0),  # f'' = 6x, max on [-1, 2] is 12
    ]
    for f, domain, m2 in cases:
        for n in range(1, 201):
            g = hinge_interpolant(f, uniform_knots(domain, n))
            h = (domain[1] - domain[0]) / n
            err = max_error(g, f, domain, n_eval=2001)
            assert err <= interpolation_bound(m2, h) * (1 + 1e-9) + 1e-14, n


def test_bound_is_attained_for_a_parabola():
    # f = x^2 has f'' = 2 everywhere; the error at each midpoint is exactly h^2/4 = h^2/8 * 2.
    for n in (1, 3, 10, 64):
        g = hinge_interpolant(np.square, uniform_knots((-1.0, 2.0), n))
        err = max_error(g, np.square, (-1.0, 2.0), n_eval=2 * n * 5 + 1)  # hits every midpoint
        assert err == pytest.approx(interpolation_bound(2.0, 3.0 / n), rel=1e-9)


def test_error_decays_like_n_to_the_minus_two():
    ns = 2 ** np.arange(2, 9)  # 4 .. 256
    domain = (0.0, 2 * np.pi)
    errs = [
        max_error(hinge_interpolant(np.sin, uniform_knots(domain, n)), np.sin, domain) for n in ns
    ]
    slope = np.polyfit(np.log(ns), np.log(errs), 1)[0]
    assert abs(slope + 2.0) < 0.15


def test_hinge_budget_is_the_fewest_units_meeting_the_bound():
    rng = np.random.default_rng(3)
    for _ in range(300):
        m2 = float(rng.uniform(0.01, 100.0))
        eps = float(10 ** rng.uniform(-6, 0))
        lo = float(rng.normal())
        hi = lo + float(rng.uniform(0.1, 10.0))
        n = hinge_budget(m2, (lo, hi), eps)
        assert interpolation_bound(m2, (hi - lo) / n) <= eps
        if n > 1:
            assert interpolation_bound(m2, (hi - lo) / (n - 1)) > eps
        assert n == max(1, math.ceil((hi - lo) * math.sqrt(m2 / (8 * eps))))


def test_hinge_budget_against_measured_error_of_a_parabola():
    # For x^2 the bound is attained, so the budget is exactly the fewest units that work:
    # h^2/8 * 2 <= 1e-3 needs h <= 1/sqrt(250) = 0.0632.., i.e. 16 units on [0, 1].
    domain, eps = (0.0, 1.0), 1e-3
    n = hinge_budget(2.0, domain, eps)
    assert n == 16
    for units, ok in ((n, True), (n - 1, False)):
        g = hinge_interpolant(np.square, uniform_knots(domain, units))
        assert (max_error(g, np.square, domain, n_eval=2 * units * 7 + 1) <= eps) is ok


def test_hinge_interpolant_rejects_bad_input():
    with pytest.raises(ValueError, match="strictly increasing"):
        hinge_interpolant(np.sin, [0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="at least 2"):
        hinge_interpolant(np.sin, [0.0])
    with pytest.raises(ValueError, match="finite"):
        hinge_interpolant(np.sin, [0.0, np.nan, 2.0])
    with pytest.raises(ValueError, match="one value per knot"):
        hinge_interpolant([1.0, 2.0], [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="finite"):
        hinge_interpolant(lambda x: np.where(x > 0, np.inf, 0.0), [0.0, 1.0])
    with pytest.raises(ValueError, match="lo < hi"):
        uniform_knots((1.0, 0.0), 3)
    with pytest.raises(ValueError, match="integer >= 1"):
        uniform_knots((0.0, 1.0), 0)
    with pytest.raises(ValueError, match="eps"):
        hinge_budget(1.0, (0.0, 1.0), 0.0)
    with pytest.raises(ValueError, match=">= 0"):
        interpolation_bound(-1.0, 0.1)


# ------------------------------------------------------------------------ exact pieces


def test_hinge_interpolant_has_one_piece_per_unit_with_kinks_at_the_knots():
    rng = np.random.default_rng(4)
    knots = np.sort(rng.uniform(-2.0, 2.0, 21))
    g = hinge_interpolant(rng.normal(size=21), knots)
    bps, slopes, intercepts = pieces(g, (knots[0], knots[-1]))
    assert count_pieces(g, (knots[0], knots[-1])) == g.n_units == 20
    np.testing.assert_allclose(bps, knots, rtol=0, atol=1e-14)
    np.testing.assert_allclose(slopes[:, 0], g.slopes, rtol=1e-10)
    np.testing.assert_allclose(slopes[:, 0] * knots[:-1] + intercepts[:, 0], g.values[:-1])


@pytest.mark.parametrize("k", range(1, 11))
def test_tent_map_composed_k_times_has_2_to_the_k_pieces(k):
    net = tent_network(k)
    assert [W.shape for W, _ in net] == [(1, 2)] + [(2, 2)] * (k - 1) + [(2, 1)]
    assert sum(b.size for _, b in net[:-1]) == 2 * k
    assert count_pieces(net, (0.0, 1.0)) == 2**k
    bps, slopes, _ = linear_pieces(net, (0.0, 1.0))
    np.testing.assert_array_equal(bps, np.arange(2**k + 1) / 2**k)  # kinks at j / 2^k, exactly
    np.testing.assert_array_equal(np.abs(slopes[:, 0]), 2.0**k)
    assert min_units_one_layer(2**k) == 2**k - 1


@pytest.mark.parametrize("k", [1, 2, 5, 10])
def test_tent_values_at_dyadic_points_are_exact(k):
    j = np.arange(2**k + 1)
    y = forward(tent_network(k), j / 2**k)[:, 0]
    np.testing.assert_array_equal(y, j % 2)  # 0, 1, 0, 1, ... exactly


def test_tent_network_equals_the_composed_formula():
    x = np.random.default_rng(5).uniform(0.0, 1.0, 1000)
    y = x.copy()
    for k in range(1, 7):
        y = 1.0 - np.abs(2.0 * y - 1.0)  # the tent map, written independently
        np.testing.assert_allclose(forward(tent_network(k), x)[:, 0], y, atol=1e-12)


@pytest.mark.parametrize("m", [1, 2, 3, 8, 20, 50])
def test_one_hidden_layer_with_m_units_has_at_most_m_plus_1_pieces(m):
    rng = np.random.default_rng(100 + m)
    for _ in range(5):
        net = random_net(rng, [1, m, 1])
        kinks = -net[0][1] / net[0][0][0]
        lo, hi = kinks.min() - 1.0, kinks.max() + 1.0
        # generic weights: every kink is distinct and survives, so the bound is attained
        assert count_pieces(net, (lo, hi)) == m + 1
        a, b = np.sort(rng.uniform(lo, hi, 2))
        n = count_pieces(net, (a, b))
        assert n == 1 + np.count_nonzero((kinks > a) & (kinks < b)) <= m + 1


def test_pieces_are_affine_and_maximal_on_deep_random_nets():
    rng = np.random.default_rng(6)
    for sizes in ([1, 8, 8, 1], [1, 16, 16, 16, 2], [1, 3, 1]):
        net = random_net(rng, sizes, bias_scale=0.5)
        bps, slopes, intercepts = pieces(net, (-3.0, 3.0))
        assert bps[0] == -3.0 and bps[-1] == 3.0 and np.all(np.diff(bps) > 0)
        # affine on each piece: random points inside each piece
        u = rng.uniform(size=(bps.size - 1, 5))
        x = bps[:-1, None] + u * np.diff(bps)[:, None]
        y = forward(net, x.ravel()).reshape(*x.shape, -1)
        pred = slopes[:, None, :] * x[..., None] + intercepts[:, None, :]
        np.testing.assert_allclose(y, pred, rtol=1e-9, atol=1e-9)
        # maximal: neighbouring pieces really have different slopes
        assert np.all(np.abs(np.diff(slopes, axis=0)).max(axis=1) > 1e-9)


def test_kinks_that_cancel_are_merged():
    one = np.ones((1, 2))
    identity = [(np.array([[1.0, -1.0]]), np.zeros(2)), (np.array([[1.0], [-1.0]]), np.zeros(1))]
    absolute = [(np.array([[1.0, -1.0]]), np.zeros(2)), (np.array([[1.0], [1.0]]), np.zeros(1))]
    cancel = [(one, np.array([0.0, 0.0])), (np.array([[2.0], [-2.0]]), np.zeros(1))]
    assert count_pieces(identity, (-1.0, 1.0)) == 1  # relu(x) - relu(-x) = x
    assert count_pieces(absolute, (-1.0, 1.0)) == 2  # relu(x) + relu(-x) = |x|
    assert count_pieces(cancel, (-1.0, 1.0)) == 1  # 2 relu(x) - 2 relu(x) = 0
    assert count_pieces(absolute, (0.5, 1.0)) == 1


def test_pieces_accept_an_object_with_params_and_reject_bad_nets():
    class Net:
        def __init__(self, params, activation="relu"):
            self.params = params
            self.activation = activation

    assert count_pieces(Net(tent_network(3)), (0.0, 1.0)) == 8
    with pytest.raises(ValueError, match="relu"):
        count_pieces(Net(tent_network(3), activation="tanh"), (0.0, 1.0))
    with pytest.raises(ValueError, match="1-D input"):
        count_pieces([(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))], (0, 1))
    with pytest.raises(ValueError, match="layer 1"):
        count_pieces([(np.ones((1, 3)), np.zeros(3)), (np.ones((2, 1)), np.zeros(1))], (0, 1))
    with pytest.raises(ValueError, match="lo < hi"):
        count_pieces(tent_network(2), (1.0, 1.0))
    with pytest.raises(ValueError, match="integer >= 1"):
        min_units_one_layer(0)


# ------------------------------------------------ one hidden layer = line + right hinges


def test_right_hinges_turn_left_facing_units_into_a_line_plus_right_hinges():
    """Every input weight negative: each unit is a left-facing hinge, which right_hinges must
    rewrite as a right-facing one plus a line (kink -b/w, weight a|w|, slope -sum a|w|);
    checked against the plain numpy forward pass and the closed-form line beyond the kinks."""
    rng = np.random.default_rng(21)
    x = np.linspace(-6, 6, 2001)
    for _ in range(10):
        n = int(rng.integers(1, 8))
        W1 = -np.abs(rng.normal(size=(1, n))) - 0.1
        b1, W2, b2 = rng.normal(size=n), rng.normal(size=(n, 1)), rng.normal(size=1)
        params = [(W1, b1), (W2, b2)]
        intercept, slope, weights, kinks = right_hinges(params)
        np.testing.assert_allclose(kinks, -b1 / W1[0], rtol=1e-15)
        np.testing.assert_allclose(weights, W2[:, 0] * np.abs(W1[0]), rtol=1e-15)
        rebuilt = intercept + slope * x + (weights * np.maximum(x[:, None] - kinks, 0)).sum(1)
        np.testing.assert_allclose(rebuilt, forward(params, x)[:, 0], atol=1e-10)
        # left of every kink every unit is on: the net is the line sum a (w x + b) + b2
        left = x < kinks.min()
        line = (W2[:, 0] * (np.outer(x[left], W1[0]) + b1)).sum(1) + b2[0]
        np.testing.assert_allclose(intercept + slope * x[left], line, atol=1e-10)


def test_right_hinges_reproduce_any_one_hidden_layer_net():
    rng = np.random.default_rng(22)
    x = np.linspace(-4, 4, 2001)
    for _ in range(10):
        n = int(rng.integers(1, 12))
        W1, b1 = rng.normal(size=(1, n)), rng.normal(size=n)
        W1[0, 0] = 0.0  # a unit with no input weight is a constant
        W2, b2 = rng.normal(size=(n, 1)), rng.normal(size=1)
        net = MLP.from_params([(W1, b1), (W2, b2)])
        intercept, slope, weights, kinks = right_hinges(net)
        assert weights.size == kinks.size == n - 1
        rebuilt = intercept + slope * x + (weights * np.maximum(x[:, None] - kinks, 0)).sum(1)
        np.testing.assert_allclose(rebuilt, net.forward(x[:, None])[:, 0], atol=1e-10)
    with pytest.raises(ValueError, match="1-n-1"):
        right_hinges([(np.ones((1, 2)), np.zeros(2)), (np.ones((2, 2)), np.zeros(2))])


def test_interpolant_is_exact_at_the_knots_and_not_between():
    # "perfect with a ReLU for each value of x" made exact: zero error at every knot,
    # a nonzero error between knots that stays under h^2/8 max|f''| and nearly reaches it.
    f, f2max = np.sin, 1.0
    knots = np.linspace(0, 2 * np.pi, 21)
    g = hinge_interpolant(f, knots)
    np.testing.assert_allclose(g(knots), f(knots), rtol=0, atol=1e-14)
    x = np.linspace(0, 2 * np.pi, 200001)
    err = np.abs(g(x) - f(x))
    bound = interpolation_bound(f2max, knots[1] - knots[0])
    assert err.max() <= bound
    assert err.max() > 0.9 * bound
