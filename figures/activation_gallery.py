"""Every activation in the registry, with its derivative.

Each small panel draws one activation function phi(z) (solid) and its derivative
phi'(z) (dashed) for pre-activations z from -4 to 4. The counterexamples (square, sqrt,
log, signed_sqrt) are drawn only where they are defined. Everything comes from
``bendlines.activations``, the same registry the networks in the book use.

Run it alone: ``python figures/activation_gallery.py -o gallery.svg``.
"""

# %% Compute: sample every activation and its derivative on one grid
import numpy as np

from bendlines import activations, render, style

Z = np.linspace(-4.0, 4.0, 801)


def curves(names):
    """Values and derivatives of each named activation on the grid ``Z``."""
    table = {}
    for name in names:
        act = activations.get(name)
        table[name] = (act(Z), act.grad(Z))
    return table


# %% Draw: one small panel per activation
def make_figure(names=None, columns=4):
    """Small multiples of phi and phi' for ``names`` (default: every registry entry)."""
    names = list(names) if names is not None else activations.names()
    rows = -(-len(names) // columns)
    fig, axes = style.figure(
        rows, columns, width=style.TEXT_WIDTH, height=1.75 * rows + 0.4, squeeze=False
    )
    for ax, (name, (value, grad)) in zip(axes.flat, curves(names).items(), strict=False):
        ax.plot(Z, value, color=style.COLORS["blue"], label=r"$\varphi(z)$")
        ax.plot(Z, grad, color=style.COLORS["orange"], linestyle="--", label=r"$\varphi'(z)$")
        finite = np.concatenate([value[np.isfinite(value)], grad[np.isfinite(grad)]])
        top = min(np.max(finite), 4.0) if finite.size else 1.0
        bottom = max(np.min(finite), -4.0) if finite.size else -1.0
        pad = 0.1 * (top - bottom) + 0.05
        ax.set_ylim(bottom - pad, top + pad)
        ax.set_xlim(Z[0], Z[-1])
        ax.set_title(name, fontsize=10)
        ax.tick_params(labelsize=8)
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("pre-activation $z$", fontsize=9)
    for ax in axes[:, 0]:
        ax.set_ylabel("output", fontsize=9)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=2)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
