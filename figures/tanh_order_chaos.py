"""Keeping the variance is not keeping the signal: tanh nets at three gains, order and chaos.

Through 50 tanh layers of 256 units with weight gains 1, the forward-variance gain (which keeps
the pre-activations' mean square at 1) and PyTorch's documented 5/3: (a) the forward mean square,
(b) the size of the backward error signal relative to the last layer's, (c) the correlation of
two inputs that start 0.95-correlated. Lines are measured, averaged over four random nets.

Run it alone: ``python figures/tanh_order_chaos.py -o tanh_order_chaos.svg``.
"""

# %% Compute: one deep tanh net per seed and gain, measured forward and backward
import numpy as np

from bendlines import render, style
from bendlines.experiments import order_chaos


def gain_labels(gains):
    """Legend labels of the three gains."""
    return ("gain 1", f"gain {gains[1]:.3f} (forward-variance)", "gain 5/3 (PyTorch)")


# %% Draw: three panels side by side (log, log, linear)
def make_figure(signals=None):
    """Forward variance, backward size and pair correlation per layer for the three gains."""
    gains = order_chaos.gains()
    signals = {g: order_chaos.measured_signals(g) for g in gains} if signals is None else signals
    fig, axes = style.figure(1, 3, width=style.TEXT_WIDTH, height=3.4)
    titles = ("(a) forward mean square", "(b) backward size", "(c) correlation of a pair")
    keys = ("variance", "backward", "correlation")
    for ax, key, title in zip(axes, keys, titles, strict=True):
        for i, (gain, label) in enumerate(zip(gains, gain_labels(gains), strict=True)):
            series = signals[gain][key]
            plot = ax.plot if key == "correlation" else ax.semilogy
            plot(np.arange(len(series)), series, color=style.color(i + 3),
                 linestyle=style.linestyle(i), label=label)  # fmt: skip
        ax.set_xlabel("tanh layer")
        ax.set_title(title, fontsize=10)
    axes[0].set_ylabel("mean square (log scale)", fontsize=10)
    axes[1].set_ylabel("relative to the last layer (log scale)", fontsize=10)
    axes[2].set_ylabel("correlation", fontsize=10)
    axes[2].set_ylim(-0.05, 1.0)
    axes[1].legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
