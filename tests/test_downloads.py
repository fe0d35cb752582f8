"""Chapter downloads run anywhere: unpacked outside the checkout, in a fresh virtualenv that
has only nbclient and ipykernel, each notebook runs top to bottom and shows the site's numbers.

Reads the zips `make book` wrote to book/_build/html/downloads/. `make test` runs one chapter
(the quickest, the gallery); with BENDLINES_DOWNLOADS=all every chapter does (CI's weekly
downloads workflow, .github/workflows/downloads.yml). The fresh virtualenv gets
nbclient and ipykernel pinned (with hashes) from requirements.lock; the notebook's first cell
installs everything else from the download itself, so PyPI (or a pip cache) must be there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "book" / "_build" / "html"
ZIPS = sorted((SITE / "downloads").glob("*.zip")) if SITE.is_dir() else []
CHAPTERS = [
    p.stem for p in sorted(ROOT.glob("book/*.md")) if "```{code-cell}" in p.read_text("utf-8")
]
RUN = CHAPTERS if os.environ.get("BENDLINES_DOWNLOADS") == "all" else ["gallery"]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
#: MyST that plain Jupyter does not understand (roles, directives, targets, comments), found
#: by the build's own detector on the MyST parser (tests/test_myst.py checks the detector).
from bendlines_myst import myst_left  # noqa: E402

#: Glued values that measure the machine, not the lesson (how long a chapter's runs took):
#: they differ from run to run, so they are left out of the comparison.
TIMINGS = re.compile(r"seconds|elapsed|timing|duration")

pytestmark = pytest.mark.skipif(not ZIPS, reason="build the book first: make book")

RUNNER = """\
import json, sys, time
import nbformat
from nbclient import NotebookClient

