"""Linear regions of random ReLU networks: more neurons give more regions, more depth does not.

For 16, 32 and 64 hidden neurons in total, split into 1, 2 or 4 equal layers no narrower than
16 units (64 as 1 x 64, 2 x 32 and 4 x 16), each dot is the exact region count of one
randomly initialised network (He weights, biases with standard deviation 0.5) in the box
[-1, 1]^2 and each line joins the means over seeds. The dotted line is the most that 64 lines
can make in the plane, 1 + n + n(n-1)/2 with n = 64.
"""

# %% Compute: exact counts (bendlines.experiments.piecewise.depth_vs_regions)
import numpy as np

from bendlines import regions, render, style
from bendlines.experiments import piecewise as pw


# %% Draw: counts against depth, one line per total, each point labelled by its widths
def make_figure(result=None):
    """Region counts against depth for each total number of neurons."""
    r = result or pw.depth_vs_regions()
    fig, ax = style.figure(width=5.8, height=3.8)
    depths = r["depths"]
    for i, n in enumerate(r["totals"]):
        done = ~np.isnan(r["mean"][i])
        ax.plot(depths[done], r["mean"][i, done], color=style.color(i), marker="D",
                linestyle=style.linestyle(i), label=f"{n} neurons")  # fmt: skip
        for s in range(r["counts"].shape[2]):
            ax.plot(depths[done] * 1.04, r["counts"][i, done, s], "o", color=style.color(i),
                    markersize=3, alpha=0.6)  # fmt: skip
        for d, m in zip(depths[done], r["mean"][i, done], strict=True):
            widths = f"{n}" if d == 1 else f"{d}$\\times${n // d}"
            ax.annotate(widths, (d, m), xytext=(0, 7), textcoords="offset points",
                        ha="center", fontsize=8, color=style.color(i))  # fmt: skip
    top = regions.arrangement_count(int(r["totals"][-1]))
    ax.axhline(top, color=style.INK, linestyle=":", linewidth=1)
    ax.text(depths[-1], top * 0.9, f"64 lines at most: {top}", ha="right", va="top", fontsize=8)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(depths, [str(d) for d in depths])
    ax.set_xlim(depths[0] / 1.3, depths[-1] * 1.3)
    ax.set_xlabel(f"hidden layers (same total neurons, each layer >= {r['min_width']} wide)")
    ax.set_ylabel("linear regions in the box")
    ax.legend(fontsize=9, loc="lower right")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
