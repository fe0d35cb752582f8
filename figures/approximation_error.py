"""Error of hand-built ReLU interpolants against the number of hidden units, on log-log axes.

Dots: the measured sup-norm error for sin and for Nielsen's function; dashed lines: the bound
h^2/8 max|f''|, a straight line of slope -2. Doubling the units quarters the error.
"""

# %% Compute: error against units (bendlines.experiments.piecewise.convergence)
from bendlines import render, style
from bendlines.experiments import piecewise as pw

NAMES = ("sin", "nielsen")


# %% Draw: one log-log panel
def make_figure(result=None):
    """Measured error and bound against units for each target in ``result`` (name -> dict)."""
    result = result or {name: pw.convergence(name) for name in NAMES}
    fig, ax = style.figure(width=5.5, height=3.6)
    for i, (name, c) in enumerate(result.items()):
        ax.loglog(c["units"], c["errors"], "o", color=style.color(i),
                  label=f"{name}: measured (slope {c['slope']:.2f})")  # fmt: skip
        ax.loglog(c["units"], c["bounds"], color=style.color(i), linestyle="--", linewidth=1.3,
                  label=f"{name}: bound $h^2/8 \\cdot \\max|f''|$")  # fmt: skip
    ax.set_xlabel("hidden units $n$")
    ax.set_ylabel("max error (units of $f$)")
    ax.legend(fontsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
