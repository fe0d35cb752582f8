r"""The activation registry: values, derivatives, formulas and properties.

Every activation function the book uses lives here, once. The gallery page, the generated tables,
the multilayer perceptron and the tests all read this module, in the spirit of scikit-learn's
``ACTIVATIONS``/``DERIVATIVES`` dictionaries but with metadata attached.

>>> from bendlines import activations
>>> act = activations.get("leaky_relu", negative_slope=0.1)
>>> act
Activation('leaky_relu', negative_slope=0.1)
>>> float(act(-2.0)), float(act.grad(-2.0))
(-0.2, 0.1)

Each entry is a pair of vectorised numpy functions written side by side (the value and its
derivative), a LaTeX formula for both, default parameters, a :class:`Properties` record, a BibTeX
key and a one-sentence note.

Numerical conventions
---------------------
* dtype: ``float32`` and ``float64`` inputs keep their dtype; everything else (Python numbers,
  ``bool``, integers, ``float16``, ``longdouble``) is computed in ``float64``. Complex and
  non-numeric input raises ``ValueError``. Shapes are preserved, including 0-d; a 0-d input gives
  a numpy scalar. Inputs are never modified, and the result never aliases the input.
* Derivatives at kinks are one-sided by convention: ``relu'(0) = 0``,
  ``leaky_relu'(0) = negative_slope``, ``elu'(0) = selu'(0)/lambda = alpha``,
  ``relu6'(0) = relu6'(6) = 0``, ``hard_sigmoid'(-3) = hard_sigmoid'(3) = 0`` and, as in PyTorch's
  ``hardswish_backward``, ``hard_swish'(-3) = -1/2`` and ``hard_swish'(3) = 3/2``.
  ``step(x) = 1`` for ``x > 0`` and ``0`` otherwise, and ``step' = 0`` everywhere: that is the point
  of the step counterexample.
* Outside their domain the counterexamples return ``nan`` without a ``RuntimeWarning``:
  ``sqrt(x < 0)``, ``log(x < 0)`` and their derivatives. At the boundary the one-sided limits are
  returned: ``log(0) = -inf``, ``log'(0) = sqrt'(0) = signed_sqrt'(0) = +inf``.
* Stability: ``sigmoid``, ``tanh``, ``softplus``, ``elu``, ``selu``, ``silu``, ``mish``,
  ``gelu`` and ``gelu_tanh`` return finite, accurate values and derivatives for ``|x| <= 1e4``
  in ``float32`` and ``float64`` without overflow. Results that underflow are correctly rounded
  to zero or a subnormal; every evaluation runs under ``np.errstate(under="ignore")``, so an
  ``np.errstate(all="raise")`` around a call does not trip on that benign flag. Values at
  ``x = +-inf`` are not guaranteed (some entries give ``nan`` there).
* :attr:`Properties.range` is the pair ``(inf f, sup f)`` over the domain; whether an end is
  attained is not recorded. ``monotonic`` means non-decreasing.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import integrate as _integrate
from scipy.special import ndtr as _ndtr

__all__ = [
    "SELU_ALPHA",
    "SELU_LAMBDA",
    "Activation",
    "Properties",
    "get",
    "in_common_use",
    "names",
    "normal_mean",
    "table",
]

SELU_LAMBDA = 1.0507009873554805
"""SELU's scale lambda (Klambauer et al. 2017)."""
SELU_ALPHA = 1.6732632423543772
"""SELU's negative-side saturation alpha (Klambauer et al. 2017)."""

_GELU_TANH_K = 0.044715  # cubic coefficient of the tanh approximation of GELU
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)

# Global minima of the non-monotonic smooth entries (value at the root of the derivative); the
# tests recompute them independently with a root finder (and, for SiLU, with Lambert's W).
_GELU_MIN = -0.16997120747990369  # at x = -0.7517915246935643
_GELU_TANH_MIN = -0.17004075057125403  # at x = -0.7524614220710163
_SILU_MIN = -0.2784645427610738  # = -W(1/e), at x = -1 - W(1/e)
_MISH_MIN = -0.3088434130172504  # at x = -1.1924312145154954

_INF = math.inf
_ALL_REALS = "all reals"


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Properties:
    """Mathematical properties of an activation (for its parameter values).

    Attributes
    ----------
    range : tuple of float
        ``(inf f, sup f)`` over the domain; ends may be ``-inf``/``inf``.
    monotonic : bool
        Non-decreasing on its domain.
    smooth : bool
        Continuously differentiable everywhere on its domain (a finite, continuous derivative).
    zero_centred : bool
        ``f(0) = 0`` and ``f`` takes both signs.
    bounded : bool
        Bounded above and below.
    domain : str
        One of ``"all reals"``, ``"x >= 0"``, ``"x > 0"``.
    kinks : tuple of float
        Points where ``f`` is not differentiable because ``f'`` (or ``f`` itself) jumps.
    singularities : tuple of float
        Points of the domain where ``f'`` is infinite.
    """

    range: tuple[float, float]
    monotonic: bool
    smooth: bool
    zero_centred: bool
    bounded: bool
    domain: str = _ALL_REALS
    kinks: tuple[float, ...] = ()
    singularities: tuple[float, ...] = ()


