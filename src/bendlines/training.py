"""Mini-batch training of :class:`~bendlines.mlp.MLP` networks, one at a time or many at once.

:func:`train` trains one network; :func:`train_many` trains ``K`` networks of the same sizes at
once: their parameters are stacked into one ``(K, n_params)`` buffer, every layer is a batched
matrix product over the leading axis, and all networks see the same mini-batches. Both record a
:class:`History` and stop a network whose loss or parameters stop being finite instead of raising.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from numbers import Integral

import numpy as np

from bendlines.mlp import MLP, _check_loss, backward_pass, forward_pass, layer_views, one_hot
from bendlines.mlp import prepare_targets as _prepare_targets
from bendlines.optim import make_optimizer

__all__ = ["History", "train", "train_many"]


@dataclass(repr=False)
class History:
    """What happened while training one network.

    Attributes
    ----------
    steps : ndarray of int, shape (n_evals,)
        Steps at which the network was evaluated (number of updates done so far): ``0``, every
        ``eval_every`` steps, and the last step.
    train_loss, test_loss : ndarray of shape (n_evals,)
        Loss on the whole training and test sets (``nan`` without test data).
    train_acc, test_acc : ndarray of shape (n_evals,)
        Accuracy in ``[0, 1]`` (``nan`` without test data and for the ``"mse"`` loss).
    batch_loss : ndarray of shape (n_steps_done,)
        Mini-batch loss of every update step.
    grad_norms : ndarray of shape (n_evals, n_layers)
        Frobenius norm of each layer's weight gradient ``dW`` on the current mini-batch.
    dead_fraction : ndarray of shape (n_evals, n_hidden)
        Fraction of units of each hidden layer whose activation derivative is zero on every
        sample of the current mini-batch.
    weight_change : ndarray of shape (n_evals, n_layers)
        ``||W - W_init|| / ||W_init||`` per layer (Frobenius norms).
    diverged : bool
        Whether the loss or the parameters became ``nan`` or infinite.
    diverged_at : int or None
        The step at which that was seen; training stopped there.
    status : str
        ``"completed N steps"`` or ``"diverged at step k"``.
    """

    steps: np.ndarray
    train_loss: np.ndarray
    train_acc: np.ndarray
    test_loss: np.ndarray
    test_acc: np.ndarray
    batch_loss: np.ndarray
    grad_norms: np.ndarray
    dead_fraction: np.ndarray
    weight_change: np.ndarray
    diverged: bool
    diverged_at: int | None
    status: str

    def steps_to(self, loss: float) -> int | None:
        """First evaluation step whose training loss is at most ``loss``, or None."""
        hits = np.flatnonzero(self.train_loss <= loss)
        return int(self.steps[hits[0]]) if hits.size else None

    def __eq__(self, other) -> bool:
        if not isinstance(other, History):
            return NotImplemented
        return all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name), equal_nan=True)
            if isinstance(getattr(self, f.name), np.ndarray)
            else getattr(self, f.name) == getattr(other, f.name)
            for f in fields(self)
        )

    def __repr__(self) -> str:
        last = (
            f"train_loss={self.train_loss[-1]:.4g}, test_acc={self.test_acc[-1]:.4g}"
            if len(self.steps)
            else "no evaluations"
        )
        return f"History({self.status!r}, {len(self.steps)} evaluations, {last})"


def train(
    net: MLP,
    train_data: tuple[np.ndarray, np.ndarray],
    test_data: tuple[np.ndarray, np.ndarray] | None = None,
    optimizer: str = "adam",
    lr: float = 1e-2,
    batch_size: int | None = 100,
    steps: int = 6000,
    seed: int = 0,
    eval_every: int = 100,
    loss: str = "cross_entropy",
    **optimizer_kwargs,
) -> History:
    """Train one network in place by mini-batch gradient descent.

    Parameters
    ----------
    net : MLP
        Trained in place.
    train_data, test_data : (X, y)
        ``X`` of shape ``(n, sizes[0])``; ``y`` integer labels ``(n,)`` for cross-entropy or
        targets ``(n, sizes[-1])`` for mse. ``test_data`` is optional.
    optimizer : {"adam", "sgd", "momentum"}
    lr : float
        Learning rate.
    batch_size : int or None, default 100
        Samples per step; ``None`` or a value ``>= n`` means full-batch gradient descent.
        Each epoch uses a fresh permutation of the training set, cut into consecutive
        batches; the last ``n % batch_size`` samples of a permutation are skipped.
    steps : int
        Number of parameter updates.
    seed : int
        Seed of the :class:`numpy.random.Generator` that shuffles the mini-batches.
    eval_every : int
        Evaluate on the whole training and test sets every this many steps (and at the end).
    loss : {"cross_entropy", "mse"}
    **optimizer_kwargs
        Passed to :func:`bendlines.optim.make_optimizer` (``momentum``, ``beta1``, ...).

    Returns
    -------
    History
    """
    return _fit(
        [net], train_data, test_data, optimizer, lr, batch_size, steps, seed, eval_every, loss,
        optimizer_kwargs,
    )[0]  # fmt: skip


def train_many(
    nets: Sequence[MLP],
    train_data: tuple[np.ndarray, np.ndarray],
    test_data: tuple[np.ndarray, np.ndarray] | None = None,
    optimizer: str = "adam",
    lr: float | Sequence[float] = 1e-2,
    batch_size: int | None = 100,
    steps: int = 6000,
    seed: int = 0,
    eval_every: int = 100,
    loss: str = "cross_entropy",
    **optimizer_kwargs,
) -> list[History]:
    """Train ``K`` independent networks of the same sizes and dtype at once.

    The parameters are stacked into a ``(K, n_params)`` buffer and every layer is one batched
    matrix product, so this is much faster than ``K`` calls to :func:`train`, and gives the same
    result (to rounding): every network sees the same mini-batch sequence drawn from ``seed``.
    The networks may differ in initialisation and activation. A network that diverges is frozen
    (its parameters are those at divergence) without affecting the others.

    Parameters
    ----------
    nets : sequence of MLP
        Same ``sizes`` and ``dtype``; trained in place (written back when training ends).
    lr : float or sequence of float
        One learning rate for all networks, or one per network.
    train_data, test_data, optimizer, batch_size, steps, seed, eval_every, loss, **optimizer_kwargs
        As in :func:`train`.

    Returns
    -------
    list of History
        One per network, in order.
    """
    return _fit(
        list(nets), train_data, test_data, optimizer, lr, batch_size, steps, seed, eval_every,
        loss, optimizer_kwargs,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# The training loop
# --------------------------------------------------------------------------------------------


def _check_int(name: str, value, minimum: int) -> int:
    if not (isinstance(value, Integral) and not isinstance(value, bool) and value >= minimum):
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def _same_activation(a, b) -> bool:
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:
        return False


def _stack_activation(acts: list, with_slopes: bool):
    """``activate(Z)`` for a stack ``Z`` of shape ``(K, n, width)``, net ``k`` using ``acts[k]``."""
    if all(_same_activation(acts[0], a) for a in acts):
        act = acts[0]
        return act.value_and_grad if with_slopes else lambda Z: (act(Z), None)

    def activate(Z: np.ndarray):
        A = np.empty_like(Z)
        D = np.empty_like(Z) if with_slopes else None
        for k, act in enumerate(acts):
            if with_slopes:
                A[k], D[k] = act.value_and_grad(Z[k])
            else:
                A[k] = act(Z[k])
        return A, D

    return activate


def _batches(
    rng: np.random.Generator, X: np.ndarray, y: np.ndarray, batch_size: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Endless mini-batches: each epoch one permutation, cut into consecutive slices."""
    n = len(X)
    if batch_size >= n:
        while True:
            yield X, y
    while True:
        perm = rng.permutation(n)
        Xp, yp = np.take(X, perm, axis=0), np.take(y, perm, axis=0)  # batches: contiguous views
        for start in range(0, n - batch_size + 1, batch_size):
            yield Xp[start : start + batch_size], yp[start : start + batch_size]


