"""Training speed at shared learning rates: steps until the smoothed training loss first drops
below the target, against the Adam learning rate, one line per activation.

One panel per depth (2 and 8 hidden layers of 32 units, the longer budget of the head to
head). The runs are the head to head's rate search (every activation at every rate of the
grid, on the tuning seeds): nothing is chosen from them here. A point is the mean over the
seeds; a rate at which some seed never reached the target within the budget is left out.

Run it alone: ``python figures/h2h_speed.py -o h2h_speed.svg``.
"""

# %% Compute: steps to the target at every shared rate, read from the results store
import numpy as np

from bendlines import render, style
from bendlines.experiments import choosing as ch
from bendlines.experiments import choosing_training as ct


# %% Draw: one panel per depth, steps against rate on logarithmic axes
def make_figure(speed=None):
    """Mean steps to the loss target against the learning rate, per activation and depth."""
    if speed is None:
        speed = {d: ch.speed_at_rates(d, b[1]) for d, b in ch.H2H_BUDGETS.items()}
    fig, axes = style.figure(1, len(speed), width=style.TEXT_WIDTH, height=3.4, sharey=True)
    for ax, (depth, sp) in zip(axes, speed.items(), strict=True):
        for i, name in enumerate(ct.H2H_ACTIVATIONS):
            steps = sp["steps"][:, i]  # (rates, seeds)
            reached = ~np.isnan(steps).any(axis=1)
            mean = np.where(reached, np.nanmean(np.where(reached[:, None], steps, 0), axis=1),
                            np.nan)  # fmt: skip
            ax.plot(sp["grid"], mean, marker="os^vD<>p"[i], markersize=4,
                    color=style.color(i), linestyle=style.linestyle(i), label=name)  # fmt: skip
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{depth} hidden layers", fontsize=10)
        ax.set_xlabel("Adam learning rate")
        ax.tick_params(labelsize=9)
    axes[0].set_ylabel(f"steps to {ct.H2H_TARGETS[1]} nats")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=4, fontsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