# --------------------------------------------------------------------------------------------
# Shared private helpers (each returns a new array and never writes into its input)
# --------------------------------------------------------------------------------------------
def _as_float(x: Any) -> np.ndarray:
    """``x`` as a float32/float64 array (float32 kept, everything else float64)."""
    x = np.asarray(x)
    if x.dtype == np.float32 or x.dtype == np.float64:
        return x
    if x.dtype.kind not in "biuf":
        raise ValueError(
            f"activations take real numbers (bool, int or float arrays); got dtype {x.dtype}"
        )
    return x.astype(np.float64)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid as ``exp(min(x, 0)) / (1 + exp(-|x|))``.

    Both exponents are <= 0, so nothing overflows, and each factor is computed to full relative
    precision, so both tails stay accurate (unlike ``(1 + tanh(x / 2)) / 2``). No masked
    operations: those are several times slower than plain ufuncs on small arrays.
    """
    d = np.abs(x)
    np.negative(d, out=d)
    s = np.clip(x, -_INF, 0.0)  # min(x, 0) by numpy's fast clip loop
    np.exp(d, out=d)
    np.exp(s, out=s)
    d += 1.0
    s /= d
    return s


def _softplus_unit(z: np.ndarray) -> np.ndarray:
    """``log(1 + exp(z))`` as ``max(z, 0) + log1p(exp(-|z|))``, which never overflows."""
    e = np.abs(z)
    np.negative(e, out=e)
    np.exp(e, out=e)
    np.log1p(e, out=e)
    e += np.clip(z, 0.0, _INF)  # max(z, 0)
    return e


# --------------------------------------------------------------------------------------------
# The activations: value and derivative side by side
# --------------------------------------------------------------------------------------------
def _identity(x):
    return x.copy()


def _identity_grad(x):
    return np.ones_like(x)


def _relu(x):
    # np.clip with both bounds runs numpy's fast SIMD loop; np.maximum(x, 0) is ~4x slower here
    return np.clip(x, 0.0, _INF)


def _negative_part(x):
    """``min(x, 0)`` as a new array (the fast clip loop)."""
    return np.clip(x, -_INF, 0.0)


def _relu_grad(x):  # relu'(0) = 0
    return (x > 0).astype(x.dtype)


def _relu_vg(x):
    return _relu(x), (x > 0).astype(x.dtype)


def _leaky_relu(x, negative_slope):
    y = _negative_part(x)  # max(x, 0) + a min(x, 0): one of the two terms is exactly 0
    y *= negative_slope
    y += _relu(x)
    return y


def _leaky_relu_grad(x, negative_slope):  # leaky_relu'(0) = negative_slope
    g = (x <= 0).astype(x.dtype)  # a boolean mask times a constant: no np.where (10x slower)
    g *= x.dtype.type(negative_slope)
    g += x > 0  # exactly 1 or exactly a
    return g


def _elu(x, alpha):
    y = _negative_part(x)  # only the clipped negative part reaches expm1: no overflow
    np.expm1(y, out=y)
    y *= alpha
    y += _relu(x)  # alpha expm1(min(x, 0)) + max(x, 0): one term is exactly 0
    return y


def _elu_grad(x, alpha):  # elu'(0) = alpha
    g = _negative_part(x)
    np.exp(g, out=g)
    g *= alpha  # alpha e^min(x, 0): alpha for every x > 0, replaced by 1 below
    g *= x <= 0
    g += x > 0
    return g


def _elu_vg(x, alpha):
    y = _negative_part(x)
    np.expm1(y, out=y)
    y *= alpha  # alpha (e^x - 1) on the negative side, 0 on the positive side
    g = y + alpha  # alpha e^x, reusing the value
    g *= x <= 0
    g += x > 0
    y += _relu(x)
    return y, g


def _selu(x):
    y = _elu(x, SELU_ALPHA)
    y *= SELU_LAMBDA
    return y


def _selu_grad(x):  # selu'(0) = lambda alpha
    g = _elu_grad(x, SELU_ALPHA)
    g *= SELU_LAMBDA
    return g


def _selu_vg(x):
    y, g = _elu_vg(x, SELU_ALPHA)
    y *= SELU_LAMBDA
    g *= SELU_LAMBDA
    return y, g


def _normal_cdf(x):
    """Phi(x) by scipy's ``ndtr``, one ufunc pass (it uses erfc in the tails: accurate there)."""
    return _ndtr(x)


def _normal_pdf(x):
    """phi(x) = exp(-x^2 / 2) / sqrt(2 pi); x^2 may overflow to inf, giving the exact phi = 0."""
    with np.errstate(over="ignore"):
        q = np.square(x)
        q *= -0.5
        np.exp(q, out=q)
    q *= _INV_SQRT_2PI
    return q


def _gelu(x):
    y = _normal_cdf(x)
    y *= x
    return y


def _gelu_grad(x):
    return _gelu_vg(x)[1]


def _gelu_vg(x):
    p = _normal_cdf(x)
    g = _normal_pdf(x)
    g *= x
    g += p  # Phi(x) + x phi(x)
    p *= x  # x Phi(x)
    return p, g


