"""SELU pulls the variance back to 1 from above and below; ReLU with He keeps whatever it gets.

Pre-activation variance per layer (log scale) in nets of 256 units with zero biases, for inputs
of variance 10, 1 and 0.04. Left: SELU with LeCun weights, N(0, 1/n). Right: ReLU with He
weights, N(0, 2/n). Markers: a measured net; lines: the wide-net prediction
q -> g^2 E[phi(sqrt(q) z)^2]. The dotted line marks variance 1.

Run it alone: ``python figures/selu_fixed_point.py -o selu.svg``.
"""

# %% Compute: SELU and ReLU nets started at three input variances
import numpy as np

from bendlines import render, style
from bendlines.experiments import deep

TITLES = {"selu": "SELU, weights N(0, 1/n)", "relu": "ReLU, weights N(0, 2/n) (He)"}


# %% Draw: one panel per activation, one colour per starting variance
def make_figure(attraction=None):
    """Variance per layer from three starting variances, SELU (left) and ReLU (right)."""
    attraction = deep.selu_attraction() if attraction is None else attraction
    fig, axes = style.figure(1, 2, width=style.TEXT_WIDTH, height=3.4, sharey=True)
    for ax, (name, runs) in zip(axes, attraction.items(), strict=True):
        for i, (start, r) in enumerate(runs.items()):
            layers = np.arange(len(r["var"]))
            ax.semilogy(layers, r["mean_field"], color=style.color(i), linestyle=style.linestyle(i),
                        label=f"start {start:g}")  # fmt: skip
            ax.semilogy(layers, r["var"], "o", color=style.color(i), markersize=3)
        ax.axhline(1.0, color=style.INK, linestyle=":", linewidth=1)
        ax.set_title(TITLES.get(name, name), fontsize=10)
        ax.set_xlabel("layer (0 = input)")
    axes[0].set_ylabel("pre-activation variance")
    axes[0].legend(fontsize=8)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
