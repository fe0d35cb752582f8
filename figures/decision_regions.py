"""Decision regions on xor, circles and spiral: linear nets of any depth against ReLU and tanh.

Each row is one data set whose classes no straight line separates; the dots are its test
points (colour = true class) and the shading is the class each trained net predicts. Columns:
logistic regression (no hidden layer), a linear net with one and with three hidden layers
(no activation), and the same three-hidden-layer architecture with ReLU and with tanh. Every
linear net, however deep, splits the plane with one straight line; the nets with an
activation bend the boundary around the data. Each panel shows its test accuracy.

Run it alone: ``python figures/decision_regions.py -o regions.svg``.
"""

# %% Compute: train every net (or take the chapter's result) and predict on a grid
import os

# Tiny matrices: extra BLAS threads only fight over the cores (set before numpy loads).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from matplotlib.colors import ListedColormap

from bendlines import render, style
from bendlines.experiments import nonlinearity

#: (activation, hidden layers, column title) of the columns.
COLUMNS = (
    ("logistic", 0, "logistic\nregression"),
    ("identity", 1, "linear,\n1 hidden"),
    ("identity", 3, "linear,\n3 hidden"),
    ("relu", 3, "ReLU,\n3 hidden"),
    ("tanh", 3, "tanh,\n3 hidden"),
)
CLASS_COLORS = (style.COLORS["blue"], style.COLORS["orange"])
REGION_COLORS = ListedColormap(["#cfe3f1", "#fbe6bd"])


def _bounds(X: np.ndarray, pad: float = 0.25) -> tuple[float, float, float, float]:
    low, high = X.min(axis=0) - pad, X.max(axis=0) + pad
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


# %% Draw: one row per data set, one column per net
def make_figure(result=None, resolution: int = 160):
    """Decision regions of the nets in ``result`` (a ``ToyResult``; trained here if None)."""
    result = nonlinearity.toy_experiment() if result is None else result
    datasets = list(result.data)
    fig, axes = style.figure(
        len(datasets), len(COLUMNS), width=style.TEXT_WIDTH, height=1.45 * len(datasets) + 0.9,
        squeeze=False,
    )  # fmt: skip
    for row, name in enumerate(datasets):
        _, (X, y) = result.data[name]
        bounds = _bounds(X)
        for col, (act, depth, title) in enumerate(COLUMNS):
            ax = axes[row, col]
            key = (name, act, depth)
            gx, gy, labels = nonlinearity.decision_grid(result.nets[key], bounds, resolution)
            ax.pcolormesh(gx, gy, labels, cmap=REGION_COLORS, vmin=0, vmax=1, shading="auto",
                          rasterized=True)  # fmt: skip
            for c, colour in enumerate(CLASS_COLORS):
                points = X[y == c][::2]
                ax.scatter(points[:, 0], points[:, 1], s=2.5, color=colour, linewidths=0,
                           label=f"class {c}", rasterized=True)  # fmt: skip
            ax.text(0.5, 0.03, f"{result.test_acc[key]:.0%}", transform=ax.transAxes,
                    ha="center", va="bottom", fontsize=9, color=style.INK,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.85,
                          "edgecolor": "none"})  # fmt: skip
            ax.set_xlim(bounds[0], bounds[1])
            ax.set_ylim(bounds[2], bounds[3])
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            ax.set_aspect("equal", adjustable="box")
            if row == 0:
                ax.set_title(title, fontsize=9)
            if row == len(datasets) - 1:
                ax.set_xlabel("$x_1$", fontsize=9)
            if col == 0:
                ax.set_ylabel(f"{name}\n$x_2$", fontsize=10)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=9, markerscale=4)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