def _gelu_tanh_arg(x):
    """v = 2 sqrt(2/pi) (x + k x^3), so that (1 + tanh(v / 2)) / 2 = sigmoid(v)."""
    v = np.square(x)
    v *= 2.0 * _SQRT_2_OVER_PI * _GELU_TANH_K
    v += 2.0 * _SQRT_2_OVER_PI
    v *= x
    return v


def _gelu_tanh(x):
    y = _sigmoid(_gelu_tanh_arg(x))
    y *= x
    return y


def _gelu_tanh_grad(x):
    return _gelu_tanh_vg(x)[1]


def _gelu_tanh_vg(x):
    s = _sigmoid(_gelu_tanh_arg(x))
    dv = np.square(x)  # v'(x) = 2 sqrt(2/pi) (1 + 3 k x^2)
    dv *= 6.0 * _SQRT_2_OVER_PI * _GELU_TANH_K
    dv += 2.0 * _SQRT_2_OVER_PI
    y = s * x
    g = np.subtract(1.0, s)
    g *= y
    g *= dv
    g += s  # s + x s (1 - s) v'
    return y, g


def _silu(x):
    y = _sigmoid(x)
    y *= x
    return y


def _silu_grad(x):
    return _silu_vg(x)[1]


def _silu_vg(x):
    s = _sigmoid(x)
    y = s * x
    g = np.subtract(1.0, s)
    g *= y
    g += s  # s + x s (1 - s)
    return y, g


def _swish_beta(x, beta):
    if beta == 0.0:  # z sigmoid(0) = z / 2
        return np.multiply(x, 0.5)
    y = _sigmoid(np.multiply(x, beta))
    y *= x
    return y


def _swish_beta_grad(x, beta):
    return _swish_beta_vg(x, beta)[1]


def _swish_beta_vg(x, beta):
    bx = np.multiply(x, beta)
    s = _sigmoid(bx)
    y = s * x
    g = np.subtract(1.0, s)
    g *= s
    g *= bx
    g += s  # s + beta z s (1 - s)
    return y, g


def _mish(x):
    y = _softplus_unit(x)
    np.tanh(y, out=y)
    y *= x
    return y


def _mish_grad(x):
    t = _softplus_unit(x)
    np.tanh(t, out=t)
    g = np.square(t)
    np.subtract(1.0, g, out=g)  # sech^2(softplus x)
    g *= x
    g *= _sigmoid(x)
    g += t  # tanh(sp) + x sigmoid(x) sech^2(sp)
    return g


def _mish_vg(x):
    t = _softplus_unit(x)
    np.tanh(t, out=t)
    y = t * x
    g = np.square(t)
    np.subtract(1.0, g, out=g)  # sech^2(softplus x)
    g *= x
    g *= _sigmoid(x)
    g += t  # tanh(sp) + x sigmoid(x) sech^2(sp)
    return y, g


def _softplus(x, beta):
    if beta == 1.0:
        return _softplus_unit(x)
    y = _softplus_unit(np.multiply(x, beta))
    y /= beta
    return y


def _softplus_grad(x, beta):
    return _sigmoid(x if beta == 1.0 else np.multiply(x, beta))


def _sigmoid_grad(x):
    return _sigmoid_vg(x)[1]


def _sigmoid_vg(x):
    s = _sigmoid(x)
    g = np.subtract(1.0, s)
    g *= s
    return s, g


def _tanh(x):
    return np.tanh(x)


def _tanh_grad(x):
    return _tanh_vg(x)[1]


def _tanh_vg(x):
    t = np.tanh(x)
    g = np.square(t)
    np.subtract(1.0, g, out=g)
    return t, g


def _hard_sigmoid(x):
    y = np.add(x, 3.0)
    np.clip(y, 0.0, 6.0, out=y)
    y /= 6.0
    return y


def _hard_sigmoid_grad(x):  # 0 at both kinks, as in PyTorch
    g = (x > -3.0).astype(x.dtype)
    g *= x < 3.0
    g /= 6.0
    return g


def _hard_swish(x):
    y = np.add(x, 3.0)
    np.clip(y, 0.0, 6.0, out=y)
    y *= x
    y /= 6.0
    return y


def _hard_swish_grad(x):  # PyTorch: 0 for x < -3, x/3 + 1/2 on [-3, 3], 1 for x > 3
    g = np.divide(x, 3.0)
    g += 0.5
    g *= x >= -3.0
    g *= x <= 3.0
    g += x > 3.0
    return g


def _relu6(x):
    return np.clip(x, 0.0, 6.0)


def _relu6_grad(x):  # 0 at both kinks
    g = (x > 0.0).astype(x.dtype)
    g *= x < 6.0
    return g


def _softsign(x):
    d = np.abs(x)
    d += 1.0
    np.divide(x, d, out=d)
    return d


def _softsign_grad(x):
    d = np.abs(x)
    d += 1.0
    np.square(d, out=d)
    np.divide(1.0, d, out=d)
    return d


def _step(x):
    return (x > 0).astype(x.dtype)


def _step_grad(x):  # zero everywhere, including at the jump
    return np.zeros_like(x)


