"""A surface approximated by ReLU nets, and the error against the number of units.

Top: the target surface, the grid of 8 x 8 towers that approximates it (100 hidden units in
two layers), and one hidden layer of 128 ReLU units with random lines whose output weights
are fitted by least squares. Bottom: root-mean-square error on a grid of the square against
the number of hidden units, on logarithmic axes, for tower grids of 2 x 2 to 32 x 32 cells
and for one hidden layer of 8 to 512 units. Both fall steadily; the one-layer fit falls
faster.

Run it alone: ``python figures/universal_approximation.py -o universal.svg``.
"""

# %% Compute: the error curves (or take the chapter's)

from bendlines import render, style
from bendlines.experiments import universal
from bendlines.mlp import MLP

SHOWN_CELLS = 8
SHOWN_WIDTH = 128


def _image(params, points, shape):
    return MLP.from_params(params, activation="relu").forward(points)[:, 0].reshape(shape)


# %% Draw: three heat maps and the error curve
def make_figure(tower_curve=None, layer_curve=None):
    """Heat maps of the target and two approximations, and their errors against units."""
    tower_curve = universal.tower_errors() if tower_curve is None else tower_curve
    layer_curve = universal.one_layer_errors() if layer_curve is None else layer_curve
    gx, gy, points = universal.evaluation_grid()
    shape = (len(gy), len(gx))
    target = universal.surface(points[:, 0], points[:, 1]).reshape(shape)
    tower_i = list(universal.TOWER_CELLS).index(SHOWN_CELLS)
    layer_i = list(universal.ONE_LAYER_WIDTHS).index(SHOWN_WIDTH)
    images = [
        ("target surface", target),
        (f"{SHOWN_CELLS} × {SHOWN_CELLS} towers: {tower_curve.units[tower_i]} units",
         _image(tower_curve.params[tower_i], points, shape)),
        (f"one layer: {SHOWN_WIDTH} units", _image(layer_curve.params[layer_i], points, shape)),
    ]  # fmt: skip
    fig = style.figure(width=style.TEXT_WIDTH, height=6.4)[0]
    fig.clear()
    grid = fig.add_gridspec(2, 3, height_ratios=[1, 1.15])
    lo, hi = float(target.min()), float(target.max())
    for k, (title, image) in enumerate(images):
        ax = fig.add_subplot(grid[0, k])
        im = ax.imshow(image, extent=universal.BOUNDS, origin="lower", cmap="cividis",
                       vmin=lo, vmax=hi)  # fmt: skip
        ax.set_title(title, fontsize=10)
        ax.grid(False)
        ax.set_xlabel("$x$ (dimensionless)", fontsize=9)
        if k == 0:
            ax.set_ylabel("$y$ (dimensionless)", fontsize=9)
        else:
            ax.set_yticklabels([])
    fig.colorbar(im, ax=fig.axes[:3], label="height", shrink=0.9)
    ax = fig.add_subplot(grid[1, :])
    for i, (curve, label) in enumerate(
        ((tower_curve, "towers (two hidden layers, built by hand)"),
         (layer_curve, "one hidden layer (random lines, fitted output)"))
    ):  # fmt: skip
        ax.loglog(curve.units, curve.rms, marker="os"[i], color=style.color(i),
                  linestyle=style.linestyle(i), label=label)  # fmt: skip
    ax.set_xlabel("hidden units (log scale)")
    ax.set_ylabel("RMS error (height, log scale)")
    ax.legend(fontsize=9, frameon=False)
    ax.grid(True, which="major", color=style.GRID, linewidth=0.6)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
