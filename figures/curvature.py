"""Curvature is the slope of the slope: a curve f, its slope f' and the slope of that, f''.

The three panels share the x axis. Where f'' is large and positive the curve bends upwards
most sharply, where it is negative it bends downwards, and where f'' is zero the curve is
momentarily straight. The slopes are computed from f alone by central differences.
"""

# %% Compute: f, f' and f'' by finite differences (bendlines.experiments.primer)
import numpy as np

from bendlines import render, style
from bendlines.experiments import primer as pr

X = np.linspace(-2.0, 2.0, 401)


def f(x):
    """The example curve: a cubic with one bump and one dip."""
    return x**3 / 3 - x


# %% Draw: three stacked panels
def make_figure():
    """f, f' and f'' of the example cubic, one panel each."""
    h = 1e-4
    slope = (f(X + h) - f(X - h)) / (2 * h)
    bend = pr.second_derivative(f, X)
    fig, axes = style.figure(3, 1, height=5.4, sharex=True)
    for i, (ax, values, label) in enumerate(
        zip(
            axes,
            (f(X), slope, bend),
            ("$f(x)$", "slope $f'(x)$", "curvature $f''(x)$"),
            strict=True,
        )
    ):
        ax.plot(X, values, color=style.color(i), linestyle=style.linestyle(i))
        ax.axhline(0, color=style.INK, linewidth=0.8)
        ax.set_ylabel(label)
    axes[2].axvline(0, color=style.INK, linewidth=0.8, linestyle=":")
    axes[2].set_xlabel("input $x$")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
