"""Heavy MNIST-1D training runs of the chapter *Why neural networks need nonlinearity*.

One function, :func:`mnist1d_runs`, trains nets of one architecture from one seed at several
learning rates, on either a validation split (for tuning) or the full training set with the
test set (for the final comparison). The results store (:mod:`bendlines.results`) keeps its
outputs keyed by this module's code, so this file holds only the runs; the chapter's analysis
lives in :mod:`bendlines.experiments.nonlinearity`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bendlines import data
from bendlines.mlp import MLP
from bendlines.training import train_many

__all__ = ["LOGISTIC", "SPLITS", "VALIDATION_SIZE", "mnist1d_runs", "mnist1d_split"]

#: Name of the model with no hidden layer (one linear layer plus softmax).
LOGISTIC = "logistic"
#: ``"validation"``: train on part of the training set, evaluate on the rest (for tuning);
#: ``"test"``: train on the whole training set, evaluate on the test set.
SPLITS = ("validation", "test")
#: Training examples held out for validation.
VALIDATION_SIZE = 800
#: Seed of the permutation that picks them.
VALIDATION_SEED = 12345


def mnist1d_split(
    split: str,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(train, eval)`` pairs ``(X, y)`` of MNIST-1D for ``split`` (see :data:`SPLITS`).

    The validation examples are a fixed random subset of the training set; the test set is
    never used for tuning.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {SPLITS}")
    (X, y), test = data.load("mnist1d")
    if split == "test":
        return (X, y), test
    perm = np.random.default_rng(VALIDATION_SEED).permutation(len(X))
    held, kept = perm[:VALIDATION_SIZE], perm[VALIDATION_SIZE:]
    return (X[kept], y[kept]), (X[held], y[held])


def mnist1d_runs(
    activation: str,
    depth: int,
    width: int,
    seed: int,
    lrs: Sequence[float],
    steps: int,
    batch_size: int,
    eval_every: int,
    split: str,
) -> dict[str, np.ndarray]:
    """Train one architecture from one seed at each learning rate in ``lrs`` (Adam, float32).

    Every net starts from the same initial weights (drawn from ``seed``) and sees the same
    mini-batch order (also drawn from ``seed``); different seeds differ in both.

    Parameters
    ----------
    activation : str
        Hidden activation (``"identity"`` for deep linear nets), or ``"logistic"`` for logistic
        regression (``depth`` must then be 0).
    depth : int
        Number of hidden layers, each ``width`` wide.
    width : int
        Width of every hidden layer.
    seed : int
        Seed of the initial weights and of the batch order.
    lrs : sequence of float
        Learning rates, one net each.
    steps, batch_size, eval_every : int
        Training budget, samples per step, evaluation interval (steps).
    split : str
        One of :data:`SPLITS`.

    Returns
    -------
    dict of str to ndarray
        ``steps`` (n_evals,); ``train_acc``, ``eval_acc``, ``train_loss``, ``eval_loss`` of
        shape (n_lrs, n_evals), accuracies in [0, 1] and losses in nats; ``diverged`` (n_lrs,).
    """
    if (activation == LOGISTIC) != (depth == 0):
        raise ValueError(
            f"logistic regression has depth 0 and only it; got {activation!r}, {depth}"
        )
    train, evaluation = mnist1d_split(split)
    sizes = [train[0].shape[1]] + [int(width)] * int(depth) + [int(np.max(train[1])) + 1]
    act = "identity" if activation == LOGISTIC else activation
    nets = [MLP(sizes, activation=act, seed=int(seed), dtype=np.float32) for _ in lrs]
    histories = train_many(
        nets, train, evaluation, optimizer="adam", lr=[float(lr) for lr in lrs], steps=int(steps),
        batch_size=int(batch_size), seed=int(seed), eval_every=int(eval_every),
    )  # fmt: skip
    longest = max(histories, key=lambda h: len(h.steps))

    def padded(field: str) -> np.ndarray:
        """One row per net; a net that diverged has nan after its last evaluation."""
        out = np.full((len(histories), len(longest.steps)), np.nan)
        for row, h in zip(out, histories, strict=True):
            row[: len(h.steps)] = getattr(h, field)
        return out

    return {
        "steps": longest.steps,
        "train_acc": padded("train_acc"),
        "eval_acc": padded("test_acc"),
        "train_loss": padded("train_loss"),
        "eval_loss": padded("test_loss"),
        "diverged": np.array([h.diverged for h in histories]),
    }
