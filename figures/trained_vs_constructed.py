"""A 1-20-1 ReLU network built by hand against the same network trained by Adam.

Top: the error f(x) - g(x) along the interval of the hand-built interpolant, of Adam started
from it (fine-tuned) and of the best random start, after the longest budget. Middle: the
root-mean-square error against the number of Adam steps: the hand-built net (line), the
fine-tuned net, and the random starts (mean with its 95 % interval, and each seed). Bottom:
where the kinks x = -b/w sit after training, as a histogram over the interval; kinks that
left the interval are counted in the legend.
"""

# %% Compute: train the nets (bendlines.experiments.piecewise.trained_vs_constructed)
import numpy as np
from matplotlib.ticker import NullLocator

from bendlines import render, style
from bendlines.experiments import piecewise as pw


# %% Draw: error curves, error against steps, kink histogram
def make_figure(result=None):
    """Errors and kink positions of the hand-built, fine-tuned and randomly started nets."""
    r = result or pw.trained_vs_constructed()
    t = r["target"]
    lo, hi = t.domain
    last = r["runs"][r["budgets"][-1]]
    fig, (top, middle, bottom) = style.figure(3, 1, height=7.6, height_ratios=(1.3, 1, 1.1))
    x = r["x"]
    best = int(np.argmin(last["random_rms"]))
    top.axhline(0.0, color=style.GRID, linewidth=1)
    top.plot(x, r["f"] - r["constructed"](x), color=style.color(0), linewidth=1.4,
             label="hand-built")  # fmt: skip
    top.plot(x, r["f"] - last["fine_curve"], color=style.color(1), linestyle="--",
             linewidth=1.4, label="fine-tuned from hand-built")  # fmt: skip
    top.plot(x, r["f"] - last["random_curves"][best], color=style.color(2), linestyle=":",
             linewidth=1.4, label="best random start")  # fmt: skip
    top.set_xlim(lo, hi)
    top.set_xlabel("input $x$")
    top.set_ylabel("error $f(x) - g(x)$")
    top.set_title(f"after {r['budgets'][-1]} Adam steps", fontsize=10)
    top.set_ylim(-0.045, 0.07)
    top.legend(fontsize=8, ncols=3, loc="upper center")

    steps = np.array(r["budgets"])
    middle.axhline(r["constructed_rms"], color=style.color(0), linewidth=1.4,
                   label="hand-built")  # fmt: skip
    middle.plot(steps, [r["runs"][b]["fine_rms"] for b in steps], "s--",
                color=style.color(1), label="fine-tuned")  # fmt: skip
    stats = np.array([r["runs"][b]["random_stats"] for b in steps])  # mean, sd, lo, hi
    middle.errorbar(steps, stats[:, 0], yerr=[stats[:, 0] - stats[:, 2], stats[:, 3] - stats[:, 0]],
                    fmt="o:", color=style.color(2), capsize=4,
                    label="random starts: mean, 95 % interval")  # fmt: skip
    for b in steps:
        rms = r["runs"][b]["random_rms"]
        middle.plot(np.full(rms.size, b * 1.08), rms, ".", color=style.color(2), alpha=0.6)
    middle.set_xscale("log")
    middle.set_yscale("log")
    middle.set_xticks(steps, [str(b) for b in steps])
    middle.xaxis.set_minor_locator(NullLocator())
    middle.set_xlim(steps[0] / 2, steps[-1] * 2)
    middle.set_xlabel("Adam steps (full batch)")
    middle.set_ylabel("RMS error")
    middle.set_ylim(1.5e-3, 8e-2)
    middle.legend(fontsize=8, loc="lower center", ncols=3)

    edges = r["kink_edges"]
    n_seeds, n_units = last["random_kinks"].shape
    outside = n_seeds * n_units - int(last["random_hist"].sum())
    rows = (
        ("hand-built", np.histogram(r["constructed_kinks"], bins=edges)[0], style.color(0), "-"),
        ("fine-tuned", last["fine_hist"], style.color(1), "--"),
        (f"random starts, per net ({outside} of {n_seeds * n_units} kinks outside)",
         last["random_hist"] / n_seeds, style.color(2), ":"),
    )  # fmt: skip
    for label, counts, colour, ls in rows:
        bottom.stairs(counts, edges, color=colour, linestyle=ls, linewidth=1.6, label=label)
    twin = bottom.twinx()
    xe = np.linspace(lo, hi, 2001)
    twin.fill_between(xe, np.abs(t.f2(xe)), color=style.GRID, alpha=0.5, linewidth=0)
    twin.set_ylabel("$|f''(x)|$ (shaded)")
    twin.grid(False)
    bottom.set_zorder(twin.get_zorder() + 1)
    bottom.patch.set_visible(False)
    bottom.set_xlim(lo, hi)
    bottom.set_xlabel("kink position $x = -b/w$")
    bottom.set_ylabel("kinks per bin")
    bottom.set_ylim(0, 3.2)
    bottom.legend(fontsize=8, loc="upper left", ncols=2)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
