"""The claims of the chapter "How a network learns" (book/primer.md), on the same code path."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from bendlines import results
from bendlines import stats as st
from bendlines.experiments import primer as pr
from bendlines.experiments import primer_runs as pr_runs
from bendlines.mlp import MLP, cross_entropy_loss, mse_loss, one_hot

# ------------------------------------------------------------------------------ data and losses


@pytest.mark.receipts("primer:n_rows", "primer:w_best")
def test_data_table_is_small_and_rising():
    x, y = pr.line_data()
    assert x.shape == y.shape == (pr.LINE_N,)
    assert np.all(np.diff(x) > 0) and 0 <= x.min() and x.max() <= 2
    w, _ = pr.fit_line(x, y)
    assert w > 0  # the labels rise with the input: the best line slopes up


@pytest.mark.receipts("primer:mse_start", "primer:mse_best")
def test_mse_by_hand_matches_bendlines():
    x, y = pr.line_data()
    for w, b in (pr.LINE_START, pr.fit_line(x, y), (0.7, -0.3)):
        pred = w * x + b
        hand = pr.mse_by_hand(pred, y)
        assert hand == pytest.approx(float(mse_loss(pred[:, None], y[:, None])[0]), rel=1e-12)
        net = MLP.from_params([(np.array([[w]]), np.array([b]))])  # a 1-1 net is the line
        assert hand == pytest.approx(net.loss_value(x[:, None], y, loss="mse"), rel=1e-12)
    assert pr.mse_by_hand(pr.LINE_START[0] * x, y) > 5 * pr.mse_by_hand(
        np.polyval(pr.fit_line(x, y), x), y
    )


@pytest.mark.receipts("primer:probs", "primer:p_true", "primer:ce_example")
def test_softmax_cross_entropy_by_hand_matches_bendlines():
    logits = np.array([pr.SOFTMAX_LOGITS])
    p = pr.softmax(logits)[0]
    assert p.sum() == pytest.approx(1.0) and np.all(p > 0)
    assert np.argmax(p) == np.argmax(logits)  # larger score, larger probability
    for label in range(logits.shape[1]):
        hand = pr.softmax_cross_entropy_by_hand(pr.SOFTMAX_LOGITS, label)
        loss, grad = cross_entropy_loss(logits, np.array([label]))
        assert hand == pytest.approx(float(loss), rel=1e-12)
        assert hand == pytest.approx(-math.log(p[label]), rel=1e-12)
        # the gradient of cross-entropy with respect to the scores is softmax minus one-hot
        np.testing.assert_allclose(grad[0], p - one_hot(np.array([label]), 3)[0], atol=1e-12)


@pytest.mark.receipts("primer:ln10")
def test_uniform_guess_costs_ln_k_nats():
    assert pr.uniform_guess_loss(10) == pytest.approx(math.log(10), abs=1e-12)
    assert pr.uniform_guess_loss(2) == pytest.approx(math.log(2), abs=1e-12)
    # a net with all weights zero gives every class the same score
    net = MLP([5, 7, 10], seed=0)
    net.flat_params[...] = 0
    X = np.random.default_rng(0).standard_normal((20, 5))
    assert net.loss_value(X, np.arange(20) % 10) == pytest.approx(math.log(10), abs=1e-12)


@pytest.mark.receipts("primer:untrained_min", "primer:untrained_max", "primer:untrained_nets")
def test_untrained_mnist1d_nets_are_worse_than_a_uniform_guess():
    losses = pr.untrained_mnist1d_loss()
    assert len(losses) >= 5
    assert np.all(losses > math.log(10))
    assert np.all(losses > math.log(10) + 0.5)  # "confidently wrong", not a rounding


@pytest.mark.receipts("primer:untrained_small_gap", "primer:small_last")
def test_small_last_layer_starts_at_ln_10_the_sanity_check():
    small = pr.untrained_mnist1d_loss(last_layer_scale=pr.SMALL_LAST_LAYER)
    assert np.all(np.abs(small - math.log(10)) < 0.02)  # "within a few hundredths"
    # the same nets with He output weights are far from it: the last layer is the cause
    assert np.all(pr.untrained_mnist1d_loss() - small > 0.5)
    with pytest.raises(ValueError, match="last_layer_scale"):
        pr.untrained_mnist1d_loss(last_layer_scale=-1.0)


# ------------------------------------------------------------------------------ gradient


@pytest.mark.receipts("primer:grad_w", "primer:grad_b")
def test_line_gradient_matches_finite_differences_and_backprop():
    x, y = pr.line_data()
    h = 1e-6
    for w, b in ((0.0, 0.0), (1.3, -0.4)):
        gw, gb = pr.line_loss_grad(w, b, x, y)
        fw = (pr.line_loss(w + h, b, x, y) - pr.line_loss(w - h, b, x, y)) / (2 * h)
        fb = (pr.line_loss(w, b + h, x, y) - pr.line_loss(w, b - h, x, y)) / (2 * h)
        assert gw == pytest.approx(float(fw), abs=1e-6) and gb == pytest.approx(float(fb), abs=1e-6)
        net = MLP.from_params([(np.array([[w]]), np.array([b]))])
        _, ((dW, db),) = net.loss_and_grads(x[:, None], y, loss="mse")
        assert gw == pytest.approx(dW[0, 0], rel=1e-12) and gb == pytest.approx(db[0], rel=1e-12)


@pytest.mark.receipts("primer:mse_step", "primer:lr_good_2d")
def test_one_step_downhill_lowers_the_loss():
    x, y = pr.line_data()
    w0, b0 = pr.LINE_START
    gw, gb = pr.line_loss_grad(w0, b0, x, y)
    assert gw < 0 and gb < 0  # both parameters should grow
    lr = pr.descent_2d()["rates"]["good"]
    assert pr.line_loss(w0 - lr * gw, b0 - lr * gb, x, y) < pr.line_loss(w0, b0, x, y)


# ------------------------------------------------------------------------------ learning rate


@pytest.mark.receipts("primer:loss1_*", "primer:loss2_*", "primer:limit1", "primer:limit2")
@pytest.mark.parametrize("descent", [pr.descent_1d, pr.descent_2d])
def test_small_crawls_good_converges_too_large_diverges(descent):
    result = descent()
    losses = result["losses"]
    small, good, large = losses["small"], losses["good"], losses["too large"]
    assert good[-1] < small[-1] < small[0]  # both go down, the good rate further
    assert np.all(np.diff(large[-6:]) > 0)  # the too-large rate climbs at every late step
    assert large[-1] > 10 * large[0]  # and ends far above where it started: diverged
    assert result["rates"]["too large"] > result["limit"] > result["rates"]["good"]


@pytest.mark.receipts("primer:loss1_good", "primer:loss1_min")
def test_good_rate_gets_near_the_bottom_in_one_dimension():
    x, y = pr.line_data()
    best = pr.line_loss(np.sum(x * y) / np.sum(x * x), 0.0, x, y)
    assert pr.descent_1d()["losses"]["good"][-1] < 1.01 * best


@pytest.mark.receipts("primer:good_factor1")
def test_good_rate_jumps_across_the_bottom_at_every_step_and_closes_in():
    # 1 - eta L'' is negative: the slope parameter lands on the other side every step
    result = pr.descent_1d()
    x, y = pr.line_data()
    w_best = np.sum(x * y) / np.sum(x * x)
    factor = 1 - result["rates"]["good"] * pr.curvature_1d(x)
    assert -1 < factor < 0
    offsets = np.asarray(result["paths"]["good"]).ravel() - w_best
    assert np.all(np.sign(offsets[1:]) == -np.sign(offsets[:-1]))  # across at every step
    np.testing.assert_allclose(offsets[1:] / offsets[:-1], factor, rtol=1e-9)


@pytest.mark.receipts("primer:curv1", "primer:limit1")
@pytest.mark.parametrize("fraction, converges", [(0.98, True), (1.02, False)])
def test_the_border_is_two_over_the_curvature(fraction, converges):
    """Just below 2 / L'' gradient descent converges, just above it diverges."""
    x, y = pr.line_data()
    c = pr.curvature_1d(x)
    assert c == pytest.approx(
        float(pr.second_derivative(lambda w: pr.line_loss(w, 0.0, x, y), np.array([0.3]))[0]),
        rel=1e-5,
    )
    w_best = np.sum(x * y) / np.sum(x * x)
    w, lr = pr.DESCENT_START_1D, fraction * 2 / c
    for _ in range(500):
        w -= lr * pr.line_loss_grad(w, 0.0, x, y)[0]
    assert bool(abs(w - w_best) < 1e-3) is converges


@pytest.mark.receipts("primer:curv2")
def test_two_d_curvature_is_the_top_hessian_eigenvalue():
    x, y = pr.line_data()
    h = 1e-4
    f = lambda w, b: float(pr.line_loss(w, b, x, y))  # noqa: E731
    fww = (f(h, 0) - 2 * f(0, 0) + f(-h, 0)) / h**2
    fbb = (f(0, h) - 2 * f(0, 0) + f(0, -h)) / h**2
    fwb = (f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4 * h**2)
    top = np.linalg.eigvalsh(np.array([[fww, fwb], [fwb, fbb]]))[-1]
    assert pr.curvature_2d(x) == pytest.approx(top, rel=1e-5)


# ------------------------------------------------------------------------------ curvature


@pytest.mark.receipts(
    "primer:sin_f2_at_1",
    "primer:minus_sin_1",
    "primer:chord_gap",
    "primer:chord_bound",
)
def test_second_derivative_and_chord_bound():
    assert pr.second_derivative(np.sin, np.array([1.0]))[0] == pytest.approx(-math.sin(1), abs=1e-5)
    for a, h in ((1.0, 0.5), (0.0, 1.0), (2.0, 0.1)):
        assert pr.chord_gap(np.sin, a, h) <= h**2 / 8 * 1.0 + 1e-12
    # the bound is tight on a parabola (exercise 5): f'' = 2, gap = h^2/4
    for h in (0.5, 1.0, 3.0):
        assert pr.chord_gap(lambda t: t**2, 0.0, h) == pytest.approx(h**2 / 4, rel=1e-6)


def test_exercise_2_factor_one_minus_rate_times_curvature():
    """Exercise 2 through the chapter's own loss code: one example at x = sqrt(3) with label 0
    makes ``line_loss`` the exercise's L(w) = 3 w^2, so its curvature is 6 and each step of
    descent multiplies w by 1 - 6 rate (closed form: w_k = (1 - 6 rate)^k)."""
    x, y = np.array([math.sqrt(3.0)]), np.array([0.0])
    assert float(pr.line_loss(1.0, 0.0, x, y)) == pytest.approx(3.0, rel=1e-15)
    assert pr.curvature_1d(x) == pytest.approx(6.0, rel=1e-15)

    def descend(rate, steps):
        path = [1.0]
        for _ in range(steps):
            path.append(path[-1] - rate * pr.line_loss_grad(path[-1], 0.0, x, y)[0])
        return np.array(path)

    # rate 1/2: factor -2, so w goes 1, -2, 4, -8 and the loss grows fourfold per step
    np.testing.assert_allclose(descend(0.5, 3), [1.0, -2.0, 4.0, -8.0], rtol=1e-14)
    losses = pr.line_loss(descend(0.5, 3), 0.0, x, y)
    np.testing.assert_allclose(losses[1:] / losses[:-1], 4.0, rtol=1e-14)
    # rate 1/6: factor 0, one step lands on the bottom
    assert abs(descend(1 / 6, 1)[-1]) < 1e-15
    # the largest stable rate is 2 / L'' = 1/3: just under it shrinks, just over it grows
    limit = 2 / pr.curvature_1d(x)
    assert limit == pytest.approx(1 / 3, rel=1e-15)
    for rate in (0.95 * limit, 1.05 * limit):
        path = descend(rate, 200)
        np.testing.assert_allclose(path, (1 - 6 * rate) ** np.arange(201), rtol=1e-12)
    assert abs(descend(0.95 * limit, 200)[-1]) < 1e-9
    assert abs(descend(1.05 * limit, 200)[-1]) > 1e8


# ------------------------------------------------------------------------------ optimisers


@pytest.fixture(scope="module")
def comparison():
    return pr.optimiser_comparison()


@pytest.mark.receipts(
    "primer:opt_seeds",
    "primer:opt_tune_seeds",
    "primer:adam_*_lr",
    "primer:sgd_*_lr",
)
def test_comparison_is_fair(comparison):
    assert len(pr.OPT_TUNE_SEEDS) >= 2 and len(pr.OPT_REPORT_SEEDS) >= 10
    assert not set(pr.OPT_TUNE_SEEDS) & set(pr.OPT_REPORT_SEEDS)  # reported seeds chose nothing
    for budget in pr.OPT_BUDGETS:
        for opt, grid in pr.OPT_GRIDS.items():
            best = comparison["best"][budget][opt]
            assert 0 < best < len(grid) - 1, f"{opt} at {budget} steps: best rate at grid edge"
            val = comparison["val"][budget][opt]
            assert val.shape == (len(pr.OPT_TUNE_SEEDS), len(grid))
            assert comparison["test"][budget][opt].shape == (len(pr.OPT_REPORT_SEEDS),)
            assert len(np.unique(val[:, best])) > 1  # seeds differ: own start and batch order
            # the nets scored on the test set are the ones the validation curves followed
            assert np.all(comparison["same_path"][opt])


@pytest.mark.receipts("primer:verdict_short", "primer:verdict_long")
def test_adam_ahead_after_few_steps_not_distinguishable_after_many(comparison):
    """The primer's verdicts, from the paired comparison on the report seeds."""
    short, long = min(pr.OPT_BUDGETS), max(pr.OPT_BUDGETS)
    test = comparison["test"]
    assert st.verdict(test[short]["adam"], test[short]["sgd"]).winner == "A"
    assert st.verdict(test[long]["adam"], test[long]["sgd"]).winner is None
    assert min(test[long]["adam"].mean(), test[long]["sgd"].mean()) > 0.95


