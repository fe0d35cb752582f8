"""Claims of the chapter *Universal approximation, shown in the plane*, on its own settings."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bendlines import regions, towers
from bendlines.experiments import universal as uni
from bendlines.mlp import MLP

# --------------------------------------------------------------------------------------------
# Steps, bumps and towers against their closed forms
# --------------------------------------------------------------------------------------------


def test_step_is_zero_then_a_straight_ramp_then_one():
    t = np.array([-1.0, 0.2, 0.25, 0.3, 0.35, 2.0])
    np.testing.assert_allclose(towers.step(t, 0.2, 0.1), [0, 0, 0.5, 1, 1, 1], atol=1e-12)


def test_bump_is_one_on_its_interval_and_zero_outside():
    t = np.array([0.0, 0.39, 0.45, 0.6, 0.7, 0.75, 0.85, 1.0])
    np.testing.assert_allclose(
        towers.bump(t, 0.4, 0.7, 0.1), [0, 0, 0.5, 1, 1, 0.5, 0, 0], atol=1e-12
    )


def test_tower_is_one_on_its_rectangle_and_zero_where_one_bump_or_none_is_on():
    X = np.array([[0.5, 0.5], [0.5, 0.95], [0.05, 0.5], [0.05, 0.95]])
    np.testing.assert_allclose(
        towers.tower(X, (0.3, 0.7), (0.3, 0.7), 0.05), [1, 0, 0, 0], atol=1e-12
    )


def _grid_edges(n, ramp):
    """The step positions of tower_grid_params, rebuilt from its documented rule."""
    edges = np.linspace(0.0, 1.0, n + 1) - ramp
    edges[-1] = 1.0
    return edges


def test_tower_grid_net_is_the_sum_of_its_towers():
    """The net of tower_grid_params is sum_ij f(c_ij) tower_ij, with towers from towers.tower."""
    n, ramp = 3, 0.05
    params = towers.tower_grid_params(uni.surface, n, uni.BOUNDS, ramp=ramp)
    assert [W.shape for W, _ in params] == [(2, 16), (16, 9), (9, 1)]
    assert towers.tower_grid_units(n) == 16 + 9
    X = np.random.default_rng(1).uniform(0, 1, (500, 2))
    e = _grid_edges(n, ramp)
    centres = (np.arange(n) + 0.5) / n
    expected = sum(
        uni.surface(centres[i], centres[j])
        * towers.tower(X, (e[i], e[i + 1]), (e[j], e[j + 1]), ramp)
        for i in range(n)
        for j in range(n)
    )
    got = MLP.from_params(params, activation="relu").forward(X)[:, 0]
    np.testing.assert_allclose(got, expected, atol=1e-9)


def test_towers_add_up_to_one_except_in_the_corner_windows():
    n, ramp = 4, 0.02
    net = MLP.from_params(
        towers.tower_grid_params(lambda x, y: np.ones_like(x), n, uni.BOUNDS, ramp=ramp),
        activation="relu",
    )
    e = _grid_edges(n, ramp)
    X = np.random.default_rng(2).uniform(0, 1, (4000, 2))
    in_ramp = [np.any((X[:, a, None] > e[1:-1]) & (X[:, a, None] < e[1:-1] + ramp), axis=1)
               for a in (0, 1)]  # fmt: skip
    outside = ~(in_ramp[0] & in_ramp[1])
    assert outside.sum() > 3900
    np.testing.assert_allclose(net.forward(X[outside])[:, 0], 1.0, atol=1e-9)
    # the centre of a window, where four cells meet: the towers add up to zero
    centre = np.array([[e[1] + ramp / 2, e[2] + ramp / 2]])
    assert net.forward(centre)[0, 0] == pytest.approx(0.0, abs=1e-9)


# --------------------------------------------------------------------------------------------
# Error against units
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tower_curve():
    return uni.tower_errors()


@pytest.fixture(scope="module")
def layer_curve():
    return uni.one_layer_errors()


@pytest.mark.receipts(
    "universal:tw_ratio_lo",
    "universal:tw_ratio_hi",
    "universal:tw_slope",
    "universal:tw_units_*",
)
def test_tower_error_halves_when_the_cells_halve(tower_curve):
    assert tuple(tower_curve.units) == tuple(towers.tower_grid_units(n) for n in uni.TOWER_CELLS)
    assert np.all(np.diff(uni.TOWER_CELLS) > 0)
    ratios = tower_curve.rms[1:] / tower_curve.rms[:-1]
    assert np.all((ratios > 0.45) & (ratios < 0.55)), ratios  # "the error halves"
    assert np.all(np.diff(tower_curve.max) < 0)
    # error ~ cell side ~ units^(-1/2), steeper while the 4 (n + 1) step units still count
    assert -0.8 < tower_curve.slope() < -0.5


@pytest.mark.receipts(
    "universal:ol_rms_first",
    "universal:ol_rms_last",
    "universal:ol_max_first",
    "universal:ol_max_last",
    "universal:ol_slope",
)
def test_one_hidden_layer_error_falls_with_width(layer_curve):
    assert np.all(np.diff(layer_curve.rms) < 0), layer_curve.rms
    assert layer_curve.rms[-1] < layer_curve.rms[0] / 20
    assert layer_curve.max[-1] < layer_curve.max[0] / 10
    assert layer_curve.slope() < -0.8


@pytest.mark.receipts("universal:ol_slope", "universal:tw_slope")
def test_one_layer_beats_towers_with_no_more_units(tower_curve, layer_curve):
    assert layer_curve.slope() < tower_curve.slope() - 0.2  # falls more steeply
    for units, rms in zip(tower_curve.units, tower_curve.rms, strict=True):
        fewer = layer_curve.units <= units
        assert fewer.any()
        assert layer_curve.rms[fewer][-1] < rms, units


@pytest.mark.receipts("universal:twf_*")
def test_fitted_tower_heights_stay_behind_the_one_layer_and_close_to_sampled(
    tower_curve, layer_curve
):
    fitted = uni.fitted_tower_errors()
    # fitting both the same way: the single layer still wins at no more units
    for units, rms in zip(fitted.units, fitted.rms, strict=True):
        fewer = layer_curve.units <= units
        assert layer_curve.rms[fewer][-1] < rms, units
    # "close to the sampled heights": within a factor 1.6 either way
    assert np.all(fitted.rms / tower_curve.rms < 1.6) and np.all(tower_curve.rms / fitted.rms < 1.6)
    # the fit is a least-squares fit: on the fitting grid it is no worse than sampled heights
    _, _, pts = uni.evaluation_grid(uni.FIT_RESOLUTION)
    target = uni.surface(pts[:, 0], pts[:, 1])
    for sampled, fit in zip(tower_curve.params, fitted.params, strict=True):
        err = [
            np.mean((MLP.from_params(p, activation="relu").forward(pts)[:, 0] - target) ** 2)
            for p in (sampled, fit)
        ]
        assert err[1] <= err[0] + 1e-12


def test_one_layer_fit_is_the_least_squares_solution():
    """The nested QR solve agrees with numpy's lstsq on the same design matrix."""
    width = 32
    (W1, b1), (W2, b2) = uni.one_layer_params(width)
    _, _, points = uni.evaluation_grid(uni.FIT_RESOLUTION)
    design = np.column_stack([np.maximum(points @ W1 + b1, 0.0), np.ones(len(points))])
    coef, *_ = np.linalg.lstsq(design, uni.surface(points[:, 0], points[:, 1]), rcond=None)
    np.testing.assert_allclose(np.concatenate([W2[:, 0], b2]), coef, rtol=1e-6, atol=1e-8)
    # and the narrower fit uses the first units of the widest one
    widest = uni.one_layer_params(max(uni.ONE_LAYER_WIDTHS))
    np.testing.assert_array_equal(W1, widest[0][0][:, :width])


