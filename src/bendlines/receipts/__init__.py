"""Receipts: every glued value of the book with the evidence behind it.

Chapters glue values with :func:`glue` instead of ``myst_nb.glue``. It emits the same output
(so every ``{glue:...}`` role works as before) and adds ``metadata["bendlines_receipt"]`` with
six fields:

``code``
    the package functions that computed the value (importable qualified names): by default
    the ones the value's *lineage* uses (:mod:`bendlines.receipts.lineage`: the gluing
    statement and the earlier statements it depends on, names resolved through the chapter's
    imports);
``settings``, ``seeds``
    what a reader needs to reproduce it: the package constants the lineage mentions and the
    defaults of the functions it calls, those named after seeds as seeds, and whatever a
    :func:`provenance` context or :func:`for_keys` rule adds;
``method``, ``compared``
    for a verdict or an interval, the statistics (:mod:`bendlines.stats`): a verdict sentence
    carries its own (:class:`bendlines.stats.Evidenced`), other values the intervals and
    comparisons their lineage made;
``store``
    the results-store entries (file names without ``.npz``) the lineage read (for a verdict
    sentence, those read while it was decided), and those read inside the enclosing
    :func:`provenance` contexts.

In a notebook kernel, importing this module watches the cells as they run (IPython's
``pre_run_cell`` event), the statistics made (:func:`bendlines.stats.observe`) and the
store's reads (a wrapper around :meth:`bendlines.results.Store.load` and ``compute``: a hook
written into :mod:`bendlines.results` itself would change the key of every stored entry whose
code reaches that module). Nothing of IPython or MyST-NB is imported until :func:`glue` runs.

``python -m bendlines.receipts ID ...`` reruns a chapter's code and prints values as the page
shows them (:mod:`bendlines.receipts.rerun`).
"""

from __future__ import annotations

import fnmatch
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from bendlines.receipts.lineage import Chapter, Statement, plain_value

__all__ = ["FIELDS", "for_keys", "glue", "intercepted", "provenance", "receipt", "session"]

#: The fields of every receipt, with their empty values.
FIELDS = {"code": [], "settings": {}, "seeds": [], "method": "", "compared": [], "store": []}
#: MyST-NB's prefix for a glued output that is not displayed (``myst_nb.ext.glue``).
GLUE_PREFIX = "application/papermill.record/"


# --- the chapter being run -------------------------------------------------------------------
class Session:
    """A chapter's cells as they run in one namespace, and what each statement read and made."""

    def __init__(self, namespace: dict | None = None):
        self.chapter = Chapter()
        self.namespace = namespace
        self.cell: int | None = None
        self.rules: list[tuple[str, dict]] = []

    def begin_cell(self, source: str) -> None:
        """A cell is about to run (IPython's ``pre_run_cell``, or the rerun command)."""
        self.cell = self.chapter.add_cell(source)

    def current_statement(self) -> Statement | None:
        """The top-level statement of the running cell that is executing now."""
        if self.cell is None or self.namespace is None:
            return None
        frame, found = sys._getframe(1), None
        while frame is not None:
            if frame.f_globals is self.namespace and frame.f_code.co_name == "<module>":
                found = frame
            frame = frame.f_back
        return None if found is None else self.chapter.statement_at(self.cell, found.f_lineno)

    def note(self, method: str, compared: tuple[str, ...]) -> None:
        """An interval or comparison was made (a :func:`bendlines.stats.observe` observer)."""
        stmt = self.current_statement()
        if stmt is not None:
            stmt.notes.append((method, compared))

    def read(self, key: str) -> None:
        """A results-store entry was read or computed."""
        stmt = self.current_statement()
        if stmt is not None and key not in stmt.reads:
            stmt.reads.append(key)

    def automatic(self) -> dict:
        """The receipt fields found from the running statement's lineage."""
        stmt = self.current_statement()
        if stmt is None:
            return {}
        lineage = self.chapter.lineage(stmt)
        settings, seeds = self.chapter.settings(lineage)
        notes = [n for s in lineage for n in s.notes]
        return {
            "code": self.chapter.code(lineage),
            "settings": settings,
            "seeds": seeds,
            "method": "; ".join(dict.fromkeys(m for m, _ in notes)),
            "compared": list(dict.fromkeys(c for _, names in notes for c in names)),
            "store": list(dict.fromkeys(k for s in lineage for k in s.reads)),
        }


