"""Every chapter can be downloaded as a Jupyter notebook, with the outputs the build computed.

The theme's download menu offers ``.ipynb`` when a page has an ``ipynb_source``: each MyST
notebook page gets one, and the executed notebook is written from the execution cache to
``_sources/<page>.ipynb`` when the build finishes (an unexecuted conversion if the cache has
no record). Running it needs the repository: the package and ``figures/`` on the path.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from bendlines_cache import cache_path
from sphinx.application import Sphinx


def _is_notebook(app: Sphinx, pagename: str) -> bool:
    return pagename in app.env.all_docs and "```{code-cell}" in Path(
        app.env.doc2path(pagename)
    ).read_text(encoding="utf-8")


def _offer_notebook(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is not None and _is_notebook(app, pagename):
        context["ipynb_source"] = f"{pagename}.ipynb"


def executed_notebook(app: Sphinx, source: Path) -> nbformat.NotebookNode:
    """The notebook of a MyST page, with outputs from the execution cache when it has them."""
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook(source.read_text(encoding="utf-8"))
    cache = get_cache(cache_path(app))
    for record in cache.list_cache_records():
        if Path(record.uri) == source:
            _, notebook = cache.merge_match_into_notebook(notebook)
            break
    return notebook


def _write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from jupyter_cache import get_cache

    target = Path(app.outdir) / "_sources"
    executed = {
        Path(r.uri): r.created.timestamp() for r in get_cache(cache_path(app)).list_cache_records()
    }
    for docname in sorted(app.env.found_docs):
        if _is_notebook(app, docname):
            source, path = Path(app.env.doc2path(docname)), target / f"{docname}.ipynb"
            stamp = max(source.stat().st_mtime, executed.get(source, 0.0))
            if path.exists() and path.stat().st_mtime >= stamp:
                continue  # written after the last execution and the last edit: up to date
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(executed_notebook(app, source), path)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("html-page-context", _offer_notebook, priority=400)  # before the theme's menu
    app.connect("build-finished", _write_notebooks)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
