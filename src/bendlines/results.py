"""A store for heavy experiment results, keyed by what produces them.

An *experiment* is a module-level function that takes keyword settings (numbers, strings,
booleans, lists and dicts of them) and returns a dict of numpy arrays. :func:`get` returns
its result for some settings: read from the store when an entry exists, computed and saved
when it does not. The entry's *key* is a SHA-256 digest of

* the function's qualified name and its settings (canonical JSON),
* the *code* of the function's module and of every ``bendlines`` module it uses, directly or
  through other ``bendlines`` modules (found by following their imports): the parsed syntax
  tree without docstrings, so comments, docstrings and layout do not count
  (:func:`normalised_code`),
* the numpy version and the reference kernels the results are made with
  (:data:`bendlines.blas.REFERENCE`).

So an entry is never stale: editing what the code does or the settings changes the key, which
is a miss, and the result is computed again, while a docstring or comment edit keeps every
entry. Each entry is a ``.npz`` file holding its key, settings and the kernels that computed
it (:func:`bendlines.blas.runtime`) beside the arrays; it is written whole (a temporary file,
then a rename). An entry that cannot be read, or whose stored key does not match its name,
raises :class:`CorruptEntryError` naming the file.

Where the stored bits cannot be reproduced (this process, or the process that made an entry,
runs other kernels than the reference), :meth:`Store.verify` raises
:class:`KernelMismatchError` with one line naming both kernels and what to set, instead of
comparing numbers that cannot match.

:meth:`Store.fill` computes missing entries on any ``concurrent.futures``-style executor
(local processes by default, or a Dask cluster's ``Client.get_executor()``): workers return
results and this process writes the entries, so workers need no shared file system. It can
compute one deterministic share of them (``shard=(k, n)``), so that n machines fill one
store whose parts merge by copying files. The chapters' task list and the command line live
with the experiments (``python -m bendlines.experiments``).

The default store is ``results/`` at the top of a checkout of the repository (committed with
the book); outside a checkout (an installed wheel) it is the user's cache folder
(``platformdirs``); ``BENDLINES_RESULTS`` overrides both.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import io
import json
import os
import sys
import tempfile
import types
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from functools import cache
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from bendlines import blas

__all__ = [
    "CorruptEntryError",
    "KernelMismatchError",
    "Store",
    "code_digest",
    "compare",
    "default_root",
    "default_store",
    "entry_key",
    "get",
    "kernel_mismatch",
    "normalised_code",
    "peek",
    "prune",
    "shard_of",
    "verify",
]

#: The environment variable naming the default store's folder.
ENVIRONMENT = "BENDLINES_RESULTS"
_META = "__meta__"
Result = dict[str, np.ndarray]
Task = tuple[Callable[..., Mapping], dict]


class CorruptEntryError(RuntimeError):
    """A stored entry that cannot be read or does not match its key."""


class KernelMismatchError(RuntimeError):
    """The stored bits cannot be reproduced here: other BLAS or numpy kernels (one line)."""


def _run(fn: Callable, settings: Mapping) -> Result:
    """``fn(**settings)`` on one BLAS thread: a threaded BLAS splits sums differently, so the
    bits would depend on the machine's core count and the environment."""
    with threadpool_limits(limits=1, user_api="blas"):
        return _as_result(fn(**settings), fn)


# --- keys -----------------------------------------------------------------------------------
def _bendlines_modules(module: types.ModuleType) -> set[types.ModuleType]:
    """``module`` and every ``bendlines`` module reachable from its globals.

    A package's attributes are not followed (they list whichever submodules happen to be
    imported); its ``__init__`` code still counts.
    """
    seen: dict[str, types.ModuleType] = {}
    todo = [module]
    while todo:
        mod = todo.pop()
        if mod.__name__ in seen:
            continue
        seen[mod.__name__] = mod
        if hasattr(mod, "__path__"):  # a package: its submodules are attributes once imported
            continue
        for value in vars(mod).values():
            if isinstance(value, types.ModuleType):
                target = value
            else:
                name = getattr(value, "__module__", None)
                target = sys.modules.get(name) if isinstance(name, str) else None
            if target is not None and target.__name__.split(".")[0] == "bendlines":
                todo.append(target)
    return set(seen.values())


