"""Where a glued value comes from, read from the chapter's code with ``ast``.

A chapter is a sequence of code cells; each top-level statement of a cell is one
:class:`Statement`: the names it assigns and reads, and the dotted names it mentions. The
*lineage* of a statement is that statement and, going back, every earlier statement that last
assigned a name it (or another statement of the lineage) reads. The package names mentioned in
a lineage, resolved through the chapter's imports (``from bendlines.experiments import primer
as pr`` makes ``pr.mse_by_hand`` mean ``bendlines.experiments.primer.mse_by_hand``), are the
functions that computed the value; the package constants it mentions and the defaults of
those functions are its settings, and the ones named after seeds are its seeds.
"""

from __future__ import annotations

import ast
import inspect
import math
import sys
from dataclasses import dataclass, field

__all__ = ["Chapter", "Statement", "aliases", "dotted_names", "plain_value", "qualify", "resolve"]

#: Package modules that draw or print rather than compute: never "code", never settings.
PRESENTATION = ("bendlines.render", "bendlines.style", "bendlines.receipts")
#: ... and modules whose defaults are formatting, not settings.
NO_SETTINGS = (*PRESENTATION, "bendlines.numbers")
#: The longest list a setting may hold (longer lists are data, not settings).
LONGEST_SETTING = 32


@dataclass
class Statement:
    """One top-level statement of a cell: lines ``first``-``last`` of cell ``cell``."""

    cell: int
    first: int
    last: int
    defines: frozenset[str]
    uses: frozenset[str]
    dotted: tuple[str, ...]
    calls: tuple[tuple[str, int | None, tuple[str, ...]], ...] = ()
    reads: list[str] = field(default_factory=list)
    notes: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


def aliases(tree: ast.AST) -> dict[str, str]:
    """Name -> dotted name that ``import`` and ``from ... import`` statements bind in ``tree``."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    out[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    out[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                out[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return out


def _chain(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def dotted_names(tree: ast.AST) -> list[str]:
    """Every name and longest attribute chain on a name that ``tree`` reads (``pr.OPT_DATA``
    in ``pr.OPT_DATA["n"]``; ``a.b.c`` but not also ``a.b``), in order, once each."""
    found: dict[str, None] = {}
    inner: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:
            chain = _chain(node)
            value = node.value
            while isinstance(value, ast.Attribute):
                inner.add(id(value))
                value = value.value
            if chain:
                found[chain] = None
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            found.setdefault(node.id, None)
    return list(found)


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _parameters(args: ast.arguments) -> set[str]:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return {a.arg for a in every if a is not None}


def scope_names(node: ast.AST) -> tuple[set[str], set[str]]:
    """``(bound, read)``: the names ``node`` binds and reads in the scope it runs in. A
    function, lambda, class body or comprehension counts by its free names only (its
    parameters, loop targets and locals are its own), and a ``def`` or ``class`` binds its
    name; an import binds its aliases."""
    bound: set[str] = set()
    read: set[str] = set()

    def inner(nodes, own: set[str]) -> None:
        b, r = set(), set()
        for n in nodes:
            nb, nr = scope_names(n)
            b |= nb
            r |= nr
        read.update(r - b - own)

    def visit(n: ast.AST) -> None:
        if isinstance(n, ast.Import | ast.ImportFrom):
            bound.update(aliases(n))
        elif isinstance(n, _FUNCTIONS):
            outer = [*getattr(n, "decorator_list", []), *n.args.defaults]
            outer += [d for d in n.args.kw_defaults if d is not None]
            for d in outer:
                visit(d)
            inner(n.body if isinstance(n.body, list) else [n.body], _parameters(n.args))
            if not isinstance(n, ast.Lambda):
                bound.add(n.name)
        elif isinstance(n, ast.ClassDef):
            for d in [*n.decorator_list, *n.bases, *(k.value for k in n.keywords)]:
                visit(d)
            inner(n.body, set())
            bound.add(n.name)
        elif isinstance(n, _COMPREHENSIONS):
            targets: set[str] = set()
            for gen in n.generators:
                targets |= {t.id for t in ast.walk(gen.target) if isinstance(t, ast.Name)}
            parts = [n.key, n.value] if isinstance(n, ast.DictComp) else [n.elt]
            for gen in n.generators:
                parts += [gen.iter, *gen.ifs]
            inner(parts, targets)
        elif isinstance(n, ast.For | ast.AsyncFor | ast.With | ast.AsyncWith):
            # a loop's target and a with-block's names are bound before the body reads them
            heads = [n.iter] if isinstance(n, ast.For | ast.AsyncFor) else []
            targets = [n.target] if heads else []
            for item in getattr(n, "items", []):
                heads.append(item.context_expr)
                targets += [item.optional_vars] if item.optional_vars is not None else []
            for head in heads:
                visit(head)
            named = {t.id for target in targets for t in ast.walk(target)
                     if isinstance(t, ast.Name)}  # fmt: skip
            bound.update(named)
            b, r = set(), set()
            for child in [*n.body, *getattr(n, "orelse", [])]:
                nb, nr = scope_names(child)
                b |= nb
                r |= nr
            bound.update(b)
            read.update(r - named)
        elif isinstance(n, ast.Name):
            (read if isinstance(n.ctx, ast.Load) else bound).add(n.id)
        else:
            for child in ast.iter_child_nodes(n):
                visit(child)

    visit(node)
    return bound, read


def calls(tree: ast.AST) -> list[tuple[str, int | None, tuple[str, ...]]]:
    """``(function, positional, keywords)`` of every call in ``tree`` on a name or attribute
    chain: how many arguments it passes by position (None when it unpacks ``*args`` or
    ``**kwargs``, which may set any parameter) and the names it passes by keyword."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            chain = _chain(node.func)
            if chain is None:
                continue
            unpacked = any(isinstance(a, ast.Starred) for a in node.args) or any(
                k.arg is None for k in node.keywords
            )
            keywords = tuple(k.arg for k in node.keywords if k.arg is not None)
            out.append((chain, None if unpacked else len(node.args), keywords))
    return out


