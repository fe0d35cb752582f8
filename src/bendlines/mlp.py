"""A small numpy multilayer perceptron trained by backpropagation.

The network is ``Z_l = A_{l-1} W_l + b_l`` and ``A_l = phi(Z_l)`` for every hidden layer, with
``A_0 = X`` and a linear output layer ``Z_L`` (the logits). Every parameter lives in one flat,
contiguous buffer (:attr:`MLP.flat_params`); the ``(W, b)`` pairs of :attr:`MLP.params` are reshaped
views into it, so an optimiser updates the whole network with a few in-place operations on one
vector.

The forward and backward passes (:func:`forward_pass`, :func:`backward_pass`) and the losses
(:func:`cross_entropy_loss`, :func:`mse_loss`) are written once for arrays with any number of
leading "stack" axes: ``W`` of shape ``(..., fan_in, fan_out)`` and ``b`` of shape
``(..., 1, fan_out)``. A single network uses no leading axis; :mod:`bendlines.training` uses one
leading axis of length ``K`` to train ``K`` networks at once with batched matrix products.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from numbers import Integral, Real

import numpy as np

from bendlines import activations as _activations

__all__ = [
    "INITS",
    "LOSSES",
    "MLP",
    "backward_pass",
    "cross_entropy_loss",
    "forward_pass",
    "init_weights",
    "layer_views",
    "mse_loss",
    "one_hot",
    "prepare_targets",
]

#: Initialisation schemes accepted by :func:`init_weights` (a positive float is also allowed).
INITS = (
    "xavier",
    "glorot",
    "xavier_uniform",
    "xavier_normal",
    "he",
    "kaiming",
    "he_normal",
    "he_uniform",
    "lecun",
)

_INIT_ALIASES = {
    "xavier": "xavier_uniform",
    "glorot": "xavier_uniform",
    "he": "he_normal",
    "kaiming": "he_normal",
    "lecun": "lecun_normal",
}

_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


# --------------------------------------------------------------------------------------------
# Initialisation
# --------------------------------------------------------------------------------------------


def init_weights(
    fan_in: int, fan_out: int, init: str | float, rng: np.random.Generator
) -> np.ndarray:
    """Draw one weight matrix of shape ``(fan_in, fan_out)`` from an initialisation scheme.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs and outputs of the layer.
    init : str or float
        ``"xavier_uniform"`` (alias ``"xavier"``, ``"glorot"``): U(-a, a) with
        ``a = sqrt(6 / (fan_in + fan_out))``, variance ``2 / (fan_in + fan_out)``.
        ``"xavier_normal"``: N(0, 2 / (fan_in + fan_out)).
        ``"he_normal"`` (alias ``"he"``, ``"kaiming"``): N(0, 2 / fan_in).
        ``"he_uniform"``: U(-a, a) with ``a = sqrt(6 / fan_in)``, variance ``2 / fan_in``.
        ``"lecun"``: N(0, 1 / fan_in).
        A positive float ``s``: N(0, s**2), an explicit weight scale.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    W : ndarray of shape (fan_in, fan_out), float64

    Raises
    ------
    ValueError
        If ``init`` is not one of :data:`INITS` or a positive float.
    """
    scheme = _check_init(init)
    shape = (fan_in, fan_out)
    if not isinstance(scheme, str):
        return scheme * rng.standard_normal(shape)
    if scheme == "xavier_uniform":
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound, shape)
    if scheme == "xavier_normal":
        return np.sqrt(2.0 / (fan_in + fan_out)) * rng.standard_normal(shape)
    if scheme == "he_uniform":
        bound = np.sqrt(6.0 / fan_in)
        return rng.uniform(-bound, bound, shape)
    if scheme == "he_normal":
        return np.sqrt(2.0 / fan_in) * rng.standard_normal(shape)
    return np.sqrt(1.0 / fan_in) * rng.standard_normal(shape)  # lecun_normal


def _check_init(init) -> str | float:
    """Return the canonical scheme name, or the weight scale as a float."""
    if isinstance(init, str):
        if init not in INITS and init not in _INIT_ALIASES.values():
            raise ValueError(f"unknown init {init!r}; choose one of {INITS} or a positive float")
        return _INIT_ALIASES.get(init, init)
    if isinstance(init, Real) and not isinstance(init, bool) and np.isfinite(init) and init > 0:
        return float(init)
    raise ValueError(f"unknown init {init!r}; choose one of {INITS} or a positive float")


# --------------------------------------------------------------------------------------------
# Losses: each returns the loss and its gradient with respect to the network output
# --------------------------------------------------------------------------------------------


def cross_entropy_loss(logits: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Softmax cross-entropy, averaged over samples, and its gradient.

    Parameters
    ----------
    logits : ndarray of shape (..., n, n_classes)
        Network outputs; leading axes index independent networks.
    targets : ndarray of shape (n,) or (n, n_classes)
        Integer labels in ``0 .. n_classes - 1``, or one-hot rows (class probabilities summing
        to 1) in the dtype of ``logits`` (see :func:`one_hot`).

    Returns
    -------
    loss : ndarray of shape (...)
        ``mean_i [log sum_c exp(z_ic) - sum_c t_ic z_ic]`` in nats, computed with the log-sum-exp
        shift ``z_ic - max_c z_ic`` so that large logits cannot overflow.
    dlogits : ndarray of shape (..., n, n_classes)
        ``(softmax(z) - t) / n``, same dtype as ``logits``.

    Notes
    -----
    The work is done on the transpose, classes along axis -2: numpy reduces across rows much
    faster than along many short rows, and this is the hottest loss of the book.
    """
    n = logits.shape[-2]
    if targets.ndim == 1:
        targets = one_hot(targets, logits.shape[-1], logits.dtype)
    z = np.array(logits.mT, order="C")  # (..., n_classes, n), a copy: the work below is in place
    t = targets.T
    # forward: log p_ic = s_ic - log sum_c exp(s_ic), with s_ic = z_ic - max_c z_ic
    z -= np.maximum.reduce(z, axis=-2, keepdims=True)
    exp = np.exp(z)
    total = np.add.reduce(exp, axis=-2, keepdims=True)
    z *= t
    loss = (np.add.reduce(np.log(total), axis=(-2, -1)) - np.add.reduce(z, axis=(-2, -1))) / n
    # backward: d loss / d z_ic = (p_ic - t_ic) / n, reusing exp as the softmax buffer
    dz = np.divide(exp, total, out=exp)
    dz -= t
    dz *= 1.0 / n
    return loss, dz.mT


