"""Offline math: the pages load MathJax from the site itself, never from a CDN.

The bundled copy comes from the pinned ``sphinx-mathjax-offline`` package. Only the files
the pages need are copied: the TeX-to-HTML component, its fonts, and the lazy-typesetting
extension, which typesets formulas as they scroll into view so long chapters stay quick.
"""

from __future__ import annotations

import shutil
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from sphinx.application import Sphinx

FILES = ("tex-chtml.js", "output/chtml/fonts/woff-v2", "ui/lazy.js")


def mathjax_source() -> Path:
    """Folder of the bundled MathJax 3 files."""
    try:
        dist = distribution("sphinx-mathjax-offline")
    except PackageNotFoundError as error:
        raise RuntimeError("sphinx-mathjax-offline is not installed: run `make book`") from error
    return Path(str(dist.locate_file("sphinx-mathjax-offline/static/mathjax")))


def _use_local_mathjax(app: Sphinx, config) -> None:
    config.mathjax_path = "mathjax/tex-chtml.js"


def _copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for name in FILES:
        src, dst = source / name, target / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", _use_local_mathjax)
    app.connect("build-finished", _copy_mathjax)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
