"""The values the built chapters glue and their receipts, read from the executed notebooks the
build publishes (``book/_build/html/_sources/<chapter>.ipynb``); a test that reads them skips
without a build (``make book`` first)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "book" / "_build" / "html"
#: The chapters whose code glues values (Sphinx docnames).
CHAPTERS = ("primer", "nonlinearity", "piecewise", "universal", "deep", "choosing", "gallery")


def outputs(chapter: str) -> list[dict]:
    """Every glue output of the chapter's executed notebook, in order: its ``name``, its
    ``data`` (mime bundle without the glue prefix) and its ``metadata``."""
    import nbformat

    path = SITE / "_sources" / f"{chapter}.ipynb"
    if not path.is_file():
        pytest.skip("build the book first: make book")
    notebook = nbformat.read(path, as_version=4)
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                prefix = scrapbook.get("mime_prefix", "")
                data = {k.removeprefix(prefix): v for k, v in output.get("data", {}).items()}
                found.append({"name": scrapbook["name"], "data": data,
                              "metadata": output["metadata"]})  # fmt: skip
    return found


def values(chapter: str) -> dict[str, object]:
    """Glue name -> value (its ``text/plain`` read back as a Python literal, else the text)."""
    out = {}
    for output in outputs(chapter):
        plain = output["data"].get("text/plain")
        if plain is not None:
            try:
                out[output["name"]] = ast.literal_eval(plain)
            except (ValueError, SyntaxError):
                out[output["name"]] = plain
    return out
