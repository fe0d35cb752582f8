"""Deterministic figure files and the command line every figure script shares.

A figure script in ``figures/`` defines ``make_figure() -> Figure`` and ends with::

    if __name__ == "__main__":
        render.main(make_figure, __doc__)

so ``python figures/NAME.py -o out.svg`` writes the figure. The book imports the same
script and shows ``render.show(make_figure())``.

Files are byte-for-byte reproducible: SVG ids use a fixed hash salt, and no format
records a creation date. Files are written atomically: a failed write leaves nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from matplotlib.figure import Figure

from bendlines import style

#: Output formats and the metadata that keeps each one free of dates and versions.
FORMATS: dict[str, dict[str, object]] = {
    "svg": {"Date": None, "Creator": None},
    "png": {"Software": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


def to_bytes(fig: Figure, fmt: str = "svg", *, dpi: float | None = None) -> bytes:
    """Render a figure to the bytes of an SVG, PNG or PDF file.

    Parameters
    ----------
    fig : Figure
        The figure to render.
    fmt : {"svg", "png", "pdf"}
        File format.
    dpi : float, optional
        Resolution for PNG (dots per inch); defaults to the style's ``savefig.dpi``.

    Returns
    -------
    bytes
        The file content; identical for identical figures.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; choose one of {sorted(FORMATS)}")
    buffer = io.BytesIO()
    with style.styled():
        fig.savefig(buffer, format=fmt, metadata=FORMATS[fmt], dpi=dpi)
    return buffer.getvalue()


def save(fig: Figure, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    """Write a figure to ``path`` atomically (a temporary file, then a rename).

    The format comes from ``fmt`` or else from the file's suffix. If anything fails,
    no file (and no partial file) is left at ``path``.

    Returns
    -------
    Path
        The path written.
    """
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    data = to_bytes(fig, fmt)
    folder = path.parent if str(path.parent) else Path(".")
    # A fresh name opened with mode 0o666, which the umask narrows as for any new file
    # (``tempfile.mkstemp`` would make it 0o600, and the rename would keep that).
    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


class SVG:
    """An SVG rendering that Jupyter (and so MyST-NB) displays as an image.

    Attributes
    ----------
    data : str
        The SVG text.
    width, height : float
        Size in CSS pixels, read from the figure, so pages can reserve the space.
    """

    def __init__(self, fig: Figure):
        self.data = to_bytes(fig, "svg").decode("utf-8")
        width, height = fig.get_size_inches() * 96  # CSS pixels are 1/96 inch
        self.width, self.height = round(float(width)), round(float(height))

    def _repr_svg_(self) -> tuple[str, dict[str, int]]:
        # The size travels as output metadata, so pages reserve the space (no layout shift).
        return self.data, {"width": self.width, "height": self.height}

    def __repr__(self) -> str:
        return f"<SVG figure {self.width}x{self.height} px>"


def show(fig: Figure) -> SVG:
    """Render ``fig`` for a notebook cell and close it (frees memory, no double display)."""
    import matplotlib.pyplot as plt

    rendered = SVG(fig)
    plt.close(fig)
    return rendered


def _in_notebook() -> bool:
    """True inside a Jupyter kernel, where ``sys.argv`` belongs to the kernel, not to us."""
    return "ipykernel" in sys.modules and "ipykernel" in os.path.basename(sys.argv[0] or "")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit with status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def main(
    make_figure: Callable[[], Figure],
    doc: str | None,
    argv: Sequence[str] | None = None,
) -> int:
    """Command line of a figure script: ``python figures/NAME.py -o out.svg``.

    Inside a notebook the figure is displayed instead (the kernel's own arguments are
    not ours to parse), so a reader can paste a figure script into a notebook.

    Parameters
    ----------
    make_figure : callable
        The script's ``make_figure``.
    doc : str
        The script's docstring, shown by ``--help``.
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status (0). Errors exit with status 2 and a one-line message.
    """
    if argv is None and _in_notebook():
        from IPython.display import display

        display(show(make_figure()))
        return 0
    prog = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "figure"
    summary = (doc or "").strip()
    parser = _Parser(
        prog=prog,
        description=summary,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        action="append",
        metavar="FILE",
        help="where to write the figure; the suffix picks the format (.svg, .png or .pdf); "
        "repeat to write several files from one run",
    )
    parser.add_argument(
        "--format",
        choices=sorted(FORMATS),
        help="file format, overriding the suffix of FILE",
    )
    args = parser.parse_args(argv)
    targets = []
    for name in args.output:
        out = Path(name)
        fmt = args.format or out.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            parser.error(
                f"cannot tell the format of {name!r}: use a .svg, .png or .pdf name or --format"
            )
        if not out.parent.is_dir():
            parser.error(f"cannot write {name!r}: folder {str(out.parent)!r} does not exist")
        if not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
            parser.error(f"cannot write {name!r}: permission denied")
        targets.append((out, fmt))
    fig = make_figure()
    for out, fmt in targets:
        try:
            save(fig, out, fmt)
        except OSError as error:
            parser.error(f"cannot write {str(out)!r}: {error.strerror or error}")
    return 0
