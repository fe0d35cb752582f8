"""Hand-built ReLU networks approximating a curve with 1, 2, 5, 10, 20 and 100 hidden units.

Each panel draws the target (grey) and the piecewise-linear interpolant on equally spaced
knots written as a one-hidden-layer ReLU network (colour), with its sup-norm error.
"""

# %% Compute: the interpolants (bendlines.experiments.piecewise.approximations)
from bendlines import render, style
from bendlines.experiments import piecewise as pw


# %% Draw: a 2 x 3 grid of panels
def make_figure(result=None, name="nielsen"):
    """Small multiples of the hinge interpolants of target ``name``."""
    result = result or pw.approximations(name)
    fig, axes = style.figure(2, 3, height=4.6, sharex=True, sharey=True)
    x, f = result["x"], result["f"]
    for ax, n, curve, err in zip(
        axes.flat, result["units"], result["curves"], result["errors"], strict=True
    ):
        ax.plot(x, f, color="#8c8c8c", linewidth=3.0, label="target")
        ax.plot(x, curve, color=style.color(0), linewidth=1.5, label="ReLU network")
        ax.set_title(f"{n} unit{'s' if n > 1 else ''}: error {err:.2g}", fontsize=10)
    for ax in axes[-1]:
        ax.set_xlabel("input $x$")
    for ax in axes[:, 0]:
        ax.set_ylabel("$f(x)$")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
