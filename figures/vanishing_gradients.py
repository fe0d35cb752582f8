"""Vanishing gradients: weight-gradient norms per layer at initialisation, and weight movement.

Top row: the norm of the loss gradient with respect to each weight matrix of a 10-hidden-layer
net on MNIST-1D, at initialisation, for sigmoid, tanh, ReLU and SELU under Xavier, He and LeCun
initialisation (log scale). Bottom: after training with plain SGD, how far each layer's
weights moved relative to their initial size, for sigmoid, tanh and ReLU.

Run it alone: ``python figures/vanishing_gradients.py -o vanishing.svg``.
"""

# %% Compute: gradient profiles at initialisation and a short SGD training
import numpy as np

from bendlines import render, style
from bendlines.experiments import choosing, choosing_training


# %% Draw: three panels of gradient norms, one wide panel of weight changes
def make_figure(profiles=None, changes=None):
    """Gradient norms per layer (top) and relative weight change per layer (bottom)."""
    profiles = choosing.gradient_profiles() if profiles is None else profiles
    changes = choosing_training.weight_change_runs() if changes is None else changes
    fig, axes = style.figure(2, 3, width=style.TEXT_WIDTH, height=6.4)
    for ax, init in zip(axes[0], choosing.GRAD_INITS, strict=True):
        for i, name in enumerate(choosing.GRAD_ACTIVATIONS):
            norms = profiles[name, init]["grad_norm"]
            layers = np.arange(1, len(norms) + 1)
            ax.semilogy(layers, norms, color=style.color(i), linestyle=style.linestyle(i),
                        marker="o", markersize=3, label=name)  # fmt: skip
        ax.set_title(f"{init} init", fontsize=11)
        ax.set_xlabel("layer (1 = input side)", fontsize=9)
        ax.tick_params(labelsize=9)
    axes[0, 0].set_ylabel("gradient norm $\\|\\partial L/\\partial W\\|$", fontsize=9)
    axes[0, 0].legend(fontsize=9, loc="lower right")
    grid = axes[1, 0].get_gridspec()
    for ax in axes[1]:
        ax.remove()
    big = fig.add_subplot(grid[1, :])
    for i, (name, hist) in enumerate(changes.items()):
        change = hist.weight_change[-1]
        layers = np.arange(1, len(change) + 1)
        big.semilogy(layers, np.maximum(change, 1e-9), color=style.color(i),
                     linestyle=style.linestyle(i), marker="o", label=name)  # fmt: skip
    big.set_xlabel("layer (1 = input side)")
    big.set_ylabel("relative weight change\n$\\|W - W_0\\| / \\|W_0\\|$", fontsize=9)
    big.set_title("after training with plain SGD", fontsize=11)
    big.legend(fontsize=9, loc="lower right")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
