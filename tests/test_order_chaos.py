"""Claims of the deep chapter's "Gains" section: a forward-variance gain for tanh is chaotic.

The wide-net maps are checked against independent computations (scipy quadrature for the
variance map, a trapezoid grid for the correlation map, a finite difference for chi), and the
chapter's measured net against the maps.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from bendlines.experiments import order_chaos as oc

FORWARD_GAIN = oc.forward_variance_gain("tanh")


@pytest.fixture(scope="module")
def measured():
    return {g: oc.measured_signals(g) for g in oc.gains()}


def _variance_map_quad(gain: float, q: float, bias_var: float) -> float:
    """g^2 E[tanh(sqrt(q) z)^2] + bias_var by adaptive quadrature (independent of Hermite)."""

    def f(z):
        return math.tanh(math.sqrt(q) * z) ** 2 * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)

    return gain**2 * integrate.quad(f, -np.inf, np.inf, epsabs=1e-13)[0] + bias_var


def _iterate_correlation(gain: float, bias_var: float, start: float, layers: int) -> float:
    """Iterate the variance and correlation maps of a wide tanh net on a trapezoid grid."""
    z = np.linspace(-9, 9, 721)
    w = np.exp(-0.5 * z * z) * (z[1] - z[0]) / math.sqrt(2 * math.pi)
    z1, z2 = z[:, None], z[None, :]
    q, c = 1.0, start
    for _ in range(200):  # settle the variance first, from 1
        q = _variance_map_quad(gain, q, bias_var)
    for _ in range(layers):
        u1 = math.sqrt(q) * z1
        u2 = math.sqrt(q) * (c * z1 + math.sqrt(1 - c * c) * z2)
        c = (gain**2 * float(w @ (np.tanh(u1) * np.tanh(u2)) @ w) + bias_var) / q
    return c


# ---- the forward-variance gain -----
def test_forward_variance_gain_keeps_the_variance_and_gain_one_fades_it(measured):
    assert 1.5 < FORWARD_GAIN < 5 / 3
    assert _variance_map_quad(FORWARD_GAIN, 1.0, 0.0) == pytest.approx(1.0, abs=1e-9)
    assert oc.variance_fixed_point("tanh", FORWARD_GAIN) == pytest.approx(1.0, abs=1e-9)
    assert measured[FORWARD_GAIN]["variance"][-1] == pytest.approx(1.0, abs=0.1)
    assert measured[1.0]["variance"][-1] < 0.05
    assert measured[oc.PYTORCH_TANH_GAIN]["variance"][-1] > 1.1


# ---- chi: the factor of gradients and distances -----
def test_chi_puts_the_forward_variance_gain_in_the_chaotic_phase():
    assert oc.chi("tanh", FORWARD_GAIN) == pytest.approx(1.18, abs=0.01)
    assert oc.chi("tanh", oc.PYTORCH_TANH_GAIN) == pytest.approx(1.21, abs=0.01)
    assert oc.chi("tanh", 1.0, q=1.0) < 0.5  # gain 1 at the first layer: order


def test_chi_is_the_slope_of_the_correlation_map_at_one():
    # an independent route to chi: how fast two almost equal inputs separate
    for gain in (FORWARD_GAIN, oc.PYTORCH_TANH_GAIN):
        q = oc.variance_fixed_point("tanh", gain)
        eps = 1e-4
        slope = (1 - oc.correlation_map("tanh", gain, q, 1 - eps)) / eps
        assert slope == pytest.approx(oc.chi("tanh", gain), rel=2e-3)


def test_for_relu_under_he_the_forward_and_backward_conditions_coincide():
    he = oc.forward_variance_gain("relu")
    assert he == pytest.approx(math.sqrt(2), rel=1e-8)
    assert oc.chi("relu", he, q=1.0) == pytest.approx(1.0, rel=1e-8)
    # for tanh they do not: keeping the variance gives chi > 1
    assert oc.chi("tanh", FORWARD_GAIN) > 1.1


# ---- over 50 layers of width 256 -----
def test_backward_signal_grows_over_ten_fold_at_the_forward_variance_gain(measured):
    assert oc.DEPTH == 50 and oc.WIDTH == 256
    assert measured[FORWARD_GAIN]["backward"][0] > 10
    assert measured[oc.PYTORCH_TANH_GAIN]["backward"][0] > measured[FORWARD_GAIN]["backward"][0]
    assert measured[1.0]["backward"][0] < 10
    assert measured[1.0]["backward"][0] < 1  # it shrinks


def test_backward_growth_follows_chi_per_layer(measured):
    for gain in (FORWARD_GAIN, oc.PYTORCH_TANH_GAIN):
        predicted = oc.chi("tanh", gain) ** (oc.DEPTH / 2)
        assert measured[gain]["backward"][0] == pytest.approx(predicted, rel=0.5)


def test_nearby_inputs_decorrelate_in_chaos_and_stay_correlated_at_gain_one(measured):
    for gain in (FORWARD_GAIN, oc.PYTORCH_TANH_GAIN):
        assert measured[gain]["correlation"][0] == pytest.approx(oc.START_CORRELATION, abs=0.01)
        assert abs(measured[gain]["correlation"][-1]) < 0.15
    assert measured[1.0]["correlation"][-1] > 0.85


# ---- the correlation map's fixed point -----
@pytest.mark.parametrize("gain", [FORWARD_GAIN, 5 / 3])
def test_correlation_fixed_point_without_bias_is_zero(gain, measured):
    c_star = oc.correlation_fixed_point("tanh", gain)
    assert c_star == pytest.approx(0.0, abs=1e-8)
    assert _iterate_correlation(gain, 0.0, oc.START_CORRELATION, 300) == pytest.approx(
        c_star, abs=1e-3
    )


def test_correlation_fixed_point_with_a_bias_matches_an_independent_iteration():
    c_star = oc.correlation_fixed_point("tanh", FORWARD_GAIN, bias_var=0.05)
    assert 0.2 < c_star < 0.8  # a fixed point strictly between 0 and 1
    assert _iterate_correlation(FORWARD_GAIN, 0.05, oc.START_CORRELATION, 300) == pytest.approx(
        c_star, abs=1e-4
    )


def test_ordered_phase_merges_inputs_and_fading_variance_has_no_fixed_point():
    assert oc.correlation_fixed_point("tanh", 1.0, bias_var=0.3) == 1.0
    with pytest.raises(ValueError, match="no single fixed point"):
        oc.correlation_fixed_point("tanh", 1.0)


def test_bad_settings_are_clear_errors():
    with pytest.raises(ValueError, match="depth"):
        oc.measured_signals(1.0, depth=0)
    with pytest.raises(ValueError, match="start_correlation"):
        oc.measured_signals(1.0, start_correlation=1.0)