notebook = nbformat.read(sys.argv[1], as_version=4)
start = time.perf_counter()
NotebookClient(notebook, timeout=1800, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(notebook, sys.argv[3])
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def glued(notebook) -> dict[str, dict[str, str]]:
    """Glued values (their text and markdown) of a notebook's outputs, by name."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                prefix = scrapbook.get("mime_prefix", "")
                data = {k[len(prefix) :]: v for k, v in output["data"].items()}
                values[scrapbook["name"]] = {
                    k: v for k, v in data.items() if k in {"text/plain", "text/markdown"}
                }
    return values


def lock_entries(names: list[str]) -> str:
    """requirements.lock's entries (with hashes) for ``names`` and what they need."""
    from bendlines_downloads import pinned_requirements

    return pinned_requirements(ROOT / "requirements.lock", names)


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory) -> Path:
    """A virtualenv with pip (the notebook's first cell installs with it), nbclient and
    ipykernel (and what they need), outside the checkout. The two are installed by uv, which
    installed this checkout's own environment (a twentieth of pip's time), else by pip."""
    folder = tmp_path_factory.mktemp("fresh")
    assert ROOT not in folder.parents
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True)
    python = folder / "venv" / "bin" / "python"
    (folder / "requirements.txt").write_text(lock_entries(["nbclient", "ipykernel"]))
    uv = Path(sys.executable).with_name("uv")
    installer = (
        [str(uv), "pip", "install", "--quiet", "--python", str(python)]
        if uv.is_file()
        else [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    )
    subprocess.run(
        [*installer, "--require-hashes", "-r", str(folder / "requirements.txt")],
        check=True,
        timeout=900,
    )
    return python


def test_every_chapter_has_a_download():
    assert {p.stem for p in ZIPS} == set(CHAPTERS)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_download_holds_what_the_notebook_needs_and_no_myst(chapter):
    with zipfile.ZipFile(SITE / "downloads" / f"{chapter}.zip") as archive:
        names = archive.namelist()
        notebook = nbformat.reads(archive.read(f"{chapter}/{chapter}.ipynb"), as_version=4)
        requirements = archive.read(f"{chapter}/requirements.txt").decode()
    nbformat.validate(notebook)
    assert all(name.startswith(f"{chapter}/") for name in names)
    assert any(re.fullmatch(rf"{chapter}/bendlines-[\d.]+-py3-none-any\.whl", n) for n in names)
    assert {f"{chapter}/LICENSE", f"{chapter}/LICENSE-CONTENT.md"} <= set(names)
    # the pins come from the lock, with hashes, and hold the package's needs but no book tools
    assert "numpy==" in requirements and "--hash=sha256:" in requirements
    assert "sphinx" not in requirements and "myst" not in requirements
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "myst_nb" not in code
    for module in set(re.findall(r"^\s*import (\w+)", code, re.M)):
        if (ROOT / "figures" / f"{module}.py").is_file():
            assert f"{chapter}/{module}.py" in names  # every figure script it imports
    # the stored results of every experiment module it imports: read, not recomputed
    for module in set(re.findall(r"bendlines\.experiments import (\w+)", code)):
        for entry in (ROOT / "results").glob(f"{module}-*.npz"):
            assert f"{chapter}/results/{entry.name}" in names
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert [myst_left(c.source) for c in notebook.cells if c.cell_type == "markdown"] == [
        [] for c in notebook.cells if c.cell_type == "markdown"
    ]
    printed = [
        "".join(value) if isinstance(value, list) else value
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        for mime, value in output.get("data", {}).items()
        if mime.endswith("text/markdown")
    ]
    assert [myst_left(text) for text in printed] == [[]] * len(printed)  # printed: plain too
    assert "../figures/" not in markdown and ".md)" not in markdown
    source = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    if "{numref}" in source:
        assert re.search(r"\bFigure \d+\b", markdown)
    if "{cite" in source:
        assert re.search(r"\(\w[\w\s.-]*, \d{4}\)|\w \(\d{4}\)", markdown)
        assert "## References" in markdown
    if "{glue" in source:
        assert glued(notebook), "the build's glued values travel with the notebook"


@pytest.mark.parametrize("chapter", RUN)
def test_a_download_runs_in_a_fresh_python_and_shows_the_same_numbers(
    chapter, fresh_python, tmp_path
):
    with zipfile.ZipFile(SITE / "downloads" / f"{chapter}.zip") as archive:
        archive.extractall(tmp_path / "unpacked")
    folder = tmp_path / "unpacked" / chapter
    shipped = nbformat.read(folder / f"{chapter}.ipynb", as_version=4)
    elsewhere = tmp_path / "elsewhere"  # the runner starts in another folder
    elsewhere.mkdir()
    (elsewhere / "run.py").write_text(RUNNER)
    # Not this checkout's path, environment or kernel provisioner (bendlines.kernel_sockets):
    # the fresh Python has none of them.
    ours = {"PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_DEFAULT_PROVISIONER_NAME"}
    environment = {k: v for k, v in os.environ.items() if k not in ours}
    environment["HOME"] = str(tmp_path / "home")  # no settings of this machine
    (tmp_path / "home").mkdir()
    environment["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache/pip"))
    shipped_results = sorted((folder / "results").glob("*"))  # none: a chapter without
    start = time.perf_counter()
    result = subprocess.run(
        [str(fresh_python), "run.py", str(folder / f"{chapter}.ipynb"), str(folder),
         str(tmp_path / "ran.ipynb")],
        cwd=elsewhere,
        env=environment,
        capture_output=True,
        text=True,
        timeout=3600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    if shipped_results:  # every stored result was found: nothing recomputed, nothing written
        assert sorted((folder / "results").glob("*")) == shipped_results
    seconds = json.loads(result.stdout.strip().splitlines()[-1])["seconds"]
    print(f"{chapter}: ran in {seconds:.0f} s ({time.perf_counter() - start:.0f} s with start-up)")
    ran = nbformat.read(tmp_path / "ran.ipynb", as_version=4)
    errors = [o for c in ran.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    expected, got = glued(shipped), glued(ran)
    assert expected or chapter == "index"  # the home page draws a figure and glues nothing
    assert got.keys() == expected.keys()
    compared = [name for name in expected if not TIMINGS.search(name)]
    assert len(compared) >= 0.9 * len(expected)
    assert {n: got[n] for n in compared} == {n: expected[n] for n in compared}
    # the fresh Python used the package from the download, not this checkout
    assert str(ROOT) not in json.dumps([c.get("outputs", []) for c in ran.cells])
