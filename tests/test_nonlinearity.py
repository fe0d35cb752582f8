"""Claims of the chapter *Why neural networks need nonlinearity*, on the chapter's own settings."""

from __future__ import annotations

import numpy as np
import pytest

from bendlines import data, results
from bendlines import stats as st
from bendlines.experiments import nonlinearity as nl
from bendlines.experiments import nonlinearity_runs as nl_runs
from bendlines.mlp import MLP

# --------------------------------------------------------------------------------------------
# Collapse of linear layers
# --------------------------------------------------------------------------------------------


def test_two_layer_collapse_is_the_textbook_algebra():
    """(x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2), with small hand-made matrices."""
    W1 = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]])
    b1 = np.array([1.0, -2.0])
    W2 = np.array([[2.0], [1.0]])
    b2 = np.array([0.5])
    W, b = nl.collapse([(W1, b1), (W2, b2)])
    # W1 W2 by hand: rows (1*2 + 2*1), (0*2 - 1*1), (3*2 + 1*1)
    np.testing.assert_array_equal(W, [[4.0], [-1.0], [7.0]])
    # b1 W2 + b2 by hand: 1*2 - 2*1 + 0.5
    np.testing.assert_array_equal(b, [0.5])


@pytest.mark.receipts(
    "nonlinearity:collapse_diff",
    "nonlinearity:collapse_scale",
    "nonlinearity:collapse_sizes",
)
def test_deep_linear_net_equals_its_collapse_to_1e_12():
    result = nl.collapse_demo()
    assert result.sizes == nl.COLLAPSE_SIZES
    assert result.max_abs_diff <= 1e-12
    assert result.output_scale > 1.0  # the agreement is not that of two tiny numbers


def test_collapse_fails_as_soon_as_there_is_an_activation():
    rng = np.random.default_rng(nl.COLLAPSE_SEED)
    params = nl.random_params(nl.COLLAPSE_SIZES, rng)
    X = rng.standard_normal((200, nl.COLLAPSE_SIZES[0]))
    W, b = nl.collapse(params)
    for name in ("relu", "tanh"):
        bent = MLP.from_params(params, activation=name).forward(X)
        assert np.max(np.abs(bent - (X @ W + b))) > 0.1


@pytest.mark.receipts("nonlinearity:collapse_rank", "nonlinearity:collapse_narrowest")
@pytest.mark.parametrize("sizes", nl.RANK_ARCHITECTURES, ids=str)
def test_collapsed_rank_is_the_narrowest_width(sizes):
    rank = nl.collapsed_rank(sizes)
    assert rank <= min(sizes)
    assert rank == min(sizes)  # random weights lose nothing more: the bottleneck is the limit


@pytest.mark.receipts("nonlinearity:collapse_rank", "nonlinearity:collapse_narrowest")
def test_collapse_demo_rank_is_at_most_narrowest_width():
    result = nl.collapse_demo()
    assert result.rank <= result.narrowest == min(nl.COLLAPSE_SIZES)
    assert result.W.shape == (nl.COLLAPSE_SIZES[0], nl.COLLAPSE_SIZES[-1])


# --------------------------------------------------------------------------------------------
# Lines stay lines
# --------------------------------------------------------------------------------------------


@pytest.mark.receipts(
    "nonlinearity:lines_identity_bend",
    "nonlinearity:lines_relu_bend",
    "nonlinearity:lines_tanh_bend",
)
def test_random_linear_nets_draw_straight_lines_and_activations_bend_them():
    result = nl.line_curves()
    assert set(result.curves) == set(nl.LINES_ACTIVATIONS)
    assert result.curves["identity"].shape == (nl.LINES_NETS, result.x.size)
    assert np.all(result.bend["identity"] < 1e-12)
    assert np.all(result.bend["relu"] > 0.05)
    assert np.all(result.bend["tanh"] > 0.05)


# --------------------------------------------------------------------------------------------
# 2-D data a line cannot separate
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def toy():
    return nl.toy_experiment()


@pytest.mark.receipts("nonlinearity:xor_linear_acc_hi", "nonlinearity:xor_linear_acc_lo")
def test_no_linear_net_exceeds_76_percent_on_xor(toy):
    keys = toy.linear_keys("xor")
    assert len(keys) == 1 + len(nl.TOY_DEPTHS)
    for key in keys:
        assert toy.test_acc[key] <= 0.76, key