_WITH_DOCSTRING = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def _plain(node: object) -> object:
    """A syntax tree as JSON-ready lists: node type and fields, leaving out empty fields (so a
    field that a newer Python adds empty, such as ``type_params``, changes nothing)."""
    if isinstance(node, ast.AST):
        fields = {}
        for name, value in ast.iter_fields(node):
            if value is None or (isinstance(value, list) and not value):
                continue
            fields[name] = _plain(value)
        return [type(node).__name__, fields]
    if isinstance(node, list):
        return [_plain(item) for item in node]
    return repr(node)  # a constant: its type shows (1 and 1.0 and "1" differ)


def normalised_code(source: str) -> str:
    """What a module's source *does*: its syntax tree without docstrings, as canonical JSON.

    Comments and layout are not in the tree; docstrings (a string as the first statement of a
    module, class or function) are removed; line and column numbers are left out.
    """
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, _WITH_DOCSTRING) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                node.body = node.body[1:]
    return json.dumps(_plain(tree), separators=(",", ":"))


@cache
def code_digest(module_name: str) -> str:
    """SHA-256 of the code (:func:`normalised_code`) of a module and of the ``bendlines``
    modules it uses."""
    module = importlib.import_module(module_name)
    sha = hashlib.sha256()
    for mod in sorted(_bendlines_modules(module), key=lambda m: m.__name__):
        path = getattr(mod, "__file__", None)
        sha.update(mod.__name__.encode() + b"\0")
        code = normalised_code(Path(path).read_text(encoding="utf-8")) if path else "<no source>"
        sha.update(code.encode() + b"\0")
    return sha.hexdigest()


def _canonical(settings: Mapping) -> str:
    try:
        return json.dumps(settings, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"settings must be plain JSON values (finite numbers): {error}") from None


def _name(fn: Callable) -> str:
    module, qualname = getattr(fn, "__module__", None), getattr(fn, "__qualname__", "")
    if not module or "<" in qualname or not callable(fn):
        raise ValueError(f"an experiment must be a module-level function, got {fn!r}")
    return f"{module}.{qualname}"


