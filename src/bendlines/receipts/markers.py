"""Which tests check which glued values: ``@pytest.mark.receipts("DOCNAME:KEY", ...)``.

A test that checks the claim behind a glued value declares it with the ``receipts`` marker;
its arguments are ``DOCNAME:KEY`` strings whose KEY may be an ``fnmatch`` pattern
(``"choosing:verdict_*"``). A module's ``pytestmark`` counts for every test of the module.
The markers are read from the tests' syntax trees (nothing is imported), and a receipt's
``tests`` are the node ids (``tests/test_choosing.py::test_name``) whose markers match it.
"""

from __future__ import annotations

import ast
import fnmatch
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["MARKER", "declared", "matches", "tests_for"]

#: The marker's name.
MARKER = "receipts"


def _marker_args(node: ast.AST) -> list[str] | None:
    """The string arguments of ``pytest.mark.receipts(...)`` (or ``mark.receipts(...)``),
    or None when ``node`` is not that call."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == MARKER):
        return None
    mark = func.value
    if not (
        (isinstance(mark, ast.Attribute) and mark.attr == "mark")
        or (isinstance(mark, ast.Name) and mark.id == "mark")
    ):
        return None
    out = []
    for arg in node.args:
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            raise ValueError(
                f"line {node.lineno}: receipts markers take literal 'DOCNAME:KEY' strings"
            )
        if ":" not in arg.value:
            raise ValueError(f"line {node.lineno}: {arg.value!r} is not DOCNAME:KEY")
        out.append(arg.value)
    return out


def _from_decorators(decorators: Iterable[ast.expr]) -> list[str]:
    out: list[str] = []
    for decorator in decorators:
        out.extend(_marker_args(decorator) or [])
    return out


def _module_marks(tree: ast.Module) -> list[str]:
    out: list[str] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets
        ):
            values = (
                stmt.value.elts if isinstance(stmt.value, ast.List | ast.Tuple) else [stmt.value]
            )
            for value in values:
                out.extend(_marker_args(value) or [])
    return out


def _tests(body: list[ast.stmt], prefix: str) -> Iterable[tuple[str, ast.FunctionDef]]:
    for stmt in body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name.startswith(
            "test"
        ):
            yield prefix + stmt.name, stmt
        elif isinstance(stmt, ast.ClassDef) and stmt.name.startswith("Test"):
            yield from _tests(stmt.body, f"{prefix}{stmt.name}::")


def declared(tests: Path, root: Path | None = None) -> dict[str, list[str]]:
    """Test node id -> the ``DOCNAME:KEY`` patterns its ``receipts`` markers declare, for
    every ``test_*.py`` under ``tests`` (node ids relative to ``root``, default the folder
    above ``tests``). Tests without the marker are left out."""
    root = tests.parent if root is None else root
    out: dict[str, list[str]] = {}
    for path in sorted(tests.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        module = _module_marks(tree)
        rel = path.relative_to(root).as_posix()
        for name, fn in _tests(tree.body, f"{rel}::"):
            patterns = module + _from_decorators(fn.decorator_list)
            if patterns:
                out[name] = list(dict.fromkeys(patterns))
    return out


def matches(pattern: str, doc: str, key: str) -> bool:
    """Whether a marker's ``DOCNAME:KEY`` pattern names the value ``key`` of chapter ``doc``."""
    pattern_doc, _, pattern_key = pattern.partition(":")
    return pattern_doc == doc and fnmatch.fnmatchcase(key, pattern_key)


def tests_for(doc: str, key: str, markers: Mapping[str, list[str]]) -> list[str]:
    """The node ids whose markers name ``doc:key`` (sorted)."""
    return sorted(
        node for node, patterns in markers.items() if any(matches(p, doc, key) for p in patterns)
    )
