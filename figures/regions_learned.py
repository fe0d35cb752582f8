"""Linear regions of a spiral classifier at initialisation and after training, from two starts.

Each panel fills the exact linear regions of a 2-32-32-2 ReLU network inside the box, one
colour per activation pattern (neighbouring regions differ in at least one unit), with the
training points of the two spiral arms on top. Top row: the default start with zero biases,
where every first-layer line runs through the origin. Bottom row: the book's random-net
start (He weights, biases with standard deviation 0.5). Left: before training; right: after.
"""

# %% Compute: train the classifiers (bendlines.experiments.piecewise.learned_regions)
import zlib

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.colors import ListedColormap, to_rgb

from bendlines import render, style
from bendlines.experiments import piecewise as pw

#: Light tints of the Okabe-Ito colours: regions stay distinct and the data stay visible.
TINTS = ListedColormap(
    [tuple(0.55 + 0.45 * np.array(to_rgb(c))) for c in [*style.CYCLE[:-1], style.COLORS["yellow"]]]
)


def pattern_colours(rs) -> np.ndarray:
    """One colour per region, picked by a hash of its activation pattern (deterministic)."""
    keys = [zlib.crc32(np.packbits(np.concatenate(r.pattern)).tobytes()) for r in rs]
    return TINTS(np.array(keys) % TINTS.N)


# %% Draw: filled regions, 2 starts x (before, after)
def make_figure(result=None):
    """Filled linear regions before and after training, for both starts, with the data."""
    r = result or pw.learned_regions()
    fig, axes = style.figure(2, 2, height=7.0)
    for row, start in zip(axes, pw.SPIRAL_STARTS, strict=True):
        s = r["starts"][start]
        panels = (
            ("before", s["regions_init"], s["count_init"][0]),
            ("after training", s["regions_trained"], s["count_trained"][0]),
        )
        for ax, (when, rs, count) in zip(row, panels, strict=True):
            ax.add_collection(
                PolyCollection(
                    [q.vertices for q in rs],
                    facecolors=pattern_colours(rs),
                    edgecolors=style.INK,
                    linewidths=0.15,
                    # thousands of polygons: drawn as an image (flat colours, which compress
                    # well) they keep the page light; the data points stay vectors
                    rasterized=True,
                    antialiased=False,
                )
            )
            for k, marker in enumerate(("o", "s")):
                pts = r["X"][r["y"] == k]
                ax.plot(pts[:, 0], pts[:, 1], marker, color=style.COLORS["black"],
                        markerfacecolor=style.color(k), markersize=2.6, markeredgewidth=0.3,
                        linestyle="none", label=f"class {k}")  # fmt: skip
            xmin, xmax, ymin, ymax = r["box"]
            ax.set_xlim(xmin, xmax)
            ax.set_ylim(ymin, ymax)
            ax.set_title(f"{start} start, {when}: {count} regions", fontsize=10)
            ax.set_aspect("equal")
            ax.grid(False)
        row[0].set_ylabel("input $x_2$")
    for ax in axes[1]:
        ax.set_xlabel("input $x_1$")
    handles, labels = axes[0][1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, markerscale=2.5)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
