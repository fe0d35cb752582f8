"""Gradient descent at a small, a good and a too-large learning rate, on a 1-D and a 2-D loss.

Top row: the loss L(w) of the line y = w x as a curve, with the first steps of gradient
descent as numbered dots. Bottom row: contour lines of the loss L(w, b) of the line
y = w x + b, with the path of gradient descent. The too-large rate overshoots the bottom by
more each step and flies off; the small one crawls.
"""

# %% Compute: the two descents (bendlines.experiments.primer)
import numpy as np

from bendlines import render, style
from bendlines.experiments import primer as pr


# %% Draw: one column per rate
def make_figure(one_d=None, two_d=None):
    """Three columns (rates) by two rows (1-D loss, 2-D loss) of descent paths."""
    one_d = one_d or pr.descent_1d()
    two_d = two_d or pr.descent_2d()
    x, y = pr.line_data()
    fig, axes = style.figure(2, 3, height=5.6)
    w = np.linspace(-1.5, 4.5, 301)
    W, B = np.meshgrid(np.linspace(-2.5, 5.0, 161), np.linspace(-2.0, 6.0, 161))
    surface = pr.line_loss(W, B, x, y)
    for j, name in enumerate(one_d["rates"]):
        ax = axes[0, j]
        path = one_d["paths"][name]
        ax.plot(w, pr.line_loss(w, 0.0, x, y), color=style.GRID, linewidth=2.5)
        ax.plot(
            path, one_d["losses"][name], "o-", color=style.color(j), markersize=4, linewidth=1.0
        )
        ax.set_xlim(w[0], w[-1])
        ax.set_ylim(0, 40)
        ax.set_title(f"{name}: rate {one_d['rates'][name]:.2f}", fontsize=11)
        ax.set_xlabel("slope $w$")
        end = one_d["losses"][name][-1]
        ax.text(
            0.04,
            0.92,
            f"loss after {len(path) - 1} steps: {end:.3g}",
            transform=ax.transAxes,
            fontsize=9,
            va="top",
        )
        ax = axes[1, j]
        path = two_d["paths"][name]
        ax.contour(
            W, B, surface, levels=np.geomspace(0.3, 60, 9), colors=style.GRID, linewidths=1.0
        )
        ax.plot(*two_d["best"], "x", color=style.INK, markersize=8)
        ax.plot(path[:, 0], path[:, 1], "o-", color=style.color(j), markersize=4, linewidth=1.0)
        ax.set_xlim(W[0, 0], W[0, -1])
        ax.set_ylim(B[0, 0], B[-1, 0])
        ax.set_title(f"rate {two_d['rates'][name]:.2f}", fontsize=11)
        ax.set_xlabel("slope $w$")
    axes[0, 0].set_ylabel("loss $L(w)$ (squared units)")
    axes[1, 0].set_ylabel("intercept $b$")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
