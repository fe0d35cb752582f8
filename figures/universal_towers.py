"""Nielsen's building blocks made of ReLU units: a step, a bump, a tower, and where towers meet.

Left: a step is two ReLU units, relu(t - e) - relu(t - e - r), divided by the ramp width r; a
bump is a step up minus a later step down, four units. Middle: a tower is
relu(bump(x) + bump(y) - 1): eight units for the two bumps and one more in a second layer.
It is 1 on a rectangle and 0 away from it. Right: a 2 x 2 grid of towers of height 1, built
by bendlines.towers.tower_grid_params. The towers add up to 1 everywhere except where the
ramps cross in the middle: there they dip to 0, a "failure window". Ramps are drawn wide
here so that they show.

Run it alone: ``python figures/universal_towers.py -o towers.svg``.
"""

# %% Compute: the blocks, from bendlines.towers
import numpy as np

from bendlines import render, style, towers
from bendlines.mlp import MLP

RAMP = 0.08
STEP_EDGE = 0.2
BUMP = (0.45, 0.75)
TOWER_X, TOWER_Y = (0.3, 0.6), (0.35, 0.75)
GRID_CELLS = 2


def _square_image(values_at, resolution=301):
    g = np.linspace(0.0, 1.0, resolution)
    xx, yy = np.meshgrid(g, g)
    return values_at(np.column_stack([xx.ravel(), yy.ravel()])).reshape(xx.shape)


# %% Draw: 1-D blocks on the left, a tower and a grid of towers as heat maps
def make_figure():
    """A step and a bump against t, a tower, and a 2 x 2 grid of unit towers."""
    fig, (left, middle, right) = style.figure(1, 3, width=style.TEXT_WIDTH, height=2.7)
    t = np.linspace(0.0, 1.0, 801)
    left.plot(t, towers.step(t, STEP_EDGE, RAMP), color=style.color(0), label="step: 2 units")
    left.plot(t, towers.bump(t, *BUMP, RAMP), color=style.color(1), linestyle=style.linestyle(1),
              label="bump: 4 units")  # fmt: skip
    left.set_xlabel("input $t$", fontsize=10)
    left.set_ylabel("output (dimensionless)", fontsize=10)
    left.set_ylim(-0.05, 1.45)
    left.legend(loc="upper left", fontsize=8, frameon=False)
    left.set_title("steps and bumps", fontsize=10)

    tower = _square_image(lambda X: towers.tower(X, TOWER_X, TOWER_Y, RAMP))
    params = towers.tower_grid_params(lambda x, y: np.ones_like(x), GRID_CELLS, ramp=RAMP)
    grid = _square_image(lambda X: MLP.from_params(params, activation="relu").forward(X)[:, 0])
    for ax, image, title in (
        (middle, tower, "a tower: 9 units"),
        (right, grid, f"{GRID_CELLS} × {GRID_CELLS} towers of height 1"),
    ):
        im = ax.imshow(image, extent=(0, 1, 0, 1), origin="lower", cmap="cividis", vmin=0, vmax=1)
        ax.set_xlabel("input $x$", fontsize=10)
        ax.set_title(title, fontsize=10)
        ax.grid(False)
    middle.set_ylabel("input $y$", fontsize=10)
    right.set_yticklabels([])
    fig.colorbar(im, ax=[middle, right], label="output", shrink=0.85)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