@pytest.mark.receipts("primer:verdict_long")
def test_ranking_settles_before_the_long_budget(comparison):
    """Over the last quarter of the long runs, at the tuned rates, the paired verdict on
    validation accuracy (report seeds, Holm over those evaluations) stays "not
    distinguishable" and the gap in means stays within three points: more steps no longer
    change the verdict."""
    long = max(pr.OPT_BUDGETS)
    curves = {opt: comparison["curves"][opt][:, comparison["best"][long][opt]]
              for opt in pr.OPT_GRIDS}  # fmt: skip
    tail = np.flatnonzero(comparison["steps"] >= 0.75 * long)
    for k in tail:
        adam, sgd = curves["adam"][:, k], curves["sgd"][:, k]
        assert st.verdict(adam, sgd, family=len(tail)).winner is None, comparison["steps"][k]
        assert abs(adam.mean() - sgd.mean()) < 0.03


def test_stored_optimiser_runs_recompute_equal():
    results.verify(pr_runs.optimiser_run, opt="adam", seed=0, rtol=0, atol=0)


# ------------------------------------------------------------------------------ overfitting


@pytest.fixture(scope="module")
def over():
    return pr.overfitting()


@pytest.mark.receipts("primer:of_train_end_max", "primer:of_noise_var")
def test_training_loss_falls_below_the_noise(over):
    noise = pr.OVERFIT_NOISE**2
    assert np.all(over["train"][:, -1] < noise / 3)  # memorised the noise


