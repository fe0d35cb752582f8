"""The weight variance decides whether a signal vanishes, survives or explodes over 50 layers.

Through 50 ReLU layers of 256 units whose weights have variance 1/n, 2/n (He) or 4/n, the mean
square of each layer's pre-activations on the way forward (solid) and of the loss gradient on
the way back (dashed), on a log scale: both change by the same factor c/2 per layer. (What the
same count does for tanh is figures/tanh_order_chaos.py.)

Run it alone: ``python figures/relu_init_depth.py -o relu_init.svg``.
"""

# %% Compute: a deep ReLU net at three weight variances
import numpy as np

from bendlines import render, style
from bendlines.experiments import deep


# %% Draw: one panel with a logarithmic vertical axis
def make_figure(signals=None):
    """Forward and backward mean squares per ReLU layer for three weight variances."""
    signals = deep.relu_depth_signals() if signals is None else signals
    fig, ax = style.figure(1, 1, width=style.TEXT_WIDTH * 0.6, height=3.6)
    for i, (c, s) in enumerate(signals.items()):
        layers = np.arange(1, len(s["forward"]) + 1)
        ax.semilogy(layers, s["forward"], color=style.color(i), linestyle="-",
                      label=f"{c:g}/n")  # fmt: skip
        ax.semilogy(layers, s["backward"], color=style.color(i), linestyle="--")
    ax.set_xlabel("ReLU layer")
    ax.set_ylabel("mean square (log scale)", fontsize=10)
    ax.set_title("forward (solid) and backward (dashed)", fontsize=10)
    ax.legend(title="weight variance", fontsize=8, title_fontsize=8, loc="upper center",
                bbox_to_anchor=(0.5, -0.2), ncol=3)  # fmt: skip
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
