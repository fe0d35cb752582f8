"""Run sphinx-build only when something it reads changed: the no-change ``make book``.

``make book`` runs::

    python book/_ext/bendlines_build_inputs.py --outdir OUT -- sphinx-build ARGS... OUT

which computes one digest of every input of the build and compares it with the digest the
last successful build into ``OUT`` recorded (``.OUT-inputs.json`` next to ``OUT``, in the
build folder). When they are equal and every file that build wrote is still there unchanged,
sphinx-build is skipped; otherwise it runs, and the digest is recorded only if it succeeds.

The inputs (:func:`input_files`) are every file of the repository except folders that are
provably not read by the build: version control, virtual environments, build outputs and
caches (``_build``, ``__pycache__``, ...), and the test and benchmark suites and CI
configuration, which nothing under ``book/`` or ``src/`` reads. So a chapter, the package's
modules and data, the figure scripts, the stored results, ``book/_ext``, ``book/_static``,
templates, ``conf.py``, the bibliography, the lock files, ``pyproject.toml``, the licences
and ``CITATION.cff`` all count, as does any file added later in those places. To these the
digest adds what the build reads from outside the repository (:func:`environment_facts`):
the sphinx-build command line, the Python version, the installed distributions, the
environment variables that steer the build, the chapters, OpenBLAS or matplotlib, a results
store chosen by ``BENDLINES_RESULTS`` and a matplotlibrc, the Chromium binary that prints the
PDF, and the day (the PDF's title page prints it, unless ``SOURCE_DATE_EPOCH`` fixes it).

Inputs are compared by content (SHA-256), never by modification time; the outputs' sizes and
modification times only tell whether a file the last build wrote was deleted or touched since
(then the build runs). ``BENDLINES_ALWAYS_BUILD=1`` runs sphinx-build regardless.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import shutil
import site
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bendlines_freshness import digest

__all__ = [
    "environment_facts",
    "input_digest",
    "input_files",
    "main",
    "output_manifest",
]

ROOT = Path(__file__).resolve().parents[2]
#: Folders, by name at any depth, that hold no input: version control, caches, build outputs.
NOT_INPUT_NAMES = frozenset(
    {
        ".git",
        "__pycache__",
        "_build",
        ".pytest_cache",
        ".ruff_cache",
        ".mypy_cache",
        ".hypothesis",
        ".ipynb_checkpoints",
        "node_modules",
    }
)
#: Top-level folders the build never reads: the virtual environment (its packages count
#: through :func:`installed_distributions`), the tests, the benchmarks and CI configuration.
NOT_INPUT_TOP = frozenset(
    {".venv", "venv", "tests", "benchmarks", ".github", ".ci", "test-artifacts"}
)
#: Environment variables that steer the build, by prefix: the book's own, the BLAS and numpy
#: kernels and threads, Python's and Jupyter's, matplotlib's, Sphinx's.
ENVIRONMENT_PREFIXES = (
    "BENDLINES_",
    "OPENBLAS_",
    "OMP_",
    "MKL_",
    "NPY_",
    "NUMPY_",
    "PYTHON",
    "JUPYTER",
    "JPY_",
    "IPYTHON",
    "MPL",
    "SPHINX",
    "LC_",
)
ENVIRONMENT_NAMES = frozenset(
    {"SOURCE_DATE_EPOCH", "CI", "PATH", "LANG", "LANGUAGE", "TZ", "HOME", "XDG_CACHE_HOME",
     "XDG_CONFIG_HOME", "CHROME_PATH"}
)  # fmt: skip
ALWAYS = "BENDLINES_ALWAYS_BUILD"


def _skipped_folder(relative: Path) -> bool:
    parts = relative.parts
    if parts and parts[0] in NOT_INPUT_TOP:
        return True
    return any(part in NOT_INPUT_NAMES or part.endswith(".egg-info") for part in parts)


def input_files(root: Path = ROOT, skip: Iterable[Path] = ()) -> list[Path]:
    """Every file under ``root`` the build may read (see the module's docstring), sorted;
    ``skip``: further folders to leave out (the output folder, when it is under ``root``)."""
    skipped = {Path(p).absolute() for p in skip}
    root = Path(root).absolute()
    found = []
    visited = set()  # folders by their real path: a linked folder counts once, and no loop
    for folder, subfolders, files in os.walk(root, followlinks=True):
        here = Path(folder)
        relative = here.relative_to(root)
        visited.add(here.resolve())
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not _skipped_folder(relative / name)
            and here / name not in skipped
            and (here / name).resolve() not in visited
        )
        for name in files:
            if name in NOT_INPUT_NAMES or name.endswith((".pyc", ".pyo")):
                continue
            if not relative.parts and name in NOT_INPUT_TOP:
                continue
            path = here / name
            if path not in skipped and path.is_file():
                found.append(path)
    return sorted(found)


def installed_distributions() -> list[str]:
    """The entries of this Python's site-packages folders (each distribution's
    ``NAME-VERSION.dist-info``, and ``.pth`` files with their content: editable installs)."""
    entries = []
    for folder in sorted({*site.getsitepackages(), site.getusersitepackages()}):
        path = Path(folder)
        if not path.is_dir():
            continue
        for entry in sorted(path.iterdir()):
            if entry.name.endswith(".dist-info"):
                entries.append(entry.name)
            elif entry.suffix == ".pth":
                entries.append(f"{entry.name}:{entry.read_text(errors='replace')}")
    return entries


def _external_file(path: Path) -> str:
    """A file outside the repository the build reads: its content's digest, or ``missing``."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _external_folder(folder: Path) -> str:
    if not folder.is_dir():
        return "missing"
    return digest((p for p in folder.rglob("*") if p.is_file()), folder)