def _square(x):
    return np.square(x)


def _square_grad(x):
    return np.multiply(x, 2.0)


def _sqrt(x):  # nan for x < 0
    with np.errstate(invalid="ignore"):
        return np.sqrt(x)


def _sqrt_grad(x):  # 1 / (2 sqrt x): +inf at 0, nan for x < 0
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.sqrt(x)
        g *= 2.0
        np.divide(1.0, g, out=g)
    np.copyto(g, _INF, where=x == 0)  # also for x = -0.0
    return g


def _log(x):  # -inf at 0, nan for x < 0
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(x)


def _log_grad(x):  # 1 / x: +inf at 0 (and beyond the float range, e.g. float32 subnormals)
    with np.errstate(divide="ignore", over="ignore"):
        g = np.divide(1.0, x)
    np.copyto(g, np.nan, where=x < 0)
    np.copyto(g, _INF, where=x == 0)
    return g


def _signed_sqrt(x):
    y = np.abs(x)
    np.sqrt(y, out=y)
    np.copysign(y, x, out=y)
    return y


def _signed_sqrt_grad(x):  # 1 / (2 sqrt|x|): +inf at 0
    g = np.abs(x)
    np.sqrt(g, out=g)
    g *= 2.0
    with np.errstate(divide="ignore"):
        np.divide(1.0, g, out=g)
    return g


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Param:
    name: str
    default: float
    check: Callable[[float], bool]
    allowed: str


def _finite(v: float) -> bool:
    return math.isfinite(v)


def _nonnegative(v: float) -> bool:
    return math.isfinite(v) and v >= 0.0


def _positive(v: float) -> bool:
    return math.isfinite(v) and v > 0.0


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Spec:
    name: str
    value: Callable[..., np.ndarray]
    grad: Callable[..., np.ndarray]
    latex: str
    latex_grad: str
    properties: Callable[..., Properties]
    cite: str
    note: str
    params: tuple[_Param, ...] = ()
    value_and_grad: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None
    counterexample: bool = False
    common: bool = False


def _const(props: Properties) -> Callable[..., Properties]:
    return lambda: props


def _leaky_relu_properties(negative_slope: float) -> Properties:
    a = negative_slope
    return Properties(
        range=(-_INF, _INF) if a > 0 else (0.0, _INF),
        monotonic=a >= 0,
        smooth=a == 1.0,
        zero_centred=a > 0,
        bounded=False,
        kinks=() if a == 1.0 else (0.0,),
    )


def _elu_properties(alpha: float) -> Properties:
    return Properties(
        range=(-alpha, _INF),
        monotonic=True,
        smooth=alpha == 1.0,
        zero_centred=alpha > 0,
        bounded=False,
        kinks=() if alpha == 1.0 else (0.0,),
    )


def _swish_beta_properties(beta: float) -> Properties:
    if beta == 0.0:  # z / 2
        return Properties((-_INF, _INF), True, True, True, False)
    return Properties((_SILU_MIN / beta, _INF), False, True, True, False)


def _softplus_properties(beta: float) -> Properties:
    return Properties(
        range=(0.0, _INF), monotonic=True, smooth=True, zero_centred=False, bounded=False
    )


_PIECEWISE_01 = r"\begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}"

