"""Claims of the chapter "Training deep networks", on the chapter's own settings."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from bendlines import activations, results
from bendlines.experiments import deep as dp


@pytest.fixture(scope="module")
def profiles():
    return dp.signal_profiles()


@pytest.fixture(scope="module")
def depth_signals():
    return dp.relu_depth_signals()


@pytest.fixture(scope="module")
def attraction():
    return dp.selu_attraction()


# ---- the family -----
def test_family_is_the_registry_definition_of_common_use():
    curves = dp.family_curves()
    assert list(curves["curves"]) == activations.in_common_use()
    for name, (value, grad) in curves["curves"].items():
        assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))
        assert curves["cite"][name] == activations.get(name).cite


@pytest.mark.receipts("deep:sig_max")
def test_sigmoid_slope_is_at_most_a_quarter():
    peak, where = dp.sigmoid_slope_max()
    assert peak == pytest.approx(0.25, abs=1e-12) and abs(where) < 1e-3


# ---- forward and backward: one product of slopes -----
@pytest.mark.receipts("deep:sig_last_spread")
def test_sigmoid_xavier_forward_signal_collapses_to_a_constant(profiles):
    spread = profiles["sigmoid", "xavier"]["spread"]
    assert len(spread) == dp.SIGNAL_DEPTH
    # every input gets (nearly) the same last hidden representation
    assert spread[-1] < 1e-5
    assert spread[-1] < 1e-4 * profiles["relu", "he"]["spread"][-1]


@pytest.mark.receipts(
    "deep:sig_fwd_factor",
    "deep:sig_bwd_factor",
    "deep:sig_pred_factor",
    "deep:relu_fwd_factor",
    "deep:relu_pred_factor",
)
def test_forward_and_backward_factors_are_the_same_product_of_slopes(profiles):
    # for the hidden-to-hidden layers (equal widths) the forward spread and the backward signal
    # change by the same factor per layer, sqrt(n Var w) * rms slope
    for key, p in profiles.items():
        predicted = p["factor"][1:]
        forward = p["spread"][1:] / p["spread"][:-1]
        backward = p["backward"][:-1] / p["backward"][1:]
        assert np.exp(np.mean(np.abs(np.log(backward / predicted)))) < 1.1, key
        if key != ("relu", "he"):
            assert np.exp(np.mean(np.abs(np.log(forward / predicted)))) < 1.1, key
    # ReLU's spread across inputs shrinks a little faster than the slopes predict: its outputs
    # share a positive mean, so different inputs look more alike with depth
    relu = profiles["relu", "he"]
    extra = dp.per_layer_factor(relu["spread"]) / dp.per_layer_factor(1 / relu["backward"])
    assert 0.8 < extra < 0.97
    sig = profiles["sigmoid", "xavier"]
    assert np.all(sig["factor"] < 0.25)  # a sigmoid slope is at most 1/4, Xavier's scale is ~1
    # over the 9 hidden-to-hidden layers both directions shrink by the same total, within 2x
    total_fwd = sig["spread"][-1] / sig["spread"][0]
    total_bwd = sig["backward"][0] / sig["backward"][-1]
    assert 0.5 < total_fwd / total_bwd < 2
    assert total_fwd < 1e-5


@pytest.mark.receipts("deep:sig_bwd_drop", "deep:tanh_bwd_drop", "deep:relu_bwd_change")
def test_vanishing_means_a_drop_of_more_than_10x_and_relu_he_has_none(profiles):
    drop = {k: p["backward"][-1] / p["backward"][0] for k, p in profiles.items()}
    assert drop["sigmoid", "xavier"] > 1e4  # vanishing
    for key in (("relu", "he"), ("selu", "lecun"), ("tanh", "xavier")):
        assert drop[key] < 10, key  # the 10x threshold: no vanishing


@pytest.mark.receipts("deep:relu_w_ratio", "deep:relu_wc_ratio")
def test_relu_he_weight_gradient_drop_is_the_shared_positive_mean(profiles):
    p = profiles["relu", "he"]
    raw, centred = p["grad_norm"], p["grad_norm_centred"]
    # as computed, the first layer's weight gradient is several times smaller than the last's ...
    assert 3 < raw[-1] / raw[0] < 10
    # ... but with each layer's inputs centred the drop is gone: it came from the inputs' mean
    assert np.max(centred) / np.min(centred) < 2
    assert raw[0] == pytest.approx(centred[0], rel=0.05)  # MNIST-1D inputs are centred already


# ---- weight variance: vanishing, preserved, exploding -----
@pytest.mark.receipts("deep:fwd_factor_*", "deep:bwd_factor_*")
@pytest.mark.parametrize("c", dp.VARIANCES)
def test_relu_forward_and_backward_change_by_c_over_2_per_layer(depth_signals, c):
    s = depth_signals[c]
    assert len(s["forward"]) == dp.DEPTH_LAYERS == 50
    assert dp.per_layer_factor(s["forward"]) == pytest.approx(c / 2, rel=0.05)
    assert dp.per_layer_factor(s["backward"][::-1]) == pytest.approx(c / 2, rel=0.05)


@pytest.mark.receipts("deep:explode_total", "deep:vanish_total")
def test_four_over_n_explodes_and_one_over_n_vanishes(depth_signals):
    assert depth_signals[4.0]["forward"][-1] > 1e12 * depth_signals[4.0]["forward"][0]
    assert depth_signals[4.0]["backward"][0] > 1e12 * depth_signals[4.0]["backward"][-1]
    assert depth_signals[1.0]["forward"][-1] < 1e-12 * depth_signals[1.0]["forward"][0]
    he = depth_signals[2.0]
    assert 0.1 < he["forward"][-1] / he["forward"][0] < 10


def test_xavier_averages_the_forward_and_backward_conditions():
    fan_in, fan_out = 100, 400
    cond = dp.fan_conditions(fan_in, fan_out)
    assert cond["fan_in"]["forward"] == 1.0 and cond["fan_out"]["backward"] == 1.0
    # Xavier's variance is the harmonic mean of 1/fan_in and 1/fan_out: halfway in 1/Var
    harmonic = 2 / (1 / cond["fan_in"]["var"] + 1 / cond["fan_out"]["var"])
    assert cond["xavier"]["var"] == pytest.approx(harmonic, rel=1e-12)
    assert cond["xavier"]["forward"] * cond["xavier"]["backward"] < 1
    for init in cond.values():
        assert init["forward_measured"] == pytest.approx(init["forward"], rel=0.05)
        assert init["backward_measured"] == pytest.approx(init["backward"], rel=0.05)
    with pytest.raises(ValueError, match="fan_in"):
        dp.fan_conditions(0, 3)


@pytest.mark.receipts("deep:he_measured", "deep:he_predicted")
def test_he_backward_half_telescopes_to_a_ratio_of_widths():
    # with the forward choice 2/fan_in, each ReLU layer scales the backward variance by
    # fan_out / fan_in, so a whole net scales it by last width / first width: no exponential
    r = dp.he_backward_ratio()
    widths = dp.HE_WIDTHS
    assert r["predicted"] == widths[-1] / widths[1] == pytest.approx(r["per_layer"], rel=1e-12)
    assert r["measured"] == pytest.approx(r["predicted"], rel=0.1)
    # the individual factors are far from 1 (here 0.5, 4, 1/8, 1/2): only their product is tame
    factors = [b / a for a, b in itertools.pairwise(widths[1:])]
    assert max(factors) >= 4 and min(factors) <= 1 / 8
    with pytest.raises(ValueError, match="width"):
        dp.he_backward_ratio([3, 4])


# ---- gains -----
@pytest.mark.receipts("deep:gain_relu", "deep:gain_tanh")
def test_forward_variance_gains():
    assert dp.variance_gain("relu") == pytest.approx(math.sqrt(2), rel=1e-8)
    tanh_gain = dp.variance_gain("tanh")
    assert 1.5 < tanh_gain < 5 / 3
    q = dp.gain_propagation("tanh", [1.0, tanh_gain, 5 / 3])
    assert q[0, -1] < 0.05  # gain 1: the variance fades
    # the computed gain keeps it at every layer, to the quadrature's accuracy (1e-12 measured)
    np.testing.assert_allclose(q[1], 1.0, rtol=0, atol=1e-9)
    assert 1.0 < q[2, -1] < 1.5  # 5/3 settles a little above


# ---- SELU: the fixed point attracts -----
def test_selu_constants_are_the_normal_fixed_point():
    mean, second = dp.normal_moments("selu")
    assert abs(mean) < 1e-12 and second == pytest.approx(1.0, abs=1e-12)


@pytest.mark.receipts("deep:selu_high_reach", "deep:selu_low_reach")
def test_selu_attracts_from_variance_10_and_from_0_04(attraction):
    selu = attraction["selu"]
    assert dp.SELU_DEPTH >= 20
    # from variance 10: within 0.1 of 1 within 20 layers, and it stays there
    reach = dp.layers_to_reach(selu[10.0]["var"])
    assert reach is not None and reach <= 20
    reach_small = dp.layers_to_reach(selu[0.04]["var"])
    assert reach_small is not None and reach_small <= dp.SELU_DEPTH - 5
    # the wide-net prediction agrees with the measured net
    for start in dp.SELU_STARTS:
        r = selu[start]
        np.testing.assert_allclose(r["var"], r["mean_field"], rtol=0.15)
        assert np.all(np.abs(r["mean"][1:]) < 0.15)


def test_relu_with_he_keeps_any_scale_it_is_given(attraction):
    relu = attraction["relu"]
    for start in dp.SELU_STARTS:
        var = relu[start]["var"]
        assert np.all((var > start / 2) & (var < start * 2)), start
        np.testing.assert_allclose(relu[start]["mean_field"], start, rtol=1e-6)
    assert dp.layers_to_reach(relu[10.0]["var"]) is None


@pytest.mark.receipts("deep:selu_map_slope")
def test_selu_map_slope_at_the_fixed_point_is_below_one_relu_is_one():
    eps = 1e-4
    for name, gain, expected in (("selu", 1.0, "attracting"), ("relu", math.sqrt(2), "neutral")):
        q = dp.mean_field_variance(name, gain, [1 - eps, 1 + eps], 1)[:, 1]
        slope = (q[1] - q[0]) / (2 * eps)
        if expected == "attracting":
            assert 0 < slope < 0.9
        else:
            assert slope == pytest.approx(1.0, abs=1e-6)


# ---- statistics helpers -----
def test_interval_stays_inside_0_1_and_counts_collapsed_seeds():
    v = [0.999, 1.0, 1.0, 0.98, 1.0]
    r = dp.interval(v)
    assert 0.98 <= r["lo"] <= r["mean"] <= r["hi"] <= 1.0
    assert r["std"] == pytest.approx(np.std(v, ddof=1))
    c = dp.interval([0.55, 0.1, 0.56], chance=0.106)
    assert c["collapsed"] == 1 and np.isnan(c["lo"])
    with pytest.raises(ValueError):
        dp.interval([1.0])


def test_bad_names_are_rejected_with_the_allowed_list():
    with pytest.raises(ValueError, match="choose"):
        dp.family_curves(["relu", "nope"])
    with pytest.raises(ValueError, match="choose"):
        dp.deep_training.rescue_runs(variant="dropout")
    with pytest.raises(ValueError, match="positive"):
        dp.relu_depth_signals(variances=[0.0])
    with pytest.raises(ValueError, match="positive"):
        dp.selu_attraction(starts=[-1.0])


# ---- rescuing a deep sigmoid net -----
@pytest.mark.receipts("deep:rg_first_*")
def test_rescues_restore_the_first_layer_gradient_at_initialisation():
    g = dp.rescue_gradients()
    assert g["plain"][0] < 1e-5 * g["plain"][-1]  # the first layer gets almost nothing
    for v in ("standardised", "residual"):
        assert g[v][0] > 1e4 * g["plain"][0], v
    # standardised: every hidden layer's weight gradient is about the same size
    assert g["standardised"][0] > 0.5 * g["standardised"][-2]
    # residual: smaller than the last hidden layer's (whose inputs carry the growing sum of
    # positive sigmoid outputs), but nothing like the plain net's collapse
    assert g["residual"][0] > 0.01 * g["residual"][-2]


@pytest.fixture(scope="module")
def rescue():
    return dp.rescue_reported()


@pytest.mark.receipts("deep:rs_seeds", "deep:rs_report_seeds")
def test_rescue_reports_on_enough_seeds_that_chose_nothing():
    assert len(dp.RESCUE_SEEDS) >= 2 and len(dp.RESCUE_REPORT_SEEDS) >= 10
    assert not set(dp.RESCUE_SEEDS) & set(dp.RESCUE_REPORT_SEEDS)


def test_rescue_report_is_the_stored_run_at_the_chosen_rate_on_the_report_seeds(rescue):
    for v, s in rescue.items():
        stored = results.peek(
            dp.deep_training.rescue_runs, variant=v, lrs=[s["lr"]],
            seeds=list(dp.RESCUE_REPORT_SEEDS),
        )  # fmt: skip
        assert stored is not None, v
        np.testing.assert_array_equal(s["test_values"], stored["test"][0])


def test_rescue_protocol_tuned_rates_inside_the_grid(rescue):
    assert len(dp.RESCUE_SEEDS) >= 2
    for v, s in rescue.items():
        assert s["test"]["n"] == len(dp.RESCUE_REPORT_SEEDS)
        if s["flat"]:  # every rate scored alike: there is no best rate to tune
            continue
        assert not s["at_edge"], (v, s["lr"])  # an edge choice means: extend the grid


@pytest.mark.receipts("deep:rs_acc_*", "deep:rs_plain_hi", "deep:rs_stable")
def test_normalisation_and_residual_connections_rescue_the_deep_sigmoid_net(rescue):
    assert rescue["plain"]["test"]["mean"] < 0.2  # about chance (10 classes)
    assert rescue["plain"]["test"]["collapsed"] == rescue["plain"]["test"]["n"]
    # no rate in the extended grid lifts the plain net above chance on validation
    assert rescue["plain"]["flat"] and rescue["plain"]["val_range"][1] < 0.13
    assert max(rescue["plain"]["lrs"]) >= 100 and min(rescue["plain"]["lrs"]) <= 0.01
    for v in ("standardised", "residual"):
        assert not rescue[v]["flat"], v
    for v in ("standardised", "residual"):
        assert dp.rescue_comparisons(rescue)[v, "plain"].winner == v, v
        assert rescue[v]["test"]["mean"] > rescue["plain"]["test"]["mean"] + 0.2, v
    assert dp.rescue_ranking_stable(rescue)


@pytest.mark.receipts("deep:rs_verdicts")
def test_rescue_verdicts_are_the_paired_holm_family(rescue):
    v = dp.rescue_comparisons(rescue)
    assert len(v) == 3 and {c.family for c in v.values()} == {3}
    text = dp.rescue_verdicts(rescue)
    for c in v.values():
        assert ("ahead of" if c.winner else "not distinguishable") in text


def test_stored_rescue_entry_is_reproduced_at_one_rate_and_seed(rescue):
    # spot check of the results store: recompute one net of the stored grid and compare
    from bendlines import results
    from bendlines.experiments import deep_training as dt

    stored = results.peek(dt.rescue_runs, variant="standardised")
    assert stored is not None, "run `make experiments` to fill results/"
    i = dt.LRS.index(rescue["standardised"]["lr"])
    again = dt.rescue_runs("standardised", lrs=[dt.LRS[i]], seeds=[dt.SEEDS[0]])
    # the same arithmetic net by net (a stack of one runs each product and batch statistic as
    # the stack of the whole grid does), so the same examples are right: equal accuracies
    for key in ("val_half", "val", "test"):
        assert again[key][0, 0] == stored[key][i, 0], key