def _binary_identity(path: str | None) -> list[object] | None:
    """A large program the build runs (Chromium): its resolved path, size and mtime (hashing
    hundreds of megabytes on every build would cost more than the build)."""
    if path is None or not Path(path).exists():
        return None
    real = Path(path).resolve()
    status = real.stat()
    return [str(real), status.st_size, status.st_mtime_ns]


def today() -> str:
    """The day (UTC), as the PDF's title page prints it when no date is fixed."""
    return datetime.datetime.now(datetime.UTC).date().isoformat()


def environment_facts(
    command: Sequence[str], root: Path = ROOT, environ: Mapping[str, str] | None = None
) -> dict[str, object]:
    """What the build reads from outside the repository's files (see the module docstring)."""
    environ = os.environ if environ is None else environ
    variables = {
        name: value
        for name, value in environ.items()
        if name != ALWAYS and (name in ENVIRONMENT_NAMES or name.startswith(ENVIRONMENT_PREFIXES))
    }
    facts: dict[str, object] = {
        "command": list(command),
        "python": [sys.version, sys.executable],
        "distributions": installed_distributions(),
        "environment": dict(sorted(variables.items())),
    }
    if not environ.get("SOURCE_DATE_EPOCH"):  # the PDF's title page prints the day
        facts["day"] = today()
    store = environ.get("BENDLINES_RESULTS")
    if store and not Path(store).resolve().is_relative_to(root.resolve()):
        facts["results store"] = _external_folder(Path(store))
    config = environ.get("MPLCONFIGDIR") or str(
        Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "matplotlib"
    )
    facts["matplotlibrc"] = _external_file(Path(config) / "matplotlibrc")
    chromium = environ.get("CHROME_PATH") or shutil.which("chromium", path=environ.get("PATH"))
    # Debian's /usr/bin/chromium is a launcher script for the program in /usr/lib/chromium
    facts["chromium"] = [
        _binary_identity(chromium or "/usr/bin/chromium"),
        _binary_identity("/usr/lib/chromium/chromium"),
    ]
    return facts


def input_digest(
    command: Sequence[str],
    root: Path = ROOT,
    environ: Mapping[str, str] | None = None,
    skip: Iterable[Path] = (),
) -> str:
    """One SHA-256 of every input file (names and contents) and the environment's facts."""
    files = digest(input_files(root, skip), root)
    facts = json.dumps(environment_facts(command, root, environ), sort_keys=True)
    return hashlib.sha256(f"{files}\0{facts}".encode()).hexdigest()


def output_manifest(outdir: Path) -> dict[str, list[int]]:
    """Every file under ``outdir``: its size and modification time, by relative name."""
    manifest = {}
    for folder, _, files in os.walk(outdir):
        for name in files:
            path = Path(folder) / name
            status = path.stat()
            manifest[path.relative_to(outdir).as_posix()] = [status.st_size, status.st_mtime_ns]
    return dict(sorted(manifest.items()))


def _outputs_intact(outdir: Path, manifest: Mapping[str, list[int]]) -> bool:
    if not manifest:
        return False
    for name, (size, mtime) in manifest.items():
        try:
            status = (outdir / name).stat()
        except OSError:
            return False
        if status.st_size != size or status.st_mtime_ns != mtime:
            return False
    return True


def stamp_path(outdir: Path) -> Path:
    """Where the last successful build into ``outdir`` is recorded (next to it)."""
    return outdir.parent / f".{outdir.name}-inputs.json"


def up_to_date(outdir: Path, current: str) -> bool:
    """Whether the last build into ``outdir`` succeeded from ``current`` inputs and every
    file it wrote is still there as it left it."""
    try:
        recorded = json.loads(stamp_path(outdir).read_text(encoding="utf-8"))
        return recorded["inputs"] == current and _outputs_intact(outdir, recorded["outputs"])
    except (OSError, ValueError, KeyError, TypeError):
        return False


def record(outdir: Path, current: str) -> None:
    """Remember that ``outdir`` now holds the build of ``current`` inputs (written whole)."""
    stamp = stamp_path(outdir)
    partial = stamp.with_name(stamp.name + ".partial")
    data = {"inputs": current, "outputs": output_manifest(outdir)}
    partial.write_text(json.dumps(data, indent=0), encoding="utf-8")
    os.replace(partial, stamp)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outdir", required=True, type=Path, help="sphinx-build's output folder")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- sphinx-build ARGS...")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no build command given (after --)")
    outdir = args.outdir.absolute()
    skip = [outdir, stamp_path(outdir)]
    current = input_digest(command, ROOT, skip=skip)
    if os.environ.get(ALWAYS) != "1" and up_to_date(outdir, current):
        print(f"{args.outdir} is up to date: no input of the book changed since its last build")
        return 0
    stamp_path(outdir).unlink(missing_ok=True)
    result = subprocess.run(command)
    # an input edited while the build ran may not be in its output: then nothing is recorded
    if result.returncode == 0 and input_digest(command, ROOT, skip=skip) == current:
        record(outdir, current)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
