"""Linear regions of a spiral classifier at initialisation and after training.

Both panels draw the region boundaries of the same 2-32-32-2 ReLU network inside the box,
with the training points of the two spiral arms on top. At initialisation every boundary runs
through the origin; after training the regions are many more and crowd along the data.
"""

# %% Compute: train the classifier (bendlines.experiments.piecewise.learned_regions)
import numpy as np

from bendlines import render, style
from bendlines.experiments import piecewise as pw


# %% Draw: before and after
def make_figure(result=None):
    """Region boundaries before and after training, with the data points."""
    r = result or pw.learned_regions()
    fig, axes = style.figure(1, 2, height=3.5)
    panels = (
        ("initialisation", r["init"], r["count_init"]),
        ("after training", r["trained"], r["count_trained"]),
    )
    for ax, (title, params, count) in zip(axes, panels, strict=True):
        img = pw.region_image(params, r["box"], 320)
        ax.imshow(np.where(img["edges"], 1.0, np.nan), extent=r["box"], origin="lower",
                  cmap="Greys", vmin=0, vmax=1.4, interpolation="nearest")  # fmt: skip
        for k, marker in enumerate(("o", "s")):
            pts = r["X"][r["y"] == k]
            ax.plot(pts[:, 0], pts[:, 1], marker, color=style.color(k + 1), markersize=2.2,
                    alpha=0.8, linestyle="none", label=f"class {k}")  # fmt: skip
        ax.set_title(f"{title}: {count} regions", fontsize=10)
        ax.set_aspect("equal")
        ax.grid(False)
        ax.set_xlabel("input $x_1$")
    axes[0].set_ylabel("input $x_2$")
    handles, labels = axes[1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, markerscale=3)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