_SPECS: tuple[_Spec, ...] = (
    _Spec(
        "identity",
        _identity,
        _identity_grad,
        r"z",
        r"1",
        _const(Properties((-_INF, _INF), True, True, True, False)),
        "dinh2022",
        "No activation at all: a stack of layers with the identity collapses into a single "
        "affine map, the baseline every other entry is measured against.",
    ),
    _Spec(
        "relu",
        _relu,
        _relu_grad,
        r"\max(0, z)",
        _PIECEWISE_01,
        _const(Properties((0.0, _INF), True, False, False, False, kinks=(0.0,))),
        "nair2010",
        "The rectified linear unit keeps positive inputs and zeroes negative ones; it is cheap, "
        "does not saturate for x > 0 and is the default of modern deep learning.",
        value_and_grad=_relu_vg,
        common=True,
    ),
    _Spec(
        "leaky_relu",
        _leaky_relu,
        _leaky_relu_grad,
        r"\max(0, z) + a \min(0, z)",
        r"\begin{cases} 1 & z > 0 \\ a & z \le 0 \end{cases}",
        _leaky_relu_properties,
        "maas2013",
        "ReLU with a small slope a for negative inputs, so that no unit ever stops receiving "
        "gradient (the 'dying ReLU' problem).",
        params=(_Param("negative_slope", 0.01, _finite, "a finite number"),),
        common=True,
    ),
    _Spec(
        "prelu",
        _leaky_relu,
        _leaky_relu_grad,
        r"\max(0, z) + a \min(0, z)",
        r"\begin{cases} 1 & z > 0 \\ a & z \le 0 \end{cases}",
        _leaky_relu_properties,
        "he2015",
        "The parametric ReLU: leaky ReLU whose negative slope a is learned with the weights (one "
        "per layer or per channel), started at 0.25; the registry evaluates it at a given a.",
        params=(_Param("negative_slope", 0.25, _finite, "a finite number"),),
    ),
    _Spec(
        "elu",
        _elu,
        _elu_grad,
        r"\begin{cases} z & z > 0 \\ \alpha (e^{z} - 1) & z \le 0 \end{cases}",
        r"\begin{cases} 1 & z > 0 \\ \alpha e^{z} & z \le 0 \end{cases}",
        _elu_properties,
        "clevert2016",
        "The exponential linear unit saturates smoothly to -alpha for negative inputs, which "
        "pushes mean activations towards zero and speeds up learning.",
        params=(_Param("alpha", 1.0, _nonnegative, "a finite number >= 0"),),
        value_and_grad=_elu_vg,
        common=True,
    ),
    _Spec(
        "selu",
        _selu,
        _selu_grad,
        r"\lambda \begin{cases} z & z > 0 \\ \alpha (e^{z} - 1) & z \le 0 \end{cases}",
        r"\lambda \begin{cases} 1 & z > 0 \\ \alpha e^{z} & z \le 0 \end{cases}",
        _const(
            Properties((-SELU_LAMBDA * SELU_ALPHA, _INF), True, False, True, False, kinks=(0.0,))
        ),
        "klambauer2017",
        "ELU scaled by constants lambda = 1.0507 and alpha = 1.6733, chosen so that activations "
        "of a suitably initialised deep network self-normalise to zero mean and unit variance.",
        value_and_grad=_selu_vg,
        common=True,
    ),
    _Spec(
        "gelu",
        _gelu,
        _gelu_grad,
        r"z \, \Phi(z) = \frac{z}{2} \left(1 + \operatorname{erf}\left(\frac{z}{\sqrt{2}}\right)"
        r"\right)",
        r"\Phi(z) + \frac{z}{\sqrt{2\pi}} e^{-z^{2}/2}",
        _const(Properties((_GELU_MIN, _INF), False, True, True, False)),
        "hendrycks2016",
        "The Gaussian error linear unit weights its input by the probability that a standard "
        "normal variable falls below it, z Phi(z); it is the default in transformers such as "
        "BERT and GPT.",
        value_and_grad=_gelu_vg,
        common=True,
    ),
    _Spec(
        "gelu_tanh",
        _gelu_tanh,
        _gelu_tanh_grad,
        r"\frac{z}{2} \left(1 + \tanh u\right), \quad "
        r"u = \sqrt{2/\pi} \left(z + 0.044715 \, z^{3}\right)",
        r"\frac{1}{2} \left(1 + \tanh u\right) + \frac{z}{2} \left(1 - \tanh^{2} u\right)"
        r" \sqrt{2/\pi} \left(1 + 0.134145 \, z^{2}\right)",
        _const(Properties((_GELU_TANH_MIN, _INF), False, True, True, False)),
        "hendrycks2016",
        "The tanh approximation of GELU from the same paper, within 5e-4 of the exact erf form "
        "and cheaper where erf is slow.",
        value_and_grad=_gelu_tanh_vg,
    ),
    _Spec(
        "silu",
        _silu,
        _silu_grad,
        r"z \, \sigma(z) = \frac{z}{1 + e^{-z}}",
        r"\sigma(z) \left(1 + z \left(1 - \sigma(z)\right)\right)",
        _const(Properties((_SILU_MIN, _INF), False, True, True, False)),
        "elfwing2018",
        "The sigmoid-weighted linear unit z sigma(z), a smooth non-monotonic cousin of ReLU, "
        "rediscovered as 'swish' by an automated search over activations (ramachandran2017).",
        value_and_grad=_silu_vg,
        common=True,
    ),
    _Spec(
        "swish_beta",
        _swish_beta,
        _swish_beta_grad,
        r"z \, \sigma(\beta z)",
        r"\sigma(\beta z) \left(1 + \beta z \left(1 - \sigma(\beta z)\right)\right)",
        _swish_beta_properties,
        "ramachandran2017",
        "Swish with a sharpness beta: beta = 0 gives the straight line z/2, beta = 1 is SiLU, "
        "and as beta grows it approaches ReLU.",
        params=(_Param("beta", 1.0, _nonnegative, "a finite number >= 0"),),
        value_and_grad=_swish_beta_vg,
    ),
    _Spec(
        "mish",
        _mish,
        _mish_grad,
        r"z \tanh\left(\ln\left(1 + e^{z}\right)\right)",
        r"\tanh s + z \, \sigma(z) \left(1 - \tanh^{2} s\right), \quad "
        r"s = \ln\left(1 + e^{z}\right)",
        _const(Properties((_MISH_MIN, _INF), False, True, True, False)),
        "misra2019",
        "z tanh(softplus(z)), a smooth non-monotonic self-gated function close to SiLU, popular "
        "in object detectors such as YOLOv4.",
        value_and_grad=_mish_vg,
        common=True,
    ),
    _Spec(
        "softplus",
        _softplus,
        _softplus_grad,
        r"\frac{1}{\beta} \ln\left(1 + e^{\beta z}\right)",
        r"\sigma(\beta z) = \frac{1}{1 + e^{-\beta z}}",
        _softplus_properties,
        "dugas2001",
        "A smooth approximation of ReLU whose derivative is the sigmoid; a larger beta makes it "
        "sharper and closer to ReLU.",
        params=(_Param("beta", 1.0, _positive, "a finite number > 0"),),
        common=True,
    ),
    _Spec(
        "sigmoid",
        _sigmoid,
        _sigmoid_grad,
        r"\sigma(z) = \frac{1}{1 + e^{-z}}",
        r"\sigma(z) \left(1 - \sigma(z)\right)",
        _const(Properties((0.0, 1.0), True, True, False, True)),
        "rumelhart1986",
        "The logistic function squashes its input into (0, 1); its slope is at most 1/4, so "
        "deep stacks of sigmoids suffer from vanishing gradients.",
        value_and_grad=_sigmoid_vg,
        common=True,
    ),
    _Spec(
        "tanh",
        _tanh,
        _tanh_grad,
        r"\tanh z",
        r"1 - \tanh^{2} z",
        _const(Properties((-1.0, 1.0), True, True, True, True)),
        "lecun1998",
        "A zero-centred rescaled sigmoid, tanh(x) = 2 sigma(2x) - 1, with outputs in (-1, 1) and "
        "a maximum slope of 1.",
        value_and_grad=_tanh_vg,
        common=True,
    ),
    _Spec(
        "hard_sigmoid",
        _hard_sigmoid,
        _hard_sigmoid_grad,
        r"\frac{1}{6} \min\left(\max(0, z + 3), 6\right)",
        r"\begin{cases} 1/6 & -3 < z < 3 \\ 0 & \text{otherwise} \end{cases}",
        _const(Properties((0.0, 1.0), True, False, False, True, kinks=(-3.0, 3.0))),
        "howard2019",
        "A piecewise-linear sigmoid, ReLU6(x + 3) / 6, that is cheap to compute on mobile "
        "hardware.",
    ),
    _Spec(
        "hard_swish",
        _hard_swish,
        _hard_swish_grad,
        r"\frac{z}{6} \min\left(\max(0, z + 3), 6\right)",
        r"\begin{cases} 0 & z < -3 \\ (2z + 3)/6 & -3 \le z \le 3 \\ 1 & z > 3 \end{cases}",
        _const(Properties((-0.375, _INF), False, False, True, False, kinks=(-3.0, 3.0))),
        "howard2019",
        "x times hard_sigmoid(x), a piecewise-quadratic stand-in for SiLU introduced with "
        "MobileNetV3.",
    ),
    _Spec(
        "relu6",
        _relu6,
        _relu6_grad,
        r"\min\left(\max(0, z), 6\right)",
        r"\begin{cases} 1 & 0 < z < 6 \\ 0 & \text{otherwise} \end{cases}",
        _const(Properties((0.0, 6.0), True, False, False, True, kinks=(0.0, 6.0))),
        "krizhevsky2010",
        "ReLU capped at 6, which keeps activations in a range that low-precision arithmetic "
        "represents well.",
    ),
    _Spec(
        "softsign",
        _softsign,
        _softsign_grad,
        r"\frac{z}{1 + \lvert z \rvert}",
        r"\frac{1}{\left(1 + \lvert z \rvert\right)^{2}}",
        _const(Properties((-1.0, 1.0), True, True, True, True)),
        "turian2009",
        "x / (1 + |x|), a sigmoid-shaped squashing function whose tails approach -1 and 1 "
        "polynomially rather than exponentially, so it saturates more gently than tanh.",
    ),
    _Spec(
        "step",
        _step,
        _step_grad,
        _PIECEWISE_01,
        r"0",
        _const(Properties((0.0, 1.0), True, False, False, True, kinks=(0.0,))),
        "mcculloch1943",
        "The Heaviside threshold of the first artificial neurons; its derivative is zero "
        "wherever it exists, so gradient descent receives no signal at all.",
    ),
    _Spec(
        "square",
        _square,
        _square_grad,
        r"z^{2}",
        r"2z",
        _const(Properties((0.0, _INF), False, True, False, False)),
        "dinh2022",
        "Nonlinear but polynomial: a network of squares computes only polynomials of a degree "
        "fixed by its depth, so it cannot approximate arbitrary continuous functions.",
        counterexample=True,
    ),
    _Spec(
        "sqrt",
        _sqrt,
        _sqrt_grad,
        r"\sqrt{z}",
        r"\frac{1}{2 \sqrt{z}}",
        _const(Properties((0.0, _INF), True, False, False, False, "x >= 0", singularities=(0.0,))),
        "dinh2022",
        "Defined only for x >= 0 and infinitely steep at 0, so it breaks on the negative "
        "pre-activations every network produces.",
        counterexample=True,
    ),
    _Spec(
        "log",
        _log,
        _log_grad,
        r"\ln z",
        r"\frac{1}{z}",
        _const(Properties((-_INF, _INF), True, True, False, False, "x > 0")),
        "dinh2022",
        "Defined only for x > 0 and unbounded below near 0, so negative pre-activations give "
        "nan and small positive ones explode.",
        counterexample=True,
    ),
    _Spec(
        "signed_sqrt",
        _signed_sqrt,
        _signed_sqrt_grad,
        r"\operatorname{sign}(z) \sqrt{\lvert z \rvert}",
        r"\frac{1}{2 \sqrt{\lvert z \rvert}}",
        _const(Properties((-_INF, _INF), True, False, True, False, singularities=(0.0,))),
        "dinh2022",
        "An odd, monotonic square root defined on all reals whose infinite slope at 0 makes "
        "gradients explode for small pre-activations.",
        counterexample=True,
    ),
)

