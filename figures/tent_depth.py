"""The tent map composed k times: depth buys exponentially many linear pieces.

Left: t, t(t(x)) and so on up to four compositions on [0, 1], each a zig-zag with twice the
pieces of the one before. Right: pieces of the k-fold tent map (counted exactly) against k,
the 2k units the deep network uses, and the 2^k - 1 units one hidden layer would need.
"""

# %% Compute: tent networks and their pieces
import numpy as np

from bendlines import approx, render, style
from bendlines.experiments import piecewise as pw

X = np.linspace(0.0, 1.0, 2049)


def _evaluate(params, x):
    """Output of a ReLU net with 1-D input at ``x`` (m,), shape (m,)."""
    h = x[:, None]
    for W, b in params[:-1]:
        h = np.maximum(h @ W + b, 0.0)
    W, b = params[-1]
    return (h @ W + b)[:, 0]


# %% Draw: zig-zags, and units against pieces
def make_figure(result=None, shown=(1, 2, 3, 4)):
    """Zig-zags of the tent map (left) and pieces/units against k (right)."""
    r = result or pw.tent_pieces()
    fig, (left, right) = style.figure(1, 2, height=3.2)
    for i, k in enumerate(shown):
        left.plot(X, _evaluate(approx.tent_network(k), X) + 1.2 * i, color=style.color(i),
                  linewidth=1.4, label=f"$k = {k}$")  # fmt: skip
    left.set_xlabel("input $x$")
    left.set_ylabel("$t^k(x)$, shifted up")
    left.set_yticks([])
    left.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    right.semilogy(r["k"], r["pieces"], "o-", color=style.color(0), label="pieces $2^k$")
    right.semilogy(r["k"], r["shallow_units"], "s--", color=style.color(3),
                   label="units, one layer ($2^k - 1$)")  # fmt: skip
    right.semilogy(r["k"], r["deep_units"], "^-.", color=style.color(2),
                   label="units, deep ($2k$)")  # fmt: skip
    right.set_xlabel("compositions $k$")
    right.set_ylabel("count")
    right.legend(fontsize=9)
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
