"""A store for heavy experiment results, keyed by the code and settings that produce them.

An *experiment* is a module-level function that takes keyword settings (numbers, strings,
booleans, lists and dicts of them) and returns a dict of numpy arrays. :func:`get` returns
its result for some settings: read from the store when an entry exists, computed and saved
when it does not. The entry's *key* is a SHA-256 digest of

* the function's qualified name and its settings (canonical JSON),
* the source of the function's module and of every ``bendlines`` module it uses, directly or
  through other ``bendlines`` modules (found by following their imports),
* the numpy version.

So an entry is never stale: editing the code or the settings changes the key, which is a miss,
and the result is computed again. Entries are ``.npz`` files in ``results/`` at the top of the
repository (committed with the book), each holding its key and settings beside the arrays;
they are written whole (a temporary file, then a rename). An entry that cannot be read, or
whose stored key does not match its name, raises :class:`CorruptEntryError` naming the file;
``make experiments`` (``python -m bendlines.results``) replaces it.

Modules under :mod:`bendlines.experiments` list their heavy entries in a function
``results_tasks()`` returning ``(function, settings)`` pairs; :func:`fill` computes the
missing ones on several processes, calling ``results_tasks()`` again until nothing is missing
(so a task list may depend on results already stored, such as a grid extended at its edge).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import io
import json
import os
import pkgutil
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np

__all__ = [
    "CorruptEntryError",
    "Store",
    "code_digest",
    "compare",
    "default_store",
    "entry_key",
    "fill",
    "get",
    "peek",
    "prune",
    "tasks",
    "verify",
]

ROOT = Path(__file__).resolve().parents[2]
_META = "__meta__"
Result = dict[str, np.ndarray]
Task = tuple[Callable[..., Mapping], dict]


class CorruptEntryError(RuntimeError):
    """A stored entry that cannot be read or does not match its key."""


# --- keys -----------------------------------------------------------------------------------
def _bendlines_modules(module: types.ModuleType) -> set[types.ModuleType]:
    """``module`` and every ``bendlines`` module reachable from its globals.

    A package's attributes are not followed (they list whichever submodules happen to be
    imported); its ``__init__`` source still counts.
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


@cache
def code_digest(module_name: str) -> str:
    """SHA-256 of the source files of a module and of the ``bendlines`` modules it uses."""
    module = importlib.import_module(module_name)
    sha = hashlib.sha256()
    for mod in sorted(_bendlines_modules(module), key=lambda m: m.__name__):
        path = getattr(mod, "__file__", None)
        sha.update(mod.__name__.encode() + b"\0")
        sha.update(Path(path).read_bytes() if path else b"<no source>")
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
        },
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


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

    def peek(self, fn: Callable, **settings) -> Result | None:
        """The stored result, or None on a miss (never computes)."""
        path = self.path(fn, settings)
        if not path.exists():
            return None
        return _read(path, entry_key(fn, settings))

    def get(self, fn: Callable, **settings) -> Result:
        """The stored result of ``fn(**settings)``, computed and saved on a miss."""
        found = self.peek(fn, **settings)
        return found if found is not None else self.compute(fn, **settings)

    def compute(self, fn: Callable, **settings) -> Result:
        """Compute ``fn(**settings)``, save it (replacing any entry) and return it."""
        result = _as_result(fn(**settings), fn)
        self.save(fn, settings, result)
        return result

    def save(self, fn: Callable, settings: Mapping, result: Mapping) -> Path:
        """Write an entry whole: a temporary file in the same folder, then a rename."""
        result = _as_result(result, fn)
        key = entry_key(fn, settings)
        meta = json.dumps({"key": key, "function": _name(fn), "settings": settings})
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **{_META: np.array(meta)}, **result)
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

    def verify(self, fn: Callable, rtol: float = 1e-6, atol: float = 1e-9, **settings) -> Result:
        """Recompute an entry and check it against the stored one (raises AssertionError).

        Returns the recomputed result. A missing entry is an error, not a pass.
        """
        stored = self.peek(fn, **settings)
        if stored is None:
            raise AssertionError(
                f"no stored entry for {_name(fn)} {settings}: run make experiments"
            )
        fresh = _as_result(fn(**settings), fn)
        if set(fresh) != set(stored):
            raise AssertionError(f"{_name(fn)}: arrays {sorted(fresh)} != stored {sorted(stored)}")
        for name in fresh:
            np.testing.assert_allclose(
                fresh[name], stored[name], rtol=rtol, atol=atol, err_msg=f"{_name(fn)}[{name}]"
            )
        return fresh

    def fill(self, task_source: Callable[[], Iterable[Task]], workers: int = 2, log=None) -> int:
        """Compute every missing (or corrupt) entry of ``task_source()`` on ``workers``
        processes, calling ``task_source()`` again until nothing is missing.

        Returns the number of entries computed.
        """
        done = 0
        while True:
            missing = []
            for fn, settings in task_source():
                try:
                    if self.peek(fn, **settings) is None:
                        missing.append((fn, settings))
                except CorruptEntryError as error:
                    if log:
                        log(f"replacing {error}")
                    missing.append((fn, settings))
            missing = list({self.path(fn, s): (fn, s) for fn, s in missing}.values())
            if not missing:
                return done
            if log:
                log(f"computing {len(missing)} entries on {workers} processes")
            with ProcessPoolExecutor(max_workers=workers) as pool:
                futures = [
                    pool.submit(_compute_in_worker, str(self.root), fn, s) for fn, s in missing
                ]
                for future in futures:
                    path = future.result()
                    done += 1
                    if log:
                        log(f"  [{done}] {path.name}")

    def entries(self) -> list[Path]:
        """Stored entry files."""
        return sorted(self.root.glob("*.npz")) if self.root.is_dir() else []


