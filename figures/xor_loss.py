"""On xor, every line that gets three blobs right loses to the constant 50/50 prediction.

The curve is the smallest cross-entropy of a linear model whose line classifies three of
the four xor blobs correctly, against the length of its weight vector (how confident it
is); the markers are the linear nets the chapter trains (logistic regression and linear
nets with one to three hidden layers), placed at the length of their collapsed weights.
The vertical axis shows the loss minus ln 2, the loss of the constant 50/50 model, on a
scale that is linear near zero and logarithmic further out. The curve stays above zero at
every length; the trained nets sit at tiny lengths, next to zero.

Run it alone: ``python figures/xor_loss.py -o xor_loss.svg``.
"""

# %% Compute: the three-of-four lines and the trained linear nets
import numpy as np

from bendlines import render, style
from bendlines.experiments import nonlinearity

LABELS = {"logistic": "logistic regression", "identity": "linear net"}


# %% Draw: loss above ln 2 against weight length
def make_figure(result=None):
    """Loss above ln 2 of the lines in ``result`` (an ``XorLinearResult``) and trained nets."""
    if result is None:
        result = nonlinearity.xor_linear_losses(nonlinearity.toy_experiment(datasets=("xor",)))
    fig, ax = style.figure(width=style.TEXT_WIDTH * 0.8, height=3.2)
    ax.plot(result.scales, result.line_loss - np.log(2), color=style.color(0), marker="o",
            label="best line with three blobs right")  # fmt: skip
    for i, (key, loss) in enumerate(result.train_loss.items()):
        _, act, depth = key
        label = LABELS[act] + ("" if depth == 0 else f", {depth} hidden")
        ax.plot(result.weight_length[key], loss - np.log(2), linestyle="none",
                marker="sDv^"[i % 4], color=style.color(i + 1), label=label)  # fmt: skip
    ax.axhline(0.0, color=style.INK, linewidth=0.8, linestyle=":")
    ax.text(result.scales[-1], 0.0, "constant 50/50 model ", ha="right", va="bottom", fontsize=9)
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=1e-4)
    ax.set_ylim(-3e-4, None)
    ax.set_xlabel("length of the weight vector (per unit of input, log scale)")
    ax.set_ylabel("training loss minus ln 2 (nats)")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
