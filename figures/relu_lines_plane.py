"""Each hidden unit of a two-input ReLU layer is a line that splits the plane in two.

Left: the five units' lines w . x + b = 0, each with its weight vector drawn as an arrow
pointing into the side where the unit is active; one unit's active side is shaded, and a
dashed segment from the origin (dot) to that unit's line has length |b| / ||w||. Right: the
output of the 2-5-1 network as a heat map; it is flat (affine) inside each region cut out by
the lines, and the region boundaries are drawn in dark ink and
the white contour lines are straight inside each region and bend only where they cross a boundary.
"""

# %% Compute: the chapter's 2-5-1 net and rasters of its regions
import numpy as np

from bendlines import render, style
from bendlines.experiments import piecewise as pw

#: A white box behind a label that sits on top of lines.
LABEL_BOX = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}


# %% Draw: lines with arrows (left), faceted surface (right)
def make_figure(params=None, box=pw.PLANE_BOX, shaded=0):
    """Lines, arrows and one shaded half-plane of a 2-n-1 net, and its output surface."""
    params = params or pw.plane_net()
    geo = pw.line_geometry(params)
    normals, offsets = geo["normals"], geo["offsets"]
    img = pw.region_image(params, box, 400)
    xmin, xmax, ymin, ymax = box
    fig, (left, right) = style.figure(1, 2, height=3.4)
    gx, gy = np.meshgrid(np.linspace(xmin, xmax, 400), np.linspace(ymin, ymax, 400))
    active = (gx * normals[shaded, 0] + gy * normals[shaded, 1] + offsets[shaded]) > 0
    left.imshow(np.where(active, 1.0, np.nan), extent=box, origin="lower", cmap="Purples",
                vmin=0, vmax=3, alpha=0.6, interpolation="nearest")  # fmt: skip
    t = np.linspace(-10, 10, 2)
    for i, (n, foot) in enumerate(zip(normals, geo["feet"], strict=True)):
        direction = np.array([-n[1], n[0]]) / np.linalg.norm(n)
        pts = foot + t[:, None] * direction
        colour = style.COLORS["purple"] if i == shaded else style.color(0)
        left.plot(pts[:, 0], pts[:, 1], color=colour, linewidth=2.2 if i == shaded else 1.4)
        arrow = 0.6 * n / np.linalg.norm(n)
        head = {"arrowstyle": "-|>", "color": colour, "linewidth": 1.4}
        left.annotate("", xy=foot + arrow, xytext=foot, arrowprops=head)
        left.text(*(foot + 1.25 * arrow), f"{i + 1}", color=colour, fontsize=10,
                  ha="center", va="center")  # fmt: skip
    # the shaded unit's line lies |b| / ||w|| from the origin, along its arrow
    foot = geo["feet"][shaded]
    left.plot([0.0, foot[0]], [0.0, foot[1]], color=style.COLORS["purple"], linestyle="--",
              linewidth=1.2)  # fmt: skip
    left.plot([0.0], [0.0], marker="o", color=style.INK, markersize=4)
    left.annotate(f"$|b|/\\|w\\| = {geo['distances'][shaded]:.2f}$", xy=0.5 * foot,
                  xytext=(0, -26), textcoords="offset points", fontsize=9, ha="center",
                  color=style.COLORS["purple"], bbox=LABEL_BOX)  # fmt: skip
    left.set_xlim(xmin, xmax)
    left.set_ylim(ymin, ymax)
    left.set_aspect("equal")
    left.set_title("units as lines (shaded: unit 1 active)", fontsize=10)
    im = right.imshow(img["values"][..., 0], extent=box, origin="lower", cmap="cividis",
                      interpolation="nearest")  # fmt: skip
    right.imshow(np.where(img["edges"], 1.0, np.nan), extent=box, origin="lower", cmap="Greys",
                 vmin=0, vmax=1, interpolation="antialiased")  # fmt: skip
    xs = np.linspace(xmin, xmax, 400)
    right.contour(xs, np.linspace(ymin, ymax, 400), img["values"][..., 0], levels=14,
                  colors="white", linewidths=0.7, linestyles="solid")  # fmt: skip
    right.set_aspect("equal")
    right.set_title("network output: flat facets", fontsize=10)
    fig.colorbar(im, ax=right, label="output (dimensionless)", shrink=0.85)
    for ax in (left, right):
        ax.set_xlabel("input $x_1$")
        ax.grid(False)
    left.set_ylabel("input $x_2$")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
