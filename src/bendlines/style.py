"""One plotting style for every figure in the book.

The palette is Okabe and Ito's colour-blind-safe set. Text and lines are a mid-dark
grey-blue that stays readable on a white page and, because the site puts figures on a
light card in dark mode, there too. Use :func:`figure` to make a styled figure::

    from bendlines import style

    fig, ax = style.figure()
    ax.plot(x, y, color=style.COLORS["blue"])
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")  # never open windows; figure scripts only write files

import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.figure import Figure

#: Okabe-Ito colours, safe for the common forms of colour blindness.
COLORS: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}

#: The order in which series take colours (yellow last: weak on white).
CYCLE: list[str] = [
    COLORS[name] for name in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")
]

#: Line styles that go with :data:`CYCLE`, so series differ by more than hue.
LINESTYLES: list[str] = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1))]

INK = "#1f2a36"  # text, spines and ticks
GRID = "#d5dbe1"

#: Width of a figure that spans the text column, in inches.
TEXT_WIDTH = 7.0

RC: dict[str, object] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "axes.prop_cycle": cycler(color=CYCLE),
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.titlecolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "lines.linewidth": 2.0,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "figure.constrained_layout.use": True,
    "image.cmap": "cividis",
    "svg.fonttype": "none",
    "svg.hashsalt": "bendlines",
    "pdf.fonttype": 42,
}


def apply() -> None:
    """Make the book style the default for every new matplotlib figure."""
    plt.rcParams.update(RC)


@contextmanager
def styled() -> Iterator[None]:
    """Use the book style inside a ``with`` block only."""
    with plt.rc_context(RC):
        yield


def figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    width: float = TEXT_WIDTH,
    height: float = 3.2,
    **subplot_kw: object,
) -> tuple[Figure, object]:
    """Create a styled figure with a grid of axes.

    Parameters
    ----------
    nrows, ncols : int
        Grid of axes, as in :func:`matplotlib.pyplot.subplots`.
    width, height : float
        Figure size in inches.
    **subplot_kw
        Passed to :func:`matplotlib.pyplot.subplots` (e.g. ``sharey=True``).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or numpy array of Axes
    """
    apply()
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), **subplot_kw)
    return fig, axes


def color(i: int) -> str:
    """The ``i``-th colour of the palette (wrapping around)."""
    return CYCLE[i % len(CYCLE)]


def linestyle(i: int) -> object:
    """The ``i``-th line style, paired with :func:`color`."""
    return LINESTYLES[i % len(LINESTYLES)]
