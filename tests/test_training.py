"""Tests of bendlines.optim and bendlines.training: optimiser steps against hand computations,
learning XOR, determinism, divergence, History fields against independent recomputations, and
train_many against one train per network."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bendlines import activations
from bendlines.mlp import MLP
from bendlines.optim import SGD, Adam, Momentum, make_optimizer
from bendlines.training import History, _batches, train, train_many

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def _blobs(n=120, d=3, k=3, seed=0, dtype=np.float64):
    """A small k-class problem: Gaussian blobs around random centres."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 2, size=(k, d))
    y = rng.integers(0, k, n)
    X = centres[y] + rng.normal(size=(n, d))
    return X.astype(dtype), y


# ---- optimisers --------------------------------------------------------------------------------

A_DIAG = np.array([1.0, 4.0, 0.25])  # f(x) = 1/2 sum a_i x_i^2, gradient a * x


def test_adam_steps_match_a_hand_computation():
    x = np.array([1.0, -2.0, 0.5])
    opt = Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8)
    m = [0.0] * 3
    v = [0.0] * 3
    expected = [float(xi) for xi in x]
    for t in range(1, 4):
        g = A_DIAG * x
        opt.step(x, g)
        for i in range(3):  # the textbook recursion, one scalar at a time
            gi = A_DIAG[i] * expected[i]
            m[i] = 0.9 * m[i] + 0.1 * gi
            v[i] = 0.999 * v[i] + 0.001 * gi * gi
            m_hat, v_hat = m[i] / (1 - 0.9**t), v[i] / (1 - 0.999**t)
            expected[i] -= 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
        np.testing.assert_allclose(x, expected, rtol=1e-14)
    # the first Adam step moves every coordinate by lr against the sign of its gradient
    x1 = np.array([1.0, -2.0, 0.5])
    Adam(lr=0.1).step(x1, A_DIAG * x1)
    np.testing.assert_allclose(x1, [0.9, -1.9, 0.4], rtol=1e-7)


def test_momentum_matches_the_unrolled_recursion():
    x0 = np.array([1.0, -2.0, 0.5])
    x = x0.copy()
    opt = Momentum(lr=0.05, momentum=0.9)
    lr, mu = 0.05, 0.9
    # unrolled: v1 = g0, v2 = mu g0 + g1, v3 = mu^2 g0 + mu g1 + g2; x_{t} = x_{t-1} - lr v_t
    gs, xs = [], [x0.copy()]
    for _ in range(3):
        gs.append(A_DIAG * xs[-1])
        v = sum(mu ** (len(gs) - 1 - j) * gs[j] for j in range(len(gs)))
        xs.append(xs[-1] - lr * v)
        opt.step(x, A_DIAG * x)
        np.testing.assert_allclose(x, xs[-1], rtol=1e-14)


def test_sgd_step_and_per_row_learning_rates():
    x = np.array([[1.0, 2.0], [1.0, 2.0]])
    SGD(lr=np.array([[0.1], [0.5]])).step(x, np.array([[1.0, -1.0], [1.0, -1.0]]))
    np.testing.assert_allclose(x, [[0.9, 2.1], [0.5, 2.5]], rtol=1e-15)
    # a stack with one learning rate per row equals each row stepped alone
    rng = np.random.default_rng(0)
    p, g = rng.normal(size=(2, 5)).astype(np.float32), rng.normal(size=(2, 5)).astype(np.float32)
    stacked, rows = p.copy(), p.copy()
    opt = Adam(lr=np.array([[1e-2], [3e-3]]))
    alone = [Adam(lr=1e-2), Adam(lr=3e-3)]
    for _ in range(3):
        opt.step(stacked, g)
        for k in range(2):
            alone[k].step(rows[k], g[k])
    assert stacked.dtype == np.float32
    np.testing.assert_array_equal(stacked, rows)


def test_make_optimizer():
    assert isinstance(make_optimizer("sgd", 0.1), SGD)
    opt = make_optimizer("momentum", 0.1, momentum=0.5)
    assert isinstance(opt, Momentum) and opt.momentum == 0.5
    assert isinstance(make_optimizer("adam", 0.1, beta2=0.99), Adam)
    with pytest.raises(ValueError, match="'sgd', 'momentum', 'adam'"):
        make_optimizer("rmsprop", 0.1)
    with pytest.raises(ValueError, match="bad options"):
        make_optimizer("sgd", 0.1, beta1=0.5)
    with pytest.raises(ValueError, match="positive"):
        make_optimizer("adam", -1.0)


