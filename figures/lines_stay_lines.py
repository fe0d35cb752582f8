"""Random deep nets with one input and one output: straight lines without an activation.

Each panel draws the input-to-output curves of the same few random nets (three hidden
layers of width 8, random weights and biases). Without an activation (left) every curve is
a straight line, however deep the net; with ReLU (middle) the same weights give bent,
piecewise-straight curves, and with tanh (right) smooth curves that level off.

Run it alone: ``python figures/lines_stay_lines.py -o lines.svg``.
"""

# %% Compute: curves of random 1-D nets under each activation
from bendlines import render, style
from bendlines.experiments import nonlinearity

TITLES = {"identity": "no activation", "relu": "ReLU", "tanh": "tanh"}


# %% Draw: one panel per activation, one line per net
def make_figure(result=None):
    """Curves of ``result`` (a :class:`~bendlines.experiments.nonlinearity.LinesResult`)."""
    result = nonlinearity.line_curves() if result is None else result
    names = list(result.curves)
    fig, axes = style.figure(1, len(names), width=style.TEXT_WIDTH, height=2.8, squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        for i, y in enumerate(result.curves[name]):
            ax.plot(result.x, y, color=style.color(i), linestyle=style.linestyle(i),
                    label=f"net {i + 1}")  # fmt: skip
        ax.set_title(TITLES.get(name, name), fontsize=11)
        ax.set_xlabel("input $x$ (dimensionless)", fontsize=10)
        ax.set_xlim(result.x[0], result.x[-1])
    axes[0, 0].set_ylabel("output $f(x)$ (dimensionless)", fontsize=10)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
