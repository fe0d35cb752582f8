"""One-dimensional target functions for the approximation chapter.

Each :class:`Target` carries a vectorised function ``f``, its exact second derivative ``f2``
(or ``None`` where ``f''`` does not exist everywhere on the domain) and the interval on which
the book approximates it. The error bound of piecewise-linear interpolation with knot spacing
``h`` is ``h**2 / 8 * max|f''|``; :meth:`Target.max_abs_f2` supplies the maximum.

Use :func:`bendlines.data.target` and :func:`bendlines.data.target_names` to look targets up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["TARGETS", "Target"]

_BUMP_WIDTH = 0.25  # standard deviation of the Gaussian bump


@dataclass(frozen=True)
class Target:
    """A scalar function of one variable on a closed interval.

    Parameters
    ----------
    name : str
        Registry key, e.g. ``"sin"``.
    f : callable
        Vectorised function; maps an array of shape ``(n,)`` (any shape works) to an array of
        the same shape, float64.
    f2 : callable or None
        Exact second derivative of ``f``, vectorised like ``f``; ``None`` when ``f''`` does not
        exist at every point of the domain (e.g. the kink of ``|x|``).
    domain : tuple of float
        The interval ``(lo, hi)`` with ``lo < hi`` on which ``f`` is approximated.
    description : str
        One-line formula and domain, suitable for a figure caption.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    f2: Callable[[np.ndarray], np.ndarray] | None
    domain: tuple[float, float]
    description: str

    def __post_init__(self) -> None:
        lo, hi = self.domain
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"domain must be a finite (lo, hi) with lo < hi, got {self.domain!r}")

    def max_abs_f2(self, n_grid: int = 100_001) -> float:
        """Maximum of ``|f''|`` over the domain, evaluated on a uniform grid.

        Parameters
        ----------
        n_grid : int, default 100_001
            Number of grid points including both end points (at least 2). The default resolves
            the fastest oscillation of the registered targets (``cos(50 x)`` on ``[0, 1]``) to a
            relative error below ``1e-6``.

        Returns
        -------
        float
            ``max |f''(x)|`` over the grid, in units of ``f`` per squared unit of ``x``.

        Raises
        ------
        ValueError
            If ``f2`` is ``None`` (allowed: targets whose ``f2`` is defined) or ``n_grid < 2``.
        """
        if self.f2 is None:
            raise ValueError(
                f"target {self.name!r} has no second derivative everywhere on its domain; "
                f"max_abs_f2 is allowed for: {', '.join(n for n, t in TARGETS.items() if t.f2)}"
            )
        if int(n_grid) < 2:
            raise ValueError(f"n_grid must be an integer >= 2, got {n_grid!r}")
        x = np.linspace(self.domain[0], self.domain[1], int(n_grid))
        return float(np.max(np.abs(self.f2(x))))


def _sin(x: np.ndarray) -> np.ndarray:
    return np.sin(np.asarray(x, dtype=np.float64))


def _sin_f2(x: np.ndarray) -> np.ndarray:
    return -np.sin(np.asarray(x, dtype=np.float64))


def _bump(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-0.5 * (x / _BUMP_WIDTH) ** 2)


def _bump_f2(x: np.ndarray) -> np.ndarray:
    # d2/dx2 exp(-x^2 / 2s^2) = (x^2 / s^4 - 1 / s^2) exp(-x^2 / 2s^2)
    x = np.asarray(x, dtype=np.float64)
    s2 = _BUMP_WIDTH**2
    return (x * x / s2 - 1.0) / s2 * np.exp(-0.5 * x * x / s2)


def _abs(x: np.ndarray) -> np.ndarray:
    return np.abs(np.asarray(x, dtype=np.float64))


def _nielsen(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return 0.2 + 0.4 * x * x + 0.3 * x * np.sin(15.0 * x) + 0.05 * np.cos(50.0 * x)


def _nielsen_f2(x: np.ndarray) -> np.ndarray:
    # f'  = 0.8 x + 0.3 sin(15x) + 4.5 x cos(15x) - 2.5 sin(50x)
    # f'' = 0.8 + 9 cos(15x) - 67.5 x sin(15x) - 125 cos(50x)
    x = np.asarray(x, dtype=np.float64)
    return 0.8 + 9.0 * np.cos(15.0 * x) - 67.5 * x * np.sin(15.0 * x) - 125.0 * np.cos(50.0 * x)


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("sin", _sin, _sin_f2, (0.0, 2.0 * np.pi), "sin(x) on [0, 2π]"),
        Target(
            "bump",
            _bump,
            _bump_f2,
            (-1.0, 1.0),
            f"Gaussian bump exp(-x²/(2·{_BUMP_WIDTH}²)) on [-1, 1]",
        ),
        Target("abs", _abs, None, (-1.0, 1.0), "|x| on [-1, 1] (kink at 0, no f'')"),
        Target(
            "nielsen",
            _nielsen,
            _nielsen_f2,
            (0.0, 1.0),
            "Nielsen's goal 0.2 + 0.4x² + 0.3x·sin(15x) + 0.05·cos(50x) on [0, 1]",
        ),
    )
}
"""Registered targets by name, in the order the book introduces them."""