# ---- learning XOR -----------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_small_net_learns_xor(activation):
    net = MLP([2, 8, 2], activation=activation, init="xavier_normal", seed=0)
    history = train(net, (XOR_X, XOR_Y), optimizer="adam", lr=0.05, steps=400, eval_every=50)
    assert net.accuracy(XOR_X, XOR_Y) == 1.0
    assert history.train_acc[-1] == 1.0
    assert history.train_loss[-1] < 0.05 < history.train_loss[0]


def test_tanh_regression_net_learns_xor_with_mse():
    net = MLP([2, 4, 1], activation="tanh", init="xavier_normal", seed=1)
    history = train(net, (XOR_X, XOR_Y.astype(float)), lr=0.05, steps=600, loss="mse")
    assert net.accuracy(XOR_X, XOR_Y) == 1.0
    assert np.isnan(history.train_acc).all()  # accuracies are not recorded for mse


@pytest.mark.parametrize("hidden", [[], [8], [8, 8], [8, 8, 8]])
def test_linear_nets_cannot_exceed_three_quarters_on_xor(hidden):
    for seed in range(3):
        net = MLP([2, *hidden, 2], activation="identity", seed=seed)
        train(net, (XOR_X, XOR_Y), lr=0.05, steps=300, eval_every=300)
        assert net.accuracy(XOR_X, XOR_Y) <= 0.75


# ---- History fields, recomputed independently -------------------------------------------------


def test_history_fields_match_direct_computations():
    X, y = _blobs()
    X_test, y_test = _blobs(seed=1)
    net = MLP([3, 16, 16, 3], activation="relu", seed=2)
    start = net.copy()
    loss0, grads0 = start.loss_and_grads(X, y)
    history = train(
        net, (X, y), (X_test, y_test), optimizer="sgd", lr=0.1, batch_size=None, steps=50,
        eval_every=20,
    )  # fmt: skip
    np.testing.assert_array_equal(history.steps, [0, 20, 40, 50])
    assert history.batch_loss.shape == (50,)
    # full batch: the first mini-batch loss is the initial loss, and every eval equals it
    assert history.batch_loss[0] == pytest.approx(loss0, rel=1e-12)
    assert history.train_loss[0] == pytest.approx(loss0, rel=1e-12)
    np.testing.assert_allclose(
        history.grad_norms[0], [np.linalg.norm(dW) for dW, _ in grads0], rtol=1e-12
    )
    pre, _ = start.hidden(X)
    dead0 = [np.mean(np.all(z <= 0, axis=0)) for z in pre[:-1]]
    np.testing.assert_allclose(history.dead_fraction[0], dead0)
    np.testing.assert_array_equal(history.weight_change[0], [0.0, 0.0, 0.0])
    # the last evaluation is after all 50 updates
    assert history.train_loss[-1] == pytest.approx(net.loss_value(X, y), rel=1e-12)
    assert history.test_loss[-1] == pytest.approx(net.loss_value(X_test, y_test), rel=1e-12)
    assert history.test_acc[-1] == net.accuracy(X_test, y_test)
    assert history.train_acc[-1] == net.accuracy(X, y)
    change = [
        np.linalg.norm(W - W0) / np.linalg.norm(W0)
        for (W, _), (W0, _) in zip(net.params, start.params, strict=True)
    ]
    np.testing.assert_allclose(history.weight_change[-1], change, rtol=1e-12)
    assert history.grad_norms.shape == (4, 3) and history.dead_fraction.shape == (4, 2)
    assert not history.diverged and history.diverged_at is None
    assert history.status == "completed 50 steps"
    assert np.isnan(train(MLP([3, 4, 3]), (X, y), steps=5).test_loss).all()