def _data(data, net: MLP, loss: str, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(X, targets, labels)`` in the net's dtype: one-hot targets and integer labels for
    cross-entropy, float targets (and no labels) for mse."""
    try:
        X, y = data
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (X, y)") from None
    X = np.ascontiguousarray(X, dtype=net.dtype)
    if X.ndim != 2 or X.shape[1] != net.sizes[0] or len(X) == 0:
        raise ValueError(f"{name}: X must have shape (n, {net.sizes[0]}) with n > 0, got {X.shape}")
    y = _prepare_targets(y, loss, net.sizes[-1], net.dtype, len(X))
    if loss == "cross_entropy":
        return X, one_hot(y, net.sizes[-1], net.dtype), y
    return X, y, None


def _evaluate(layers, activate, loss_fn, X, targets, labels):
    """Loss and accuracy (nan without labels) of every network of the stack, each of shape (K,)."""
    pre, _, _ = forward_pass(layers, activate, X)
    value, _ = loss_fn(pre[-1], targets)
    if labels is None:
        return value, np.full(value.shape, np.nan)
    return value, np.mean(pre[-1].argmax(axis=-1) == labels, axis=-1)


def _record(t, layers, grads, slopes, W_init, activate, loss_fn, train_set, test_set) -> dict:
    """One evaluation of every network of the stack: a dict of arrays with leading axis K."""
    K = layers[0][0].shape[0]
    record = {"steps": np.full(K, t)}
    record["train_loss"], record["train_acc"] = _evaluate(layers, activate, loss_fn, *train_set)
    if test_set is not None:
        record["test_loss"], record["test_acc"] = _evaluate(layers, activate, loss_fn, *test_set)
    else:
        record["test_loss"] = record["test_acc"] = np.full(K, np.nan)

    def norm(M: np.ndarray) -> np.ndarray:  # Frobenius norm of each matrix of a stack
        return np.sqrt(np.sum(M * M, axis=(-2, -1)))

    record["grad_norms"] = np.stack([norm(dW) for dW, _ in grads], axis=-1)
    record["weight_change"] = np.stack(
        [norm(W - W0) / norm(W0) for (W, _), W0 in zip(layers, W_init, strict=True)], axis=-1
    )
    # a unit is dead on this batch when phi'(z) = 0 for every sample
    dead = [np.mean(np.all(slope == 0, axis=-2), axis=-1) for slope in slopes]
    record["dead_fraction"] = np.stack(dead, axis=-1) if dead else np.empty((K, 0))
    return record


def _fit(nets, train_data, test_data, optimizer, lr, batch_size, steps, seed, eval_every, loss,
         optimizer_kwargs) -> list[History]:  # fmt: skip
    if len(nets) == 0 or not all(isinstance(net, MLP) for net in nets):
        raise ValueError("nets must be a non-empty sequence of MLP")
    first = nets[0]
    sizes, dtype = first.sizes, first.dtype
    for net in nets:
        if net.sizes != sizes or net.dtype != dtype:
            raise ValueError(
                f"all nets must share sizes and dtype; got {net.sizes} {net.dtype} "
                f"and {sizes} {dtype}"
            )
    K, L = len(nets), len(sizes) - 1
    loss_fn = _check_loss(loss)
    steps = _check_int("steps", steps, 0)
    eval_every = _check_int("eval_every", eval_every, 1)
    train_set = _data(train_data, first, loss, "train_data")
    test_set = None if test_data is None else _data(test_data, first, loss, "test_data")
    X, y, _ = train_set
    batch_size = len(X) if batch_size is None else _check_int("batch_size", batch_size, 1)
    if np.ndim(lr) == 1:
        if len(lr) != K:
            raise ValueError(f"lr must be a float or one per net ({K} values), got {len(lr)}")
        lr = np.asarray(lr, dtype=np.float64)[:, None]
    opt = make_optimizer(optimizer, lr, **optimizer_kwargs)

    # one (K, n_params) parameter stack; a single net trains directly in its own buffer
    flat = first.flat_params[None] if K == 1 else np.stack([net.flat_params for net in nets])
    grad = np.zeros_like(flat)
    layers, grads = layer_views(flat, sizes), layer_views(grad, sizes)
    W_init = [W.copy() for W, _ in layers]
    acts = [net.activation for net in nets]
    activate = _stack_activation(acts, with_slopes=True)
    evaluation = (_stack_activation(acts, with_slopes=False), loss_fn, train_set, test_set)
    batches = _batches(np.random.default_rng(seed), X, y, batch_size)

    alive = np.ones(K, dtype=bool)
    diverged_at: list[int | None] = [None] * K
    n_evals = np.zeros(K, dtype=np.int64)
    n_done = np.full(K, steps, dtype=np.int64)
    batch_loss = np.full((steps, K), np.nan)
    records: list[dict[str, np.ndarray]] = []

    def freeze(dead: np.ndarray, t: int) -> None:
        for k in np.flatnonzero(dead):
            diverged_at[k], n_done[k] = t, t
            if K > 1:  # keep the net as it was at divergence, then park its slot at zero
                nets[k].flat_params[...] = flat[k]
                flat[k] = 0
                for buf in opt.state.values():
                    buf[k] = 0
        alive[dead] = False

    with np.errstate(all="ignore"):  # nan and inf are detected below, not warned about
        for t in range(steps + 1):  # step t: after t updates; the last one only evaluates
            Xb, yb = next(batches)
            pre, post, slopes = forward_pass(layers, activate, Xb)
            losses, dZ = loss_fn(pre[-1], yb)
            backward_pass(layers, Xb, post, slopes, dZ, grads)

            # divergence: a non-finite batch loss (checked on the sum: one cheap scalar per step)
            evaluate = t % eval_every == 0 or t == steps
            if not math.isfinite(float(np.add.reduce(losses))) or evaluate:
                bad = alive & ~np.isfinite(losses)
                if evaluate:
                    bad |= alive & ~np.all(np.isfinite(flat), axis=1)
                if bad.any():
                    freeze(bad, t)
                if not alive.any():
                    break

            if evaluate:
                n_evals[alive] += 1
                records.append(_record(t, layers, grads, slopes, W_init, *evaluation))
            if t == steps:
                break

            batch_loss[t] = losses
            if not alive.all():
                grad[~alive] = 0  # frozen nets stay parked at zero
            opt.step(flat, grad)

    if K > 1:
        for k in np.flatnonzero(alive):
            nets[k].flat_params[...] = flat[k]
    return [_history(k, records, n_evals[k], batch_loss[: n_done[k], k], diverged_at[k], steps, L)
            for k in range(K)]  # fmt: skip


def _history(k, records, n_evals, batch_loss, diverged_at, steps, n_layers) -> History:
    def column(key: str, dtype=np.float64) -> np.ndarray:
        return np.array([r[key][k] for r in records[:n_evals]], dtype=dtype)

    n_hidden = n_layers - 1
    return History(
        steps=column("steps", np.int64),
        train_loss=column("train_loss"),
        train_acc=column("train_acc"),
        test_loss=column("test_loss"),
        test_acc=column("test_acc"),
        batch_loss=np.asarray(batch_loss, dtype=np.float64),
        grad_norms=column("grad_norms").reshape(n_evals, n_layers),
        dead_fraction=column("dead_fraction").reshape(n_evals, n_hidden),
        weight_change=column("weight_change").reshape(n_evals, n_layers),
        diverged=diverged_at is not None,
        diverged_at=diverged_at,
        status=f"completed {steps} steps"
        if diverged_at is None
        else f"diverged at step {diverged_at}",
    )
