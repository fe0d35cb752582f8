"""Dead ReLU units: during training in two bad settings, and at birth in narrow deep nets.

Left and middle: the fraction of hidden units whose slope is zero on a whole mini-batch
(averaged over the four hidden layers) while MNIST-1D nets train with biases started at -1,
or with a large Adam learning rate, for ReLU, leaky ReLU and ELU. Right: the Monte Carlo
probability that a ReLU net with He-normal weights and zero biases outputs zero for every input,
against depth, for widths 2, 4 and 10 (after Lu et al., 2019).

Run it alone: ``python figures/dying_relu.py -o dying.svg``.
"""

# %% Compute: training runs and the Monte Carlo estimate
import numpy as np

from bendlines import render, style
from bendlines.experiments import choosing, choosing_training


# %% Draw: two training panels and one panel of dead-at-birth probabilities
def make_figure(runs=None, born_dead=None):
    """Dead fraction against training step (two panels) and against depth at initialisation."""
    runs = choosing_training.dying_relu_runs() if runs is None else runs
    born_dead = choosing.dead_at_init() if born_dead is None else born_dead
    fig, axes = style.figure(1, 3, width=style.TEXT_WIDTH, height=3.3, sharey=True)
    for ax, (setting, hists) in zip(axes[:2], runs.items(), strict=True):
        for i, (name, h) in enumerate(hists.items()):
            ax.plot(h.steps, h.dead_fraction.mean(axis=1), color=style.color(i),
                    linestyle=style.linestyle(i), label=name)  # fmt: skip
        ax.set_title(setting, fontsize=11)
        ax.set_xlabel("training step", fontsize=10)
    axes[0].set_ylabel("fraction of dead units", fontsize=10)
    axes[0].legend(fontsize=9, loc="upper left")
    for i, (width, prob) in enumerate(born_dead.items()):
        axes[2].plot(np.asarray(choosing.DEAD_DEPTHS), prob, color=style.color(i + 3),
                     linestyle=style.linestyle(i), label=f"width {width}")  # fmt: skip
    axes[2].set_title("dead at initialisation", fontsize=11)
    axes[2].set_xlabel("hidden layers", fontsize=10)
    axes[2].legend(fontsize=9, loc="center right")
    axes[0].set_ylim(-0.03, 1.03)
    for ax in axes:
        ax.tick_params(labelsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