@pytest.mark.receipts("primer:of_val_best_mean", "primer:of_val_end_mean", "primer:of_best_max")
def test_validation_loss_turns_back_up(over):
    val = over["val"]
    assert np.all(val[:, -1] > 1.5 * val.min(axis=1))
    assert np.all(over["best_step"] < 0.2 * pr.OVERFIT_STEPS)


@pytest.mark.receipts("primer:of_test_best", "primer:of_test_end")
def test_early_stopping_wins_on_the_test_set(over):
    assert np.all(over["test_at_best"] < over["test_at_end"])
    assert over["test_at_best"].mean() < 1.6 * pr.OVERFIT_NOISE**2  # near the noise floor


# ------------------------------------------------------------------------------ chain rule


@pytest.mark.receipts("primer:h_*", "primer:diff_fd")
def test_chain_rule_three_ways():
    hand = pr.by_hand(**pr.CHAIN)
    loss, backprop = pr.by_backprop(**pr.CHAIN)
    fd = pr.by_finite_differences(**pr.CHAIN)
    assert loss == pytest.approx(hand["loss"], rel=1e-12)
    for name in ("w1", "b1", "w2", "b2"):
        assert backprop[name] == pytest.approx(hand[f"dL_d{name}"], rel=1e-12)
        assert fd[name] == pytest.approx(hand[f"dL_d{name}"], abs=1e-7)