@pytest.mark.receipts("nonlinearity:xor_relu_min", "nonlinearity:toy_nonlinear_min")
def test_relu_net_reaches_99_percent_on_xor(toy):
    for depth in nl.TOY_DEPTHS:
        assert toy.test_acc[("xor", "relu", depth)] >= 0.99


@pytest.mark.receipts(
    "nonlinearity:xor_loss_gap",
    "nonlinearity:xor_weight_max",
    "nonlinearity:xor_ln2",
)
def test_trained_linear_nets_on_xor_end_at_the_constant_prediction(toy):
    """Loss within 1e-3 of ln 2 and weights near zero: the flat 50/50 model, not a bad line."""
    result = nl.xor_linear_losses(toy)
    assert len(result.train_loss) == 1 + len(nl.TOY_DEPTHS)
    for key, loss in result.train_loss.items():
        assert abs(loss - np.log(2)) <= 1e-3, (key, loss)
        assert result.weight_length[key] < 0.1, key


@pytest.mark.receipts(
    "nonlinearity:xor_line_acc",
    "nonlinearity:xor_line_loss_min",
    "nonlinearity:xor_scale_min",
    "nonlinearity:xor_scale_max",
)
def test_three_of_four_line_loses_to_the_constant_at_every_scale(toy):
    result = nl.xor_linear_losses(toy)
    assert min(result.scales) <= 0.05
    assert np.all(result.line_acc >= 0.7)  # these lines do get three blobs right
    assert np.all(result.line_loss > np.log(2)), result.line_loss
    assert np.all(np.diff(result.line_loss) > 0)  # larger weights, larger loss


def test_xor_symmetry_makes_zero_weights_a_stationary_point_of_a_convex_loss():
    """Independent check of the argument on exactly symmetric data (each point and its mirror).

    The gradient of the cross-entropy at w = 0, b = 0 vanishes, and the loss of w and -w agree;
    by convexity (midpoint below the average) nothing beats w = 0.
    """
    (X, y), _ = data.load("xor")
    Xs, ys = np.vstack([X, -X]), np.concatenate([y, y])
    rng = np.random.default_rng(0)

    def loss(w, b):
        """Training loss of logistic regression with class-1 score x.w + b (class 0 score 0)."""
        W = np.column_stack([np.zeros(2), w])
        return MLP.from_params([(W, np.array([0.0, b]))]).loss_value(Xs, ys)

    zero = loss(np.zeros(2), 0.0)
    assert zero == pytest.approx(np.log(2), abs=1e-12)
    for _ in range(20):
        w = rng.normal(0, 1, 2)
        plus, minus = loss(w, 0.0), loss(-w, 0.0)
        assert plus == pytest.approx(minus, rel=1e-12)
        assert plus > zero
    # gradient of the mean loss at 0: mean((sigma(0) - y) x) = mean((0.5 - y) x) = 0
    np.testing.assert_allclose(((0.5 - ys)[:, None] * Xs).mean(axis=0), 0.0, atol=1e-12)


def test_three_of_four_loss_rejects_bad_input():
    (X, y), _ = data.load("xor")
    with pytest.raises(ValueError, match="positive"):
        nl.three_of_four_loss(X, y, 0.0)
    with pytest.raises(ValueError, match="no three-of-four line"):
        nl.three_of_four_loss(X, y, 1.0, min_accuracy=0.99)


@pytest.mark.receipts(
    "nonlinearity:toy_linear_gap",
    "nonlinearity:circles_logistic",
    "nonlinearity:spiral_logistic",
)
@pytest.mark.parametrize("dataset", ["circles", "spiral"])
def test_deep_linear_nets_match_logistic_regression(toy, dataset):
    logistic = toy.test_acc[(dataset, "logistic", 0)]
    for depth in nl.TOY_DEPTHS:
        assert abs(toy.test_acc[(dataset, "identity", depth)] - logistic) <= 0.03
        assert toy.test_acc[(dataset, "relu", depth)] >= logistic + 0.2


