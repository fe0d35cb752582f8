"""MyST as MyST itself reads it: the markdown-it parser with the book's extensions, directive
options, and a detector of MyST syntax that plain Jupyter markdown must not contain.

Every piece of build glue that reads MyST (the reading order, the chapter downloads, the
glossary scanner) goes through :func:`myst_parser`, so code spans, code blocks and fences of
any style are told apart from roles and directives the way Sphinx tells them apart.
"""

from __future__ import annotations

from functools import cache

#: The MyST extensions the book enables (book/conf.py) that change how text parses.
MYST_EXTENSIONS = frozenset({"colon_fence", "dollarmath", "amsmath", "deflist", "substitution"})

#: Directives whose body is code or TeX, not MyST.
CODE_DIRECTIVES = frozenset({"code-cell", "code-block", "code", "sourcecode", "math", "equation"})

#: Block tokens that are MyST syntax plain markdown does not have.
_MYST_BLOCKS = {
    "myst_target": "({content})=",
    "myst_line_comment": "%{content}",
    "myst_block_break": "+++",
    "math_block_label": "$$ ({info})",
}


@cache
def myst_parser(extensions: frozenset[str] = MYST_EXTENSIONS):
    """The markdown-it parser MyST itself uses, with the book's extensions."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)


def directive_name(token) -> tuple[str, str] | None:
    """``(name, argument)`` of a fence token that is a directive (``{name} argument``)."""
    if token.type not in {"fence", "colon_fence"}:
        return None
    info = token.info.strip()
    if not info.startswith("{") or "}" not in info:
        return None
    name, _, argument = info[1:].partition("}")
    return name.strip(), argument.strip()


def directive_blocks(text: str, name: str) -> list[tuple[str, str]]:
    """The ``(argument, body)`` of every ``{name}`` directive in MyST ``text``, fenced with
    backticks, tildes or colons (not those shown inside code)."""
    blocks = []
    for token in myst_parser().parse(text):
        found = directive_name(token)
        if found is not None and found[0] == name:
            blocks.append((found[1], token.content))
    return blocks


def _is_option(line: str) -> bool:
    """``:key: value`` (a field-list line), as opposed to content."""
    stripped = line.strip()
    return stripped.startswith(":") and ":" in stripped[1:]


def directive_options(body: str) -> tuple[dict[str, str], list[str]]:
    """Split a directive body into its options (``:key: value`` lines or a ``---`` YAML
    block at the top) and the remaining content lines (one blank line after the options
    is dropped)."""
    import yaml

    lines = body.splitlines()
    options: dict[str, str] = {}
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            raise ValueError("a directive's YAML option block has no closing ---")
        parsed = yaml.safe_load("\n".join(lines[1:end])) or {}
        options = {str(k): "" if v is None else str(v) for k, v in parsed.items()}
        rest = end + 1
    else:
        rest = 0
        while rest < len(lines) and _is_option(lines[rest]):
            key, _, value = lines[rest].strip()[1:].partition(":")
            options[key.strip()] = value.strip()
            rest += 1
    if options and rest < len(lines) and not lines[rest].strip():
        rest += 1
    return options, lines[rest:]


def roles(text: str) -> list[tuple[str, str]]:
    """``(name, content)`` of every role in MyST ``text``, in order, including those in the
    bodies of directives (but not in code)."""
    found = []
    for token in myst_parser().parse(text):
        directive = directive_name(token)
        if directive is not None and directive[0] not in CODE_DIRECTIVES:
            found.extend(roles("\n".join(directive_options(token.content)[1])))
        for child in token.children or []:
            if child.type == "myst_role":
                found.append((child.meta["name"], child.content))
    return found


def myst_left(text: str) -> list[str]:
    """The MyST syntax in ``text`` that plain Jupyter markdown would show as it is: roles,
    directives, targets, comments, block breaks and labelled equations (an empty list when
    ``text`` is plain)."""
    found = []
    for token in myst_parser().parse(text):
        directive = directive_name(token)
        if directive is not None:
            found.append(f"{token.markup}{{{directive[0]}}}")
        elif token.type in _MYST_BLOCKS:
            found.append(_MYST_BLOCKS[token.type].format(content=token.content, info=token.info))
        for child in token.children or []:
            if child.type == "myst_role":
                found.append(f"{{{child.meta['name']}}}`{child.content}`")
    return found