def test_chain_rule_exercise_with_relu():
    c = pr.CHAIN

    def grads(b1):
        net = MLP.from_params(
            [(np.array([[c["w1"]]]), np.array([b1])), (np.array([[c["w2"]]]), np.array([c["b2"]]))],
            "relu",
        )
        _, g = net.loss_and_grads([[c["x"]]], [c["y"]], loss="mse")
        return [float(a.ravel()[0]) for pair in g for a in pair]  # dW1, db1, dW2, db2

    assert grads(c["b1"]) == pytest.approx([2.88, 1.92, 1.6, 1.6])
    assert grads(-2.0)[:2] == [0.0, 0.0]


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_backprop_matches_finite_differences_on_a_larger_net(loss):
    rng = np.random.default_rng(1)
    net = MLP([3, 4, 4, 2], activation="tanh", seed=2)
    X = rng.standard_normal((6, 3))
    y = rng.standard_normal((6, 2)) if loss == "mse" else rng.integers(0, 2, 6)
    _, grads = net.loss_and_grads(X, y, loss=loss)
    analytic = np.concatenate([a.ravel() for pair in grads for a in pair])
    flat, h = net.flat_params, 1e-6
    numeric = np.empty_like(flat)
    for k in range(flat.size):
        keep = flat[k]
        flat[k] = keep + h
        up = net.loss_value(X, y, loss=loss)
        flat[k] = keep - h
        down = net.loss_value(X, y, loss=loss)
        flat[k] = keep
        numeric[k] = (up - down) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, atol=1e-7)