_REGISTRY: dict[str, _Spec] = {spec.name: spec for spec in _SPECS}


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------
class Activation:
    """One activation with its parameters bound: callable for values, ``.grad`` for derivatives.

    Build it with :func:`get` (or ``Activation(name, **params)``, which is the same). Instances are
    immutable, hashable and compare equal when name and parameters agree.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    **params : float
        Overrides of the entry's default parameters.

    Attributes
    ----------
    name : str
    params : dict of str to float
        Defaults merged with the overrides (a fresh copy on every access).
    latex, latex_grad : str
        LaTeX (MathJax) formulas of the function and of its derivative.
    properties : Properties
        Range, monotonicity, smoothness, zero-centring, boundedness, domain, kinks.
    cite : str
        BibTeX key of the source.
    note : str
        One sentence in plain English.
    counterexample : bool
        Whether the entry is one of the book's counterexamples of a usable activation.
    common : bool
        Whether the entry is one of the activations in common use (:func:`in_common_use`).
    """

    __slots__ = ("_hash", "_name", "_params", "_properties", "_spec")

    def __init__(self, name: str, **params: float) -> None:
        if not isinstance(name, str) or name not in _REGISTRY:
            raise ValueError(
                f"unknown activation {name!r}; valid names are: {', '.join(_REGISTRY)}"
            )
        spec = _REGISTRY[name]
        self._spec = spec
        self._name = name
        self._params = _validate_params(spec, params)
        self._properties = spec.properties(**self._params)
        self._hash = hash((name, tuple(self._params.items())))

    # ---- metadata -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def params(self) -> dict[str, float]:
        return dict(self._params)

    @property
    def latex(self) -> str:
        return self._spec.latex

    @property
    def latex_grad(self) -> str:
        return self._spec.latex_grad

    @property
    def properties(self) -> Properties:
        return self._properties

    @property
    def cite(self) -> str:
        return self._spec.cite

    @property
    def note(self) -> str:
        return self._spec.note

    @property
    def counterexample(self) -> bool:
        return self._spec.counterexample

    @property
    def common(self) -> bool:
        """Whether the entry is one of the activations in common use (see :func:`in_common_use`)."""
        return self._spec.common

    # ---- numerics -------------------------------------------------------------------------
    def __call__(self, x: Any) -> np.ndarray:
        """Values ``f(x)``.

        Parameters
        ----------
        x : array_like of shape (...)
            Pre-activations (any shape, including 0-d).

        Returns
        -------
        ndarray of shape (...)
            ``f(x)`` elementwise; float32 for float32 input, float64 otherwise. A numpy scalar for
            0-d input. A new array: ``x`` is never modified.
        """
        return self._apply(self._spec.value, x)

    def grad(self, x: Any) -> np.ndarray:
        """Derivatives ``f'(x)``, elementwise (conventions at kinks in the module docstring).

        Parameters
        ----------
        x : array_like of shape (...)
            Pre-activations.

        Returns
        -------
        ndarray of shape (...)
            ``f'(x)``, same dtype rules as :meth:`__call__`.
        """
        return self._apply(self._spec.grad, x)

    def value_and_grad(self, x: Any) -> tuple[np.ndarray, np.ndarray]:
        """Values and derivatives together, sharing intermediate work where the formula allows.

        Parameters
        ----------
        x : array_like of shape (...)
            Pre-activations.

        Returns
        -------
        value, grad : ndarray of shape (...)
            ``f(x)`` and ``f'(x)``, same dtype rules as :meth:`__call__`.
        """
        return self._apply(self._spec.value_and_grad or self._value_then_grad, x)

    def _value_then_grad(self, a: np.ndarray, **params: float) -> tuple[np.ndarray, np.ndarray]:
        return self._spec.value(a, **params), self._spec.grad(a, **params)

    def _apply(self, kernel: Callable[..., Any], x: Any) -> Any:
        """Run a kernel on ``x`` as a float array of at least one dimension."""
        a = _as_float(x)
        if a.ndim == 0:  # kernels write in place, which needs arrays, not numpy scalars
            with np.errstate(under="ignore"):
                out = kernel(a.reshape(1), **self._params)
            return tuple(o[0] for o in out) if isinstance(out, tuple) else out[0]
        with np.errstate(under="ignore"):
            return kernel(a, **self._params)

    # ---- object protocol ------------------------------------------------------------------
    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self._params.items())
        return f"Activation({self._name!r}{args})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Activation):
            return NotImplemented
        return self._name == other._name and self._params == other._params

    def __hash__(self) -> int:
        return self._hash


