"""Head to head: final test accuracy of eight activations, shallow and deep, on two tasks.

For MNIST-1D (left) and a two-arm spiral (right), each row is one activation; a circle is the
mean test accuracy over three seeds of a net with 2 hidden layers, a square that of a net with
8 hidden layers, and the bar spans the lowest to the highest seed. All nets are 32 units wide
and trained with Adam for the same number of steps on the same mini-batches.

Run it alone: ``python figures/head_to_head.py -o head_to_head.svg``.
"""

# %% Compute: train every activation x seed per task and depth
import numpy as np

from bendlines import render, style
from bendlines.experiments import choosing_training as ct


# %% Draw: one panel per task, activations down the side
def make_figure(result=None):
    """Mean and range of final test accuracy per activation, task and depth."""
    result = ct.head_to_head() if result is None else result
    names = ct.H2H_ACTIVATIONS
    y = np.arange(len(names))
    fig, axes = style.figure(1, 2, width=style.TEXT_WIDTH, height=3.8, sharey=True)
    for ax, task in zip(axes, ct.H2H_TASKS, strict=True):
        for i, (depth, marker) in enumerate(zip(ct.H2H_DEPTHS, ("o", "s"), strict=True)):
            acc = result[task, depth]["test_acc"]
            offset = (i - 0.5) * 0.3
            mean = acc.mean(axis=1)
            ax.errorbar(mean, y + offset,
                        xerr=np.vstack([mean - acc.min(axis=1), acc.max(axis=1) - mean]),
                        fmt=marker, color=style.color(i), markersize=5, capsize=2,
                        label=f"{depth} hidden layers")  # fmt: skip
        ax.set_title(task, fontsize=11)
        ax.set_xlabel("test accuracy (fraction)")
        ax.tick_params(labelsize=9)
    axes[0].set_yticks(y, names)
    axes[0].invert_yaxis()
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=2, fontsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