def test_sgd_full_batch_training_is_plain_gradient_descent():
    X, y = _blobs(n=30)
    net = MLP([3, 5, 3], activation="tanh", seed=0)
    reference = net.copy()
    train(net, (X, y), optimizer="sgd", lr=0.2, batch_size=None, steps=5)
    for _ in range(5):
        _, grads = reference.loss_and_grads(X, y)
        for (W, b), (dW, db) in zip(reference.params, grads, strict=True):
            W -= 0.2 * dW
            b -= 0.2 * db
    np.testing.assert_allclose(net.flat_params, reference.flat_params, rtol=1e-12)


def test_negative_bias_kills_the_first_hidden_layer():
    X, y = _blobs()
    net = MLP([3, 20, 20, 3], activation="relu", seed=0, bias_init=-50.0)
    history = train(net, (X, y), steps=30, batch_size=40, eval_every=10)
    np.testing.assert_array_equal(history.dead_fraction[:, 0], 1.0)
    # nothing flows back through a dead layer: the first layer never moves
    np.testing.assert_array_equal(history.grad_norms[:, 0], 0.0)
    np.testing.assert_array_equal(history.weight_change[:, 0], 0.0)


def test_steps_to():
    h = History(
        steps=np.array([0, 10, 20, 30]), train_loss=np.array([2.0, 1.0, 0.5, 0.7]),
        train_acc=np.zeros(4), test_loss=np.zeros(4), test_acc=np.zeros(4),
        batch_loss=np.zeros(30), grad_norms=np.zeros((4, 1)), dead_fraction=np.zeros((4, 0)),
        weight_change=np.zeros((4, 1)), diverged=False, diverged_at=None,
        status="completed 30 steps",
    )  # fmt: skip
    assert h.steps_to(0.9) == 20
    assert h.steps_to(1.0) == 10
    assert h.steps_to(0.1) is None


@pytest.mark.parametrize("n", [10, 9])
def test_batches_are_consecutive_slices_of_one_permutation_per_epoch(n):
    X = np.arange(float(n))[:, None]
    y = np.arange(n)
    batches = _batches(np.random.default_rng(0), X, y, batch_size=3)
    rng = np.random.default_rng(0)
    for _ in range(2):  # two epochs of 3 batches; with n = 10 the last sample of each is unused
        perm = rng.permutation(n)
        for start in (0, 3, 6):
            Xb, yb = next(batches)
            np.testing.assert_array_equal(yb, perm[start : start + 3])
            np.testing.assert_array_equal(Xb[:, 0], perm[start : start + 3])


# ---- determinism -------------------------------------------------------------------------------


def test_same_seed_same_history_and_different_seeds_differ():
    X, y = _blobs()

    def run(seed):
        net = MLP([3, 10, 3], activation="tanh", seed=4)
        return train(net, (X, y), lr=1e-2, batch_size=16, steps=60, seed=seed, eval_every=20), net

    (h1, n1), (h2, n2), (h3, n3) = run(0), run(0), run(1)
    assert h1 == h2
    np.testing.assert_array_equal(n1.flat_params, n2.flat_params)
    assert h1 != h3
    assert not np.array_equal(h1.batch_loss, h3.batch_loss)
    assert not np.array_equal(n1.flat_params, n3.flat_params)


# ---- divergence ---------------------------------------------------------------------------------


def test_huge_learning_rate_is_reported_not_raised():
    X, y = _blobs()
    net = MLP([3, 32, 3], activation="relu", seed=0)
    history = train(net, (X, y), optimizer="sgd", lr=1e12, steps=200, batch_size=20)
    k = history.diverged_at
    assert history.diverged and k is not None and 0 < k < 200
    assert history.status == f"diverged at step {k}"
    assert history.batch_loss.shape == (k,) and np.isfinite(history.batch_loss).all()
    # one step fewer trains without trouble
    again = train(MLP([3, 32, 3], activation="relu", seed=0), (X, y), optimizer="sgd", lr=1e12,
                  steps=k - 1, batch_size=20)  # fmt: skip
    assert not again.diverged and again.status == f"completed {k - 1} steps"


def test_sqrt_activation_nan_is_reported():
    X, y = _blobs()  # negative inputs reach the square root
    history = train(MLP([3, 8, 3], activation="sqrt", seed=0), (X, y), steps=50)
    assert history.diverged and history.diverged_at == 0
    assert history.status == "diverged at step 0"
    assert history.steps.size == 0 and history.batch_loss.size == 0
    assert history.grad_norms.shape == (0, 2) and history.dead_fraction.shape == (0, 1)


