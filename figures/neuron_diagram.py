"""One artificial neuron and one layer of neurons, drawn as circles and arrows.

Left: a neuron multiplies its inputs x1..xn by weights w1..wn, adds them and a bias b into
the pre-activation z, and passes z through the activation phi to give its output a.
Right: a layer of three such neurons reading four inputs; all the weighted sums together are
one matrix product z = x W + b, with W of shape (4, 3), followed by phi on every entry.

Run it alone: ``python figures/neuron_diagram.py -o neuron.svg``.
"""

# %% Compute: where every circle sits (axes units; nothing random here)
import numpy as np

from bendlines import render, style

NEURON_INPUTS = ("$x_1$", "$x_2$", "$x_3$", r"$\vdots$", "$x_n$")
NEURON_WEIGHTS = ("$w_1$", "$w_2$", "$w_3$", None, "$w_n$")
INPUT_Y = np.array([3.6, 2.6, 1.6, 0.85, 0.0])
LAYER_IN, LAYER_OUT = 4, 3


def _column(n: int, top: float, bottom: float) -> np.ndarray:
    """``n`` evenly spaced heights from ``top`` down to ``bottom``."""
    return np.linspace(top, bottom, n)


# %% Draw: circles, arrows and labels
def _node(ax, x, y, text, radius, face, fontsize=11):
    ax.add_patch(_circle(x, y, radius, face))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=style.INK)


def _circle(x, y, radius, face):
    """A circle patch in the book's ink with a light fill."""
    from matplotlib.patches import Circle

    return Circle((x, y), radius, facecolor=face, edgecolor=style.INK, linewidth=1.4, zorder=3)


def _arrow(ax, start, end, color=style.INK, width=1.2):
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={"arrowstyle": "-|>", "color": color, "lw": width, "shrinkA": 0, "shrinkB": 0},
        zorder=2,
    )


def _draw_neuron(ax):
    radius, sum_xy, phi_xy, out_x = 0.38, (3.0, 1.8), (4.6, 1.8), 6.0
    light_blue, light_orange = "#d6e9f5", "#fbe8c2"
    for label, weight, y in zip(NEURON_INPUTS, NEURON_WEIGHTS, INPUT_Y, strict=True):
        if weight is None:
            ax.text(0.3, y, label, ha="center", va="center", fontsize=12, color=style.INK)
            continue
        _node(ax, 0.3, y, label, 0.3, "white")
        direction = np.array(sum_xy) - np.array([0.3, y])
        unit = direction / np.linalg.norm(direction)
        start = np.array([0.3, y]) + 0.3 * unit
        end = np.array(sum_xy) - radius * unit
        _arrow(ax, start, end)
        mid = start + 0.42 * (end - start)
        ax.text(mid[0], mid[1] + 0.2, weight, ha="center", va="bottom", fontsize=11,
                color=style.COLORS["blue"])  # fmt: skip
    # bias: a constant input drawn from below
    ax.text(sum_xy[0], -0.3, "bias $b$", ha="center", va="center", fontsize=11,
            color=style.COLORS["vermillion"])  # fmt: skip
    _arrow(ax, (sum_xy[0], -0.05), (sum_xy[0], sum_xy[1] - radius), style.COLORS["vermillion"])
    _node(ax, *sum_xy, r"$\Sigma$", radius, light_blue, fontsize=14)
    _arrow(ax, (sum_xy[0] + radius, sum_xy[1]), (phi_xy[0] - radius, phi_xy[1]))
    ax.text((sum_xy[0] + phi_xy[0]) / 2, sum_xy[1] + 0.12, "$z$", ha="center", va="bottom",
            fontsize=12, color=style.INK)  # fmt: skip
    _node(ax, *phi_xy, r"$\varphi$", radius, light_orange, fontsize=14)
    _arrow(ax, (phi_xy[0] + radius, phi_xy[1]), (out_x, phi_xy[1]))
    ax.text(out_x + 0.1, phi_xy[1], "$a$", ha="left", va="center", fontsize=12, color=style.INK)
    ax.text(3.3, 4.35, r"$z = w_1x_1 + \dots + w_nx_n + b$,   $a = \varphi(z)$",
            ha="center", va="center", fontsize=10, color=style.INK)  # fmt: skip
    ax.set_xlim(-0.2, 6.5)
    ax.set_ylim(-0.6, 4.6)
    ax.set_title("one neuron", fontsize=11)


def _draw_layer(ax):
    x_in, x_out = 0.4, 2.6
    ys_in, ys_out = _column(LAYER_IN, 3.6, 0.2), _column(LAYER_OUT, 3.2, 0.6)
    for yi in ys_in:
        for yo in ys_out:
            ax.plot([x_in, x_out], [yi, yo], color="#9aa6b2", linewidth=0.9, zorder=1)
    for j, yi in enumerate(ys_in):
        _node(ax, x_in, yi, f"$x_{j + 1}$", 0.28, "white", fontsize=10)
    for k, yo in enumerate(ys_out):
        _node(ax, x_out, yo, f"$a_{k + 1}$", 0.32, "#fbe8c2", fontsize=10)
    ax.text(1.5, -0.45, "$z = xW + b$\n$a = \\varphi(z)$", ha="center", va="center",
            fontsize=10, color=style.INK)  # fmt: skip
    ax.text(1.5, 4.3, f"$W$: {LAYER_IN} × {LAYER_OUT}", ha="center", va="center", fontsize=10,
            color=style.COLORS["blue"])  # fmt: skip
    ax.set_xlim(-0.1, 3.1)
    ax.set_ylim(-1.0, 4.6)
    ax.set_title("a layer", fontsize=11)


def make_figure(width: float = style.TEXT_WIDTH, height: float = 3.2):
    """The neuron (left) and a layer of three neurons (right)."""
    fig, axes = style.figure(
        1, 2, width=width, height=height, gridspec_kw={"width_ratios": [2.1, 1.0]}
    )
    _draw_neuron(axes[0])
    _draw_layer(axes[1])
    for ax in axes:
        ax.set_aspect("equal")
        ax.axis("off")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
