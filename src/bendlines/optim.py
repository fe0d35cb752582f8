"""Gradient-descent optimisers that update a flat parameter vector in place.

Every optimiser has one method, ``step(params, grads)``: ``params`` and ``grads`` are arrays of
the same shape (a network's :attr:`~bendlines.mlp.MLP.flat_params`, or a ``(K, n_params)`` stack
of them) and ``params`` is overwritten. The state (velocity, moments) is created on the first
step with the shape and dtype of ``params``; scalar coefficients are Python floats, so float32
parameters stay float32.

The learning rate may be a float or an array broadcastable against ``params`` (for instance of
shape ``(K, 1)``: one learning rate per network of a stack).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["OPTIMIZERS", "SGD", "Adam", "Momentum", "make_optimizer"]


def _coefficient(value, dtype: np.dtype):
    """A float stays a Python float (cast on use); an array is computed in float64, then cast."""
    if np.ndim(value) == 0:
        return float(value)
    return np.asarray(value, dtype=np.float64).astype(dtype)


def _check_lr(lr):
    arr = np.asarray(lr, dtype=np.float64)
    if not (np.all(np.isfinite(arr)) and np.all(arr > 0)):
        raise ValueError(f"lr must be positive and finite (a float or an array), got {lr!r}")
    return float(arr) if arr.ndim == 0 else arr


class SGD:
    """Plain gradient descent: ``p <- p - lr * g``.

    Parameters
    ----------
    lr : float or ndarray
        Learning rate (step size per unit gradient).
    """

    name = "sgd"

    def __init__(self, lr: float = 1e-2):
        self.lr = _check_lr(lr)
        self.t = 0
        self._buf = None

    @property
    def state(self) -> dict[str, np.ndarray]:
        """Arrays of per-parameter state (empty for SGD)."""
        return {}

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        """Update ``params`` in place from ``grads`` (arrays of the same shape)."""
        if self._buf is None:
            self._buf = np.empty_like(params)
        self.t += 1
        update = np.multiply(grads, _coefficient(self.lr, params.dtype), out=self._buf)
        params -= update


class Momentum:
    """Heavy-ball momentum (as in ``torch.optim.SGD``): ``v <- mu v + g``, ``p <- p - lr v``.

    Parameters
    ----------
    lr : float or ndarray
        Learning rate.
    momentum : float, default 0.9
        Decay ``mu`` of the velocity, in ``[0, 1)``.
    """

    name = "momentum"

    def __init__(self, lr: float = 1e-2, momentum: float = 0.9):
        self.lr = _check_lr(lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self.t = 0
        self.velocity = None
        self._buf = None

    @property
    def state(self) -> dict[str, np.ndarray]:
        """The velocity (after the first step)."""
        return {} if self.velocity is None else {"velocity": self.velocity}

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        """Update ``params`` in place from ``grads`` (arrays of the same shape)."""
        if self.velocity is None:
            self.velocity = np.zeros_like(params)
            self._buf = np.empty_like(params)
        self.t += 1
        v = self.velocity
        v *= self.momentum  # v = mu v + g
        v += grads
        params -= np.multiply(v, _coefficient(self.lr, params.dtype), out=self._buf)  # p -= lr v


class Adam:
    """Adam with bias correction (Kingma & Ba, 2015).

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g**2``,
    ``p <- p - lr * m_hat / (sqrt(v_hat) + eps)`` with ``m_hat = m / (1 - b1**t)`` and
    ``v_hat = v / (1 - b2**t)``.

    Parameters
    ----------
    lr : float or ndarray
        Learning rate (the largest step per parameter, roughly).
    beta1, beta2 : float, default 0.9 and 0.999
        Decay rates of the first and second moment estimates, in ``[0, 1)``.
    eps : float, default 1e-8
        Added to ``sqrt(v_hat)`` to avoid dividing by zero.
    """

    name = "adam"

    def __init__(
        self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ):
        self.lr = _check_lr(lr)
        for label, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{label} must be in [0, 1), got {beta!r}")
        if not eps > 0:
            raise ValueError(f"eps must be positive, got {eps!r}")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.t = 0
        self.m = self.v = None
        self._buf = None

    @property
    def state(self) -> dict[str, np.ndarray]:
        """The first and second moment estimates (after the first step)."""
        return {} if self.m is None else {"m": self.m, "v": self.v}

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        """Update ``params`` in place from ``grads`` (arrays of the same shape)."""
        if self.m is None:
            self.m = np.zeros_like(params)
            self.v = np.zeros_like(params)
            self._buf = np.empty_like(params)
        self.t += 1
        b1, b2, m, v, buf = self.beta1, self.beta2, self.m, self.v, self._buf
        # m = b1 m + (1 - b1) g, written as m += (1 - b1)(g - m)
        np.subtract(grads, m, out=buf)
        buf *= 1.0 - b1
        m += buf
        # v = b2 v + (1 - b2) g^2, written as v += (1 - b2)(g^2 - v)
        np.multiply(grads, grads, out=buf)
        buf -= v
        buf *= 1.0 - b2
        v += buf
        # p -= lr m_hat / (sqrt(v_hat) + eps), with both bias corrections folded into scalars
        correction1 = 1.0 - b1**self.t
        correction2 = 1.0 - b2**self.t
        np.sqrt(v, out=buf)
        buf *= 1.0 / math.sqrt(correction2)
        buf += self.eps
        np.divide(m, buf, out=buf)
        buf *= _coefficient(self.lr / correction1, params.dtype)
        params -= buf


#: Optimiser classes by name.
OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name: str, lr: float, **kwargs) -> SGD | Momentum | Adam:
    """Create an optimiser by name.

    Parameters
    ----------
    name : {"sgd", "momentum", "adam"}
    lr : float or ndarray
        Learning rate.
    **kwargs
        ``momentum`` for "momentum"; ``beta1``, ``beta2``, ``eps`` for "adam".

    Returns
    -------
    SGD, Momentum or Adam
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {tuple(OPTIMIZERS)}")
    try:
        return OPTIMIZERS[name](lr, **kwargs)
    except TypeError as err:
        raise ValueError(f"bad options for optimizer {name!r}: {err}") from None
