"""``python -m bendlines.receipts ID [ID ...] [--recompute]``: print glued values as the page
shows them, recomputed.

An ID is ``DOCNAME:KEY`` or ``DOCNAME:KEY:SPEC`` (a receipt's id: the chapter's docname, the
glue key, and the format spec of a ``{glue:text}`` role). The command reads the chapter's
code cells from ``book/DOCNAME.md`` with the reader the build uses
(``book/_ext/bendlines_imports.py``), runs them in order in the book folder as the build does
(one top-level statement after another, as IPython runs a cell), with every
:func:`bendlines.receipts.glue` call intercepted, and stops after the statement that glues
the last requested key. It prints one line per ID: the ``text/plain`` form of the value
formatted as MyST-NB's ``glue:text`` role formats it, or, for a Markdown value without a
spec, its Markdown source (what ``glue:md`` renders). Several IDs of one chapter share one
run.

``--recompute`` recomputes the results-store entries the requested values read (their
receipts' ``store``, from the built notebook; every entry read, without a build) instead of
reading them, and says on standard error how long that took. Nothing is written.

An unknown ID, a missing book folder or a chapter that fails gives one line on standard error
and exit status 2.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib.util
import io
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ReceiptId",
    "RerunError",
    "built_receipts",
    "chapter_cells",
    "format_plain",
    "main",
    "parse_id",
    "rerun",
    "shown_text",
]


class RerunError(Exception):
    """A rerun that cannot give the values (one line, for the command's error message)."""


@dataclass(frozen=True)
class ReceiptId:
    """A receipt's id: ``doc:key`` or ``doc:key:spec``."""

    doc: str
    key: str
    spec: str | None = None

    def __str__(self) -> str:
        return ":".join(p for p in (self.doc, self.key, self.spec) if p is not None)


def parse_id(text: str) -> ReceiptId:
    """``"choosing:bad_relu:.1f"`` as a :class:`ReceiptId`; RerunError when malformed."""
    doc, _, rest = text.partition(":")
    key, colon, spec = rest.partition(":")
    if not doc or not key:
        raise RerunError(f"{text!r} is not a receipt id (DOCNAME:KEY or DOCNAME:KEY:SPEC)")
    return ReceiptId(doc, key, spec if colon else None)


def format_plain(text: str, spec: str) -> str:
    """``text`` (a ``text/plain`` repr) formatted with ``spec`` as MyST-NB's ``glue:text``
    role does: literal-evaluated (so a string loses its quotes), converted by the spec's type
    character, then ``format``-ted."""
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if spec == "":
        return str(value)
    kind = spec[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, spec)


def shown_text(value: object, spec: str | None) -> str:
    """What the page shows for a glued ``value``: its Markdown source when it is Markdown and
    no spec is given (``glue:md``), else its ``text/plain`` form under ``spec`` (``"s"`` when
    none, as the role's default)."""
    from IPython.core.formatters import format_display_data

    from bendlines.stats import Evidenced

    value = str(value) if isinstance(value, Evidenced) else value
    bundle, _ = format_display_data(value)
    if spec is None and "text/markdown" in bundle:
        return bundle["text/markdown"]
    return format_plain(bundle["text/plain"], "s" if spec is None else spec)


def _root() -> Path:
    return Path.cwd()


def chapter_cells(book: Path, doc: str) -> list[str]:
    """The code cells of ``book/DOC.md``, read as the build reads them."""
    source = book / f"{doc}.md"
    if not book.is_dir():
        raise RerunError(f"no book folder at {book}: run this from the repository root")
    if not source.is_file():
        raise RerunError(f"no chapter {doc!r} (no {source})")
    spec = importlib.util.spec_from_file_location(
        "bendlines_imports", book / "_ext" / "bendlines_imports.py"
    )
    if spec is None or spec.loader is None:
        raise RerunError(f"cannot read {book / '_ext' / 'bendlines_imports.py'}")
    reader = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reader)
    cells = reader.chapter_code(source.read_text(encoding="utf-8"))
    if not cells:
        raise RerunError(f"chapter {doc!r} has no code cells")
    return cells


def built_receipts(book: Path, doc: str) -> dict[str, dict] | None:
    """Glue name -> receipt (``{}`` for a value glued without one) of every value the built
    notebook of ``doc`` glues, in the order glued; None without a build."""
    path = book / "_build" / "html" / "_sources" / f"{doc}.ipynb"
    if not path.is_file():
        return None
    found: dict[str, dict] = {}
    for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {})
            name = meta.get("scrapbook", {}).get("name")
            if name is not None:
                found[name] = meta.get("bendlines_receipt", {})
    return found


