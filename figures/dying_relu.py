"""Dead ReLU units, counted on the whole training set: born dead, died, revived.

Left: the fraction of dead units in each of the four hidden layers of a ReLU net on MNIST-1D
whose biases start at -1, before training and after it, with plain SGD and with Adam (mean
over the seeds). A unit is dead when its slope is zero for every training signal. Right: the
Monte Carlo probability that a random 2-input ReLU net is constant on the square [-1, 1]^2
(born dead), against depth, for widths 2, 4 and 10: He-normal weights with zero biases (solid)
against Lu et al.'s randomized asymmetric initialisation (dashed).

Run it alone: ``python figures/dying_relu.py -o dying.svg``.
"""

# %% Compute: stored training runs and the Monte Carlo estimate
import numpy as np

from bendlines import render, style
from bendlines.experiments import choosing as ch

SETTINGS = ("negative bias, SGD", "negative bias, Adam")


# %% Draw: dead fraction per layer, then dead-at-birth probabilities
def make_figure(runs=None, born_dead=None):
    """Per-layer dead fractions of ReLU before and after training, and dead-at-birth curves."""
    runs = {s: ch.dying(s) for s in SETTINGS} if runs is None else runs
    born_dead = ch.born_dead() if born_dead is None else born_dead
    fig, axes = style.figure(1, 2, width=style.TEXT_WIDTH, height=3.3)
    ax = axes[0]
    start = runs[SETTINGS[0]]["dead_start"][0].mean(axis=0)  # ReLU, mean over seeds
    layers = np.arange(1, len(start) + 1)
    bars = [("before training", start)] + [
        (f"after, {s.split(', ')[1]}", runs[s]["dead_end"][0].mean(axis=0)) for s in SETTINGS
    ]
    for i, (label, values) in enumerate(bars):
        ax.bar(layers + (i - 1) * 0.27, values, width=0.27, color=style.color(i),
               hatch=("", "//", "..")[i], edgecolor=style.INK, linewidth=0.5,
               label=label)  # fmt: skip
    ax.set_xticks(layers)
    ax.set_xlabel("hidden layer", fontsize=10)
    ax.set_ylabel("fraction of dead units", fontsize=10)
    ax.set_title("ReLU, biases started at -1", fontsize=11)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=9, loc="upper left")
    labels = {"he": "He", "rai": "asymmetric"}
    for j, (init, by_width) in enumerate(born_dead.items()):
        for i, (width, prob) in enumerate(by_width.items()):
            axes[1].plot(np.asarray(ch.DEAD_DEPTHS), prob, color=style.color(i + 3),
                         linestyle=style.linestyle(j), marker=(None, "o")[j], markevery=8,
                         markersize=3.5, label=f"width {width}, {labels[init]}")  # fmt: skip
    axes[1].set_title("whole net constant at initialisation", fontsize=11)
    axes[1].set_xlabel("hidden layers", fontsize=10)
    axes[1].set_ylabel("probability", fontsize=10)
    axes[1].set_ylim(-0.03, 1.03)
    axes[1].legend(fontsize=7.5, loc="lower right", bbox_to_anchor=(1.0, 0.16))
    for ax in axes:
        ax.tick_params(labelsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
