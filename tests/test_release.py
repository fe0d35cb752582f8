"""Licences, citation and version: the version is written once and read everywhere."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import bendlines

ROOT = Path(__file__).resolve().parents[1]


def test_the_version_is_written_once_in_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "src/bendlines/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:[ab]\d+|rc\d+)?", bendlines.__version__)


def test_the_book_citation_and_changelog_name_the_same_version():
    conf = (ROOT / "book" / "conf.py").read_text()
    assert "__version__" in conf and "version = release" in conf  # read, not repeated
    citation = (ROOT / "CITATION.cff").read_text()
    assert re.search(r'^version: "([^"]+)"$', citation, re.M)[1] == bendlines.__version__
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(r"^## (\S+)", changelog, re.M)[1] == bendlines.__version__


def test_citation_file_is_complete():
    citation = (ROOT / "CITATION.cff").read_text()
    for key in ("cff-version: 1.2.0", "message:", "title:", "authors:", "license:", "url:"):
        assert key in citation
    assert "- MIT" in citation and "- CC-BY-4.0" in citation


def test_licences_for_code_and_for_prose_and_figures():
    code = (ROOT / "LICENSE").read_text()
    assert code.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in code
    content = (ROOT / "LICENSE-CONTENT.md").read_text()
    assert "https://creativecommons.org/licenses/by/4.0/" in content and "CC BY 4.0" in content
    readme = (ROOT / "README.md").read_text()
    assert "LICENSE-CONTENT.md" in readme and "CC BY 4.0" in readme and "MIT" in readme


def test_the_wheel_carries_the_version_and_the_licence(tmp_path):
    """Built from the source tree, the wheel's metadata reads the version from the package."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("bendlines-*.whl")
    assert wheel.name.startswith(f"bendlines-{bendlines.__version__}-")
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith("METADATA"))
        text = archive.read(metadata).decode()
    assert f"Version: {bendlines.__version__}" in text and "MIT" in text