def one_hot(labels: np.ndarray, n_classes: int, dtype=np.float64) -> np.ndarray:
    """One-hot rows of shape ``(n, n_classes)`` in ``dtype`` for integer ``labels`` (n,)."""
    out = np.zeros((len(labels), n_classes), dtype=dtype)
    out[np.arange(len(labels)), labels] = 1
    return out


def mse_loss(outputs: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean squared error over samples and outputs (like ``torch.nn.MSELoss``) and its gradient.

    Parameters
    ----------
    outputs : ndarray of shape (..., n, n_out)
        Network outputs; leading axes index independent networks.
    targets : ndarray of shape (n, n_out)
        Target values, same units as the outputs.

    Returns
    -------
    loss : ndarray of shape (...)
        ``mean_{i,j} (outputs_ij - targets_ij)**2`` in squared output units.
    doutputs : ndarray of shape (..., n, n_out)
        ``2 (outputs - targets) / (n * n_out)``.
    """
    # forward: L = mean(e**2) with e = outputs - targets
    count = outputs.shape[-2] * outputs.shape[-1]
    error = outputs - targets
    loss = np.add.reduce(error * error, axis=(-2, -1)) / count
    # backward: dL/de = 2 e / (number of entries)
    error *= 2.0 / count
    return loss, error


#: Loss functions by name.
LOSSES: dict[str, Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    "cross_entropy": cross_entropy_loss,
    "mse": mse_loss,
}


def _check_loss(loss: str):
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {tuple(LOSSES)}")
    return LOSSES[loss]


# --------------------------------------------------------------------------------------------
# Forward and backward passes, for one network or a stack of networks
# --------------------------------------------------------------------------------------------

#: ``activate(Z) -> (phi(Z), phi'(Z))`` for the hidden layers.
Activate = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def forward_pass(
    layers: Sequence[tuple[np.ndarray, np.ndarray]], activate: Activate, X: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Run the network forward, keeping what the backward pass needs.

    Parameters
    ----------
    layers : sequence of (W, b)
        ``W`` of shape ``(..., fan_in, fan_out)`` and ``b`` of shape ``(..., 1, fan_out)``
        (see :func:`layer_views`).
    activate : callable
        ``activate(Z)`` returns ``(phi(Z), phi'(Z))`` for a hidden pre-activation ``Z``.
    X : ndarray of shape (n, fan_in) or (..., n, fan_in)
        Inputs.

    Returns
    -------
    pre : list of ndarray
        Pre-activations ``Z_l`` of shape ``(..., n, fan_out_l)``, one per layer; the last one is
        the network output.
    post : list of ndarray
        Activations ``A_l = phi(Z_l)``, one per layer; ``post[-1] is pre[-1]`` (linear output).
    slopes : list of ndarray
        ``phi'(Z_l)`` for the hidden layers only (one fewer than layers).
    """
    pre, post, slopes = [], [], []
    A = X
    for i, (W, b) in enumerate(layers):
        Z = np.matmul(A, W)  # Z = A_prev W + b
        Z += b
        if i < len(layers) - 1:
            A, slope = activate(Z)  # A = phi(Z), and phi'(Z) for the backward pass
            slopes.append(slope)
        else:
            A = Z  # linear output layer
        pre.append(Z)
        post.append(A)
    return pre, post, slopes


def backward_pass(
    layers: Sequence[tuple[np.ndarray, np.ndarray]],
    X: np.ndarray,
    post: Sequence[np.ndarray],
    slopes: Sequence[np.ndarray],
    dZ: np.ndarray,
    grads: Sequence[tuple[np.ndarray, np.ndarray]],
) -> None:
    """Backpropagate ``dZ = dL/dZ_L`` through the layers, writing ``(dW, db)`` into ``grads``.

    Parameters
    ----------
    layers : sequence of (W, b)
        As in :func:`forward_pass`.
    X : ndarray of shape (n, fan_in) or (..., n, fan_in)
        The inputs given to :func:`forward_pass`.
    post, slopes : lists of ndarray
        From :func:`forward_pass`.
    dZ : ndarray of shape (..., n, n_out)
        Gradient of the loss with respect to the output (from a loss function).
    grads : sequence of (dW, db)
        Output arrays shaped like ``layers``; overwritten.
    """
    for i in reversed(range(len(layers))):
        W, _ = layers[i]
        dW, db = grads[i]
        A_prev = X if i == 0 else post[i - 1]
        # forward: Z = A_prev W + b
        np.matmul(A_prev.mT, dZ, out=dW)  # dW = A_prev^T dZ
        np.add.reduce(dZ, axis=-2, keepdims=True, out=db)  # db = sum over samples of dZ
        if i > 0:
            dA = np.matmul(dZ, W.mT)  # dA_prev = dZ W^T
            # forward: A_prev = phi(Z_prev)
            dZ = np.multiply(dA, slopes[i - 1], out=dA)  # dZ_prev = dA_prev * phi'(Z_prev)


def layer_views(flat: np.ndarray, sizes: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cut a flat parameter buffer into ``(W, b)`` views for :func:`forward_pass`.

    Parameters
    ----------
    flat : ndarray of shape (..., n_params)
        Parameters laid out layer by layer as ``W_1.ravel(), b_1, W_2.ravel(), b_2, ...``.
    sizes : sequence of int
        Layer widths, input first.

    Returns
    -------
    list of (W, b)
        Views with ``W`` of shape ``(..., fan_in, fan_out)`` and ``b`` of shape
        ``(..., 1, fan_out)``; writing to them writes to ``flat``.
    """
    lead = flat.shape[:-1]
    views, start = [], 0
    for fan_in, fan_out in itertools.pairwise(sizes):
        stop = start + fan_in * fan_out
        W = flat[..., start:stop].reshape(*lead, fan_in, fan_out)
        b = flat[..., stop : stop + fan_out].reshape(*lead, 1, fan_out)
        views.append((W, b))
        start = stop + fan_out
    return views


def _n_params(sizes: Sequence[int]) -> int:
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


def _check_sizes(sizes) -> list[int]:
    try:
        out = [int(s) for s in sizes]
        ok = len(out) >= 2 and all(
            isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in sizes
        )
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(
            f"sizes must be a sequence of at least two positive ints "
            f"(input, hidden..., output), got {sizes!r}"
        )
    return out


def float_dtype(dtype) -> np.dtype:
    """The numpy dtype for ``dtype``, which must be float32 or float64 (else ValueError)."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in _DTYPES:
        raise ValueError(f"dtype must be one of float32, float64, got {dtype!r}")
    return dt


# --------------------------------------------------------------------------------------------
# The network
# --------------------------------------------------------------------------------------------


class MLP:
    """A fully connected network with one activation in every hidden layer and a linear output.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, input first and output last, e.g. ``[40, 100, 100, 10]``.
    activation : str or Activation, default "relu"
        Hidden-layer activation: a name from :func:`bendlines.activations.names` or an object
        returned by :func:`bendlines.activations.get`.
    init : str or float, default "he"
        Weight initialisation scheme (see :func:`init_weights`), applied to every layer.
    seed : int, default 0
        Seed of the :class:`numpy.random.Generator` drawing the weights. Weights are drawn in
        float64 and rounded, so a float32 net is the rounded float64 net of the same seed.
    dtype : {numpy.float64, numpy.float32}, default numpy.float64
        Floating point type of parameters, activations and gradients.
    bias_init : float, default 0.0
        Constant value of every bias (negative values make dead ReLU units).

    Attributes
    ----------
    sizes : list of int
    activation : Activation
    dtype : numpy.dtype
    n_params : int
    flat_params : ndarray of shape (n_params,)
        All parameters in one buffer; :attr:`params` are views into it.
    params : list of (W, b)
        ``W`` of shape ``(fan_in, fan_out)``, ``b`` of shape ``(fan_out,)``.

    Examples
    --------
    >>> net = MLP([2, 8, 2], activation="tanh", seed=1)
    >>> net.forward(np.zeros((5, 2))).shape
    (5, 2)
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation="relu",
        init: str | float = "he",
        seed: int = 0,
        dtype=np.float64,
        bias_init: float = 0.0,
    ):
        sizes = _check_sizes(sizes)
        dtype = float_dtype(dtype)
        _check_init(init)
        if not (isinstance(bias_init, Real) and np.isfinite(bias_init)):
            raise ValueError(f"bias_init must be a finite real number, got {bias_init!r}")
        self._setup(sizes, _activations.get(activation), np.empty(_n_params(sizes), dtype))
        rng = np.random.default_rng(seed)
        for W, b in self.params:
            W[...] = init_weights(W.shape[0], W.shape[1], init, rng)
            b[...] = bias_init

    def _setup(self, sizes: list[int], activation, flat: np.ndarray) -> None:
        self._sizes = sizes
        self._activation = activation
        self._flat = flat
        # engine views: b of shape (1, fan_out) so that the same code serves stacks of networks
        self._layers = layer_views(flat, sizes)

    @classmethod
    def from_params(cls, params: Sequence[tuple[np.ndarray, np.ndarray]], activation="relu"):
        """Build a network from given weights and biases (copied).

        Parameters
        ----------
        params : sequence of (W, b)
            ``W`` of shape ``(fan_in, fan_out)`` and ``b`` of shape ``(fan_out,)``, consecutive
            layers chained (``fan_out`` of one layer is ``fan_in`` of the next).
        activation : str or Activation, default "relu"

        Returns
        -------
        MLP
            float32 if every array is float32, float64 otherwise.
        """
        arrays = [np.asarray(a) for pair in params for a in pair]
        if len(arrays) == 0 or len(arrays) != 2 * len(params):
            raise ValueError("params must be a non-empty sequence of (W, b) pairs")
        Ws, bs = arrays[0::2], arrays[1::2]
        sizes = [Ws[0].shape[0] if Ws[0].ndim == 2 else -1]
        for W, b in zip(Ws, bs, strict=True):
            if W.ndim != 2 or W.shape[0] != sizes[-1] or b.shape != (W.shape[1],):
                raise ValueError(
                    "each layer needs W of shape (fan_in, fan_out) and b of shape (fan_out,), "
                    "with fan_in equal to the previous fan_out; got shapes "
                    f"{[(w.shape, v.shape) for w, v in zip(Ws, bs, strict=True)]}"
                )
            sizes.append(W.shape[1])
        all32 = all(a.dtype == np.float32 for a in arrays)
        dtype = np.dtype(np.float32 if all32 else np.float64)
        net = cls.__new__(cls)
        net._setup(
            _check_sizes(sizes), _activations.get(activation), np.empty(_n_params(sizes), dtype)
        )
        for (W, b), (W_src, b_src) in zip(net.params, zip(Ws, bs, strict=True), strict=True):
            W[...] = W_src
            b[...] = b_src
        return net

    def copy(self) -> MLP:
        """Return an independent copy (parameters copied, activation shared)."""
        net = type(self).__new__(type(self))
        net._setup(list(self._sizes), self.activation, self._flat.copy())
        return net

    # ---- attributes -------------------------------------------------------------------------

    @property
    def sizes(self) -> list[int]:
        """Layer widths, input first."""
        return list(self._sizes)

    @property
    def activation(self):
        """The hidden-layer :class:`~bendlines.activations.Activation`; settable by name."""
        return self._activation

    @activation.setter
    def activation(self, activation) -> None:
        self._activation = _activations.get(activation)

    @property
    def dtype(self) -> np.dtype:
        """Floating point type of the parameters."""
        return self._flat.dtype

    @property
    def n_params(self) -> int:
        """Number of weights and biases."""
        return self._flat.size

    @property
    def flat_params(self) -> np.ndarray:
        """All parameters as one contiguous vector of shape ``(n_params,)`` (a view)."""
        return self._flat

    @property
    def params(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(W, b)`` per layer: views of shape ``(fan_in, fan_out)`` and ``(fan_out,)``."""
        return [(W, b[0]) for W, b in self._layers]

    def __repr__(self) -> str:
        return (
            f"MLP({self._sizes}, activation={self.activation.name!r}, "
            f"dtype={self.dtype.name}, n_params={self.n_params})"
        )

    # ---- forward ----------------------------------------------------------------------------

    def _inputs(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[1] != self._sizes[0]:
            raise ValueError(f"X must have shape (n, {self._sizes[0]}), got {X.shape}")
        return X

    def _activate(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.activation.value_and_grad(Z)

    def _values_only(self, Z: np.ndarray) -> tuple[np.ndarray, None]:
        return self.activation(Z), None

    def forward(self, X) -> np.ndarray:
        """Network output.

        Parameters
        ----------
        X : array_like of shape (n, sizes[0])

        Returns
        -------
        ndarray of shape (n, sizes[-1])
            Logits (classification) or predictions (regression), in the net's dtype.
        """
        pre, _, _ = forward_pass(self._layers, self._values_only, self._inputs(X))
        return pre[-1]

    __call__ = forward

    def hidden(self, X) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Pre-activations and activations of every layer.

        Parameters
        ----------
        X : array_like of shape (n, sizes[0])

        Returns
        -------
        pre, post : lists of ndarray
            One array of shape ``(n, sizes[l + 1])`` per layer, the output layer included
            (``post[-1] is pre[-1]``: the output is linear).
        """
        pre, post, _ = forward_pass(self._layers, self._values_only, self._inputs(X))
        return pre, post

    def predict(self, X) -> np.ndarray:
        """Predicted labels of shape ``(n,)``: the argmax of the outputs, or, for a network with
        a single output, ``1`` where the output exceeds 0.5 and ``0`` elsewhere."""
        out = self.forward(X)
        if out.shape[1] == 1:
            return (out[:, 0] > 0.5).astype(np.int64)
        return out.argmax(axis=1)

    def accuracy(self, X, y) -> float:
        """Fraction of samples whose :meth:`predict` label equals ``y``.

        ``y`` holds labels of shape ``(n,)``; one-hot targets ``(n, n_out)`` are also accepted.
        """
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            y = y.argmax(axis=1)
        return float(np.mean(self.predict(X) == y.reshape(-1)))

    # ---- loss and gradients ----------------------------------------------------------------

    def loss_value(self, X, y, loss: str = "cross_entropy") -> float:
        """Loss of the network on ``(X, y)`` (see :meth:`loss_and_grads`), without gradients."""
        loss_fn = _check_loss(loss)
        X = self._inputs(X)
        target = prepare_targets(y, loss, self._sizes[-1], self.dtype, len(X))
        pre, _, _ = forward_pass(self._layers, self._values_only, X)
        return float(loss_fn(pre[-1], target)[0])

    def loss_and_grads(
        self, X, y, loss: str = "cross_entropy"
    ) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
        """Loss and its gradient with respect to every parameter, by backpropagation.

        Parameters
        ----------
        X : array_like of shape (n, sizes[0])
        y : array_like
            ``"cross_entropy"``: integer labels of shape ``(n,)`` in ``0 .. sizes[-1] - 1``.
            ``"mse"``: targets of shape ``(n, sizes[-1])``, or ``(n,)`` when ``sizes[-1] == 1``.
        loss : {"cross_entropy", "mse"}
            Softmax cross-entropy averaged over samples, or the squared error averaged over
            samples and outputs.

        Returns
        -------
        loss : float
        grads : list of (dW, db)
            Shaped like :attr:`params`; fresh arrays (views into one new flat buffer).
        """
        loss_fn = _check_loss(loss)
        X = self._inputs(X)
        target = prepare_targets(y, loss, self._sizes[-1], self.dtype, len(X))
        grad_flat = np.empty_like(self._flat)
        grads = layer_views(grad_flat, self._sizes)
        pre, post, slopes = forward_pass(self._layers, self._activate, X)
        value, dZ = loss_fn(pre[-1], target)
        backward_pass(self._layers, X, post, slopes, dZ, grads)
        return float(value), [(dW, db[0]) for dW, db in grads]


def prepare_targets(y, loss: str, n_out: int, dtype: np.dtype, n: int) -> np.ndarray:
    """Check and convert targets for a loss.

    Parameters
    ----------
    y : array_like
        Integer labels of shape ``(n,)`` for ``"cross_entropy"``; targets of shape
        ``(n, n_out)`` (or ``(n,)`` when ``n_out == 1``) for ``"mse"``.
    loss : {"cross_entropy", "mse"}
    n_out : int
        Number of network outputs.
    dtype : numpy.dtype
        The network's dtype (mse targets are cast to it, so no upcast happens).
    n : int
        Number of samples.

    Returns
    -------
    ndarray
        ``intp`` labels of shape ``(n,)`` or targets of shape ``(n, n_out)`` in ``dtype``.
    """
    _check_loss(loss)
    y = np.asarray(y)
    if loss == "cross_entropy":
        labels = y.astype(np.intp) if y.dtype.kind in "iub" else None
        if y.dtype.kind == "f" and np.all(y == np.round(y)):
            labels = y.astype(np.intp)
        if labels is None or labels.shape != (n,) or np.any((labels < 0) | (labels >= n_out)):
            raise ValueError(
                f"cross_entropy needs integer labels of shape ({n},) in 0..{n_out - 1}, "
                f"got shape {y.shape} and dtype {y.dtype}"
            )
        return labels
    if y.ndim == 1 and n_out == 1:
        y = y[:, None]
    if y.shape != (n, n_out):
        raise ValueError(
            f"mse needs targets of shape ({n}, {n_out})"
            + (f" or ({n},)" if n_out == 1 else "")
            + f", got {y.shape}"
        )
    return np.ascontiguousarray(y, dtype=dtype)