# ---- train_many ---------------------------------------------------------------------------------


def _assert_same_history(a: History, b: History, rtol: float):
    assert (a.diverged, a.diverged_at, a.status) == (b.diverged, b.diverged_at, b.status)
    for name in ("steps", "train_loss", "train_acc", "test_loss", "test_acc", "batch_loss",
                 "grad_norms", "dead_fraction", "weight_change"):  # fmt: skip
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=rtol, atol=0,
                                   err_msg=name)  # fmt: skip


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_train_many_equals_training_each_net_alone(dtype):
    X, y = _blobs(dtype=dtype)
    test = _blobs(seed=5, dtype=dtype)
    specs = [("relu", "he", 0), ("tanh", "xavier", 1), ("gelu", "lecun", 2), ("relu", 0.3, 3)]

    def nets():
        return [MLP([3, 12, 12, 3], activation=a, init=i, seed=s, dtype=dtype) for a, i, s in specs]

    stacked = nets()
    histories = train_many(stacked, (X, y), test, lr=1e-2, batch_size=32, steps=120, seed=9,
                           eval_every=40)  # fmt: skip
    # the stack runs each net's arithmetic as training it alone does (one matrix product per
    # net, on the reference kernels): the same bits, in float32 as in float64
    for net, alone, history in zip(stacked, nets(), histories, strict=True):
        solo = train(alone, (X, y), test, lr=1e-2, batch_size=32, steps=120, seed=9,
                     eval_every=40)  # fmt: skip
        assert net.dtype == dtype
        np.testing.assert_array_equal(net.flat_params, alone.flat_params)
        _assert_same_history(history, solo, rtol=0)


def test_a_diverging_net_does_not_poison_the_stack():
    X, y = _blobs()
    lrs = [0.05, 1e12, 0.05]

    def nets():
        return [MLP([3, 16, 3], activation="relu", seed=s) for s in range(3)]

    stacked = nets()
    histories = train_many(stacked, (X, y), optimizer="sgd", lr=lrs, steps=80, batch_size=20)
    assert [h.diverged for h in histories] == [False, True, False]
    for net, alone, lr, history in zip(stacked, nets(), lrs, histories, strict=True):
        solo = train(alone, (X, y), optimizer="sgd", lr=lr, steps=80, batch_size=20)
        np.testing.assert_array_equal(net.flat_params, alone.flat_params)
        _assert_same_history(history, solo, rtol=0)


def test_float32_training_never_sees_float64():
    seen = set()

    class Recording(activations.Activation):
        def value_and_grad(self, x):
            seen.add(x.dtype)
            return super().value_and_grad(x)

        def __call__(self, x):
            seen.add(x.dtype)
            return super().__call__(x)

    X, y = _blobs()  # float64 data and int64 labels
    nets = [MLP([3, 8, 3], activation=Recording("tanh"), seed=s, dtype=np.float32) for s in (0, 1)]
    solo = MLP([3, 8, 3], activation=Recording("relu"), dtype=np.float32)
    train_many(nets, (X, y), (X, y), steps=20, batch_size=30, eval_every=10)
    train(solo, (X, y), steps=20)
    assert seen == {np.dtype(np.float32)}
    assert all(net.flat_params.dtype == np.float32 for net in [*nets, solo])


def test_training_rejects_bad_arguments():
    X, y = _blobs()
    net = MLP([3, 4, 3])
    with pytest.raises(ValueError, match="steps"):
        train(net, (X, y), steps=-1)
    with pytest.raises(ValueError, match="eval_every"):
        train(net, (X, y), eval_every=0)
    with pytest.raises(ValueError, match="'sgd', 'momentum', 'adam'"):
        train(net, (X, y), optimizer="lbfgs")
    with pytest.raises(ValueError, match="share sizes"):
        train_many([net, MLP([3, 5, 3])], (X, y))
    with pytest.raises(ValueError, match="one per net"):
        train_many([net, MLP([3, 4, 3])], (X, y), lr=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"shape \(n, 3\)"):
        train(net, (X[:, :2], y))
