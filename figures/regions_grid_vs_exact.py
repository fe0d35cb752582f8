"""Counting linear regions: exact enumeration against sampling a grid of points.

Left: the exact linear regions of a random 2-32-32-1 ReLU network in a square box, each
polygon's boundary drawn from a fine raster. Right: how many distinct regions a grid of
r x r points finds, against r, with the exact count as a horizontal line: the grid misses the
many tiny regions even at the finest resolution.
"""

# %% Compute: exact and grid counts (bendlines.experiments.piecewise.grid_vs_exact)
import numpy as np

from bendlines import render, style
from bendlines.experiments import piecewise as pw


# %% Draw: the regions, and the count against resolution
def make_figure(result=None):
    """Region boundaries of the 'misses' net, and grid counts against resolution."""
    r = result or pw.grid_vs_exact()
    img = pw.region_image(r["miss_params"], pw.MISS_BOX, 360)
    fig, (left, right) = style.figure(1, 2, height=3.3)
    left.imshow(np.where(img["edges"], 1.0, np.nan), extent=pw.MISS_BOX, origin="lower",
                cmap="Greys", vmin=0, vmax=1, interpolation="antialiased")  # fmt: skip
    left.set_aspect("equal")
    left.grid(False)
    left.set_xlabel("input $x_1$")
    left.set_ylabel("input $x_2$")
    left.set_title(f"2-32-32-1 net: {r['miss_exact']} regions", fontsize=10)
    right.semilogx(r["resolutions"], r["miss_grid"], "o-", color=style.color(0),
                   label="grid of $r \\times r$ points", base=2)  # fmt: skip
    right.axhline(r["miss_exact"], color=style.color(1), linestyle="--", label="exact count")
    right.set_xlabel("grid points per side $r$")
    right.set_ylabel("regions found")
    right.set_ylim(0, 1.1 * r["miss_exact"])
    right.legend(loc="lower right")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
