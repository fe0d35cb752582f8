"""The activations in common use and the slopes that backpropagation multiplies.

Three panel pairs: the rectifier family (ReLU, leaky ReLU, ELU, SELU), its smooth cousins
(GELU, SiLU/Swish, Mish, softplus) and the S-shaped pair (sigmoid, tanh). Left: the
activation phi(z); right: its derivative phi'(z). Everything is read from the registry in
``bendlines.activations``, whose ``in_common_use()`` defines the family.

Run it alone: ``python figures/activation_family.py -o family.svg``.
"""

# %% Compute: values and derivatives from the registry
from bendlines import activations, render, style
from bendlines.experiments import deep

GROUPS = (
    ("rectifiers", ("relu", "leaky_relu", "elu", "selu")),
    ("smooth rectifiers", ("gelu", "silu", "mish", "softplus")),
    ("S-shaped", ("sigmoid", "tanh")),
)
if sorted(n for _, names in GROUPS for n in names) != sorted(activations.in_common_use()):
    raise RuntimeError("GROUPS must hold exactly bendlines.activations.in_common_use()")


# %% Draw: one row per group, function left and derivative right
def make_figure(curves=None):
    """Rows of (phi, phi') panels for the activation family."""
    curves = deep.family_curves() if curves is None else curves
    z = curves["z"]
    fig, axes = style.figure(len(GROUPS), 2, width=style.TEXT_WIDTH, height=7.6, sharex=True)
    for row, (title, names) in zip(axes, GROUPS, strict=True):
        for i, name in enumerate(names):
            value, grad = curves["curves"][name]
            kw = {"color": style.color(i), "linestyle": style.linestyle(i), "label": name}
            row[0].plot(z, value, **kw)
            row[1].plot(z, grad, **kw)
        row[0].set_ylim(-2.0, 4.0)
        row[1].set_ylim(-0.2, 1.9)
        row[0].set_title(f"{title}: $\\varphi(z)$", fontsize=11)
        row[1].set_title(f"{title}: slope $\\varphi'(z)$", fontsize=11)
        row[0].set_ylabel("output (dimensionless)", fontsize=9)
        row[1].legend(fontsize=9, loc="upper left")
    for ax in axes[-1]:
        ax.set_xlabel("pre-activation $z$ (dimensionless)")
    return fig


if __name__ == "__main__":
    render.main(make_figure, __doc__)