_SESSION: list[Session] = []
_CONTEXTS: list[dict] = []
_INTERCEPT: list[Callable[[str, object], None]] = []


def session() -> Session | None:
    """The session watching this kernel's cells, or None outside a notebook kernel."""
    return _SESSION[-1] if _SESSION else None


def start(namespace: dict, source: str | None = None) -> Session:
    """Watch a chapter run in ``namespace`` from now on (``source``: the cell running now)."""
    from bendlines import stats

    watcher = Session(namespace)
    if source is not None:
        watcher.begin_cell(source)
    _SESSION[:] = [watcher]
    stats.observe(watcher)
    _watch_store()
    return watcher


def _attach_to_ipython() -> None:
    """In a notebook kernel (IPython already loaded), watch its cells."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or getattr(shell, "_bendlines_receipts", None):
        return
    watcher = start(shell.user_ns, _running_cell(shell.user_ns))
    shell._bendlines_receipts = watcher
    shell.events.register(
        "pre_run_cell", lambda info: watcher.begin_cell(shell.transform_cell(info.raw_cell))
    )


def _running_cell(namespace: dict) -> str | None:
    """The source of the cell running in ``namespace`` now (IPython keeps each cell's
    compiled text in :mod:`linecache`), or None."""
    import linecache

    frame, found = sys._getframe(1), None
    while frame is not None:
        if frame.f_globals is namespace and frame.f_code.co_name == "<module>":
            found = frame
        frame = frame.f_back
    lines = linecache.getlines(found.f_code.co_filename) if found is not None else []
    return "".join(lines) if lines else None


def _store_read(key: str) -> None:
    from bendlines import stats

    stats.note_read(key)
    for context in _CONTEXTS:
        if key not in context["store"]:
            context["store"].append(key)
    watcher = session()
    if watcher is not None:
        watcher.read(key)


def _watch_store() -> None:
    """Tell :func:`_store_read` of every entry the results store reads or computes."""
    from bendlines import results

    if getattr(results.Store.load, "_receipts", False):
        return
    load, compute = results.Store.load, results.Store.compute

    def watched_load(self, fn, **settings):
        found = load(self, fn, **settings)
        if found is not None:
            _store_read(self.path(fn, settings).stem)
        return found

    def watched_compute(self, fn, **settings):
        result = compute(self, fn, **settings)
        _store_read(self.path(fn, settings).stem)
        return result

    for wrapper, original in ((watched_load, load), (watched_compute, compute)):
        wrapper.__doc__, wrapper.__name__ = original.__doc__, original.__name__
        wrapper._receipts = True
    results.Store.load, results.Store.compute = watched_load, watched_compute


# --- provenance given by the chapter ---------------------------------------------------------
def _checked(fields: Mapping) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown receipt fields {sorted(unknown)}; allowed: {sorted(FIELDS)}")
    out = {}
    for name, value in fields.items():
        if name == "settings":
            if not isinstance(value, Mapping):
                raise TypeError(f"settings must be a mapping, got {type(value).__name__}")
            out[name] = {str(k): _setting(k, v) for k, v in value.items()}
        elif name == "method":
            if not isinstance(value, str):
                raise TypeError(f"method must be a string, got {type(value).__name__}")
            out[name] = value
        else:
            items = [value] if isinstance(value, str | int) else list(value)
            if name == "seeds":
                items = [plain_value(s) for s in items]
                if not all(isinstance(s, int) and not isinstance(s, bool) for s in items):
                    raise TypeError(f"seeds must be integers, got {value!r}")
            else:
                items = [str(s) for s in items]
            out[name] = items
    return out


def _setting(name, value):
    plain = plain_value(value)
    if plain is None:
        if isinstance(value, Mapping):
            return {str(k): _setting(f"{name}.{k}", v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [_setting(name, v) for v in value]
        if value is None:
            return None
        raise TypeError(f"setting {name!r} is not a JSON value: {value!r}")
    return plain


@contextmanager
def provenance(**fields) -> Iterator[dict]:
    """Give every value glued inside the block these receipt fields (``code``, ``settings``,
    ``seeds``, ``method``, ``compared``, ``store``); nested blocks add their settings to the
    outer ones' and replace the other fields. Store entries read inside the block go to the
    receipts of the values glued inside it. Yields the block's fields."""
    context = {**_checked(fields)}
    context.setdefault("store", [])
    _CONTEXTS.append(context)
    try:
        yield context
    finally:
        _CONTEXTS.remove(context)