@pytest.mark.parametrize("dataset", nl.TOY_DATASETS)
def test_trained_linear_nets_are_one_linear_layer(toy, dataset):
    """Training does not change the algebra: every trained linear net is a single layer."""
    _, (X, _) = toy.data[dataset]
    for key in toy.linear_keys(dataset):
        net = toy.nets[key]
        W, b = nl.collapse(net.params)
        np.testing.assert_allclose(net.forward(X), X @ W + b, rtol=0, atol=1e-10)


def test_decision_grid_matches_predict(toy):
    net = toy.nets[("xor", "relu", nl.TOY_DEPTHS[-1])]
    gx, gy, labels = nl.decision_grid(net, (-2.0, 2.0, -1.0, 1.0), resolution=7)
    assert labels.shape == (7, 7)
    assert labels[2, 5] == net.predict(np.array([[gx[5], gy[2]]]))[0]


# --------------------------------------------------------------------------------------------
# MNIST-1D
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mnist():
    return nl.mnist1d_experiment()


@pytest.mark.receipts(
    "nonlinearity:mnist_seeds",
    "nonlinearity:mnist_tune_seeds",
    "nonlinearity:mnist_steps",
    "nonlinearity:mnist_batch",
)
def test_mnist_follows_the_fair_comparison_protocol(mnist):
    """Tuned rate per model on a validation split, >= 10 seeds, the paper's budget."""
    assert len(mnist.seeds) >= 10
    assert not set(nl.MNIST_TUNE_SEEDS) & set(mnist.seeds)
    assert nl.MNIST_BUDGET["steps"] == 6000 and nl.MNIST_BUDGET["batch_size"] == 100
    assert set(mnist.tuning) == set(nl.contenders())
    for key, tuning in mnist.tuning.items():
        assert tuning.complete, key
        assert np.isfinite(tuning.best), key
        # the chosen rate is not at an edge of the grid (the grid was extended until it was)
        assert tuning.lrs[0] < tuning.best < tuning.lrs[-1], (key, tuning.lrs, tuning.best)
    assert mnist.logistic.shape == (len(mnist.seeds),)
    for act in nl.MNIST_ACTIVATIONS:
        assert mnist.test_acc[act].shape == (len(nl.MNIST_DEPTHS), len(mnist.seeds))


def test_validation_split_is_carved_from_the_training_set():
    (Xa, _), (Xv, _) = nl_runs.mnist1d_split("validation")
    (X, _), (Xt, _) = nl_runs.mnist1d_split("test")
    assert len(Xv) == nl_runs.VALIDATION_SIZE and len(Xa) + len(Xv) == len(X)
    rows = {r.tobytes() for r in X}
    assert all(r.tobytes() in rows for r in np.vstack([Xa, Xv]))
    assert not {r.tobytes() for r in Xt} & {r.tobytes() for r in Xv}


@pytest.mark.receipts("nonlinearity:mnist_linear_verdict", "nonlinearity:mnist_linear_gap")
def test_deep_linear_nets_cannot_be_told_apart_from_logistic_regression(mnist):
    verdicts = nl.mnist_verdicts(mnist)
    for i, depth in enumerate(mnist.depths):
        linear = mnist.test_acc["identity"][i]
        assert verdicts[f"linear, {depth} hidden", "logistic regression"].winner is None, depth
        assert abs(linear.mean() - mnist.logistic.mean()) <= 0.03, depth


@pytest.mark.receipts("nonlinearity:mnist_relu_verdict", "nonlinearity:mnist_relu_margin*")
def test_relu_mlps_beat_logistic_regression_by_20_points(mnist):
    verdicts = nl.mnist_verdicts(mnist)
    for i, depth in enumerate(mnist.depths):
        relu = mnist.test_acc["relu"][i]
        assert verdicts[f"ReLU, {depth} hidden", "logistic regression"].winner == (
            f"ReLU, {depth} hidden"
        )
        assert relu.mean() - mnist.logistic.mean() >= 0.20, depth


