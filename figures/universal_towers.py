"""Nielsen's building blocks made of ReLU units: a step, a bump and a tower.

Left: a step is two ReLU units, relu(t - e) - relu(t - e - r), divided by the ramp width r; a
bump is a step up minus a later step down, four units. Right: a tower is
relu(bump(x) + bump(y) - 1): eight units for the two bumps and one more in a second layer.
It is 1 on a rectangle and 0 away from it; the ramps are drawn wide here so that they show.

Run it alone: ``python figures/universal_towers.py -o towers.svg``.
"""

# %% Compute: the blocks, from bendlines.towers
import numpy as np

from bendlines import render, style, towers

RAMP = 0.08
STEP_EDGE = 0.2
BUMP = (0.45, 0.75)
TOWER_X, TOWER_Y = (0.3, 0.6), (0.35, 0.75)


# %% Draw: 1-D blocks on the left, the tower as a heat map on the right
def make_figure():
    """A step and a bump against t (left), and a tower over the unit square (right)."""
    fig, (left, right) = style.figure(1, 2, width=style.TEXT_WIDTH, height=3.1)
    t = np.linspace(0.0, 1.0, 801)
    left.plot(t, towers.step(t, STEP_EDGE, RAMP), color=style.color(0), label="step: 2 units")
    left.plot(t, towers.bump(t, *BUMP, RAMP), color=style.color(1), linestyle=style.linestyle(1),
              label="bump: 4 units")  # fmt: skip
    left.set_xlabel("input $t$ (dimensionless)")
    left.set_ylabel("output (dimensionless)")
    left.set_ylim(-0.05, 1.25)
    left.legend(loc="upper left", fontsize=9, ncols=2, frameon=False)
    left.set_title("ReLU steps and bumps", fontsize=11)

    gx = np.linspace(0.0, 1.0, 301)
    xx, yy = np.meshgrid(gx, gx)
    tower = towers.tower(np.column_stack([xx.ravel(), yy.ravel()]), TOWER_X, TOWER_Y, RAMP)
    im = right.imshow(tower.reshape(xx.shape), extent=(0, 1, 0, 1), origin="lower",
                      cmap="cividis", vmin=0, vmax=1)  # fmt: skip
    right.set_xlabel("input $x$ (dimensionless)")
    right.set_ylabel("input $y$ (dimensionless)")
    right.set_title("a tower: 9 units", fontsize=11)
    right.grid(False)
    fig.colorbar(im, ax=right, label="output (dimensionless)", shrink=0.9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
