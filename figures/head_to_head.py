"""Head to head on MNIST-1D: eight activations, each at its own tuned learning rate.

One panel per depth (2 and 8 hidden layers of 32 units). Each row is an activation; a marker
is the mean test accuracy over the report seeds and its bar the 95 % interval of that mean
(a bootstrap over seeds, inside 0-1), after a short budget (circles) and a long one
(squares); the panel titles give the steps. Each activation's Adam learning rate was chosen
for each depth and budget on a validation split carved from the training set, on other
seeds. Whether bars overlap does not decide a comparison: the chapter's verdicts come from
the paired per-seed differences.

Run it alone: ``python figures/head_to_head.py -o head_to_head.svg``.
"""

# %% Compute: the runs on the report seeds, read from the results store
import numpy as np

from bendlines import render, style
from bendlines import stats as st
from bendlines.experiments import choosing as ch
from bendlines.experiments import choosing_training as ct


# %% Draw: one panel per depth, activations down the side
def make_figure(tables=None):
    """Mean test accuracy and 95 % interval per activation, depth and budget."""
    if tables is None:
        tables = {(d, s): ch.head_to_head_report(d, s) for d, b in ch.H2H_BUDGETS.items()
                  for s in b}  # fmt: skip
    names = ct.H2H_ACTIVATIONS
    y = np.arange(len(names))
    fig, axes = style.figure(1, len(ch.H2H_BUDGETS), width=style.TEXT_WIDTH, height=3.6,
                             sharey=True, sharex=True)  # fmt: skip
    for ax, (depth, budgets) in zip(axes, ch.H2H_BUDGETS.items(), strict=True):
        for i, (steps, marker) in enumerate(zip(budgets, ("o", "s"), strict=True)):
            acc = tables[depth, steps]["test_acc"]
            stats = [st.bounded_interval(row) for row in acc]
            mean = np.array([s["mean"] for s in stats])
            err = np.array([[m - s["lo"], s["hi"] - m] for m, s in zip(mean, stats, strict=True)])
            ax.errorbar(mean, y + (i - 0.5) * 0.3, xerr=err.T, fmt=marker, color=style.color(i),
                        markersize=5, capsize=2,
                        label=("short", "long")[i] + " budget")  # fmt: skip
        ax.set_title(f"{depth} hidden layers ({budgets[0]} and {budgets[1]} steps)", fontsize=10)
        ax.set_xlabel("test accuracy (fraction)")
        ax.tick_params(labelsize=9)
    axes[0].set_yticks(y, names)
    axes[0].invert_yaxis()
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=2, fontsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