def _compute_in_worker(root: str, fn: Callable, settings: dict) -> Path:
    store = Store(root)
    store.compute(fn, **settings)
    return store.path(fn, settings)


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


def _read(path: Path, key: str) -> Result:
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
    return arrays


# --- the default store and the repository's task list ---------------------------------------
def default_store() -> Store:
    """The repository's store: ``results/`` at the top (``BENDLINES_RESULTS`` overrides)."""
    return Store(os.environ.get("BENDLINES_RESULTS") or ROOT / "results")


def get(fn: Callable, **settings) -> Result:
    """:meth:`Store.get` on the default store."""
    return default_store().get(fn, **settings)


def peek(fn: Callable, **settings) -> Result | None:
    """:meth:`Store.peek` on the default store."""
    return default_store().peek(fn, **settings)


def verify(fn: Callable, **kwargs) -> Result:
    """:meth:`Store.verify` on the default store."""
    return default_store().verify(fn, **kwargs)


def tasks() -> list[Task]:
    """Every ``(function, settings)`` pair listed by ``results_tasks()`` in the modules of
    :mod:`bendlines.experiments`."""
    import bendlines.experiments as package

    out: list[Task] = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if callable(getattr(module, "results_tasks", None)):
            out.extend(module.results_tasks())
    return out


def fill(workers: int = 2, store: Store | None = None, log=None) -> int:
    """Fill a store (default: the repository's) with every task of :func:`tasks`."""
    return (store or default_store()).fill(tasks, workers=workers, log=log)


def _prefix(path: Path) -> str:
    return path.name.rsplit("-", 1)[0]


def prune(store: Store | None = None) -> list[Path]:
    """Delete entries of the task functions that no current task names (results of older code
    or settings); entries of other functions are left alone. Returns the deleted files."""
    store = store or default_store()
    keep = {store.path(fn, settings) for fn, settings in tasks()}
    prefixes = {_prefix(path) for path in keep}
    gone = [p for p in store.entries() if _prefix(p) in prefixes and p not in keep]
    for path in gone:
        path.unlink()
    return gone


def compare(reference: str | os.PathLike, store: Store | None = None, rtol: float = 1e-5,
            atol: float = 1e-6) -> list[str]:  # fmt: skip
    """Compare every task's entry in ``store`` with the entry of the same name under
    ``reference`` (for instance a fresh recomputation against the committed ``results/``).

    Returns
    -------
    list of str
        One line per entry that is missing on either side or differs.
    """
    store = store or default_store()
    other = Store(reference)
    problems = []
    for fn, settings in tasks():
        mine, theirs = store.peek(fn, **settings), other.peek(fn, **settings)
        name = store.path(fn, settings).name
        if mine is None or theirs is None:
            problems.append(f"{name}: missing in {store.root if mine is None else other.root}")
            continue
        for key in sorted(set(mine) | set(theirs)):
            a, b = mine.get(key), theirs.get(key)
            if a is None or b is None or a.shape != b.shape:
                problems.append(f"{name}[{key}]: present or shaped differently")
            elif not np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
                problems.append(f"{name}[{key}]: differs")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Fill the repository's store (``results/``, or ``BENDLINES_RESULTS``) with every task."""
    parser = argparse.ArgumentParser(prog="python -m bendlines.results", description=main.__doc__)
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--prune", action="store_true", help="delete entries no task names")
    parser.add_argument(
        "--compare", metavar="DIR", help="then compare every entry with the store in DIR"
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.compare and not Path(args.compare).is_dir():
        parser.error(f"--compare: {args.compare} is not a folder")
    start = time.perf_counter()
    n = fill(workers=args.workers, log=lambda text: print(text, flush=True))
    print(f"computed {n} entries in {time.perf_counter() - start:.1f} s", flush=True)
    if args.prune:
        for path in prune():
            print(f"removed stale {path.name}")
    if args.compare:
        problems = compare(args.compare)
        print("\n".join(problems) or f"every entry matches {args.compare}")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
