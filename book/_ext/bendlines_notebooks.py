"""Sphinx wiring of the chapter downloads: the theme's download menu offers, on each page
with code cells, the chapter's zip (``bendlines_downloads``) and its plain notebook; the zips
and notebooks are written when the HTML build finishes."""

from __future__ import annotations

from bendlines_downloads import DOWNLOADS, is_notebook, write_downloads
from sphinx.application import Sphinx


def _offer_notebook(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is not None and is_notebook(app, pagename):
        context["ipynb_source"] = f"{pagename}.ipynb"


def _offer_download(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Add the zip to the theme's download menu, and drop its "print to PDF" entry (an
    inline ``onclick`` handler, which the pages' Content-Security-Policy forbids)."""
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = [b for b in group["buttons"] if b.get("type") != "javascript"]
        if context.get("ipynb_source"):
            buttons.insert(
                0,
                {
                    "type": "link",
                    "url": context["pathto"](f"{DOWNLOADS}/{pagename}.zip", 1),
                    "text": ".zip",
                    "icon": "fas fa-file-zipper",
                    "tooltip": "Download the notebook with what it needs to run anywhere",
                    "label": "download-zip-button",
                },
            )
        group["buttons"] = buttons


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value(
        "bendlines_repository", "https://github.com/bending-lines/bendlines", "html", str
    )
    app.connect("html-page-context", _offer_notebook, priority=400)  # before the theme's menu
    app.connect("html-page-context", _offer_download, priority=600)  # after the theme's menu
    app.connect("build-finished", write_downloads)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