def _validate_params(spec: _Spec, overrides: dict[str, Any]) -> dict[str, float]:
    """Defaults of ``spec`` merged with ``overrides``, checked and converted to Python floats."""
    known = {p.name: p for p in spec.params}
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        valid = (
            ", ".join(f"{p.name} (default {p.default})" for p in spec.params)
            if spec.params
            else "none"
        )
        raise ValueError(
            f"unknown parameter(s) {', '.join(unknown)} for activation {spec.name!r}; "
            f"valid parameters: {valid}"
        )
    params: dict[str, float] = {}
    for p in spec.params:
        raw = overrides.get(p.name, p.default)
        value = (
            float(raw)
            if isinstance(raw, int | float | np.integer | np.floating)
            and not isinstance(raw, bool | np.bool_)
            else None
        )
        if value is None or not p.check(value):
            raise ValueError(f"{spec.name}: {p.name} must be {p.allowed}; got {raw!r}")
        params[p.name] = value
    return params


def get(name: str | Activation, **params: float) -> Activation:
    """Look up an activation by name, with optional parameter overrides.

    Parameters
    ----------
    name : str or Activation
        One of :func:`names`, or an :class:`Activation`, which is returned as is (or, if
        ``params`` are given, rebuilt with them merged over its own).
    **params : float
        Overrides of the defaults: ``leaky_relu(negative_slope=0.01)`` (any finite number),
        ``elu(alpha=1.0)`` (finite, >= 0), ``softplus(beta=1.0)`` (finite, > 0).

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        For an unknown name, an unknown parameter or a bad parameter value; the message lists
        what is allowed.
    """
    if isinstance(name, Activation):
        return name if not params else Activation(name.name, **{**name.params, **params})
    return Activation(name, **params)


