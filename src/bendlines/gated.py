"""Gated layers: GLU, SwiGLU and relatives, beside the element-wise activations.

An element-wise activation maps one pre-activation ``z`` to ``phi(z)``. A *gated* unit has two
pre-activations from the same input ``x``, a value ``a = x W + b`` and a gate ``g = x V + c``,
and outputs ``a * sigma(g)``, where ``sigma`` is an ordinary activation from the registry
(:mod:`bendlines.activations`). The gate decides, input by input, how much of the value passes.
With the sigmoid as gate this is the GLU of Dauphin et al. (2017); with SiLU, SwiGLU; with
GELU, GEGLU; with the identity, the bilinear layer (Shazeer, 2020).

:class:`GatedMLP` stacks gated hidden layers and a linear output layer; ``GatedMLP.loss_and_grads``
gives exact gradients (checked against finite differences in the tests) and :func:`train`
trains it with Adam on mini-batches, like :func:`bendlines.training.train`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from bendlines import activations
from bendlines.mlp import cross_entropy_loss, one_hot
from bendlines.optim import Adam

__all__ = ["GATES", "GatedMLP", "gated_unit", "matched_width", "train"]

#: Named gated units -> the registry activation used as the gate.
GATES = {
    "glu": "sigmoid",
    "swiglu": "silu",
    "geglu": "gelu",
    "reglu": "relu",
    "bilinear": "identity",
}


def gated_unit(a: np.ndarray, g: np.ndarray, gate: str = "sigmoid") -> np.ndarray:
    """``a * sigma(g)`` element by element, ``sigma`` the registry activation ``gate``."""
    return a * activations.get(GATES.get(gate, gate))(g)


def _n_params(sizes: Sequence[int]) -> int:
    hidden = sum(2 * (i + 1) * o for i, o in itertools.pairwise(sizes[:-1]))
    return hidden + (sizes[-2] + 1) * sizes[-1]


def matched_width(n_in: int, width: int, depth: int, n_out: int) -> int:
    """Width of ``depth`` gated layers whose net has about as many parameters as a plain MLP
    with ``depth`` hidden layers of ``width`` units."""
    plain = (n_in + 1) * width + (depth - 1) * (width + 1) * width + (width + 1) * n_out
    return min(
        range(1, 2 * width + 1),
        key=lambda w: abs(_n_params([n_in, *[w] * depth, n_out]) - plain),
    )


class GatedMLP:
    """A classifier whose hidden layers are gated units, ``h = (x W + b) * sigma(x V + c)``.

    Parameters
    ----------
    sizes : sequence of int
        Inputs, hidden widths, classes (at least one hidden layer).
    gate : str, default "sigmoid"
        A name in :data:`GATES` or a registry activation.
    seed : int
        Seed of the weights: every matrix LeCun normal, ``N(0, 1/n_in)``; biases 0.
    dtype : numpy float dtype, default float32
    """

    def __init__(self, sizes: Sequence[int], gate: str = "sigmoid", seed: int = 0,
                 dtype=np.float32):  # fmt: skip
        sizes = [int(s) for s in sizes]
        if len(sizes) < 3 or min(sizes) < 1:
            raise ValueError(f"sizes needs inputs, >= 1 hidden layer and outputs, got {sizes}")
        self.gate_name = gate
        self.gate = activations.get(GATES.get(gate, gate))
        self.sizes = sizes
        self.dtype = np.dtype(dtype)
        rng = np.random.default_rng(seed)
        self.flat = np.zeros(_n_params(sizes), dtype=self.dtype)
        self._views()
        for layer in self.hidden:
            for M in (layer[0], layer[2]):
                M[...] = rng.standard_normal(M.shape) / math.sqrt(M.shape[0])
        W, _ = self.out
        W[...] = rng.standard_normal(W.shape) / math.sqrt(W.shape[0])

    def _views(self, flat: np.ndarray | None = None):
        flat = self.flat if flat is None else flat
        pos, hidden = 0, []

        def take(shape):
            nonlocal pos
            size = int(np.prod(shape))
            view = flat[pos : pos + size].reshape(shape)
            pos += size
            return view

        for i, o in itertools.pairwise(self.sizes[:-1]):
            hidden.append((take((i, o)), take((o,)), take((i, o)), take((o,))))
        out = (take((self.sizes[-2], self.sizes[-1])), take((self.sizes[-1],)))
        if flat is self.flat:
            self.hidden, self.out = hidden, out
        return hidden, out

    @property
    def n_params(self) -> int:
        """Number of parameters."""
        return self.flat.size

    def forward(self, X: np.ndarray, keep: bool = False):
        """Logits of shape (n, classes); with ``keep`` also what the backward pass needs."""
        h, saved = np.asarray(X, dtype=self.dtype), []
        for W, b, V, c in self.hidden:
            a, g = h @ W + b, h @ V + c
            s, ds = self.gate.value_and_grad(g)
            saved.append((h, a, s, ds))
            h = a * s
        W, b = self.out
        logits = h @ W + b
        return (logits, saved, h) if keep else logits

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean cross-entropy loss on ``(X, y)`` and its gradient as a flat vector."""
        logits, saved, h = self.forward(X, keep=True)
        targets = one_hot(np.asarray(y), self.sizes[-1], self.dtype)
        loss, dZ = cross_entropy_loss(logits, targets)
        grad = np.zeros_like(self.flat)
        g_hidden, g_out = self._views(grad)
        W, _ = self.out
        g_out[0][...] = h.T @ dZ
        g_out[1][...] = dZ.sum(axis=0)
        dh = dZ @ W.T
        for (W, _, V, _), (gW, gb, gV, gc), (h_in, a, s, ds) in zip(
            reversed(self.hidden), reversed(g_hidden), reversed(saved), strict=True
        ):
            da, dg = dh * s, dh * a * ds
            gW[...], gb[...] = h_in.T @ da, da.sum(axis=0)
            gV[...], gc[...] = h_in.T @ dg, dg.sum(axis=0)
            dh = da @ W.T + dg @ V.T
        return float(loss), grad

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        """Fraction of ``X`` classified as ``y``."""
        return float(np.mean(self.forward(X).argmax(axis=1) == np.asarray(y)))

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        """Mean cross-entropy loss."""
        logits = self.forward(X)
        return float(
            cross_entropy_loss(logits, one_hot(np.asarray(y), self.sizes[-1], self.dtype))[0]
        )


