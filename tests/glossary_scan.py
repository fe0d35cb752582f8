"""Find glossary terms in the prose of the book's chapters, and link their first uses.

Used by ``tests/test_glossary.py`` (the reading-order checks) and by the lead's
``link_terms.py`` script (which rewrites chapters), so that both agree on what counts as
prose and as a use of a term.

Prose is the chapter text without: the front matter, code cells and other non-prose
directives (code, math, toctree, bibliography, glossary, index, widgets...), directive
option lines and arguments, display math, headings, target labels, comments, inline code,
inline math, roles (``{glue:text}`...```, ``{cite:p}`...```, ...; a ``{term}`...``` role is
recorded as a link), Markdown links and HTML tags. The bodies of containers such as notes,
dropdowns and tables are prose.

A term matches case-insensitively as a whole word (not preceded by a letter, digit or
hyphen, not followed by a letter or digit), in its plural (-s, -es, y -> -ies), with
``-ise``/``-ize`` spellings, and with the spaces or hyphens between its words free to be a
space, a line break, a hyphen or nothing. Overlapping matches go to the longest term.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))
from bendlines_myst import (
    directive_blocks,
    directive_name,
    directive_options,
    myst_parser,
    roles,
)
from bendlines_order import toctrees

#: Directives whose body is not prose.
SKIP_DIRECTIVES = {
    "code-cell",
    "code",
    "code-block",
    "sourcecode",
    "math",
    "toctree",
    "bibliography",
    "glossary",
    "index",
    "raw",
    "eval-rst",
    "widget",
    "literalinclude",
    "include",
    "glue",
    "glue:figure",
    "glue:any",
    "glue:md",
    "mermaid",
    "graphviz",
}

#: Pages of the toctree that are not chapters (reference pages are not read in order).
NOT_CHAPTERS = {"glossary", "bibliography", "api", "genindex", "404"}

_TERM_TARGET = re.compile(r"^(.*?)\s*<([^<>]+)>\s*$", re.S)


@dataclass
class Entry:
    """One glossary entry: its names (the first is the main one), definition and home page."""

    names: list[str]
    definition: str
    home: str | None
    pattern: re.Pattern = field(init=False, repr=False)

    def __post_init__(self):
        self.pattern = term_pattern(self.names)


@dataclass
class Use:
    """One use of a glossary entry in a page: where, how it was written, and whether linked."""

    entry: Entry
    start: int
    end: int
    text: str
    linked: bool


# ------------------------------------------------------------------------------ prose mask


def prose_mask(text: str) -> tuple[bytearray, list[tuple[int, int, str, str]]]:
    """Which characters of a MyST page are prose, and where its roles are.

    The page is read by MyST's own parser (``book/_ext/bendlines_myst.py``): the text of
    paragraphs, list items, table cells and definitions is prose, at any depth in the bodies
    of directives not in :data:`SKIP_DIRECTIVES`; inside it, code spans, math, roles, links,
    images, inline HTML and substitutions are not.

    Returns
    -------
    mask : bytearray of len(text)
        1 for prose characters, 0 elsewhere.
    term_roles : list of (start, end, shown text, target)
        Every ``{term}`` role, target as written (``text <target>`` or ``target``).
    """
    mask = bytearray(len(text))
    offsets = [0]
    for line in text.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    blocks: dict[tuple[int, int], list] = {}
    for first, last, token in _prose_blocks(text, 0):
        blocks.setdefault((first, last), []).extend(token.children or [])
    roles = []
    for (first, last), children in sorted(blocks.items()):
        start, end = offsets[first], offsets[min(last, len(offsets) - 1)]
        mask[start:end] = b"\x01" * (end - start)
        roles += _mask_inline(text, mask, start, end, children)
    return mask, sorted(roles)


def _prose_blocks(text: str, first_line: int) -> list[tuple[int, int, object]]:
    """``(first line, end line, inline token)`` of every prose block of MyST ``text``, with
    line numbers counted from ``first_line``; directive bodies are read in turn."""
    found = []
    heading = False
    for token in myst_parser().parse(text):
        heading = {"heading_open": True, "heading_close": False}.get(token.type, heading)
        directive = directive_name(token)
        if directive is not None:
            if directive[0] not in SKIP_DIRECTIVES:
                _, content = directive_options(token.content)
                skipped = len(token.content.splitlines()) - len(content)
                body = first_line + token.map[0] + 1 + skipped
                found += _prose_blocks("\n".join(content), body)
        elif token.type == "inline" and not heading and token.map:
            first, last = token.map
            found.append((first_line + first, first_line + max(last, first + 1), token))
    return found


def _flexible(content: str) -> str:
    """A pattern for ``content`` as written, with any white space where it has some."""
    return r"\s+".join(re.escape(word) for word in content.split())


def _inline_pattern(token) -> str | None:
    """The source form of an inline token that is not prose (``None`` for prose)."""
    if token.type == "code_inline":
        ticks = re.escape(token.markup)
        return rf"(?<!`){ticks}\s*{_flexible(token.content)}\s*{ticks}"
    if token.type == "math_inline":
        return rf"\${_flexible(token.content)}\$"
    if token.type == "math_inline_double":
        return rf"\$\${_flexible(token.content)}\$\$"
    if token.type == "myst_role":
        name = re.escape(token.meta["name"])
        return rf"\{{{name}\}}(`+)\s*{_flexible(token.content)}\s*\1"
    if token.type == "html_inline":
        return _flexible(token.content)
    if token.type == "substitution_inline":
        return rf"\{{\{{\s*{_flexible(token.content)}\s*\}}\}}"
    if token.type == "link_open" and token.markup == "autolink":
        return r"<[^<>\s]+>"
    if token.type in {"link_open", "image"}:
        target = token.attrs.get("href") or token.attrs.get("src") or ""
        bang = "!" if token.type == "image" else ""
        return rf"{bang}\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?{re.escape(target)}[^)]*\)"
    return None


def _mask_inline(
    text: str, mask: bytearray, start: int, end: int, children: list
) -> list[tuple[int, int, str, str]]:
    """Unmark the inline non-prose of one block (``text[start:end]``, whose inline tokens
    are ``children``), in order; return the term roles found."""
    roles = []
    cursor = start
    skipping = False  # inside a link: its text went with it
    for child in children:
        if skipping:
            skipping = child.type != "link_close"
            continue
        pattern = _inline_pattern(child)
        if pattern is None:
            continue
        found = re.compile(pattern).search(text, cursor, end)
        if found is None:
            line = text.count("\n", 0, start) + 1
            raise ValueError(f"line {line}: cannot find {child.type} {child.content!r}")
        a, b = found.span()
        mask[a:b] = bytes(b - a)
        cursor = b
        skipping = child.type == "link_open"
        if child.type == "myst_role" and child.meta["name"] == "term":
            target = _TERM_TARGET.match(child.content)
            shown, goal = (target[1], target[2]) if target else (child.content, child.content)
            roles.append((a, b, shown, goal))
    return roles


# ------------------------------------------------------------------------------ terms


def _word_pattern(word: str, last: bool) -> str:
    w = re.escape(word)
    w = re.sub(r"is(?=e|ation|ing)", "i[sz]", w)
    if last:
        if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
            return w[:-1] + "(?:y|ies)"
        if word[-1].isalpha():
            return w + "(?:s|es)?"
    return w


def term_pattern(names: list[str]) -> re.Pattern:
    """One case-insensitive regex for every name of an entry (plurals, -ise/-ize, joins)."""
    forms = []
    for name in sorted(names, key=len, reverse=True):
        words = re.split(r"[\s-]+", name.strip())
        parts = [_word_pattern(w, k == len(words) - 1) for k, w in enumerate(words)]
        forms.append(r"[\s-]?".join(parts) if len(words) > 1 else parts[0])
    return re.compile(r"(?<![\w-])(?:" + "|".join(forms) + r")(?!\w)", re.I)


def parse_glossary(text: str) -> list[Entry]:
    """Entries of the ``{glossary}`` directive of a MyST page, with home pages.

    Term lines are unindented lines of the directive body; consecutive term lines name one
    entry. The indented lines below them are its definition, and its first ``{doc}`` link is
    its home page.
    """
    blocks = directive_blocks(text, "glossary")
    if not blocks:
        raise ValueError("no {glossary} directive found")
    _, content = directive_options(blocks[0][1])
    entries: list[Entry] = []
    names: list[str] = []
    definition: list[str] = []

    def flush():
        if names:
            joined = " ".join(definition)
            homes = [c for name, c in roles(joined) if name == "doc"]
            home = _TERM_TARGET.match(homes[0]) if homes else None
            home = (home[2] if home else homes[0]).strip() if homes else None
            entries.append(Entry(list(names), joined.strip(), home))

    for line in content:
        if not line.strip():
            continue
        if line[0].isspace():
            definition.append(line.strip())
        else:
            if definition:
                flush()
                names, definition = [], []
            names.append(line.strip())
    flush()
    return entries


def reading_order(index_text: str) -> list[str]:
    """Pages of every ``{toctree}`` of the home page, in order, without options (the
    book's one toctree reader, ``book/_ext/bendlines_order.py``)."""
    return [page for tree in toctrees(index_text) for page in tree.pages]


def chapters(index_text: str) -> list[str]:
    """The chapters in reading order: the toctree pages that are not reference pages."""
    return [p for p in reading_order(index_text) if p not in NOT_CHAPTERS]


def find_uses(text: str, entries: list[Entry]) -> list[Use]:
    """Every use of every entry in the prose of ``text``, in order of position.

    A ``{term}`` role is a linked use of the entry it targets (case-insensitive). Plain
    matches must lie wholly in prose; overlapping matches go to the longest.
    """
    mask, roles = prose_mask(text)
    by_name = {name.lower(): e for e in entries for name in e.names}
    uses = []
    for a, b, shown, target in roles:
        entry = by_name.get(target.strip().lower())
        if entry is not None:
            uses.append(Use(entry, a, b, shown, True))
    candidates = []
    for entry in entries:
        for m in entry.pattern.finditer(text):
            if all(mask[m.start() : m.end()]):
                candidates.append(Use(entry, m.start(), m.end(), m.group(0), False))
    candidates.sort(key=lambda u: (u.start, -(u.end - u.start)))
    taken_until = -1
    for use in candidates:
        if use.start >= taken_until:
            uses.append(use)
            taken_until = use.end
    return sorted(uses, key=lambda u: u.start)


def first_uses(text: str, entries: list[Entry]) -> dict[str, Use]:
    """The first use of each entry in ``text`` (keyed by the entry's main name)."""
    firsts: dict[str, Use] = {}
    for use in find_uses(text, entries):
        firsts.setdefault(use.entry.names[0], use)
    return firsts


# ------------------------------------------------------------------------------ checks


def check_book(pages: dict[str, str], order: list[str], entries: list[Entry]) -> list[str]:
    """Problems with term use across chapters read in ``order`` (``pages``: name -> text).

    A problem is a term used before its home chapter, a chapter whose first use of a term is
    not a ``{term}`` link, an entry without a home among the chapters, or a home chapter that
    never uses its term.
    """
    problems = []
    position = {name: k for k, name in enumerate(order)}
    for entry in entries:
        if entry.home not in position:
            problems.append(f"{entry.names[0]!r}: home {entry.home!r} is not a chapter")
    for k, name in enumerate(order):
        for term, use in first_uses(pages[name], entries).items():
            home = use.entry.home
            line = pages[name].count("\n", 0, use.start) + 1
            if home in position and position[home] > k:
                problems.append(f"{name}.md:{line}: {term!r} is used before {home}.md defines it")
            if not use.linked:
                problems.append(
                    f"{name}.md:{line}: first use of {term!r} ({use.text!r}) is not a {{term}} link"
                )
    for entry in entries:
        if entry.home in position and not _mentions(pages[entry.home], entry):
            problems.append(f"{entry.names[0]!r}: its home {entry.home}.md never uses it")
    problems += _definition_problems(pages, order, entries)
    return problems


def _is_definition(text: str, use: Use) -> bool:
    """Whether ``use`` is a defining use: it opens an italic span, as in ``*term*``,
    ``*{term}`...`*`` or ``*{term}`...` theorem*``."""
    return use.start > 0 and text[use.start - 1] == "*" and text[use.start - 2 : use.start] != "**"


def _paragraph(text: str, position: int) -> int:
    """Index of the paragraph (blocks separated by blank lines) holding ``position``."""
    return len(re.findall(r"\n[ \t]*\n", text[:position]))


def _definition_problems(pages: dict[str, str], order: list[str], entries: list[Entry]) -> list:
    """A term defined (italicised) first in a chapter other than its glossary home, or used in
    its defining chapter before the paragraph that defines it."""
    problems = []
    uses = {name: find_uses(pages[name], entries) for name in order}
    for entry in entries:
        main = entry.names[0]
        defining = next(
            (
                (name, use)
                for name in order
                for use in uses[name]
                if use.entry is entry and _is_definition(pages[name], use)
            ),
            None,
        )
        if defining is None:
            continue
        name, definition = defining
        if entry.home != name:
            problems.append(
                f"{main!r}: the glossary points to {entry.home}.md, but {name}.md defines it"
            )
        first = next(use for use in uses[name] if use.entry is entry)
        text = pages[name]
        if _paragraph(text, first.start) < _paragraph(text, definition.start):
            line = text.count("\n", 0, first.start) + 1
            problems.append(
                f"{name}.md:{line}: {main!r} is used before the paragraph that defines it"
            )
    return problems


def _mentions(text: str, entry: Entry) -> bool:
    """Whether ``text`` uses ``entry`` in its prose or names it in a heading."""
    headings = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    return bool(find_uses(text, [entry])) or entry.pattern.search(headings) is not None


# ------------------------------------------------------------------------------ linking


def link_first_uses(text: str, entries: list[Entry]) -> tuple[str, list[str]]:
    """Wrap the first prose use of every entry not yet linked in ``text`` in a ``{term}`` role.

    The role shows the text as written (line breaks inside become spaces) and targets the
    entry's main name. Idempotent: a page whose first uses are links is returned unchanged.

    Returns the new text and the main names of the entries that were linked.
    """
    edits = []
    for term, use in first_uses(text, entries).items():
        if not use.linked:
            shown = re.sub(r"\s+", " ", use.text)
            role = f"{{term}}`{shown}`" if shown == term else f"{{term}}`{shown} <{term}>`"
            edits.append((use.start, use.end, role, term))
    for start, end, role, _ in sorted(edits, reverse=True):
        text = text[:start] + role + text[end:]
    return text, [term for *_, term in sorted(edits)]


def load_book(book: Path) -> tuple[dict[str, str], list[str], list[Entry]]:
    """Chapter texts, reading order and glossary entries of the book folder ``book``."""
    order = chapters((book / "index.md").read_text())
    pages = {name: (book / f"{name}.md").read_text() for name in order}
    entries = parse_glossary((book / "glossary.md").read_text())
    return pages, order, entries