def names(include_counterexamples: bool = True) -> list[str]:
    """Names of every entry, in the book's order.

    Parameters
    ----------
    include_counterexamples : bool, default True
        Whether to include ``square``, ``sqrt``, ``log`` and ``signed_sqrt``.

    Returns
    -------
    list of str
    """
    return [s.name for s in _SPECS if include_counterexamples or not s.counterexample]


def in_common_use() -> list[str]:
    """The activations in common use, in the book's order: the one definition every page reads.

    An entry counts when the major libraries ship it as a named layer *and* published
    architectures use it as their hidden-layer nonlinearity: ReLU, leaky ReLU, ELU, SELU, GELU,
    SiLU, Mish, softplus, sigmoid and tanh. Left out are approximations and parametrised
    variants of these (``gelu_tanh``, ``hard_sigmoid``, ``hard_swish``, ``relu6``, ``softsign``,
    ``prelu``, ``swish_beta``), the baselines ``identity`` and ``step``, and the
    counterexamples.

    Returns
    -------
    list of str
    """
    return [s.name for s in _SPECS if s.common]


def normal_mean(name: str | Activation, **params: float) -> float:
    """Mean output ``E[phi(z)]`` for a standard normal ``z``, by numerical integration.

    The integral of ``phi(z) exp(-z**2 / 2) / sqrt(2 pi)`` is split at 0 and at every kink, and
    each piece is integrated by adaptive quadrature (``scipy.integrate.quad``) to an absolute
    error far below 1e-9.

    Parameters
    ----------
    name : str or Activation
        An entry of :func:`names` (or an :class:`Activation`).
    **params : float
        Parameter overrides, as in :func:`get`.

    Returns
    -------
    float
        The mean output (output units), or ``nan`` for entries not defined on every real
        number (``sqrt``, ``log``): their mean over a normal input does not exist.
    """
    act = get(name, **params)
    if act.properties.domain != _ALL_REALS:
        return math.nan

    def integrand(z: float) -> float:
        return float(act(z)) * math.exp(-0.5 * z * z) * _INV_SQRT_2PI

    cuts = sorted({0.0, *act.properties.kinks, *act.properties.singularities})
    edges = [-_INF, *cuts, _INF]
    return math.fsum(
        _integrate.quad(integrand, a, b, epsabs=1e-12, epsrel=1e-12, limit=200)[0]
        for a, b in itertools.pairwise(edges)
    )


def table(names: Iterable[str | Activation] | None = None) -> list[dict[str, Any]]:
    """One row per activation, for the gallery's generated table.

    Parameters
    ----------
    names : iterable of str or Activation, optional
        Entries to include, in this order; default every entry in :func:`names` order with
        default parameters.

    Returns
    -------
    list of dict
        Keys ``name, latex, latex_grad, params, range, monotonic, smooth, mean_output, bounded,
        domain, common, cite, note``; ``range`` is a ``(low, high)`` pair of floats and
        ``mean_output`` is :func:`normal_mean` (``nan`` where it does not exist).
    """
    acts = [get(n) for n in (names if names is not None else _REGISTRY)]
    rows = []
    for act in acts:
        props = act.properties
        rows.append(
            {
                "name": act.name,
                "latex": act.latex,
                "latex_grad": act.latex_grad,
                "params": act.params,
                "range": props.range,
                "monotonic": props.monotonic,
                "smooth": props.smooth,
                "mean_output": normal_mean(act),
                "bounded": props.bounded,
                "domain": props.domain,
                "common": act.common,
                "cite": act.cite,
                "note": act.note,
            }
        )
    return rows