# ------------------------------------------------------------------------------ notation


@pytest.mark.receipts("primer:mc_*", "primer:phi_1")
def test_normal_facts_match_their_exact_values():
    facts = pr.normal_facts()
    se = 1 / math.sqrt(pr.NOTATION_SAMPLES)
    assert abs(facts["mean"]) < 5 * se
    assert facts["var"] == pytest.approx(1.0, abs=5 * math.sqrt(2) * se)
    assert facts["relu_sq"] == pytest.approx(0.5, abs=0.01)
    assert facts["phi_1"] == pytest.approx(stats.norm.cdf(1.0), abs=1e-12)
    assert facts["frac_below_1"] == pytest.approx(facts["phi_1"], abs=5 * se)


def test_cross_entropy_leaves_its_input_alone():
    """One sample's logits transpose into contiguous memory: the loss must still copy them."""
    logits = np.array([pr.SOFTMAX_LOGITS])
    before = logits.copy()
    cross_entropy_loss(logits, np.array([pr.SOFTMAX_LABEL]))
    np.testing.assert_array_equal(logits, before)


# ------------------------------------------------------------------------------ the page

PAGE = Path(__file__).resolve().parents[1] / "book" / "_build" / "html" / "primer.html"


@pytest.mark.site
@pytest.mark.skipif(not PAGE.is_file(), reason="build the book first: make book")
def test_page_has_captioned_figures_a_summary_and_hidden_solutions():
    html = PAGE.read_text(encoding="utf-8")
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html, flags=re.S)
    assert len(captions) == 5
    for caption in captions:
        script = re.search(r'href="_downloads/[0-9a-f]+/([a-z0-9_]+\.py)"', caption)
        assert script and (PAGE.parents[3] / "figures" / script.group(1)).is_file()
    assert 'id="summary"' in html and 'id="exercises"' in html
    assert 3 <= len(re.findall(r'<details class="sd-sphinx-override sd-dropdown', html)) <= 5
    assert not re.search(r"<details[^>]*\sopen", html)
