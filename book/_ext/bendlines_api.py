"""The API reference: every public module of ``bendlines``, found by walking the package.

``book/api.md`` holds one directive, ``bendlines-api`` (in an ``{eval-rst}`` block: it writes
reStructuredText for autodoc). It lists the package's modules
(every module and subpackage whose name does not start with ``_``, so a module added later
appears without an edit) and, for each, a section with autodoc's ``automodule``: the module
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


class ApiDirective(SphinxDirective):
    """``.. bendlines-api::``: a section per public module, documented by autodoc."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        lines = []
        for name in public_modules():
            if name == PACKAGE:
                continue
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