@pytest.mark.receipts("nonlinearity:mnist_seeds", "nonlinearity:mnist_tune_seeds")
def test_reported_seeds_chose_nothing_and_are_enough():
    assert len(nl.MNIST_SEEDS) >= 10 and len(nl.MNIST_TUNE_SEEDS) >= 2
    assert not set(nl.MNIST_SEEDS) & set(nl.MNIST_TUNE_SEEDS)


@pytest.mark.receipts("nonlinearity:mnist_relu_ties")
def test_the_depth_sentence_is_backed_by_both_halves(mnist):
    """A named leading depth must lead on all seeds and on each half; otherwise the sentence
    names the depths the data cannot separate."""
    relu = {k: v for k, v in nl.mnist_table(mnist).items() if k.startswith("ReLU")}
    top = st.replicated_top(relu)
    text = nl.verdicts(mnist)["mnist_relu_ties"]
    if top["holds"] and len(top["all"]) == 1:
        assert text.endswith("lead, on all seeds and on each half of them.")
    elif not top["holds"]:
        assert "halves" in text and "name no best depth" in text
    for key in ("all", "first", "second"):
        depths = sorted(int(k.split(", ")[1].split()[0]) for k in top[key])
        assert st.join_words([str(d) for d in depths]) in text, key


@pytest.mark.receipts("nonlinearity:mnist_relu_train_min")
def test_relu_mlps_fit_the_training_set_and_generalise_far_less(mnist):
    """The train-test gap: nearly all training signals right, about two thirds of the test."""
    train = mnist.train_acc["relu"].mean(axis=1)
    test = mnist.test_acc["relu"].mean(axis=1)
    assert np.all(train >= 0.95), train
    assert np.all(train - test >= 0.25), train - test


@pytest.mark.receipts(
    "nonlinearity:paper_mean",
    "nonlinearity:paper_mlp",
)
def test_the_paper_recipe_lands_near_the_papers_68_percent(mnist):
    mean = st.mean_interval(mnist.paper_test)["mean"]
    assert abs(mean - nl.PAPER_ACCURACY["mlp"]) <= 0.02
    # the shorter budget the chapter once used is what kept it lower
    i = int(np.flatnonzero(mnist.steps == 1000)[0])
    early = mnist.curves[("relu", 2)][:, i]
    assert early.mean() < mnist.final("relu", 2).mean() - 0.01


@pytest.mark.receipts("nonlinearity:mnist_half_steps")
def test_half_the_budget_gives_the_same_winners(mnist):
    """Every ReLU MLP beats every linear model at half the steps too: the ranking is settled."""
    i = int(np.flatnonzero(mnist.steps == nl.MNIST_BUDGET["steps"] // 2)[0])
    for column in (i, -1):
        relu = [mnist.curves[("relu", d)][:, column].mean() for d in mnist.depths]
        linear = [mnist.curves[k][:, column].mean() for k in nl.contenders() if k[0] != "relu"]
        assert min(relu) > max(linear) + 0.2


def test_a_stored_mnist_run_recomputes_identically():
    """Spot check of the results store: the cheapest final run is recomputed and compared."""
    tuning = nl.tune_lr("logistic", 0, results.peek)
    assert tuning.complete
    results.verify(
        nl_runs.mnist1d_runs, rtol=0, atol=0, activation="logistic", depth=0,
        width=nl.MNIST_WIDTH, seed=nl.MNIST_SEEDS[0], lrs=[tuning.best], split="test",
        **nl.MNIST_BUDGET,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------


def test_bad_input_raises_value_error_saying_what_is_allowed():
    with pytest.raises(ValueError, match="at least one"):
        nl.collapse([])
    with pytest.raises(ValueError, match="positive ints"):
        nl.random_params([3], np.random.default_rng(0))
    with pytest.raises(ValueError, match="start and end with 1"):
        nl.line_curves(sizes=(2, 4, 1))
    with pytest.raises(ValueError, match=">= 1"):
        nl.toy_experiment(depths=(0,))
    with pytest.raises(ValueError, match=">= 1"):
        nl.contenders(depths=(0, 1))
    with pytest.raises(ValueError, match="unknown split"):
        nl_runs.mnist1d_split("train")
    with pytest.raises(ValueError, match="depth 0"):
        nl_runs.mnist1d_runs("relu", 0, 10, 0, [0.01], 10, 10, 10, "test")
