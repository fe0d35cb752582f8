"""The API reference: every public module of ``bendlines``, found by walking the package.

``book/api.md`` and ``book/api-experiments.md`` each hold one directive, ``bendlines-api``
(in an ``{eval-rst}`` block: it writes reStructuredText for autodoc). ``.. bendlines-api::
bendlines`` lists the package's modules outside ``bendlines.experiments``, ``..
bendlines-api:: bendlines.experiments`` the chapters' experiment modules (every module and
subpackage whose name does not start with ``_``, so a module added later appears without an
edit; two pages, because one page of everything was too heavy for a phone to lay out). For
each module, a section with autodoc's ``automodule``: the module
docstring, then every public class and function with its signature and its numpydoc
docstring (read by napoleon). Types in docstrings are shown as written; the pages cross-link
only names that the book defines, so the build needs no network (no intersphinx).
"""

from __future__ import annotations

import importlib
import pkgutil

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

PACKAGE = "bendlines"


def public_modules(package: str = PACKAGE) -> list[str]:
    """Dotted names of the package and its public modules, in alphabetical order."""
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


#: The subpackage documented on a page of its own.
EXPERIMENTS = f"{PACKAGE}.experiments"


def page_modules(scope: str) -> list[str]:
    """The modules documented by ``.. bendlines-api:: scope``: those of ``bendlines.experiments``
    for that scope, every other public module for ``bendlines``."""
    if scope not in (PACKAGE, EXPERIMENTS):
        raise ValueError(f"unknown API scope {scope!r}; use {PACKAGE!r} or {EXPERIMENTS!r}")
    wanted = scope == EXPERIMENTS
    return [
        name
        for name in public_modules()
        if name != PACKAGE and (f"{name}.".startswith(f"{EXPERIMENTS}.")) == wanted
    ]


class ApiDirective(SphinxDirective):
    """``.. bendlines-api:: SCOPE``: a section per public module of SCOPE, by autodoc."""

    has_content = False
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        try:
            names = page_modules(self.arguments[0])
        except ValueError as error:
            raise self.error(str(error)) from error
        lines = []
        for name in names:
            lines += [
                f"``{name}``",
                "-" * (len(name) + 4),
                "",
                f".. automodule:: {name}",
                "   :members:",
                "   :undoc-members:",
                "   :show-inheritance:",
                "   :member-order: bysource",
                "",
            ]
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source=self.env.docname), container)
        self.env.note_dependency(importlib.import_module(PACKAGE).__file__)
        return container.children


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("sphinx.ext.autodoc")
    app.setup_extension("sphinx.ext.napoleon")
    app.add_directive("bendlines-api", ApiDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
