"""The weight variance decides whether a signal vanishes, survives or explodes over 50 layers.

Left: through 50 ReLU layers of 256 units whose weights have variance 1/n, 2/n (He) or 4/n,
the mean square of each layer's pre-activations on the way forward (solid) and of the loss
gradient on the way back (dashed), on a log scale: both change by the same factor c/2 per
layer. Right: the pre-activation variance through 50 wide tanh layers for weight gains 1, the
variance-preserving gain computed from a Gaussian integral, and PyTorch's documented 5/3.

Run it alone: ``python figures/relu_init_depth.py -o relu_init.svg``.
"""

# %% Compute: a deep ReLU net at three weight variances; the tanh variance map at three gains
import numpy as np

from bendlines import render, style
from bendlines.experiments import deep

PYTORCH_TANH_GAIN = 5.0 / 3.0  # torch.nn.init.calculate_gain("tanh"), as documented


def tanh_gains():
    """Gains compared for tanh: 1, the variance-preserving gain, PyTorch's documented 5/3."""
    return (1.0, deep.variance_gain("tanh"), PYTORCH_TANH_GAIN)


# %% Draw: two panels with logarithmic vertical axes
def make_figure(signals=None, tanh_q=None):
    """Forward and backward mean squares per ReLU layer (left), tanh variance per layer (right)."""
    signals = deep.relu_depth_signals() if signals is None else signals
    gains = tanh_gains()
    tanh_q = deep.gain_propagation("tanh", gains) if tanh_q is None else tanh_q
    fig, (left, right) = style.figure(1, 2, width=style.TEXT_WIDTH, height=3.6)
    for i, (c, s) in enumerate(signals.items()):
        layers = np.arange(1, len(s["forward"]) + 1)
        left.semilogy(layers, s["forward"], color=style.color(i), linestyle="-",
                      label=f"{c:g}/n")  # fmt: skip
        left.semilogy(layers, s["backward"], color=style.color(i), linestyle="--")
    left.set_xlabel("ReLU layer")
    left.set_ylabel("mean square (log scale)", fontsize=10)
    left.set_title("forward (solid) and backward (dashed)", fontsize=10)
    left.legend(title="weight variance", fontsize=8, title_fontsize=8, loc="upper center",
                bbox_to_anchor=(0.5, -0.2), ncol=3)  # fmt: skip
    labels = ("gain 1", f"gain {gains[1]:.3f} (preserving)", "gain 5/3 (PyTorch)")
    for i, (row, label) in enumerate(zip(tanh_q, labels, strict=True)):
        right.semilogy(np.arange(len(row)), row, color=style.color(i + 3),
                       linestyle=style.linestyle(i), label=label)  # fmt: skip
    right.set_xlabel("tanh layer")
    right.set_ylabel("pre-activation variance", fontsize=10)
    right.legend(fontsize=8)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
