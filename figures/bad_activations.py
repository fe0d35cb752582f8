"""Why not any nonlinear function: candidates trained on the spiral at tuned learning rates.

Left: test accuracy of two-hidden-layer spiral nets (32 units) per candidate activation,
mean over the report seeds with its 95 % interval (a bootstrap over seeds, inside 0-1), each
candidate at the Adam learning rate that did best on a validation split with the tuning
seeds (``choosing.reported``); square root and logarithm are marked where every run stopped
at a non-finite loss. Right: square against ReLU as the number of hidden layers grows.

Run it alone: ``python figures/bad_activations.py -o bad.svg``.
"""

# %% Compute: tuned runs from the results store
import numpy as np

from bendlines import render, style
from bendlines import stats as st
from bendlines.experiments import choosing as ch
from bendlines.experiments import choosing_training as ct


# %% Draw: accuracy per candidate, then square against ReLU by depth
def make_figure(candidates=None, square=None):
    """Tuned test accuracy per candidate, and square versus ReLU against depth."""
    candidates = ch.bad_candidates() if candidates is None else candidates
    square = ch.square_by_depth() if square is None else square
    fig, axes = style.figure(1, 2, width=style.TEXT_WIDTH, height=3.3)
    ax = axes[0]
    names = ct.BAD_CANDIDATES
    for i in range(len(names)):
        acc = candidates["test_acc"][i]
        if np.all(np.isnan(acc)):
            ax.plot([0.5], [i], marker="x", color=style.color(3), markersize=8)
            ax.annotate("nan at every rate", (0.52, i), va="center", fontsize=9)
            continue
        s = st.bounded_interval(acc)
        err = [[s["mean"] - s["lo"]], [s["hi"] - s["mean"]]]
        ax.errorbar([s["mean"]], [i], xerr=err, fmt="o", color=style.color(0),
                    markersize=5, capsize=2)  # fmt: skip
    ax.set_yticks(np.arange(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlim(0.45, 1.02)
    ax.set_xlabel("test accuracy (fraction)", fontsize=10)
    ax.set_title("two hidden layers, tuned rate", fontsize=11)
    depths = np.asarray(ct.SQUARE_DEPTHS)
    for i, name in enumerate(("square", "relu")):
        stats = [st.bounded_interval(square[d]["test_acc"][i]) for d in ct.SQUARE_DEPTHS]
        err = [[s["mean"] - s["lo"] for s in stats], [s["hi"] - s["mean"] for s in stats]]
        axes[1].errorbar(depths + (i - 0.5) * 0.1, [s["mean"] for s in stats],
                         yerr=err, marker="os"[i], color=style.color(i),
                         linestyle=style.linestyle(i), capsize=2, label=name)  # fmt: skip
    axes[1].set_xticks(depths)
    axes[1].set_xlabel("hidden layers", fontsize=10)
    axes[1].set_ylabel("test accuracy (fraction)", fontsize=10)
    axes[1].set_title("square against ReLU", fontsize=11)
    axes[1].legend(fontsize=9)
    for ax in axes:
        ax.tick_params(labelsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
