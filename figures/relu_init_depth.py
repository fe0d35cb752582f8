"""Initialisation decides whether a signal survives 50 layers.

Left: the mean squared activation, layer by layer, through 50 ReLU layers whose weights have
variance 1/n (LeCun) or 2/n (He), on a log scale: with 1/n it halves at every layer. Right: the
pre-activation variance through 50 tanh layers for weight gains 1, the variance-preserving
gain computed from a Gaussian integral, and PyTorch's recommended 5/3.

Run it alone: ``python figures/relu_init_depth.py -o relu_init.svg``.
"""

# %% Compute: a deep ReLU net at two weight variances; the tanh variance map at three gains
import numpy as np

from bendlines import render, style
from bendlines.experiments import choosing


def tanh_gains():
    """Gains compared for tanh: 1, the variance-preserving gain, PyTorch's 5/3."""
    return (1.0, choosing.variance_gain("tanh"), choosing.RECOMMENDED_GAINS["tanh"])


# %% Draw: two panels with logarithmic vertical axes
def make_figure(signal=None):
    """Mean squared ReLU activation per layer (left) and tanh variance per layer (right)."""
    signal = choosing.relu_signal() if signal is None else signal
    fig, (left, right) = style.figure(1, 2, width=style.TEXT_WIDTH, height=3.4)
    for i, (c, values) in enumerate(signal.items()):
        layers = np.arange(1, len(values) + 1)
        left.semilogy(layers, values, color=style.color(i), linestyle=style.linestyle(i),
                      label=f"weight variance {c:g}/n")  # fmt: skip
    left.set_xlabel("ReLU layer")
    left.set_ylabel("mean squared activation", fontsize=10)
    left.legend(fontsize=9)
    gains = tanh_gains()
    q = choosing.gain_propagation("tanh", gains)
    labels = ("gain 1", f"gain {gains[1]:.3f} (preserving)", "gain 5/3 (PyTorch)")
    for i, (row, label) in enumerate(zip(q, labels, strict=True)):
        right.semilogy(np.arange(len(row)), row, color=style.color(i + 2),
                       linestyle=style.linestyle(i), label=label)  # fmt: skip
    right.set_xlabel("tanh layer")
    right.set_ylabel("pre-activation variance", fontsize=10)
    right.legend(fontsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