def qualify(dotted: str, names: dict[str, str]) -> str | None:
    """The package name ``dotted`` means under the import aliases ``names``, or None when it
    does not start with an imported ``bendlines`` name."""
    head, _, rest = dotted.partition(".")
    target = names.get(head)
    if target is None or target.split(".")[0] != "bendlines":
        return None
    return f"{target}.{rest}" if rest else target


def resolve(qualified: str) -> tuple[str, object] | None:
    """``(name, object)`` for the longest importable prefix of ``qualified`` that is not a
    module (``bendlines.stats.CONFIDENCE.real`` gives ``bendlines.stats.CONFIDENCE``), or None.
    Only modules already imported are looked in: nothing is imported."""
    parts = qualified.split(".")
    for cut in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is None:
            continue
        obj, name = module, parts[:cut]
        for attr in parts[cut:]:
            if inspect.ismodule(obj) and f"{obj.__name__}.{attr}" in sys.modules:
                obj = sys.modules[f"{obj.__name__}.{attr}"]
            elif hasattr(obj, attr) and inspect.ismodule(obj):
                obj = getattr(obj, attr)
            else:
                break
            name.append(attr)
        if inspect.ismodule(obj):
            return None
        return ".".join(name), obj
    return None


def plain_value(value: object) -> object | None:
    """``value`` as a setting (a JSON number, string or bool, or a short list of them), or
    None when it is not one (a numpy scalar counts as its Python number)."""
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        value = value.item()
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple) and len(value) <= LONGEST_SETTING:
        items = [plain_value(v) for v in value]
        if all(i is not None and not isinstance(i, list) for i in items):
            return items
    return None


def _seed_like(name: str) -> bool:
    return "seed" in name.lower()


def _seed_values(value: object) -> list[int]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, int) and not isinstance(v, bool)]


