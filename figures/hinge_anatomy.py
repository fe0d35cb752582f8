"""A ReLU, the same ReLU shifted right by h, and one neuron relu(w x + b) as a hinge.

Left: relu(x) and relu(x - h), the same bent line moved sideways. Right: one neuron with a
negative weight; its kink sits at x = -b / w and it is active on the side the weight points to.
"""

# %% Compute: the three hinges on one grid
import numpy as np

from bendlines import render, style
from bendlines.experiments import piecewise as pw

X = np.linspace(-2.0, 3.0, 501)


# %% Draw: two panels
def make_figure(w=pw.NEURON_W, b=pw.NEURON_B, h=pw.SHIFT_H):
    """ReLU and its shift (left), and the neuron ``relu(w x + b)`` with its kink (right)."""
    fig, (left, right) = style.figure(1, 2, height=2.9, sharey=True)
    left.plot(X, pw.hinge(X), color=style.color(0), label="ReLU$(x)$")
    left.plot(X, pw.hinge(X, 1.0, -h), color=style.color(1), linestyle=style.linestyle(1),
              label=f"ReLU$(x - {h:g})$")  # fmt: skip
    left.annotate("", xy=(h, 0.05), xytext=(0.0, 0.05),
                  arrowprops={"arrowstyle": "->", "color": style.INK})  # fmt: skip
    left.text(h / 2, 0.15, f"shift $h = {h:g}$", ha="center", fontsize=9)
    left.set_title("ReLU and a shifted ReLU")
    kink = -b / w
    right.plot(X, pw.hinge(X, w, b), color=style.color(2), label=f"ReLU$({w:g}x + {b:g})$")
    right.axvline(kink, color=style.INK, linestyle=":", linewidth=1.2)
    right.text(kink + 0.1, 3.0, f"kink at $x = -b/w = {kink:g}$", fontsize=9)
    right.set_title("One neuron: a scaled hinge")
    for ax in (left, right):
        ax.set_xlabel("input $x$ (dimensionless)")
        ax.legend(loc="upper left" if ax is left else "upper right")
        ax.set_ylim(-0.3, 4.2)
    left.set_ylabel("output (dimensionless)")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
