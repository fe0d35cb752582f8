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
    middle.set_xlim(steps[0] / 2, steps[-1] * 2)
    middle.set_xlabel("Adam steps (full batch)")
    middle.set_ylabel("RMS error")
    middle.legend(fontsize=8)

    edges = np.linspace(lo, hi, pw.KINK_BINS + 1)
    pooled = last["random_kinks"].ravel()
    inside = pooled[(pooled > lo) & (pooled < hi)]
    n_seeds = last["random_kinks"].shape[0]
    rows = (
        ("hand-built", r["constructed_kinks"], 1.0, style.color(0), "-"),
        ("fine-tuned", last["fine_kinks"], 1.0, style.color(1), "--"),
        (
            f"random starts, per net ({pooled.size - inside.size} of {pooled.size} kinks outside)",
            inside,
            1.0 / n_seeds,
            style.color(2),
            ":",
        ),
    )
    for label, kinks, weight, colour, ls in rows:
        k = kinks[(kinks > lo) & (kinks < hi)]
        counts, _ = np.histogram(k, bins=edges)
        bottom.stairs(counts * weight, edges, color=colour, linestyle=ls, linewidth=1.6,
                      label=label)  # fmt: skip
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
    bottom.legend(fontsize=8, loc="upper left")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
