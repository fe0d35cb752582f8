"""Overfitting: a wide net fitted to 16 noisy points, and its training and validation losses.

Left: the noisy training points, the function they were drawn from, and the net at the step
with the lowest validation loss and at the end of training. Right: training and validation
loss against steps on a log scale; the training loss keeps falling while the validation
loss turns back up.
"""

# %% Compute: the overfitting run (bendlines.experiments.primer.overfitting)
import numpy as np

from bendlines import render, style
from bendlines.experiments import primer as pr


# %% Draw: fits and loss curves
def make_figure(result=None):
    """Fits of seed 0 (left) and its loss curves (right)."""
    result = result or pr.overfitting()
    X, y = result["train_set"]
    grid = np.linspace(-1.0, 1.0, 401)[:, None]
    best, steps = int(result["best_step"][0]), result["steps"]
    fig, (left, right) = style.figure(1, 2, height=3.4)
    left.plot(grid, pr.overfit_target(grid), color=style.GRID, linewidth=3, label="$\\sin 3x$")
    left.plot(grid, result["net_best"](grid), color=style.color(0), label=f"stopped at step {best}")
    left.plot(
        grid,
        result["net_end"](grid),
        color=style.color(1),
        linestyle="--",
        label=f"end, step {steps[-1]}",
    )
    left.plot(X, y, "o", color=style.INK, markersize=5, label="training points")
    left.set_ylim(-2.2, 2.2)
    left.set_xlabel("input $x$")
    left.set_ylabel("output $y$")
    left.legend(fontsize=8, loc="lower right")
    right.semilogy(steps, result["train"][0], color=style.color(2), label="training loss")
    right.semilogy(
        steps, result["val"][0], color=style.color(3), linestyle="--", label="validation loss"
    )
    right.axvline(best, color=style.INK, linewidth=1, linestyle=":")
    right.axhline(pr.OVERFIT_NOISE**2, color=style.GRID, linewidth=1.5)
    right.text(steps[-1], pr.OVERFIT_NOISE**2 * 1.15, "noise variance", ha="right", fontsize=9)
    right.set_xlabel("training steps")
    right.set_ylabel("mean squared error")
    right.legend(fontsize=9, loc="lower left")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
