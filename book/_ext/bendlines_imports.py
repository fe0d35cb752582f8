"""What a chapter's code imports: one AST walk for the execution cache and the downloads.

A chapter's code cells are read from markdown-it tokens; each cell is parsed with
:mod:`ast`, so every name of ``import a, b`` and of ``from a import b, c`` counts. The walk
follows the figure scripts and experiment modules it finds into their own imports.

Parsing is the slow part of every build's staleness scan, so each answer is remembered by
the SHA-256 of the text it was computed from (:func:`remembered`), and kept between builds in
the execution cache's folder (:func:`load_memo`, :func:`save_memo`) under a version that
covers this module's code, the MyST helpers' and the parsers' versions: an answer is reused
only for the very same text read by the very same code.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import json
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = [
    "chapter_code",
    "experiment_modules",
    "figure_scripts",
    "imported_modules",
    "load_memo",
    "reached",
    "remembered",
    "save_memo",
    "stored_results",
]

_known: dict[str, Any] = {}  # answers loaded from the last build
_used: dict[str, Any] = {}  # answers this build computed or reused


def _memo_version() -> str:
    sha = hashlib.sha256()
    for module in ("bendlines_imports.py", "bendlines_myst.py"):
        sha.update(Path(__file__).with_name(module).read_bytes())
    for distribution in ("markdown-it-py", "myst-parser"):
        sha.update(importlib.metadata.version(distribution).encode() + b"\0")
    return sha.hexdigest()


def remembered(kind: str, text: str, compute: Callable[[str], Any]) -> Any:
    """``compute(text)``, computed once per distinct ``text`` (and ``kind``) and remembered
    between builds; the answer must be made of JSON values (lists, strings, booleans)."""
    key = f"{kind}:{hashlib.sha256(text.encode('utf-8')).hexdigest()}"
    if key not in _used:
        _used[key] = _known[key] if key in _known else compute(text)
    return _used[key]


def load_memo(path: Path) -> None:
    """Take up the answers a previous build saved at ``path`` (none if it is missing, damaged
    or from other code), forgetting this process's own."""
    _known.clear()
    _used.clear()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["version"] == _memo_version() and isinstance(data["answers"], dict):
            _known.update(data["answers"])
    except (OSError, ValueError, KeyError, TypeError):
        pass


def save_memo(path: Path) -> None:
    """Keep this build's answers at ``path`` (written whole) for the next build."""
    if not _used:
        return
    data = {"version": _memo_version(), "answers": dict(sorted(_used.items()))}
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, path)


Code = str | Iterable[str]
_IMPORT_LINE = re.compile(r"^\s*(?:import|from)\s+([\w.]+(?:\s*,\s*[\w.]+)*)", re.M)


def chapter_code(text: str) -> list[str]:
    """The sources of the code cells of a MyST notebook's text (empty for a plain page).

    The text is parsed into markdown-it tokens (CommonMark, as MyST reads fences): each
    ``{code-cell}`` fence is a cell, and its options (a ``---`` YAML block or ``:key:`` lines
    at the top) are not code.
    """
    if "```{code-cell}" not in text:
        return []
    return list(remembered("code cells", text, _parse_code_cells))


def _parse_code_cells(text: str) -> list[str]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    return [
        _without_options(token.content)
        for token in tokens
        if token.type == "fence" and token.info.split(maxsplit=1)[:1] == ["{code-cell}"]
    ]


def _without_options(content: str) -> str:
    lines = content.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[end + 1 :]
    else:
        while lines and lines[0].startswith(":"):
            lines = lines[1:]
    return "\n".join(lines) + ("\n" if lines else "")


def _python_lines(code: str) -> str:
    """``code`` without IPython magics and shell escapes, which are not Python."""
    return "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines()
    )


def imported_modules(code: Code) -> set[str]:
    """Dotted names ``code`` (one source, or several cells) imports: ``import a.b, c`` gives
    ``a.b`` and ``c``; ``from a import b, c`` gives ``a``, ``a.b`` and ``a.c`` (``b`` may be a
    module). A cell that is not Python after all counts by its import lines."""
    names: set[str] = set()
    for source in [code] if isinstance(code, str) else code:
        names.update(remembered("imports", source, _imports_of))
    return names


def _imports_of(source: str) -> list[str]:
    names: set[str] = set()
    try:
        tree = ast.parse(_python_lines(source))
    except SyntaxError:
        for group in _IMPORT_LINE.findall(source):
            names.update(name.strip() for name in group.split(","))
        return sorted(names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(names)


def reached(code: Code, locate: Callable[[str], Path | None]) -> list[Path]:
    """The source files of the modules ``code`` imports, and of those they import in turn,
    that ``locate`` (dotted name -> ``Path`` or ``None``) finds."""
    found: dict[str, Path] = {}
    todo: list[Code] = [code]
    while todo:
        for name in sorted(imported_modules(todo.pop())):
            source = locate(name)
            if name not in found and source is not None and source.is_file():
                found[name] = source
                todo.append(source.read_text(encoding="utf-8"))
    return [found[name] for name in sorted(found)]


def figure_scripts(code: Code, figures: Path) -> list[Path]:
    """The figure scripts ``code`` imports, and those they import in turn."""
    return reached(code, lambda name: None if "." in name else figures / f"{name}.py")


def experiment_modules(code: Code, package: Path) -> list[str]:
    """The modules of ``bendlines.experiments`` that ``code`` imports, directly or through
    other modules of that package."""
    prefix = "bendlines.experiments."

    def locate(name: str) -> Path | None:
        rest = name.removeprefix(prefix)
        if rest == name or "." in rest:
            return None
        return package / "experiments" / f"{rest}.py"

    return [source.stem for source in reached(code, locate)]


def stored_results(code: Code, root: Path) -> list[Path]:
    """The results-store entries (``results/MODULE-FUNCTION-KEY.npz``) of the experiment
    modules ``code`` reaches: what the chapter reads instead of recomputing."""
    modules = experiment_modules(code, root / "src" / "bendlines")
    store = root / "results"
    return sorted(p for m in modules for p in store.glob(f"{m}-*.npz"))
