"""What happens when a poor nonlinear function is the activation of a small classifier.

Left: the training loss of two-hidden-layer nets on the two-moons task, trained by plain SGD,
with ReLU as the reference and square, signed square root and step as activations; a cross
marks where a run stopped because its loss was no longer finite (sqrt and log stop at step 0,
before any evaluation). Right: the final test accuracy of square and ReLU nets as hidden
layers are added; square nets deeper than one layer blow up.

Run it alone: ``python figures/bad_activations.py -o bad.svg``.
"""

# %% Compute: one training run per poor activation, and a depth sweep for square
import numpy as np

from bendlines import render, style
from bendlines.experiments import choosing_training


# %% Draw: loss curves (left), accuracy against depth (right)
def make_figure(runs=None, depth_runs=None):
    """Training loss per activation (left) and square against ReLU by depth (right)."""
    runs = choosing_training.bad_activation_runs() if runs is None else runs
    depth_runs = choosing_training.square_depth_runs() if depth_runs is None else depth_runs
    fig, (left, right) = style.figure(1, 2, width=style.TEXT_WIDTH, height=3.4)
    for i, (name, run) in enumerate(runs.items()):
        h = run["history"]
        if len(h.steps) == 0:
            continue
        kw = {"color": style.color(i), "linestyle": style.linestyle(i)}
        left.semilogy(h.steps, h.train_loss, label=name, **kw)
        if h.diverged:
            left.semilogy(h.steps[-1], h.train_loss[-1], marker="X", markersize=10,
                          linestyle="none", color=kw["color"])  # fmt: skip
    left.set_xlabel("training step")
    left.set_ylabel("training loss (nats)")
    left.legend(fontsize=9, loc="upper right")
    depths = np.array(sorted(depth_runs))
    for i, name in enumerate(("relu", "square")):
        acc = [depth_runs[d][name].test_acc[-1] for d in depths]
        right.plot(depths, acc, color=style.color(i), linestyle=style.linestyle(i),
                   marker="o", label=name)  # fmt: skip
    right.axhline(0.5, color=style.INK, linestyle=":", linewidth=1, label="chance")
    right.set_xticks(depths)
    right.set_ylim(0.3, 1.02)
    right.set_xlabel("hidden layers")
    right.set_ylabel("test accuracy (fraction)")
    right.legend(fontsize=9, loc="lower left")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
