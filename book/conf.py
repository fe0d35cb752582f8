"""Sphinx configuration for the book *Bending Lines*."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
sys.path.insert(0, str(BOOK / "_ext"))

# Chapters import figure scripts by name (``import collapse``) and the package from this
# tree: the kernel that runs them inherits this environment, so both are on its path.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT / "src"), str(ROOT / "figures"), os.environ.get("PYTHONPATH", "")) if p
)
# Keep numpy's thread pool small and equal on every machine: the book's nets are tiny.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# The reference OpenBLAS kernel and numpy code level the stored results were made with, asked
# for before anything loads numpy; the chapters' kernels inherit this environment.
import bendlines  # noqa: E402, F401  (its import selects them: bendlines.blas)

# The chapters' kernels listen on Unix sockets, not TCP ports that another process starting
# at the same moment can take first (bendlines.kernel_sockets).
from bendlines.kernel_sockets import use_unix_sockets  # noqa: E402

use_unix_sockets()

project = "Bending Lines"
author = "The Bending Lines authors"
copyright = "2026, the Bending Lines authors"
html_title = "Bending Lines"
# The version is written once, in the package: pyproject.toml reads it from there, and a
# test checks that CITATION.cff and CHANGELOG.md name the same one.
version = release = re.search(
    r'^__version__ = "([^"]+)"', (ROOT / "src" / "bendlines" / "__init__.py").read_text(), re.M
).group(1)
REPOSITORY = "https://github.com/bending-lines/bendlines"
language = "en"

extensions = [
    "myst_nb",
    "sphinx_copybutton",
    "sphinx_design",
    "bendlines_bibstyle",
    "sphinxcontrib.bibtex",
    "sphinx_sitemap",
    "bendlines_mathjax",
    "bendlines_cache",
    "bendlines_html",
    "bendlines_notebooks",
    "bendlines_pdf",
    "bendlines_widgets",
    "bendlines_api",
    "bendlines_receipts",
    "bendlines_stable_config",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md", "_ext"]
numfig = True
numfig_format = {"figure": "Figure %s", "table": "Table %s"}
nitpicky = True

# --- MyST and notebook execution -------------------------------------------------
myst_enable_extensions = ["amsmath", "dollarmath", "colon_fence", "deflist", "substitution"]
myst_heading_anchors = 3
nb_execution_mode = "cache"
nb_execution_cache_path = ""  # MyST-NB default: next to the output folder
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_in_temp = False
nb_merge_streams = True
nb_render_markdown_format = "myst"
nb_render_image_options = {}
nb_mime_priority_overrides = [("html", "image/svg+xml", 5)]

# --- API reference (book/api.md, _ext/bendlines_api.py) ---------------------------
# Signatures show parameter names and defaults; the numpydoc docstrings say the types and
# shapes. Napoleon renders those types as written (no cross-references to other projects,
# so the build needs no intersphinx inventory and no network).
autodoc_typehints = "none"
autodoc_default_options = {
    "ignore-module-all": True,  # every public name, not only those a module exports
    "special-members": "__call__",
    "exclude-members": "__init__",
}
# Docstring types are free text ("ndarray", "array of shape (n, 2)"), and other projects'
# names are not linked (no intersphinx: the build is offline). Names of bendlines itself
# must still resolve.
html_domain_indices = False  # no separate module index: book/api.md lists every module
nitpick_ignore_regex = [
    (r"py:class", r"(?!bendlines\.).*"),
    (r"py:(func|class|meth|data|obj|mod)", r"(numpy|matplotlib|scipy|mnist1d)(\..*)?"),
]
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_param = False
napoleon_use_rtype = False
napoleon_use_ivar = True

# --- citations ----------------------------------------------------------------
bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "bendlines"  # plain, with 2019a/2019b (_ext/bendlines_bibstyle.py)
bibtex_reference_style = "author_year"

# --- HTML ---------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
templates_path = ["_templates"]
html_css_files = ["bendlines.css"]
html_js_files = [("bendlines.js", {"defer": "defer"})]
html_favicon = "_static/favicon.svg"
html_logo = "_static/logo.svg"
html_baseurl = os.environ.get("BENDLINES_BASEURL", "https://bending-lines.github.io/bendlines/")
html_last_updated_fmt = None
html_copy_source = True
html_show_sourcelink = True
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": "main",
    "path_to_docs": "book",
    "use_repository_button": True,
    "use_edit_page_button": True,
    "use_download_button": True,
    "use_source_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # The licences, named on every page (LICENSE and LICENSE-CONTENT.md in the repository).
    "extra_footer": (
        f'<p>Bending Lines {version}. Text and figures: <a rel="license" '
        'href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>. Code: '
        f'<a href="{REPOSITORY}/blob/main/LICENSE">MIT</a>. '
        f'<a href="{REPOSITORY}/blob/main/CITATION.cff">How to cite</a>.</p>'
    ),
}
html_context = {"default_mode": "auto"}
sitemap_url_scheme = "{link}"
# Not pages anyone should land on from a search engine.
sitemap_excludes = ["404.html", "search.html", "genindex.html"]

# Math is typeset by MathJax when the book is built (see _ext/bendlines_mathjax.py).
