"""SELU keeps activations at mean 0 and variance 1 through 32 layers; ReLU and tanh drift.

Each layer's output mean (left) and variance (right) in a wide net with LeCun-normal weights,
N(0, 1/n), and standard normal inputs, for SELU, ReLU and tanh. The dotted lines mark the
fixed point (mean 0, variance 1) that SELU's two constants were chosen to produce.

Run it alone: ``python figures/selu_fixed_point.py -o selu.svg``.
"""

# %% Compute: layer statistics of three deep nets at initialisation
import numpy as np

from bendlines import render, style
from bendlines.experiments import choosing


# %% Draw: mean and variance per layer
def make_figure(stats=None):
    """Mean (left) and variance (right) of each layer's outputs."""
    stats = choosing.self_normalisation() if stats is None else stats
    fig, (left, right) = style.figure(1, 2, width=style.TEXT_WIDTH, height=3.2)
    for i, (name, s) in enumerate(stats.items()):
        layers = np.arange(1, len(s["mean"]) + 1)
        kw = {"color": style.color(i), "linestyle": style.linestyle(i), "label": name}
        left.plot(layers, s["mean"], **kw)
        right.plot(layers, s["var"], **kw)
    left.axhline(0.0, color=style.INK, linestyle=":", linewidth=1)
    right.axhline(1.0, color=style.INK, linestyle=":", linewidth=1)
    left.set_ylabel("mean of layer outputs")
    right.set_ylabel("variance of layer outputs")
    for ax in (left, right):
        ax.set_xlabel("layer")
    right.legend(fontsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
