"""Mini-batch SGD against Adam on a three-arm spiral, each at its own tuned learning rate.

Left: mean validation accuracy over seeds against training steps, at the rate that won on
validation for the longest budget. Right: test accuracy at a short and a long budget, mean
over seeds with a 95 % interval that stays within 0-100 %.
"""

# %% Compute: the comparison (bendlines.experiments.primer.optimiser_comparison)
import numpy as np

from bendlines import render, style
from bendlines import stats as st
from bendlines.experiments import primer as pr

LABELS = {"sgd": "mini-batch SGD", "adam": "Adam"}


# %% Draw: learning curves and intervals
def make_figure(result=None):
    """Validation curves (left) and test accuracy with 95 % intervals per budget (right)."""
    result = result or pr.optimiser_comparison()
    long = max(result["val"])
    fig, (left, right) = style.figure(1, 2, height=3.4)
    for i, (opt, curves) in enumerate(result["curves"].items()):
        best = result["best"][long][opt]
        rate = pr.OPT_GRIDS[opt][best]
        left.plot(
            result["steps"],
            100 * curves[:, best].mean(axis=0),
            color=style.color(i),
            linestyle=style.linestyle(i),
            label=f"{LABELS[opt]}, rate {rate:g}",
        )
    left.set_xlabel("training steps")
    left.set_ylabel("validation accuracy (%)")
    left.legend(fontsize=9, loc="lower right")
    budgets = sorted(result["test"])
    for i, opt in enumerate(result["curves"]):
        for k, budget in enumerate(budgets):
            acc = result["test"][budget][opt]
            summary = st.bounded_interval(100 * acc)
            mean, low, high = summary["mean"], summary["lo"], summary["hi"]
            pos = k + (i - 0.5) * 0.25
            right.errorbar(
                pos,
                mean,
                yerr=[[mean - low], [high - mean]],
                fmt="os"[i],
                color=style.color(i),
                capsize=4,
                label=LABELS[opt] if k == 0 else None,
            )
    right.set_xticks(np.arange(len(budgets)), [f"{b} steps" for b in budgets])
    right.set_xlim(-0.6, len(budgets) - 0.4)
    right.set_ylabel("test accuracy (%)")
    right.legend(fontsize=9, loc="lower right")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
