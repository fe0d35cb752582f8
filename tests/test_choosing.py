"""Claims of the chapter "Choosing an activation function", on the chapter's own settings."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bendlines import activations
from bendlines.experiments import choosing as ch
from bendlines.experiments import choosing_training as ct
from bendlines.training import History


# ---- module-scoped experiments (each runs once) -----
@pytest.fixture(scope="module")
def profiles():
    return ch.gradient_profiles()


@pytest.fixture(scope="module")
def changes():
    return ct.weight_change_runs()


@pytest.fixture(scope="module")
def dying():
    return ct.dying_relu_runs()


@pytest.fixture(scope="module")
def bad():
    return ct.bad_activation_runs()


@pytest.fixture(scope="module")
def h2h():
    return ct.head_to_head()


# ---- the family -----
def test_family_is_read_from_the_registry_with_citations():
    curves = ch.family_curves()
    assert set(curves["curves"]) == set(ch.FAMILY)
    for name in ch.FAMILY:
        value, grad = curves["curves"][name]
        assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))
        assert curves["cite"][name] == activations.get(name).cite
    assert curves["cite"]["relu"] == "nair2010"


def test_sigmoid_slope_is_at_most_a_quarter():
    peak, where = ch.sigmoid_slope_max()
    assert peak == pytest.approx(0.25, abs=1e-12)
    assert abs(where) < 1e-3
    z = np.linspace(-50, 50, 100_001)
    assert np.all(activations.get("sigmoid").grad(z) <= 0.25)


# ---- vanishing gradients -----
def test_sigmoid_first_layer_gradient_vanishes_at_xavier_init(profiles):
    norms = profiles["sigmoid", "xavier"]["grad_norm"]
    assert len(norms) == ch.GRAD_DEPTH + 1
    assert norms[0] * 100 <= norms[-1]


def test_relu_with_he_init_has_no_vanishing_gradient(profiles):
    norms = profiles["relu", "he"]["grad_norm"]
    assert norms[0] * 100 > norms[-1]


def test_sigmoid_first_layers_barely_move_in_training(changes):
    sig = changes["sigmoid"].weight_change[-1]
    relu = changes["relu"].weight_change[-1]
    assert sig[0] < 1e-3 * sig[-1]
    assert relu[0] > 0.1 * relu[-1]
    assert changes["relu"].test_acc[-1] > changes["sigmoid"].test_acc[-1]


# ---- initialisation -----
def test_relu_signal_halves_per_layer_with_variance_one_over_n():
    signal = ch.relu_signal()
    lecun, he = signal[1.0], signal[2.0]
    assert len(lecun) == ch.RELU_DEPTH == 50
    factor = (lecun[0] / lecun[-1]) ** (1 / (len(lecun) - 1))
    assert 1.8 < factor < 2.2
    assert 0.1 < he[-1] / he[0] < 10


def test_variance_preserving_gains():
    assert ch.variance_gain("relu") == pytest.approx(math.sqrt(2), rel=1e-8)
    tanh_gain = ch.variance_gain("tanh")
    assert 1.5 < tanh_gain < 5 / 3
    q = ch.gain_propagation("tanh", [1.0, tanh_gain, 5 / 3])
    assert q[0, -1] < 0.05  # gain 1: the variance fades
    assert q[1, -1] == pytest.approx(1.0, abs=1e-3)  # computed gain keeps it
    assert 1.0 < q[2, -1] < 1.5  # 5/3 settles a little above


# ---- SELU -----
def test_selu_constants_are_the_normal_fixed_point():
    # The chapter: "mean 0 and variance 1 ... off by at most <glued>, numerical noise".
    mean, second = ch.normal_moments("selu")
    assert abs(mean) < 1e-12
    assert second == pytest.approx(1.0, abs=1e-12)


def test_selu_self_normalises_over_30_layers_relu_and_tanh_do_not():
    stats = ch.self_normalisation()
    assert ch.SELU_DEPTH >= 30
    assert np.all(np.abs(stats["selu"]["mean"]) < 0.1)
    assert np.all(np.abs(stats["selu"]["var"] - 1) < 0.1)
    for name in ("relu", "tanh"):
        assert np.abs(stats[name]["var"][-1] - 1) > 0.5


# ---- GELU and defaults -----
def test_gelu_tanh_approximation_error():
    gelu = ch.gelu_approximations()
    assert 4e-4 < gelu["tanh_max"] < 5e-4
    assert 2.5 < abs(gelu["tanh_at"]) < 3.0
    assert gelu["sigmoid_max"] > 10 * gelu["tanh_max"]


def test_leaky_relu_default_matches_pytorch():
    slope = activations.get("leaky_relu").params["negative_slope"]
    assert slope == ch.LEAKY_RELU_DEFAULTS["PyTorch `torch.nn.LeakyReLU`"] == 0.01
    assert ch.LEAKY_RELU_DEFAULTS["Keras `keras.layers.LeakyReLU`"] == 0.3
    assert ch.LEAKY_RELU_DEFAULTS["TensorFlow `tf.nn.leaky_relu`"] == 0.2


# ---- dying ReLU -----
def test_dying_relu_leaky_has_no_dead_units(dying):
    for setting in ct.DYING_SETTINGS:
        relu = dying[setting]["relu"].dead_fraction[-1].mean()
        leaky = dying[setting]["leaky_relu"].dead_fraction
        assert relu > ct.DYING_THRESHOLD, setting
        assert np.all(leaky == 0), setting


def test_narrow_deep_relu_nets_are_born_dead():
    prob = ch.dead_at_init()
    depths = np.asarray(ch.DEAD_DEPTHS)
    assert prob[2][depths == 10][0] > 0.5
    assert prob[2][-1] > prob[4][-1] > prob[10][-1]
    assert np.all(np.diff(prob[2]) >= 0)  # zero biases: a dead net stays dead


# ---- poor activations -----
def test_sqrt_and_log_give_nan_reported_by_history(bad):
    X = np.array([[0.5, -0.3], [-1.0, 0.2]])
    for name in ("sqrt", "log"):
        h = bad[name]["history"]
        assert h.diverged and h.status.startswith("diverged at step")
        assert np.any(np.isnan(bad[name]["net"].forward(X)))
    assert not bad["relu"]["history"].diverged


def test_step_hidden_weights_never_change(bad):
    run = bad["step"]
    for (W, _), W0 in zip(run["net"].params[:-1], run["init"][:-1], strict=True):
        assert np.array_equal(W, W0)
    assert run["history"].weight_change[-1][-1] > 0
    assert run["history"].test_acc[-1] > 0.6


def test_deep_square_nets_blow_up():
    runs = ct.square_depth_runs()
    assert not runs[1]["square"].diverged
    assert all(runs[d]["square"].diverged for d in ct.SQUARE_DEPTHS if d >= 2)
    assert not any(runs[d]["relu"].diverged for d in ct.SQUARE_DEPTHS)


def test_signed_sqrt_gradient_is_not_finite_at_zero():
    assert ct.singular_gradient() == {"relu": True, "tanh": True, "signed_sqrt": False}


# ---- head to head -----
def test_head_to_head_shape_and_scale(h2h):
    assert len(ct.H2H_ACTIVATIONS) >= 8 and len(ct.H2H_SEEDS) >= 3
    for key in [(t, d) for t in ct.H2H_TASKS for d in ct.H2H_DEPTHS]:
        assert h2h[key]["test_acc"].shape == (len(ct.H2H_ACTIVATIONS), len(ct.H2H_SEEDS))
        assert not h2h[key]["diverged"].any()


def test_head_to_head_relu_beats_sigmoid_in_deep_nets(h2h):
    deep = max(ct.H2H_DEPTHS)
    for task in ct.H2H_TASKS:
        assert ct.relu_faster_than(h2h, "sigmoid", task, deep)
        s = ct.h2h_summary(h2h, task, deep)
        assert s["relu"]["acc_mean"] > s["sigmoid"]["acc_mean"] + 0.1


def test_head_to_head_leaky_relu_has_no_dead_units(h2h):
    for key in h2h:
        assert ct.h2h_summary(h2h, *key)["leaky_relu"]["dead"] == 0


def test_smoothed_steps_to_counts_from_the_start():
    h = History(
        *[np.zeros(0)] * 5, np.array([3.0, 2.0, 1.0, 0.5, 0.2]), *[np.zeros((0, 0))] * 3,
        False, None, "completed 5 steps",
    )  # fmt: skip
    assert ct.smoothed_steps_to(h, 1.0, window=1) == 3.0
    assert ct.smoothed_steps_to(h, 0.6, window=2) == 5.0
    assert math.isnan(ct.smoothed_steps_to(h, 0.1, window=2))


# ---- cost -----
def test_cost_is_positive_and_finite_for_every_activation():
    cost = ch.activation_cost(n_elements=10_000, repeats=2)
    assert set(cost) == set(ch.COST_ACTIVATIONS)
    for value, grad in cost.values():
        assert math.isfinite(value) and value > 0
        assert math.isfinite(grad) and grad > 0


def test_bad_names_are_rejected_with_the_allowed_list():
    with pytest.raises(ValueError, match="choose"):
        ch.family_curves(["relu", "nope"])
    with pytest.raises(ValueError, match="choose"):
        ct.head_to_head(names=["nope"])
