"""Linear regions of random ReLU networks: more neurons give more regions, more depth does not.

For 16, 32 and 64 hidden neurons in total, split into 1, 2, 4 or 8 equal layers, each dot is
the exact region count of one randomly initialised network in the box [-1, 1]^2 and each line
joins the means over seeds. The count grows with the neurons and falls with depth.
"""

# %% Compute: exact counts (bendlines.experiments.piecewise.depth_vs_regions)
import numpy as np

from bendlines import render, style
from bendlines.experiments import piecewise as pw


# %% Draw: counts against depth, one line per total
def make_figure(result=None):
    """Region counts against depth for each total number of neurons."""
    r = result or pw.depth_vs_regions()
    fig, ax = style.figure(width=5.5, height=3.6)
    depths = r["depths"]
    for i, n in enumerate(r["totals"]):
        done = ~np.isnan(r["mean"][i])
        ax.plot(depths[done], r["mean"][i, done], color=style.color(i),
                linestyle=style.linestyle(i), label=f"{n} neurons")  # fmt: skip
        for s in range(r["counts"].shape[2]):
            ax.plot(depths[done], r["counts"][i, done, s], "o", color=style.color(i),
                    markersize=4, alpha=0.6)  # fmt: skip
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(depths, [str(d) for d in depths])
    ax.set_xlabel("hidden layers (same total neurons)")
    ax.set_ylabel("linear regions in the box")
    ax.legend(fontsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
