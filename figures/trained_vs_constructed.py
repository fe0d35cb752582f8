"""A ReLU network trained by gradient descent against one built by hand, same number of units.

Top: Nielsen's function, the hand-built interpolant on equal knots and the best trained
1-20-1 net; the ticks under the curves mark each unit's kink x = -b/w (start of training,
end of training, hand-built). Bottom: the curvature |f''| that tells where bends are needed.
"""

# %% Compute: train the nets (bendlines.experiments.piecewise.trained_vs_constructed)
import numpy as np

from bendlines import render, style
from bendlines.experiments import piecewise as pw


# %% Draw: curves with kink ticks, and the curvature below
def make_figure(result=None):
    """Curves and kinks of the trained and the constructed net."""
    r = result or pw.trained_vs_constructed()
    t = r["target"]
    fig, (top, bottom) = style.figure(2, 1, height=5.2, sharex=True, height_ratios=(2.2, 1))
    x = r["x"]
    top.plot(x, r["f"], color="#8c8c8c", linewidth=3.5, label="target")
    top.plot(x, r["constructed"](x), color=style.color(0), linewidth=1.6,
             label=f"hand-built (error {r['constructed_error']:.2g})")  # fmt: skip
    top.plot(x, r["curve"], color=style.color(3), linestyle="--", linewidth=1.6,
             label=f"trained (error {r['errors'][r['best']]:.2g})")  # fmt: skip
    lo, hi = t.domain
    rows = (
        ("trained, start", r["kinks_init"], style.COLORS["orange"], -0.08),
        ("trained, end", r["kinks_trained"], style.COLORS["vermillion"], -0.16),
        ("hand-built", r["constructed"].knots[:-1], style.COLORS["blue"], -0.24),
    )
    for label, kinks, colour, level in rows:
        k = kinks[(kinks >= lo) & (kinks <= hi)]
        top.vlines(k, level - 0.03, level + 0.03, color=colour, linewidth=1.6)
        top.text(hi + 0.01, level, label, va="center", fontsize=9, color=colour)
    top.set_ylim(-0.3, 1.0)
    top.set_ylabel("$f(x)$")
    top.legend(loc="upper left", fontsize=9)
    xe = np.linspace(lo, hi, 2001)
    bottom.plot(xe, np.abs(t.f2(xe)), color=style.color(2), linewidth=1.2)
    bottom.set_ylabel("$|f''(x)|$")
    bottom.set_xlabel("input $x$")
    bottom.set_xlim(lo, hi + 0.22)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