# --------------------------------------------------------------------------------------------
# Counting regions
# --------------------------------------------------------------------------------------------


def test_zaslavsky_count_small_cases_by_hand():
    assert [uni.zaslavsky_count(n, 1) for n in range(4)] == [1, 2, 3, 4]
    assert [uni.zaslavsky_count(n, 2) for n in range(5)] == [1, 2, 4, 7, 11]
    assert [uni.zaslavsky_count(n, 3) for n in range(5)] == [1, 2, 4, 8, 15]
    assert uni.zaslavsky_count(3, 5) == 2**3  # no more than all sign patterns


@pytest.mark.parametrize("n", uni.REGION_COUNTS)
def test_zaslavsky_matches_the_exact_count_of_random_lines(n):
    normals, offsets = uni.random_lines(n)
    exact = uni.count_lines_exactly(normals, offsets)
    assert exact == uni.zaslavsky_count(n, 2) == regions.arrangement_count(n)


@pytest.mark.parametrize("n", uni.REGION_COUNTS)
def test_zaslavsky_matches_deletion_restriction_in_space(n):
    normals, offsets = uni.random_planes(n)
    assert uni.count_planes_by_restriction(normals, offsets) == uni.zaslavsky_count(n, 3)


def test_exact_counts_see_lines_that_are_not_in_general_position():
    """The counts are geometry, not the formula: concurrent or parallel lines give fewer."""
    angles = np.array([0.0, 1.0, 2.0])
    through_origin = np.column_stack([np.cos(angles), np.sin(angles)])
    assert uni.count_lines_exactly(through_origin, np.zeros(3)) == 6 < uni.zaslavsky_count(3, 2)
    parallel = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert uni.count_lines_exactly(parallel, np.array([0.0, -1.0, 0.0])) == 6
    # three planes through one line cut space into 6 wedges, not 8
    planes = np.column_stack([np.cos(angles), np.sin(angles), np.zeros(3)])
    assert uni.count_planes_by_restriction(planes, np.zeros(3)) == 6


def test_sum_of_binomials_is_what_the_recursion_adds_up():
    """r_d(n) = r_d(n-1) + r_{d-1}(n-1): the recursion behind the 3-D check, in closed form."""
    for d in range(1, 5):
        for n in range(1, 12):
            assert uni.zaslavsky_count(n, d) == uni.zaslavsky_count(n - 1, d) + uni.zaslavsky_count(
                n - 1, d - 1
            )
            assert uni.zaslavsky_count(n, d) == sum(math.comb(n, j) for j in range(d + 1))


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


def test_bad_input_raises_value_error_saying_what_is_allowed():
    with pytest.raises(ValueError, match="positive"):
        towers.step(np.zeros(2), 0.0, 0.0)
    with pytest.raises(ValueError, match="a < b"):
        towers.bump(np.zeros(2), 0.5, 0.5, 0.1)
    with pytest.raises(ValueError, match=">= 1"):
        towers.tower_grid_params(uni.surface, 0)
    with pytest.raises(ValueError, match="min < max"):
        towers.tower_grid_params(uni.surface, 2, (1.0, 0.0, 0.0, 1.0))
    with pytest.raises(ValueError, match=">= 0"):
        uni.zaslavsky_count(-1, 2)
    with pytest.raises(ValueError, match=">= 1"):
        uni.one_layer_params(0)