def for_keys(rules: Mapping[str, Mapping]) -> None:
    """Receipt fields for every value whose glue name matches a pattern (``fnmatch``), for the
    rest of the chapter: ``for_keys({"h2h_*": {"settings": {...}, "seeds": [...]}})``. Lets a
    chapter give provenance without wrapping its code in :func:`provenance` blocks."""
    checked = [(str(pattern), _checked(fields)) for pattern, fields in rules.items()]
    if not _SESSION:
        _SESSION.append(Session())
    _SESSION[-1].rules.extend(checked)


def _merge(receipt: dict, fields: Mapping) -> None:
    for name, value in fields.items():
        if name == "settings":
            receipt["settings"] = {**receipt["settings"], **value}
        elif name == "store":
            receipt["store"] = list(dict.fromkeys([*receipt["store"], *value]))
        else:
            receipt[name] = value


def receipt(name: str, value: object = None, **fields) -> dict:
    """The receipt of a value glued as ``name`` now: found from the running statement's
    lineage, then the value's own statistics (a :class:`bendlines.stats.Evidenced` sentence),
    the :func:`for_keys` rules, the enclosing :func:`provenance` blocks and ``fields``, each
    overriding the ones before (settings and store entries add up)."""
    from bendlines.stats import Evidenced

    out = json.loads(json.dumps(FIELDS))
    watcher = session()
    _merge(out, watcher.automatic() if watcher is not None else {})
    if isinstance(value, Evidenced) and value.method:
        _merge(out, {"method": value.method, "compared": list(value.compared)})
    if isinstance(value, Evidenced) and value.store:
        out["store"] = list(value.store)  # what the verdict read, not its whole lineage's
    for pattern, rule in watcher.rules if watcher is not None else []:
        if fnmatch.fnmatchcase(name, pattern):
            _merge(out, rule)
    for context in _CONTEXTS:
        _merge(out, context)
    _merge(out, _checked(fields))
    return out


# --- glue ------------------------------------------------------------------------------------
def glue(name: str, value: object, display: bool = False, **fields) -> None:
    """Glue ``value`` as ``name`` as ``myst_nb.glue`` does, with its receipt
    (``metadata["bendlines_receipt"]``, :func:`receipt`); ``fields`` give receipt fields for
    this value only. Under :func:`intercepted` the value goes to the interceptor instead."""
    if _INTERCEPT:
        _INTERCEPT[-1](name, value)
        return
    from IPython.core.formatters import format_display_data
    from IPython.display import display as show

    from bendlines.stats import Evidenced

    made = receipt(name, value, **fields)
    shown = str(value) if isinstance(value, Evidenced) else value
    bundle, metadata = format_display_data(shown)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    metadata["bendlines_receipt"] = made
    show({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


@contextmanager
def intercepted(sink: Callable[[str, object], None]) -> Iterator[None]:
    """Send every :func:`glue` call inside the block to ``sink(name, value)`` (nothing is
    displayed): how the rerun command collects values."""
    _INTERCEPT.append(sink)
    try:
        yield
    finally:
        _INTERCEPT.remove(sink)


_attach_to_ipython()