class Chapter:
    """The statements of a chapter's cells as they run, and the lineage of each."""

    def __init__(self):
        self.statements: list[Statement] = []
        self.names: dict[str, str] = {}
        self.cells = 0

    def add_cell(self, source: str) -> int:
        """Read a cell's source (a cell that is not Python adds no statements); its index."""
        cell = self.cells
        self.cells += 1
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return cell
        self.names.update(aliases(tree))
        for stmt in tree.body:
            defines, uses = scope_names(stmt)
            self.statements.append(
                Statement(
                    cell,
                    stmt.lineno,
                    stmt.end_lineno or stmt.lineno,
                    frozenset(defines),
                    frozenset(uses),
                    tuple(dotted_names(stmt)),
                    tuple(calls(stmt)),
                )
            )
        return cell

    def statement_at(self, cell: int, line: int) -> Statement | None:
        """The top-level statement of ``cell`` holding ``line``."""
        for stmt in self.statements:
            if stmt.cell == cell and stmt.first <= line <= stmt.last:
                return stmt
        return None

    def lineage(self, stmt: Statement) -> list[Statement]:
        """``stmt`` and the earlier statements whose assignments it depends on, in order."""
        index = self.statements.index(stmt)
        needed = set(stmt.uses)
        out = [stmt]
        for earlier in reversed(self.statements[:index]):
            hit = earlier.defines & needed
            if hit:
                out.append(earlier)
                needed -= hit
                needed |= earlier.uses
        return out[::-1]

    def package_objects(self, lineage: list[Statement]) -> dict[str, object]:
        """Qualified name -> object of every package name the statements mention."""
        out: dict[str, object] = {}
        for stmt in lineage:
            for dotted in stmt.dotted:
                qualified = qualify(dotted, self.names)
                found = resolve(qualified) if qualified else None
                if found and not found[0].startswith(PRESENTATION):
                    out.setdefault(*found)
        return out

    def code(self, lineage: list[Statement]) -> list[str]:
        """The package functions and classes the statements use (qualified names)."""
        return [
            name
            for name, obj in self.package_objects(lineage).items()
            if inspect.isfunction(obj) or inspect.isclass(obj)
        ]

    def settings(self, lineage: list[Statement]) -> tuple[dict, list[int]]:
        """The settings and seeds behind the statements: the package constants they mention
        (by their own name) and the defaults of the package functions they call that no call
        sets (by parameter name, or ``function.parameter`` when two differ); the ones named
        after seeds go to the seeds. A function only passed around, not called, adds nothing
        (its arguments are not in the code)."""
        settings: dict[str, object] = {}
        seeds: list[int] = []

        def put(name: str, value: object, owner: str) -> None:
            value = plain_value(value)
            if value is None:
                return
            if _seed_like(name):
                seeds.extend(v for v in _seed_values(value) if v not in seeds)
            elif name not in settings or settings[name] == value:
                settings[name] = value
            else:
                settings[f"{owner}.{name}"] = value

        called: dict[str, list[tuple[int | None, tuple[str, ...]]]] = {}
        for stmt in lineage:
            for chain, positional, keywords in stmt.calls:
                qualified = qualify(chain, self.names)
                found = resolve(qualified) if qualified else None
                if found and found[0] == qualified:
                    called.setdefault(qualified, []).append((positional, keywords))
        for name, obj in self.package_objects(lineage).items():
            if name.startswith(NO_SETTINGS):
                continue
            short = name.rsplit(".", 1)[-1]
            if inspect.isfunction(obj) or inspect.isclass(obj):
                for param, default in _unset_defaults(obj, called.get(name, [])):
                    put(param, default, short)
            elif not callable(obj):
                put(short, obj, name.rsplit(".", 2)[-2])
        return settings, seeds


def _unset_defaults(fn, sites: list[tuple[int | None, tuple[str, ...]]]) -> list[tuple]:
    """``(parameter, default)`` of ``fn``'s parameters with a default that none of its call
    ``sites`` sets (none at all when it is never called, or called with ``*``/``**``)."""
    if not sites or any(positional is None for positional, _ in sites):
        return []
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return []
    positional_names = [
        p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    passed = {k for _, keywords in sites for k in keywords}
    passed |= {n for positional, _ in sites for n in positional_names[:positional]}
    return [(p.name, p.default) for p in params
            if p.default is not inspect.Parameter.empty and p.name not in passed]  # fmt: skip
