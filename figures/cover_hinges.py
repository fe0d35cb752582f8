"""A sum of ReLU hinges bending towards a curve: the book in one picture.

The grey curve is sin x on [0, 2 pi]. The coloured broken lines are ReLU networks with one
hidden layer of 3, 6 and 16 units, built by hand from hinges: each unit adds one bend,
and more bends follow the curve more closely.
"""

# %% Compute: hand-built hinge networks (bendlines.approx.hinge_interpolant)
import numpy as np

from bendlines import approx, render, style

X = np.linspace(0.0, 2 * np.pi, 401)
UNITS = (3, 6, 16)


# %% Draw: one small panel
def make_figure(units=UNITS):
    """The sine and its hinge approximations with the given numbers of units."""
    fig, ax = style.figure(width=5.0, height=2.6)
    ax.plot(X, np.sin(X), color=style.GRID, linewidth=5, label="$\\sin x$")
    for i, n in enumerate(units):
        net = approx.hinge_interpolant(np.sin, np.linspace(0.0, 2 * np.pi, n + 1))
        ax.plot(
            X,
            net(X),
            color=style.color(i),
            linestyle=style.linestyle(i),
            label=f"{net.n_units} hinges",
        )
    ax.set_xlabel("input $x$")
    ax.set_ylabel("output")
    ax.legend(fontsize=9, ncols=2, loc="lower left")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
