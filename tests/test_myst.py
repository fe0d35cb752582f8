"""The download glue reads MyST with MyST's parser (book/_ext/bendlines_myst.py,
bendlines_plain_markdown.py, bendlines_plain_outputs.py): what counts as a role or a directive
is what Sphinx counts, and code stays code."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from bendlines_myst import directive_options, myst_left  # noqa: E402
from bendlines_plain_markdown import Converter  # noqa: E402
from bendlines_plain_outputs import plain_markdown  # noqa: E402


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("A {term}`loss` here.", ["{term}`loss`"]),
        ("```{note}\nbody\n```\n", ["```{note}"]),
        (":::{dropdown} Solution\nbody\n:::\n", [":::{dropdown}"]),
        ("~~~{warning}\nbody\n~~~\n", ["~~~{warning}"]),
        ("(sec-label)=\n# Title\n", ["(sec-label)="]),
        ("% a comment\ntext\n", ["% a comment"]),
        ("one\n+++\ntwo\n", ["+++"]),
        ("$$ x^2 $$ (eq-square)\n", ["$$ (eq-square)"]),
    ],
)
def test_the_detector_finds_myst(text, found):
    assert myst_left(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Plain text with `{term}`-like code` and 50 % of it.\n",
        "```python\nprint('{cite}`x`')\n```\n",
        "    ```{note}\n    indented: code\n    ```\n",
        "A formula $\\{x\\}$ and a [link](https://example.org/{x}).\n",
        "> **Note**\n>\n> A quote, as a plain admonition.\n",
        "<details>\n<summary>Solution</summary>\n\nText.\n\n</details>\n",
    ],
)
def test_the_detector_passes_plain_markdown(text):
    assert myst_left(text) == []


def test_directive_options_lines_and_yaml():
    assert directive_options(":name: tab-x\n:align: center\n\n| a |\n") == (
        {"name": "tab-x", "align": "center"},
        ["| a |"],
    )
    assert directive_options("---\nname: fig-y\n---\nCaption.\n") == (
        {"name": "fig-y"},
        ["Caption."],
    )
    assert directive_options("No options: {not} one\n") == ({}, ["No options: {not} one"])


@pytest.fixture
def converter():
    """A converter with a stand-in for the Sphinx application: enough configuration for
    roles and directives that need no resolved cross-references."""
    config = SimpleNamespace(
        html_baseurl="https://example.org/book/",
        bendlines_repository="https://github.com/example/book",
        numfig_format={"figure": "Figure %s", "table": "Table %s"},
    )
    app = SimpleNamespace(config=config, env=SimpleNamespace(titles={}))
    glued = {"n": {"text/plain": "42"}, "rate": {"text/plain": "0.123456"}}
    local = {"figures/draw.py": "draw.py"}
    return Converter(app, "chapter", glued, bibliography=None, local_files=local)


def test_roles_in_text_are_replaced_and_code_is_left_alone(converter):
    text = (
        "We train {glue:text}`n` nets at rate {glue:text}`rate:.2f`, a {term}`loss <Loss>`\n"
        "over $x$ with {math}`y^2`; the code `{glue:text}`n`` prints it.\n\n"
        "```python\nprint('{term}`x`')\n```\n"
    )
    plain = converter.convert(text)
    assert plain.splitlines()[:2] == [
        "We train 42 nets at rate 0.12, a loss",
        "over $x$ with $y^2$; the code `{glue:text}`n`` prints it.",
    ]
    assert "print('{term}`x`')" in plain  # a code block is code


def test_a_role_split_over_lines_in_a_list(converter):
    plain = converter.convert("- first {term}`gradient\n  descent` here\n- second\n")
    assert plain == "- first gradient descent here\n- second\n"


def test_directives_targets_and_comments_become_plain(converter):
    text = (
        "(sec-a)=\n## A section\n\n% not for readers\n"
        ":::{note}\nSee {term}`this`.\n:::\n\n"
        "::::{dropdown} Solution\n:open:\n\n```{code-block} python\nx = '{term}`raw`'\n```\n"
        "::::\n"
    )
    plain = converter.convert(text)
    assert myst_left(plain) == []
    assert "sec-a" not in plain and "not for readers" not in plain
    assert "> **Note**\n>\n> See this." in plain
    assert "<summary>Solution</summary>" in plain
    assert "```python\nx = '{term}`raw`'\n```" in plain  # code inside is left as written


def test_links_point_next_to_the_notebook_or_at_the_site(converter):
    text = "Drawn by [draw](../figures/draw.py); see [the primer](primer.md#slopes).\n"
    plain = converter.convert(text)
    assert "[draw](draw.py)" in plain
    assert "[the primer](https://example.org/book/primer.html#slopes)" in plain


def test_an_unknown_glued_value_is_an_error(converter):
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match="no glued value named 'missing'"):
        converter.convert("{glue:text}`missing`\n")


def test_printed_tables_and_citations_become_plain():
    book = {"numbers": {"tab-x": "Table 3"}, "cite": {"smith2020": ["Smith (2020)", "Smith, 2020"]}}
    printed = (
        ":::{table} Results\n:name: tab-x\n\n| a |\n|---|\n| 1 |\n:::\nAs {cite:t}`smith2020`."
    )
    plain = plain_markdown(printed, book)
    assert plain.startswith("**Table 3.** Results\n\n| a |")
    assert plain.endswith("As Smith (2020).")
    assert myst_left(plain) == []


def test_the_first_cell_carries_the_module_the_build_uses():
    """No code string is executed at build time: the build imports bendlines_plain_outputs,
    and the notebook's first cell holds that file's source, so the two cannot differ."""
    import ast

    import bendlines_plain_outputs
    from bendlines_plain_notebook import setup_code

    source = Path(bendlines_plain_outputs.__file__).read_text(encoding="utf-8")
    cell = setup_code()
    assert source in cell
    assert cell.rstrip().endswith("show_plain_markdown(BOOK)")
    ast.parse(cell)  # the whole cell is Python
    glue_side = (ROOT / "book" / "_ext").glob("bendlines_*.py")
    assert not any("exec(" in path.read_text(encoding="utf-8") for path in glue_side)