def stored_keys(built: dict[str, dict] | None, ids: Sequence[ReceiptId]) -> set[str] | None:
    """The store entries the receipts of ``ids`` read (None without a build)."""
    if built is None:
        return None
    return {key for i in ids for key in built.get(i.key, {}).get("store", [])}


@contextlib.contextmanager
def _recomputing(only: set[str] | None, spent: list[float]):
    """Entries read from the store are recomputed (on one BLAS thread, nothing written)."""
    from bendlines import results

    load = results.Store.load

    def fresh(self, fn, **settings):
        found = load(self, fn, **settings)
        if found is None or (only is not None and self.path(fn, settings).stem not in only):
            return found
        start = time.perf_counter()
        arrays = results._run(fn, settings)
        spent.append(time.perf_counter() - start)
        return arrays, found[1]

    results.Store.load = fresh
    try:
        yield
    finally:
        results.Store.load = load


@contextlib.contextmanager
def _chapter_setting(book: Path):
    """As the build runs a chapter: in the book folder, the repository's ``src`` and
    ``figures`` importable, figures drawn off screen, nothing printed."""
    root = book.resolve().parent
    paths = [str(root / "src"), str(root / "figures")]
    old_cwd, old_path = Path.cwd(), list(sys.path)
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.path[:0] = paths
    os.chdir(book)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path


def rerun(ids: Sequence[ReceiptId], book: Path, recompute: bool = False,
          log: Callable[[str], None] | None = None) -> list[str]:  # fmt: skip
    """The shown text of each of ``ids`` (all of one chapter), recomputed by running the
    chapter's cells up to the statement that glues the last of them."""
    import linecache

    from bendlines import receipts

    docs = {i.doc for i in ids}
    if len(docs) != 1:
        raise RerunError(f"rerun takes one chapter at a time, got {sorted(docs)}")
    doc = ids[0].doc
    cells = chapter_cells(book, doc)
    wanted = {i.key for i in ids}
    built = built_receipts(book, doc)
    unknown = sorted(wanted - set(built)) if built is not None else []
    if unknown:
        raise RerunError(f"{doc} glues no value named {', '.join(unknown)}")
    glued: dict[str, object] = {}
    spent: list[float] = []
    namespace: dict = {"__name__": "__main__"}
    only = stored_keys(built, ids) if recompute else None
    with contextlib.ExitStack() as stack:
        stack.enter_context(_chapter_setting(book))
        stack.enter_context(
            receipts.intercepted(lambda name, value: glued.__setitem__(name, value))
        )
        if recompute:
            stack.enter_context(_recomputing(only, spent))
        for number, source in enumerate(cells, start=1):
            name = f"<{doc} cell {number}>"
            linecache.cache[name] = (len(source), None, source.splitlines(True), name)
            try:
                for statement in ast.parse(source, name).body:
                    module = ast.Module(body=[statement], type_ignores=[])
                    exec(compile(module, name, "exec"), namespace)
                    if wanted <= glued.keys():
                        break
            except Exception as error:
                raise RerunError(
                    f"{doc}: cell {number} failed: {type(error).__name__}: {error}"
                ) from None
            if wanted <= glued.keys():
                break
    missing = sorted(wanted - glued.keys())
    if missing:
        raise RerunError(f"{doc} glues no value named {', '.join(missing)}")
    if recompute and log is not None:
        log(f"{doc}: recomputed {len(spent)} stored entries in {sum(spent):.1f} s")
    return [shown_text(glued[i.key], i.spec) for i in ids]


class _Parser(argparse.ArgumentParser):
    """Bad options: one line on stderr, exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = _Parser(prog="python -m bendlines.receipts", description=__doc__.split("\n")[0])
    parser.add_argument("ids", nargs="+", metavar="ID", help="DOCNAME:KEY or DOCNAME:KEY:SPEC")
    parser.add_argument("--recompute", action="store_true",
                        help="recompute the stored entries the values read")  # fmt: skip
    parser.add_argument("--book", default="book", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    book = _root() / args.book

    def log(line: str) -> None:
        print(line, file=sys.stderr)

    try:
        ids = [parse_id(text) for text in args.ids]
        by_doc: dict[str, list[ReceiptId]] = {}
        for i in ids:
            by_doc.setdefault(i.doc, []).append(i)
        shown = {}
        for doc_ids in by_doc.values():
            shown.update(zip(doc_ids, rerun(doc_ids, book, args.recompute, log), strict=True))
    except RerunError as error:
        log(f"python -m bendlines.receipts: error: {error}")
        return 2
    for i in ids:
        print(shown[i])
    return 0
