"""Markdown that the chapters' code prints (tables with captions, citations), made plain.

The build makes the outputs it ships plain with :func:`plain_markdown`, and the first cell of
every downloaded notebook holds this file's source and calls :func:`show_plain_markdown`, so a
rerun prints the same plain markdown. It runs in a notebook with nothing but the standard
library and IPython, hence regular expressions for the one narrow format bendlines prints:
``:::{table}`` blocks with a ``:name:`` and ``{cite}`` roles.
"""

import re

_TABLE = re.compile(
    r"^:::\{table\}[ \t]*(.*?)\n(?::name:[ \t]*(\S+)\n)?(?::[\w-]+:.*\n)*\n?(.*?)^:::[ \t]*$",
    re.M | re.S,
)
_ROLE = re.compile(r"\{([a-zA-Z][\w:-]*)\}`([^`]*)`")


def plain_markdown(text, book):
    """``text`` (markdown that bendlines printed) with its MyST tables and roles made plain:
    ``book["numbers"]`` gives a table's number by label, ``book["cite"]`` a reference's
    in-text and parenthetical citation by key."""

    def table(match):
        caption, name, body = match.group(1).strip(), match.group(2), match.group(3)
        number = book["numbers"].get(name)
        return f"{f'**{number}.** ' if number else ''}{caption}\n\n{body.strip()}\n"

    def role(match):
        name, content = match.groups()
        if not name.startswith("cite"):
            return content
        keys = [key.strip() for key in content.split(",")]
        if name.startswith("cite:t"):
            return "; ".join(book["cite"][key][0] for key in keys)
        return "(" + "; ".join(book["cite"][key][1] for key in keys) + ")"

    return _ROLE.sub(role, _TABLE.sub(table, text))


def show_plain_markdown(book):
    """Display every ``IPython.display.Markdown`` plain, in this IPython session (outside
    IPython nothing is displayed, and this does nothing)."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        formatter = shell.display_formatter.formatters["text/markdown"]
        formatter.for_type(Markdown, lambda shown: plain_markdown(shown.data, book))
