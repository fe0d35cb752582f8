"""The primer's data table as points, with the model's first guess and the best-fitting line.

Each dot is one row of the table (input x, label y). The dashed line is the starting model
y = 0 x + 0 with its errors drawn as vertical segments; the solid line is the least-squares
line that gradient descent walks towards.
"""

# %% Compute: the table and the best line (bendlines.experiments.primer)
import numpy as np

from bendlines import render, style
from bendlines.experiments import primer as pr


# %% Draw: points, errors of the first guess, best line
def make_figure():
    """Scatter of the data table, the starting line with its errors, and the fitted line."""
    x, y = pr.line_data()
    w0, b0 = pr.LINE_START
    w, b = pr.fit_line(x, y)
    grid = np.linspace(0.0, 2.0, 101)
    fig, ax = style.figure(width=5.0, height=3.4)
    ax.vlines(x, w0 * x + b0, y, color=style.color(1), linewidth=1.0, label="errors of the guess")
    ax.plot(
        grid,
        w0 * grid + b0,
        color=style.color(1),
        linestyle="--",
        label=f"first guess $y = {w0:g}x + {b0:g}$",
    )
    ax.plot(grid, w * grid + b, color=style.color(0), label=f"best line $y = {w:.2f}x + {b:.2f}$")
    ax.plot(x, y, "o", color=style.INK, markersize=6, label="data (one dot per row)")
    ax.set_xlabel("input $x$ (no units)")
    ax.set_ylabel("label $y$ (no units)")
    ax.legend(fontsize=9, loc="upper left")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
