"""The Swish-beta family, z sigmoid(beta z): a straight line at beta = 0, ReLU as beta grows.

One panel: the family for beta = 0 (the line z / 2), 0.5, 1 (SiLU), 2 and 10, with ReLU dotted.
Read from the registry in ``bendlines.activations`` (``swish_beta``).

Run it alone: ``python figures/swish_family.py -o swish_family.svg``.
"""

# %% Compute: the family from the registry
import numpy as np

from bendlines import render, style
from bendlines.experiments import gallery


# %% Draw: one panel, ReLU for reference
def make_figure(family=None):
    """The Swish-beta curves on [-4, 4] with ReLU dotted."""
    family = gallery.swish_family() if family is None else family
    fig, ax = style.figure(1, 1, width=style.TEXT_WIDTH * 0.6, height=3.4)
    z = family["z"]
    for i, (beta, values) in enumerate(family["values"].items()):
        ax.plot(z, values, color=style.color(i), linestyle=style.linestyle(i),
                label=f"β = {beta:g}")  # fmt: skip
    ax.plot(z, np.maximum(z, 0.0), color="0.4", linestyle=":", label="ReLU")
    ax.set_xlabel("input z")
    ax.set_ylabel("z σ(βz)")
    ax.legend(fontsize=8, loc="upper left")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
