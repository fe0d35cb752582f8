"""Forward and backward signals through 10 layers at initialisation: one product of slopes.

Four panels for nets with 10 hidden layers of 64 units on MNIST-1D, before any training.
(a) Forward signal: how much each unit's output varies across 500 inputs, per layer (log
scale). (b) Backward signal: the root mean square of the loss gradient with respect to each
layer's pre-activations. (c) The factor by which each layer multiplies the forward spread
(filled markers) and the backward signal (open markers), against the prediction
sqrt(n Var w) times the root mean square slope (line). (d) ReLU with He initialisation: the
norm of each layer's weight gradient, as computed and with the layer's inputs centred.

Run it alone: ``python figures/vanishing_gradients.py -o vanishing.svg``.
"""

# %% Compute: forward and backward signals of four deep nets at initialisation
import numpy as np

from bendlines import render, style
from bendlines.experiments import deep


# %% Draw: forward, backward, per-layer factors, and ReLU's weight gradients
def make_figure(profiles=None):
    """Forward spread, backward signal, per-layer factors and ReLU/He weight gradients."""
    profiles = deep.signal_profiles() if profiles is None else profiles
    fig, axes = style.figure(2, 2, width=style.TEXT_WIDTH, height=6.6)
    (fwd, bwd), (fac, wgt) = axes
    for i, ((name, init), p) in enumerate(profiles.items()):
        layers = np.arange(1, len(p["spread"]) + 1)
        kw = {"color": style.color(i), "linestyle": style.linestyle(i)}
        label = f"{name}, {init}"
        fwd.semilogy(layers, p["spread"], marker="o", markersize=3, label=label, **kw)
        bwd.semilogy(layers, p["backward"], marker="o", markersize=3, label=label, **kw)
        fac.plot(layers[1:], p["factor"][1:], label=label, **kw)
        fac.plot(layers[1:], p["spread"][1:] / p["spread"][:-1], "o", color=style.color(i),
                 markersize=4)  # fmt: skip
        fac.plot(layers[1:], p["backward"][:-1] / p["backward"][1:], "o", markersize=5,
                 markerfacecolor="none", color=style.color(i))  # fmt: skip
    fwd.set_title("(a) forward: spread across inputs", fontsize=10)
    fwd.set_ylabel("std of a unit's output\nacross inputs", fontsize=9)
    bwd.set_title("(b) backward: gradient signal", fontsize=10)
    bwd.set_ylabel("rms of $\\partial L / \\partial z$", fontsize=9)
    fac.set_title("(c) factor per layer: forward ●, backward ○", fontsize=10)
    fac.set_ylabel("ratio to the previous layer", fontsize=9)
    fac.set_ylim(0.0, 1.4)
    relu = profiles.get(("relu", "he"))
    if relu is not None:
        layers = np.arange(1, len(relu["grad_norm"]) + 1)
        wgt.semilogy(layers, relu["grad_norm"], color=style.color(2), marker="o",
                     markersize=3, label="as computed")  # fmt: skip
        wgt.semilogy(layers, relu["grad_norm_centred"], color=style.color(5),
                     linestyle="--", marker="s", markersize=3, label="inputs centred")  # fmt: skip
        wgt.legend(fontsize=8, loc="lower right")
    wgt.set_title("(d) ReLU, He: weight-gradient norm", fontsize=10)
    wgt.set_ylabel("$\\|\\partial L / \\partial W\\|$", fontsize=9)
    for ax in (fwd, bwd, fac, wgt):
        ax.set_xlabel("layer (1 = input side; 11 = output)" if ax is wgt else "hidden layer",
                      fontsize=9)  # fmt: skip
        ax.tick_params(labelsize=8)
    fwd.legend(fontsize=8, loc="lower left")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
