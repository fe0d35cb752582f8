"""The book's reading order: the home page, then the pages of its toctrees, depth first.

One rule, two readers. In the build, :func:`toctree_parts` reads Sphinx's resolved toctrees
(the PDF prints the pages in that order, under the toctrees' captions). Outside a build (the
tests, the glossary scanner), :func:`reading_order` reads the same ``{toctree}`` directives
from the MyST sources through the MyST markdown-it parser, so backtick and colon fences,
``:option:`` lines, a YAML option block and ``Title <page>`` entries all count as Sphinx counts
them. ``tests/test_pdf.py`` checks that the two agree on the built book.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bendlines_myst import directive_blocks, directive_options


@dataclass(frozen=True)
class Toctree:
    """One toctree: its caption (or ``None``) and the pages it lists, in order."""

    caption: str | None
    pages: tuple[str, ...]


def toctrees(text: str) -> list[Toctree]:
    """The toctrees of one MyST page, in order."""
    found = []
    for _, body in directive_blocks(text, "toctree"):
        options, content = directive_options(body)
        pages = []
        for line in content:
            entry = line.strip()
            if not entry or entry.startswith(".."):  # (an rST comment)
                continue
            if entry.endswith(">") and "<" in entry:  # "Title <page>"
                entry = entry[entry.rindex("<") + 1 : -1].strip()
            pages.append(entry.removesuffix(".md"))
        found.append(Toctree(options.get("caption"), tuple(pages)))
    return found


def reading_order(book: Path, root: str = "index") -> list[str]:
    """Every page reachable from ``root``'s toctrees in the MyST sources under ``book``,
    depth first, each once, starting with ``root``."""
    order: list[str] = []

    def visit(page: str) -> None:
        if page in order:
            return
        source = book / f"{page}.md"
        if not source.is_file():
            raise FileNotFoundError(f"{source}: listed in a toctree but missing")
        order.append(page)
        for tree in toctrees(source.read_text(encoding="utf-8")):
            for child in tree.pages:
                visit(child)

    visit(root)
    return order


def toctree_parts(env) -> list[Toctree]:
    """The book's parts from Sphinx's resolved toctrees: the root page alone, then one part
    per toctree of the root page (its caption, and its pages with their own sub-pages,
    depth first)."""
    from sphinx import addnodes

    root = env.config.root_doc
    seen = {root}

    def below(page: str) -> list[str]:
        pages = []
        for child in env.toctree_includes.get(page, []):
            if child not in seen:
                seen.add(child)
                pages.extend([child, *below(child)])
        return pages

    parts = [Toctree(None, (root,))]
    for node in env.get_doctree(root).findall(addnodes.toctree):
        pages = []
        for _, page in node["entries"]:
            if page in env.all_docs and page not in seen:
                seen.add(page)
                pages.extend([page, *below(page)])
        parts.append(Toctree(node.get("caption"), tuple(pages)))
    return parts
