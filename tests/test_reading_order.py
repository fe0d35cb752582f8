"""The reading order (book/_ext/bendlines_order.py) counts toctrees as Sphinx does."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from bendlines_myst import directive_blocks  # noqa: E402
from bendlines_order import Toctree, reading_order, toctrees  # noqa: E402


def test_backtick_tilde_and_colon_fences_all_count():
    text = (
        "# Home\n\n```{toctree}\n:caption: One\n\na\nb\n```\n\n"
        "~~~{toctree}\nc\n~~~\n\n:::{toctree}\n:hidden:\n\nd\n:::\n"
    )
    assert toctrees(text) == [
        Toctree("One", ("a", "b")),
        Toctree(None, ("c",)),
        Toctree(None, ("d",)),
    ]


def test_options_yaml_block_titles_and_suffixes():
    text = (
        "````{toctree}\n---\ncaption: Parts\nmaxdepth: 2\n---\n"
        "The first part <first>\nsecond.md\n````\n"
    )
    assert toctrees(text) == [Toctree("Parts", ("first", "second"))]


def test_a_toctree_shown_as_code_is_not_a_toctree():
    """A toctree inside a longer code fence, or indented as code, is an example, not one."""
    text = (
        "`````markdown\n```{toctree}\nnot-a-page\n```\n`````\n\n"
        "    ```{toctree}\n    indented\n    ```\n\n"
        "```{toctree}\nreal\n```\n"
    )
    assert toctrees(text) == [Toctree(None, ("real",))]
    assert directive_blocks(text, "toctree") == [("", "real\n")]


def test_reading_order_is_depth_first_and_needs_every_page(tmp_path):
    (tmp_path / "index.md").write_text("# H\n\n```{toctree}\npart\nlast\n```\n")
    (tmp_path / "part.md").write_text("# P\n\n:::{toctree}\nsub\n:::\n")
    (tmp_path / "sub.md").write_text("# S\n")
    (tmp_path / "last.md").write_text("# L\n\n```{toctree}\npart\n```\n")  # listed twice
    assert reading_order(tmp_path) == ["index", "part", "sub", "last"]
    (tmp_path / "sub.md").unlink()
    with pytest.raises(FileNotFoundError, match=r"sub\.md"):
        reading_order(tmp_path)


def test_the_books_order_starts_with_the_chapters():
    order = reading_order(ROOT / "book")
    assert order[:3] == ["index", "primer", "nonlinearity"]
    assert {"glossary", "bibliography", "api"} <= set(order)
    assert "404" not in order
