"""Tests of bendlines.mlp: gradients against finite differences, forward pass against an
independent loop, losses against scipy, initialisation variances against their formulas."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from bendlines import activations
from bendlines.mlp import (
    INITS,
    MLP,
    cross_entropy_loss,
    init_weights,
    mse_loss,
    one_hot,
)

SMOOTH = [
    "identity",
    "elu",
    "selu",
    "gelu",
    "gelu_tanh",
    "silu",
    "mish",
    "softplus",
    "sigmoid",
    "tanh",
    "softsign",
    # piecewise linear: random data makes landing within 1e-6 of a kink very unlikely
    "relu",
    "leaky_relu",
]
DEPTHS = {1: [3, 5, 4], 2: [3, 5, 6, 4], 3: [3, 4, 5, 3, 4]}


def _random_net(sizes, activation, seed, dtype=np.float64):
    """A net whose weights and biases are all random (so the bias gradients are exercised)."""
    net = MLP(sizes, activation=activation, seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed + 100)
    net.flat_params[:] = rng.normal(0.0, 0.8, net.n_params)
    return net


def _targets(loss, n, n_out, rng):
    if loss == "cross_entropy":
        return rng.integers(0, n_out, n)
    return rng.normal(size=(n, n_out))


def _finite_difference_grad(net, X, y, loss, eps=1e-6):
    """Central differences of ``loss_value`` over every parameter of ``net.flat_params``."""
    flat = net.flat_params
    fd = np.empty_like(flat)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        up = net.loss_value(X, y, loss)
        flat[i] = saved - eps
        down = net.loss_value(X, y, loss)
        flat[i] = saved
        fd[i] = (up - down) / (2 * eps)
    return fd


def _rel_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)


# ---- gradients ------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("activation", SMOOTH)
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_gradients_match_central_differences(activation, loss, depth):
    sizes = DEPTHS[depth]
    net = _random_net(sizes, activation, seed=depth)
    rng = np.random.default_rng(7 * depth)
    X = rng.normal(0.0, 1.5, size=(7, sizes[0]))
    y = _targets(loss, 7, sizes[-1], rng)
    value, grads = net.loss_and_grads(X, y, loss=loss)
    assert value == pytest.approx(net.loss_value(X, y, loss), rel=1e-12)
    analytic = np.concatenate([np.concatenate([dW.ravel(), db]) for dW, db in grads])
    numeric = _finite_difference_grad(net, X, y, loss)
    assert _rel_error(analytic, numeric) < 1e-6
    # and layer by layer, so a small layer cannot hide behind a big one
    start = 0
    for (W, b), (dW, db) in zip(net.params, grads, strict=True):
        assert dW.shape == W.shape and db.shape == b.shape
        stop = start + W.size + b.size
        assert _rel_error(analytic[start:stop], numeric[start:stop]) < 1e-6
        start = stop


def test_mse_gradient_with_a_single_output_and_flat_targets():
    net = _random_net([2, 6, 1], "tanh", seed=3)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(9, 2))
    y = rng.normal(size=9)  # shape (n,) is allowed when there is one output
    value, grads = net.loss_and_grads(X, y, loss="mse")
    assert value == pytest.approx(np.mean((net.forward(X)[:, 0] - y) ** 2), rel=1e-12)
    analytic = np.concatenate([np.concatenate([dW.ravel(), db]) for dW, db in grads])
    assert _rel_error(analytic, _finite_difference_grad(net, X, y, "mse")) < 1e-6


def test_grads_are_fresh_arrays():
    net = _random_net([3, 4, 2], "tanh", seed=0)
    rng = np.random.default_rng(1)
    X1, X2 = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    _, g1 = net.loss_and_grads(X1, [0, 1, 0, 1, 1])
    saved = g1[0][0].copy()
    net.loss_and_grads(X2, [1, 1, 0, 0, 1])
    np.testing.assert_array_equal(g1[0][0], saved)


# ---- forward pass -----------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "gelu"])
def test_forward_matches_an_independent_loop(activation):
    net = _random_net([4, 7, 6, 3], activation, seed=2)
    act = activations.get(activation)
    rng = np.random.default_rng(3)
    X = rng.normal(size=(11, 4))
    A = X
    expected_pre, expected_post = [], []
    for i, (W, b) in enumerate(net.params):
        Z = np.einsum("nj,jk->nk", A, W) + b
        A = act(Z) if i < len(net.params) - 1 else Z
        expected_pre.append(Z)
        expected_post.append(A)
    pre, post = net.hidden(X)
    assert len(pre) == len(post) == 3
    for got, want in zip(pre + post, expected_pre + expected_post, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(net.forward(X), expected_pre[-1], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(net.predict(X), np.argmax(expected_pre[-1], axis=1))


def test_deep_identity_net_is_one_affine_map():
    net = _random_net([2, 5, 4, 3, 2], "identity", seed=4)
    W_eff, b_eff = np.eye(2), np.zeros(2)
    for W, b in net.params:
        W_eff, b_eff = W_eff @ W, b_eff @ W + b
    X = np.random.default_rng(5).normal(size=(20, 2))
    np.testing.assert_allclose(net.forward(X), X @ W_eff + b_eff, rtol=1e-10, atol=1e-12)


def test_single_output_predicts_by_threshold_and_accuracy_counts():
    net = MLP.from_params([(np.array([[1.0], [0.0]]), np.array([0.0]))], activation="identity")
    X = np.array([[0.2, 5.0], [0.7, -1.0], [0.9, 0.0]])
    np.testing.assert_array_equal(net.predict(X), [0, 1, 1])
    assert net.accuracy(X, [0, 0, 1]) == pytest.approx(2 / 3)
    assert net.accuracy(X, np.array([[0.0], [1.0], [1.0]])) == 1.0


# ---- losses -----------------------------------------------------------------------------------


def test_cross_entropy_matches_scipy_and_softmax_gradient():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, size=(8, 5))
    labels = rng.integers(0, 5, 8)
    loss, grad = cross_entropy_loss(logits, labels)
    log_p = special.log_softmax(logits, axis=1)
    assert loss == pytest.approx(-np.mean(log_p[np.arange(8), labels]), rel=1e-13)
    np.testing.assert_allclose(grad, (np.exp(log_p) - np.eye(5)[labels]) / 8, atol=1e-15)
    # one-hot targets give the same result as labels
    loss_oh, grad_oh = cross_entropy_loss(logits, one_hot(labels, 5))
    assert loss_oh == pytest.approx(float(loss), rel=1e-14)
    np.testing.assert_allclose(grad_oh, grad, atol=1e-16)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_is_stable_for_huge_logits(dtype):
    logits = np.array([[1e4, 0.0, -1e4], [0.0, 3e4, 0.0]], dtype=dtype)
    loss, grad = cross_entropy_loss(logits, np.array([1, 1]))
    # sample 0: log(e^1e4 + 1 + e^-1e4) - 0 = 1e4 (to rounding); sample 1: log(1 + 2e^-3e4) = 0
    assert loss.dtype == dtype and grad.dtype == dtype
    assert float(loss) == pytest.approx(1e4 / 2, rel=1e-6)
    np.testing.assert_allclose(grad, [[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]], atol=1e-7)


def test_stacked_losses_equal_per_network_losses():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(3, 6, 4))
    labels = rng.integers(0, 4, 6)
    targets = rng.normal(size=(6, 4))
    for fn, y in ((cross_entropy_loss, labels), (mse_loss, targets)):
        loss, grad = fn(logits, y)
        assert loss.shape == (3,) and grad.shape == (3, 6, 4)
        for k in range(3):
            lk, gk = fn(logits[k], y)
            assert loss[k] == pytest.approx(float(lk), rel=1e-14)
            np.testing.assert_allclose(grad[k], gk, rtol=1e-14)


def test_mse_is_like_torch_mse_loss():
    rng = np.random.default_rng(2)
    out, target = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    loss, grad = mse_loss(out, target)
    assert float(loss) == pytest.approx(np.sum((out - target) ** 2) / 15, rel=1e-14)
    np.testing.assert_allclose(grad, 2 * (out - target) / 15, rtol=1e-14)


# ---- initialisation ----------------------------------------------------------------------------

FAN_IN, FAN_OUT = 600, 900
EXPECTED_VARIANCE = {
    "he_normal": 2 / FAN_IN,
    "he_uniform": 2 / FAN_IN,
    "xavier_uniform": 2 / (FAN_IN + FAN_OUT),
    "xavier_normal": 2 / (FAN_IN + FAN_OUT),
    "lecun": 1 / FAN_IN,
    0.05: 0.05**2,
}


@pytest.mark.parametrize("init", list(EXPECTED_VARIANCE))
def test_initial_weight_variance_matches_its_formula(init):
    net = MLP([FAN_IN, FAN_OUT, 3], init=init, seed=11, bias_init=0.25)
    W, b = net.params[0]
    w = W.ravel()
    # the sample variance of 540,000 weights has a relative standard error of 0.2 %
    assert np.var(w) == pytest.approx(EXPECTED_VARIANCE[init], rel=0.015)
    assert abs(np.mean(w)) < 4 * np.sqrt(EXPECTED_VARIANCE[init] / w.size)
    excess_kurtosis = stats.kurtosis(w)  # 0 for a normal law, -1.2 for a uniform one
    if "uniform" in str(init):
        bound = np.sqrt(3 * EXPECTED_VARIANCE[init])
        assert np.max(np.abs(w)) <= bound
        assert np.max(np.abs(w)) > 0.999 * bound
        assert excess_kurtosis == pytest.approx(-1.2, abs=0.03)
    else:
        assert excess_kurtosis == pytest.approx(0.0, abs=0.05)
    np.testing.assert_array_equal(b, np.full(FAN_OUT, 0.25))


def test_init_aliases_and_dtypes_share_a_seed():
    def first_layer(**kw):
        return MLP([30, 20, 2], seed=5, **kw).params[0][0]

    np.testing.assert_array_equal(first_layer(init="he"), first_layer(init="he_normal"))
    np.testing.assert_array_equal(first_layer(init="kaiming"), first_layer(init="he_normal"))
    np.testing.assert_array_equal(first_layer(init="xavier"), first_layer(init="xavier_uniform"))
    np.testing.assert_array_equal(first_layer(init="glorot"), first_layer(init="xavier_uniform"))
    w32 = first_layer(dtype=np.float32)
    assert w32.dtype == np.float32
    np.testing.assert_array_equal(w32, first_layer().astype(np.float32))
    assert not np.array_equal(first_layer(), MLP([30, 20, 2], seed=6).params[0][0])


def test_init_weights_draws_from_the_given_generator():
    a = init_weights(10, 4, "lecun", np.random.default_rng(3))
    b = init_weights(10, 4, "lecun", np.random.default_rng(3))
    assert a.shape == (10, 4)
    np.testing.assert_array_equal(a, b)


# ---- parameters, construction, validation ---------------------------------------------------


def test_params_are_views_into_one_flat_buffer():
    net = MLP([3, 4, 2], seed=0)
    assert net.n_params == (3 + 1) * 4 + (4 + 1) * 2 == net.flat_params.size
    (W1, b1), (W2, b2) = net.params
    assert (W1.shape, b1.shape, W2.shape, b2.shape) == ((3, 4), (4,), (4, 2), (2,))
    net.flat_params[:] = np.arange(net.n_params)
    np.testing.assert_array_equal(W1, np.arange(12).reshape(3, 4))
    np.testing.assert_array_equal(b2, [24, 25])
    assert net.sizes == [3, 4, 2] and net.dtype == np.float64


def test_from_params_and_copy():
    net = _random_net([3, 6, 2], "tanh", seed=1)
    X = np.random.default_rng(0).normal(size=(4, 3))
    rebuilt = MLP.from_params(net.params, activation="tanh")
    np.testing.assert_array_equal(rebuilt.forward(X), net.forward(X))
    assert rebuilt.sizes == [3, 6, 2] and rebuilt.activation == activations.get("tanh")
    twin = net.copy()
    twin.flat_params[:] = 0.0
    assert np.all(net.flat_params != 0.0)
    f32 = MLP.from_params([(W.astype(np.float32), b.astype(np.float32)) for W, b in net.params])
    assert f32.dtype == np.float32
    with pytest.raises(ValueError, match="fan_in"):
        MLP.from_params([(np.ones((3, 4)), np.ones(4)), (np.ones((5, 2)), np.ones(2))])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": [3]}, "at least two positive ints"),
        ({"sizes": [3, 0, 2]}, "at least two positive ints"),
        ({"sizes": [3, 2.5, 2]}, "at least two positive ints"),
        ({"sizes": [3, 2], "init": "orthogonal"}, "he_uniform"),
        ({"sizes": [3, 2], "init": -1.0}, "positive float"),
        ({"sizes": [3, 2], "activation": "swishy"}, "relu"),
        ({"sizes": [3, 2], "dtype": np.float16}, "float32, float64"),
        ({"sizes": [3, 2], "bias_init": np.nan}, "finite"),
    ],
)
def test_bad_construction_raises_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(**kwargs)


def test_bad_inputs_raise_value_error():
    net = MLP([3, 4, 2])
    X = np.zeros((5, 3))
    with pytest.raises(ValueError, match=r"shape \(n, 3\)"):
        net.forward(np.zeros((5, 4)))
    with pytest.raises(ValueError, match="'cross_entropy', 'mse'"):
        net.loss_and_grads(X, [0] * 5, loss="hinge")
    with pytest.raises(ValueError, match=r"0\.\.1"):
        net.loss_and_grads(X, [0, 1, 2, 0, 1])
    with pytest.raises(ValueError, match=r"\(5, 2\)"):
        net.loss_value(X, np.zeros(5), loss="mse")


def test_float32_stays_float32():
    net = MLP([3, 5, 2], activation="gelu", dtype=np.float32)
    X = np.random.default_rng(0).normal(size=(4, 3))  # float64 input is cast once
    assert net.forward(X).dtype == np.float32
    pre, post = net.hidden(X)
    assert all(a.dtype == np.float32 for a in pre + post)
    _, grads = net.loss_and_grads(X, np.array([0, 1, 1, 0], dtype=np.int64))
    assert all(g.dtype == np.float32 for pair in grads for g in pair)
    loss, grad = mse_loss(np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32))
    assert loss.dtype == grad.dtype == np.float32


def test_activation_can_be_swapped_by_name():
    net = _random_net([2, 3, 2], "relu", seed=0)
    X = np.random.default_rng(0).normal(size=(5, 2))
    net.activation = "tanh"
    (W1, b1), (W2, b2) = net.params
    np.testing.assert_allclose(net.forward(X), np.tanh(X @ W1 + b1) @ W2 + b2, rtol=1e-12)
    with pytest.raises(ValueError, match="relu"):
        net.activation = "wiggle"


def test_inits_listed():
    assert {"he", "xavier", "lecun", "he_uniform", "xavier_normal"} <= set(INITS)
