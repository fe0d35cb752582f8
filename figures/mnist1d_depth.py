"""Test accuracy on MNIST-1D against depth, with and without an activation between layers.

Logistic regression (zero hidden layers), deep linear nets (hidden layers of width 100 with
no activation) and ReLU MLPs (the same widths with ReLU) are each trained with a learning
rate tuned on a validation split, from five seeds (each its own initial weights and batch
order), for the MNIST-1D paper's budget of 6000 Adam steps. Markers show the mean test
accuracy, bars its 95 % confidence interval. Depth without an activation stays at the
logistic-regression level; with ReLU it lifts accuracy far above it. Dotted lines mark the
accuracies in the MNIST-1D paper.

Run it alone: ``python figures/mnist1d_depth.py -o mnist1d.svg``.
"""

# %% Compute: train every net (or take the chapter's result)
import os

# Tiny matrices: extra BLAS threads only fight over the cores (set before numpy loads).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from bendlines import render, style
from bendlines import stats as st
from bendlines.experiments import nonlinearity

SERIES = (("identity", "linear net (no activation)"), ("relu", "ReLU MLP"))


def _summary(acc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over seeds (last axis) and the distances down and up to its 95 % interval's ends
    (:func:`bendlines.stats.bounded_interval`: never outside 0-100 %)."""
    rows = [st.bounded_interval(row) for row in acc]
    mean = np.array([r["mean"] for r in rows])
    return mean, np.array([[m - r["lo"] for m, r in zip(mean, rows, strict=True)],
                           [r["hi"] - m for m, r in zip(mean, rows, strict=True)]])  # fmt: skip


# %% Draw: accuracy against number of hidden layers
def make_figure(result=None):
    """Accuracy against depth for the nets in ``result`` (an ``MnistResult``)."""
    result = nonlinearity.mnist1d_experiment() if result is None else result
    fig, ax = style.figure(width=style.TEXT_WIDTH * 0.8, height=3.4)
    depths = np.array((0, *result.depths))
    for i, (act, label) in enumerate(SERIES):
        acc = np.vstack([result.logistic[None], result.test_acc[act]])
        mean, half = _summary(acc)
        shift = 0.06 * (2 * i - 1) * (depths > 0)  # side by side, except the shared depth 0
        ax.errorbar(depths + shift, 100 * mean, yerr=100 * half,
                    color=style.color(i), linestyle=style.linestyle(i), marker="os"[i],
                    capsize=3, label=label)  # fmt: skip
    for key, text, i in (("logistic", "paper: logistic regression", 0), ("mlp", "paper: MLP", 1)):
        value = 100 * nonlinearity.PAPER_ACCURACY[key]
        ax.axhline(value, color=style.color(i), linestyle=":", linewidth=1.2)
        ax.text(depths[-1] + 0.25, value + 1.0, text, ha="right", va="bottom", fontsize=9,
                color=style.color(i))  # fmt: skip
    ax.set_xticks(depths, ["0\n(logistic)", *map(str, depths[1:])])
    ax.set_xlim(-0.3, depths[-1] + 0.3)
    ax.set_ylim(0, 100)
    ax.set_xlabel(f"hidden layers (each of width {result.width})")
    ax.set_ylabel("test accuracy (%)")
    ax.legend(loc="upper left", fontsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
