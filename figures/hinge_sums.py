"""Weighted sums of shifted ReLUs: two, three and six hinges, drawn term by term.

Each panel draws every weighted hinge a_i relu(x - k_i) as a thin line and their sum (plus a
constant) as a thick line: each hinge adds one bend to the sum, at its own kink.
"""

# %% Compute: the hinge sums of the chapter
import numpy as np

from bendlines import render, style
from bendlines.experiments import piecewise as pw

X = np.linspace(*pw.SUM_INTERVAL, 501)


# %% Draw: one panel per sum
def make_figure(examples=None):
    """One panel per hinge sum in ``examples`` (default: the chapter's three)."""
    examples = examples or pw.SUM_EXAMPLES
    fig, axes = style.figure(1, len(examples), height=3.0, sharey=True)
    for ax, (title, (weights, kinks, bias)) in zip(axes, examples.items(), strict=True):
        total, terms = pw.hinge_sum(X, weights, kinks, bias)
        for i, term in enumerate(terms):
            ax.plot(X, term, color=style.color(1 + i % 6), linestyle=style.linestyle(1 + i % 6),
                    linewidth=1.2, label="weighted hinges" if i == 0 else None)  # fmt: skip
        ax.plot(X, total, color=style.color(0), linewidth=2.8, label="sum")
        ax.plot(kinks, np.interp(kinks, X, total), "o", color=style.color(0), markersize=5)
        ax.set_title(f"{title}: {len(kinks)} bends", fontsize=11)
        ax.set_xlabel("input $x$")
        ax.set_ylim(-3.5, 3.5)
    axes[0].set_ylabel("output (dimensionless)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
