"""Skip build steps whose inputs did not change: a rebuild with no change does no work.

A step (the widgets' data, the chapter downloads) names the files it reads; :func:`digest`
hashes their names and contents, and a :class:`Stamp` in the doctree folder remembers the
digest of the last run that wrote the step's outputs. When the digest is the same and every
output is still there, the step is skipped.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["Stamp", "digest", "files_under"]


def files_under(folder: Path, pattern: str = "*") -> list[Path]:
    """Files below ``folder`` matching ``pattern``, without bytecode caches."""
    return sorted(
        path
        for path in folder.rglob(pattern)
        if path.is_file() and "__pycache__" not in path.parts and "_build" not in path.parts
    )


def digest(paths: Iterable[Path], root: Path) -> str:
    """SHA-256 of the files' paths (relative to ``root``) and contents, in sorted order."""
    sha = hashlib.sha256()
    for path in sorted(set(paths)):
        # named relative to the book's root, so a moved checkout keeps its stamps (the build
        # glue itself may live elsewhere, as in the tests: then by its full path)
        name = path.relative_to(root) if path.is_relative_to(root) else path
        sha.update(str(name).encode() + b"\0")
        sha.update(path.read_bytes() if path.is_file() else b"<missing>")
        sha.update(b"\0")
    return sha.hexdigest()


class Stamp:
    """The digest a step's outputs were last written from, kept in ``folder/NAME.sha256``."""

    def __init__(self, folder: str | os.PathLike, name: str):
        self.path = Path(folder) / f"bendlines-{name}.sha256"

    def fresh(self, current: str, outputs: Iterable[Path]) -> bool:
        """Whether the outputs were written from ``current`` inputs and all still exist."""
        try:
            recorded = self.path.read_text(encoding="ascii").strip()
        except OSError:
            return False
        return recorded == current and all(Path(p).is_file() for p in outputs)

    def record(self, current: str) -> None:
        """Remember that the outputs now come from ``current`` inputs (written whole)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(current + "\n", encoding="ascii")
        os.replace(partial, self.path)


def write_if_changed(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` unless it already holds exactly that (its date then stays),
    through a partial file renamed into place, so nothing is ever half-written."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)