def train(net: GatedMLP, train_data, val_data, lr: float = 1e-3, batch_size: int = 50,
          steps: int = 1000, seed: int = 0) -> dict[str, float]:  # fmt: skip
    """Train ``net`` in place with Adam on mini-batches (a fresh permutation per epoch, drawn
    from ``seed``), stopping at a non-finite loss.

    Returns
    -------
    dict
        ``train_loss``, ``val_loss``, ``val_acc`` at the end (losses ``nan`` after a
        divergence) and ``steps`` done.
    """
    X, y = train_data
    X = np.asarray(X, dtype=net.dtype)
    rng = np.random.default_rng(seed)
    opt = Adam(lr)
    done, order, pos = 0, rng.permutation(len(X)), 0
    with np.errstate(all="ignore"):
        while done < steps:
            if pos + batch_size > len(X):
                order, pos = rng.permutation(len(X)), 0
            idx = order[pos : pos + batch_size]
            pos += batch_size
            loss, grad = net.loss_and_grads(X[idx], y[idx])
            if not (math.isfinite(loss) and np.all(np.isfinite(grad))):
                nan = float("nan")
                return {"train_loss": nan, "val_loss": nan, "val_acc": nan, "steps": done}
            opt.step(net.flat, grad)
            done += 1
        return {
            "train_loss": net.loss(X, y),
            "val_loss": net.loss(*val_data),
            "val_acc": net.accuracy(*val_data),
            "steps": done,
        }