def entry_key(fn: Callable, settings: Mapping) -> str:
    """The digest naming the entry of ``fn`` run with ``settings`` (64 hex digits)."""
    text = json.dumps(
        {
            "function": _name(fn),
            "settings": json.loads(_canonical(settings)),
            "code": code_digest(fn.__module__),
            "numpy": np.__version__,
            "reference": blas.REFERENCE,
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def shard_of(key: str, shards: int) -> int:
    """The shard (1 to ``shards``) an entry's key falls in: the same on every machine."""
    return int(key[:16], 16) % shards + 1


# --- kernels --------------------------------------------------------------------------------
def _kernel_name(runtime: Mapping) -> str:
    targets = ",".join(runtime.get("numpy_targets") or []) or "no dispatch"
    return f"{runtime.get('blas')} {runtime.get('kernel')} with numpy's {targets} code"


def kernel_mismatch(made_with: Mapping | None) -> str | None:
    """One line saying why this process cannot reproduce the bits of an entry made with
    ``made_with`` (its stored :func:`bendlines.blas.runtime`), or ``None`` when it can."""
    here = blas.mismatch()
    if here is not None:
        return here
    if made_with is None:
        return None
    now = blas.runtime()
    if all(made_with.get(k) == now[k] for k in ("blas", "kernel", "numpy_targets")):
        return None
    return (
        f"the entry was made with {_kernel_name(made_with)}, this process runs the reference "
        f"{_kernel_name(now)}: recompute it with `python -m bendlines.experiments` under the "
        "reference (bendlines sets it when imported before numpy)"
    )


# --- the store ------------------------------------------------------------------------------
class Store:
    """A folder of result entries.

    Parameters
    ----------
    root : path
        Folder holding the ``.npz`` entries (created on the first save).
    """

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    def path(self, fn: Callable, settings: Mapping) -> Path:
        """File of the entry of ``fn`` with ``settings`` (whether or not it exists)."""
        short = _name(fn).removeprefix("bendlines.experiments.").replace(".", "-")
        return self.root / f"{short}-{entry_key(fn, settings)[:20]}.npz"

    def load(self, fn: Callable, **settings) -> tuple[Result, dict] | None:
        """The stored arrays and metadata (key, function, settings, ``runtime``: the kernels
        that computed it), or None on a miss."""
        path = self.path(fn, settings)
        if not path.exists():
            return None
        return _read(path, entry_key(fn, settings))

    def peek(self, fn: Callable, **settings) -> Result | None:
        """The stored result, or None on a miss (never computes)."""
        found = self.load(fn, **settings)
        return None if found is None else found[0]

    def get(self, fn: Callable, **settings) -> Result:
        """The stored result of ``fn(**settings)``, computed and saved on a miss."""
        found = self.peek(fn, **settings)
        return found if found is not None else self.compute(fn, **settings)

    def compute(self, fn: Callable, **settings) -> Result:
        """Compute ``fn(**settings)`` (on one BLAS thread), save it (replacing any entry) and
        return it."""
        result = _run(fn, settings)
        self.save(fn, settings, result)
        return result

    def save(
        self, fn: Callable, settings: Mapping, result: Mapping, runtime: Mapping | None = None
    ) -> Path:
        """Write an entry whole: a temporary file in the same folder, then a rename.

        ``runtime`` names the kernels that computed it (default: this process's,
        :func:`bendlines.blas.runtime`).
        """
        result = _as_result(result, fn)
        meta = {
            "key": entry_key(fn, settings),
            "function": _name(fn),
            "settings": settings,
            "runtime": dict(runtime) if runtime is not None else blas.runtime(),
        }
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **{_META: np.array(json.dumps(meta))}, **result)
        path = self.path(fn, settings)
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(buffer.getvalue())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def verify(self, fn: Callable, rtol: float = 0.0, atol: float = 0.0, **settings) -> Result:
        """Recompute an entry (on one BLAS thread, as every entry is made) and check it against
        the stored one, bit for bit by default.

        Returns the recomputed result. Raises :class:`KernelMismatchError` (one line, before
        computing) where the bits cannot match: this process or the entry's maker ran other
        kernels than the reference. Raises AssertionError when the entry is missing (not a
        pass) or differs.
        """
        found = self.load(fn, **settings)
        if found is None:
            raise AssertionError(
                f"no stored entry for {_name(fn)} {settings}: run make experiments"
            )
        stored, meta = found
        reason = kernel_mismatch(meta.get("runtime"))
        if reason is not None:
            raise KernelMismatchError(f"{_name(fn)} cannot be checked bit for bit here: {reason}")
        fresh = _run(fn, settings)
        if set(fresh) != set(stored):
            raise AssertionError(f"{_name(fn)}: arrays {sorted(fresh)} != stored {sorted(stored)}")
        for name in fresh:
            np.testing.assert_allclose(
                fresh[name], stored[name], rtol=rtol, atol=atol, err_msg=f"{_name(fn)}[{name}]"
            )
        return fresh

    def missing(self, tasks: Iterable[Task], shard: tuple[int, int] | None = None, log=None):
        """The tasks without a readable entry (in shard ``(k, n)`` only, if given), once each."""
        out: dict[Path, Task] = {}
        for fn, settings in tasks:
            if shard is not None and shard_of(entry_key(fn, settings), shard[1]) != shard[0]:
                continue
            try:
                if self.peek(fn, **settings) is not None:
                    continue
            except CorruptEntryError as error:
                if log:
                    log(f"replacing {error}")
            out.setdefault(self.path(fn, settings), (fn, settings))
        return list(out.values())

    def fill(
        self,
        task_source: Callable[[], Iterable[Task]],
        workers: int = 2,
        executor: Executor | None = None,
        shard: tuple[int, int] | None = None,
        log=None,
    ) -> int:
        """Compute every missing (or corrupt) entry of ``task_source()``, calling it again until
        nothing is missing (a task list may depend on stored results, such as a grid extended
        at its edge).

        Parameters
        ----------
        task_source : callable
            Returns ``(function, settings)`` pairs.
        workers : int
            Local processes, when no ``executor`` is given.
        executor : concurrent.futures.Executor, optional
            Where to compute, for instance a Dask ``Client(address).get_executor()``. Its
            workers return results; this process writes every entry.
        shard : (k, n), optional
            Compute only the missing entries whose key falls in shard k of n
            (:func:`shard_of`); n machines with k = 1..n together compute all of them.
        log : callable, optional
            Called with a line of progress.

        Returns the number of entries computed.
        """
        if shard is not None and not (1 <= shard[0] <= shard[1]):
            raise ValueError(f"shard must be (k, n) with 1 <= k <= n, got {shard}")
        done = 0
        while True:
            missing = self.missing(task_source(), shard, log)
            if not missing:
                return done
            if executor is not None:
                done += self._compute_all(executor, missing, done, log)
                continue
            with ProcessPoolExecutor(max_workers=workers) as pool:
                done += self._compute_all(pool, missing, done, log)

    def _compute_all(self, executor: Executor, missing: list[Task], done: int, log) -> int:
        if log:
            log(f"computing {len(missing)} entries on {_describe(executor)}")
        futures = {executor.submit(_compute, fn, s): (fn, s) for fn, s in missing}
        warned = False
        for count, future in enumerate(as_completed(futures), start=done + 1):
            fn, settings = futures[future]
            result, runtime = future.result()
            path = self.save(fn, settings, result, runtime)
            reason = blas.mismatch(runtime)
            if log and reason is not None and not warned:
                log(f"warning: the entries are not the reference's bits: {reason}")
                warned = True
            if log:
                log(f"  [{count}] {path.name}")
        return len(futures)

    def entries(self) -> list[Path]:
        """Stored entry files."""
        return sorted(self.root.glob("*.npz")) if self.root.is_dir() else []


def _describe(executor: Executor) -> str:
    workers = getattr(executor, "_max_workers", None)
    return f"{workers} processes" if workers else type(executor).__name__


def _compute(fn: Callable, settings: dict) -> tuple[Result, dict]:
    """Run in a worker: the result and the kernels that computed it (nothing written)."""
    return _run(fn, settings), blas.runtime()


def _as_result(result, fn) -> Result:
    if not isinstance(result, Mapping) or not all(isinstance(k, str) for k in result):
        raise TypeError(f"{_name(fn)} must return a dict of str -> array, got {type(result)}")
    if _META in result:
        raise ValueError(f"{_META!r} is reserved")
    out = {k: np.asarray(v) for k, v in result.items()}
    for k, v in out.items():
        if v.dtype == object:
            raise TypeError(f"{_name(fn)}[{k!r}] is not a numeric or string array")
    return out


def _read(path: Path, key: str) -> tuple[Result, dict]:
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        meta = json.loads(str(arrays.pop(_META)))
    except Exception as error:
        raise CorruptEntryError(
            f"{path}: unreadable results entry ({type(error).__name__}: {error}); "
            "delete it or run `make experiments` to recompute it"
        ) from None
    if meta.get("key") != key:
        raise CorruptEntryError(
            f"{path}: the stored key does not match the code and settings; "
            "delete it or run `make experiments` to recompute it"
        )
    return arrays, meta


# --- the default store ----------------------------------------------------------------------
def _checkout_root() -> Path | None:
    """The top of the repository when this module runs from a checkout's ``src/``."""
    here = Path(__file__).resolve()
    root = here.parents[2]
    if (root / "pyproject.toml").is_file() and here == (root / "src" / "bendlines" / here.name):
        return root
    return None


def default_root() -> Path:
    """The default store's folder: ``BENDLINES_RESULTS`` if set; else ``results/`` at the top
    of a checkout; else (an installed package) ``results`` in the user's cache folder, never
    inside the installation."""
    chosen = os.environ.get(ENVIRONMENT)
    if chosen:
        return Path(chosen)
    root = _checkout_root()
    if root is not None:
        return root / "results"
    import platformdirs

    return Path(platformdirs.user_cache_dir("bendlines")) / "results"


def default_store() -> Store:
    """The store at :func:`default_root`."""
    return Store(default_root())


def get(fn: Callable, **settings) -> Result:
    """:meth:`Store.get` on the default store."""
    return default_store().get(fn, **settings)


def peek(fn: Callable, **settings) -> Result | None:
    """:meth:`Store.peek` on the default store."""
    return default_store().peek(fn, **settings)


def verify(fn: Callable, **kwargs) -> Result:
    """:meth:`Store.verify` on the default store."""
    return default_store().verify(fn, **kwargs)


# --- whole-store operations over a task list ------------------------------------------------
def _prefix(path: Path) -> str:
    return path.name.rsplit("-", 1)[0]


def prune(tasks: Iterable[Task], store: Store | None = None) -> list[Path]:
    """Delete entries of the functions in ``tasks`` that no task names (results of older code
    or settings); entries of other functions are left alone. Returns the deleted files."""
    store = store or default_store()
    keep = {store.path(fn, settings) for fn, settings in tasks}
    prefixes = {_prefix(path) for path in keep}
    gone = [p for p in store.entries() if _prefix(p) in prefixes and p not in keep]
    for path in gone:
        path.unlink()
    return gone


def compare(
    reference: str | os.PathLike, tasks: Iterable[Task], store: Store | None = None
) -> list[str]:
    """Compare every task's entry in ``store`` with the entry of the same name under
    ``reference`` (for instance a recomputation elsewhere against the committed ``results/``),
    bit for bit.

    Returns
    -------
    list of str
        One line per entry that is missing on either side or differs; where the two entries
        were made with different kernels, one line saying so (their bits cannot match).
    """
    store = store or default_store()
    other = Store(reference)
    problems = []
    kernels: dict[tuple[str, str], int] = {}
    for fn, settings in tasks:
        mine, theirs = store.load(fn, **settings), other.load(fn, **settings)
        name = store.path(fn, settings).name
        if mine is None or theirs is None:
            problems.append(f"{name}: missing in {store.root if mine is None else other.root}")
            continue
        made = tuple(_kernel_name(side[1].get("runtime") or {}) for side in (mine, theirs))
        if made[0] != made[1]:
            kernels[made] = kernels.get(made, 0) + 1
            continue
        for key in sorted(set(mine[0]) | set(theirs[0])):
            a, b = mine[0].get(key), theirs[0].get(key)
            if a is None or b is None or a.shape != b.shape:
                problems.append(f"{name}[{key}]: present or shaped differently")
            elif not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"):
                problems.append(f"{name}[{key}]: differs")
    for (here, there), count in kernels.items():
        problems.insert(
            0,
            f"{count} entries were made with {here} in {store.root} but with {there} in "
            f"{other.root}, so their bits cannot match: make both under the reference "
            f"({blas.CORETYPE}={blas.REFERENCE['kernel']}, set by importing bendlines first)",
        )
    return problems
