"""The chapters' heavy runs as one task list, and the command line that fills the results store.

Each module of :mod:`bendlines.experiments` with heavy entries lists them in a function
``results_tasks()`` returning ``(function, settings)`` pairs; :func:`tasks` gathers them.
``python -m bendlines.experiments`` (``make experiments``) computes the missing ones into the
default store (:func:`bendlines.results.default_root`) with :meth:`bendlines.results.Store.fill`:

* ``--workers N``: on N local processes (default 2);
* ``--scheduler ADDRESS``: on a Dask distributed cluster (``pip install 'bendlines[cluster]'``),
  which also covers Slurm and PBS through dask-jobqueue;
* ``--shard K/N``: only shard K of N of the missing entries (chosen by key), so N machines
  fill one store whose parts merge by copying their files into one folder;
* ``--compare DIR``: then check every entry, bit for bit, against the store in DIR (made
  elsewhere);
* ``--prune``: delete entries of older code or settings.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import bendlines.experiments as _package
from bendlines import results

__all__ = ["main", "parse_shard", "tasks"]


def tasks() -> list[results.Task]:
    """Every ``(function, settings)`` pair listed by ``results_tasks()`` in the modules of
    :mod:`bendlines.experiments`."""
    out: list[results.Task] = []
    for info in pkgutil.iter_modules(_package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{_package.__name__}.{info.name}")
        if callable(getattr(module, "results_tasks", None)):
            out.extend(module.results_tasks())
    return out


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` as ``(K, N)`` with 1 <= K <= N (raises ValueError saying what is allowed)."""
    k, slash, n = text.partition("/")
    try:
        shard = (int(k), int(n))
    except ValueError:
        shard = None
    if not slash or shard is None or not 1 <= shard[0] <= shard[1]:
        raise ValueError(f"--shard wants K/N with 1 <= K <= N (such as 2/4), got {text!r}")
    return shard


class _Parser(argparse.ArgumentParser):
    """Bad options: one line on stderr, exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> _Parser:
    parser = _Parser(prog="python -m bendlines.experiments", description=__doc__.split("\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, help="local processes (default 2)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler's address")
    parser.add_argument("--shard", metavar="K/N", help="compute only shard K of N")
    parser.add_argument("--store", metavar="DIR", help="the store (default: results/)")
    parser.add_argument("--prune", action="store_true", help="delete entries no task names")
    parser.add_argument("--compare", metavar="DIR", help="then compare with the store in DIR")
    return parser


def _dask_executor(parser: _Parser, address: str, stack: ExitStack):
    try:
        from distributed import Client
    except ImportError:
        parser.error("--scheduler needs Dask distributed: pip install 'bendlines[cluster]'")
    try:
        client = stack.enter_context(Client(address, timeout="20s"))
    except (OSError, TimeoutError, ValueError) as error:
        parser.error(f"--scheduler: cannot reach a Dask scheduler at {address}: {error}")
    return client.get_executor()


def main(argv: list[str] | None = None) -> int:
    """Fill the store with every task (see the module's description for the options)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error(f"--workers must be at least 1, got {args.workers}")
    shard = None
    if args.shard is not None:
        try:
            shard = parse_shard(args.shard)
        except ValueError as error:
            parser.error(str(error))
    if args.compare is not None:
        if shard is not None:
            parser.error("--compare checks a whole store: run it without --shard, on the merge")
        if not Path(args.compare).is_dir():
            parser.error(f"--compare: {args.compare} is not a folder")
    store = results.Store(args.store) if args.store else results.default_store()
    with ExitStack() as stack:
        executor = None
        if args.scheduler is not None:
            executor = _dask_executor(parser, args.scheduler, stack)
        start = time.perf_counter()
        n = store.fill(
            tasks,
            workers=args.workers or 2,
            executor=executor,
            shard=shard,
            log=lambda text: print(text, flush=True),
        )
    print(f"computed {n} entries in {time.perf_counter() - start:.1f} s", flush=True)
    if args.prune:
        for path in results.prune(tasks(), store):
            print(f"removed stale {path.name}")
    if args.compare is not None:
        problems = results.compare(args.compare, tasks(), store)
        print("\n".join(problems) or f"every entry matches {args.compare} bit for bit")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
